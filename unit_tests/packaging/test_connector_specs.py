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


# ── The Airbyte form, judged by the rules of Airbyte's web app (issue 10 part 8) ─────────────────
"""Rules of the connector form in airbyte-platform's airbyte-webapp, as read on 2026-12-02 (facts only):

* Sections (`Sections/useGroupsAndSections.tsx`, `ConnectorForm/utils.ts` OrderComparator): at the root,
  fields are split by their `group` into cards; a card shows its group's `title`. Within a card the
  fields are sorted required first (a oneOf, an object, a const or an `always_show` field counts as
  required), then by `order`. A field is *expanded* when it is required, `always_show`, a oneOf or an
  object; every other field goes into a collapsed "Optional fields" block, and when an object's fields
  are all collapsed the object shows nothing but such a block.
* Objects (`FormSection.tsx`): an object renders its fields, never its own `title`; only root groups
  and oneOf dropdowns show a title.
* Validation (`core/form/schemaToYup.ts`): numbers are checked against `minimum`/`maximum` only
  (`exclusiveMinimum`, `exclusiveMaximum`, `multipleOf` and integer-ness are not checked); a failed
  `pattern` shows `pattern_descriptor`, or the raw regex when there is none (`ConnectorForm/utils.ts`
  getPatternDescriptor); a field is required only when it has no `default`; a oneOf enforces the
  `required` of the chosen branch; an object without properties gets the value `{}`, so saving the
  form resets whatever a config held there.
"""

# Fields a user must answer even though they are optional in the schema (a wrong default fails `check`).
MUST_BE_SHOWN = {"source-confluence": {"deployment_type", "credentials"},
                 "destination-unique": {"confluence_instance", "credentials"}}
FORM_IGNORED_KEYWORDS = ("exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def walk_schemas(schema: dict[str, Any], path: str = ""):
    """Yield (path, schema) for the schema and every schema under it (properties, oneOf branches, items)."""
    yield path or "/", schema
    for name, child in (schema.get("properties") or {}).items():
        yield from walk_schemas(child, f"{path}/{name}")
    for index, branch in enumerate(schema.get("oneOf") or []):
        yield from walk_schemas(branch, f"{path}/oneOf/{index}")
    if isinstance(schema.get("items"), dict):
        yield from walk_schemas(schema["items"], f"{path}/items")


def shown_expanded(name: str, schema: dict[str, Any], parent: dict[str, Any]) -> bool:
    """Whether the form renders the field outside any collapsed "Optional fields" block."""
    is_object = schema.get("type") == "object"
    required = name in (parent.get("required") or []) and "default" not in schema
    return bool(required or schema.get("always_show") or "oneOf" in schema or is_object or "const" in schema)


@pytest.mark.parametrize("connector", SPECS)
def test_fields_a_user_must_answer_are_never_in_the_collapsed_optional_fields(connector):
    """(a) An optional root field collapses into "Optional fields": a Data Center user who never opens it
    submits the default `cloud` and `check` fails. Such fields are required or `always_show`."""
    connection = load_spec(connector)["connectionSpecification"]
    properties = connection["properties"]

    collapsed = [name for name in MUST_BE_SHOWN[connector] if not shown_expanded(name, properties[name], connection)]

    assert collapsed == []


def test_the_destination_form_requires_the_cloud_id_exactly_for_cloud():
    """(b) A requirement that depends on another field is a oneOf: the form enforces the `required` of the
    chosen branch, while a field that is merely optional in the schema is never enforced."""
    instance = load_spec("destination-unique")["connectionSpecification"]["properties"]["confluence_instance"]
    branches = {branch["properties"]["instance_type"]["const"]: branch for branch in instance["oneOf"]}

    assert set(branches) == {"cloud", "data-center"}
    assert "instance_id" in branches["cloud"]["required"] and "default" not in branches["cloud"]["properties"]["instance_id"]
    assert "instance_id" not in branches["data-center"]["required"]


@pytest.mark.parametrize("connector", SPECS)
def test_every_object_has_properties_or_a_one_of(connector):
    """(c) An object without properties renders nothing and saving the form resets it to `{}`; it also fails
    the acceptance tests' test_object_not_empty."""
    empty = [path for path, schema in walk_schemas(load_spec(connector)["connectionSpecification"])
             if path != "/" and schema.get("type") == "object" and "oneOf" not in schema and not schema.get("properties")]

    assert empty == []


@pytest.mark.parametrize("connector", SPECS)
def test_every_object_shows_a_title_or_a_visible_field(connector):
    """(d) An object never shows its own title. At the root it needs a titled group of its own; at any level
    at least one of its fields must be expanded, or the object is an untitled "Optional fields" block."""
    connection = load_spec(connector)["connectionSpecification"]
    titles = {group["id"]: group.get("title") for group in connection.get("groups", [])}
    problems = []
    for name, schema in connection["properties"].items():
        if schema.get("type") == "object" and "oneOf" not in schema:
            same_group = [other for other, s in connection["properties"].items() if s.get("group") == schema.get("group")]
            if not titles.get(schema.get("group")) or same_group != [name]:
                problems.append(f"/{name}: a root object needs a titled group of its own")
    for path, schema in walk_schemas(connection):
        if path != "/" and schema.get("type") == "object" and schema.get("properties"):
            if not any(shown_expanded(child_name, child, schema) for child_name, child in schema["properties"].items()):
                problems.append(f"{path}: every field is optional and collapsed")

    assert problems == []


@pytest.mark.parametrize("connector", SPECS)
def test_numbers_use_only_the_bounds_the_form_checks(connector):
    """(e) The form checks `minimum`/`maximum` only: `exclusiveMinimum` let `read_timeout_seconds: 0` through.
    Integer-ness is not checked by the form either: every integer has a `minimum`, and the connectors refuse
    a fraction themselves (unit_tests/source/test_config_validation.py, unit_tests/destination/test_settings_rules.py)."""
    problems = []
    for path, schema in walk_schemas(load_spec(connector)["connectionSpecification"]):
        problems += [f"{path}: {keyword}" for keyword in FORM_IGNORED_KEYWORDS if keyword in schema]
        if schema.get("type") == "integer" and "minimum" not in schema:
            problems.append(f"{path}: integer without minimum")

    assert problems == []


@pytest.mark.parametrize("connector", SPECS)
def test_every_pattern_has_a_pattern_descriptor(connector):
    """(f) Without `pattern_descriptor` a value that does not match shows the raw regex as the error."""
    missing = [path for path, schema in walk_schemas(load_spec(connector)["connectionSpecification"])
               if "pattern" in schema and not schema.get("pattern_descriptor")]

    assert missing == []


@pytest.mark.parametrize("connector", SPECS)
def test_spec_examples_use_https(connector):
    """Issue 10 part 4: the examples a user copies from the form are https URLs."""
    plain = [f"{path}: {example}" for path, schema in walk_schemas(load_spec(connector)["connectionSpecification"])
             for example in schema.get("examples") or [] if isinstance(example, str) and example.startswith("http://")]

    assert plain == []
