"""The CDK's standard image tests (DockerConnectorTestSuite, `-m image_tests`) for destination-unique.

The suite's connector root is ./destination-unique/ (its name marks a destination for the CDK).
Its configs are integration_tests/destination/configs/ with the placeholder host bound to a Unique
emulator started for this module; the CDK runs plain `docker run`, which `make image-test` gives
host networking through integration_tests/images/docker-shim/. The image under test is
DESTINATION_IMAGE, whatever --connector-image says (that option names the source image).
Only the CDK's image tests of the suite run here (conftest.py deselects its in-process tests, which
integration_tests/destination/test_standard_suite.py runs in `make test`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from airbyte_cdk.test import standard_tests

from destination_unique import DestinationUnique
from emulators.unique.testing import running_unique
from integration_tests.images.docker_runs import DESTINATION_IMAGE

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]

ROOT = Path(__file__).resolve().parent / "destination-unique"
SOURCE_CONFIGS = Path(__file__).resolve().parents[1] / "destination" / "configs"
PLACEHOLDER = "http://unique-emulator.invalid"


@pytest.fixture(scope="module", autouse=True)
def bound_configs(tmp_path_factory):
    with running_unique(tmp_path_factory.mktemp("unique")) as emulator:
        configs = ROOT / "configs"
        shutil.rmtree(configs, ignore_errors=True)
        configs.mkdir()
        for source in sorted(SOURCE_CONFIGS.glob("*.json")):
            text = source.read_text().replace(PLACEHOLDER, emulator.base_url)
            json.loads(text)
            (configs / source.name).write_text(text)
        yield emulator
        shutil.rmtree(configs, ignore_errors=True)


class TestDestinationUniqueImage(standard_tests.DestinationTestSuiteBase):
    connector = DestinationUnique

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return ROOT

    @pytest.fixture
    def connector_image_override(self, destination_image) -> str:
        return DESTINATION_IMAGE
