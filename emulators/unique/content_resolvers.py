"""Resolvers of the content operations of the ingestion GraphQL (protocol §3.2–§3.7, §3.10).

Register:  contentUpsert(input, scopeId, …)            → row created/updated, returns writeUrl/readUrl
Finalize:  contentUpsert(input, scopeId, …, fileUrl)   → ingestionState from the blob (assumptions)
Identity is key + scopeId: "ingesting with the same key and scopeId will update the content".
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from .access import reads_are_checked, visible_rows
from .content_queries import content_filter_from_where
from .resolver_context import ResolverContext, require_access, require_scope, user_error

IMAGE_MIME_TYPES = ("image/jpeg", "image/png")
OCR_READ_MODE = "DOC_INTELLIGENCE_DEFAULT"


def serialize_content(row: dict, context: ResolverContext) -> dict:
    return {
        "id": row["id"], "key": row["key"], "title": row["title"], "url": row["url"],
        "byteSize": row["byte_size"], "mimeType": row["mime_type"], "ownerType": row["owner_type"],
        "ownerId": row["owner_id"], "metadata": row["metadata"], "ingestionConfig": row["ingestion_config"],
        "fileAccess": row["file_access"], "expiresAt": row["expires_at"],
        "ingestionState": row["ingestion_state"], "writeUrl": context.write_url(row["blob_key"]),
        "readUrl": context.read_url(row["blob_key"]), "fileUrl": row["file_url"],
        "createdAt": row["created_at"], "updatedAt": row["updated_at"],
        "internallyStoredAt": row["internally_stored_at"],
        "source": {"kind": row["source_kind"], "name": row["source_name"]},
    }


def normalize_metadata(metadata: object, typing: str) -> dict | None:
    """flat_strings (the fake's model, §4.6): {"labels": ["a"]} is stored as {"labels": "[\"a\"]"}."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise user_error("metadata must be a JSON object")
    if typing == "json":
        return metadata
    return {name: value if isinstance(value, str) else json.dumps(value) for name, value in metadata.items()}


def content_upsert(_root, info, input, fileUrl=None, chatId=None, scopeId=None, sourceOwnerType=None,
                   sourceName=None, sourceKind=None, storeInternally=None, baseUrl=None, text=None):
    context: ResolverContext = info.context
    store, assume = context.store, context.assume
    if not input["key"]:
        raise user_error("input.key must not be empty")
    if input["ownerType"] == "SCOPE" and not scopeId:
        raise user_error("scopeId is required when input.ownerType is SCOPE")
    if scopeId:
        require_scope(context, scopeId)
        require_access(context, scopeId, "WRITE")
    if text is not None and assume["text_argument"] == "reject":
        raise user_error("the text argument is not supported")
    given = {"title": input.get("title"), "mime_type": input["mimeType"], "owner_type": input["ownerType"],
             "url": input.get("url"), "byte_size": input.get("byteSize"),
             "metadata": normalize_metadata(input.get("metadata"), assume["metadata_typing"]),
             "ingestion_config": input.get("ingestionConfig"), "expires_at": input.get("expiresAt"),
             "file_access": input.get("fileAccess"), "source_kind": sourceKind, "source_name": sourceName,
             "base_url": baseUrl, "store_internally": None if storeInternally is None else int(storeInternally)}
    existing = store.content_by_identity(input["key"], scopeId)
    if existing is None:
        row = store.insert_content({**given, "key": input["key"], "owner_id": scopeId, "ingestion_state": "QUEUED"})
    else:
        row = store.update_content(existing["id"], {name: value for name, value in given.items() if value is not None})
    if text is not None and assume["text_argument"] == "store_as_blob":
        blob = text.encode("utf-8")
        store.blob_path(row["blob_key"]).write_bytes(blob)
        row = store.update_content(row["id"], {"blob_size": len(blob)})
        row = _finalize(context, row, context.read_url(row["blob_key"]))
    elif fileUrl is not None:
        row = _finalize(context, row, fileUrl)
    return serialize_content(row, context)


def _finalize(context: ResolverContext, row: dict, file_url: str) -> dict:
    """The second upsert: ingestion starts from the uploaded blob (the fake finishes at once, §3.4)."""
    store, assume = context.store, context.assume
    blob_key = (parse_qs(urlsplit(file_url).query).get("key") or [None])[0]
    has_blob = blob_key is not None and store.blob_path(blob_key).exists()
    config = row["ingestion_config"] or {}
    if not has_blob:
        state = "FAILED_GETTING_FILE"
    elif (row["mime_type"] in IMAGE_MIME_TYPES and assume["image_without_ocr"] == "failed"
          and config.get("jpgReadMode") != OCR_READ_MODE):
        state = "FAILED_IMAGE"     # the server default jpgReadMode NO_INGESTION yields zero chunks (§3.11)
    else:
        state = assume["finalize_state"]
    changes = {"file_url": file_url, "ingestion_state": state, "failed_offered_at": None}
    offered = store.offered_updated_at(row["key"])
    if offered is not None:
        changes["source_updated_at"] = offered     # commits what the last diff was told (diff_timestamp=offered)
    if row["store_internally"] is None or row["store_internally"]:
        changes["internally_stored_at"] = store.now_iso()
    return store.update_content(row["id"], changes)


def content_delete_by_content_ids(_root, info, contentIds):
    return [{"id": content_id} for content_id in info.context.store.delete_contents(contentIds)]


def content_delete(_root, info, id):
    return bool(info.context.store.delete_contents([id]))


def content_update(_root, info, contentId, input, ownerId=None):
    context: ResolverContext = info.context
    row = context.store.get_content(contentId)
    if row is None:
        raise user_error(f"Content {contentId} not found", "NOT_FOUND")
    changes = {}
    if ownerId is not None:
        require_scope(context, ownerId)
        require_access(context, ownerId, "WRITE")
        changes["owner_id"] = ownerId
    for field_name, column in (("url", "url"), ("title", "title"), ("expiresAt", "expires_at")):
        if field_name in input:
            changes[column] = input[field_name]
    if "metadata" in input:
        changes["metadata"] = normalize_metadata(input["metadata"], context.assume["metadata_typing"])
    return serialize_content(context.store.update_content(contentId, changes), context)


def paginated_content(_root, info, skip, take, where=None):
    context: ResolverContext = info.context
    skip, take = page_bounds(skip, take, context.assume["max_take"])
    if reads_are_checked(context.assume):       # only the contents of scopes the caller may read
        rows, _ = context.store.query_contents(content_filter_from_where(where), 0, None)
        rows = visible_rows(context.store, context.assume, context.user_id, rows)
        rows, total = rows[skip:skip + take], len(rows)
    else:
        rows, total = context.store.query_contents(content_filter_from_where(where), skip, take)
    return {"nodes": [serialize_content(row, context) for row in rows], "totalCount": total}


def content_by_id(_root, info, contentIds):
    context: ResolverContext = info.context
    found = []
    rows = [row for row in map(context.store.get_content, contentIds) if row is not None]
    for row in visible_rows(context.store, context.assume, context.user_id, rows):
        path = context.store.blob_path(row["blob_key"])
        is_text = (row["mime_type"] or "").startswith("text/") and path.exists()
        chunks = [{"id": f"chunk_{row['id']}_0", "startPage": None, "endPage": None, "order": 0,
                   "text": path.read_bytes()[:100_000].decode("utf-8", "replace")}] if is_text else []
        found.append({"id": row["id"], "ownerId": row["owner_id"], "ownerType": row["owner_type"],
                      "metadata": row["metadata"], "title": row["title"], "key": row["key"], "chunks": chunks})
    return found


def statistics_ingestion(_root, info, where=None):
    context: ResolverContext = info.context
    rows, _ = context.store.query_contents(content_filter_from_where(where), 0, None)
    rows = visible_rows(context.store, context.assume, context.user_id, rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["ingestion_state"]] = counts.get(row["ingestion_state"], 0) + 1
    return {"counts": counts}


def page_bounds(skip: int, take: int, max_take: int) -> tuple[int, int]:
    if skip < 0 or take < 0:
        raise user_error("skip and take must be >= 0")
    return skip, (min(take, max_take) if max_take else take)


RESOLVERS = {
    ("Mutation", "contentUpsert"): content_upsert,
    ("Mutation", "contentDeleteByContentIds"): content_delete_by_content_ids,
    ("Mutation", "contentDelete"): content_delete,
    ("Mutation", "contentUpdate"): content_update,
    ("Query", "paginatedContent"): paginated_content,
    ("Query", "contentById"): content_by_id,
    ("Query", "statisticsIngestion"): statistics_ingestion,
}
