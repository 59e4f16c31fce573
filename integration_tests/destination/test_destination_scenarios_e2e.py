"""Behaviour beyond the error table: moves, orphans, tenant deletion, incremental deletion, concurrency."""

from unit_tests.destination.destination_builders import (
    CLOUD_ID, ConfigBuilder, InputBuilder, a_page, a_space, an_attachment, catalog, index_entry, stage_file,
)
from integration_tests.destination.destination_run import stored, write

ENG, OPS = a_space("100", "ENG"), a_space("200", "OPS")
PAGES_FULL = catalog(pages="full_refresh", attachments="full_refresh")


def full_input(*pages, attachments=(), staged=None) -> list:
    return (InputBuilder().records("pages", list(pages)).records("attachments", list(attachments), staged)
            .complete("pages", "attachments").messages())


def test_given_a_page_moved_without_an_edit_when_writing_then_only_its_url_is_updated(unique):
    config = ConfigBuilder(unique.base_url).build()
    write(config, PAGES_FULL, full_input(a_page("1", ENG, web_path="/spaces/ENG/pages/1/Old")))
    unique.reset_stats()

    result = write(config, PAGES_FULL, full_input(a_page("1", ENG, web_path="/spaces/ENG/pages/1/New")))

    assert result.summary["spaces"]["ENG"]["moved"] == 1 and result.summary["spaces"]["ENG"]["moved_url_updates"] == 1
    assert stored(unique)["acme/100_ENG/1"]["url"].endswith("/pages/1/New")
    assert unique.stats()["by_operation"].get("contentUpsert", 0) == 0


def test_given_a_space_disappeared_from_discovery_when_writing_then_its_scope_and_content_are_removed(unique):
    config = ConfigBuilder(unique.base_url).build()
    write(config, PAGES_FULL, full_input(a_page("1", ENG), a_page("2", OPS)))

    result = write(config, PAGES_FULL, full_input(a_page("1", ENG)))

    assert result.summary["orphans_removed"] == ["OPS"]
    assert set(stored(unique)) == {"acme/100_ENG/1"}
    assert [s["name"] for s in unique.state()["scopes"] if s["parentId"] == "root-confluence"] == ["ENG"]


def test_given_discovery_found_no_space_at_all_when_writing_then_orphan_cleanup_is_skipped(unique):
    config = ConfigBuilder(unique.base_url).build()
    write(config, PAGES_FULL, full_input(a_page("1", ENG), a_page("2", OPS)))
    before = stored(unique)

    result = write(config, PAGES_FULL, full_input())

    assert result.error is None and result.summary["orphans_removed"] == []
    assert stored(unique) == before


def test_given_a_child_scope_without_a_parseable_mark_when_cleaning_orphans_then_it_is_left_alone(unique):
    config = ConfigBuilder(unique.base_url).build()
    write(config, PAGES_FULL, full_input(a_page("1", ENG)))
    unique.create_scope("Handmade", parent_id="root-confluence")

    write(config, PAGES_FULL, full_input(a_page("1", ENG)))

    assert "Handmade" in {s["name"] for s in unique.state()["scopes"]}


def test_given_the_tenant_is_deleted_when_writing_then_all_space_content_goes_and_the_mark_is_cleared(unique):
    write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, full_input(a_page("1", ENG), a_page("2", OPS)))

    result = write(ConfigBuilder(unique.base_url).with_(tenant_status="deleted").build(), PAGES_FULL,
                   full_input(a_page("1", ENG)))

    scopes = unique.state()["scopes"]
    assert result.error is None and result.summary["tenant_deletion"]["mark_cleared"] is True
    assert stored(unique) == {} and [s["id"] for s in scopes] == ["root-confluence"]
    assert scopes[0]["externalId"] is None and result.states == []


