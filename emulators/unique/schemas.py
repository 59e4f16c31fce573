"""The two executable schemas, built by graphql-core from the SDL files next to this module.

ingestion_schema():        schema.graphql            + content_resolvers + scope_resolvers
scope_management_schema(): scope_management.graphql + users
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema
from graphql.utilities import value_from_ast_untyped

from . import content_resolvers, scope_resolvers, users

HERE = Path(__file__).parent


@cache
def ingestion_schema() -> GraphQLSchema:
    return _build("schema.graphql", {**content_resolvers.RESOLVERS, **scope_resolvers.RESOLVERS})


@cache
def scope_management_schema() -> GraphQLSchema:
    return _build("scope_management.graphql", users.RESOLVERS)


def _build(sdl_file: str, resolvers: dict) -> GraphQLSchema:
    schema = build_schema((HERE / sdl_file).read_text())
    json_scalar = schema.type_map.get("JSON")
    if json_scalar is not None:
        # Any JSON value, inline literals included: metadata: {spaceKey: "ENG", labels: ["a"]}
        json_scalar.parse_literal = lambda node, variables=None: value_from_ast_untyped(node, variables)
    for (type_name, field_name), resolve in resolvers.items():
        schema.get_type(type_name).fields[field_name].resolve = resolve
    return schema
