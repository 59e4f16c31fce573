"""Fixtures for the reliability suite: the secret scanner every test uses, and per-worker emulators."""
from __future__ import annotations

import pytest

from .secret_scan import LEDGER


@pytest.fixture(autouse=True)
def secret_scan(capfd, caplog):
    """Fails the test if any secret of any config it used shows up in anything printed or logged."""
    LEDGER.reset()
    yield LEDGER
    out, err = capfd.readouterr()
    LEDGER.capture("test stdout", out)
    LEDGER.capture("test stderr", err)
    LEDGER.capture("test log", caplog.text)
    findings = LEDGER.findings()
    assert not findings, "secrets leaked:\n" + "\n".join(map(str, findings))


@pytest.fixture(scope="module")
def cloud_confluence():
    """One tiny Cloud emulator per test module and worker; tests that arm faults clear them after."""
    from emulators.confluence.testing import running_confluence

    with running_confluence(mode="cloud", profile="tiny", seed=1) as emu:
        yield emu


@pytest.fixture(scope="module")
def dc_confluence():
    from emulators.confluence.testing import running_confluence

    with running_confluence(mode="datacenter", profile="tiny", seed=1) as emu:
        yield emu
