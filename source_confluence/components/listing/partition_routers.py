"""One partition per CQL query a child listing needs, narrowed to the pages the config selects.

Unrestricted config (no `cql_pages_clause`, no ingest labels): one partition, one site-wide query
    {"cql": 'type = attachment'}
Restricted: the selected page ids are listed once (CQL, no expands, 250 per page) and the children
are asked for in batches of 100 containers — never one request per page (issue #3):
    {"cql": 'type = attachment AND container IN (1, 2, …, 100)'}, {"cql": '… IN (101, …)'}
`lead_content_types` are listed directly with the page scope (content_index: pages and blog posts).
"""
from dataclasses import InitVar, dataclass
from typing import Any, Iterable, List, Mapping, Optional

from airbyte_cdk.sources.declarative.partition_routers.partition_router import PartitionRouter
from airbyte_cdk.sources.declarative.requesters import Requester
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from source_confluence.components.listing.cql import confluence_cql, confluence_expand
from source_confluence.components.listing.cql_listing import cql_results
from source_confluence.components.config_and_state.site_urls import is_datacenter

CONTAINER_BATCH = 100
# (CQL type, the stream's date field for ORDER BY, the stream's expand) of pages, blog_posts, attachments.
STREAM_LISTINGS = (("page", "lastmodified", "content"), ("blogpost", "created", "content"), ("attachment", "", "attachment"))


def is_page_set_restricted(config: Mapping[str, Any]) -> bool:
    return bool((config.get("cql_pages_clause") or "").strip() or config.get("ingest_label") or config.get("ingest_all_label"))


@dataclass
class ContentScopePartitionRouter(PartitionRouter):
    page_ids_requester: Requester
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    content_types: str = ""
    lead_content_types: str = ""
    # content_index: list with the same CQL and expand as the pages / blog_posts / attachments streams,
    # so each search page is fetched once for both (unrestricted configs, listings named in the
    # config's `__shared_listing_types`, set by source.py from the catalog).
    same_requests_as_streams: bool = False

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._content_types = self.content_types or parameters.get("content_types", "")

    def stream_slices(self) -> Iterable[StreamSlice]:
        leads = [k.strip() for k in self.lead_content_types.split(",") if k.strip()]
        if not is_page_set_restricted(self.config):
            shared = set(self.config.get("__shared_listing_types") or ()) if self.same_requests_as_streams else set()
            if shared:
                yield from self._slices_of_the_streams_listings(shared)
                return
            yield self._slice(confluence_cql(",".join(leads + [self._content_types]), self.config))
            return
        for kind in leads:
            yield self._slice(confluence_cql(kind, self.config))
        page_ids = self._selected_page_ids()
        child_types = [k.strip() for k in self._content_types.split(",") if k.strip()]
        types = f"type = {child_types[0]}" if len(child_types) == 1 else f"type IN ({', '.join(child_types)})"
        for offset in range(0, len(page_ids), CONTAINER_BATCH):
            yield self._slice(f"{types} AND container IN ({', '.join(page_ids[offset:offset + CONTAINER_BATCH])})")

    @staticmethod
    def _slice(cql: str, expand: str = "") -> StreamSlice:
        return StreamSlice(partition={"cql": cql, **({"expand": expand} if expand else {})}, cursor_slice={})

    def _slices_of_the_streams_listings(self, shared: set) -> Iterable[StreamSlice]:
        """The very requests `pages`, `blog_posts` and `attachments` send for the listings another selected
        stream also reads (components/listing/shared_listings.py); the others in this stream's light form."""
        for kind, date_field, expand in STREAM_LISTINGS:
            if kind in shared:
                yield self._slice(confluence_cql(kind, self.config, None, date_field), confluence_expand(expand, self.config))
            else:
                yield self._slice(confluence_cql(kind, self.config))

    def _selected_page_ids(self) -> List[str]:
        params = {"cql": confluence_cql("page", self.config), "limit": 250}
        return [str(item["id"]) for item in cql_results(self.page_ids_requester, params, is_datacenter(self.config))]

    def get_request_params(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_headers(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_data(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_json(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_stream_state(self) -> Optional[Mapping[str, StreamState]]:
        return None


def listing_cqls(config: Mapping[str, Any]) -> dict:
    """CQL → content type of the listings streams share (the first-sync form, without a date clause)."""
    return {confluence_cql(kind, config, None, date_field): kind for kind, date_field, _ in STREAM_LISTINGS}
