"""Both specs render well in the Airbyte UI and pass the CDK's spec lint (issue #7 part 2).

The specs are the real ones: the source's from `SourceConfluence(...).spec(logger)` (the
manifest's `spec`), the destination's from `destination_unique/spec.json`.
"""

from __future__ import annotations

from typing import Any

import pytest
from airbyte_cdk.models import ConnectorSpecificationSerializer
from airbyte_cdk.test.standard_tests._spec_lint import assert_spec_is_valid, find_secret_marking_errors
from unit_tests.packaging.connector_files import destination_spec, source_spec

SPECS = {"source-confluence": source_spec, "destination-unique": destination_spec}
SOURCE_AUTH_TYPES = {"api_token", "scoped_token", "oauth2", "dc_pat", "dc_basic"}  # contracts.md §2
SECRET_WORDS = ("password", "secret", "token", "api_key", "private_key")
NOT_SECRET_SUFFIXES = ("_url", "_type", "_date", "_name", "_id")


def load_spec(connector: str) -> dict[str, Any]:
    return SPECS[connector]()


def walk_properties(schema: dict[str, Any], path: str = ""):
    """Yield (path, name, property schema) for every property, through oneOf branches and items."""
    for name, child in (schema.get("properties") or {}).items():
        yield f"{path}/{name}", name, child
        yield from walk_properties(child, f"{path}/{name}")
    for index, branch in enumerate(schema.get("oneOf") or []):
        yield from walk_properties(branch, f"{path}/oneOf/{index}")
    if isinstance(schema.get("items"), dict):
        yield from walk_properties(schema["items"], f"{path}/items")


@pytest.mark.parametrize("connector", SPECS)
def test_the_cdk_spec_lint_is_clean(connector):
    spec = load_spec(connector)

    assert find_secret_marking_errors(spec["connectionSpecification"]) == []
    assert_spec_is_valid(ConnectorSpecificationSerializer.load(spec), connector_name=connector)


@pytest.mark.parametrize("connector", SPECS)
def test_every_secret_looking_field_is_marked_airbyte_secret(connector):
    """Stricter than the lint's name list: any `*password*`, `*secret*`, `*token*` string field."""
    unmarked = [
        path
        for path, name, schema in walk_properties(load_spec(connector)["connectionSpecification"])
        if any(word in name.lower() for word in SECRET_WORDS)
        and not name.lower().endswith(NOT_SECRET_SUFFIXES)
        and schema.get("type") in ("string", ["string", "null"])
        and "const" not in schema
        and schema.get("airbyte_secret") is not True
    ]

    assert unmarked == []


@pytest.mark.parametrize("connector", SPECS)
def test_the_form_has_a_title_and_every_top_level_field_a_title_description_and_unique_order(connector):
    connection = load_spec(connector)["connectionSpecification"]
    properties = connection["properties"]

    assert connection.get("title") and connection.get("type") == "object"
    missing = [name for name, schema in properties.items()
               if not (schema.get("title") and schema.get("description") and isinstance(schema.get("order"), int))]
    assert missing == [], "each needs title, description and an integer order"
    orders = [schema["order"] for schema in properties.values()]
    assert len(orders) == len(set(orders)), "two fields share an order"
    assert set(connection.get("required", [])) <= set(properties)


@pytest.mark.parametrize("connector", SPECS)
def test_free_text_fields_show_an_example(connector):
    properties = load_spec(connector)["connectionSpecification"]["properties"]
    without_example = [
        name for name, schema in properties.items()
        if schema.get("type") == "string" and not schema.get("airbyte_secret")
        and "enum" not in schema and "const" not in schema and not schema.get("examples")
    ]

    assert without_example == []


@pytest.mark.parametrize("connector", SPECS)
def test_groups_if_used_are_declared_and_every_field_of_a_grouped_form_has_one(connector):
    connection = load_spec(connector)["connectionSpecification"]
    used = {schema["group"] for schema in connection["properties"].values() if "group" in schema}
    if not used:
        pytest.skip("this form does not use groups")
    declared = {group["id"] for group in connection.get("groups", [])}

    assert used <= declared and all(group.get("title") for group in connection["groups"])
    assert all("group" in schema for schema in connection["properties"].values())


@pytest.mark.parametrize("connector", SPECS)
def test_credentials_is_a_one_of_whose_branches_carry_an_auth_type_constant(connector):
    credentials = load_spec(connector)["connectionSpecification"]["properties"]["credentials"]
    branches = credentials["oneOf"]

    constants = []
    for branch in branches:
        auth_type = branch["properties"]["auth_type"]
        assert branch.get("title") and branch.get("type") == "object"
        assert "const" in auth_type and "auth_type" in branch.get("required", [])
        constants.append(auth_type["const"])
    assert len(constants) == len(set(constants))
    if connector == "source-confluence":
        assert set(constants) == SOURCE_AUTH_TYPES


def test_the_source_declares_advanced_auth_for_the_oauth_branch():
    spec = load_spec("source-confluence")
    advanced_auth = spec["advanced_auth"]
    oauth_branch = next(
        branch for branch in spec["connectionSpecification"]["properties"]["credentials"]["oneOf"]
        if branch["properties"]["auth_type"]["const"] == "oauth2"
    )
    oauth_fields = set(oauth_branch["properties"])
    config_spec = advanced_auth["oauth_config_specification"]

    assert advanced_auth["auth_flow_type"] == "oauth2.0"
    assert advanced_auth["predicate_key"] == ["credentials", "auth_type"]
    assert advanced_auth["predicate_value"] == "oauth2"
    for section in ("complete_oauth_output_specification", "complete_oauth_server_output_specification"):
        for output in config_spec[section]["properties"].values():
            path = output["path_in_connector_config"]
            assert path[0] == "credentials" and path[1] in oauth_fields, path
    server_inputs = set(config_spec["complete_oauth_server_input_specification"]["properties"])
    assert {"client_id", "client_secret"} <= server_inputs
