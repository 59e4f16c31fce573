"""POST /v2/content/file-diff semantics and their switchable assumptions (protocol §3.1, §8, §12)."""
from __future__ import annotations

import pytest

from .conftest import file_diff, ingest

T1, T2, T0 = "2026-10-01T12:00:00.000Z", "2026-10-02T12:00:00.000Z", "2026-09-30T12:00:00.000Z"


def _sync(uq, partial_key: str, files: list[tuple]) -> dict:
    """A destination's cycle: diff, then ingest new + updated, then delete nothing (tests check the diff)."""
    diff = file_diff(uq, partial_key, files)
    for key, url, _ in files:
        if key in diff["newFiles"] or key in diff["updatedFiles"]:
            ingest(uq, partial_key + key, url=url)
    return diff


def test_four_categories_with_relative_keys(uq, prefix):
    space = prefix + "1_ENG/"
    first = _sync(uq, space, [("1", "u1", T1), ("2", "u2", T1), ("2::att9", "u9", ""), ("3", "u3", T1)])
    assert first == {"newFiles": ["1", "2", "2::att9", "3"], "updatedFiles": [], "movedFiles": [], "deletedFiles": []}
    second = file_diff(uq, space, [("2", "u2", T2), ("2::att9", "u9", ""), ("3", "u3-moved", T1), ("4", "u4", T1)])
    assert second == {"newFiles": ["4"], "updatedFiles": ["2"], "movedFiles": ["3"], "deletedFiles": ["1"]}


def test_given_partial_key_without_trailing_slash_then_a_sibling_space_collides(uq, prefix):
    """`contains` matching: "t/1_A" selects "t/1_AB/6" too; "t/1_A/" does not (§3.1)."""
    ingest(uq, prefix + "1_A/5")
    ingest(uq, prefix + "1_AB/6")
    assert file_diff(uq, prefix + "1_A", [("5", "https://wiki/" + prefix + "1_A/5", "")])["deletedFiles"] == ["6"]
    assert file_diff(uq, prefix + "1_A/", [("5", "https://wiki/" + prefix + "1_A/5", "")])["deletedFiles"] == []


def test_contains_versus_starts_with(uq, prefix):
    ingest(uq, "elsewhere/" + prefix + "1_A/7")
    assert file_diff(uq, prefix + "1_A/", [])["deletedFiles"] == ["7"]
    uq.set_assumptions(partial_key_match="startsWith")
    assert file_diff(uq, prefix + "1_A/", [])["deletedFiles"] == []


def test_updated_rule_newer_versus_differs(uq, prefix):
    _sync(uq, prefix, [("1", "https://wiki/" + prefix + "1", T1)])
    assert file_diff(uq, prefix, [("1", "https://wiki/" + prefix + "1", T0)])["updatedFiles"] == []
    uq.set_assumptions(updated_rule="differs")
    assert file_diff(uq, prefix, [("1", "https://wiki/" + prefix + "1", T0)])["updatedFiles"] == ["1"]


def test_given_an_empty_updated_at_then_it_never_counts_as_updated(uq, prefix):
    _sync(uq, prefix, [("1::att2", "https://wiki/" + prefix + "1::att2", "")])
    assert file_diff(uq, prefix, [("1::att2", "https://wiki/" + prefix + "1::att2", "")])["updatedFiles"] == []
    uq.set_assumptions(updated_rule="differs")
    assert file_diff(uq, prefix, [("1::att2", "https://wiki/" + prefix + "1::att2", "")])["updatedFiles"] == []
    assert file_diff(uq, prefix, [("1::att2", "https://wiki/" + prefix + "1::att2", T1)])["updatedFiles"] == ["1::att2"]


def test_given_offered_timestamps_then_an_update_not_ingested_is_offered_again(uq, prefix):
    url = "https://wiki/" + prefix + "1"
    _sync(uq, prefix, [("1", url, T1)])
    assert file_diff(uq, prefix, [("1", url, T2)])["updatedFiles"] == ["1"]      # destination crashes here
    assert file_diff(uq, prefix, [("1", url, T2)])["updatedFiles"] == ["1"]      # still owed
    ingest(uq, prefix + "1", url=url)
    assert file_diff(uq, prefix, [("1", url, T2)])["updatedFiles"] == []


def test_given_last_submitted_timestamps_then_an_update_not_ingested_is_lost(uq, prefix):
    uq.set_assumptions(diff_timestamp="last_submitted")
    url = "https://wiki/" + prefix + "1"
    _sync(uq, prefix, [("1", url, T1)])
    assert file_diff(uq, prefix, [("1", url, T2)])["updatedFiles"] == ["1"]
    assert file_diff(uq, prefix, [("1", url, T2)])["updatedFiles"] == []


