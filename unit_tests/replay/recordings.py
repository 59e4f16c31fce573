"""The recorded real Confluence responses in ../shared/real-responses/ (read at test time, never copied).

Each file is `{source, deployment, method, path, query, status, headers, body, notes}` (see its INDEX.md).
Absent folder → the replay tests skip with a reason; folder present but a named file missing → fail.
"""
import copy
import json
from pathlib import Path
from typing import Any, Dict

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = REPO_ROOT / ".." / "shared" / "real-responses"


def require_recordings() -> Path:
    if not RECORDINGS.is_dir():
        pytest.skip(f"no recorded Confluence responses beside the repository ({RECORDINGS.resolve()} is absent)")
    return RECORDINGS


def recording(name: str) -> Dict[str, Any]:
    """The whole recording `name` (without `.json`); its body is a fresh copy each time."""
    path = require_recordings() / f"{name}.json"
    assert path.is_file(), f"{path} is listed by the replay tests but missing from {RECORDINGS.resolve()}"
    return copy.deepcopy(json.loads(path.read_text(encoding="utf-8")))


def body(name: str) -> Any:
    return recording(name)["body"]
