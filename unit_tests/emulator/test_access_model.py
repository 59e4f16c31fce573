"""The Confluence emulator's permission model (issue 13): space view grants, read restrictions by user
and group inherited down the tree, edit-only restrictions that never hide, membership changes."""
import pytest

from emulators.confluence import access_mutations as am
from emulators.confluence.generator import generate
from emulators.confluence.mutations import MutationError, apply, create_content, move
from emulators.confluence.space_permissions import grants


@pytest.fixture()
def site():
    inst = generate("tiny", seed=3)
    space = next(s for s in inst.spaces.values() if s.type == "global" and s.status == "current"
                 and not s.permitted_account_ids)
    people = [u for u in inst.users.values() if not u.is_admin][:3]
    group = am.create_group(inst, "team-x")
    am.group_member(inst, "team-x", people[1].account_id, True)
    am.set_space_readers(inst, space.key, [("user", people[0].account_id), ("group", group.id)])
    parent = create_content(inst, "page", space.key, "Parent")
    child = create_content(inst, "page", space.key, "Child", parent.id)
    return inst, space, people, group, parent, child


def test_space_view_grants_decide_who_reads_unrestricted_pages(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    assert [inst.visible_to(u, child) for u in (ann, bob, cy)] == [True, True, False]
    assert {(g.principal_type, g.principal_id) for g in grants(inst, space) if g.operation == "read"} == {
        ("user", ann.account_id), ("group", group.id)}


def test_group_read_restriction_on_a_parent_hides_the_child_from_non_members(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    am.restrict(inst, parent.id, [], [group.id])
    assert [inst.visible_to(u, child) for u in (ann, bob)] == [False, True]
    am.group_member(inst, group.id, bob.account_id, False)
    assert not inst.visible_to(bob, child)


def test_child_restriction_only_narrows_the_parents(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    am.restrict(inst, parent.id, [ann.account_id, bob.account_id], [])
    am.restrict(inst, child.id, [bob.account_id, cy.account_id], [])
    assert [inst.visible_to(u, child) for u in (ann, bob, cy)] == [False, True, False]


def test_edit_only_restriction_does_not_hide(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    am.restrict(inst, child.id, [bob.account_id], [], edit=True)
    assert inst.visible_to(ann, child) and inst.visible_to(bob, child)


def test_move_under_a_restricted_parent_restricts_the_moved_page(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    other = create_content(inst, "page", space.key, "Elsewhere")
    am.restrict(inst, other.id, [bob.account_id], [])
    move(inst, child.id, other.id)
    assert [inst.visible_to(u, child) for u in (ann, bob)] == [False, True]


def test_licensed_users_class_and_anonymous(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    am.space_permission(inst, space.key, ("access-class", "ALL_LICENSED_USERS"), True)
    assert inst.visible_to(cy, child) and not inst.visible_to(None, child)
    am.space_permission(inst, space.key, ("access-class", "ANONYMOUS"), True)
    assert inst.visible_to(None, child)


def test_control_plane_ops_resolve_principals_and_reject_unknown_ones(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    apply(inst, {"op": "restrict", "id": child.id, "users": [ann.username], "groups": ["team-x"]})
    assert child.restricted_to == (ann.account_id,) and child.restricted_groups == (group.id,)
    apply(inst, {"op": "restrict", "id": child.id})
    assert not child.restricted_to and not child.restricted_groups
    apply(inst, {"op": "space_permission", "spaceKey": space.key, "type": "group", "principal": "team-x", "grant": False})
    assert not inst.visible_to(bob, child)
    with pytest.raises(MutationError, match="no group"):
        apply(inst, {"op": "group_member", "group": "nope", "user": ann.username})
    user = apply(inst, {"op": "create_user", "username": "hidden.mail", "email": ""})
    assert inst.users[user["id"]].email == ""


def test_created_space_has_a_homepage_and_exactly_its_readers(site):
    inst, space, (ann, bob, cy), group, parent, child = site
    result = apply(inst, {"op": "create_space", "key": "NEW", "readers": [{"type": "group", "principal": "team-x"}]})
    home = inst.contents[result["homepageId"]]
    assert [inst.visible_to(u, home) for u in (ann, bob)] == [False, True]
