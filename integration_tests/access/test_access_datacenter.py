"""Access mirroring on Data Center (issue 13): DC's REST user objects carry no e-mail, so no user can be
matched and individual grants fail closed; groups (mapping table, DC group names) and space
permissions (DC 9.1+ listing, admin) still mirror, and nothing leaks."""

from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique
from demo.access_pipeline import AccessWorld, Person


def test_given_data_center_when_mirroring_then_groups_carry_access_users_fail_closed_and_nothing_leaks(tmp_path):
    with running_confluence(mode="datacenter", profile="tiny") as confluence, running_unique(tmp_path) as unique:
        confluence.mutate([{"op": "create_user", "username": name, "email": f"{name}@dc.example.com"}
                           for name in ("ann", "ben", "cy")]
                          + [{"op": "create_group", "name": "dc-team"},
                             {"op": "group_member", "group": "dc-team", "user": "ann"},
                             {"op": "group_member", "group": "dc-team", "user": "ben"}])
        home = confluence.mutate([{"op": "create_space", "key": "DCA", "readers": [
            {"type": "group", "principal": "dc-team"}, {"type": "user", "principal": "cy"}]}])["results"][0]["homepageId"]
        ids = [confluence.mutate([{"op": "create_page", "spaceKey": "DCA", "title": title, "parentId": home}])["results"][0]["id"]
               for title in ("Open", "Closed")]
        child = confluence.mutate([{"op": "create_page", "spaceKey": "DCA", "title": "Closed child", "parentId": ids[1]}])["results"][0]["id"]
        confluence.mutate([{"op": "restrict", "id": ids[1], "users": ["cy"], "groups": ["dc-team"]},
                           {"op": "restrict", "id": child, "users": ["ann", "cy"]}])
        for name in ("ann", "ben", "cy"):
            unique.create_user(f"{name}@dc.example.com", id=f"uq-{name}")
        unique.create_group("dc-team", ["uq-ann", "uq-ben"], id="uqg-dc-team")
        (tmp_path / "world").mkdir()
        world = AccessWorld(tmp_path / "world", confluence, unique, ["DCA"], {"dc-team": "uqg-dc-team"}, None)

        access = world.sync()["access"]
        comparison = world.compare([Person(name, f"uq-{name}") for name in ("ann", "ben", "cy")])

        assert comparison.ingested == 4 and comparison.leaks == []
        assert access["mapped_users"] == 0 and access["unmapped"]["user:cy"] == "no visible e-mail in Confluence"
        assert sorted(comparison.misses) == [("ann", child), ("cy", home), ("cy", ids[0]), ("cy", ids[1]), ("cy", child)]
