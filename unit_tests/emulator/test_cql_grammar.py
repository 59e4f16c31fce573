"""CQL grammar: clauses, keywords, precedence, IN lists, quoting, ORDER BY (confluence-api.md §7)."""

import pytest

from emulators.confluence.cql import CqlError, parse
from emulators.confluence.cql.nodes import And, Clause, Not, Or
from unit_tests.emulator.cql_fakes import an_item, ids

ITEMS = [an_item("1", label=["a"]), an_item("2", label=["b"]), an_item("3", label=["a", "b"]),
         an_item("4", type="blogpost", label=["c"])]


def test_given_a_single_clause_when_parsed_then_field_operator_and_value_are_kept():
    query = parse("space = ENG")
    assert isinstance(query.where, Clause)
    assert (query.where.field.name, query.where.operator, query.where.values[0].text) == ("space", "=", "ENG")


@pytest.mark.parametrize("cql", ["label = a and label = b", "label = a AND label = b", "label = a And label = b"])
def test_given_keywords_in_any_case_when_searching_then_they_mean_the_same(cql):
    assert ids(cql, ITEMS) == ["3"]


def test_given_no_parentheses_when_and_or_mix_then_they_apply_left_to_right():
    """`a OR b AND c` is `(a OR b) AND c`, not `a OR (b AND c)` (§7: left to right)."""
    query = parse("label = a OR label = b AND type = blogpost")
    assert isinstance(query.where, And) and isinstance(query.where.left, Or)
    assert ids("label = a OR label = b AND type = blogpost", ITEMS) == []
    assert ids("label = a OR (label = b AND type = blogpost)", ITEMS) == ["1", "3"]


def test_given_and_then_or_when_searching_then_the_or_applies_to_the_whole_left_side():
    assert ids("label = a AND label = b OR type = blogpost", ITEMS) == ["3", "4"]


def test_given_and_not_when_searching_then_the_clause_is_negated():
    assert ids("label = a AND NOT label = b", ITEMS) == ["1"]
    assert ids("label = a not label = b", ITEMS) == ["1"]
    assert isinstance(parse("label = a or not label = b").where.right, Not)


@pytest.mark.parametrize("cql", ["NOT label = a", "not label = a AND type = page", "(NOT label = a) OR type = page"])
def test_given_a_leading_not_when_parsed_then_it_is_rejected(cql):
    with pytest.raises(CqlError, match="negative expression"):
        parse(cql)


def test_given_not_inside_a_later_group_when_parsed_then_it_is_accepted():
    assert ids("type = page AND (NOT label = a)", ITEMS) == ["2"]


def test_given_in_and_not_in_when_searching_then_membership_is_tested():
    assert ids("label IN (a, c)", ITEMS) == ["1", "3", "4"]
    assert ids("label NOT IN (a, c)", ITEMS) == ["2"]
    assert ids('label in ("b")', ITEMS) == ["2", "3"]


def test_given_single_and_double_quotes_when_parsed_then_both_delimit_values():
    assert parse("title = 'Page 1'").where.values[0].text == "Page 1"
    assert parse('title = "Page \\"1\\""').where.values[0].text == 'Page "1"'


@pytest.mark.parametrize("cql, message", [
    ("", "empty"), ("space =", "expected a value"), ("space = ENG AND", "expected a field"),
    ("(space = ENG", "expected '\\)'"), ("space = ENG)", "expected AND, OR"), ("space ENG", "expected an operator"),
    ("title = 'open", "unterminated"), ("label in a", "'\\(' after IN"), ("space = ENG ORDER created", "BY"),
    ("space = ENG space = X", "expected AND, OR"),
])
def test_given_malformed_cql_when_parsed_then_a_cql_error_explains_it(cql, message):
    with pytest.raises(CqlError, match=message):
        parse(cql)


def test_given_order_by_with_directions_when_searching_then_keys_apply_in_order():
    items = [an_item("1", title="b", type="page"), an_item("2", title="a", type="page"),
             an_item("3", title="c", type="blogpost")]
    assert ids("space = ENG ORDER BY type DESC, title", items) == ["2", "1", "3"]
    assert ids("space = ENG order by title asc", items) == ["2", "1", "3"]
    assert ids("space = ENG ORDER BY title DESC", items) == ["3", "1", "2"]


def test_given_no_order_by_when_searching_then_ids_are_in_numeric_order():
    items = [an_item("10"), an_item("9"), an_item("100")]
    assert ids("space = ENG", items) == ["9", "10", "100"]


@pytest.mark.parametrize("cql", ["space = ENG ORDER BY label", "space = ENG ORDER BY text", "space = ENG ORDER BY nope"])
def test_given_order_by_an_unorderable_or_unknown_field_when_parsed_then_it_is_rejected(cql):
    with pytest.raises(CqlError):
        parse(cql)


def test_given_an_error_when_raised_then_it_carries_the_position():
    with pytest.raises(CqlError) as raised:
        parse("space = ENG AND bogus = 1")
    assert raised.value.position == 16
