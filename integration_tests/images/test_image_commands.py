"""The images as users run them: `docker run IMAGE spec|check|discover|read|write` against the emulators
on the host's loopback, and what is (and is not) inside the images. Run by `make image-test`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from demo.pipeline import configured_catalog, destination_config, source_config
from emulators.confluence.testing import running_confluence
from emulators.unique.testing import running_unique
from integration_tests.images.docker_runs import WORK, inspect, of_type, run_command
from integration_tests.source.against_emulator.harness import config_for

pytestmark = pytest.mark.image_tests

REPO = Path(__file__).resolve().parents[2]
METADATA = {"source": REPO / "metadata.yaml", "destination": REPO / "destination_unique" / "metadata.yaml"}
BIN = Path(sys.executable).parent


def metadata(kind: str) -> dict:
    return yaml.safe_load(METADATA[kind].read_text())["data"]


def in_process(command: list[str], cwd: Path | None = None) -> str:
    return subprocess.run([str(BIN / command[0]), *command[1:]], capture_output=True, text=True, check=True,
                          cwd=cwd).stdout


@pytest.fixture(scope="module")
def confluence():
    with running_confluence(mode="cloud", profile="tiny") as cloud, \
            running_confluence(mode="datacenter", profile="tiny", context_path="/confluence") as datacenter:
        yield {"cloud": cloud, "datacenter": datacenter}


@pytest.mark.parametrize("kind", ["source", "destination"])
def test_labels_entrypoint_user_and_workdir_are_those_airbyte_expects(kind, source_image, destination_image):
    image = inspect(source_image if kind == "source" else destination_image)
    config = image["Config"]
    env = dict(line.split("=", 1) for line in config["Env"])

    assert config["Labels"]["io.airbyte.name"] == metadata(kind)["dockerRepository"]
    assert config["Labels"]["io.airbyte.version"] == metadata(kind)["dockerImageTag"]
    assert config["Entrypoint"] == ["/airbyte/entrypoint.sh"] == [env["AIRBYTE_ENTRYPOINT"]]
    assert config["User"] == "airbyte"
    assert config["WorkingDir"] == "/airbyte/integration_code"


@pytest.mark.parametrize("kind", ["source", "destination"])
def test_the_runtime_image_ships_neither_emulators_nor_uv_nor_their_server_stack(kind, source_image,
                                                                                  destination_image):
    probe = ("import importlib.util, shutil, sys; "
             "found = [m for m in ('emulators', 'starlette', 'uvicorn', 'graphql', 'multipart', 'httptools', 'uv') "
             "if importlib.util.find_spec(m)]; "
             "found += [b for b in ('uv', 'confluence-emulator', 'unique-emulator') if shutil.which(b)]; "
             "import source_confluence, destination_unique; print(found)")
    result = run_command(source_image if kind == "source" else destination_image, ["-c", probe], entrypoint="python")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("kind", ["source", "destination"])
def test_spec_runs_from_compiled_bytecode_without_writing_any(kind, source_image, destination_image):
    """PYTHONVERBOSE shows every import: none may be compiled from source or fail to cache."""
    result = run_command(source_image if kind == "source" else destination_image, ["spec"],
                         env={"PYTHONVERBOSE": "1"})
    compiled = [line for line in result.stderr.splitlines()
                if re.match(r"# code object from '?/.*\.py'?$", line) or line.startswith("# could not create")]

    assert result.returncode == 0, result.stderr[-2000:]
    assert of_type(result.stdout, "SPEC")
    assert compiled == [], compiled[:10]


@pytest.mark.parametrize("kind", ["source", "destination"])
def test_spec_in_the_image_equals_spec_in_process(kind, source_image, destination_image):
    command = "source-confluence" if kind == "source" else "destination-unique"
    result = run_command(source_image if kind == "source" else destination_image, ["spec"])

    assert result.returncode == 0, result.stderr[-2000:]
    assert of_type(result.stdout, "SPEC") == of_type(in_process([command, "spec"]), "SPEC")


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_source_check_discover_and_read_in_the_image(mode, confluence, source_image, tmp_path):
    emulator = confluence[mode]
    config = config_for(emulator)
    work = tmp_path / "work"
    work.mkdir()
    (work / "source.json").write_text(json.dumps(config))

    check = run_command(source_image, ["check", "--config", f"{WORK}/source.json"], work=work)
    assert [m["connectionStatus"]["status"] for m in of_type(check.stdout, "CONNECTION_STATUS")] == ["SUCCEEDED"], \
        check.stdout[-2000:] + check.stderr[-2000:]

    discover = run_command(source_image, ["discover", "--config", f"{WORK}/source.json"], work=work)
    catalogs = of_type(discover.stdout, "CATALOG")
    assert discover.returncode == 0 and len(catalogs) == 1, discover.stderr[-2000:]
    assert catalogs == of_type(in_process(["source-confluence", "discover", "--config", str(work / "source.json")]),
                               "CATALOG")

    catalog = configured_catalog(catalogs[0]["catalog"])
    catalog["streams"] = [entry for entry in catalog["streams"] if entry["stream"]["name"] in ("spaces", "pages")]
    (work / "catalog.json").write_text(json.dumps(catalog))
    read = run_command(source_image, ["read", "--config", f"{WORK}/source.json", "--catalog", f"{WORK}/catalog.json"],
                       work=work)
    records = [m["record"] for m in of_type(read.stdout, "RECORD")]
    truth = emulator.truth()

    assert read.returncode == 0, read.stderr[-2000:]
    assert not [m for m in of_type(read.stdout, "TRACE") if m["trace"].get("type") == "ERROR"]
    assert {r["data"]["id"] for r in records if r["stream"] == "pages"} == \
        {page_id for page_id, page in truth["pages"].items() if page["status"] == "current"}
    assert {r["data"]["key"] for r in records if r["stream"] == "spaces"} == \
        {space["key"] for space in truth["spaces"].values()}


def test_source_check_with_a_wrong_token_fails_cleanly_in_the_image(confluence, source_image, tmp_path):
    config = source_config(confluence["cloud"].base_url)
    config["credentials"]["api_token"] = "not-the-token"
    work = tmp_path / "work"
    work.mkdir()
    (work / "source.json").write_text(json.dumps(config))

    check = run_command(source_image, ["check", "--config", f"{WORK}/source.json"], work=work)
    statuses = of_type(check.stdout, "CONNECTION_STATUS")

    assert [m["connectionStatus"]["status"] for m in statuses] == ["FAILED"]
    assert "not-the-token" not in check.stdout + check.stderr
    assert "Traceback" not in check.stdout + check.stderr


def test_destination_check_in_the_image(destination_image, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    with running_unique(tmp_path / "unique") as unique:
        config = destination_config(unique.base_url, "cloud-1234", "https://acme.atlassian.net/wiki")
        (work / "destination.json").write_text(json.dumps(config))
        check = run_command(destination_image, ["check", "--config", f"{WORK}/destination.json"], work=work)

    assert [m["connectionStatus"]["status"] for m in of_type(check.stdout, "CONNECTION_STATUS")] == ["SUCCEEDED"], \
        check.stdout[-2000:] + check.stderr[-2000:]
