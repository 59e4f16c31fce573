"""The control plane under /__emulator/ (no auth): state, stats, faults, assumptions, fixtures.

GET  /__emulator/state                → {"scopes": [...], "contents": [...]}
GET  /__emulator/stats                POST /__emulator/reset-stats
GET|POST|DELETE /__emulator/faults    body {"rules": [FaultRule...]} (replaces the rules)
GET|POST /__emulator/assumptions      body {"name": value, ...}
POST /__emulator/scopes               body {name, parentId?, id?, externalId?}
POST /__emulator/scope-accesses       body {scopeId, entityId, accessType, entityType?} (admin pre-grant)
GET|POST /__emulator/users            body {id?, email, name?, active?} → the user (created or replaced by id)
GET|POST /__emulator/groups           body {id?, name, members: [userId...]} → the group (created or replaced by id)
GET  /__emulator/can-read?userId=V&contentId=X (or &key=K) → {"readable": bool, "via": [...]}
GET  /__emulator/readable?userId=V    → {"userId": V, "contentIds": [...]}
POST /__emulator/ingestion-state      body {contentId | key, state}
POST /__emulator/advance-clock        body {seconds}
GET  /__emulator/health
"""
from __future__ import annotations

import json
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import access, assumptions
from .faults import FaultSpecError
from .users import serialize_user

PREFIX = "/__emulator"


def starlette_routes(emulator) -> list[Route]:
    def bind(handler, query: bool = False):
        async def endpoint(request: Request):
            try:
                body = json.loads(await request.body() or b"{}") if request.method == "POST" \
                    else dict(request.query_params) if query else {}
                if not isinstance(body, dict):
                    raise ValueError("body must be a JSON object")
                return handler(emulator, body)
            except NotFound as missing:
                return JSONResponse({"error": str(missing)}, status_code=404)
            except (ValueError, KeyError, TypeError) as invalid:   # FaultSpecError, UnknownAssumption ...
                return JSONResponse({"error": f"{type(invalid).__name__}: {invalid}"}, status_code=400)
        return endpoint

    return [
        Route(f"{PREFIX}/health", bind(lambda emu, body: JSONResponse({"ok": True})), methods=["GET"]),
        Route(f"{PREFIX}/state", bind(state), methods=["GET"]),
        Route(f"{PREFIX}/stats", bind(lambda emu, body: JSONResponse(emu.stats.as_dict())), methods=["GET"]),
        Route(f"{PREFIX}/reset-stats", bind(reset_stats), methods=["POST"]),
        Route(f"{PREFIX}/faults", bind(faults_endpoint), methods=["GET", "POST"]),
        Route(f"{PREFIX}/faults", bind(clear_faults), methods=["DELETE"]),
        Route(f"{PREFIX}/assumptions", bind(set_assumptions), methods=["GET", "POST"]),
        Route(f"{PREFIX}/scopes", bind(create_scope), methods=["POST"]),
        Route(f"{PREFIX}/scope-accesses", bind(grant_access), methods=["POST"]),
        Route(f"{PREFIX}/ingestion-state", bind(set_ingestion_state), methods=["POST"]),
        Route(f"{PREFIX}/advance-clock", bind(advance_clock), methods=["POST"]),
        Route(f"{PREFIX}/users", bind(list_users), methods=["GET"]),
        Route(f"{PREFIX}/users", bind(put_user), methods=["POST"]),
        Route(f"{PREFIX}/groups", bind(list_groups), methods=["GET"]),
        Route(f"{PREFIX}/groups", bind(put_group), methods=["POST"]),
        Route(f"{PREFIX}/can-read", bind(can_read, query=True), methods=["GET"]),
        Route(f"{PREFIX}/readable", bind(readable, query=True), methods=["GET"]),
    ]


class NotFound(LookupError):
    """A user or content the request names does not exist (HTTP 404)."""


