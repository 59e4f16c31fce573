"""Credentials matrix (contracts §1.3) with the real failure bodies (confluence-api.md §3.6)."""
import pytest
import requests

from emulators.confluence.testing import running_confluence

PAGES = "/wiki/api/v2/pages?limit=1"


@pytest.fixture(scope="module")
def emu():
    with running_confluence(profile="tiny") as running:
        yield running


def _gateway(emu, path=PAGES):
    return f"{emu.origin}/ex/confluence/{emu.truth()['cloud_id']}{path}"


@pytest.mark.parametrize("auth", [("demo@example.com", "demo-token"), ("viewer@example.com", "viewer-token")])
def test_given_classic_tokens_when_calling_the_site_then_200(emu, auth):
    assert requests.get(emu.origin + PAGES, auth=auth).status_code == 200


@pytest.mark.parametrize("auth", [("demo@example.com", "wrong"), ("demo@example.com", "demo-scoped-token"), None])
def test_given_wrong_scoped_or_missing_basic_on_the_site_then_the_measured_403(emu, auth):
    response = requests.get(emu.origin + PAGES, auth=auth)
    assert response.status_code == 403
    assert "Request rejected because caller cannot access Confluence" in response.json()["message"]


def test_given_an_unreadable_basic_header_then_tomcat_401_html(emu):
    response = requests.get(emu.origin + PAGES, headers={"Authorization": "Basic %%%not-base64"})
    assert response.status_code == 401 and "HTTP Status 401" in response.text


def test_given_a_scoped_token_on_the_gateway_then_200_and_a_classic_one_401(emu):
    assert requests.get(_gateway(emu), auth=("demo@example.com", "demo-scoped-token")).status_code == 200
    response = requests.get(_gateway(emu), auth=("demo@example.com", "demo-token"))
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "Unauthorized; scope does not match"}


def test_given_oauth_refresh_when_rotating_then_bearer_works_on_gateway_only_and_old_refresh_dies(emu):
    form = {"grant_type": "refresh_token", "client_id": "demo-client", "client_secret": "demo-client-secret",
            "refresh_token": "demo-refresh-token"}
    issued = requests.post(emu.origin + "/oauth/token", data=form).json()
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    assert requests.get(_gateway(emu), headers=bearer).status_code == 200
    assert requests.get(emu.origin + PAGES, headers=bearer).status_code == 401
    resources = requests.get(emu.origin + "/oauth/token/accessible-resources", headers=bearer).json()
    assert resources[0]["id"] == emu.truth()["cloud_id"]
    rotated = requests.post(emu.origin + "/oauth/token", json={**form, "refresh_token": issued["refresh_token"]})
    assert rotated.status_code == 200 and rotated.json()["refresh_token"] != issued["refresh_token"]
    reused = requests.post(emu.origin + "/oauth/token", json={**form, "refresh_token": issued["refresh_token"]})
    assert reused.status_code == 403


def test_given_no_credentials_when_asking_tenant_info_then_cloud_id(emu):
    assert requests.get(emu.origin + "/_edge/tenant_info").json() == {"cloudId": emu.truth()["cloud_id"]}


def test_given_data_center_when_using_pat_or_basic_then_200_and_wrong_secret_401():
    with running_confluence(mode="datacenter", profile="tiny", context_path="/confluence") as dc:
        url = dc.base_url + "/download/attachments/0/x"      # a DC route this part serves
        assert requests.get(url, headers={"Authorization": "Bearer demo-pat"}).status_code == 404
        assert requests.get(url, auth=("viewer", "viewer-password")).status_code == 404
        assert requests.get(url, auth=("admin", "nope")).status_code == 401
        assert requests.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
