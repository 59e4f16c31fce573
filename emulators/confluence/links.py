"""Relative web/download links shared by the v1 and v2 serializers and the truth view.

All are relative to the wiki base (Cloud `…/wiki`, DC `host[/context]`), as Confluence sends them.
"""
from __future__ import annotations

import base64
from datetime import datetime
from urllib.parse import quote, quote_plus

from .model import Attachment, Comment, Content, Instance


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def iso_utc(moment: datetime) -> str:
    """"2026-10-01T12:00:00.000Z" (UTC, millisecond precision)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def slug(title: str) -> str:
    return quote_plus(title)


def content_webui(instance: Instance, content: Content) -> str:
    key = instance.spaces[content.space_id].key
    if content.type == "page":
        return f"/spaces/{key}/pages/{content.id}/{slug(content.title)}"
    if content.type == "blogpost":
        day = content.created_at.strftime("%Y/%m/%d")
        return f"/spaces/{key}/blog/{day}/{content.id}/{slug(content.title)}"
    return f"/spaces/{key}/{content.type}/{content.id}"


def tinyui(content_id: str) -> str:
    """Confluence's short link: little-endian bytes of the id, base64, padding 'A's stripped."""
    number = int(content_id)
    raw = number.to_bytes(max(1, (number.bit_length() + 7) // 8), "little") + b"\0"
    encoded = base64.b64encode(raw).decode().rstrip("=").rstrip("A")
    return "/x/" + encoded.replace("/", "-").replace("+", "_")


def editui(content: Content) -> str:
    return f"/pages/resumedraft.action?draftId={content.id}"


def edituiv2(instance: Instance, content: Content) -> str:
    key = instance.spaces[content.space_id].key
    kind = "pages" if content.type == "page" else "blog"
    return f"/spaces/{key}/{kind}/edit-v2/{content.id}"


def comment_webui(instance: Instance, comment: Comment) -> str:
    return f"{content_webui(instance, instance.contents[comment.container_id])}?focusedCommentId={comment.id}"


def attachment_download(attachment: Attachment) -> str:
    """`/download/attachments/<containerId>/<file>?version=..&modificationDate=..&cacheVersion=1&api=v2`."""
    return (f"/download/attachments/{attachment.container_id}/{quote(attachment.title)}"
            f"?version={attachment.version.number}&modificationDate={epoch_ms(attachment.last_modified_at)}"
            "&cacheVersion=1&api=v2")


def attachment_webui(instance: Instance, attachment: Attachment) -> str:
    container = instance.contents[attachment.container_id]
    number = attachment.id[3:]
    preview = quote(f"/{container.id}/{number}/{attachment.title}", safe="")
    return f"{content_webui(instance, container)}?preview={preview}"
