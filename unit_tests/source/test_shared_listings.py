"""One search page fetched once for every stream that lists it (components/listing/shared_listings.py)."""
import threading

import requests

from source_confluence.components.listing import shared_listings
from source_confluence.components.listing.shared_listings import SharedListings, listing_type

PAGES_URL = "https://site.example/wiki/rest/api/content/search?cql=type+%3D+page+ORDER+BY+lastmodified+asc&limit=250"


def _prepared(url=PAGES_URL, token="a"):
    return requests.Request("GET", url, headers={"Authorization": f"Basic {token}"}).prepare()


class Upstream:
    """Answers every request with its own body; `gate` holds the answer back until released."""

    def __init__(self, status=200, gate=None):
        self.calls, self.status, self.gate = [], status, gate

    def send(self, request, **kwargs):
        self.calls.append(request.url)
        if self.gate is not None:
            self.gate.wait(5)
        response = requests.Response()
        response.status_code = self.status
        response._content = f'{{"results": [{len(self.calls)}]}}'.encode()
        response.url = request.url
        return response


LISTING_CQLS = {"type = page ORDER BY lastmodified asc": "page"}


def _listings(*streams):
    listings = SharedListings()
    listings.expect_readers(streams, LISTING_CQLS)
    return listings


def test_given_three_readers_of_the_page_listing_then_confluence_sees_one_request():
    listings, upstream = _listings("pages", "pages_content", "content_index"), Upstream()
    bodies = [listings.send(_prepared(), upstream.send, reader=stream).json()
              for stream in ("pages", "pages_content", "content_index")]
    assert upstream.calls == [PAGES_URL] and bodies == [{"results": [1]}] * 3
    # every expected reader took it: the entry is gone, a fourth read is a new request
    listings.send(_prepared(), upstream.send, reader="pages")
    assert len(upstream.calls) == 2


def test_given_a_request_in_flight_then_the_second_reader_waits_for_it():
    gate = threading.Event()
    listings, upstream = _listings("pages", "pages_content"), Upstream(gate=gate)
    results = []
    leader = threading.Thread(target=lambda: results.append(listings.send(_prepared(), upstream.send, reader=1)))
    leader.start()
    while not upstream.calls:
        pass
    follower = threading.Thread(target=lambda: results.append(listings.send(_prepared(), upstream.send, reader=2)))
    follower.start()
    gate.set()
    leader.join(5), follower.join(5)
    assert len(upstream.calls) == 1 and len(results) == 2
    assert sum(bool(getattr(r, "from_cache", False)) for r in results) == 1, "the shared copy is marked as not sent"


def test_given_a_failed_response_then_every_reader_sends_its_own():
    listings, upstream = _listings("pages", "pages_content"), Upstream(status=429)
    statuses = [listings.send(_prepared(), upstream.send, reader=r).status_code for r in (1, 2)]
    assert statuses == [429, 429] and len(upstream.calls) == 2


def test_given_one_reader_or_another_endpoint_or_other_credentials_then_nothing_is_shared():
    upstream = Upstream()
    alone = _listings("pages")
    alone.send(_prepared(), upstream.send, reader=1), alone.send(_prepared(), upstream.send, reader=2)
    assert len(upstream.calls) == 2
    both, upstream = _listings("pages", "pages_content"), Upstream()
    both.send(_prepared(token="a"), upstream.send, reader=1), both.send(_prepared(token="b"), upstream.send, reader=2)
    assert len(upstream.calls) == 2, "a response is never handed to other credentials"
    comments = PAGES_URL.replace("content/search", "content/1/child/comment")
    both.send(_prepared(comments), upstream.send, reader=1), both.send(_prepared(comments), upstream.send, reader=2)
    assert len(upstream.calls) == 4
    # page_versions' changed-pages query is `type = page …` too, but no other stream sends it
    other_cql = PAGES_URL.replace("ORDER+BY", "AND+lastmodified+%3E%3D+%222026-01-01%22+ORDER+BY")
    both.send(_prepared(other_cql), upstream.send, reader=1), both.send(_prepared(other_cql), upstream.send, reader=2)
    assert len(upstream.calls) == 6
    assert not [key for key in both._entries if "lastmodified+%3E%3D" in key], "an unknown query is never kept"


