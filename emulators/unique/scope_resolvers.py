"""Resolvers of the scope (folder) operations of the ingestion GraphQL (protocol §3.8).

generateScopesBasedOnPaths(["/Confluence/ENG", "/Confluence/OPS"])  →  [ENG scope, OPS scope]
(missing segments created, existing ones reused, results in input order).
"""
from __future__ import annotations

import uuid

from .access import reads_are_checked, readable_scope_ids
from .content_resolvers import page_bounds
from .resolver_context import ResolverContext, require_access, require_read, require_scope, user_error

ASYNC_REBUILD_THRESHOLD = 10     # "rebuilt asynchronously when ... more than about 10" files (§3.8)


def serialize_scope(scope: dict, context: ResolverContext) -> dict:
    accesses = context.store.scope_accesses(scope["id"])
    return {"id": scope["id"], "name": scope["name"], "parentId": scope["parent_id"],
            "externalId": scope["external_id"], "createdAt": scope["created_at"], "updatedAt": scope["updated_at"],
            "scopeAccess": [{"entityId": access["entity_id"], "type": access["access_type"],
                             "entityType": access["entity_type"]} for access in accesses]}


def paginated_scope(_root, info, skip, take, where):
    context: ResolverContext = info.context
    skip, take = page_bounds(skip, take, context.assume["max_take"])
    conditions = []
    for field_name, column in (("id", "id"), ("name", "name"), ("parentId", "parent_id"),
                               ("externalId", "external_id")):
        id_filter = where.get(field_name) or {}
        if "equals" in id_filter:
            value = id_filter["equals"]
            conditions.append((column, "is_null", None) if value is None else (column, "eq", value))
        if id_filter.get("in") is not None:
            conditions.append((column, "in", list(id_filter["in"])))
    if reads_are_checked(context.assume):
        scopes, total = _readable_scopes(context, conditions, by_id="id" in where and where["id"] is not None,
                                         skip=skip, take=take)
    else:
        scopes, total = context.store.find_scopes(conditions, skip, take)
    return {"nodes": [serialize_scope(scope, context) for scope in scopes] if take else [], "totalCount": total}


def _readable_scopes(context: ResolverContext, conditions: list, by_id: bool, skip: int,
                     take: int) -> tuple[list[dict], int]:
    """scope_read=needs_access: a read by id of a scope the caller may not read is FORBIDDEN (as a
    REST GET of one resource would be); any other listing leaves such scopes out of nodes and totalCount."""
    matching, _ = context.store.find_scopes(conditions, 0, None)
    if by_id:
        for scope in matching:
            require_read(context, scope["id"])
        readable = matching
    else:
        allowed = readable_scope_ids(context.store, context.assume, context.user_id)
        readable = [scope for scope in matching if scope["id"] in allowed]
    return readable[skip:skip + take], len(readable)


def generate_scopes_based_on_paths(_root, info, paths, inheritAccess=None):
    context: ResolverContext = info.context
    for path in paths:
        segments = path.split("/")[1:]
        if not path.startswith("/") or not all(segment.strip() for segment in segments):
            raise user_error(f"path {path!r} must be absolute, like /Root/Child, with no empty segment")
    return [serialize_scope(_ensure_path(context, path.split("/")[1:], bool(inheritAccess)), context)
            for path in paths]


def _ensure_path(context: ResolverContext, segments: list[str], inherit_access: bool) -> dict:
    store, parent = context.store, None
    for segment in segments:
        scope = store.child_scope_named(parent["id"] if parent else None, segment)
        if scope is None:
            require_access(context, parent["id"] if parent else None, "MANAGE")
            scope = store.create_scope(segment, parent["id"] if parent else None)
            if inherit_access and parent is not None:
                for access in store.scope_accesses(parent["id"]):
                    store.add_scope_access(scope["id"], access["entity_id"], access["entity_type"],
                                           access["access_type"])
        parent = scope
    return parent


def update_scope(_root, info, id, input):
    context: ResolverContext = info.context
    store = context.store
    require_scope(context, id)
    require_access(context, id, "MANAGE")
    changes = {}
    if "externalId" in input:
        external_id = input["externalId"]
        holder = store.scope_by_external_id(external_id) if external_id is not None else None
        if holder is not None and holder["id"] != id and context.assume["external_id_unique"]:
            raise user_error(f"externalId {external_id!r} is already used by scope {holder['id']}", "CONFLICT")
        changes["external_id"] = external_id
    if input.get("name") is not None:
        changes["name"] = input["name"]
    if input.get("parrentScope") is not None:
        new_parent_id = input["parrentScope"]["connect"]["id"]
        _check_can_move(context, id, new_parent_id)
        changes["parent_id"] = new_parent_id
    return serialize_scope(store.update_scope(id, **changes), context)


