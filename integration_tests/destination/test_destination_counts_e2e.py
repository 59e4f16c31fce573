"""Counts that mean what they say (issue 10 part 7): new/updated/moved/deleted count changes made to
Unique, each key once; items skipped by rule (empty body, zero-byte file, filtered) are reported apart
with their reasons, although the diff offers them as new on every sync."""

from unit_tests.destination.destination_builders import (
    ConfigBuilder, InputBuilder, a_page, a_space, an_attachment, catalog, stage_file,
)
from integration_tests.destination.destination_run import stored, write

ENG = a_space("100", "ENG")
FULL = catalog(pages="full_refresh", attachments="full_refresh")


def sync(unique, tmp_path, pages, attachments):
    staged = {a["id"]: stage_file(tmp_path / "staging", a["id"], b"%PDF-1"[:a["fileSize"]]) for a in attachments}
    messages = (InputBuilder().records("pages", pages).records("attachments", attachments, staged)
                .complete("pages", "attachments").messages())
    result = write(ConfigBuilder(unique.base_url).build(), FULL, messages)
    assert result.error is None, result.error and result.error.message
    return result.summary


def test_items_skipped_by_rule_are_counted_apart_and_a_second_sync_counts_only_the_change(unique, tmp_path):
    pages = [a_page("1", ENG), a_page("2", ENG, body=""), a_page("3", ENG)]
    attachments = [an_attachment("att-ok", "1", ENG, size=6), an_attachment("att-empty", "1", ENG, size=0),
                   an_attachment("att-gif", "1", ENG, size=6, media_type="image/gif")]

    first = sync(unique, tmp_path, pages, attachments)

    eng = first["spaces"]["ENG"]
    assert (eng["new"], eng["updated"], eng["moved"], eng["deleted"]) == (3, 0, 0, 0)      # pages 1, 3 and att-ok
    assert eng["skipped"] == 3 and eng["skipped_reasons"] == {
        "empty body": 1, "zero-byte file": 1, "media type not allowed": 1}
    assert eng["offered_new"] == 5                     # the diff itself offered the empty page and file as new
    assert (first["total"], first["succeeded"], first["skipped"]) == (6, 3, 3)
    assert set(stored(unique)) == {"acme/100_ENG/1", "acme/100_ENG/3", "acme/100_ENG/1::att-ok"}

    second = sync(unique, tmp_path, pages, attachments + [an_attachment("att-new", "3", ENG, size=6)])

    eng = second["spaces"]["ENG"]
    assert (eng["new"], eng["updated"], eng["moved"], eng["deleted"]) == (1, 0, 0, 0)      # exactly the one change
    assert eng["offered_new"] == 3                     # att-new, and again the empty page and the zero-byte file
    assert eng["skipped_reasons"] == {"empty body": 1, "zero-byte file": 1, "media type not allowed": 1}
    assert (second["succeeded"], second["skipped"]) == (1, 3)


def test_a_renamed_page_is_one_update_and_a_url_only_change_is_one_move(unique, tmp_path):
    sync(unique, tmp_path, [a_page("1", ENG), a_page("2", ENG)], [])
    renamed = a_page("1", ENG, modified_at="2026-09-02T10:00:00.000Z", title="Renamed",
                     web_path="/spaces/ENG/pages/1/Renamed")
    relinked = a_page("2", ENG, web_path="/spaces/ENG/pages/2/Other-link")       # same version, new url

    summary = sync(unique, tmp_path, [renamed, relinked], [])

    eng = summary["spaces"]["ENG"]
    assert (eng["new"], eng["updated"], eng["moved"], eng["deleted"]) == (0, 1, 1, 0)
    assert eng["moved_url_updates"] == 1 and summary["succeeded"] == 1
    assert stored(unique)["acme/100_ENG/2"]["url"].endswith("/pages/2/Other-link")
