"""The `where` of `paginatedContent` / `statisticsIngestion`, as data and as SQL (protocol §3.5).

ContentWhereInput {id, key, ownerId, ownerType, title, url, ingestionState: StringFilter,
metadata: {path: [String!]!, equals: JSON}}  →  ContentFilter  →  (SQL text, parameters).
StringFilter supports equals, in, notIn, startsWith, endsWith, contains; several fields and
several operators are joined with AND.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

# GraphQL field of ContentWhereInput → contents column
STRING_FIELDS = {"id": "id", "key": "key", "ownerId": "owner_id", "ownerType": "owner_type",
                 "title": "title", "url": "url", "ingestionState": "ingestion_state"}


@dataclass
class ContentFilter:
    string_conditions: list[tuple[str, str, object]] = field(default_factory=list)  # (column, op, value)
    metadata_conditions: list[tuple[list[str], object]] = field(default_factory=list)


def content_filter_from_where(where: dict | None) -> ContentFilter:
    content_filter = ContentFilter()
    for name, column in STRING_FIELDS.items():
        for operator, value in ((where or {}).get(name) or {}).items():
            content_filter.string_conditions.append((column, operator, value))
    metadata = (where or {}).get("metadata")
    if metadata:
        content_filter.metadata_conditions.append((list(metadata["path"]), metadata.get("equals")))
    return content_filter


def content_where_sql(content_filter: ContentFilter) -> tuple[str, list]:
    clauses, params = [], []
    for column, operator, value in content_filter.string_conditions:
        clause, values = _string_clause(column, operator, value)
        clauses.append(clause)
        params.extend(values)
    for path, expected in content_filter.metadata_conditions:
        json_path = "$" + "".join(f'."{segment}"' for segment in path)
        if expected is None:
            clauses.append("json_extract(metadata, ?) IS NULL")
            params.append(json_path)
        elif isinstance(expected, (dict, list)):
            clauses.append("json(json_extract(metadata, ?)) = json(?)")
            params.extend([json_path, json.dumps(expected)])
        else:
            clauses.append("json_extract(metadata, ?) = ?")
            params.extend([json_path, expected])
    return " AND ".join(clauses) or "1", params


def _string_clause(column: str, operator: str, value) -> tuple[str, list]:
    if operator == "equals":
        return (f"{column} IS NULL", []) if value is None else (f"{column} = ?", [value])
    if operator in ("in", "notIn"):
        values = list(value or [])
        if not values:
            return ("0", []) if operator == "in" else ("1", [])
        negation = "NOT " if operator == "notIn" else ""
        return f"{column} {negation}IN ({','.join('?' * len(values))})", values
    if operator == "startsWith":
        return f"substr({column}, 1, length(?)) = ?", [value, value]
    if operator == "endsWith":
        return f"substr({column}, -length(?)) = ?", [value, value]
    if operator == "contains":
        return f"instr({column}, ?) > 0", [value]
    raise ValueError(f"unsupported string filter operator {operator!r}")
