"""Airbyte's connector QA checks (`connector_qa` of the PyPI package airbyte-internal-ops) on both connectors.

    make qa        # installs airbyte-internal-ops (pinned) into .tools/qa, then runs this module with it

The checks expect Airbyte's monorepo: `airbyte-integrations/connectors/<name>/` holding one connector, its
user docs under `docs/integrations/<type>s/<name>.md` (found from a docs.airbyte.com documentationUrl), run
from the repository root. This project keeps two connectors in one Python project, so the module lays out
that shape under build/qa/airbyte with symbolic links to the real files (the connector packages are copied, so
that the HTTPS scan enters them; the two metadata files are rewritten copies whose documentationUrl points at the
monorepo docs path, so that the documentation checks read our docs), runs every enabled check on each connector, and writes build/qa/report.json and
build/qa/report.md. A check that raises is reported as an error with its exception. The exit code is 1 when a
check fails or errors and is not listed in BY_INTENT (each entry says why the rule does not fit here and which
test of ours checks its intent instead); docs/internal/qa-checks.md records the outcome.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build" / "qa"
MONOREPO = OUT / "airbyte"
CONNECTORS = {
    "source-confluence": {
        "metadata": "metadata.yaml", "icon": "icon.svg", "docs": "docs/source-confluence.md", "package": "source_confluence",
        "files": ["source_confluence", "pyproject.toml", "uv.lock", "Dockerfile", "README.md",
                  "acceptance-test-config.yml", "unit_tests", "integration_tests"],
    },
    "destination-unique": {
        "metadata": "destination_unique/metadata.yaml", "icon": "destination_unique/icon.svg", "package": "destination_unique",
        "docs": "docs/destination-unique.md",
        "files": ["destination_unique", "pyproject.toml", "uv.lock", "Dockerfile", "README.md",
                  "unit_tests", "integration_tests"],
    },
}
# (connector, check class) → why the rule does not apply as written, and where its intent is checked.
BY_INTENT = {
    ("*", "CheckConnectorUsesPoetry"): (
        "Both connectors share one project locked with uv (uv.lock, hashes verified at image build); the intent, "
        "locked reproducible installs, is checked by unit_tests/packaging/test_dockerfile_and_metadata.py."),
    ("*", "CheckConnectorCDKTag"): (
        "The check reads tool.poetry.dependencies; our pyproject is PEP 621 ([project]). The intent (cdk tag matches "
        "how the connector is built: cdk:low-code for the manifest source, cdk:python for the destination) is "
        "checked by unit_tests/packaging/test_qa_intent.py."),
    ("*", "CheckConnectorLicenseMatchInPyproject"): (
        "The check reads tool.poetry.license; the intent (same license in metadata and pyproject) is checked on "
        "[project].license by unit_tests/packaging/test_qa_intent.py."),
    ("*", "CheckConnectorVersionMatchInPyproject"): (
        "The check reads tool.poetry.version; the intent (dockerImageTag equals the package version) is checked on "
        "[project].version by unit_tests/packaging/test_qa_intent.py."),
    ("*", "CheckConnectorUsesPythonBaseImage"): (
        "The check wants no Dockerfile (airbyte-ci builds python connectors itself). One Dockerfile builds both "
        "connectors FROM the pinned connectorBuildOptions.baseImage; unit_tests/packaging checks they agree."),
    ("*", "CheckVersionIncrement"): (
        "Compares with Airbyte's master branch (git history of the monorepo); not available outside it. The bump "
        "0.1.0 → 0.2.0 with its changelog entry is checked by unit_tests/packaging/test_qa_intent.py."),
}


TEMPLATE_RULES_FOR_DESTINATIONS = {"CheckDocumentationHeadersOrder", "CheckChangelogSectionContent"}


def stage() -> None:
    """build/qa/airbyte shaped like Airbyte's monorepo, linking to this repository's files."""
    shutil.rmtree(OUT, ignore_errors=True)
    for name, layout in CONNECTORS.items():
        code = MONOREPO / "airbyte-integrations" / "connectors" / name
        code.mkdir(parents=True)
        for relative in layout["files"]:
            if relative == layout["package"]:
                # Copied: the HTTPS check walks the directory with rglob, which does not enter symlinked folders.
                shutil.copytree(REPO / relative, code / relative, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                (code / Path(relative).name).symlink_to(REPO / relative)
        (code / "icon.svg").symlink_to(REPO / layout["icon"])
        metadata = yaml.safe_load((REPO / layout["metadata"]).read_text())
        kind = metadata["data"]["connectorType"]
        short = name.split("-", 1)[1]
        metadata["data"]["documentationUrl"] = f"https://docs.airbyte.com/integrations/{kind}s/{short}"
        # The documentation checks only run from support level 300 up (Airbyte's certified connectors);
        # the staged copy declares it so that our docs are checked against the template too.
        metadata["data"].setdefault("ab_internal", {}).update({"sl": 300, "ql": 300})
        (code / "metadata.yaml").write_text(yaml.safe_dump(metadata, sort_keys=False))
        docs = MONOREPO / "docs" / "integrations" / f"{kind}s"
        docs.mkdir(parents=True, exist_ok=True)
        (docs / f"{short}.md").symlink_to(REPO / layout["docs"])
    subprocess.run(["git", "init", "-q", str(MONOREPO)], check=True)


def work_offline() -> None:
    """Answer the checks' two network look-ups the way the network would, without it.

    * Airbyte's connector registries (is the connector released? its usage?): our connectors are not in
      them (their own definitionIds, registryOverrides.cloud disabled), so the registries are empty here.
    * Docker Hub (does the pinned base image exist?): skipped with the validator's own option; the pinned
      digest is checked against the Dockerfile by unit_tests/packaging and used by `make images`.
    """
    from airbyte_ops_mcp.connector_ops import utils as connector_utils
    from airbyte_ops_mcp.connector_qa.checks import metadata as metadata_checks
    from airbyte_ops_mcp.metadata_validator import ValidatorOptions

    connector_utils.download_catalog = lambda url: {"sources": [], "destinations": []}
    validate_and_load = metadata_checks.validate_and_load

    def validate_offline(path, validators, options: ValidatorOptions):
        return validate_and_load(path, validators, ValidatorOptions(docs_path=options.docs_path,
                                                                    prerelease_tag=options.prerelease_tag,
                                                                    disable_dockerhub_checks=True))

    metadata_checks.validate_and_load = validate_offline


def run_checks() -> list[dict]:
    os.chdir(MONOREPO)  # the checks resolve ./airbyte-integrations and ./docs from the working directory
    from airbyte_ops_mcp.connector_ops.utils import Connector
    from airbyte_ops_mcp.connector_qa.checks import ENABLED_CHECKS

    work_offline()

    results = []
    for name in CONNECTORS:
        connector = Connector(name)
        for check in ENABLED_CHECKS:
            check_name = type(check).__name__
            try:
                result = check.run(connector)
                status, message = result.status.name.lower(), result.message
            except Exception as error:  # a check that assumes Poetry raises KeyError: report it, run the rest
                status, message = "error", f"{type(error).__name__}: {error} ({traceback.extract_tb(error.__traceback__)[-1].name})"
            reason = BY_INTENT.get((name, check_name)) or BY_INTENT.get(("*", check_name))
            results.append({"connector": name, "check": check_name, "rule": check.name, "status": status,
                            "message": " ".join(str(message or "").split()), "by_intent": reason})
            if name.startswith("destination-") and check_name in TEMPLATE_RULES_FOR_DESTINATIONS:
                # Airbyte applies the page-template rules to sources only; our destination page follows the
                # same template, so its structure is checked too (the check's own rule, run directly).
                outcome = check._run(connector)
                results.append({"connector": name, "check": f"{check_name} (destination page, by intent)",
                                "rule": check.name, "status": outcome.status.name.lower(),
                                "message": " ".join(str(outcome.message or "").split()), "by_intent": None})
    return results


def report(results: list[dict]) -> int:
    OUT.joinpath("report.json").write_text(json.dumps(results, indent=2))
    lines = ["| Connector | Check | Outcome | Message |", "| --- | --- | --- | --- |"]
    blocking = []
    for result in results:
        outcome = result["status"]
        if outcome in ("failed", "error") and result["by_intent"]:
            outcome += " (by intent)"
        elif outcome in ("failed", "error"):
            blocking.append(result)
        lines.append(f"| {result['connector']} | {result['check']} | {outcome} | {result['message'][:160]} |")
    OUT.joinpath("report.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    counts = {status: sum(r["status"] == status for r in results) for status in ("passed", "skipped", "failed", "error")}
    print(f"\n{counts['passed']} passed, {counts['skipped']} skipped, {counts['failed']} failed, {counts['error']} errors; "
          f"{len(blocking)} not explained by intent. Report: {OUT.relative_to(REPO)}/report.md")
    for result in blocking:
        print(f"BLOCKING {result['connector']} {result['check']}: {result['message']}", file=sys.stderr)
    return 1 if blocking else 0


if __name__ == "__main__":
    stage()
    sys.exit(report(run_checks()))
