"""Where a connector run spends its time: py-spy over all threads, summarised for the bench report.

    summary = profile_command([...source-confluence read ...], env, workdir)
    → {"samples": 5400, "categories": {"Markdown": 0.31, ...}, "top_own": [...], "top_inclusive": [...]}

py-spy (pinned in the dev dependencies) samples every thread of the process and of the Markdown
processes it starts (source_confluence/components/bodies/markdown_processes.py) at `RATE_HZ` and
writes raw collapsed stacks; each sample is put in the first category whose marker appears in its
stack (start-up imports first: anything under an import is start-up, whatever it calls), so the
shares add up to 1. Idle samples (threads blocked in I/O or on a lock) are not recorded.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from bench.emulator_process import VENV_BIN

PY_SPY = str(VENV_BIN / "py-spy")
RATE_HZ = 100
# (category, markers in a frame's text); checked in this order against the whole stack.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("start-up: imports", ("_find_and_load",)),
    ("start-up: manifest and streams", ("concurrent_declarative_source.py:__init__", "ConcurrentDeclarativeSource.__init__",
                                        "ConcurrentDeclarativeSource.streams", "ConcurrentDeclarativeSource._create_streams",
                                        "ConcurrentDeclarativeSource._pre_process_manifest")),
    # The Markdown processes (their stacks start with the process's command line): converting, not waiting.
    ("Markdown in the Markdown processes", ("source_confluence.components.bodies.markdown_worker",)),
    ("Markdown in the connector process", ("storage_to_markdown", "convert_storage", "html_to_markdown", "storage_html.py")),
    ("JSON parsing", ("json_body", "orjson", "json/decoder.py", "Response.json")),
    ("HTTP (requests, sockets)", ("requests/", "urllib3/", "http/client.py", "socket.py", "ssl.py")),
    ("record shaping (our components)", ("source_confluence/components/",)),
    ("CDK per-record path (selector, schema normalization, records → messages)", (
        "record_selector.py", "type_transformer", "transform.py", "stream_record", "partition_reader.py",
        "declarative_partition_generator.py")),
    ("messages to stdout (serialization, print)", ("print_buffer", "serpyco", "AirbyteMessageSerializer",
                                                   "orjson.dumps", "_emit_queued_messages", "entrypoint.py:print")),
)
# Checked against the innermost frames only: every worker's stack starts in threading.py.
# The Markdown pipes (markdown_processes.py, markdown_worker.py) block in `read_frame` and the batch writer.
HAND_OFF = ("queue, pipe and thread hand-off (locks, waits)", ("queue.py", "threading.py", "read_frame (", "_Worker._write ("))
LEAF_FRAMES = 2
OTHER = "other"


def profile_command(command: list[str], env: dict[str, str], output: Path, timeout_seconds: float) -> dict:
    """Run `command` under py-spy (all threads of the connector and of its Markdown processes) and summarise the samples."""
    raw = output.with_suffix(".raw")
    completed = subprocess.run([PY_SPY, "record", "--rate", str(RATE_HZ), "--format", "raw", "--output", str(raw),
                                "--subprocesses", "--", *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=timeout_seconds, text=True)
    if not raw.exists():
        raise RuntimeError(f"py-spy wrote no profile (exit {completed.returncode}): {completed.stderr[-400:]}")
    return summarise(raw.read_text().splitlines())


def _frame_name(frame: str) -> str:
    """`function (path/file.py:line)` → `function (path/file.py)`: one entry per function."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def summarise(lines: list[str], top: int = 15) -> dict:
    categories: Counter = Counter()
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        own[_frame_name(frames[-1])] += count
        for name in {_frame_name(frame) for frame in frames}:
            inclusive[name] += count
        categories[_category(stack)] += count
    share = (lambda n: round(n / total, 3)) if total else (lambda n: 0.0)
    return {
        "samples": total, "rate_hz": RATE_HZ,
        "categories": {name: share(n) for name, n in categories.most_common()},
        "top_own": [{"function": name, "share": share(n)} for name, n in own.most_common(top)],
        "top_inclusive": [{"function": name, "share": share(n)} for name, n in inclusive.most_common(top * 2)
                          if not name.startswith(("<module>", "Thread.", "_bootstrap", "_worker", "_WorkItem"))][:top],
    }


def _category(stack: str) -> str:
    leaf = ";".join(stack.split(";")[-LEAF_FRAMES:])
    for name, markers in CATEGORIES[:2]:  # start-up first: whatever runs under an import is start-up
        if any(marker in stack for marker in markers):
            return name
    if any(marker in leaf for marker in HAND_OFF[1]):
        return HAND_OFF[0]
    for name, markers in CATEGORIES[2:]:
        if any(marker in stack for marker in markers):
            return name
    return OTHER
