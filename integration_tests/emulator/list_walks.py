"""Full paginated walks over real HTTP, the way each API family tells clients to walk it.

v2: follow `_links.next` joined with the site origin (§4.1: `next` already starts with /wiki).
Cloud v1: `_links.base` + `_links.next` (§4.2: `next` lacks /wiki), also for cursor-paged search.
DC: ignore the under-counted `start` in `next`; re-derive start = start + size, stop only when `next`
is absent or the page is empty (§11).
"""
from __future__ import annotations

import requests

CLOUD_ADMIN = ("demo@example.com", "demo-token")
DC_ADMIN = ("admin", "admin-password")
MAX_PAGES = 20_000
_SESSION = requests.Session()      # keep-alive: thousands of small pages on loopback


def _get(url, auth, params=None) -> dict:
    response = _SESSION.get(url, params=params, auth=auth, timeout=120)
    assert response.status_code == 200, f"{url} {params}: HTTP {response.status_code} {response.text[:300]}"
    return response.json()


def walk_v2(origin: str, path: str, limit: int, auth=CLOUD_ADMIN, **params) -> list[dict]:
    items, url, query = [], origin + path, {**params, "limit": limit}
    for _ in range(MAX_PAGES):
        body = _get(url, auth, query)
        assert len(body["results"]) <= limit, f"{path}: {len(body['results'])} results for limit {limit}"
        items.extend(body["results"])
        next_link = body["_links"].get("next")
        if not next_link:
            return items
        assert next_link.startswith("/wiki/api/v2/"), next_link
        url, query = origin + next_link, None
    raise AssertionError(f"{path}: more than {MAX_PAGES} pages at limit {limit}")


def walk_v1(origin: str, path: str, limit: int, auth=CLOUD_ADMIN, **params) -> list[dict]:
    items, url, query = [], origin + path, {**params, "limit": limit}
    for _ in range(MAX_PAGES):
        body = _get(url, auth, query)
        items.extend(body["results"])
        next_link = body["_links"].get("next")
        if not next_link or not body["results"]:
            return items
        assert next_link.startswith("/rest/api/") and body["_links"]["base"].endswith("/wiki"), body["_links"]
        url, query = body["_links"]["base"] + next_link, None
    raise AssertionError(f"{path}: more than {MAX_PAGES} pages at limit {limit}")


def walk_dc(base_url: str, path: str, limit: int, auth=DC_ADMIN, **params) -> list[dict]:
    items, start = [], 0
    for _ in range(MAX_PAGES):
        body = _get(base_url + path, auth, {**params, "start": start, "limit": limit})
        items.extend(body["results"])
        if not body["_links"].get("next") or not body["results"]:
            return items
        start = body["start"] + body["size"]
    raise AssertionError(f"{path}: more than {MAX_PAGES} pages at limit {limit}")
