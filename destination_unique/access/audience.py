"""Who may read an item, as Unique grants (pure; no I/O).

Confluence's rule: a person reads an item when the space lets them view it AND, at every restricted
level (the item's own read restriction and each ancestor's), they are named or in a named group. A
child can only narrow. So the readers are  space ∩ level₁ ∩ … ∩ levelₙ, each a union of principals.

Unique grants reach principals, not intersections, so an item's grants are:
  * a mapped group, when ALL its members are inside every set (named there, or — with a known member
    list — each member inside on their own);
  * a mapped user inside every set who is not already covered by a granted group;
  * the everyone group (all licensed users / anonymous), for unrestricted items of a space granting it.
Unknown never counts as inside: a group whose members could not be listed lets nobody in through it,
and an access class we cannot evaluate (product admins, roles) lets nobody in.

    space {groups: {eng}}, levels [{users: {ann}, groups: {}}]  (ann in eng, ann mapped to u-ann)
    → grants {("USER", "u-ann")}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from destination_unique.access.principals import EVERYONE_CLASSES, Directory, PrincipalMap


@dataclass(frozen=True)
class Readers:
    """One union of principals (canonical Confluence ids); `classes` holds access classes."""

    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()

    @property
    def is_everyone(self) -> bool:
        return bool(self.classes & EVERYONE_CLASSES)


Grant = tuple[str, str]  # ("USER" | "GROUP", unique id)


def user_inside(user: str, readers: Readers, directory: Directory) -> bool:
    if readers.is_everyone or user in readers.users:
        return True
    return bool(directory.groups_of.get(user, set()) & readers.groups)


def group_inside(group: str, readers: Readers, directory: Directory) -> bool:
    if readers.is_everyone or group in readers.groups:
        return True
    members = directory.members.get(group)
    return bool(members) and all(user_inside(member, readers, directory) for member in members)


def grants_for(space: Readers, levels: Iterable[Readers], directory: Directory,
               principal_map: PrincipalMap) -> frozenset[Grant]:
    sets = [space, *levels]
    grants: set[Grant] = set()
    covered: set[str] = set()
    if len(sets) == 1 and space.is_everyone and principal_map.everyone_group:
        grants.add(("GROUP", principal_map.everyone_group))
        return frozenset(grants)
    for group, unique_id in principal_map.groups.items():
        if all(group_inside(group, readers, directory) for readers in sets):
            grants.add(("GROUP", unique_id))
            covered |= directory.members.get(group) or frozenset()
    for user, unique_id in principal_map.users.items():
        if user not in covered and all(user_inside(user, readers, directory) for readers in sets):
            grants.add(("USER", unique_id))
    return frozenset(grants)


def referenced(space: Readers, levels: Iterable[Readers]) -> tuple[set[str], set[str], set[str]]:
    """(users, groups, classes) named anywhere: what the summary reports when unmapped."""
    users, groups, classes = set(space.users), set(space.groups), set(space.classes)
    for level in levels:
        users |= level.users
        groups |= level.groups
    return users, groups, classes
