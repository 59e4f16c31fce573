"""Kill and resume (issue #6 part 2): the source is SIGKILLed after N stdout lines (N from a seeded RNG)
and resumed from the last STATE it emitted; what it emitted up to that STATE plus what the resumed run
emits covers the truth. Records after the last STATE do not count: a destination has not committed them.
"""
from __future__ import annotations

import random

import pytest

from .connector_runs import ConnectorRun, catalog_for, run_source
from .source_configs import source_config

INCREMENTAL = ("pages", "blog_posts")
FULL_REFRESH = ("spaces", "comments", "attachments")
CATALOG = catalog_for(INCREMENTAL + FULL_REFRESH, incremental=INCREMENTAL)
SEED = 6


def expected_ids(truth: dict) -> dict[str, set[str]]:
    current = lambda items: {i for i, item in items.items() if item.get("status", "current") == "current"}  # noqa: E731
    return {"pages": current(truth["pages"]), "blog_posts": current(truth["blog_posts"]),
            "spaces": current(truth["spaces"]), "comments": set(truth["comments"]),
            "attachments": set(truth["attachments"])}


def committed_part(run: ConnectorRun) -> tuple[dict[str, set[str]], list[dict]]:
    """Record ids emitted before the last STATE, and the latest state per stream at that point."""
    ids = {stream: set() for stream in CATALOG_STREAMS}
    pending = {stream: set() for stream in CATALOG_STREAMS}
    latest: dict[str, dict] = {}
    for message in run.messages:
        if message["type"] == "RECORD":
            record = message["record"]
            pending.setdefault(record["stream"], set()).add(str(record["data"]["id"]))
        elif message["type"] == "STATE":
            state = message["state"]
            key = (state.get("stream") or {}).get("stream_descriptor", {}).get("name") or state.get("type")
            latest[key] = state
            for stream, new in pending.items():
                ids.setdefault(stream, set()).update(new)
                new.clear()
    return ids, list(latest.values())


CATALOG_STREAMS = INCREMENTAL + FULL_REFRESH


def _kill_and_resume(emu, tmp_path, runs: int) -> None:
    config = source_config(emu.base_url, page_size=3)
    clean = run_source("read", config, tmp_path, catalog=CATALOG)
    assert clean.exit_code == 0, clean.failure_text()
    truth = expected_ids(emu.truth())
    for stream in CATALOG_STREAMS:
        assert clean.record_ids(stream) == truth[stream], f"clean run already differs from the truth on {stream}"
    rng = random.Random(SEED)
    lost_report = []
    for attempt in range(runs):
        kill_after = rng.randint(1, max(2, len(clean.lines) - 1))
        killed = run_source("read", config, tmp_path, catalog=CATALOG, kill_after_lines=kill_after)
        committed, states = committed_part(killed)
        resumed = run_source("read", config, tmp_path, catalog=CATALOG, state=states or None)
        assert resumed.exit_code == 0, f"resume after kill at line {kill_after} failed: {resumed.failure_text()[:2000]}"
        for stream in CATALOG_STREAMS:
            lost = truth[stream] - committed.get(stream, set()) - resumed.record_ids(stream)
            if lost:
                lost_report.append(f"run {attempt} (killed after {kill_after} lines): {stream} lost {sorted(lost)}")
    assert not lost_report, "\n".join(lost_report)


def test_given_three_kills_when_resuming_from_last_state_then_nothing_is_lost(cloud_confluence, tmp_path):
    _kill_and_resume(cloud_confluence, tmp_path, runs=3)


@pytest.mark.slow
def test_given_twenty_kills_when_resuming_from_last_state_then_nothing_is_lost(cloud_confluence, tmp_path):
    _kill_and_resume(cloud_confluence, tmp_path, runs=20)