def state(emulator, body: dict) -> JSONResponse:
    store = emulator.store
    scopes = [{"id": scope["id"], "name": scope["name"], "parentId": scope["parent_id"],
               "externalId": scope["external_id"], "path": store.scope_path(scope["id"]),
               "accesses": [{"entityId": access["entity_id"], "entityType": access["entity_type"],
                             "accessType": access["access_type"]} for access in store.scope_accesses(scope["id"])]}
              for scope in store.all_scopes()]
    contents = [{"id": row["id"], "key": row["key"], "title": row["title"], "url": row["url"],
                 "updatedAt": row["updated_at"], "createdAt": row["created_at"],
                 "ingestionState": row["ingestion_state"], "ownerId": row["owner_id"], "ownerType": row["owner_type"],
                 "mimeType": row["mime_type"], "byteSize": row["byte_size"], "metadata": row["metadata"],
                 "ingestionConfig": row["ingestion_config"], "blobSize": row["blob_size"], "fileUrl": row["file_url"],
                 "sourceKind": row["source_kind"], "sourceName": row["source_name"],
                 "sourceUpdatedAt": row["source_updated_at"]}
                for row in store.all_contents()]
    users = [serialize_user(row) for row in store.all_users()]
    return JSONResponse({"scopes": scopes, "contents": contents, "users": users, "groups": store.all_groups()})


def reset_stats(emulator, body: dict) -> JSONResponse:
    emulator.stats.reset()
    return JSONResponse({"ok": True})


def faults_endpoint(emulator, body: dict) -> JSONResponse:
    if "rules" in body:
        if not isinstance(body["rules"], list):
            raise FaultSpecError("rules must be a list of fault rules")
        emulator.faults.replace(body["rules"])
    return JSONResponse({"rules": emulator.faults.describe()})


def clear_faults(emulator, body: dict) -> JSONResponse:
    emulator.faults.clear()
    return JSONResponse({"rules": []})


def set_assumptions(emulator, body: dict) -> JSONResponse:
    validated = {name: assumptions.coerce(name, value) for name, value in body.items()}
    emulator.assume.update(validated)
    return JSONResponse(emulator.assume)


def create_scope(emulator, body: dict) -> JSONResponse:
    store = emulator.store
    if not isinstance(body.get("name"), str) or not body["name"]:
        raise ValueError("name must be a non-empty string")
    if body.get("parentId") and store.get_scope(body["parentId"]) is None:
        raise ValueError(f"parent scope {body['parentId']} does not exist")
    if body.get("id") and store.get_scope(body["id"]) is not None:
        raise ValueError(f"scope {body['id']} already exists")
    scope = store.create_scope(body["name"], body.get("parentId"), body.get("id"), body.get("externalId"))
    return JSONResponse({"id": scope["id"], "name": scope["name"], "parentId": scope["parent_id"],
                         "externalId": scope["external_id"], "path": store.scope_path(scope["id"])})


def grant_access(emulator, body: dict) -> JSONResponse:
    if emulator.store.get_scope(body["scopeId"]) is None:
        raise ValueError(f"scope {body['scopeId']} does not exist")
    if body.get("entityType", "USER") not in ("USER", "GROUP") or body["accessType"] not in ("MANAGE", "READ", "WRITE"):
        raise ValueError("entityType must be USER or GROUP and accessType MANAGE, READ or WRITE")
    emulator.store.add_scope_access(body["scopeId"], body["entityId"], body.get("entityType", "USER"),
                                    body["accessType"])
    return JSONResponse({"ok": True})


def set_ingestion_state(emulator, body: dict) -> JSONResponse:
    store = emulator.store
    if body.get("contentId"):
        rows = [row for row in [store.get_content(body["contentId"])] if row]
    else:
        rows = [row for row in store.all_contents() if row["key"] == body["key"]]
    if not rows:
        raise ValueError("no content with that contentId / key")
    for row in rows:
        store.update_content(row["id"], {"ingestion_state": body["state"]}, touch=False)
    return JSONResponse({"updated": [row["id"] for row in rows]})


