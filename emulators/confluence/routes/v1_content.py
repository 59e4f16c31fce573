"""v1 content handlers shared by Cloud (`routes/v1.py`) and Data Center (`routes/dc.py`):
CQL search, legacy content lists, single content, children, labels, history, restrictions, spaces.

Handlers are thin: parse the query → ask the model (or search_index for CQL) → serialize with
serializers/v1.py → paginate with the style's policy (offset_page / cursor_page below).
"""
from __future__ import annotations

import base64
import time
from urllib.parse import parse_qsl, urlencode

from emulators.confluence.json_response import JSONResponse

from ..errors import ApiError, not_found
from ..model import Comment
from ..pagination import V1, DcOffsetPolicy
from ..search_index import cql_search
from ..serializers.v1 import DEFAULT_CONTENT_EXPAND, V1Writer, parse_expand, wants

# DC silently caps a page that expands bodies lower than other lists (assumption, README
# "## v1, CQL and Data Center"; Onyx measured "silently caps page size", §11).
DC_BODY_EXPAND_CAP = 50


class DcUnderCountingPolicy(DcOffsetPolicy):
    """Data Center's `_links.next` embeds a start one short of start+size (§11, measured by Onyx):
    always, not only under the `wrong_start` fault (which under-counts by one more). A client that
    follows `next` verbatim re-reads one item per page; the correct client uses start + size."""

    def next_start(self, ctx, start: int, size: int) -> int:
        honest_or_faulted = super().next_start(ctx, start, size)
        return honest_or_faulted - 1 if size > 1 else honest_or_faulted


DC_POLICY = DcUnderCountingPolicy()


def policy(ctx):
    return DC_POLICY if ctx.mode == "datacenter" else V1


def offset_page(ctx, items: list, render, kind: str = "default", check_start: bool = False,
                cap: int | None = None, extra: dict | None = None, shown=None) -> JSONResponse:
    """`shown`: a filter applied after the window is cut (what the caller may not see is dropped
    from the page, but `start` and `next` count it): a short page, even an empty one, with `next`."""
    style = policy(ctx)
    start, limit = style.window(ctx, kind, check_start=check_start)
    if cap is not None:
        limit = min(limit, cap)
    window = items[start:start + limit] if limit else []
    has_more = start + len(window) < len(items) and limit > 0
    if shown is not None:
        window = [item for item in window if shown(item)]
    body = style.envelope(ctx, [render(i) for i in window], start, limit, has_more, extra)
    if shown is not None and has_more:
        body["_links"]["next"] = _with_start(body["_links"]["next"], start + limit)
    return JSONResponse(body)


def _with_start(link: str, start: int) -> str:
    path, _, query = link.partition("?")
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "start"]
    position = next((i for i, (k, _) in enumerate(pairs) if k == "limit"), len(pairs) - 1) + 1
    return f"{path}?" + urlencode(pairs[:position] + [("start", start)] + pairs[position:])


def cursor_page(ctx, items: list, render, extra_fn=None) -> JSONResponse:
    """Cloud search: opaque cursor in `_links.next`/`prev`; a `start` in the request is ignored (§4.3)."""
    cap = V1.cap("search")
    limit = min(max(1, _int(ctx, "limit", cap.default)), cap.maximum)
    offset = _decode(ctx.query.get("cursor"))
    window = items[offset:offset + limit]
    relative = ctx.path[ctx.path.index("/rest/api/"):]
    rest = [(k, v) for k, v in ctx.query.multi_items() if k not in ("cursor", "next", "prev", "limit", "start")]
    links = {"base": ctx.wiki_base, "context": ctx.context_path, "self": ctx.wiki_base + relative}
    if offset + len(window) < len(items):
        # Cloud's `next` carries the cursor AND a `start` (cloud__v1-search__1:
        # `/rest/api/search?next=true&cursor=_t_…&limit=5&start=5&cql=…`); only the cursor counts.
        links["next"] = f"{relative}?" + urlencode([("next", "true"), ("cursor", _encode(offset + limit)),
                                                    ("limit", limit), ("start", offset + limit), *rest])
    if offset > 0:
        links["prev"] = f"{relative}?" + urlencode([("prev", "true"), ("cursor", _encode(max(0, offset - limit))),
                                                    ("limit", limit), *rest])
    body = {"results": [render(i) for i in window], "start": offset, "limit": limit, "size": len(window)}
    body.update(extra_fn(items) if extra_fn else {})
    body["_links"] = links
    return JSONResponse(body)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"_sa_{offset}".encode()).decode()


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("_sa_"))
    except ValueError:
        raise ApiError(400, "com.atlassian.confluence.api.service.exceptions.BadRequestException: "
                            "Invalid cursor") from None


