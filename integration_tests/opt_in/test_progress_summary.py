"""Visible progress (issue #7 part 6): the end-of-sync summary reports requests per stream equal to
what the emulator served, a non-zero rate-limit wait after a 429, and the CDK's stream statuses."""
import json

from airbyte_cdk.models import AirbyteStreamStatus

from emulators.confluence.testing import running_confluence

from .test_opt_in_streams import config_for, read_streams

ROUTE_OF = {"spaces": "GET /wiki/api/v2/spaces", "labels": "GET /wiki/api/v2/labels",
            "content_labels": "GET /wiki/rest/api/content/search"}


def summary_of(output):
    lines = [m.log.message for m in output.logs if m.log.message.startswith("sync summary (json): ")]
    assert len(lines) == 1, lines
    return json.loads(lines[0].removeprefix("sync summary (json): "))


def test_given_a_429_when_syncing_then_summary_counts_requests_per_stream_and_the_wait():
    fault = {"route": "GET /wiki/api/v2/spaces", "kind": "status", "status": 429, "times": 1, "retry_after": "1"}
    with running_confluence(mode="cloud", profile="small", faults=[fault]) as emu:
        output = read_streams(config_for(emu, max_backoff_seconds=0.01), list(ROUTE_OF))
        served = emu.stats()["by_route"]
    summary = summary_of(output)
    for stream, route in ROUTE_OF.items():
        assert summary[stream]["requests"] == served[route], stream
        assert summary[stream]["records"] == len([m for m in output.records if m.record.stream == stream])
    assert summary["spaces"]["rate_limited_requests"] == 1
    assert summary["spaces"]["rate_limit_wait_seconds"] > 0          # 0.01 s capped Retry-After + the CDK's 1 s
    assert summary["labels"]["rate_limit_wait_seconds"] == 0
    human = next(m.log.message for m in output.logs if m.log.message.startswith("sync summary ("))
    assert "spaces" in human and "waited on rate limits" in human


def test_given_each_stream_when_syncing_then_cdk_stream_statuses_run_started_running_complete():
    with running_confluence(mode="cloud", profile="tiny") as emu:
        output = read_streams(config_for(emu), ["spaces", "content_labels", "space_permissions"])
    for stream in ("spaces", "content_labels", "space_permissions"):
        statuses = output.get_stream_statuses(stream)
        assert statuses[0] == AirbyteStreamStatus.STARTED and statuses[-1] == AirbyteStreamStatus.COMPLETE, statuses
        assert AirbyteStreamStatus.RUNNING in statuses
