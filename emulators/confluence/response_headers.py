"""Headers every Cloud REST answer carries (all Nango recordings in ../shared/real-responses, e.g.
cloud__v2-spaces__1): a rate-limit budget, the server's request time, a trace id and the wiki base.

    x-ratelimit-limit: 5000 · x-ratelimit-remaining: 4960 · x-ratelimit-reset: 1777363270 (epoch s)
    x-confluence-request-time: 1777363249859 (epoch ms) · atl-traceid: ccfd27cc…
    link: <https://site.atlassian.net/wiki>; rel="base"

Added to successful answers only, and never over a header the handler or a fault rule set (a 429
rule brings its own X-RateLimit-* and Retry-After). The budget counts requests per wall-clock
minute and resets at the next minute; nothing is refused when it reaches 0 (faults do that).
"""
from __future__ import annotations

import threading
import time
import uuid

RATE_LIMIT = 5000


class CloudResponseHeaders:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window = 0
        self._used = 0

    def apply(self, response, wiki_base: str) -> None:
        if not 200 <= response.status_code < 300:
            return
        now = time.time()
        with self._lock:
            window = int(now // 60)
            if window != self._window:
                self._window, self._used = window, 0
            self._used += 1
            remaining = max(0, RATE_LIMIT - self._used)
        trace = uuid.uuid4().hex
        for name, value in (("x-ratelimit-limit", str(RATE_LIMIT)), ("x-ratelimit-remaining", str(remaining)),
                            ("x-ratelimit-reset", str((window + 1) * 60)),
                            ("x-confluence-request-time", str(int(now * 1000))),
                            ("atl-traceid", trace), ("x-trace-id", trace),
                            ("link", f'<{wiki_base}>; rel="base"')):
            if name not in response.headers:
                response.headers[name] = value
