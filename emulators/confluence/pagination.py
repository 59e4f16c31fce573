"""Pagination policies, one per API style, and the CAPS table (contracts §1.7).

v2 (confluence-api.md §4.1): `limit` 1..250, opaque `cursor`; `_links.next` starts with
`/wiki/api/v2/...` and repeats the caller's query; `Link` header with rel="next"/rel="base".
The cursor is keyset-style (the last item's sort key), so a page costs O(log n + limit) on a
cached sorted list and stays correct when content changes between pages.

v1 Cloud (§4.2): `start`/`limit`, `_links` {base, context, self, next?, prev?}; `next` is
relative to `_links.base` (no `/wiki`) and starts with a `next=true` marker.
DC (§11): like v1 but `limit` is silently capped lower, and with the `wrong_start` fault the
`start` embedded in `next` is under-counted by one (the measured DC quirk); the CQL in `next`/`prev`
is echoed with its quoted literals unencoded (recorded, `dc_echoed_cql`).
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
import re
from urllib.parse import quote, urlencode

from .errors import ApiError
from .queries import SortedIds


@dataclass(frozen=True)
class Cap:
    default: int
    maximum: int


CAPS: dict[str, dict[str, Cap]] = {
    "v2": {"default": Cap(25, 250), "attachments": Cap(50, 250)},
    # v1 Cloud: content/space echo 1000 for larger values (measured, §4.2); search 250 is an
    # assumption (the live API echoes even 1001, §13).
    "v1": {"default": Cap(25, 1000), "content": Cap(25, 1000), "space": Cap(25, 1000),
           "children": Cap(25, 1000), "attachments": Cap(50, 1000), "label": Cap(200, 200),
           "group": Cap(200, 200), "member": Cap(200, 200), "search": Cap(25, 250),
           "user_bulk": Cap(100, 100), "audit": Cap(1000, 1000)},
    # DC: "silently caps page size" (§11, measured by Onyx); the exact caps are not public.
    # Assumption: 100 everywhere (DefaultRestSpaceManager.MAX_SIZE-like), defaults as v1.
    "dc": {"default": Cap(25, 100), "content": Cap(25, 100), "space": Cap(25, 100),
           "children": Cap(25, 100), "attachments": Cap(50, 100), "label": Cap(100, 100),
           "group": Cap(100, 100), "member": Cap(100, 100), "search": Cap(25, 100),
           "audit": Cap(100, 100)},
}


def _int_param(ctx, name: str, default: int) -> int:
    raw = ctx.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"Provided value {{{raw}}} for '{name}' is not the correct type. "
                            "Expected type is int.") from None


def _site_path(ctx) -> str:
    """The request path as seen on the site (gateway prefix removed)."""
    if ctx.via_gateway:
        return "/" + ctx.path.split("/", 4)[4]
    return ctx.path


def _query_without(ctx, *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in ctx.query.multi_items() if k not in names]


class V2CursorPolicy:
    style = "v2"

    def limit(self, ctx, kind: str = "default") -> int:
        cap = CAPS["v2"][kind]
        limit = _int_param(ctx, "limit", cap.default)
        if not 1 <= limit <= cap.maximum:
            # Undocumented on the live API (§4.1/§13); the emulator refuses loudly.
            raise ApiError(400, f"'limit' must be between 1 and {cap.maximum}, got {limit}")
        return limit

    @staticmethod
    def encode_cursor(last_key: tuple, descending: bool) -> str:
        raw = json.dumps([list(last_key), descending], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode_cursor(cursor: str) -> tuple[tuple, bool]:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            key, descending = json.loads(base64.urlsafe_b64decode(padded))
            return tuple(key), bool(descending)
        except (ValueError, TypeError):
            raise ApiError(400, "Invalid cursor") from None

    def page(self, ctx, ordered: SortedIds, descending: bool = False, kind: str = "default"):
        """(ids on this page, next cursor or None)."""
        limit = self.limit(ctx, kind)
        after_key = None
        cursor = ctx.query.get("cursor")
        if cursor:
            after_key, descending = self.decode_cursor(cursor)
        ids, last_key, has_more = ordered.window(after_key, limit, descending)
        return ids, (self.encode_cursor(last_key, descending) if has_more else None)

    def next_link(self, ctx, cursor: str) -> str:
        query = _query_without(ctx, "cursor") + [("cursor", cursor)]
        return f"{_site_path(ctx)}?{urlencode(query)}"

    def envelope(self, ctx, results: list, cursor: str | None) -> tuple[dict, dict]:
        """(body, headers) of a v2 list page."""
        links = {}
        header = f'<{ctx.wiki_base}>; rel="base"'
        if cursor:
            links["next"] = self.next_link(ctx, cursor)
            header = f'<{links["next"]}>; rel="next", ' + header
        links["base"] = ctx.wiki_base
        return {"results": results, "_links": links}, {"Link": header}


class V1OffsetPolicy:
    """Cloud v1 offset pagination. `window()` then `envelope()`."""

    style = "v1"
    max_start: int | None = 100_000     # `content?start=100001` → 400 (measured, §4.2)

    def cap(self, kind: str) -> Cap:
        return CAPS[self.style].get(kind, CAPS[self.style]["default"])

    def window(self, ctx, kind: str = "default", check_start: bool = False) -> tuple[int, int]:
        cap = self.cap(kind)
        start = max(0, _int_param(ctx, "start", 0))
        limit = max(0, _int_param(ctx, "limit", cap.default))
        if check_start and self.max_start is not None and start > self.max_start:
            raise ApiError(400, "com.atlassian.confluence.api.service.exceptions.BadRequestException: "
                                "Start of this size is no longer supported. Please use the cursor-based "
                                "pagination.")
        return start, min(limit, cap.maximum)

    def next_start(self, ctx, start: int, size: int) -> int:
        return start + size

    def envelope(self, ctx, results: list, start: int, limit: int, has_more: bool,
                 extra: dict | None = None) -> dict:
        """{"results", "start", "limit", "size", **extra, "_links"}; next/prev relative to base."""
        relative = _site_path(ctx)[len(ctx.context_path):]
        rest = _query_without(ctx, "start", "limit", "next")
        links = {"base": ctx.wiki_base, "context": ctx.context_path,
                 "self": ctx.wiki_base + relative}
        if has_more or (limit == 0 and not results):
            next_start = self.next_start(ctx, start, len(results))
            links["next"] = f"{relative}?" + self._query([*self._marker(), ("limit", limit),
                                                          ("start", next_start), *rest])
        if start > 0:
            links["prev"] = f"{relative}?" + self._query([*self._marker(), ("limit", limit),
                                                          ("start", max(0, start - limit)), *rest])
        body = {"results": results, "start": start, "limit": limit, "size": len(results)}
        body.update(extra or {})
        body["_links"] = links
        return body

    def _marker(self) -> list[tuple[str, str]]:
        return [("next", "true")]

    def _query(self, pairs: list) -> str:
        return urlencode(pairs)


def dc_echoed_cql(cql: str) -> str:
    """A CQL as Data Center echoes it into `next`/`prev`: encoded outside its quoted literals, `=` and
    the literals raw (datacenter__v1-content-search__1: `cql=lastModified%3E='1970-01-01 00:00'%20order%20by%20lastModified`)."""
    parts = re.split(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""", cql)
    return "".join(part if index % 2 else quote(part, safe="=") for index, part in enumerate(parts))


class DcOffsetPolicy(V1OffsetPolicy):
    """Data Center: caps silently at CAPS["dc"]; `wrong_start` fault under-counts next start."""

    style = "dc"
    max_start = None

    def next_start(self, ctx, start: int, size: int) -> int:
        faults = getattr(ctx, "faults", None)
        if faults is not None and faults.take(ctx.route.key, ("wrong_start",)) is not None:
            return start + max(0, size - 1)
        return start + size

    def _marker(self) -> list[tuple[str, str]]:
        return []

    def _query(self, pairs: list) -> str:
        """The CQL left as DC echoes it (dc_echoed_cql); everything else form-encoded."""
        return "&".join(f"cql={dc_echoed_cql(str(v))}" if k == "cql" else urlencode([(k, v)]) for k, v in pairs)


V2 = V2CursorPolicy()
V1 = V1OffsetPolicy()
DC = DcOffsetPolicy()
