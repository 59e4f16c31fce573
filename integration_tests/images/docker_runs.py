"""`docker run` of the connector images for the image tests (`make image-test`, docs/images.md).

Containers use host networking, so they reach the emulators on the host's loopback; nothing else
is reachable to them that the host's loopback does not serve. Folders given to a container are
mounted at fixed paths and opened to its unprivileged `airbyte` user (uid 1000).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from destination_unique.summary import parse_summary_line

SOURCE_IMAGE = os.environ.get("SOURCE_IMAGE", "confluenceconnectors/source-confluence:dev")
DESTINATION_IMAGE = os.environ.get("DESTINATION_IMAGE", "confluenceconnectors/destination-unique:dev")
SHIM_DIR = Path(__file__).resolve().parent / "docker-shim"
WORK = "/work"          # configs and catalogs, read-only in the container
STAGING = "/staging"    # AIRBYTE_STAGING_DIRECTORY shared by the source and the destination


def docker() -> str:
    """The real docker CLI (never the shim)."""
    return os.environ.get("REAL_DOCKER") or shutil.which("docker") or "docker"


def image_exists(image: str) -> bool:
    return subprocess.run([docker(), "image", "inspect", image], capture_output=True).returncode == 0


def inspect(image: str) -> dict:
    output = subprocess.run([docker(), "image", "inspect", image], capture_output=True, text=True, check=True).stdout
    return json.loads(output)[0]


def open_to_container(folder: Path) -> Path:
    """pytest's tmp folders are 0700; the container's airbyte user must read (and for staging write) them."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)
    for path in folder.rglob("*"):
        path.chmod(0o777 if path.is_dir() else 0o644)
    return folder


def run_command(image: str, args: list[str], *, work: Path | None = None, staging: Path | None = None,
                env: dict[str, str] | None = None, entrypoint: str | None = None, timeout: int = 600,
                stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """`docker run --rm --network host [mounts] IMAGE args`; stdout/stderr captured as text."""
    return subprocess.run(docker_argv(image, args, work=work, staging=staging, env=env, entrypoint=entrypoint,
                                      interactive=stdin is not None),
                          input=stdin.decode() if stdin is not None else None, capture_output=True, text=True,
                          timeout=timeout)


def docker_argv(image: str, args: list[str], *, work: Path | None = None, staging: Path | None = None,
                env: dict[str, str] | None = None, entrypoint: str | None = None,
                interactive: bool = False) -> list[str]:
    argv = [docker(), "run", "--rm", "--network", "host"]
    if interactive:
        argv.append("-i")
    if work is not None:
        argv += ["-v", f"{open_to_container(work)}:{WORK}:ro"]
    if staging is not None:
        argv += ["-v", f"{open_to_container(staging)}:{STAGING}", "-e", f"AIRBYTE_STAGING_DIRECTORY={STAGING}"]
    for key, value in (env or {}).items():
        argv += ["-e", f"{key}={value}"]
    if entrypoint is not None:
        argv += ["--entrypoint", entrypoint]
    return [*argv, image, *args]


def messages(stdout: str) -> list[dict]:
    """The Airbyte protocol messages of a connector's stdout (other lines are ignored)."""
    parsed = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            try:
                parsed.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return parsed


def of_type(stdout: str, kind: str) -> list[dict]:
    return [message for message in messages(stdout) if message.get("type") == kind]


def sync(work: Path, staging: Path, label: str) -> dict:
    """`docker run SOURCE read | docker run -i DESTINATION write` with work/{source,destination,catalog}.json.

    The source's stdout is relayed line by line into the destination's stdin (the platform's
    orchestrator relays messages the same way). Returns the destination's SYNC_SUMMARY, its error traces, the exit codes and the record counts
    the source emitted per stream (counted from a copy of the stream).
    """
    source_argv = docker_argv(SOURCE_IMAGE, ["read", "--config", f"{WORK}/source.json", "--catalog",
                                             f"{WORK}/catalog.json"], work=work, staging=staging)
    destination_argv = docker_argv(DESTINATION_IMAGE, ["write", "--config", f"{WORK}/destination.json", "--catalog",
                                                       f"{WORK}/catalog.json"], work=work, staging=staging,
                                   interactive=True)
    records: dict[str, int] = {}
    with open(work.parent / f"{label}-source.stderr", "w") as source_err, \
            open(work.parent / f"{label}-destination.stderr", "w") as destination_err:
        source = subprocess.Popen(source_argv, stdout=subprocess.PIPE, stderr=source_err)
        destination = subprocess.Popen(destination_argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=destination_err)
        for line in source.stdout:
            if line.startswith(b'{"type":"RECORD"'):
                stream = json.loads(line)["record"]["stream"]
                records[stream] = records.get(stream, 0) + 1
            destination.stdin.write(line)
        destination.stdin.close()
        source.wait(timeout=600)
        output = destination.stdout.read().decode()
        destination.wait(timeout=600)
    summary, errors = {}, []
    for message in messages(output):
        if message.get("type") == "LOG":
            summary = parse_summary_line(message["log"]["message"]) or summary
        elif message.get("type") == "TRACE" and message["trace"].get("type") == "ERROR":
            errors.append(message["trace"]["error"]["message"])
    return {"summary": summary, "errors": errors, "records": records,
            "exit_codes": (source.returncode, destination.returncode)}