def advance_clock(emulator, body: dict) -> JSONResponse:
    emulator.store.advance_clock(float(body["seconds"]))
    return JSONResponse({"now": emulator.store.now_iso()})


# ── users, groups and the access truth (access.py) ───────────────────
def _user_view(row: dict) -> dict:
    """The GraphQL fields plus `name` (= displayName), as POST /__emulator/users takes it."""
    user = serialize_user(row)
    return {**user, "name": user["displayName"]}


def list_users(emulator, body: dict) -> JSONResponse:
    return JSONResponse({"users": [_user_view(row) for row in emulator.store.all_users()]})


def put_user(emulator, body: dict) -> JSONResponse:
    store = emulator.store
    email, name, active = body.get("email"), body.get("name"), body.get("active", True)
    if not isinstance(email, str) or "@" not in email:
        raise ValueError("email must be an e-mail address")
    if (name is not None and not isinstance(name, str)) or not isinstance(active, bool):
        raise ValueError("name must be a string and active a boolean")
    user_id = _identifier(body, "user")
    holder = store.user_by_email(email)
    if holder is not None and holder["id"] != user_id:
        raise ValueError(f"e-mail {email!r} already belongs to user {holder['id']} (e-mails are unique, ignoring case)")
    return JSONResponse(_user_view(store.put_user(user_id, email.strip(), name, active)))


def list_groups(emulator, body: dict) -> JSONResponse:
    return JSONResponse({"groups": emulator.store.all_groups()})


def put_group(emulator, body: dict) -> JSONResponse:
    store = emulator.store
    name, members = body.get("name"), body.get("members", [])
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    if not isinstance(members, list) or not all(isinstance(member, str) for member in members):
        raise ValueError("members must be a list of user ids")
    unknown = [member for member in members if store.get_user(member) is None]
    if unknown:
        raise ValueError(f"members name unknown users: {unknown}")
    return JSONResponse(store.put_group(_identifier(body, "group"), name, members))


def _identifier(body: dict, kind: str) -> str:
    given = body.get("id")
    if given is None:
        return f"{kind}_{uuid.uuid4().hex[:20]}"
    if not isinstance(given, str) or not given:
        raise ValueError("id must be a non-empty string")
    return given


def can_read(emulator, body: dict) -> JSONResponse:
    """readable iff the user, directly or through a group, holds a read-granting access on the
    content's owner scope or an ancestor; `via` lists those accesses."""
    store = emulator.store
    user_id = _existing_user(store, body)
    if body.get("contentId"):
        rows = [row for row in [store.get_content(body["contentId"])] if row is not None]
    elif body.get("key"):
        rows = [row for row in store.all_contents() if row["key"] == body["key"]]
    else:
        raise ValueError("give contentId or key")
    if not rows:
        raise NotFound(f"no content with {'contentId' if body.get('contentId') else 'key'} "
                       f"{body.get('contentId') or body.get('key')!r}")
    if len(rows) > 1:
        raise ValueError(f"key {body['key']!r} names {len(rows)} contents ({[row['id'] for row in rows]}); "
                         "ask by contentId")
    via = access.content_read_grants(store, emulator.assume, user_id, rows[0])
    return JSONResponse({"userId": user_id, "contentId": rows[0]["id"], "key": rows[0]["key"],
                         "readable": bool(via), "via": via})


def readable(emulator, body: dict) -> JSONResponse:
    user_id = _existing_user(emulator.store, body)
    return JSONResponse({"userId": user_id,
                         "contentIds": access.readable_content_ids(emulator.store, emulator.assume, user_id)})


def _existing_user(store, body: dict) -> str:
    user_id = body.get("userId")
    if not user_id:
        raise ValueError("userId is required")
    if store.get_user(user_id) is None:
        raise NotFound(f"no user {user_id!r}")
    return user_id
