"""After two syncs through the real subprocesses, Unique's keys and updatedAt equal Confluence's truth,
and the second sync's summary reports exactly the changes made (items skipped by rule apart)."""

import json

import pytest

from demo.pipeline import (
    child_env, configured_catalog, destination_config, discover, expected_from_truth, source_config, stored_in_unique, sync,
)
from demo.run import expected_changes, mutations, reported_changes
from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique


@pytest.mark.timeout(600)
def test_given_two_syncs_around_confluence_changes_then_unique_equals_the_confluence_truth(tmp_path):
    env = child_env(tmp_path / "staging")
    with running_confluence(mode="cloud", profile="tiny") as confluence, running_unique(tmp_path) as unique:
        truth = confluence.truth()
        (tmp_path / "source.json").write_text(json.dumps(source_config(confluence.base_url)))
        (tmp_path / "destination.json").write_text(json.dumps(
            destination_config(unique.base_url, truth["cloud_id"], confluence.base_url)))
        (tmp_path / "catalog.json").write_text(json.dumps(configured_catalog(discover(tmp_path, env))))
        first = sync(tmp_path, env, "sync1")
        ops = mutations(truth)
        confluence.mutate(ops)
        second = sync(tmp_path, env, "sync2")
        expected, actual = expected_from_truth(confluence.truth()), stored_in_unique(unique.state())

    assert first["errors"] == [] and second["errors"] == [], second["errors"]
    assert second["summary"]["status"] == "succeeded"
    assert actual == expected
    assert reported_changes(second["summary"]) == expected_changes(truth, ops)
    # items skipped by rule are reported apart and never counted as changes
    assert first["summary"]["skipped"] > 0 and first["summary"]["skipped_reasons"]
    assert first["summary"]["succeeded"] + first["summary"]["skipped"] == first["summary"]["total"]
    assert sum(space["new"] for space in first["summary"]["spaces"].values()) == first["summary"]["succeeded"]
