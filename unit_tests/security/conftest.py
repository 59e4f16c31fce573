"""The reliability suite's secret scanner, applied to everything these unit tests print or log."""
import importlib.util
import sys
from pathlib import Path

import pytest

_SCANNER_PATH = Path(__file__).resolve().parents[2] / "integration_tests" / "reliability" / "secret_scan.py"
_spec = importlib.util.spec_from_file_location("reliability_secret_scan", _SCANNER_PATH)
secret_scan = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = secret_scan  # dataclasses look their module up there
_spec.loader.exec_module(secret_scan)


@pytest.fixture(autouse=True)
def scanned_output(capfd, caplog, monkeypatch, tmp_path):
    monkeypatch.setenv("AIRBYTE_STAGING_DIRECTORY", str(tmp_path / "staging"))
    ledger = secret_scan.SecretLedger()
    yield ledger
    out, err = capfd.readouterr()
    ledger.capture("stdout", out)
    ledger.capture("stderr", err)
    ledger.capture("log", caplog.text)
    findings = ledger.findings()
    assert not findings, "secrets leaked:\n" + "\n".join(map(str, findings))
