"""One sync's access mirroring: read the access records, map principals, place every item of every
space in the scope of its audience, keep each scope's grants exact (layout.py for the scopes).

Order, chosen so that nothing is ever readable by more people than Confluence allows:
  1. `prepare`: directory, user mapping (paginatedUsers), each space's readers, each item's levels;
  2. `place`: containers stripped of every grant but the service user's; audience scopes created and
     their grants made exact; stored items whose audience changed moved there (contentUpdate ownerId —
     bytes are not re-ingested); a failed move deletes the item (the diff offers it again next sync);
  3. ingestion puts new and updated items straight into their audience scope (`scope_for`);
  4. `finish`: audience scopes no item uses any more are deleted (or, if that fails, stripped).
An item whose audience cannot be computed — no content_restrictions record, its read restriction or an
ancestor's unavailable, its space's permissions unavailable — goes to `service-only` and the summary
says why.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from destination_unique.access.audience import Grant, Readers, grants_for, referenced
from destination_unique.access.layout import SERVICE_ONLY_SCOPE, SPACE_SCOPE, audience_scope_name, is_managed_name
from destination_unique.access.principals import (
    EVERYONE_CLASSES, Directory, PrincipalMap, explain_unmapped_user, map_groups, map_users,
)
from destination_unique.client import UniqueApiError, UniqueClient
from destination_unique.mapping import SpaceRef, space_scope_external_id
from destination_unique.root_scope import RootScope, SyncAborted
from destination_unique.settings import Settings
from destination_unique.spool import NO_SPACE, Spool
from destination_unique.summary import SyncSummary

logger = logging.getLogger("airbyte")
RESTRICTIONS_STREAM, PERMISSIONS_STREAM = "content_restrictions", "space_permissions"
MAX_NAMED = 100


@dataclass(frozen=True)
class ItemAccess:
    levels: tuple[Readers, ...] | None   # None: unavailable
    reason: str | None = None
    space_key: str | None = None


@dataclass
class Placement:
    scope_name: str
    grants: frozenset[Grant]
    kind: str               # unrestricted | restricted | unavailable
    reason: str | None = None


def space_readers(records: Iterable[Mapping[str, Any]], directory: Directory) -> Readers:
    """The "view space" grants among space_permissions records (Cloud v2 and Data Center shapes)."""
    users, groups, classes = set(), set(), set()
    for record in records:
        operation = record.get("operation") or {}
        key = operation.get("key") or operation.get("operationKey") or record.get("operationKey")
        target = operation.get("targetType") or record.get("targetType")
        if key != "read" or target != "space":
            continue
        principal = record.get("principal") or {}
        kind = principal.get("type") or record.get("subjectType")
        name = principal.get("id") or record.get("subjectName")
        if kind == "user" and name:
            users.add(directory.user(name))
        elif kind == "group" and name:
            groups.add(directory.group(name))
        elif kind == "access-class" and name:
            classes.add(str(name))
        elif kind == "anonymous":
            classes.add("ANONYMOUS")
        elif kind:
            classes.add(f"{kind}:{name}")
    return Readers(frozenset(users), frozenset(groups), frozenset(classes))


def item_access(record: Mapping[str, Any], directory: Directory) -> ItemAccess:
    space_key = record.get("spaceKey")
    if record.get("readRestrictionsKnown") is not True:
        unresolved = record.get("unresolvedAncestorIds") or []
        reason = (f"an ancestor ({unresolved[0]}) is not in the restrictions listing" if unresolved
                  else "its read restriction (or an ancestor's) could not be read")
        return ItemAccess(None, reason, space_key)

    def level(principals: Mapping[str, Any]) -> Readers:
        return Readers(frozenset(directory.user(u) for u in principals.get("users") or []),
                       frozenset(directory.group(g) for g in principals.get("groups") or []))
    levels = []
    own = record.get("ownRead") or {}
    if own.get("users") or own.get("groups"):
        levels.append(level(own))
    levels += [level(inherited) for inherited in record.get("inheritedRead") or []]
    return ItemAccess(tuple(levels), None, space_key)


def page_id_of(relative_key: str) -> str:
    return relative_key.split("::", 1)[0]


@dataclass
class AccessMirror:
    client: UniqueClient
    settings: Settings
    root: RootScope
    spool: Spool
    summary: SyncSummary
    directory: Directory = field(default_factory=Directory)
    principals: PrincipalMap = field(default_factory=PrincipalMap)
    readers: dict[str, Readers] = field(default_factory=dict)        # spaceKey → readers
    items: dict[str, ItemAccess] = field(default_factory=dict)       # page / blog post id → access
    _targets: dict[tuple[str, str], Placement] = field(default_factory=dict)
    _scope_ids: dict[tuple[str, str], str] = field(default_factory=dict)   # (spaceKey, scope name) → id
    _containers: dict[str, str] = field(default_factory=dict)              # spaceKey → container id
    _grants_cache: dict[tuple, frozenset[Grant]] = field(default_factory=dict)
    stats: Counter = field(default_factory=Counter)
    unavailable: dict[str, list[str]] = field(default_factory=dict)        # reason → keys

    # ── 1. what the source says ──────────────────────────────────────
    def prepare(self) -> None:
        self._refuse_shared_root()
        self.directory = Directory.from_records((r.data for r in self.spool.records("users", NO_SPACE)),
                                                (r.data for r in self.spool.records("groups", NO_SPACE)))
        self.principals = PrincipalMap(everyone_group=self.settings.access.all_users_group_id)
        map_groups(self.directory, self.settings.access.group_mapping, self.principals)
        emails = self.directory.user_email.values()
        try:
            unique_users = self.client.users_by_email(emails)
        except UniqueApiError as error:
            raise SyncAborted("access mapping failed",
                              f"Listing Unique users by e-mail (paginatedUsers) failed, so no access could be "
                              f"mirrored and nothing was changed: {error}") from None
        self._unique_users = unique_users
        map_users(self.directory, unique_users, self.principals)
        for space in self.spool.spaces([PERMISSIONS_STREAM]):
            self.readers[space.space_key] = space_readers((r.data for r in self.spool.records(PERMISSIONS_STREAM, space)),
                                                          self.directory)
        for space in self.spool.spaces([RESTRICTIONS_STREAM]):
            for spooled in self.spool.records(RESTRICTIONS_STREAM, space):
                if spooled.data.get("id") is not None:
                    self.items[str(spooled.data["id"])] = item_access(spooled.data, self.directory)

    def _refuse_shared_root(self) -> None:
        """READ on the root reaches every scope below it: while anyone but the service user holds an
        access there, no per-audience scope could narrow anything. Refuse before changing anything."""
        root = self.client.scopes_with_accesses([self.root.path])[0]
        others = sorted({f"{a['entityType']} {a['entityId']} ({a['type']})" for a in root.get("scopeAccess") or []
                         if a["entityId"] != self.root.user_id})
        if others:
            raise SyncAborted("root scope shared",
                              f"access.mode is 'mirror', but the root scope {self.root.path} grants access to "
                              f"{', '.join(others[:10])}; access on the root reaches every space, so mirroring could "
                              "not narrow anything. Remove those accesses (only the service user may hold access on "
                              "the root scope and its ancestors), or use access.mode 'inherit'. Nothing was changed.")

    def described_spaces(self) -> list[SpaceRef]:
        """Spaces the access records describe (they are always full refresh), one per key."""
        found = {space.space_key: space for space in self.spool.spaces([PERMISSIONS_STREAM, RESTRICTIONS_STREAM])}
        return [found[key] for key in sorted(found)]

    # ── 2. where each item belongs ───────────────────────────────────
    def placement(self, space_key: str, relative_key: str) -> Placement:
        cached = self._targets.get((space_key, relative_key))
        if cached is not None:
            return cached
        space = self.readers.get(space_key)
        access = self.items.get(page_id_of(relative_key))
        if space is None:
            placement = Placement(SERVICE_ONLY_SCOPE, frozenset(), "unavailable",
                                  "the space's permissions are not in the space_permissions records")
        elif access is None:
            placement = Placement(SERVICE_ONLY_SCOPE, frozenset(), "unavailable",
                                  "no content_restrictions record for its page")
        elif access.levels is None:
            placement = Placement(SERVICE_ONLY_SCOPE, frozenset(), "unavailable", access.reason)
        elif access.space_key and access.space_key != space_key:
            placement = Placement(SERVICE_ONLY_SCOPE, frozenset(), "unavailable",
                                  "its page now lives in another space (removed from this one by the diff)")
        elif not access.levels:
            placement = Placement(SPACE_SCOPE, self._grants(space_key, space, ()), "unrestricted")
        else:
            grants = self._grants(space_key, space, access.levels)
            placement = Placement(audience_scope_name(grants), grants, "restricted")
        self._targets[(space_key, relative_key)] = placement
        return placement

    def _grants(self, space_key: str, space: Readers, levels: tuple[Readers, ...]) -> frozenset[Grant]:
        key = (space_key, levels)
        if key not in self._grants_cache:
            self._grants_cache[key] = grants_for(space, levels, self.directory, self.principals)
        return self._grants_cache[key]

    def place(self, spaces: list[SpaceRef], work: Mapping[str, Iterable[str]]) -> None:
        """Scopes and grants for `spaces`, and every stored item moved to its audience's scope.
        `work`: spaceKey → relative keys about to be ingested (they get a scope too)."""
        self._ensure_containers(spaces)
        stored: dict[str, list[dict]] = {}
        for space in spaces:
            partial = space.partial_key(self.settings.tenant_name)
            stored[space.space_key] = [dict(node, relative=node["key"][len(partial):])
                                       for node in self.client.contents_with_prefix(partial)]
            for node in stored[space.space_key]:
                self.placement(space.space_key, node["relative"])
            for key in work.get(space.space_key, ()):
                self.placement(space.space_key, key)
        self._ensure_audience_scopes(spaces)
        for space in spaces:
            for node in stored[space.space_key]:
                self._move(space.space_key, node)
        self._count_items()

    def scope_for(self, space_key: str, relative_key: str) -> str:
        return self._scope_ids[(space_key, self.placement(space_key, relative_key).scope_name)]

    def _ensure_containers(self, spaces: list[SpaceRef]) -> None:
        paths = [f"{self.root.path}/{space.space_key}" for space in spaces]
        for space, scope in zip(spaces, self.client.scopes_with_accesses(paths)):
            external_id = space_scope_external_id(self.settings.tenant_name, space.space_id, space.space_key)
            if scope.get("externalId") != external_id:
                self.client.update_scope(scope["id"], external_id=external_id)
            self.root.space_scope_ids[space.space_key] = scope["id"]
            self._containers[space.space_key] = scope["id"]
            self._make_exact(scope, frozenset())

    def _ensure_audience_scopes(self, spaces: list[SpaceRef]) -> None:
        wanted: dict[tuple[str, str], frozenset[Grant]] = {}
        for space in spaces:
            wanted[(space.space_key, SPACE_SCOPE)] = self._grants(space.space_key, self.readers[space.space_key], ()) \
                if space.space_key in self.readers else frozenset()
        for (space_key, _), placement in self._targets.items():
            wanted[(space_key, placement.scope_name)] = placement.grants
        ordered = sorted(wanted)
        scopes = self.client.scopes_with_accesses([f"{self.root.path}/{key}/{name}" for key, name in ordered])
        for slot, scope in zip(ordered, scopes):
            self._scope_ids[slot] = scope["id"]
            self._make_exact(scope, wanted[slot])
            self.stats["audience_scopes"] += 1

    def _make_exact(self, scope: Mapping[str, Any], grants: frozenset[Grant]) -> None:
        """Grants become exactly READ for `grants`, plus whatever the service user holds."""
        service_user = self.root.user_id
        current = {(a["entityType"], a["entityId"], a["type"]) for a in scope.get("scopeAccess") or []}
        desired = {(kind, entity, "READ") for kind, entity in grants}
        extra = [a for a in current - desired if a[1] != service_user]
        missing = desired - current
        self.client.change_scope_accesses(scope["id"], [
            {"entityType": kind, "entityId": entity, "accessType": access} for kind, entity, access in sorted(extra)],
            add=False)
        self.client.change_scope_accesses(scope["id"], [
            {"entityType": kind, "entityId": entity, "accessType": access} for kind, entity, access in sorted(missing)],
            add=True)
        self.stats["grants_removed"] += len(extra)
        self.stats["grants_added"] += len(missing)

    def _move(self, space_key: str, node: Mapping[str, Any]) -> None:
        target = self.scope_for(space_key, node["relative"])
        if node.get("ownerId") == target:
            return
        try:
            self.client.move_content(node["id"], target)
            self.stats["moved"] += 1
        except UniqueApiError as error:
            self.stats["move_failures"] += 1
            deleted, _ = self.client.delete_contents([node["id"]])
            logger.error(f"Moving {node['key']} to its audience's scope failed ({error}); "
                         + ("it was deleted and will be ingested again next sync." if deleted
                            else "deleting it failed too: it may be readable by its previous audience."))

    def _count_items(self) -> None:
        for (space_key, key), placement in self._targets.items():
            self.stats[f"items_{placement.kind}"] += 1
            if placement.reason:
                self.unavailable.setdefault(placement.reason, []).append(f"{space_key}/{key}")

    # ── 4. after ingestion and deletions ─────────────────────────────
    def finish(self) -> None:
        used = set(self._scope_ids)
        for space_key, container_id in self._containers.items():
            for child in self.client.child_scopes(container_id):
                if (space_key, child["name"]) in used or not is_managed_name(child["name"]):
                    continue
                failed = self.client.delete_folder(child["id"], recursive=False)
                if not failed:
                    self.stats["audience_scopes_removed"] += 1
                    continue
                logger.warning(f"Audience scope {space_key}/{child['name']} is no longer used but could not be "
                               f"removed ({failed[0].get('failReason')}); its grants are removed instead.")
                scope = self.client.scopes_with_accesses([f"{self.root.path}/{space_key}/{child['name']}"])[0]
                self._make_exact(scope, frozenset())
        self._report()

    def _report(self) -> None:
        levels = {level for access in self.items.values() if access.levels for level in access.levels}
        users, groups, classes = referenced(Readers(), levels)
        for readers in self.readers.values():
            users |= readers.users
            groups |= readers.groups
            classes |= readers.classes
        for user in sorted(users - set(self.principals.users)):
            label = self.directory.user_name.get(user, user)
            self.principals.note_unmapped("user", label, explain_unmapped_user(self.directory, user, self._unique_users))
        for group in sorted(groups - set(self.principals.groups)):
            self.principals.note_unmapped("group", self.directory.group_name.get(group, group),
                                          "not in access.group_mapping")
        for access_class in sorted(classes):
            if access_class in EVERYONE_CLASSES and self.principals.everyone_group:
                continue
            self.principals.note_unmapped("class", access_class, "access.all_users_group_id is not set"
                                          if access_class in EVERYONE_CLASSES else "access class not mirrored")
        unmapped = self.principals.unmapped
        self.summary.access = {
            "mode": "mirror", **dict(sorted(self.stats.items())),
            "mapped_users": len(self.principals.users), "mapped_groups": len(self.principals.groups),
            "unmapped_users": sum(1 for name in unmapped if name.startswith("user:")),
            "unmapped_groups": sum(1 for name in unmapped if name.startswith("group:")),
            "unmapped_classes": sum(1 for name in unmapped if name.startswith("class:")),
            "unmapped": dict(list(sorted(unmapped.items()))[:MAX_NAMED]),
            "unavailable": {reason: {"count": len(keys), "examples": sorted(keys)[:5]}
                            for reason, keys in sorted(self.unavailable.items())},
            "spaces_without_permissions": sorted(set(self._containers) - set(self.readers)),
        }
        if unmapped:
            logger.warning(f"Access: {len(unmapped)} Confluence principals have no Unique counterpart and get no "
                           f"grants: {', '.join(list(sorted(unmapped))[:10])}{' …' if len(unmapped) > 10 else ''}")
        for reason, keys in sorted(self.unavailable.items()):
            logger.warning(f"Access: {len(keys)} items are readable only by the service user because {reason} "
                           f"(e.g. {', '.join(sorted(keys)[:3])}).")
