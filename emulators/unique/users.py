"""Resolvers of the scope-management GraphQL: `me` and `paginatedUsers` (protocol §3.9).

The company has one service user (`demo-user`, the identity of both the in-cluster headers and
the `demo-client` client-credentials token) and two people.
"""
from __future__ import annotations

from .store import COMPANY_ID

SERVICE_USER_ID = "demo-user"

USERS = (
    {"id": SERVICE_USER_ID, "active": True, "companyId": COMPANY_ID, "email": "confluence-connector@service.example.com",
     "displayName": "Confluence connector (service user)"},
    {"id": "user-alice", "active": True, "companyId": COMPANY_ID, "email": "alice@example.com", "displayName": "Alice"},
    {"id": "user-bob", "active": False, "companyId": COMPANY_ID, "email": "bob@example.com", "displayName": "Bob"},
)


def me(_root, info):
    user = next((user for user in USERS if user["id"] == info.context.user_id), None)
    return {"user": user or {"id": info.context.user_id, "active": True, "companyId": COMPANY_ID,
                             "email": None, "displayName": None}}


def paginated_users(_root, info, skip=None, take=None, where=None):
    where = where or {}
    matching = [user for user in USERS if _matches(user, where)]
    start = skip or 0
    end = None if take is None else start + take
    return {"nodes": matching[start:end], "totalCount": len(matching)}


def _matches(user: dict, where: dict) -> bool:
    for field_name in ("id", "email"):
        user_filter = where.get(field_name) or {}
        if "equals" in user_filter and user[field_name] != user_filter["equals"]:
            return False
        if user_filter.get("in") is not None and user[field_name] not in user_filter["in"]:
            return False
    return where.get("active") is None or user["active"] == where["active"]


RESOLVERS = {("Query", "me"): me, ("Query", "paginatedUsers"): paginated_users}
