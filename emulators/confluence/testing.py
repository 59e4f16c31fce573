"""Start the real emulator CLI in a subprocess for a test (contracts §1.2).

    with running_confluence(profile="tiny") as emu:
        requests.get(emu.base_url + "/wiki/api/v2/pages", auth=("demo@example.com", "demo-token"))
        emu.truth()["pages"]
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]


class RunningConfluence:
    def __init__(self, port: int, mode: str, context_path: str, process: subprocess.Popen):
        self.port = port
        self.mode = mode
        self.process = process
        self.origin = f"http://127.0.0.1:{port}"
        self.base_url = self.origin + (context_path if mode == "datacenter" else "")
        self._control = self.base_url + "/__emulator"

    def _call(self, method: str, path: str, **kwargs):
        response = requests.request(method, self._control + path, timeout=300, **kwargs)
        response.raise_for_status()
        return response.json()

    def truth(self, user: str | None = None) -> dict:
        return self._call("GET", "/truth", params={"user": user} if user else None)

    def stats(self) -> dict:
        return self._call("GET", "/stats")

    def reset_stats(self) -> None:
        self._call("POST", "/reset-stats")

    def requests_log(self) -> list[dict]:
        return self._call("GET", "/requests")

    def mutate(self, ops: list[dict]) -> dict:
        return self._call("POST", "/mutate", json={"ops": ops})

    def can_read(self, user: str, content_id: str) -> bool:
        return self._call("GET", "/can-read", params={"user": user, "content": content_id})["readable"]

    def can_read_many(self, users: list[str], content_ids: list[str]) -> dict[str, dict[str, bool]]:
        return self._call("POST", "/can-read", json={"users": users, "contents": content_ids})["results"]

    def set_faults(self, rules: list[dict]) -> None:
        self._call("POST", "/faults", json={"rules": rules})

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")


@contextlib.contextmanager
def running_confluence(mode: str = "cloud", profile: str = "tiny", seed: int = 1, latency_ms: int = 0,
                       faults: list | None = None, user_timezone: str | None = None,
                       context_path: str = "", big_attachment_mb: int = 0,
                       startup_timeout_seconds: float = 120.0):
    with tempfile.TemporaryDirectory(prefix="confluence-emu-") as scratch:
        port_file = Path(scratch) / "port"
        command = [sys.executable, "-m", "emulators.confluence.cli", "serve", "--port", "0",
                   "--port-file", str(port_file), "--mode", mode, "--profile", profile,
                   "--seed", str(seed), "--latency-ms", str(latency_ms)]
        if faults:
            command += ["--faults", json.dumps(faults)]
        if user_timezone:
            command += ["--user-timezone", user_timezone]
        if context_path:
            command += ["--context-path", context_path]
        if big_attachment_mb:
            command += ["--big-attachment-mb", str(big_attachment_mb)]
        process = subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
        try:
            deadline = time.monotonic() + startup_timeout_seconds
            while not port_file.exists():
                if process.poll() is not None:
                    raise RuntimeError(f"confluence emulator exited with {process.returncode} before ready")
                if time.monotonic() > deadline:
                    raise TimeoutError("confluence emulator did not become ready")
                time.sleep(0.02)
            yield RunningConfluence(int(port_file.read_text()), mode, context_path, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
