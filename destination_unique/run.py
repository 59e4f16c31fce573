"""`destination-unique spec|check|write`: a bad config answers FAILED or a TRACE error, never a traceback."""

from __future__ import annotations

import logging
import sys
from typing import List, Optional

import orjson
from airbyte_cdk.exception_handler import init_uncaught_exception_handler
from airbyte_cdk.models import AirbyteConnectionStatus, AirbyteMessage, AirbyteMessageSerializer, Status, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_unique.destination import DestinationUnique


def _print(message: AirbyteMessage) -> None:
    print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)


def run(args: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if args is None else args
    init_uncaught_exception_handler(logging.getLogger("airbyte"))
    destination = DestinationUnique()
    parsed = destination.parse_args(args)
    try:
        for message in destination.run_cmd(parsed):
            _print(message)
    except AirbyteTracedException as error:
        if parsed.command == "check":
            _print(AirbyteMessage(type=Type.CONNECTION_STATUS, connectionStatus=AirbyteConnectionStatus(
                status=Status.FAILED, message=error.message)))
            return
        error.emit_message()
        sys.exit(1)
