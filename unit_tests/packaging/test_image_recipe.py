"""The image recipe's rules (issue 10 part 2), checked without Docker so they hold in `make test`:
the base image argument, the lock-only install, the pinned build backend, what the runtime stage
holds, the labels from metadata, the entrypoint, WORKDIR, and the build context. The built images
are tested by `make image-test` (integration_tests/images/)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from unit_tests.packaging.connector_files import (
    REPO_ROOT,
    console_scripts,
    dockerfile_global_args,
    dockerfile_stages,
    metadata,
)

CONNECTORS = ("source-confluence", "destination-unique")
BASE_IMAGE = re.compile(r"^docker\.io/airbyte/python-connector-base:4\.\d+\.\d+@sha256:[0-9a-f]{64}$")
VENV = "/airbyte/integration_code/.venv"
# The emulators' server stack, pruned from the image's requirements (the emulators are not shipped).
PRUNED = {"starlette": "starlette", "uvicorn": "uvicorn", "graphql-core": "graphql", "python-multipart": "multipart",
          "httptools": "httptools"}


def builder():
    return dockerfile_stages()[0]


def final_stage():
    return dockerfile_stages()[-1]


def test_base_image_argument_defaults_to_the_pinned_base_of_both_metadata_files():
    default = dockerfile_global_args()["BASE_IMAGE"]
    declared = {metadata(name)["data"]["connectorBuildOptions"]["baseImage"] for name in CONNECTORS}

    assert declared == {default}
    assert BASE_IMAGE.match(default)
    assert {stage.base_image for stage in dockerfile_stages()} == {"${BASE_IMAGE}"}


def test_the_builder_installs_the_runtime_dependencies_from_the_committed_lock_only():
    stage = builder()
    installs = " ".join(stage.all("RUN"))
    copied = " ".join(stage.all("COPY"))

    assert "uv.lock" in copied and "pyproject.toml" in copied
    assert "--frozen" in installs and "--require-hashes" in installs and "--no-dev" in installs
    assert set(re.findall(r"--prune ([\w-]+)", installs)) == set(PRUNED)
    assert "source_confluence" in copied and "destination_unique" in copied
    assert "emulators" not in copied


def test_the_pruned_packages_are_not_imported_by_the_shipped_connectors():
    imported = set()
    for package in ("source_confluence", "destination_unique"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imported.add(node.module.split(".")[0])

    assert imported.isdisjoint({*PRUNED.values(), "emulators"}), imported & {*PRUNED.values(), "emulators"}


def test_the_build_backend_is_pinned_in_pyproject_and_hash_checked_in_the_image_build():
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    constraints = (REPO_ROOT / "docker" / "build-constraints.txt").read_text()
    pinned = dict(re.findall(r"^([\w-]+)==(\S+) \\", constraints, flags=re.MULTILINE))
    build_step = next(run for run in builder().all("RUN") if "uv build" in run)

    assert requires == [f"hatchling=={pinned['hatchling']}"]
    assert all(f"{name}==" in constraints for name in pinned)
    assert constraints.count("--hash=sha256:") >= len(pinned)
    assert "--build-constraints docker/build-constraints.txt" in build_step and "--require-hashes" in build_step


def test_bytecode_is_compiled_in_the_builder_for_the_whole_virtualenv():
    build_step = next(run for run in builder().all("RUN") if "uv build" in run)

    assert f"{VENV}/bin/python -m compileall" in build_step and f"{VENV}/lib" in build_step


def test_the_runtime_stage_adds_only_the_virtualenv_and_no_uv():
    stage = final_stage()
    copies = stage.all("COPY")

    assert copies == [f"--from=builder {VENV} {VENV}"], "no second copy of /usr/local, no emulators"
    assert not any(re.search(r"\buv\b", run) for run in stage.all("RUN"))
    assert all("/usr/local" not in copy for copy in copies)


def test_the_connector_name_argument_accepts_exactly_the_two_console_scripts_and_the_entrypoint_runs_one():
    stage = final_stage()
    build_step = " ".join(stage.all("RUN"))
    allowed = set(re.search(r"case \"\$\{CONNECTOR_NAME\}\" in\s+([\w|-]+)\)", build_step).group(1).split("|"))

    assert "CONNECTOR_NAME" in stage.all("ARG")
    assert allowed == set(CONNECTORS)
    scripts = console_scripts()
    assert scripts["source-confluence"] == "source_confluence.run:main"
    assert scripts["destination-unique"] == "destination_unique.entry:main"
    assert f'exec {VENV}/bin/%s "$@"' in build_step and '"${CONNECTOR_NAME}"' in build_step


def test_the_runtime_stage_has_the_airbyte_workdir_entrypoint_and_user():
    stage = final_stage()
    environment = " ".join(stage.all("ENV"))

    assert stage.all("WORKDIR") == ["/airbyte/integration_code"]
    assert json.loads(stage.all("ENTRYPOINT")[-1]) == ["/airbyte/entrypoint.sh"]
    assert 'AIRBYTE_ENTRYPOINT="/airbyte/entrypoint.sh"' in environment
    assert f"PATH={VENV}/bin:" in environment
    assert stage.instructions[-1] == ("USER", "airbyte")


def test_the_labels_are_the_build_arguments_that_make_images_reads_from_metadata():
    stage = final_stage()
    script = (REPO_ROOT / "docker" / "build-images.sh").read_text()

    assert stage.all("LABEL") == ['io.airbyte.name="${DOCKER_REPOSITORY}" io.airbyte.version="${DOCKER_IMAGE_TAG}"']
    assert {"DOCKER_REPOSITORY", "DOCKER_IMAGE_TAG"} <= set(stage.all("ARG"))
    assert 'data["dockerRepository"], data["dockerImageTag"]' in script
    assert '--build-arg "DOCKER_REPOSITORY=$repository"' in script and '--build-arg "DOCKER_IMAGE_TAG=$version"' in script


def _label_guard(tmp_path: Path, connector: str, repository: str, version: str) -> int:
    """Runs the builder's metadata check (its last RUN) as /bin/sh would, on copies of the metadata."""
    guard = builder().all("RUN")[-1]
    (tmp_path / "metadata").mkdir(exist_ok=True)
    shutil.copy(REPO_ROOT / "metadata.yaml", tmp_path / "metadata" / "source-confluence.yaml")
    shutil.copy(REPO_ROOT / "destination_unique" / "metadata.yaml", tmp_path / "metadata" / "destination-unique.yaml")
    environment = {"CONNECTOR_NAME": connector, "DOCKER_REPOSITORY": repository, "DOCKER_IMAGE_TAG": version,
                   "PATH": "/usr/bin:/bin"}
    return subprocess.run(["/bin/sh", "-c", guard], cwd=tmp_path, env=environment, capture_output=True).returncode


