"""Run the destination in-process and read what it said: states, summary, errors, stored contents."""

from __future__ import annotations

from dataclasses import dataclass, field

from airbyte_cdk.models import Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_unique import DestinationUnique
from destination_unique.summary import parse_summary_line


@dataclass
class WriteResult:
    messages: list = field(default_factory=list)
    error: AirbyteTracedException | None = None

    @property
    def states(self) -> list:
        return [m for m in self.messages if m.type == Type.STATE]

    @property
    def logs(self) -> list[str]:
        return [m.log.message for m in self.messages if m.type == Type.LOG]

    @property
    def summary(self) -> dict:
        return next(s for s in (parse_summary_line(line) for line in self.logs) if s is not None)


def write(config: dict, configured_catalog, messages) -> WriteResult:
    result = WriteResult()
    try:
        for message in DestinationUnique().write(config, configured_catalog, iter(messages)):
            result.messages.append(message)
    except AirbyteTracedException as error:
        result.error = error
    return result


def stored(unique) -> dict[str, dict]:
    """Full key → stored content row of the emulator."""
    return {row["key"]: row for row in unique.state()["contents"]}
