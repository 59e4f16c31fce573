"""`X-RateLimit-NearLimit: true` ("less than 20% of the quota remains", confluence-api.md §9) must slow
the source down before Confluence starts answering 429 (issue #6 part 1).

A proxy in front of the real emulator adds the header to every response; the run must still be clean,
and the source must either say it is throttling or space its requests measurably wider than without it.
"""
from __future__ import annotations

import statistics

import pytest

from .connector_runs import catalog_for, run_source
from .loopback_servers import RewritingProxy
from .source_configs import source_config

NEAR_LIMIT_HEADERS = {"X-RateLimit-NearLimit": "true", "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "3"}
THROTTLE_WORDS = ("near", "throttl", "slowing", "rate limit")


def _gaps(proxy: RewritingProxy) -> list[float]:
    times = sorted(moment for moment, method, path in proxy.request_times if "/rest/api/content/search" in path)
    return [later - earlier for earlier, later in zip(times, times[1:])]


@pytest.mark.slow
def test_given_near_limit_header_when_reading_then_the_source_slows_down(cloud_confluence, tmp_path):
    catalog = catalog_for(["pages"])
    with RewritingProxy(cloud_confluence.base_url) as plain:
        baseline = run_source("read", source_config(plain.base_url, page_size=2, num_workers=1), tmp_path,
                              catalog=catalog)
        plain_gaps = _gaps(plain)
    with RewritingProxy(cloud_confluence.base_url, extra_headers=NEAR_LIMIT_HEADERS) as near:
        run = run_source("read", source_config(near.base_url, page_size=2, num_workers=1), tmp_path, catalog=catalog)
        near_gaps = _gaps(near)
    assert run.exit_code == 0 and run.record_ids("pages") == baseline.record_ids("pages"), run.failure_text()
    assert len(near_gaps) >= 2, "need several pages to measure spacing; lower page_size"
    said_so = any(word in message.lower() for message in run.logs() for word in THROTTLE_WORDS)
    slower = statistics.median(near_gaps) >= statistics.median(plain_gaps) * 2 + 0.05
    assert said_so or slower, (
        f"NearLimit ignored: median gap {statistics.median(near_gaps):.3f}s with the header vs "
        f"{statistics.median(plain_gaps):.3f}s without, and no throttle log")