@pytest.mark.parametrize("connector", CONNECTORS)
def test_the_build_fails_unless_the_label_arguments_equal_the_metadata(connector, tmp_path):
    data = metadata(connector)["data"]
    repository, version = data["dockerRepository"], data["dockerImageTag"]

    assert _label_guard(tmp_path, connector, repository, version) == 0
    assert _label_guard(tmp_path, connector, repository, version + ".1") != 0
    assert _label_guard(tmp_path, connector, repository + "-x", version) != 0
    assert _label_guard(tmp_path, connector, f"{repository.split('/')[0]}/{CONNECTORS[connector == CONNECTORS[0]]}",
                        version) != 0
    assert _label_guard(tmp_path, "emulators", repository, version) != 0


def _pattern_regex(pattern: str) -> re.Pattern:
    """A .dockerignore pattern as Go's filepath.Match reads it, plus `**` for any number of folders."""
    regex, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            regex, index = regex + ".*", index + 2
        elif pattern[index] == "*":
            regex, index = regex + "[^/]*", index + 1
        elif pattern[index] == "?":
            regex, index = regex + "[^/]", index + 1
        else:
            regex, index = regex + re.escape(pattern[index]), index + 1
    return re.compile(regex + r"\Z")


def _docker_ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:index]) for index in range(1, len(parts) + 1)]
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = _pattern_regex(pattern.lstrip("!").rstrip("/"))
        if any(regex.match(prefix) for prefix in prefixes):
            ignored = not negated
    return ignored


def test_the_build_context_leaves_out_the_virtualenvs_tools_tests_and_emulators():
    patterns = [line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    copied = [source for stage in dockerfile_stages() for copy in stage.all("COPY") if not copy.startswith("--from")
              for source in copy.split()[:-1]]

    assert patterns[0] == "*", "an allow-list: new folders stay out of the context unless named"
    for path in (".venv/lib/python3.11/site-packages/x.py", ".tools/bin/uv", ".git/HEAD", "emulators/confluence/app.py",
                 "unit_tests/packaging/test_image_recipe.py", "integration_tests/images/run.py", "bench/run.py",
                 "source_confluence/__pycache__/source.cpython-311.pyc", "build/lib/x.py", "docs/images.md",
                 "source_confluence/manifest.prepared.json"):
        assert _docker_ignored(path, patterns), path
    for source in copied:
        assert (REPO_ROOT / source).exists(), source
        assert not _docker_ignored(source, patterns), f"{source} is copied by the Dockerfile but ignored"
    assert not _docker_ignored("source_confluence/manifest.yaml", patterns)


def test_the_source_manifest_is_prepared_in_the_builder_after_the_package_is_installed():
    build_step = next(run for run in builder().all("RUN") if "uv build" in run)

    assert build_step.index("--no-deps /tmp/dist/*.whl") < build_step.index(f"{VENV}/bin/python -m source_confluence.prepared_manifest")
