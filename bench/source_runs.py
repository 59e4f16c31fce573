"""`source-confluence spec|discover|read` as measured subprocesses (contracts §2)."""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from bench.airbyte_messages import OutputTally
from bench.connector_process import ProcessMeasurement, run_connector
from bench.emulator_process import VENV_BIN, child_env

SOURCE_COMMAND = str(VENV_BIN / "source-confluence")
ADMIN_CREDENTIALS = {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"}
CONTROL_ROUTE_MARK = "/__emulator"
MIN_RUN_SECONDS = 30


def source_config(base_url: str, **overrides: Any) -> dict:
    """Admin API-token config against the emulator; everything else at the source's defaults."""
    return {"domain_name": base_url, "deployment_type": "cloud", "credentials": ADMIN_CREDENTIALS,
            "start_date": "2000-01-01T00:00:00Z", **overrides}


def connector_routes(stats: dict) -> dict[str, int]:
    """Requests per route template, without the bench's own control-plane calls."""
    return {route: n for route, n in sorted(stats.get("by_route", {}).items()) if CONTROL_ROUTE_MARK not in route}


class ConnectorFailed(RuntimeError):
    pass


@dataclass
class SourceRun:
    tally: OutputTally
    process: ProcessMeasurement


class SourceRunner:
    """Writes config/catalog/state files into `workdir` and runs the source on them."""

    def __init__(self, workdir: Path, timeout_seconds: float = 900, deadline: float | None = None,
                 command: str | None = None):
        self.workdir = workdir
        self.command = command or SOURCE_COMMAND  # another build's `source-confluence` (bench/baseline.py)
        self.timeout_seconds = timeout_seconds
        self.deadline = deadline  # time.monotonic() by which every run must have ended
        self._counter = 0

    def _timeout(self, requested: float) -> float:
        if self.deadline is None:
            return requested
        return max(MIN_RUN_SECONDS, min(requested, self.deadline - time.monotonic()))

    def _write(self, name: str, content: Any) -> Path:
        self._counter += 1
        path = self.workdir / f"{self._counter:02d}-{name}.json"
        path.write_text(json.dumps(content))
        return path

    def _run(self, label: str, args: list[str], tally: OutputTally, env_extra: dict[str, str] | None = None,
             timeout_seconds: float | None = None, allow_timeout: bool = False) -> SourceRun:
        stderr_path = self.workdir / f"{self._counter:02d}-{label}.stderr"
        measurement = run_connector([self.command, *args], env=child_env(**(env_extra or {})),
                                    on_stdout_line=tally, stderr_path=stderr_path,
                                    timeout_seconds=self._timeout(timeout_seconds or self.timeout_seconds))
        if measurement.timed_out and allow_timeout:
            return SourceRun(tally, measurement)
        if measurement.exit_code != 0 or measurement.timed_out:
            detail = "; ".join(tally.errors) or _tail(stderr_path)
            raise ConnectorFailed(f"source {label} exited {measurement.exit_code}"
                                  f"{' (timed out)' if measurement.timed_out else ''}: {detail}")
        return SourceRun(tally, measurement)

    def spec(self) -> SourceRun:
        return self._run("spec", ["spec"], OutputTally(), timeout_seconds=120)

    def discover(self, config: dict) -> dict:
        config_path = self._write("config", config)
        run = self._run("discover", ["discover", "--config", str(config_path)], OutputTally(), timeout_seconds=300)
        if run.tally.catalog is None:
            raise ConnectorFailed(f"discover printed no catalog: {'; '.join(run.tally.errors)}")
        return run.tally.catalog

    def read(self, label: str, config: dict, catalog: dict, state: list[dict] | None = None,
             record_inspectors: dict[str, Callable[[dict], None]] | None = None,
             env_extra: dict[str, str] | None = None, allow_timeout: bool = False,
             timeout_seconds: float | None = None) -> SourceRun:
        """`allow_timeout`: a run cut by the deadline returns what it measured instead of failing."""
        args = ["read", "--config", str(self._write("config", config)),
                "--catalog", str(self._write("catalog", catalog))]
        if state is not None:
            args += ["--state", str(self._write("state", state))]
        return self._run(label, args, OutputTally(record_inspectors=record_inspectors or {}), env_extra,
                         timeout_seconds=timeout_seconds, allow_timeout=allow_timeout)

    def staging_directory(self) -> Path:
        """A fresh directory for file transfer (the CDK reads AIRBYTE_STAGING_DIRECTORY at import)."""
        return Path(tempfile.mkdtemp(dir=self.workdir, prefix="staging-"))


def default_num_workers(spec: dict) -> int:
    properties = spec.get("connectionSpecification", {}).get("properties", {})
    return int(properties.get("num_workers", {}).get("default", 1))


def _tail(path: Path, max_chars: int = 800) -> str:
    try:
        return path.read_text(errors="replace")[-max_chars:]
    except FileNotFoundError:
        return ""
