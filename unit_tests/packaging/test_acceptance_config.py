"""acceptance-test-config.yml is what airbyte-ci's acceptance tests (CAT) need at `high` strictness, and
the CAT rules that the CDK's standard tests do not run are checked here (issue 10 part 3).

CAT's rules, as its conftest.py and tests/test_core.py, test_incremental.py state them: at `high`
strictness every `basic_read` entry has `expect_records` (a path, or a bypass reason) and no custom
configured catalog (every discovered stream is read), every stream of that read has expected records
unless it is declared in `empty_streams` with a bypass reason, `validate_schema` stays on, ignored fields
carry a bypass reason, and every `incremental` entry has a `future_state` (a state file with values in the
far future, or a bypass reason) naming every incremental stream or declaring it missing with a reason.
test_oauth_is_default_method: when `advanced_auth` has a predicate, the first option of that `oneOf`
must be the OAuth one, unless the spec entry declares `auth_default_method: {oauth: false, bypass_reason}`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from airbyte_cdk.models import AirbyteMessageSerializer
from airbyte_cdk.test.models.scenario import entry_key_problems

from integration_tests.source.against_emulator import acceptance_config
from unit_tests.packaging.connector_files import metadata, source_spec, source_stream_names

CONFIG = acceptance_config.load()
SECTIONS = ("spec", "connection", "discovery", "basic_read", "full_refresh", "incremental")
DEPLOYMENTS = ("cloud_admin_config.json", "datacenter_admin_config.json")


def entries(section: str) -> list[dict]:
    return acceptance_config.entries(CONFIG, section)


def test_the_image_under_test_is_the_dev_build_of_the_metadata_repository():
    assert CONFIG["connector_image"] == f"{metadata('source-confluence')['data']['dockerRepository']}:dev"
    assert CONFIG["test_strictness_level"] == "high"


def test_every_section_is_configured_for_cloud_and_data_center():
    assert set(CONFIG["acceptance_tests"]) == set(SECTIONS)
    for section in ("connection", "discovery", "basic_read", "full_refresh", "incremental"):
        paths = [Path(entry["config_path"]).name for entry in entries(section)]
        assert all(deployment in paths for deployment in DEPLOYMENTS), section
    assert {entry.get("status", "succeed") for entry in entries("connection")} == {"succeed", "failed"}


def test_basic_read_follows_the_high_strictness_rules():
    for entry in entries("basic_read"):
        expect = entry["expect_records"]
        assert acceptance_config.expected_records_path(entry).is_file() and "bypass_reason" not in expect
        assert isinstance(expect.get("exact_order", False), bool)
        assert "configured_catalog_path" not in entry, "at high strictness CAT reads every discovered stream"
        assert entry.get("validate_schema", True) is True
        assert all(stream.get("bypass_reason") for stream in entry.get("empty_streams", []))
    for entry in entries("full_refresh"):
        assert all(field.get("bypass_reason") for fields in (entry.get("ignored_fields") or {}).values() for field in fields)


def test_the_expected_records_are_in_cats_format_and_cover_every_default_stream():
    default_streams = source_stream_names() - {"page_versions", "space_permissions", "content_restrictions",
                                               "content_labels"}  # opt-in streams are not discovered by default
    for entry in entries("basic_read"):
        lines = acceptance_config.expected_records_path(entry).read_text().splitlines()
        messages = [AirbyteMessageSerializer.load({"type": "RECORD", "record": json.loads(line)}).record for line in lines]
        empty = {stream["name"] for stream in entry.get("empty_streams", [])}

        assert {message.stream for message in messages} == default_streams - empty
        assert all(message.data.get("id") is not None for message in messages)


def test_incremental_covers_pages_and_blog_posts_with_a_declared_future_state_rule():
    for entry in entries("incremental"):
        catalog = json.loads((acceptance_config.REPO_ROOT / entry["configured_catalog_path"]).read_text())
        incremental = {stream["stream"]["name"] for stream in catalog["streams"] if stream["sync_mode"] == "incremental"}
        future = entry["future_state"]

        assert incremental == {"pages", "blog_posts"}
        assert future.get("bypass_reason") or future.get("future_state_path")
        assert all(stream.get("bypass_reason") for stream in future.get("missing_streams", []))
        assert "test_a_future_cursor_is_dropped_and_the_stream_read_in_full" in future["bypass_reason"]


def test_the_cdk_standard_tests_get_the_file_without_exactly_the_cat_only_keys():
    """The CDK rejects the keys of checks it does not run; only those are removed for it, nothing else."""
    raw_problems = [problem for section in acceptance_config.CDK_SECTIONS for entry in entries(section)
                    for problem in entry_key_problems(entry, (section,))]
    cdk_view = acceptance_config.for_cdk(CONFIG)
    cdk_problems = [problem for section in acceptance_config.CDK_SECTIONS
                    for entry in acceptance_config.entries(cdk_view, section)
                    for problem in entry_key_problems(entry, (section,))]

    assert raw_problems and all(problem.split("`")[1] in acceptance_config.CAT_ONLY_KEYS for problem in raw_problems)
    assert cdk_problems == []


def test_oauth_is_the_default_method_or_bypassed():
    """CAT's test_oauth_is_default_method: the first `credentials` option must be the advanced_auth one."""
    spec = source_spec()
    advanced_auth = spec["advanced_auth"]
    key, *path_in_option = advanced_auth["predicate_key"]
    first_option = spec["connectionSpecification"]["properties"][key]["oneOf"][0]
    default_method = first_option["properties"][path_in_option[0]]["const"]
    declared = [entry["auth_default_method"] for entry in entries("spec") if "auth_default_method" in entry]

    if default_method == advanced_auth["predicate_value"]:
        assert not declared, "OAuth is the default method: the declared bypass is stale, remove it"
    else:
        assert declared and declared[0]["oauth"] is False and declared[0]["bypass_reason"].strip(), (
            f"the default method is {default_method}: put OAuth first or declare a bypass with its reason")


@pytest.mark.parametrize("connector", ["source-confluence", "destination-unique"])
def test_objects_are_not_empty_as_cat_defines_it(connector):
    """CAT's test_object_not_empty: every `type: object` below the root has properties or a oneOf."""
    from unit_tests.packaging.connector_files import destination_spec

    spec = source_spec() if connector == "source-confluence" else destination_spec()
    empty = []

    def visit(node, path):
        if isinstance(node, dict):
            if path and node.get("type") == "object" and "oneOf" not in node and not node.get("properties"):
                empty.append(path)
            for key, value in node.items():
                visit(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, f"{path}/{index}")

    visit(spec["connectionSpecification"], "")
    assert empty == []
