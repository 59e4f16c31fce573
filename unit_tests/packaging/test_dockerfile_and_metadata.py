"""Metadata against Airbyte's registry schema (ConnectorMetadataDefinitionV0) and the image's
entrypoint (issue #7 part 1). The image recipe's own rules: test_image_recipe.py; the built images
themselves: integration_tests/images/ (`make image-test`)."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlparse

import pytest
from airbyte_cdk.models.connector_metadata import ConnectorLanguage, MetadataFile
from unit_tests.packaging.connector_files import (
    METADATA_FILES,
    destination_spec,
    dockerfile_stages,
    metadata,
    placeholders,
    source_spec,
    source_stream_names,
)

CONNECTORS = ("source-confluence", "destination-unique")
# Keys of `data` that ConnectorMetadataDefinitionV0 allows (it sets additionalProperties: false).
REGISTRY_DATA_KEYS = {
    "name", "icon", "definitionId", "connectorBuildOptions", "connectorTestSuitesOptions", "connectorType",
    "dockerRepository", "dockerImageTag", "supportsDbt", "supportsNormalization", "license", "documentationUrl",
    "externalDocumentationUrls", "githubIssueLabel", "maxSecondsBetweenMessages", "releaseDate",
    "protocolVersion", "erdUrl", "connectorSubtype", "releaseStage", "supportLevel", "tags", "registryOverrides",
    "allowedHosts", "releases", "normalizationConfig", "suggestedStreams", "resourceRequirements", "ab_internal",
    "remoteRegistries", "supportsRefreshes", "generated", "supportsFileTransfer", "supportsDataActivation",
    "connectorIPCOptions",
}
REQUIRED_STRINGS = ("name", "definitionId", "connectorType", "dockerRepository", "dockerImageTag", "license",
                    "documentationUrl", "githubIssueLabel", "connectorSubtype", "releaseStage", "supportLevel", "icon")


def final_stage():
    return dockerfile_stages()[-1]


def test_the_entrypoint_is_the_airbyte_entrypoint_and_the_image_runs_as_airbyte():
    stage = final_stage()
    entrypoint = json.loads(stage.all("ENTRYPOINT")[-1])
    environment = dict(
        re.match(r'(\w+)="?([^"]*)"?$', line).groups() for line in stage.all("ENV") if "=" in line
    )

    assert entrypoint == ["/airbyte/entrypoint.sh"]
    assert environment["AIRBYTE_ENTRYPOINT"] == " ".join(entrypoint)
    assert stage.all("USER")[-1] == "airbyte"
    assert [name for name, _ in stage.instructions][-2:].count("USER") >= 1, "USER airbyte comes last"


@pytest.mark.parametrize("connector", CONNECTORS)
def test_metadata_has_every_field_the_registry_expects_with_its_type(connector):
    document = metadata(connector)
    data = document["data"]

    assert document["metadataSpecVersion"] == "1.0"
    assert set(data) <= REGISTRY_DATA_KEYS, set(data) - REGISTRY_DATA_KEYS
    for key in REQUIRED_STRINGS:
        assert isinstance(data[key], str) and data[key], key
    assert uuid.UUID(data["definitionId"]).version == 4
    assert data["connectorType"] == connector.split("-")[0]
    assert data["dockerRepository"].split("/")[-1] == connector == data["githubIssueLabel"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["dockerImageTag"])
    assert data["releaseStage"] in {"alpha", "beta", "generally_available", "custom"}
    assert data["supportLevel"] in {"community", "certified", "archived"}
    assert data["connectorSubtype"] in {"api", "database", "datalake", "file", "custom", "message_queue",
                                        "unknown", "vectorstore"}
    assert urlparse(data["documentationUrl"]).scheme == "https"
    assert "language:python" in data["tags"] and any(tag.startswith("cdk:") for tag in data["tags"])
    assert all(isinstance(host, str) for host in data["allowedHosts"]["hosts"])
    assert MetadataFile.from_file(METADATA_FILES[connector]).data.language == ConnectorLanguage.PYTHON


def test_the_two_connectors_have_distinct_definition_ids_and_the_source_is_low_code():
    source, destination = (metadata(name)["data"] for name in CONNECTORS)

    assert source["definitionId"] != destination["definitionId"]
    assert "cdk:low-code" in source["tags"]


def test_the_destination_declares_file_transfer_support_for_attachments():
    assert metadata("destination-unique")["data"]["supportsFileTransfer"] is True


@pytest.mark.parametrize("connector", CONNECTORS)
def test_the_icon_is_an_svg_next_to_the_metadata(connector):
    icon = METADATA_FILES[connector].parent / metadata(connector)["data"]["icon"]

    root = ElementTree.parse(icon).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert icon.stat().st_size < 4096


@pytest.mark.parametrize("connector", CONNECTORS)
def test_allowed_hosts_placeholders_name_top_level_spec_properties(connector):
    """`${field}` in allowedHosts is filled from the config by the platform, so it must exist."""
    spec = source_spec() if connector == "source-confluence" else destination_spec()
    properties = spec["connectionSpecification"]["properties"]
    hosts = metadata(connector)["data"]["allowedHosts"]["hosts"]

    for name in (name for host in hosts for name in placeholders(host)):
        assert name in properties, f"allowedHosts uses ${{{name}}}, which is not a config property"


def test_suggested_streams_are_streams_the_source_declares():
    suggested = metadata("source-confluence")["data"]["suggestedStreams"]["streams"]

    assert suggested and set(suggested) <= source_stream_names()
