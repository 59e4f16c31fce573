"""Two small loopback HTTP servers for the tests that need to see the wire.

`ForeignHost` (127.0.0.2 by default) plays "some other host": it records every request's headers and
answers 200 with an empty listing. Credentials arriving there are a leak.

`RewritingProxy` sits between the source and the real emulator: it forwards every request verbatim
and lets a test rewrite JSON bodies (point `_links.next` or a download link at the foreign host) or
add response headers (`X-RateLimit-NearLimit: true`), and it timestamps every request it forwards.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import requests

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class _Server:
    def __init__(self, host: str, handler_class) -> None:
        self._server = ThreadingHTTPServer((host, 0), handler_class)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class _ForeignHandler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.server.owner.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers)})
        body = b'{"results": [], "_links": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


class ForeignHost(_Server):
    def __init__(self, host: str = "127.0.0.2") -> None:
        self.seen: list[dict] = []
        super().__init__(host, _ForeignHandler)

    def credentials_seen(self) -> list[str]:
        return [f"{r['method']} {r['path']}: {name}" for r in self.seen for name in r["headers"]
                if name.lower() in ("authorization", "cookie", "proxy-authorization")]


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        proxy: RewritingProxy = self.server.owner
        proxy.request_times.append((time.monotonic(), self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = requests.request(self.command, proxy.upstream + self.path, headers=headers, data=body,
                                    allow_redirects=False, timeout=120)
        content = upstream.content
        if proxy.rewrite_json and "json" in upstream.headers.get("Content-Type", ""):
            try:
                payload = json.loads(content)
            except ValueError:
                payload = None
            if payload is not None:
                content = json.dumps(proxy.rewrite_json(self.path, payload)).encode()
        self.send_response(upstream.status_code)
        for name, value in upstream.headers.items():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        for name, value in proxy.extra_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    def log_message(self, *args) -> None:
        pass


class RewritingProxy(_Server):
    def __init__(self, upstream: str, rewrite_json: Callable[[str, dict], dict] | None = None,
                 extra_headers: dict[str, str] | None = None, host: str = "127.0.0.1") -> None:
        self.upstream = upstream.rstrip("/")
        self.rewrite_json = rewrite_json
        self.extra_headers = extra_headers or {}
        self.request_times: list[tuple[float, str, str]] = []
        super().__init__(host, _ProxyHandler)
