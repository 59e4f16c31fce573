"""The model as CQL sees it: a CqlItemAccessor over model.Instance, and one `cql_search()` the v1
and DC routes share (CQL 400s, caller time zone, permissions, index lag, result caching).
"""
from __future__ import annotations

import re

from .cql import CqlContext, CqlError, parse, search
from .errors import ApiError
from .model import Attachment, Comment, Content, Instance, Space

_MENTION = re.compile(r'ri:(?:account-id|username)="([^"]+)"')
_MACRO = re.compile(r'<ac:structured-macro[^>]*ac:name="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")
CQL_400_PREFIX = "com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not parse cql : "


class ModelAccessor:
    """USER fields answer accountIds on Cloud and usernames on Data Center (§7, §11)."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.is_dc = instance.mode == "datacenter"

    def _user(self, account_id: str | None) -> list[str]:
        user = self.instance.users.get(account_id or "")
        if user is None:
            return []
        return [user.username if self.is_dc else user.account_id]

    def values(self, item, field: str):
        inst = self.instance
        if isinstance(item, Space):
            return {"id": [item.id], "type": ["space"], "space": [item.key], "space.key": [item.key],
                    "title": [item.name], "text": [item.name, item.description], "space.title": [item.name],
                    "space.type": [item.type], "created": [item.created_at],
                    "lastmodified": [item.created_at]}.get(field, [])
        space = inst.space_of(item)
        container = inst.contents.get(getattr(item, "container_id", "")) if not isinstance(item, Content) else None
        if field in ("id", "content"):
            return [item.id]
        if field == "type":
            return ["comment" if isinstance(item, Comment) else "attachment" if isinstance(item, Attachment) else item.type]
        if field == "title":
            return ["Re: " + container.title] if isinstance(item, Comment) else [item.title]
        if field == "text":
            labels = [inst.labels[i].name for i in getattr(item, "labels", [])]
            return [*self.values(item, "title"), _TAG.sub(" ", getattr(item, "body", "") or ""), *labels]
        if field in ("space", "space.key"):
            return [space.key]
        if field == "space.title":
            return [space.name]
        if field == "space.type":
            return [space.type]
        if field == "ancestor":
            if container is not None:
                return [a.id for a in inst.ancestors(container)] + [container.id]
            return [a.id for a in inst.ancestors(item)]
        if field == "parent":
            return [container.id] if container is not None else [item.parent_id] if item.parent_id else []
        if field == "container":
            return [container.id] if container is not None else [space.id]
        if field == "created":
            return [item.created_at if isinstance(item, Content) else item.versions[0].created_at]
        if field == "lastmodified":
            return [item.last_modified_at]
        if field == "creator":
            return self._user(item.versions[0].author_id)
        if field == "contributor":
            return [name for v in item.versions for name in self._user(v.author_id)]
        if field == "mention":
            return _MENTION.findall(getattr(item, "body", "") or "")
        if field == "label":
            labels = [inst.labels[i] for i in getattr(item, "labels", [])]
            return [l.name if l.prefix == "global" else f"{l.prefix}:{l.name}" for l in labels]
        if field == "macro":
            return _MACRO.findall(getattr(item, "body", "") or "")
        return []

    def last_modified_at(self, item):
        return item.created_at if isinstance(item, Space) else item.last_modified_at

    def is_indexed(self, item) -> bool:
        return self.instance.is_indexed(item.id)

    def is_visible_to(self, item, viewer) -> bool:
        if isinstance(item, Space):
            return self.instance.visible_to(viewer, item)
        # Search leaves archived content out (Confluence only finds it with "include archived";
        # assumption, README "## v1, CQL and Data Center").
        container = self.instance.contents.get(getattr(item, "container_id", ""))
        if item.status != "current" or (container is not None and container.status != "current"):
            return False
        return self.instance.listable(viewer, item)


def caller_timezone(ctx) -> str:
    """Zone CQL dates are read in: the configured `--user-timezone` for the demo/admin caller,
    the caller's own profile zone for anyone else (the viewer has its own), else the configured one."""
    user = ctx.user
    if user is None or user.is_admin or not user.time_zone:
        return ctx.user_timezone
    return user.time_zone


def cql_search(ctx, cql: str | None, include_spaces: bool = False) -> list:
    """Every item (content, comments, attachments[, spaces]) the caller may see matching `cql`,
    in result order. Raises ApiError(400) in the v1 envelope for invalid CQL."""
    if not cql:
        raise ApiError(400, CQL_400_PREFIX + "(empty)")
    try:
        query = parse(cql)
    except CqlError as error:
        raise ApiError(400, f"{CQL_400_PREFIX}{cql} ({error})") from None
    inst = ctx.instance
    user = ctx.user
    current = (user.username if inst.mode == "datacenter" else user.account_id) if user else None
    context = CqlContext(now_utc=inst.clock.now, user_timezone=caller_timezone(ctx), current_user=current,
                         viewer=user)

    def compute():
        items = [*inst.contents.values(), *inst.comments.values(), *inst.attachments.values()]
        if include_spaces:
            items.extend(inst.spaces.values())
        try:
            return search(query, items, ModelAccessor(inst), context)
        except CqlError as error:
            raise ApiError(400, f"{CQL_400_PREFIX}{cql} ({error})") from None

    if inst.index_lag_seconds:   # visibility moves with wall time: never cache
        return compute()
    key = ("cql", cql, include_spaces, user.account_id if user else None, context.user_timezone, inst.clock.now)
    return inst.cached(key, compute)
