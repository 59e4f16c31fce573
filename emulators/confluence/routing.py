"""The route table's types and the request context handed to every handler.

A handler is `handler(ctx: RequestContext) -> starlette Response` (sync or async). It reads
path values by name (`ctx.path_params["page_id"]`), the query (`ctx.query.get/getlist`), the
already-read body (`ctx.body`, `ctx.json()`), and raises `errors.ApiError` for failures; the
dispatcher renders the envelope of the route's `api`.

Templates are the site paths: Cloud v2 `/wiki/api/v2/...`, Cloud v1 `/wiki/rest/api/...`,
DC `/rest/api/...` (served under the context path), control `/__emulator/...`. Gateway requests
(`/ex/confluence/{cloudId}/wiki/...`) are matched against the Cloud templates.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import ApiError

API_STYLES = ("v2", "v1", "v1-legacy", "dc", "gateway", "control")
_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Callable[["RequestContext"], Any]
    api: str                                   # one of API_STYLES
    spec: tuple[str, str, str] | None = None   # (spec file name, spec path, http method)

    @property
    def key(self) -> str:
        """What stats and fault rules call this route: "GET /wiki/api/v2/pages"."""
        return f"{self.method} {self.template}"


@dataclass
class RequestContext:
    instance: Any                    # model.Instance
    user: Any                        # model.User or None (anonymous)
    route: Route
    path_params: dict[str, str]
    query: Any                       # starlette QueryParams: .get(k), .getlist(k), .multi_items()
    site_base: str                   # "http://127.0.0.1:PORT" (the site origin)
    wiki_base: str                   # Cloud: site_base + "/wiki"; DC: site_base + context path
    mode: str                        # "cloud" | "datacenter"
    path: str                        # request path as the client sent it
    body: bytes = b""
    headers: Any = None              # starlette Headers
    faults: Any = None               # faults.FaultBook (DC wrong_start is consumed by handlers)
    user_timezone: str = "America/Los_Angeles"
    via_gateway: bool = False
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def context_path(self) -> str:
        """"/wiki" on Cloud, the DC context path ("" or "/confluence") on Data Center."""
        return self.wiki_base[len(self.site_base):]

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            raise ApiError(400, "Request body is not valid JSON") from None


class RouteTable:
    """Matches (method, path) to a Route; literal templates beat templated ones."""

    def __init__(self, routes: list[Route]):
        self.routes = list(routes)
        compiled = []
        for route in self.routes:
            pattern = _PLACEHOLDER.sub(r"(?P<\1>[^/]+)", re.escape(route.template).replace(r"\{", "{").replace(r"\}", "}"))
            compiled.append((route.template.count("{"), route, re.compile(pattern + "/?$")))
        compiled.sort(key=lambda entry: entry[0])
        self._by_method: dict[str, list] = {}
        for _, route, regex in compiled:
            self._by_method.setdefault(route.method, []).append((route, regex))

    def match(self, method: str, path: str, apis: tuple[str, ...]) -> tuple[Route, dict] | None:
        method = "GET" if method == "HEAD" else method
        for route, regex in self._by_method.get(method, ()):
            if route.api in apis:
                found = regex.match(path)
                if found:
                    return route, found.groupdict()
        return None

    def allows_other_method(self, path: str, apis: tuple[str, ...]) -> bool:
        return any(route.api in apis and regex.match(path)
                   for entries in self._by_method.values() for route, regex in entries)
