"""`source-confluence read | destination-unique write` as two subprocesses, and the truth comparison."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from destination_unique.settings import DEFAULT_MIME_TYPES
from destination_unique.summary import parse_summary_line

BIN = Path(sys.executable).parent
SYNCED_STREAMS = ("spaces", "pages", "blog_posts", "attachments", "content_index")


def source_config(confluence_url: str) -> dict:
    return {"domain_name": confluence_url, "deployment_type": "cloud",
            "credentials": {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"},
            "attachments": {"download_files": True, "allowed_media_types": list(DEFAULT_MIME_TYPES), "max_size_mb": 200}}


def destination_config(unique_url: str, cloud_id: str, confluence_url: str) -> dict:
    return {"ingestion_url": unique_url, "scope_management_url": f"{unique_url}/scope-management",
            "credentials": {"auth_type": "in_cluster", "company_id": "demo-company", "user_id": "demo-user"},
            "root_scope_id": "root-confluence", "tenant_name": "demo", "confluence_instance_type": "cloud",
            "confluence_instance_id": cloud_id, "confluence_base_url": confluence_url, "concurrency": 8,
            "http_backoff_base_seconds": 0.2}


def configured_catalog(discovered: dict) -> dict:
    streams = []
    for stream in discovered["streams"]:
        if stream["name"] in SYNCED_STREAMS:
            entry = {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite",
                     "primary_key": stream.get("source_defined_primary_key") or []}
            if stream.get("is_file_based"):
                entry["include_files"] = True
            streams.append(entry)
    return {"streams": streams}


def discover(workdir: Path, env: dict) -> dict:
    output = subprocess.run([str(BIN / "source-confluence"), "discover", "--config", str(workdir / "source.json")],
                            capture_output=True, text=True, env=env, check=True).stdout
    return next(json.loads(line)["catalog"] for line in output.splitlines() if '"CATALOG"' in line)


def sync(workdir: Path, env: dict, label: str) -> dict:
    """Runs one sync; returns the destination's SYNC_SUMMARY plus records counted per stream."""
    catalog = str(workdir / "catalog.json")
    with open(workdir / f"{label}-source.stderr", "w") as source_err, open(workdir / f"{label}-destination.stderr", "w") as dest_err:
        source = subprocess.Popen([str(BIN / "source-confluence"), "read", "--config", str(workdir / "source.json"),
                                   "--catalog", catalog], stdout=subprocess.PIPE, stderr=source_err, env=env)
        destination = subprocess.Popen([str(BIN / "destination-unique"), "write", "--config",
                                        str(workdir / "destination.json"), "--catalog", catalog],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=dest_err, env=env)
        records = Counter()
        for line in source.stdout:
            if line.startswith(b'{"type":"RECORD"'):
                records[json.loads(line)["record"]["stream"]] += 1
            destination.stdin.write(line)
        destination.stdin.close()
        source.wait()
        output = destination.stdout.read().decode()
        destination.wait()
    summary = None
    errors = []
    for line in output.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("type") == "LOG":
            summary = parse_summary_line(message["log"]["message"]) or summary
        elif message.get("type") == "TRACE" and message["trace"].get("type") == "ERROR":
            errors.append(message["trace"]["error"]["message"])
    return {"records": dict(records), "summary": summary or {}, "errors": errors,
            "exit_codes": (source.returncode, destination.returncode)}


def child_env(staging: Path) -> dict:
    return {**os.environ, "AIRBYTE_STAGING_DIRECTORY": str(staging), "AIRBYTE_ENABLE_UNSAFE_CODE": "true",
            "DO_NOT_TRACK": "1", "AIRBYTE_OFFLINE_MODE": "1", "PYTHONWARNINGS": "ignore"}


def expected_from_truth(truth: dict, tenant: str = "demo") -> dict[str, str]:
    """Full key → lastModifiedAt of what Confluence holds that the destination should store."""
    spaces = {space["key"]: space_id for space_id, space in truth["spaces"].items()}
    expected: dict[str, str] = {}
    for kind in ("pages", "blog_posts"):
        for item_id, item in truth[kind].items():
            if item["status"] == "current" and not item.get("bodyEmpty"):
                expected[f"{tenant}/{spaces[item['spaceKey']]}_{item['spaceKey']}/{item_id}"] = item["lastModifiedAt"]
    visible = {i for kind in ("pages", "blog_posts") for i, item in truth[kind].items() if item["status"] == "current"}
    for att_id, att in truth["attachments"].items():
        if att["containerId"] in visible and is_stored_attachment(att):
            expected[f"{tenant}/{spaces[att['spaceKey']]}_{att['spaceKey']}/{att['containerId']}::{att_id}"] = att["lastModifiedAt"]
    return expected


def is_stored_attachment(attachment: dict) -> bool:
    """The destination stores an attachment of an allowed media type with at least one byte."""
    return attachment["mediaType"] in DEFAULT_MIME_TYPES and attachment["fileSize"] > 0


def stored_in_unique(state: dict) -> dict[str, str]:
    return {row["key"]: row.get("sourceUpdatedAt") for row in state["contents"]}
