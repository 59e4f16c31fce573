"""The re-entrancy guard (protocol §4.1): one lock file per Unique instance, root scope and tenant.

An OS file lock (flock) is released by the kernel when the process dies, so a crashed sync never
blocks the next one. A second `write` that finds the lock held skips cleanly without changes.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from destination_unique.settings import Settings

LOCK_DIR_ENV = "DESTINATION_UNIQUE_LOCK_DIR"


def lock_path(settings: Settings) -> Path:
    directory = Path(os.environ.get(LOCK_DIR_ENV) or Path(tempfile.gettempdir()) / "destination-unique-locks")
    identity = f"{settings.ingestion_url}|{settings.root_scope_id}|{settings.tenant_name}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return directory / f"{settings.tenant_name}-{digest}.lock"


@contextmanager
def sync_lock(settings: Settings) -> Iterator[bool]:
    """Yields True when this process holds the lock, False when another sync does."""
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
