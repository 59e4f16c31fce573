"""What one sync did, as a readable log line and a machine-readable `SYNC_SUMMARY {json}` line.

Per space, `new`, `updated`, `moved` and `deleted` count changes made to Unique, each key once:
`new`/`updated` are the keys the diff offered as new/updated that were ingested or attempted (a failed
attempt is also in `failed`); `moved` are keys whose url alone changed (updated in place, no re-upload;
a renamed page that is also updated counts as updated); `deleted` are the keys the diff deleted.
Items skipped by rule are never among them: `skipped` counts them and `skipped_reasons` says why
(empty body, zero-byte file, file not staged, media type not allowed, size limit, attachments
disabled). The diff offers an item that is always skipped as new on every sync (nothing is stored for
it), so without this split every sync would count it as new again. `offered_new`/`offered_updated`
keep what the diff itself returned (also set when a guard aborts the sync before any change).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SUMMARY_PREFIX = "SYNC_SUMMARY "


@dataclass
class SpaceSummary:
    new: int = 0
    updated: int = 0
    moved: int = 0
    deleted: int = 0
    submitted: int = 0
    offered_new: int = 0
    offered_updated: int = 0
    ingested: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    moved_url_updates: int = 0
    delete_failures: int = 0
    missing_content: list[str] = field(default_factory=list)


@dataclass
class SyncSummary:
    mode: str = ""
    status: str = "running"  # succeeded | aborted | skipped | failed
    reason: str | None = None
    records_per_stream: dict[str, int] = field(default_factory=dict)
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    spaces: dict[str, SpaceSummary] = field(default_factory=dict)
    guards: list[dict] = field(default_factory=list)
    orphans_removed: list[str] = field(default_factory=list)
    orphan_failures: list[str] = field(default_factory=list)
    tenant_deletion: dict | None = None
    states_emitted: int = 0
    states_withheld: int = 0
    access: dict | None = None  # access mirroring (access/mirror.py): placements, grants, unmapped principals

    def space(self, space_key: str) -> SpaceSummary:
        return self.spaces.setdefault(space_key, SpaceSummary())

    def as_dict(self) -> dict[str, Any]:
        payload = {name: value for name, value in self.__dict__.items() if name != "spaces"}
        payload["spaces"] = {key: dict(space.__dict__) for key, space in sorted(self.spaces.items())}
        if self.access is None:   # access mode inherit: the summary stays as it was
            del payload["access"]
        return payload

    def as_log_line(self) -> str:
        return SUMMARY_PREFIX + json.dumps(self.as_dict(), sort_keys=True)

    def as_text(self) -> str:
        lines = [f"Sync {self.status} ({self.mode or 'no mode'})" + (f": {self.reason}" if self.reason else ""),
                 f"items: total {self.total}, succeeded {self.succeeded}, failed {self.failed}, "
                 f"skipped by rule {self.skipped}{describe_reasons(self.skipped_reasons)}"]
        for key, space in sorted(self.spaces.items()):
            lines.append(f"space {key}: new {space.new}, updated {space.updated}, moved {space.moved}, "
                         f"deleted {space.deleted}, ingested {space.ingested}, failed {space.failed}, "
                         f"skipped by rule {space.skipped}{describe_reasons(space.skipped_reasons)}"
                         + (f", content missing for {len(space.missing_content)}" if space.missing_content else ""))
        lines += [f"guard {g['guard']} in {g['space_key']}: {g['action']} ({g['reason']})" for g in self.guards if g["guard"]]
        if self.orphans_removed:
            lines.append(f"orphaned space scopes removed: {', '.join(self.orphans_removed)}")
        if self.access:
            access = self.access
            lines.append(f"access (mirror): {access.get('items_unrestricted', 0)} unrestricted, "
                         f"{access.get('items_restricted', 0)} restricted, {access.get('items_unavailable', 0)} "
                         f"service-only (audience unknown); {access.get('moved', 0)} moved between scopes; "
                         f"unmapped: {access.get('unmapped_users', 0)} users, {access.get('unmapped_groups', 0)} groups")
        return "\n".join(lines)


def describe_reasons(reasons: dict[str, int]) -> str:
    """{"empty body": 3, "zero-byte file": 1} → " (empty body 3, zero-byte file 1)"; {} → ""."""
    return " (" + ", ".join(f"{reason} {count}" for reason, count in sorted(reasons.items())) + ")" if reasons else ""


def parse_summary_line(message: str) -> dict | None:
    """The payload of a `SYNC_SUMMARY {...}` log message, or None for any other message."""
    if not message.startswith(SUMMARY_PREFIX):
        return None
    return json.loads(message[len(SUMMARY_PREFIX):])
