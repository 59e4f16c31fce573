"""The intent of Airbyte's connector QA checks, kept in `make test` (issue 10 part 4).

`make qa` runs the checks themselves (airbyte-internal-ops' connector_qa; qa/run.py). Some of them read
Poetry's `tool.poetry` tables or Airbyte's monorepo history, which this uv-locked two-connector project does
not have; their intent is checked here on what the project does have, together with the rules that a
regression must not slip past between two `make qa` runs (docs template headers, changelog rows).
"""

from __future__ import annotations

import re
import tomllib

import pytest

from unit_tests.packaging.connector_files import REPO_ROOT, metadata

CONNECTORS = {"source-confluence": "docs/source-confluence.md", "destination-unique": "docs/destination-unique.md"}
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
# Airbyte's page template (connector_qa/checks/documentation/templates/template.md.j2): the required
# headers, in order, that CheckDocumentationHeadersOrder enforces; other headers may sit between them.
REQUIRED_HEADERS = ("{name}", "Prerequisites", "Setup guide", "Set up {name}", "Supported sync modes",
                    "Supported Streams", "IP allow list", "Changelog")
CHANGELOG_HEADER = re.compile(r"^\|\s*Version\s*\|\s*Date\s*\|\s*Pull Request\s*\|\s*Subject\s*\|$", re.M)


def docs(connector: str) -> str:
    return (REPO_ROOT / CONNECTORS[connector]).read_text()


@pytest.mark.parametrize("connector", CONNECTORS)
def test_the_image_tag_is_the_package_version_and_the_licenses_agree(connector):
    data = metadata(connector)["data"]

    assert data["dockerImageTag"] == PYPROJECT["version"]
    assert data["license"] == PYPROJECT["license"]["text"]


@pytest.mark.parametrize("connector", CONNECTORS)
def test_pypi_publishing_is_declared_with_the_projects_package(connector):
    pypi = metadata(connector)["data"]["remoteRegistries"]["pypi"]

    assert pypi == {"enabled": True, "packageName": PYPROJECT["name"]}


@pytest.mark.parametrize("connector, tag", [("source-confluence", "cdk:low-code"), ("destination-unique", "cdk:python")])
def test_the_cdk_tag_says_how_the_connector_is_built(connector, tag):
    assert tag in metadata(connector)["data"]["tags"]


@pytest.mark.parametrize("connector", CONNECTORS)
def test_the_docs_follow_airbytes_page_template(connector):
    name = metadata(connector)["data"]["name"]
    headers = [line.lstrip("#").strip() for line in docs(connector).splitlines() if re.match(r"#{1,3} ", line)]
    required = [header.format(name=name) for header in REQUIRED_HEADERS]

    positions = [headers.index(header) if header in headers else -1 for header in required]
    assert -1 not in positions, dict(zip(required, positions))
    assert positions == sorted(positions) and headers[0] == name


@pytest.mark.parametrize("connector", CONNECTORS)
def test_the_current_version_has_a_changelog_row_in_airbytes_table(connector):
    changelog = docs(connector).split("\n## Changelog\n", 1)[1]
    version = metadata(connector)["data"]["dockerImageTag"]

    assert CHANGELOG_HEADER.search(changelog)
    assert re.search(rf"^\|\s*{re.escape(version)}\s*\|\s*\d{{4}}-\d{{2}}-\d{{2}}\s*\|[^|]*\|\s*\S[^|]*\|$", changelog, re.M)
    assert "<summary>Expand to review</summary>" in changelog
