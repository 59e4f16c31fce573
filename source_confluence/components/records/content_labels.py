"""content_labels: one record per (content, label), from the CQL listing's `metadata.labels`.

    {"results": [{"id": "7", "type": "page", "space": {"key": "ENG"},
                  "metadata": {"labels": {"results": [{"id": "31", "name": "howto", "prefix": "global"}]}}}]}
    → {"contentId": "7", "contentType": "page", "spaceKey": "ENG", "labelId": "31", "name": "howto", "prefix": "global"}

Why CQL and not v2: `/labels/{id}/pages` + `/labels/{id}/blogposts` cost two listings per label
and `/pages/{id}/labels` one per page; a CQL page of 250 items carries every item's labels, so the
stream costs ceil(items / 250) requests.
"""
from dataclasses import InitVar, dataclass
from typing import Any, Iterable, Mapping, MutableMapping

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.types import Config


@dataclass
class ContentLabelExtractor(RecordExtractor):
    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[str, Any]]:
        for content in response.json().get("results", []):
            space = content.get("space") or {}
            labels = ((content.get("metadata") or {}).get("labels") or {}).get("results", [])
            for label in labels:
                yield {"contentId": str(content["id"]), "contentType": content.get("type"),
                       "spaceKey": space.get("key"), "labelId": str(label["id"]),
                       "name": label.get("name"), "prefix": label.get("prefix")}
