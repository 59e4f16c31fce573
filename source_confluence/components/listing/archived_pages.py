"""`include_archived`: the archived pages CQL search never returns, listed after the search's last page.

CQL leaves archived content out, and no CQL field selects it (confluence-api.md §7), so the pages
listing alone can never honour `include_archived`. The legacy content list can:

    GET {api}/rest/api/content?type=page&status=archived&expand=<the stream's expand>&start=0&limit=N

Its records have the shape of the search results (the same expand), so the stream's transformation and
incremental filter treat them alike: an archived page older than the cursor is dropped client-side.
The search listing is read first; once it ends as the paginator sees it (no `next`, or the same URL
empty a second time), the archived pages follow, once. Offset paging advances by what arrived (Data
Center caps `limit` silently and under-counts `start` in `_links.next`).

A `cql_pages_clause` or ingest labels select pages by CQL, which archived pages cannot match: then no
archived page is added, and the log says so once. `space_keys` is applied to them client-side.
"""
import logging
from dataclasses import InitVar, dataclass, field
from typing import Any, Iterable, Iterator, List, Mapping, MutableMapping

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.requesters import Requester
from airbyte_cdk.sources.types import Config

from source_confluence.components.listing.cql import confluence_expand
from source_confluence.components.listing.partition_routers import is_page_set_restricted
from source_confluence.components.listing.cql_listing import cql_results
from source_confluence.components.listing.paginators import EmptyPages
from source_confluence.components.listing.response_bodies import json_body
from source_confluence.components.listing.shared_listings import listing_type

LOGGER = logging.getLogger("airbyte")


def archived_pages(requester: Requester, expand: str, page_size: int) -> Iterator[MutableMapping[str, Any]]:
    # The content list pages by `start` on Cloud too: the offset walk of the CQL walker serves.
    params = {"type": "page", "status": "archived", "expand": expand, "start": 0, "limit": page_size}
    yield from cql_results(requester, params, is_datacenter=True)


@dataclass
class ArchivedPagesAfterSearch(RecordExtractor):
    """The search page's `results`; after the search's last page, the archived pages (when asked for)."""

    archived_requester: Requester
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    expand: str = "content"
    _warned: bool = field(default=False, init=False, repr=False)
    _empty_pages: EmptyPages = field(default_factory=EmptyPages, init=False, repr=False)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        body = json_body(response)
        results = (body.get("results") or []) if isinstance(body, dict) else []
        yield from results
        url = (response.request.url or "") if response.request is not None else ""
        is_page_listing = listing_type(url) == "page" if response.request is not None else True
        if self.config.get("include_archived") and is_page_listing and self._ends_search(body, results, url):
            yield from self._archived()

    def _ends_search(self, body: Mapping[str, Any], results: list, url: str) -> bool:
        """The paginator's rule (paginators.py): no `next`, or this URL came back empty a second time."""
        if not (body.get("_links") or {}).get("next"):
            return True
        return not results and self._empty_pages.seen_again(url)

    def _archived(self) -> Iterator[MutableMapping[str, Any]]:
        if is_page_set_restricted(self.config):
            if not self._warned:
                self._warned = True
                LOGGER.warning("include_archived: archived pages are not added while cql_pages_clause or an ingest "
                               "label selects the pages (CQL cannot match archived pages).")
            return
        space_keys: List[str] = list(self.config.get("space_keys") or [])
        page_size = int(self.config.get("page_size") or 250)
        for page in archived_pages(self.archived_requester, confluence_expand(self.expand, self.config), page_size):
            if not space_keys or (page.get("space") or {}).get("key") in space_keys:
                yield page
