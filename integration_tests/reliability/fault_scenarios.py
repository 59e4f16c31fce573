"""The fault matrix as data: one Scenario per fault the emulator can inject (contracts §1.6).

Every scenario ends in one of two ways, and nothing else is acceptable:
  CLEAN  exactly the record ids per stream of a fault-free run, and the fault really fired;
  LOUD   a clear failure (TRACE error / non-zero exit naming the cause) after a bounded number of
         requests and a bounded wall time. Records emitted before the failure must be a subset of
         the clean run; a "successful" run with fewer records is silent truncation and fails the test.
Scenarios whose outcome the issue leaves open ("retry or fail clearly") accept either.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

CLEAN, LOUD, EITHER = "clean", "loud", "clean-or-loud"
CLOUD_SEARCH = "GET /wiki/rest/api/content/search"
CLOUD_SPACES = "GET /wiki/api/v2/spaces"
DC_SEARCH = "GET /rest/api/content/search"
DC_SPACES = "GET /rest/api/space"
# Every request the source may make for one listing after a fault: 1 + max_retries (6) +
# page-size reductions; far above that means the fault made it loop.
MAX_REQUESTS_PER_FAULTED_ROUTE = 40
MAX_WALL_SECONDS = 90


def http_date_in(seconds: int) -> str:
    return format_datetime(datetime.now(timezone.utc) + timedelta(seconds=seconds), usegmt=True)


@dataclass(frozen=True)
class Scenario:
    name: str
    rules: tuple[dict, ...]
    outcome: str
    mode: str = "cloud"
    failure_words: tuple[str, ...] = ()        # a LOUD failure must say one of these (case-insensitive)
    config: dict = field(default_factory=dict)  # extra source config for this scenario
    fast: bool = False                          # the class representative that runs in `make test`

    @property
    def route(self) -> str:
        return self.rules[0]["route"]


def _status(status: int, retry_after=None, times: int = 1, route: str = CLOUD_SEARCH, **extra) -> dict:
    return {"route": route, "kind": "status", "status": status, "times": times, "retry_after": retry_after, **extra}


def _kind(kind: str, times: int = 1, route: str = CLOUD_SEARCH, **extra) -> dict:
    return {"route": route, "kind": kind, "times": times, **extra}


RATE_LIMIT_WORDS = ("429", "rate limit", "too many", "rate-limit")
SERVER_WORDS = ("500", "502", "503", "504", "server", "gateway", "unavailable")

SCENARIOS = [
    # ── 429 ────────────────────────────────────────────────────────────
    Scenario("429_retry_after_seconds", (_status(429, "2", times=2),), CLEAN, fast=True),
    Scenario("429_retry_after_http_date", (_status(429, "HTTP-DATE+30", times=2),), CLEAN),
    Scenario("429_retry_after_zero", (_status(429, "0", times=3),), CLEAN),
    Scenario("429_retry_after_zero_forever_is_bounded", (_status(429, "0", times=-1),), LOUD,
             failure_words=RATE_LIMIT_WORDS),
    # 10^12 s overflowed time.sleep in atlassian-python-api#1593; the cap (1 s here) must win.
    Scenario("429_retry_after_absurd_is_capped", (_status(429, "999999999999", times=2),), CLEAN,
             config={"max_backoff_seconds": 1}),
    Scenario("429_without_retry_after", (_status(429, None, times=2),), CLEAN),
    Scenario("429_forever_fails_after_bounded_retries", (_status(429, "1", times=-1),), LOUD,
             failure_words=RATE_LIMIT_WORDS, fast=True),
    Scenario("429_on_v2_spaces", (_status(429, "1", times=2, route=CLOUD_SPACES),), CLEAN),
    # ── 5xx ────────────────────────────────────────────────────────────
    Scenario("500_once", (_status(500),), CLEAN),
    Scenario("502_once", (_status(502),), CLEAN),
    Scenario("503_with_retry_after", (_status(503, "1", times=2),), CLEAN, fast=True),
    Scenario("504_once", (_status(504),), CLEAN),
    Scenario("500_forever_fails_after_bounded_retries", (_status(500, times=-1),), LOUD, failure_words=SERVER_WORDS),
    Scenario("503_on_v2_spaces", (_status(503, "1", route=CLOUD_SPACES),), CLEAN),
    # ── transport ──────────────────────────────────────────────────────
    Scenario("connection_reset_mid_body", (_kind("reset"),), CLEAN, fast=True),
    Scenario("read_timeout", (_kind("slow", delay_ms=120_000),), CLEAN, config={"read_timeout_seconds": 3}),
    # ── body and pagination ────────────────────────────────────────────
    Scenario("truncated_json", (_kind("truncate"),), EITHER, failure_words=("json", "decode", "truncat", "parse"),
             fast=True),
    # A page with no results but a `next` link is not the end (onyx: Cloud sends such pages).
    Scenario("empty_page_with_next_link", (_kind("empty_next"),), EITHER,
             failure_words=("empty", "next", "page")),
    Scenario("repeated_cursor_forever", (_kind("repeat_cursor", times=-1),), LOUD,
             failure_words=("same page token", "repeat", "loop"), fast=True),
    Scenario("repeated_cursor_on_v2_spaces", (_kind("repeat_cursor", times=-1, route=CLOUD_SPACES),), LOUD,
             failure_words=("same page token", "repeat", "loop")),
    # ── Data Center ────────────────────────────────────────────────────
    Scenario("dc_wrong_start_in_next", (_kind("wrong_start", times=-1, route=DC_SEARCH),), CLEAN, mode="datacenter"),
    Scenario("dc_wrong_start_on_spaces", (_kind("wrong_start", times=-1, route=DC_SPACES),), CLEAN, mode="datacenter"),
    Scenario("dc_429_with_retry_after", (_status(429, "1", times=2, route=DC_SEARCH),), CLEAN, mode="datacenter"),
    Scenario("dc_503", (_status(503, "1", route=DC_SEARCH),), CLEAN, mode="datacenter"),
]
