"""One test per row of the seed's error-handling table (seeds/002), against the real Unique emulator."""

from unit_tests.destination.destination_builders import (
    ConfigBuilder, InputBuilder, a_page, a_space, an_attachment, catalog, index_entry, stage_file,
)
from integration_tests.destination.destination_run import stored, write

from destination_unique.settings import parse_settings
from destination_unique.sync_lock import sync_lock

ENG = a_space("100", "ENG")
PAGES_FULL = catalog(pages="full_refresh", attachments="full_refresh")


def pages_input(*pages, attachments=(), staged=None) -> list:
    return (InputBuilder().records("pages", list(pages)).records("attachments", list(attachments), staged)
            .complete("pages", "attachments").state("pages", {"synced": True}).messages())


def seed_pages(unique, *page_ids):
    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, pages_input(*(a_page(i, ENG) for i in page_ids)))
    assert result.error is None, result.error and result.error.message
    return stored(unique)


def test_given_another_sync_holds_the_lock_when_writing_then_it_is_skipped_without_any_request(unique):
    config = ConfigBuilder(unique.base_url).build()
    unique.reset_stats()

    with sync_lock(parse_settings(config)) as is_locked:
        assert is_locked
        result = write(config, PAGES_FULL, pages_input(a_page("1", ENG)))

    assert result.error is None and result.summary["status"] == "skipped"
    assert result.summary["reason"] == "sync_in_progress" and result.states == []
    assert unique.stats()["total"] == 0 and stored(unique) == {}


def test_given_the_root_scope_does_not_exist_when_writing_then_the_sync_fails_clearly_and_nothing_changes(unique):
    config = ConfigBuilder(unique.base_url).with_(root_scope_id="no-such-scope").build()

    result = write(config, PAGES_FULL, pages_input(a_page("1", ENG)))

    assert result.error is not None and "no-such-scope" in result.error.message
    assert result.error.failure_type.value == "config_error"
    assert stored(unique) == {} and {s["name"] for s in unique.state()["scopes"]} == {"Confluence"}


def test_given_the_root_belongs_to_another_instance_when_writing_then_it_aborts_before_any_change(unique):
    before = seed_pages(unique, "1")
    config = ConfigBuilder(unique.base_url).with_(confluence_instance_id="another-cloud").build()

    result = write(config, PAGES_FULL, pages_input(a_page("2", ENG)))

    assert result.error is not None and "ownership mismatch" in result.error.message
    assert stored(unique) == before


def test_given_the_mark_is_held_by_a_previous_root_when_claiming_a_new_root_then_space_scopes_move_over(unique):
    seed_pages(unique, "1")
    unique.create_scope("Confluence v2", id="root-new")
    config = ConfigBuilder(unique.base_url).with_(root_scope_id="root-new").build()

    result = write(config, PAGES_FULL, pages_input(a_page("1", ENG)))

    assert result.error is None, result.error and result.error.message
    scopes = {s["id"]: s for s in unique.state()["scopes"]}
    assert "root-confluence" not in scopes and scopes["root-new"]["externalId"] == "confc:cloud:cloud-1234"
    assert [s["name"] for s in scopes.values() if s["parentId"] == "root-new"] == ["ENG"]


def test_given_the_source_reported_an_error_when_writing_then_nothing_is_diffed_or_changed(unique):
    before = seed_pages(unique, "1", "2")
    messages = (InputBuilder().records("pages", [a_page("1", ENG)]).error("HTTP 500 from Confluence")
                .complete("pages", "attachments").messages())
    unique.reset_stats()

    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, messages)

    assert result.error is not None and "discovery failure" in result.error.message
    assert stored(unique) == before and result.states == []
    assert "POST /v2/content/file-diff" not in unique.stats()["by_route"]


def test_given_a_stream_ended_without_completion_when_writing_then_nothing_is_deleted(unique):
    before = seed_pages(unique, "1", "2")
    messages = InputBuilder().records("pages", [a_page("1", ENG)]).complete("attachments").messages()

    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, messages)

    assert result.error is not None and "stream pages ended without a completion status" in result.error.message
    assert stored(unique) == before


def test_given_every_item_of_a_space_is_filtered_out_when_the_diff_would_delete_then_the_zero_submission_guard_aborts(unique, tmp_path):
    staged = {"att1": stage_file(tmp_path / "staging", "att1.pdf", b"%PDF-1")}
    first = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL,
                  pages_input(attachments=[an_attachment("att1", "1", ENG, size=6)], staged=staged))
    assert first.error is None
    before = stored(unique)
    config = ConfigBuilder(unique.base_url).with_(allowed_mime_types=["text/plain"]).build()

    result = write(config, PAGES_FULL, pages_input(attachments=[an_attachment("att1", "1", ENG, size=6)], staged=staged))

    assert result.error is not None and "zero-submission guard" in result.error.message
    assert result.summary["guards"][0]["guard"] == "zero-submission guard"
    assert stored(unique) == before


