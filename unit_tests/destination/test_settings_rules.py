"""Config rules of destination-unique that the spec alone cannot say (issue 10 parts 4 and 8).

HTTPS only for Unique's external endpoints, the in-cluster service URLs and loopback excepted; the
Confluence instance from the 0.2.0 `confluence_instance` oneOf or from the flat fields of 0.1.0.
"""

from __future__ import annotations

import pytest

from destination_unique.settings import ConfigError, parse_settings
from unit_tests.destination.destination_builders import CLOUD_ID, ConfigBuilder

GATEWAY = "https://gateway.acme.unique.app"


def client_credentials_config(ingestion_url=f"{GATEWAY}/ingestion", scope_url=f"{GATEWAY}/scope-management",
                              token_url="https://auth.acme.unique.app/oauth/v2/token") -> dict:
    return ConfigBuilder(ingestion_url, scope_url).client_credentials(token_url).build()


@pytest.mark.parametrize("config", [
    client_credentials_config(),
    client_credentials_config("http://127.0.0.1:8091", "http://127.0.0.1:8094", "http://127.0.0.1:8091/oauth/v2/token"),
    client_credentials_config("http://localhost:8091", "http://[::1]:8094", "http://localhost:8091/token"),
    ConfigBuilder("http://node-ingestion.unique:8091", "http://node-scope-management.unique:8094").build(),  # in-cluster
], ids=["gateway_https", "loopback", "localhost_and_ipv6", "in_cluster_service_urls"])
def test_given_https_loopback_or_in_cluster_urls_then_accepted(config):
    assert parse_settings(config).ingestion_url.startswith(("https://", "http://"))


@pytest.mark.parametrize("config, field", [
    (client_credentials_config(ingestion_url="http://gateway.acme.unique.app/ingestion"), "ingestion_url"),
    (client_credentials_config(scope_url="http://gateway.acme.unique.app/scope-management"), "scope_management_url"),
    (client_credentials_config(token_url="http://auth.acme.unique.app/oauth/v2/token"), "credentials.token_url"),
], ids=["ingestion", "scope_management", "token_url"])
def test_given_plain_http_gateway_with_client_credentials_then_clear_config_error(config, field):
    with pytest.raises(ConfigError) as error:
        parse_settings(config)

    assert f"Config field '{field}' must be an https:// URL" in error.value.message
    assert "in_cluster" in error.value.message
    assert "demo-secret" not in error.value.message


@pytest.mark.parametrize("changes, expected", [
    ({"confluence_instance": {"instance_type": "cloud", "instance_id": " cloud-9 "}}, ("cloud", "cloud-9")),
    ({"confluence_instance": {"instance_type": "data-center"}}, ("data-center", None)),
    ({"confluence_instance": {"instance_type": "data-center", "instance_id": "dc-1"}}, ("data-center", "dc-1")),
    ({}, ("cloud", CLOUD_ID)),  # the flat fields of 0.1.0 (the builder's shape)
    ({"confluence_instance_type": "data-center", "confluence_instance_id": ""}, ("data-center", None)),
], ids=["cloud", "dc_without_id", "dc_with_id", "flat_cloud", "flat_dc"])
def test_the_confluence_instance_is_read_from_the_new_and_the_old_shape(changes, expected):
    settings = parse_settings(ConfigBuilder().with_(**changes).build())

    assert (settings.instance_type, settings.instance_id) == expected


@pytest.mark.parametrize("changes, expected", [
    ({"confluence_instance": {"instance_type": "cloud"}}, "confluence_instance.instance_id is required for Cloud"),
    ({"confluence_instance": {"instance_type": "server"}}, "Confluence instance type 'server' is invalid"),
    ({"confluence_instance": "cloud"}, "confluence_instance must be an object"),
    ({"confluence_instance_id": None}, "confluence_instance_id is required for Cloud"),
], ids=["cloud_without_id", "bad_type", "not_an_object", "flat_cloud_without_id"])
def test_given_incomplete_confluence_instance_then_clear_config_error(changes, expected):
    with pytest.raises(ConfigError) as error:
        parse_settings(ConfigBuilder().with_(**changes).build())

    assert expected in error.value.message


def test_page_ingestion_config_is_passed_through_with_keys_the_form_does_not_show():
    page_config = {"htmlConfig": {"imageContentExtraction": {"enabled": True, "languageModel": "AZURE_GPT_4o_2024_1120"}},
                   "chunkStrategy": "UNIQUE_DEFAULT_CHUNKING"}

    assert parse_settings(ConfigBuilder().with_(page_ingestion_config=page_config).build()).page_ingestion_config == page_config


@pytest.mark.parametrize("changes", [{"concurrency": 2.5}, {"max_file_size_mb": 1.5}, {"http_max_retries": True}])
def test_given_a_fraction_for_an_integer_field_then_clear_config_error(changes):
    """The Airbyte form does not check integer-ness (schemaToYup.ts), so the destination does."""
    with pytest.raises(ConfigError) as error:
        parse_settings(ConfigBuilder().with_(**changes).build())

    assert f"Config field '{next(iter(changes))}' must be an integer" in error.value.message
