"""A full sync of every stream delivers exactly what the emulator says the user can see, once each."""
import collections

import pytest

from .harness import ALL_STREAMS, DC_STREAMS, config_for, expected_ids, ids_by_stream, read_streams


def assert_matches_truth(emu, output, streams):
    assert not output.errors, [e.trace.error.message for e in output.errors]
    found = ids_by_stream(output)
    truth = emu.truth()
    for stream, expected in expected_ids(truth, emu.mode).items():
        if stream not in streams:
            continue
        duplicates = [i for i, n in collections.Counter(found[stream]).items() if n > 1]
        assert not duplicates, f"{stream}: duplicates {duplicates[:5]}"
        assert set(found[stream]) == expected, f"{stream}: missing {sorted(expected - set(found[stream]))[:5]}, extra {sorted(set(found[stream]) - expected)[:5]}"
    if "audit" in streams:
        assert sorted(i.split("-")[0] for i in found["audit"]) == sorted(i.split("-")[0] for i in truth["audit"])
    if "groups" in streams and emu.mode == "datacenter":  # DC groups are known by name only
        assert sorted(found["groups"]) == sorted(g["name"] for g in truth["groups"].values())
    return found


@pytest.mark.parametrize("record_format", ["v2", "v1"])
def test_given_cloud_when_syncing_every_stream_then_ids_equal_truth(cloud_small, record_format):
    output = read_streams(config_for(cloud_small, record_format=record_format), ALL_STREAMS)
    assert_matches_truth(cloud_small, output, ALL_STREAMS)


@pytest.mark.parametrize("record_format", ["v2", "v1"])
def test_given_data_center_when_syncing_every_stream_then_ids_equal_truth(dc_small, record_format):
    output = read_streams(config_for(dc_small, record_format=record_format), DC_STREAMS)
    assert_matches_truth(dc_small, output, DC_STREAMS)


@pytest.mark.parametrize("kind", ["scoped_token", "oauth2"])
def test_given_gateway_credentials_when_syncing_then_same_content_as_api_token(cloud_small, kind):
    streams = ["pages", "spaces", "comments", "attachments"]
    output = read_streams(config_for(cloud_small, kind), streams)
    assert_matches_truth(cloud_small, output, streams)


def test_given_data_center_pat_when_syncing_then_content_arrives(dc_small):
    streams = ["pages", "blog_posts", "spaces"]
    output = read_streams(config_for(dc_small, "dc_pat"), streams)
    assert_matches_truth(dc_small, output, streams)


def test_given_legacy_flat_config_when_syncing_then_it_still_works(cloud_small):
    config = {"domain_name": cloud_small.base_url, "email": "demo@example.com", "api_token": "demo-token",
              "max_backoff_seconds": 0}
    output = read_streams(config, ["spaces", "pages"])
    assert_matches_truth(cloud_small, output, ["spaces", "pages"])


def test_given_v2_records_then_contract_fields_are_present(cloud_small):
    output = read_streams(config_for(cloud_small), ["pages", "attachments", "content_index", "spaces"])
    truth = cloud_small.truth()
    by_stream = collections.defaultdict(dict)
    for message in output.records:
        by_stream[message.record.stream][message.record.data["id"]] = message.record.data
    for page_id, page in by_stream["pages"].items():
        expected = truth["pages"][page_id]
        assert (page["spaceKey"], page["title"], page["version"]["number"]) == (expected["spaceKey"], expected["title"], expected["version"])
        assert page["lastModifiedAt"] == expected["lastModifiedAt"] and page["createdAt"] == expected["createdAt"]
        assert page.get("parentId") == expected["parentId"]
        assert sorted(f"{l['prefix']}:{l['name']}" for l in page["labels"]) == sorted(expected["labels"])
        assert page["webUrl"].startswith(cloud_small.base_url + "/wiki/")
    for att_id, att in by_stream["attachments"].items():
        expected = truth["attachments"][att_id]
        assert (att["containerId"], att["fileSize"], att["mediaType"], att["spaceKey"]) == (
            expected["containerId"], expected["fileSize"], expected["mediaType"], expected["spaceKey"])
        assert att["downloadUrl"].startswith("http")


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_given_include_archived_when_syncing_pages_then_archived_pages_arrive_once(cloud_small, dc_small, mode):
    """CQL never returns archived pages; `include_archived` lists them after the search (archived_pages.py)."""
    emu = cloud_small if mode == "cloud" else dc_small
    truth = emu.truth()
    archived = {i for i, page in truth["pages"].items() if page["status"] == "archived"}
    assert archived, "the profile must have archived pages for this test to mean anything"
    output = read_streams(config_for(emu, include_archived=True), ["pages", "pages_content"])
    assert not output.errors, [e.trace.error.message for e in output.errors]
    found = ids_by_stream(output)
    for stream in ("pages", "pages_content"):
        assert sorted(found[stream]) == sorted(truth["pages"]), stream
    statuses = {m.record.data["id"]: m.record.data.get("status") for m in output.records if m.record.stream == "pages"}
    assert {i for i, status in statuses.items() if status == "archived"} == archived


