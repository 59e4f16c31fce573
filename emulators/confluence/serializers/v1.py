"""v1 wire shapes (Cloud `/wiki/rest/api`, Data Center `/rest/api`): Content, Space, User, Group,
Label, SearchResult (confluence-api.md §4.3, §6.2, §11).

`V1Writer(ctx).content(item, expand)` renders a page, blog post, comment or attachment. `expand`
is the set of dotted paths from `?expand=` (`history.lastUpdated` implies `history`); whatever is
not expanded is listed in `_expandable`, as the real API does.
"""
from __future__ import annotations

import re
import uuid
from functools import lru_cache
from datetime import datetime, timezone
from urllib.parse import quote, quote_plus

from ..model import Attachment, Comment, Content, Group, Label, Space, User

DEFAULT_CONTENT_EXPAND = frozenset({"space", "history", "version"})   # §6.1 "By default ..."
INLINE_CHILDREN_LIMIT = 25
_TAG = re.compile(r"<[^>]+>")


def parse_expand(raw: str | None, prefix: str = "") -> frozenset[str]:
    """`"content.version,content.body.storage"` with prefix "content." → {"version", "body.storage"}."""
    paths = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if prefix:
        paths = [p[len(prefix):] for p in paths if p.startswith(prefix)]
    return frozenset(paths)


@lru_cache(maxsize=4096)  # asked for every field of every item of a page, with the same few expands
def wants(expand: frozenset[str], path: str) -> bool:
    return path in expand or any(p.startswith(path + ".") for p in expand)


@lru_cache(maxsize=65536)  # every version's time is written several times a page (history, lastUpdated, version)
def iso(stamp: datetime) -> str:
    utc = stamp.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def millis(stamp: datetime) -> int:
    return int(stamp.timestamp() * 1000)


def plain_text(storage: str) -> str:
    return " ".join(_TAG.sub(" ", storage).split())


def error_body(status: int, message: str, detail: str | None = None) -> dict:
    """The v1 error envelope (spec-v1 example; RestError in spec-dc)."""
    errors = [{"message": {"translation": detail, "args": []}}] if detail else []
    return {"statusCode": status, "message": message,
            "data": {"authorized": status not in (401, 403), "valid": status != 400,
                     "errors": errors, "successful": False},
            "reason": {400: "Bad Request", 403: "Forbidden", 404: "Not Found"}.get(status, "")}


