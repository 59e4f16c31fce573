"""What one sync did, as a readable log line and a machine-readable `SYNC_SUMMARY {json}` line."""

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
    ingested: int = 0
    failed: int = 0
    skipped: int = 0
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
        return payload

    def as_log_line(self) -> str:
        return SUMMARY_PREFIX + json.dumps(self.as_dict(), sort_keys=True)

    def as_text(self) -> str:
        lines = [f"Sync {self.status} ({self.mode or 'no mode'})" + (f": {self.reason}" if self.reason else ""),
                 f"items: total {self.total}, succeeded {self.succeeded}, failed {self.failed}, skipped {self.skipped}"]
        for key, space in sorted(self.spaces.items()):
            lines.append(f"space {key}: new {space.new}, updated {space.updated}, moved {space.moved}, "
                         f"deleted {space.deleted}, ingested {space.ingested}, failed {space.failed}"
                         + (f", content missing for {len(space.missing_content)}" if space.missing_content else ""))
        lines += [f"guard {g['guard']} in {g['space_key']}: {g['action']} ({g['reason']})" for g in self.guards if g["guard"]]
        if self.orphans_removed:
            lines.append(f"orphaned space scopes removed: {', '.join(self.orphans_removed)}")
        return "\n".join(lines)


def parse_summary_line(message: str) -> dict | None:
    """The payload of a `SYNC_SUMMARY {...}` log message, or None for any other message."""
    if not message.startswith(SUMMARY_PREFIX):
        return None
    return json.loads(message[len(SUMMARY_PREFIX):])
