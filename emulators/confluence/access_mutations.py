"""Mutations of who may read what (issue 13): space "view" grants, group membership, users, read and
edit-only restrictions, and a fault that makes the restrictions expansion unavailable for an item.

Principals are named the way a test thinks of them and resolved here:
  user  → account id, e-mail or username (DC login);   group → group id or name;
  access-class → ALL_LICENSED_USERS | ANONYMOUS | ALL_PRODUCT_ADMINS (real Cloud v2 names).

    {"op": "create_space", "key": "ENG", "name": "Engineering", "readers": [...]}   (a global space + homepage)
    {"op": "space_permission", "spaceKey": "ENG", "type": "group", "principal": "team-a", "grant": false}
    {"op": "set_space_readers", "spaceKey": "ENG", "readers": [{"type": "access-class", "principal": "ALL_LICENSED_USERS"}]}
    {"op": "group_member", "group": "team-a", "user": "ann@example.com", "member": true}
    {"op": "create_group", "name": "team-b"}     {"op": "create_user", "username": "cy", "email": ""}
    {"op": "restrict", "id": "100123", "users": ["ann@example.com"], "groups": ["team-a"]}   (both empty = lift)
    {"op": "restrict_edit", "id": "100123", "users": [...], "groups": [...]}                  (never hides)
    {"op": "hide_restrictions", "id": "100123", "hidden": true}
"""
from __future__ import annotations

import uuid

from .model import Content, Group, Instance, Space, User, Version

ACCESS_CLASSES = ("ALL_LICENSED_USERS", "ANONYMOUS", "ALL_PRODUCT_ADMINS")
OPS = ("create_space", "space_permission", "set_space_readers", "group_member", "create_group", "create_user",
       "restrict", "restrict_edit", "hide_restrictions")


class AccessMutationError(ValueError):
    """Unknown principal or space; the control plane answers 400 (mutations.MutationError wraps it)."""


def user_id(instance: Instance, login: str) -> str:
    user = instance.users.get(login) or instance.user_for_login(login)
    if user is None:
        raise AccessMutationError(f"no user {login}")
    return user.account_id


def group_id(instance: Instance, name_or_id: str) -> str:
    if name_or_id in instance.groups:
        return name_or_id
    found = next((group.id for group in instance.groups.values() if group.name == name_or_id), None)
    if found is None:
        raise AccessMutationError(f"no group {name_or_id}")
    return found


def principal(instance: Instance, kind: str, name: str) -> tuple[str, str]:
    if kind == "user":
        return "user", user_id(instance, name)
    if kind == "group":
        return "group", group_id(instance, name)
    if kind == "access-class" and name in ACCESS_CLASSES:
        return "access-class", name
    raise AccessMutationError(f"unknown principal {kind} {name!r} (types: user, group, access-class {ACCESS_CLASSES})")


def _space(instance: Instance, key: str):
    space = instance.space_by_key.get(key)
    if space is None:
        raise AccessMutationError(f"no space with key {key}")
    return space


def current_read_grants(instance: Instance, space) -> list[tuple[str, str]]:
    """The space's read grants as listed today (the generated default made explicit)."""
    from .space_permissions import grants
    return [(g.principal_type, g.principal_id) for g in grants(instance, space) if g.operation == "read"]


def set_space_readers(instance: Instance, key: str, readers: list[tuple[str, str]]) -> None:
    space = _space(instance, key)
    space.read_grants = tuple(dict.fromkeys(readers))
    instance.clock.tick()
    instance.touched(space.id)


def space_permission(instance: Instance, key: str, grant: tuple[str, str], allow: bool) -> None:
    space = _space(instance, key)
    readers = list(space.read_grants) if space.read_grants is not None else current_read_grants(instance, space)
    readers = [r for r in readers if r != grant] + ([grant] if allow else [])
    set_space_readers(instance, key, readers)


def group_member(instance: Instance, group: str, login: str, member: bool) -> Group:
    found = instance.groups[group_id(instance, group)]
    account = user_id(instance, login)
    if member and account not in found.members:
        found.members.append(account)
    elif not member and account in found.members:
        found.members.remove(account)
    instance.clock.tick()
    instance.touched(found.id)
    return found


