"""Fault rules (contracts §1.6), latency without serialisation, and big-attachment streaming."""
import concurrent.futures
import time

import psutil
import pytest
import requests

from emulators.confluence.testing import running_confluence
from integration_tests.emulator.v2_harness import ADMIN

PAGES = "/wiki/api/v2/pages"


@pytest.fixture(scope="module")
def emu():
    with running_confluence(profile="tiny") as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults(emu):
    emu.clear_faults()
    yield
    emu.clear_faults()


@pytest.mark.parametrize("retry_after", ["5", "Wed, 21 Oct 2026 07:28:00 GMT", "0", None])
def test_given_a_429_rule_then_retry_after_and_rate_limit_headers_then_recovery(emu, retry_after):
    emu.set_faults([{"route": f"GET {PAGES}", "kind": "status", "status": 429, "times": 1, "retry_after": retry_after}])
    limited = requests.get(emu.origin + PAGES, auth=ADMIN)
    assert limited.status_code == 429
    assert limited.headers.get("Retry-After") == retry_after
    assert limited.headers["X-RateLimit-Remaining"] == "0" and "RateLimit-Reason" in limited.headers
    assert requests.get(emu.origin + PAGES, auth=ADMIN).status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_given_a_5xx_rule_then_that_status_in_the_v2_envelope(emu, status):
    emu.set_faults([{"route": "*", "kind": "status", "status": status, "retry_after": "1" if status == 503 else None}])
    response = requests.get(emu.origin + PAGES, auth=ADMIN)
    assert response.status_code == status and response.json()["errors"][0]["status"] == status


def test_given_a_reset_rule_then_the_client_sees_a_broken_body(emu):
    emu.set_faults([{"route": PAGES, "kind": "reset"}])
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(emu.origin + PAGES, auth=ADMIN).json()


def test_given_a_truncate_rule_then_json_fails_to_parse(emu):
    emu.set_faults([{"route": PAGES, "kind": "truncate"}])
    with pytest.raises(ValueError):
        requests.get(emu.origin + PAGES, auth=ADMIN).json()


def test_given_a_slow_rule_then_a_short_client_timeout_fires(emu):
    emu.set_faults([{"route": PAGES, "kind": "slow", "delay_ms": 1500}])
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(emu.origin + PAGES, auth=ADMIN, timeout=0.3)


def test_given_empty_next_and_repeat_cursor_then_next_points_back_at_the_same_page(emu):
    emu.set_faults([{"route": PAGES, "kind": "empty_next", "times": 1}])
    empty = requests.get(emu.origin + PAGES, params={"limit": 5}, auth=ADMIN).json()
    assert empty["results"] == [] and empty["_links"]["next"] == "/wiki/api/v2/pages?limit=5"
    emu.set_faults([{"route": PAGES, "kind": "repeat_cursor", "times": 1}])
    first = requests.get(emu.origin + PAGES, params={"limit": 5}, auth=ADMIN).json()
    again = requests.get(emu.origin + first["_links"]["next"], auth=ADMIN).json()
    assert [i["id"] for i in first["results"]] == [i["id"] for i in again["results"]]


def test_given_index_lag_when_mutating_then_the_model_reports_unindexed_items(emu):
    emu.mutate([{"op": "set_index_lag", "seconds": 30}])
    created = emu.mutate([{"op": "create_page", "spaceKey": "ENG", "title": "Fresh page"}])["results"][0]["id"]
    assert created in emu.truth()["pages"]
    emu.mutate([{"op": "set_index_lag", "seconds": 0}])


def test_given_100ms_latency_when_50_clients_call_at_once_then_they_overlap():
    with running_confluence(profile="tiny", latency_ms=100) as slow_emu:
        requests.get(slow_emu.origin + PAGES, auth=ADMIN)              # warm caches
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            statuses = list(pool.map(lambda _: requests.get(slow_emu.origin + PAGES, auth=ADMIN).status_code, range(50)))
        elapsed = time.monotonic() - started
        print(f"50 concurrent requests at 100 ms latency: {elapsed:.2f}s")
        assert statuses == [200] * 50 and elapsed < 2.5


def test_given_a_256_mib_attachment_when_downloading_then_exact_size_and_bounded_server_memory():
    with running_confluence(profile="tiny", big_attachment_mb=256) as big:
        attachment = next(a for a in requests.get(big.origin + "/wiki/api/v2/attachments", params={"limit": 250},
                                                  auth=ADMIN).json()["results"] if a["title"] == "big-file.bin")
        server = psutil.Process(big.process.pid)
        before = server.memory_info().rss
        received, peak = 0, before
        with requests.get(big.origin + "/wiki" + attachment["downloadLink"], auth=ADMIN, stream=True) as response:
            assert int(response.headers["Content-Length"]) == 256 * 1024 * 1024
            for chunk in response.iter_content(1024 * 1024):
                received += len(chunk)
                peak = max(peak, server.memory_info().rss)
        assert received == attachment["fileSize"] == 256 * 1024 * 1024
        print(f"server RSS before {before >> 20} MiB, peak {peak >> 20} MiB")
        assert peak - before < 100 * 1024 * 1024
        v1 = requests.get(f"{big.origin}/wiki/rest/api/content/{attachment['pageId']}/child/attachment/"
                          f"{attachment['id']}/download", auth=ADMIN, stream=True)
        assert v1.status_code == 200 and int(v1.headers["Content-Length"]) == attachment["fileSize"]
        v1.close()


def test_given_medium_when_starting_then_ready_well_within_a_minute():
    started = time.monotonic()
    with running_confluence(profile="medium") as medium:
        elapsed = time.monotonic() - started
        rss = psutil.Process(medium.process.pid).memory_info().rss
        print(f"medium ready in {elapsed:.2f}s, RSS {rss >> 20} MiB")
        assert len(medium.truth()["pages"]) > 4500
    assert elapsed < 60