def test_given_include_archived_when_syncing_incrementally_again_then_unchanged_archived_pages_are_not_repeated(
        cloud_small):
    from airbyte_cdk.models import SyncMode

    from .harness import final_state
    config = config_for(cloud_small, include_archived=True)
    first = read_streams(config, ["pages"], sync_mode=SyncMode.incremental)
    assert sorted(ids_by_stream(first)["pages"]) == sorted(cloud_small.truth()["pages"])
    second = read_streams(config, ["pages"], state={"pages": final_state(first, "pages")},
                          sync_mode=SyncMode.incremental)
    assert not second.errors
    assert ids_by_stream(second)["pages"] == []


def test_given_include_archived_and_a_cql_clause_then_no_archived_page_is_added(cloud_small):
    truth = cloud_small.truth()
    output = read_streams(config_for(cloud_small, include_archived=True, cql_pages_clause="space = ENG"), ["pages"])
    assert not output.errors
    statuses = {truth["pages"][i]["status"] for i in ids_by_stream(output)["pages"]}
    assert statuses == {"current"}   # the warning saying why is checked in unit_tests/source/test_archived_pages.py


def test_given_a_data_center_non_admin_when_syncing_groups_then_groups_arrive_without_members(dc_small):
    """DC lists group members to administrators only: the 403 must not fail the stream (or the sync)."""
    config = config_for(dc_small, "dc_basic")
    config["credentials"] = {"auth_type": "dc_basic", "username": "viewer", "password": "viewer-password"}
    output = read_streams(config, ["groups"])
    assert not output.errors, [e.trace.error.message for e in output.errors]
    groups = [m.record.data for m in output.records]
    assert sorted(g["name"] for g in groups) == sorted(g["name"] for g in dc_small.truth()["groups"].values())
    assert all(g.get("members") is None for g in groups)   # null (the protocol serialiser omits nulls)
    admin = read_streams(config_for(dc_small, "dc_basic"), ["groups"])
    assert any(m.record.data.get("members") for m in admin.records), "an administrator still gets the members"


def test_given_every_stream_when_syncing_then_each_search_page_is_fetched_once(cloud_small):
    """pages, pages_content and content_index send the same search requests; Confluence sees each once
    (components/listing/shared_listings.py), and every stream still gets every record."""
    import math
    page_size = 10
    cloud_small.reset_stats()
    output = read_streams(config_for(cloud_small, page_size=page_size), ALL_STREAMS)
    assert_matches_truth(cloud_small, output, ALL_STREAMS)
    expected = expected_ids(cloud_small.truth(), "cloud")
    listings = [expected["pages"], expected["blog_posts"], expected["attachments"]]
    searches = cloud_small.stats()["by_route"]["GET /wiki/rest/api/content/search"]
    assert searches == sum(math.ceil(len(ids) / page_size) for ids in listings), \
        "one request per page of pages, blog posts and attachments — not one per stream"
