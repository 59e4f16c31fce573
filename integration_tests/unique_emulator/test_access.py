"""The access model: users, groups with members, scope accesses reaching sub-scopes, the truth
endpoints (`can-read`, `readable`) and the `scope_read=needs_access` mode (README "Users, groups
and who may read what"; protocol §3.8, §3.9, §4.2)."""
from __future__ import annotations

import pytest
import requests

from emulators.unique.testing import running_unique

from .conftest import file_diff, ingest
from .documents import (CREATE_SCOPE_ACCESSES, DELETE_SCOPE_ACCESSES, LIST_USERS, PAGINATED_CONTENT, PAGINATED_SCOPE)

SERVICE_USER = "demo-user"


def _email(prefix: str, name: str) -> str:
    return f"{name}.{prefix.strip('/')}@example.com"


def _grant(uq, scope_id: str, entity_id: str, access_type: str = "READ", entity_type: str = "USER",
           revoke: bool = False) -> dict:
    document = DELETE_SCOPE_ACCESSES if revoke else CREATE_SCOPE_ACCESSES
    return uq.graphql(document, {"scopeId": scope_id, "scopeAccesses": [
        {"accessType": access_type, "entityId": entity_id, "entityType": entity_type}],
        "skipFileAccessPropagation": True})


def _tree(uq, prefix: str) -> dict:
    """A top-level scope (nothing above it grants anything) with a child and a grandchild, one item each."""
    top = uq.create_scope(f"top-{prefix.strip('/')}")
    child = uq.create_scope("child", parent_id=top["id"])
    grandchild = uq.create_scope("grandchild", parent_id=child["id"])
    items = {name: ingest(uq, f"{prefix}{name}", scope_id=scope["id"])["id"]
             for name, scope in (("top", top), ("child", child), ("grandchild", grandchild))}
    return {"top": top, "child": child, "grandchild": grandchild, "items": items}


def _users(uq, prefix: str, count: int = 1):
    """The first one with an explicit id, the others with generated ones."""
    return [uq.create_user(_email(prefix, f"u{index}"), id=f"u{index}-{prefix.strip('/')}" if index == 0 else None)
            for index in range(count)]


# ── users ──────────────────────────────────────────────────────────────
def test_created_users_are_listed_by_paginated_users_with_their_email(uq, prefix):
    carol = uq.create_user(_email(prefix, "Carol"), name="Carol")
    assert carol["id"].startswith("user_") and carol["name"] == carol["displayName"] == "Carol" and carol["active"]
    fixed = uq.create_user(_email(prefix, "dave"), id=f"dave-{prefix.strip('/')}")
    listed = uq.graphql(LIST_USERS, {"where": {"id": {"in": [carol["id"], fixed["id"]]}}}, scope_management=True)
    assert listed["data"]["paginatedUsers"] == {"totalCount": 2, "nodes": [
        {"id": carol["id"], "active": True, "companyId": "demo-company", "email": _email(prefix, "Carol")},
        {"id": fixed["id"], "active": True, "companyId": "demo-company", "email": _email(prefix, "dave")}]}
    assert {user["id"] for user in uq.users()} >= {"demo-user", "user-alice", "user-bob", carol["id"], fixed["id"]}


def test_service_user_is_seeded_and_is_me(uq):
    me = uq.graphql("{ me { user { id email active } } }", scope_management=True)["data"]["me"]["user"]
    assert me == {"id": SERVICE_USER, "email": "confluence-connector@service.example.com", "active": True}


def test_emails_are_unique_ignoring_case_and_a_user_is_replaced_by_id(uq, prefix):
    erin = uq.create_user(_email(prefix, "erin"))
    with pytest.raises(requests.HTTPError) as refused:
        uq.create_user(_email(prefix, "ERIN"))
    assert refused.value.response.status_code == 400 and erin["id"] in refused.value.response.text
    renamed = uq.create_user(_email(prefix, "Erin.New"), id=erin["id"], name="Erin", active=False)
    assert renamed == {**erin, "email": _email(prefix, "Erin.New"), "name": "Erin", "displayName": "Erin",
                       "active": False}
    for bad in ({"email": "not-an-address"}, {"email": 5}, {"email": _email(prefix, "x"), "active": "yes"}):
        assert requests.post(f"{uq.base_url}/__emulator/users", json=bad, timeout=10).status_code == 400


