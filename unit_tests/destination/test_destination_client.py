"""client.py request shapes and the retry policy, pinned with requests-mock."""

import json
from urllib.parse import unquote_plus

import pytest
import requests
import requests_mock
from unit_tests.destination.destination_builders import ConfigBuilder

from destination_unique.client import UniqueApiError, UniqueClient
from destination_unique.instance_identity import confluence_instance_id
from destination_unique.settings import ConfigError, parse_settings

BASE = "https://unique.test"  # client credentials go through the gateway: https only


def client_for(**changes) -> tuple[UniqueClient, list[float]]:
    waits: list[float] = []
    settings = parse_settings(ConfigBuilder(BASE).with_(**changes).build())
    return UniqueClient(settings, sleep=waits.append), waits


def graphql_bodies(mock) -> list[dict]:
    return [json.loads(request.body) for request in mock.request_history if request.path == "/graphql"]


def test_in_cluster_requests_carry_the_three_service_headers():
    client, _ = client_for()
    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/scope-management/graphql", json={"data": {"me": {"user": {"id": "u1"}}}})
        assert client.me() == "u1"
    headers = mock.request_history[0].headers
    assert (headers["x-company-id"], headers["x-user-id"], headers["x-service-id"]) == (
        "demo-company", "demo-user", "confluence-connector")


def test_client_credentials_fetch_one_token_with_basic_auth_and_the_project_audience():
    client, _ = client_for(credentials={"auth_type": "client_credentials", "token_url": f"{BASE}/oauth/v2/token",
                                        "client_id": "cid", "client_secret": "s3cret-value", "project_id": "p9"})
    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/oauth/v2/token", json={"access_token": "tok", "expires_in": 3600})
        mock.post(f"{BASE}/graphql", json={"data": {"__typename": "Query"}})
        mock.post(f"{BASE}/scope-management/graphql", json={"data": {"__typename": "Query"}})
        client.health()
        client.health()
    token_calls = [r for r in mock.request_history if r.path == "/oauth/v2/token"]
    assert len(token_calls) == 1
    assert token_calls[0].headers["Authorization"].startswith("Basic ")
    assert "urn:zitadel:iam:org:project:id:p9:aud" in unquote_plus(token_calls[0].body)
    assert mock.request_history[-1].headers["Authorization"] == "Bearer tok"


def test_transient_statuses_are_retried_with_backoff_then_succeed():
    client, waits = client_for(http_max_retries=3, http_backoff_base_seconds=0.5)
    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/v2/content/file-diff", [
            {"status_code": 503}, {"status_code": 429, "headers": {"Retry-After": "2"}},
            {"json": {"newFiles": ["1"], "updatedFiles": [], "movedFiles": [], "deletedFiles": []}}])
        diff = client.file_diff("acme/1_ENG/", "ATLASSIAN_CONFLUENCE_CLOUD", "https://x", [{"key": "1"}])
    assert diff["newFiles"] == ["1"] and waits == [0.5, 2.0]
    assert json.loads(mock.request_history[0].body)["partialKey"] == "acme/1_ENG/"


def test_retries_are_bounded_and_a_client_error_is_not_retried():
    client, waits = client_for(http_max_retries=2)
    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/v2/content/file-diff", status_code=500)
        with pytest.raises(UniqueApiError, match="HTTP 500"):
            client.file_diff("p/", "k", "n", [])
        assert mock.call_count == 3
        mock.post(f"{BASE}/v2/content/file-diff", status_code=400, text="bad")
        with pytest.raises(UniqueApiError, match="HTTP 400"):
            client.file_diff("p/", "k", "n", [])
        assert mock.call_count == 4


def test_a_graphql_error_raises_with_its_message():
    client, _ = client_for()
    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/graphql", json={"errors": [{"message": "scope not found"}]})
        with pytest.raises(UniqueApiError, match="scope not found"):
            client.get_scope("x")


