"""Confluence Data Center / Server: recorded real responses replayed through the whole source.

The configured base keeps each recording's context path (`_links.context`: '' or `/confluence`), on a
host other than the recorded one: links in records must be built on the configured base.
The content-search recordings were made with a CQL over every content type (`lastModified >= …`),
not the per-type CQL each stream sends: they are served as recorded, so a stream receives the types
the recording holds, and must shape each object it is given into one record.
"""
from typing import Any, Dict, List

import pytest

from unit_tests.source.builders.config import ConfigBuilder
from unit_tests.source.reading import read_stream

from .expectations import (assert_clean_run, assert_one_record_per_object, assert_valid_against_schema, nested, user,
                           utc, web_url)
from .recordings import recording
from .replay_server import Replay

HOST = "https://wiki.corp.example"


def dc_replay_run(stream: str, context: str, path: str, pages: List[Dict[str, Any]], capfd, **settings):
    base = HOST + context
    config = ConfigBuilder().data_center().with_(domain_name=base, **settings).build()
    with Replay(HOST) as replay:
        replay.listing(context + path, pages, token="start")
        output = read_stream(stream, config)
    replay.assert_every_listing_replayed()
    captured = capfd.readouterr()
    assert_clean_run(output, config, captured.out + captured.err)
    assert_valid_against_schema(stream, config, [m.record.data for m in output.records])
    return output, base, replay.listings[context + path]


SPACE_RECORDINGS = {
    # context path /confluence, numeric id, lowercase key, /display/ webui, no `next` (size 1 < limit 25)
    "datacenter__v1-space__1": "/confluence",
    # the same v1 envelope from Cloud: `next` (start=5) although size 2 < limit 5, an archived personal space
    "cloud__v1-space__1": "/confluence",
}


@pytest.mark.parametrize("name", sorted(SPACE_RECORDINGS))
def test_spaces_from_the_recorded_v1_space_list(name, capfd):
    page = recording(name)["body"]
    output, base, listing = dc_replay_run("spaces", SPACE_RECORDINGS[name], "/rest/api/space", [page], capfd)
    # cloud__v1-space__1's `next` says start=5 after 2 of limit 5: the source asks for that page.
    assert listing.served == ([None, "5"] if name == "cloud__v1-space__1" else [None])
    records = assert_one_record_per_object(output, [str(space["id"]) for space in page["results"]])
    for space in page["results"]:
        record = records[str(space["id"])]   # a JSON number on the wire, a string in the record (schema: string)
        assert (record.get("key"), record.get("name"), record.get("type")) == (space["key"], space["name"], space["type"])
        assert record.get("status") == space.get("status")
        # description and homepage were not expanded in the recording (only `_expandable`): null.
        assert record.get("description") is None and record.get("homepageId") == nested(space, "homepage", "id")
        assert record.get("webUrl") == web_url(base, space["_links"]["webui"])


# Each scenario: the recorded pages in the order the first page's `next` chains them.
CONTENT_SCENARIOS = {
    "datacenter__v1-content-search__1+2": ["datacenter__v1-content-search__1", "datacenter__v1-content-search__2"],
    "datacenter__v1-content-search__3": ["datacenter__v1-content-search__3"],   # an empty first page: no record
    "datacenter__v1-content-search__4": ["datacenter__v1-content-search__4"],   # `_links.edit` with draftShareId
}


@pytest.mark.parametrize("stream", ["pages", "blog_posts", "content_index"])
@pytest.mark.parametrize("scenario", sorted(CONTENT_SCENARIOS))
def test_content_streams_from_the_recorded_content_search(stream, scenario, capfd):
    pages = [recording(name)["body"] for name in CONTENT_SCENARIOS[scenario]]
    if len(pages) > 1:   # the recorded `next` of __1 is the request __2 answers (start=2)
        assert "start=2" in pages[0]["_links"]["next"] and recording(CONTENT_SCENARIOS[scenario][1])["query"]["start"] == "2"
    output, base, listing = dc_replay_run(stream, "", "/rest/api/content/search", pages, capfd)
    assert listing.served == [None, "2"][:len(pages)]   # __1's recorded `next` (start=2) is followed
    contents = [content for page in pages for content in page["results"]]
    if not contents:
        assert output.records == []
        return
    records = assert_one_record_per_object(output, [content["id"] for content in contents])
    for content in contents:
        record = records[content["id"]]
        assert record.get("type") == content["type"] and record.get("title") == content["title"]
        assert record.get("status") == content.get("status")
        # space, version and history were not expanded in these recordings: null in the record.
        assert record.get("spaceKey") == nested(content, "space", "key") and record.get("spaceId") is None
        assert record.get("lastModifiedAt") == utc(nested(content, "version", "when"))
        assert record.get("webUrl") == web_url(base, content["_links"]["webui"])
        if stream == "content_index":
            continue
        assert (record.get("version") or {}).get("number") == nested(content, "version", "number")
        assert record.get("authorId") == (user(nested(content, "history", "createdBy")) or user(nested(content, "version", "by")))
        assert record.get("body") is None
        ancestors = content.get("ancestors") or []
        assert [a["id"] for a in record.get("ancestors") or []] == [a["id"] for a in ancestors]
        if stream == "pages" and content["type"] == "page":
            assert record.get("parentId") == (ancestors[-1]["id"] if ancestors else None)


@pytest.mark.parametrize("stream", ["pages", "blog_posts"])
def test_v1_record_format_keeps_the_recorded_object_and_adds_the_top_level_fields(stream, capfd):
    """`record_format: v1`: the recorded object as it came, plus lastModifiedAt, createdAt, spaceId,
    spaceKey, webUrl and body_markdown (null where the recording lacks the expansion); still one record
    per object and valid against the stream's schema."""
    pages = [recording(name)["body"] for name in CONTENT_SCENARIOS["datacenter__v1-content-search__1+2"]]
    output, base, _ = dc_replay_run(stream, "", "/rest/api/content/search", pages, capfd, record_format="v1")
    contents = [content for page in pages for content in page["results"]]
    records = assert_one_record_per_object(output, [content["id"] for content in contents])
    for content in contents:
        record = records[content["id"]]
        assert record.get("_links") == content["_links"] and record.get("ancestors") == content.get("ancestors")
        assert record.get("webUrl") == web_url(base, content["_links"]["webui"])
        assert record.get("spaceKey") is None and record.get("body_markdown") is None
