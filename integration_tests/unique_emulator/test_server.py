"""Process-level behaviour: auth, persistence across restarts, faults, latency, rate limits, stats."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from emulators.unique.cli import load_faults
from emulators.unique.testing import running_unique

from .conftest import ingest, upsert_variables
from .documents import CONTENT_UPSERT, DELETE_BY_IDS, GENERATE_SCOPES, ME, UPDATE_SCOPE

AUDIENCE = "urn:zitadel:iam:org:project:id:demo-project:aud"
TOKEN_FORM = {"grant_type": "client_credentials",
              "scope": f"openid profile email urn:zitadel:iam:user:resourceowner {AUDIENCE}"}


def _token(uq, auth=("demo-client", "demo-secret"), form=None) -> requests.Response:
    return requests.post(uq.token_url, auth=auth, data=form or TOKEN_FORM, timeout=10)


def test_client_credentials_token_authenticates_graphql_and_rest(uq):
    issued = _token(uq).json()
    assert issued["token_type"] == "Bearer" and issued["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    me = requests.post(f"{uq.scope_management_url}/graphql", headers=bearer, json={"query": ME}, timeout=10)
    assert me.json()["data"]["me"]["user"]["id"] == "demo-user"
    diff = requests.post(f"{uq.base_url}/v2/content/file-diff", headers=bearer, timeout=10, json={
        "partialKey": "auth/", "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s", "fileList": []})
    assert diff.status_code == 200


def test_bad_credentials_are_refused(uq):
    assert _token(uq, auth=("demo-client", "wrong")).status_code == 401
    assert _token(uq, auth=None).status_code == 401
    assert _token(uq, form={"grant_type": "password", "scope": AUDIENCE}).json()["error"] == "unsupported_grant_type"
    assert _token(uq, form={"grant_type": "client_credentials", "scope": "openid"}).json()["error"] == "invalid_scope"
    health = {"query": "{ __typename }"}
    for headers in ({}, {"Authorization": "Bearer nope"}, {"x-company-id": "demo-company"},
                    {"x-company-id": "other", "x-user-id": "demo-user"}):
        assert requests.post(f"{uq.base_url}/graphql", headers=headers, json=health, timeout=10).status_code == 401
    assert requests.post(f"{uq.scope_management_url}/graphql", json=health, timeout=10).status_code == 401
    assert requests.post(f"{uq.base_url}/v2/content/file-diff", json={}, timeout=10).status_code == 401


def test_tokens_expire_on_the_emulated_clock(uq):
    uq.set_assumptions(token_ttl_seconds=60)
    issued = _token(uq).json()
    assert issued["expires_in"] == 60
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    health = {"query": "{ __typename }"}
    assert requests.post(f"{uq.base_url}/graphql", headers=bearer, json=health, timeout=10).status_code == 200
    uq.advance_clock(61)
    assert requests.post(f"{uq.base_url}/graphql", headers=bearer, json=health, timeout=10).status_code == 401


def test_given_a_restart_with_the_same_database_then_nothing_is_lost(tmp_path):
    with running_unique(tmp_path) as uq:
        token = _token(uq).json()["access_token"]
        space = uq.graphql(GENERATE_SCOPES, {"paths": ["/Confluence/ENG"]})["data"]["generateScopesBasedOnPaths"][0]
        uq.graphql(UPDATE_SCOPE, {"id": "root-confluence", "input": {"externalId": "confc:cloud:abc"}})
        content = ingest(uq, "t/1_ENG/1", scope_id=space["id"], body=b"<p>persisted</p>")
        uq.set_assumptions(updated_rule="differs")            # runtime switches are not persisted
        before = uq.state()
        uq.restart()
        assert uq.state() == before
        assert requests.get(content["readUrl"].replace(content["readUrl"].split("/scoped")[0], uq.base_url),
                            timeout=10).content == b"<p>persisted</p>"
        bearer = {"Authorization": f"Bearer {token}"}
        assert requests.post(f"{uq.base_url}/graphql", headers=bearer, json={"query": "{ __typename }"},
                             timeout=10).status_code == 200
        root = next(scope for scope in uq.state()["scopes"] if scope["id"] == "root-confluence")
        assert root["externalId"] == "confc:cloud:abc"


def test_status_fault_on_an_operation_fires_times_then_disarms(uq, prefix):
    uq.set_faults([{"operation": "ContentUpsert", "kind": "status", "status": 503, "times": 2, "retry_after": "0"}])
    post = lambda: uq.session.post(f"{uq.base_url}/graphql", headers=uq.headers, timeout=10, json={
        "query": CONTENT_UPSERT, "variables": upsert_variables(prefix + "1", "root-confluence"),
        "operationName": "ContentUpsert"})
    first, second, third = post(), post(), post()
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Retry-After"] == "0"


def test_failing_upload_leaves_no_blob(uq, prefix):
    uq.set_faults([{"route": "PUT /scoped/upload", "kind": "status", "status": 500}])
    registered = uq.graphql(CONTENT_UPSERT, upsert_variables(prefix + "1", "root-confluence"))["data"]["contentUpsert"]
    put = requests.put(registered["writeUrl"], data=b"x" * 100_000, headers={"x-ms-blob-type": "BlockBlob"}, timeout=10)
    assert put.status_code == 500
    assert next(row for row in uq.state()["contents"] if row["key"] == prefix + "1")["blobSize"] is None


def test_failing_finalize_only_hits_the_second_upsert(uq, prefix):
    uq.set_faults([{"operation": "contentUpsert:finalize", "kind": "graphql_error", "times": None}])
    variables = upsert_variables(prefix + "1", "root-confluence")
    registered = uq.graphql(CONTENT_UPSERT, variables)
    assert registered["data"]["contentUpsert"]["id"]
    finalized = uq.graphql(CONTENT_UPSERT, {**variables, "fileUrl": registered["data"]["contentUpsert"]["readUrl"]})
    assert finalized["data"] is None and finalized["errors"][0]["message"] == "Injected fault"
    inline = uq.graphql('mutation { contentUpsert(input: {key: "%s2", mimeType: "text/html", ownerType: SCOPE}, '
                        'scopeId: "root-confluence", fileUrl: "x") { id } }' % prefix)
    assert inline["errors"]


def test_failing_delete_after_commit(uq, prefix):
    """after_status: the rows are gone although the client saw a 502 (a lost reply)."""
    content = ingest(uq, prefix + "1")
    uq.set_faults([{"operation": "contentDeleteByContentIds", "kind": "after_status", "status": 502}])
    response = uq.session.post(f"{uq.base_url}/graphql", headers=uq.headers, timeout=10,
                               json={"query": DELETE_BY_IDS, "variables": {"contentIds": [content["id"]]}})
    assert response.status_code == 502
    assert prefix + "1" not in {row["key"] for row in uq.state()["contents"]}


def test_slow_fault_and_file_diff_route_fault(uq):
    uq.set_faults([{"route": "POST /v2/content/file-diff", "kind": "slow", "delay_ms": 300, "times": 1}])
    started = time.monotonic()
    body = {"partialKey": "slow/", "sourceKind": "ATLASSIAN_CONFLUENCE_CLOUD", "sourceName": "s", "fileList": []}
    assert uq.session.post(f"{uq.base_url}/v2/content/file-diff", headers=uq.headers, json=body,
                           timeout=10).status_code == 200
    assert time.monotonic() - started >= 0.3
    uq.set_faults([{"route": "POST /v2/content/file-diff", "status": 500}])
    assert uq.session.post(f"{uq.base_url}/v2/content/file-diff", headers=uq.headers, json=body,
                           timeout=10).status_code == 500


def test_invalid_fault_rules_and_assumptions_are_400(uq):
    bad_rule = requests.post(f"{uq.base_url}/__emulator/faults", json={"rules": [{"kind": "explode"}]}, timeout=10)
    assert bad_rule.status_code == 400
    bad_value = requests.post(f"{uq.base_url}/__emulator/assumptions", json={"partial_key_match": "regex"}, timeout=10)
    assert bad_value.status_code == 400 and "contains" in bad_value.text
    unknown = requests.post(f"{uq.base_url}/__emulator/assumptions", json={"telepathy": True}, timeout=10)
    assert unknown.status_code == 400


def test_given_latency_then_concurrent_requests_overlap(tmp_path):
    with running_unique(tmp_path, latency_ms=400) as uq:
        def health(_):
            return uq.session.post(f"{uq.base_url}/graphql", headers=uq.headers, timeout=30,
                                   json={"query": "{ __typename }"}).status_code
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(health, range(8)))
        elapsed = time.monotonic() - started
        assert statuses == [200] * 8
        assert 0.4 <= elapsed < 8 * 0.4 * 0.75       # serial would take 3.2 s; generous bound for a loaded CI


def test_rate_limit_answers_429_with_retry_after(uq):
    uq.set_assumptions(rate_limit_per_minute=3)
    statuses = [uq.session.post(f"{uq.base_url}/graphql", headers=uq.headers, timeout=10,
                                json={"query": "{ __typename }"}) for _ in range(6)]
    assert [response.status_code for response in statuses].count(429) >= 3
    assert int(statuses[-1].headers["Retry-After"]) >= 1
    uq.set_assumptions(rate_limit_per_minute=0)


def test_stats_count_routes_and_operations(uq, prefix):
    uq.reset_stats()
    ingest(uq, prefix + "1")
    stats = uq.stats()
    assert stats["by_route"] == {"POST /graphql": 2, "PUT /scoped/upload": 1}
    assert stats["by_operation"] == {"contentUpsert": 2, "contentUpsert:register": 1, "contentUpsert:finalize": 1}
    assert stats["by_operation_name"] == {"ContentUpsert": 2}
    assert stats["uploaded_bytes"] == len(b"<p>hello</p>") and stats["total"] == 3


def test_cli_faults_and_assumptions_arguments(tmp_path):
    faults_file = tmp_path / "faults.json"
    faults_file.write_text(json.dumps([{"route": "POST /oauth/v2/token", "status": 503}]))
    with running_unique(tmp_path, faults=[{"route": "POST /oauth/v2/token", "status": 503}],
                        assumptions={"partial_key_match": "startsWith", "max_take": 5}) as uq:
        assert _token(uq).status_code == 503 and _token(uq).status_code == 200
        current = requests.get(f"{uq.base_url}/__emulator/assumptions", timeout=10).json()
        assert current["partial_key_match"] == "startsWith" and current["max_take"] == 5
    assert load_faults(f"@{faults_file}") == [{"route": "POST /oauth/v2/token", "status": 503}]
    assert load_faults('{"rules": []}') == []
