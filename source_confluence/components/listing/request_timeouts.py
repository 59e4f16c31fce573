"""Every request of the source's requesters has a connect and a read timeout (the read one from the config).

    config {"read_timeout_seconds": 3} → requests(..., timeout=(30, 3)) on every requester

The manifest's HttpRequester takes `read_timeout_in_seconds` only as a literal number, and a hung
Confluence (a proxy that accepts and never answers) must not stall a sync, so the factory entry
for HttpRequester is wrapped and each built requester's HTTP client gets the configured timeouts.
A timed-out request is an exception the CDK retries like a 5xx (bounded by the error handler).
Not covered: the CDK's own OAuth token refresh, which sends its request without a timeout.
"""
from typing import Any, Mapping

from source_confluence.components.cdk_hooks import on_every_component, set_request_timeout

CONNECT_TIMEOUT_SECONDS = 30.0
DEFAULT_READ_TIMEOUT_SECONDS = 300.0


def timeouts(config: Mapping[str, Any]) -> tuple:
    read = config.get("read_timeout_seconds")
    return CONNECT_TIMEOUT_SECONDS, float(read) if read else DEFAULT_READ_TIMEOUT_SECONDS


def install(constructors: dict, requester_model: type) -> None:
    def set_timeouts(requester: Any, config: Mapping[str, Any], **kwargs: Any) -> None:
        set_request_timeout(requester, timeouts(config))

    on_every_component(constructors, requester_model, set_timeouts)
