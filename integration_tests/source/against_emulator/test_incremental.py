"""Incremental pages/blog posts: every change emitted exactly once, nothing else — across the minute
boundary, far from UTC, over a DST change, and when the search index shows an edit late."""
import pytest
from airbyte_cdk.models import SyncMode

from emulators.confluence.testing import running_confluence

from .harness import config_for, final_state, ids_by_stream, read_streams

STREAMS = ["pages", "blog_posts"]


def sync(emu, state, **config):
    output = read_streams(config_for(emu, **config), STREAMS, state=state, sync_mode=SyncMode.incremental)
    assert not output.errors, [e.trace.error.message for e in output.errors]
    new_state = {stream: final_state(output, stream) or state.get(stream, {}) for stream in STREAMS} if state is not None else {
        stream: final_state(output, stream) for stream in STREAMS}
    return ids_by_stream(output), new_state


def some_page(emu):
    truth = emu.truth()
    return sorted(i for i, p in truth["pages"].items() if p["status"] == "current")[0], truth


@pytest.fixture
def cloud_tiny():
    with running_confluence(mode="cloud", profile="tiny") as emu:
        yield emu


def test_given_first_sync_then_every_current_page_once_and_state_is_newest_modification(cloud_tiny):
    found, state = sync(cloud_tiny, None)
    truth = cloud_tiny.truth()
    current = {i for i, p in truth["pages"].items() if p["status"] == "current"}
    assert sorted(found["pages"]) == sorted(current)
    assert state["pages"]["lastModifiedAt"].startswith(max(truth["pages"][i]["lastModifiedAt"] for i in current)[:19])


def test_given_edits_in_the_same_minute_as_the_last_sync_then_only_they_come_back(cloud_tiny):
    _, state = sync(cloud_tiny, None)
    page_id, truth = some_page(cloud_tiny)
    space_key = truth["pages"][page_id]["spaceKey"]
    created = cloud_tiny.mutate([{"op": "edit", "id": page_id, "title": "edited"},
                                 {"op": "create_page", "spaceKey": space_key, "title": "brand new"},
                                 {"op": "create_blogpost", "spaceKey": space_key, "title": "new post"}])["results"]
    found, state = sync(cloud_tiny, state)
    assert sorted(found["pages"]) == sorted([page_id, created[1]["id"]])
    assert found["blog_posts"] == [created[2]["id"]]
    found, _ = sync(cloud_tiny, state)  # nothing changed since
    assert found.get("pages", []) == [] and found.get("blog_posts", []) == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_given_user_zone_far_from_utc_when_syncing_twice_then_each_change_once(zone):
    with running_confluence(mode="cloud", profile="tiny", user_timezone=zone) as emu:
        _, state = sync(emu, None)
        page_id, _ = some_page(emu)
        emu.mutate([{"op": "advance_clock", "seconds": 3600}, {"op": "edit", "id": page_id, "body": "<p>x</p>"}])
        found, state = sync(emu, state)
        assert found["pages"] == [page_id]
        found, _ = sync(emu, state)
        assert found.get("pages", []) == []


def test_given_dst_ends_between_syncs_then_edits_on_both_sides_arrive_once():
    """America/Los_Angeles falls back on 2026-11-01 at 09:00Z: 01:00–02:00 local happens twice."""
    with running_confluence(mode="cloud", profile="tiny", user_timezone="America/Los_Angeles") as emu:
        page_id, truth = some_page(emu)
        other = sorted(i for i, p in truth["pages"].items() if p["status"] == "current")[1]
        emu.mutate([{"op": "set_clock", "at": "2026-11-01T08:30:00Z"}, {"op": "edit", "id": page_id}])
        _, state = sync(emu, None)
        emu.mutate([{"op": "set_clock", "at": "2026-11-01T09:20:00Z"}, {"op": "edit", "id": other}])
        found, state = sync(emu, state)
        assert found["pages"] == [other]
        emu.mutate([{"op": "set_clock", "at": "2026-11-01T10:05:00Z"}, {"op": "edit", "id": page_id}])
        found, _ = sync(emu, state)
        assert found["pages"] == [page_id]


def test_given_search_index_lag_inside_the_lookback_then_the_late_edit_is_caught_next_sync(cloud_tiny):
    _, state = sync(cloud_tiny, None)
    page_id, _ = some_page(cloud_tiny)
    cloud_tiny.mutate([{"op": "set_index_lag", "seconds": 120}, {"op": "edit", "id": page_id}])
    hidden, state = sync(cloud_tiny, state, lookback_window="PT10M")
    assert hidden.get("pages", []) == []
    cloud_tiny.mutate([{"op": "advance_clock", "seconds": 300}, {"op": "set_index_lag", "seconds": 0}])
    found, state = sync(cloud_tiny, state, lookback_window="PT10M")
    assert found["pages"] == [page_id]
    found, _ = sync(cloud_tiny, state, lookback_window="PT10M")
    assert found.get("pages", []) == []


def test_given_data_center_which_hides_the_user_zone_then_each_change_still_once():
    with running_confluence(mode="datacenter", profile="tiny", context_path="/confluence",
                            user_timezone="Asia/Kolkata") as emu:
        _, state = sync(emu, None)
        page_id, _ = some_page(emu)
        emu.mutate([{"op": "advance_clock", "seconds": 7200}, {"op": "edit", "id": page_id}])
        found, state = sync(emu, state)
        assert found["pages"] == [page_id]
        found, _ = sync(emu, state)
        assert found.get("pages", []) == []
