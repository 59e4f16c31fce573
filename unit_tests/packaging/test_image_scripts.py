"""`make images` (docker/build-images.sh) and the image tests' docker shim, run against a fake `docker`
that records its arguments: which base image the build is given, and the label arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from unit_tests.packaging.connector_files import METADATA_FILES, REPO_ROOT, dockerfile_global_args

STANDIN = "confluenceconnectors/python-connector-base-standin:4.0.0"
FAKE_DOCKER = """#!/bin/sh
# Records each call; `image inspect` / `pull` succeed only for the references listed in $PRESENT.
echo "$*" >> "$CALLS"
case "$1 $2" in
  "image inspect") for ref in $PRESENT; do [ "$ref" = "$3" ] && exit 0; done; exit 1 ;;
esac
[ "$1" = pull ] && exit 1
[ "$1" = buildx ] && exit 1
exit 0
"""


def _fake_docker(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    return bin_dir


def _build_images(tmp_path: Path, present: list[str]) -> list[str]:
    calls = tmp_path / "calls"
    environment = {**os.environ, "PATH": f"{_fake_docker(tmp_path)}{os.pathsep}{os.environ['PATH']}",
                   "CALLS": str(calls), "PRESENT": " ".join(present), "PY": sys.executable}
    result = subprocess.run(["bash", str(REPO_ROOT / "docker" / "build-images.sh")], cwd=REPO_ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return calls.read_text().splitlines()


def _builds(calls: list[str]) -> list[str]:
    return [call for call in calls if call.startswith("build ")]


def test_the_pinned_base_is_used_as_is_when_it_is_present(tmp_path):
    pinned = dockerfile_global_args()["BASE_IMAGE"]
    builds = _builds(_build_images(tmp_path, present=[pinned]))

    assert len(builds) == 2
    assert not any("BASE_IMAGE=" in build for build in builds)


def test_the_stand_in_is_passed_when_the_pinned_base_cannot_be_pulled(tmp_path):
    calls = _build_images(tmp_path, present=[STANDIN])
    builds = _builds(calls)

    assert any(call.startswith("pull ") for call in calls)
    assert f"image inspect {STANDIN}" in calls, "the stand-in script looked for its cached tag"
    assert len(builds) == 2 and all(f"--build-arg BASE_IMAGE={STANDIN}" in build for build in builds)


@pytest.mark.parametrize("connector", ["source-confluence", "destination-unique"])
def test_each_image_gets_its_name_and_the_label_arguments_of_its_metadata(connector, tmp_path):
    data = yaml.safe_load(METADATA_FILES[connector].read_text())["data"]
    builds = _builds(_build_images(tmp_path, present=[STANDIN]))
    build = next(build for build in builds if f"CONNECTOR_NAME={connector}" in build)

    assert f"--build-arg DOCKER_REPOSITORY={data['dockerRepository']}" in build
    assert f"--build-arg DOCKER_IMAGE_TAG={data['dockerImageTag']}" in build
    assert f"-t {data['dockerRepository']}:dev" in build


def test_the_docker_shim_gives_run_host_networking_and_passes_everything_else_through(tmp_path):
    calls = tmp_path / "calls"
    environment = {**os.environ, "REAL_DOCKER": str(_fake_docker(tmp_path) / "docker"), "CALLS": str(calls),
                   "PRESENT": ""}
    shim = REPO_ROOT / "integration_tests" / "images" / "docker-shim" / "docker"

    subprocess.run([str(shim), "run", "--rm", "image:dev", "spec"], env=environment, check=True)
    subprocess.run([str(shim), "build", "-t", "x", "."], env=environment, check=True)

    assert calls.read_text().splitlines() == ["run --network host --rm image:dev spec", "build -t x ."]
