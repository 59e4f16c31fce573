"""The bench's wall-clock budget (bench/README.md, "Running"): run timeouts capped, a cut run not judged."""

import time

from bench.source_runs import MIN_RUN_SECONDS, SourceRunner
from bench.targets import check_targets


def test_given_no_deadline_when_timing_a_run_then_the_requested_timeout_is_kept(tmp_path):
    assert SourceRunner(tmp_path)._timeout(900) == 900


def test_given_a_deadline_when_timing_a_run_then_the_timeout_is_what_is_left_but_never_below_the_floor(tmp_path):
    assert 100 < SourceRunner(tmp_path, deadline=time.monotonic() + 200)._timeout(900) <= 200
    assert SourceRunner(tmp_path, deadline=time.monotonic() + 10_000)._timeout(120) == 120
    assert SourceRunner(tmp_path, deadline=time.monotonic() - 5)._timeout(900) == MIN_RUN_SECONDS


def test_given_a_large_run_cut_by_the_budget_when_checking_targets_then_requests_are_na_and_rss_is_still_judged():
    results = [{"scenario": "large_full", "status": "ok", "timed_out": True, "requests_ratio": 0.4, "peak_rss_mb": 260.0}]
    verdicts = [(c["target"], c["measured"], c["is_met"]) for c in check_targets(results)]
    assert verdicts == [("requests ≤ 1.15 × lower bound", "run cut by the time budget", None),
                        ("peak RSS ≤ 250 MB (until the budget cut the run)", "260.0 MB (limit 250 MB)", False)]
