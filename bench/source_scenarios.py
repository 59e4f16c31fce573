"""Source scenarios (issue #5): full sync with latency, incremental after 1 % edits, large, 1 GiB attachment.

Each scenario returns a plain dict (the JSON result); `bench.targets` judges it afterwards.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.airbyte_messages import configured_catalog, incremental_capable
from bench.emulator_process import EmulatorClient, confluence_emulator
from bench.lower_bound import (FAMILY_FORMULAS, LowerBound, bound_time_seconds, catalog_bound, critical_path_seconds,
                               incremental_lower_bound, lower_bound)
from bench.page_sizes import family_page_sizes, search_page_size
from bench.source_runs import SourceRun, SourceRunner, connector_routes, default_num_workers, source_config
from bench.truth_counts import counts_from_truth, current_page_ids

MB = 1024 * 1024
# Once per run and unavoidable: GET /wiki/rest/api/user/current for the user's time zone, which
# incremental CQL needs (CQL compares dates in the caller's zone; issue #3 "Incremental correctness").
FIXED_REQUESTS_PER_RUN = 1
EDITED_FRACTION = 0.01
STARTUP_SAMPLES = 3


def _lower_bound_json(bound: LowerBound) -> dict:
    return {"total": bound.total, "fixed_requests": bound.fixed_requests, "longest_chain": bound.longest_chain,
            "families": [{**asdict(f), "formula": FAMILY_FORMULAS[f.family]} for f in bound.families]}


def _measured(run: SourceRun, emulator: EmulatorClient, emulator_cpu_before: float) -> dict:
    process = run.process
    routes = connector_routes(emulator.stats())
    return {
        # Both processes share the machine's cores: CPU the emulator burns is time the source waits.
        "emulator_cpu_seconds": round(emulator.cpu_seconds() - emulator_cpu_before, 3),
        "wall_seconds": round(process.wall_seconds, 3),
        "cpu_seconds": round(process.cpu_user_seconds + process.cpu_system_seconds, 3),
        "peak_rss_mb": round(process.peak_rss_bytes / MB, 1),
        "peak_rss_tree_sampled_mb": round(process.peak_rss_tree_bytes / MB, 1),
        "vm_hwm_mb": round(process.vm_hwm_bytes / MB, 1),
        "rss_samples": process.rss_samples,
        "records_total": run.tally.total_records,
        "records_per_stream": dict(sorted(run.tally.records_per_stream.items())),
        "records_per_second": round(run.tally.total_records / process.wall_seconds, 1) if process.wall_seconds else None,
        "requests_total": sum(routes.values()),
        "requests_by_route": routes,
        "errors": run.tally.errors,
    }


class SourceBench:
    """Shared set-up for the source scenarios: one runner, the spec's defaults, the startup cost."""

    def __init__(self, workdir: Path, seed: int = 1, deadline: float | None = None):
        self.workdir = workdir
        self.seed = seed
        self.runner = SourceRunner(workdir, deadline=deadline)
        spec_runs = [self.runner.spec() for _ in range(STARTUP_SAMPLES)]
        self.concurrency = default_num_workers(spec_runs[0].tally.spec or {})
        # `spec` does no I/O: its wall time is the interpreter + CDK import cost every run pays.
        # The minimum of a few runs: other load on the machine only ever adds to it.
        self.startup_seconds = round(min(run.process.wall_seconds for run in spec_runs), 3)

    def _full_sync(self, name: str, emulator: EmulatorClient, profile: str, latency_ms: int,
                   incremental: bool, allow_timeout: bool = False) -> tuple[dict, SourceRun, dict, dict]:
        truth = emulator.truth()
        config = source_config(emulator.base_url)
        discovered = self.runner.discover(config)
        streams = incremental_capable(discovered) if incremental else []
        catalog = configured_catalog(discovered, incremental_streams=streams)
        bound = lower_bound(counts_from_truth(truth, include_archived=bool(config.get("include_archived"))),
                            family_page_sizes(), FIXED_REQUESTS_PER_RUN)
        emulator.reset_stats()
        cpu_before = emulator.cpu_seconds()
        run = self.runner.read(name, config, catalog, allow_timeout=allow_timeout)
        measured = _measured(run, emulator, cpu_before)
        bound_seconds = bound_time_seconds(bound.total, latency_ms, self.concurrency)
        result = {
            "scenario": name, "status": "ok", "profile": profile, "latency_ms": latency_ms,
            "concurrency": self.concurrency, "startup_seconds": self.startup_seconds,
            # Cut by the bench's time budget: figures cover the run until then (RSS: a lower bound).
            "timed_out": run.process.timed_out,
            "streams": [s["stream"]["name"] for s in catalog["streams"]],
            "incremental_streams": streams,
            **measured,
            "lower_bound": _lower_bound_json(bound),
            "catalog_bound": catalog_bound(bound, [s["stream"]["name"] for s in catalog["streams"]]),
            "bound_time_seconds": round(bound_seconds, 3),
            "critical_path_seconds": round(critical_path_seconds(bound, latency_ms), 3),
            "requests_ratio": round(measured["requests_total"] / bound.total, 3),
            "wall_ratio": round(measured["wall_seconds"] / bound_seconds, 3) if bound_seconds else None,
            "wall_ratio_without_startup": (round((measured["wall_seconds"] - self.startup_seconds) / bound_seconds, 3)
                                           if bound_seconds else None),
        }
        # Issue #11: the bound a client can reach — no concurrency shortens the longest listing that
        # must run in sequence — plus this build's own `spec` start-up.
        corrected = max(bound_seconds, critical_path_seconds(bound, latency_ms)) + self.startup_seconds
        result["corrected_bound_seconds"] = round(corrected, 3)
        result["wall_ratio_corrected"] = round(measured["wall_seconds"] / corrected, 3) if latency_ms else None
        return result, run, discovered, truth

    def full_and_incremental(self, profile: str, latency_ms: int) -> list[dict]:
        """(a) full sync, then (b) an incremental sync after editing 1 % of the pages."""
        with confluence_emulator(profile, latency_ms, self.workdir, self.seed) as emulator:
            full, full_run, discovered, truth = self._full_sync("medium_full", emulator, profile, latency_ms,
                                                                incremental=True)
            incremental = self._incremental(emulator, full, full_run, discovered, truth, profile, latency_ms)
        return [full, incremental]

    def _incremental(self, emulator: EmulatorClient, full: dict, full_run: SourceRun, discovered: dict,
                     truth: dict, profile: str, latency_ms: int) -> dict:
        page_ids = current_page_ids(truth)
        edited = page_ids[:: max(1, round(1 / EDITED_FRACTION))][: max(1, math.ceil(len(page_ids) * EDITED_FRACTION))]
        # Time passes between syncs: move the frozen clock past the lookback window first.
        emulator.mutate([{"op": "advance_clock", "seconds": 3600}])
        emulator.mutate([{"op": "edit", "id": page_id, "body": f"<p>bench edit of {page_id}</p>"} for page_id in edited])
        state = full_run.tally.state_messages()
        config = source_config(emulator.base_url)
        streams = incremental_capable(discovered)

        emulator.reset_stats()
        cpu_before = emulator.cpu_seconds()
        run = self.runner.read("medium_incremental", config,
                               configured_catalog(discovered, incremental_streams=streams, only_streams=streams), state)
        measured = _measured(run, emulator, cpu_before)
        # Informational: the same sync with every stream in the catalog (full-refresh streams re-read).
        emulator.reset_stats()
        cpu_before = emulator.cpu_seconds()
        all_streams_run = self.runner.read("medium_incremental_all_streams", config,
                                           configured_catalog(discovered, incremental_streams=streams), state)
        all_streams = _measured(all_streams_run, emulator, cpu_before)
        bound = incremental_lower_bound({s: (len(edited) if s == "pages" else 0) for s in streams},
                                        search_page_size(), FIXED_REQUESTS_PER_RUN)
        return {
            "scenario": "medium_incremental", "status": "ok", "profile": profile, "latency_ms": latency_ms,
            "concurrency": self.concurrency, "startup_seconds": self.startup_seconds,
            "streams": streams, "edited_pages": len(edited),
            "state_streams": sorted(s.get("stream", {}).get("stream_descriptor", {}).get("name", "?") for s in state),
            **measured,
            "full_sync_requests": full["requests_total"],
            "incremental_share_of_full": round(measured["requests_total"] / full["requests_total"], 4)
            if full["requests_total"] else None,
            "incremental_lower_bound": bound,
            "all_streams_catalog": {k: all_streams[k] for k in ("requests_total", "requests_by_route", "records_per_stream",
                                                                 "wall_seconds")},
        }

    def large_full(self, profile: str, latency_ms: int, comparisons: Any = None) -> dict:
        """(c) full sync of a large dataset without latency: CPU, memory, requests; then the baseline's, if asked."""
        with confluence_emulator(profile, latency_ms, self.workdir, self.seed) as emulator:
            result, _, _, _ = self._full_sync("large_full", emulator, profile, latency_ms,
                                              incremental=False, allow_timeout=True)
            if comparisons is not None and not result["timed_out"]:
                baseline = comparisons.baseline_full_sync(emulator, result["wall_seconds"])
                result["baseline"] = baseline
                result["speedup_over_baseline"] = round(baseline["wall_seconds"] / result["wall_seconds"], 2)
        return result

    def big_attachment(self, profile: str, size_bytes: int) -> dict:
        """(d) one big attachment through file transfer: RSS added versus the same sync without it."""
        with confluence_emulator(profile, 0, self.workdir, self.seed) as emulator:
            truth = emulator.truth()
            config = source_config(emulator.base_url, attachments={
                "download_files": True, "allowed_media_types": [], "max_size_mb": max(200, 2 * size_bytes // MB)})
            discovered = self.runner.discover(config)
            catalog = configured_catalog(discovered, only_streams=["attachments"], include_files=True)
            baseline = self._transfer(emulator, "attachment_baseline", config, catalog, None)
            container = current_page_ids(truth)[0]
            added = emulator.mutate([{"op": "add_attachment", "containerId": container, "title": "bench-big-file.bin",
                                      "mediaType": "application/octet-stream", "fileSize": size_bytes}])
            big_id = added["results"][0]["id"]
            big = self._transfer(emulator, "attachment_big", config, catalog, big_id)
        added_mb = big["peak_rss_mb"] - baseline["peak_rss_mb"]
        return {
            "scenario": "big_attachment", "status": "ok", "profile": profile, "attachment_bytes": size_bytes,
            "attachment_id": big_id, "baseline": baseline, "with_big_file": big,
            "rss_added_mb": round(added_mb, 1),
            "staged_file_bytes": big["big_file"].get("staged_bytes"),
            "staged_size_matches": big["big_file"].get("staged_bytes") == size_bytes,
            "transfer_mb_per_second": round((size_bytes / MB) / max(big["wall_seconds"] - baseline["wall_seconds"], 1e-3), 1),
        }

    def _transfer(self, emulator: EmulatorClient, label: str, config: dict, catalog: dict, big_id: str | None) -> dict:
        staging = self.runner.staging_directory()
        big_file: dict[str, Any] = {}

        def inspect_attachment(record: dict) -> None:
            if big_id is not None and record.get("data", {}).get("id") == big_id:
                reference = record.get("file_reference") or {}
                big_file["file_reference"] = reference
                path = reference.get("staging_file_url")
                big_file["staged_bytes"] = os.path.getsize(path) if path and os.path.exists(path) else None

        emulator.reset_stats()
        cpu_before = emulator.cpu_seconds()
        try:
            run = self.runner.read(label, config, catalog, record_inspectors={"attachments": inspect_attachment},
                                   env_extra={"AIRBYTE_STAGING_DIRECTORY": str(staging)})
            measured = _measured(run, emulator, cpu_before)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # never leave a GiB behind
        return {**measured, "big_file": big_file}
