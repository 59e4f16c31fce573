"""`POST /v2/content/file-diff` semantics (protocol §3.1, §8), as pure functions.

Stored set: contents whose key contains (or starts with) `partialKey`, literally, so
"t/1_A" also selects "t/1_AB/7" (the collision a trailing "/" avoids). Each stored key is
reduced to its last "/" segment and compared with the submitted relative keys:

    stored  t/1_A/5 (url u, updatedAt 10:00)   submitted  5 (url u', 11:00), 6
    →  newFiles [6]  updatedFiles [5]  movedFiles [5]  deletedFiles []

Each unknown is an assumption (assumptions.py): the match mode, source filtering, which stored
timestamp is compared, newer vs differs, the moved criterion, keys in both lists, failed re-offers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

SOURCE_KINDS = ("ATLASSIAN_CONFLUENCE_CLOUD", "ATLASSIAN_CONFLUENCE_ONPREM", "MICROSOFT_365_SHAREPOINT",
                "UNIQUE_BLOB_STORAGE", "FILE_DOWNLOAD", "INTRANET")


class DiffRequestError(ValueError):
    """The body is not a valid file-diff request; the message says which field and why (HTTP 400)."""


@dataclass(frozen=True)
class SubmittedFile:
    key: str
    url: str
    updated_at: str


@dataclass(frozen=True)
class DiffRequest:
    partial_key: str
    source_kind: str
    source_name: str
    files: tuple[SubmittedFile, ...]


@dataclass
class DiffOutcome:
    new_files: list[str] = field(default_factory=list)
    updated_files: list[str] = field(default_factory=list)
    moved_files: list[str] = field(default_factory=list)
    deleted_files: list[str] = field(default_factory=list)
    offers: dict[str, str] = field(default_factory=dict)          # full key → submitted updatedAt
    failed_reoffered_ids: list[str] = field(default_factory=list)  # content ids to stamp (throttle)

    def as_response(self) -> dict:
        return {"newFiles": self.new_files, "updatedFiles": self.updated_files,
                "movedFiles": self.moved_files, "deletedFiles": self.deleted_files}


def parse_request(body: object) -> DiffRequest:
    if not isinstance(body, dict):
        raise DiffRequestError("body must be a JSON object {partialKey, sourceKind, sourceName, fileList}")
    for name in ("partialKey", "sourceKind", "sourceName"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise DiffRequestError(f"{name} must be a non-empty string")
    if body["sourceKind"] not in SOURCE_KINDS:
        raise DiffRequestError(f"sourceKind must be one of {list(SOURCE_KINDS)}")
    if not isinstance(body.get("fileList"), list):
        raise DiffRequestError("fileList must be an array of {key, url, updatedAt}")
    files: dict[str, SubmittedFile] = {}
    for index, entry in enumerate(body["fileList"]):
        if not isinstance(entry, dict):
            raise DiffRequestError(f"fileList[{index}] must be an object {{key, url, updatedAt}}")
        if not isinstance(entry.get("key"), str) or not entry["key"]:
            raise DiffRequestError(f"fileList[{index}].key must be a non-empty string")
        for name in ("url", "updatedAt"):
            if not isinstance(entry.get(name), str):
                raise DiffRequestError(f"fileList[{index}].{name} must be a string")
        if entry["updatedAt"] and parse_timestamp(entry["updatedAt"]) is None:
            raise DiffRequestError(f"fileList[{index}].updatedAt must be an ISO-8601 timestamp or \"\"")
        files.setdefault(entry["key"], SubmittedFile(entry["key"], entry["url"], entry["updatedAt"]))
    return DiffRequest(body["partialKey"], body["sourceKind"], body["sourceName"], tuple(files.values()))


def parse_timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def last_segment(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def filter_by_source(rows: list[dict], request: DiffRequest, mode: str) -> list[dict]:
    if mode == "kind":
        return [row for row in rows if row["source_kind"] == request.source_kind]
    if mode == "kind_and_name":
        return [row for row in rows if row["source_kind"] == request.source_kind
                and row["source_name"] == request.source_name]
    return rows


def compute_diff(request: DiffRequest, stored_rows: list[dict], assume: dict,
                 previous_offer, now_epoch: float) -> DiffOutcome:
    """stored_rows: content rows of the stored set; previous_offer(full_key) → str | None."""
    outcome = DiffOutcome()
    rows_by_segment: dict[str, list[dict]] = {}
    for row in stored_rows:
        rows_by_segment.setdefault(last_segment(row["key"]), []).append(row)
    for submitted in request.files:
        rows = rows_by_segment.get(submitted.key)
        if not rows:
            outcome.new_files.append(submitted.key)
            for candidate in _full_key_candidates(request.partial_key, submitted.key):
                outcome.offers[candidate] = submitted.updated_at
            continue
        for row in rows:
            outcome.offers[row["key"]] = submitted.updated_at
        is_updated = any(_is_updated(row, submitted, assume, previous_offer) for row in rows)
        if not is_updated:
            failed = [row for row in rows if _may_reoffer_failed(row, assume, now_epoch)]
            is_updated = bool(failed)
            outcome.failed_reoffered_ids.extend(row["id"] for row in failed)
        is_moved = assume["moved_rule"] == "url" and any((row["url"] or "") != submitted.url for row in rows)
        if is_updated and is_moved and assume["updated_and_moved"] != "both":
            is_updated, is_moved = assume["updated_and_moved"] == "updated_only", \
                assume["updated_and_moved"] == "moved_only"
        if is_updated:
            outcome.updated_files.append(submitted.key)
        if is_moved:
            outcome.moved_files.append(submitted.key)
    submitted_keys = {submitted.key for submitted in request.files}
    outcome.deleted_files = [segment for segment in rows_by_segment if segment not in submitted_keys]
    return outcome


def _full_key_candidates(partial_key: str, relative_key: str) -> list[str]:
    """The server only learns a new item's full key at upsert: remember both spellings."""
    if partial_key.endswith("/"):
        return [partial_key + relative_key]
    return [partial_key + "/" + relative_key, partial_key + relative_key]


def _stored_updated_at(row: dict, mode: str, previous_offer) -> str | None:
    """`""` (an attachment without a version time) is a remembered value, not a missing one."""
    candidates = [row["updated_at"]] if mode == "content_row" else \
        [previous_offer(row["key"]) if mode == "last_submitted" else None, row["source_updated_at"], row["updated_at"]]
    return next((value for value in candidates if value is not None), None)


def _is_updated(row: dict, submitted: SubmittedFile, assume: dict, previous_offer) -> bool:
    stored_text = _stored_updated_at(row, assume["diff_timestamp"], previous_offer)
    stored, fresh = parse_timestamp(stored_text), parse_timestamp(submitted.updated_at)
    if assume["updated_rule"] == "differs":
        if stored is None or fresh is None:
            return (stored_text or "") != submitted.updated_at
        return stored != fresh
    if fresh is None:
        return False
    return stored is None or fresh > stored


def _may_reoffer_failed(row: dict, assume: dict, now_epoch: float) -> bool:
    if not (row["ingestion_state"] or "").startswith("FAILED") or assume["failed_reoffer"] == "never":
        return False
    if assume["failed_reoffer"] == "always":
        return True
    last = parse_timestamp(row["failed_offered_at"])
    return last is None or now_epoch - last.timestamp() >= assume["failed_reoffer_interval_seconds"]
