"""v2 pages, blog posts, their versions and the page hierarchy (confluence-api.md §5)."""
from __future__ import annotations

from itertools import chain

from emulators.confluence.json_response import JSONResponse

from ..errors import ApiError, not_found
from ..queries import SortedIds, descendants, ordered_cached, visible_items
from ..routing import Route
from ..serializers import v2 as ser
from .v2_common import (PREFIX, body_format, choice, csv, flag, ids, page_of, sort, spec, statuses,
                        user_key, visible)

PAGE_SORTS = ("id", "created-date", "modified-date", "title")
BLOG_SORTS = ("id", "created-date", "modified-date")
KIND_STATUSES = {  # (allowed, default) per content type: pages current+archived, blogs current
    "page": (("current", "archived", "deleted", "trashed"), ("current", "archived")),
    "blogpost": (("current", "deleted", "trashed"), ("current",)),
}
CLOUD_OBJECTS = {"folders": "folder", "databases": "database", "whiteboards": "whiteboard", "embeds": "embed"}
EMBED_LIMIT = 50


def _content_list(ctx, kind: str, space_ids: tuple[str, ...] = (), root_only: bool = False):
    inst, user = ctx.instance, ctx.user
    allowed, default = KIND_STATUSES[kind]
    wanted_statuses = statuses(ctx, allowed, default)
    sort_name, descending = sort(ctx, PAGE_SORTS if kind == "page" else BLOG_SORTS)
    wanted_ids, title = ids(ctx, "id"), ctx.query.get("title")
    space_ids = space_ids or ids(ctx, "space-id")
    fmt = body_format(ctx)
    subtype = choice(ctx, "subtype", ("live", "page")) if kind == "page" else None

    def items():
        candidates = (wanted_ids or chain.from_iterable(inst.content_by_space.get(s, ()) for s in space_ids)
                      if wanted_ids or space_ids else inst.contents)
        for item in visible_items(inst, user, inst.contents, candidates, wanted_statuses):
            if item.type == kind and (title is None or item.title == title) and subtype != "live" \
                    and not (root_only and item.parent_id):
                yield item

    key = ("content", kind, user_key(ctx), wanted_statuses, wanted_ids, space_ids, title, subtype, root_only)
    ordered = ordered_cached(inst, key, items, sort_name)
    return page_of(ctx, ordered, descending, lambda i: ser.content(inst, inst.contents[i], fmt))


def list_pages(ctx):
    return _content_list(ctx, "page")


def list_blogposts(ctx):
    return _content_list(ctx, "blogpost")


def _space(ctx):
    return visible(ctx, ctx.instance.spaces, ctx.path_params["id"], "space")


def space_pages(ctx):
    root_only = choice(ctx, "depth", ("all", "root"), "all") == "root"
    return _content_list(ctx, "page", (_space(ctx).id,), root_only)


def space_blogposts(ctx):
    return _content_list(ctx, "blogpost", (_space(ctx).id,))


def _typed(ctx, kind: str, item_id: str | None = None):
    item_id = item_id or ctx.path_params["id"]
    allowed = ("current", "archived", "trashed", "deleted", "historical", "draft")
    wanted = statuses(ctx, allowed, ("current", "archived")) if kind in ("page", "blogpost") \
        else ("current", "archived")
    item = visible(ctx, ctx.instance.contents, item_id, kind, wanted)
    if item.type != kind:
        raise not_found(kind, item_id)
    return item


