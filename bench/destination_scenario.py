"""(e) destination-unique ingesting N synthetic pages into the Unique emulator, concurrency 1 vs 8.

The input is what the source would emit (contracts §2 record fields): a few `spaces` records, N
`pages` records with storage bodies, then one STATE. It is generated lazily and piped to
`destination-unique write`, so the bench holds none of it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator

from bench.airbyte_messages import OutputTally
from bench.connector_process import run_connector
from bench.destination_config import destination_config
from bench.emulator_process import VENV_BIN, child_env, unique_emulator
from bench.source_runs import MIN_RUN_SECONDS

DESTINATION_COMMAND = str(VENV_BIN / "destination-unique")
SPACES = 4
BODY_PARAGRAPHS = 12
MB = 1024 * 1024
BASE_URL = "https://bench.atlassian.net/wiki"


def _space(n: int) -> dict:
    return {"id": str(1000 + n), "key": f"B{n}", "name": f"Bench space {n}", "type": "global", "status": "current",
            "description": "", "homepageId": None, "icon": None, "webUrl": f"{BASE_URL}/spaces/B{n}"}


def _page(n: int, modified_at: str) -> dict:
    space = _space(n % SPACES)
    page_id = str(500000 + n)
    body = "".join(f"<p>Paragraph {p} of bench page {n}: the quick brown fox jumps over the lazy dog.</p>"
                   for p in range(BODY_PARAGRAPHS))
    return {
        "id": page_id, "type": "page", "title": f"Bench page {n}", "status": "current",
        "spaceId": space["id"], "spaceKey": space["key"], "spaceName": space["name"],
        "parentId": None, "ancestors": [], "createdAt": modified_at, "lastModifiedAt": modified_at,
        "version": {"number": 1, "createdAt": modified_at, "authorId": "bench-author", "message": ""},
        "authorId": "bench-author", "body": {"storage": {"value": body, "representation": "storage"}},
        "body_markdown": body.replace("<p>", "").replace("</p>", "\n\n"), "labels": [],
        "webUrl": f"{BASE_URL}/spaces/{space['key']}/pages/{page_id}/Bench+page+{n}",
    }


def _record(stream: str, data: dict, emitted_at: int) -> bytes:
    return json.dumps({"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": emitted_at}}).encode() + b"\n"


def synthetic_messages(items: int) -> Iterator[bytes]:
    emitted_at = int(time.time() * 1000)
    modified_at = "2026-09-30T12:00:00.000Z"
    for n in range(SPACES):
        yield _record("spaces", _space(n), emitted_at)
    for n in range(items):
        yield _record("pages", _page(n, modified_at), emitted_at)
    state = {"type": "STREAM", "stream": {"stream_descriptor": {"name": "pages"},
                                          "stream_state": {"lastModifiedAt": modified_at}}}
    yield json.dumps({"type": "STATE", "state": state}).encode() + b"\n"


def destination_catalog() -> dict:
    def stream(name: str, sync_mode: str) -> dict:
        return {"stream": {"name": name, "json_schema": {"type": "object"}, "supported_sync_modes": [sync_mode],
                           "source_defined_primary_key": [["id"]]},
                "sync_mode": sync_mode, "destination_sync_mode": "append_dedup" if sync_mode == "incremental" else "overwrite",
                "cursor_field": ["lastModifiedAt"] if sync_mode == "incremental" else [], "primary_key": [["id"]]}

    return {"streams": [stream("spaces", "full_refresh"), stream("pages", "incremental")]}


def _write_once(workdir: Path, items: int, latency_ms: int, concurrency: int, timeout_seconds: float) -> dict:
    with unique_emulator(latency_ms, workdir) as unique:
        config_path = workdir / f"destination-config-c{concurrency}.json"
        config_path.write_text(json.dumps(destination_config(unique.base_url, concurrency)))
        catalog_path = workdir / "destination-catalog.json"
        catalog_path.write_text(json.dumps(destination_catalog()))
        tally = OutputTally()
        process = run_connector([DESTINATION_COMMAND, "write", "--config", str(config_path), "--catalog", str(catalog_path)],
                                env=child_env(), on_stdout_line=tally, stdin_chunks=synthetic_messages(items),
                                stderr_path=workdir / f"destination-c{concurrency}.stderr", timeout_seconds=timeout_seconds)
        stored = _stored_contents(unique.state())
        stats = unique.stats()
    return {
        "concurrency": concurrency, "exit_code": process.exit_code, "timed_out": process.timed_out,
        "wall_seconds": round(process.wall_seconds, 3),
        "items_per_second": round(items / process.wall_seconds, 2) if process.wall_seconds else None,
        "peak_rss_mb": round(process.peak_rss_bytes / MB, 1),
        "state_messages_out": len(tally.state_messages()),
        "stored_contents": stored, "unique_requests": stats.get("total"), "unique_requests_by_route": stats.get("by_route"),
        "errors": tally.errors,
    }


def _stored_contents(state: dict) -> int | None:
    contents = state.get("contents")
    return len(contents) if isinstance(contents, (list, dict)) else None


def destination_throughput(workdir: Path, items: int, latency_ms: int, deadline: float | None = None,
                           timeout_seconds: float = 420) -> dict:
    def timeout(requested: float) -> float:  # capped by the budget's rest, as the source runs are
        return requested if deadline is None else max(MIN_RUN_SECONDS, min(requested, deadline - time.monotonic()))

    startup = run_connector([DESTINATION_COMMAND, "spec"], env=child_env(), on_stdout_line=OutputTally(),
                            stderr_path=workdir / "destination-spec.stderr", timeout_seconds=timeout(120))
    runs = [_write_once(workdir, items, latency_ms, c, timeout(timeout_seconds)) for c in (1, 8)]
    c1, c8 = runs
    is_ok = all(r["exit_code"] == 0 and not r["timed_out"] for r in runs)
    speedup = c8["items_per_second"] / c1["items_per_second"] if c1["items_per_second"] else None
    startup_seconds = startup.wall_seconds

    def rate_without_startup(run: dict) -> float | None:
        seconds = run["wall_seconds"] - startup_seconds
        return round(items / seconds, 2) if seconds > 0 else None

    return {
        "scenario": "destination_throughput", "status": "ok" if is_ok else "error",
        "error": None if is_ok else "; ".join(e for r in runs for e in r["errors"]) or "destination exited non-zero",
        "items": items, "latency_ms": latency_ms, "startup_seconds": round(startup_seconds, 3),
        "runs": runs, "speedup_c8_over_c1": round(speedup, 2) if speedup else None,
        "speedup_without_startup": (round(rate_without_startup(c8) / rate_without_startup(c1), 2)
                                    if rate_without_startup(c1) and rate_without_startup(c8) else None),
    }
