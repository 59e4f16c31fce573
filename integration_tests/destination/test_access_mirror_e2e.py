"""Access mode `mirror` against the Unique emulator, with hand-made source records (issue 13 parts 1-2)."""

import pytest

from destination_unique import DestinationUnique
from integration_tests.destination.destination_run import stored, write
from unit_tests.destination.destination_builders import (
    ConfigBuilder, InputBuilder, a_page, a_space, an_attachment, catalog, stage_file,
)

ENG = a_space("100", "ENG")
ACCESS_CATALOG = catalog(pages="full_refresh", space_permissions="full_refresh", content_restrictions="full_refresh",
                         users="full_refresh", groups="full_refresh")
USERS = [{"id": "acc-ann", "accountId": "acc-ann", "email": "ann@example.com", "displayName": "Ann"},
         {"id": "acc-bob", "accountId": "acc-bob", "email": "bo@example.com", "displayName": "Bob"},
         {"id": "acc-cy", "accountId": "acc-cy", "email": None, "displayName": "Cy"}]
GROUPS = [{"id": "grp-eng", "name": "eng", "members": [{"id": "acc-ann"}, {"id": "acc-bob"}]}]
SPACE_READERS = [{"spaceId": "100", "spaceKey": "ENG", "id": "1", "principal": {"type": "group", "id": "grp-eng"},
                  "operation": {"key": "read", "targetType": "space"}}]


def restriction(page_id: str, users=(), known=True, space=ENG) -> dict:
    return {"id": page_id, "type": "page", "spaceKey": space.key, "spaceId": space.id, "ancestorIds": [],
            "ownRead": {"users": list(users), "groups": []}, "ownUpdate": {"users": [], "groups": []},
            "inheritedRead": [], "unresolvedAncestorIds": [], "readRestrictionsKnown": known}


def mirror_config(unique) -> dict:
    return ConfigBuilder(unique.base_url).with_(access={
        "mode": "mirror", "group_mapping": [{"confluence_group": "eng", "unique_group_id": "u-eng"}]}).build()


def access_input(pages, restrictions, space_permissions=SPACE_READERS):
    return (InputBuilder().records("pages", pages).records("content_restrictions", restrictions)
            .records("space_permissions", space_permissions).records("users", USERS).records("groups", GROUPS)
            .complete("pages", "content_restrictions", "space_permissions", "users", "groups").messages())


@pytest.fixture
def people(unique):
    unique.create_user("ann@example.com", id="u-ann")
    unique.create_user("bo@example.com", id="u-bob")
    unique.create_group("eng", ["u-ann", "u-bob"], id="u-eng")


def readable(unique, user_id: str) -> set[str]:
    keys = {row["id"]: row["key"] for row in unique.state()["contents"]}
    return {keys[content_id].rsplit("/", 1)[1] for content_id in unique.readable(user_id)}


def test_a_mirror_catalog_without_the_access_streams_is_refused_before_anything_changes(unique):
    result = write(mirror_config(unique), catalog(pages="full_refresh", users="full_refresh"),
                   InputBuilder().records("pages", [a_page("1", ENG)]).complete("pages").messages())

    assert result.error is not None and result.error.failure_type.value == "config_error"
    assert "space_permissions, content_restrictions, groups" in result.error.message
    assert stored(unique) == {}


def test_restricted_pages_sit_beside_the_space_scope_and_only_their_audience_reads_them(unique, people):
    result = write(mirror_config(unique), ACCESS_CATALOG,
                   access_input([a_page("1", ENG), a_page("2", ENG)], [restriction("1"), restriction("2", ["acc-bob"])]))

    assert result.error is None, result.error
    assert readable(unique, "u-ann") == {"1"} and readable(unique, "u-bob") == {"1", "2"}
    scopes = {s["id"]: s for s in unique.state()["scopes"]}
    owners = {row["key"].rsplit("/", 1)[1]: scopes[row["ownerId"]] for row in unique.state()["contents"]}
    assert owners["1"]["name"] == "space" and owners["2"]["name"].startswith("r-")
    assert owners["1"]["parentId"] == owners["2"]["parentId"]                   # siblings, not nested
    assert result.summary["access"]["items_restricted"] == 1


