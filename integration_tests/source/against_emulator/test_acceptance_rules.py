"""The record checks of acceptance-test-config.yml that the CDK's standard tests do not run (issue 10 part 3).

* basic_read `expect_records` (+ `exact_order`, `fail_on_extra_columns`): a real read of the emulator's
  `small` profile equals the committed expected records, stream by stream in order, and no record has a
  top-level field its stream's schema does not declare. Stricter than CAT, which compares primary keys.
* incremental (CAT's test_two_sequential_reads / test_read_sequential_slices): the first read's records
  are not newer than the state it ends with, and a read from that state sends nothing older.
* future_state: the declared bypass is what the connector does: a cursor in the future is dropped with a
  warning and the stream is read in full (losing no data), instead of CAT's "no records".

After a deliberate change of records: `python -m integration_tests.source.against_emulator.acceptance_config`.
"""
from __future__ import annotations

import datetime
import json

import pytest
from airbyte_cdk.models import SyncMode

from source_confluence.run import run

from . import acceptance_config
from .harness import config_for, final_state, read_streams

BASIC_READ = {("datacenter" if "datacenter" in entry["config_path"] else "cloud"): entry
              for entry in acceptance_config.entries(acceptance_config.load(), "basic_read")}
CURSORS = {"pages": "lastModifiedAt", "blog_posts": "createdAt"}


@pytest.fixture(params=["cloud", "datacenter"])
def small_emulator(request):
    return request.getfixturevalue("cloud_small" if request.param == "cloud" else "dc_small")


def test_expected_records_are_a_real_read_of_the_small_profile(small_emulator):
    entry = BASIC_READ[small_emulator.mode]
    expected = acceptance_config.read_expected_records(acceptance_config.expected_records_path(entry))

    records, streams = acceptance_config.read_all_streams(small_emulator)

    actual: dict = {}
    for stream, data in records:
        actual.setdefault(stream, []).append(data)
    empty = {stream["name"] for stream in entry.get("empty_streams", [])}
    assert set(expected) == set(streams) - empty, "every stream read at high strictness has expected records"
    for stream in streams:
        got, want = actual.get(stream, []), expected.get(stream, [])
        if entry["expect_records"].get("exact_order"):
            assert [r["id"] for r in got] == [r["id"] for r in want], f"{stream}: order or ids differ"
        assert sorted(map(_canonical, got)) == sorted(map(_canonical, want)), f"{stream}: record contents differ"
    if entry.get("fail_on_extra_columns", True):
        extra = {(stream, key) for stream, data in records for key in data
                 if key not in (streams[stream].json_schema.get("properties") or {})}
        assert extra == set(), "top-level fields the stream schema does not declare"


def test_incremental_reads_continue_from_the_state_they_end_with(small_emulator):
    config = config_for(small_emulator)
    first = read_streams(config, CURSORS, sync_mode=SyncMode.incremental)
    state = {stream: final_state(first, stream) for stream in CURSORS}

    second = read_streams(config, CURSORS, state=state, sync_mode=SyncMode.incremental)

    assert first.state_messages and all(state[stream].get(cursor) for stream, cursor in CURSORS.items())
    for message in first.records:
        stream = message.record.stream
        assert _moment(message.record.data[CURSORS[stream]]) <= _moment(state[stream][CURSORS[stream]])
    for message in second.records:
        stream = message.record.stream
        assert _moment(message.record.data[CURSORS[stream]]) >= _moment(state[stream][CURSORS[stream]])


def test_a_future_cursor_is_dropped_and_the_stream_read_in_full(cloud_small, tmp_path, capsys):
    """The `future_state.bypass_reason` of acceptance-test-config.yml, as the connector's entry point runs it."""
    config_path, catalog_path, state_path = (tmp_path / name for name in ("config.json", "catalog.json", "state.json"))
    config_path.write_text(json.dumps(config_for(cloud_small)))
    catalog_path.write_text((acceptance_config.REPO_ROOT / "integration_tests/acceptance/configured_catalog_incremental.json").read_text())
    state_path.write_text(json.dumps([
        {"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": {cursor: "2999-01-01T00:00:00.000Z"}}}
        for stream, cursor in CURSORS.items()]))
    truth = cloud_small.truth()

    run(["read", "--config", str(config_path), "--catalog", str(catalog_path), "--state", str(state_path)])

    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    warnings = [m["log"]["message"] for m in messages if m["type"] == "LOG" and "is in the future" in m["log"]["message"]]
    current = {stream: {i for i, item in truth[stream].items() if item["status"] == "current"} for stream in CURSORS}
    assert {stream: {r["data"]["id"] for r in records if r["stream"] == stream} for stream in CURSORS} == current
    assert len(warnings) == 2
    assert any(m["type"] == "STATE" for m in messages)


def _moment(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def _canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True)
