"""Injected failures (contracts §1.6): data (FaultRule) applied around the handler by app.py.

Each rule matches a route ("GET /wiki/api/v2/pages", the bare template, or "*") and fires on
the next `times` matching requests, then disarms. Kinds:
  status        answer `status` (429/500/502/503/504...) with Retry-After and rate-limit headers
  reset         send half of a declared body, then drop the connection
  slow          wait `delay_ms` (non-blocking), then answer normally: a client timeout fires first
  truncate      answer normally but cut the JSON body in half (Content-Length matches the cut)
  empty_next    empty `results` but `_links.next` re-requests this very page
  repeat_cursor keep results but `_links.next` re-requests this very page (cursor repeats)
  wrong_start   DC only: consumed by the DC handlers (`ctx.faults.take(key, ("wrong_start",))`)
Fixed per-request latency (`--latency-ms`) is an asyncio.sleep, so concurrent clients overlap.
"""
from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from starlette.responses import Response

from .errors import ApiError, error_response

KINDS = ("status", "reset", "slow", "truncate", "empty_next", "repeat_cursor", "wrong_start")
BEFORE_HANDLER = ("status", "reset", "slow")
AFTER_HANDLER = ("truncate", "empty_next", "repeat_cursor")
GENERIC = BEFORE_HANDLER + AFTER_HANDLER
_MESSAGES = {429: "Rate limit exceeded", 500: "Internal Server Error", 502: "Bad Gateway",
             503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class FaultRule:
    route: str = "*"                  # "GET <template>", "<template>" or "*"
    kind: str = "status"
    status: int = 429
    times: int = 1                    # fires on the next N matching requests; -1 = forever
    retry_after: str | None = None    # "5" | an HTTP-date | "0" | None (header absent)
    headers: dict = field(default_factory=dict)
    delay_ms: int = 0

    @classmethod
    def from_dict(cls, raw: dict) -> "FaultRule":
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault rule fields {sorted(unknown)}")
        rule = cls(**raw)
        if rule.kind not in KINDS:
            raise ValueError(f"fault kind must be one of {KINDS}, got {rule.kind!r}")
        if rule.retry_after is not None:
            rule.retry_after = str(rule.retry_after)
        return rule

    def matches(self, route_key: str) -> bool:
        return self.route in ("*", route_key, route_key.split(" ", 1)[1])


def parse_rules(spec: str | list | None) -> list[FaultRule]:
    """CLI/API form: a list of rule dicts, JSON text, or "@file.json"."""
    if not spec:
        return []
    if isinstance(spec, str):
        spec = json.loads(Path(spec[1:]).read_text() if spec.startswith("@") else spec)
    if isinstance(spec, dict):
        spec = spec.get("rules", [])
    return [rule if isinstance(rule, FaultRule) else FaultRule.from_dict(rule) for rule in spec]


class FaultBook:
    """The armed rules. `take` returns (and counts down) the first armed rule for a route."""

    def __init__(self, rules=None):
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = parse_rules(rules)

    def set(self, rules) -> None:
        with self._lock:
            self.rules = parse_rules(rules)

    def clear(self) -> None:
        self.set([])

    def take(self, route_key: str, kinds: tuple[str, ...] = GENERIC) -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if rule.kind in kinds and rule.times != 0 and rule.matches(route_key):
                    if rule.times > 0:
                        rule.times -= 1
                    return rule
        return None


async def sleep_ms(milliseconds: float) -> None:
    await asyncio.sleep(milliseconds / 1000)


def _rate_limit_headers(rule: FaultRule) -> dict[str, str]:
    headers = {}
    if rule.retry_after is not None and rule.retry_after.lower() != "null":
        headers["Retry-After"] = rule.retry_after
    if rule.status == 429:
        seconds = int(rule.retry_after) if (rule.retry_after or "").isdigit() else 60
        seconds = min(seconds, 10 ** 8)  # an absurd Retry-After (a test case) must not overflow the reset date
        reset_at = datetime.now(timezone.utc) + timedelta(seconds=seconds)
        headers.update({"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": reset_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "X-RateLimit-NearLimit": "true",
                        "RateLimit-Reason": "confluence-burst-based"})
    headers.update({str(k): str(v) for k, v in rule.headers.items()})
    return headers


class _ResetResponse(Response):
    """Declares a body, sends half of it, then fails: the server drops the connection."""

    async def __call__(self, scope, receive, send) -> None:
        body = b'{"results": [' + b'{"id": "0"},' * 200 + b"]}"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        raise ConnectionResetError("fault rule: connection reset mid-body")


async def respond_before(rule: FaultRule, route) -> Response | None:
    """The response replacing the handler's, or None to carry on (after a `slow` wait)."""
    if rule.kind == "slow":
        await sleep_ms(rule.delay_ms)
        return None
    if rule.kind == "reset":
        return _ResetResponse()
    if rule.delay_ms:
        await sleep_ms(rule.delay_ms)
    response = error_response(route.api, ApiError(rule.status, _MESSAGES.get(rule.status, "Error")))
    response.headers.update(_rate_limit_headers(rule))
    return response


def _self_link(request, existing_next: str | None) -> str:
    """This request as a `next` link, in the same form the handler wrote its own `next`."""
    path = request.url.path
    if path.startswith("/ex/confluence/"):
        path = "/" + path.split("/", 4)[4]
    query = request.url.query
    link = path + (f"?{query}" if query else "")
    if existing_next and not existing_next.startswith("/wiki/") and link.startswith("/wiki/"):
        link = link[len("/wiki"):]
    return link


def respond_after(rule: FaultRule, request, response: Response) -> Response:
    if rule.kind == "truncate":
        body = response.body
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(body[: max(1, len(body) // 2)], status_code=response.status_code,
                        headers=headers, media_type=response.media_type)
    try:
        payload = json.loads(response.body)
    except (ValueError, AttributeError):
        return response
    if not isinstance(payload, dict) or "results" not in payload:
        return response
    links = payload.setdefault("_links", {})
    links["next"] = _self_link(request, links.get("next"))
    if rule.kind == "empty_next":
        payload["results"] = []
        if "size" in payload:
            payload["size"] = 0
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "link")}
    if "link" in response.headers:
        headers["Link"] = f'<{links["next"]}>; rel="next", <{links.get("base", "")}>; rel="base"'
    return Response(json.dumps(payload), status_code=response.status_code, headers=headers,
                    media_type="application/json")
