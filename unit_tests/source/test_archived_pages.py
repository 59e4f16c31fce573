"""include_archived: archived pages follow the search's last page (components/listing/archived_pages.py)."""
import json

import requests

from source_confluence.components.listing.archived_pages import ArchivedPagesAfterSearch


def _response(body):
    response = requests.Response()
    response._content = json.dumps(body).encode()
    return response


class FakeRequester:
    def __init__(self, pages):
        self.pages, self.calls = list(pages), []

    def send_request(self, request_params=None, **kwargs):
        self.calls.append(dict(request_params))
        return _response(self.pages.pop(0))


def _extractor(requester, **config):
    return ArchivedPagesAfterSearch(archived_requester=requester, config=config, parameters={}, expand="content")


def _page(page_id, space="ENG"):
    return {"id": page_id, "status": "archived", "space": {"key": space}}


def test_given_a_search_page_with_next_then_no_archived_listing_yet():
    requester = FakeRequester([])
    search = _response({"results": [{"id": "1"}], "_links": {"next": "/rest/api/content/search?cursor=x"}})
    assert [r["id"] for r in _extractor(requester, include_archived=True).extract_records(search)] == ["1"]
    assert requester.calls == []


def test_given_the_last_search_page_then_archived_pages_follow_advancing_by_what_arrived():
    # Data Center caps `limit` silently and under-counts `start` in `next`: advance by the results.
    requester = FakeRequester([
        {"results": [_page("7"), _page("8")], "start": 0, "_links": {"next": "/rest/api/content?start=1"}},
        {"results": [_page("9", space="HR")], "start": 2, "_links": {}},
    ])
    search = _response({"results": [{"id": "1"}], "_links": {}})
    ids = [r["id"] for r in _extractor(requester, include_archived=True, page_size=100).extract_records(search)]
    assert ids == ["1", "7", "8", "9"]
    assert [c["start"] for c in requester.calls] == [0, 2]
    assert {c["status"] for c in requester.calls} == {"archived"} and {c["type"] for c in requester.calls} == {"page"}


def test_given_space_keys_then_archived_pages_of_other_spaces_are_dropped():
    requester = FakeRequester([{"results": [_page("7"), _page("9", space="HR")], "_links": {}}])
    search = _response({"results": [], "_links": {}})
    ids = [r["id"] for r in _extractor(requester, include_archived=True, space_keys=["HR"]).extract_records(search)]
    assert ids == ["9"]


def test_given_include_archived_off_or_a_cql_selection_then_nothing_is_requested():
    search = _response({"results": [{"id": "1"}], "_links": {}})
    for config in ({}, {"include_archived": True, "cql_pages_clause": "space = ENG"},
                   {"include_archived": True, "ingest_label": "ai-ingest"}):
        requester = FakeRequester([])
        assert [r["id"] for r in _extractor(requester, **config).extract_records(search)] == ["1"]
        assert requester.calls == []


def test_given_an_empty_page_with_next_then_archived_pages_follow_only_when_the_search_really_ends():
    # The paginator follows an empty page's `next` once; only the second empty answer ends the search.
    requester = FakeRequester([{"results": [_page("7")], "_links": {}}])
    extractor = _extractor(requester, include_archived=True)
    empty = _response({"results": [], "_links": {"next": "/rest/api/content/search?cursor=x"}})
    empty.request = requests.Request("GET", "https://x/rest/api/content/search?cql=type+%3D+page&cursor=x").prepare()
    assert [r["id"] for r in extractor.extract_records(empty)] == []
    assert [r["id"] for r in extractor.extract_records(empty)] == ["7"]
    assert len(requester.calls) == 1


def test_given_a_cql_selection_then_the_log_says_why_no_archived_page_is_added():
    import logging

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    handler, logger = Collect(), logging.getLogger("airbyte")
    logger.addHandler(handler)   # directly on the logger: other tests may stop it propagating
    try:
        search = _response({"results": [{"id": "1"}], "_links": {}})
        extractor = _extractor(FakeRequester([]), include_archived=True, cql_pages_clause="space = ENG")
        list(extractor.extract_records(search)), list(extractor.extract_records(search))
    finally:
        logger.removeHandler(handler)
    warnings = [m for m in handler.messages if "include_archived" in m]
    assert len(warnings) == 1, "said once per sync, not once per page"
