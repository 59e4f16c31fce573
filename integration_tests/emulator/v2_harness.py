"""Helpers for v2 emulator tests over real HTTP (the CLI in a subprocess)."""
from urllib.parse import parse_qs, urlsplit

import requests

ADMIN = ("demo@example.com", "demo-token")
VIEWER = ("viewer@example.com", "viewer-token")


def walk_v2(emu, path, auth=ADMIN, limit=25, max_pages=10_000, **params):
    """Follow `_links.next` verbatim (joined with the origin); return items and the page count."""
    items, pages = [], 0
    url, query = emu.origin + path, {**params, "limit": limit}
    while url:
        response = requests.get(url, params=query, auth=auth, timeout=60)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["results"])
        pages += 1
        assert pages <= max_pages
        next_link = body["_links"].get("next")
        if next_link:
            assert next_link.startswith("/wiki/api/v2/")
            assert parse_qs(urlsplit(next_link).query)["limit"] == [str(limit)]
            assert 'rel="next"' in response.headers["Link"]
        url, query = (emu.origin + next_link if next_link else None), None
    return items, pages
