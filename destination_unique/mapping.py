"""Pure functions from source records (contracts §2) to Unique keys, diff entries and documents.

Keys follow protocol §5, with a trailing slash on the partial key (protocol §3.1: the server matches
stored keys by *contains*, so `acme/1_ENG` would also match `acme/1_ENGINEERING/...`):

    page {"id": "42", "spaceId": "7", "spaceKey": "ENG"}, tenant "acme"
    → partial key "acme/7_ENG/", relative key "42", full key "acme/7_ENG/42"
    attachment {"id": "att9", "containerId": "42", ...} → relative key "42::att9"
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from destination_unique.settings import Settings

PAGE_STREAMS = ("pages", "blog_posts")
ATTACHMENT_STREAM = "attachments"
CONTENT_INDEX_STREAM = "content_index"
SPACES_STREAM = "spaces"
SPACE_MARK_PREFIX = "confc"
IMAGE_MIME_TYPES = ("image/png", "image/jpeg")


def partial_key(tenant: str, space_id: str, space_key: str) -> str:
    return f"{tenant}/{space_id}_{space_key}/"


def ownership_mark(instance_type: str, instance_id: str) -> str:
    return f"{SPACE_MARK_PREFIX}:{instance_type}:{instance_id}"


def space_scope_external_id(tenant: str, space_id: str, space_key: str) -> str:
    return f"{SPACE_MARK_PREFIX}:{tenant}:{space_id}:{space_key}"


@dataclass(frozen=True)
class SpaceRef:
    space_id: str
    space_key: str

    def partial_key(self, tenant: str) -> str:
        return partial_key(tenant, self.space_id, self.space_key)


def parse_space_scope_external_id(external_id: str | None, tenant: str) -> SpaceRef | None:
    """`confc:{tenant}:{spaceId}:{spaceKey}` of this tenant → SpaceRef; anything else → None."""
    parts = (external_id or "").split(":")
    if len(parts) != 4 or parts[0] != SPACE_MARK_PREFIX or parts[1] != tenant or not parts[2] or not parts[3]:
        return None
    return SpaceRef(parts[2], parts[3])


def item_kind(stream: str, record: Mapping[str, Any]) -> str:
    """'page' (pages and blog posts) or 'attachment'; content_index records say so in `type`."""
    if stream == CONTENT_INDEX_STREAM:
        return "attachment" if record.get("type") == "attachment" else "page"
    return "attachment" if stream == ATTACHMENT_STREAM else "page"


def relative_key(kind: str, record: Mapping[str, Any]) -> str:
    if kind == "attachment":
        return f"{record.get('containerId')}::{record['id']}"
    return str(record["id"])


def space_of(record: Mapping[str, Any]) -> SpaceRef | None:
    space_id, space_key = record.get("spaceId"), record.get("spaceKey")
    if space_id in (None, "") or not space_key:
        return None
    return SpaceRef(str(space_id), str(space_key))


def utc_timestamp(value: Any) -> str:
    """Any ISO timestamp → `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, so content_index and pages records agree."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{parsed.microsecond // 1000:03d}Z"


def updated_at(record: Mapping[str, Any]) -> str:
    """The version time (protocol §8: a stable source timestamp, never the ingestion time)."""
    version = record.get("version") if isinstance(record.get("version"), Mapping) else {}
    return utc_timestamp(version.get("createdAt") or record.get("lastModifiedAt"))


def diff_entry(kind: str, record: Mapping[str, Any]) -> dict[str, str]:
    return {"key": relative_key(kind, record), "url": record.get("webUrl") or "", "updatedAt": updated_at(record)}


def attachment_rejection(record: Mapping[str, Any], settings: Settings) -> str | None:
    """Why an attachment record is not tracked at all (seed: discovery filters), or None."""
    if not settings.attachments_enabled:
        return "attachments are disabled"
    media_type = (record.get("mediaType") or "").split(";")[0].strip().lower()
    if media_type and media_type not in settings.allowed_mime_types:
        return f"media type {media_type} is not allowed"
    if (record.get("fileSize") or 0) > settings.max_file_size_bytes:
        return f"{record.get('fileSize')} bytes exceed the size limit"
    return None


@dataclass(frozen=True)
class Document:
    """What one contentUpsert registers. The bytes come separately (a body string or a staged file)."""

    key: str
    title: str
    mime_type: str
    url: str
    byte_size: int
    metadata: dict[str, Any]
    ingestion_config: dict | None


def page_labels(record: Mapping[str, Any], sync_labels: frozenset[str]) -> list[str]:
    names = {label.get("name") if isinstance(label, Mapping) else str(label) for label in record.get("labels") or []}
    return sorted(name for name in names if name and name not in sync_labels)


def page_body(record: Mapping[str, Any]) -> str:
    body = record.get("body") or {}
    storage = body.get("storage") if isinstance(body, Mapping) else None
    return (storage or {}).get("value") or ""


def page_document(record: Mapping[str, Any], tenant: str, settings: Settings) -> Document:
    space = space_of(record)
    return Document(
        key=space.partial_key(tenant) + relative_key("page", record),
        title=record.get("title") or str(record["id"]),
        mime_type="text/html",
        url=record.get("webUrl") or "",
        byte_size=len(page_body(record).encode("utf-8")),
        metadata={"confluenceLabels": page_labels(record, settings.sync_labels),
                  "spaceKey": space.space_key, "spaceName": record.get("spaceName") or ""},
        ingestion_config=settings.page_ingestion_config,
    )


def attachment_document(record: Mapping[str, Any], tenant: str, settings: Settings, space_name: str = "",
                        byte_size: int | None = None) -> Document:
    space = space_of(record)
    media_type = (record.get("mediaType") or "application/octet-stream").split(";")[0].strip().lower()
    is_ocr_image = settings.image_ocr and media_type in IMAGE_MIME_TYPES
    return Document(
        key=space.partial_key(tenant) + relative_key("attachment", record),
        title=record.get("title") or str(record["id"]),
        mime_type=media_type,
        url=record.get("webUrl") or "",
        byte_size=int(record.get("fileSize") or 0) if byte_size is None else byte_size,
        metadata={"spaceKey": space.space_key, "spaceName": record.get("spaceName") or space_name},
        ingestion_config={"jpgReadMode": "DOC_INTELLIGENCE_DEFAULT"} if is_ocr_image else None,
    )


def staged_file_path(file_reference: Mapping[str, Any] | None) -> str | None:
    """`file_reference.staging_file_url` is an absolute path (CDK 7); tolerate a file:// URL."""
    url = (file_reference or {}).get("staging_file_url")
    if not url:
        return None
    return url[len("file://"):] if url.startswith("file://") else url
