"""The root scope: self-grant, existence, ownership mark (protocol §4.2), space scopes, tenant deletion (§4.9).

Every failure here that must stop the sync raises `SyncAborted` before any content is changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from destination_unique.client import UniqueApiError, UniqueClient
from destination_unique.mapping import SpaceRef, ownership_mark, parse_space_scope_external_id, space_scope_external_id
from destination_unique.settings import Settings

logger = logging.getLogger("airbyte")
MAX_ANCESTORS = 50


class SyncAborted(Exception):
    """The sync stopped before changing anything it should not; `reason` names the seed scenario."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class RootScope:
    client: UniqueClient
    settings: Settings
    instance_id: str
    user_id: str = ""
    path: str = ""
    space_scope_ids: dict[str, str] = field(default_factory=dict)  # spaceKey → scope id

    @property
    def mark(self) -> str:
        return ownership_mark(self.settings.instance_type, self.instance_id)

    def prepare(self) -> None:
        """Self-grant, read the root, claim or verify the mark, resolve the root path."""
        root = self.open_root()
        self._claim_or_verify(root)
        self.path = self._resolve_path(root)

    def preflight(self) -> dict:
        """What `check` verifies, with no change but the self-grants `prepare` makes anyway: the root
        exists, is readable after the self-grant, is this instance's or unclaimed, and its path resolves."""
        root = self.open_root()
        current = root.get("externalId")
        if current and current != self.mark:
            raise self._mismatch(root["id"], current)
        self.path = self._resolve_path(root)
        return root

    def open_root(self) -> dict:
        """Self-grant MANAGE, READ and WRITE on the root, then read it (protocol §4.2 steps 1-2)."""
        root_id = self.settings.root_scope_id
        self.user_id = self.client.me()
        refusal = None
        try:
            self.client.grant_scope_access(root_id, self.user_id, ("MANAGE", "READ", "WRITE"))
        except UniqueApiError as error:
            # Gatekeeper may refuse a self-grant; a pre-granted service user still works (protocol §2.2).
            logger.warning(f"Self-grant on root scope {root_id} was refused ({error}); relying on pre-granted access.")
            refusal = error
        try:
            root = self.client.get_scope(root_id)
        except UniqueApiError as error:
            if error.is_refused:
                raise self._access_refused(root_id, error, refusal) from None
            raise
        if root is None:
            if refusal is not None and not refusal.is_not_found:
                raise SyncAborted("root scope not found",
                                  f"Root scope '{root_id}' was not found, and the service user's self-grant on it was "
                                  f"refused ({refusal}): it does not exist, or the service user '{self.user_id}' may "
                                  f"not see it. Check root_scope_id; if it is right, ask a Unique administrator to grant "
                                  f"MANAGE, READ and WRITE on scope '{root_id}' to the service user '{self.user_id}'.")
            raise SyncAborted("root scope not found",
                              f"Root scope '{root_id}' does not exist in Unique. Create it (or fix root_scope_id); the "
                              "connector grants its service user MANAGE, READ and WRITE on it.")
        return root

    def _access_refused(self, scope_id: str, error: UniqueApiError, refusal: UniqueApiError | None,
                        role: str = "the root scope", granted: str = "MANAGE, READ and WRITE") -> SyncAborted:
        """Reading was refused after the self-grant: say what to ask an administrator for."""
        how = (f"its self-grant of {granted} on it was refused ({refusal}), and reading it was refused ({error})"
               if refusal else f"reading it is refused even after granting itself {granted} on it ({error})")
        gatekeeper = "; Unique's Gatekeeper, in enforce mode, refuses self-grants" if refusal else ""
        return SyncAborted("root scope access refused",
                           f"The service user '{self.user_id}' may not read {role} '{scope_id}': {how}. Ask a Unique "
                           f"administrator to grant {granted} on scope '{scope_id}' to the service user "
                           f"'{self.user_id}' (createScopeAccesses, entityType USER){gatekeeper}.")

    def _mismatch(self, root_id: str, current: str) -> SyncAborted:
        return SyncAborted("ownership mismatch",
                           f"Root scope '{root_id}' belongs to '{current}', not to this Confluence instance "
                           f"('{self.mark}'): another Confluence instance owns it. Point root_scope_id at this "
                           "instance's own root scope, or check confluence_instance_type / confluence_instance_id.")

    def _claim_or_verify(self, root: dict) -> None:
        current = root.get("externalId")
        if current == self.mark:
            return
        if current:
            raise self._mismatch(root["id"], current)
        self._migrate_from_previous_root(root["id"])
        updated = self.client.update_scope(root["id"], external_id=self.mark)
        if (updated or {}).get("externalId") != self.mark:
            raise SyncAborted("ownership mismatch", f"Claiming root scope '{root['id']}' did not stick.")
        logger.info(f"Claimed root scope {root['id']} for {self.mark}.")

    def _migrate_from_previous_root(self, new_root_id: str) -> None:
        """If another scope holds our mark (the tenant was re-pointed), move its children here."""
        previous = self.client.find_scope_by_external_id(self.mark)
        if previous is None or previous["id"] == new_root_id:
            return
        children = [child["id"] for child in self.client.child_scopes(previous["id"])]
        if children:
            self.client.bulk_move(children, new_root_id)
        failed = self.client.delete_folder(previous["id"], recursive=False)
        if failed:
            raise SyncAborted("root scope migration failed",
                              f"Moved {len(children)} space scopes from old root '{previous['id']}', but deleting it "
                              f"failed: {failed[0].get('failReason')}")
        logger.info(f"Migrated {len(children)} space scopes from old root scope {previous['id']} to {new_root_id}.")

    def _resolve_path(self, root: dict) -> str:
        """Walk up through parentId, granting READ on each ancestor before reading it (protocol §4.2 step 5).
        An ancestor that cannot be read stops the sync: a truncated path would place scopes elsewhere."""
        names, scope, hops = [root["name"]], root, 0
        while scope.get("parentId") and hops < MAX_ANCESTORS:
            hops += 1
            parent_id, refusal = scope["parentId"], None
            try:
                self.client.grant_scope_access(parent_id, self.user_id, ("READ",))
            except UniqueApiError as error:
                logger.warning(f"READ grant on ancestor scope {parent_id} refused: {error}")
                refusal = error
            try:
                scope = self.client.get_scope(parent_id)
            except UniqueApiError as error:
                if error.is_refused:
                    raise self._access_refused(parent_id, error, refusal, role="the root's ancestor scope",
                                              granted="READ") from None
                raise
            if scope is None:
                raise SyncAborted("root scope access refused",
                                  f"The root scope's ancestor scope '{parent_id}' could not be read (not found"
                                  f"{f'; the READ self-grant on it was refused: {refusal}' if refusal else ''}), so "
                                  f"the root's path cannot be resolved. Ask a Unique administrator to grant the "
                                  f"service user '{self.user_id}' READ on scope '{parent_id}'.")
            names.append(scope["name"])
        return "/" + "/".join(reversed(names))

    # ── space scopes ─────────────────────────────────────────────────
    def ensure_space_scopes(self, spaces: list[SpaceRef]) -> None:
        missing = [space for space in spaces if space.space_key not in self.space_scope_ids]
        if not missing:
            return
        created = self.client.generate_scopes([f"{self.path}/{space.space_key}" for space in missing], inherit_access=True)
        for space, scope in zip(missing, created):
            external_id = space_scope_external_id(self.settings.tenant_name, space.space_id, space.space_key)
            if scope.get("externalId") != external_id:
                self.client.update_scope(scope["id"], external_id=external_id)
            self.space_scope_ids[space.space_key] = scope["id"]

    def space_children(self) -> list[tuple[dict, SpaceRef | None]]:
        return [(child, parse_space_scope_external_id(child.get("externalId"), self.settings.tenant_name))
                for child in self.client.child_scopes(self.settings.root_scope_id)]

    # ── tenant deletion (§4.9) ───────────────────────────────────────
    def delete_tenant(self) -> dict:
        root_id = self.settings.root_scope_id
        self.user_id = self.client.me()
        root = self.client.get_scope(root_id)
        if root is None:
            return {"skipped": "root scope not found"}
        if not root.get("externalId"):
            return {"skipped": "the ownership mark is already cleared (cleanup completed earlier)"}
        if root["externalId"] != self.mark:
            raise SyncAborted("ownership mismatch", f"Root scope '{root_id}' belongs to '{root['externalId']}', "
                                                    f"not to '{self.mark}'; refusing to delete its content.")
        deleted_contents = failures = deleted_scopes = 0
        for child in self.client.child_scopes(root_id):
            try:
                deleted, failed = self.client.delete_contents(self.client.content_ids_owned_by(child["id"]))
                deleted_contents += deleted
                failures += failed
                failed_folders = self.client.delete_folder(child["id"], recursive=True)
                failures += len(failed_folders)
                deleted_scopes += 0 if failed_folders else 1
            except UniqueApiError as error:
                logger.error(f"Deleting space scope {child['id']} failed: {error}")
                failures += 1
        if failures == 0:
            self.client.update_scope(root_id, external_id=None)
        return {"deleted_contents": deleted_contents, "deleted_scopes": deleted_scopes, "failures": failures,
                "mark_cleared": failures == 0}
