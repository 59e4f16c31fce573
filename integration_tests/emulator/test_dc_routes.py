"""Data Center: offset everywhere, silent caps, under-counted next start, scan, depth=all (§11)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from integration_tests.emulator.v1_harness import Emulator, ids

BASE = "/confluence/rest/api"


@pytest.fixture(scope="module")
def emu():
    return Emulator("datacenter", "tiny", context_path="/confluence")


def truth_pages(emu):
    return sorted(c.id for c in emu.instance.contents.values() if c.type == "page" and c.status == "current")


@pytest.mark.parametrize("path, params", [
    ("/content", {"type": "page"}), ("/content/search", {"cql": "type = page"}),
    ("/content/search", {"cql": "type = page", "expand": "body.storage"}),
    ("/rest/api/latest/content", {"type": "page"})])
@pytest.mark.parametrize("limit", [1, 7, 500])
def test_given_dc_lists_when_walked_re_deriving_start_then_every_page_arrives_once(emu, path, params, limit):
    full = "/confluence" + path if path.startswith("/rest") else BASE + path
    found = ids(emu.walk_offset(full, limit=limit, **params))
    assert sorted(found) == truth_pages(emu)


def test_given_dc_next_links_when_followed_verbatim_then_items_repeat(emu):
    """The measured quirk: `_links.next` under-counts start, so verbatim followers see duplicates."""
    body = emu.get(f"{BASE}/content", type="page", limit=5).json()
    next_start = int(parse_qs(urlsplit(body["_links"]["next"]).query)["start"][0])
    assert next_start < body["start"] + body["size"]
    assert "next=true" not in body["_links"]["next"]
    verbatim = ids(emu.walk_offset(f"{BASE}/content", rederive_start=False, type="page", limit=5))
    assert len(verbatim) > len(set(verbatim)) and set(verbatim) == set(truth_pages(emu))


def test_given_limits_above_the_silent_caps_when_listing_then_pages_are_smaller(emu):
    assert emu.get(f"{BASE}/content", limit=500).json()["limit"] == 100
    assert emu.get(f"{BASE}/content/search", cql="type = page", limit=500, expand="body.storage").json()["limit"] == 50


def test_given_search_when_paged_then_it_uses_start_not_cursor(emu):
    body = emu.get(f"{BASE}/search", cql="type = page", limit=2, start=2).json()
    assert body["start"] == 2 and "cursor" not in body["_links"]["next"] and "totalSize" in body


@pytest.mark.parametrize("limit", [1, 10])
def test_given_content_scan_when_cursor_walked_then_every_page_arrives_once(emu, limit):
    body = emu.get(f"{BASE}/content/scan", type="page", limit=limit).json()
    found = ids(body["results"])
    while body["_links"].get("next"):
        body = emu.get("/confluence" + body["_links"]["next"]).json()
        found += ids(body["results"])
    assert sorted(found) == truth_pages(emu) and body["cursor"].startswith("cursortype:false:")


def test_given_depth_all_when_listing_comments_then_replies_arrive_after_their_parents(emu):
    inst = emu.instance
    page_id = next(cid for cid, kids in inst.comments_by_container.items()
                   if any(inst.comments[k].parent_id for k in kids))
    everything = ids(emu.walk_offset(f"{BASE}/content/{page_id}/child/comment", depth="all", limit=3))
    roots = ids(emu.walk_offset(f"{BASE}/content/{page_id}/child/comment", limit=3))
    assert set(roots) < set(everything)
    assert sorted(everything) == sorted(k for k in inst.comments_by_container[page_id]
                                        if inst.comments[k].status == "current")
    position = {cid: i for i, cid in enumerate(everything)}
    assert all(position[inst.comments[c].parent_id] < position[c] for c in everything if inst.comments[c].parent_id)


def test_given_dc_users_when_read_then_they_carry_username_and_user_key(emu):
    me = emu.get(f"{BASE}/user/current").json()
    assert me["username"] == "admin" and "userKey" in me and "accountId" not in me
    assert emu.get(f"{BASE}/user", username="admin").json()["userKey"] == me["userKey"]
    assert len(emu.walk_offset(f"{BASE}/user/list", limit=2)) == len(emu.instance.users)


def test_given_cql_user_fields_when_searching_on_dc_then_usernames_match(emu):
    inst = emu.instance
    page = next(c for c in inst.contents.values() if c.type == "page" and c.status == "current")
    author = inst.users[page.versions[0].author_id]
    found = ids(emu.walk_offset(f"{BASE}/content/search", cql=f'creator = "{author.username}" AND type = page', limit=50))
    assert page.id in found
    assert emu.get(f"{BASE}/content/search", cql=f'creator = "{author.account_id}"').json()["results"] == [] or \
        author.account_id == author.username


def test_given_the_applinks_manifest_when_fetched_anonymously_then_json_or_xml_by_accept(emu):
    as_json = emu.client.get("/confluence/rest/applinks/1.0/manifest", headers={"Accept": "application/json"})
    assert as_json.status_code == 200 and as_json.json()["typeId"] == "confluence"
    assert {"id", "name", "version", "buildNumber", "applinksVersion", "publicSignup", "url", "iconUrl"} <= set(as_json.json())
    as_xml = emu.client.get("/confluence/rest/applinks/1.0/manifest")
    assert as_xml.text.startswith("<?xml") and "<typeId>confluence</typeId>" in as_xml.text


def test_given_dc_mode_when_cloud_paths_are_requested_then_404(emu):
    assert emu.get("/confluence/wiki/rest/api/content").status_code == 404
    assert emu.get("/confluence/wiki/api/v2/pages").status_code == 404
    assert emu.get(f"{BASE}/server-information").json()["version"]


def test_given_group_members_by_name_when_admin_then_every_member_arrives(emu):
    group = next(iter(emu.instance.groups.values()))
    found = emu.walk_offset(f"{BASE}/group/{group.name}/member", limit=1)
    assert sorted(u["userKey"] for u in found) == sorted(emu.instance.users[a].user_key for a in group.members)
