"""Label-driven selection, and listings that misbehave (repeated cursor, `next` on an empty page)."""
import pytest

from .harness import config_for, ids_by_stream, read_streams


def labelled_selection(truth, ingest, ingest_all):
    """Pages carrying either label, plus every page below an ingest-all page (through any content type)."""
    parents = {i: p["parentId"] for i, p in truth["pages"].items()}
    parents.update({i: c.get("parentId") for i, c in truth["other_content"].items()})
    roots = {i for i, p in truth["pages"].items() if f"global:{ingest_all}" in p["labels"]}
    roots |= {i for i, c in truth["other_content"].items() if f"global:{ingest_all}" in c.get("labels", [])}
    selected = set()
    for page_id, page in truth["pages"].items():
        if page["status"] != "current":
            continue
        labels = set(page["labels"])
        node, below_root = parents.get(page_id), False
        while node:
            below_root |= node in roots
            node = parents.get(node)
        if {f"global:{ingest}", f"global:{ingest_all}"} & labels or below_root:
            selected.add(page_id)
    return selected


@pytest.mark.parametrize("emulator", ["cloud_small", "dc_small"])
def test_given_ingest_labels_when_reading_pages_then_labelled_pages_and_descendants_of_ingest_all(emulator, request):
    emu = request.getfixturevalue(emulator)
    config = config_for(emu, ingest_label="ai-ingest", ingest_all_label="ai-ingest-all")
    found = ids_by_stream(read_streams(config, ["pages", "pages_content"]))
    expected = labelled_selection(emu.truth(), "ai-ingest", "ai-ingest-all")
    assert expected and sorted(found["pages"]) == sorted(expected)
    assert sorted(found["pages_content"]) == sorted(expected)


def test_given_space_keys_when_reading_then_only_those_spaces(cloud_small):
    truth = cloud_small.truth()
    key = sorted({p["spaceKey"] for p in truth["pages"].values()})[0]
    found = ids_by_stream(read_streams(config_for(cloud_small, space_keys=[key]), ["pages", "spaces"]))
    assert sorted(found["pages"]) == sorted(i for i, p in truth["pages"].items() if p["spaceKey"] == key and p["status"] == "current")
    assert [truth["spaces"][i]["key"] for i in found["spaces"]] == [key]


def test_given_a_cql_clause_when_reading_pages_then_it_narrows_the_listing(cloud_small):
    truth = cloud_small.truth()
    key = sorted({p["spaceKey"] for p in truth["pages"].values()})[-1]
    found = ids_by_stream(read_streams(config_for(cloud_small, cql_pages_clause=f'space = "{key}"'), ["pages"]))
    assert sorted(found["pages"]) == sorted(i for i, p in truth["pages"].items() if p["spaceKey"] == key and p["status"] == "current")


def test_given_the_api_repeats_a_cursor_then_the_stream_fails_clearly_instead_of_looping(cloud_small):
    cloud_small.set_faults([{"route": "GET /wiki/api/v2/footer-comments", "kind": "repeat_cursor", "times": 5}])
    try:
        output = read_streams(config_for(cloud_small, page_size=50), ["comments"])
    finally:
        cloud_small.clear_faults()
    assert any("same page token" in (e.trace.error.message or "") + (e.trace.error.internal_message or "")
               for e in output.errors) or any("same page token" in log.log.message for log in output.logs)


def test_given_next_link_on_an_empty_page_then_the_listing_just_ends(cloud_small):
    cloud_small.set_faults([{"route": "GET /wiki/api/v2/spaces", "kind": "empty_next", "times": 1}])
    try:
        output = read_streams(config_for(cloud_small), ["spaces"])
    finally:
        cloud_small.clear_faults()
    assert not output.errors


def test_given_rate_limits_and_server_errors_then_the_sync_still_matches_truth(cloud_small):
    cloud_small.set_faults([
        {"route": "GET /wiki/rest/api/content/search", "kind": "status", "status": 429, "times": 2, "retry_after": "1"},
        {"route": "GET /wiki/api/v2/labels", "kind": "status", "status": 429, "times": 1, "retry_after": None},
        {"route": "GET /wiki/api/v2/spaces", "kind": "status", "status": 503, "times": 2},
        {"route": "GET /wiki/api/v2/footer-comments", "kind": "status", "status": 500, "times": 1},
    ])
    try:
        output = read_streams(config_for(cloud_small), ["pages", "labels", "spaces", "comments"])
    finally:
        cloud_small.clear_faults()
    assert not output.errors
    found, truth = ids_by_stream(output), cloud_small.truth()
    assert sorted(found["pages"]) == sorted(i for i, p in truth["pages"].items() if p["status"] == "current")
    assert sorted(found["comments"]) == sorted(truth["comments"])


@pytest.mark.parametrize("emulator", ["cloud_small", "dc_small"])
def test_given_selected_pages_when_reading_children_then_only_theirs_in_container_batches(emulator, request):
    """Children of a restricted page set: `container IN (…)` batches of 100, never a request per page."""
    emu = request.getfixturevalue(emulator)
    truth = emu.truth()
    selected = labelled_selection(truth, "ai-ingest", "ai-ingest-all")
    config = config_for(emu, ingest_label="ai-ingest", ingest_all_label="ai-ingest-all")
    emu.reset_stats()
    output = read_streams(config, ["attachments", "comments", "content_index"])
    assert not output.errors
    found = ids_by_stream(output)
    attachments = {i for i, a in truth["attachments"].items() if a["containerId"] in selected}
    comments = {i for i, c in truth["comments"].items() if c["containerId"] in selected}
    blog_posts = {i for i, p in truth["blog_posts"].items() if p["status"] == "current"}
    assert sorted(found["attachments"]) == sorted(attachments)
    assert sorted(found["comments"]) == sorted(comments)
    assert sorted(found["content_index"]) == sorted(selected | blog_posts | attachments)
    searches = sum(n for route, n in emu.stats()["by_route"].items() if route.endswith("/content/search"))
    assert searches <= 30, f"{searches} searches for {len(selected)} selected pages"
