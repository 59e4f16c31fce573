"""A bad config is refused before anything is built, with the field's name, what is wrong and how to fix it."""
import json

import pytest

from source_confluence.components.config_and_state.config_validation import config_problems, invalid_config_message
from source_confluence.run import packaged_manifest, run

from .builders.config import ConfigBuilder

SPEC = packaged_manifest()["spec"]["connection_specification"]


def problems_of(**changes):
    return config_problems(ConfigBuilder().with_(**changes).build(), SPEC)


@pytest.mark.parametrize("config", [
    ConfigBuilder().build(),
    ConfigBuilder().data_center().build(),
    ConfigBuilder().data_center(auth="dc_basic").build(),
    ConfigBuilder().with_credentials(auth_type="oauth2", client_id="c", client_secret="s", refresh_token="r").build(),
    ConfigBuilder().with_(domain_name="http://127.0.0.1:8080", cql_pages_clause='title ~ "a (b"', start_date="",
                          lookback_window="P1D", user_timezone="", space_keys=["ENG"]).build(),
    ConfigBuilder().with_(domain_name="https://wiki.corp.example/confluence/", lookback_window="").build(),
    ConfigBuilder().with_(cql_pages_clause='title ~ "say \\"hi\\" (x" AND space = ENG').build(),  # escaped quotes
    {"domain_name": "acme.atlassian.net", "email": "e@x", "api_token": "t"},  # the official connector's flat form
], ids=["cloud", "dc_pat", "dc_basic", "oauth2", "options", "dc_url", "escaped_quotes", "legacy_flat"])
def test_given_valid_config_then_no_problem(config):
    assert config_problems(config, SPEC) == []


@pytest.mark.parametrize("changes, expected", [
    ({"domain_name": ""}, "domain_name: is empty"),
    ({"domain_name": "   "}, "domain_name: is empty"),
    ({"domain_name": 12345}, "domain_name: must be a string (got a number)"),
    ({"domain_name": "ftp://127.0.0.1:1"}, "domain_name: must be a host name or an http(s) URL, not ftp://"),
    ({"domain_name": "not a host"}, "domain_name: must be a host name or URL without spaces"),
    ({"domain_name": "https://"}, "domain_name: has no valid host name"),
    ({"domain_name": "http://127.0.0.1:port"}, "domain_name: has an invalid port"),
    ({"domain_name": "https://me:pw@acme.atlassian.net"}, "domain_name: must not contain a user name or password"),
    ({"deployment_type": "server"}, "deployment_type: must be one of cloud, datacenter (got 'server')"),
    ({"user_timezone": "Mars/Olympus_Mons"}, "user_timezone: 'Mars/Olympus_Mons' is not a known IANA time zone"),
    ({"user_timezone": "../etc/passwd"}, "user_timezone: '../etc/passwd' is not a known IANA time zone"),
    ({"start_date": "yesterday"}, "start_date: must be a UTC date-time like 2020-01-01T00:00:00Z (got 'yesterday')"),
    ({"start_date": "2020-13-45T00:00:00Z"}, "start_date: must be a UTC date-time like 2020-01-01T00:00:00Z"),
    ({"lookback_window": "ten minutes"}, "lookback_window: must be a non-negative ISO-8601 duration like PT10M"),
    ({"lookback_window": "-PT10M"}, "lookback_window: must not be negative (got '-PT10M')"),
    ({"lookback_window": 600}, "lookback_window: must be a string: a non-negative ISO-8601 duration like PT10M"),
    ({"page_size": 0}, "page_size: must be at least 1 (got 0)"),
    ({"page_size": 100000}, "page_size: must be at most 250 (got 100000)"),
    ({"page_size": "many"}, "page_size: must be an integer (got a string)"),
    ({"num_workers": 0}, "num_workers: must be at least 1 (got 0)"),
    ({"num_workers": 2.5}, "num_workers: must be an integer (got a number)"),  # the Airbyte form lets it through
    ({"read_timeout_seconds": 0}, "read_timeout_seconds: must be at least 1 (got 0)"),
    ({"space_keys": "ENG"}, "space_keys: must be an array (a JSON list) (got a string)"),
    ({"space_keys": ["ENG", 7]}, "space_keys[1]: must be a string (got a number)"),
    ({"record_format": "v3"}, "record_format: must be one of v2, v1 (got 'v3')"),
    ({"attachments": {"max_size_mb": -1}}, "attachments.max_size_mb: must be at least 0 (got -1)"),
    ({"cql_pages_clause": "space = ENG ORDER BY title"}, "cql_pages_clause must not contain ORDER BY"),
    ({"cql_pages_clause": "space = ENG) OR (type = page"}, "cql_pages_clause has unbalanced parentheses"),
    ({"cql_pages_clause": "title ~ 'x\\'"}, "cql_pages_clause has an unterminated quoted string"),
])
def test_given_malformed_field_then_the_problem_names_it(changes, expected):
    problems = problems_of(**changes)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize("credentials, expected", [
    (None, "credentials: is required: choose how to authenticate (auth_type api_token, scoped_token, oauth2, dc_pat, dc_basic)"),
    ("token", "credentials: must be an object (got a string)"),
    ({"email": "e@x", "api_token": "t"}, "credentials.auth_type: must be one of api_token, scoped_token, oauth2, dc_pat, dc_basic (missing)"),
    ({"auth_type": "magic"}, "credentials.auth_type: must be one of api_token, scoped_token, oauth2, dc_pat, dc_basic (got 'magic')"),
    ({"auth_type": "api_token", "email": "e@x"}, "credentials.api_token: is required"),
    ({"auth_type": "api_token", "email": "e@x", "api_token": " "}, "credentials.api_token: is empty"),
    ({"auth_type": "api_token", "email": ["e@x"], "api_token": "t"}, "credentials.email: must be a string (got an array)"),
    ({"auth_type": "dc_pat", "personal_access_token": 12}, "credentials.personal_access_token: must be a string (got a number)"),
])
def test_given_malformed_credentials_then_the_problem_names_the_field_of_the_chosen_auth_type(credentials, expected):
    config = ConfigBuilder().build()
    config.pop("credentials")
    if credentials is not None:
        config["credentials"] = credentials
    assert config_problems(config, SPEC) == [expected]


