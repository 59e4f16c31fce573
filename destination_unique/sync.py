"""One sync cycle over the spooled input (protocol §4.1): diff and guard every space, then change Unique.

Which records are diffed (the "tracked set") depends on the catalog, so that an incremental sync can
never delete what it merely did not re-read:

* `content_index` configured → diff on it (every page, blog post and attachment id, no bodies);
  bodies come from whichever pages/blog_posts/attachments records arrived. A key the diff calls
  new/updated whose body did not arrive is reported, never deleted.
* no `content_index`, and every configured content stream is full_refresh → diff on those records.
* otherwise (incremental without an index) → upsert what arrived; no diff, no deletion, no orphans.

All diffs and guards run before the first change, so a guard in one space leaves every space as it was.
Counts (summary.py): changes per space, each key once; items skipped by rule apart, with the reason.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

from destination_unique.client import UniqueApiError, UniqueClient
from destination_unique.guards import evaluate_guards
from destination_unique.ingestion import FAILED, SUCCEEDED, Ingester, Outcomes, WorkItem, run_pool
from destination_unique.mapping import (
    ATTACHMENT_STREAM, CONTENT_INDEX_STREAM, PAGE_STREAMS, SpaceRef, attachment_document, attachment_rejection,
    diff_entry, item_kind, page_body, page_document, relative_key,
)
from destination_unique.root_scope import RootScope, SyncAborted
from destination_unique.settings import Settings
from destination_unique.spool import Spool
from destination_unique.summary import SyncSummary

logger = logging.getLogger("airbyte")
CONTENT_STREAMS = (*PAGE_STREAMS, ATTACHMENT_STREAM)
MODE_CONTENT_INDEX, MODE_FULL_REFRESH, MODE_UPSERT_ONLY = "content_index", "full_refresh", "upsert_only"


@dataclass(frozen=True)
class SyncPlan:
    mode: str
    diff_streams: tuple[str, ...]

    @classmethod
    def from_catalog(cls, sync_modes: dict[str, str]) -> "SyncPlan":
        """`sync_modes`: configured stream name → 'full_refresh' | 'incremental'."""
        if CONTENT_INDEX_STREAM in sync_modes:
            return cls(MODE_CONTENT_INDEX, (CONTENT_INDEX_STREAM,))
        content = [name for name in CONTENT_STREAMS if name in sync_modes]
        if content and all(sync_modes[name] == "full_refresh" for name in content):
            return cls(MODE_FULL_REFRESH, tuple(content))
        return cls(MODE_UPSERT_ONLY, ())


@dataclass
class SpaceDiff:
    space: SpaceRef
    submitted: dict[str, dict] = field(default_factory=dict)  # relative key → diff entry
    work: set[str] = field(default_factory=set)
    new: list[str] = field(default_factory=list)         # offered as new by the diff
    updated: list[str] = field(default_factory=list)     # offered as updated (and not new)
    moved: list[str] = field(default_factory=list)       # url changed only: updated in place
    deleted: list[str] = field(default_factory=list)


class ContentSync:
    def __init__(self, client: UniqueClient, settings: Settings, root: RootScope, spool: Spool, plan: SyncPlan,
                 summary: SyncSummary, access=None):
        self._client, self._settings, self._root = client, settings, root
        self._spool, self._plan, self._summary = spool, plan, summary
        self._access = access  # access.mirror.AccessMirror in access mode `mirror`, else None (inherit)
        self._tenant = settings.tenant_name
        self.outcomes = Outcomes()
        self._delivered: set[tuple[str, str]] = set()  # (spaceKey, relative key) whose content arrived

    def run(self) -> None:
        self._root.prepare()
        if self._plan.mode == MODE_UPSERT_ONLY:
            spaces = self._spool.spaces(CONTENT_STREAMS)
            diffs = {space.space_key: SpaceDiff(space) for space in spaces}
        else:
            diffs = self._diff_all_spaces()
        if self._access is None:
            self._root.ensure_space_scopes([d.space for d in diffs.values() if d.work or self._plan.mode == MODE_UPSERT_ONLY])
        else:
            self._access.prepare()
            spaces = [d.space for d in diffs.values()]
            if self._plan.mode == MODE_UPSERT_ONLY:  # incremental: a space without new records may have new permissions
                spaces += [s for s in self._access.described_spaces() if s.space_key not in diffs]
            self._access.place(spaces, self._work_keys(diffs))
        self._ingest(diffs, PAGE_STREAMS, "pages")
        if self._settings.attachments_enabled:
            self._ingest(diffs, (ATTACHMENT_STREAM,), "attachments")
        self._report_missing_content(diffs)
        if self._plan.mode != MODE_UPSERT_ONLY:
            self._update_moved_urls(diffs)
            self._delete(diffs)
            self._remove_orphans({d.space.space_key for d in diffs.values()})
        if self._access is not None:
            self._access.finish()
        self._tally(diffs)

    def _work_keys(self, diffs: dict[str, SpaceDiff]) -> dict[str, list[str]]:
        """Relative keys each space will ingest (upsert-only: every record that arrived)."""
        if self._plan.mode != MODE_UPSERT_ONLY:
            return {key: sorted(d.work) for key, d in diffs.items()}
        return {key: [relative_key(item_kind(stream, spooled.data), spooled.data)
                      for stream in CONTENT_STREAMS for spooled in self._spool.records(stream, d.space)]
                for key, d in diffs.items()}

    def _tally(self, diffs: dict[str, SpaceDiff]) -> None:
        """Changes per space count keys that were ingested or attempted; items skipped by rule (at
        ingestion, or filtered out before the diff) are counted apart with their reasons."""
        outcome_of = self.outcomes.by_key
        all_reasons: Counter = Counter()
        for space_key, space_diff in diffs.items():
            stats = self._summary.space(space_key)
            per_space = self.outcomes.per_space.get(space_key, Counter())
            if self._plan.mode != MODE_UPSERT_ONLY:
                attempted = {key for key in space_diff.work if outcome_of.get((space_key, key)) in (SUCCEEDED, FAILED)}
                stats.new = sum(1 for key in space_diff.new if key in attempted)
                stats.updated = sum(1 for key in space_diff.updated if key in attempted)
            reasons = Counter(self.outcomes.skip_reasons.get(space_key, {})) + self._filtered_by_rule(space_diff.space)
            stats.ingested, stats.failed = per_space[SUCCEEDED], per_space[FAILED]
            stats.skipped, stats.skipped_reasons = sum(reasons.values()), dict(sorted(reasons.items()))
            all_reasons += reasons
        counts = self.outcomes.counts
        self._summary.succeeded, self._summary.failed = counts[SUCCEEDED], counts[FAILED]
        self._summary.skipped, self._summary.skipped_reasons = sum(all_reasons.values()), dict(sorted(all_reasons.items()))
        self._summary.total = self._summary.succeeded + self._summary.failed + self._summary.skipped

    def _filtered_by_rule(self, space: SpaceRef) -> Counter:
        """Attachments that arrived but are filtered out before the diff (media type, size, disabled), once per key."""
        reasons: dict[str, str] = {}
        for spooled in self._spool.records(ATTACHMENT_STREAM, space):
            reason = attachment_rejection(spooled.data, self._settings)
            if reason:
                reasons.setdefault(relative_key("attachment", spooled.data), reason)
        return Counter(_reason_kind(reason) for reason in reasons.values())

    # ── diff and guards ──────────────────────────────────────────────
    def _spaces_to_diff(self) -> list[SpaceRef]:
        """Spaces with tracked content, plus spaces the `spaces` stream still lists but that brought no
        content: those are diffed with an empty submission, so the zero-submission guard stands between
        their stored content and deletion (a space missing from discovery is not an orphan)."""
        with_content = self._spool.spaces(self._plan.diff_streams)
        seen = {space.space_key for space in with_content}
        listed_empty = [ref for key, ref in sorted(self._spool.listed_spaces.items()) if key not in seen]
        return with_content + listed_empty

    def _diff_all_spaces(self) -> dict[str, SpaceDiff]:
        spaces = self._spaces_to_diff()
        page_capacity = self._settings.max_items_to_scan
        attachment_capacity = None if page_capacity is None else page_capacity - min(
            page_capacity, sum(self._count_entries(space, "page") for space in spaces))
        diffs: dict[str, SpaceDiff] = {}
        aborts = []
        for space in spaces:
            space_diff = SpaceDiff(space)
            for kind in ("page", "attachment"):
                for entry in self._tracked_entries(space, kind):
                    capacity = page_capacity if kind == "page" else attachment_capacity
                    if capacity is not None and entry["key"] not in space_diff.submitted:
                        if capacity <= 0:
                            continue
                        if kind == "page":
                            page_capacity -= 1
                        else:
                            attachment_capacity -= 1
                    space_diff.submitted[entry["key"]] = entry
            decision = self._diff_space(space_diff)
            self._summary.guards.append(decision.as_dict())
            diffs[space.space_key] = space_diff
            if decision.action == "abort":
                aborts.append(decision)
            elif decision.action == "warn":
                logger.warning(f"Space {space.space_key}: {decision.guard}: {decision.reason}; proceeding.")
        if aborts:
            first = aborts[0]
            raise SyncAborted("accidental full deletion detected",
                              f"{first.guard} fired for space {first.space_key}: {first.reason}. Nothing was changed. "
                              "To remove a tenant's content on purpose set tenant_status to 'deleted'.")
        return diffs

    def _diff_space(self, space_diff: SpaceDiff):
        space = space_diff.space
        partial = space.partial_key(self._tenant)
        result = self._client.file_diff(partial, self._settings.source_kind, self._settings.confluence_base_url,
                                        list(space_diff.submitted.values()))
        submitted = space_diff.submitted
        space_diff.work = {key for key in result["newFiles"] + result["updatedFiles"] if key in submitted}
        space_diff.new = list(dict.fromkeys(key for key in result["newFiles"] if key in submitted))
        offered_new = set(space_diff.new)
        space_diff.updated = [key for key in dict.fromkeys(result["updatedFiles"])
                              if key in submitted and key not in offered_new]
        space_diff.moved = [key for key in result["movedFiles"] if key in submitted and key not in space_diff.work]
        space_diff.deleted = list(result["deletedFiles"])
        stats = self._summary.space(space.space_key)
        stats.submitted, stats.offered_new, stats.offered_updated = (len(submitted), len(result["newFiles"]),
                                                                     len(result["updatedFiles"]))
        stats.moved, stats.deleted = len(space_diff.moved), len(space_diff.deleted)
        return evaluate_guards(space.space_key, submitted.keys(), result["newFiles"], result["deletedFiles"],
                               lambda: self._client.count_with_prefix(partial))

    def _tracked_entries(self, space: SpaceRef, kind: str) -> Iterator[dict]:
        if self._plan.mode == MODE_CONTENT_INDEX:
            rejected = self._rejected_attachments(space) if kind == "attachment" else set()
            for spooled in self._spool.records(CONTENT_INDEX_STREAM, space):
                if item_kind(CONTENT_INDEX_STREAM, spooled.data) != kind:
                    continue
                if kind == "attachment" and not self._settings.attachments_enabled:
                    continue
                entry = diff_entry(kind, spooled.data)
                if entry["key"] not in rejected:
                    yield entry
            return
        streams = PAGE_STREAMS if kind == "page" else (ATTACHMENT_STREAM,)
        for stream in (s for s in streams if s in self._plan.diff_streams):
            for spooled in self._spool.records(stream, space):
                if kind == "attachment" and attachment_rejection(spooled.data, self._settings):
                    continue
                yield diff_entry(kind, spooled.data)

    def _count_entries(self, space: SpaceRef, kind: str) -> int:
        return sum(1 for _ in self._tracked_entries(space, kind))

    def _rejected_attachments(self, space: SpaceRef) -> set[str]:
        return {relative_key("attachment", spooled.data) for spooled in self._spool.records(ATTACHMENT_STREAM, space)
                if attachment_rejection(spooled.data, self._settings)}

    # ── ingestion ────────────────────────────────────────────────────
    def _ingest(self, diffs: dict[str, SpaceDiff], streams: tuple[str, ...], phase: str) -> None:
        ingester = Ingester(self._client, self._settings)
        run_pool(ingester, self._work_items(diffs, streams), self._root.space_scope_ids,
                 self._settings.concurrency, self.outcomes, phase)

    def _work_items(self, diffs: dict[str, SpaceDiff], streams: tuple[str, ...]) -> Iterator[WorkItem]:
        delivered = self._delivered
        is_upsert_only = self._plan.mode == MODE_UPSERT_ONLY
        for space_diff in diffs.values():
            space = space_diff.space
            for stream in streams:
                for spooled in self._spool.records(stream, space):
                    kind = item_kind(stream, spooled.data)
                    key = relative_key(kind, spooled.data)
                    if (space.space_key, key) in delivered or not (is_upsert_only or key in space_diff.work):
                        continue
                    if kind == "attachment" and attachment_rejection(spooled.data, self._settings):
                        continue
                    delivered.add((space.space_key, key))
                    yield self._work_item(stream, kind, space, key, spooled)

    def _work_item(self, stream: str, kind: str, space: SpaceRef, key: str, spooled) -> WorkItem:
        scope_id = self._access.scope_for(space.space_key, key) if self._access is not None else None
        if kind == "page":
            return WorkItem(stream, space.space_key, key, page_document(spooled.data, self._tenant, self._settings),
                            body=page_body(spooled.data).encode("utf-8"), scope_id=scope_id)
        document = attachment_document(spooled.data, self._tenant, self._settings,
                                       space_name=self._spool.space_names.get(space.space_key, ""))
        return WorkItem(stream, space.space_key, key, document, staged_path=spooled.staged_path, scope_id=scope_id)

    def _report_missing_content(self, diffs: dict[str, SpaceDiff]) -> None:
        delivered = self._delivered
        for space_diff in diffs.values():
            missing = sorted(key for key in space_diff.work if (space_diff.space.space_key, key) not in delivered)
            if missing:
                self._summary.space(space_diff.space.space_key).missing_content = missing
                logger.warning(f"Space {space_diff.space.space_key}: the diff offers {len(missing)} new/updated items "
                               f"whose content did not arrive in this sync (e.g. {missing[:5]}); they are reported, "
                               "not deleted, and offered again next sync.")

    # ── moves, deletions, orphans ────────────────────────────────────
    def _update_moved_urls(self, diffs: dict[str, SpaceDiff]) -> None:
        for space_diff in diffs.values():
            if not space_diff.moved:
                continue
            partial = space_diff.space.partial_key(self._tenant)
            ids = self._client.content_ids_for_keys([partial + key for key in space_diff.moved])
            stats = self._summary.space(space_diff.space.space_key)
            for key in space_diff.moved:
                content_id = ids.get(partial + key)
                if not content_id:
                    continue
                try:
                    self._client.update_content_url(content_id, space_diff.submitted[key]["url"])
                    stats.moved_url_updates += 1
                except UniqueApiError as error:
                    logger.error(f"Updating the url of {partial + key} failed: {error}")

    def _delete(self, diffs: dict[str, SpaceDiff]) -> None:
        for space_diff in diffs.values():
            if not space_diff.deleted:
                continue
            partial = space_diff.space.partial_key(self._tenant)
            stats = self._summary.space(space_diff.space.space_key)
            try:
                ids = self._client.content_ids_for_keys([partial + key for key in space_diff.deleted])
            except UniqueApiError as error:
                logger.error(f"Space {space_diff.space.space_key}: resolving deleted keys failed: {error}")
                stats.delete_failures += len(space_diff.deleted)
                continue
            if not ids:
                logger.warning(f"Space {space_diff.space.space_key}: none of the {len(space_diff.deleted)} deleted keys "
                               "is stored any more; nothing deleted.")
                continue
            deleted, failed = self._client.delete_contents(list(ids.values()))
            stats.delete_failures += failed
            logger.info(f"Space {space_diff.space.space_key}: deleted {deleted} items, {failed} failed.")

    def _remove_orphans(self, discovered_keys: set[str]) -> None:
        if not discovered_keys:
            logger.warning("Discovery found no space at all; orphaned space cleanup is skipped (protects against outages).")
            return
        for child, parsed in self._root.space_children():
            if parsed is None:
                logger.warning(f"Child scope {child['id']} ({child.get('name')}) has no parseable externalId; left alone.")
                continue
            if parsed.space_key in discovered_keys:
                continue
            try:
                self._delete_prefix(parsed.partial_key(self._tenant))
                # mirror mode: the space container holds its (now empty) audience scopes
                failed = self._client.delete_folder(child["id"], recursive=self._access is not None)
                if failed:
                    raise UniqueApiError("deleteFolder", failed[0].get("failReason") or "failed")
                self._summary.orphans_removed.append(parsed.space_key)
            except UniqueApiError as error:
                logger.error(f"Removing orphaned space {parsed.space_key} failed: {error}")
                self._summary.orphan_failures.append(parsed.space_key)

    def _delete_prefix(self, prefix: str) -> None:
        while True:
            ids = self._client.first_ids_with_prefix(prefix)
            if not ids:
                return
            deleted, failed = self._client.delete_contents(ids)
            if deleted == 0:
                raise UniqueApiError("contentDeleteByContentIds", f"{failed} items under {prefix} could not be deleted")


def _reason_kind(reason: str) -> str:
    """Groups filter reasons: "media type image/gif is not allowed" → "media type not allowed"."""
    if reason.startswith("media type "):
        return "media type not allowed"
    if reason.endswith("exceed the size limit"):
        return "larger than max_file_size_mb"
    return reason
