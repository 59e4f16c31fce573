"""The manifest as the CDK prepares it, computed when the package is built instead of on every command.

Every command that builds the source had the CDK parse `manifest.yaml`, resolve its `$ref`s,
propagate types and `$parameters` through ~2,000 components (deep copies) and validate the result
against the declarative schema: ~0.45 s of a `read`'s start-up, the same result every time.
Like bytecode, it is computed once when the package is built (`make venv`, the image build):

    python -m source_confluence.prepared_manifest     → source_confluence/manifest.prepared.json

The file holds the resolved manifest (what run.py reads: the spec, the cursors) and the processed
one (what the CDK builds streams from), computed by the CDK itself: a source built from the YAML,
whose `resolved_manifest` is taken. It is keyed by the YAML's SHA-256 and the airbyte-cdk version;
when either differs (the manifest was edited, the CDK upgraded) or the file is absent, the CDK
prepares the manifest as before, so a stale file can cost time but never change behaviour.
`unit_tests/source/test_prepared_manifest.py` checks the file's content equals the CDK's own.
"""
from __future__ import annotations

import hashlib
import pkgutil
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Dict, Optional

import orjson

PACKAGE = "source_confluence"
PREPARED_PATH = Path(__file__).with_name("manifest.prepared.json")


def manifest_yaml() -> bytes:
    data = pkgutil.get_data(PACKAGE, "manifest.yaml")
    if data is None:
        raise FileNotFoundError("source_confluence/manifest.yaml is not in the package")
    return data


def yaml_manifest() -> Dict[str, Any]:
    """manifest.yaml parsed, nothing resolved: what the CDK starts from."""
    from airbyte_cdk.utils.yaml_loader import safe_load_yaml

    return safe_load_yaml(manifest_yaml().decode())


def preparation_key(yaml_bytes: bytes) -> str:
    try:
        cdk = version("airbyte-cdk")
    except PackageNotFoundError:
        cdk = "unknown"
    return f"{hashlib.sha256(yaml_bytes).hexdigest()} airbyte-cdk {cdk}"


def load(path: Path = PREPARED_PATH) -> Optional[Dict[str, Any]]:
    """{"resolved": …, "processed": …} when the file was prepared from this manifest and CDK; else None."""
    try:
        prepared = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(prepared, dict) or prepared.get("key") != preparation_key(manifest_yaml()):
        return None
    return prepared


def prepare() -> Dict[str, Any]:
    """What the CDK computes from the YAML on every command, computed here once."""
    from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

    from source_confluence.source import SourceConfluence

    source = SourceConfluence(None, None, None, prepared=False)
    return {
        "key": preparation_key(manifest_yaml()),
        "resolved": ManifestReferenceResolver().preprocess_manifest(yaml_manifest()),
        "processed": source.resolved_manifest,
    }


def write(path: Path = PREPARED_PATH) -> Path:
    path.write_bytes(orjson.dumps(prepare()))
    return path


if __name__ == "__main__":
    written = write(Path(sys.argv[1]) if len(sys.argv) > 1 else PREPARED_PATH)
    print(f"prepared manifest: {written}")
