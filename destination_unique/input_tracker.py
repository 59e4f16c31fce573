"""Reads the destination's input: records into the spool, states held back, discovery health noted.

Discovery failed (protocol §4.1 step 2: never diff a partial list) when the source reported an error
(a TRACE error, or a stream status INCOMPLETE), or when a diffed stream shows no sign of completion:
a stream that sent statuses must end with COMPLETE; one that sent none must at least have checkpointed
(the CDK emits a STATE when a stream finishes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from airbyte_cdk.models import AirbyteMessage, AirbyteStateType, AirbyteStreamStatus, TraceType, Type

from destination_unique.spool import Spool


def _state_slot(message: AirbyteMessage) -> str:
    state = message.state
    if state.type == AirbyteStateType.STREAM and state.stream:
        descriptor = state.stream.stream_descriptor
        return f"stream:{descriptor.namespace or ''}:{descriptor.name}"
    return "global" if state.type == AirbyteStateType.GLOBAL else "legacy"


@dataclass
class InputTracker:
    spool: Spool
    states: dict[str, AirbyteMessage] = field(default_factory=dict)  # latest per slot, in first-seen order
    state_streams: dict[str, str | None] = field(default_factory=dict)  # slot → stream name
    statuses: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def consume(self, messages: Iterable[AirbyteMessage]) -> None:
        for message in messages:
            if message.type == Type.RECORD:
                record = message.record
                self.spool.add(record.stream, record.data, _file_reference(record))
            elif message.type == Type.STATE:
                slot = _state_slot(message)
                self.states[slot] = message
                stream = message.state.stream
                self.state_streams[slot] = stream.stream_descriptor.name if stream else None
            elif message.type == Type.TRACE:
                self._trace(message)
        self.spool.finish()

    def _trace(self, message: AirbyteMessage) -> None:
        trace = message.trace
        if trace.type == TraceType.ERROR and trace.error:
            self.errors.append(trace.error.message or "source error")
        elif trace.type == TraceType.STREAM_STATUS and trace.stream_status:
            name = trace.stream_status.stream_descriptor.name
            status = trace.stream_status.status
            self.statuses.setdefault(name, []).append(status.value if hasattr(status, "value") else str(status))
            if status == AirbyteStreamStatus.INCOMPLETE:
                self.errors.append(f"stream {name} ended INCOMPLETE")

    def discovery_failure(self, diffed_streams: Iterable[str]) -> str | None:
        """Why the tracked set cannot be trusted, or None."""
        if self.errors:
            return "the source reported an error: " + "; ".join(self.errors[:3])
        checkpointed = set(self.state_streams.values())
        for stream in diffed_streams:
            statuses = self.statuses.get(stream)
            if statuses is not None and "COMPLETE" not in statuses:
                return f"stream {stream} did not complete (statuses: {', '.join(statuses)})"
            if statuses is None and stream not in checkpointed:
                return f"stream {stream} ended without a completion status or a final state"
        return None


def _file_reference(record) -> dict | None:
    reference = getattr(record, "file_reference", None)
    if reference is None:
        return None
    return {"staging_file_url": reference.staging_file_url, "file_size_bytes": reference.file_size_bytes,
            "source_file_relative_path": reference.source_file_relative_path}
