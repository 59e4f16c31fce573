"""`python -m demo.run`: emulated Confluence → source-confluence → destination-unique → emulated Unique.

Syncs once, mutates Confluence (three edits, a delete, a move, a new attachment), syncs again, then
checks that the second sync reports exactly the changes made (items skipped by rule, such as empty
pages and zero-byte files, are reported apart on every sync) and that Unique's keys and updatedAt
equal the Confluence emulator's truth: PASS or FAIL.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from demo import access_demo
from demo.pipeline import (
    child_env, configured_catalog, destination_config, discover, expected_from_truth, is_stored_attachment, source_config,
    stored_in_unique, sync,
)
from destination_unique.summary import describe_reasons

CHANGE_KINDS = ("new", "updated", "moved", "deleted")
from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique


def print_sync(title: str, result: dict) -> None:
    summary = result["summary"]
    print(f"\n== {title} ==")
    print("records per stream: " + ", ".join(f"{k} {v}" for k, v in sorted(result["records"].items())))
    print(f"destination: {summary.get('status')} ({summary.get('mode')}); items total {summary.get('total')}, "
          f"succeeded {summary.get('succeeded')}, failed {summary.get('failed')}, "
          f"skipped by rule {summary.get('skipped')}{describe_reasons(summary.get('skipped_reasons') or {})}")
    for key, space in sorted((summary.get("spaces") or {}).items()):
        print(f"  space {key:<8} new {space['new']:>3}  updated {space['updated']:>3}  moved {space['moved']:>3}  "
              f"deleted {space['deleted']:>3}  skipped by rule {space['skipped']:>3}")
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


def expected_changes(truth: dict, ops: list[dict]) -> dict[str, dict[str, int]]:
    """What the second sync must report per space for `ops` (the mutations above), from the truth before
    them: an edit or a rename is one updated page; a delete is the page and its stored attachments deleted;
    a cross-space move is the page and its stored attachments deleted in one space and new in the other
    (the diff is per space, protocol §8); a new attachment is one new item. Items skipped by rule never count."""
    pages, changes = truth["pages"], {}
    stored_attachments = Counter(a["containerId"] for a in truth["attachments"].values() if is_stored_attachment(a))

    def count(space_key: str, kind: str, number: int = 1) -> None:
        changes.setdefault(space_key, dict.fromkeys(CHANGE_KINDS, 0))[kind] += number

    for op in ops:
        if op["op"] == "edit":
            count(pages[op["id"]]["spaceKey"], "updated")
        elif op["op"] == "delete":
            count(pages[op["id"]]["spaceKey"], "deleted", 1 + stored_attachments[op["id"]])
        elif op["op"] == "move":
            count(pages[op["id"]]["spaceKey"], "deleted", 1 + stored_attachments[op["id"]])
            count(op["spaceKey"], "new", 1 + stored_attachments[op["id"]])
        elif op["op"] == "add_attachment":
            count(pages[op["containerId"]]["spaceKey"], "new")
    return changes


def reported_changes(summary: dict) -> dict[str, dict[str, int]]:
    """The summary's per-space changes, leaving out spaces where nothing changed."""
    reported = {key: {kind: space[kind] for kind in CHANGE_KINDS} for key, space in (summary.get("spaces") or {}).items()}
    return {key: counts for key, counts in reported.items() if any(counts.values())}


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
            second = sync(workdir, env, "sync2")
            print_sync("sync 2 (after changes)", second)
            expected, actual = expected_from_truth(confluence.truth()), stored_in_unique(unique.state())
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        stale = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
        print(f"\nUnique holds {len(actual)} items; Confluence truth expects {len(expected)}.")
        for label, keys in (("missing", missing), ("unexpected", extra), ("stale updatedAt", stale)):
            if keys:
                print(f"  {label}: {len(keys)} e.g. {keys[:5]}")
        expected_counts, reported = expected_changes(truth, ops), reported_changes(second["summary"])
        counts_match = reported == expected_counts
        print(f"sync 2 reported exactly the changes made: {'yes' if counts_match else 'NO'}"
              + ("" if counts_match else f" (expected {expected_counts}, reported {reported})"))
        is_pass = counts_match and not (missing or extra or stale)
        print(f"\n{'PASS' if is_pass else 'FAIL'} in {time.monotonic() - started:.1f}s")
        is_pass = access_demo.run(workdir) and is_pass   # issue 13: a restricted page, before and after a change
        return 0 if is_pass else 1


if __name__ == "__main__":
    sys.exit(main())
