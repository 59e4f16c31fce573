"""The emulator answers the way the recorded real responses do (issue 12 part 3).

Each test names the recording in ../shared/real-responses/ its behaviour comes from (see that folder's
INDEX.md and the emulator README's "Recorded quirks"); the recordings themselves are not read here,
so these tests run without ../shared beside the repository.
"""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from integration_tests.emulator.v1_harness import CLOUD_VIEWER, Emulator, ids


@pytest.fixture(scope="module")
def cloud():
    return Emulator("cloud", "tiny")


@pytest.fixture(scope="module")
def dc():
    return Emulator("datacenter", "tiny", context_path="/confluence")


# ── Cloud v2 ────────────────────────────────────────────────────────────
@pytest.mark.parametrize("location", ["footer", "inline"])
def test_v2_comments_have_no_body_key_without_body_format(cloud, location):
    """cloud__v2-inline-comment-by-id__1, cloud__v2-footer-comments__1: no `body` key at all."""
    bare = cloud.get(f"/wiki/api/v2/{location}-comments", limit=5).json()["results"]
    assert bare and all("body" not in comment for comment in bare)
    with_body = cloud.get(f"/wiki/api/v2/{location}-comments", limit=5, **{"body-format": "storage"}).json()["results"]
    assert all(comment["body"]["storage"]["value"] for comment in with_body)
    single = cloud.get(f"/wiki/api/v2/{location}-comments/{bare[0]['id']}").json()
    assert "body" not in single


def test_v2_footer_comments_say_open_and_single_gets_name_the_base(cloud):
    """cloud__v2-footer-comments__1 (`resolutionStatus: "open"` on footer comments),
    cloud__v2-footer-comment-by-id__1 and cloud__v2-space-by-id__1 (`_links.base` on single GETs)."""
    footer = cloud.get("/wiki/api/v2/footer-comments", limit=5).json()["results"]
    assert footer and all(comment["resolutionStatus"] == "open" for comment in footer)
    single = cloud.get(f"/wiki/api/v2/footer-comments/{footer[0]['id']}").json()
    assert single["_links"]["base"].endswith("/wiki")
    space_id = cloud.get("/wiki/api/v2/spaces").json()["results"][0]["id"]
    assert cloud.get(f"/wiki/api/v2/spaces/{space_id}").json()["_links"]["base"].endswith("/wiki")


def test_v2_page_include_blocks_embed_the_page_in_versions_and_count_likes(cloud):
    """cloud__v2-page-by-id__1: `versions.results[].page {id, title, body}`, `likes` at `/likes/users`
    with `meta.count`."""
    page = next(c for c in cloud.instance.contents.values() if c.type == "page" and c.status == "current"
                and cloud.instance.spaces[c.space_id].key != "SECRET")
    body = cloud.get(f"/wiki/api/v2/pages/{page.id}", **{"body-format": "storage", "include-versions": "true",
                                                          "include-likes": "true"}).json()
    embedded = body["versions"]["results"][0]["page"]
    assert (embedded["id"], embedded["title"]) == (page.id, page.title) and "storage" in embedded["body"]
    assert body["likes"]["meta"] == {"hasMore": False, "count": 0}
    assert body["likes"]["_links"]["self"] == f"/api/v2/pages/{page.id}/likes/users"


def test_v2_pages_answer_an_empty_body_object_without_body_format(cloud):
    """cloud__v2-pages__1: `body: {}` (pages keep the key, comments drop it)."""
    pages = cloud.get("/wiki/api/v2/pages", limit=5).json()["results"]
    assert pages and all(page["body"] == {} for page in pages)


def test_v2_attachments_name_only_the_media_types_confluence_knows(cloud):
    """cloud__v2-attachments__1: mediaTypeDescription null for image/svg+xml, "PNG Image" for the PNG."""
    attachments = cloud.get("/wiki/api/v2/attachments", limit=250).json()["results"]
    described = {a["mediaType"]: a["mediaTypeDescription"] for a in attachments}
    assert described.get("image/png") == "PNG Image"
    assert any(description is None for description in described.values()), described


def test_v2_space_description_is_null_in_lists_and_empty_on_a_single_get(cloud):
    """cloud__v2-spaces__1 (`description: null`) and cloud__v2-space-by-id__1 (`description: {}`)."""
    spaces = cloud.get("/wiki/api/v2/spaces").json()["results"]
    assert spaces and all(space["description"] is None and space["icon"] is None for space in spaces)
    assert cloud.get(f"/wiki/api/v2/spaces/{spaces[0]['id']}").json()["description"] == {}


