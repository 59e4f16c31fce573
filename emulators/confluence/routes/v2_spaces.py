"""v2 spaces, labels and users (confluence-api.md §5)."""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

from ..errors import ApiError, not_found
from ..queries import SortedIds, numeric_id, ordered, ordered_cached, visible_items
from ..routing import Route
from ..serializers import v2 as ser
from .v2_common import (PREFIX, body_format, choice, csv, flag, ids, page_of, sort, spec, statuses,
                        user_key, visible)

SPACE_SORTS = ("id", "key", "name")
SPACE_TYPES = ("global", "collaboration", "knowledge_base", "personal", "system", "onboarding",
               "xflow_sample_space")
LABEL_SORTS = ("created-date", "id", "name")
LABEL_PREFIXES = ("my", "team", "global", "system")


def list_spaces(ctx):
    inst, user = ctx.instance, ctx.user
    wanted_ids, keys, kinds = ids(ctx, "ids"), csv(ctx, "keys"), csv(ctx, "type")
    wanted = statuses(ctx, ("current", "archived"), ("current", "archived"))
    label_names = csv(ctx, "labels")
    sort_name, descending = sort(ctx, SPACE_SORTS)
    description_format = choice(ctx, "description-format", ("plain", "view"))
    include_icon = flag(ctx, "include-icon")
    for kind in kinds:
        if kind not in SPACE_TYPES:
            raise ApiError(400, f"Provided value {{{kind}}} for 'type' is not valid")

    def items():
        for space in inst.spaces.values():
            if space.status in wanted and inst.visible_to(user, space) \
                    and (not wanted_ids or space.id in wanted_ids) and (not keys or space.key in keys) \
                    and (not kinds or space.type in kinds) \
                    and (not label_names or any(inst.labels[i].name in label_names for i in space.labels)):
                yield space

    key = ("spaces", user_key(ctx), wanted_ids, keys, kinds, wanted, label_names)
    sorted_ids = ordered_cached(inst, key, items, sort_name)
    return page_of(ctx, sorted_ids, descending,
                   lambda i: ser.space(inst, inst.spaces[i], description_format, include_icon))


def get_space(ctx):
    space = visible(ctx, ctx.instance.spaces, ctx.path_params["id"], "space")
    return JSONResponse(ser.space(ctx.instance, space, choice(ctx, "description-format", ("plain", "view")),
                                  flag(ctx, "include-icon"), single=True, wiki_base=ctx.wiki_base))


def _label_page(ctx, label_ids):
    inst = ctx.instance
    prefixes = csv(ctx, "prefix")
    for prefix in prefixes:
        if prefix not in LABEL_PREFIXES:
            raise ApiError(400, f"Provided value {{{prefix}}} for 'prefix' is not valid")
    sort_name, descending = sort(ctx, LABEL_SORTS, "id")
    labels = [inst.labels[i] for i in label_ids if not prefixes or inst.labels[i].prefix in prefixes]
    return page_of(ctx, ordered(labels, sort_name), descending, lambda i: ser.label(inst.labels[i]))


def list_labels(ctx):
    inst = ctx.instance
    wanted = ids(ctx, "label-id")
    return _label_page(ctx, [i for i in (wanted or inst.labels) if i in inst.labels])


def item_labels(ctx):
    """Labels of one page, blog post, attachment or space."""
    inst = ctx.instance
    segment = ctx.route.template.split("/")[4]
    item_id = ctx.path_params["id"]
    table = {"pages": inst.contents, "blogposts": inst.contents, "attachments": inst.attachments,
             "spaces": inst.spaces}[segment]
    item = visible(ctx, table, item_id, segment[:-1])
    kind = {"pages": "page", "blogposts": "blogpost"}.get(segment)
    if kind and item.type != kind:
        raise not_found(kind, item_id)
    if ctx.route.template.endswith("/content/labels"):   # labels of the content inside the space
        found = {label for cid in inst.content_by_space.get(item.id, ())
                 if inst.listable(ctx.user, inst.contents[cid]) for label in inst.contents[cid].labels}
        return _label_page(ctx, sorted(found, key=int))
    return _label_page(ctx, item.labels)


def labelled(ctx):
    """`/labels/{id}/pages|blogposts|attachments`."""
    inst = ctx.instance
    label = inst.labels.get(ctx.path_params["id"])
    if label is None:
        raise not_found("label", ctx.path_params["id"])
    segment = ctx.route.template.rsplit("/", 1)[1]
    space_ids = ids(ctx, "space-id")
    sort_name, descending = sort(ctx, ("id", "created-date", "modified-date", "title"), "id")
    fmt = body_format(ctx)
    if segment == "attachments":
        items = [a for a in visible_items(inst, ctx.user, inst.attachments,
                                          inst.items_by_label.get(label.id, ()), ("current", "archived"))]
        return page_of(ctx, ordered(items, sort_name), descending,
                       lambda i: ser.attachment(inst, inst.attachments[i]))
    kind = "page" if segment == "pages" else "blogpost"
    items = [c for c in visible_items(inst, ctx.user, inst.contents, inst.items_by_label.get(label.id, ()),
                                      ("current", "archived") if kind == "page" else ("current",))
             if c.type == kind and (not space_ids or c.space_id in space_ids)]
    return page_of(ctx, ordered(items, sort_name), descending,
                   lambda i: ser.content(inst, inst.contents[i], fmt))


def users_bulk(ctx):
    account_ids = (ctx.json() or {}).get("accountIds")
    if not isinstance(account_ids, list) or not account_ids:
        raise ApiError(400, "'accountIds' must contain between 1 and 250 account ids")
    if len(account_ids) > 250:
        raise ApiError(400, "'accountIds' must contain between 1 and 250 account ids")
    users = [ctx.instance.users[a] for a in dict.fromkeys(account_ids) if a in ctx.instance.users]
    headers = {"Link": f'<{ctx.wiki_base}>; rel="base"'}
    return JSONResponse({"results": [ser.user(u) for u in users], "_links": {"base": ctx.wiki_base}},
                        headers=headers)


ROUTES = [
    Route("GET", f"{PREFIX}/spaces", list_spaces, "v2", spec("/spaces")),
    Route("GET", f"{PREFIX}/spaces/{{id}}", get_space, "v2", spec("/spaces/{id}")),
    Route("GET", f"{PREFIX}/labels", list_labels, "v2", spec("/labels")),
    *[Route("GET", f"{PREFIX}/{segment}/{{id}}/labels", item_labels, "v2", spec(f"/{segment}/{{id}}/labels"))
      for segment in ("pages", "blogposts", "attachments", "spaces")],
    Route("GET", f"{PREFIX}/spaces/{{id}}/content/labels", item_labels, "v2", spec("/spaces/{id}/content/labels")),
    *[Route("GET", f"{PREFIX}/labels/{{id}}/{segment}", labelled, "v2", spec(f"/labels/{{id}}/{segment}"))
      for segment in ("pages", "blogposts", "attachments")],
    Route("POST", f"{PREFIX}/users-bulk", users_bulk, "v2", spec("/users-bulk", "post")),
]
