"""The peer model (bench/peer/manifest.yaml) sends the official connector's request pattern.

Run by the CDK's `source-declarative-manifest` against the tiny emulator: v2 lists at 25 per page
following `_links.next` (tiny has 30 current and archived pages: two requests), groups by offset, every object
of the four streams read once.
"""

from __future__ import annotations

import math

from bench.comparisons import Comparisons
from bench.emulator_process import confluence_emulator
from bench.truth_counts import counts_from_truth


def test_given_the_tiny_profile_when_the_peer_model_reads_then_its_requests_follow_the_official_pattern(tmp_path):
    with confluence_emulator("tiny", 0, tmp_path) as emulator:
        # The v2 page list without a `status` parameter returns current and archived pages.
        counts = counts_from_truth(emulator.truth(), include_archived=True).per_family
        peer = Comparisons(tmp_path)._peer_read(emulator)

    assert not peer["errors"], peer["errors"]
    assert peer["records_per_stream"] == {"blog_posts": counts["blog_posts"], "group": counts["groups"],
                                          "pages": counts["pages"], "space": counts["spaces"]}
    assert peer["requests_by_route"] == {
        "GET /wiki/api/v2/blogposts": math.ceil(counts["blog_posts"] / 25) or 1,
        "GET /wiki/api/v2/pages": math.ceil(counts["pages"] / 25) or 1,
        "GET /wiki/api/v2/spaces": math.ceil(counts["spaces"] / 25) or 1,
        # Offset paging stops at the first short page: one more request when the count divides by 25.
        "GET /wiki/rest/api/group": counts["groups"] // 25 + 1,
    }
