"""summary.py: the readable and the machine-readable summary keep skipped-by-rule items apart from changes."""

from destination_unique.summary import SyncSummary, describe_reasons, parse_summary_line


def a_summary() -> SyncSummary:
    summary = SyncSummary(mode="full_refresh", status="succeeded", total=5, succeeded=2, skipped=3,
                          skipped_reasons={"zero-byte file": 1, "empty body": 2})
    eng = summary.space("ENG")
    eng.new, eng.updated, eng.ingested, eng.offered_new = 1, 1, 2, 4
    eng.skipped, eng.skipped_reasons = 3, {"zero-byte file": 1, "empty body": 2}
    return summary


def test_the_text_names_skipped_by_rule_with_reasons_next_to_the_changes():
    lines = a_summary().as_text().splitlines()

    assert lines[1] == "items: total 5, succeeded 2, failed 0, skipped by rule 3 (empty body 2, zero-byte file 1)"
    assert lines[2] == ("space ENG: new 1, updated 1, moved 0, deleted 0, ingested 2, failed 0, "
                        "skipped by rule 3 (empty body 2, zero-byte file 1)")


def test_the_log_line_carries_changes_offers_and_reasons_per_space():
    parsed = parse_summary_line(a_summary().as_log_line())

    assert parsed["skipped_reasons"] == {"empty body": 2, "zero-byte file": 1}
    assert {name: parsed["spaces"]["ENG"][name] for name in ("new", "updated", "offered_new", "skipped")} == {
        "new": 1, "updated": 1, "offered_new": 4, "skipped": 3}


def test_no_reasons_adds_nothing():
    assert describe_reasons({}) == ""


def test_access_mirroring_adds_one_line_of_placements_and_unmapped_principals():
    summary = SyncSummary(status="succeeded", mode="full_refresh")
    assert "access" not in summary.as_text() and "access" not in summary.as_dict()
    summary.access = {"items_unrestricted": 40, "items_restricted": 7, "items_unavailable": 1, "moved": 3,
                      "unmapped_users": 2, "unmapped_groups": 1}

    assert ("access (mirror): 40 unrestricted, 7 restricted, 1 service-only (audience unknown); 3 moved between "
            "scopes; unmapped: 2 users, 1 groups") in summary.as_text()
