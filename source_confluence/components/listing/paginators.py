"""Next page from Confluence's `_links.next`, whatever the API style.

    token_kind cursor: {"results": [..], "_links": {"next": "/wiki/api/v2/pages?cursor=abc&limit=250"}} → "abc"
    token_kind offset: {"results": [3 items], "start": 6, "_links": {"next": "...start=8"}} → 9
      (Data Center under-counts `start` in `next`: advance by what arrived; docs §11)
      {"results": [2 items], "start": 0, "limit": 5, "_links": {"next": "...start=5"}} → 5
      (Cloud v1 counts the items it filtered out by permission: `next` although size < limit,
      recorded in cloud__v1-space__1; the larger of the two never skips an item)

A missing `next` ends the listing. An empty page with `next` is followed: the same URL empty a
second time is the end (Cloud sometimes sends `next` with no results, pointing at itself); a page
with results means the empty one was transient and nothing is lost; a chain of empty pages with
new cursors is followed while the cursors change (that is progress, not a loop).
A cursor equal to the one just used would loop forever, so it fails loudly (airbyte-python-cdk #1148).
"""
import threading
from dataclasses import InitVar, dataclass
from typing import Any, Mapping, Optional, Union
from urllib.parse import parse_qs, urlparse

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.interpolation import InterpolatedString
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import PaginationStrategy
from airbyte_cdk.sources.types import Config, Record
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_confluence.components.listing.response_bodies import json_body


def next_offset(body: Mapping[str, Any], next_link: str) -> int:
    """The `start` of the next page: the `start` of `next` or this page's start + its size, whichever is
    larger (see the module docstring) — the link only within the window the page says it covered
    (`start` + its `limit`), so a link past a silently capped page cannot skip items. `next` may carry
    an unencoded CQL (Data Center echoes it so, datacenter__v1-content-search__1): only `start` is read."""
    start = int(body.get("start") or 0)
    arrived = start + len(body.get("results") or [])
    linked = (parse_qs(urlparse(next_link).query).get("start") or [""])[0]
    limit = body.get("limit")
    if not linked.isdigit() or not isinstance(limit, int) or int(linked) > start + limit:
        return arrived
    return max(arrived, int(linked))


class RepeatedPageToken(AirbyteTracedException):
    """The API handed back the page token it was just given: following it would re-read the same page forever."""


@dataclass
class LinkedPagePagination(PaginationStrategy):
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    token_kind: Union[str, InterpolatedString] = "cursor"
    page_size: Union[int, str, None] = 250

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._token_kind = str(InterpolatedString.create(str(self.token_kind), parameters=parameters).eval(self.config))
        size = InterpolatedString.create(str(self.page_size), parameters=parameters).eval(self.config)
        self._page_size = int(size) if size not in (None, "", "None") else None
        if self._page_size and self._token_kind == "cursor":
            self._page_size = min(self._page_size, 250)  # v2 and Cloud search: 1..250 (confluence-api.md §4.1)
        self._empty_pages = EmptyPages()

    @property
    def initial_token(self) -> Optional[Any]:
        return None

    def get_page_size(self) -> Optional[int]:
        return self._page_size

    def next_page_token(self, response: requests.Response, last_page_size: int, last_record: Optional[Record],
                        last_page_token_value: Optional[Any] = None, page_size_override: Optional[int] = None,
                        ) -> Optional[Any]:
        body = json_body(response)
        next_link = (body.get("_links") or {}).get("next")
        results = body.get("results") or []
        if not next_link:
            return None
        if self._token_kind == "offset":
            token: Any = next_offset(body, next_link)
        else:
            token = (parse_qs(urlparse(next_link).query).get("cursor") or [None])[0]
        if not results:
            return self._after_empty_page(response, token)
        # A `next` without a cursor after the first page points back at the first page.
        if str(token) == str(last_page_token_value):
            raise RepeatedPageToken(
                message=f"Confluence returned the same page token twice ({response.request.url}); stopping this listing instead of looping.",
                internal_message=f"repeated page token {token!r}",
                failure_type=FailureType.system_error,
            )
        return token

    def _after_empty_page(self, response: requests.Response, token: Any) -> Optional[Any]:
        """An empty page with a `next` link: follow it (a transient empty page must not end the listing
        and lose what follows); the same URL empty again is the end (Cloud's trailing empty page,
        confluence-api.md §4)."""
        url = response.request.url if response.request is not None else ""
        return None if self._empty_pages.seen_again(url) else token


class EmptyPages:
    """The URLs that came back empty with a `next` link: the second time one does, the listing ends.
    The paginator and the archived-pages extractor apply the same rule, each with its own record."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._urls: set = set()

    def seen_again(self, url: str) -> bool:
        with self._lock:
            if url in self._urls:
                return True
            self._urls.add(url)
            return False
