"""Run the source in-process, the way the platform does (built WITH config, catalog and state)."""
from typing import Any, Dict, List, Optional

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.state_builder import StateBuilder

from source_confluence import SourceConfluence


def read_stream(stream: str, config: Dict[str, Any], state: Optional[Dict[str, Any]] = None,
                sync_mode: SyncMode = SyncMode.full_refresh, expecting_exception: bool = False) -> EntrypointOutput:
    catalog = CatalogBuilder().with_stream(stream, sync_mode).build()
    state_messages = StateBuilder().with_stream_state(stream, state).build() if state is not None else None
    source = SourceConfluence(catalog, config, state_messages)
    return read(source, config, catalog, state_messages, expecting_exception=expecting_exception)


def record_ids(output: EntrypointOutput) -> List[str]:
    return [message.record.data["id"] for message in output.records]
