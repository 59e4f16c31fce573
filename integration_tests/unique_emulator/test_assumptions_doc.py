"""The assumption table is one list (assumptions.py) that the README documents name by name."""
from __future__ import annotations

from pathlib import Path

import pytest

from emulators.unique import assumptions

README = Path(assumptions.__file__).with_name("README.md").read_text()


@pytest.mark.parametrize("assumption", assumptions.ASSUMPTIONS, ids=lambda a: a.name)
def test_every_assumption_is_documented_with_its_default(assumption):
    default = str(assumption.default).lower() if isinstance(assumption.default, bool) else str(assumption.default)
    assert f"| `{assumption.name}` | `{default}` |" in README


def test_cli_values_are_coerced_and_validated():
    assert assumptions.parse_cli(["max_take=5", "external_id_unique=false", "partial_key_match=startsWith"]) == {
        "max_take": 5, "external_id_unique": False, "partial_key_match": "startsWith"}
    for bad in (["max_take=lots"], ["partial_key_match=regex"], ["nope=1"], ["max_take"]):
        with pytest.raises(assumptions.UnknownAssumption):
            assumptions.parse_cli(bad)
