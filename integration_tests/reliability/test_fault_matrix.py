"""Fault matrix (issue #6 part 1): the real source against the real emulator's fault switches.

Each scenario (fault_scenarios.py) ends with exactly the records of a fault-free run, or with a clear
failure after a bounded number of requests and bounded time. `make test` runs one representative per
fault class; `make reliability` runs them all.
"""
from __future__ import annotations

import time

import pytest

from .connector_runs import catalog_for, run_source
from .fault_scenarios import (CLEAN, EITHER, LOUD, MAX_REQUESTS_PER_FAULTED_ROUTE, MAX_WALL_SECONDS, SCENARIOS,
                              Scenario, http_date_in)
from .source_configs import FAULT_STREAMS, source_config

CATALOG = catalog_for(FAULT_STREAMS)


def _armed(rule: dict) -> dict:
    if rule.get("retry_after") == "HTTP-DATE+30":
        return {**rule, "retry_after": http_date_in(30)}
    return rule


@pytest.fixture(scope="module")
def clean_runs(cloud_confluence, dc_confluence, tmp_path_factory):
    """Per deployment: the fault-free record ids per stream and requests per route."""
    baselines = {}
    for mode, emu in (("cloud", cloud_confluence), ("datacenter", dc_confluence)):
        emu.clear_faults()
        emu.reset_stats()
        run = run_source("read", source_config(emu.base_url, mode=mode), tmp_path_factory.mktemp(f"clean-{mode}"),
                         catalog=CATALOG)
        assert run.exit_code == 0 and not run.trace_errors(), run.text[-3000:]
        baselines[mode] = ({stream: run.record_ids(stream) for stream in FAULT_STREAMS},
                           dict(emu.stats()["by_route"]))
    return baselines


def test_given_no_fault_then_the_clean_run_holds_every_current_page_and_blog_post(clean_runs, cloud_confluence,
                                                                                  dc_confluence):
    for mode, emu in (("cloud", cloud_confluence), ("datacenter", dc_confluence)):
        truth = emu.truth()
        ids, _ = clean_runs[mode]
        for stream, kind in (("pages", "pages"), ("blog_posts", "blog_posts")):
            expected = {pid for pid, item in truth[kind].items() if item["status"] == "current"}
            assert ids[stream] == expected, f"{mode} {stream}: clean run differs from the truth"
        assert ids["pages"], "the tiny profile must have pages for the matrix to mean anything"


def _check_scenario(scenario: Scenario, emulator, clean_runs, tmp_path) -> None:
    expected_ids, clean_requests = clean_runs[scenario.mode]
    config = source_config(emulator.base_url, mode=scenario.mode, **scenario.config)
    emulator.clear_faults()
    emulator.reset_stats()
    emulator.set_faults([_armed(rule) for rule in scenario.rules])
    started = time.monotonic()
    try:
        run = run_source("read", config, tmp_path, catalog=CATALOG, timeout_seconds=MAX_WALL_SECONDS)
    finally:
        emulator.clear_faults()
    elapsed = time.monotonic() - started
    requests = emulator.stats()["by_route"]
    faulted_requests = requests.get(scenario.route, 0)
    got_ids = {stream: run.record_ids(stream) for stream in FAULT_STREAMS}
    failed = run.exit_code != 0 or bool(run.trace_errors())
    summary = f"{scenario.name}: exit {run.exit_code}, {elapsed:.1f}s, {faulted_requests} requests to {scenario.route}"

    assert elapsed < MAX_WALL_SECONDS, summary
    assert faulted_requests <= MAX_REQUESTS_PER_FAULTED_ROUTE, f"{summary}: unbounded retries"
    for stream in FAULT_STREAMS:
        assert got_ids[stream] <= expected_ids[stream], f"{summary}: {stream} has ids a clean run does not"
    if failed:
        assert scenario.outcome in (LOUD, EITHER), f"{summary}: expected a clean run, got\n{run.failure_text()[:2000]}"
        message = run.failure_text().lower()
        assert message.strip(), f"{summary}: failed without a TRACE error or ERROR log saying why"
        assert any(word in message for word in scenario.failure_words), (
            f"{summary}: the failure does not name its cause ({scenario.failure_words}):\n{message[:2000]}")
        assert "traceback (most recent call last)" not in "\n".join(m.get("message") or "" for m in run.trace_errors()).lower()
    else:
        assert scenario.outcome in (CLEAN, EITHER), (
            f"{summary}: expected a clear failure, but the run reported success with "
            f"{ {s: len(v) for s, v in got_ids.items()} } records (clean: { {s: len(v) for s, v in expected_ids.items()} })")
        lost = {stream: sorted(expected_ids[stream] - got_ids[stream]) for stream in FAULT_STREAMS}
        assert not any(lost.values()), f"{summary}: a 'successful' run lost records {lost}"
        fires_without_extra_request = scenario.rules[0]["kind"] == "wrong_start"
        assert fires_without_extra_request or faulted_requests > clean_requests.get(scenario.route, 0), (
            f"{summary}: the fault never fired (no extra request to {scenario.route}); the scenario proves nothing")


def _params(fast_only: bool):
    params = []
    for scenario in SCENARIOS:
        if fast_only and not scenario.fast:
            continue
        marks = [] if scenario.fast and fast_only else [pytest.mark.slow]
        params.append(pytest.param(scenario, id=scenario.name, marks=marks))
    return params


@pytest.mark.parametrize("scenario", _params(fast_only=True))
def test_fault_class_representative(scenario, cloud_confluence, dc_confluence, clean_runs, tmp_path):
    _check_scenario(scenario, cloud_confluence if scenario.mode == "cloud" else dc_confluence, clean_runs, tmp_path)


@pytest.mark.parametrize("scenario", _params(fast_only=False))
def test_fault_matrix(scenario, cloud_confluence, dc_confluence, clean_runs, tmp_path):
    _check_scenario(scenario, cloud_confluence if scenario.mode == "cloud" else dc_confluence, clean_runs, tmp_path)
