"""Drop what the previous sync already emitted, after CQL's minute-floored, look-back `>=` re-read it.

State holds one UTC instant C (the newest cursor value emitted). The query re-reads from
floor_minute(C − lookback) in the user's zone; a record passes when its cursor is > C. On the first
sync (no state: the slice starts at the configured start date) everything at or after it passes.

    C = 12:00:05.000Z: {id 1, 12:00:05.000Z} dropped · {id 2, 12:00:05.001Z} kept
"""
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.types import StreamSlice, StreamState

from source_confluence.components.listing.cql import is_first_sync, parse_utc


@dataclass
class AlreadySyncedRecordFilter(RecordFilter):
    cursor_field: str = "lastModifiedAt"

    def filter_records(self, records: Iterable[Mapping[str, Any]], stream_state: StreamState,
                       stream_slice: Optional[StreamSlice] = None, next_page_token: Optional[Mapping[str, Any]] = None,
                       ) -> Iterable[Mapping[str, Any]]:
        start_time = (stream_slice or {}).get("start_time") if stream_slice is not None else None
        if not start_time:
            yield from records
            return
        boundary = parse_utc(start_time)
        inclusive = is_first_sync(start_time, self.config)
        for record in records:
            value = record.get(self.cursor_field)
            if not value:
                yield record
                continue
            moment = parse_utc(value)
            if moment > boundary or (inclusive and moment == boundary):
                yield record
