"""Attachment downloads: deterministic bytes of exactly the declared size, streamed in chunks
(a 1 GiB attachment never sits in memory).

Cloud: `/wiki/download/attachments/{containerId}/{file}` (the v2 `downloadLink`, relative to
/wiki) and v1 `/wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download`, which answers
302 to the first, as documented. DC: the same two without `/wiki` (under the context path); its by-id
route is an emulator convenience that answers with the bytes.
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote

from starlette.responses import RedirectResponse, StreamingResponse

from ..errors import not_found
from ..links import attachment_download
from ..routing import Route

CHUNK_BYTES = 64 * 1024
MAGIC = {"application/pdf": b"%PDF-1.4\n", "image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff\xe0",
         "text/html": b"<!doctype html>\n", "text/csv": b"id,name\n"}


def attachment_bytes(attachment_id: str, media_type: str, size: int):
    """The attachment's content: magic prefix, then a block derived from the id, repeated."""
    block = hashlib.sha256(attachment_id.encode()).hexdigest().encode() * (CHUNK_BYTES // 64)
    head = MAGIC.get(media_type, b"")[:size]
    yield head
    remaining = size - len(head)
    while remaining > 0:
        piece = block[:remaining]
        remaining -= len(piece)
        yield piece


def _stream(ctx, attachment):
    if not ctx.instance.listable(ctx.user, attachment):
        raise not_found("attachment", attachment.id)
    return StreamingResponse(
        attachment_bytes(attachment.id, attachment.media_type, attachment.file_size),
        media_type=attachment.media_type,
        headers={"Content-Length": str(attachment.file_size),
                 "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.title)}"})


def by_file_name(ctx):
    inst = ctx.instance
    container_id, title = ctx.path_params["container_id"], unquote(ctx.path_params["filename"])
    for attachment_id in inst.attachments_by_container.get(container_id, ()):
        attachment = inst.attachments[attachment_id]
        if attachment.title == title and attachment.status != "trashed":
            return _stream(ctx, attachment)
    raise not_found("attachment", title)


def by_id(ctx):
    inst = ctx.instance
    raw = ctx.path_params["attachment_id"]
    attachment = inst.attachments.get(raw if raw.startswith("att") else f"att{raw}")
    if attachment is None or attachment.container_id != ctx.path_params["id"]:
        raise not_found("attachment", raw)
    if ctx.mode == "cloud":
        # Cloud documents only 302 here ("Returned if download URL is found"): the bytes live at the
        # site download path, which `by_file_name` serves. Data Center's by-id route is an emulator
        # convenience (not in the DC spec) and answers with the bytes.
        if not ctx.instance.listable(ctx.user, attachment):
            raise not_found("attachment", attachment.id)
        return RedirectResponse(ctx.wiki_base + attachment_download(attachment), status_code=302)
    return _stream(ctx, attachment)


V1_SPEC = ("confluence-cloud-v1.swagger.v3.json", "/wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download", "get")
ROUTES = [
    Route("GET", "/wiki/download/attachments/{container_id}/{filename}", by_file_name, "v1"),
    Route("GET", "/wiki/rest/api/content/{id}/child/attachment/{attachment_id}/download", by_id, "v1", V1_SPEC),
    Route("GET", "/download/attachments/{container_id}/{filename}", by_file_name, "dc"),
    Route("GET", "/rest/api/content/{id}/child/attachment/{attachment_id}/download", by_id, "dc"),
]
