"""Evaluate a parsed CQL query over any items, through an accessor (no dependency on the model).

What the caller cannot see is dropped silently, as Confluence does: items the viewer may not read
and items modified within `index_lag_seconds` of the emulated clock (the search index has not
caught up yet; docs/confluence-api.md §4.3, §8).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Protocol, Sequence, TypeVar
from zoneinfo import ZoneInfo

from emulators.confluence.cql import dates
from emulators.confluence.cql.fields import FieldType
from emulators.confluence.cql.nodes import And, Clause, Expression, FunctionCall, Not, Or, OrderKey, Query
from emulators.confluence.cql.parser import USER_FUNCTIONS

Item = TypeVar("Item")


class CqlItemAccessor(Protocol[Item]):
    """How the evaluator reads an item; the route supplies one that knows the model."""

    def values(self, item: Item, field: str) -> Sequence[str | datetime]:
        """All values of canonical field `field` (see fields.FIELDS) for this item.

        DATE fields: one aware UTC datetime. USER fields: accountIds on Cloud, usernames on DC.
        `space`/`space.key`: the space key. `text`: title, body text and labels. Unknown → [].
        """

    def last_modified_at(self, item: Item) -> datetime:
        """Aware UTC time the item was last changed (drives the emulated-clock index lag)."""

    def is_indexed(self, item: Item) -> bool:
        """False while the model's own index-lag window hides the item (model.Instance.is_indexed,
        a wall-clock window set by the `set_index_lag` mutation)."""

    def is_visible_to(self, item: Item, viewer: Any) -> bool:
        """Whether `viewer` may read the item (space permission, restrictions, status)."""


@dataclass(frozen=True)
class CqlContext:
    now_utc: datetime                 # the emulated clock
    user_timezone: str                # IANA zone of the calling user; date literals are read in it
    current_user: str | None          # what currentUser() means: accountId (Cloud) / username (DC)
    viewer: Any = None                # handed to accessor.is_visible_to
    index_lag_seconds: float = 0.0    # emulated-clock lag: modified after now - lag → not indexed

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.user_timezone)


def search(query: Query, items: Iterable[Item], accessor: CqlItemAccessor[Item],
           context: CqlContext) -> list[Item]:
    """Items matching `query`, visible to the viewer and already indexed, in ORDER BY order.

    Without ORDER BY (Confluence ranks by relevance) the emulator returns id order so that
    pagination over an unchanged data set is stable. Ties in ORDER BY also fall back to id order.
    """
    indexed_before = context.now_utc - timedelta(seconds=context.index_lag_seconds)
    matcher = _Matcher(accessor, context)
    hits = [item for item in items
            if (context.index_lag_seconds <= 0 or accessor.last_modified_at(item) <= indexed_before)
            and accessor.is_indexed(item)
            and accessor.is_visible_to(item, context.viewer)
            and matcher.matches(query.where, item)]
    hits.sort(key=lambda item: _id_key(accessor, item))
    for key in reversed(query.order_by):   # stable sorts, least significant key first
        hits.sort(key=lambda item, key=key: _order_value(accessor, item, key), reverse=key.is_descending)
    return hits


class _Matcher:
    def __init__(self, accessor: CqlItemAccessor, context: CqlContext):
        self._accessor = accessor
        self._context = context
        self._zone = context.zone

    def matches(self, node: Expression, item: Any) -> bool:
        if isinstance(node, And):
            return self.matches(node.left, item) and self.matches(node.right, item)
        if isinstance(node, Or):
            return self.matches(node.left, item) or self.matches(node.right, item)
        if isinstance(node, Not):
            return not self.matches(node.operand, item)
        return self._clause(node, item)

    def _clause(self, clause: Clause, item: Any) -> bool:
        actual = self._accessor.values(item, clause.field.name)
        if clause.field.type is FieldType.DATE:
            return self._date(clause, actual)
        if clause.operator in ("~", "!~"):
            wanted = [v.text for v in clause.values if not isinstance(v, FunctionCall)]
            found = any(_contains(str(a), w) for a in actual for w in wanted)
            return found if clause.operator == "~" else not found
        wanted = {_fold(w) for w in self._expected(clause)}
        found = any(_fold(str(a)) in wanted for a in actual)
        return found if clause.operator in ("=", "in") else not found

    def _expected(self, clause: Clause) -> list[str]:
        values = []
        for value in clause.values:
            if not isinstance(value, FunctionCall):
                values.append(value.text)
            elif value.name.lower() in USER_FUNCTIONS and self._context.current_user:
                values.append(self._context.current_user)
            # favouriteSpaces(), recentlyViewed*(): the emulator keeps no such history → nothing.
        return values

    def _date(self, clause: Clause, actual: Sequence[Any]) -> bool:
        if not actual:
            return False
        value = actual[0]
        literal = clause.values[0]
        if isinstance(literal, FunctionCall):
            span = dates.evaluate_function(literal.name, list(literal.args), self._context.now_utc,
                                           self._zone, literal.position)
        else:
            span = dates.parse_literal(literal.text, self._zone, literal.position)
        return span.compare(clause.operator, value)


_WORD = re.compile(r"\w+")


def _contains(haystack: str, query: str) -> bool:
    """CONTAINS (`~`): every word of the query occurs in the text; `foo*` matches a prefix;
    a query wrapped in double quotes must occur as a phrase."""
    words = [w.casefold() for w in _WORD.findall(haystack)]
    stripped = query.strip()
    if len(stripped) > 1 and stripped.startswith('"') and stripped.endswith('"'):
        phrase = [w.casefold() for w in _WORD.findall(stripped)]
        return any(words[i:i + len(phrase)] == phrase for i in range(len(words) - len(phrase) + 1))
    terms = re.findall(r"\w+\*?", stripped)
    return bool(terms) and all(_has_term(words, term.casefold()) for term in terms)


def _has_term(words: list[str], term: str) -> bool:
    if term.endswith("*"):
        return any(w.startswith(term[:-1]) for w in words)
    return term in words


def _fold(value: str) -> str:
    return value.casefold()


def _id_key(accessor: CqlItemAccessor, item: Any) -> tuple:
    ids = accessor.values(item, "id")
    raw = str(ids[0]) if ids else ""
    digits = raw.lstrip("at")  # attachment ids are "att123"
    return (0, int(digits), raw) if digits.isdigit() else (1, 0, raw)


def _order_value(accessor: CqlItemAccessor, item: Any, key: OrderKey) -> tuple:
    if key.field.name in ("id", "content"):
        return _id_key(accessor, item)
    values = accessor.values(item, key.field.name)
    if not values:
        return (0, "")
    value = values[0]
    return (1, value if isinstance(value, datetime) else str(value).casefold())
