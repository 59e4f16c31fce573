"""Audience → Unique grants, failing closed (issue 13 part 2)."""
import pytest

from destination_unique.access.audience import Readers, grants_for
from destination_unique.access.layout import SERVICE_ONLY_SCOPE, audience_scope_name
from destination_unique.access.mirror import item_access, space_readers
from destination_unique.access.principals import Directory, PrincipalMap, map_groups, map_users
from destination_unique.access.settings import AccessConfigError, parse_access

USERS = [{"id": "a1", "accountId": "a1", "email": "Ann@x.com", "displayName": "Ann"},
         {"id": "b2", "accountId": "b2", "email": "bob@x.com", "displayName": "Bob"},
         {"id": "c3", "accountId": "c3", "email": None, "displayName": "Cy (hidden e-mail)"},
         {"id": "d4", "accountId": "d4", "email": "dee@x.com", "displayName": "Dee"}]
GROUPS = [{"id": "g-eng", "name": "eng", "members": [{"id": "a1"}, {"id": "b2"}]},
          {"id": "g-ops", "name": "ops", "members": [{"id": "b2"}, {"id": "c3"}]},
          {"id": "g-dc", "name": "dc-hidden", "members": None}]


@pytest.fixture()
def world():
    directory = Directory.from_records(USERS, GROUPS)
    principal_map = PrincipalMap(everyone_group="u-all")
    map_groups(directory, {"eng": "u-eng", "dc-hidden": "u-dc"}, principal_map)
    map_users(directory, {"ann@x.com": {"id": "u-ann", "active": True}, "bob@x.com": {"id": "u-bob", "active": True},
                          "dee@x.com": {"id": "u-dee", "active": False}}, principal_map)
    return directory, principal_map


def test_users_map_by_case_insensitive_email_and_inactive_or_hidden_ones_do_not(world):
    directory, principal_map = world
    assert principal_map.users == {"a1": "u-ann", "b2": "u-bob"}


def test_unrestricted_content_gets_the_space_readers(world):
    directory, principal_map = world
    space = Readers(users=frozenset({"b2"}), groups=frozenset({"g-eng", "g-ops"}))
    assert grants_for(space, (), directory, principal_map) == {("GROUP", "u-eng")}   # Bob reads through eng
    space = Readers(users=frozenset({"b2"}), groups=frozenset({"g-ops"}))
    assert grants_for(space, (), directory, principal_map) == {("USER", "u-bob")}


def test_all_licensed_users_maps_to_the_everyone_group(world):
    directory, principal_map = world
    space = Readers(classes=frozenset({"ALL_LICENSED_USERS"}))
    assert grants_for(space, (), directory, principal_map) == {("GROUP", "u-all")}
    principal_map.everyone_group = None   # not configured: every mapped user instead, never the class itself
    assert grants_for(space, (), directory, principal_map) == {("GROUP", "u-eng"), ("GROUP", "u-dc")}


def test_a_group_is_granted_only_if_all_its_members_pass_every_level(world):
    directory, principal_map = world
    space = Readers(groups=frozenset({"g-eng", "g-ops"}))
    only_ann = Readers(users=frozenset({"a1"}))
    assert grants_for(space, (only_ann,), directory, principal_map) == {("USER", "u-ann")}
    ops_level = Readers(groups=frozenset({"g-ops"}))          # ops is unmapped: its mapped member gets a user grant
    assert grants_for(space, (ops_level,), directory, principal_map) == {("USER", "u-bob")}


def test_a_child_can_only_narrow(world):
    directory, principal_map = world
    space = Readers(groups=frozenset({"g-eng"}))
    parent = Readers(groups=frozenset({"g-eng"}))
    child = Readers(users=frozenset({"b2", "c3"}))
    assert grants_for(space, (parent,), directory, principal_map) == {("GROUP", "u-eng")}
    assert grants_for(space, (parent, child), directory, principal_map) == {("USER", "u-bob")}


