"""Reject a `cql_pages_clause` that would change the meaning of the connector's own query.

The clause is ANDed in parentheses: `type=page AND (<clause>) AND lastmodified >= … ORDER BY …`.
`ORDER BY` would fight the connector's ordering (incremental relies on ascending lastmodified), and a
clause that closes more parentheses than it opens (or leaves one open, or leaves a quote open) escapes
its parentheses.

Quoted text is read the way CQL reads it: `"…"` or `'…'`, where a backslash escapes the next character
(`"a \" b"` is one value, `'\'` is an unterminated one). Counting quote characters is not enough:
`'\'` has two quotes yet swallows the connector's closing parenthesis.
"""
import re
from dataclasses import dataclass
from typing import Any, Optional

from airbyte_cdk.sources.declarative.validators.validation_strategy import ValidationStrategy

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
QUOTES = "\"'"


class UnterminatedQuote(ValueError):
    pass


def _quoted_end(clause: str, start: int) -> int:
    """The index just past the quoted value opening at `start`; a backslash escapes the next character."""
    quote, index = clause[start], start + 1
    while index < len(clause):
        if clause[index] == "\\":
            index += 2
        elif clause[index] == quote:
            return index + 1
        else:
            index += 1
    raise UnterminatedQuote(start)


def _unquoted(clause: str) -> str:
    """The clause with quoted values blanked to `""`, so `title ~ "a (b"` counts no parenthesis."""
    parts, index = [], 0
    while index < len(clause):
        if clause[index] in QUOTES:
            index = _quoted_end(clause, index)
            parts.append('""')
        else:
            parts.append(clause[index])
            index += 1
    return "".join(parts)


def cql_clause_problem(clause: Optional[str]) -> Optional[str]:
    try:
        text = _unquoted(clause or "")
    except UnterminatedQuote:
        return ("cql_pages_clause has an unterminated quoted string. Close every quote, e.g. "
                "'title ~ \"release notes\"'; inside quotes a backslash escapes the next character, "
                "so \\\" does not close a value.")
    if _ORDER_BY.search(text):
        return ("cql_pages_clause must not contain ORDER BY: the connector orders by lastmodified itself "
                "(incremental sync depends on it). Remove the ORDER BY part, e.g. 'space = ENG AND label = docs'.")
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        return ("cql_pages_clause has unbalanced parentheses, so it could escape the parentheses the "
                "connector wraps it in. Balance every '(' with ')' (quoted text is ignored).")
    return None


@dataclass
class CqlClauseValidation(ValidationStrategy):
    def validate(self, value: Any) -> None:
        problem = cql_clause_problem(value if isinstance(value, str) else "")
        if problem:
            raise ValueError(problem)
