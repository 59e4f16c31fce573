"""The lower bound is computed from the counts it is given, family by family (bench/README.md)."""

import math

import pytest

from bench.airbyte_messages import OutputTally, configured_catalog
from bench.lower_bound import (FAMILY_FORMULAS, DatasetCounts, bound_time_seconds, catalog_bound, critical_path_seconds,
                               incremental_lower_bound, lower_bound, pages_needed)
from bench.targets import check_targets
from bench.truth_counts import counts_from_truth

PAGE_SIZES = {family: 250 for family in FAMILY_FORMULAS} | {"groups": 200, "group_members": 200, "audit": 1000}


def test_given_counts_when_computing_pages_needed_then_it_is_the_ceiling_and_never_zero():
    assert [pages_needed(n, 250) for n in (0, 1, 250, 251, 5000, 5001)] == [1, 1, 1, 2, 20, 21]
    with pytest.raises(ValueError):
        pages_needed(10, 0)


def test_given_family_counts_when_computing_the_lower_bound_then_each_family_pays_its_own_ceiling():
    per_family = {"spaces": 10, "pages": 5001, "blog_posts": 240, "footer_comments": 9000, "inline_comments": 6000,
                  "attachments": 5000, "labels": 300, "users": 200, "groups": 5, "audit": 2500}
    members = (0, 199, 200, 201, 450)
    bound = lower_bound(DatasetCounts(per_family, members), PAGE_SIZES, fixed_requests=1)

    by_family = {f.family: f.requests for f in bound.families}
    expected = {family: math.ceil(n / PAGE_SIZES[family]) for family, n in per_family.items()}
    assert {k: v for k, v in by_family.items() if k != "group_members"} == expected
    assert by_family["group_members"] == 1 + 1 + 1 + 2 + 3  # an empty group still costs a request
    assert bound.total == sum(expected.values()) + 8 + 1
    assert bound.longest_chain == max(expected.values())


def test_given_a_bound_when_computing_time_then_latency_is_shared_by_the_workers():
    assert bound_time_seconds(120, latency_ms=100, concurrency=4) == pytest.approx(3.0)
    assert bound_time_seconds(120, latency_ms=0, concurrency=4) == 0
    with pytest.raises(ValueError):
        bound_time_seconds(1, 100, 0)
    bound = lower_bound(DatasetCounts({"pages": 1000}, ()), PAGE_SIZES)
    assert critical_path_seconds(bound, latency_ms=100) == pytest.approx(0.4)


def test_given_changes_when_computing_the_incremental_bound_then_each_stream_pays_at_least_one_search():
    assert incremental_lower_bound({"pages": 50, "blog_posts": 0}, page_size=250, fixed_requests=1) == 3
    assert incremental_lower_bound({"pages": 600}, page_size=250) == 3


def test_given_truth_when_counting_then_archived_pages_count_only_when_asked():
    truth = {"spaces": {"1": {}, "2": {}},
             "pages": {"10": {"status": "current"}, "11": {"status": "archived"}, "12": {"status": "current"}},
             "blog_posts": {"20": {"status": "current"}},
             "comments": {"30": {"location": "footer"}, "31": {"location": "inline"}, "32": {"location": "footer"}},
             "attachments": {"att1": {}}, "labels": {"40": {}}, "users": {"u1": {}, "u2": {}},
             "groups": {"g1": {"members": ["u1", "u2"]}, "g2": {"members": []}}, "audit": ["1-1", "2-1", "3-1"]}
    counts = counts_from_truth(truth)
    assert counts.per_family == {"spaces": 2, "pages": 2, "blog_posts": 1, "footer_comments": 2,
                                 "inline_comments": 1, "attachments": 1, "labels": 1, "users": 2, "groups": 2,
                                 "audit": 3}
    assert counts.group_member_counts == (2, 0)
    assert counts_from_truth(truth, include_archived=True).per_family["pages"] == 3


