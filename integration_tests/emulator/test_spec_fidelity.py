"""Every operation the emulator serves, answered for real, validated against Atlassian's OpenAPI specs.

The parametrization is the emulator's own route table (`app.collect_routes()`), so a new route gets
a test automatically: one that fails until the route carries its spec triple (or is added, with a
reason, to the allowlist in spec_requests.py). Each operation is requested against a running
emulator (CLI subprocess, tiny profile, admin credentials of contracts §1.3): Cloud mode for v2, v1
and v1-legacy, Data Center mode (context path /confluence) for dc. How it works and the current
count: emulators/confluence/SPEC_FIDELITY.md.
"""
from __future__ import annotations

import json

import pytest
import requests

from emulators.confluence.app import collect_routes
from emulators.confluence.testing import running_confluence
from integration_tests.emulator import spec_requests as plans
from integration_tests.emulator import spec_validation as sv

CLOUD_ADMIN = ("demo@example.com", "demo-token")
DC_ADMIN = ("admin", "admin-password")
DC_CONTEXT = "/confluence"

pytestmark = pytest.mark.skipif(sv.specs_missing_reason() is not None, reason=sv.specs_missing_reason() or "")

ROUTES = collect_routes()
SPEC_ROUTES = [route for route in ROUTES if route.api in sv.SPEC_APIS]
ALLOWLISTED = [route for route in SPEC_ROUTES if route.key in plans.OUTSIDE_SPECS]
CHECKED = [route for route in SPEC_ROUTES if route.key not in plans.OUTSIDE_SPECS]


@pytest.fixture(scope="module")
def sites():
    """One Cloud and one DC emulator per worker, with the truth-derived picks for each."""
    with running_confluence(mode="cloud", profile="tiny") as cloud, \
            running_confluence(mode="datacenter", profile="tiny", context_path=DC_CONTEXT) as dc:
        dc_users = requests.get(dc.base_url + "/rest/api/user/list", auth=DC_ADMIN, params={"limit": 100},
                                timeout=60).json()["results"]
        usernames = sorted(u["username"] for u in dc_users if u.get("username"))
        cloud_picks = plans.picks_from_truth(cloud.truth())
        _pick_labelled_attachment(cloud, cloud_picks)
        yield {"cloud": (cloud, cloud_picks),
               "datacenter": (dc, plans.picks_from_truth(dc.truth(), ["admin", *usernames]))}


def _pick_labelled_attachment(cloud, picks: plans.Picks) -> None:
    """The truth has no attachment labels: ask /labels/{id}/attachments which label is on one."""
    picks.values.update(attachment_label_id=picks.values["page_label_id"],
                        labelled_attachment_id=picks.values["attachment_id"])
    for label_id in sorted(cloud.truth()["labels"]):
        found = requests.get(f"{cloud.origin}/wiki/api/v2/labels/{label_id}/attachments", auth=CLOUD_ADMIN,
                             timeout=60).json()["results"]
        if found:
            picks.values.update(attachment_label_id=label_id, labelled_attachment_id=found[0]["id"])
            return


def _mode(route) -> str:
    return "datacenter" if route.api == "dc" else "cloud"


def send(sites, route, planned: plans.PlannedRequest) -> requests.Response:
    site, _ = sites[_mode(route)]
    url = (site.base_url if route.api == "dc" else site.origin) + planned.path
    auth = DC_ADMIN if route.api == "dc" else CLOUD_ADMIN
    return requests.request(planned.method, url, params=planned.params, json=planned.json, auth=auth,
                            headers={"Accept": "application/json"}, timeout=60, allow_redirects=False)


def check(sites, route, planned: plans.PlannedRequest) -> tuple[requests.Response, list[sv.Finding]]:
    """Send one planned request; its status must be a documented success and its body match."""
    response = send(sites, route, planned)
    where = f"{route.key} [{planned.variant}] {planned.path} {planned.params}"
    assert response.status_code < 400, f"{where}: HTTP {response.status_code} {response.text[:500]}"
    try:
        schema = sv.response_schema(route.spec, response.status_code)
    except sv.SpecLookupError as undocumented:
        raise AssertionError(f"{where}: HTTP {response.status_code}, but {undocumented}") from None
    if schema is None:        # documented without a body (e.g. 302 to the download URL)
        return response, []
    return response, sv.validate_response(route.spec, response.status_code, response.json())


def _report(route, planned, findings) -> str:
    lines = [f"{route.key} [{planned.variant}] vs {route.spec[0]} {route.spec[2].upper()} {route.spec[1]}:"]
    lines += [f"  {finding}" for finding in findings]
    return "\n".join(lines)


@pytest.mark.parametrize("route", SPEC_ROUTES, ids=lambda route: route.key)
def test_given_a_served_operation_when_listed_then_it_names_its_spec_operation(route):
    if route.key in plans.OUTSIDE_SPECS:
        assert route.spec is None, f"{route.key} is allowlisted as outside the specs but has a spec triple"
        return
    assert route.spec is not None, f"{route.key} ({route.api}) has no spec triple; add it, or allowlist it with a reason"
    assert route.spec[0] == sv.SPEC_FILES[route.api], f"{route.key}: api {route.api} but spec file {route.spec[0]}"
    responses = sv.load_spec(route.spec[0])["paths"][route.spec[1]][route.spec[2]]["responses"]
    redirects_only = bool(responses) and all(status[0] == "3" for status in responses if status[0] in "23")
    if redirects_only:        # e.g. v1 attachment download: 302 to the file, no body to validate
        return
    assert sv.response_schema(route.spec, 200) is not None or any(
        sv.response_schema(route.spec, int(status)) is not None for status in responses if status[0] == "2"), \
        f"{route.key}: {route.spec} documents no success body (documented: {sorted(responses)})"