def test_email_filter_is_exact_unless_assumed_case_insensitive(uq, prefix):
    frank = uq.create_user(_email(prefix, "Frank"))
    upper = {"where": {"email": {"equals": _email(prefix, "Frank").upper()}}}
    assert uq.graphql(LIST_USERS, upper, scope_management=True)["data"]["paginatedUsers"]["totalCount"] == 0
    uq.set_assumptions(email_match="case_insensitive")
    found = uq.graphql(LIST_USERS, upper, scope_management=True)["data"]["paginatedUsers"]
    assert [node["id"] for node in found["nodes"]] == [frank["id"]]
    in_filter = {"where": {"email": {"in": [_email(prefix, "frank")]}}}
    assert uq.graphql(LIST_USERS, in_filter, scope_management=True)["data"]["paginatedUsers"]["totalCount"] == 1


# ── groups ─────────────────────────────────────────────────────────────
def test_groups_are_created_replaced_by_id_and_listed(uq, prefix):
    first, second = _users(uq, prefix, 2)
    group = uq.create_group("engineering", [first["id"]])
    assert group["id"].startswith("group_") and group["members"] == [first["id"]]
    replaced = uq.create_group("eng", [second["id"]], id=group["id"])
    assert replaced == {"id": group["id"], "name": "eng", "members": [second["id"]]}
    assert replaced in uq.groups()
    unknown_member = requests.post(f"{uq.base_url}/__emulator/groups", timeout=10,
                                   json={"name": "x", "members": ["no-such-user"]})
    assert unknown_member.status_code == 400 and "no-such-user" in unknown_member.text
    assert requests.post(f"{uq.base_url}/__emulator/groups", json={"members": []}, timeout=10).status_code == 400


# ── the truth: can-read and readable ───────────────────────────────────
def test_a_read_on_a_scope_reaches_every_scope_below_it(uq, prefix):
    tree = _tree(uq, prefix)
    (reader,) = _users(uq, prefix)
    assert _grant(uq, tree["child"]["id"], reader["id"]) == {"data": {"createScopeAccesses": True}}
    verdicts = {name: uq.can_read(reader["id"], content_id=content_id) for name, content_id in tree["items"].items()}
    assert {name: verdict["readable"] for name, verdict in verdicts.items()} == {
        "top": False, "child": True, "grandchild": True}
    assert verdicts["grandchild"]["via"] == [{"scopeId": tree["child"]["id"], "entityType": "USER",
                                              "entityId": reader["id"], "accessType": "READ"}]
    assert verdicts["top"]["via"] == []
    assert uq.can_read(reader["id"], key=f"{prefix}grandchild")["contentId"] == tree["items"]["grandchild"]
    assert set(uq.readable(reader["id"])) == {tree["items"]["child"], tree["items"]["grandchild"]}
    _grant(uq, tree["child"]["id"], reader["id"], revoke=True)
    assert uq.readable(reader["id"]) == []
    assert not uq.can_read(reader["id"], content_id=tree["items"]["grandchild"])["readable"]


def test_a_group_grant_reaches_its_members_only_and_follows_membership(uq, prefix):
    tree = _tree(uq, prefix)
    member, outsider = _users(uq, prefix, 2)
    group = uq.create_group("readers", [member["id"]])
    _grant(uq, tree["top"]["id"], group["id"], entity_type="GROUP")
    assert set(uq.readable(member["id"])) == set(tree["items"].values())
    assert uq.readable(outsider["id"]) == []
    assert uq.can_read(member["id"], content_id=tree["items"]["grandchild"])["via"] == [
        {"scopeId": tree["top"]["id"], "entityType": "GROUP", "entityId": group["id"], "accessType": "READ"}]
    uq.create_group("readers", [outsider["id"]], id=group["id"])       # membership changed outside the connector
    assert uq.readable(member["id"]) == [] and set(uq.readable(outsider["id"])) == set(tree["items"].values())
    _grant(uq, tree["top"]["id"], member["id"], entity_type="GROUP")   # a GROUP entity with a user's id reaches no one
    assert uq.readable(member["id"]) == []


