"""content_restrictions tells "no restriction" apart from "restriction unavailable" (issue 13)."""
from source_confluence.components.records.restrictions import own_entry, with_inheritance


def _block(results, **extra):
    return {"results": results, "start": 0, "limit": 200, "size": len(results), **extra}


def _content(content_id, ancestors=(), users=(), groups=(), restrictions=...):
    if restrictions is ...:
        restrictions = {"read": {"restrictions": {"user": _block([{"accountId": u} for u in users]),
                                                  "group": _block([{"id": g} for g in groups])}}}
    return {"id": content_id, "type": "page", "space": {"id": 1, "key": "ENG"},
            "ancestors": [{"id": a} for a in ancestors], "restrictions": restrictions}


def _records(*contents):
    by_id = {entry["id"]: entry for entry in map(own_entry, contents)}
    return {entry_id: with_inheritance(entry, by_id) for entry_id, entry in by_id.items()}


def test_an_unrestricted_listed_item_is_known_and_unrestricted():
    record = _records(_content("1"))["1"]
    assert record["readRestrictionsKnown"] is True and record["effectiveRead"] == {"isRestricted": False}


def test_a_read_block_left_unexpanded_is_unknown_not_unrestricted():
    records = _records(_content("1", restrictions={"_expandable": {"read": "/rest/api/content/1/restriction/byOperation/read"}}),
                       _content("2", ancestors=["1"]))
    assert records["1"]["readRestrictionsKnown"] is False
    assert records["2"]["readRestrictionsKnown"] is False     # inherits the unknown
    assert records["1"]["effectiveRead"]["isRestricted"] is False  # the legacy field alone would mislead


def test_a_truncated_principal_list_is_unknown():
    restrictions = {"read": {"restrictions": {"user": _block([{"accountId": "u1"}], _links={"next": "/x?start=200"}),
                                              "group": _block([])}}}
    assert _records(_content("1", restrictions=restrictions))["1"]["readRestrictionsKnown"] is False


def test_an_ancestor_missing_from_the_listing_makes_the_audience_unknown():
    record = _records(_content("2", ancestors=["1"]))["2"]
    assert record["unresolvedAncestorIds"] == ["1"] and record["readRestrictionsKnown"] is False


def test_known_restrictions_inherit_by_intersection():
    records = _records(_content("1", users=["u1", "u2"]), _content("2", ancestors=["1"], users=["u2", "u3"]))
    assert records["2"]["readRestrictionsKnown"] is True
    assert records["2"]["effectiveRead"]["userIds"] == ["u2"]
