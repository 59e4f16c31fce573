"""Builders for destination tests: configs, source-shaped records (contracts §2) and Airbyte input.

    space = a_space("100", "ENG")
    page = a_page("1", space, modified_at="2026-09-01T10:00:00.000Z")
    messages = (InputBuilder().records("pages", [page]).complete("pages").state("pages", {"cursor": 1}))
    output = write(ConfigBuilder(base).build(), messages)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airbyte_cdk.models import (
    AirbyteErrorTraceMessage, AirbyteMessage, AirbyteRecordMessage, AirbyteRecordMessageFileReference,
    AirbyteStateMessage, AirbyteStateType, AirbyteStreamState, AirbyteStreamStatus, AirbyteStreamStatusTraceMessage,
    AirbyteTraceMessage, ConfiguredAirbyteCatalogSerializer, StreamDescriptor, TraceType, Type,
)
from airbyte_cdk.models import AirbyteStateBlob

CONFLUENCE = "https://acme.atlassian.net/wiki"
CLOUD_ID = "cloud-1234"
TENANT = "acme"


class ConfigBuilder:
    def __init__(self, base_url: str = "http://unique.test", scope_management_url: str | None = None):
        self._config: dict[str, Any] = {
            "ingestion_url": base_url,
            "scope_management_url": scope_management_url or f"{base_url}/scope-management",
            "credentials": {"auth_type": "in_cluster", "company_id": "demo-company", "user_id": "demo-user"},
            "root_scope_id": "root-confluence", "tenant_name": TENANT,
            "confluence_instance_type": "cloud", "confluence_instance_id": CLOUD_ID,
            "confluence_base_url": CONFLUENCE, "http_max_retries": 2, "http_backoff_base_seconds": 0,
        }

    def client_credentials(self, token_url: str, client_id="demo-client", client_secret="demo-secret",
                           project_id="demo-project") -> "ConfigBuilder":
        self._config["credentials"] = {"auth_type": "client_credentials", "token_url": token_url, "client_id": client_id,
                                       "client_secret": client_secret, "project_id": project_id}
        return self

    def with_(self, **fields: Any) -> "ConfigBuilder":
        self._config.update(fields)
        return self

    def build(self) -> dict[str, Any]:
        return dict(self._config)


@dataclass(frozen=True)
class Space:
    id: str
    key: str
    name: str

    def record(self) -> dict:
        return {"id": self.id, "key": self.key, "name": self.name, "type": "global", "status": "current"}


def a_space(space_id: str = "100", key: str = "ENG", name: str | None = None) -> Space:
    return Space(space_id, key, name or f"{key} space")


def a_page(page_id: str, space: Space, modified_at: str = "2026-09-01T10:00:00.000Z", body: str | None = None,
           labels: tuple[str, ...] = (), title: str | None = None, web_path: str | None = None,
           kind: str = "page") -> dict:
    title = title or f"Page {page_id}"
    return {
        "id": page_id, "type": kind, "title": title, "status": "current", "spaceId": space.id,
        "spaceKey": space.key, "spaceName": space.name, "parentId": None, "ancestors": [],
        "createdAt": modified_at, "lastModifiedAt": modified_at,
        "version": {"number": 1, "createdAt": modified_at, "authorId": "u1", "message": ""},
        "authorId": "u1",
        "body": {"storage": {"value": f"<p>Body of {title}</p>" if body is None else body, "representation": "storage"}},
        "labels": [{"id": f"l-{name}", "name": name, "prefix": "global"} for name in labels],
        "webUrl": f"{CONFLUENCE}{web_path or f'/spaces/{space.key}/pages/{page_id}'}",
    }


def an_attachment(attachment_id: str, container_id: str, space: Space, size: int = 11, media_type: str = "application/pdf",
                  modified_at: str = "2026-09-01T10:00:00.000Z", title: str | None = None) -> dict:
    return {
        "id": attachment_id, "title": title or f"{attachment_id}.pdf", "mediaType": media_type, "fileSize": size,
        "containerId": container_id, "containerType": "page", "spaceId": space.id, "spaceKey": space.key,
        "version": {"number": 1, "createdAt": modified_at}, "lastModifiedAt": modified_at,
        "downloadUrl": f"{CONFLUENCE}/download/{attachment_id}",
        "webUrl": f"{CONFLUENCE}/pages/viewpageattachments.action?pageId={container_id}&preview={attachment_id}",
    }


def index_entry(record: dict, kind: str | None = None) -> dict:
    """The content_index record of a page, blog post or attachment record."""
    is_attachment = "containerId" in record and "mediaType" in record
    return {"id": record["id"], "type": kind or ("attachment" if is_attachment else record.get("type", "page")),
            "spaceId": record["spaceId"], "spaceKey": record["spaceKey"],
            "containerId": record.get("containerId") if is_attachment else None, "title": record.get("title"),
            "status": "current", "lastModifiedAt": record["lastModifiedAt"], "webUrl": record["webUrl"]}


def stage_file(directory: Path, name: str, content: bytes) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return str(path)


class InputBuilder:
    def __init__(self) -> None:
        self._messages: list[AirbyteMessage] = []

    def records(self, stream: str, records: list[dict], staged: dict[str, str] | None = None) -> "InputBuilder":
        """`staged`: record id → staged file path (Airbyte file transfer)."""
        for data in records:
            reference = None
            if staged and data["id"] in staged:
                path = staged[data["id"]]
                reference = AirbyteRecordMessageFileReference(staging_file_url=path, source_file_relative_path=Path(path).name,
                                                              file_size_bytes=Path(path).stat().st_size)
            self._messages.append(AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(
                stream=stream, data=data, emitted_at=0, file_reference=reference)))
        return self

    def status(self, stream: str, status: AirbyteStreamStatus) -> "InputBuilder":
        self._messages.append(AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(
            type=TraceType.STREAM_STATUS, emitted_at=0, stream_status=AirbyteStreamStatusTraceMessage(
                stream_descriptor=StreamDescriptor(name=stream), status=status))))
        return self

    def complete(self, *streams: str) -> "InputBuilder":
        for stream in streams:
            self.status(stream, AirbyteStreamStatus.COMPLETE)
        return self

    def state(self, stream: str, value: dict) -> "InputBuilder":
        self._messages.append(AirbyteMessage(type=Type.STATE, state=AirbyteStateMessage(
            type=AirbyteStateType.STREAM, stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name=stream), stream_state=AirbyteStateBlob(**value)))))
        return self

    def error(self, message: str) -> "InputBuilder":
        self._messages.append(AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(
            type=TraceType.ERROR, emitted_at=0, error=AirbyteErrorTraceMessage(message=message))))
        return self

    def messages(self) -> list[AirbyteMessage]:
        return list(self._messages)


def catalog(**sync_modes: str):
    """catalog(pages="full_refresh", content_index="full_refresh") → ConfiguredAirbyteCatalog."""
    streams = []
    for name, mode in sync_modes.items():
        streams.append({"stream": {"name": name, "json_schema": {"type": "object"}, "supported_sync_modes": [mode]},
                        "sync_mode": mode, "destination_sync_mode": "append_dedup" if mode == "incremental" else "overwrite",
                        "cursor_field": ["lastModifiedAt"] if mode == "incremental" else [], "primary_key": [["id"]]})
    return ConfiguredAirbyteCatalogSerializer.load({"streams": streams})
