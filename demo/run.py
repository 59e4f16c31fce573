"""`python -m demo.run`: emulated Confluence → source-confluence → destination-unique → emulated Unique.

Syncs once, mutates Confluence (three edits, a delete, a move, a new attachment), syncs again, then
checks that Unique's keys and updatedAt equal the Confluence emulator's truth: PASS or FAIL.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from demo import access_demo
from demo.pipeline import (
    child_env, configured_catalog, destination_config, discover, expected_from_truth, source_config, stored_in_unique, sync,
)
from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique


def print_sync(title: str, result: dict) -> None:
    summary = result["summary"]
    print(f"\n== {title} ==")
    print("records per stream: " + ", ".join(f"{k} {v}" for k, v in sorted(result["records"].items())))
    print(f"destination: {summary.get('status')} ({summary.get('mode')}); items total {summary.get('total')}, "
          f"succeeded {summary.get('succeeded')}, failed {summary.get('failed')}, skipped {summary.get('skipped')}")
    for key, space in sorted((summary.get("spaces") or {}).items()):
        print(f"  space {key:<8} new {space['new']:>3}  updated {space['updated']:>3}  moved {space['moved']:>3}  "
              f"deleted {space['deleted']:>3}")
    for guard in summary.get("guards") or []:
        print(f"  guard {guard['space_key']}: {guard['guard'] or 'none'} → {guard['action']} ({guard['reason']})")
    if summary.get("orphans_removed"):
        print(f"  orphaned spaces removed: {summary['orphans_removed']}")
    for error in result["errors"]:
        print(f"  ERROR: {error[:300]}")


def mutations(truth: dict) -> list[dict]:
    """Three edits (one a rename, which changes the page's URL: a 'moved' file in Unique's diff), a delete,
    a cross-space move and a new attachment. Deleted and moved pages are leaves, so that the summary
    shows one page going, not a whole subtree."""
    parents = {p["parentId"] for p in truth["pages"].values()}
    pages = sorted((i for i, p in truth["pages"].items() if p["status"] == "current" and not p["bodyEmpty"]), key=int)
    leaves = [i for i in pages if i not in parents]
    edited, deleted, moved = pages[:3], leaves[-1], leaves[-2]
    other_space = next(s["key"] for s in truth["spaces"].values()
                       if s["key"] != truth["pages"][moved]["spaceKey"] and s["type"] == "global")
    return ([{"op": "advance_clock", "seconds": 3600}]
            + [{"op": "edit", "id": page_id, "body": f"<p>Edited {page_id} in the demo.</p>"} for page_id in edited[:2]]
            + [{"op": "edit", "id": edited[2], "title": f"{truth['pages'][edited[2]]['title']} (renamed)"},
               {"op": "delete", "id": deleted}, {"op": "move", "id": moved, "spaceKey": other_space},
               {"op": "add_attachment", "containerId": pages[5], "title": "demo-report.pdf",
                "mediaType": "application/pdf", "fileSize": 2048}])


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="demo-") as tmp:
        workdir = Path(tmp)
        env = child_env(workdir / "staging")
        with running_confluence(mode="cloud", profile="small") as confluence, running_unique(workdir) as unique:
            truth = confluence.truth()
            (workdir / "source.json").write_text(json.dumps(source_config(confluence.base_url)))
            (workdir / "destination.json").write_text(json.dumps(
                destination_config(unique.base_url, truth["cloud_id"], confluence.base_url)))
            (workdir / "catalog.json").write_text(json.dumps(configured_catalog(discover(workdir, env))))
            print_sync("sync 1 (initial)", sync(workdir, env, "sync1"))
            ops = mutations(truth)
            confluence.mutate(ops)
            print(f"\nmutated Confluence: {', '.join(op['op'] for op in ops[1:])}")
            print_sync("sync 2 (after changes)", sync(workdir, env, "sync2"))
            expected, actual = expected_from_truth(confluence.truth()), stored_in_unique(unique.state())
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        stale = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
        print(f"\nUnique holds {len(actual)} items; Confluence truth expects {len(expected)}.")
        for label, keys in (("missing", missing), ("unexpected", extra), ("stale updatedAt", stale)):
            if keys:
                print(f"  {label}: {len(keys)} e.g. {keys[:5]}")
        is_pass = not (missing or extra or stale)
        print(f"\n{'PASS' if is_pass else 'FAIL'} in {time.monotonic() - started:.1f}s")
        is_pass = access_demo.run(workdir) and is_pass   # issue 13: a restricted page, before and after a change
        return 0 if is_pass else 1


if __name__ == "__main__":
    sys.exit(main())
