"""The emulators as subprocesses started through their CLIs (contracts §1.1, §3), each on its own port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import psutil
import requests

VENV_BIN = Path(sys.executable).parent
CONTROL_TIMEOUT_SECONDS = 120


class EmulatorClient:
    """The `/__emulator/` control plane of a running emulator."""

    def __init__(self, base_url: str, process: subprocess.Popen):
        self.base_url = base_url
        self.process = process
        self._session = requests.Session()

    def _get(self, path: str, **params: Any) -> Any:
        response = self._session.get(self.base_url + path, params=params, timeout=CONTROL_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()

    def _post(self, path: str, body: Any = None) -> Any:
        response = self._session.post(self.base_url + path, json=body, timeout=CONTROL_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json() if response.content else None

    def cpu_seconds(self) -> float:
        """CPU the emulator process has used so far (user + system)."""
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def truth(self, user: str | None = None) -> dict:
        return self._get("/__emulator/truth", **({"user": user} if user else {}))

    def state(self) -> dict:
        return self._get("/__emulator/state")

    def stats(self) -> dict:
        return self._get("/__emulator/stats")

    def reset_stats(self) -> None:
        self._post("/__emulator/reset-stats")

    def mutate(self, ops: list[dict]) -> dict:
        return self._post("/__emulator/mutate", {"ops": ops})


def _read_port(port_file: Path) -> int | None:
    try:
        text = port_file.read_text().strip()
    except FileNotFoundError:
        return None
    if not text:
        return None
    if text.isdigit():
        return int(text)
    return int(json.loads(text)["port"])


@contextmanager
def _serve(command: list[str], port_file: Path, log_path: Path, ready_timeout_seconds: float) -> Iterator[tuple[int, subprocess.Popen]]:
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + ready_timeout_seconds
            while (port := _read_port(port_file)) is None:
                if process.poll() is not None:
                    raise RuntimeError(f"{command[0]} exited with {process.returncode}; log: {log_path}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{command[0]} not ready after {ready_timeout_seconds} s; log: {log_path}")
                time.sleep(0.05)
            yield port, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def confluence_emulator(profile: str, latency_ms: int, workdir: Path, seed: int = 1,
                        ready_timeout_seconds: float = 180) -> Iterator[EmulatorClient]:
    """`confluence-emulator serve` in cloud mode; yields its control client (base_url = domain_name)."""
    run_dir = Path(tempfile.mkdtemp(dir=workdir, prefix=f"confluence-{profile}-"))
    port_file = run_dir / "port"
    command = [str(VENV_BIN / "confluence-emulator"), "serve", "--port", "0", "--port-file", str(port_file),
               "--mode", "cloud", "--profile", profile, "--seed", str(seed), "--latency-ms", str(latency_ms)]
    with _serve(command, port_file, run_dir / "emulator.log", ready_timeout_seconds) as (port, process):
        yield EmulatorClient(f"http://127.0.0.1:{port}", process)


@contextmanager
def unique_emulator(latency_ms: int, workdir: Path, ready_timeout_seconds: float = 60) -> Iterator[EmulatorClient]:
    """`unique-emulator serve` on a fresh SQLite database; yields its control client."""
    run_dir = Path(tempfile.mkdtemp(dir=workdir, prefix="unique-"))
    port_file = run_dir / "port"
    command = [str(VENV_BIN / "unique-emulator"), "serve", "--port", "0", "--port-file", str(port_file),
               "--db", str(run_dir / "unique.sqlite"), "--latency-ms", str(latency_ms)]
    with _serve(command, port_file, run_dir / "unique.log", ready_timeout_seconds) as (port, process):
        yield EmulatorClient(f"http://127.0.0.1:{port}", process)


def child_env(**extra: str) -> dict[str, str]:
    """The environment `make` gives connectors, so `python -m bench.run` behaves like `make bench`."""
    env = dict(os.environ)
    env.setdefault("AIRBYTE_ENABLE_UNSAFE_CODE", "true")
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("AIRBYTE_OFFLINE_MODE", "1")
    env.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")
    env.update(extra)
    return env
