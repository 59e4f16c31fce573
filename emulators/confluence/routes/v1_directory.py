"""v1 users, groups, global labels, audit and site info, shared by Cloud and Data Center.

Cloud identifies users by accountId, Data Center by username/userKey (§6.1, §11).
"""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

from ..cql import CqlContext, CqlError, parse, search
from ..errors import ApiError
from ..search_index import CQL_400_PREFIX, caller_timezone
from ..serializers.v1 import V1Writer, iso, millis
from .v1_content import offset_page

USER_BULK_MAX = 100


def _find_user(ctx):
    inst = ctx.instance
    if ctx.mode == "datacenter":
        username, key = ctx.query.get("username"), ctx.query.get("key")
        found = next((u for u in inst.users.values() if (username and u.username == username)
                      or (key and u.user_key == key)), None)
        wanted = username or key
    else:
        wanted = ctx.query.get("accountId")
        found = inst.users.get(wanted or "")
    if not wanted:
        raise ApiError(400, "com.atlassian.confluence.api.service.exceptions.BadRequestException: "
                            "A user identifier is required")
    if found is None:
        raise ApiError(404, f"No user found with identifier: {wanted}")
    return found


def user_get(ctx):
    return JSONResponse(V1Writer(ctx).user(_find_user(ctx)))


def user_current(ctx):
    body = V1Writer(ctx).user(ctx.user)
    if ctx.mode != "datacenter":
        body["timeZone"] = caller_timezone(ctx)   # the zone CQL dates are read in (§7)
    return JSONResponse(body)


def user_bulk(ctx):
    """At most 100 accountIds; extra ones are ignored (spec-v1)."""
    wanted = ctx.query.getlist("accountId")[:USER_BULK_MAX]
    users = [ctx.instance.users[a] for a in wanted if a in ctx.instance.users]
    writer = V1Writer(ctx)
    return JSONResponse({"results": [writer.user(u) for u in users], "start": 0, "limit": USER_BULK_MAX,
                         "size": len(users), "_links": {"base": ctx.wiki_base, "context": ctx.context_path}})


def user_list(ctx):
    """DC `/rest/api/user/list`: every user, disabled ones too (§11)."""
    users = sorted(ctx.instance.users.values(), key=lambda u: u.username)
    return offset_page(ctx, users, V1Writer(ctx).user, "default")


def user_memberof(ctx):
    user = _find_user(ctx)
    groups = [g for g in ctx.instance.groups.values() if user.account_id in g.members]
    return offset_page(ctx, sorted(groups, key=lambda g: g.name), V1Writer(ctx).group, "group")


class _UserAccessor:
    def __init__(self, is_dc: bool):
        self.is_dc = is_dc

    def values(self, user, field):
        ident = user.username if self.is_dc else user.account_id
        return {"type": ["user"], "user": [ident], "user.fullname": [user.display_name],
                "user.accountid": [user.account_id], "id": [user.account_id]}.get(field, [])

    def last_modified_at(self, user):
        return None

    def is_indexed(self, user):
        return True

    def is_visible_to(self, user, viewer):
        return user.account_status == "active" or self.is_dc


def search_user(ctx):
    """`/search/user?cql=type=user` (offset, §6.1): user, user.fullname, user.accountid clauses."""
    cql = ctx.query.get("cql") or ""
    try:
        query = parse(cql)
        users = search(query, list(ctx.instance.users.values()), _UserAccessor(ctx.mode == "datacenter"),
                       CqlContext(now_utc=ctx.instance.clock.now, user_timezone=caller_timezone(ctx),
                                  current_user=ctx.user.account_id if ctx.user else None))
    except CqlError as error:
        raise ApiError(400, f"{CQL_400_PREFIX}{cql} ({error})") from None
    writer = V1Writer(ctx)
    return offset_page(ctx, users, writer.user_search_result, "search",
                       extra={"totalSize": len(users), "cqlQuery": cql, "searchDuration": 1})


def group_list(ctx):
    groups = sorted(ctx.instance.groups.values(), key=lambda g: g.name)
    return offset_page(ctx, groups, V1Writer(ctx).group, "group")


def _members(ctx, group):
    inst = ctx.instance
    users = [inst.users[a] for a in group.members if a in inst.users]
    return offset_page(ctx, users, V1Writer(ctx).user, "member")


def group_members_by_id(ctx):
    group = ctx.instance.groups.get(ctx.path_params["groupId"])
    if group is None:
        raise ApiError(404, f"No group found with id: {ctx.path_params['groupId']}")
    return _members(ctx, group)


def group_members_by_name(ctx):
    """DC `/group/{groupName}/member`: admin only (§11)."""
    _require_admin(ctx)
    name = ctx.path_params["groupName"]
    group = next((g for g in ctx.instance.groups.values() if g.name == name), None)
    if group is None:
        raise ApiError(404, f"No group found with name: {name}")
    return _members(ctx, group)


def label_list(ctx):
    """Global labels: `name` narrows to one label (`LabelDetails`-like), else all labels."""
    inst = ctx.instance
    writer = V1Writer(ctx)
    name = ctx.query.get("name")
    if name:
        label = next((l for l in inst.labels.values() if l.name == name), None)
        if label is None:
            raise ApiError(404, f"No label found with name: {name}")
        items = [inst.find(i) for i in inst.items_by_label.get(label.id, [])]
        items = [i for i in items if i is not None and not hasattr(i, "key") and inst.listable(ctx.user, i)]
        return JSONResponse({"label": writer.label(label), "associatedContents": {
            "results": [{"contentType": writer.content_type(i), "contentId": int(i.id.lstrip("at")),
                         "title": writer.title(i)} for i in items],
            "start": 0, "limit": 200, "size": len(items)}})
    labels = sorted(inst.labels.values(), key=lambda l: (l.name, l.prefix))
    return offset_page(ctx, labels, writer.label, "label")


def _require_admin(ctx):
    if ctx.user is None or not ctx.user.is_admin:
        raise ApiError(403, "com.atlassian.confluence.api.service.exceptions.PermissionException: "
                            "User is not permitted to perform this operation")


def audit(ctx):
    _require_admin(ctx)
    inst, writer = ctx.instance, V1Writer(ctx)
    records = sorted(inst.audit, key=lambda r: r.created_at, reverse=True)

    def render(record):
        author = inst.users.get(record.author_id)
        return {"author": {"type": "user", "displayName": author.display_name if author else "",
                           "operations": None, "isExternalCollaborator": False,
                           "accountId": record.author_id, "publicName": author.display_name if author else ""},
                "remoteAddress": record.remote_address, "creationDate": millis(record.created_at),
                "summary": record.summary, "description": "", "category": record.category, "sysAdmin": False,
                "superAdmin": False, "affectedObject": {"name": record.object_name, "objectType": record.object_type},
                "changedValues": [], "associatedObjects": []}
    return offset_page(ctx, records, render, "audit")


def system_info(ctx):
    return JSONResponse({"cloudId": ctx.instance.cloud_id, "commitHash": "emulator", "baseUrl": ctx.wiki_base,
                         "fallbackBaseUrl": ctx.wiki_base, "edition": "standard", "siteTitle": "Emulated Confluence",
                         "defaultLocale": "en_US", "defaultTimeZone": ctx.user_timezone, "microsPerimeter": "commercial"})


def server_information(ctx):
    return JSONResponse({"baseUrl": ctx.wiki_base, "version": "10.0.3", "buildNumber": 10003,
                         "marketplaceBuildNumber": 10003, "buildDate": iso(ctx.instance.clock.now),
                         "displayInfo": {"version": "10.0.3"}})
