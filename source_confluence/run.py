"""`source-confluence spec|check|discover|read`: the source is built WITH config, catalog and state."""
import logging
import sys
import traceback
from datetime import datetime, timezone
from typing import List, Optional

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.exception_handler import init_uncaught_exception_handler
from airbyte_cdk.models import (AirbyteConnectionStatus, AirbyteErrorTraceMessage, AirbyteMessage,
                                AirbyteMessageSerializer, AirbyteTraceMessage, FailureType, Status, TraceType, Type)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .source import SourceConfluence


def _print(message: AirbyteMessage) -> None:
    print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)


def _startup_failure(command: str, error: Exception) -> None:
    """A bad config must not end in a traceback: `check` answers FAILED, every other command a TRACE error."""
    message = error.message if isinstance(error, AirbyteTracedException) and error.message else str(error)
    if command == "check":
        _print(AirbyteMessage(type=Type.CONNECTION_STATUS,
                              connectionStatus=AirbyteConnectionStatus(status=Status.FAILED, message=message)))
        return
    _print(AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(
        type=TraceType.ERROR, emitted_at=datetime.now(timezone.utc).timestamp() * 1000,
        error=AirbyteErrorTraceMessage(message=f"Error starting the sync: {message}",
                                       internal_message=str(error), stack_trace=traceback.format_exc(),
                                       failure_type=FailureType.config_error))))


def run(args: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if args is None else args
    init_uncaught_exception_handler(logging.getLogger("airbyte"))
    command = args[0] if args else ""
    try:
        catalog_path = AirbyteEntrypoint.extract_catalog(args)
        config_path = AirbyteEntrypoint.extract_config(args)
        state_path = AirbyteEntrypoint.extract_state(args)
        source = SourceConfluence(
            SourceConfluence.read_catalog(catalog_path) if catalog_path else None,
            SourceConfluence.read_config(config_path) if config_path else None,
            SourceConfluence.read_state(state_path) if state_path else None,
            config_path=config_path,
        )
    except Exception as error:
        _startup_failure(command, error)
        return
    launch(source, args)
