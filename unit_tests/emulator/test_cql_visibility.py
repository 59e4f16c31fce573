"""Caller permissions and search-index lag hide items silently (confluence-api.md §4.3, §8)."""

from datetime import timedelta

from unit_tests.emulator.cql_fakes import NOW, an_item, ids


def test_given_an_item_the_caller_cannot_see_when_searching_then_it_is_silently_absent():
    items = [an_item("1"), {**an_item("2"), "visible": False}]
    assert ids("type = page", items, viewer="viewer") == ["1"]
    assert ids("type = page", items, viewer="admin") == ["1", "2"]


def test_given_emulated_index_lag_when_an_item_was_modified_within_it_then_it_is_invisible():
    items = [an_item("1", lastmodified=NOW - timedelta(seconds=31)),
             an_item("2", lastmodified=NOW - timedelta(seconds=29))]
    assert ids("type = page", items, index_lag_seconds=30) == ["1"]
    assert ids("type = page", items, index_lag_seconds=0) == ["1", "2"]
    assert ids("type = page", items, now=NOW + timedelta(seconds=2), index_lag_seconds=30) == ["1", "2"]


def test_given_the_model_reports_an_item_not_indexed_when_searching_then_it_is_invisible():
    items = [an_item("1"), {**an_item("2"), "indexed": False}]
    assert ids("type = page", items) == ["1"]