def test_given_an_empty_page_then_it_is_not_shared():
    class EmptyUpstream(Upstream):
        def send(self, request, **kwargs):
            response = super().send(request, **kwargs)
            response._content = b'{"results": [], "_links": {"next": "/rest/api/content/search?cursor=x"}}'
            return response
    listings, upstream = _listings("pages", "pages_content"), EmptyUpstream()
    listings.send(_prepared(), upstream.send, reader=1), listings.send(_prepared(), upstream.send, reader=2)
    assert len(upstream.calls) == 2


def test_given_the_memory_budget_is_spent_then_entries_wait_on_disk(monkeypatch):
    monkeypatch.setattr(shared_listings, "MEMORY_BUDGET_BYTES", 0)
    listings, upstream = _listings("pages", "pages_content"), Upstream()
    first = listings.send(_prepared(), upstream.send, reader=1).json()
    entry = next(iter(listings._entries.values()))
    assert entry.content is None and entry.path is not None
    second = listings.send(_prepared(), upstream.send, reader=2).json()
    assert first == second and len(upstream.calls) == 1
    listings.close()


def test_listing_type_reads_the_cql_head():
    assert listing_type(PAGES_URL) == "page"
    assert listing_type("https://x/rest/api/content/search?cql=type+IN+(page,+blogpost)") is None
    assert listing_type("https://x/rest/api/content/search?cql=type+%3D+attachment+AND+container+IN+(1)") == "attachment"


def _readers(config_extra=None, pages_state=None):
    from airbyte_cdk.models import SyncMode
    from airbyte_cdk.test.catalog_builder import CatalogBuilder
    from airbyte_cdk.test.state_builder import StateBuilder

    from source_confluence import SourceConfluence

    from .builders.config import ConfigBuilder
    config = ConfigBuilder().without("start_date").with_(**(config_extra or {})).build()
    builder = CatalogBuilder()
    for stream in ("pages", "pages_content", "content_index", "blog_posts"):
        builder.with_stream(stream, SyncMode.incremental if stream in ("pages", "blog_posts") else SyncMode.full_refresh)
    catalog = builder.build()
    messages = StateBuilder().with_stream_state("pages", pages_state).build() if pages_state else None
    return SourceConfluence(catalog, config, messages)._readers_of_shared_listings(catalog)


def test_given_a_first_sync_then_every_listing_stream_shares():
    assert _readers() == {"pages", "pages_content", "content_index", "blog_posts"}
    assert _readers({"start_date": "2000-01-01T00:00:00Z"}) == {"pages", "pages_content", "content_index", "blog_posts"}


def test_given_a_date_clause_or_a_narrowed_selection_then_those_queries_are_not_expected_to_match():
    assert _readers({"start_date": "2024-01-01T00:00:00Z"}) == {"pages_content", "content_index"}
    assert _readers(pages_state={"lastModifiedAt": "2026-01-01T00:00:00.000Z"}) == {
        "pages_content", "content_index", "blog_posts"}
    assert _readers({"cql_pages_clause": "space = ENG"}) == set()


def test_given_the_same_reader_asks_again_then_it_gets_a_fresh_answer():
    listings, upstream = _listings("pages", "pages_content", "content_index"), Upstream()
    first = listings.send(_prepared(), upstream.send, reader="pages").json()
    again = listings.send(_prepared(), upstream.send, reader="pages").json()
    other = listings.send(_prepared(), upstream.send, reader="pages_content").json()
    assert (first, again, other) == ({"results": [1]}, {"results": [2]}, {"results": [1]})


def test_given_content_index_then_it_sends_the_streams_requests_only_for_listings_shared_with_them():
    from source_confluence.components.listing.partition_routers import ContentScopePartitionRouter

    def partitions(shared):
        router = ContentScopePartitionRouter(page_ids_requester=None, parameters={}, same_requests_as_streams=True,
                                             config={"__shared_listing_types": shared}, content_types="attachment",
                                             lead_content_types="page,blogpost")
        return [dict(s.partition) for s in router.stream_slices()]

    # alone: one light listing, no bodies
    assert partitions([]) == [{"cql": "type IN (page, blogpost, attachment)"}]
    # with pages selected: the page listing exactly as `pages` sends it; the rest light
    page, blog, attachment = partitions(["page"])
    assert page["cql"] == "type = page ORDER BY lastmodified asc" and "body.storage" in page["expand"]
    assert blog == {"cql": "type = blogpost"} and attachment == {"cql": "type = attachment"}
