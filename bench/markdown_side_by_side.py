"""Old vs. new `body_markdown` on the real storage bodies recorded in ../shared/real-responses.

    python -m bench.markdown_side_by_side [--baseline-dir DIR] [--out bench/results/tmp/markdown-side-by-side.md]

The old engine (BeautifulSoup + markdownify, commit 269d29f) runs in the baseline build that
`bench.baseline` makes (its own venv); the new one in this process. The report holds recorded
bodies, so it is written under bench/results/tmp/ (git-ignored) and never committed: the shared
reference data stays outside the project. Prints a summary: bodies, identical outputs, time per
body of each engine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.baseline import BASELINE_COMMIT, build_baseline

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_RESPONSES = REPO_ROOT.parent / "shared" / "real-responses"
DEFAULT_OUT = REPO_ROOT / "bench" / "results" / "tmp" / "markdown-side-by-side.md"

_OLD_ENGINE = """
import json, sys, time
from source_confluence.components.markdown import storage_to_markdown  # the baseline's layout (269d29f)
bodies = json.load(sys.stdin)
started = time.perf_counter()
out = [storage_to_markdown(body) for body in bodies]
json.dump({"markdown": out, "seconds": time.perf_counter() - started}, sys.stdout)
"""


def real_bodies(directory: Path = SHARED_RESPONSES) -> list[tuple[str, str]]:
    """`(label, storage body)` for every storage body in the recorded responses."""
    found: list[tuple[str, str]] = []

    def walk(node, file_name: str, trail: str) -> None:
        if isinstance(node, dict):
            storage = node.get("storage")
            if isinstance(storage, dict) and isinstance(storage.get("value"), str):
                found.append((f"{file_name} {trail}", storage["value"]))
            for key, value in node.items():
                walk(value, file_name, f"{trail}/{key}" if key not in ("body", "results") else trail)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                title = value.get("title") if isinstance(value, dict) else None
                walk(value, file_name, f"{trail}[{index}{': ' + title if title else ''}]")

    for path in sorted(directory.glob("*.json")):
        walk(json.loads(path.read_text()).get("body"), path.name, "")
    return found


def old_markdown(baseline_dir: Path, bodies: list[str]) -> tuple[list[str], float]:
    completed = subprocess.run([str(baseline_dir / ".venv" / "bin" / "python"), "-c", _OLD_ENGINE],
                               input=json.dumps(bodies), capture_output=True, text=True, cwd=baseline_dir, check=True)
    result = json.loads(completed.stdout)
    return result["markdown"], result["seconds"]


def new_markdown(bodies: list[str]) -> tuple[list[str], float]:
    from source_confluence.components.bodies.markdown import storage_to_markdown

    started = time.perf_counter()
    out = [storage_to_markdown(body) for body in bodies]
    return out, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.markdown_side_by_side", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline-dir", type=Path, help="an existing baseline build (default: build one)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not SHARED_RESPONSES.is_dir():
        print(f"no recorded responses at {SHARED_RESPONSES}: nothing to compare", file=sys.stderr)
        return 0
    labelled = real_bodies()
    bodies = [body for _, body in labelled]
    baseline_dir = args.baseline_dir or build_baseline()
    old, old_seconds = old_markdown(baseline_dir, bodies * 20)
    new, new_seconds = new_markdown(bodies * 20)
    old, new = old[: len(bodies)], new[: len(bodies)]
    identical = sum(1 for a, b in zip(old, new) if a == b)
    summary = (f"{len(bodies)} real storage bodies ({sum(map(len, bodies))} characters); identical output: "
               f"{identical}; old engine ({BASELINE_COMMIT}) {old_seconds / len(bodies) / 20 * 1000:.3f} ms/body, "
               f"new {new_seconds / len(bodies) / 20 * 1000:.3f} ms/body "
               f"({old_seconds / new_seconds:.1f}× faster)")
    lines = ["# body_markdown: old vs. new on ../shared/real-responses", "", summary, ""]
    for (label, body), before, after in zip(labelled, old, new):
        lines += [f"## {label}", "", f"storage: {len(body)} chars · "
                  + ("identical" if before == after else f"old {len(before)} chars, new {len(after)} chars"), ""]
        if before != after:
            lines += ["### old", "", "````markdown", before, "````", "", "### new", "", "````markdown", after, "````", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print(summary)
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