# ── Cloud v1 ────────────────────────────────────────────────────────────
@pytest.mark.parametrize("path", ["/wiki/rest/api/search", "/wiki/rest/api/content/search"])
def test_v1_search_next_links_carry_a_cursor_and_a_start(cloud, path):
    """cloud__v1-search__1: `/rest/api/search?next=true&cursor=_t_…&limit=5&start=5&cql=…`."""
    body = cloud.get(path, cql="type = page", limit=5).json()
    query = parse_qs(urlsplit(body["_links"]["next"]).query)
    assert query["cursor"] and query["start"] == ["5"] and query["next"] == ["true"]
    assert {"totalSize", "cqlQuery", "searchDuration"} <= set(body) if path.endswith("/api/search") \
        else not {"totalSize", "cqlQuery", "searchDuration"} & set(body)


def test_v1_space_list_drops_hidden_spaces_after_cutting_the_page(cloud):
    """cloud__v1-space__1: `next` at start=5 although only 2 of limit 5 arrived. The viewer cannot see
    SECRET: the page holding it is short, and its `next` still counts it."""
    keys = sorted(space.key for space in cloud.instance.spaces.values())
    limit = keys.index("SECRET") + 1
    assert limit < len(keys), "SECRET must not be the last space for this check"
    body = cloud.get("/wiki/rest/api/space", auth=CLOUD_VIEWER, limit=limit).json()
    assert body["size"] == limit - 1 and "SECRET" not in [space["key"] for space in body["results"]]
    assert parse_qs(urlsplit(body["_links"]["next"]).query)["start"] == [str(limit)]
    walked = cloud.walk_cursor("/wiki/rest/api/space", auth=CLOUD_VIEWER, limit=limit)   # follows `next` verbatim
    assert sorted(space["key"] for space in walked) == [key for key in keys if key != "SECRET"]


def test_v1_shapes_seen_on_cloud(cloud):
    """cloud__v1-space__1 (`alias`), cloud__v1-search__1/__2 (a result's content has `childTypes: {}`,
    `restrictions: {}`, `macroRenderedOutput: {}`), cloud__v1-content-child-comment__1 (`body.view`
    with webresource/embeddedContent/mediaToken expandable)."""
    space = cloud.get("/wiki/rest/api/space", limit=1).json()["results"][0]
    assert space["alias"] == space["key"]
    content = cloud.get("/wiki/rest/api/search", cql="type = page", limit=1).json()["results"][0]["content"]
    assert content["childTypes"] == {} and content["restrictions"] == {} and content["macroRenderedOutput"] == {}
    page_id = content["id"]
    view = cloud.get(f"/wiki/rest/api/content/{page_id}", expand="body.view").json()["body"]["view"]
    assert {"webresource", "embeddedContent", "mediaToken"} <= set(view["_expandable"]) and "embeddedContent" not in view


# ── Data Center ─────────────────────────────────────────────────────────
def test_dc_single_content_names_base_context_and_collection_and_search_reports_a_total(dc):
    """datacenter__v1-content-by-id-attachment__1 / -historical__1 (`_links.base`, `context`,
    `collection`), datacenter__v1-content-search__4 (`totalSize`), datacenter__v1-space__1
    (`_expandable.retentionPolicy`)."""
    page_id = dc.get("/confluence/rest/api/content", type="page", limit=1).json()["results"][0]["id"]
    links = dc.get(f"/confluence/rest/api/content/{page_id}").json()["_links"]
    assert links["base"].endswith("/confluence") and links["context"] == "/confluence"
    assert links["collection"] == "/rest/api/content"
    search = dc.get("/confluence/rest/api/content/search", cql="type = page", limit=2).json()
    assert search["totalSize"] >= search["size"] == 2
    assert "retentionPolicy" in dc.get("/confluence/rest/api/space").json()["results"][0]["_expandable"]

