"""Every list endpoint not already walked by the route tests, walked to the end with limit 1, 7, 25
and 250 in its own mode: each truth id arrives exactly once.

Already covered elsewhere (not repeated here): v2 site-wide lists (/pages, /blogposts, /spaces,
/footer-comments, /inline-comments, /attachments, /labels) in test_emulator_v2_lists.py; Cloud v1
/content?type=page, /content/search, /search, /space, /group, /label in test_v1_pagination.py; DC
/content?type=page, /content/search and /content/scan in test_dc_routes.py.
Not walkable as a list: v2 `/{type}/{id}/ancestors` (no cursor; "call this endpoint with the ID of
the first ancestor"), v1 `/space/{spaceKey}/content` (a map of per-type ContentArrays), `/user/bulk`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from emulators.confluence.testing import running_confluence
from integration_tests.emulator import list_walks as walks
from integration_tests.emulator.spec_requests import picks_from_truth

DC_CONTEXT = "/confluence"
LIMITS = (1, 7, 25, 250)


@dataclass(frozen=True)
class Walk:
    name: str
    mode: str                                  # cloud-v2 | cloud-v1 | dc
    path: str                                  # "{pick}" placeholders filled from Picks
    expected: Callable[[dict, dict], list]     # (truth, pick values) -> ids
    params: tuple = ()
    key: Callable[[dict], str] = lambda item: item["id"]


def _pages(t, space=None, label=None, statuses=("current", "archived")):
    return [i for i, p in t["pages"].items() if p["status"] in statuses
            and (space is None or p["spaceId"] == space) and (label is None or label in p["labels"])]


def _blogs(t, space=None, label=None):
    return [i for i, b in t["blog_posts"].items() if b["status"] == "current"
            and (space is None or b["spaceId"] == space) and (label is None or label in b["labels"])]


def _label(t, label_id):
    row = t["labels"][label_id]
    return f"{row['prefix']}:{row['name']}"


def _children(t, parent, pages_only=False):
    # Archived children are children too (v2 ChildrenResponse.status is current|archived, §5.1); the
    # emulator lists them in v1/DC child/page as well (undocumented there; see SPEC_FIDELITY.md).
    kids = [i for i, p in t["pages"].items() if p["parentId"] == parent]
    if not pages_only:
        kids += [i for i, o in t["other_content"].items() if o["parentId"] == parent]
    return kids


def _descendants(t, parent, depth):
    found, frontier = [], [parent]
    for _ in range(depth):
        frontier = [kid for node in frontier for kid in _children(t, node)]
        found += frontier
    return found


def _comments(t, container, location=None, parent=None, roots=True):
    return [i for i, c in t["comments"].items() if (location is None or c["location"] == location)
            and (c["containerId"] == container if roots else c["parentCommentId"] == parent)
            and (c["parentCommentId"] is None or not roots)]


def _attachments(t, container):
    return [i for i, a in t["attachments"].items() if a["containerId"] == container]


def _label_key(item):
    return f"{item['prefix']}:{item['name']}"


WALKS = [
    Walk("v2 space pages", "cloud-v2", "/wiki/api/v2/spaces/{space_id}/pages",
         lambda t, v: _pages(t, space=v["space_id"])),
    Walk("v2 space blogposts", "cloud-v2", "/wiki/api/v2/spaces/{blog_space_id}/blogposts",
         lambda t, v: _blogs(t, space=v["blog_space_id"])),
    Walk("v2 label pages", "cloud-v2", "/wiki/api/v2/labels/{page_label_id}/pages",
         lambda t, v: _pages(t, label=_label(t, v["page_label_id"]))),
    Walk("v2 label blogposts", "cloud-v2", "/wiki/api/v2/labels/{blog_label_id}/blogposts",
         lambda t, v: _blogs(t, label=_label(t, v["blog_label_id"]))),
    Walk("v2 page children", "cloud-v2", "/wiki/api/v2/pages/{page:children}/children",
         lambda t, v: _children(t, v["page:children"], pages_only=True)),
    Walk("v2 page direct-children", "cloud-v2", "/wiki/api/v2/pages/{page:children}/direct-children",
         lambda t, v: _children(t, v["page:children"])),
    Walk("v2 page descendants", "cloud-v2", "/wiki/api/v2/pages/{page:children}/descendants",
         lambda t, v: _descendants(t, v["page:children"], 5), params=(("depth", "5"),)),
    Walk("v2 page versions", "cloud-v2", "/wiki/api/v2/pages/{page:versions}/versions",
         lambda t, v: [str(n) for n in range(1, t["pages"][v["page:versions"]]["version"] + 1)],
         key=lambda item: str(item["number"])),
    Walk("v2 page labels", "cloud-v2", "/wiki/api/v2/pages/{page:labels}/labels",
         lambda t, v: t["pages"][v["page:labels"]]["labels"], key=_label_key),
    Walk("v2 page attachments", "cloud-v2", "/wiki/api/v2/pages/{page:attachments}/attachments",
         lambda t, v: _attachments(t, v["page:attachments"])),
    Walk("v2 page footer comments", "cloud-v2", "/wiki/api/v2/pages/{page:footer-comments}/footer-comments",
         lambda t, v: _comments(t, v["page:footer-comments"], "footer")),
    Walk("v2 footer replies", "cloud-v2", "/wiki/api/v2/footer-comments/{footer_comment_id}/children",
         lambda t, v: _comments(t, None, parent=v["footer_comment_id"], roots=False)),
    Walk("v1 blogposts", "cloud-v1", "/wiki/rest/api/content", lambda t, v: _blogs(t), (("type", "blogpost"),)),
    Walk("v1 child pages", "cloud-v1", "/wiki/rest/api/content/{page:children}/child/page",
         lambda t, v: _children(t, v["page:children"], pages_only=True)),
    Walk("v1 child comments", "cloud-v1", "/wiki/rest/api/content/{page:comments}/child/comment",
         lambda t, v: _comments(t, v["page:comments"]), (("location", "footer"), ("location", "inline"))),
    Walk("v1 child attachments", "cloud-v1", "/wiki/rest/api/content/{page:attachments}/child/attachment",
         lambda t, v: _attachments(t, v["page:attachments"])),
    Walk("v1 content labels", "cloud-v1", "/wiki/rest/api/content/{page:labels}/label",
         lambda t, v: t["pages"][v["page:labels"]]["labels"], key=_label_key),
    Walk("v1 group members", "cloud-v1", "/wiki/rest/api/group/{group_id}/membersByGroupId",
         lambda t, v: t["groups"][v["group_id"]]["members"], key=lambda item: item["accountId"]),
    Walk("v1 audit", "cloud-v1", "/wiki/rest/api/audit", lambda t, v: [a.split("-")[0] for a in t["audit"]],
         key=lambda item: str(item["creationDate"])),
    Walk("dc blogposts", "dc", "/rest/api/content", lambda t, v: _blogs(t), (("type", "blogpost"),)),
    Walk("dc spaces", "dc", "/rest/api/space", lambda t, v: list(t["spaces"]), key=lambda item: str(item["id"])),
    Walk("dc search", "dc", "/rest/api/search", lambda t, v: _pages(t, statuses=("current",)),
         (("cql", "type = page"),), key=lambda item: item["content"]["id"]),
    Walk("dc child pages", "dc", "/rest/api/content/{page:children}/child/page",
         lambda t, v: _children(t, v["page:children"], pages_only=True)),
    Walk("dc child comments (depth=all)", "dc", "/rest/api/content/{page:comments}/child/comment",
         lambda t, v: [i for i, c in t["comments"].items() if c["containerId"] == v["page:comments"]],
         (("depth", "all"),)),
    Walk("dc child attachments", "dc", "/rest/api/content/{page:attachments}/child/attachment",
         lambda t, v: _attachments(t, v["page:attachments"])),
    Walk("dc content labels", "dc", "/rest/api/content/{page:labels}/label",
         lambda t, v: t["pages"][v["page:labels"]]["labels"], key=_label_key),
    Walk("dc groups", "dc", "/rest/api/group", lambda t, v: [g["name"] for g in t["groups"].values()],
         key=lambda item: item["name"]),
    Walk("dc users", "dc", "/rest/api/user/list", lambda t, v: list(t["users"]), key=lambda item: item["userKey"]),
    Walk("dc audit", "dc", "/rest/api/audit", lambda t, v: [a.split("-")[0] for a in t["audit"]],
         key=lambda item: str(item["creationDate"])),
]


@pytest.fixture(scope="module")
def sites():
    with running_confluence(mode="cloud", profile="tiny") as cloud, \
            running_confluence(mode="datacenter", profile="tiny", context_path=DC_CONTEXT) as dc:
        cloud_truth, dc_truth = cloud.truth(), dc.truth()
        yield {"cloud": (cloud, cloud_truth, picks_from_truth(cloud_truth)),
               "dc": (dc, dc_truth, picks_from_truth(dc_truth))}


def walk(sites, case: Walk, limit: int) -> tuple[list, list]:
    site, truth, picks = sites["dc" if case.mode == "dc" else "cloud"]
    path = picks.fill_template(case.path)
    params = {}
    for name, value in case.params:
        params.setdefault(name, []).append(value)
    if case.mode == "cloud-v2":
        items = walks.walk_v2(site.origin, path, limit, **params)
    elif case.mode == "cloud-v1":
        items = walks.walk_v1(site.origin, path, limit, **params)
    else:
        items = walks.walk_dc(site.base_url, path, limit, **params)
    return [case.key(item) for item in items], case.expected(truth, picks.values)


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("case", WALKS, ids=lambda case: case.name)
def test_given_a_list_endpoint_when_walked_to_the_end_then_each_truth_id_arrives_exactly_once(sites, case, limit):
    found, expected = walk(sites, case, limit)
    assert expected, f"{case.name}: the truth gives nothing to walk"
    duplicates = sorted({item for item in found if found.count(item) > 1})
    assert not duplicates, f"{case.name} at limit {limit}: repeated {duplicates}"
    assert sorted(found) == sorted(expected), (
        f"{case.name} at limit {limit}: missing {sorted(set(expected) - set(found))}, "
        f"unexpected {sorted(set(found) - set(expected))}")