def test_given_every_stored_item_is_replaced_by_new_ones_when_writing_then_the_full_replacement_proceeds_with_a_warning(unique):
    seed_pages(unique, "1", "2")

    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, pages_input(a_page("3", ENG)))

    assert result.error is None
    assert result.summary["guards"] == [{"space_key": "ENG", "guard": "full-deletion guard", "action": "warn",
                                         "reason": result.summary["guards"][0]["reason"]}]
    assert set(stored(unique)) == {"acme/100_ENG/3"}


def test_given_the_index_lists_a_page_whose_body_did_not_arrive_when_writing_then_it_is_reported_not_deleted(unique):
    page1, page5 = a_page("1", ENG), a_page("5", ENG)
    messages = (InputBuilder().records("content_index", [index_entry(page1), index_entry(page5)])
                .records("pages", [page1]).complete("content_index", "pages").messages())

    result = write(ConfigBuilder(unique.base_url).build(), catalog(content_index="full_refresh", pages="incremental"), messages)

    assert result.error is None
    assert set(stored(unique)) == {"acme/100_ENG/1"}
    assert result.summary["spaces"]["ENG"]["missing_content"] == ["5"]


def test_given_a_page_with_an_empty_body_when_writing_then_it_is_skipped_and_the_others_are_ingested(unique):
    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL,
                   pages_input(a_page("1", ENG, body=""), a_page("2", ENG)))

    assert result.error is None
    assert set(stored(unique)) == {"acme/100_ENG/2"}
    assert (result.summary["skipped"], result.summary["succeeded"]) == (1, 1)


def test_given_a_zero_byte_attachment_when_writing_then_it_is_skipped(unique, tmp_path):
    staged = {"att0": stage_file(tmp_path / "staging", "att0.pdf", b""),
              "att1": stage_file(tmp_path / "staging", "att1.pdf", b"%PDF-1")}
    attachments = [an_attachment("att0", "1", ENG, size=0), an_attachment("att1", "1", ENG, size=6)]

    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL,
                   pages_input(a_page("1", ENG), attachments=attachments, staged=staged))

    assert result.error is None
    assert set(stored(unique)) == {"acme/100_ENG/1", "acme/100_ENG/1::att1"}
    assert stored(unique)["acme/100_ENG/1::att1"]["blobSize"] == 6
    assert result.summary["skipped"] == 1


def test_given_finalizing_a_page_fails_when_writing_then_its_registration_is_cleaned_up_and_others_continue(unique):
    unique.set_faults([{"operation": "contentUpsert:finalize", "kind": "status", "status": 400, "times": 1}])

    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, pages_input(a_page("1", ENG), a_page("2", ENG)))

    assert result.error is None
    assert set(stored(unique)) == {"acme/100_ENG/2"}
    assert result.summary["failed"] == 1 and result.summary["spaces"]["ENG"]["failed"] == 1
    assert result.states == [] and result.summary["states_withheld"] == 1


def test_given_an_attachment_upload_fails_when_writing_then_it_is_cleaned_up_and_the_next_attachment_continues(unique, tmp_path):
    staged = {a: stage_file(tmp_path / "staging", f"{a}.pdf", b"%PDF-1") for a in ("att1", "att2")}
    attachments = [an_attachment("att1", "1", ENG, size=6), an_attachment("att2", "1", ENG, size=6)]
    unique.set_faults([{"route": "PUT /scoped/upload", "kind": "status", "status": 403, "times": 1}])

    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL,
                   pages_input(attachments=attachments, staged=staged))

    assert result.error is None
    assert len(stored(unique)) == 1 and result.summary["failed"] == 1
    # the failed attachment is offered again by the next diff
    unique.clear_faults()
    again = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, pages_input(attachments=attachments, staged=staged))
    assert again.summary["spaces"]["ENG"]["new"] == 1 and len(stored(unique)) == 2


def test_given_deleting_fails_when_writing_then_the_failure_is_logged_and_the_sync_continues(unique):
    seed_pages(unique, "1", "2", "3")
    unique.set_faults([{"operation": "contentDeleteByContentIds", "kind": "status", "status": 500, "times": None}])

    result = write(ConfigBuilder(unique.base_url).build(), PAGES_FULL,
                   pages_input(a_page("1", ENG), a_page("2", ENG), a_page("4", ENG)))

    assert result.error is None and result.summary["status"] == "succeeded"
    assert result.summary["spaces"]["ENG"]["delete_failures"] == 1
    assert set(stored(unique)) == {f"acme/100_ENG/{n}" for n in ("1", "2", "3", "4")}


def test_given_an_unexpected_error_when_writing_then_it_fails_cleanly_and_the_next_sync_runs(unique):
    unique.set_faults([{"route": "POST /v2/content/file-diff", "kind": "status", "status": 418, "times": 1}])
    config = ConfigBuilder(unique.base_url).build()

    failed = write(config, PAGES_FULL, pages_input(a_page("1", ENG)))
    retried = write(config, PAGES_FULL, pages_input(a_page("1", ENG)))

    assert failed.error is not None and "418" in failed.error.message and failed.summary["status"] == "failed"
    assert retried.error is None and set(stored(unique)) == {"acme/100_ENG/1"}
