"""Paging ends on a missing `next` or a second empty page, fails on a repeated token; waits honour Retry-After, capped."""
import json
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest
import requests

from source_confluence.components.listing.backoff import RetryAfterBackoffStrategy, header_wait_seconds
from source_confluence.components.listing.paginators import LinkedPagePagination, RepeatedPageToken


def response(body, headers=None, status=200):
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps(body).encode()
    resp.headers.update(headers or {})
    resp.request = requests.Request("GET", "https://x/wiki/api/v2/pages").prepare()
    return resp


def strategy(kind="cursor"):
    return LinkedPagePagination(config={}, parameters={}, token_kind=kind, page_size=250)


def test_given_next_link_with_cursor_then_token_is_the_cursor():
    body = {"results": [{"id": "1"}], "_links": {"next": "/wiki/api/v2/pages?limit=250&cursor=abc%3D"}}
    assert strategy().next_page_token(response(body), 1, None, None) == "abc="


def test_given_next_link_on_an_empty_page_then_it_is_followed_once_and_a_second_empty_page_ends_it():
    # A transient empty page must not end the listing (what follows would be lost silently); the same
    # empty page again is Cloud's trailing empty page: the end, not a loop.
    paging = strategy()
    body = {"results": [], "_links": {"next": "/wiki/api/v2/pages?cursor=abc"}}
    assert paging.next_page_token(response(body), 0, None, "abc") == "abc"
    assert paging.next_page_token(response(body), 0, None, "abc") is None


def test_given_an_empty_page_then_the_page_after_it_continues_normally():
    paging = strategy("offset")
    empty = {"results": [], "start": 0, "_links": {"next": "/rest/api/x?start=0"}}
    assert paging.next_page_token(response(empty), 0, None, None) == 0
    full = {"results": [{"id": "1"}], "start": 0, "_links": {"next": "/rest/api/x?start=1"}}
    assert paging.next_page_token(response(full), 1, None, 0) == 1


def test_given_no_next_link_then_listing_ends():
    assert strategy().next_page_token(response({"results": [{"id": "1"}], "_links": {}}), 1, None, None) is None


def test_given_the_same_cursor_again_then_a_clear_error_instead_of_a_loop():
    body = {"results": [{"id": "1"}], "_links": {"next": "/wiki/api/v2/pages?cursor=abc"}}
    with pytest.raises(RepeatedPageToken, match="same page token"):
        strategy().next_page_token(response(body), 1, None, "abc")


def test_given_data_center_undercounted_start_then_offset_advances_by_what_arrived():
    body = {"results": [{"id": "1"}, {"id": "2"}, {"id": "3"}], "start": 6, "_links": {"next": "/rest/api/x?start=8"}}
    assert strategy("offset").next_page_token(response(body), 3, None, 6) == 9


def test_given_a_next_link_beyond_what_arrived_then_offset_follows_the_link():
    """Cloud v1 skips what the caller may not see: a `next` past a short page (as in cloud__v1-space__1)."""
    body = {"results": [{"id": "31"}, {"id": "32"}, {"id": "33"}], "start": 25, "limit": 25,
            "_links": {"next": "/rest/api/space?next=true&limit=25&start=50"}}
    assert strategy("offset").next_page_token(response(body), 3, None, 25) == 50


def test_given_a_next_link_beyond_the_window_the_page_covered_then_offset_advances_by_what_arrived():
    """A `next` past `start + limit` would skip items a silently capped page never showed."""
    body = {"results": [{"id": "1"}, {"id": "2"}], "start": 0, "limit": 2,
            "_links": {"next": "/rest/api/x?limit=250&start=250"}}
    assert strategy("offset").next_page_token(response(body), 2, None, None) == 2


def test_given_a_data_center_next_link_with_unencoded_cql_then_its_start_is_read():
    """Data Center leaves quotes and spaces raw in the CQL of `next` (as in datacenter__v1-content-search__1)."""
    body = {"results": [{"id": "7"}, {"id": "8"}, {"id": "9"}], "start": 3, "limit": 3, "_links": {
        "next": '/rest/api/content/search?limit=3&start=6&cql=type%20=%20page%20AND%20title%20~%20"a & b"'}}
    assert strategy("offset").next_page_token(response(body), 3, None, 3) == 6


def test_given_page_size_above_250_then_capped():
    assert LinkedPagePagination(config={}, parameters={}, page_size=1000).get_page_size() == 250


@pytest.mark.parametrize("headers, expected", [({"Retry-After": "7"}, 7.0), ({"Retry-After": "0"}, 0.0), ({}, None)])
def test_given_retry_after_seconds_then_wait_that_long(headers, expected):
    assert header_wait_seconds(headers) == expected


def test_given_retry_after_http_date_then_wait_until_then():
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    assert 25 <= header_wait_seconds({"Retry-After": format_datetime(later, usegmt=True)}) <= 31


def test_given_rate_limit_reset_header_without_retry_after_then_wait_until_reset():
    later = (datetime.now(timezone.utc) + timedelta(seconds=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert 15 <= header_wait_seconds({"X-RateLimit-Reset": later}) <= 21


def test_given_rate_limit_reset_in_epoch_seconds_then_wait_until_then():
    """Cloud sends `x-ratelimit-reset` as epoch seconds (the headers of the recorded Cloud answers)."""
    later = str(int(datetime.now(timezone.utc).timestamp()) + 20)
    assert 15 <= header_wait_seconds({"X-RateLimit-Reset": later}) <= 21
    assert header_wait_seconds({"X-RateLimit-Reset": "1000000000"}) == 0.0   # in the past: no wait


def test_given_cap_then_long_waits_are_shortened():
    backoff = RetryAfterBackoffStrategy(config={"max_backoff_seconds": 3}, parameters={})
    assert backoff.backoff_time(response({}, {"Retry-After": "3600"}, 429), 1) == 3


def test_given_no_header_then_exponential_with_jitter_below_cap():
    backoff = RetryAfterBackoffStrategy(config={"max_backoff_seconds": 1000}, parameters={})
    waits = [backoff.backoff_time(response({}, {}, 429), attempt) for attempt in (1, 2, 3)]
    assert 1.4 <= waits[0] <= 2.6 and 2.8 <= waits[1] <= 5.2 and 5.6 <= waits[2] <= 10.4


def test_given_first_page_whose_next_link_has_no_cursor_then_it_is_a_repeat_not_an_end():
    body = {"results": [{"id": "1"}], "_links": {"next": "/wiki/api/v2/pages?limit=250"}}
    with pytest.raises(RepeatedPageToken):
        strategy().next_page_token(response(body), 1, None, None)