def _single(ctx, kind: str):
    inst = ctx.instance
    item = _typed(ctx, kind)
    fmt = body_format(ctx, single=True)
    out = ser.content(inst, item, fmt, ctx.wiki_base, single=True)
    requested = ctx.query.get("version")
    if requested:   # metadata of that version; the emulator keeps only the latest body (deviation)
        match = [v for v in item.versions if str(v.number) == requested]
        if not match:
            raise not_found(f"{kind} version", requested)
        out["version"] = ser.version(match[0])
    base = f"/api/v2/{'pages' if kind == 'page' else 'blogposts'}/{item.id}"
    if not flag(ctx, "include-version", True):
        out.pop("version", None)
    if flag(ctx, "include-labels"):
        labels = [ser.label(inst.labels[i]) for i in item.labels]
        out["labels"] = ser.embedded(labels[:EMBED_LIMIT], f"{base}/labels", len(labels) > EMBED_LIMIT)
    if flag(ctx, "include-versions"):
        # Each version names its page with the body in the asked format (cloud__v2-page-by-id__1); the
        # emulator keeps only the latest body (deviation, README).
        owner = {"id": item.id, "title": item.title, "body": ser.body(item.body, fmt)}
        key = "page" if kind == "page" else "blogpost"
        versions = [{**ser.version(v), key: owner} for v in reversed(item.versions)]
        out["versions"] = ser.embedded(versions[:EMBED_LIMIT], f"{base}/versions", len(versions) > EMBED_LIMIT)
    for name in ("properties", "collaborators"):
        if flag(ctx, f"include-{name}"):
            out[name] = ser.embedded([], f"{base}/{name}")
    if flag(ctx, "include-likes"):   # `self` ends in /likes/users and meta counts them (cloud__v2-page-by-id__1)
        out["likes"] = ser.embedded([], f"{base}/likes/users")
        out["likes"]["meta"]["count"] = 0
    if flag(ctx, "include-operations"):
        out["operations"] = ser.embedded([{"operation": "read", "targetType": kind}], f"{base}/operations")
    if flag(ctx, "include-favorited-by-current-user-status"):
        out["isFavoritedByCurrentUser"] = False
    if flag(ctx, "include-direct-children") and kind == "page":
        children = [ser.direct_child(c) for c in _children(ctx, item.id)]
        out["directChildren"] = ser.embedded(children[:EMBED_LIMIT], f"{base}/direct-children",
                                             len(children) > EMBED_LIMIT)
    return JSONResponse(out)


def get_page(ctx):
    return _single(ctx, "page")


def get_blogpost(ctx):
    return _single(ctx, "blogpost")


def get_cloud_object(ctx):
    kind = CLOUD_OBJECTS[ctx.route.template.split("/")[4]]
    return JSONResponse(ser.cloud_object(ctx.instance, _typed(ctx, kind), ctx.wiki_base))


def _container(ctx):
    """The page, blog post or Cloud-only object named by the path (`/pages/{id}/…` etc.)."""
    segment = ctx.route.template.split("/")[4]
    kind = {"pages": "page", "blogposts": "blogpost"}.get(segment) or CLOUD_OBJECTS[segment]
    return _typed(ctx, kind)


def versions(ctx):
    item = _container(ctx)
    sort_name, descending = sort(ctx, ("modified-date",), "-modified-date")
    by_number = {str(v.number): v for v in item.versions}
    ordered = SortedIds([((v.number,), str(v.number)) for v in item.versions])
    return page_of(ctx, ordered, descending, lambda n: ser.page_version(item, by_number[n]))


def ancestors(ctx):
    """Top-down; the `limit` nearest ancestors, no cursor (spec: re-ask with the first one)."""
    item = _container(ctx)
    limit = int(ctx.query.get("limit") or 25)
    if not 1 <= limit <= 250:
        raise ApiError(400, f"'limit' must be between 1 and 250, got {limit}")
    chain_ = [a for a in ctx.instance.ancestors(item) if ctx.instance.visible_to(ctx.user, a)]
    return JSONResponse({"results": [ser.ancestor(a) for a in chain_[-limit:]],
                         "_links": {"base": ctx.wiki_base}})


def _children(ctx, parent_id: str, pages_only: bool = False):
    inst = ctx.instance
    for child in visible_items(inst, ctx.user, inst.contents, inst.children.get(parent_id, ()),
                               ("current", "archived")):
        if not pages_only or child.type == "page":
            yield child


def _by_position(items) -> SortedIds:
    return SortedIds([((item.position or 0, int(item.id)), item.id) for item in items])


