"""v2 footer and inline comments (confluence-api.md §5, §5.1).

Per-container lists return root comments only; replies come from `/{kind}-comments/{id}/children`.
Site-wide `/footer-comments` and `/inline-comments` return every comment, replies included
(assumption: the spec does not say; each item carries its container id and, when a reply,
`parentCommentId`, so a connector can rebuild threads from one walk).
"""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

from ..errors import not_found
from ..queries import ordered, ordered_cached, visible_items
from ..routing import Route
from ..serializers import v2 as ser
from .v2_common import PREFIX, body_format, csv, page_of, sort, spec, statuses, user_key, visible
from .v2_pages import _typed

COMMENT_SORTS = ("created-date", "modified-date")
COMMENT_STATUSES = ("current", "archived", "trashed", "deleted", "historical", "draft")
RESOLUTIONS = ("open", "resolved", "reopened", "dangling")


def _location(ctx) -> str:
    return "inline" if "/inline-comments" in ctx.route.template else "footer"


def container_comments(ctx):
    """`/pages/{id}/footer-comments` & co: root comments of one page or blog post."""
    inst = ctx.instance
    kind = "page" if ctx.route.template.startswith(f"{PREFIX}/pages/") else "blogpost"
    container = _typed(ctx, kind)
    location = _location(ctx)
    wanted = statuses(ctx, COMMENT_STATUSES, ("current",))
    resolutions = csv(ctx, "resolution-status") if location == "inline" else ()
    sort_name, descending = sort(ctx, COMMENT_SORTS, "created-date")
    fmt = body_format(ctx)
    roots = [c for c in visible_items(inst, ctx.user, inst.comments,
                                      inst.comments_by_container.get(container.id, ()), wanted)
             if c.location == location and c.parent_id is None
             and (not resolutions or c.resolution_status in resolutions)]
    return page_of(ctx, ordered(roots, sort_name), descending,
                   lambda i: ser.container_comment(inst, inst.comments[i], fmt))


def all_comments(ctx):
    inst = ctx.instance
    location = _location(ctx)
    sort_name, descending = sort(ctx, COMMENT_SORTS, "created-date")
    fmt = body_format(ctx)

    def items():
        return (c for c in visible_items(inst, ctx.user, inst.comments, inst.comments, ("current",))
                if c.location == location)

    sorted_ids = ordered_cached(inst, ("comments", location, user_key(ctx)), items, sort_name)
    return page_of(ctx, sorted_ids, descending, lambda i: ser.comment(inst, inst.comments[i], fmt))


def _comment(ctx, key: str = "comment-id"):
    comment_id = ctx.path_params.get(key.replace("-", "_")) or ctx.path_params["id"]
    comment = visible(ctx, ctx.instance.comments, comment_id, "comment")
    if comment.location != _location(ctx):
        raise not_found("comment", comment_id)
    return comment


def replies(ctx):
    inst = ctx.instance
    parent = _comment(ctx, "id")
    sort_name, descending = sort(ctx, COMMENT_SORTS, "created-date")
    fmt = body_format(ctx)
    children = list(visible_items(inst, ctx.user, inst.comments, inst.replies.get(parent.id, ()), ("current",)))
    return page_of(ctx, ordered(children, sort_name), descending,
                   lambda i: ser.child_comment(inst, inst.comments[i], fmt))


def get_comment(ctx):
    comment = _comment(ctx)
    out = ser.comment(ctx.instance, comment, body_format(ctx, single=True))
    out["_links"]["base"] = ctx.wiki_base   # single GETs name the base (cloud__v2-footer-comment-by-id__1)
    requested = ctx.query.get("version")
    if requested:
        match = [v for v in comment.versions if str(v.number) == requested]
        if not match:
            raise not_found("comment version", requested)
        out["version"] = ser.version(match[0])
    return JSONResponse(out)


def _routes():
    routes = []
    for location in ("footer", "inline"):
        plural = f"{location}-comments"
        routes += [
            Route("GET", f"{PREFIX}/pages/{{id}}/{plural}", container_comments, "v2", spec(f"/pages/{{id}}/{plural}")),
            Route("GET", f"{PREFIX}/blogposts/{{id}}/{plural}", container_comments, "v2",
                  spec(f"/blogposts/{{id}}/{plural}")),
            Route("GET", f"{PREFIX}/{plural}", all_comments, "v2", spec(f"/{plural}")),
            Route("GET", f"{PREFIX}/{plural}/{{id}}/children", replies, "v2", spec(f"/{plural}/{{id}}/children")),
            Route("GET", f"{PREFIX}/{plural}/{{comment-id}}".replace("{comment-id}", "{comment_id}"), get_comment,
                  "v2", spec(f"/{plural}/{{comment-id}}")),
        ]
    return routes


ROUTES = _routes()