class V1Writer:
    def __init__(self, ctx):
        self.ctx = ctx
        self.instance = ctx.instance
        self.is_dc = ctx.mode == "datacenter"
        self.base = ctx.wiki_base

    # ── people and places ─────────────────────────────────────────────
    def user(self, user: User | None) -> dict:
        if user is None:
            return {"type": "anonymous", "displayName": "Anonymous", "_links": {}}
        picture = {"path": f"{self.ctx.context_path}/aa-avatar/{user.account_id}", "width": 48,
                   "height": 48, "isDefault": not user.has_profile_picture}
        if self.is_dc:   # DC users: username/userKey (§11), no accountId
            return {"type": "known", "username": user.username, "userKey": user.user_key,
                    "profilePicture": picture, "displayName": user.display_name,
                    "_links": {"self": f"{self.base}/rest/api/user?key={user.user_key}"},
                    "_expandable": {"status": ""}}
        return {"type": "known", "accountId": user.account_id, "accountType": user.account_type,
                "email": user.email, "publicName": user.display_name, "profilePicture": picture,
                "displayName": user.display_name, "timeZone": user.time_zone,
                "isExternalCollaborator": False, "isGuest": False, "locale": "en_US",
                "accountStatus": user.account_status,
                "_expandable": {"operations": "", "personalSpace": ""},
                "_links": {"self": f"{self.base}/rest/api/user?accountId={user.account_id}"}}

    def user_by_id(self, account_id: str | None) -> dict:
        return self.user(self.instance.users.get(account_id) if account_id else None)

    def space(self, space: Space, expand: frozenset[str] = frozenset()) -> dict:
        body = {"id": int(space.id), "key": space.key, "name": space.name, "type": space.type,
                "status": space.status}
        expandable = {}
        for name, value in (("description", lambda: {"plain": {"value": space.description, "representation": "plain",
                                                               "embeddedContent": []}}),
                            ("icon", lambda: {"path": space.icon_path or "/images/logo/default-space-logo.svg",
                                              "width": 48, "height": 48, "isDefault": space.icon_path is None}),
                            ("homepage", lambda: self._homepage(space))):   # rendered only when expanded
            if wants(expand, name):
                body[name] = value()
            else:
                expandable[name] = f"/rest/api/space/{space.key}" if name != "description" else ""
        if self.is_dc:
            body.update(creator=self.user_by_id(space.author_id), creationDate=iso(space.created_at))
        else:
            body["alias"] = space.key   # cloud__v1-space__1
        # DC lists retentionPolicy (datacenter__v1-space__1), Cloud identifiers and roles (cloud__v1-space__1).
        extra = {"retentionPolicy": ""} if self.is_dc else {"identifiers": "", "roles": ""}
        body["_expandable"] = {**expandable, "metadata": "", "operations": "", "permissions": "",
                               "settings": "", "theme": "", "lookAndFeel": "", "history": "", **extra}
        body["_links"] = {"webui": self._space_webui(space), "self": f"{self.base}/rest/api/space/{space.key}"}
        return body

    def _homepage(self, space: Space) -> dict | None:
        page = self.instance.contents.get(space.homepage_id or "")
        return self.content_stub(page) if page else None

    def group(self, group: Group) -> dict:
        body = {"type": "group", "name": group.name, "id": group.id,
                "_links": {"self": f"{self.base}/rest/api/group/by-id?id={group.id}"}}
        if self.is_dc:
            body.pop("id")
            body["_links"]["self"] = f"{self.base}/rest/api/group/{quote(group.name)}"
        return body

    def label(self, label: Label) -> dict:
        return {"prefix": label.prefix, "name": label.name, "id": label.id, "label": label.name}

    def label_array(self, labels: list[Label], item_id: str) -> dict:
        return {"results": [self.label(l) for l in labels], "start": 0, "limit": 200, "size": len(labels),
                "_links": {"self": f"{self.base}/rest/api/content/{item_id}/label"}}

    # ── content ───────────────────────────────────────────────────────
    def content_type(self, item) -> str:
        return "comment" if isinstance(item, Comment) else "attachment" if isinstance(item, Attachment) else item.type

    def title(self, item) -> str:
        if isinstance(item, Comment):
            return "Re: " + self.instance.contents[item.container_id].title
        return item.title

    def webui(self, item) -> str:
        if isinstance(item, Comment):
            return f"{self.webui(self.instance.contents[item.container_id])}?focusedCommentId={item.id}"
        if isinstance(item, Attachment):
            container = self.instance.contents[item.container_id]
            if self.is_dc:
                return f"/pages/viewpageattachments.action?pageId={container.id}&preview=/{container.id}/{item.id}/{quote(item.title)}"
            return f"{self.webui(container)}?preview=" + quote(f"/{container.id}/{item.id}/{item.title}", safe="")
        space = self.instance.spaces[item.space_id]
        if self.is_dc:
            return dc_content_webui(space.key, item)
        slug = quote_plus(item.title)
        if item.type == "blogpost":
            day = item.created_at.astimezone(timezone.utc)
            return f"/spaces/{space.key}/blog/{day:%Y/%m/%d}/{item.id}/{slug}"
        segment = {"page": "pages"}.get(item.type, item.type)
        return f"/spaces/{space.key}/{segment}/{item.id}/{slug}"

    def download(self, attachment: Attachment) -> str:
        version = attachment.version
        api = "" if self.is_dc else "&api=v2"
        return (f"/download/attachments/{attachment.container_id}/{quote(attachment.title)}"
                f"?version={version.number}&modificationDate={millis(version.created_at)}{api}")

    def content_stub(self, item) -> dict:
        """What an ancestor/container/homepage looks like: the bare fields plus links."""
        return {"id": item.id, "type": self.content_type(item), "status": item.status,
                "title": self.title(item), "_expandable": self._expandable_names(item, frozenset()),
                "_links": self._links(item)}

    def content(self, item, expand: frozenset[str] = DEFAULT_CONTENT_EXPAND) -> dict:
        body = {"id": item.id, "type": self.content_type(item), "status": item.status,
                "title": self.title(item)}
        space = self.instance.space_of(item)
        renderers = {
            "space": lambda: self.space(space, _sub(expand, "space")),
            "history": lambda: self.history(item, _sub(expand, "history")),
            "version": lambda: self.version(item, item.version),
            "ancestors": lambda: [self.content_stub(a) for a in self._ancestors(item)],
            "container": lambda: self._container(item, space),
            "body": lambda: self.body(item, _sub(expand, "body")),
            "metadata": lambda: self.metadata(item, _sub(expand, "metadata")),
            "children": lambda: self.children(item, _sub(expand, "children")),
            "extensions": lambda: self.extensions(item, _sub(expand, "extensions")),
            "restrictions": lambda: self.restrictions(item),
        }
        for name, render in renderers.items():
            if wants(expand, name):
                body[name] = render()
        if not self.is_dc:
            body["macroRenderedOutput"] = {}   # Cloud (cloud__v1-content-child-comment__1, cloud__v1-search__1)
        body["_expandable"] = self._expandable_names(item, expand)
        body["_links"] = self._links(item)
        return body

    def _expandable_names(self, item, expand) -> dict:
        names = dict.fromkeys(_not_expanded(expand), "")
        for name, suffix in _CONTENT_LINK_SUFFIXES:
            if name in names:
                names[name] = f"/rest/api/content/{item.id}{suffix}"
        if "space" in names:
            names["space"] = f"/rest/api/space/{self.instance.space_of(item).key}"
        return names

    def _links(self, item) -> dict:
        links = {"webui": self.webui(item)}
        if isinstance(item, Content) and self.is_dc:
            # DC: `edit` (not `editui`) with a draftShareId (datacenter__v1-content-search__4).
            links.update(edit=f"/pages/resumedraft.action?draftId={item.id}&draftShareId={draft_share_id(item.id)}",
                         tinyui=f"/x/{item.id}")
        if isinstance(item, Content) and not self.is_dc:
            links.update(editui=f"/pages/resumedraft.action?draftId={item.id}",
                         edituiv2=f"/spaces/{self.instance.spaces[item.space_id].key}/pages/edit-v2/{item.id}",
                         tinyui=f"/x/{item.id}")
        if isinstance(item, Attachment):
            links["download"] = self.download(item)
        links["self"] = f"{self.base}/rest/api/content/{item.id}"
        return links

    def _ancestors(self, item) -> list:
        if isinstance(item, Comment):   # the parent-comment chain, top first
            chain, parent_id = [], item.parent_id
            while parent_id:
                parent = self.instance.comments[parent_id]
                chain.append(parent)
                parent_id = parent.parent_id
            return chain[::-1]
        if isinstance(item, Attachment):
            container = self.instance.contents[item.container_id]
            return [*self.instance.ancestors(container), container]
        return self.instance.ancestors(item)

    def _container(self, item, space: Space) -> dict:
        if isinstance(item, (Comment, Attachment)):
            return self.content_stub(self.instance.contents[item.container_id])
        return self.space(space)

    def version(self, item, version) -> dict:
        return {"by": self.user_by_id(version.author_id), "when": iso(version.created_at),
                "friendlyWhen": f"{version.created_at:%b %d, %Y}", "message": version.message,
                "number": version.number, "minorEdit": version.minor_edit, "contentTypeModified": False,
                "_expandable": {"collaborators": "", "content": f"/rest/api/content/{item.id}"},
                "_links": {"self": f"{self.base}/rest/api/content/{item.id}/version/{version.number}"}}

    def history(self, item, expand: frozenset[str] = frozenset()) -> dict:
        first = item.versions[0]
        body = {"latest": True, "createdBy": self.user_by_id(first.author_id), "createdDate": iso(first.created_at)}
        if isinstance(item, Content) and not self.is_dc:
            body["ownedBy"] = self.user_by_id(item.owner_id or item.author_id)
        if wants(expand, "lastUpdated"):
            body["lastUpdated"] = self.version(item, item.version)
        if wants(expand, "previousVersion") and len(item.versions) > 1:
            body["previousVersion"] = self.version(item, item.versions[-2])
        if wants(expand, "contributors"):
            authors = list(dict.fromkeys(v.author_id for v in item.versions))
            key = "userKeys" if self.is_dc else "userAccountIds"
            body["contributors"] = {"publishers": {"users": [self.user_by_id(a) for a in authors], key: authors}}
        body["_expandable"] = {k: "" for k in ("lastUpdated", "previousVersion", "contributors", "nextVersion")
                               if k not in body}
        body["_links"] = {"self": f"{self.base}/rest/api/content/{item.id}/history"}
        return body

    def body(self, item, expand: frozenset[str]) -> dict:
        storage = getattr(item, "body", "") or ""
        representations = {"storage": lambda: storage, "view": lambda: self.render_view(storage)}
        body = {}
        for name, value in representations.items():   # rendered only when expanded
            if wants(expand, name):
                body[name] = {"value": value(), "representation": name, "embeddedContent": [],
                              "_expandable": {"content": f"/rest/api/content/{item.id}"}}
                if name == "view" and not self.is_dc:   # cloud__v1-content-child-comment__1
                    del body[name]["embeddedContent"]
                    body[name]["_expandable"] = {"webresource": "", "embeddedContent": "", "mediaToken": "",
                                                 "content": f"/rest/api/content/{item.id}"}
        body["_expandable"] = {k: "" for k in ("editor", "atlas_doc_format", "view", "export_view",
                                                "styled_view", "dynamic", "storage", "editor2",
                                                "anonymous_export_view") if k not in body}
        return body

    @staticmethod
    def render_view(storage: str) -> str:
        """A plausible `view`: storage macros dropped, plain XHTML kept."""
        html = re.sub(r"<ac:structured-macro[^>]*>.*?</ac:structured-macro>", "", storage, flags=re.S)
        html = re.sub(r"</?(ac|ri):[^>]*>", "", html)
        return html

    def metadata(self, item, expand: frozenset[str]) -> dict:
        body: dict = {}
        if wants(expand, "labels"):
            labels = [self.instance.labels[i] for i in getattr(item, "labels", [])]
            body["labels"] = self.label_array(labels, item.id)
        if isinstance(item, Attachment):
            body["mediaType"] = item.media_type
            if item.comment:
                body["comment"] = item.comment
        body["_expandable"] = {k: "" for k in ("currentuser", "comments", "simple", "properties", "frontend", "labels",
                                                "likes") if k not in body}
        return body

    def children(self, item, expand: frozenset[str]) -> dict:
        body: dict = {}
        kinds = {"attachment": self.instance.attachments_by_container, "comment": self.instance.comments_by_container,
                 "page": self.instance.children}
        for kind, index in kinds.items():
            if not wants(expand, kind):
                continue
            table = {"attachment": self.instance.attachments, "comment": self.instance.comments,
                     "page": self.instance.contents}[kind]
            members = [table[i] for i in index.get(item.id, ()) if i in table
                       and self.instance.listable(self.ctx.user, table[i])
                       and (kind != "comment" or not table[i].parent_id)
                       and (kind != "page" or table[i].type == "page")]
            shown = members[:INLINE_CHILDREN_LIMIT]
            links = {"self": f"{self.base}/rest/api/content/{item.id}/child/{kind}"}
            if len(members) > len(shown):
                links["next"] = f"/rest/api/content/{item.id}/child/{kind}?limit={INLINE_CHILDREN_LIMIT}&start={len(shown)}"
            body[kind] = {"results": [self.content(m, frozenset()) for m in shown], "start": 0,
                          "limit": INLINE_CHILDREN_LIMIT, "size": len(shown), "_links": links}
        body["_expandable"] = {k: f"/rest/api/content/{item.id}/child/{k}" for k in ("attachment", "comment", "page")
                               if k not in body}
        body["_links"] = {"self": f"{self.base}/rest/api/content/{item.id}/child"}
        return body

    def extensions(self, item, expand: frozenset[str]) -> dict:
        if isinstance(item, Attachment):
            return {"mediaType": item.media_type, "fileSize": item.file_size, "comment": item.comment}
        if isinstance(item, Comment):
            body: dict = {"location": item.location}
            if wants(expand, "inlineProperties") and item.location == "inline":
                body["inlineProperties"] = {"markerRef": item.marker_ref or "",
                                            "originalSelection": item.original_selection or ""}
            if wants(expand, "resolution") and item.location == "inline":
                body["resolution"] = {"status": item.resolution_status or "open",
                                      "lastModifier": self.user_by_id(item.resolution_modifier_id),
                                      "lastModifiedDate": iso(item.resolution_modified_at or item.version.created_at)}
            body["_expandable"] = {k: "" for k in ("inlineProperties", "resolution") if k not in body}
            return body
        return {"position": item.position}

    def restrictions(self, item) -> dict:
        """read + update restrictions (users and groups); an item in `restrictions_hidden` gets no
        `read` block, only `_expandable` (an expansion the server did not honour)."""
        target = item if isinstance(item, Content) else self.instance.contents[item.container_id]
        base = f"{self.base}/rest/api/content/{item.id}/restriction/byOperation"

        def operation(name: str, account_ids, group_ids) -> dict:
            users = [self.user_by_id(a) for a in account_ids]
            groups = [self.group(self.instance.groups[g]) for g in group_ids if g in self.instance.groups]
            return {"operation": name, "restrictions": {
                "user": {"results": users, "start": 0, "limit": 200, "size": len(users)},
                "group": {"results": groups, "start": 0, "limit": 200, "size": len(groups)}},
                "_expandable": {"content": f"/rest/api/content/{item.id}"},
                "_links": {"self": f"{base}/{name}"}}
        body: dict = {"_links": {"self": base}}
        if target.id in self.instance.restrictions_hidden:
            body["_expandable"] = {"read": f"/rest/api/content/{item.id}/restriction/byOperation/read"}
        else:
            body["read"] = operation("read", target.restricted_to, target.restricted_groups)
        body["update"] = operation("update", target.edit_users, target.edit_groups)
        return body

    # ── /search wrapper ───────────────────────────────────────────────
    def search_result(self, item, expand: frozenset[str]) -> dict:
        space = self.instance.space_of(item)
        if isinstance(item, Space):
            return {"space": self.space(item, _sub(expand, "space")), "title": item.name, "excerpt": "",
                    "url": self._space_webui(item), "breadcrumbs": [], "entityType": "space",
                    "iconCssClass": "aui-icon content-type-space", "lastModified": iso(item.created_at),
                    "friendlyLastModified": f"{item.created_at:%b %d, %Y}", "score": 0.0}
        content_expand = _sub(expand, "content")
        content = self.content(item, content_expand)
        # A search result's content carries empty childTypes and restrictions (cloud__v1-search__1, __2).
        content.setdefault("childTypes", {})
        if "restrictions" not in content:
            content["restrictions"] = {}
            content["_expandable"].pop("restrictions", None)
        content["_expandable"].pop("childTypes", None)
        return {"content": content, "title": self.title(item),
                "excerpt": plain_text(getattr(item, "body", "") or "")[:150], "url": self.webui(item),
                "resultGlobalContainer": {"title": space.name, "displayUrl": self._space_webui(space)},
                "breadcrumbs": [], "entityType": "content",
                "iconCssClass": f"aui-icon content-type-{self.content_type(item)}",
                "lastModified": iso(item.last_modified_at),
                "friendlyLastModified": f"{item.last_modified_at:%b %d, %Y}", "score": 0.0}

    def user_search_result(self, user: User) -> dict:
        return {"user": self.user(user), "title": user.display_name, "excerpt": "", "url": "",
                "breadcrumbs": [], "entityType": "user", "iconCssClass": "aui-icon content-type-profile",
                "lastModified": iso(self.instance.clock.now), "score": 0.0}

    def _space_webui(self, space: Space) -> str:
        return f"/display/{space.key}" if self.is_dc else f"/spaces/{space.key}"