def _check_can_move(context: ResolverContext, scope_id: str, new_parent_id: str) -> None:
    require_scope(context, new_parent_id)
    if any(ancestor["id"] == scope_id for ancestor in context.store.scope_ancestry(new_parent_id)):
        raise user_error(f"cannot move scope {scope_id} under itself or its descendant {new_parent_id}")


def create_scope_accesses(_root, info, scopeId, scopeAccesses, applyToSubScopes=None,
                          skipFileAccessPropagation=None):
    return _change_accesses(info.context, scopeId, scopeAccesses, bool(applyToSubScopes), grant=True)


def delete_scope_accesses(_root, info, scopeId, scopeAccesses, applyToSubScopes=None,
                          skipFileAccessPropagation=None):
    return _change_accesses(info.context, scopeId, scopeAccesses, bool(applyToSubScopes), grant=False)


def _change_accesses(context: ResolverContext, scope_id: str, accesses: list[dict], to_sub_scopes: bool,
                     grant: bool) -> bool:
    store = context.store
    require_scope(context, scope_id)
    require_access(context, scope_id, "MANAGE")   # under enforce, a self-grant needs a pre-grant (§2.2)
    targets = [scope_id, *(_descendant_ids(context, scope_id) if to_sub_scopes else [])]
    for target in targets:
        for access in accesses:
            change = store.add_scope_access if grant else store.remove_scope_access
            change(target, access["entityId"], access["entityType"], access["accessType"])
    return True


def _descendant_ids(context: ResolverContext, scope_id: str) -> list[str]:
    found, pending = [], [scope_id]
    while pending:
        for child in context.store.child_scopes(pending.pop()):
            found.append(child["id"])
            pending.append(child["id"])
    return found


def delete_folder(_root, info, scopeId, recursive):
    context: ResolverContext = info.context
    store = context.store
    scope = store.get_scope(scopeId)
    if scope is None:
        return {"successFolders": [], "failedFolders": [{"id": scopeId, "name": None, "path": None,
                                                          "failReason": "Folder not found"}]}
    require_access(context, scopeId, "MANAGE")
    path = store.scope_path(scopeId)
    if not recursive:
        reason = ("Folder has sub-folders" if store.child_scopes(scopeId)
                  else "Folder contains files" if store.contents_owned_by(scopeId) else None)
        if reason:
            return {"successFolders": [], "failedFolders": [{"id": scopeId, "name": scope["name"], "path": path,
                                                             "failReason": reason}]}
    doomed = [scopeId, *_descendant_ids(context, scopeId)]
    outcomes = [{"id": doomed_id, "name": store.get_scope(doomed_id)["name"], "path": store.scope_path(doomed_id)}
                for doomed_id in doomed]
    for doomed_id in reversed(doomed):
        store.delete_contents([row["id"] for row in store.contents_owned_by(doomed_id)])
        store.delete_scope(doomed_id)
    return {"successFolders": outcomes, "failedFolders": []}


def bulk_move(_root, info, input):
    context: ResolverContext = info.context
    target_id = input["targetScopeId"]
    require_scope(context, target_id)
    for scope_id in input["scopeIds"]:
        require_scope(context, scope_id)
        _check_can_move(context, scope_id, target_id)
    affected = 0
    for scope_id in input["scopeIds"]:
        context.store.update_scope(scope_id, parent_id=target_id)
        for moved_id in [scope_id, *_descendant_ids(context, scope_id)]:
            affected += len(context.store.contents_owned_by(moved_id))
    is_async = affected > ASYNC_REBUILD_THRESHOLD
    return {"scopeIds": list(input["scopeIds"]), "asyncMetadataRebuild": is_async,
            "jobId": f"job_{uuid.uuid4().hex[:12]}" if is_async else None, "affectedFiles": affected,
            "message": f"Moved {len(input['scopeIds'])} scope(s) under {target_id}"}


RESOLVERS = {
    ("Query", "paginatedScope"): paginated_scope,
    ("Mutation", "generateScopesBasedOnPaths"): generate_scopes_based_on_paths,
    ("Mutation", "updateScope"): update_scope,
    ("Mutation", "createScopeAccesses"): create_scope_accesses,
    ("Mutation", "deleteScopeAccesses"): delete_scope_accesses,
    ("Mutation", "deleteFolder"): delete_folder,
    ("Mutation", "bulkMove"): bulk_move,
}
