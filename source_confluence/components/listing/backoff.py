"""How long to wait before retrying a 429/503.

    Retry-After: 7                          → 7 s
    Retry-After: Wed, 01 Oct 2026 12:00:09 GMT → until then
    X-RateLimit-Reset: 2026-10-01T12:00:30Z → until then (when Retry-After is absent)
    X-RateLimit-Reset: 1790000000           → until then (epoch seconds, as recorded from Cloud)
    nothing                                 → 2, 4, 8 … s × jitter(0.7–1.3)
Every wait is capped by `max_backoff_seconds` (default 60; tests set 0, so nothing really sleeps).
"""
import datetime
import math
import random
from dataclasses import InitVar, dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Mapping, Optional, Union

import requests
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.types import Config


def _seconds_until(moment: datetime.datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return (moment - datetime.datetime.now(datetime.timezone.utc)).total_seconds()


def header_wait_seconds(headers: Mapping[str, str]) -> Optional[float]:
    retry_after = (headers.get("Retry-After") or "").strip()
    if retry_after:
        try:
            seconds = float(retry_after)
            # `nan` would pass max()/min() unchanged and make time.sleep raise mid-sync.
            return max(seconds, 0.0) if math.isfinite(seconds) or seconds > 0 else None
        except ValueError:
            try:
                return max(_seconds_until(parsedate_to_datetime(retry_after)), 0.0)
            except (TypeError, ValueError):
                pass
    reset = (headers.get("X-RateLimit-Reset") or "").strip()
    if reset.isdigit():   # epoch seconds, as Cloud sends it on every answer (the recorded Nango captures)
        seconds = int(reset) / (1000 if len(reset) > 11 else 1)
        return max(seconds - datetime.datetime.now(datetime.timezone.utc).timestamp(), 0.0)
    if reset:
        try:
            return max(_seconds_until(datetime.datetime.fromisoformat(reset.replace("Z", "+00:00"))), 0.0)
        except ValueError:
            return None
    return None


@dataclass
class RetryAfterBackoffStrategy(BackoffStrategy):
    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._cap_seconds = float(self.config.get("max_backoff_seconds", 60))

    def backoff_time(self, response_or_exception: Optional[Union[requests.Response, requests.RequestException]],
                     attempt_count: int) -> Optional[float]:
        wait = None
        if isinstance(response_or_exception, requests.Response):
            wait = header_wait_seconds(response_or_exception.headers)
        if wait is None:
            wait = (2 ** max(attempt_count, 1)) * random.uniform(0.7, 1.3)
        # Never 0: the CDK treats a falsy wait as "no advice" and falls back to its own 5 s-based
        # exponential backoff (http_client.py), which is exactly the uncapped wait this class removes.
        return max(min(wait, self._cap_seconds), 0.001)
