"""Every request the connector sends is a documented operation with documented parameters.

The emulator's requests log gives (method, route template, query); the route template is looked up
in Atlassian's OpenAPI documents in ../shared/confluence-api/, parameters resolved through `$ref`.
The few requests that no OpenAPI document covers are listed with the page that documents them.
"""
import functools
import json
from pathlib import Path

import pytest

from .harness import ALL_STREAMS, DC_STREAMS, config_for, read_streams

SPECS = Path(__file__).resolve().parents[4] / "shared" / "confluence-api"
# A plain clone has no shared/ beside it: the documents are read-only reference data, never copied in.
pytestmark = pytest.mark.skipif(
    not SPECS.is_dir(), reason=f"Atlassian's OpenAPI documents not found in {SPECS} (the shared/ reference "
                               "directory beside the repository; CI places it there)")
CLOUD_SPECS = ["confluence-cloud-v1.swagger.v3.json", "confluence-cloud-v1-legacy-2023-08.swagger.v3.json"]
V2_SPEC = "confluence-cloud-v2.openapi-v2.v3.json"
DC_SPEC = "confluence-dc-10.0.3.swagger.v3.json"
# Not in any OpenAPI document; documented elsewhere (confluence-api.md).
DOCUMENTED_ELSEWHERE = {
    "GET /_edge/tenant_info": "§3.4 cloudId without OAuth (Atlassian KB)",
    "POST /oauth/token": "§3.3 OAuth 2.0 token endpoint (spec-v2 securitySchemes)",
    "GET /wiki/download/attachments/{container_id}/{filename}": "§5.1 attachment downloadLink",
    "GET /download/attachments/{container_id}/{filename}": "§11 DC attachment _links.download",
}
# The DC 10.0.3 document lists `GET /rest/api/audit` (deprecated) without any parameter; the same
# operation's parameters are documented in the Cloud v1 document (start, limit, startDate, ...).
DC_PARAMETERS_DOCUMENTED_BY_CLOUD = {"/rest/api/audit": "/wiki/rest/api/audit"}


@functools.lru_cache(maxsize=None)
def spec(name):
    return json.loads((SPECS / name).read_text())


def resolve(document, node):
    while "$ref" in node:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def documented_parameters(route: str, method: str, mode: str):
    if route.startswith("/wiki/api/v2/"):
        candidates = [(V2_SPEC, route[len("/wiki/api/v2"):])]
    elif mode == "datacenter" and route in DC_PARAMETERS_DOCUMENTED_BY_CLOUD:
        candidates = [(CLOUD_SPECS[0], DC_PARAMETERS_DOCUMENTED_BY_CLOUD[route])]
    elif mode == "datacenter":
        candidates = [(DC_SPEC, route)]
    else:
        candidates = [(name, route) for name in CLOUD_SPECS]
    for name, path in candidates:
        document = spec(name)
        operations = document["paths"].get(path)
        if operations and method.lower() in operations:
            operation = operations[method.lower()]
            parameters = [resolve(document, p) for p in operations.get("parameters", []) + operation.get("parameters", [])]
            return {p["name"] for p in parameters if p.get("in") == "query"}
    return None


def assert_every_request_documented(emu):
    undocumented = []
    for entry in emu.requests_log():
        route = entry["route"]
        if route.startswith("/__emulator") or f"{entry['method']} {route}" in DOCUMENTED_ELSEWHERE:
            continue
        allowed = documented_parameters(route, entry["method"], emu.mode)
        if allowed is None:
            undocumented.append(f"{entry['method']} {route} (no such operation)")
            continue
        extra = set(entry["query"]) - allowed
        if extra:
            undocumented.append(f"{entry['method']} {route} undocumented parameters {sorted(extra)}")
    assert not sorted(set(undocumented)), sorted(set(undocumented))


@pytest.mark.parametrize("kind", ["api_token", "scoped_token"])
def test_given_a_full_cloud_sync_then_every_request_is_a_documented_operation(cloud_small, kind):
    cloud_small.reset_stats()
    output = read_streams(config_for(cloud_small, kind, attachments={"download_files": True}), ALL_STREAMS)
    assert not output.errors
    assert_every_request_documented(cloud_small)


def test_given_a_full_data_center_sync_then_every_request_is_a_documented_operation(dc_small):
    output = read_streams(config_for(dc_small, attachments={"download_files": True}), DC_STREAMS)
    assert not output.errors
    assert_every_request_documented(dc_small)
