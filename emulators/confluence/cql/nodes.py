"""The parsed form of a CQL statement (what the parser builds and the evaluator walks)."""

from dataclasses import dataclass

from emulators.confluence.cql.fields import Field


@dataclass(frozen=True)
class Literal:
    text: str
    position: int


@dataclass(frozen=True)
class FunctionCall:
    name: str            # as written, e.g. "startOfWeek"
    args: tuple[str, ...]
    position: int


Value = Literal | FunctionCall


@dataclass(frozen=True)
class Clause:
    field: Field
    operator: str        # "=", "!=", ">", ">=", "<", "<=", "~", "!~", "in", "not in"
    values: tuple[Value, ...]
    position: int


@dataclass(frozen=True)
class And:
    left: "Expression"
    right: "Expression"


@dataclass(frozen=True)
class Or:
    left: "Expression"
    right: "Expression"


@dataclass(frozen=True)
class Not:
    operand: "Expression"


Expression = Clause | And | Or | Not


@dataclass(frozen=True)
class OrderKey:
    field: Field
    is_descending: bool


@dataclass(frozen=True)
class Query:
    where: Expression
    order_by: tuple[OrderKey, ...]
    text: str
