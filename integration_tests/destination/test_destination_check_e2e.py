"""`check` against the real Unique emulator: it does what `write` does before it reads the root scope
(self-grant, then read) and tells each failure apart (issue 10 part 5). Cases where reading needs
access run with the emulator's `scope_read=needs_access`, in which a read before the grant is refused."""

from __future__ import annotations

import logging
import socket

from airbyte_cdk.models import Status

from destination_unique import DestinationUnique
from integration_tests.destination.destination_run import stored, write
from unit_tests.destination.destination_builders import ConfigBuilder, InputBuilder, a_page, a_space, catalog

ROOT = "root-confluence"
SERVICE_USER = "demo-user"
FORBIDDEN_BEFORE_GRANT = {"scope_read": "needs_access"}
READ_ROOT = """query PaginatedScope($skip: Int!, $take: Int!, $where: ScopeWhereInput!) {
  paginatedScope(skip: $skip, take: $take, where: $where) { totalCount nodes { id } } }"""


def check(config: dict):
    return DestinationUnique().check(logging.getLogger("airbyte"), config)


def service_user_accesses(unique, scope_id: str = ROOT) -> set[str]:
    scope = next(s for s in unique.state()["scopes"] if s["id"] == scope_id)
    return {a["accessType"] for a in scope["accesses"] if (a["entityType"], a["entityId"]) == ("USER", SERVICE_USER)}


def changed_operations(unique) -> set[str]:
    """Operations other than reads and the self-grant."""
    reads_and_grants = {"me", "paginatedScope", "createScopeAccesses"}
    return set(unique.stats()["by_operation"]) - reads_and_grants


def test_given_reads_need_access_when_checking_a_fresh_root_then_it_grants_itself_access_and_succeeds(unique):
    unique.set_assumptions(FORBIDDEN_BEFORE_GRANT)
    before = unique.graphql(READ_ROOT, {"skip": 0, "take": 1, "where": {"id": {"equals": ROOT}}})
    assert before["errors"][0]["extensions"]["code"] == "FORBIDDEN"          # the emulator refuses a read before the grant
    unique.reset_stats()

    status = check(ConfigBuilder(unique.base_url).build())

    assert status.status == Status.SUCCEEDED, status.message
    assert service_user_accesses(unique) == {"MANAGE", "READ", "WRITE"}
    assert changed_operations(unique) == set()                                  # nothing but the self-grant changed
    root = next(s for s in unique.state()["scopes"] if s["id"] == ROOT)
    assert root["externalId"] is None and stored(unique) == {}                  # not claimed: write does that


def test_given_reads_need_access_when_writing_then_the_first_sync_succeeds_too(unique):
    unique.set_assumptions(FORBIDDEN_BEFORE_GRANT)
    space = a_space("100", "ENG")
    messages = InputBuilder().records("pages", [a_page("1", space)]).complete("pages").messages()

    result = write(ConfigBuilder(unique.base_url).build(), catalog(pages="full_refresh"), messages)

    assert result.error is None, result.error and result.error.message
    assert set(stored(unique)) == {"acme/100_ENG/1"}


def test_given_the_root_scope_is_missing_when_checking_then_it_says_so(unique):
    status = check(ConfigBuilder(unique.base_url).with_(root_scope_id="no-such-scope").build())

    assert status.status == Status.FAILED
    assert status.message.startswith("Root scope 'no-such-scope' does not exist in Unique.")
    assert "root_scope_id" in status.message


def test_given_the_root_belongs_to_another_confluence_instance_when_checking_then_it_names_the_owner(unique):
    unique.create_scope("Other wiki", id="root-other", external_id="confc:cloud:another-site")
    unique.set_assumptions(FORBIDDEN_BEFORE_GRANT)
    unique.reset_stats()

    status = check(ConfigBuilder(unique.base_url).with_(root_scope_id="root-other").build())

    assert status.status == Status.FAILED
    assert "belongs to 'confc:cloud:another-site'" in status.message
    assert "another Confluence instance owns it" in status.message and "confc:cloud:cloud-1234" in status.message
    assert changed_operations(unique) == set()


