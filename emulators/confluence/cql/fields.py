"""The CQL field table of docs/confluence-api.md §7: each field's type and the operators it takes.

Field names are case-insensitive (`lastModified` is the documented alias of `lastmodified`); the
canonical name below is what the item accessor is asked for.
"""

from dataclasses import dataclass
from enum import Enum

from emulators.confluence.cql.errors import CqlError


class FieldType(Enum):
    CONTENT = "CONTENT"
    DATE = "DATE"
    USER = "USER"
    STRING = "STRING"
    SPACE = "SPACE"
    TYPE = "TYPE"
    TEXT = "TEXT"


EQUALITY = frozenset({"=", "!="})
CONTAINS = frozenset({"~", "!~"})
RANGE = frozenset({">", ">=", "<", "<="})
MEMBERSHIP = frozenset({"in", "not in"})


@dataclass(frozen=True)
class Field:
    name: str                   # canonical, lower case
    type: FieldType
    operators: frozenset[str]
    is_orderable: bool = False


def _field(name: str, field_type: FieldType, *operator_sets: frozenset[str], is_orderable=False) -> Field:
    return Field(name, field_type, frozenset().union(*operator_sets), is_orderable)


_FIELDS = [
    *(_field(n, FieldType.CONTENT, EQUALITY, MEMBERSHIP, is_orderable=n in ("id", "content"))
      for n in ("ancestor", "parent", "container", "content", "id")),
    _field("created", FieldType.DATE, EQUALITY, RANGE, is_orderable=True),
    _field("lastmodified", FieldType.DATE, EQUALITY, RANGE, is_orderable=True),
    *(_field(n, FieldType.USER, EQUALITY, MEMBERSHIP, is_orderable=n == "creator")
      for n in ("creator", "contributor", "mention", "watcher", "favourite", "favorite")),
    # "ordering is not supported on labels" (§7): label is deliberately not orderable.
    _field("label", FieldType.STRING, EQUALITY, MEMBERSHIP),
    _field("macro", FieldType.STRING, EQUALITY, MEMBERSHIP),
    _field("space.key", FieldType.STRING, EQUALITY, MEMBERSHIP, is_orderable=True),
    _field("space.category", FieldType.STRING, EQUALITY, MEMBERSHIP),
    _field("space", FieldType.SPACE, EQUALITY, MEMBERSHIP, is_orderable=True),
    _field("space.type", FieldType.TYPE, EQUALITY, MEMBERSHIP),
    _field("type", FieldType.TYPE, EQUALITY, MEMBERSHIP, is_orderable=True),
    _field("title", FieldType.TEXT, EQUALITY, CONTAINS, MEMBERSHIP, is_orderable=True),
    _field("text", FieldType.TEXT, CONTAINS),
    _field("space.title", FieldType.TEXT, CONTAINS, is_orderable=True),
    # User search (`/search/user`, Cloud; `/search` with type=user on DC): §6.1.
    _field("user", FieldType.USER, EQUALITY, MEMBERSHIP),
    _field("user.fullname", FieldType.TEXT, CONTAINS),
    _field("user.accountid", FieldType.STRING, EQUALITY, MEMBERSHIP),
]
FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}
_ALIASES = {"favorite": "favourite"}


def lookup(name: str, position: int | None = None) -> Field:
    key = name.lower()
    field = FIELDS.get(_ALIASES.get(key, key))
    if field is None:
        raise CqlError(f"unknown field '{name}'", position)
    return field


def check_operator(field: Field, operator: str, position: int | None = None) -> None:
    if operator not in field.operators:
        allowed = ", ".join(sorted(field.operators))
        raise CqlError(
            f"operator '{operator}' is not supported on field '{field.name}' ({field.type.value}); "
            f"supported: {allowed}", position)
