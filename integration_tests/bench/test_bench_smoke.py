"""`python -m bench.run` end to end on the `tiny` profile at 0 ms: every result field is present.

Skipped only while the source package cannot be imported (it is built concurrently).
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The result fields bench/README.md documents ("Result fields"), scenario by scenario.
DOCUMENT_FIELDS = {"started_at", "total_seconds", "command", "machine", "git", "load_average_1m_at_end", "results",
                   "targets"}
MACHINE_FIELDS = {"cpu_model", "logical_cores", "usable_cores", "ram_gb", "python", "platform", "load_average_1m"}
RUN_FIELDS = {"wall_seconds", "cpu_seconds", "emulator_cpu_seconds", "peak_rss_mb", "peak_rss_tree_sampled_mb",
              "vm_hwm_mb", "rss_samples", "records_total", "records_per_stream", "records_per_second",
              "requests_total", "requests_by_route", "errors"}
SOURCE_FIELDS = RUN_FIELDS | {"scenario", "status", "profile", "latency_ms", "concurrency", "startup_seconds", "streams"}
FULL_FIELDS = SOURCE_FIELDS | {"timed_out", "incremental_streams", "lower_bound", "catalog_bound", "bound_time_seconds",
                               "critical_path_seconds", "requests_ratio", "wall_ratio", "wall_ratio_without_startup",
                               "corrected_bound_seconds", "wall_ratio_corrected"}
INCREMENTAL_FIELDS = SOURCE_FIELDS | {"edited_pages", "state_streams", "full_sync_requests",
                                      "incremental_share_of_full", "incremental_lower_bound", "all_streams_catalog"}
ATTACHMENT_FIELDS = {"scenario", "status", "profile", "attachment_bytes", "attachment_id", "baseline", "with_big_file",
                     "rss_added_mb", "staged_file_bytes", "staged_size_matches", "transfer_mb_per_second"}
DESTINATION_FIELDS = {"scenario", "status", "items", "latency_ms", "startup_seconds", "runs", "speedup_c8_over_c1",
                      "speedup_without_startup", "error"}
DESTINATION_RUN_FIELDS = {"concurrency", "exit_code", "timed_out", "wall_seconds", "items_per_second", "peak_rss_mb",
                          "state_messages_out", "stored_contents", "unique_requests", "unique_requests_by_route", "errors"}
ATTACHMENT_BYTES = 4 * 1024 * 1024


def _importable(package: str) -> bool:
    try:
        return importlib.util.find_spec(f"{package}.run") is not None
    except ImportError:
        return False


@pytest.mark.skipif(not _importable("source_confluence"), reason="source_confluence is not importable yet")
def test_given_the_tiny_profile_when_running_the_bench_then_every_result_field_is_present(tmp_path):
    command = [sys.executable, "-m", "bench.run", "--profile", "tiny", "--latency-ms", "0",
               "--attachment-bytes", str(ATTACHMENT_BYTES), "--destination-items", "20", "--results-dir", str(tmp_path), "--skip-comparisons"]
    if not _importable("destination_unique"):
        command += ["--only", "medium_full", "--only", "medium_incremental", "--only", "large_full",
                    "--only", "big_attachment"]
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=280)
    [result_file] = tmp_path.glob("*.json")
    document = json.loads(result_file.read_text())
    results = {r["scenario"]: r for r in document["results"]}

    failures = {name: r.get("error") for name, r in results.items() if r["status"] != "ok"}
    assert not failures, f"{failures}\n{completed.stdout[-2000:]}"
    assert completed.returncode == 0, completed.stdout[-2000:]
    assert DOCUMENT_FIELDS <= document.keys(), DOCUMENT_FIELDS - document.keys()
    assert MACHINE_FIELDS <= document["machine"].keys(), MACHINE_FIELDS - document["machine"].keys()
    assert len(document["git"]["commit"]) == 40
    for name in ("medium_full", "large_full"):
        assert FULL_FIELDS <= results[name].keys(), (name, FULL_FIELDS - results[name].keys())
        assert results[name]["records_total"] > 0 and results[name]["requests_total"] > 0
        assert results[name]["lower_bound"]["total"] > 0
        assert results[name]["timed_out"] is False  # the default budget is far from cutting a tiny run
    incremental = results["medium_incremental"]
    assert INCREMENTAL_FIELDS <= incremental.keys(), INCREMENTAL_FIELDS - incremental.keys()
    assert incremental["records_per_stream"].get("pages", 0) >= incremental["edited_pages"]
    attachment = results["big_attachment"]
    assert ATTACHMENT_FIELDS <= attachment.keys(), ATTACHMENT_FIELDS - attachment.keys()
    for run in ("baseline", "with_big_file"):
        assert RUN_FIELDS <= attachment[run].keys(), (run, RUN_FIELDS - attachment[run].keys())
    assert attachment["staged_file_bytes"] == ATTACHMENT_BYTES
    if "destination_throughput" in results:
        destination = results["destination_throughput"]
        assert DESTINATION_FIELDS <= destination.keys(), DESTINATION_FIELDS - destination.keys()
        for run in destination["runs"]:
            assert DESTINATION_RUN_FIELDS <= run.keys(), DESTINATION_RUN_FIELDS - run.keys()
            assert run["stored_contents"]
    assert {c["scenario"] for c in document["targets"]} == set(results)
    assert (tmp_path / "latest.md").read_text().startswith("# Benchmark results")
