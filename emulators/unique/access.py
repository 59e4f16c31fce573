"""Who may read what: the emulator's access model (protocol §3.8, §3.9, §4.2; assumptions
`read_granted_by` and `scope_read`).

A user reads a scope when the user, or a group the user is a member of, holds a read-granting
scope access on that scope or on any scope above it (an access reaches every scope below the one
it is on). Content owned by a scope (ownerType SCOPE) is readable exactly when its owner scope is.

    root (READ: GROUP eng)          alice ∈ eng  → reads root, ENG, ENG/private and their contents
    └── ENG
        └── private (READ: USER bob) bob         → reads private and its contents only

Which access types grant reading is an assumption: `read_granted_by=any` (READ, WRITE or MANAGE;
the fail-closed reading for a leak test: every access counts as exposure) or `read` (READ only).
`fileAccess` on a content row is stored but not evaluated: its semantics are not established.
Deactivated users (`active: false`) are evaluated like active ones; signing in is not modelled.
"""
from __future__ import annotations

from collections import defaultdict

from .store import Store

READ_GRANTING = {"any": ("READ", "WRITE", "MANAGE"), "read": ("READ",)}


def principals(store: Store, user_id: str) -> list[tuple[str, str]]:
    """[("USER", user_id), ("GROUP", group_id), ...]: the entities whose accesses the user holds."""
    return [("USER", user_id), *(("GROUP", group_id) for group_id in store.groups_of(user_id))]


def _via(access: dict) -> dict:
    return {"scopeId": access["scope_id"], "entityType": access["entity_type"], "entityId": access["entity_id"],
            "accessType": access["access_type"]}


def scope_read_grants(store: Store, assume: dict, user_id: str, scope_id: str) -> list[dict]:
    """The accesses that let the user read the scope: on it or an ancestor, held directly or via a group."""
    granting = READ_GRANTING[assume["read_granted_by"]]
    held = set(principals(store, user_id))
    return [_via(access)
            for scope in store.scope_ancestry(scope_id)
            for access in store.scope_accesses(scope["id"])
            if (access["entity_type"], access["entity_id"]) in held and access["access_type"] in granting]


def holds_access(store: Store, user_id: str, scope_id: str | None, access_type: str) -> bool:
    """The gatekeeper's test: `access_type` itself on the scope or an ancestor, directly or via a group."""
    if scope_id is None:
        return False
    held = set(principals(store, user_id))
    return any((access["entity_type"], access["entity_id"]) in held and access["access_type"] == access_type
               for scope in store.scope_ancestry(scope_id) for access in store.scope_accesses(scope["id"]))


def readable_scope_ids(store: Store, assume: dict, user_id: str) -> set[str]:
    """Every scope the user reads: the scopes a read-granting access is on, and everything below them."""
    granting = READ_GRANTING[assume["read_granted_by"]]
    granted = {access["scope_id"] for access in store.accesses_of(principals(store, user_id))
               if access["access_type"] in granting}
    children: dict[str | None, list[str]] = defaultdict(list)
    parents = store.scope_parents()
    for scope_id, parent_id in parents.items():
        children[parent_id].append(scope_id)
    readable, pending = set(), [scope_id for scope_id in granted if scope_id in parents]
    while pending:
        scope_id = pending.pop()
        if scope_id not in readable:
            readable.add(scope_id)
            pending.extend(children[scope_id])
    return readable


def content_read_grants(store: Store, assume: dict, user_id: str, row: dict) -> list[dict]:
    """Why the user may read the content row (empty: may not). Only scope-owned content is shared;
    content a user owns (ownerType USER) is readable by that user alone."""
    if row["owner_type"] == "USER":
        return [{"scopeId": None, "entityType": "USER", "entityId": user_id, "accessType": "OWNER"}] \
            if row["owner_id"] == user_id else []
    if row["owner_type"] != "SCOPE" or not row["owner_id"]:
        return []
    return scope_read_grants(store, assume, user_id, row["owner_id"])


def readable_content_ids(store: Store, assume: dict, user_id: str) -> list[str]:
    """The ids of all contents the user reads, in creation order."""
    scopes = readable_scope_ids(store, assume, user_id)
    return [row["id"] for row in store.content_owners()
            if (row["owner_type"] == "SCOPE" and row["owner_id"] in scopes)
            or (row["owner_type"] == "USER" and row["owner_id"] == user_id)]


# ── the caller's own reads under scope_read=needs_access ─────────────────
def reads_are_checked(assume: dict) -> bool:
    return assume["scope_read"] == "needs_access"


def visible_rows(store: Store, assume: dict, user_id: str, rows: list[dict]) -> list[dict]:
    """Content rows the caller may see: all of them in `open` mode, else only the readable ones."""
    if not reads_are_checked(assume):
        return rows
    scopes = readable_scope_ids(store, assume, user_id)
    return [row for row in rows if (row["owner_type"] == "SCOPE" and row["owner_id"] in scopes)
            or (row["owner_type"] == "USER" and row["owner_id"] == user_id)]
