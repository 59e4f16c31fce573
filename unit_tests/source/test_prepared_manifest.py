"""The manifest prepared at build time (source_confluence/prepared_manifest.py) is the CDK's own
preparation of the current manifest, and a stale or absent file changes nothing but time."""
import orjson

from source_confluence import prepared_manifest
from source_confluence.run import packaged_manifest
from source_confluence.source import SourceConfluence


def test_given_the_built_file_then_it_is_current_and_equals_what_the_cdk_prepares_now():
    """`make venv` wrote it; if manifest.yaml changed since, `make` writes it again before tests."""
    built = prepared_manifest.load()
    assert built is not None, "source_confluence/manifest.prepared.json is absent or stale: run `make venv`"
    assert built == orjson.loads(orjson.dumps(prepared_manifest.prepare()))


def test_given_a_stale_or_absent_file_then_it_is_not_used(tmp_path):
    stale = dict(prepared_manifest.prepare(), key="0" * 64 + " airbyte-cdk 0.0.0")
    (tmp_path / "stale.json").write_bytes(orjson.dumps(stale))
    (tmp_path / "broken.json").write_bytes(b"{not json")
    assert prepared_manifest.load(tmp_path / "stale.json") is None
    assert prepared_manifest.load(tmp_path / "broken.json") is None
    assert prepared_manifest.load(tmp_path / "absent.json") is None


def test_given_no_prepared_file_then_the_source_and_the_spec_come_from_the_yaml(monkeypatch):
    prepared = prepared_manifest.load()
    monkeypatch.setattr(prepared_manifest, "load", lambda path=None: None)
    assert packaged_manifest() == prepared["resolved"]
    assert SourceConfluence(None, None, None).resolved_manifest == prepared["processed"]


def test_the_key_changes_with_the_manifest():
    yaml_bytes = prepared_manifest.manifest_yaml()
    assert prepared_manifest.preparation_key(yaml_bytes) != prepared_manifest.preparation_key(yaml_bytes + b"\n# edit")


def test_a_command_reads_the_prepared_file_once(monkeypatch, tmp_path, capsys):
    """run.py's config and state checks and the source it builds share one load (~1 MB of JSON)."""
    import json

    from source_confluence.run import run

    loaded = prepared_manifest.load
    loads = []
    monkeypatch.setattr(prepared_manifest, "load", lambda *args: loads.append(1) or loaded(*args))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"domain_name": "https://example.atlassian.net", "credentials": {
        "auth_type": "api_token", "email": "a@example.com", "api_token": "t"}}))
    run(["discover", "--config", str(config)])
    assert '"CATALOG"' in capsys.readouterr().out
    assert loads == [1]
