"""Cloud v1: every list walked to the end returns each truth id exactly once (§4.2, §4.3)."""

import pytest

from integration_tests.emulator.v1_harness import CLOUD_VIEWER, Emulator, ids

LIMITS = [1, 7, 25, 1000]


@pytest.fixture(scope="module")
def emu():
    return Emulator("cloud", "tiny")


def truth_pages(emu, user_login="demo@example.com"):
    inst = emu.instance
    user = inst.user_for_login(user_login)
    return sorted(c.id for c in inst.contents.values()
                  if c.type == "page" and c.status == "current" and inst.visible_to(user, c))


@pytest.mark.parametrize("limit", LIMITS)
def test_given_legacy_content_when_walked_with_any_limit_then_every_page_arrives_once(emu, limit):
    found = ids(emu.walk_offset("/wiki/rest/api/content", type="page", limit=limit))
    assert sorted(found) == truth_pages(emu)


@pytest.mark.parametrize("limit", [1, 7, 250])
def test_given_content_search_when_cursor_walked_then_every_page_arrives_once(emu, limit):
    found = ids(emu.walk_cursor("/wiki/rest/api/content/search", cql="type = page", limit=limit))
    assert sorted(found) == truth_pages(emu)


@pytest.mark.parametrize("limit", [3, 25])
def test_given_search_when_cursor_walked_then_wrapper_results_cover_the_truth(emu, limit):
    found = ids(emu.walk_cursor("/wiki/rest/api/search", cql="type = page", limit=limit), key="content")
    assert sorted(found) == truth_pages(emu)


def test_given_search_when_start_is_sent_then_it_is_ignored_and_totals_are_reported(emu):
    body = emu.get("/wiki/rest/api/search", cql="type = page", limit=1, start=100001).json()
    assert body["size"] == 1 and body["totalSize"] == len(truth_pages(emu))
    assert body["cqlQuery"] == "type = page" and "searchDuration" in body
    assert "cursor=" in body["_links"]["next"] and body["_links"]["next"].startswith("/rest/api/search?next=true")


def test_given_the_viewer_when_walking_content_then_secret_space_and_restricted_pages_are_absent(emu):
    found = ids(emu.walk_offset("/wiki/rest/api/content", auth=CLOUD_VIEWER, type="page", limit=50))
    assert sorted(found) == truth_pages(emu, "viewer@example.com")
    assert len(found) < len(truth_pages(emu))


@pytest.mark.parametrize("limit", [1, 4])
def test_given_spaces_when_walked_then_all_arrive_alphabetically_by_key(emu, limit):
    found = emu.walk_offset("/wiki/rest/api/space", limit=limit)
    keys = [s["key"] for s in found]
    assert keys == sorted(s.key for s in emu.instance.spaces.values())


@pytest.mark.parametrize("path, truth", [
    ("/wiki/rest/api/group", lambda i: i.groups), ("/wiki/rest/api/label", lambda i: i.labels)])
@pytest.mark.parametrize("limit", [1, 200])
def test_given_groups_and_labels_when_walked_then_each_arrives_once(emu, path, truth, limit):
    found = ids(emu.walk_offset(path, limit=limit))
    assert sorted(found) == sorted(truth(emu.instance))


def test_given_next_links_when_read_then_they_lack_wiki_and_carry_the_next_marker(emu):
    body = emu.get("/wiki/rest/api/content", type="page", limit=2, start=2).json()
    assert body["_links"]["next"].startswith("/rest/api/content?next=true&limit=2&start=4")
    assert body["_links"]["base"].endswith("/wiki") and body["_links"]["context"] == "/wiki"
    assert "prev" in body["_links"]


def test_given_caps_when_exceeded_then_limits_are_clamped_and_huge_start_is_rejected(emu):
    assert emu.get("/wiki/rest/api/content", limit=5000).json()["limit"] == 1000
    assert emu.get("/wiki/rest/api/label", limit=5000).json()["limit"] == 200
    too_far = emu.get("/wiki/rest/api/content", start=100001)
    assert too_far.status_code == 400 and too_far.json()["statusCode"] == 400


def test_given_page_comments_when_listed_on_cloud_then_only_root_comments_arrive(emu):
    inst = emu.instance
    page_id = next(cid for cid, kids in inst.comments_by_container.items()
                   if any(inst.comments[k].parent_id for k in kids))
    found = ids(emu.walk_offset(f"/wiki/rest/api/content/{page_id}/child/comment", limit=2,
                                location=["footer", "inline"]))
    roots = [k for k in inst.comments_by_container[page_id] if not inst.comments[k].parent_id
             and inst.comments[k].status == "current"]
    assert sorted(found) == sorted(roots)
