"""A random Confluence site built through the emulator's control plane, its Unique counterpart, and
rounds of permission changes between syncs (issue 13 part 4). Seeded: the same seed, the same site.

People: 6 mapped users (an e-mail that a Unique user has), an unmapped user with a hidden e-mail and
one whose e-mail has no Unique account. Groups: 3 mapped (mapping table) + 1 unmapped. Unique groups
carry the mapped members of their Confluence group (the identity provider's job in real life; the
test keeps them in step when membership changes). Two spaces, page trees three levels deep under the
home pages, blog posts, random read restrictions at every depth, one edit-only restriction, and one
restricted page whose restrictions the listing does not carry ("unavailable").
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from demo.access_pipeline import Person

MAPPED = [f"p{n}" for n in range(6)]
HIDDEN, STRANGER = "hidden.mail", "stranger"
MAPPED_GROUPS = ["g-alpha", "g-beta", "g-gamma"]
UNMAPPED_GROUP = "g-outside"
EVERYONE = "uqg-everyone"
SPACES = ("ACA", "ACB")
MUTATION_KINDS = ("space_add_user", "space_remove_user", "space_add_group", "space_remove_group",
                  "member_add", "member_remove", "restrict", "lift", "edit_only", "move_under_restricted")


def email(login: str) -> str:
    return f"{login}@access.example.com"


def unique_user(login: str) -> str:
    return f"uq-{login}"


def unique_group(name: str) -> str:
    return f"uqg-{name}"


@dataclass
class Site:
    rng: random.Random
    parent: dict[str, str | None] = field(default_factory=dict)   # page id → parent id (homepages: None)
    space_of: dict[str, str] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)
    own_read: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # id → (users, groups)
    hidden: set[str] = field(default_factory=set)
    edit_only: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=dict)    # group → logins
    space_users: dict[str, set[str]] = field(default_factory=dict)
    space_groups: dict[str, set[str]] = field(default_factory=dict)
    mutations_done: Counter = field(default_factory=Counter)

    @property
    def people(self) -> list[Person]:
        return [Person(login, unique_user(login)) for login in MAPPED] + [Person(HIDDEN, None), Person(STRANGER, None)]

    # ── derived facts the test asserts on ────────────────────────────
    def chain(self, item: str) -> list[str]:
        out = []
        while item is not None:
            out.append(item)
            item = self.parent.get(item)
        return out

    def restricted_items(self) -> list[str]:
        return [i for i in self.parent if any(self.own_read.get(a) for a in self.chain(i))]

    def restricted_depths(self) -> set[int]:
        return {self.depth[i] for i in self.parent if self.own_read.get(i)}

    def unavailable_items(self) -> set[str]:
        return {i for i in self.parent if any(a in self.hidden for a in self.chain(i))}


def build(confluence, unique, seed: int) -> Site:
    site = Site(random.Random(seed))
    rng = site.rng
    ops = [{"op": "create_user", "username": login, "email": email(login), "displayName": login.upper()} for login in MAPPED]
    ops += [{"op": "create_user", "username": HIDDEN, "email": ""},
            {"op": "create_user", "username": STRANGER, "email": email(STRANGER)}]
    everybody = MAPPED + [HIDDEN, STRANGER]
    for group in MAPPED_GROUPS + [UNMAPPED_GROUP]:
        ops.append({"op": "create_group", "name": group})
        chosen = set(rng.sample(MAPPED, 2)) | {rng.choice([HIDDEN, STRANGER])}
        if group == UNMAPPED_GROUP:
            chosen = {HIDDEN, STRANGER, rng.choice(MAPPED)}
        site.members[group] = chosen
        ops += [{"op": "group_member", "group": group, "user": login} for login in sorted(chosen)]
    site.space_users = {"ACA": set(), "ACB": {"p5", STRANGER}}
    site.space_groups = {"ACA": {"g-alpha", UNMAPPED_GROUP}, "ACB": {"g-beta", UNMAPPED_GROUP}}
    confluence.mutate(ops)
    created = confluence.mutate([
        {"op": "create_space", "key": "ACA", "name": "Access A",
         "readers": [{"type": "access-class", "principal": "ALL_LICENSED_USERS"}]
         + [{"type": "group", "principal": g} for g in sorted(site.space_groups["ACA"])]},
        {"op": "create_space", "key": "ACB", "name": "Access B",
         "readers": [{"type": "user", "principal": login} for login in sorted(site.space_users["ACB"])]
         + [{"type": "group", "principal": g} for g in sorted(site.space_groups["ACB"])]}])["results"]
    for space, result in zip(SPACES, created):
        site.parent[result["homepageId"]], site.space_of[result["homepageId"]], site.depth[result["homepageId"]] = None, space, 0
    for space, result in zip(SPACES, created):
        level = [result["homepageId"]]
        for depth, fan_out in ((1, 3), (2, 2), (3, 2)):
            next_level = []
            for parent in level:
                for n in range(fan_out):
                    page = confluence.mutate([{"op": "create_page", "spaceKey": space, "parentId": parent,
                                               "title": f"{space} d{depth} {parent}-{n}"}])["results"][0]["id"]
                    site.parent[page], site.space_of[page], site.depth[page] = parent, space, depth
                    next_level.append(page)
            level = next_level
        for n in range(2):
            post = confluence.mutate([{"op": "create_blogpost", "spaceKey": space, "title": f"{space} post {n}"}])["results"][0]["id"]
            site.parent[post], site.space_of[post], site.depth[post] = None, space, 1
    pages = [p for p in site.parent if site.depth[p] >= 1]
    by_depth = {d: [p for p in pages if site.depth[p] == d] for d in (1, 2, 3)}
    # the "unavailable" item: restricted to one person, in the open space, under unrestricted parents —
    # so reading its unavailable restriction as "none" would show it to every other mapped person
    hidden = rng.choice(sorted(p for p in by_depth[3] if site.space_of[p] == "ACA"))
    targets = set(rng.sample(pages, len(pages) * 2 // 5)) | {rng.choice(by_depth[d]) for d in (1, 2, 3)}
    targets -= set(site.chain(hidden))
    confluence.mutate([restrict_op(site, page) for page in sorted(targets)])
    edit_target = rng.choice([p for p in pages if p not in targets and p != hidden])
    confluence.mutate([{"op": "restrict_edit", "id": edit_target, "users": ["p0"], "groups": []}])
    site.edit_only.add(edit_target)
    site.own_read[hidden] = (["p0"], [])
    confluence.mutate([{"op": "restrict", "id": hidden, "users": ["p0"], "groups": []},
                       {"op": "hide_restrictions", "id": hidden, "hidden": True}])
    site.hidden.add(hidden)
    for login in MAPPED:
        unique.create_user(email(login), id=unique_user(login), name=login.upper())
    for group in MAPPED_GROUPS:
        sync_unique_group(site, unique, group)
    unique.create_group("everyone", [unique_user(login) for login in MAPPED], id=EVERYONE)
    return site


def restrict_op(site: Site, page: str) -> dict:
    rng = site.rng
    pool_users, pool_groups = MAPPED + [HIDDEN, STRANGER], MAPPED_GROUPS + [UNMAPPED_GROUP]
    users = rng.sample(pool_users, rng.randint(0, 2))
    groups = rng.sample(pool_groups, rng.randint(0 if users else 1, 2))
    site.own_read[page] = (users, groups)
    return {"op": "restrict", "id": page, "users": users, "groups": groups}


def sync_unique_group(site: Site, unique, group: str) -> None:
    unique.create_group(group, [unique_user(m) for m in sorted(site.members[group]) if m in MAPPED], id=unique_group(group))


def mutation_round(site: Site, confluence, unique) -> list[str]:
    """Every kind of change once, on random targets; returns what was done (for the test's log)."""
    rng, done, ops = site.rng, [], []
    space = rng.choice(SPACES)
    newcomer = rng.choice([u for u in MAPPED if u not in site.space_users[space]])
    site.space_users[space].add(newcomer)
    ops.append({"op": "space_permission", "spaceKey": space, "type": "user", "principal": newcomer, "grant": True})
    leaver = rng.choice(sorted(site.space_users[space] - {newcomer}) or [newcomer])
    site.space_users[space].discard(leaver)
    ops.append({"op": "space_permission", "spaceKey": space, "type": "user", "principal": leaver, "grant": False})
    added_group = rng.choice([g for g in MAPPED_GROUPS if g not in site.space_groups[space]] or MAPPED_GROUPS)
    site.space_groups[space].add(added_group)
    ops.append({"op": "space_permission", "spaceKey": space, "type": "group", "principal": added_group, "grant": True})
    removed_group = rng.choice(sorted(site.space_groups[space] - {added_group}))
    site.space_groups[space].discard(removed_group)
    ops.append({"op": "space_permission", "spaceKey": space, "type": "group", "principal": removed_group, "grant": False})
    group = rng.choice(MAPPED_GROUPS)
    joiner = rng.choice([u for u in MAPPED if u not in site.members[group]])
    site.members[group].add(joiner)
    ops.append({"op": "group_member", "group": group, "user": joiner, "member": True})
    quitter_group = rng.choice([g for g in MAPPED_GROUPS if len(site.members[g]) > 1])
    quitter = rng.choice(sorted(site.members[quitter_group] - {joiner}))
    site.members[quitter_group].discard(quitter)
    ops.append({"op": "group_member", "group": quitter_group, "user": quitter, "member": False})
    pages = [p for p in site.parent if site.depth[p] >= 1 and p not in site.hidden]
    unrestricted = [p for p in pages if not site.own_read.get(p)]
    restricted = [p for p in pages if site.own_read.get(p)]
    ops.append(restrict_op(site, rng.choice(unrestricted)))
    lifted = rng.choice([p for p in restricted if p != ops[-1]["id"]])
    site.own_read[lifted] = ([], [])
    ops.append({"op": "restrict", "id": lifted, "users": [], "groups": []})
    edit = rng.choice([p for p in pages if not site.own_read.get(p)])
    site.edit_only.add(edit)
    ops.append({"op": "restrict_edit", "id": edit, "users": [rng.choice(MAPPED)], "groups": []})
    leaves = [p for p in pages if site.depth[p] == 3 and site.parent[p] not in site.hidden]
    mover = rng.choice(leaves)
    candidates = [p for p in pages if site.depth[p] == 2 and site.space_of[p] == site.space_of[mover]
                  and p != site.parent[mover]]
    new_parent = rng.choice([p for p in candidates if site.own_read.get(p)] or candidates)
    if not site.own_read.get(new_parent):
        ops.append(restrict_op(site, new_parent))
    site.parent[mover] = new_parent
    ops.append({"op": "move", "id": mover, "parentId": new_parent})
    confluence.mutate(ops)
    for changed in {group, quitter_group}:
        sync_unique_group(site, unique, changed)
    site.mutations_done.update(MUTATION_KINDS)
    done += [f"{op['op']} {op.get('id') or op.get('principal') or op.get('user')}" for op in ops]
    return done