def test_given_content_row_timestamps_then_source_times_before_ingestion_never_update(uq, prefix):
    uq.set_assumptions(diff_timestamp="content_row")
    url = "https://wiki/" + prefix + "1"
    _sync(uq, prefix, [("1", url, T1)])
    assert file_diff(uq, prefix, [("1", url, T2)])["updatedFiles"] == []
    assert file_diff(uq, prefix, [("1", url, "2099-01-01T00:00:00Z")])["updatedFiles"] == ["1"]


@pytest.mark.parametrize("mode, updated, moved", [("both", ["1"], ["1"]), ("updated_only", ["1"], []),
                                                  ("moved_only", [], ["1"])])
def test_a_key_both_updated_and_moved(uq, prefix, mode, updated, moved):
    _sync(uq, prefix, [("1", "https://wiki/" + prefix + "1", T1)])
    uq.set_assumptions(updated_and_moved=mode)
    diff = file_diff(uq, prefix, [("1", "https://wiki/elsewhere", T2)])
    assert (diff["updatedFiles"], diff["movedFiles"]) == (updated, moved)


def test_moved_rule_never(uq, prefix):
    _sync(uq, prefix, [("1", "https://wiki/" + prefix + "1", T1)])
    uq.set_assumptions(moved_rule="never")
    assert file_diff(uq, prefix, [("1", "https://wiki/elsewhere", T1)])["movedFiles"] == []


def test_failed_items_are_reoffered_always_throttled_or_never(uq, prefix):
    url = "https://wiki/" + prefix + "1"
    _sync(uq, prefix, [("1", url, T1)])
    uq.set_ingestion_state("FAILED_PARSING", key=prefix + "1")
    uq.set_assumptions(failed_reoffer="throttled")
    assert file_diff(uq, prefix, [("1", url, T1)])["updatedFiles"] == ["1"]
    assert file_diff(uq, prefix, [("1", url, T1)])["updatedFiles"] == []
    uq.advance_clock(86_401)
    assert file_diff(uq, prefix, [("1", url, T1)])["updatedFiles"] == ["1"]
    uq.set_assumptions(failed_reoffer="always")
    assert file_diff(uq, prefix, [("1", url, T1)])["updatedFiles"] == ["1"]
    assert file_diff(uq, prefix, [("1", url, T1)])["updatedFiles"] == ["1"]
    uq.set_assumptions(failed_reoffer="never")
    assert file_diff(uq, prefix, [("1", url, T1)])["updatedFiles"] == []


def test_source_filter(uq, prefix):
    _sync(uq, prefix, [("1", "https://wiki/" + prefix + "1", T1)])
    assert file_diff(uq, prefix, [], source_kind="ATLASSIAN_CONFLUENCE_ONPREM")["deletedFiles"] == ["1"]
    uq.set_assumptions(diff_source_filter="kind")
    assert file_diff(uq, prefix, [], source_kind="ATLASSIAN_CONFLUENCE_ONPREM")["deletedFiles"] == []
    uq.set_assumptions(diff_source_filter="kind_and_name")
    assert file_diff(uq, prefix, [], source_name="https://other.atlassian.net")["deletedFiles"] == []
    assert file_diff(uq, prefix, [])["deletedFiles"] == ["1"]


def test_a_submitted_key_with_a_slash_never_matches_the_last_segment(uq, prefix):
    _sync(uq, prefix, [("1", "https://wiki/" + prefix + "1", T1)])
    diff = file_diff(uq, prefix, [("x/1", "https://wiki/" + prefix + "1", T1)])
    assert diff["newFiles"] == ["x/1"] and diff["deletedFiles"] == ["1"]


@pytest.mark.parametrize("body", [
    [], {"partialKey": "p/"}, {"partialKey": "", "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s",
                               "fileList": []},
    {"partialKey": "p/", "sourceKind": "NOTION", "sourceName": "s", "fileList": []},
    {"partialKey": "p/", "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s", "fileList": {}},
    {"partialKey": "p/", "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s", "fileList": [{"key": "1"}]},
    {"partialKey": "p/", "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s",
     "fileList": [{"key": "1", "url": "u", "updatedAt": "yesterday"}]},
])
def test_malformed_bodies_are_400(uq, body):
    response = uq.session.post(f"{uq.base_url}/v2/content/file-diff", headers=uq.headers, json=body, timeout=10)
    assert response.status_code == 400 and response.json()["message"]


def test_payload_limit_and_status_assumptions(uq, prefix):
    uq.set_assumptions(max_diff_files=2)
    response = uq.session.post(f"{uq.base_url}/v2/content/file-diff", headers=uq.headers, timeout=10, json={
        "partialKey": prefix, "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s",
        "fileList": [{"key": str(index), "url": "u", "updatedAt": ""} for index in range(3)]})
    assert response.status_code == 413
    uq.set_assumptions(max_diff_files=0, file_diff_status=201)
    response = uq.session.post(f"{uq.base_url}/v2/content/file-diff", headers=uq.headers, timeout=10, json={
        "partialKey": prefix, "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s", "fileList": []})
    assert response.status_code == 201
