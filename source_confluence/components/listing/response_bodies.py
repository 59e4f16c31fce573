"""A response's JSON body, parsed once (orjson) however many components read it.

Search pages with bodies run to megabytes; the record extractor and the paginator both need the
body, and the stdlib parser is several times slower than orjson.
"""
from typing import Any, Optional

import orjson
import requests

_PARSED = "_confluence_json_body"


def json_body_or_empty(response: Optional[requests.Response]) -> Any:
    """`json_body`, or `{}` when the body is not JSON (an HTML error page): what the CDK's response filters expect."""
    try:
        return json_body(response)
    except ValueError:
        return {}


def json_body(response: Optional[requests.Response]) -> Any:
    """The decoded body, `{}` when there is none; kept on the response for the next reader."""
    if response is None or not response.content:
        return {}
    body = getattr(response, _PARSED, None)
    if body is None:
        body = orjson.loads(response.content)
        setattr(response, _PARSED, body)
    return body