def test_given_an_incremental_sync_with_a_content_index_when_a_page_was_deleted_then_it_is_deleted(unique):
    config = ConfigBuilder(unique.base_url).build()
    modes = catalog(content_index="full_refresh", pages="incremental")
    page1, page2 = a_page("1", ENG), a_page("2", ENG)
    write(config, modes, InputBuilder().records("content_index", [index_entry(page1), index_entry(page2)])
          .records("pages", [page1, page2]).complete("content_index", "pages").messages())

    result = write(config, modes, InputBuilder().records("content_index", [index_entry(page1)])
                   .complete("content_index", "pages").state("pages", {"lastModifiedAt": "2026-09-02"}).messages())

    assert set(stored(unique)) == {"acme/100_ENG/1"}
    assert result.summary["spaces"]["ENG"]["deleted"] == 1 and len(result.states) == 1


def test_given_an_incremental_sync_without_a_content_index_when_a_page_is_missing_then_nothing_is_deleted(unique):
    config = ConfigBuilder(unique.base_url).build()
    modes = catalog(pages="incremental")
    write(config, modes, InputBuilder().records("pages", [a_page("1", ENG), a_page("2", ENG)]).messages())

    result = write(config, modes, InputBuilder().records("pages", [a_page("3", ENG)]).state("pages", {"c": 1}).messages())

    assert result.summary["mode"] == "upsert_only"
    assert set(stored(unique)) == {f"acme/100_ENG/{n}" for n in "123"}


def test_given_an_edited_page_when_writing_again_then_it_is_reingested_with_the_new_version_time(unique):
    config = ConfigBuilder(unique.base_url).build()
    write(config, PAGES_FULL, full_input(a_page("1", ENG), a_page("2", ENG)))

    result = write(config, PAGES_FULL, full_input(a_page("1", ENG, modified_at="2026-09-05T08:00:00.000Z"), a_page("2", ENG)))

    assert result.summary["spaces"]["ENG"]["updated"] == 1 and result.summary["succeeded"] == 1
    assert stored(unique)["acme/100_ENG/1"]["sourceUpdatedAt"] == "2026-09-05T08:00:00.000Z"


def test_given_concurrency_8_when_writing_many_pages_and_attachments_then_every_item_is_stored_once(unique, tmp_path):
    pages = [a_page(str(n), ENG if n % 2 else OPS) for n in range(1, 121)]
    attachments = [an_attachment(f"att{n}", str(n), ENG, size=7) for n in range(1, 41, 2)]
    staged = {a["id"]: stage_file(tmp_path / "staging", f"{a['id']}.pdf", b"%PDF-17") for a in attachments}
    config = ConfigBuilder(unique.base_url).with_(concurrency=8).build()

    result = write(config, PAGES_FULL, full_input(*pages, attachments=attachments, staged=staged))

    assert result.error is None and result.summary["succeeded"] == 140 and result.summary["failed"] == 0
    keys = [row["key"] for row in unique.state()["contents"]]
    assert len(keys) == len(set(keys)) == 140
    assert all(row["ingestionState"] == "FINISHED" for row in unique.state()["contents"])


def test_given_client_credentials_when_writing_then_the_token_is_fetched_once_and_reused(unique):
    config = ConfigBuilder(unique.base_url).client_credentials(unique.token_url).build()

    write(config, PAGES_FULL, full_input(*(a_page(str(n), ENG) for n in range(1, 6))))

    assert unique.stats()["by_route"]["POST /oauth/v2/token"] == 1 and len(stored(unique)) == 5


def test_given_image_attachments_and_ocr_when_writing_then_jpg_read_mode_is_sent(unique, tmp_path):
    staged = {"att1": stage_file(tmp_path / "s", "a.png", b"\x89PNG..")}
    image = an_attachment("att1", "1", ENG, size=6, media_type="image/png")

    write(ConfigBuilder(unique.base_url).build(), PAGES_FULL, full_input(attachments=[image], staged=staged))

    assert stored(unique)["acme/100_ENG/1::att1"]["ingestionConfig"] == {"jpgReadMode": "DOC_INTELLIGENCE_DEFAULT"}
    assert CLOUD_ID in unique.state()["scopes"][0]["externalId"]
