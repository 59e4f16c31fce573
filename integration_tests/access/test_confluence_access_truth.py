"""The Confluence emulator's access truth over HTTP (issue 13 part 3): single and bulk forms agree with
what the REST API shows each user, and restrictions reach the wire with groups and edit-only entries."""

import requests

from emulators.confluence.testing import running_confluence


def test_given_a_restricted_parent_when_asking_the_truth_then_single_bulk_and_rest_agree():
    with running_confluence(mode="cloud", profile="tiny") as emu:
        emu.mutate([{"op": "create_user", "username": n, "email": f"{n}@truth.example.com"} for n in ("ann", "ben")]
                   + [{"op": "create_group", "name": "truth-team"},
                      {"op": "group_member", "group": "truth-team", "user": "ann"}])
        home = emu.mutate([{"op": "create_space", "key": "TRU", "readers": [
            {"type": "access-class", "principal": "ALL_LICENSED_USERS"}]}])["results"][0]["homepageId"]
        parent = emu.mutate([{"op": "create_page", "spaceKey": "TRU", "title": "P", "parentId": home}])["results"][0]["id"]
        child = emu.mutate([{"op": "create_page", "spaceKey": "TRU", "title": "C", "parentId": parent}])["results"][0]["id"]
        emu.mutate([{"op": "restrict", "id": parent, "groups": ["truth-team"]},
                    {"op": "restrict_edit", "id": child, "users": ["ben"]}])

        assert emu.can_read("ann@truth.example.com", child) and not emu.can_read("ben", child)
        assert emu.can_read_many(["ann", "ben"], [home, child]) == {"ann": {home: True, child: True},
                                                                    "ben": {home: True, child: False}}
        restrictions = requests.get(f"{emu.base_url}/wiki/rest/api/content/{child}/restriction/byOperation",
                                    auth=("demo@example.com", "demo-token"), timeout=30).json()
        assert restrictions["read"]["restrictions"]["user"]["size"] == 0
        assert [u["email"] for u in restrictions["update"]["restrictions"]["user"]["results"]] == ["ben@truth.example.com"]
        parent_read = requests.get(f"{emu.base_url}/wiki/rest/api/content/{parent}/restriction/byOperation",
                                   auth=("demo@example.com", "demo-token"), timeout=30).json()["read"]
        assert [g["name"] for g in parent_read["restrictions"]["group"]["results"]] == ["truth-team"]
        assert requests.get(f"{emu.base_url}/__emulator/can-read", params={"user": "nobody", "content": child},
                            timeout=30).status_code == 400
