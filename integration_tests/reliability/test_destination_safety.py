"""Destination safety (issue #6 part 4): however the source fails, content that still exists in
Confluence is never deleted from Unique, and the guard that fired is named in the destination's output.

A first good sync (real source | real destination) fills the Unique emulator; then the destination is
fed a failing stream: from the real source (bad credentials) or synthesized from the good run's
messages (a space missing, an error mid-stream, a key format change, truncation at random points),
or Unique itself fails during deletion. Confluence does not change, so no key may disappear.
"""
from __future__ import annotations

import copy
import json
import random

import pytest

from .connector_runs import ConnectorRun, catalog_for, run_destination, run_source
from .source_configs import source_config

SOURCE_STREAMS = ("pages", "blog_posts", "content_index", "spaces")
GUARD_WORDS = ("guard", "discovery", "abort", "refus", "not delet", "skipp")


def destination_catalog() -> dict:
    catalog = catalog_for(SOURCE_STREAMS)
    for entry in catalog["streams"]:
        entry["destination_sync_mode"] = "overwrite"
    return catalog


def destination_config(unique, confluence) -> dict:
    return {
        "ingestion_url": unique.base_url,
        "scope_management_url": unique.scope_management_url,
        "credentials": {"auth_type": "client_credentials", "token_url": unique.token_url, "client_id": "demo-client",
                        "client_secret": "demo-secret", "project_id": "demo-project"},
        "root_scope_id": "root-confluence",
        "tenant_name": "reliability",
        "confluence_instance_type": "cloud",
        "confluence_instance_id": confluence.truth()["cloud_id"],
        "confluence_base_url": confluence.base_url + "/wiki",
        "attachments_enabled": False,
        "http_backoff_base_seconds": 0.0,
    }


def stored_keys(unique) -> set[str]:
    return {item.get("key") for item in unique.state()["contents"]}


def named_guard(run: ConnectorRun) -> str:
    return "\n".join(run.logs() + [e.get("message") or "" for e in run.trace_errors()])


@pytest.fixture(scope="module")
def good_source_run(cloud_confluence, tmp_path_factory) -> ConnectorRun:
    run = run_source("read", source_config(cloud_confluence.base_url, page_size=25),
                     tmp_path_factory.mktemp("good-source"), catalog=catalog_for(SOURCE_STREAMS))
    assert run.exit_code == 0 and run.records("pages"), run.failure_text()
    return run


@pytest.fixture
def filled_unique(tmp_path, cloud_confluence, good_source_run):
    from emulators.unique.testing import running_unique

    with running_unique(tmp_path / "unique") as unique:
        config = destination_config(unique, cloud_confluence)
        first = run_destination("write", config, tmp_path, catalog=destination_catalog(), messages=good_source_run.lines)
        assert first.exit_code == 0, first.text[-3000:]
        keys = stored_keys(unique)
        assert len(keys) >= len(good_source_run.records("pages")), "the good sync did not store the pages"
        yield unique, config, keys


def _assert_nothing_deleted(unique, before: set[str], run: ConnectorRun, scenario: str, guard_expected: bool) -> None:
    after = stored_keys(unique)
    lost = sorted(before - after)
    assert not lost, f"{scenario}: deleted {len(lost)} items that still exist in Confluence: {lost[:10]}"
    if guard_expected:
        said = named_guard(run).lower()
        assert any(word in said for word in GUARD_WORDS), f"{scenario}: no guard named in the output:\n{said[-2000:]}"


def _without_space(lines: list[str], space_key: str) -> list[str]:
    kept = []
    for line in lines:
        message = json.loads(line)
        data = (message.get("record") or {}).get("data") or {}
        if message["type"] == "RECORD" and message["record"]["stream"] != "spaces" and data.get("spaceKey") == space_key:
            continue
        kept.append(line)
    return kept


def _error_trace(text: str) -> str:
    return json.dumps({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 0, "error": {
        "message": text, "failure_type": "system_error"}}})


def _cut_with_error(lines: list[str], fraction: float) -> list[str]:
    records = [i for i, line in enumerate(lines) if '"RECORD"' in line]
    cut = records[int(len(records) * fraction)]
    return lines[:cut] + [_error_trace("Confluence answered 500 while listing content_index")]