def test_api_errors_say_whether_access_was_refused_the_item_is_missing_or_no_answer_came():
    client, _ = client_for(http_max_retries=1)
    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/graphql", json={"errors": [{"message": "no", "extensions": {"code": "FORBIDDEN"}}]})
        with pytest.raises(UniqueApiError) as forbidden:
            client.get_scope("x")
        mock.post(f"{BASE}/graphql", json={"errors": [{"message": "gone", "extensions": {"code": "NOT_FOUND"}}]})
        with pytest.raises(UniqueApiError) as missing:
            client.grant_scope_access("x", "u1", ("READ",))
        mock.post(f"{BASE}/v2/content/file-diff", status_code=403, text="denied")
        with pytest.raises(UniqueApiError) as denied:
            client.file_diff("p/", "k", "n", [])
        mock.post(f"{BASE}/graphql", exc=requests.ConnectionError("refused"))
        with pytest.raises(UniqueApiError) as unreachable:
            client.get_scope("x")
    assert (forbidden.value.code, forbidden.value.is_refused, forbidden.value.is_not_found) == ("FORBIDDEN", True, False)
    assert (missing.value.is_not_found, missing.value.is_refused) == (True, False)
    assert (denied.value.status, denied.value.is_refused, denied.value.unreachable) == (403, True, False)
    assert unreachable.value.unreachable and unreachable.value.status is None


def test_key_lookups_go_100_keys_per_request_and_deletes_20_ids_per_batch():
    client, _ = client_for()
    keys = [f"acme/1_ENG/{n}" for n in range(150)]

    def content(request, context):
        body = json.loads(request.body)
        if "contentDeleteByContentIds" in body["query"]:
            return {"data": {"contentDeleteByContentIds": [{"id": i} for i in body["variables"]["contentIds"]]}}
        wanted = body["variables"]["where"]["key"]["in"]
        return {"data": {"paginatedContent": {"totalCount": len(wanted),
                                              "nodes": [{"id": f"id-{k}", "key": k} for k in wanted]}}}

    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/graphql", json=content)
        ids = client.content_ids_for_keys(keys)
        deleted, failed = client.delete_contents(list(ids.values()))
    bodies = graphql_bodies(mock)
    lookups = [b for b in bodies if "paginatedContent" in b["query"]]
    deletes = [b for b in bodies if "contentDeleteByContentIds" in b["query"]]
    assert [len(b["variables"]["where"]["key"]["in"]) for b in lookups] == [100, 50]
    assert [len(b["variables"]["contentIds"]) for b in deletes] == [20] * 7 + [10]
    assert (len(ids), deleted, failed) == (150, 150, 0)


def test_the_upload_streams_the_body_with_blob_headers_and_no_authorization():
    client, _ = client_for()
    with requests_mock.Mocker() as mock:
        mock.put(f"{BASE}/scoped/upload?key=c1", status_code=201)
        client.upload(f"{BASE}/scoped/upload?key=c1", lambda: __import__("io").BytesIO(b"hello"), 5, "text/html")
    request = mock.request_history[0]
    assert request.headers["x-ms-blob-type"] == "BlockBlob" and request.headers["Content-Length"] == "5"
    assert "Authorization" not in request.headers and "x-user-id" not in request.headers


def test_self_grant_sends_manage_read_write_without_file_access_propagation():
    client, _ = client_for()
    with requests_mock.Mocker() as mock:
        mock.post(f"{BASE}/graphql", json={"data": {"createScopeAccesses": True}})
        client.grant_scope_access("root", "u1", ("MANAGE", "READ", "WRITE"))
    variables = graphql_bodies(mock)[0]["variables"]
    assert [a["accessType"] for a in variables["scopeAccesses"]] == ["MANAGE", "READ", "WRITE"]
    assert variables["skipFileAccessPropagation"] is True


def test_the_data_center_instance_id_is_read_anonymously_from_the_applinks_manifest():
    settings = parse_settings(ConfigBuilder(BASE).with_(confluence_instance_type="data-center", confluence_instance_id="",
                                                        confluence_base_url="https://dc.test/confluence").build())
    with requests_mock.Mocker() as mock:
        mock.get("https://dc.test/confluence/rest/applinks/1.0/manifest", json={"id": "dc-77"})
        assert confluence_instance_id(settings) == "dc-77"
    assert mock.request_history[0].headers["Accept"] == "application/json"
    assert "Authorization" not in mock.request_history[0].headers


def test_an_unreachable_manifest_is_a_config_error_naming_the_fix():
    settings = parse_settings(ConfigBuilder(BASE).with_(confluence_instance_type="data-center", confluence_instance_id="",
                                                        confluence_base_url="https://dc2.test").build())
    with requests_mock.Mocker() as mock:
        mock.get("https://dc2.test/rest/applinks/1.0/manifest", status_code=404)
        with pytest.raises(ConfigError, match="confluence_instance_id"):
            confluence_instance_id(settings)
