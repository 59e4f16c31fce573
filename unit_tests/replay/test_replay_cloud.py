"""Confluence Cloud: recorded real responses replayed through the whole source (manifest, paginators,
shapers), one run per stream. Recordings: ../shared/real-responses/ (INDEX.md); nothing is copied here.

The configured site is acme.atlassian.net, not the recorded host: every link in a record must be
built on the configured host, whatever `_links.base` the recording names.
"""
from typing import Any, Dict, List

import pytest

from unit_tests.source.builders.config import ConfigBuilder
from unit_tests.source.reading import read_stream

from .expectations import (assert_clean_run, assert_one_record_per_object, assert_valid_against_schema, nested, user,
                           utc, web_url)
from .recordings import recording
from .replay_server import Replay

ORIGIN = "https://acme.atlassian.net"
WEB_BASE = f"{ORIGIN}/wiki"


def replay_run(stream: str, listings: Dict[str, List[Dict[str, Any]]], capfd, headers=None, config=None):
    config = config or ConfigBuilder().build()
    with Replay(ORIGIN) as replay:
        for path, pages in listings.items():
            replay.listing(path, pages, token="cursor", headers=headers)
        output = read_stream(stream, config)
    replay.assert_every_listing_replayed()
    captured = capfd.readouterr()
    assert_clean_run(output, config, captured.out + captured.err)
    assert_valid_against_schema(stream, config, [m.record.data for m in output.records])
    return output


def test_spaces_from_the_recorded_v2_space_list(capfd):
    """cloud__v2-spaces__1: description and icon null (not requested by the recorder), personal keys `~…`."""
    recorded = recording("cloud__v2-spaces__1")
    spaces = recorded["body"]["results"]
    output = replay_run("spaces", {"/wiki/api/v2/spaces": [recorded["body"]]}, capfd, recorded["headers"])
    records = assert_one_record_per_object(output, [space["id"] for space in spaces])
    for space in spaces:
        record = records[space["id"]]
        assert (record.get("key"), record.get("name"), record.get("type"), record.get("status")) == (
            space["key"], space["name"], space["type"], space["status"])
        assert record.get("homepageId") == space["homepageId"] and record.get("authorId") == space["authorId"]
        assert record.get("createdAt") == utc(space["createdAt"])
        assert record.get("description") is None and record.get("icon") is None   # null in the recording
        assert record.get("webUrl") == web_url(WEB_BASE, space["_links"]["webui"])


def test_comments_from_the_recorded_footer_and_inline_lists(capfd):
    """cloud__v2-footer-comments__1 and cloud__v2-inline-comments__1, recorded WITHOUT body-format: the
    source asks for bodies, these answers carry none, so each record's body is null (not an empty text).
    Inline comments carry `inlineMarkerRef` and `inline-marker-ref` (camel and kebab duplicates)."""
    footer = recording("cloud__v2-footer-comments__1")["body"]
    inline = recording("cloud__v2-inline-comments__1")["body"]
    output = replay_run("comments", {"/wiki/api/v2/footer-comments": [footer],
                                     "/wiki/api/v2/inline-comments": [inline]}, capfd)
    recorded = [(c, "footer") for c in footer["results"]] + [(c, "inline") for c in inline["results"]]
    records = assert_one_record_per_object(output, [c["id"] for c, _ in recorded])
    for comment, location in recorded:
        record = records[comment["id"]]
        assert record.get("location") == location and record.get("title") == comment["title"]
        assert (record.get("containerId"), record.get("containerType")) == (comment["pageId"], "page")
        assert record.get("resolutionStatus") == comment["resolutionStatus"]
        assert (record.get("version") or {}).get("number") == comment["version"]["number"]
        assert record.get("authorId") == comment["version"]["authorId"]
        assert record.get("lastModifiedAt") == utc(comment["version"]["createdAt"])
        properties = comment.get("properties") or {}
        assert record.get("inlineMarkerRef") == (properties.get("inlineMarkerRef") if location == "inline" else None)
        assert record.get("body") is None and record.get("body_markdown") is None
        assert record.get("webUrl") == web_url(WEB_BASE, comment["_links"]["webui"])


def content_search_pages(name: str) -> List[Dict[str, Any]]:
    """No real `content/search` answer was recorded on Cloud (INDEX.md, coverage gaps). Its closest
    sibling, `/rest/api/search`, wraps Cloud's own v1 content objects under `content`: those objects
    are served here inside a `content/search` envelope (ContentArray: results, start, limit, size,
    _links — the recorded `_links`, so the recorded `next` with both `cursor=` and `start=` is the one
    the source must follow)."""
    envelope = recording(name)["body"]
    contents = [result["content"] for result in envelope["results"]]
    return [{"results": contents, "start": envelope.get("start", 0), "limit": envelope.get("limit", 25),
             "size": len(contents), "_links": envelope["_links"]}]


SEARCH_RECORDINGS = ["cloud__v1-search__1", "cloud__v1-search__2"]


