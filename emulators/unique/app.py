"""The Starlette application: every API request passes through `Emulator.dispatch`, which counts
it, applies the rate limit and latency, authenticates, applies route faults (GraphQL routes apply
theirs after parsing, by operation) and calls the handler from routes.py.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as StarletteRoute

from . import assumptions, auth, control, faults, routes
from .store import Store


@dataclass
class Options:
    db_path: str
    latency_ms: int = 0
    faults: list = field(default_factory=list)
    assumptions: dict = field(default_factory=dict)


class Stats:
    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.by_route: Counter = Counter()
        self.by_operation: Counter = Counter()
        self.by_operation_name: Counter = Counter()
        self.uploaded_bytes = 0

    def as_dict(self) -> dict:
        return {"total": sum(self.by_route.values()), "by_route": dict(self.by_route),
                "by_operation": dict(self.by_operation), "by_operation_name": dict(self.by_operation_name),
                "uploaded_bytes": self.uploaded_bytes}


class Emulator:
    def __init__(self, options: Options):
        self.options = options
        self.store = Store(options.db_path)
        self.assume = {**assumptions.defaults(),
                       **{name: assumptions.coerce(name, value) for name, value in options.assumptions.items()}}
        self.faults = faults.FaultBook(options.faults)
        self.stats = Stats()
        self._recent_requests: deque = deque()

    def endpoint(self, route: routes.Route):
        async def handle(request: Request) -> Response:
            return await self.dispatch(route, request)
        return handle

    async def dispatch(self, route: routes.Route, request: Request) -> Response:
        self.stats.by_route[route.key] += 1
        limited = self._rate_limited()
        if limited is not None:
            return limited
        if self.options.latency_ms:
            await asyncio.sleep(self.options.latency_ms / 1000)     # non-blocking: requests overlap
        user_id = None
        if route.needs_auth:
            user_id = auth.authenticated_user(request, self.store)
            if user_id is None:
                return auth.unauthorized()
        rule = None if route.is_graphql else self.faults.take(route.key)
        if rule is not None:
            early = await faults.respond_before(rule, request)
            if early is not None:
                return early
        response = await route.handler(self, request, user_id)
        return faults.respond_after(rule, response) if rule is not None else response

    def _rate_limited(self) -> Response | None:
        limit = self.assume["rate_limit_per_minute"]
        now = time.monotonic()
        while self._recent_requests and now - self._recent_requests[0] >= 60:
            self._recent_requests.popleft()
        if limit and len(self._recent_requests) >= limit:
            retry_after = max(1, int(60 - (now - self._recent_requests[0])) + 1)
            return JSONResponse({"statusCode": 429, "message": "Too Many Requests"}, status_code=429,
                                headers={"Retry-After": str(retry_after)})
        self._recent_requests.append(now)
        return None


def build_app(options: Options) -> Starlette:
    emulator = Emulator(options)
    starlette_routes = [StarletteRoute(route.path, emulator.endpoint(route), methods=[route.method])
                        for route in routes.ROUTES]
    starlette_routes += control.starlette_routes(emulator)
    app = Starlette(routes=starlette_routes, on_shutdown=[emulator.store.close])
    app.state.emulator = emulator
    return app
