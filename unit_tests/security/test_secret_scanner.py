"""The scanner that guards every reliability test finds secrets in each form they could leak in."""
import base64
import json

from .conftest import secret_scan


def test_scanner_finds_plain_urlencoded_and_basic_header_forms():
    ledger = secret_scan.SecretLedger()
    ledger.add_secrets_of({"credentials": {"email": "me@x.io", "api_token": "s3cr3t/t0ken+"}})
    basic = base64.b64encode(b"me@x.io:s3cr3t/t0ken+").decode()
    ledger.capture("a", "token s3cr3t/t0ken+ here")
    ledger.capture("b", "url ?t=s3cr3t%2Ft0ken%2B")
    ledger.capture("c", f"Authorization: Basic {basic}")
    assert {finding.label for finding in ledger.findings()} == {"a", "b", "c"}


def test_scanner_skips_only_the_config_control_message():
    ledger = secret_scan.SecretLedger()
    control = {"type": "CONTROL", "control": {"type": "CONNECTOR_CONFIG", "connectorConfig": {"config": {
        "credentials": {"refresh_token": "demo-refresh-token"}}}}}
    ledger.capture("control", json.dumps(control))
    assert ledger.findings() == []
    ledger.capture("log", json.dumps({"type": "LOG", "log": {"message": "refresh demo-refresh-token"}}))
    assert [f.label for f in ledger.findings()] == ["log"]
