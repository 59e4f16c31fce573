"""The full-deletion guard judges key overlap on canonical item ids (protocol §4.5, SharePoint's prefix strip)."""
from destination_unique.guards import FULL_DELETION, canonical_item_id, evaluate_guards


def test_given_keys_in_several_formats_then_canonical_ids_strip_the_format_prefix():
    assert canonical_item_id("123") == ("123",)
    assert canonical_item_id("confluence-123") == ("123",)
    assert canonical_item_id("123::att456") == ("123", "456")
    assert canonical_item_id("abc") == ("abc",)


def test_given_a_key_format_change_when_every_stored_key_would_go_then_the_full_deletion_guard_aborts():
    decision = evaluate_guards("ENG", submitted_keys=["confluence-1", "confluence-2"],
                               new_files=["confluence-1", "confluence-2"], deleted_files=["1", "2"],
                               count_stored=lambda: 2)
    assert (decision.guard, decision.action) == (FULL_DELETION, "abort")


def test_given_disjoint_new_items_when_every_stored_key_would_go_then_the_replacement_proceeds_with_a_warning():
    decision = evaluate_guards("ENG", submitted_keys=["7", "8::att9"], new_files=["7", "8::att9"],
                               deleted_files=["1", "2"], count_stored=lambda: 2)
    assert (decision.guard, decision.action) == (FULL_DELETION, "warn")
