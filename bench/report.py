"""The machine the bench ran on and the Markdown rendering of a results document."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info() -> dict:
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(affinity) if affinity is not None else os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def git_info() -> dict:
    return {"commit": _git("rev-parse", "HEAD"), "dirty": bool(_git("status", "--porcelain", "--untracked-files=no"))}


def _cell(value: object, max_chars: int = 400) -> str:
    text = " ".join(str(value).split())  # a table cell is one line
    text = text if len(text) <= max_chars else text[: max_chars - 1] + "…"
    return text.replace("|", "\\|")


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _figures(result: dict) -> str:
    name = result["scenario"]
    if result.get("status") != "ok":
        return f"failed: {result.get('error', '')[:300]}"
    if name in ("medium_full", "large_full"):
        return (f"{result['profile']} @ {result['latency_ms']} ms, {result['concurrency']} workers: "
                f"{result['requests_total']} requests (lower bound {result['lower_bound']['total']}; "
                f"per-stream catalog bound {result['catalog_bound']['total']}), "
                f"wall {result['wall_seconds']} s (bound {result['bound_time_seconds']} s, "
                f"startup {result['startup_seconds']} s), {result['records_total']} records, "
                f"{result['records_per_second']} rec/s, CPU {result['cpu_seconds']} s (emulator {result['emulator_cpu_seconds']} s), "
                f"peak RSS {result['peak_rss_mb']} MB"
                + (f"; corrected bound {result['corrected_bound_seconds']} s" if result.get("corrected_bound_seconds")
                   and result.get("latency_ms") else "")
                + (f"; baseline wall {result['baseline']['wall_seconds']} s"
                   f"{' (cut before its end)' if result['baseline'].get('cut') else ''}, "
                   f"{result['baseline']['records_total']} records → {result['speedup_over_baseline']}×"
                   if "baseline" in result else ""))
    if name == "startup_spec":
        return (f"spec, fresh venvs, min of {len(result['samples']['current'])}: baseline ({result['baseline_commit']}) "
                f"{result['baseline_seconds']} s, current {result['current_seconds']} s ({result['speedup']}×)")
    if name in ("pages_markdown", "peer_comparison"):
        other = "baseline" if name == "pages_markdown" else "peer"
        def side(run: dict) -> str:
            return (f"wall {run['wall_seconds']} s, CPU {run['cpu_seconds']} s, {run['records_total']} records, "
                    f"{run['requests_total']} requests, peak RSS {run['peak_rss_mb']} MB")
        return (f"{result['profile']} @ {result['latency_ms']} ms: current {side(result['current'])}; "
                f"{other} {side(result[other])} → {result['speedup']}×")
    if name == "medium_incremental":
        return (f"{result['edited_pages']} pages edited: {result['requests_total']} requests "
                f"(full {result['full_sync_requests']}, incremental bound {result['incremental_lower_bound']}), "
                f"{result['records_per_stream']} records; all-streams catalog: "
                f"{result['all_streams_catalog']['requests_total']} requests")
    if name == "big_attachment":
        return (f"{result['attachment_bytes'] / 1024**3:.2f} GiB: peak RSS {result['with_big_file']['peak_rss_mb']} MB vs "
                f"{result['baseline']['peak_rss_mb']} MB without, {result['transfer_mb_per_second']} MB/s, "
                f"staged {result['staged_file_bytes']} bytes")
    if name == "destination_throughput":
        c1, c8 = result["runs"]
        return (f"{result['items']} items @ {result['latency_ms']} ms: c1 {c1['items_per_second']} items/s "
                f"({c1['wall_seconds']} s), c8 {c8['items_per_second']} items/s ({c8['wall_seconds']} s); "
                f"stored {c1['stored_contents']}/{c8['stored_contents']}; startup {result['startup_seconds']} s")
    return ""


def _verdict(is_met: bool | None) -> str:
    return {True: "met", False: "**gap**", None: "n/a"}[is_met]


def render_markdown(document: dict) -> str:
    machine, git = document["machine"], document["git"]
    lines = [
        f"# Benchmark results — {document['started_at']}", "",
        f"Commit `{git['commit'][:12]}`{' (uncommitted changes)' if git['dirty'] else ''}; "
        f"{machine['cpu_model']}, {machine['usable_cores']} usable of {machine['logical_cores']} cores, "
        f"{machine['ram_gb']} GB RAM, Python {machine['python']}, {machine['platform']}; "
        f"load average (1 min) {machine['load_average_1m']} at start, {document['load_average_1m_at_end']} at end. "
        f"Whole bench: {document['total_seconds']} s.", "",
        "## Targets", "",
        _row(["scenario", "target", "measured", "verdict"]), _row(["---"] * 4),
    ]
    lines += [_row([c["scenario"], c["target"], c["measured"], _verdict(c["is_met"])]) for c in document["targets"]]
    lines += ["", "## Figures", "", _row(["scenario", "figures"]), _row(["---"] * 2)]
    lines += [_row([r["scenario"], _figures(r)]) for r in document["results"]]
    for result in document["results"]:
        if result.get("status") == "ok" and "lower_bound" in result:
            lines += ["", f"### {result['scenario']}: requests per family bound vs. requests per route", "",
                      _row(["family", "objects", "page size", "bound requests", "formula"]), _row(["---"] * 5)]
            lines += [_row([f["family"], f["objects"], f["page_size"], f["requests"], f["formula"]])
                      for f in result["lower_bound"]["families"]]
            lines += [_row(["(per run)", "", "", result["lower_bound"]["fixed_requests"], "GET user/current (time zone)"]),
                      _row(["**total**", "", "", f"**{result['lower_bound']['total']}**", ""]), "",
                      _row(["route", "requests"]), _row(["---"] * 2)]
            lines += [_row([route, n]) for route, n in result["requests_by_route"].items()]
            lines += [_row(["**total**", f"**{result['requests_total']}**"])]
    for result in document["results"]:
        profile = result.get("py_spy_profile") if result.get("status") == "ok" else None
        if profile:
            lines += ["", f"### {result['scenario']}: profile of the current build (py-spy, all threads, "
                      f"{profile['samples']} samples at {profile['rate_hz']} Hz)", "",
                      _row(["where", "share of samples"]), _row(["---"] * 2)]
            lines += [_row([name, f"{share:.1%}"]) for name, share in profile["categories"].items()]
            lines += ["", _row(["function (self time)", "share"]), _row(["---"] * 2)]
            lines += [_row([entry["function"], f"{entry['share']:.1%}"]) for entry in profile["top_own"]]
    notes = document.get("notes") or []
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
