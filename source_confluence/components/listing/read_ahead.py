"""Read ahead: a listing's next page is on its way while this page's records are processed.

A listing is a chain: page 2's request needs page 1's `_links.next`, and the CDK asks for page 2
only after the last record of page 1 has gone through the record selector (Markdown, schema
normalization, the queue). Confluence's time per page (its latency, building a 250-item page)
and ours then add up. Here they overlap:

    CDK  GET page 1 ─ records of page 1 ────────────── GET page 2 (handed over) ─ records of page 2 …
    ahead            GET page 2 (sent as page 1 came)  GET page 3 (sent as page 2 was handed over) …

When a listing response is handed to the CDK (a 200 with results and a `_links.next` carrying a
`cursor` or `start`), the request the paginator will send next is predicted: the same request with
that one query parameter set, the way `paginators.LinkedPagePagination` computes it. It is sent
in the background through the same session's transport; when the CDK sends a request equal to the
prediction through the same session (method, URL with its query in any order, Authorization
header), it gets that response. Keyed per session: a search page that several streams list
(shared_listings.py) is read ahead by each of them through its own session, so the shared table
still sees every stream as the reader it is.

Nothing changes in what Confluence sees or in what the CDK sees:
* one page ahead per chain, never more, so never more than one request in flight per listing;
* a request the CDK never sends (the stream failed, a different next request) is one request
  too many, counted as `unused` and logged at the end; the tests hold it at zero for every listing;
* a background request that failed (connection error, timeout) is raised to the CDK when it asks,
  as if it had just been sent: its retry and back-off rules apply unchanged; a 401/403 is not handed
  over (the token may have been refreshed since): the CDK's own request is sent instead;
* the credentials go where the CDK's request goes: only the query string of its URL is changed;
* the response hooks (request counting) run once, when the CDK gets the response;
* `on_page` hears of every listing page once, as it arrives (read ahead or not): the Markdown
  processes start converting its bodies then (components/bodies/markdown_processes.py).
Held responses are bounded (`MAX_PENDING`): past it nothing more is read ahead until one is taken.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from source_confluence.components.listing.paginators import next_offset
from source_confluence.components.listing.response_bodies import json_body
from source_confluence.components.listing.table_adapters import TableAdapter, install_table, request_key

LOGGER = logging.getLogger("airbyte")

MAX_PENDING = 4                     # pages read ahead and not yet taken, over all listings (0: none read ahead):
                                    # one per default worker; the large profile's peak RSS is ~8 MB lower than with 16
NOT_HANDED_OVER = frozenset({401, 403})


def next_request_url(url: str, body: Any) -> Optional[str]:
    """The URL the paginator sends after the page `body` of `url`; None when there is no next page to read ahead.

    Only a page with results: an empty page's `next` may point back at itself (the paginator's rule
    for empty pages decides then, paginators.py).
    """
    if not isinstance(body, dict) or not body.get("results"):
        return None
    next_link = (body.get("_links") or {}).get("next")
    if not isinstance(next_link, str):
        return None
    linked = parse_qs(urlsplit(next_link).query)
    if linked.get("cursor"):
        parameter, value = "cursor", linked["cursor"][0]
    elif "start" in linked:
        parameter, value = "start", str(next_offset(body, next_link))
    else:
        return None
    parts = urlsplit(url)
    query = [(name, old) for name, old in parse_qsl(parts.query, keep_blank_values=True) if name != parameter]
    return urlunsplit(parts._replace(query=urlencode([*query, (parameter, value)])))


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    response: Optional[requests.Response] = None
    error: Optional[BaseException] = None


class ReadAhead:
    """The process-wide table of pages read ahead (thread-safe)."""

    def __init__(self, max_pending: Optional[int] = None, on_page: Optional[Callable[[Any], None]] = None) -> None:
        self.on_page = on_page
        self._lock = threading.Lock()
        self._pending: Dict[Tuple[Any, str], _Pending] = {}
        self._max_pending = MAX_PENDING if max_pending is None else max_pending
        self.sent = 0
        self.taken = 0

    @property
    def unused(self) -> int:
        """Pages read ahead that the CDK did not ask for (so far)."""
        with self._lock:
            return self.sent - self.taken - sum(1 for entry in self._pending.values() if not entry.done.is_set())

    def send(self, request: requests.PreparedRequest, send_upstream: Callable[..., requests.Response],
             reader: Any = None, **kwargs: Any) -> requests.Response:
        key = (reader, request_key(request))
        with self._lock:
            pending = self._pending.pop(key, None) if self._pending else None
        response = self._take(pending) if pending is not None else None
        if response is not None:
            body = _page_body(request, response, kwargs)        # parsed, and announced, when it arrived
        else:
            response = send_upstream(request, **kwargs)
            body = _page_body(request, response, kwargs)
            self._announce(body)
        if body is not None:
            self._read_next(reader, key, request, body, send_upstream, kwargs)
        return response

    def close(self) -> None:
        with self._lock:
            self._pending.clear()

    def _take(self, pending: _Pending) -> Optional[requests.Response]:
        pending.done.wait()
        with self._lock:
            self.taken += 1
        if pending.error is not None:
            raise pending.error
        if pending.response is None or pending.response.status_code in NOT_HANDED_OVER:
            return None
        return pending.response

    def _announce(self, body: Any) -> None:
        """Every listing page, once, as it arrives (the CDK's or read ahead): `on_page` starts work on it early."""
        if body is None or self.on_page is None:
            return
        try:
            self.on_page(body)
        except Exception as error:  # noqa: BLE001 - an early start is an optimisation; the page itself is fine
            LOGGER.warning(f"Read ahead: a listener failed on a page ({type(error).__name__}: {error}).")

    def _read_next(self, reader: Any, sent_key: Tuple[Any, str], request: requests.PreparedRequest, body: Any,
                   send_upstream: Callable[..., requests.Response], kwargs: Mapping[str, Any]) -> None:
        next_url = next_request_url(request.url or "", body)
        if next_url is None:
            return
        ahead = request.copy()
        ahead.url = next_url    # the query changes; scheme, host and path stay the CDK's
        key = (reader, request_key(ahead))
        if key == sent_key:     # a `next` back to this page: the paginator fails or stops on it, never sends it
            return
        with self._lock:
            if key in self._pending or len(self._pending) >= self._max_pending:
                return
            pending = self._pending[key] = _Pending()
            self.sent += 1
        threading.Thread(target=self._fetch, args=(pending, ahead, send_upstream, dict(kwargs)),
                         name="confluence-read-ahead", daemon=True).start()

    def _fetch(self, pending: _Pending, request: requests.PreparedRequest,
               send_upstream: Callable[..., requests.Response], kwargs: Mapping[str, Any]) -> None:
        try:
            response = send_upstream(request, **kwargs)
            _ = response.content    # read here, off the CDK's thread
            pending.response = response
        except BaseException as error:  # noqa: BLE001 - handed to the CDK's thread, which handles it as its own
            pending.error = error
            pending.done.set()
            return
        try:
            self._announce(_page_body(request, response, kwargs))   # parsed here too
        finally:
            pending.done.set()


def _page_body(request: requests.PreparedRequest, response: requests.Response, kwargs: Mapping[str, Any]) -> Any:
    """The parsed JSON of a listing page: a 200 answer to a GET that is not a download; else None."""
    if request.method != "GET" or kwargs.get("stream") or response.status_code != 200:
        return None
    try:
        return json_body(response)
    except ValueError:      # not JSON: the CDK's error handling will say so
        return None


class ReadAheadAdapter(TableAdapter):
    """Transport adapter: a request read ahead is answered from the table, every other one upstream."""


def install(constructors: dict, requester_model: type, read_ahead: ReadAhead) -> None:
    """Every requester's session reads its listings one page ahead (outermost adapter: install last)."""
    install_table(constructors, requester_model, read_ahead, ReadAheadAdapter)