def _int(ctx, name: str, default: int) -> int:
    raw = ctx.query.get(name)
    try:
        return int(raw) if raw not in (None, "") else default
    except ValueError:
        raise ApiError(400, f"Failed to convert value of type 'java.lang.String' to required type 'int'; "
                            f"For input string: \"{raw}\"") from None


def _expand(ctx, default=frozenset()) -> frozenset[str]:
    raw = ctx.query.get("expand")
    return default if raw is None else parse_expand(raw)


# ── CQL search ──────────────────────────────────────────────────────────
def content_search(ctx):
    items = [i for i in cql_search(ctx, ctx.query.get("cql")) if not hasattr(i, "key")]
    writer = V1Writer(ctx)
    if ctx.mode == "datacenter":
        expand = _expand(ctx, DEFAULT_CONTENT_EXPAND)
        cap = DC_BODY_EXPAND_CAP if wants(expand, "body") else None
        # Newer DC reports the total on content search too (datacenter__v1-content-search__4).
        return offset_page(ctx, items, lambda i: writer.content(i, expand), "search", cap=cap,
                           extra={"totalSize": len(items)})
    expand = _expand(ctx)
    return cursor_page(ctx, items, lambda i: writer.content(i, expand))


def search(ctx):
    started = time.perf_counter()
    cql = ctx.query.get("cql")
    items = cql_search(ctx, cql, include_spaces=True)
    writer = V1Writer(ctx)
    expand = _expand(ctx)
    extra = lambda found: {"totalSize": len(found), "cqlQuery": cql,
                           "searchDuration": int((time.perf_counter() - started) * 1000)}
    render = lambda i: writer.search_result(i, expand)
    if ctx.mode == "datacenter":
        return offset_page(ctx, items, render, "search", extra=extra(items))
    return cursor_page(ctx, items, render, extra)


# ── legacy content ──────────────────────────────────────────────────────
_ORDER_KEYS = {"title": lambda c: c.title.casefold(), "history.createddate": lambda c: c.created_at,
               "created": lambda c: c.created_at, "version.when": lambda c: c.last_modified_at,
               "lastmodified": lambda c: c.last_modified_at, "id": lambda c: int(c.id)}


def content_list(ctx):
    inst = ctx.instance
    kind = ctx.query.get("type") or "page"
    statuses = set(ctx.query.getlist("status") or ["current"])
    space_key, title = ctx.query.get("spaceKey"), ctx.query.get("title")
    space = inst.space_by_key.get(space_key) if space_key else None
    if space_key and space is None:
        items = []
    else:
        pool = (inst.contents[i] for i in inst.content_by_space.get(space.id, [])) if space else inst.contents.values()
        items = [c for c in pool if c.type == kind and c.status in statuses and (title is None or c.title == title)
                 and inst.visible_to(ctx.user, c)]
    items.sort(key=lambda c: int(c.id))
    field, _, direction = (ctx.query.get("orderby") or "").strip().partition(" ")
    if field.lower() in _ORDER_KEYS:
        items.sort(key=_ORDER_KEYS[field.lower()], reverse=direction.strip().lower() == "desc")
    writer, expand = V1Writer(ctx), _expand(ctx, DEFAULT_CONTENT_EXPAND)
    return offset_page(ctx, items, lambda c: writer.content(c, expand), "content", check_start=True)


def _visible_item(ctx, item_id: str):
    item = ctx.instance.find(item_id)
    if item is None or hasattr(item, "key") or not ctx.instance.listable(ctx.user, item):
        raise not_found("content", item_id)
    return item


def content_get(ctx):
    item = _visible_item(ctx, ctx.path_params["id"])
    body = V1Writer(ctx).content(item, _expand(ctx, DEFAULT_CONTENT_EXPAND))
    # A single object names where it lives (datacenter__v1-content-by-id-attachment__1, __historical__1).
    body["_links"].update(base=ctx.wiki_base, context=ctx.context_path, collection="/rest/api/content")
    return JSONResponse(body)


def _listable(ctx, table: dict, ids) -> list:
    return [table[i] for i in ids if i in table and ctx.instance.listable(ctx.user, table[i])]


def child_pages(ctx):
    parent = _visible_item(ctx, ctx.path_params["id"])
    kind = ctx.path_params.get("type", "page")
    if kind == "comment":
        return child_comments(ctx)
    if kind == "attachment":
        return child_attachments(ctx)
    children = [c for c in _listable(ctx, ctx.instance.contents, ctx.instance.children.get(parent.id, []))
                if c.type == kind]
    writer, expand = V1Writer(ctx), _expand(ctx)
    return offset_page(ctx, children, lambda c: writer.content(c, expand), "children")


