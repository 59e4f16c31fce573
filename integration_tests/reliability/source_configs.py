"""Source configs pointed at a running Confluence emulator, every wait tiny (contracts §2).

    source_config(emu.base_url) → Cloud, demo@example.com / demo-token, LA zone, backoff cap 0 s
    source_config(emu.base_url, mode="datacenter", auth="dc_basic", page_size=5)
"""
from __future__ import annotations

import copy
from typing import Any

CREDENTIALS = {
    "api_token": {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"},
    "viewer": {"auth_type": "api_token", "email": "viewer@example.com", "api_token": "viewer-token"},
    "scoped_token": {"auth_type": "scoped_token", "email": "demo@example.com", "api_token": "demo-scoped-token"},
    "oauth2": {"auth_type": "oauth2", "client_id": "demo-client", "client_secret": "demo-client-secret",
               "refresh_token": "demo-refresh-token"},
    "dc_pat": {"auth_type": "dc_pat", "personal_access_token": "demo-pat"},
    "dc_basic": {"auth_type": "dc_basic", "username": "admin", "password": "admin-password"},
}
# The content streams every fault scenario reads: CQL search (pages), v2 cursor list (spaces).
FAULT_STREAMS = ("pages", "blog_posts", "spaces")


def source_config(base_url: str, mode: str = "cloud", auth: str | None = None, **overrides: Any) -> dict:
    auth = auth or ("dc_pat" if mode == "datacenter" else "api_token")
    credentials = copy.deepcopy(CREDENTIALS[auth])
    if auth in ("scoped_token", "oauth2"):
        # The gateway and token endpoint are the emulator itself (contracts §1.3).
        credentials["gateway_url"] = base_url
        if auth == "oauth2":
            credentials["token_url"] = f"{base_url}/oauth/token"
    config = {
        "domain_name": base_url,
        "deployment_type": mode,
        "credentials": credentials,
        "user_timezone": "America/Los_Angeles",
        "start_date": "2000-01-01T00:00:00Z",
        "lookback_window": "PT10M",
        "page_size": 10,
        "num_workers": 2,
        "max_backoff_seconds": 0,
    }
    config.update(overrides)
    return config
