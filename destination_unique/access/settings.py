"""`access` in the destination config, validated once.

    {"mode": "mirror", "group_mapping": [{"confluence_group": "eng-team", "unique_group_id": "grp_1"}],
     "all_users_group_id": "grp_all"}
    → AccessSettings(mode="mirror", group_mapping={"eng-team": "grp_1"}, all_users_group_id="grp_all")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

MODES = ("inherit", "mirror")
# Source streams the mirror mode reads (opt-in: space_permissions, content_restrictions).
REQUIRED_STREAMS = ("space_permissions", "content_restrictions", "users", "groups")


class AccessConfigError(ValueError):
    """The `access` block is invalid; the message names the field."""


@dataclass(frozen=True)
class AccessSettings:
    mode: str = "inherit"
    group_mapping: Mapping[str, str] = field(default_factory=dict)  # Confluence group name or id → Unique group id
    all_users_group_id: str | None = None

    @property
    def is_mirror(self) -> bool:
        return self.mode == "mirror"


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AccessConfigError(f"{where} must be a non-empty string, got {value!r}.")
    return value.strip()


def parse_access(config: Any) -> AccessSettings:
    if config is None:
        return AccessSettings()
    if not isinstance(config, Mapping):
        raise AccessConfigError("access must be an object such as {\"mode\": \"inherit\"}.")
    mode = config.get("mode") or "inherit"
    if mode not in MODES:
        raise AccessConfigError(f"access.mode '{mode}' is invalid; valid values: inherit, mirror.")
    if mode == "inherit":
        return AccessSettings()
    rows = config.get("group_mapping") or []
    if not isinstance(rows, list):
        raise AccessConfigError("access.group_mapping must be a list of {confluence_group, unique_group_id}.")
    mapping: dict[str, str] = {}
    for n, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise AccessConfigError(f"access.group_mapping[{n}] must be an object with confluence_group and unique_group_id.")
        group = _text(row.get("confluence_group"), f"access.group_mapping[{n}].confluence_group")
        if group in mapping:
            raise AccessConfigError(f"access.group_mapping names the Confluence group '{group}' twice; keep one row.")
        mapping[group] = _text(row.get("unique_group_id"), f"access.group_mapping[{n}].unique_group_id")
    everyone = config.get("all_users_group_id")
    everyone = None if everyone in (None, "") else _text(everyone, "access.all_users_group_id")
    return AccessSettings(mode="mirror", group_mapping=mapping, all_users_group_id=everyone)
