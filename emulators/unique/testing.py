"""Test helper: run the real CLI as a subprocess and talk to its control plane.

    with running_unique(tmp_path, latency_ms=0) as uq:
        uq.base_url                 # ingestion base URL, "http://127.0.0.1:PORT"
        uq.scope_management_url     # "http://127.0.0.1:PORT/scope-management"
        uq.graphql("{ __typename }")   # in-cluster headers; uq.headers for your own calls
        uq.state(); uq.stats(); uq.reset_stats()
        uq.set_faults([{"operation": "contentUpsert:finalize", "kind": "status", "status": 500}])
        uq.clear_faults(); uq.set_assumptions(partial_key_match="startsWith")
        uq.create_scope("ENG", parent_id="root-confluence", external_id="confc:t:1:ENG")
        alice = uq.create_user("alice2@example.com"); eng = uq.create_group("eng", [alice["id"]])
        uq.grant_access(scope_id, eng["id"], "READ", entity_type="GROUP")
        uq.can_read(alice["id"], content_id=...)   # {"readable": bool, "via": [...]}; uq.readable(alice["id"])
        uq.restart()                # same --db: everything persisted survives
"""
from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import requests

from .auth import CLIENT_ID, CLIENT_SECRET, PROJECT_ID
from .store import COMPANY_ID, ROOT_SCOPE_ID, SERVICE_USER_ID

IN_CLUSTER_HEADERS = {"x-company-id": COMPANY_ID, "x-user-id": SERVICE_USER_ID, "x-service-id": "tests"}
START_TIMEOUT_SECONDS = 20


class RunningUnique:
    root_scope_id = ROOT_SCOPE_ID
    client_id, client_secret, project_id = CLIENT_ID, CLIENT_SECRET, PROJECT_ID
    headers = IN_CLUSTER_HEADERS

    def __init__(self, work_dir: Path, latency_ms: int, faults, assumptions):
        self.work_dir = work_dir
        self.db_path = work_dir / "unique.sqlite"
        self._command_tail = ["--latency-ms", str(latency_ms)]
        if faults:
            self._command_tail += ["--faults", json.dumps(faults)]
        for name, value in (assumptions or {}).items():
            self._command_tail += ["--assume", f"{name}={json.dumps(value) if not isinstance(value, str) else value}"]
        self._process: subprocess.Popen | None = None
        self.port = 0
        self.session = requests.Session()

    # ── lifecycle ────────────────────────────────────────────────────
    def start(self) -> None:
        port_file = self.work_dir / "unique.port"
        port_file.unlink(missing_ok=True)
        log = open(self.work_dir / "unique-emulator.log", "ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "emulators.unique.cli", "serve", "--port", "0", "--port-file", str(port_file),
             "--db", str(self.db_path), *self._command_tail],
            stdout=log, stderr=log, cwd=Path(__file__).resolve().parents[2])
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not port_file.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"unique emulator did not start; see {self.work_dir / 'unique-emulator.log'}")
            time.sleep(0.02)
        self.port = int(port_file.read_text())

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    # ── addresses ────────────────────────────────────────────────────
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def scope_management_url(self) -> str:
        return f"{self.base_url}/scope-management"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/oauth/v2/token"

    # ── API conveniences (in-cluster headers) ────────────────────────
    def graphql(self, query: str, variables: dict | None = None, operation_name: str | None = None,
                scope_management: bool = False) -> dict:
        base = self.scope_management_url if scope_management else self.base_url
        response = self.session.post(f"{base}/graphql", headers=self.headers, timeout=30,
                                     json={"query": query, "variables": variables or {},
                                           "operationName": operation_name})
        return response.json()

    # ── control plane ────────────────────────────────────────────────
    def _control(self, method: str, path: str, body: dict | None = None) -> dict:
        response = self.session.request(method, f"{self.base_url}/__emulator/{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict:
        return self._control("GET", "state")

    def stats(self) -> dict:
        return self._control("GET", "stats")

    def reset_stats(self) -> None:
        self._control("POST", "reset-stats")

    def set_faults(self, rules: list[dict]) -> None:
        self._control("POST", "faults", {"rules": rules})

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def set_assumptions(self, values: dict | None = None, **named) -> dict:
        return self._control("POST", "assumptions", {**(values or {}), **named})

    def create_scope(self, name: str, parent_id: str | None = None, id: str | None = None,
                     external_id: str | None = None) -> dict:
        return self._control("POST", "scopes", {"name": name, "parentId": parent_id, "id": id,
                                                "externalId": external_id})

    def grant_access(self, scope_id: str, entity_id: str, access_type: str, entity_type: str = "USER") -> None:
        self._control("POST", "scope-accesses", {"scopeId": scope_id, "entityId": entity_id,
                                                 "accessType": access_type, "entityType": entity_type})

    def create_user(self, email: str, id: str | None = None, name: str | None = None, active: bool = True) -> dict:
        """{id, email, name, displayName, active, companyId}; an existing id is replaced."""
        return self._control("POST", "users", {"email": email, "id": id, "name": name, "active": active})

    def users(self) -> list[dict]:
        return self._control("GET", "users")["users"]

    def create_group(self, name: str, members: list[str], id: str | None = None) -> dict:
        """{id, name, members}; an existing id is replaced (name and the whole member list)."""
        return self._control("POST", "groups", {"name": name, "members": list(members), "id": id})

    def groups(self) -> list[dict]:
        return self._control("GET", "groups")["groups"]

    def can_read(self, user_id: str, content_id: str | None = None, key: str | None = None) -> dict:
        """{"userId", "contentId", "key", "readable": bool, "via": [{scopeId, entityType, entityId, accessType}]}"""
        if (content_id is None) == (key is None):
            raise ValueError("give exactly one of content_id and key")
        params = {"userId": user_id, **({"contentId": content_id} if content_id else {"key": key})}
        response = self.session.get(f"{self.base_url}/__emulator/can-read", params=params, timeout=30)
        response.raise_for_status()
        return response.json()

    def readable(self, user_id: str) -> list[str]:
        """The ids of every content the user may read."""
        response = self.session.get(f"{self.base_url}/__emulator/readable", params={"userId": user_id}, timeout=30)
        response.raise_for_status()
        return response.json()["contentIds"]

    def set_ingestion_state(self, state: str, content_id: str | None = None, key: str | None = None) -> None:
        self._control("POST", "ingestion-state", {"contentId": content_id, "key": key, "state": state})

    def advance_clock(self, seconds: float) -> None:
        self._control("POST", "advance-clock", {"seconds": seconds})


@contextlib.contextmanager
def running_unique(tmp_path: Path, latency_ms: int = 0, faults: list[dict] | None = None,
                   assumptions: dict | None = None):
    work_dir = Path(tmp_path) / "unique-emulator"
    work_dir.mkdir(parents=True, exist_ok=True)
    emulator = RunningUnique(work_dir, latency_ms, faults, assumptions)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
        emulator.session.close()
