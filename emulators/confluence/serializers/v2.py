"""Cloud REST v2 wire shapes (confluence-api.md §5.1). The only place v2 field names appear.

Functions take model objects and return JSON-ready dicts. `body_format` None gives `"body": {}`
on pages and blog posts and no `body` key on comments (recorded); ADF values are JSON strings; versions carry `ncsStepVersion`; comment replies carry
`parentCommentId` and no container id on the per-comment children lists; inline comment
properties appear in camelCase and kebab-case; resolution fields are absent until resolved.
"""
from __future__ import annotations

import json
import re

from .. import links
from ..model import Attachment, Comment, Content, Instance, Label, Space, User, Version

_TAG = re.compile(r"<[^>]+>")
BULK_BODY_FORMATS = ("storage", "atlas_doc_format")
SINGLE_BODY_FORMATS = ("storage", "atlas_doc_format", "view", "export_view",
                       "anonymous_export_view", "styled_view", "editor")
# `mediaTypeDescription` is null for types Confluence has no name for (image/svg+xml in
# cloud__v2-attachments__1: null on six items, "PNG Image" on the PNG).
MEDIA_DESCRIPTIONS = {"application/pdf": "PDF Document", "text/plain": "Text File",
                      "text/csv": "CSV File", "text/html": "HTML Document", "image/png": "PNG Image",
                      "image/jpeg": "JPEG Image"}


def version(v: Version) -> dict:
    # ncsStepVersion: real values are small numeric strings or null (measured acli output).
    return {"createdAt": links.iso_utc(v.created_at), "message": v.message, "number": v.number,
            "minorEdit": v.minor_edit, "authorId": v.author_id,
            "ncsStepVersion": str(v.number) if v.number > 1 else None}


def adf(storage: str) -> str:
    """A minimal ADF document carrying the body's text, serialised as a string (as on the wire)."""
    text = _TAG.sub(" ", storage).split()
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": " ".join(text)}] if text else []}
    return json.dumps({"type": "doc", "version": 1, "content": [paragraph]}, separators=(",", ":"))


def body(storage: str, body_format: str | None) -> dict:
    """`{}` without a format. Non-storage HTML renderings return the storage XHTML (deviation:
    the emulator does not render macros)."""
    if not body_format:
        return {}
    value = adf(storage) if body_format == "atlas_doc_format" else storage
    return {body_format: {"representation": body_format, "value": value}}


def _content_links(inst: Instance, content: Content, wiki_base: str | None) -> dict:
    out = {"webui": links.content_webui(inst, content), "editui": links.editui(content),
           "edituiv2": links.edituiv2(inst, content), "tinyui": links.tinyui(content.id)}
    if wiki_base:
        out["base"] = wiki_base
    return out


def page(inst: Instance, content: Content, body_format: str | None = None,
         wiki_base: str | None = None, single: bool = False) -> dict:
    out = {"parentType": content.parent_type, "parentId": content.parent_id,
           "spaceId": content.space_id, "ownerId": content.owner_id,
           "lastOwnerId": None, "createdAt": links.iso_utc(content.created_at),
           "authorId": content.author_id, "position": content.position,
           "version": version(content.version), "body": body(content.body, body_format),
           "status": content.status, "title": content.title, "id": content.id,
           "_links": _content_links(inst, content, wiki_base if single else None)}
    if not single:
        out["subtype"] = None
    return out


def blogpost(inst: Instance, content: Content, body_format: str | None = None,
             wiki_base: str | None = None, single: bool = False) -> dict:
    return {"spaceId": content.space_id, "createdAt": links.iso_utc(content.created_at),
            "authorId": content.author_id, "version": version(content.version),
            "body": body(content.body, body_format), "status": content.status,
            "title": content.title, "id": content.id,
            "_links": _content_links(inst, content, wiki_base if single else None)}


def content(inst: Instance, item: Content, body_format: str | None = None,
            wiki_base: str | None = None, single: bool = False) -> dict:
    if item.type == "page":
        return page(inst, item, body_format, wiki_base, single)
    if item.type == "blogpost":
        return blogpost(inst, item, body_format, wiki_base, single)
    return cloud_object(inst, item, wiki_base)


def cloud_object(inst: Instance, item: Content, wiki_base: str | None = None) -> dict:
    """Folder, database, whiteboard or embed."""
    out = {"id": item.id, "type": item.type, "status": item.status, "title": item.title,
           "parentId": item.parent_id, "parentType": item.parent_type, "position": item.position,
           "authorId": item.author_id, "ownerId": item.owner_id,
           "createdAt": links.iso_utc(item.created_at), "version": version(item.version),
           "spaceId": item.space_id, "_links": {"webui": links.content_webui(inst, item)}}
    if wiki_base:
        out["_links"]["base"] = wiki_base
    return out


def embedded(results: list, self_link: str, has_more: bool = False) -> dict:
    """An `include-*` collection on a single-object GET; `self` has no /wiki prefix (measured)."""
    return {"results": results, "meta": {"hasMore": has_more},
            "_links": {"self": self_link}}


