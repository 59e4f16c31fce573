"""mapping.py and guards.py: pure functions, pinned by example (protocol §4.5, §5)."""

import pytest
from unit_tests.destination.destination_builders import ConfigBuilder, a_page, a_space, an_attachment

from destination_unique.guards import FULL_DELETION, ZERO_SUBMISSION, evaluate_guards
from destination_unique.mapping import (
    SpaceRef, attachment_document, attachment_rejection, diff_entry, ownership_mark, page_document,
    parse_space_scope_external_id, partial_key, space_scope_external_id, utc_timestamp,
)
from destination_unique.settings import ConfigError, parse_settings

ENG = a_space("100", "ENG", "Engineering")
SETTINGS = parse_settings(ConfigBuilder().with_(sync_labels=["ai-ingest"]).build())


def test_the_partial_key_ends_with_a_slash_so_prefix_matching_cannot_collide():
    assert partial_key("acme", "100", "ENG") == "acme/100_ENG/"
    assert not "acme/100_ENGINEERING/1".startswith(partial_key("acme", "100", "ENG"))


def test_marks_and_space_external_ids_follow_the_protocol_formats():
    assert ownership_mark("cloud", "c1") == "confc:cloud:c1"
    assert ownership_mark("data-center", "d1") == "confc:data-center:d1"
    assert space_scope_external_id("acme", "100", "ENG") == "confc:acme:100:ENG"


@pytest.mark.parametrize("external_id, expected", [
    ("confc:acme:100:ENG", SpaceRef("100", "ENG")),
    ("confc:other:100:ENG", None),
    ("confc:cloud:c1", None),
    ("", None),
    (None, None),
    ("spc:acme:1:X", None),
])
def test_only_this_tenants_space_scope_ids_parse(external_id, expected):
    assert parse_space_scope_external_id(external_id, "acme") == expected


def test_a_page_document_carries_sorted_labels_without_sync_labels_and_html_size():
    page = a_page("42", ENG, labels=("zeta", "ai-ingest", "alpha"), body="<p>é</p>")

    document = page_document(page, "acme", SETTINGS)

    assert document.key == "acme/100_ENG/42" and document.mime_type == "text/html"
    assert document.metadata == {"confluenceLabels": ["alpha", "zeta"], "spaceKey": "ENG", "spaceName": "Engineering"}
    assert document.byte_size == len("<p>é</p>".encode())


def test_an_attachment_key_joins_container_and_id_with_a_double_colon_and_images_get_ocr():
    image = an_attachment("att7", "42", ENG, media_type="image/jpeg")

    document = attachment_document(image, "acme", SETTINGS, space_name="Engineering")

    assert document.key == "acme/100_ENG/42::att7"
    assert document.ingestion_config == {"jpgReadMode": "DOC_INTELLIGENCE_DEFAULT"}
    assert attachment_document(an_attachment("att8", "42", ENG), "acme", SETTINGS).ingestion_config is None


def test_diff_entries_use_the_version_time_in_utc_and_the_web_url():
    page = a_page("1", ENG, modified_at="2026-09-01T03:00:00-07:00")

    assert diff_entry("page", page) == {"key": "1", "url": page["webUrl"], "updatedAt": "2026-09-01T10:00:00.000Z"}
    assert utc_timestamp("2026-09-01T10:00:00.5Z") == "2026-09-01T10:00:00.500Z" and utc_timestamp(None) == ""


@pytest.mark.parametrize("attachment, reason", [
    (an_attachment("a", "1", ENG, media_type="application/zip"), "media type application/zip is not allowed"),
    (an_attachment("a", "1", ENG, size=201 * 1024 * 1024), "exceed the size limit"),
    (an_attachment("a", "1", ENG, media_type="Application/PDF; charset=x"), None),
])
def test_attachments_outside_the_mime_list_or_size_limit_are_not_tracked(attachment, reason):
    rejection = attachment_rejection(attachment, SETTINGS)
    assert (rejection is None) if reason is None else (reason in rejection)


def test_no_deletions_pass_without_counting():
    decision = evaluate_guards("ENG", ["1"], [], [], count_stored=lambda: pytest.fail("must not count"))
    assert (decision.action, decision.guard) == ("pass", None)


def test_an_empty_submission_with_deletions_trips_the_zero_submission_guard():
    decision = evaluate_guards("ENG", [], [], ["1"], count_stored=lambda: pytest.fail("must not count"))
    assert (decision.action, decision.guard) == ("abort", ZERO_SUBMISSION)


def test_a_partial_deletion_is_allowed():
    assert evaluate_guards("ENG", ["1", "2"], [], ["3"], count_stored=lambda: 3).action == "pass"


def test_deleting_everything_with_nothing_new_trips_the_full_deletion_guard():
    decision = evaluate_guards("ENG", ["9"], [], ["1", "2"], count_stored=lambda: 2)
    assert (decision.action, decision.guard) == ("abort", FULL_DELETION)


def test_deleting_everything_with_overlapping_keys_reads_as_a_key_format_change_and_aborts():
    decision = evaluate_guards("ENG", ["1", "9"], ["9"], ["1"], count_stored=lambda: 1)
    assert (decision.action, decision.guard) == ("abort", FULL_DELETION) and "key-format" in decision.reason


def test_a_disjoint_full_replacement_proceeds_with_a_warning():
    decision = evaluate_guards("ENG", ["8", "9"], ["8", "9"], ["1", "2"], count_stored=lambda: 2)
    assert (decision.action, decision.guard) == ("warn", FULL_DELETION)


@pytest.mark.parametrize("change, message", [
    ({"tenant_name": "Acme_EU"}, "tenant_name"),
    ({"confluence_instance_id": ""}, "cloudId"),
    ({"concurrency": 17}, "concurrency"),
    ({"confluence_instance_type": "server"}, "cloud, data-center"),
    ({"credentials": {"auth_type": "api_key"}}, "client_credentials, in_cluster"),
    ({"ingestion_url": "ftp://x"}, "http(s) URL"),
    ({"page_ingestion_config": "yes"}, "JSON object"),
])
def test_bad_config_is_rejected_with_what_to_fix(change, message):
    with pytest.raises(ConfigError) as error:
        parse_settings(ConfigBuilder().with_(**change).build())
    assert message in error.value.message


def test_data_center_may_leave_the_instance_id_empty():
    settings = parse_settings(ConfigBuilder().with_(confluence_instance_type="data-center", confluence_instance_id="").build())
    assert settings.instance_id is None and settings.source_kind == "ATLASSIAN_CONFLUENCE_ONPREM"