def _rekeyed(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        message = json.loads(line)
        if message["type"] == "RECORD" and message["record"]["stream"] in ("pages", "blog_posts", "content_index"):
            message = copy.deepcopy(message)
            message["record"]["data"]["id"] = "confluence-" + str(message["record"]["data"]["id"])
        out.append(json.dumps(message))
    return out


def test_given_bad_credentials_when_syncing_then_nothing_is_deleted(filled_unique, cloud_confluence, tmp_path):
    unique, config, before = filled_unique
    bad = source_config(cloud_confluence.base_url)
    bad["credentials"]["api_token"] = "revoked-token-9d2e"
    source = run_source("read", bad, tmp_path, catalog=catalog_for(SOURCE_STREAMS))
    assert not source.records("pages")
    run = run_destination("write", config, tmp_path, catalog=destination_catalog(), messages=source.lines)
    _assert_nothing_deleted(unique, before, run, "bad credentials", guard_expected=True)


def test_given_a_space_missing_from_discovery_when_syncing_then_its_content_stays(filled_unique, good_source_run,
                                                                                 tmp_path):
    unique, config, before = filled_unique
    space_key = good_source_run.records("pages")[0]["data"]["spaceKey"]
    run = run_destination("write", config, tmp_path, catalog=destination_catalog(),
                          messages=_without_space(good_source_run.lines, space_key))
    _assert_nothing_deleted(unique, before, run, f"space {space_key} missing", guard_expected=True)


def test_given_discovery_error_mid_stream_when_syncing_then_nothing_is_deleted(filled_unique, good_source_run,
                                                                              tmp_path):
    unique, config, before = filled_unique
    run = run_destination("write", config, tmp_path, catalog=destination_catalog(),
                          messages=_cut_with_error(good_source_run.lines, 0.5))
    _assert_nothing_deleted(unique, before, run, "TRACE error then EOF", guard_expected=True)


def test_given_a_key_format_change_when_syncing_then_stored_content_is_not_wiped(filled_unique, good_source_run,
                                                                                tmp_path):
    unique, config, before = filled_unique
    run = run_destination("write", config, tmp_path, catalog=destination_catalog(),
                          messages=_rekeyed(good_source_run.lines))
    _assert_nothing_deleted(unique, before, run, "key format change", guard_expected=True)


def test_given_unique_fails_during_deletion_then_existing_content_survives_and_the_error_is_named(
        filled_unique, cloud_confluence, good_source_run, tmp_path):
    unique, config, before = filled_unique
    # One page really is gone from Confluence: its deletion is legitimate; Unique then fails the delete.
    victim = good_source_run.records("pages")[-1]["data"]["id"]
    lines = [line for line in good_source_run.lines
             if not (f'"id":"{victim}"' in line.replace(" ", "") and '"RECORD"' in line)]
    unique.set_faults([{"operation": "contentDeleteByContentIds", "kind": "status", "status": 500, "times": -1}])
    try:
        run = run_destination("write", config, tmp_path, catalog=destination_catalog(), messages=lines)
    finally:
        unique.clear_faults()
    after = stored_keys(unique)
    lost = sorted(before - after)
    assert all(victim in key for key in lost), f"deleted content that still exists: {lost[:10]}"
    said = (named_guard(run) + run.stderr).lower()
    assert run.exit_code != 0 or "delet" in said, "a failed deletion went unreported"


def _truncation_property(filled_unique, good_source_run, tmp_path, cases: int) -> None:
    unique, config, before = filled_unique
    rng = random.Random(46)
    for case in range(cases):
        fraction = rng.random()
        lines = _cut_with_error(good_source_run.lines, fraction) if rng.random() < 0.5 else \
            good_source_run.lines[: int(len(good_source_run.lines) * fraction)]
        run = run_destination("write", config, tmp_path, catalog=destination_catalog(), messages=lines)
        _assert_nothing_deleted(unique, before, run, f"case {case}: cut at {fraction:.2f}", guard_expected=False)


def test_given_three_random_truncations_then_nothing_is_deleted(filled_unique, good_source_run, tmp_path):
    _truncation_property(filled_unique, good_source_run, tmp_path, cases=3)


@pytest.mark.slow
def test_given_twenty_random_truncations_then_nothing_is_deleted(filled_unique, good_source_run, tmp_path):
    _truncation_property(filled_unique, good_source_run, tmp_path, cases=20)