def assert_content_fields(record: Dict[str, Any], content: Dict[str, Any]) -> None:
    assert record.get("title") == content["title"] and record.get("status") == content["status"]
    # Not expanded by the recorder: space, version, history are absent, so null in the record.
    assert record.get("spaceKey") == nested(content, "space", "key")
    assert record.get("lastModifiedAt") == utc(nested(content, "version", "when"))
    assert record.get("webUrl") == web_url(WEB_BASE, content["_links"]["webui"])


@pytest.mark.parametrize("name", SEARCH_RECORDINGS)
def test_pages_from_recorded_cloud_content_objects(name, capfd):
    pages = content_search_pages(name)
    output = replay_run("pages", {"/wiki/rest/api/content/search": pages}, capfd)
    records = assert_one_record_per_object(output, [c["id"] for c in pages[0]["results"]])
    for content in pages[0]["results"]:
        record = records[content["id"]]
        assert record.get("type") == content["type"]
        assert_content_fields(record, content)
        assert (record.get("version") or {}).get("number") == nested(content, "version", "number")
        assert record.get("authorId") == (user(nested(content, "history", "createdBy")) or user(nested(content, "version", "by")))
        assert record.get("body") is None and record.get("body_markdown") is None   # body not expanded in the recording


@pytest.mark.parametrize("name", SEARCH_RECORDINGS)
def test_page_bodies_from_recorded_cloud_content_objects(name, capfd):
    pages = content_search_pages(name)
    output = replay_run("pages_content", {"/wiki/rest/api/content/search": pages}, capfd)
    records = assert_one_record_per_object(output, [c["id"] for c in pages[0]["results"]])
    for content in pages[0]["results"]:
        record = records[content["id"]]
        assert record.get("title") == content["title"] and record.get("spaceKey") == nested(content, "space", "key")
        assert record.get("body_storage") is None and record.get("body_markdown") is None


@pytest.mark.parametrize("name", SEARCH_RECORDINGS)
def test_content_index_from_recorded_cloud_content_objects(name, capfd):
    pages = content_search_pages(name)
    output = replay_run("content_index", {"/wiki/rest/api/content/search": pages}, capfd)
    records = assert_one_record_per_object(output, [c["id"] for c in pages[0]["results"]])
    for content in pages[0]["results"]:
        record = records[content["id"]]
        assert record.get("type") == content["type"] and record.get("containerId") is None
        assert_content_fields(record, content)


def test_comments_by_cql_from_the_recorded_v1_comment_object(capfd):
    """With `space_keys` set, Cloud comments come from CQL `content/search`. No such answer was recorded:
    the v1 comment object of cloud__v1-content-child-comment__1 (its author trimmed the envelope to
    `results`) is served inside a content/search envelope. It carries `body.view` only (no storage),
    `extensions.location: inline` with the inline properties not expanded, no container."""
    comments = recording("cloud__v1-content-child-comment__1")["body"]["results"]
    page = {"results": comments, "start": 0, "limit": 250, "size": len(comments),
            "_links": {"base": "https://example.atlassian.net/wiki", "context": "/wiki"}}
    config = ConfigBuilder().with_(space_keys=["TEAM"]).build()
    output = replay_run("comments", {"/wiki/rest/api/content/search": [page]}, capfd, config=config)
    records = assert_one_record_per_object(output, [c["id"] for c in comments])
    for comment in comments:
        record = records[comment["id"]]
        assert record.get("location") == comment["extensions"]["location"] and record.get("title") == comment["title"]
        assert record.get("containerId") is None and record.get("inlineMarkerRef") is None
        assert record.get("authorId") == user(comment["version"]["by"])
        assert record.get("lastModifiedAt") == utc(comment["version"]["when"])
        assert record.get("createdAt") == utc(comment["version"]["when"])   # version 1: created then
        assert record.get("body") is None and record.get("body_markdown") is None   # `view` only, no storage
        assert record.get("webUrl") == web_url(WEB_BASE, comment["_links"]["webui"])


@pytest.mark.parametrize("name", SEARCH_RECORDINGS)
def test_pages_in_v1_record_format_from_recorded_cloud_content_objects(name, capfd):
    """`record_format: v1` keeps each recorded content object (childTypes, restrictions, _expandable…)
    and adds the top-level fields; valid against the schema like the v2 shape."""
    pages = content_search_pages(name)
    config = ConfigBuilder().with_(record_format="v1").build()
    output = replay_run("pages", {"/wiki/rest/api/content/search": pages}, capfd, config=config)
    records = assert_one_record_per_object(output, [c["id"] for c in pages[0]["results"]])
    for content in pages[0]["results"]:
        record = records[content["id"]]
        assert record.get("_links") == content["_links"] and record.get("_expandable") == content["_expandable"]
        assert record.get("webUrl") == web_url(WEB_BASE, content["_links"]["webui"])
        assert record.get("lastModifiedAt") is None and record.get("body_markdown") is None
