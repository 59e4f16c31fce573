"""`make demo`, access section (issue 13): a restricted page that one demo user can find in Unique and
another cannot — before and after its restriction changes in Confluence — with access mode `mirror`.

Confluence: space DEMOACC open to all licensed users; "Salary bands 2027" restricted to Ann, with a
child page that inherits the restriction. Unique: Ann and Ben by e-mail, the all-users group.
"""

from __future__ import annotations

import logging
from pathlib import Path

from demo.access_pipeline import AccessWorld
from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique

PEOPLE = {"ann": "Ann (finance)", "ben": "Ben (engineering)"}
EVERYONE = "uqg-all-staff"


def _who_finds(world: AccessWorld, titles: dict[str, str]) -> dict[str, set[str]]:
    ingested = world.ingested()
    return {login: {titles[ingested[c]] for c in world.unique.readable(f"uq-{login}") if ingested.get(c) in titles}
            for login in PEOPLE}


def _show(label: str, found: dict[str, set[str]], restricted: list[str]) -> None:
    print(f"\n-- {label} --")
    for login, titles in found.items():
        marks = ", ".join(f"{title}: {'FOUND' if title in titles else 'hidden'}" for title in restricted)
        print(f"  {PEOPLE[login]:<20} {marks}   ({len(titles)} of 3 demo pages readable in Unique)")


def run(workdir: Path) -> bool:
    """Prints the access section; True when Unique matched Confluence for both people both times."""
    print("\n== access mirroring (access.mode = mirror) ==")
    with running_confluence(mode="cloud", profile="tiny") as confluence, running_unique(workdir / "access-unique") as unique:
        confluence.mutate([{"op": "create_user", "username": login, "email": f"{login}@demo.example.com",
                            "displayName": name} for login, name in PEOPLE.items()])
        home = confluence.mutate([{"op": "create_space", "key": "DEMOACC", "name": "Demo access",
                                   "readers": [{"type": "access-class", "principal": "ALL_LICENSED_USERS"}]}])["results"][0]
        ids = {}
        for title, parent in (("Team handbook", home["homepageId"]), ("Salary bands 2027", home["homepageId"])):
            ids[title] = confluence.mutate([{"op": "create_page", "spaceKey": "DEMOACC", "title": title,
                                             "parentId": parent}])["results"][0]["id"]
        ids["Salary bands 2027 / Engineering"] = confluence.mutate([{"op": "create_page", "spaceKey": "DEMOACC",
                                                                    "title": "Salary bands 2027 / Engineering",
                                                                    "parentId": ids["Salary bands 2027"]}])["results"][0]["id"]
        confluence.mutate([{"op": "restrict", "id": ids["Salary bands 2027"], "users": ["ann"]}])
        for login, name in PEOPLE.items():
            unique.create_user(f"{login}@demo.example.com", id=f"uq-{login}", name=name)
        unique.create_group("all staff", [f"uq-{login}" for login in PEOPLE], id=EVERYONE)
        work = workdir / "access"
        work.mkdir()
        world = AccessWorld(work, confluence, unique, ["DEMOACC"], {}, EVERYONE)
        titles = {page_id: title for title, page_id in ids.items()}
        restricted = ["Salary bands 2027", "Salary bands 2027 / Engineering"]
        is_pass = True
        for label, ops in (("sync 1: 'Salary bands 2027' restricted to Ann (its child inherits it)", []),
                           ("sync 2: restriction changed to Ben only", [{"op": "restrict", "id": ids["Salary bands 2027"],
                                                                         "users": ["ben"]}])):
            if ops:
                confluence.mutate(ops)
                print("\nConfluence: the read restriction of 'Salary bands 2027' now names Ben instead of Ann.")
            airbyte_logger = logging.getLogger("airbyte")
            level, airbyte_logger.level = airbyte_logger.level, logging.ERROR   # the destination runs in-process
            try:
                summary = world.sync()["access"]
            finally:
                airbyte_logger.setLevel(level)
            found = _who_finds(world, titles)
            _show(label, found, restricted)
            print(f"  destination: {summary.get('items_restricted', 0)} restricted items in "
                  f"{summary.get('audience_scopes', 0)} audience scopes, {summary.get('moved', 0)} moved between scopes")
            truth = confluence.can_read_many(list(PEOPLE), [ids[t] for t in titles.values()])
            expected = {login: {titles[c] for c, ok in row.items() if ok} for login, row in truth.items()}
            is_pass = is_pass and found == expected
        print(f"\naccess mirroring matches Confluence: {'PASS' if is_pass else 'FAIL'}")
        return is_pass
