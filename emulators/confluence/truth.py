"""`GET /__emulator/truth`: what one user can see, in the contract's shape (contracts §1.4)."""
from __future__ import annotations

from .links import content_webui, epoch_ms, iso_utc
from .model import Instance, User


def _labels(inst: Instance, item) -> list[str]:
    return [f"{inst.labels[i].prefix}:{inst.labels[i].name}" for i in item.labels]


def truth(inst: Instance, user: User | None, user_timezone: str) -> dict:
    out = {"mode": inst.mode, "cloud_id": inst.cloud_id, "now": iso_utc(inst.clock.now),
           "user_timezone": user_timezone, "spaces": {}, "pages": {}, "blog_posts": {},
           "other_content": {}, "comments": {}, "attachments": {}, "labels": {}, "users": {},
           "groups": {}, "audit": []}
    for space in inst.spaces.values():
        if inst.visible_to(user, space):
            out["spaces"][space.id] = {"key": space.key, "name": space.name, "type": space.type,
                                       "status": space.status}
    usage: dict[str, int] = {}
    for content in inst.contents.values():
        if not inst.listable(user, content):
            continue
        space = inst.spaces[content.space_id]
        for label_id in content.labels:
            usage[label_id] = usage.get(label_id, 0) + 1
        if content.type not in ("page", "blogpost"):
            out["other_content"][content.id] = {"type": content.type, "spaceKey": space.key,
                                                "parentId": content.parent_id}
            continue
        record = {"spaceId": space.id, "spaceKey": space.key, "title": content.title,
                  "status": content.status, "version": content.version.number,
                  "createdAt": iso_utc(content.created_at),
                  "lastModifiedAt": iso_utc(content.last_modified_at),
                  "bodyEmpty": not content.body, "labels": _labels(inst, content),
                  "webui": content_webui(inst, content)}
        if content.type == "page":
            record.update(parentId=content.parent_id, parentType=content.parent_type)
            out["pages"][content.id] = record
        else:
            out["blog_posts"][content.id] = record
    for comment in inst.comments.values():
        if inst.listable(user, comment):
            out["comments"][comment.id] = {
                "location": comment.location, "containerId": comment.container_id,
                "containerType": comment.container_type, "parentCommentId": comment.parent_id,
                "depth": inst.comment_depth(comment), "version": comment.version.number,
                "lastModifiedAt": iso_utc(comment.last_modified_at),
                "resolutionStatus": comment.resolution_status}
    for attachment in inst.attachments.values():
        if inst.listable(user, attachment):
            for label_id in attachment.labels:
                usage[label_id] = usage.get(label_id, 0) + 1
            out["attachments"][attachment.id] = {
                "containerId": attachment.container_id, "containerType": attachment.container_type,
                "spaceKey": inst.space_of(attachment).key, "title": attachment.title,
                "mediaType": attachment.media_type, "fileSize": attachment.file_size,
                "version": attachment.version.number,
                "lastModifiedAt": iso_utc(attachment.last_modified_at)}
    for label in inst.labels.values():
        out["labels"][label.id] = {"name": label.name, "prefix": label.prefix, "usage": usage.get(label.id, 0)}
    for account in inst.users.values():
        key = account.user_key if inst.mode == "datacenter" else account.account_id
        out["users"][key] = {"displayName": account.display_name, "emailHidden": not account.email,
                             "accountType": account.account_type}
    for group in inst.groups.values():
        out["groups"][group.id] = {"name": group.name, "members": list(group.members)}
    out["audit"] = [f"{epoch_ms(record.created_at)}-{n}" for n, record in enumerate(inst.audit)]
    return out
