"""The repo-root acceptance-test-config.yml, read the way airbyte-ci's acceptance tests (CAT) read it.

The file is written for CAT at `test_strictness_level: high`. The CDK's standard tests read the same file
but reject the keys of CAT checks they do not run (`expect_records`, `ignored_fields`,
`fail_on_extra_columns`, `auth_default_method`, …). `for_cdk()` hands them the file without those keys;
each removed key's check runs in our own tests instead (CAT_ONLY_KEYS says where), so nothing the file
asks for goes unchecked.

Expected records: one JSONL file per deployment, a real read of the Confluence emulator's `small`
profile (deterministic: the generator has a fixed seed and a fixed "now"). Records carry the emulator's
address in `webUrl`/`downloadUrl`; it changes with the port, so the files hold EMULATOR_ORIGIN instead
and a read is compared after the same substitution (`normalized`).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
CONFIG_FILE = REPO_ROOT / "acceptance-test-config.yml"
EMULATOR_ORIGIN = "http://confluence-emulator.invalid"
PROFILE = "small"
# Key of a CAT entry → the test of ours that runs its check (the CDK's standard tests do not).
CAT_ONLY_KEYS = {
    "expect_records": "test_acceptance_rules.py::test_expected_records_are_a_real_read_of_the_small_profile",
    "fail_on_extra_columns": "test_acceptance_rules.py::test_expected_records_are_a_real_read_of_the_small_profile",
    "ignored_fields": "unit_tests/packaging/test_acceptance_config.py (none declared: see the file's comment)",
    "auth_default_method": "unit_tests/packaging/test_acceptance_config.py::test_oauth_is_the_default_method_or_bypassed",
    "timeout_seconds": "pytest's timeout",
}
CDK_SECTIONS = ("spec", "connection", "discovery", "basic_read", "full_refresh")


def load() -> Dict[str, Any]:
    return yaml.safe_load(CONFIG_FILE.read_text())


def entries(config: Dict[str, Any], section: str) -> List[Dict[str, Any]]:
    return list((config["acceptance_tests"].get(section) or {}).get("tests") or [])


def for_cdk(config: Dict[str, Any]) -> Dict[str, Any]:
    """The config without the keys of CAT checks that the CDK's standard tests reject (CAT_ONLY_KEYS)."""
    stripped = copy.deepcopy(config)
    for section in CDK_SECTIONS:
        for entry in entries(stripped, section):
            for key in CAT_ONLY_KEYS:
                entry.pop(key, None)
    return stripped


def expected_records_path(entry: Dict[str, Any]) -> Path:
    return REPO_ROOT / entry["expect_records"]["path"]


def normalized(record_data: Dict[str, Any], emulator_origin: str) -> Dict[str, Any]:
    """The record with the emulator's address replaced by EMULATOR_ORIGIN."""
    return json.loads(json.dumps(record_data).replace(emulator_origin, EMULATOR_ORIGIN))


def write_expected_records(path: Path, records: Iterable[tuple[str, Dict[str, Any]]]) -> None:
    """CAT's format: one AirbyteRecordMessage per line; `emitted_at` is not compared (0)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        # Grouped by stream, by id within a stream: the file does not change with the order in which
        # concurrent partitions happen to finish.
        for stream, data in sorted(records, key=lambda record: (record[0], str(record[1].get("id")))):
            file.write(json.dumps({"stream": stream, "data": data, "emitted_at": 0}, sort_keys=True) + "\n")


def read_expected_records(path: Path) -> Dict[str, List[Dict[str, Any]]]:
    by_stream: Dict[str, List[Dict[str, Any]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        message = json.loads(line)
        by_stream.setdefault(message["stream"], []).append(message["data"])
    return by_stream


def read_all_streams(emulator) -> tuple[list[tuple[str, Dict[str, Any]]], Dict[str, Any]]:
    """A full-refresh read of every discovered stream with the basic_read config; (records, {name: stream})."""
    import logging

    from source_confluence import SourceConfluence

    from .harness import config_for, read_streams

    config = config_for(emulator)
    catalog = SourceConfluence(None, config, None).discover(logging.getLogger("airbyte"), config)
    streams = {stream.name: stream for stream in catalog.streams}
    output = read_streams(config, list(streams))
    assert not output.errors, [error.trace.error.message for error in output.errors]
    records = [(message.record.stream, normalized(message.record.data, emulator.origin)) for message in output.records]
    return records, streams


def regenerate() -> None:
    """Rewrite the expected-records files from real reads (after a deliberate change of records)."""
    from emulators.confluence.testing import running_confluence

    config = load()
    for entry in entries(config, "basic_read"):
        mode = "datacenter" if "datacenter" in entry["config_path"] else "cloud"
        extra = {"context_path": "/confluence"} if mode == "datacenter" else {}
        with running_confluence(mode=mode, profile=PROFILE, **extra) as emulator:
            records, _ = read_all_streams(emulator)
        write_expected_records(expected_records_path(entry), records)
        print(f"{expected_records_path(entry).relative_to(REPO_ROOT)}: {len(records)} records")


if __name__ == "__main__":
    regenerate()
