"""SyncProgress: periodic progress lines and one summary (also when the sync fails)."""
import pytest
from airbyte_cdk.models import AirbyteMessage, AirbyteRecordMessage, Type

from source_confluence.components.listing.progress import TALLY, SyncProgress


def record(stream):
    return AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data={}, emitted_at=0))


def logs(messages):
    return [m.log.message for m in messages if m.type == Type.LOG]


def test_given_records_beyond_the_threshold_when_observing_then_progress_lines_and_a_summary():
    TALLY.count_response("progress_unit_pages", 200)  # before observe: not this sync's
    progress = SyncProgress(clock=lambda: 0.0, every_records=2)
    out = list(progress.observe([record("progress_unit_pages")] * 5))
    lines = logs(out)
    assert [l for l in lines if l.startswith("progress:")][0].startswith("progress: progress_unit_pages 2 records, 0 requests")
    assert lines[-2].startswith("sync summary (0.0 s): progress_unit_pages 5 records, 0 requests")
    assert len([m for m in out if m.type == Type.RECORD]) == 5


def test_given_a_failing_read_when_observing_then_the_summary_still_comes_and_the_error_propagates():
    def failing():
        yield record("progress_unit_fail")
        raise RuntimeError("boom")
    seen = []
    with pytest.raises(RuntimeError):
        for message in SyncProgress(clock=lambda: 0.0).observe(failing()):
            seen.append(message)
    assert any(l.startswith("sync summary") and "progress_unit_fail 1 records" in l for l in logs(seen))
