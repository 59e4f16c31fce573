"""Airbyte protocol on the bench's side: configured catalogs in, a running tally of stdout out.

The tally never holds the output: a RECORD line is attributed to its stream from the first few
hundred bytes (the CDK serialises `{"type":"RECORD","record":{"stream":…,"data":…}}` with the stream
name ahead of the data), so a sync of hundreds of MB costs the bench little CPU.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

_RECORD_PREFIX = re.compile(rb'^\{\s*"type"\s*:\s*"RECORD"')
_STREAM_NAME = re.compile(rb'"stream"\s*:\s*"((?:[^"\\]|\\.)*)"')
_HEAD_BYTES = 512
MAX_KEPT_ERRORS = 5


@dataclass
class OutputTally:
    """Counts records per stream; keeps the latest state per stream and the first errors."""

    record_inspectors: dict[str, Callable[[dict], None]] = field(default_factory=dict)
    records_per_stream: Counter = field(default_factory=Counter)
    stream_states: dict[str, dict] = field(default_factory=dict)
    other_states: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    non_json_lines: int = 0
    catalog: dict | None = None
    spec: dict | None = None

    def __call__(self, line: bytes) -> None:
        if _RECORD_PREFIX.match(line):
            match = _STREAM_NAME.search(line, 0, _HEAD_BYTES)
            if match and match.group(1).decode() not in self.record_inspectors:
                self.records_per_stream[match.group(1).decode()] += 1
                return
        try:
            message = json.loads(line)
        except ValueError:
            self.non_json_lines += 1
            return
        self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "RECORD":
            record = message["record"]
            self.records_per_stream[record["stream"]] += 1
            inspect = self.record_inspectors.get(record["stream"])
            if inspect:
                inspect(record)
        elif kind == "STATE":
            state = message["state"]
            if state.get("type") == "STREAM":
                self.stream_states[state["stream"]["stream_descriptor"]["name"]] = state
            else:
                self.other_states = [state]
        elif kind == "TRACE" and message["trace"].get("type") == "ERROR":
            self._keep_error(message["trace"]["error"].get("message", "error trace"))
        elif kind == "LOG" and message["log"].get("level") in ("ERROR", "FATAL"):
            self._keep_error(message["log"].get("message", ""))
        elif kind == "CATALOG":
            self.catalog = message["catalog"]
        elif kind == "SPEC":
            self.spec = message["spec"]

    def _keep_error(self, text: str) -> None:
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(text[:500])

    @property
    def total_records(self) -> int:
        return sum(self.records_per_stream.values())

    def state_messages(self) -> list[dict]:
        """The state to resume from: the latest per-stream states (or the latest global/legacy one)."""
        return list(self.stream_states.values()) or self.other_states


def configured_catalog(discovered: dict, incremental_streams: Iterable[str] = (),
                       only_streams: Iterable[str] | None = None, include_files: bool = False) -> dict:
    """Every discovered stream (or `only_streams`): incremental where asked and supported, else full refresh."""
    incremental = set(incremental_streams)
    wanted = set(only_streams) if only_streams is not None else None
    configured = []
    for stream in discovered["streams"]:
        if wanted is not None and stream["name"] not in wanted:
            continue
        is_incremental = stream["name"] in incremental and "incremental" in stream.get("supported_sync_modes", [])
        entry = {
            "stream": stream,
            "sync_mode": "incremental" if is_incremental else "full_refresh",
            "destination_sync_mode": "append_dedup" if is_incremental else "overwrite",
            "cursor_field": stream.get("default_cursor_field") or [],
            "primary_key": stream.get("source_defined_primary_key") or [],
        }
        if include_files and stream.get("is_file_based"):
            entry["include_files"] = True
        configured.append(entry)
    return {"streams": configured}


def incremental_capable(discovered: dict) -> list[str]:
    return [s["name"] for s in discovered["streams"] if "incremental" in s.get("supported_sync_modes", [])]
