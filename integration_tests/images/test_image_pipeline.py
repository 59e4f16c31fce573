"""The full pipeline through the images: `docker run source read | docker run -i destination write`,
two syncs around changes made in Confluence, against both emulators on the host's loopback; Unique's
state must then equal Confluence's truth (the comparison of demo/pipeline.py, as in
integration_tests/destination/test_destination_demo_truth_e2e.py for the venv's executables)."""

from __future__ import annotations

import json

import pytest

from demo.pipeline import configured_catalog, destination_config, expected_from_truth, source_config, stored_in_unique
from demo.run import mutations
from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique
from integration_tests.images.docker_runs import SOURCE_IMAGE, WORK, of_type, run_command, sync

pytestmark = pytest.mark.image_tests


@pytest.mark.timeout(900)
def test_two_docker_syncs_leave_unique_equal_to_the_confluence_truth(source_image, destination_image, tmp_path):
    work, staging = tmp_path / "work", tmp_path / "staging"
    work.mkdir()
    with running_confluence(mode="cloud", profile="tiny") as confluence, running_unique(tmp_path / "unique") as unique:
        truth = confluence.truth()
        (work / "source.json").write_text(json.dumps(source_config(confluence.base_url)))
        (work / "destination.json").write_text(json.dumps(
            destination_config(unique.base_url, truth["cloud_id"], confluence.base_url)))
        discovered = run_command(SOURCE_IMAGE, ["discover", "--config", f"{WORK}/source.json"], work=work)
        (work / "catalog.json").write_text(json.dumps(configured_catalog(of_type(discovered.stdout, "CATALOG")[0]["catalog"])))

        first = sync(work, staging, "sync1")
        confluence.mutate(mutations(truth))
        second = sync(work, staging, "sync2")
        expected, actual = expected_from_truth(confluence.truth()), stored_in_unique(unique.state())

    assert first["exit_codes"] == (0, 0) and second["exit_codes"] == (0, 0), (first, second)
    assert first["errors"] == [] and second["errors"] == [], second["errors"]
    assert first["records"].get("attachments"), "the attachments (file transfer through the shared staging folder)"
    assert second["summary"]["status"] == "succeeded"
    assert actual == expected
