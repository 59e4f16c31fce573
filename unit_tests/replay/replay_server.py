"""Answer the source's requests with recorded responses, the way the recorded server would have.

A listing is one endpoint on the configured host. Its first request (no page token) gets the first
recorded page as recorded; a request for the page that page's `next` link points to gets the next
recorded page, or — when nothing more was recorded — the same envelope with no results and no
`next` (the end of the listing). Anything else the source asks for is answered 404 and noted in
`unexpected`, so a test sees a request no recording covers instead of a silently empty stream.

Page tokens the source may send after a page (what a real server accepts for "the next page"):
  cursor: the `cursor` of the page's `next` link (Cloud);
  start:  the `start` of its `next` link, or the page's `start` + its number of results (Data Center
          under-counts `start` in `next`; the source advances by what arrived, docs §11).
"""
import copy
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Set
from urllib.parse import parse_qs, urlsplit

import requests_mock

# Recorded headers that describe the recorded transfer, not the answer: never replayed.
TRANSFER_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection"}


def replayable_headers(headers: Optional[Mapping[str, str]]) -> Dict[str, str]:
    return {k: v for k, v in (headers or {}).items() if k.lower() not in TRANSFER_HEADERS}


def next_link_token(page: Mapping[str, Any], token: str) -> Set[str]:
    """The values of `token` that ask for the page after `page` (see the module docstring)."""
    link = (page.get("_links") or {}).get("next")
    if not link:
        return set()
    values = set(parse_qs(urlsplit(link).query).get(token) or [])
    if token == "start":
        values.add(str(int(page.get("start") or 0) + len(page.get("results") or [])))
    return values


def empty_page(page: Mapping[str, Any], token: str, value: str) -> Dict[str, Any]:
    """`page`'s envelope with no results and no `next`: what a server answers past the last item."""
    empty = copy.deepcopy(dict(page))
    empty["results"] = []
    if "size" in empty:
        empty["size"] = 0
    if token == "start" and "start" in empty:
        empty["start"] = int(value)
    links = dict(empty.get("_links") or {})
    links.pop("next", None)
    empty["_links"] = links
    return empty


@dataclass
class Listing:
    path: str
    pages: List[Dict[str, Any]]
    token: str = "cursor"
    headers: Dict[str, str] = field(default_factory=dict)
    served: List[Optional[str]] = field(default_factory=list)   # the token of each request answered
    _position: int = -1    # index of the last recorded page served; len(pages) once past the end

    def answer(self, query: Mapping[str, List[str]]) -> Optional[Dict[str, Any]]:
        value = (query.get(self.token) or [None])[0]
        if value is None:
            self._position = 0
            self.served.append(None)
            return copy.deepcopy(self.pages[0])
        if 0 <= self._position < len(self.pages) and value in next_link_token(self.pages[self._position], self.token):
            self.served.append(value)
            if self._position + 1 < len(self.pages):
                self._position += 1
                return copy.deepcopy(self.pages[self._position])
            last = self.pages[self._position]
            self._position = len(self.pages)
            return empty_page(last, self.token, value)
        return None


class Replay:
    """`with Replay("https://acme.atlassian.net") as replay: replay.listing(path, pages)` then run the source."""

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")
        self.listings: Dict[str, Listing] = {}
        self.unexpected: List[str] = []
        self._lock = threading.Lock()
        self._mocker = requests_mock.Mocker()

    def listing(self, path: str, pages: List[Dict[str, Any]], token: str = "cursor",
                headers: Optional[Mapping[str, str]] = None) -> Listing:
        assert pages, f"no recorded page for {path}"
        listing = Listing(path=path, pages=pages, token=token, headers=replayable_headers(headers))
        self.listings[path] = listing
        return listing

    def __enter__(self) -> "Replay":
        self._mocker.__enter__()
        self._mocker.register_uri(requests_mock.ANY, re.compile(".*"), text=self._answer)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._mocker.__exit__(*exc_info)

    def _answer(self, request: Any, context: Any) -> str:
        parts = urlsplit(request.url)
        listing = self.listings.get(parts.path) if f"{parts.scheme}://{parts.netloc}" == self.origin else None
        with self._lock:
            page = listing.answer(parse_qs(parts.query)) if listing is not None and request.method == "GET" else None
            if page is None:
                self.unexpected.append(f"{request.method} {request.url}")
                context.status_code = 404
                return json.dumps({"statusCode": 404, "message": "no recorded response for this request"})
        context.status_code = 200
        context.headers.update(listing.headers)
        context.headers["content-type"] = "application/json"
        return json.dumps(page)

    def assert_every_listing_replayed(self) -> None:
        assert not self.unexpected, f"requests no recording answers: {self.unexpected}"
        for path, listing in self.listings.items():
            assert listing.served, f"the source never asked for {path}"
            assert listing._position >= len(listing.pages) - 1, (
                f"{path}: the source stopped after recorded page {listing._position + 1} of {len(listing.pages)}")
            if (listing.pages[-1].get("_links") or {}).get("next"):
                assert listing._position == len(listing.pages), (
                    f"{path}: the last recorded page has a `next` link, but the source never asked for that page")
