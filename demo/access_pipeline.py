"""Access mirroring end to end (issue 13): the real source (subprocess) reads the Confluence emulator,
the destination (in-process, so tests can swap a function for a broken one) writes into the Unique
emulator in access mode `mirror`, and both emulators' truth endpoints say who may read what.

    world = AccessWorld(workdir, confluence, unique, space_keys=["ACA"], group_mapping={...}, everyone="uqg-all")
    summary = world.sync()                 # one sync; raises if the destination failed
    world.compare(people)                  # → Comparison(leaks, misses, checked, ...)
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from airbyte_cdk.models import AirbyteMessageSerializer, ConfiguredAirbyteCatalogSerializer, Type

from demo.pipeline import BIN, child_env, destination_config, discover
from destination_unique import DestinationUnique
from destination_unique.summary import parse_summary_line

ACCESS_STREAMS = ("spaces", "pages", "blog_posts", "space_permissions", "content_restrictions", "users", "groups")
TENANT = "demo"


@dataclass(frozen=True)
class Person:
    """One human on both sides: a Confluence login and (when mapped) the Unique user id."""

    login: str
    unique_id: str | None


@dataclass
class Comparison:
    leaks: list[tuple[str, str]] = field(default_factory=list)      # (login, content id): Unique yes, Confluence no
    misses: list[tuple[str, str]] = field(default_factory=list)     # Confluence yes, Unique no (audience known)
    checked_pairs: int = 0
    ingested: int = 0


class AccessWorld:
    def __init__(self, workdir: Path, confluence, unique, space_keys: list[str], group_mapping: dict[str, str],
                 everyone_group: str | None):
        self.workdir, self.confluence, self.unique = workdir, confluence, unique
        self.env = child_env(workdir / "staging")
        is_dc = confluence.mode == "datacenter"
        credentials = ({"auth_type": "dc_basic", "username": "admin", "password": "admin-password"} if is_dc else
                       {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"})
        source = {"domain_name": confluence.base_url, "deployment_type": confluence.mode, "credentials": credentials,
                  "space_keys": space_keys, "opt_in_streams": ["space_permissions", "content_restrictions"]}
        (workdir / "source.json").write_text(json.dumps(source))
        instance = ({"confluence_instance_type": "data-center", "confluence_instance_id": None} if is_dc else {})
        self.destination = {**destination_config(unique.base_url, confluence.truth()["cloud_id"], confluence.base_url),
                            **instance,
                            "access": {"mode": "mirror", "all_users_group_id": everyone_group,
                                       "group_mapping": [{"confluence_group": name, "unique_group_id": group_id}
                                                         for name, group_id in group_mapping.items()]}}
        streams = [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite",
                    "primary_key": stream.get("source_defined_primary_key") or []}
                   for stream in discover(workdir, self.env)["streams"] if stream["name"] in ACCESS_STREAMS]
        self.catalog = {"streams": streams}
        (workdir / "catalog.json").write_text(json.dumps(self.catalog))
        self.syncs = 0

    def read_source(self) -> list:
        self.syncs += 1
        with open(self.workdir / f"source-{self.syncs}.stderr", "w") as errors:
            output = subprocess.run([str(BIN / "source-confluence"), "read", "--config", str(self.workdir / "source.json"),
                                     "--catalog", str(self.workdir / "catalog.json")],
                                    stdout=subprocess.PIPE, stderr=errors, env=self.env, check=True).stdout
        return [AirbyteMessageSerializer.load(json.loads(line)) for line in output.splitlines() if line.startswith(b"{")]

    def sync(self, config_override: dict | None = None) -> dict:
        """One full sync; returns the destination's SYNC_SUMMARY (raises on a failed write)."""
        messages = self.read_source()
        catalog = ConfiguredAirbyteCatalogSerializer.load(self.catalog)
        summary = None
        for message in DestinationUnique().write({**self.destination, **(config_override or {})}, catalog, iter(messages)):
            if message.type == Type.LOG:
                summary = parse_summary_line(message.log.message) or summary
        if not summary or summary.get("status") != "succeeded":
            raise AssertionError(f"sync {self.syncs} did not succeed: {summary}")
        return summary

    def ingested(self) -> dict[str, str]:
        """Unique content id → Confluence page / blog post id, for this tenant's pages."""
        out = {}
        for row in self.unique.state()["contents"]:
            if row["key"].startswith(f"{TENANT}/") and "::" not in row["key"]:
                out[row["id"]] = row["key"].rsplit("/", 1)[1]
        return out

    def compare(self, people: list[Person], exempt_from_completeness: set[str] = frozenset()) -> Comparison:
        """For every mapped person and every ingested page: Unique readable ⇔ Confluence readable
        (leaks always count; misses only for items whose audience Confluence let us compute)."""
        ingested = self.ingested()
        mapped = [person for person in people if person.unique_id]
        truth = self.confluence.can_read_many([p.login for p in mapped], sorted(set(ingested.values())))
        result = Comparison(ingested=len(ingested))
        for person in mapped:
            in_unique = set(self.unique.readable(person.unique_id))
            for unique_id, page_id in ingested.items():
                result.checked_pairs += 1
                may_read = truth[person.login][page_id]
                if unique_id in in_unique and not may_read:
                    result.leaks.append((person.login, page_id))
                elif may_read and unique_id not in in_unique and page_id not in exempt_from_completeness:
                    result.misses.append((person.login, page_id))
        return result
