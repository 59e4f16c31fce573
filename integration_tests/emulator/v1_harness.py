"""In-process emulator for v1/DC route tests: the real app (routes, auth, faults) through Starlette's
TestClient, plus the model for computing the truth directly. (Switch to testing.running_confluence
for out-of-process runs once it lands; these tests only use HTTP + `instance`.)"""

import base64
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from emulators.confluence.app import Options, build_app

CLOUD_ADMIN = ("demo@example.com", "demo-token")
CLOUD_VIEWER = ("viewer@example.com", "viewer-token")
DC_ADMIN = ("admin", "admin-password")


class Emulator:
    def __init__(self, mode="cloud", profile="tiny", context_path=""):
        self.app = build_app(Options(mode=mode, profile=profile, context_path=context_path))
        self.instance = self.app.state.emulator.instance
        self.client = TestClient(self.app)
        self.mode = mode
        self.context_path = context_path

    def get(self, path, auth=None, **params):
        auth = auth or (DC_ADMIN if self.mode == "datacenter" else CLOUD_ADMIN)
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        return self.client.get(path, params=params or None, headers={"Authorization": f"Basic {token}"})

    def walk_offset(self, path, rederive_start=True, auth=None, **params):
        """Every result of an offset list; DC: start re-derived as start + size (§11)."""
        results, start, pages = [], 0, 0
        while True:
            body = self.get(path, auth=auth, start=start, **params).json()
            results.extend(body["results"])
            pages += 1
            if not body["_links"].get("next") or not body["results"] or pages > 10_000:
                return results
            if rederive_start:
                start = body["start"] + body["size"]
            else:
                start = int(parse_qs(urlsplit(body["_links"]["next"]).query)["start"][0])

    def walk_cursor(self, path, auth=None, **params):
        """Follow `_links.next` verbatim (relative to `_links.base`, Cloud search)."""
        body = self.get(path, auth=auth, **params).json()
        results = list(body["results"])
        while body["_links"].get("next"):
            assert body["_links"]["next"].startswith("/rest/api/")
            body = self.get(self.wiki_prefix + body["_links"]["next"], auth=auth).json()
            results.extend(body["results"])
        return results

    @property
    def wiki_prefix(self):
        return "/wiki" if self.mode == "cloud" else self.context_path


def ids(results, key=None):
    return [(r[key] if key else r)["id"] for r in results]
