"""Confluence principals (from the `users` and `groups` records) and their Unique counterparts.

A Confluence user is known under several names: Cloud `accountId`; Data Center `userKey` (the record
`id`) and `username` (what DC space permissions name). Groups: Cloud id, DC name. `Directory` resolves
any of them to one canonical id (the record's `id`).

Mapping fails closed: users by e-mail (`paginatedUsers`, protocol §3.9; an inactive Unique user or a
hidden e-mail maps to nothing), groups only through the configured table, "all licensed users" and
anonymous access only to the configured group. Whatever does not map gets no grant and is listed in
`PrincipalMap.unmapped` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

EVERYONE_CLASSES = frozenset({"ALL_LICENSED_USERS", "ANONYMOUS"})  # both map to all_users_group_id


@dataclass
class Directory:
    user_alias: dict[str, str] = field(default_factory=dict)     # any name → canonical user id
    user_email: dict[str, str] = field(default_factory=dict)     # canonical id → e-mail (lower case)
    user_name: dict[str, str] = field(default_factory=dict)      # canonical id → display name
    group_alias: dict[str, str] = field(default_factory=dict)    # id or name → canonical group id
    group_name: dict[str, str] = field(default_factory=dict)     # canonical id → name
    members: dict[str, frozenset[str] | None] = field(default_factory=dict)  # None = could not be listed
    groups_of: dict[str, set[str]] = field(default_factory=dict)  # user → groups whose member lists are known

    @classmethod
    def from_records(cls, users: Iterable[Mapping[str, Any]], groups: Iterable[Mapping[str, Any]]) -> "Directory":
        directory = cls()
        for user in users:
            if not user.get("id"):
                continue
            canonical = str(user["id"])
            for alias in (user.get("id"), user.get("accountId"), user.get("username")):
                if alias:
                    directory.user_alias[str(alias)] = canonical
            if user.get("email"):
                directory.user_email[canonical] = str(user["email"]).strip().lower()
            directory.user_name[canonical] = user.get("displayName") or user.get("username") or canonical
        for group in groups:
            if not group.get("id"):
                continue
            canonical = str(group["id"])
            for alias in (group.get("id"), group.get("name")):
                if alias:
                    directory.group_alias[str(alias)] = canonical
            directory.group_name[canonical] = group.get("name") or canonical
            listed = group.get("members")
            if listed is None:
                directory.members[canonical] = None
                continue
            ids = frozenset(directory.user(m.get("id")) for m in listed if isinstance(m, Mapping) and m.get("id"))
            directory.members[canonical] = ids
            for member in ids:
                directory.groups_of.setdefault(member, set()).add(canonical)
        return directory

    def user(self, name: Any) -> str:
        return self.user_alias.get(str(name), str(name))

    def group(self, name: Any) -> str:
        return self.group_alias.get(str(name), str(name))


@dataclass
class PrincipalMap:
    """Canonical Confluence principal → Unique id (users, groups) and the everyone group."""

    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    everyone_group: str | None = None
    unmapped: dict[str, str] = field(default_factory=dict)  # "user:Ann" / "group:eng" → reason

    def note_unmapped(self, kind: str, label: str, reason: str) -> None:
        self.unmapped.setdefault(f"{kind}:{label}", reason)


def map_groups(directory: Directory, table: Mapping[str, str], principal_map: PrincipalMap) -> None:
    for confluence_group, unique_id in table.items():
        principal_map.groups[directory.group(confluence_group)] = unique_id


def map_users(directory: Directory, unique_users_by_email: Mapping[str, Mapping[str, Any]],
              principal_map: PrincipalMap) -> None:
    """`unique_users_by_email`: lower-case e-mail → paginatedUsers node ({id, active, email})."""
    for canonical in directory.user_name:
        email = directory.user_email.get(canonical)
        node = unique_users_by_email.get(email) if email else None
        if node is not None and node.get("active", True):
            principal_map.users[canonical] = str(node["id"])


def explain_unmapped_user(directory: Directory, canonical: str, unique_users_by_email: Mapping[str, Mapping]) -> str:
    if canonical not in directory.user_name:
        return "not in the users stream"
    email = directory.user_email.get(canonical)
    if not email:
        return "no visible e-mail in Confluence"
    node = unique_users_by_email.get(email)
    if node is None:
        return f"no Unique user with e-mail {email}"
    return "inactive in Unique"
