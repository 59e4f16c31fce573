"""Readers for the packaging artefacts the packaging tests compare (Dockerfile, metadata, specs)."""

from __future__ import annotations

import json
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "Dockerfile"
METADATA_FILES = {
    "source-confluence": REPO_ROOT / "metadata.yaml",
    "destination-unique": REPO_ROOT / "destination_unique" / "metadata.yaml",
}
# Enough for the source to build its streams offline: an API-token config never calls the network
# at construction (only gateway auth types look up the cloudId).
OFFLINE_SOURCE_CONFIG = {
    "domain_name": "http://127.0.0.1:9",
    "deployment_type": "cloud",
    "credentials": {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"},
}


@dataclass
class DockerStage:
    base_image: str
    instructions: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, arguments)

    def all(self, instruction: str) -> list[str]:
        return [arguments for name, arguments in self.instructions if name == instruction]


def dockerfile_logical_lines(path: Path = DOCKERFILE) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    logical_lines: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical_lines.append(pending + line)
        pending = ""
    return logical_lines


def dockerfile_global_args(path: Path = DOCKERFILE) -> dict[str, str | None]:
    """`ARG NAME[=default]` lines before the first FROM (usable in FROM lines)."""
    arguments: dict[str, str | None] = {}
    for line in dockerfile_logical_lines(path):
        name, _, rest = line.partition(" ")
        if name.upper() == "FROM":
            break
        if name.upper() == "ARG":
            key, has_default, default = rest.strip().partition("=")
            arguments[key] = default if has_default else None
    return arguments


def dockerfile_stages(path: Path = DOCKERFILE) -> list[DockerStage]:
    """Instructions per build stage (what comes before the first FROM is not a stage)."""
    stages: list[DockerStage] = []
    for line in dockerfile_logical_lines(path):
        name, _, arguments = line.partition(" ")
        name = name.upper()
        if name == "FROM":
            stages.append(DockerStage(base_image=arguments.split()[0]))
        elif stages:
            stages[-1].instructions.append((name, arguments.strip()))
    return stages


def metadata(connector: str) -> dict[str, Any]:
    return yaml.safe_load(METADATA_FILES[connector].read_text())


def console_scripts() -> dict[str, str]:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]


def source_spec() -> dict[str, Any]:
    from source_confluence.source import SourceConfluence

    source = SourceConfluence(catalog=None, config=dict(OFFLINE_SOURCE_CONFIG), state=None)
    specification = source.spec(logging.getLogger("airbyte"))
    return json.loads(json.dumps(_as_dict(specification)))


def destination_spec() -> dict[str, Any]:
    return json.loads((REPO_ROOT / "destination_unique" / "spec.json").read_text())


def source_stream_names() -> set[str]:
    """Every stream the manifest declares, conditional ones included (they can be switched on)."""
    from source_confluence.source import SourceConfluence

    source = SourceConfluence(catalog=None, config=dict(OFFLINE_SOURCE_CONFIG), state=None)
    names: set[str] = set()
    for stream in source.resolved_manifest.get("streams", []):
        nested = stream.get("streams", []) if stream.get("type") == "ConditionalStreams" else [stream]
        names.update(item["name"] for item in nested if "name" in item)
    return names


def _as_dict(specification: Any) -> dict[str, Any]:
    from airbyte_cdk.models import ConnectorSpecificationSerializer

    return ConnectorSpecificationSerializer.dump(specification)


def placeholders(text: str) -> list[str]:
    return re.findall(r"\$\{([^}]+)\}", text)
