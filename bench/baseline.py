"""Fresh builds to compare against: the baseline commit and the current tree, each in its own venv.

    build_baseline()  → bench/results/tmp/baseline-269d29f   (`git archive 269d29f`, then its `make venv`)
    build_current()   → bench/results/tmp/current            (the working tree's tracked files, then `make venv`)

Each build is made the way its own Makefile makes a venv, from scratch (any previous build in the
same directory is removed first), so its bytecode cache holds only what that Makefile compiles:
nothing for the baseline, everything for the current tree (`uv sync --compile-bytecode`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import io
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILD_ROOT = REPO_ROOT / "bench" / "results" / "tmp"
BASELINE_COMMIT = "269d29f"


def _make_venv(directory: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}
    subprocess.run(["make", "venv"], cwd=directory, env=env, check=True, capture_output=True, text=True)


def build_baseline(commit: str = BASELINE_COMMIT, root: Path = BUILD_ROOT) -> Path:
    directory = root / f"baseline-{commit}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=REPO_ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(directory, filter="data")
    _make_venv(directory)
    return directory


def build_current(root: Path = BUILD_ROOT) -> Path:
    directory = root / "current"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, check=True, capture_output=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            target = directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _make_venv(directory)
    return directory


def source_command(build: Path) -> str:
    return str(build / ".venv" / "bin" / "source-confluence")
