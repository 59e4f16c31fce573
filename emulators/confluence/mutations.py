"""Changes to an Instance (contracts §1.5). Each one stamps the emulated clock, which then
advances by one second, and calls `instance.touched(...)` (cache invalidation, index lag).

`apply(instance, op)` takes one control-plane op dict ({"op": "edit", "id": ..}) and returns
{"id": ...}; the typed functions below are usable directly from Python.
"""
from __future__ import annotations

from datetime import datetime

from . import access_mutations
from .model import (Attachment, Comment, Content, Instance, UTC, Version)

ADMIN_NOTE = "emulator mutation"


class MutationError(ValueError):
    """The op cannot be applied (unknown id, bad field); the control plane answers 400."""


def _admin_id(instance: Instance) -> str:
    return next(u.account_id for u in instance.users.values() if u.is_admin)


def _content(instance: Instance, content_id: str) -> Content:
    content = instance.contents.get(str(content_id))
    if content is None:
        raise MutationError(f"no content with id {content_id}")
    return content


def _space_id(instance: Instance, space_key: str) -> str:
    space = instance.space_by_key.get(space_key)
    if space is None:
        raise MutationError(f"no space with key {space_key}")
    return space.id


def create_content(instance: Instance, kind: str, space_key: str, title: str,
                   parent_id: str | None = None, body: str | None = None) -> Content:
    space_id = _space_id(instance, space_key)
    stamp = instance.clock.tick()
    author = _admin_id(instance)
    parent = _content(instance, parent_id) if parent_id else None
    if parent is None and kind == "page":
        parent = instance.contents.get(instance.spaces[space_id].homepage_id or "")
    siblings = instance.children.get(parent.id, []) if parent else []
    content = Content(
        id=str(instance.new_id()), type=kind, status="current", title=title, space_id=space_id,
        parent_id=parent.id if parent else None, parent_type=parent.type if parent else None,
        position=(len(siblings) + 1) * 100 if kind == "page" else None,
        author_id=author, owner_id=author, created_at=stamp,
        versions=[Version(1, stamp, author, "")],
        body=body if body is not None else f"<p>{title}</p>")
    instance.add_content(content)
    instance.touched(content.id)
    return content


def new_version(instance: Instance, item, message: str = "") -> Version:
    stamp = instance.clock.tick()
    version = Version(item.version.number + 1, stamp, _admin_id(instance), message)
    item.versions.append(version)
    return version


def edit(instance: Instance, content_id: str, title: str | None = None,
         body: str | None = None) -> Content:
    content = _content(instance, content_id)
    if title is not None:
        content.title = title
    if body is not None:
        content.body = body
    new_version(instance, content, ADMIN_NOTE)
    instance.touched(content.id)
    return content


def set_status(instance: Instance, content_id: str, status: str) -> Content:
    """delete (status trashed: invisible everywhere) and archive."""
    content = _content(instance, content_id)
    content.status = status
    new_version(instance, content, status)
    instance.touched(content.id, *instance.comments_by_container.get(content.id, ()),
                     *instance.attachments_by_container.get(content.id, ()))
    return content


def move(instance: Instance, content_id: str, parent_id: str | None = None,
         space_key: str | None = None) -> Content:
    content = _content(instance, content_id)
    moved = [content]
    if space_key:
        new_space = _space_id(instance, space_key)
        stack = [content.id]
        while stack:                         # the whole subtree changes space
            node = instance.contents[stack.pop()]
            instance.content_by_space[node.space_id].remove(node.id)
            node.space_id = new_space
            instance.content_by_space[new_space].append(node.id)
            stack.extend(instance.children.get(node.id, ()))
            moved.append(node)
        if not parent_id:
            parent_id = instance.spaces[new_space].homepage_id
    if parent_id:
        parent = _content(instance, parent_id)
        if content.parent_id:
            instance.children[content.parent_id].remove(content.id)
        content.parent_id, content.parent_type = parent.id, parent.type
        instance.children.setdefault(parent.id, []).append(content.id)
    new_version(instance, content, "moved")
    instance.touched(*(node.id for node in moved))
    return content