def test_readable_agrees_with_can_read_for_every_item_and_user(uq, prefix):
    tree = _tree(uq, prefix)
    users = _users(uq, prefix, 3)
    group = uq.create_group("g", [users[1]["id"], users[2]["id"]])
    _grant(uq, tree["grandchild"]["id"], users[0]["id"])
    _grant(uq, tree["child"]["id"], group["id"], "WRITE", entity_type="GROUP")
    for user in users:
        readable = set(uq.readable(user["id"]))
        for content_id in tree["items"].values():
            verdict = uq.can_read(user["id"], content_id=content_id)
            assert verdict["readable"] == (content_id in readable) == bool(verdict["via"])
    assert set(uq.readable(users[0]["id"])) == {tree["items"]["grandchild"]}
    assert set(uq.readable(users[1]["id"])) == {tree["items"]["child"], tree["items"]["grandchild"]}


def test_which_access_types_grant_reading_is_the_read_granted_by_assumption(uq, prefix):
    tree = _tree(uq, prefix)
    writer, manager = _users(uq, prefix, 2)
    _grant(uq, tree["top"]["id"], writer["id"], "WRITE")
    _grant(uq, tree["top"]["id"], manager["id"], "MANAGE")
    assert uq.can_read(writer["id"], content_id=tree["items"]["top"])["readable"]      # default any
    assert uq.can_read(manager["id"], content_id=tree["items"]["child"])["readable"]
    uq.set_assumptions(read_granted_by="read")
    assert not uq.can_read(writer["id"], content_id=tree["items"]["top"])["readable"]
    assert uq.readable(manager["id"]) == []


def test_truth_endpoints_refuse_unknown_users_contents_and_ambiguous_keys(uq, prefix):
    tree = _tree(uq, prefix)
    other = uq.create_scope(f"other-{prefix.strip('/')}")
    ingest(uq, f"{prefix}top", scope_id=other["id"])      # the same key in a second scope: two contents
    (user,) = _users(uq, prefix)
    base = f"{uq.base_url}/__emulator"
    assert requests.get(f"{base}/can-read", params={"userId": "nobody", "contentId": tree["items"]["top"]},
                        timeout=10).status_code == 404
    assert requests.get(f"{base}/can-read", params={"userId": user["id"], "contentId": "cont_missing"},
                        timeout=10).status_code == 404
    ambiguous = requests.get(f"{base}/can-read", params={"userId": user["id"], "key": f"{prefix}top"}, timeout=10)
    assert ambiguous.status_code == 400 and "contentId" in ambiguous.text
    assert requests.get(f"{base}/can-read", params={"userId": user["id"]}, timeout=10).status_code == 400
    assert requests.get(f"{base}/readable", params={"userId": "nobody"}, timeout=10).status_code == 404


def test_users_groups_and_accesses_survive_a_restart(tmp_path):
    with running_unique(tmp_path) as uq:
        scope = uq.create_scope("persisted")
        item = ingest(uq, "persist/1", scope_id=scope["id"])
        user = uq.create_user("persisted@example.com")
        group = uq.create_group("persisted", [user["id"]])
        uq.grant_access(scope["id"], group["id"], "READ", entity_type="GROUP")
        uq.restart()
        assert uq.groups() == [group] and user in uq.users()
        assert uq.readable(user["id"]) == [item["id"]]


# ── scope_read=needs_access: the caller's own reads need access ────────
def _read_scope(uq, scope_id: str) -> dict:
    return uq.graphql(PAGINATED_SCOPE, {"skip": 0, "take": 1, "where": {"id": {"equals": scope_id}}})