def test_a_group_with_unknown_members_admits_nobody_through_membership(world):
    directory, principal_map = world
    space = Readers(groups=frozenset({"g-dc"}))
    assert grants_for(space, (), directory, principal_map) == {("GROUP", "u-dc")}
    assert grants_for(space, (Readers(users=frozenset({"a1"})),), directory, principal_map) == frozenset()


def test_product_admins_and_roles_admit_nobody(world):
    directory, principal_map = world
    space = Readers(classes=frozenset({"ALL_PRODUCT_ADMINS", "role:x"}))
    assert grants_for(space, (), directory, principal_map) == frozenset()
    assert audience_scope_name(frozenset()) == SERVICE_ONLY_SCOPE


def test_space_permission_records_of_both_deployments(world):
    directory, _ = world
    cloud = [{"principal": {"type": "group", "id": "g-eng"}, "operation": {"key": "read", "targetType": "space"}},
             {"principal": {"type": "user", "id": "a1"}, "operation": {"key": "create", "targetType": "page"}},
             {"principal": {"type": "access-class", "id": "ALL_LICENSED_USERS"}, "operation": {"key": "read", "targetType": "space"}}]
    assert space_readers(cloud, directory) == Readers(groups=frozenset({"g-eng"}), classes=frozenset({"ALL_LICENSED_USERS"}))
    dc = [{"subjectType": "group", "subjectName": "ops", "operationKey": "read", "targetType": "space",
           "operation": {"operationKey": "read", "targetType": "space"}},
          {"subjectType": "anonymous", "subjectName": None, "operationKey": "read", "targetType": "space"}]
    assert space_readers(dc, directory) == Readers(groups=frozenset({"g-ops"}), classes=frozenset({"ANONYMOUS"}))


def test_restriction_records_fail_closed_unless_known(world):
    directory, _ = world
    unknown = item_access({"id": "1", "ownRead": {"users": [], "groups": []}, "inheritedRead": []}, directory)
    assert unknown.levels is None and "could not be read" in unknown.reason
    missing_ancestor = item_access({"id": "1", "readRestrictionsKnown": False, "unresolvedAncestorIds": ["9"]}, directory)
    assert missing_ancestor.levels is None and "9" in missing_ancestor.reason
    known = item_access({"id": "2", "readRestrictionsKnown": True, "ownRead": {"users": ["a1"], "groups": []},
                         "inheritedRead": [{"fromContentId": "1", "users": [], "groups": ["eng"]}]}, directory)
    assert known.levels == (Readers(users=frozenset({"a1"})), Readers(groups=frozenset({"g-eng"})))


@pytest.mark.parametrize("config, message", [
    ({"mode": "sometimes"}, "access.mode 'sometimes' is invalid"),
    ({"mode": "mirror", "group_mapping": [{"confluence_group": "eng"}]}, "unique_group_id must be a non-empty string"),
    ({"mode": "mirror", "group_mapping": [{"confluence_group": "e", "unique_group_id": "1"},
                                          {"confluence_group": "e", "unique_group_id": "2"}]}, "twice"),
])
def test_bad_access_settings_are_named(config, message):
    with pytest.raises(AccessConfigError, match=message):
        parse_access(config)


def test_inherit_is_the_default():
    assert parse_access(None).mode == "inherit" and parse_access({"mode": "mirror"}).is_mirror


def test_data_center_names_resolve_users_by_username_and_groups_by_name():
    directory = Directory.from_records(
        [{"id": "8a7f-key", "username": "ann", "email": "ann@x.com", "displayName": "Ann"}],
        [{"id": "eng", "name": "eng", "members": [{"id": "8a7f-key"}]}])
    readers = space_readers([{"subjectType": "user", "subjectName": "ann", "operationKey": "read", "targetType": "space"}],
                            directory)
    assert readers.users == {"8a7f-key"}
    principal_map = PrincipalMap()
    map_users(directory, {"ann@x.com": {"id": "u-ann", "active": True}}, principal_map)
    level = item_access({"id": "1", "readRestrictionsKnown": True, "ownRead": {"users": [], "groups": ["eng"]},
                         "inheritedRead": []}, directory).levels
    assert grants_for(readers, level, directory, principal_map) == {("USER", "u-ann")}
