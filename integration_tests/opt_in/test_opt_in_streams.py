"""The four opt-in streams (issue #7, docs/opt-in-streams.md) against the emulator: off by default,
and when selected, their records equal what the emulator's truth implies."""
import collections
import json

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import discover, read
from airbyte_cdk.test.state_builder import StateBuilder

from emulators.confluence.testing import running_confluence
from source_confluence import SourceConfluence

OPT_IN = ["content_labels", "content_restrictions", "space_permissions", "page_versions"]


def config_for(emu, **extra):
    credentials = ({"auth_type": "dc_basic", "username": "admin", "password": "admin-password"}
                   if emu.mode == "datacenter" else
                   {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"})
    return {"domain_name": emu.base_url, "deployment_type": emu.mode, "credentials": credentials,
            "max_backoff_seconds": 0, "opt_in_streams": OPT_IN, **extra}


def read_streams(config, streams, state=None, sync_mode=SyncMode.full_refresh):
    builder = CatalogBuilder()
    for stream in streams:
        builder.with_stream(stream, sync_mode)
    catalog = builder.build()
    state_messages = None
    if state:
        state_builder = StateBuilder()
        for stream, stream_state in state.items():
            state_builder.with_stream_state(stream, stream_state)
        state_messages = state_builder.build()
    output = read(SourceConfluence(catalog, config, state_messages), config, catalog, state_messages)
    assert not output.errors, [e.trace.error.message for e in output.errors]
    return output


def records(output, stream):
    return [m.record.data for m in output.records if m.record.stream == stream]


def current_content(truth):
    return {**{i: p for i, p in truth["pages"].items() if p["status"] == "current"},
            **{i: p for i, p in truth["blog_posts"].items() if p["status"] == "current"}}


@pytest.fixture(scope="module")
def cloud_small():
    with running_confluence(mode="cloud", profile="small") as emu:
        yield emu


def test_given_default_config_when_discovering_then_no_opt_in_stream_is_listed(cloud_small):
    config = config_for(cloud_small)
    del config["opt_in_streams"]
    names = {s.name for s in discover(SourceConfluence(None, config, None), config).catalog.catalog.streams}
    assert "pages" in names and not names & set(OPT_IN)


def test_given_opt_in_streams_named_when_discovering_then_they_are_listed(cloud_small):
    config = config_for(cloud_small)
    names = {s.name for s in discover(SourceConfluence(None, config, None), config).catalog.catalog.streams}
    assert set(OPT_IN) <= names


def test_given_labelled_content_when_reading_content_labels_then_each_pair_once(cloud_small):
    output = read_streams(config_for(cloud_small), ["content_labels"])
    found = [(r["contentId"], f"{r['prefix']}:{r['name']}") for r in records(output, "content_labels")]
    expected = [(i, label) for i, item in current_content(cloud_small.truth()).items() for label in item["labels"]]
    assert sorted(found) == sorted(expected) and expected


def test_given_a_restricted_parent_when_reading_restrictions_then_the_child_inherits_and_readers_intersect(cloud_small):
    truth = cloud_small.truth()
    space_key = next(s["key"] for s in truth["spaces"].values() if s["key"] == "ENG")
    parent = cloud_small.mutate([{"op": "create_page", "spaceKey": space_key, "title": "Restricted parent"}])["results"][0]["id"]
    child = cloud_small.mutate([{"op": "create_page", "spaceKey": space_key, "title": "Child", "parentId": parent}])["results"][0]["id"]
    grandchild = cloud_small.mutate([{"op": "create_page", "spaceKey": space_key, "title": "Grandchild", "parentId": child}])["results"][0]["id"]
    users = sorted(truth["users"])[:3]
    cloud_small.mutate([{"op": "restrict", "id": parent, "users": users[:2]},
                        {"op": "restrict", "id": grandchild, "users": users[1:]}])

    by_id = {r["id"]: r for r in records(read_streams(config_for(cloud_small), ["content_restrictions"]), "content_restrictions")}

    assert by_id[child]["ownRead"]["users"] == []
    assert by_id[child]["inheritedRead"] == [{"fromContentId": parent, "users": users[:2], "groups": []}]
    assert by_id[child]["effectiveRead"] == {"isRestricted": True, "userIds": users[:2], "groupIds": []}
    assert by_id[grandchild]["effectiveRead"]["userIds"] == [users[1]]   # {u0,u1} ∩ {u1,u2}
    assert set(by_id) == set(current_content(cloud_small.truth()))


def test_given_viewer_when_comparing_with_truth_then_restricted_items_are_exactly_those_hidden_from_viewer(cloud_small):
    """Cross-check of the rule with the emulator's own visibility (model.visible_to): an item the
    viewer cannot see, in a space the viewer can see, is one whose effective readers exclude them."""
    admin, viewer = cloud_small.truth(), cloud_small.truth(user="viewer@example.com")
    viewer_spaces = {s["key"] for s in viewer["spaces"].values()}
    hidden = {i for i, item in current_content(admin).items()
              if item["spaceKey"] in viewer_spaces and i not in current_content(viewer)}
    found = records(read_streams(config_for(cloud_small), ["content_restrictions"]), "content_restrictions")
    restricted = {r["id"] for r in found if r["effectiveRead"]["isRestricted"] and r["spaceKey"] in viewer_spaces}
    viewer_ids = set(admin["users"]) - set().union(*(set(r["effectiveRead"].get("userIds", [])) for r in found
                                                      if r["id"] in hidden)) if hidden else set()
    assert hidden and hidden <= restricted
    assert viewer_ids  # someone outside every hidden item's readers: the viewer


def test_given_spaces_when_reading_space_permissions_then_admins_everywhere_and_restricted_space_closed(cloud_small):
    truth = cloud_small.truth()
    group_id = {g["name"]: i for i, g in truth["groups"].items()}
    found = records(read_streams(config_for(cloud_small), ["space_permissions"]), "space_permissions")
    grants = collections.defaultdict(set)
    for r in found:
        grants[r["spaceKey"]].add((r["principal"]["type"], r["principal"]["id"], r["operation"]["key"]))
    assert set(grants) == {s["key"] for s in truth["spaces"].values()}
    for key, space_grants in grants.items():
        assert ("group", group_id["confluence-administrators"], "administer") in space_grants
        everyone_reads = ("group", group_id["confluence-users"], "read") in space_grants
        assert everyone_reads == (key != "SECRET"), key
    assert len({(r["spaceId"], r["id"]) for r in found}) == len(found)


def test_given_page_history_when_syncing_versions_twice_then_every_version_then_only_the_new_one():
    with running_confluence(mode="cloud", profile="tiny") as emu:
        truth = emu.truth()
        pages = {i: p for i, p in truth["pages"].items() if p["status"] == "current"}
        first = read_streams(config_for(emu), ["page_versions"], sync_mode=SyncMode.incremental)
        found = sorted((r["pageId"], r["number"]) for r in records(first, "page_versions"))
        assert found == sorted((i, n) for i, p in pages.items() for n in range(1, p["version"] + 1))
        state = first.state_messages[-1].state.stream.stream_state.__dict__

        page_id = sorted(pages)[0]
        emu.mutate([{"op": "advance_clock", "seconds": 3600}, {"op": "edit", "id": page_id, "title": "edited"}])
        emu.reset_stats()
        second = read_streams(config_for(emu), ["page_versions"], state={"page_versions": state},
                              sync_mode=SyncMode.incremental)
        again = records(second, "page_versions")
        assert (page_id, pages[page_id]["version"] + 1) in [(r["pageId"], r["number"]) for r in again]
        # Anything else is a re-read inside the CDK global cursor's look-back (state["lookback_window"]
        # seconds, the previous sync's duration): at-least-once, deduplicated by [pageId, number].
        cursor = state["state"]["createdAt"][:19]
        assert all(r["createdAt"][:19] >= cursor[:17] for r in again), again
        # only pages the CQL listing reported as changed were visited, not every page
        assert emu.stats()["by_route"].get("GET /wiki/api/v2/pages/{id}/versions") < len(pages) / 2


def test_given_data_center_when_reading_space_permissions_then_every_space_has_grants():
    with running_confluence(mode="datacenter", profile="tiny") as emu:
        truth = emu.truth()
        found = records(read_streams(config_for(emu), ["space_permissions", "content_labels"]), "space_permissions")
        assert {r["spaceKey"] for r in found} == {s["key"] for s in truth["spaces"].values()}
        assert ("group", "confluence-administrators", "administer") in {
            (r["subjectType"], r["subjectName"], r["operationKey"]) for r in found}
