"""Labels with their usage, counted from one light CQL listing of the content that carries them.

Data Center has no documented global label list, and neither API says how often a label is used
(the per-label alternatives cost a request per label). One `content/search` over pages, blog posts
and attachments with `expand=metadata.labels` (no bodies, 250 per page) gives both:
    [{"id": "7", "metadata": {"labels": {"results": [{"id": "l1", "name": "docs", "prefix": "global"}]}}}, ...]
    → {"id": "l1", "name": "docs", "prefix": "global", "usage": 1}
Labels nobody uses on current content do not appear (documented in docs/source-confluence.md).
"""
from dataclasses import InitVar, dataclass
from typing import Any, Dict, Iterable, Mapping, Optional

from airbyte_cdk.sources.declarative.requesters import Requester
from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.types import Config, StreamSlice

from source_confluence.components.listing.cql import confluence_cql
from source_confluence.components.listing.cql_listing import cql_results
from source_confluence.components.config_and_state.site_urls import is_datacenter


@dataclass
class LabelUsageRetriever(Retriever):
    requester: Requester
    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def read_records(self, records_schema: Mapping[str, Any], stream_slice: Optional[StreamSlice] = None) -> Iterable[Mapping[str, Any]]:
        labels: Dict[str, Dict[str, Any]] = {}  # local: one read, one tally
        params = {"cql": confluence_cql("page,blogpost,attachment", self.config), "expand": "metadata.labels", "limit": 250}
        for content in cql_results(self.requester, params, is_datacenter(self.config)):
            for label in ((content.get("metadata") or {}).get("labels") or {}).get("results") or []:
                entry = labels.setdefault(str(label["id"]), {"id": str(label["id"]), "name": label.get("name"),
                                                             "prefix": label.get("prefix"), "usage": 0})
                entry["usage"] += 1
        yield from labels.values()

    def stream_slices(self) -> Iterable[Optional[StreamSlice]]:
        yield StreamSlice(partition={}, cursor_slice={})

    @property
    def state(self) -> Mapping[str, Any]:
        return {}

    @state.setter
    def state(self, value: Mapping[str, Any]) -> None:
        pass
