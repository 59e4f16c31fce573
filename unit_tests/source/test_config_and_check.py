"""Config is validated and migrated before anything is read; `check` names the likely cause of a refusal."""
import json
import logging

import pytest
from airbyte_cdk.models import Status
from airbyte_cdk.test.entrypoint_wrapper import discover
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from source_confluence import SourceConfluence
from source_confluence.components.config_and_state.config_checks import cql_clause_problem
from source_confluence.components.config_and_state.site_urls import LegacyFlatCredentialsMigration, apply_site_urls

from .builders.config import ConfigBuilder
from .builders.requests import RequestBuilder
from .builders.responses import error, v2_page


def check(config):
    return SourceConfluence(None, config, None).check(logging.getLogger("airbyte"), config)


@pytest.mark.parametrize("clause", ["space = ENG ORDER BY title", "x = 1) OR (type = blogpost", "title ~ \"open", "(a = 1"])
def test_given_clause_that_reorders_or_escapes_when_checking_then_failed_with_reason(clause):
    status = check(ConfigBuilder().with_(cql_pages_clause=clause).build())
    assert status.status == Status.FAILED
    assert "cql_pages_clause" in status.message


@pytest.mark.parametrize("clause", ["space = ENG AND label = docs", 'title ~ "a (b" AND type = page', ""])
def test_given_harmless_clause_then_no_problem(clause):
    assert cql_clause_problem(clause) is None


def test_given_spaces_listing_answers_when_checking_then_succeeded():
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v2("spaces").with_params(limit=250, **{"description-format": "plain", "include-icon": "true"}).build(),
                 v2_page([{"id": "1", "key": "ENG", "name": "Eng", "type": "global", "status": "current", "_links": {"webui": "/spaces/ENG"}}]))
        assert check(ConfigBuilder().build()).status == Status.SUCCEEDED


@pytest.mark.parametrize("status_code, expected", [(401, "e-mail matches"), (403, "scoped API token")])
def test_given_credentials_refused_when_checking_then_message_names_likely_cause(status_code, expected):
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v2("spaces").with_params(limit=250, **{"description-format": "plain", "include-icon": "true"}).build(),
                 error(status_code))
        status = check(ConfigBuilder().build())
    assert status.status == Status.FAILED
    assert expected in status.message


def test_given_legacy_flat_config_then_it_becomes_api_token_credentials():
    config = {"domain_name": "acme.atlassian.net", "email": "e@x", "api_token": "t"}
    LegacyFlatCredentialsMigration().transform(config)
    assert config == {"domain_name": "acme.atlassian.net",
                      "credentials": {"auth_type": "api_token", "email": "e@x", "api_token": "t"}}


def test_given_legacy_flat_config_when_discovering_then_streams_are_listed():
    config = {"domain_name": "acme.atlassian.net", "email": "e@x", "api_token": "t"}
    output = discover(SourceConfluence(None, config, None), config)
    assert "pages" in {stream.name for stream in output.catalog.catalog.streams}


@pytest.mark.parametrize("domain, deployment, auth, api_root, web_base", [
    ("acme.atlassian.net", "cloud", "api_token", "https://acme.atlassian.net/wiki", "https://acme.atlassian.net/wiki"),
    ("https://acme.atlassian.net/wiki/", "cloud", "api_token", "https://acme.atlassian.net/wiki", "https://acme.atlassian.net/wiki"),
    ("http://127.0.0.1:8080", "cloud", "api_token", "http://127.0.0.1:8080/wiki", "http://127.0.0.1:8080/wiki"),
    ("https://wiki.corp/confluence/", "datacenter", "dc_pat", "https://wiki.corp/confluence", "https://wiki.corp/confluence"),
])
def test_given_domain_name_forms_then_api_root_and_web_base_follow(domain, deployment, auth, api_root, web_base):
    config = {"domain_name": domain, "deployment_type": deployment, "credentials": {"auth_type": auth}}
    apply_site_urls(config)
    assert (config["__api_root"], config["__web_base"]) == (api_root, web_base)


def test_given_scoped_token_when_building_then_cloud_id_comes_from_tenant_info_and_calls_use_gateway():
    config = ConfigBuilder().with_credentials(auth_type="scoped_token", email="demo@example.com", api_token="s",
                                              gateway_url="https://gw.example").build()
    with HttpMocker() as http:
        http.get(HttpRequest("https://acme.atlassian.net/_edge/tenant_info"), HttpResponse(json.dumps({"cloudId": "c-1"})))
        http.get(HttpRequest("https://gw.example/ex/confluence/c-1/wiki/api/v2/spaces",
                             query_params={"limit": 250, "description-format": "plain", "include-icon": "true"}),
                 v2_page([]))
        assert check(config).status == Status.SUCCEEDED
