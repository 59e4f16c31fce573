"""Scope operations of the ingestion GraphQL and the scope-management GraphQL (protocol §3.8, §3.9)."""
from __future__ import annotations

from .conftest import ingest
from .documents import (BULK_MOVE, CREATE_SCOPE_ACCESSES, DELETE_FOLDER, DELETE_SCOPE_ACCESSES, GENERATE_SCOPES,
                        LIST_USERS, ME, PAGINATED_SCOPE, UPDATE_SCOPE)

ROOT = "root-confluence"


def _scope_named(uq, name: str) -> dict:
    return next(scope for scope in uq.state()["scopes"] if scope["name"] == name)


def test_fresh_database_has_the_confluence_root_scope(uq):
    found = uq.graphql(PAGINATED_SCOPE, {"skip": 0, "take": 1, "where": {"id": {"equals": ROOT}}})
    assert found["data"]["paginatedScope"]["nodes"] == [
        {"id": ROOT, "name": "Confluence", "parentId": None, "externalId": None}]


def test_generate_scopes_creates_missing_segments_idempotently_in_input_order(uq, prefix):
    space = prefix.strip("/")
    paths = [f"/Confluence/{space}/ENG", f"/Confluence/{space}/OPS", f"/Confluence/{space}/ENG"]
    first = uq.graphql(GENERATE_SCOPES, {"paths": paths, "inheritAccess": True})["data"]["generateScopesBasedOnPaths"]
    again = uq.graphql(GENERATE_SCOPES, {"paths": paths[::-1]})["data"]["generateScopesBasedOnPaths"]
    assert [scope["name"] for scope in first] == ["ENG", "OPS", "ENG"]
    assert first[0]["id"] == first[2]["id"] != first[1]["id"]
    assert [scope["id"] for scope in again] == [scope["id"] for scope in first[::-1]]
    assert first[0]["parentId"] == _scope_named(uq, space)["id"]
    assert _scope_named(uq, space)["parentId"] == ROOT
    relative = uq.graphql(GENERATE_SCOPES, {"paths": ["Confluence/x"]})
    assert relative["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_inherit_access_copies_the_parent_accesses(uq, prefix):
    parent = uq.create_scope(prefix.strip("/"), parent_id=ROOT)
    uq.graphql(CREATE_SCOPE_ACCESSES, {"scopeId": parent["id"], "scopeAccesses": [
        {"accessType": "READ", "entityId": "user-alice", "entityType": "USER"}]})
    child = uq.graphql(GENERATE_SCOPES, {"paths": [f"{parent['path']}/CHILD"], "inheritAccess": True})
    assert child["data"]["generateScopesBasedOnPaths"][0]["scopeAccess"] == [
        {"entityId": "user-alice", "type": "READ", "entityType": "USER"}]


def test_paginated_scope_filters(uq, prefix):
    parent = uq.create_scope(prefix.strip("/"), parent_id=ROOT)
    for index in range(3):
        uq.create_scope(f"child{index}", parent_id=parent["id"], external_id=f"{prefix}ext{index}")
    children = uq.graphql(PAGINATED_SCOPE, {"skip": 1, "take": 1, "where": {"parentId": {"equals": parent["id"]}}})
    assert children["data"]["paginatedScope"]["totalCount"] == 3
    assert [node["name"] for node in children["data"]["paginatedScope"]["nodes"]] == ["child1"]
    by_external = uq.graphql(PAGINATED_SCOPE, {"skip": 0, "take": 10, "where": {
        "externalId": {"in": [f"{prefix}ext0", f"{prefix}ext2"]}}})["data"]["paginatedScope"]
    assert sorted(node["name"] for node in by_external["nodes"]) == ["child0", "child2"]
    by_name = uq.graphql(PAGINATED_SCOPE, {"skip": 0, "take": 10, "where": {
        "name": {"equals": "child1"}, "externalId": {"equals": f"{prefix}ext1"}}})["data"]["paginatedScope"]
    assert by_name["totalCount"] == 1


def test_update_scope_sets_and_clears_external_id_and_refuses_duplicates(uq, prefix):
    first = uq.create_scope(prefix.strip("/") + "a", parent_id=ROOT)
    second = uq.create_scope(prefix.strip("/") + "b", parent_id=ROOT)
    mark = f"confc:cloud:{prefix}"
    claimed = uq.graphql(UPDATE_SCOPE, {"id": first["id"], "input": {"externalId": mark}})
    assert claimed["data"]["updateScope"]["externalId"] == mark
    duplicate = uq.graphql(UPDATE_SCOPE, {"id": second["id"], "input": {"externalId": mark}})
    assert duplicate["data"]["updateScope"] is None
    assert duplicate["errors"][0]["extensions"]["code"] == "CONFLICT"
    uq.set_assumptions(external_id_unique=False)
    assert uq.graphql(UPDATE_SCOPE, {"id": second["id"], "input": {"externalId": mark}})["data"]["updateScope"]
    cleared = uq.graphql(UPDATE_SCOPE, {"id": first["id"], "input": {"externalId": None}})
    assert cleared["data"]["updateScope"]["externalId"] is None
    untouched = uq.graphql(UPDATE_SCOPE, {"id": second["id"], "input": {}})
    assert untouched["data"]["updateScope"]["externalId"] == mark


def test_update_scope_reparents_with_the_parrent_typo_and_refuses_cycles(uq, prefix):
    parent = uq.create_scope(prefix.strip("/") + "p", parent_id=ROOT)
    child = uq.create_scope("c", parent_id=parent["id"])
    moved = uq.graphql(UPDATE_SCOPE, {"id": parent["id"], "input": {"parrentScope": {"connect": {"id": ROOT}}}})
    assert moved["data"]["updateScope"]["parentId"] == ROOT
    cycle = uq.graphql(UPDATE_SCOPE, {"id": parent["id"], "input": {"parrentScope": {"connect": {"id": child["id"]}}}})
    assert cycle["errors"]
    correct_spelling = uq.graphql(UPDATE_SCOPE, {"id": parent["id"], "input": {"parentScope": {"connect": {"id": ROOT}}}})
    assert "parentScope" in correct_spelling["errors"][0]["message"]


def test_self_grant_for_the_service_user_and_revoke(uq, prefix):
    me = uq.graphql(ME, scope_management=True)["data"]["me"]["user"]["id"]
    assert me == "demo-user"
    scope = uq.create_scope(prefix.strip("/"), parent_id=ROOT)
    child = uq.create_scope("child", parent_id=scope["id"])
    grants = [{"accessType": kind, "entityId": me, "entityType": "USER"} for kind in ("MANAGE", "READ", "WRITE")]
    granted = uq.graphql(CREATE_SCOPE_ACCESSES, {"scopeId": scope["id"], "scopeAccesses": grants,
                                                 "applyToSubScopes": True, "skipFileAccessPropagation": True})
    assert granted["data"]["createScopeAccesses"] is True
    accesses = {s["id"]: s["accesses"] for s in uq.state()["scopes"]}
    assert len(accesses[scope["id"]]) == 3 and len(accesses[child["id"]]) == 3
    uq.graphql(DELETE_SCOPE_ACCESSES, {"scopeId": scope["id"], "scopeAccesses": grants[:1]})
    accesses = {s["id"]: s["accesses"] for s in uq.state()["scopes"]}
    assert sorted(a["accessType"] for a in accesses[scope["id"]]) == ["READ", "WRITE"]


def test_given_gatekeeper_enforce_then_self_grant_needs_a_pre_grant(uq, prefix):
    uq.set_assumptions(gatekeeper="enforce")
    scope = uq.create_scope(prefix.strip("/"), parent_id=ROOT)
    grant = {"scopeId": scope["id"], "scopeAccesses": [{"accessType": "WRITE", "entityId": "demo-user",
                                                        "entityType": "USER"}]}
    assert uq.graphql(CREATE_SCOPE_ACCESSES, grant)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    uq.grant_access(scope["id"], "demo-user", "MANAGE")
    assert uq.graphql(CREATE_SCOPE_ACCESSES, grant)["data"]["createScopeAccesses"] is True
    assert ingest(uq, prefix + "1", scope_id=scope["id"])["ingestionState"] == "FINISHED"


def test_delete_folder_non_recursive_fails_on_children_or_content_recursive_deletes_all(uq, prefix):
    parent = uq.create_scope(prefix.strip("/"), parent_id=ROOT)
    child = uq.create_scope("child", parent_id=parent["id"])
    leaf_with_file = uq.create_scope("files", parent_id=ROOT)
    ingest(uq, prefix + "1", scope_id=leaf_with_file["id"])
    ingest(uq, prefix + "2", scope_id=child["id"])
    refused = uq.graphql(DELETE_FOLDER, {"scopeId": parent["id"], "recursive": False})["data"]["deleteFolder"]
    assert refused["successFolders"] == [] and refused["failedFolders"][0]["failReason"] == "Folder has sub-folders"
    has_file = uq.graphql(DELETE_FOLDER, {"scopeId": leaf_with_file["id"], "recursive": False})["data"]["deleteFolder"]
    assert has_file["failedFolders"][0]["failReason"] == "Folder contains files"
    done = uq.graphql(DELETE_FOLDER, {"scopeId": parent["id"], "recursive": True})["data"]["deleteFolder"]
    assert [folder["path"] for folder in done["successFolders"]] == [parent["path"], parent["path"] + "/child"]
    remaining = uq.state()
    assert parent["id"] not in {scope["id"] for scope in remaining["scopes"]}
    assert prefix + "2" not in {row["key"] for row in remaining["contents"]}
    missing = uq.graphql(DELETE_FOLDER, {"scopeId": "scope_missing", "recursive": False})["data"]["deleteFolder"]
    assert missing["failedFolders"][0]["failReason"] == "Folder not found"
    empty = uq.create_scope(prefix.strip("/") + "empty", parent_id=ROOT)
    assert uq.graphql(DELETE_FOLDER, {"scopeId": empty["id"], "recursive": False})["data"]["deleteFolder"][
        "successFolders"][0]["id"] == empty["id"]


def test_bulk_move_reparents_and_counts_files(uq, prefix):
    old_root = uq.create_scope(prefix.strip("/") + "old", parent_id=None)
    new_root = uq.create_scope(prefix.strip("/") + "new", parent_id=None)
    spaces = [uq.create_scope(name, parent_id=old_root["id"]) for name in ("A", "B")]
    for index in range(11):
        ingest(uq, f"{prefix}{index}", scope_id=spaces[index % 2]["id"])
    moved = uq.graphql(BULK_MOVE, {"input": {"scopeIds": [s["id"] for s in spaces],
                                             "targetScopeId": new_root["id"]}})["data"]["bulkMove"]
    assert moved["affectedFiles"] == 11 and moved["asyncMetadataRebuild"] is True and moved["jobId"]
    assert {s["parentId"] for s in uq.state()["scopes"] if s["id"] in {x["id"] for x in spaces}} == {new_root["id"]}


def test_paginated_users_on_scope_management(uq):
    users = uq.graphql(LIST_USERS, {"skip": 0, "take": 2}, scope_management=True)["data"]["paginatedUsers"]
    assert users["totalCount"] >= 3 and len(users["nodes"]) == 2          # other tests add users
    assert [user["id"] for user in users["nodes"]] == ["demo-user", "user-alice"]   # the seed, in creation order
    alice = uq.graphql(LIST_USERS, {"where": {"email": {"equals": "alice@example.com"}}},
                       scope_management=True)["data"]["paginatedUsers"]
    assert [user["id"] for user in alice["nodes"]] == ["user-alice"]
    assert uq.graphql("{ __typename }", scope_management=True) == {"data": {"__typename": "Query"}}
