"""Every secret we hand a connector, searched for in everything the connectors and tests printed.

The ledger is per process (pytest-xdist workers each have their own) and is emptied before each test
by the autouse fixture in conftest.py, which scans it afterwards and fails the test on any hit.

    ledger.add_secrets_of({"credentials": {"api_token": "demo-token"}})
    ledger.capture("source read stdout", '{"type": "LOG", "log": {"message": "token demo-token"}}')
    ledger.findings() → [Finding(label="source read stdout", secret="demo-token", line=1)]

A secret is found verbatim, URL-encoded, or inside the Basic Authorization value it would travel in
(base64 of `user:secret`), so a logged `Authorization: Basic ZGVt…` header counts as a leak.
The Airbyte CONTROL message that carries a refreshed connector config is the protocol's one sanctioned
channel for secrets (the platform stores the rotated OAuth refresh token from it), so it is not scanned.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import quote

# Credentials the emulators accept (contracts §1.3, §3): any test may put them in a config.
EMULATOR_SECRETS = (
    "demo-token", "viewer-token", "demo-scoped-token", "demo-client-secret", "demo-refresh-token",
    "demo-pat", "admin-password", "viewer-password", "demo-secret",
)
# The users those secrets belong to, for the Basic header form.
EMULATOR_USERS = ("demo@example.com", "viewer@example.com", "admin", "viewer", "demo-client")
SECRET_KEYS = {
    "api_token", "password", "personal_access_token", "client_secret", "refresh_token", "access_token",
    "secret", "token",
}


@dataclass(frozen=True)
class Finding:
    label: str
    secret: str
    line: int

    def __str__(self) -> str:
        return f"{self.label}, line {self.line}: contains secret {self.secret[:3]}…"


def secret_values_of(config: Any) -> set[str]:
    """Every string under a secret-named key (`api_token`, `client_secret`, …), at any depth."""
    found: set[str] = set()
    if isinstance(config, dict):
        for key, value in config.items():
            if isinstance(value, str) and key.lower() in SECRET_KEYS and len(value) >= 4:
                found.add(value)
            else:
                found |= secret_values_of(value)
    elif isinstance(config, list):
        for item in config:
            found |= secret_values_of(item)
    return found


def encoded_forms(secret: str, users: Iterable[str]) -> set[str]:
    forms = {secret, quote(secret, safe="")}
    for user in users:
        forms.add(base64.b64encode(f"{user}:{secret}".encode()).decode().rstrip("="))
    return forms


def _is_config_control(line: str) -> bool:
    if '"CONTROL"' not in line:
        return False
    try:
        message = json.loads(line)
    except ValueError:
        return False
    return message.get("type") == "CONTROL" and (message.get("control") or {}).get("type") == "CONNECTOR_CONFIG"


@dataclass
class SecretLedger:
    secrets: set[str] = field(default_factory=lambda: set(EMULATOR_SECRETS))
    users: set[str] = field(default_factory=lambda: set(EMULATOR_USERS))
    captured: list[tuple[str, str]] = field(default_factory=list)

    def reset(self) -> None:
        self.secrets = set(EMULATOR_SECRETS)
        self.users = set(EMULATOR_USERS)
        self.captured = []

    def add_secrets_of(self, config: Any) -> None:
        self.secrets |= secret_values_of(config)
        if isinstance(config, dict):
            credentials = config.get("credentials") if isinstance(config.get("credentials"), dict) else {}
            for key in ("email", "username", "client_id"):
                if isinstance(credentials.get(key), str) and credentials[key]:  # a malformed config may hold a list
                    self.users.add(credentials[key])

    def capture(self, label: str, text: str | bytes) -> None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        if text:
            self.captured.append((label, text))

    def findings(self) -> list[Finding]:
        needles = {form: secret for secret in self.secrets for form in encoded_forms(secret, self.users)}
        hits = []
        for label, text in self.captured:
            for number, line in enumerate(text.splitlines(), start=1):
                if _is_config_control(line):
                    continue
                for needle, secret in needles.items():
                    if needle in line:
                        hits.append(Finding(label, secret, number))
        return hits

    def scanned_line_count(self) -> int:
        return sum(len(text.splitlines()) for _, text in self.captured)


LEDGER = SecretLedger()