def test_given_secret_field_faulted_then_its_value_is_never_shown():
    spec = {"type": "object", "properties": {
        "token": {"type": "string", "pattern": "^tok-", "airbyte_secret": True},
        "kind": {"type": "string", "enum": ["a", "b"], "airbyte_secret": True}}}
    problems = config_problems({"domain_name": "acme.atlassian.net", "token": "s3cr3t", "kind": "s3cr3t"}, spec)
    assert problems == ["kind: must be one of a, b", "token: must be text matching ^tok-",
                        "credentials: is required: choose how to authenticate"]


def test_given_several_problems_then_each_is_reported_once():
    problems = problems_of(deployment_type="server", page_size=0, user_timezone="Nowhere/Else")
    assert [problem.split(":")[0] for problem in problems] == ["deployment_type", "page_size", "user_timezone"]
    assert invalid_config_message(problems).startswith("Invalid configuration (3 problems): deployment_type: ")


def test_given_field_faulted_by_the_schema_then_it_is_not_checked_again():
    assert problems_of(start_date="yesterday") == [
        "start_date: must be a UTC date-time like 2020-01-01T00:00:00Z (got 'yesterday')"]


def test_given_config_that_is_not_an_object_then_one_problem():
    assert config_problems(["domain_name"], SPEC) == ["the config must be a JSON object (got an array)"]


def _run(command, tmp_path, capsys, config):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    exit_code = 0
    try:
        run([command, "--config", str(path)] + (["--catalog", str(_catalog(tmp_path))] if command == "read" else []))
    except SystemExit as stop:
        exit_code = stop.code
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return exit_code, messages