def create_group(instance: Instance, name: str, group_id_: str | None = None) -> Group:
    if any(group.name == name for group in instance.groups.values()):
        raise AccessMutationError(f"group {name} exists")
    group = Group(group_id_ or str(uuid.uuid5(uuid.NAMESPACE_URL, f"group:{name}")), name, [])
    instance.groups[group.id] = group
    instance.touched(group.id)
    return group


def create_user(instance: Instance, username: str, email: str = "", display_name: str | None = None) -> User:
    if instance.user_for_login(username) or (email and instance.user_for_login(email)):
        raise AccessMutationError(f"user {username} exists")
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"user:{username}")
    user = User(account_id=f"557058:{key}", username=username, user_key=key.hex,
                display_name=display_name or username, email=email)
    instance.add_user(user)
    instance.touched(user.account_id)
    return user


def restrict(instance: Instance, content_id: str, users: list[str], groups: list[str], edit: bool = False):
    content = instance.contents.get(str(content_id))
    if content is None:
        raise AccessMutationError(f"no content with id {content_id}")
    account_ids = tuple(user_id(instance, login) for login in users)
    group_ids = tuple(group_id(instance, name) for name in groups)
    if edit:
        content.edit_users, content.edit_groups = account_ids, group_ids
    else:
        content.restricted_to, content.restricted_groups = account_ids, group_ids
    instance.clock.tick()
    instance.touched(content.id)
    return content


def create_space(instance: Instance, key: str, name: str, readers: list[tuple[str, str]]) -> Space:
    """A global space with a homepage, readable by exactly `readers` (test sites are built from these)."""
    if key in instance.space_by_key:
        raise AccessMutationError(f"space {key} exists")
    admin = next(u.account_id for u in instance.users.values() if u.is_admin)
    stamp = instance.clock.tick()
    space = Space(id=str(instance.new_id()), key=key, name=name, type="global", status="current",
                  description=f"The {name} space.", homepage_id=None, author_id=admin, created_at=stamp,
                  read_grants=tuple(readers))
    instance.add_space(space)
    home = Content(id=str(instance.new_id()), type="page", status="current", title=f"{name} Home", space_id=space.id,
                   parent_id=None, parent_type=None, position=100, author_id=admin, owner_id=admin,
                   created_at=stamp, versions=[Version(1, stamp, admin, "")], body=f"<p>{name}</p>")
    instance.add_content(home)
    space.homepage_id = home.id
    instance.touched(space.id, home.id)
    return space


def apply(instance: Instance, op: dict) -> dict:
    kind = op["op"]
    if kind == "create_space":
        readers = [principal(instance, r.get("type", "user"), r["principal"]) for r in op.get("readers", [])]
        space = create_space(instance, op["key"], op.get("name") or op["key"], readers)
        return {"id": space.id, "homepageId": space.homepage_id}
    if kind == "space_permission":
        space_permission(instance, op["spaceKey"], principal(instance, op.get("type", "user"), op["principal"]),
                         bool(op.get("grant", True)))
        return {"id": _space(instance, op["spaceKey"]).id}
    if kind == "set_space_readers":
        readers = [principal(instance, r.get("type", "user"), r["principal"]) for r in op.get("readers", [])]
        set_space_readers(instance, op["spaceKey"], readers)
        return {"id": _space(instance, op["spaceKey"]).id}
    if kind == "group_member":
        return {"id": group_member(instance, op["group"], op["user"], bool(op.get("member", True))).id}
    if kind == "create_group":
        return {"id": create_group(instance, op["name"], op.get("groupId")).id}
    if kind == "create_user":
        user = create_user(instance, op["username"], op.get("email") or "", op.get("displayName"))
        return {"id": user.account_id}
    if kind in ("restrict", "restrict_edit"):
        content = restrict(instance, op["id"], op.get("users") or [], op.get("groups") or [], edit=kind == "restrict_edit")
        return {"id": content.id}
    if kind == "hide_restrictions":
        content_id = str(op["id"])
        if content_id not in instance.contents:
            raise AccessMutationError(f"no content with id {content_id}")
        (instance.restrictions_hidden.add if op.get("hidden", True) else instance.restrictions_hidden.discard)(content_id)
        instance.touched(content_id)
        return {"id": content_id}
    raise AccessMutationError(f"unknown op {kind!r}")