def child_comments(ctx):
    """`location` repeatable (footer|inline|resolved); Cloud: root comments only ("depth ... is not
    used", spec-v1-legacy); DC: `depth=all` returns replies too, each after its parent (§11)."""
    container = _visible_item(ctx, ctx.path_params["id"])
    inst = ctx.instance
    comments = _listable(ctx, inst.comments, inst.comments_by_container.get(container.id, []))
    locations = set(ctx.query.getlist("location"))
    if locations:
        comments = [c for c in comments if c.location in locations
                    or ("resolved" in locations and c.resolution_status == "resolved")]
    if ctx.mode == "datacenter" and ctx.query.get("depth") == "all":
        comments = _thread_order(inst, comments)
    else:
        comments = [c for c in comments if not c.parent_id]
    writer, expand = V1Writer(ctx), _expand(ctx)
    return offset_page(ctx, comments, lambda c: writer.content(c, expand), "children")


def _thread_order(inst, comments: list[Comment]) -> list[Comment]:
    wanted = {c.id for c in comments}
    ordered: list[Comment] = []

    def walk(comment):
        ordered.append(comment)
        for reply_id in inst.replies.get(comment.id, []):
            if reply_id in wanted:
                walk(inst.comments[reply_id])

    for root in (c for c in comments if not c.parent_id or c.parent_id not in wanted):
        walk(root)
    return ordered


def child_attachments(ctx):
    container = _visible_item(ctx, ctx.path_params["id"])
    inst = ctx.instance
    attachments = _listable(ctx, inst.attachments, inst.attachments_by_container.get(container.id, []))
    filename, media_type = ctx.query.get("filename"), ctx.query.get("mediaType")
    attachments = [a for a in attachments if (filename is None or a.title == filename)
                   and (media_type is None or a.media_type == media_type)]
    writer, expand = V1Writer(ctx), _expand(ctx, frozenset({"version", "container", "metadata"}))
    return offset_page(ctx, attachments, lambda a: writer.content(a, expand), "attachments")


def content_labels(ctx):
    item = _visible_item(ctx, ctx.path_params["id"])
    labels = [ctx.instance.labels[i] for i in getattr(item, "labels", [])]
    prefix = ctx.query.get("prefix")
    labels = [l for l in labels if prefix is None or l.prefix == prefix]
    writer = V1Writer(ctx)
    return offset_page(ctx, labels, writer.label, "label")


def content_history(ctx):
    item = _visible_item(ctx, ctx.path_params["id"])
    return JSONResponse(V1Writer(ctx).history(item, _expand(ctx)))


def content_restrictions(ctx):
    item = _visible_item(ctx, ctx.path_params["id"])
    return JSONResponse(V1Writer(ctx).restrictions(item))


# ── spaces ──────────────────────────────────────────────────────────────
def space_list(ctx):
    """Ordered alphabetically by space key (spec-v1-legacy)."""
    inst = ctx.instance
    keys = set(ctx.query.getlist("spaceKey"))
    ids = set(ctx.query.getlist("spaceId"))
    space_type, status = ctx.query.get("type"), ctx.query.get("status")
    spaces = [s for s in inst.spaces.values()
              if (not keys or s.key in keys) and (not ids or s.id in ids)
              and (space_type is None or s.type == space_type) and (status is None or s.status == status)]
    spaces.sort(key=lambda s: s.key)
    writer, expand = V1Writer(ctx), _expand(ctx)
    visible = lambda s: inst.visible_to(ctx.user, s)
    if ctx.mode == "datacenter":
        return offset_page(ctx, [s for s in spaces if visible(s)], lambda s: writer.space(s, expand), "space")
    # Cloud cuts the page first and drops the spaces the caller may not see afterwards: `next`
    # although size < limit, its start counting the dropped ones (cloud__v1-space__1: 2 of limit 5,
    # next start=5).
    return offset_page(ctx, spaces, lambda s: writer.space(s, expand), "space", shown=visible)


def _visible_space(ctx):
    space = ctx.instance.space_by_key.get(ctx.path_params["spaceKey"])
    if space is None or not ctx.instance.visible_to(ctx.user, space):
        raise ApiError(404, f"No space with key : {ctx.path_params['spaceKey']}")
    return space


def space_get(ctx):
    return JSONResponse(V1Writer(ctx).space(_visible_space(ctx), _expand(ctx)))


def space_content(ctx):
    space = _visible_space(ctx)
    inst = ctx.instance
    style = policy(ctx)
    start, limit = style.window(ctx, "content")
    writer, expand = V1Writer(ctx), _expand(ctx)
    body = {}
    for kind in ("page", "blogpost"):
        items = [c for c in _listable(ctx, inst.contents, inst.content_by_space.get(space.id, [])) if c.type == kind]
        window = items[start:start + limit]
        body[kind] = style.envelope(ctx, [writer.content(c, expand) for c in window], start, limit,
                                    start + len(window) < len(items))
    body["_links"] = {"base": ctx.wiki_base, "context": ctx.context_path}
    return JSONResponse(body)

