"""Reading listings one page ahead changes nothing Confluence sees (components/listing/read_ahead.py):
the same requests, route by route, as a sync that waits for each page, every one of them asked for
by the CDK, and the same records."""
import re

import pytest

from source_confluence.components.listing import read_ahead

from .harness import ALL_STREAMS, DC_STREAMS, config_for, ids_by_stream, read_streams
from .test_full_sync_matches_truth import assert_matches_truth

READ_AHEAD_PAGES = read_ahead.MAX_PENDING
SUMMARY = re.compile(r"Read ahead: (\d+) listing pages, (\d+) not asked for\.")


def _sync(emu, streams, monkeypatch, max_pending):
    monkeypatch.setattr(read_ahead, "MAX_PENDING", max_pending)
    emu.reset_stats()
    output = read_streams(config_for(emu, page_size=10), streams)
    assert_matches_truth(emu, output, streams)
    [summary] = [SUMMARY.search(m.log.message) for m in output.logs if SUMMARY.search(m.log.message)]
    return emu.stats()["by_route"], ids_by_stream(output), (int(summary[1]), int(summary[2]))


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_given_every_stream_when_reading_ahead_then_requests_and_records_equal_a_sync_without_it(
        mode, cloud_small, dc_small, monkeypatch):
    emu, streams = (cloud_small, ALL_STREAMS) if mode == "cloud" else (dc_small, DC_STREAMS)
    requests_without, records_without, (sent_without, _) = _sync(emu, streams, monkeypatch, max_pending=0)
    requests_with, records_with, (sent, unused) = _sync(emu, streams, monkeypatch, max_pending=READ_AHEAD_PAGES)
    assert sent_without == 0
    assert sent > 10, "listings of more than one page were read ahead"
    assert unused == 0, "every page read ahead was asked for by the CDK"
    assert requests_with == requests_without
    assert {s: sorted(ids) for s, ids in records_with.items()} == {s: sorted(ids) for s, ids in records_without.items()}
