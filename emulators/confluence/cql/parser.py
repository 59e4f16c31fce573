"""Recursive-descent parser for the CQL grammar of docs/confluence-api.md §7.

    statement := expr [ORDER BY key ("," key)*]
    expr      := term ((AND | OR) [NOT] term | NOT term)*      -- left to right, no precedence
    term      := [NOT] ( "(" expr ")" | clause )               -- NOT never first in the statement
    clause    := field op value | field [NOT] IN "(" value ("," value)* ")"
    value     := STRING | WORD | WORD "(" [arg ("," arg)*] ")"

"combine with AND, OR, NOT, parentheses (left to right without them)": `a OR b AND c` is
`(a OR b) AND c`. "A negative expression cannot be the first clause": `NOT a = 1` and
`(NOT a = 1) AND ...` are rejected. `a = 1 NOT b = 2` means `a = 1 AND NOT b = 2`.
Keywords (AND, OR, NOT, IN, ORDER, BY, ASC, DESC) are case-insensitive.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from emulators.confluence.cql import dates
from emulators.confluence.cql.errors import CqlError
from emulators.confluence.cql.fields import FieldType, Field, check_operator, lookup
from emulators.confluence.cql.lexer import Kind, Token, tokenize
from emulators.confluence.cql.nodes import (And, Clause, Expression, FunctionCall, Literal, Not, Or,
                                            OrderKey, Query, Value)

_KEYWORDS = {"and", "or", "not", "in", "order"}
USER_FUNCTIONS = ("currentuser",)
OTHER_FUNCTIONS = ("favouritespaces", "favoritespaces", "recentlyviewedcontent", "recentlyviewedspaces")
_UTC = ZoneInfo("UTC")
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)  # functions are only validated at parse time


def parse(text: str) -> Query:
    if not text or not text.strip():
        raise CqlError("the cql query is empty")
    return _Parser(tokenize(text), text).statement()


class _Parser:
    def __init__(self, tokens: list[Token], text: str):
        self._tokens = tokens
        self._index = 0
        self._text = text

    # ── token helpers ──────────────────────────────────────────────
    def _peek(self, ahead: int = 0) -> Token:
        return self._tokens[min(self._index + ahead, len(self._tokens) - 1)]

    def _take(self) -> Token:
        token = self._peek()
        self._index += 1
        return token

    def _expect(self, kind: Kind, what: str) -> Token:
        token = self._take()
        if token.kind is not kind:
            raise CqlError(f"expected {what} but found {_describe(token)}", token.position)
        return token

    # ── grammar ────────────────────────────────────────────────────
    def statement(self) -> Query:
        where = self._expression(is_statement_start=True)
        order_by: tuple[OrderKey, ...] = ()
        if self._peek().is_keyword("order"):
            order_by = self._order_by()
        end = self._peek()
        if end.kind is not Kind.END:
            raise CqlError(f"expected AND, OR, NOT or ORDER BY but found {_describe(end)}", end.position)
        return Query(where, order_by, self._text)

    def _expression(self, is_statement_start: bool) -> Expression:
        node = self._term(is_statement_start)
        while True:
            token = self._peek()
            if token.is_keyword("and", "or"):
                self._take()
                right = self._term(is_statement_start=False)
                node = And(node, right) if token.text.lower() == "and" else Or(node, right)
            elif token.is_keyword("not"):
                node = And(node, self._term(is_statement_start=False))
            else:
                return node

    def _term(self, is_statement_start: bool) -> Expression:
        token = self._peek()
        if token.is_keyword("not"):
            if is_statement_start:
                raise CqlError("a negative expression cannot be the first clause", token.position)
            self._take()
            return Not(self._term(is_statement_start=False))
        if token.kind is Kind.LPAREN:
            self._take()
            inner = self._expression(is_statement_start)
            self._expect(Kind.RPAREN, "')'")
            return inner
        return self._clause()

    def _clause(self) -> Clause:
        name = self._take()
        if name.kind is not Kind.WORD or name.text.lower() in _KEYWORDS:
            raise CqlError(f"expected a field name but found {_describe(name)}", name.position)
        field = lookup(name.text, name.position)
        operator, values = self._operator_and_values()
        check_operator(field, operator, name.position)
        for value in values:
            _check_value(field, value)
        return Clause(field, operator, tuple(values), name.position)

    def _operator_and_values(self) -> tuple[str, list[Value]]:
        token = self._take()
        if token.kind is Kind.OP:
            return token.text, [self._value()]
        if token.is_keyword("in"):
            return "in", self._value_list()
        if token.is_keyword("not") and self._peek().is_keyword("in"):
            self._take()
            return "not in", self._value_list()
        raise CqlError(f"expected an operator but found {_describe(token)}", token.position)

    def _value_list(self) -> list[Value]:
        if self._peek().kind is Kind.WORD and self._peek(1).kind is Kind.LPAREN:
            return [self._value()]          # `space IN favouriteSpaces()`
        self._expect(Kind.LPAREN, "'(' after IN")
        values = [self._value()]
        while self._peek().kind is Kind.COMMA:
            self._take()
            values.append(self._value())
        self._expect(Kind.RPAREN, "')' closing the IN list")
        return values

    def _value(self) -> Value:
        token = self._take()
        if token.kind is Kind.STRING:
            return Literal(token.text, token.position)
        if token.kind is not Kind.WORD or token.text.lower() in ("and", "or", "order"):
            raise CqlError(f"expected a value but found {_describe(token)}", token.position)
        if self._peek().kind is not Kind.LPAREN:
            return Literal(token.text, token.position)
        self._take()
        args: list[str] = []
        while self._peek().kind is not Kind.RPAREN:
            arg = self._take()
            if arg.kind not in (Kind.STRING, Kind.WORD):
                raise CqlError(f"expected a function argument but found {_describe(arg)}", arg.position)
            args.append(arg.text)
            if self._peek().kind is Kind.COMMA:
                self._take()
        self._take()
        return FunctionCall(token.text, tuple(args), token.position)

    def _order_by(self) -> tuple[OrderKey, ...]:
        self._take()
        by = self._take()
        if not by.is_keyword("by"):
            raise CqlError(f"expected BY after ORDER but found {_describe(by)}", by.position)
        keys = [self._order_key()]
        while self._peek().kind is Kind.COMMA:
            self._take()
            keys.append(self._order_key())
        return tuple(keys)

    def _order_key(self) -> OrderKey:
        token = self._expect(Kind.WORD, "a field to order by")
        field = lookup(token.text, token.position)
        if not field.is_orderable:
            raise CqlError(f"ordering is not supported on field '{field.name}'", token.position)
        is_descending = False
        if self._peek().is_keyword("asc", "desc"):
            is_descending = self._take().text.lower() == "desc"
        return OrderKey(field, is_descending)


def _check_value(field: Field, value: Value) -> None:
    if isinstance(value, FunctionCall):
        name = value.name.lower()
        if field.type is FieldType.DATE and name in dates.FUNCTIONS:
            dates.evaluate_function(value.name, list(value.args), _EPOCH, _UTC, value.position)
        elif field.type is FieldType.USER and name in USER_FUNCTIONS:
            if value.args:
                raise CqlError(f"{value.name}() takes no arguments", value.position)
        elif name in OTHER_FUNCTIONS and field.type in (FieldType.SPACE, FieldType.CONTENT):
            pass
        else:
            raise CqlError(f"function {value.name}() is not supported on field '{field.name}'", value.position)
    elif field.type is FieldType.DATE:
        dates.parse_literal(value.text, _UTC, value.position)  # format/validity only; zone comes later


def _describe(token: Token) -> str:
    return "the end of the query" if token.kind is Kind.END else f"'{token.text}'"