def test_dc_next_and_prev_links_echo_the_cql_unencoded_inside_its_literals(dc):
    """datacenter__v1-content-search__1/__2: `cql=lastModified%3E='1970-01-01 00:00'%20order%20by%20…`;
    the last page carries `prev` only."""
    cql = 'type = page AND lastmodified >= "2000-01-01 00:00" ORDER BY lastmodified asc'
    first = dc.get("/confluence/rest/api/content/search", cql=cql, limit=2).json()
    link = first["_links"]["next"]
    assert '%3E=%20"2000-01-01 00:00"%20ORDER' in link and "next=true" not in link
    total = len(dc.walk_offset("/confluence/rest/api/content/search", cql=cql, limit=2))
    last = dc.get("/confluence/rest/api/content/search", cql=cql, limit=2, start=total - 1).json()
    assert "next" not in last["_links"] and '"2000-01-01 00:00"' in last["_links"]["prev"]


def test_dc_content_links_are_display_paths_with_an_edit_link(dc):
    """datacenter__v1-content-search__4: webui `/display/TEST/PERCEVAL`, `_links.edit` (not editui)
    `/pages/resumedraft.action?draftId=…&draftShareId=<uuid>`; datacenter__v1-content-by-id-historical__1:
    `/pages/viewpage.action?pageId=…` where a display path cannot be used."""
    pages = dc.get("/confluence/rest/api/content", type="page", limit=100).json()["results"]
    spaces = {s.id: s.key for s in dc.instance.spaces.values()}
    for page in pages:
        item = dc.instance.contents[page["id"]]
        links = page["_links"]
        assert "editui" not in links and re.fullmatch(
            rf"/pages/resumedraft\.action\?draftId={item.id}&draftShareId=[0-9a-f-]{{36}}", links["edit"])
        if re.fullmatch(r"[A-Za-z0-9 ._-]+", item.title):
            assert links["webui"] == f"/display/{spaces[item.space_id]}/{item.title.replace(' ', '+')}"
        else:
            assert links["webui"] == f"/pages/viewpage.action?pageId={item.id}"
    assert any(page["_links"]["webui"].startswith("/display/") for page in pages)


def test_dc_has_an_anonymously_uploaded_attachment(dc):
    """datacenter__v1-content-by-id-attachment__1: createdBy `{"type": "anonymous", "displayName":
    "Anonymous"}` with neither username nor userKey."""
    attachment_id = next(iter(dc.instance.attachments))
    body = dc.get(f"/confluence/rest/api/content/{attachment_id}", expand="history,version").json()
    for user in (body["history"]["createdBy"], body["version"]["by"]):
        assert user["type"] == "anonymous" and "username" not in user and "userKey" not in user


def test_dc_space_ids_are_numbers(dc):
    """datacenter__v1-space__1: `"id": 98305` beside string content ids."""
    spaces = dc.get("/confluence/rest/api/space").json()["results"]
    assert spaces and all(isinstance(space["id"], int) for space in spaces)


# ── both ────────────────────────────────────────────────────────────────
def test_cloud_answers_carry_rate_limit_trace_and_base_headers(cloud, dc):
    """Every Nango recording (e.g. cloud__v2-spaces__1): x-ratelimit-limit/remaining/reset (epoch
    seconds), x-confluence-request-time, atl-traceid, `link: <…/wiki>; rel="base"`. Not on DC."""
    for path in ("/wiki/api/v2/spaces", "/wiki/rest/api/content/search?cql=type%20%3D%20page"):
        headers = cloud.get(path).headers
        assert int(headers["x-ratelimit-limit"]) >= int(headers["x-ratelimit-remaining"]) >= 0
        assert int(headers["x-ratelimit-reset"]) % 60 == 0 and headers["x-confluence-request-time"].isdigit()
        assert re.fullmatch(r"[0-9a-f]{32}", headers["atl-traceid"]) and 'rel="base"' in headers["link"]
    assert "x-ratelimit-limit" not in dc.get("/confluence/rest/api/space").headers


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_some_bodies_are_in_the_editors_layout_with_placeholders_emoji_and_raw_newlines(cloud, dc, mode):
    """cloud__v2-pages__2, __3: `<ac:layout>` sections, `<ac:placeholder>`, emoji, `&nbsp;`, `\\n` + indentation."""
    emu = cloud if mode == "cloud" else dc
    laid_out = [c for c in emu.instance.contents.values() if c.body.startswith("<ac:layout>")]
    assert laid_out and len(laid_out) < len(emu.instance.contents)
    body = laid_out[0].body
    assert "<ac:placeholder>" in body and "&nbsp;" in body and "\n            <" in body and "📌" in body
