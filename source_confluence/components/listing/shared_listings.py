"""One CQL search page, fetched once, read by every stream that lists the same thing.

A catalog of every stream lists pages three times (`pages`, `pages_content`, `content_index`),
blog posts and attachments twice (`blog_posts` / `attachments`, and `content_index`). Those
streams send byte-identical search requests (same CQL, expand, limit and cursor: the manifest
keeps them so), so the second and third reader can take the first reader's response:

    pages          GET …/content/search?cql=type = page ORDER BY lastmodified asc&expand=…&limit=250   → Confluence
    pages_content  the same URL, while in flight or after it arrived                                 → shared
    content_index  the same URL (its `page` partition)                                               → shared

Only successful (200), non-empty `content/search` GETs whose CQL is exactly one of the listings
(`expect_readers`) are shared, keyed by the full URL (query sorted) and
the Authorization header, and a stream never gets the same shared response twice: asking again
(a retry, or following an empty page's `next` to the same URL) goes to Confluence. A reader that finds the request in flight waits for it; if it fails
(429, 5xx, reset), each reader sends its own request and handles it as usual. An entry is dropped
once all expected readers (the selected streams of that listing) took it; until then it stays in
memory up to `MEMORY_BUDGET_BYTES`, beyond that in a temporary file (up to `SPILL_BUDGET_BYTES`; past
it a page is not kept and its other readers fetch their own), so readers that run far apart (four
workers, eleven streams) still share without holding a listing in memory. Whatever is left when the
sync ends (a reader stream that failed early) is removed then.

Shared responses are marked `from_cache`, so the progress counters count only what Confluence saw.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Mapping, Optional
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from source_confluence.components.listing.table_adapters import TableAdapter, install_table, request_key

LOGGER = logging.getLogger("airbyte")

# Which selected streams read each listing (the CQL `type` its query starts with).
READERS_BY_CONTENT_TYPE = {
    "page": ("pages", "pages_content", "content_index"),
    "blogpost": ("blog_posts", "content_index"),
    "attachment": ("attachments", "content_index"),
}
MEMORY_BUDGET_BYTES = 8 * 1024 * 1024      # six 250-page search responses of the large profile
SPILL_BUDGET_BYTES = 1024 * 1024 * 1024   # beyond it a page is not kept: its other readers fetch their own
SMALL_BODY_BYTES = 4096                   # an empty page is small: cheap to recognise, never worth sharing
WAIT_FOR_LEADER_SECONDS = 600.0
SHARED_PATH_SUFFIX = "/rest/api/content/search"


def listing_type(url: str) -> Optional[str]:
    """'page' for `cql=type = page AND …`; None for any other query (nothing to share)."""
    cql = dict(parse_qsl(urlsplit(url).query)).get("cql", "")
    head = cql.strip().split(" ", 3)
    if len(head) >= 3 and head[0] == "type" and head[1] == "=":
        return head[2]
    return None


@dataclass
class _Entry:
    readers_left: int
    ready: threading.Event = field(default_factory=threading.Event)
    takers: set = field(default_factory=set)
    ok: bool = False
    status_code: int = 0
    headers: Optional[CaseInsensitiveDict] = None
    encoding: Optional[str] = None
    content: Optional[bytes] = None
    path: Optional[str] = None
    size: int = 0


class SharedListings:
    """The process-wide table of shared search responses (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: Dict[str, _Entry] = {}
        self._readers: Dict[str, int] = {}
        self._listing_cqls: Dict[str, str] = {}
        self._memory_bytes = 0
        self._spill_bytes = 0
        self._spill_dir: Optional[tempfile.TemporaryDirectory] = None
        self.sent = 0
        self.shared = 0

    def expect_readers(self, selected_streams: Iterable[str], listing_cqls: Mapping[str, str]) -> None:
        """Called before a read with the streams that send the listings' requests and the exact CQL of
        each listing (CQL → content type): only those queries are shared, and only when two or more
        selected streams read them (any other query could leave an entry no reader ever comes for)."""
        selected = set(selected_streams)
        with self._lock:
            self._readers = {kind: len(selected.intersection(streams)) for kind, streams in READERS_BY_CONTENT_TYPE.items()}
            self._listing_cqls = dict(listing_cqls)

    def shared_types(self) -> set:
        """The content types whose listing has two or more readers."""
        with self._lock:
            return {kind for kind, readers in self._readers.items() if readers >= 2}

    def close(self) -> None:
        with self._lock:
            self._entries.clear()
            self._memory_bytes = self._spill_bytes = 0
            if self._spill_dir is not None:
                self._spill_dir.cleanup()
                self._spill_dir = None

    def send(self, request: requests.PreparedRequest, send_upstream, reader: Any = None, **kwargs: Any) -> requests.Response:
        readers = self._readers_of(request, kwargs)
        if readers < 2:
            return send_upstream(request, **kwargs)
        key = request_key(request)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and reader in entry.takers:
                entry = None                  # the same stream asks again (a retry): it wants a fresh answer
                repeat = True
            else:
                repeat = False
            leader = entry is None and not repeat
            if leader:
                entry = self._entries[key] = _Entry(readers_left=readers)
            if entry is not None:
                entry.takers.add(reader)
        if repeat:
            return send_upstream(request, **kwargs)
        if leader:
            return self._fetch(key, entry, request, send_upstream, **kwargs)
        if not entry.ready.wait(WAIT_FOR_LEADER_SECONDS) or not entry.ok:
            return send_upstream(request, **kwargs)
        response = self._take(key, entry, request)
        return response if response is not None else send_upstream(request, **kwargs)

    def _readers_of(self, request: requests.PreparedRequest, kwargs: Mapping[str, Any]) -> int:
        if request.method != "GET" or kwargs.get("stream") or not self._readers:
            return 0
        parts = urlsplit(request.url or "")
        if not parts.path.endswith(SHARED_PATH_SUFFIX):
            return 0
        kind = self._listing_cqls.get(dict(parse_qsl(parts.query)).get("cql", ""))
        return self._readers.get(kind or "", 0)

    def _fetch(self, key: str, entry: _Entry, request, send_upstream, **kwargs: Any) -> requests.Response:
        try:
            response = send_upstream(request, **kwargs)
            if response.status_code == 200:
                self._keep(entry, response)
            return response
        finally:
            with self._lock:
                self.sent += 1
                if not entry.ok or entry.readers_left <= 1:
                    self._drop(key, entry)
                else:
                    entry.readers_left -= 1
            entry.ready.set()

    def _keep(self, entry: _Entry, response: requests.Response) -> None:
        content = response.content          # reads the body once; the leader's response keeps it too
        if len(content) <= SMALL_BODY_BYTES and _has_no_results(content):
            return                          # an empty page (maybe one the error handler retries): not shared
        entry.status_code, entry.encoding = response.status_code, response.encoding
        entry.headers, entry.size = CaseInsensitiveDict(response.headers), len(content)
        with self._lock:
            in_memory = self._memory_bytes + entry.size <= MEMORY_BUDGET_BYTES
            if in_memory:
                self._memory_bytes += entry.size
            elif self._spill_bytes + entry.size > SPILL_BUDGET_BYTES:
                return                      # not kept: the other readers send their own request
            else:
                self._spill_bytes += entry.size
                if self._spill_dir is None:
                    self._spill_dir = tempfile.TemporaryDirectory(prefix="confluence-shared-listings-")
            spill_dir = None if in_memory else self._spill_dir.name
        if in_memory:
            entry.content = content
        else:
            handle, entry.path = tempfile.mkstemp(dir=spill_dir)
            with os.fdopen(handle, "wb") as spill:
                spill.write(content)
        entry.ok = True

    def _take(self, key: str, entry: _Entry, request: requests.PreparedRequest) -> Optional[requests.Response]:
        with self._lock:
            if self._entries.get(key) is not entry:
                return None                   # already handed to every expected reader: fetch anew
            content = entry.content
            path = entry.path
            entry.readers_left -= 1
            is_last = entry.readers_left <= 0
            if is_last:
                self._drop(key, entry, keep_file=True)
        if content is None:
            try:
                with open(path, "rb") as spill:
                    content = spill.read()
            except OSError:
                return None
            finally:
                if is_last:                   # only the last reader removes the file, after reading it
                    _remove(path)
        with self._lock:
            self.shared += 1
        return _response(entry, content, request)

    def _drop(self, key: str, entry: _Entry, keep_file: bool = False) -> None:
        """Caller holds the lock."""
        if self._entries.get(key) is entry:
            del self._entries[key]
        if entry.content is not None:
            self._memory_bytes -= entry.size
        elif entry.path:
            self._spill_bytes -= entry.size
            if not keep_file:
                _remove(entry.path)


def _has_no_results(content: bytes) -> bool:
    try:
        body = json.loads(content)
    except ValueError:
        return True
    return not isinstance(body, dict) or not body.get("results")


def _remove(path: Optional[str]) -> None:
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


def _response(entry: _Entry, content: bytes, request: requests.PreparedRequest) -> requests.Response:
    response = requests.Response()
    response.status_code = entry.status_code
    response.headers = CaseInsensitiveDict(entry.headers or {})
    response.encoding = entry.encoding
    response._content = content
    response._content_consumed = True
    response.url = request.url or ""
    response.request = request
    response.reason = "OK"
    response.from_cache = True          # type: ignore[attr-defined]  # never reached Confluence
    return response


class SharedListingAdapter(TableAdapter):
    """Transport adapter: asks the shared table first, else the session's own adapter."""


def install(constructors: dict, requester_model: type, listings: SharedListings) -> None:
    """Every requester's session shares search pages."""
    install_table(constructors, requester_model, listings, SharedListingAdapter)
