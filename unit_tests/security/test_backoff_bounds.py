"""Every wait the source takes on a rate limit is capped (issue #6 parts 1 and 5), whatever the header says."""
import requests

from source_confluence.components.listing.backoff import RetryAfterBackoffStrategy, header_wait_seconds


def _response(headers: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = 429
    response.headers.update(headers)
    return response


def test_absurd_retry_after_is_capped_not_overflowed():
    strategy = RetryAfterBackoffStrategy(config={"max_backoff_seconds": 30}, parameters={})
    for value in ("999999999999", "1e308", "inf", "Fri, 31 Dec 9999 23:59:59 GMT", "nan", "-5", "soon"):
        wait = strategy.backoff_time(_response({"Retry-After": value}), attempt_count=1)
        assert wait is not None and 0 <= wait <= 30, f"Retry-After {value!r} → {wait}"


def test_zero_cap_means_no_real_wait_even_without_headers():
    """Capped to 1 ms, never 0: the CDK reads a falsy wait as "no advice" and backs off 5 s × 2^n itself."""
    strategy = RetryAfterBackoffStrategy(config={"max_backoff_seconds": 0}, parameters={})
    for attempt in range(1, 10):
        wait = strategy.backoff_time(_response({}), attempt_count=attempt)
        assert wait is not None and 0 < wait <= 0.001, f"attempt {attempt} → {wait}"


def test_http_date_in_the_past_means_no_wait():
    assert header_wait_seconds({"Retry-After": "Wed, 01 Jan 2020 00:00:00 GMT"}) == 0
