"""Truth of "may user U read content C" (issue 13), from the model's own visibility rule: space "view"
grants, then the read restrictions of the item and every ancestor (a level passes when U is named or
in a named group); edit-only restrictions never hide; trashed/draft content is readable by no one.

    GET  /__emulator/can-read?user=ann@example.com&content=100123  → {"readable": true, "user": "<accountId>", "content": "100123"}
    POST /__emulator/can-read {"users": [...], "contents": [...]}   → {"results": {user: {content: bool}}}
Users by account id, e-mail or username; contents by page, blog post or attachment id.
"""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

from .errors import ApiError
from .routing import Route


def _user(inst, login: str):
    user = inst.users.get(login) or inst.user_for_login(login)
    if user is None:
        raise ApiError(400, f"unknown user {login!r}")
    return user


def readable(inst, user, content_id: str) -> bool:
    item = inst.find(str(content_id))
    if item is None or not hasattr(item, "status") or not hasattr(item, "versions"):
        raise ApiError(400, f"unknown content {content_id!r}")
    return inst.listable(user, item)


def can_read(ctx):
    login, content_id = ctx.query.get("user"), ctx.query.get("content")
    if not login or not content_id:
        raise ApiError(400, "give ?user=<account id, e-mail or username>&content=<id>")
    user = _user(ctx.instance, login)
    return JSONResponse({"readable": readable(ctx.instance, user, content_id), "user": user.account_id,
                         "content": content_id})


def can_read_bulk(ctx):
    body = ctx.json() or {}
    users, contents = body.get("users") or [], [str(c) for c in body.get("contents") or []]
    results = {}
    for login in users:
        user = _user(ctx.instance, login)
        results[login] = {content_id: readable(ctx.instance, user, content_id) for content_id in contents}
    return JSONResponse({"results": results})


ROUTES = [
    Route("GET", "/__emulator/can-read", can_read, "control"),
    Route("POST", "/__emulator/can-read", can_read_bulk, "control"),
]