def _catalog(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"streams": [{"stream": {"name": "pages", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                                            "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}))
    return path


def test_given_malformed_config_when_checking_then_failed_status_and_no_traceback(tmp_path, capsys):
    exit_code, messages = _run("check", tmp_path, capsys, ConfigBuilder().with_(domain_name=12345).build())
    assert exit_code == 0
    assert messages == [{"type": "CONNECTION_STATUS", "connectionStatus": {
        "status": "FAILED", "message": "Invalid configuration: domain_name: must be a string (got a number)"}}]


def test_given_malformed_config_when_reading_then_config_error_trace_and_exit_1(tmp_path, capsys):
    exit_code, messages = _run("read", tmp_path, capsys, ConfigBuilder().with_(user_timezone="Mars/X").build())
    assert exit_code == 1
    [error] = [message["trace"]["error"] for message in messages if message["type"] == "TRACE"]
    assert error["failure_type"] == "config_error" and not error.get("stack_trace")
    assert error["message"].startswith("Error starting the sync: Invalid configuration: user_timezone: 'Mars/X'")


# ── HTTPS only (issue 10 part 4) ───────────────────────────────────────
@pytest.mark.parametrize("config", [
    ConfigBuilder().with_(domain_name="https://acme.atlassian.net").build(),
    ConfigBuilder().with_(domain_name="acme.atlassian.net").build(),  # https is assumed
    ConfigBuilder().with_(domain_name="http://localhost:8090").build(),  # loopback: tests, demo, a local tunnel
    ConfigBuilder().with_(domain_name="http://[::1]:8090").build(),
    ConfigBuilder().data_center().with_(domain_name="https://wiki.corp.example/confluence").build(),
    ConfigBuilder().data_center().with_(domain_name="http://127.0.0.5:8090/confluence").build(),
    ConfigBuilder().data_center().with_(domain_name="http://wiki.corp.example", allow_insecure_http=True).build(),
    ConfigBuilder().with_credentials(auth_type="oauth2", client_id="c", client_secret="s", refresh_token="r",
                                     token_url="http://127.0.0.1:9/oauth/token", gateway_url="http://127.0.0.1:9").build(),
], ids=["cloud_https", "cloud_host", "localhost", "ipv6_loopback", "dc_https", "dc_loopback", "dc_opt_in", "oauth_loopback"])
def test_given_https_or_loopback_or_opt_in_then_no_problem(config):
    assert config_problems(config, SPEC) == []


@pytest.mark.parametrize("config, expected", [
    (ConfigBuilder().with_(domain_name="http://acme.atlassian.net").build(),
     "domain_name: must use https: Confluence Cloud is served over https only"),
    (ConfigBuilder().with_(domain_name="http://acme.atlassian.net", allow_insecure_http=True).build(),
     "domain_name: must use https: Confluence Cloud is served over https only"),  # the opt-in is Data Center's
    (ConfigBuilder().data_center().with_(domain_name="http://wiki.corp.example/confluence").build(),
     "domain_name: is a plain http URL: the credentials and every page would cross the network unencrypted"),
    (ConfigBuilder().data_center().with_(domain_name="http://wiki.corp.example", allow_insecure_http="yes").build(),
     "allow_insecure_http: must be true or false"),
    (ConfigBuilder().with_credentials(auth_type="oauth2", client_id="c", client_secret="s", refresh_token="r",
                                      token_url="http://auth.example/oauth/token").build(),
     "credentials.token_url: must be an https:// URL"),
    (ConfigBuilder().with_credentials(auth_type="scoped_token", email="e@x", api_token="t",
                                      gateway_url="http://proxy.example").build(),
     "credentials.gateway_url: must be an https:// URL"),
], ids=["cloud_http", "cloud_http_opt_in_ignored", "dc_http", "opt_in_not_boolean", "token_url_http", "gateway_http"])
def test_given_plain_http_outside_loopback_then_refused_with_the_way_out(config, expected):
    problems = config_problems(config, SPEC)
    assert problems and problems[0].startswith(expected), problems
    assert all(problem.startswith(("domain_name:", "credentials.", "allow_insecure_http:")) for problem in problems)


def test_given_plain_http_data_center_url_when_checking_then_failed_status_names_the_opt_in(tmp_path, capsys):
    config = ConfigBuilder().data_center().with_(domain_name="http://wiki.corp.example").build()

    exit_code, messages = _run("check", tmp_path, capsys, config)

    assert exit_code == 0 and messages[0]["connectionStatus"]["status"] == "FAILED"
    assert "set allow_insecure_http to true" in messages[0]["connectionStatus"]["message"]
