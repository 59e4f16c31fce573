"""Cloud CQL end to end: results equal a direct model query, dates in the caller's zone, 400s."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from emulators.confluence import mutations
from integration_tests.emulator.v1_harness import CLOUD_VIEWER, Emulator, ids


@pytest.fixture()
def emu():
    return Emulator("cloud", "tiny")


def current_pages_in(emu, space_key):
    inst = emu.instance
    space = inst.space_by_key[space_key]
    return sorted(c.id for c in inst.contents.values() if c.space_id == space.id and c.type == "page"
                  and c.status == "current")


def test_given_a_space_and_type_query_when_searching_then_results_equal_the_model(emu):
    found = ids(emu.walk_cursor("/wiki/rest/api/content/search", cql="space = ENG AND type = page", limit=5))
    assert sorted(found) == current_pages_in(emu, "ENG")


def test_given_an_edit_when_searching_by_local_minute_then_the_user_zone_decides(emu):
    """The admin's zone is America/Los_Angeles: the local minute finds the edit, the UTC one does not."""
    page_id = current_pages_in(emu, "ENG")[0]
    mutations.apply(emu.instance, {"op": "advance_clock", "seconds": 86400 * 30})
    mutations.apply(emu.instance, {"op": "edit", "id": page_id, "title": "Edited"})
    edited_at = emu.instance.contents[page_id].last_modified_at
    local = edited_at.astimezone(ZoneInfo("America/Los_Angeles"))
    local_cql = f'lastmodified >= "{local:%Y-%m-%d %H:%M}"'
    utc_cql = f'lastmodified >= "{edited_at:%Y-%m-%d %H:%M}"'
    assert ids(emu.walk_cursor("/wiki/rest/api/content/search", cql=local_cql)) == [page_id]
    assert ids(emu.walk_cursor("/wiki/rest/api/content/search", cql=utc_cql)) == []
    later = (local + timedelta(minutes=1)).strftime("%Y/%m/%d %H:%M")
    assert ids(emu.walk_cursor("/wiki/rest/api/content/search", cql=f'lastmodified >= "{later}"')) == []


def test_given_the_current_user_when_read_then_time_zone_is_the_configured_one(emu):
    assert emu.get("/wiki/rest/api/user/current").json()["timeZone"] == "America/Los_Angeles"
    viewer = emu.instance.user_for_login("viewer@example.com")
    assert emu.get("/wiki/rest/api/user/current", auth=CLOUD_VIEWER).json()["timeZone"] == (
        viewer.time_zone or "America/Los_Angeles")


@pytest.mark.parametrize("cql", ["lastmodified >= 2026-09-30T10:00:00Z", "lastmodified > '2026-02-30'",
                                 "bogus = 1", "label ~ x", "NOT type = page", "type = page ORDER BY label",
                                 'lastmodified >= "2026-09-30 10:00:00"', ""])
def test_given_invalid_cql_when_searching_then_400_in_the_v1_envelope(emu, cql):
    for path in ("/wiki/rest/api/content/search", "/wiki/rest/api/search"):
        response = emu.get(path, cql=cql)
        assert response.status_code == 400
        body = response.json()
        assert body["statusCode"] == 400
        assert body["message"].startswith("com.atlassian.confluence.api.service.exceptions.BadRequestException: "
                                          "Could not parse cql : ")


def test_given_the_viewer_when_searching_the_secret_space_then_nothing_is_found(emu):
    assert emu.get("/wiki/rest/api/content/search", cql="space = SECRET").json()["results"]
    assert emu.get("/wiki/rest/api/content/search", auth=CLOUD_VIEWER, cql="space = SECRET").json()["results"] == []


def test_given_index_lag_when_a_page_was_just_edited_then_search_hides_it(emu):
    page_id = current_pages_in(emu, "ENG")[0]
    mutations.apply(emu.instance, {"op": "set_index_lag", "seconds": 3600})
    mutations.apply(emu.instance, {"op": "edit", "id": page_id, "title": "Fresh"})
    found = ids(emu.walk_cursor("/wiki/rest/api/content/search", cql="space = ENG AND type = page"))
    assert page_id not in found and emu.get(f"/wiki/rest/api/content/{page_id}").status_code == 200


def test_given_expands_when_searching_then_content_is_expanded_and_the_rest_is_expandable(emu):
    body = emu.get("/wiki/rest/api/content/search", cql="type = page", limit=1,
                   expand="body.storage,version,history.lastUpdated,ancestors,metadata.labels").json()
    page = body["results"][0]
    assert page["body"]["storage"]["representation"] == "storage" and "version" in page
    assert "lastUpdated" in page["history"] and "labels" in page["metadata"]
    assert "space" in page["_expandable"] and "children" in page["_expandable"]
    wrapped = emu.get("/wiki/rest/api/search", cql="type = page", limit=1, expand="content.version").json()
    assert "version" in wrapped["results"][0]["content"]


def test_given_users_when_searched_with_cql_then_offset_pages_cover_every_active_user(emu):
    found = [r["user"]["accountId"] for r in emu.walk_offset("/wiki/rest/api/search/user", cql="type = user", limit=2)]
    assert sorted(found) == sorted(u.account_id for u in emu.instance.users.values() if u.account_status == "active")


def test_given_the_viewer_when_reading_audit_then_403_in_the_v1_envelope(emu):
    response = emu.get("/wiki/rest/api/audit", auth=CLOUD_VIEWER)
    assert response.status_code == 403 and response.json()["statusCode"] == 403
    assert emu.get("/wiki/rest/api/audit").status_code == 200
