"""One emulator per xdist worker (each test isolates itself with its own key prefix / scopes);
faults and assumptions are reset before every test. Tests needing their own process (restart,
latency, CLI options) call running_unique themselves.
"""
from __future__ import annotations

import uuid

import pytest

from emulators.unique.assumptions import defaults
from emulators.unique.testing import running_unique

from .documents import CONTENT_UPSERT


@pytest.fixture(scope="session")
def shared_unique(tmp_path_factory):
    with running_unique(tmp_path_factory.mktemp("unique")) as emulator:
        yield emulator


@pytest.fixture
def uq(shared_unique):
    shared_unique.clear_faults()
    shared_unique.set_assumptions(defaults())
    yield shared_unique


@pytest.fixture
def prefix() -> str:
    """A fresh key namespace, e.g. "t7c1/"."""
    return f"t{uuid.uuid4().hex[:6]}/"


def upsert_variables(key: str, scope_id: str, **input_fields) -> dict:
    return {"input": {"key": key, "title": input_fields.pop("title", key), "mimeType": input_fields.pop(
                "mimeType", "text/html"), "ownerType": "SCOPE", "url": input_fields.pop("url", f"https://wiki/{key}"),
                      **input_fields},
            "scopeId": scope_id, "sourceOwnerType": "COMPANY", "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD",
            "sourceName": "https://example.atlassian.net", "storeInternally": True,
            "baseUrl": "https://example.atlassian.net"}


def ingest(uq, key: str, scope_id: str = "root-confluence", body: bytes = b"<p>hello</p>", **input_fields) -> dict:
    """Register → PUT → finalize, as the connector does (protocol §3.2–§3.4); returns the final content."""
    variables = upsert_variables(key, scope_id, byteSize=len(body), **input_fields)
    registered = uq.graphql(CONTENT_UPSERT, variables)["data"]["contentUpsert"]
    put = uq.session.put(registered["writeUrl"], data=body, headers={"x-ms-blob-type": "BlockBlob",
                                                                      "Content-Type": variables["input"]["mimeType"]})
    assert put.status_code == 201, put.text
    finalized = uq.graphql(CONTENT_UPSERT, {**variables, "fileUrl": registered["readUrl"]})
    return finalized["data"]["contentUpsert"]


def file_diff(uq, partial_key: str, files: list[tuple], source_kind: str = "ATLASSIAN_CONFLUENCE_CLOUD",
              source_name: str = "https://example.atlassian.net") -> dict:
    """files: (key, url, updatedAt) tuples."""
    response = uq.session.post(f"{uq.base_url}/v2/content/file-diff", headers=uq.headers, json={
        "partialKey": partial_key, "sourceKind": source_kind, "sourceName": source_name,
        "fileList": [{"key": key, "url": url, "updatedAt": updated_at} for key, url, updated_at in files]})
    assert response.status_code == 200, response.text
    return response.json()
