"""Destination end-to-end tests against the real Unique emulator (contracts §3)."""

from __future__ import annotations

import pytest

from emulators.unique.testing import running_unique


@pytest.fixture
def unique(tmp_path):
    with running_unique(tmp_path, latency_ms=0) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def own_lock_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DESTINATION_UNIQUE_LOCK_DIR", str(tmp_path / "locks"))
