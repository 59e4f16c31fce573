"""The CDK's DestinationTestSuiteBase (spec/config checks and `check`) run in-process.

The suite's connector root is this folder (it holds acceptance-test-config.yml), so the connector
class is named explicitly. Configs point at http://unique-emulator.invalid; `create_connector` binds
that placeholder to the Unique emulator this module starts. Run with -m "not image_tests".
"""

from __future__ import annotations

from typing import Any, Mapping

import pytest
from airbyte_cdk.test import standard_tests

from destination_unique import DestinationUnique
from emulators.unique.testing import running_unique

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]
PLACEHOLDER = "http://unique-emulator.invalid"


def _bind(value: Any, base_url: str) -> Any:
    if isinstance(value, str):
        return value.replace(PLACEHOLDER, base_url)
    if isinstance(value, Mapping):
        return {key: _bind(item, base_url) for key, item in value.items()}
    return value


class EmulatorBoundDestination(DestinationUnique):
    base_url = PLACEHOLDER

    def check(self, logger, config):
        return super().check(logger, _bind(config, self.base_url))

    def write(self, config, configured_catalog, input_messages):
        return super().write(_bind(config, self.base_url), configured_catalog, input_messages)


class TestDestinationUniqueStandardSuite(standard_tests.DestinationTestSuiteBase):
    connector = EmulatorBoundDestination

    @pytest.fixture(autouse=True)
    def unique_emulator(self, tmp_path):
        with running_unique(tmp_path) as emulator:
            EmulatorBoundDestination.base_url = emulator.base_url
            yield emulator

    @classmethod
    def create_connector(cls, scenario):
        return EmulatorBoundDestination()
