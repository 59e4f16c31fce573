"""`body_markdown` converted in Markdown processes (components/bodies/markdown_processes.py) equals
the connector process's own conversion, record for record, on every stream that carries it."""
import re

import pytest

from source_confluence.components.bodies import markdown_processes
from source_confluence.components.records import wire_values

from .harness import config_for, read_streams

MARKDOWN_STREAMS = ["pages", "pages_content", "blog_posts", "comments"]
SUMMARY = re.compile(r"Markdown processes: (\d+) of (\d+) bodies sent were taken\.")


def _records(emu, monkeypatch, processes):
    monkeypatch.setenv(markdown_processes.PROCESSES_ENV, str(processes))
    wire_values._cached_markdown.cache_clear()      # each run converts anew
    output = read_streams(config_for(emu, page_size=25), MARKDOWN_STREAMS)
    assert not output.errors, [e.trace.error.message for e in output.errors]
    summaries = [SUMMARY.search(m.log.message) for m in output.logs if SUMMARY.search(m.log.message)]
    records = {(m.record.stream, m.record.data["id"]): m.record.data for m in output.records}
    return records, [(int(s[1]), int(s[2])) for s in summaries]


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_given_markdown_processes_then_every_record_equals_the_in_process_conversion(mode, cloud_small, dc_small, monkeypatch):
    emu = cloud_small if mode == "cloud" else dc_small
    here, no_summary = _records(emu, monkeypatch, processes=0)
    there, [(taken, sent)] = _records(emu, monkeypatch, processes=1)
    assert no_summary == []
    assert sent > 100 and taken >= sent, "every body sent was taken (pages and pages_content take the same ones)"
    assert sum(1 for r in there.values() if r.get("body_markdown")) > 100
    assert there == here
