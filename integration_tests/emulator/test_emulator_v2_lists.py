"""Every v2 list, walked to the end with several page sizes, returns each truth id exactly once."""
import pytest
import requests

from emulators.confluence.testing import running_confluence
from integration_tests.emulator.v2_harness import ADMIN, VIEWER, walk_v2

LIMITS = {"tiny": (1, 7, 25, 250), "small": (7, 25, 250)}


@pytest.fixture(scope="module", params=["tiny", "small"])
def emu(request):
    with running_confluence(profile=request.param, seed=5) as running:
        running.profile = request.param
        yield running


def _expected(emu, user=None):
    truth = emu.truth(user)
    pages = set(truth["pages"])
    footer = {i for i, c in truth["comments"].items() if c["location"] == "footer"}
    inline = {i for i, c in truth["comments"].items() if c["location"] == "inline"}
    return {
        "/wiki/api/v2/pages": pages,
        "/wiki/api/v2/blogposts": {i for i, b in truth["blog_posts"].items() if b["status"] == "current"},
        "/wiki/api/v2/spaces": set(truth["spaces"]),
        "/wiki/api/v2/footer-comments": footer,
        "/wiki/api/v2/inline-comments": inline,
        "/wiki/api/v2/attachments": set(truth["attachments"]),
        "/wiki/api/v2/labels": set(truth["labels"]),
    }


def test_given_each_site_wide_list_when_walked_with_every_limit_then_each_truth_id_arrives_once(emu):
    for path, expected in _expected(emu).items():
        for limit in LIMITS[emu.profile]:
            items, _ = walk_v2(emu, path, limit=limit)
            ids = [item["id"] for item in items]
            assert len(ids) == len(set(ids)), (path, limit)
            assert set(ids) == expected, (path, limit)


def test_given_descending_sorts_when_walked_then_order_holds_and_nothing_is_lost(emu):
    expected = _expected(emu)["/wiki/api/v2/pages"]
    for sort in ("-modified-date", "title", "-id", "created-date"):
        items, _ = walk_v2(emu, "/wiki/api/v2/pages", limit=7, sort=sort)
        assert {i["id"] for i in items} == expected and len(items) == len(expected)
    items, _ = walk_v2(emu, "/wiki/api/v2/pages", limit=25, sort="-modified-date")
    stamps = [i["version"]["createdAt"] for i in items]
    assert stamps == sorted(stamps, reverse=True)


def test_given_the_viewer_when_walking_then_secret_and_restricted_content_is_silently_absent(emu):
    viewer = _expected(emu, "viewer@example.com")
    admin = _expected(emu)
    items, _ = walk_v2(emu, "/wiki/api/v2/pages", auth=VIEWER, limit=250)
    assert {i["id"] for i in items} == viewer["/wiki/api/v2/pages"] < admin["/wiki/api/v2/pages"]
    secret = next(i for i, s in emu.truth()["spaces"].items() if s["key"] == "SECRET")
    response = requests.get(f"{emu.origin}/wiki/api/v2/spaces/{secret}", auth=VIEWER)
    assert response.status_code == 404 and response.json()["errors"][0]["status"] == 404


def test_given_each_container_when_walking_its_lists_then_they_match_the_truth(emu):
    truth = emu.truth()
    containers = {**{i: "pages" for i in truth["pages"]}, **{i: "blogposts" for i in truth["blog_posts"]}}
    for container_id, segment in list(containers.items())[:: 3 if emu.profile == "small" else 1]:
        attachments, _ = walk_v2(emu, f"/wiki/api/v2/{segment}/{container_id}/attachments", limit=25)
        assert {a["id"] for a in attachments} == {i for i, a in truth["attachments"].items()
                                                   if a["containerId"] == container_id}
        for location in ("footer", "inline"):
            roots, _ = walk_v2(emu, f"/wiki/api/v2/{segment}/{container_id}/{location}-comments", limit=25)
            assert {c["id"] for c in roots} == {i for i, c in truth["comments"].items()
                                                 if c["containerId"] == container_id and c["location"] == location
                                                 and c["parentCommentId"] is None}


def test_given_replies_when_walking_children_then_every_thread_is_reachable(emu):
    truth = emu.truth()
    reached = set()
    for comment_id, comment in truth["comments"].items():
        children, _ = walk_v2(emu, f"/wiki/api/v2/{comment['location']}-comments/{comment_id}/children", limit=25)
        for child in children:
            assert child["parentCommentId"] == comment_id and "pageId" not in child and "blogPostId" not in child
            reached.add(child["id"])
        if emu.profile == "small" and len(reached) > 100:
            return
    assert reached == {i for i, c in truth["comments"].items() if c["parentCommentId"]}


def test_given_a_limit_above_250_when_listing_then_400_in_the_v2_envelope(emu):
    response = requests.get(f"{emu.origin}/wiki/api/v2/pages", params={"limit": 251}, auth=ADMIN)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "INVALID_REQUEST_PARAMETER"
