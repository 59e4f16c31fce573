"""The Starlette application: one catch-all endpoint that resolves the route template, applies
faults (faults.py), authenticates (auth.py), calls the handler and records stats.

URL families (confluence-api.md §2, §12.1): Cloud site `/wiki/...`, Cloud gateway
`/ex/confluence/{cloudId}/wiki/...` (same handlers), Data Center `[context]/rest/api/...`
(`/rest/api/latest/...` too), control plane `/__emulator/...` (no auth).
"""
from __future__ import annotations

import importlib
import inspect
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from . import auth, faults
from .errors import ApiError, error_response
from .response_headers import CloudResponseHeaders
from .routing import RequestContext, Route, RouteTable

GATEWAY_PREFIX = "/ex/confluence/"
CONTROL_PREFIX = "/__emulator"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]


@dataclass
class Options:
    mode: str = "cloud"                      # cloud | datacenter
    profile: str = "tiny"
    seed: int = 1
    latency_ms: int = 0
    faults: list = field(default_factory=list)   # FaultRule dicts (contracts §1.6)
    user_timezone: str = "America/Los_Angeles"
    context_path: str = ""                   # DC only, e.g. "/confluence"
    big_attachment_mb: int = 0               # adds one attachment of this size (streaming tests)


def _optional_routes(name: str) -> list[Route]:
    """routes/v1.py and routes/dc.py are built by a teammate; serve without them until they land."""
    try:
        module = importlib.import_module(f".routes.{name}", __package__)
    except ModuleNotFoundError as missing:
        if missing.name and missing.name.endswith(f"routes.{name}"):
            return []
        raise
    return list(module.ROUTES)


def collect_routes() -> list[Route]:
    from . import control
    from .routes import downloads, v2
    return [*v2.ROUTES, *downloads.ROUTES, *_optional_routes("v1"), *_optional_routes("dc"),
            *_optional_routes("space_permissions"),  # opt-in streams (issue #7)
            *auth.ROUTES, *control.ROUTES]


class Emulator:
    """Per-process state around one Instance: routes, faults, stats, request log."""

    def __init__(self, options: Options, instance):
        self.options = options
        self.instance = instance
        self.routes = collect_routes()
        self.table = RouteTable(self.routes)
        self.faults = faults.FaultBook(options.faults)
        self.tokens = auth.TokenStore()
        self.stats: Counter = Counter()
        self.requests_log: deque = deque(maxlen=100_000)
        self.started_at = time.time()
        self.cloud_headers = CloudResponseHeaders()

    def resolve(self, path: str) -> tuple[str, tuple[str, ...], bool] | None:
        """(site path, API styles to match, via gateway) or None when outside every family."""
        if path.startswith(CONTROL_PREFIX) or path.startswith(self.options.context_path + CONTROL_PREFIX):
            return path[path.index(CONTROL_PREFIX):], ("control",), False
        if self.options.mode == "datacenter":
            context = self.options.context_path
            if context and not path.startswith(context + "/"):
                return None
            path = path[len(context):]
            if path.startswith("/rest/api/latest/"):
                path = "/rest/api/" + path[len("/rest/api/latest/"):]
            return path, ("dc",), False
        if path.startswith(GATEWAY_PREFIX):
            cloud_id, _, rest = path[len(GATEWAY_PREFIX):].partition("/")
            if cloud_id != self.instance.cloud_id:
                return None
            return "/" + rest, ("v2", "v1", "v1-legacy"), True
        return path, ("v2", "v1", "v1-legacy", "gateway"), False

    async def handle(self, request: Request) -> Response:
        resolved = self.resolve(request.url.path)
        api_guess = "v2" if "/api/v2/" in request.url.path else "v1"
        if resolved is None:
            return error_response(api_guess, ApiError(404, "Not Found"))
        path, apis, via_gateway = resolved
        matched = self.table.match(request.method, path, apis)
        if matched is None:
            status = 405 if self.table.allows_other_method(path, apis) else 404
            return error_response(api_guess, ApiError(status, "Not Found" if status == 404 else "Method Not Allowed"))
        route, params = matched
        if route.api != "control":
            self.stats[route.key] += 1
            self.requests_log.append({"method": request.method, "route": route.template,
                                      "path": request.url.path,
                                      "query": _multi_dict(request.query_params)})
            if self.options.latency_ms:
                await faults.sleep_ms(self.options.latency_ms)
        rule = self.faults.take(route.key) if route.api != "control" else None
        if rule is not None and rule.kind in faults.BEFORE_HANDLER:
            early = await faults.respond_before(rule, route)
            if early is not None:
                return early
            rule = None
        try:
            body = await request.body()
        except ClientDisconnect:          # the client gave up (e.g. its timeout during a `slow` fault)
            return Response(status_code=499)
        try:
            user = None if route.api in ("control",) or route.template in auth.PUBLIC_TEMPLATES \
                else auth.authenticate(self, request, route, via_gateway)
            ctx = RequestContext(
                instance=self.instance, user=user, route=route, path_params=params,
                query=request.query_params, site_base=_origin(request),
                wiki_base=_origin(request) + ("/wiki" if self.options.mode == "cloud" else self.options.context_path),
                mode=self.options.mode, path=request.url.path, body=body,
                headers=request.headers, faults=self.faults,
                user_timezone=self.options.user_timezone, via_gateway=via_gateway,
                extras={"emulator": self})
            response = route.handler(ctx)
            if inspect.isawaitable(response):
                response = await response
        except auth.AuthFailure as failure:
            return failure.response
        except ApiError as error:
            return error_response(route.api, error)
        if rule is not None:
            return faults.respond_after(rule, request, response)
        if self.options.mode == "cloud" and route.api not in ("control", "gateway"):
            self.cloud_headers.apply(response, ctx.wiki_base)
        return response


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _multi_dict(query) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in query.multi_items():
        grouped.setdefault(key, []).append(value)
    return grouped


def build_app(options: Options | None = None, instance=None) -> Starlette:
    """The ASGI app; `instance` defaults to the generator's output for options.profile/seed."""
    options = options or Options()
    if instance is None:
        from .generator import generate
        instance = generate(options.profile, options.seed, options.mode,
                            big_attachment_mb=options.big_attachment_mb)
    emulator = Emulator(options, instance)
    app = Starlette(routes=[StarletteRoute("/{path:path}", emulator.handle, methods=ALL_METHODS)])
    app.state.emulator = emulator
    return app
