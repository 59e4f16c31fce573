"""The emulator's JSON responses, encoded with orjson.

Same shape of bytes as Starlette's `JSONResponse` (compact separators, UTF-8, no ASCII escaping),
at a fraction of the CPU: the standard library spent about a third of the emulator's time on a
search page of 250 pages with storage bodies. The emulator shares the machine with the connector
it serves in the bench, so its CPU is the connector's loss.
"""
from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse


class JSONResponse(StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
