"""Markdown converted in separate processes, while the connector process shapes and sends records.

Converting storage bodies is most of a content sync's CPU (lxml and html-to-markdown both hold the
GIL, so threads cannot share it out). When a listing page arrives (listing/read_ahead.py announces
every page, the ones read ahead included), its bodies go to a Markdown process
(markdown_worker.py) in one batch; by the time the CDK's record path reaches a record, its
Markdown is usually there:

    connector   page 1 arrives → batch to process ─ records of page 1 (take each body's Markdown) ─ …
    Markdown    ────────────────── convert body 1, 2, 3 … 250 ────────────────────────────────── …

Nothing is deferred or batched on the way out: each record still leaves as it is read, with its
`body_markdown`. The result is the one the connector process would compute (the same function,
`markdown.convert_storage`); whenever a process cannot answer, the record's body is converted in
the connector process as before:
* a body not announced (a listing that is not a page of `results`), or evicted from the table;
* a process that ended (crashed, killed): its pending bodies, and every body after, convert here;
* an answer slower than `WAIT_SECONDS`.
The table holds at most `MAX_ENTRIES` bodies (oldest evicted first); bodies are keyed by their text,
so `pages` and `pages_content`, which read the same shared pages, take the same entry.

How many processes: one fewer than the usable cores (affinity and cgroup quota), at most
`MAX_PROCESSES`; none on one core. `SOURCE_CONFLUENCE_MARKDOWN_PROCESSES` overrides the count
(0: every body in the connector process).
"""
from __future__ import annotations

import logging
import math
import os
import queue
import subprocess
import sys
import threading
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple

from source_confluence.components.bodies.markdown_worker import encode_frame, read_frame

LOGGER = logging.getLogger("airbyte")

MAX_PROCESSES = 2
MAX_ENTRIES = 4_000          # bodies converted or on their way, not yet evicted (~16 listing pages)
WAIT_SECONDS = 60.0          # a body's answer later than this is converted here instead
PROCESSES_ENV = "SOURCE_CONFLUENCE_MARKDOWN_PROCESSES"
WORKER_MODULE = "source_confluence.components.bodies.markdown_worker"

Converted = Tuple[str, Optional[str]]   # (Markdown or plain text, why it fell back or None)


def usable_cores() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max") as limit:      # cgroup v2: "<quota> <period>" or "max <period>"
            quota, period = limit.read().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def process_count() -> int:
    configured = os.environ.get(PROCESSES_ENV, "").strip()
    if configured.isdigit():
        return int(configured)
    return max(0, min(MAX_PROCESSES, usable_cores() - 1))


class _Entry:
    """A body on its way (~100 bytes: the table holds thousands, so no Event of its own)."""
    __slots__ = ("worker", "done", "result")

    def __init__(self, worker: "_Worker") -> None:
        self.worker = worker
        self.done = False
        self.result: Optional[Converted] = None   # None once done: convert in the connector process


