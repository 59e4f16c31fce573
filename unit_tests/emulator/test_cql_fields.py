"""Every field class and operator of the §7 table, and the rejection of unsupported combinations."""

import pytest

from emulators.confluence.cql import CqlError, parse
from emulators.confluence.cql.fields import FIELDS
from unit_tests.emulator.cql_fakes import an_item, ids

ITEMS = [
    an_item("1", title="Release notes 2026", text=["Release notes 2026", "deploying stacks safely"],
            ancestor=["100", "101"], parent="101", creator="acc-me", contributor=["acc-me", "acc-b"],
            label=["docs"], space__type="global", space__title="Engineering Space", macro=["toc"]),
    an_item("2", title="Runbook", text=["Runbook", "restart the stack"], ancestor=["100"], parent="100",
            creator="acc-b", label=["ops", "docs"], space="OPS", space__type="personal",
            space__title="Operations"),
    an_item("3", type="comment", title="Re: Runbook", container="2", creator="acc-me", space="OPS"),
    an_item("att4", type="attachment", title="diagram.png", container="1", creator="acc-b"),
]


@pytest.mark.parametrize("cql, expected", [
    ("ancestor = 100", ["1", "2"]), ("ancestor = 101", ["1"]), ("parent = 100", ["2"]),
    ("container = 2", ["3"]), ("id = 2", ["2"]), ("id in (1, att4)", ["1", "att4"]), ("content != 1", ["2", "3", "att4"]),
    ("ancestor not in (101)", ["2", "3", "att4"]),
])
def test_given_content_fields_when_searching_then_ids_match(cql, expected):
    assert ids(cql, ITEMS) == expected


@pytest.mark.parametrize("cql, expected", [
    ('creator = "acc-b"', ["2", "att4"]), ("creator = currentUser()", ["1", "3"]),
    ("contributor in (acc-b)", ["1"]), ("creator != currentUser()", ["2", "att4"]),
])
def test_given_user_fields_when_searching_then_account_ids_and_current_user_match(cql, expected):
    assert ids(cql, ITEMS, me="acc-me") == expected


def test_given_data_center_usernames_when_searching_then_current_user_is_the_username():
    items = [an_item("1", creator="alice"), an_item("2", creator="bob")]
    assert ids("creator = currentUser()", items, me="alice") == ["1"]
    assert ids("creator = bob", items) == ["2"]


@pytest.mark.parametrize("cql, expected", [
    ("label = docs", ["1", "2"]), ("label = DOCS", ["1", "2"]), ("macro = toc", ["1"]),
    ("space = ops", ["2", "3"]), ("space.key in (ENG)", ["1", "att4"]), ("space.type = personal", ["2"]),
    ("type = comment", ["3"]), ("type in (page, attachment)", ["1", "2", "att4"]), ("type != page", ["3", "att4"]),
])
def test_given_string_space_and_type_fields_when_searching_then_values_match_case_insensitively(cql, expected):
    assert ids(cql, ITEMS) == expected


@pytest.mark.parametrize("cql, expected", [
    ('title = "Runbook"', ["2"]), ('title ~ "release"', ["1"]), ('title ~ "notes release"', ["1"]),
    ('title !~ "runbook"', ["1", "att4"]), ('text ~ "stack*"', ["1", "2"]), ('text ~ "stack"', ["2"]),
    ('text ~ "\\"stacks safely\\""', ["1"]), ('text ~ "\\"safely stacks\\""', []),
    ('space.title ~ "operations"', ["2"]), ("title in (Runbook, 'diagram.png')", ["2", "att4"]),
])
def test_given_text_fields_when_searching_then_contains_matches_words_prefixes_and_phrases(cql, expected):
    assert ids(cql, ITEMS) == expected


@pytest.mark.parametrize("cql", [
    "label ~ docs", "space ~ ENG", "type ~ page", "creator ~ acc", "created ~ 2026-01-01", "id ~ 1",
    "text = foo", "space.title = Eng", "text in (foo)", "title > a", "label > a", "id >= 3",
    "created in (2026-01-01)", "creator > acc",
])
def test_given_an_operator_the_field_type_does_not_support_when_parsed_then_it_is_rejected(cql):
    with pytest.raises(CqlError, match="not supported"):
        parse(cql)


@pytest.mark.parametrize("cql", ["bogus = 1", "space.bogus = x", "lastmodifieddate > 2026-01-01"])
def test_given_an_unknown_field_when_parsed_then_it_is_rejected(cql):
    with pytest.raises(CqlError, match="unknown field"):
        parse(cql)


@pytest.mark.parametrize("cql", ["lastModified > 2026-01-01", "LASTMODIFIED > 2026-01-01", "Title ~ x",
                                 "favorite = currentUser()", "favourite = currentUser()"])
def test_given_documented_spellings_when_parsed_then_they_are_accepted(cql):
    parse(cql)


@pytest.mark.parametrize("cql", ["creator = now()", "created = currentUser()", "label = startOfDay()",
                                 "created > nosuch()", "creator = currentUser('x')"])
def test_given_a_function_on_the_wrong_field_type_when_parsed_then_it_is_rejected(cql):
    with pytest.raises(CqlError):
        parse(cql)


def test_given_favourite_spaces_function_when_searching_then_nothing_matches():
    assert ids("space in favouriteSpaces()", ITEMS) == []


def test_given_every_field_in_the_table_when_looked_up_then_each_has_operators():
    assert {"ancestor", "parent", "container", "content", "id", "created", "lastmodified", "creator",
            "contributor", "mention", "watcher", "favourite", "label", "macro", "space", "space.key",
            "space.category", "space.type", "title", "text", "space.title", "type"} <= set(FIELDS)
    assert all(field.operators for field in FIELDS.values())
