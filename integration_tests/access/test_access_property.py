"""The property of access mirroring (issue 13 part 4), end to end: the real source reads the Confluence
emulator, the destination writes into the Unique emulator in access mode `mirror`.

For a seeded random site and rounds of every kind of permission change between syncs — truth being
Confluence's state at the start of each sync — after EVERY sync, for every mapped person and every
ingested page and blog post:
  * readable in Unique ⇒ readable in Confluence (zero leaks);
  * readable in Confluence ⇒ readable in Unique (complete), except for items whose audience the
    source could not read (they are readable by the service user only, by design).
Deliberately broken destinations (ancestors ignored; an unavailable restriction read as "none"; an
unmapped group granted as if it were everyone) must make the property FAIL.

ACCESS_PROPERTY_SEED=<n> picks another site (default 13).
"""

from __future__ import annotations

import os

import pytest

from demo.access_pipeline import AccessWorld
from destination_unique.access import mirror
from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique
from integration_tests.access import site_generator as gen

SEED = int(os.environ.get("ACCESS_PROPERTY_SEED", "13"))
ROUNDS = 2
ACCESS_OPERATIONS = ("paginatedUsers", "generateScopesBasedOnPaths", "createScopeAccesses", "deleteScopeAccesses",
                     "paginatedContent", "contentUpdate", "paginatedScope", "deleteFolder")
GROUP_MAPPING = {name: gen.unique_group(name) for name in gen.MAPPED_GROUPS}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("access-property")
    with running_confluence(mode="cloud", profile="tiny") as confluence, running_unique(workdir) as unique:
        site = gen.build(confluence, unique, SEED)
        access_world = AccessWorld(workdir, confluence, unique, list(gen.SPACES), GROUP_MAPPING, gen.EVERYONE)
        yield access_world, site


def _assert_property(world, site, label: str) -> dict:
    comparison = world.compare(site.people, exempt_from_completeness=site.unavailable_items())
    assert comparison.ingested >= len(site.parent) - 1, f"{label}: only {comparison.ingested} items ingested"
    assert not comparison.leaks, f"{label}: {len(comparison.leaks)} LEAKS (Unique yes, Confluence no): {comparison.leaks[:10]}"
    assert not comparison.misses, f"{label}: {len(comparison.misses)} misses (Confluence yes, Unique no): {comparison.misses[:10]}"
    return {"pairs": comparison.checked_pairs, "ingested": comparison.ingested}


def test_mirror_mode_never_leaks_and_is_complete_after_every_sync(world):
    access_world, site = world
    summaries, checks = [], []
    for round_number in range(ROUNDS + 1):
        if round_number:
            gen.mutation_round(site, access_world.confluence, access_world.unique)
        access_world.unique.reset_stats()
        summary = access_world.sync()
        operations = access_world.unique.stats()["by_operation"]
        summaries.append(summary["access"])
        checks.append(_assert_property(access_world, site, f"sync {round_number + 1}"))
    counts = {
        "restricted_items": len(site.restricted_items()),
        "restricted_depths": sorted(site.restricted_depths()),
        "mapped_users": summaries[-1]["mapped_users"],
        "mapped_groups": summaries[-1]["mapped_groups"],
        "unmapped_principals": summaries[-1]["unmapped_users"] + summaries[-1]["unmapped_groups"],
        "edit_only_restrictions": len(site.edit_only),
        "unavailable_items": len(site.unavailable_items()),
        "mutations": dict(site.mutations_done),
        "syncs": len(summaries), "pairs_checked_per_sync": [c["pairs"] for c in checks],
        "moved_between_scopes": [s.get("moved", 0) for s in summaries],
        "unique_requests_last_sync": {op: n for op, n in sorted(operations.items()) if op in ACCESS_OPERATIONS},
    }
    print(f"\naccess property (seed {SEED}): {counts}")
    assert counts["restricted_items"] >= 20 and {1, 2, 3} <= set(counts["restricted_depths"])
    assert counts["mapped_users"] >= 5 and counts["mapped_groups"] >= 3 and counts["unmapped_principals"] >= 2
    assert counts["edit_only_restrictions"] >= 1 and counts["unavailable_items"] >= 1
    assert set(counts["mutations"]) == set(gen.MUTATION_KINDS)
    assert sum(counts["moved_between_scopes"][1:]) > 0, "changes between syncs moved no content between scopes"
    assert all(s["items_unavailable"] >= 1 for s in summaries)


def _ignore_ancestors(record, directory):
    return mirror_item_access(dict(record, inheritedRead=[]), directory)


def _unavailable_is_unrestricted(record, directory):
    return mirror_item_access(dict(record, readRestrictionsKnown=True, unresolvedAncestorIds=[]), directory)


def _unmapped_groups_are_everyone(directory, table, principal_map):
    mirror_map_groups(directory, table, principal_map)
    for group in directory.group_name:
        principal_map.groups.setdefault(group, gen.EVERYONE)


mirror_item_access, mirror_map_groups = mirror.item_access, mirror.map_groups


@pytest.mark.parametrize("target, broken", [
    ("item_access", _ignore_ancestors),
    ("item_access", _unavailable_is_unrestricted),
    ("map_groups", _unmapped_groups_are_everyone),
], ids=["ignores-ancestors", "unavailable-as-unrestricted", "grants-through-unmapped-group"])
def test_broken_variants_violate_the_property(world, monkeypatch, target, broken):
    access_world, site = world
    monkeypatch.setattr(mirror, target, broken)
    access_world.sync()
    comparison = access_world.compare(site.people, exempt_from_completeness=site.unavailable_items())
    monkeypatch.undo()
    print(f"\nbroken variant {broken.__name__}: {len(comparison.leaks)} leaks, {len(comparison.misses)} misses")
    assert comparison.leaks, f"the property did not catch {broken.__name__}"
    access_world.sync()   # the correct destination repairs what the broken one did
    _assert_property(access_world, site, f"after repairing {broken.__name__}")