def test_an_attachment_follows_its_pages_audience(unique, people, tmp_path):
    attachment = an_attachment("att9", "2", ENG)
    staged = {"att9": stage_file(tmp_path / "staging", "att9.pdf", b"%PDF-salary")}
    messages = (InputBuilder().records("pages", [a_page("1", ENG), a_page("2", ENG)])
                .records("attachments", [attachment], staged)
                .records("content_restrictions", [restriction("1"), restriction("2", ["acc-bob"])])
                .records("space_permissions", SPACE_READERS).records("users", USERS).records("groups", GROUPS)
                .complete("pages", "attachments", "content_restrictions", "space_permissions", "users", "groups").messages())
    modes = catalog(pages="full_refresh", attachments="full_refresh", space_permissions="full_refresh",
                    content_restrictions="full_refresh", users="full_refresh", groups="full_refresh")

    result = write(mirror_config(unique), modes, messages)

    assert result.error is None, result.error
    assert readable(unique, "u-ann") == {"1"} and readable(unique, "u-bob") == {"1", "2", "2::att9"}


def test_an_unavailable_audience_is_readable_by_the_service_user_only_and_the_summary_says_why(unique, people):
    result = write(mirror_config(unique), ACCESS_CATALOG,
                   access_input([a_page("1", ENG), a_page("2", ENG)], [restriction("1", known=False)]))

    assert readable(unique, "u-ann") == set() and readable(unique, "u-bob") == set()
    assert len(unique.readable("demo-user")) == 2
    reasons = result.summary["access"]["unavailable"]
    assert reasons["no content_restrictions record for its page"]["count"] == 1
    assert reasons["its read restriction (or an ancestor's) could not be read"]["examples"] == ["ENG/1"]
    assert result.summary["access"]["unmapped"] == {}   # Cy is not named anywhere


def test_switching_from_inherit_to_mirror_moves_content_without_ingesting_it_again(unique, people):
    inherit = ConfigBuilder(unique.base_url).build()
    write(inherit, catalog(pages="full_refresh"), InputBuilder().records("pages", [a_page("1", ENG)]).complete("pages").messages())
    unique.reset_stats()

    result = write(mirror_config(unique), ACCESS_CATALOG, access_input([a_page("1", ENG)], [restriction("1", ["acc-ann"])]))

    stats = unique.stats()
    assert result.error is None and result.summary["access"]["moved"] == 1
    assert stats["by_operation"].get("contentUpsert", 0) == 0 and stats["uploaded_bytes"] == 0
    assert readable(unique, "u-ann") == {"1"} and readable(unique, "u-bob") == set()


def test_an_incremental_sync_without_new_pages_still_applies_a_changed_restriction(unique, people):
    modes = catalog(pages="incremental", space_permissions="full_refresh", content_restrictions="full_refresh",
                    users="full_refresh", groups="full_refresh")
    write(mirror_config(unique), modes, access_input([a_page("1", ENG)], [restriction("1")]))
    assert readable(unique, "u-ann") == {"1"}

    result = write(mirror_config(unique), modes, access_input([], [restriction("1", ["acc-bob"])]))

    assert result.error is None and result.summary["mode"] == "upsert_only"
    assert readable(unique, "u-ann") == set() and readable(unique, "u-bob") == {"1"}


def test_a_root_scope_shared_with_others_is_refused_in_mirror_mode(unique, people):
    unique.grant_access("root-confluence", "u-eng", "READ", entity_type="GROUP")

    result = write(mirror_config(unique), ACCESS_CATALOG, access_input([a_page("1", ENG)], [restriction("1", ["acc-ann"])]))

    assert result.error is not None and "GROUP u-eng (READ)" in result.error.message
    assert stored(unique) == {}


def test_check_in_mirror_mode_needs_the_user_listing(unique):
    config = mirror_config(unique)
    assert DestinationUnique().check(None, config).status.value == "SUCCEEDED"
    unique.set_faults([{"operation": "paginatedUsers", "kind": "graphql_error", "times": -1, "message": "forbidden"}])

    status = DestinationUnique().check(None, config)

    assert status.status.value == "FAILED" and "paginatedUsers" in status.message


def test_bad_access_settings_fail_check_with_the_field_named(unique):
    config = ConfigBuilder(unique.base_url).with_(access={"mode": "mirror", "group_mapping": [{"confluence_group": "eng"}]}).build()

    status = DestinationUnique().check(None, config)

    assert status.status.value == "FAILED" and "access.group_mapping[0].unique_group_id" in status.message