def children(ctx):
    """Deprecated `/pages/{id}/children`: child pages only."""
    item = _container(ctx)
    ordered = _by_position(_children(ctx, item.id, pages_only=True))
    return page_of(ctx, ordered, False, lambda i: ser.child_page(ctx.instance.contents[i]))


def direct_children(ctx):
    item = _container(ctx)
    ordered = _by_position(_children(ctx, item.id))
    return page_of(ctx, ordered, False, lambda i: ser.direct_child(ctx.instance.contents[i]))


def descendants_list(ctx):
    inst = ctx.instance
    item = _container(ctx)
    depth = int(ctx.query.get("depth") or 2)
    if not 1 <= depth <= 10:
        raise ApiError(400, f"'depth' must be between 1 and 10, got {depth}")
    found = [(cid, d) for cid, d in descendants(inst, item.id, depth)
             if inst.listable(ctx.user, inst.contents[cid])]
    depth_of = dict(found)
    ordered = SortedIds([((n,), cid) for n, (cid, _) in enumerate(found)])
    return page_of(ctx, ordered, False, lambda i: ser.descendant(inst.contents[i], depth_of[i]))


def convert_ids_to_types(ctx):
    inst = ctx.instance
    requested = (ctx.json() or {}).get("contentIds") or []
    if not isinstance(requested, list) or not requested:
        raise ApiError(400, "'contentIds' must be a non-empty list")
    results = {}
    for raw in requested:
        item = inst.find(str(raw))
        if item is None or not inst.listable(ctx.user, item) or hasattr(item, "key"):
            continue
        if hasattr(item, "location"):
            results[str(raw)] = f"{item.location}-comment"
        elif hasattr(item, "media_type"):
            results[str(raw)] = "attachment"
        else:
            results[str(raw)] = item.type
    return JSONResponse({"results": results})


def _routes():
    routes = [
        Route("GET", f"{PREFIX}/pages", list_pages, "v2", spec("/pages")),
        Route("GET", f"{PREFIX}/pages/{{id}}", get_page, "v2", spec("/pages/{id}")),
        Route("GET", f"{PREFIX}/spaces/{{id}}/pages", space_pages, "v2", spec("/spaces/{id}/pages")),
        Route("GET", f"{PREFIX}/blogposts", list_blogposts, "v2", spec("/blogposts")),
        Route("GET", f"{PREFIX}/blogposts/{{id}}", get_blogpost, "v2", spec("/blogposts/{id}")),
        Route("GET", f"{PREFIX}/spaces/{{id}}/blogposts", space_blogposts, "v2", spec("/spaces/{id}/blogposts")),
        Route("GET", f"{PREFIX}/pages/{{id}}/versions", versions, "v2", spec("/pages/{id}/versions")),
        Route("GET", f"{PREFIX}/blogposts/{{id}}/versions", versions, "v2", spec("/blogposts/{id}/versions")),
        Route("GET", f"{PREFIX}/pages/{{id}}/children", children, "v2", spec("/pages/{id}/children")),
        Route("POST", f"{PREFIX}/content/convert-ids-to-types", convert_ids_to_types, "v2",
              spec("/content/convert-ids-to-types", "post")),
    ]
    for segment in ("pages", *CLOUD_OBJECTS):
        routes += [
            Route("GET", f"{PREFIX}/{segment}/{{id}}/ancestors", ancestors, "v2", spec(f"/{segment}/{{id}}/ancestors")),
            Route("GET", f"{PREFIX}/{segment}/{{id}}/direct-children", direct_children, "v2",
                  spec(f"/{segment}/{{id}}/direct-children")),
            Route("GET", f"{PREFIX}/{segment}/{{id}}/descendants", descendants_list, "v2",
                  spec(f"/{segment}/{{id}}/descendants")),
        ]
    routes += [Route("GET", f"{PREFIX}/{segment}/{{id}}", get_cloud_object, "v2", spec(f"/{segment}/{{id}}"))
               for segment in CLOUD_OBJECTS]
    return routes


ROUTES = _routes()
