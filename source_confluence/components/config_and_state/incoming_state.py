"""The state a sync starts from, read defensively: a state this connector cannot have written is dropped
for its stream with a warning (that stream is read in full from `start_date`), never a traceback halfway
through building the streams.

    [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "pages"},
                                   "stream_state": {"lastModifiedAt": "garbage"}}}]
      → [] and "Ignoring the incoming state of stream 'pages': its cursor lastModifiedAt 'garbage' is not a date-time …"

A stream's state is kept when it is empty, when it is in the CDK's own shapes (`state_type` …), or when
its cursor parses with the manifest's cursor formats and is not in the future. A cursor ahead of the
clock (beyond FUTURE_TOLERANCE for clock skew) would silently skip every edit, so it is dropped too:
a full re-read only sends records again, which the destination de-duplicates.
The legacy state file (a JSON object {stream: state}) is read as one STREAM state per key.
A file that is not JSON, or not state messages, is a StateFileError whose message says so.
"""
import datetime
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from airbyte_cdk.models import AirbyteStateBlob, AirbyteStateMessage, AirbyteStateMessageSerializer, AirbyteStateType
from airbyte_cdk.sources.declarative.datetime.datetime_parser import DatetimeParser

FUTURE_TOLERANCE = datetime.timedelta(days=1)
# Keys of the state shapes the CDK itself writes (concurrent date ranges, per-partition, global substream).
CDK_STATE_KEYS = {"state_type", "slices", "states", "state", "parent_state", "use_global_cursor", "lookback_window"}
_RESET = "The stream is read in full from start_date (records synced before are sent again)."
_MAX_SHOWN_CHARS = 40


class StateFileError(ValueError):
    """The state file cannot be read as Airbyte state; the message names the file and the problem."""


@dataclass(frozen=True)
class DatetimeCursor:
    field: str
    formats: Tuple[str, ...]

    def parses(self, value: Any) -> Optional[datetime.datetime]:
        if not isinstance(value, str):
            return None
        for fmt in self.formats:
            try:
                return DatetimeParser().parse(value, fmt)
            except ValueError:
                continue
        return None


def datetime_cursors(manifest: Mapping[str, Any]) -> Dict[str, DatetimeCursor]:
    """Stream name → cursor, for the resolved manifest's streams with a plain DatetimeBasedCursor state."""
    cursors = {}
    for definition in (manifest.get("definitions") or {}).values():
        if not isinstance(definition, dict):
            continue
        cursor, name = definition.get("incremental_sync") or {}, (definition.get("$parameters") or {}).get("name")
        if (name and cursor.get("type") == "DatetimeBasedCursor" and cursor.get("cursor_field")
                and not cursor.get("global_substream_cursor")):
            formats = tuple(cursor.get("cursor_datetime_formats") or ()) + (cursor["datetime_format"],)
            cursors[name] = DatetimeCursor(cursor["cursor_field"], formats)
    return cursors


def read_state_file(path: str) -> Tuple[List[AirbyteStateMessage], List[str]]:
    """The state messages in `path`, and warnings about its form."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
        content = json.loads(text) if text.strip() else None  # an empty file holds no state
    except (OSError, ValueError) as error:
        raise StateFileError(f"The state file {path} is not readable JSON ({error}); fix it or clear the "
                             "connection's state to start over.") from None
    if not content:
        return [], []
    warnings = []
    if isinstance(content, dict):  # the legacy form: {"<stream>": {…state…}}
        warnings.append(f"The incoming state is in the legacy form {{stream: state}}; reading it as per-stream "
                        f"state for {', '.join(sorted(map(str, content)))}.")
        content = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": str(name)},
                                                 "stream_state": value if isinstance(value, dict) else {"value": value}}}
                   for name, value in content.items()]
    if not isinstance(content, list):
        raise StateFileError(f"The state file {path} must hold a list of Airbyte state messages, not "
                             f"{type(content).__name__}; clear the connection's state to start over.")
    messages = []
    for number, item in enumerate(content, start=1):
        try:
            message = AirbyteStateMessageSerializer.load(item)
        except Exception:  # serpyco's validation error names the offending value; it stays out of the message
            raise StateFileError(f"State message {number} in {path} is not an Airbyte state message; clear the "
                                 "connection's state to start over.") from None
        if not (message.stream or message.global_ or message.data):
            raise StateFileError(f"State message {number} in {path} has neither a stream nor a global state.")
        messages.append(message)
    return messages, warnings


def checked_state(messages: Sequence[AirbyteStateMessage], cursors: Mapping[str, DatetimeCursor],
                  now: datetime.datetime) -> Tuple[List[AirbyteStateMessage], List[str]]:
    """The messages to start from, without the stream states this connector cannot have written."""
    kept, warnings = [], []
    for message in messages:
        problem = _stream_state_problem(message, cursors, now)
        if problem:
            warnings.append(f"Ignoring the incoming state of stream '{message.stream.stream_descriptor.name}': "
                            f"{problem}. {_RESET}")
        else:
            kept.append(message)
    return kept, warnings


def _stream_state_problem(message: AirbyteStateMessage, cursors: Mapping[str, DatetimeCursor],
                          now: datetime.datetime) -> Optional[str]:
    if message.type != AirbyteStateType.STREAM or not message.stream:
        return None
    cursor = cursors.get(message.stream.stream_descriptor.name)
    state = _as_dict(message.stream.stream_state)
    if cursor is None or not state or CDK_STATE_KEYS & set(state):
        return None
    if cursor.field not in state:
        keys = ", ".join(sorted(map(str, state)))
        return f"it has no {cursor.field} cursor (it has {keys}), so another connector or version wrote it"
    value = state[cursor.field]
    moment = cursor.parses(value)
    if moment is None:
        return f"its cursor {cursor.field} {_shown(value)} is not a date-time like 2026-10-01T12:00:00.000Z"
    if moment > now + FUTURE_TOLERANCE:
        return (f"its cursor {cursor.field} {value} is in the future (now {now:%Y-%m-%dT%H:%M:%SZ}), so an "
                "incremental read would skip every edit")
    return None


def _as_dict(blob: Optional[AirbyteStateBlob]) -> Dict[str, Any]:
    if blob is None:
        return {}
    return dict(blob) if isinstance(blob, Mapping) else dict(vars(blob))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN_CHARS else text[:_MAX_SHOWN_CHARS] + "…"