def test_given_the_self_grant_is_refused_and_reads_need_access_when_checking_then_it_says_what_to_ask_for(unique):
    unique.set_assumptions({**FORBIDDEN_BEFORE_GRANT, "gatekeeper": "enforce"})

    status = check(ConfigBuilder(unique.base_url).build())

    assert status.status == Status.FAILED
    assert status.message.startswith(f"The service user '{SERVICE_USER}' may not read the root scope '{ROOT}'")
    assert "self-grant of MANAGE, READ and WRITE on it was refused" in status.message
    assert (f"Ask a Unique administrator to grant MANAGE, READ and WRITE on scope '{ROOT}' to the service user "
            f"'{SERVICE_USER}'") in status.message
    assert service_user_accesses(unique) == set()


def test_given_an_administrator_pre_granted_manage_when_checking_under_enforce_then_it_succeeds(unique):
    unique.set_assumptions({**FORBIDDEN_BEFORE_GRANT, "gatekeeper": "enforce", "read_granted_by": "read"})
    unique.grant_access(ROOT, SERVICE_USER, "MANAGE")          # MANAGE alone does not read under read_granted_by=read

    status = check(ConfigBuilder(unique.base_url).build())

    assert status.status == Status.SUCCEEDED, status.message
    assert service_user_accesses(unique) == {"MANAGE", "READ", "WRITE"}     # the self-grant it allowed


def test_given_an_unreadable_ancestor_of_the_root_when_checking_then_it_names_that_scope(unique):
    parent = unique.create_scope("Knowledge", id="scope-parent")
    unique.create_scope("Confluence EU", id="root-eu", parent_id=parent["id"])
    unique.set_assumptions({**FORBIDDEN_BEFORE_GRANT, "gatekeeper": "enforce"})
    unique.grant_access("root-eu", SERVICE_USER, "MANAGE")     # the root is granted, the scope above it is not
    config = ConfigBuilder(unique.base_url).with_(root_scope_id="root-eu").build()

    status = check(config)

    assert status.status == Status.FAILED
    assert "may not read the root's ancestor scope 'scope-parent'" in status.message
    assert "grant READ on scope 'scope-parent'" in status.message
    unique.set_assumptions(gatekeeper="off")                    # the READ self-grant on the ancestor now works
    assert check(config).status == Status.SUCCEEDED
    assert service_user_accesses(unique, "scope-parent") == {"READ"}


def test_given_wrong_in_cluster_credentials_when_checking_then_it_blames_the_credentials(unique):
    config = ConfigBuilder(unique.base_url).with_(credentials={
        "auth_type": "in_cluster", "company_id": "demo-company", "user_id": "not-a-service-user"}).build()

    status = check(config)

    assert status.status == Status.FAILED
    assert status.message.startswith("Unique refused the credentials: ") and "HTTP 401" in status.message
    assert "company_id and user_id" in status.message


def test_given_a_wrong_client_secret_when_checking_then_it_blames_the_credentials_without_showing_them(unique):
    config = ConfigBuilder(unique.base_url).client_credentials(unique.token_url, client_secret="wrong-secret-42").build()

    status = check(config)

    assert status.status == Status.FAILED
    assert status.message.startswith("Unique refused the credentials: Unique token failed: HTTP 401")
    assert "client_id, client_secret, project_id and token_url" in status.message
    assert "wrong-secret-42" not in status.message


def test_given_an_unreachable_service_when_checking_then_it_says_it_cannot_reach_unique(tmp_path):
    with socket.socket() as probe:       # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{closed_port}"

    status = check(ConfigBuilder(base).with_(http_max_retries=1).build())

    assert status.status == Status.FAILED
    assert status.message.startswith("Cannot reach Unique: Unique health (ingestion) failed: ConnectionError")
    assert f"ingestion_url ({base})" in status.message
