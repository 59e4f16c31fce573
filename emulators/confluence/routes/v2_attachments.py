"""v2 attachments (confluence-api.md §5): site-wide, per page / blog post, and by id."""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

from ..errors import not_found
from ..queries import ordered, ordered_cached, visible_items
from ..routing import Route
from ..serializers import v2 as ser
from .v2_common import PREFIX, page_of, sort, spec, statuses, user_key, visible
from .v2_pages import _typed

ATTACHMENT_SORTS = ("created-date", "modified-date")
ATTACHMENT_STATUSES = ("current", "archived", "trashed")


def _filters(ctx):
    wanted = statuses(ctx, ATTACHMENT_STATUSES, ("current", "archived"))
    return wanted, ctx.query.get("mediaType"), ctx.query.get("filename")


def _matches(attachment, media_type, filename) -> bool:
    return (media_type is None or attachment.media_type == media_type) and \
        (filename is None or attachment.title == filename)


def list_attachments(ctx):
    inst = ctx.instance
    wanted, media_type, filename = _filters(ctx)
    sort_name, descending = sort(ctx, ATTACHMENT_SORTS, "created-date")

    def items():
        return (a for a in visible_items(inst, ctx.user, inst.attachments, inst.attachments, wanted)
                if _matches(a, media_type, filename))

    key = ("attachments", user_key(ctx), wanted, media_type, filename)
    sorted_ids = ordered_cached(inst, key, items, sort_name)
    return page_of(ctx, sorted_ids, descending, lambda i: ser.attachment(inst, inst.attachments[i]),
                   kind="attachments")


def container_attachments(ctx):
    inst = ctx.instance
    kind = "page" if ctx.route.template.startswith(f"{PREFIX}/pages/") else "blogpost"
    container = _typed(ctx, kind)
    wanted, media_type, filename = _filters(ctx)
    sort_name, descending = sort(ctx, ATTACHMENT_SORTS, "created-date")
    items = [a for a in visible_items(inst, ctx.user, inst.attachments,
                                      inst.attachments_by_container.get(container.id, ()), wanted)
             if _matches(a, media_type, filename)]
    return page_of(ctx, ordered(items, sort_name), descending,
                   lambda i: ser.attachment(inst, inst.attachments[i]), kind="attachments")


def get_attachment(ctx):
    raw = ctx.path_params["id"]
    attachment_id = raw if raw.startswith("att") else f"att{raw}"   # spec pattern (att)?[0-9]+
    attachment = visible(ctx, ctx.instance.attachments, attachment_id, "attachment")
    out = ser.attachment(ctx.instance, attachment, ctx.wiki_base)
    requested = ctx.query.get("version")
    if requested:
        match = [v for v in attachment.versions if str(v.number) == requested]
        if not match:
            raise not_found("attachment version", requested)
        out["version"] = ser.version(match[0])
    return JSONResponse(out)


ROUTES = [
    Route("GET", f"{PREFIX}/attachments", list_attachments, "v2", spec("/attachments")),
    Route("GET", f"{PREFIX}/pages/{{id}}/attachments", container_attachments, "v2", spec("/pages/{id}/attachments")),
    Route("GET", f"{PREFIX}/blogposts/{{id}}/attachments", container_attachments, "v2",
          spec("/blogposts/{id}/attachments")),
    Route("GET", f"{PREFIX}/attachments/{{id}}", get_attachment, "v2", spec("/attachments/{id}")),
]
