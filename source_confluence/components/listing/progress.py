"""Visible progress: per stream, records, HTTP requests and time spent waiting on rate limits.

    during the sync, every 10 s or 5000 records (LOG, INFO):
      progress: pages 1200 records, 6 requests, 2.0 s waited on rate limits | spaces 40 records, 1 requests
    once at the end (LOG, INFO; also when the sync fails):
      sync summary (12.3 s): pages 1500 records, 7 requests (1 rate-limited), 2.0 s waited on rate limits, ...

Where each number comes from, and why there:
* requests — a response hook on the HTTP session of every HttpRequester the manifest builds
  (`install_request_counting`), so retries, 429s, child listings and file downloads all count,
  under the requester's name, which the CDK sets to the stream's name. A request that never got a
  response (connection reset) is not counted.
* waits — `MeteredRetryAfterBackoffStrategy` records each wait it hands the CDK, plus the one
  second the CDK adds before every user-defined backoff (airbyte_cdk/sources/streams/http/
  rate_limiting.py `sleep_on_ratelimit`: `sleep_time = retry_after + 1`). 429 waits are rate-limit
  waits; 5xx waits are reported separately as retry waits.
* records — counted from the RECORD messages the source yields (`SyncProgress.observe`).
The tally is process-wide (the CDK builds backoff strategies itself, so nothing can be handed to
them) and guarded by a lock (the concurrent source calls it from worker threads); `observe` reports
what changed since it started, so several reads in one process do not mix.
"""
import json
import threading
import time
from collections import Counter
from dataclasses import InitVar, dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

import requests
from airbyte_cdk.models import AirbyteLogMessage, AirbyteMessage, Level, Type

from source_confluence.components.listing.backoff import RetryAfterBackoffStrategy
from source_confluence.components.cdk_hooks import http_session, on_every_component

CDK_EXTRA_WAIT_SECONDS = 1.0   # added by the CDK to every user-defined backoff (see module docstring)
LOG_EVERY_SECONDS = 10.0
LOG_EVERY_RECORDS = 5000


class SyncTally:
    """Thread-safe counters keyed by stream name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter = Counter()
        self.rate_limited_requests: Counter = Counter()
        self.rate_limit_wait_seconds: Counter = Counter()
        self.retry_wait_seconds: Counter = Counter()

    def count_response(self, stream: str, status_code: int) -> None:
        with self._lock:
            self.requests[stream] += 1
            if status_code == 429:
                self.rate_limited_requests[stream] += 1

    def count_wait(self, stream: str, seconds: float, is_rate_limit: bool) -> None:
        with self._lock:
            (self.rate_limit_wait_seconds if is_rate_limit else self.retry_wait_seconds)[stream] += seconds

    def snapshot(self) -> dict[str, Counter]:
        with self._lock:
            return {name: Counter(getattr(self, name)) for name in
                    ("requests", "rate_limited_requests", "rate_limit_wait_seconds", "retry_wait_seconds")}


TALLY = SyncTally()


def _response_hook(stream: str) -> Callable[..., None]:
    def count(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        # A cached session (the CDK caches parent streams) dispatches the hook twice for a fresh
        # response and once for a cache hit, which never reached the server: count each response once.
        if getattr(response, "from_cache", False) or getattr(response, "_counted_by_progress", False):
            return
        response._counted_by_progress = True  # type: ignore[attr-defined]
        TALLY.count_response(stream, response.status_code)
    return count


def install_request_counting(constructors: dict, requester_model: type) -> None:
    """Each built requester counts its responses.

    The CDK has no public per-request hook; the requester's HTTP session is a requests.Session,
    whose `hooks["response"]` fires once per received response, retries included.
    """
    def count_responses(requester: Any, config: Mapping[str, Any], **kwargs: Any) -> None:
        http_session(requester).hooks["response"].append(_response_hook(kwargs.get("name") or requester.name))

    on_every_component(constructors, requester_model, count_responses)


@dataclass
class MeteredRetryAfterBackoffStrategy(RetryAfterBackoffStrategy):
    """RetryAfterBackoffStrategy that also books each wait under the stream's name ($parameters.name)."""
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        self._stream = str((parameters or {}).get("name") or "unknown")

    def backoff_time(self, response_or_exception: Optional[Union[requests.Response, requests.RequestException]],
                     attempt_count: int) -> Optional[float]:
        wait = super().backoff_time(response_or_exception, attempt_count)
        if wait:  # the CDK ignores a falsy wait and falls back to its own default backoff
            is_rate_limit = isinstance(response_or_exception, requests.Response) and response_or_exception.status_code == 429
            TALLY.count_wait(self._stream, wait + CDK_EXTRA_WAIT_SECONDS, is_rate_limit)
        return wait


class SyncProgress:
    """Wraps the message stream of one read: counts records, logs progress, ends with a summary."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 every_seconds: float = LOG_EVERY_SECONDS, every_records: int = LOG_EVERY_RECORDS) -> None:
        self._clock = clock
        self._every_seconds = every_seconds
        self._every_records = every_records
        self.records: Counter = Counter()

    def observe(self, messages: Iterable[AirbyteMessage]) -> Iterator[AirbyteMessage]:
        baseline = TALLY.snapshot()
        started = last_logged = self._clock()
        records_at_last_log = 0
        try:
            for message in messages:
                yield message
                if message.type == Type.RECORD:
                    self.records[message.record.stream] += 1
                total = sum(self.records.values())
                if (self._clock() - last_logged >= self._every_seconds
                        or total - records_at_last_log >= self._every_records):
                    yield _log("progress: " + self.describe(baseline))
                    last_logged, records_at_last_log = self._clock(), total
        except Exception:
            yield from self._summary(baseline, started)  # a failed sync still says what it did
            raise
        yield from self._summary(baseline, started)

    def _summary(self, baseline: Mapping[str, Counter], started: float) -> Iterator[AirbyteMessage]:
        yield _log(f"sync summary ({self._clock() - started:.1f} s): {self.describe(baseline, final=True)}")
        yield _log("sync summary (json): " + json.dumps(self.per_stream(baseline), sort_keys=True))

    def per_stream(self, baseline: Mapping[str, Counter]) -> dict[str, dict[str, float]]:
        now = TALLY.snapshot()
        delta = {name: now[name] - baseline[name] for name in now}
        streams = sorted(set(self.records) | set(delta["requests"]))
        return {stream: {"records": self.records[stream], "requests": delta["requests"][stream],
                         "rate_limited_requests": delta["rate_limited_requests"][stream],
                         "rate_limit_wait_seconds": round(delta["rate_limit_wait_seconds"][stream], 3),
                         "retry_wait_seconds": round(delta["retry_wait_seconds"][stream], 3)}
                for stream in streams}

    def describe(self, baseline: Mapping[str, Counter], final: bool = False) -> str:
        parts = []
        for stream, numbers in self.per_stream(baseline).items():
            text = f"{stream} {numbers['records']} records, {numbers['requests']} requests"
            if numbers["rate_limited_requests"]:
                text += f" ({numbers['rate_limited_requests']} rate-limited)"
            if numbers["rate_limit_wait_seconds"] or final:
                text += f", {numbers['rate_limit_wait_seconds']:.1f} s waited on rate limits"
            if numbers["retry_wait_seconds"]:
                text += f", {numbers['retry_wait_seconds']:.1f} s waited before retries"
            parts.append(text)
        return " | ".join(parts) or "no streams read"


def _log(text: str) -> AirbyteMessage:
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=Level.INFO, message=text))
