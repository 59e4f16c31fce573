"""Pages come from one CQL listing that carries labels, ancestors, space and body; incremental by lastModifiedAt."""
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker

from .builders.config import ConfigBuilder
from .builders.requests import RequestBuilder
from .builders.responses import cloud_search_page, offset_page, v1_content
from .reading import read_stream, record_ids

FULL_CQL = 'type = page AND lastmodified >= "2019-12-31 16:00" ORDER BY lastmodified asc'


def test_given_two_search_pages_when_reading_pages_then_records_arrive_in_v2_shape():
    config = ConfigBuilder().build()
    with HttpMocker() as http:
        http.get(RequestBuilder.content_search(FULL_CQL).build(),
                 cloud_search_page([v1_content("1", ancestors=["0"], labels=["docs"])], next_cursor="c2"))
        http.get(RequestBuilder.content_search(FULL_CQL).with_params(cursor="c2").build(),
                 cloud_search_page([v1_content("2")]))
        output = read_stream("pages", config)
    assert record_ids(output) == ["1", "2"]
    first = output.records[0].record.data
    assert first["spaceKey"] == "ENG" and first["spaceId"] == "100"
    assert first["parentId"] == "0" and first["ancestors"] == [{"id": "0", "type": "page"}]
    assert first["labels"] == [{"id": "l-docs", "name": "docs", "prefix": "global"}]
    assert first["lastModifiedAt"] == "2026-10-01T12:00:00.000Z"
    assert first["webUrl"] == "https://acme.atlassian.net/wiki/spaces/ENG/pages/1"
    assert first["body"]["storage"]["value"] == "<p>Hello</p>" and "Hello" in first["body_markdown"]


def test_given_state_when_reading_incrementally_then_cql_starts_at_cursor_minus_lookback_in_user_zone():
    """Cursor 2026-10-01T19:05:42Z, lookback 10 min, Los Angeles (UTC-7 in October) → "2026-10-01 11:55"."""
    config = ConfigBuilder().build()
    cql = 'type = page AND lastmodified >= "2026-10-01 11:55" ORDER BY lastmodified asc'
    with HttpMocker() as http:
        http.get(RequestBuilder.content_search(cql).build(), cloud_search_page([
            v1_content("1", when="2026-10-01T19:05:42.000Z"),          # the boundary record itself: dropped
            v1_content("2", when="2026-10-01T19:00:00.000Z"),          # inside the look-back, older: dropped
            v1_content("3", when="2026-10-01T19:05:42.001Z"),          # newer: kept
        ]))
        output = read_stream("pages", config, state={"lastModifiedAt": "2026-10-01T19:05:42.000Z"},
                             sync_mode=SyncMode.incremental)
    assert record_ids(output) == ["3"]
    assert output.most_recent_state.stream_state.lastModifiedAt.startswith("2026-10-01T19:05:42.001")


def test_given_data_center_when_reading_pages_then_offset_advances_by_what_arrived():
    """DC under-counts `start` in `_links.next` (confluence-api.md §11): advance by the page's size."""
    config = ConfigBuilder().data_center().build()
    with HttpMocker() as http:
        http.get(RequestBuilder.content_search(FULL_CQL, base="dc").build(),
                 offset_page([v1_content("1"), v1_content("2")], start=0, has_next=True, next_start=1))
        http.get(RequestBuilder.content_search(FULL_CQL, base="dc").with_params(start=2).build(),
                 offset_page([v1_content("3")], start=2))
        output = read_stream("pages", config)
    assert record_ids(output) == ["1", "2", "3"]


def test_given_data_center_without_a_reported_zone_when_reading_incrementally_then_query_starts_12_hours_early():
    """DC's /user/current has no timeZone: a literal 12 h early in UTC is safe for every zone (UTC-12..+14)."""
    config = ConfigBuilder().data_center().without("user_timezone").build()
    cql = 'type = page AND lastmodified >= "2026-10-01 06:55" ORDER BY lastmodified asc'
    with HttpMocker() as http:
        http.get(RequestBuilder.dc_v1("user/current").build(), offset_page([]))
        http.get(RequestBuilder.content_search(cql, base="dc").build(),
                 offset_page([v1_content("1", when="2026-10-01T19:05:42.000Z"), v1_content("2", when="2026-10-01T19:06:00.000Z")]))
        output = read_stream("pages", config, state={"lastModifiedAt": "2026-10-01T19:05:42.000Z"}, sync_mode=SyncMode.incremental)
    assert record_ids(output) == ["2"]
