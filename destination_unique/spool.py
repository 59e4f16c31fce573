"""Records spooled to disk while the input arrives, one JSONL file per (stream, space).

A sync can carry more page bodies than fit in memory, and the diff of a space can only run once all
of its records are in (protocol §11.4). So every record is appended to its file, bodies included;
attachment bytes stay where Airbyte file transfer staged them (`file_reference.staging_file_url`),
and only their path is spooled. Memory holds counters and space names, never records.

    spool.add("pages", {"id": "42", "spaceId": "7", "spaceKey": "ENG", ...}, file_reference=None)
    list(spool.records("pages", SpaceRef("7", "ENG")))  →  [SpooledRecord(data={...}, staged_path=None)]
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Mapping

from destination_unique.mapping import SpaceRef, space_of, staged_file_path

DIRECTORY_STREAMS = ("users", "groups")   # kept (under NO_SPACE) for access mirroring; other space-less records are counted only
NO_SPACE = SpaceRef("", "")


@dataclass(frozen=True)
class SpooledRecord:
    data: dict[str, Any]
    staged_path: str | None


class Spool:
    def __init__(self, directory: Path, keep_directory_records: bool = False):
        self._directory = directory
        self._keep_directory_records = keep_directory_records
        self._directory.mkdir(parents=True, exist_ok=True)
        self._paths: dict[tuple[str, SpaceRef], Path] = {}
        self._handles: dict[tuple[str, SpaceRef], IO[str]] = {}
        self.records_per_stream: Counter = Counter()
        self.records_without_space: Counter = Counter()
        self.space_names: dict[str, str] = {}  # spaceKey → name, from `spaces` and page records
        self.listed_spaces: dict[str, SpaceRef] = {}  # spaceKey → ref, from the `spaces` stream

    def add(self, stream: str, data: Mapping[str, Any], file_reference: Mapping[str, Any] | None = None) -> None:
        self.records_per_stream[stream] += 1
        if stream == "spaces":
            if data.get("key"):
                self.space_names[str(data["key"])] = data.get("name") or ""
                if data.get("id"):
                    self.listed_spaces[str(data["key"])] = SpaceRef(str(data["id"]), str(data["key"]))
            return
        space = space_of(data)
        if space is None and stream in DIRECTORY_STREAMS and self._keep_directory_records:
            space = NO_SPACE
        elif space is None:
            self.records_without_space[stream] += 1
            return
        if data.get("spaceName") and space.space_key not in self.space_names:
            self.space_names[space.space_key] = data["spaceName"]
        reference = file_reference or data.get("file_reference")
        line = {"data": dict(data), "staged_path": staged_file_path(reference)}
        self._handle(stream, space).write(json.dumps(line, separators=(",", ":")) + "\n")

    def _handle(self, stream: str, space: SpaceRef) -> IO[str]:
        slot = (stream, space)
        handle = self._handles.get(slot)
        if handle is None:
            path = self._paths.setdefault(slot, self._directory / f"{len(self._paths):06d}.jsonl")
            handle = self._handles[slot] = path.open("a", encoding="utf-8")
        return handle

    def finish(self) -> None:
        """Flush and close every file; call once the input has ended, before reading records back."""
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def spaces(self, streams: tuple[str, ...] | list[str] | set[str]) -> list[SpaceRef]:
        found = {space for stream, space in self._paths if stream in streams}
        return sorted(found, key=lambda space: (space.space_key, space.space_id))

    def records(self, stream: str, space: SpaceRef) -> Iterator[SpooledRecord]:
        path = self._paths.get((stream, space))
        if path is None:
            return
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                entry = json.loads(line)
                yield SpooledRecord(entry["data"], entry.get("staged_path"))
