"""A listing's next page is fetched while the CDK processes this one (components/listing/read_ahead.py)."""
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from source_confluence.components.listing.read_ahead import ReadAhead, ReadAheadAdapter, next_request_url

SEARCH = "https://site.example/wiki/rest/api/content/search?cql=type+%3D+page&limit=2"
V2_PAGES = "https://site.example/wiki/api/v2/pages?limit=2&body-format=storage"


def _get(url, token="a"):
    return requests.Request("GET", url, headers={"Authorization": f"Basic {token}"}).prepare()


def _cursor_page(cursor_after):
    links = {"next": f"/wiki/api/v2/pages?cursor={cursor_after}&limit=2"} if cursor_after else {}
    return {"results": [{"id": "1"}, {"id": "2"}], "_links": links}


class Upstream:
    """A Confluence answering by URL: `pages` maps a cursor (or start) to a body; records every URL it sees.
    `script` maps a call's number (0 = first) to the status or exception that call gets instead."""

    def __init__(self, pages, status=200, script=None):
        self.pages, self.status, self.script, self.calls = pages, status, dict(script or {}), []

    def send(self, request, **kwargs):
        outcome = self.script.get(len(self.calls), self.status)
        self.calls.append(request.url)
        if isinstance(outcome, BaseException):
            raise outcome
        query = parse_qs(urlsplit(request.url).query)
        token = (query.get("cursor") or query.get("start") or [None])[0]
        response = requests.Response()
        response.status_code = outcome
        response._content = json.dumps(self.pages.get(token, {"results": []})).encode()
        response.url, response.request = request.url, request
        return response


def _wait_for_calls(upstream, count):
    for _ in range(500):
        if len(upstream.calls) >= count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"expected {count} upstream calls, saw {upstream.calls}")


def test_given_a_cursor_page_then_the_next_url_is_this_url_with_the_linked_cursor():
    assert parse_qs(urlsplit(next_request_url(V2_PAGES, _cursor_page("c2"))).query) == {
        "limit": ["2"], "body-format": ["storage"], "cursor": ["c2"]}


def test_given_an_offset_page_then_the_next_start_is_the_paginators():
    """Data Center under-counts `start` in `next`: the paginator advances by what arrived (paginators.next_offset)."""
    body = {"results": [1, 2, 3], "start": 6, "limit": 3, "_links": {"next": "/rest/api/content/search?start=8"}}
    assert parse_qs(urlsplit(next_request_url(SEARCH, body)).query)["start"] == ["9"]


@pytest.mark.parametrize("body", [
    {"results": [], "_links": {"next": "/wiki/api/v2/pages?cursor=x"}},   # empty page: the paginator's own rule decides
    {"results": [1]},                                                       # last page
    {"results": [1], "_links": {"next": "/wiki/api/v2/pages?limit=2"}},   # a next with no token
    [1, 2],
])
def test_given_no_predictable_next_page_then_nothing_is_predicted(body):
    assert next_request_url(V2_PAGES, body) is None


def test_given_a_listing_then_each_next_page_is_read_ahead_and_handed_over_once():
    upstream = Upstream({None: _cursor_page("c2"), "c2": _cursor_page("c3"), "c3": _cursor_page(None)})
    read_ahead = ReadAhead()
    adapter = ReadAheadAdapter(read_ahead, upstream)
    first = adapter.send(_get(V2_PAGES))
    _wait_for_calls(upstream, 2)                 # page 2 went out before the CDK asked for it
    second = adapter.send(_get(V2_PAGES + "&cursor=c2"))
    third = adapter.send(_get(V2_PAGES + "&cursor=c3"))
    assert [r.json()["_links"].get("next") for r in (first, second, third)] == [
        "/wiki/api/v2/pages?cursor=c2&limit=2", "/wiki/api/v2/pages?cursor=c3&limit=2", None]
    assert len(upstream.calls) == 3, "every page exactly once"
    assert (read_ahead.sent, read_ahead.taken, read_ahead.unused) == (2, 2, 0)


def test_given_the_query_in_another_order_then_the_page_read_ahead_is_still_handed_over():
    upstream = Upstream({None: _cursor_page("c2"), "c2": _cursor_page(None)})
    read_ahead = ReadAhead()
    adapter = ReadAheadAdapter(read_ahead, upstream)
    adapter.send(_get(V2_PAGES))
    adapter.send(_get("https://site.example/wiki/api/v2/pages?cursor=c2&body-format=storage&limit=2"))
    assert len(upstream.calls) == 2 and read_ahead.unused == 0


