"""The control plane under /__emulator/ (no auth): state, stats, faults, assumptions, fixtures.

GET  /__emulator/state                → {"scopes": [...], "contents": [...]}
GET  /__emulator/stats                POST /__emulator/reset-stats
GET|POST|DELETE /__emulator/faults    body {"rules": [FaultRule...]} (replaces the rules)
GET|POST /__emulator/assumptions      body {"name": value, ...}
POST /__emulator/scopes               body {name, parentId?, id?, externalId?}
POST /__emulator/scope-accesses       body {scopeId, entityId, accessType, entityType?} (admin pre-grant)
POST /__emulator/ingestion-state      body {contentId | key, state}
POST /__emulator/advance-clock        body {seconds}
GET  /__emulator/health
"""
from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import assumptions
from .faults import FaultSpecError

PREFIX = "/__emulator"


def starlette_routes(emulator) -> list[Route]:
    def bind(handler):
        async def endpoint(request: Request):
            try:
                body = json.loads(await request.body() or b"{}") if request.method == "POST" else {}
                if not isinstance(body, dict):
                    raise ValueError("body must be a JSON object")
                return handler(emulator, body)
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
    ]


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
    return JSONResponse({"scopes": scopes, "contents": contents})


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
