"""A requests transport adapter that asks a process-wide table before the session's own adapter.

shared_listings.SharedListings and read_ahead.ReadAhead are such tables: each has
`send(request, send_upstream, reader=..., **kwargs)`, answers what it can and sends the rest
upstream. `reader` is the adapter's id, one per requester session, so a table can tell streams apart.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import BaseAdapter

from source_confluence.components.cdk_hooks import http_session, on_every_component


def request_key(request: requests.PreparedRequest) -> str:
    """What makes two requests the same answer: method, URL with its query in any order, credentials."""
    parts = urlsplit(request.url or "")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{request.method} {urlunsplit(parts._replace(query=query))}\n{request.headers.get('Authorization', '')}"


class TableAdapter(BaseAdapter):
    """Asks `table` first, with the session's previous adapter as its upstream."""

    def __init__(self, table: Any, upstream: BaseAdapter) -> None:
        super().__init__()
        self._table, self._upstream = table, upstream

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        return self._table.send(request, self._upstream.send, reader=id(self), **kwargs)

    def close(self) -> None:
        self._upstream.close()


def mount_table(session: requests.Session, table: Any, adapter_class: type = TableAdapter) -> None:
    """Put an `adapter_class(table, …)` in front of the session's adapters, once."""
    for prefix in ("https://", "http://"):  # ignore-https-check: strips either scheme from a URL, sends nothing
        upstream = session.get_adapter(prefix + "confluence.invalid/")
        if not isinstance(upstream, adapter_class):
            session.mount(prefix, adapter_class(table, upstream))


def install_table(constructors: dict, requester_model: type, table: Any, adapter_class: type = TableAdapter) -> None:
    """Every requester's session asks `table` first (the last table installed is asked first)."""
    def mount(requester: Any, config: Mapping[str, Any], **kwargs: Any) -> None:
        mount_table(http_session(requester), table, adapter_class)

    on_every_component(constructors, requester_model, mount)
