"""Who may do what in each space, derived deterministically from the model (no generator change).

The rule (close to a fresh Confluence space's defaults):
  * group `confluence-administrators`: read, administer, restrict_content, delete on the space;
  * the space's creator: read and administer;
  * a space readable by everyone (`permitted_account_ids` empty): group `confluence-users` may read
    and create pages, blog posts and comments;
  * a restricted space (e.g. SECRET): each permitted account may read and create pages instead;
  * once `space.read_grants` is set (mutations `set_space_readers` / `space_permission`), the "read
    space" grants are exactly those (user, group or access-class ALL_LICENSED_USERS / ANONYMOUS /
    ALL_PRODUCT_ADMINS, as real Cloud lists them); the other operations stay as above.
Nothing here knows about HTTP; routes/space_permissions.py serializes it.
"""
from __future__ import annotations

from dataclasses import dataclass

ADMIN_GROUP = "confluence-administrators"
USERS_GROUP = "confluence-users"


@dataclass(frozen=True)
class SpacePermission:
    id: str
    space_id: str
    principal_type: str          # user | group | access-class
    principal_id: str            # account id, group id or access class
    operation: str               # read | create | administer | restrict_content | delete
    target_type: str             # space | page | blogpost | comment


def _group_id(instance, name: str) -> str | None:
    return next((group.id for group in instance.groups.values() if group.name == name), None)


def grants(instance, space) -> list[SpacePermission]:
    wanted: list[tuple[str, str, str, str]] = []
    admins = _group_id(instance, ADMIN_GROUP)
    if admins:
        wanted += [("group", admins, op, "space") for op in ("read", "administer", "restrict_content")]
        wanted.append(("group", admins, "delete", "page"))
    wanted += [("user", space.author_id, "read", "space"), ("user", space.author_id, "administer", "space")]
    if space.permitted_account_ids:
        for account_id in space.permitted_account_ids:
            if account_id != space.author_id:
                wanted += [("user", account_id, "read", "space"), ("user", account_id, "create", "page")]
    else:
        users = _group_id(instance, USERS_GROUP)
        if users:
            wanted += [("group", users, "read", "space")] + [
                ("group", users, "create", target) for target in ("page", "blogpost", "comment")]
    if space.read_grants is not None:
        wanted = [grant for grant in wanted if grant[2] != "read"] + [
            (kind, principal, "read", "space") for kind, principal in space.read_grants]
    return [SpacePermission(f"{space.id}{n:04d}", space.id, *grant) for n, grant in enumerate(wanted, start=1)]