def test_needs_access_refuses_a_scope_read_before_the_self_grant_and_allows_it_after(uq, prefix):
    tree = _tree(uq, prefix)
    assert _read_scope(uq, tree["child"]["id"])["data"]["paginatedScope"]["totalCount"] == 1   # open (default)
    uq.set_assumptions(scope_read="needs_access")
    refused = _read_scope(uq, tree["child"]["id"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "READ" in refused["errors"][0]["message"] and tree["child"]["id"] in refused["errors"][0]["message"]
    missing = _read_scope(uq, "no-such-scope")          # a missing scope is not a refusal: it is absent
    assert missing["data"]["paginatedScope"] == {"nodes": [], "totalCount": 0} and "errors" not in missing
    assert _grant(uq, tree["child"]["id"], SERVICE_USER, "MANAGE") == {"data": {"createScopeAccesses": True}}
    assert _read_scope(uq, tree["grandchild"]["id"])["data"]["paginatedScope"]["nodes"][0]["name"] == "grandchild"
    assert "errors" in _read_scope(uq, tree["top"]["id"])      # the grant reaches down, never up


def test_needs_access_leaves_unreadable_scopes_and_contents_out_of_listings(uq, prefix):
    tree = _tree(uq, prefix)
    sibling = uq.create_scope("sibling", parent_id=tree["top"]["id"])
    uq.set_assumptions(scope_read="needs_access")
    _grant(uq, tree["child"]["id"], SERVICE_USER, "READ")
    children = uq.graphql(PAGINATED_SCOPE, {"skip": 0, "take": 10, "where": {"parentId": {"equals": tree["top"]["id"]}}})
    assert [node["id"] for node in children["data"]["paginatedScope"]["nodes"]] == [tree["child"]["id"]]
    assert children["data"]["paginatedScope"]["totalCount"] == 1 and sibling["id"] != tree["child"]["id"]
    contents = uq.graphql(PAGINATED_CONTENT, {"skip": 0, "take": 10, "where": {"key": {"startsWith": prefix}}})
    assert sorted(node["key"] for node in contents["data"]["paginatedContent"]["nodes"]) == [
        f"{prefix}child", f"{prefix}grandchild"]
    assert contents["data"]["paginatedContent"]["totalCount"] == 2
    diff = file_diff(uq, prefix, [("child", "https://wiki/x", "")])
    assert diff["deletedFiles"] == ["grandchild"]          # `top` is not visible, so not offered as deleted
    uq.set_assumptions(scope_read="open")
    assert uq.graphql(PAGINATED_CONTENT, {"skip": 0, "take": 0, "where": {"key": {"startsWith": prefix}}})[
        "data"]["paginatedContent"]["totalCount"] == 3


def test_needs_access_counts_a_groups_grant_for_the_service_user(uq, prefix):
    tree = _tree(uq, prefix)
    uq.set_assumptions(scope_read="needs_access")
    group = uq.create_group("connectors", [SERVICE_USER], id=f"connectors-{prefix.strip('/')}")
    uq.grant_access(tree["top"]["id"], group["id"], "READ", entity_type="GROUP")
    assert _read_scope(uq, tree["grandchild"]["id"])["data"]["paginatedScope"]["totalCount"] == 1
    uq.create_group("connectors", [], id=group["id"])
    assert _read_scope(uq, tree["grandchild"]["id"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_under_gatekeeper_enforce_the_self_grant_needs_a_pre_grant_before_reads_work(uq, prefix):
    tree = _tree(uq, prefix)
    uq.set_assumptions(scope_read="needs_access", gatekeeper="enforce")
    refused_grant = _grant(uq, tree["top"]["id"], SERVICE_USER, "READ")
    assert refused_grant["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert _read_scope(uq, tree["top"]["id"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    uq.grant_access(tree["top"]["id"], SERVICE_USER, "MANAGE")          # the administrator's pre-grant
    uq.set_assumptions(read_granted_by="read")                          # MANAGE alone no longer reads ...
    assert _read_scope(uq, tree["top"]["id"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert _grant(uq, tree["top"]["id"], SERVICE_USER, "READ") == {"data": {"createScopeAccesses": True}}
    assert _read_scope(uq, tree["top"]["id"])["data"]["paginatedScope"]["totalCount"] == 1   # ... the self-grant does
