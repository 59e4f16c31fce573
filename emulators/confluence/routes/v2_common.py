"""Parsing and response helpers shared by the v2 route modules (thin handlers stay thin)."""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

from ..errors import ApiError, not_found
from ..pagination import V2
from ..queries import SortedIds, parse_sort
from ..serializers import v2 as ser

SPEC = "confluence-cloud-v2.openapi-v2.v3.json"
PREFIX = "/wiki/api/v2"


def spec(path: str, method: str = "get") -> tuple[str, str, str]:
    return (SPEC, path, method)


def csv(ctx, name: str) -> tuple[str, ...]:
    """Comma-separated and repeated values of a query parameter, in order."""
    values = []
    for raw in ctx.query.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return tuple(values)


def choice(ctx, name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    value = ctx.query.get(name) or default
    if value is not None and value not in allowed:
        raise ApiError(400, f"Provided value {{{value}}} for '{name}' is not valid. Allowed: {', '.join(allowed)}")
    return value


def statuses(ctx, allowed: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    chosen = csv(ctx, "status") or default
    for status in chosen:
        if status not in allowed:
            raise ApiError(400, f"Provided value {{{status}}} for 'status' is not valid. Allowed: {', '.join(allowed)}")
    return tuple(sorted(set(chosen)))


def sort(ctx, allowed: tuple[str, ...], default: str = "id") -> tuple[str, bool]:
    try:
        return parse_sort(ctx.query.get("sort"), allowed, default)
    except ValueError as bad:
        raise ApiError(400, str(bad)) from None


def ids(ctx, name: str) -> tuple[str, ...]:
    values = csv(ctx, name)
    for value in values:
        if not value.removeprefix("att").isdigit():
            raise ApiError(400, f"Provided value {{{value}}} for '{name}' is not the correct type. Expected type is long.")
    if len(values) > 250:
        raise ApiError(400, f"'{name}' accepts at most 250 values")
    return values


def body_format(ctx, single: bool = False) -> str | None:
    allowed = ser.SINGLE_BODY_FORMATS if single else ser.BULK_BODY_FORMATS
    return choice(ctx, "body-format", allowed)


def user_key(ctx) -> str:
    return ctx.user.account_id if ctx.user else "anonymous"


def page_of(ctx, ordered: SortedIds, descending: bool, serialize, kind: str = "default") -> JSONResponse:
    """One v2 list page: cursor window over `ordered`, each id through `serialize`."""
    page_ids, cursor = V2.page(ctx, ordered, descending, kind)
    body, headers = V2.envelope(ctx, [serialize(item_id) for item_id in page_ids], cursor)
    return JSONResponse(body, headers=headers)


def visible(ctx, table: dict, item_id: str, kind: str, statuses=("current", "archived")):
    """The item, or 404 when missing, not readable by the caller, or in another status."""
    item = table.get(item_id)
    if item is None or getattr(item, "status", "current") not in statuses \
            or not ctx.instance.visible_to(ctx.user, item):
        raise not_found(kind, item_id)
    if hasattr(item, "container_id") and ctx.instance.contents[item.container_id].status not in statuses:
        raise not_found(kind, item_id)
    return item


def flag(ctx, name: str, default: bool = False) -> bool:
    value = ctx.query.get(name)
    return default if value is None else value.lower() == "true"
