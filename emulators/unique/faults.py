"""Injected faults: rules are data, matched per request by route and (GraphQL) operation.

    {"route": "PUT /scoped/upload", "kind": "status", "status": 503, "times": 2}
    {"operation": "contentUpsert:finalize", "kind": "graphql_error"}
    {"operation": "contentDeleteByContentIds", "kind": "after_status", "status": 502}
    {"route": "*", "kind": "slow", "delay_ms": 300, "times": null}

`operation` matches the GraphQL operationName, a root field name, or `contentUpsert:register` /
`contentUpsert:finalize` (a contentUpsert without / with fileUrl). A rule with only `operation`
never fires on REST routes. `times` counts firings; null or -1 = every matching request.
Kinds: status (HTTP status, handler not run), graphql_error (HTTP 200 with errors[], handler not
run), slow (delay, then handled normally), after_status (handler runs and commits, then the reply is
replaced by the status: "the write happened, the answer was lost").
"""
from __future__ import annotations

import asyncio
import threading
from dataclasses import asdict, dataclass, fields

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

KINDS = ("status", "graphql_error", "slow", "after_status")


class FaultSpecError(ValueError):
    """A fault rule has an unknown field or kind; the message names it."""


@dataclass
class FaultRule:
    route: str | None = None          # "POST /graphql", "PUT /scoped/upload", ... or "*"
    operation: str | None = None
    kind: str = "status"
    status: int = 500
    times: int | None = 1
    delay_ms: int = 0
    message: str = "Injected fault"
    retry_after: str | None = None

    @classmethod
    def from_dict(cls, spec: dict) -> "FaultRule":
        known = {field.name for field in fields(cls)}
        unknown = set(spec) - known
        if unknown:
            raise FaultSpecError(f"unknown fault rule field(s) {sorted(unknown)}; known: {sorted(known)}")
        rule = cls(**spec)
        if rule.kind not in KINDS:
            raise FaultSpecError(f"fault kind must be one of {list(KINDS)}, not {rule.kind!r}")
        return rule

    def matches(self, route_key: str, operations: set[str]) -> bool:
        if self.route not in (None, "*") and self.route != route_key:
            return False
        return self.operation is None or self.operation in operations


class FaultBook:
    def __init__(self, specs: list[dict] | None = None):
        self._lock = threading.Lock()
        self._rules = [FaultRule.from_dict(spec) for spec in specs or []]

    def replace(self, specs: list[dict]) -> None:
        rules = [FaultRule.from_dict(spec) for spec in specs]
        with self._lock:
            self._rules = rules

    def clear(self) -> None:
        self.replace([])

    def describe(self) -> list[dict]:
        with self._lock:
            return [asdict(rule) for rule in self._rules]

    def take(self, route_key: str, operations: set[str] = frozenset()) -> FaultRule | None:
        """The first armed rule matching this request, consuming one of its `times`."""
        with self._lock:
            for rule in self._rules:
                if rule.times is not None and rule.times == 0:
                    continue
                if rule.matches(route_key, operations):
                    if rule.times is not None and rule.times > 0:
                        rule.times -= 1
                    return rule
        return None


async def respond_before(rule: FaultRule, request: Request) -> Response | None:
    """The fault's own response, or None when the request should go on to its handler."""
    if rule.kind == "slow":
        await asyncio.sleep(rule.delay_ms / 1000)
        return None
    if rule.kind == "after_status":
        return None
    if request.method == "PUT":
        async for _ in request.stream():    # drain, so the client reads our status, not a reset
            pass
    if rule.kind == "graphql_error":
        return JSONResponse({"data": None, "errors": [{"message": rule.message,
                                                       "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]})
    return status_response(rule)


def respond_after(rule: FaultRule, response: Response) -> Response:
    return status_response(rule) if rule.kind == "after_status" else response


def status_response(rule: FaultRule) -> Response:
    headers = {"Retry-After": rule.retry_after} if rule.retry_after is not None else {}
    return JSONResponse({"statusCode": rule.status, "message": rule.message}, status_code=rule.status,
                        headers=headers)
