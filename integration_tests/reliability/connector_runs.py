"""The real connectors as subprocesses (`.venv/bin/source-confluence read …`), every line captured.

    run = run_source("read", config, tmp_path, catalog=catalog_for(["pages"]), state=None)
    run.record_ids("pages") → {"12", "13"} · run.last_state() · run.trace_errors() · run.text

Each run writes its config/catalog/state to its own directory under the test's tmp_path (safe under
xdist), and everything it prints goes into the secret ledger (secret_scan.py) before it is returned.
`kill_after_lines=N` SIGKILLs the source once it has printed N stdout lines (kill-and-resume tests).
"""
from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .secret_scan import LEDGER

VENV_BIN = Path(sys.executable).parent
REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_SECONDS = 240
_run_numbers = itertools.count(1)


@dataclass
class ConnectorRun:
    command: list[str]
    exit_code: int
    lines: list[str]
    stderr: str
    killed: bool = False
    messages: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        for line in self.lines:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and "type" in message:
                self.messages.append(message)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n" + self.stderr

    def of_type(self, kind: str) -> list[dict]:
        return [message for message in self.messages if message["type"] == kind]

    def records(self, stream: str | None = None) -> list[dict]:
        return [m["record"] for m in self.of_type("RECORD") if stream is None or m["record"]["stream"] == stream]

    def record_ids(self, stream: str) -> set[str]:
        return {str(record["data"]["id"]) for record in self.records(stream)}

    def states(self) -> list[dict]:
        return [m["state"] for m in self.of_type("STATE")]

    def trace_errors(self) -> list[dict]:
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"]

    def logs(self, level: str | None = None) -> list[str]:
        return [m["log"]["message"] for m in self.of_type("LOG") if level is None or m["log"]["level"] == level]

    def connection_status(self) -> dict | None:
        statuses = self.of_type("CONNECTION_STATUS")
        return statuses[-1]["connectionStatus"] if statuses else None

    def failure_text(self) -> str:
        """What a user would read about a failure: TRACE error messages and ERROR logs."""
        parts = [f"{e.get('message')} | {e.get('internal_message')}" for e in self.trace_errors()]
        return "\n".join(parts + self.logs("ERROR") + self.logs("FATAL"))


def catalog_for(streams: Iterable[str], incremental: Iterable[str] = ()) -> dict:
    incremental = set(incremental)
    entries = []
    for name in streams:
        is_incremental = name in incremental
        entries.append({
            "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"],
                       **({"source_defined_cursor": True} if is_incremental else {})},
            "sync_mode": "incremental" if is_incremental else "full_refresh",
            "destination_sync_mode": "append",
        })
    return {"streams": entries}


def connector_env(staging_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"AIRBYTE_ENABLE_UNSAFE_CODE": "true", "DO_NOT_TRACK": "1", "AIRBYTE_OFFLINE_MODE": "1",
                "PYTHONWARNINGS": "ignore::FutureWarning"})
    if staging_dir is not None:
        env["AIRBYTE_STAGING_DIRECTORY"] = str(staging_dir)
    return env


def _write_inputs(workdir: Path, config: dict | None, catalog: dict | None, state: Any) -> list[str]:
    workdir.mkdir(parents=True, exist_ok=True)
    args = []
    for flag, name, value in (("--config", "config.json", config), ("--catalog", "catalog.json", catalog),
                              ("--state", "state.json", state)):
        if value is not None:
            path = workdir / name
            path.write_text(value if isinstance(value, str) else json.dumps(value))
            args += [flag, str(path)]
    return args


def _run(executable: str, command: str, tmp_path: Path, config: Any, catalog: Any = None, state: Any = None,
         stdin_lines: Iterable[str] | None = None, kill_after_lines: int | None = None,
         staging_dir: Path | None = None, timeout_seconds: float = RUN_TIMEOUT_SECONDS) -> ConnectorRun:
    if isinstance(config, dict):
        LEDGER.add_secrets_of(config)
    workdir = tmp_path / f"run-{next(_run_numbers):03d}-{executable}-{command}"
    argv = [str(VENV_BIN / executable), command] + _write_inputs(workdir, config, catalog, state)
    stderr_path = workdir / "stderr.txt"
    stdin_path = None
    if stdin_lines is not None:
        stdin_path = workdir / "stdin.jsonl"
        stdin_path.write_text("".join(line if line.endswith("\n") else line + "\n" for line in stdin_lines))
    with open(stderr_path, "wb") as stderr, (open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb")) as stdin:
        process = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr, cwd=REPO_ROOT,
                                   env=connector_env(staging_dir), start_new_session=True)
        watchdog = threading.Timer(timeout_seconds, _kill_group, args=(process,))
        watchdog.start()
        lines, killed = [], False
        try:
            for raw in process.stdout:
                lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))
                if kill_after_lines is not None and len(lines) >= kill_after_lines:
                    _kill_group(process)
                    killed = True
                    break
            process.stdout.close()
            exit_code = process.wait(timeout=30)
        finally:
            watchdog.cancel()
        timed_out = not killed and exit_code == -signal.SIGKILL
    run = ConnectorRun(argv, exit_code, lines, stderr_path.read_text(errors="replace"), killed=killed)
    LEDGER.capture(f"{executable} {command} stdout", "\n".join(lines))
    LEDGER.capture(f"{executable} {command} stderr", run.stderr)
    if timed_out:
        raise AssertionError(f"{executable} {command} ran past {timeout_seconds}s and was killed (a retry loop?)\n"
                             + run.text[-3000:])
    return run


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_source(command: str, config: Any, tmp_path: Path, catalog: dict | None = None, state: Any = None,
               **options: Any) -> ConnectorRun:
    return _run("source-confluence", command, tmp_path, config, catalog, state, **options)


def run_destination(command: str, config: Any, tmp_path: Path, catalog: dict | None = None,
                    messages: Iterable[dict | str] = (), **options: Any) -> ConnectorRun:
    lines = [m if isinstance(m, str) else json.dumps(m) for m in messages]
    if command == "write":
        LEDGER.capture("destination stdin", "\n".join(lines))
    return _run("destination-unique", command, tmp_path, config, catalog, stdin_lines=lines if command == "write" else None,
                **options)