def test_given_a_different_next_request_then_it_goes_upstream_and_the_prediction_counts_as_unused():
    upstream = Upstream({None: _cursor_page("c2"), "other": _cursor_page(None)})
    read_ahead = ReadAhead()
    adapter = ReadAheadAdapter(read_ahead, upstream)
    adapter.send(_get(V2_PAGES))
    _wait_for_calls(upstream, 2)
    response = adapter.send(_get(V2_PAGES + "&cursor=other"))
    assert response.json()["_links"] == {} and len(upstream.calls) == 3
    assert read_ahead.unused == 1


def test_given_other_credentials_or_another_session_then_nothing_is_handed_over():
    """The key holds the Authorization header and the session: a page is never answered to someone else's request."""
    upstream = Upstream({None: _cursor_page("c2"), "c2": _cursor_page(None)})
    read_ahead = ReadAhead()
    adapter, other_session = ReadAheadAdapter(read_ahead, upstream), ReadAheadAdapter(read_ahead, upstream)
    adapter.send(_get(V2_PAGES, token="a"))
    _wait_for_calls(upstream, 2)
    adapter.send(_get(V2_PAGES + "&cursor=c2", token="b"))
    other_session.send(_get(V2_PAGES + "&cursor=c2", token="a"))
    assert read_ahead.taken == 0 and len(upstream.calls) == 4


@pytest.mark.parametrize("status", [401, 403])
def test_given_the_page_read_ahead_was_refused_then_the_cdks_own_request_is_sent(status):
    """The token may have been refreshed since the page was read ahead: the CDK's own request decides."""
    upstream = Upstream({None: _cursor_page("c2"), "c2": _cursor_page(None)}, script={1: status})
    adapter = ReadAheadAdapter(ReadAhead(), upstream)
    adapter.send(_get(V2_PAGES))
    _wait_for_calls(upstream, 2)
    response = adapter.send(_get(V2_PAGES + "&cursor=c2"))
    assert response.status_code == 200 and len(upstream.calls) == 3


def test_given_a_throttled_page_read_ahead_then_the_cdk_gets_the_429_to_back_off():
    upstream = Upstream({None: _cursor_page("c2")}, script={1: 429})
    adapter = ReadAheadAdapter(ReadAhead(), upstream)
    adapter.send(_get(V2_PAGES))
    _wait_for_calls(upstream, 2)
    assert adapter.send(_get(V2_PAGES + "&cursor=c2")).status_code == 429
    assert len(upstream.calls) == 2, "the 429 is the CDK's answer: its error handler retries, not read-ahead"


def test_given_a_connection_error_read_ahead_then_it_is_raised_to_the_cdk():
    """Raised as if the CDK's request had just failed: its retry rules apply unchanged."""
    upstream = Upstream({None: _cursor_page("c2")}, script={1: requests.ConnectionError("reset by peer")})
    adapter = ReadAheadAdapter(ReadAhead(), upstream)
    adapter.send(_get(V2_PAGES))
    with pytest.raises(requests.ConnectionError, match="reset by peer"):
        adapter.send(_get(V2_PAGES + "&cursor=c2"))
    assert len(upstream.calls) == 2


@pytest.mark.parametrize("method,kwargs,status", [("POST", {}, 200), ("GET", {"stream": True}, 200), ("GET", {}, 500)])
def test_given_a_post_a_download_or_an_error_then_nothing_is_read_ahead(method, kwargs, status):
    upstream = Upstream({None: _cursor_page("c2")}, status=status)
    read_ahead = ReadAhead()
    request = requests.Request(method, V2_PAGES).prepare()
    ReadAheadAdapter(read_ahead, upstream).send(request, **kwargs)
    assert read_ahead.sent == 0 and len(upstream.calls) == 1


def test_given_a_next_link_back_to_this_page_then_it_is_not_read_ahead():
    """The paginator fails on a repeated cursor: that request is never sent, so not read ahead either."""
    upstream = Upstream({"c1": _cursor_page("c1")})
    read_ahead = ReadAhead()
    ReadAheadAdapter(read_ahead, upstream).send(_get(V2_PAGES + "&cursor=c1"))
    assert read_ahead.sent == 0


def test_given_too_many_pages_held_then_no_more_are_read_ahead():
    upstream = Upstream({None: _cursor_page("c2")})
    read_ahead = ReadAhead(max_pending=1)
    adapter = ReadAheadAdapter(read_ahead, upstream)
    adapter.send(_get(V2_PAGES))
    adapter.send(_get(V2_PAGES, token="b"))
    assert read_ahead.sent == 1
