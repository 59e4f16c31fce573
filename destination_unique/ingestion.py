"""Register → upload → finalize for one item (protocol §3.2–§3.4, §4.6), and a bounded pool of them.

A failure after registration deletes the registered id, so Unique is left with only fully completed
items. Empty bodies and zero-byte files are skipped by rule (seed: error-handling table), and so is an
attachment whose file was not staged; the reason is recorded with the outcome (summary: skipped by rule).
"""

from __future__ import annotations

import io
import logging
import os
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

from destination_unique.client import UniqueClient
from destination_unique.mapping import Document
from destination_unique.settings import Settings

logger = logging.getLogger("airbyte")
PROGRESS_EVERY = 100

SUCCEEDED, FAILED, SKIPPED = "succeeded", "failed", "skipped"
EMPTY_BODY, ZERO_BYTE_FILE, FILE_NOT_STAGED = "empty body", "zero-byte file", "file not staged"


@dataclass(frozen=True)
class WorkItem:
    """One document and where its bytes are: `body` (page HTML) or `staged_path` (attachment file)."""

    stream: str
    space_key: str
    relative_key: str
    document: Document
    body: bytes | None = None
    staged_path: str | None = None
    scope_id: str | None = None      # access mirroring: the item's audience scope (else its space scope)


@dataclass
class Outcomes:
    counts: dict[str, int] = field(default_factory=lambda: {SUCCEEDED: 0, FAILED: 0, SKIPPED: 0})
    failed_streams: set[str] = field(default_factory=set)
    failed_keys: list[str] = field(default_factory=list)
    per_space: dict[str, Counter] = field(default_factory=dict)
    by_key: dict[tuple[str, str], str] = field(default_factory=dict)          # (spaceKey, relative key) → outcome
    skip_reasons: dict[str, Counter] = field(default_factory=dict)            # spaceKey → reason → count
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, item: WorkItem, outcome: str, reason: str | None = None) -> int:
        with self._lock:
            self.counts[outcome] += 1
            self.per_space.setdefault(item.space_key, Counter())[outcome] += 1
            self.by_key[(item.space_key, item.relative_key)] = outcome
            if outcome == SKIPPED:
                self.skip_reasons.setdefault(item.space_key, Counter())[reason or "unknown"] += 1
            if outcome == FAILED:
                self.failed_streams.add(item.stream)
                self.failed_keys.append(item.document.key)
            return sum(self.counts.values())


class Ingester:
    def __init__(self, client: UniqueClient, settings: Settings):
        self._client, self._settings = client, settings

    def ingest(self, item: WorkItem, scope_id: str) -> tuple[str, str | None]:
        """(outcome, the rule it was skipped by or None)."""
        size, open_body = self._bytes(item)
        if size == 0:
            reason = EMPTY_BODY if item.body is not None else ZERO_BYTE_FILE
            logger.info(f"Skipped {item.document.key}: {reason}.")
            return SKIPPED, reason
        if open_body is None:
            logger.warning(f"Skipped {item.document.key}: its file was not staged (enable file transfer in the source).")
            return SKIPPED, FILE_NOT_STAGED
        variables = self._upsert_variables(item.document, size, scope_id)
        content_id = None
        try:
            registered = self._client.upsert_content(variables)
            content_id = registered["id"]
            self._client.upload(registered["writeUrl"], open_body, size, item.document.mime_type)
            self._client.upsert_content(variables, file_url=registered["readUrl"])
            return SUCCEEDED, None
        except Exception as error:  # any failure of the three steps: clean up, log, skip (seed)
            logger.error(f"Ingesting {item.document.key} failed: {error}")
            if content_id:
                self._clean_up(content_id, item.document.key)
            return FAILED, None

    def _bytes(self, item: WorkItem) -> tuple[int, Callable[[], object] | None]:
        if item.body is not None:
            return len(item.body), lambda: io.BytesIO(item.body)
        if item.staged_path and os.path.isfile(item.staged_path):
            return os.path.getsize(item.staged_path), lambda: open(item.staged_path, "rb")
        return item.document.byte_size, None

    def _upsert_variables(self, document: Document, size: int, scope_id: str) -> dict:
        content_input = {"key": document.key, "title": document.title, "mimeType": document.mime_type,
                         "ownerType": "SCOPE", "url": document.url, "byteSize": size, "metadata": document.metadata}
        if document.ingestion_config:
            content_input["ingestionConfig"] = document.ingestion_config
        base_url = self._settings.confluence_base_url
        return {"input": content_input, "scopeId": scope_id, "sourceOwnerType": "COMPANY",
                "sourceKind": self._settings.source_kind, "sourceName": base_url,
                "storeInternally": self._settings.store_internally, "baseUrl": base_url}

    def _clean_up(self, content_id: str, key: str) -> None:
        try:
            deleted, _ = self._client.delete_contents([content_id])
            if deleted:
                logger.info(f"Removed the partial content {content_id} of {key}.")
        except Exception as error:
            logger.error(f"Removing the partial content {content_id} of {key} failed: {error}")


def run_pool(ingester: Ingester, items: Iterable[WorkItem], scope_ids: dict[str, str], concurrency: int,
             outcomes: Outcomes, phase: str) -> None:
    """Every item is attempted; at most 2×concurrency are in flight, so a long phase holds few bodies."""
    in_flight = threading.BoundedSemaphore(concurrency * 2)

    def one(item: WorkItem) -> None:
        reason = None
        try:
            outcome, reason = ingester.ingest(item, item.scope_id or scope_ids[item.space_key])
        except Exception as error:  # never let one item stop the pool
            logger.error(f"Ingesting {item.document.key} failed unexpectedly: {error}")
            outcome = FAILED
        finally:
            in_flight.release()
        done = outcomes.record(item, outcome, reason)
        if done % PROGRESS_EVERY == 0:
            logger.info(f"Progress ({phase}): {done} items processed, {outcomes.counts}")

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ingest") as pool:
        futures: list[Future] = []
        for item in items:
            in_flight.acquire()
            futures.append(pool.submit(one, item))
        for future in futures:
            future.result()
