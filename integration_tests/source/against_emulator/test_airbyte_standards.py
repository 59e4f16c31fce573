"""The CDK 7 standard tests (SourceTestSuiteBase) in-process, from the repo-root acceptance-test-config.yml.

The file is in the form airbyte-ci's acceptance tests read at `high` strictness; the suite gets it without
the keys of the checks it does not run (acceptance_config.for_cdk), which test_acceptance_rules.py runs.

A session fixture starts one Cloud and one Data Center emulator for this worker and writes the
config files the YAML points at. The files name the emulator's port; under xdist two workers write
the same paths, so `create_connector` binds each scenario to *this* worker's emulator (the file's
`domain_name` says which mode; the source is built WITH its config, airbyte-cdk-notes §4.3 B).
"""
import json
from pathlib import Path

import pytest
from airbyte_cdk.test import standard_tests
from boltons.typeutils import classproperty
from airbyte_cdk.test.models import ConnectorTestScenario

from emulators.confluence.testing import running_confluence
from source_confluence import SourceConfluence

from . import acceptance_config
from .harness import config_for

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]
ACCEPTANCE_DIR = Path(__file__).resolve().parents[2] / "acceptance"
EMULATORS: dict = {}


def _write(name: str, config: dict) -> None:
    ACCEPTANCE_DIR.mkdir(parents=True, exist_ok=True)
    (ACCEPTANCE_DIR / name).write_text(json.dumps(config, indent=2))


@pytest.fixture(scope="session", autouse=True)
def acceptance_emulators():
    profile = acceptance_config.PROFILE
    with running_confluence(mode="cloud", profile=profile) as cloud, \
            running_confluence(mode="datacenter", profile=profile, context_path="/confluence") as dc:
        EMULATORS.update(cloud=cloud, datacenter=dc)
        _write("cloud_admin_config.json", config_for(cloud))
        _write("datacenter_admin_config.json", config_for(dc))
        _write("invalid_credentials_config.json",
               {**config_for(cloud), "credentials": {"auth_type": "api_token", "email": "demo@example.com",
                                                      "api_token": "not-the-token"}})
        yield EMULATORS
        EMULATORS.clear()


class TestSourceConfluenceStandardSuite(standard_tests.SourceTestSuiteBase):
    connector = SourceConfluence

    @classproperty
    def acceptance_test_config(cls):
        return acceptance_config.for_cdk(acceptance_config.load())

    @classmethod
    def create_connector(cls, scenario: ConnectorTestScenario | None) -> SourceConfluence:
        config = scenario.get_config_dict(connector_root=cls.get_connector_root_dir(), empty_if_missing=True) if scenario else {}
        if config and EMULATORS:
            emulator = EMULATORS[config.get("deployment_type", "cloud")]
            config = {**config, "domain_name": emulator.base_url}
            for key in ("gateway_url", "token_url"):
                if key in config.get("credentials", {}):
                    config["credentials"][key] = config["credentials"][key].replace(
                        config["credentials"][key].split("/oauth")[0], emulator.origin)
        return SourceConfluence(None, config or None, None)
