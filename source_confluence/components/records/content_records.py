"""Pages, blog posts, page bodies and the content index, shaped from v1 `content/search` results.

    {"id": "7", "type": "page", "space": {"id": 3, "key": "ENG"}, "version": {"number": 2, "when": "…"},
     "ancestors": [{"id": "1", "type": "page"}], "metadata": {"labels": {"results": [...]}}, ...}
    → v2 record: {"id": "7", "spaceId": "3", "spaceKey": "ENG", "parentId": "1", "lastModifiedAt": "…Z", ...}
`record_format: v1` keeps the v1 object and only adds the top-level fields the destination and the
cursor need (lastModifiedAt, createdAt, spaceId, spaceKey, webUrl, body_markdown).
"""
from dataclasses import InitVar, dataclass
from typing import Any, Dict, Mapping, Optional

from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from source_confluence.components.records.wire_values import absolute, iso_utc, storage_markdown, user_id


def storage_of(record: Mapping[str, Any]) -> Optional[str]:
    return ((record.get("body") or {}).get("storage") or {}).get("value")


def storage_body(storage: Optional[str]) -> Optional[Dict[str, Any]]:
    """The body as listed; null when the answer carried none (an expansion the server left out),
    never an invented empty text."""
    return None if storage is None else {"storage": {"value": storage, "representation": "storage"}}


def body_markdown(storage: Optional[str]) -> Optional[str]:
    return None if storage is None else storage_markdown(storage)


def common_fields(record: Mapping[str, Any], config: Mapping[str, Any]) -> Dict[str, Any]:
    space = record.get("space") or {}
    version = record.get("version") or {}
    history = record.get("history") or {}
    return {
        "spaceId": str(space["id"]) if space.get("id") is not None else None,
        "spaceKey": space.get("key"),
        "lastModifiedAt": iso_utc(version.get("when")),
        "createdAt": iso_utc(history.get("createdDate")) or (iso_utc(version.get("when")) if version.get("number") == 1 else None),
        "webUrl": absolute(config["__web_base"], (record.get("_links") or {}).get("webui")),
    }


def v2_content(record: Mapping[str, Any], config: Mapping[str, Any]) -> Dict[str, Any]:
    space = record.get("space") or {}
    version = record.get("version") or {}
    history = record.get("history") or {}
    ancestors = [{"id": str(a.get("id")), "type": a.get("type")} for a in record.get("ancestors") or []]
    labels = ((record.get("metadata") or {}).get("labels") or {}).get("results") or []
    storage = storage_of(record)
    common = common_fields(record, config)
    return {
        "id": str(record["id"]),
        "type": record.get("type"),
        "title": record.get("title"),
        "status": record.get("status"),
        **common,
        "spaceName": space.get("name"),
        "parentId": ancestors[-1]["id"] if ancestors and record.get("type") == "page" else None,
        "parentType": ancestors[-1]["type"] if ancestors and record.get("type") == "page" else None,
        "ancestors": ancestors,
        "version": {
            "number": version.get("number"),
            "createdAt": common["lastModifiedAt"],
            "authorId": user_id(version.get("by")),
            "message": version.get("message") or "",
            "minorEdit": bool(version.get("minorEdit")),
        },
        "authorId": user_id(history.get("createdBy")) or user_id(version.get("by")),
        "body": storage_body(storage),
        "body_markdown": body_markdown(storage),
        "labels": [{"id": str(l.get("id")), "name": l.get("name"), "prefix": l.get("prefix")} for l in labels],
    }


@dataclass
class ContentRecordShaper(RecordTransformation):
    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        if (config or {}).get("record_format") == "v1":
            record.update(common_fields(record, config))
            record["body_markdown"] = body_markdown(storage_of(record))
            return
        shaped = v2_content(record, config)
        record.clear()
        record.update(shaped)


@dataclass
class PageBodyShaper(RecordTransformation):
    """{id, title, body.storage} → {id, title, spaceKey, body_storage, body_adf?, body_markdown}."""

    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        storage = storage_of(record)
        adf = ((record.get("body") or {}).get("atlas_doc_format") or {}).get("value")
        shaped = {
            "id": str(record["id"]),
            "title": record.get("title"),
            "spaceKey": (record.get("space") or {}).get("key"),
            "version": (record.get("version") or {}).get("number"),
            "lastModifiedAt": iso_utc((record.get("version") or {}).get("when")),
            "body_storage": storage,
            "body_adf": adf,
            "body_markdown": body_markdown(storage),
        }
        record.clear()
        record.update(shaped)


@dataclass
class ContentIndexShaper(RecordTransformation):
    """Any page / blog post / attachment → {id, type, spaceId, spaceKey, containerId, title, status, lastModifiedAt, webUrl}."""

    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        container = record.get("container") or {}
        is_attachment = record.get("type") == "attachment"
        shaped = {
            "id": str(record["id"]),
            "type": record.get("type"),
            **{k: v for k, v in common_fields(record, config).items() if k != "createdAt"},
            "containerId": str(container["id"]) if is_attachment and container.get("id") is not None else None,
            "title": record.get("title"),
            "status": record.get("status"),
        }
        record.clear()
        record.update(shaped)
