"""Reject a `cql_pages_clause` that would change the meaning of the connector's own query.

The clause is ANDed in parentheses: `type=page AND (<clause>) AND lastmodified >= … ORDER BY …`.
`ORDER BY` would fight the connector's ordering (incremental relies on ascending lastmodified), and a
clause that closes more parentheses than it opens (or leaves one open) escapes its parentheses.
"""
import re
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.sources.declarative.validators.validation_strategy import ValidationStrategy

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


def _unquoted(clause: str) -> str:
    """The clause with quoted literals blanked, so `title ~ "a (b"` counts no parenthesis."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', clause)


def cql_clause_problem(clause: str) -> str | None:
    text = _unquoted(clause or "")
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
    if text.count('"') % 2 or text.count("'") % 2:
        return "cql_pages_clause has an unterminated quoted string."
    return None


@dataclass
class CqlClauseValidation(ValidationStrategy):
    def validate(self, value: Any) -> None:
        problem = cql_clause_problem(value if isinstance(value, str) else "")
        if problem:
            raise ValueError(problem)