def test_given_source_output_when_tallying_then_records_are_counted_and_the_latest_state_kept():
    tally = OutputTally()
    for line in [b'{"type":"RECORD","record":{"stream":"pages","data":{"stream":"x"},"emitted_at":1}}',
                 b'{"type": "RECORD", "record": {"stream": "pages", "data": {}, "emitted_at": 1}}',
                 b'{"type":"RECORD","record":{"stream":"spaces","data":{},"emitted_at":1}}',
                 b'{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"pages"},"stream_state":{"c":1}}}}',
                 b'{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"pages"},"stream_state":{"c":2}}}}',
                 b'{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"boom"}}}',
                 b'not json']:
        tally(line)
    assert dict(tally.records_per_stream) == {"pages": 2, "spaces": 1}
    assert [s["stream"]["stream_state"] for s in tally.state_messages()] == [{"c": 2}]
    assert tally.errors == ["boom"] and tally.non_json_lines == 1


def test_given_a_discovered_catalog_when_configuring_then_incremental_only_where_supported():
    discovered = {"streams": [
        {"name": "pages", "supported_sync_modes": ["full_refresh", "incremental"], "default_cursor_field": ["lastModifiedAt"]},
        {"name": "attachments", "supported_sync_modes": ["full_refresh"], "is_file_based": True},
        {"name": "spaces", "supported_sync_modes": ["full_refresh"]}]}
    catalog = configured_catalog(discovered, incremental_streams=["pages", "spaces"], include_files=True)
    modes = {s["stream"]["name"]: (s["sync_mode"], s.get("include_files", False)) for s in catalog["streams"]}
    assert modes == {"pages": ("incremental", False), "attachments": ("full_refresh", True),
                     "spaces": ("full_refresh", False)}
    assert [s["stream"]["name"] for s in configured_catalog(discovered, only_streams=["spaces"])["streams"]] == ["spaces"]


def test_given_results_when_checking_targets_then_each_limit_is_judged_and_failures_reported():
    results = [{"scenario": "medium_full", "status": "ok", "requests_ratio": 1.2, "wall_ratio": 5.0,
                "wall_ratio_corrected": 1.9},
               {"scenario": "large_full", "status": "ok", "requests_ratio": 1.0, "peak_rss_mb": 251.0,
                "speedup_over_baseline": 4.0, "baseline": {"cut": True, "wall_seconds": 400.0}},
               {"scenario": "startup_spec", "status": "ok", "speedup": 1.9},
               {"scenario": "pages_markdown", "status": "ok", "speedup": 5.5, "baseline": {},
                "current": {"records_total": 10, "records_with_body_markdown": 9}},
               {"scenario": "peer_comparison", "status": "ok", "speedup": 6.0},
               {"scenario": "destination_throughput", "status": "error", "error": "no destination"}]
    verdicts = [(c["scenario"], c["target"], c["is_met"]) for c in check_targets(results)]
    assert verdicts == [("medium_full", "requests ≤ 1.15 × lower bound", False),
                        ("medium_full", "wall ≤ 2.0 × corrected bound time (longest listing, + spec start-up)", True),
                        ("large_full", "requests ≤ 1.15 × lower bound", True),
                        ("large_full", "peak RSS ≤ 250 MB", False),
                        ("large_full", "≥ 3 × faster than the baseline", True),
                        ("startup_spec", "spec (fresh venvs) ≥ 2 × faster than the baseline", False),
                        ("pages_markdown", "pages with bodies + Markdown ≥ 5 × faster than the baseline", True),
                        ("pages_markdown", "every page record has body_markdown", False),
                        ("peer_comparison", "≥ 5 × less wall time than the official connector's pattern", True),
                        ("destination_throughput", "scenario ran", False)]
    assert "≥ 4.0× (baseline cut after 400.0 s" in check_targets(results)[4]["measured"]
    results[1]["speedup_over_baseline"] = 2.0  # cut below the limit: proves nothing
    assert check_targets(results)[4]["is_met"] is None


def test_given_streams_sharing_a_family_when_computing_the_catalog_bound_then_each_stream_pays_for_it():
    bound = lower_bound(DatasetCounts({"pages": 500, "blog_posts": 10, "attachments": 260}, ()), PAGE_SIZES)
    result = catalog_bound(bound, ["pages", "pages_content", "content_index", "mystery"])
    assert result["per_stream"] == {"pages": 2, "pages_content": 2, "content_index": 2 + 1 + 2}
    assert result["total"] == 9 and result["unaccounted_streams"] == ["mystery"]