class _Worker:
    """One Markdown process, the thread that writes its batches and the one that reads its answers."""

    def __init__(self, table: "MarkdownProcesses", command: List[str]) -> None:
        self._table = table
        # Buffered both ways: a raw pipe may take or give part of a frame; the buffered streams loop.
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.batches: "queue.SimpleQueue[Optional[list]]" = queue.SimpleQueue()
        self.alive = True
        self.pending: Dict[int, _Entry] = {}
        threading.Thread(target=self._write, name="markdown-batches", daemon=True).start()
        self._reader = threading.Thread(target=self._read, name="markdown-answers", daemon=True)
        self._reader.start()

    def _write(self) -> None:
        stdin = self.process.stdin
        try:
            while (batch := self.batches.get()) is not None:
                try:
                    frame = encode_frame(batch)
                except TypeError:               # not encodable (orjson refuses lone surrogates): convert here
                    self._table.unanswerable(self, [body_id for body_id, _ in batch])
                    continue
                stdin.write(frame)
                stdin.flush()
        except (OSError, ValueError):
            pass                                 # the process ended: the reader notices
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _read(self) -> None:
        stdout = self.process.stdout
        try:
            while (answers := read_frame(stdout)) is not None:
                self._table.answered(self, answers)
        except (OSError, ValueError, TypeError):
            pass
        self._table.ended(self)

    def kill(self) -> None:
        """A process that does not answer: killed, so that its reader releases what it owes."""
        try:
            self.process.kill()
        except OSError:
            pass

    def stop(self, timeout: float) -> None:
        self.batches.put(None)
        self._reader.join(timeout)
        if self.process.poll() is None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class MarkdownProcesses:
    """The process-wide table of bodies sent to Markdown processes (thread-safe)."""

    def __init__(self, processes: Optional[int] = None, max_entries: int = MAX_ENTRIES,
                 wait_seconds: float = WAIT_SECONDS, command: Optional[List[str]] = None) -> None:
        self._processes = process_count() if processes is None else processes
        self._max_entries, self._wait_seconds = max_entries, wait_seconds
        self._command = command or [sys.executable, "-m", WORKER_MODULE]
        self._lock = threading.Condition()     # notified whenever an entry is done
        self._entries: "OrderedDict[str, _Entry]" = OrderedDict()
        self._workers: List[_Worker] = []
        self._next_id = 0
        self._turn = 0
        self.sent = self.taken = 0

    def start(self) -> None:
        """Start the processes (none if the machine has one core); idempotent."""
        with self._lock:
            if self._workers or self._processes <= 0:
                return
            started: List[_Worker] = []
            try:
                for _ in range(self._processes):
                    started.append(_Worker(self, self._command))
            except OSError as error:
                LOGGER.warning(f"Markdown processes could not start ({error}); converting in the connector process.")
                for worker in started:          # none or all: the ones that did start are stopped
                    worker.alive = False
                    worker.kill()
                return
            self._workers = started

    def submit_page(self, body: Any) -> None:
        """Send the storage bodies of a listing page (parsed JSON) to a Markdown process."""
        if not self._workers or not isinstance(body, dict) or not isinstance(body.get("results"), list):
            return
        bodies = [storage for storage in map(_storage_of, body["results"]) if storage]
        if not bodies:
            return
        with self._lock:
            alive = [worker for worker in self._workers if worker.alive]
            if not alive:
                return
            worker = alive[self._turn % len(alive)]
            self._turn += 1
            batch = []
            for storage in bodies:
                if storage in self._entries:
                    continue
                entry = self._entries[storage] = _Entry(worker)
                self._next_id += 1
                worker.pending[self._next_id] = entry
                batch.append([self._next_id, storage])
                if len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
            self.sent += len(batch)
        if batch:
            worker.batches.put(batch)

    def take(self, storage: str) -> Optional[Converted]:
        """The body's Markdown from a process, or None: convert it in the connector process."""
        with self._lock:
            entry = self._entries.get(storage)
            if entry is None:
                return None
            done = self._lock.wait_for(lambda: entry.done, self._wait_seconds)
            self.taken += done and entry.result is not None
        if not done:
            LOGGER.warning(f"A Markdown process gave no answer in {self._wait_seconds:.0f} s; it is stopped and "
                           "its bodies convert in the connector process.")
            entry.worker.kill()
            return None
        return entry.result

    def answered(self, worker: _Worker, answers: List[list]) -> None:
        """A frame of answers: (body id, Markdown, why it fell back or None) each."""
        with self._lock:
            for body_id, markdown, fallback in answers:
                entry = worker.pending.pop(body_id, None)
                if entry is not None:
                    entry.result, entry.done = (markdown, fallback), True
            self._lock.notify_all()

    def unanswerable(self, worker: _Worker, body_ids: List[int]) -> None:
        with self._lock:
            for body_id in body_ids:
                entry = worker.pending.pop(body_id, None)
                if entry is not None:
                    entry.done = True
            self._lock.notify_all()

    def ended(self, worker: _Worker) -> None:
        """A process's answers ended: closed by `close`, or it died; what it still owed converts here."""
        with self._lock:
            was_alive, worker.alive = worker.alive, False
            owed, worker.pending = list(worker.pending.values()), {}
            closing = not self._workers
        if was_alive and not closing and owed:   # said before the bodies are released to their readers
            LOGGER.warning(f"A Markdown process ended (exit code {worker.process.poll()}); "
                           f"{len(owed)} bodies and the rest convert in the connector process.")
        with self._lock:
            for entry in owed:
                entry.done = True
            self._lock.notify_all()

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
            self._entries.clear()
        for worker in workers:
            worker.stop(timeout)


def _storage_of(item: Any) -> Optional[str]:
    body = item.get("body") if isinstance(item, dict) else None
    storage = body.get("storage") if isinstance(body, dict) else None
    value = storage.get("value") if isinstance(storage, dict) else None
    return value if isinstance(value, str) and value.strip() else None


_ACTIVE: Optional[MarkdownProcesses] = None


def activate(processes: Optional[MarkdownProcesses]) -> None:
    """The table the record shapers ask (wire_values.storage_markdown); None: every body converts here."""
    global _ACTIVE
    _ACTIVE = processes


def converted(storage: str) -> Optional[Converted]:
    active = _ACTIVE
    return active.take(storage) if active is not None else None