# Characters Data Center keeps out of `/display/KEY/Title` links; such titles get viewpage.action.
_DISPLAY_SAFE = re.compile(r"^[A-Za-z0-9 ._-]+$")


def dc_content_webui(space_key: str, item) -> str:
    """DC web links: `/display/KEY/Title+Words` for a page (datacenter__v1-content-search__1, __4),
    `/display/KEY/YYYY/MM/DD/Title` for a blog post, `/pages/viewpage.action?pageId=N` when the title
    holds characters a display path cannot (and for what is not current, as in
    datacenter__v1-content-by-id-historical__1)."""
    if item.status != "current" or not _DISPLAY_SAFE.match(item.title or ""):
        return f"/pages/viewpage.action?pageId={item.id}"
    if item.type == "blogpost":
        return f"/display/{space_key}/{item.created_at.astimezone(timezone.utc):%Y/%m/%d}/{quote_plus(item.title)}"
    return f"/display/{space_key}/{quote_plus(item.title)}"


def draft_share_id(content_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"draft-share/{content_id}"))


_EXPANDABLE = ("childTypes", "container", "metadata", "operations", "schedulePublishDate", "schedulePublishInfo",
               "children", "restrictions", "history", "ancestors", "body", "version", "descendants", "space", "extensions")


_CONTENT_LINK_SUFFIXES = (("history", "/history"), ("children", "/child"), ("descendants", "/descendant"),
                          ("restrictions", "/restriction/byOperation"))


@lru_cache(maxsize=1024)
def _not_expanded(expand: frozenset[str]) -> tuple[str, ...]:
    """The content fields `_expandable` lists for this `expand`, in the real API's order."""
    return tuple(name for name in _EXPANDABLE if not wants(expand, name))


@lru_cache(maxsize=4096)
def _sub(expand: frozenset[str], prefix: str) -> frozenset[str]:
    return frozenset(p[len(prefix) + 1:] for p in expand if p.startswith(prefix + "."))