@pytest.mark.parametrize("route", [r for r in CHECKED if r.spec], ids=lambda route: route.key)
def test_given_a_served_operation_when_called_then_every_response_matches_the_spec(sites, route):
    _, picks = sites[_mode(route)]
    problems = []
    for planned in plans.plan(route, picks):
        response, findings = check(sites, route, planned)
        body = response.json() if response.content and findings is not None and response.status_code == 200 else None
        if isinstance(body, dict) and body.get("results") == [] and route.key not in plans.MAY_BE_EMPTY:
            problems.append(f"{route.key} [{planned.variant}]: empty results, the check would be trivial")
        excused = [f for f in findings if f.excused_by]
        if excused:
            print(_report(route, planned, excused))
        if sv.failures(findings):
            problems.append(_report(route, planned, sv.failures(findings)))
    assert not problems, "\n".join(problems)


# --- error envelopes ---------------------------------------------------------------------------

ERROR_CASES = [
    # (route key, path, params, status, where the body schema comes from)
    ("GET /wiki/api/v2/pages/{id}", "/wiki/api/v2/pages/999999999", {}, 404, "v2-error-envelope"),
    ("GET /wiki/api/v2/attachments/{id}", "/wiki/api/v2/attachments/att999999999", {}, 404, "v2-error-envelope"),
    ("GET /wiki/api/v2/pages", "/wiki/api/v2/pages", {"id": "Docs"}, 400, "v2-error-envelope"),
    ("GET /wiki/rest/api/content/search", "/wiki/rest/api/content/search", {"cql": "bogus = 1"}, 400,
     "v1-error-envelope"),
    ("GET /wiki/rest/api/search", "/wiki/rest/api/search", {"cql": "lastmodified > '2026-02-30'"}, 400,
     "v1-error-envelope"),
    ("GET /wiki/rest/api/content/{id}", "/wiki/rest/api/content/999999999", {}, 404, "v1-error-envelope"),
    ("GET /rest/api/content/search", "/rest/api/content/search", {"cql": "bogus = 1"}, 400, "dc-error-envelope"),
    ("GET /rest/api/content/{id}", "/rest/api/content/999999999", {}, 404, "spec"),
]


@pytest.mark.parametrize("key, path, params, status, schema", ERROR_CASES, ids=[f"{c[3]} {c[1]}" for c in ERROR_CASES])
def test_given_a_bad_request_when_answered_then_the_error_envelope_matches(sites, key, path, params, status, schema):
    route = next(r for r in ROUTES if r.key == key)
    response = send(sites, route, plans.PlannedRequest("error", "GET", path, params))
    assert response.status_code == status, response.text[:300]
    body = response.json()
    if schema == "spec":
        findings = sv.validate_response(route.spec, status, body)
    else:
        with pytest.raises(LookupError):      # the Cloud spec is silent about this body ...
            sv.validate_response(route.spec, status, body)
        findings = sv.validate_silent(schema, body)   # ... so the measured envelope is the contract
    assert not sv.failures(findings), "\n".join(map(str, findings))
    assert (body["errors"][0]["status"] if "errors" in body else body["statusCode"]) == status


# --- the count -------------------------------------------------------------------------------

def fidelity_count(sites) -> dict:
    """How many served operations validate against the specs (all variants, no failures), and which
    documented spec defects were needed where."""
    outcome = {"served": len(SPEC_ROUTES), "allowlisted": len(ALLOWLISTED), "validated": [], "failing": {},
               "excused": {}}

    def note(findings, where):
        for finding in findings:
            if finding.excused_by:
                outcome["excused"].setdefault(finding.excused_by, set()).add(where)

    for route in CHECKED:
        if route.spec is None:
            outcome["failing"][route.key] = "no spec triple"
            continue
        try:
            for planned in plans.plan(route, sites[_mode(route)][1]):
                findings = check(sites, route, planned)[1]
                note(findings, route.key)
                if sv.failures(findings):
                    raise AssertionError(f"[{planned.variant}] " + "; ".join(map(str, sv.failures(findings)[:5])))
        except (AssertionError, LookupError, ValueError) as failure:
            outcome["failing"][route.key] = str(failure)[:400]
        else:
            outcome["validated"].append(route.key)
    for key, path, params, status, schema in ERROR_CASES:
        route = next(r for r in ROUTES if r.key == key)
        body = send(sites, route, plans.PlannedRequest("error", "GET", path, params)).json()
        findings = sv.validate_response(route.spec, status, body) if schema == "spec" else sv.validate_silent(schema, body)
        note(findings, f"{status} {key}")
    return outcome


def test_given_the_route_table_when_counted_then_all_served_operations_are_validated(sites):
    outcome = fidelity_count(sites)
    checked = outcome["served"] - outcome["allowlisted"]
    line = (f"{len(outcome['validated'])} of {checked} served operations validated against the specs "
            f"({outcome['served']} served in v2/v1/v1-legacy/dc, {outcome['allowlisted']} allowlisted outside "
            f"the specs, {len(outcome['failing'])} failing)")
    print(line)
    print("failing:", json.dumps(outcome["failing"], indent=1))
    print("spec defects applied:", json.dumps({k: sorted(v) for k, v in outcome["excused"].items()}, indent=1))
    unused = {defect.name for defect in sv.KNOWN_SPEC_DEFECTS} - set(outcome["excused"])
    assert not unused, f"documented spec defects no response needs any more (remove them): {unused}"
    assert not outcome["failing"], line
