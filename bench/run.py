"""`make bench`: run the issue #5 scenarios, check the targets, write bench/results/.

    python -m bench.run                      # everything (under 15 minutes on 2 cores)
    python -m bench.run --only medium_full   # one scenario (repeat --only for more)
    python -m bench.run --profile tiny --latency-ms 0 --attachment-bytes 4194304 --destination-items 40
                                             # the smoke configuration (integration_tests/bench)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

from bench.comparisons import Comparisons
from bench.destination_scenario import destination_throughput
from bench.report import git_info, machine_info, render_markdown
from bench.source_scenarios import SourceBench
from bench.targets import check_targets

SCENARIOS = ("medium_full", "medium_incremental", "startup_spec", "pages_markdown", "peer_comparison", "big_attachment",
             "destination_throughput", "large_full")
COMPARISONS = ("startup_spec", "pages_markdown", "peer_comparison")  # and large_full's baseline run
DEFAULT_RESULTS_DIR = Path(__file__).resolve().parent / "results"
GIB = 1024**3


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only this scenario (repeatable)")
    parser.add_argument("--profile", help="override every source scenario's emulator profile (e.g. tiny)")
    parser.add_argument("--latency-ms", type=int, help="override every injected latency")
    parser.add_argument("--attachment-bytes", type=int, default=GIB, help="size of the big attachment (default 1 GiB)")
    parser.add_argument("--destination-items", type=int, default=2000, help="items the destination ingests")
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR)
    parser.add_argument("--keep-workdir", action="store_true", help="keep configs, catalogs and stderr logs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget-seconds", type=float, default=1620,
                        help="wall-clock budget of the whole bench (default 27 min); the last run is cut to fit")
    parser.add_argument("--skip-comparisons", action="store_true",
                        help="no baseline build, no peer run: only this build's scenarios (the smoke test)")
    return parser.parse_args(argv)


def _failed(name: str, error: BaseException) -> dict:
    return {"scenario": name, "status": "error", "error": f"{type(error).__name__}: {error}",
            "traceback": "".join(traceback.format_exception(error, limit=6))}


def _run_scenarios(wanted: set[str], args: argparse.Namespace, workdir: Path, deadline: float) -> list[dict]:
    bench: SourceBench | None = None
    source_error: Exception | None = None
    if wanted - {"destination_throughput"}:
        try:
            bench = SourceBench(workdir, seed=args.seed, deadline=deadline)
        except Exception as error:  # the source does not start: every source scenario reports it
            source_error = error

    def latency(default_ms: int) -> int:
        return default_ms if args.latency_ms is None else args.latency_ms

    comparisons = None if args.skip_comparisons else Comparisons(workdir, seed=args.seed, deadline=deadline)
    groups: list[tuple[tuple[str, ...], Callable[[], list[dict]]]] = [
        (("medium_full", "medium_incremental"), lambda: bench.full_and_incremental(args.profile or "medium", latency(100))),
        (("startup_spec",), lambda: [comparisons.startup_spec()]),
        (("pages_markdown",), lambda: [comparisons.pages_markdown(args.profile or "medium", latency(0))]),
        (("peer_comparison",), lambda: [comparisons.peer_comparison(args.profile or "medium", latency(100))]),
        (("big_attachment",), lambda: [bench.big_attachment(args.profile or "tiny", args.attachment_bytes)]),
        (("destination_throughput",), lambda: [destination_throughput(
            workdir, args.destination_items, latency(20), deadline)]),
        # Last: the longest run gets whatever the budget has left, and reports partial figures if cut.
        (("large_full",), lambda: [bench.large_full(args.profile or "large", latency(0), comparisons)]),
    ]
    results = []
    for names, run_group in groups:
        if not wanted.intersection(names):
            continue
        if comparisons is None and set(names) <= set(COMPARISONS):
            continue
        if bench is None and names != ("destination_throughput",) and not set(names) <= set(COMPARISONS):
            results += [_failed(name, source_error) for name in names if name in wanted]
            continue
        print(f"[bench] {' + '.join(names)} ...", flush=True)
        started = time.monotonic()
        try:
            results += run_group()
        except Exception as error:
            results += [_failed(name, error) for name in names]
        print(f"[bench]   done in {time.monotonic() - started:.1f} s", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    wanted = set(args.only or SCENARIOS)
    started_at = dt.datetime.now(dt.timezone.utc)
    started = time.monotonic()
    machine = machine_info()  # before the run: the load average says whether the machine was quiet
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    results = _run_scenarios(wanted, args, workdir, deadline=started + args.budget_seconds)

    load_at_end = round(os.getloadavg()[0], 2)
    document = {
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "total_seconds": round(time.monotonic() - started, 1),
        "command": " ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine, "git": git_info(), "load_average_1m_at_end": load_at_end,
        "results": results, "targets": check_targets(results),
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    json_path = args.results_dir / f"{started_at.strftime('%Y%m%dT%H%M%SZ')}.json"
    json_path.write_text(json.dumps(document, indent=2) + "\n")
    markdown = render_markdown(document)
    (args.results_dir / "latest.md").write_text(markdown)
    print(markdown)
    print(f"[bench] results: {json_path}")
    has_failure = any(r.get("status") != "ok" for r in results)
    if args.keep_workdir or has_failure:
        print(f"[bench] work directory (configs, stderr logs): {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if has_failure else 0


if __name__ == "__main__":
    sys.exit(main())
