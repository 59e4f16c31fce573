"""Resolvers of the scope-management GraphQL: `me` and `paginatedUsers` (protocol §3.9).

The users live in the store: a fresh database holds the service user (`demo-user`, the identity of
both the in-cluster headers and the `demo-client` client-credentials token) and two people
(`user-alice`, active; `user-bob`, deactivated). Tests and the demo add more with
`POST /__emulator/users`. Groups are not listed here: no group listing is documented.
"""
from __future__ import annotations

from .store import COMPANY_ID, SERVICE_USER_ID, fold_email

__all__ = ["SERVICE_USER_ID", "serialize_user", "RESOLVERS"]


def serialize_user(row: dict) -> dict:
    return {"id": row["id"], "active": bool(row["active"]), "companyId": row["company_id"], "email": row["email"],
            "displayName": row["display_name"]}


def me(_root, info):
    row = info.context.store.get_user(info.context.user_id)
    return {"user": serialize_user(row) if row else {"id": info.context.user_id, "active": True,
                                                      "companyId": COMPANY_ID, "email": None, "displayName": None}}


def paginated_users(_root, info, skip=None, take=None, where=None):
    where = where or {}
    fold = info.context.assume["email_match"] == "case_insensitive"
    matching = [serialize_user(row) for row in info.context.store.all_users() if _matches(row, where, fold)]
    start = skip or 0
    end = None if take is None else start + take
    return {"nodes": matching[start:end], "totalCount": len(matching)}


def _matches(row: dict, where: dict, fold_emails: bool) -> bool:
    for field_name in ("id", "email"):
        user_filter = where.get(field_name) or {}
        normalize = fold_email if field_name == "email" and fold_emails else (lambda value: value)
        value = normalize(row[field_name])
        if user_filter.get("equals") is not None and value != normalize(user_filter["equals"]):
            return False
        if user_filter.get("in") is not None and value not in {normalize(item) for item in user_filter["in"]}:
            return False
    return where.get("active") is None or bool(row["active"]) == where["active"]


RESOLVERS = {("Query", "me"): me, ("Query", "paginatedUsers"): paginated_users}