def space(inst: Instance, item: Space, description_format: str | None = None,
          include_icon: bool = False, single: bool = False, wiki_base: str | None = None) -> dict:
    """Without `description-format` the list answers `description: null`, the single GET `{}`
    (cloud__v2-spaces__1, cloud__v2-space-by-id__1)."""
    description = {} if single else None
    if description_format:
        value = item.description if description_format == "plain" else f"<p>{item.description}</p>"
        description = {description_format: {"representation": description_format, "value": value}}
    icon = None
    if include_icon and item.icon_path:
        icon = {"path": item.icon_path, "apiDownloadLink": f"/download/attachments/{item.id}/icon.png"}
    out = {"id": item.id, "key": item.key, "name": item.name, "type": item.type,
           "status": item.status, "authorId": item.author_id, "spaceOwnerId": item.author_id,
           "currentActiveAlias": item.key, "createdAt": links.iso_utc(item.created_at),
           "homepageId": item.homepage_id, "description": description, "icon": icon,
           "_links": {"webui": f"/spaces/{item.key}"}}
    if single and wiki_base:   # single GETs name the base (cloud__v2-space-by-id__1)
        out["_links"]["base"] = wiki_base
    return out


def _comment_core(inst: Instance, comment: Comment, body_format: str | None) -> dict:
    """No `body` key at all without `body-format` (pages answer `{}`; recorded:
    cloud__v2-inline-comment-by-id__1, cloud__v2-footer-comments__1)."""
    container = inst.contents[comment.container_id]
    out = {"id": comment.id, "status": comment.status, "title": f"Re: {container.title}",
           "version": version(comment.version)}
    if body_format:
        out["body"] = body(comment.body, body_format)
    out["_links"] = {"webui": links.comment_webui(inst, comment)}
    return out


def _inline_fields(comment: Comment) -> dict:
    if comment.location != "inline":
        # Footer comments say "open" too (cloud__v2-footer-comments__1, cloud__v2-page-footer-comments__1).
        return {"resolutionStatus": "open"}
    out = {"resolutionStatus": comment.resolution_status,
           "properties": {"inlineMarkerRef": comment.marker_ref,
                          "inlineOriginalSelection": comment.original_selection,
                          "inline-marker-ref": comment.marker_ref,
                          "inline-original-selection": comment.original_selection}}
    if comment.resolution_modified_at is not None:
        out["resolutionLastModifierId"] = comment.resolution_modifier_id
        out["resolutionLastModifiedAt"] = links.iso_utc(comment.resolution_modified_at)
    return out


def _container_field(comment: Comment) -> dict:
    return {"pageId" if comment.container_type == "page" else "blogPostId": comment.container_id}


def comment(inst: Instance, item: Comment, body_format: str | None = None) -> dict:
    """Site-wide lists and single GET: container id always; parentCommentId on replies."""
    out = _comment_core(inst, item, body_format)
    out.update(_container_field(item))
    if item.parent_id:
        out["parentCommentId"] = item.parent_id
    out.update(_inline_fields(item))
    return out


def container_comment(inst: Instance, item: Comment, body_format: str | None = None) -> dict:
    """`/pages/{id}/footer-comments` etc. (root comments only): container id, no parent."""
    out = _comment_core(inst, item, body_format)
    out.update(_container_field(item))
    out.update(_inline_fields(item))
    return out


def child_comment(inst: Instance, item: Comment, body_format: str | None = None) -> dict:
    """`/footer-comments/{id}/children`: parentCommentId, no pageId/blogPostId (spec + measured)."""
    out = _comment_core(inst, item, body_format)
    out["parentCommentId"] = item.parent_id
    out.update(_inline_fields(item))
    return out


def attachment(inst: Instance, item: Attachment, wiki_base: str | None = None) -> dict:
    download = links.attachment_download(item)
    webui = links.attachment_webui(inst, item)
    out = {"id": item.id, "status": item.status, "title": item.title,
           "createdAt": links.iso_utc(item.created_at), **_container_field(item),
           "mediaType": item.media_type,
           "mediaTypeDescription": MEDIA_DESCRIPTIONS.get(item.media_type),
           "comment": item.comment, "fileId": item.file_id, "fileSize": item.file_size,
           "webuiLink": webui, "downloadLink": download, "version": version(item.version),
           "_links": {"webui": webui, "download": download}}
    if wiki_base:
        out["_links"]["base"] = wiki_base
    return out


def label(item: Label) -> dict:
    return {"id": item.id, "name": item.name, "prefix": item.prefix}


def user(item: User) -> dict:
    picture = ({"path": f"/wiki/aa-avatar/{item.account_id}", "width": 48, "height": 48,
                "isDefault": False} if item.has_profile_picture else None)
    return {"displayName": item.display_name, "timeZone": item.time_zone,
            "personalSpaceId": item.personal_space_id, "isExternalCollaborator": False,
            "accountStatus": item.account_status, "accountId": item.account_id,
            "email": item.email, "accountType": item.account_type,
            "publicName": item.display_name, "profilePicture": picture}


def page_version(content: Content, v: Version) -> dict:
    key = "page" if content.type == "page" else "blogpost"
    return {**version(v), key: {"id": content.id, "title": content.title}}


def ancestor(item: Content) -> dict:
    return {"id": item.id, "type": item.type}


def child_page(item: Content) -> dict:
    """Deprecated `/pages/{id}/children` item."""
    return {"id": item.id, "status": item.status, "title": item.title, "spaceId": item.space_id,
            "childPosition": item.position}


def direct_child(item: Content) -> dict:
    return {"id": item.id, "status": item.status, "title": item.title, "type": item.type,
            "spaceId": item.space_id, "childPosition": item.position}


def descendant(item: Content, depth: int) -> dict:
    return {"id": item.id, "status": item.status, "title": item.title, "type": item.type,
            "parentId": item.parent_id, "depth": depth, "childPosition": item.position}
