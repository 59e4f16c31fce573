"""Both specs mark every secret with `airbyte_secret` (issue #6 part 5), so the platform masks them."""
import json
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SECRET_WORDS = ("token", "secret", "password", "passphrase", "private_key", "api_key", "project_id")
NOT_SECRET = {"token_url", "token_expiry_date", "auth_type"}


def _properties(schema, path=""):
    if isinstance(schema, dict):
        for name, sub in (schema.get("properties") or {}).items():
            yield f"{path}.{name}", name, sub
            yield from _properties(sub, f"{path}.{name}")
        for key in ("oneOf", "anyOf", "allOf"):
            for index, sub in enumerate(schema.get(key) or []):
                yield from _properties(sub, f"{path}.{key}[{index}]")
        if isinstance(schema.get("items"), dict):
            yield from _properties(schema["items"], f"{path}[]")


def _secret_like(name: str) -> bool:
    return name not in NOT_SECRET and any(word in name.lower() for word in SECRET_WORDS)


SPECS = {
    "source-confluence": lambda: yaml.safe_load((REPO / "source_confluence/manifest.yaml").read_text())["spec"][
        "connection_specification"],
    "destination-unique": lambda: json.loads((REPO / "destination_unique/spec.json").read_text())[
        "connectionSpecification"],
}


@pytest.mark.parametrize("connector", sorted(SPECS))
def test_every_secret_field_is_marked_airbyte_secret(connector):
    schema = SPECS[connector]()
    secret_fields = [(path, sub) for path, name, sub in _properties(schema) if _secret_like(name)]
    assert secret_fields, f"{connector}: no secret fields found; the walker is broken"
    unmarked = [path for path, sub in secret_fields if sub.get("airbyte_secret") is not True]
    assert not unmarked, f"{connector}: secret fields without airbyte_secret: {unmarked}"


def test_source_credentials_cover_every_auth_type_with_a_secret():
    schema = SPECS["source-confluence"]()
    for option in schema["properties"]["credentials"]["oneOf"]:
        marked = [name for name, sub in option["properties"].items() if sub.get("airbyte_secret")]
        assert marked, f"auth option {option['title']!r} carries no secret field"