def add_comment(instance: Instance, container_id: str, location: str = "footer",
                parent_comment_id: str | None = None, body: str | None = None) -> Comment:
    container = _content(instance, container_id)
    parent = instance.comments.get(parent_comment_id or "")
    if parent_comment_id and parent is None:
        raise MutationError(f"no comment with id {parent_comment_id}")
    stamp = instance.clock.tick()
    comment_id = str(instance.new_id())
    comment = Comment(
        id=comment_id, location=parent.location if parent else location,
        container_id=container.id, container_type=container.type,
        parent_id=parent.id if parent else None,
        versions=[Version(1, stamp, _admin_id(instance))],
        body=body if body is not None else "<p>A new comment.</p>")
    if comment.location == "inline" and parent is None:
        comment.resolution_status = "open"
        comment.marker_ref = f"marker-{comment_id}"
        comment.original_selection = container.title[:20]
    instance.add_comment(comment)
    instance.touched(comment.id)
    return comment


def add_attachment(instance: Instance, container_id: str, title: str, media_type: str,
                   file_size: int) -> Attachment:
    container = _content(instance, container_id)
    stamp = instance.clock.tick()
    number = instance.new_id()
    attachment = Attachment(
        id=f"att{number}", container_id=container.id, container_type=container.type,
        title=title, media_type=media_type, file_size=int(file_size),
        file_id=f"{number:08x}-0000-4000-8000-{number:012x}",
        versions=[Version(1, stamp, _admin_id(instance))])
    instance.add_attachment(attachment)
    instance.touched(attachment.id)
    return attachment


def add_label(instance: Instance, item_id: str, name: str, prefix: str = "global"):
    item = instance.find(str(item_id))
    if item is None or not hasattr(item, "labels"):
        raise MutationError(f"no labelable item with id {item_id}")
    instance.clock.tick()
    label = instance.label(name, prefix)
    instance.attach_label(str(item_id), label)
    instance.touched(str(item_id), label.id)
    return label


def _parse_time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def apply(instance: Instance, op: dict) -> dict:
    """One control-plane op → {"id": ...} (ids of what was created or changed)."""
    kind = op.get("op")
    try:
        if kind == "create_page":
            item = create_content(instance, "page", op["spaceKey"], op["title"],
                                  op.get("parentId"), op.get("body"))
        elif kind == "create_blogpost":
            item = create_content(instance, "blogpost", op["spaceKey"], op["title"], None,
                                  op.get("body"))
        elif kind == "edit":
            item = edit(instance, op["id"], op.get("title"), op.get("body"))
        elif kind in ("delete", "archive"):
            item = set_status(instance, op["id"], "trashed" if kind == "delete" else "archived")
        elif kind == "move":
            item = move(instance, op["id"], op.get("parentId"), op.get("spaceKey"))
        elif kind == "add_comment":
            item = add_comment(instance, op["containerId"], op.get("location", "footer"),
                               op.get("parentCommentId"), op.get("body"))
        elif kind == "add_attachment":
            item = add_attachment(instance, op["containerId"], op["title"],
                                  op.get("mediaType", "application/octet-stream"),
                                  op.get("fileSize", 0))
        elif kind == "add_label":
            item = add_label(instance, op["id"], op["name"], op.get("prefix", "global"))
        elif kind in access_mutations.OPS:
            return access_mutations.apply(instance, op)
        elif kind == "advance_clock":
            instance.clock.advance(float(op["seconds"]))
            return {"id": None, "now": instance.clock.now.isoformat()}
        elif kind == "set_clock":
            instance.clock.set(_parse_time(op["at"]))
            return {"id": None, "now": instance.clock.now.isoformat()}
        elif kind == "set_index_lag":
            instance.index_lag_seconds = float(op["seconds"])
            return {"id": None}
        else:
            raise MutationError(f"unknown op {kind!r}")
    except KeyError as missing:
        raise MutationError(f"op {kind!r} needs field {missing}") from None
    except access_mutations.AccessMutationError as bad:
        raise MutationError(str(bad)) from None
    return {"id": item.id}
