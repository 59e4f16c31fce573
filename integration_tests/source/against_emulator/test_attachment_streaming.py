"""Attachment bytes are streamed to disk: a big file adds (almost) nothing to the source's peak memory.

Two `source-confluence read` processes list the same attachments, one without and one with file
transfer; the difference in peak RSS (ru_maxrss) is what holding the download costs. The issue's
benchmark is 1 GB ≤ 64 MB (marked slow); the default run uses 256 MB with the same bound.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from emulators.confluence.testing import running_confluence

from .harness import config_for

MEASURE = """
import resource, sys
from source_confluence.run import run
run(sys.argv[1:])
sys.stderr.write("MAXRSS_KB=%d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_mb(tmp_path: Path, config: dict, name: str) -> tuple[float, list]:
    config_path, catalog_path = tmp_path / f"{name}.json", tmp_path / "catalog.json"
    config_path.write_text(json.dumps(config))
    catalog_path.write_text(json.dumps({"streams": [{
        "stream": {"name": "attachments", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
        "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}))
    staging = tmp_path / f"staging-{name}"
    result = subprocess.run([sys.executable, "-c", MEASURE, "read", "--config", str(config_path), "--catalog", str(catalog_path)],
                            capture_output=True, text=True, timeout=900,
                            env={"PATH": "/usr/bin:/bin", "AIRBYTE_STAGING_DIRECTORY": str(staging),
                                 "PYTHONPATH": str(Path(__file__).resolve().parents[3])})
    peak_kb = int(next(line for line in result.stderr.splitlines() if line.startswith("MAXRSS_KB=")).split("=")[1])
    records = [json.loads(line)["record"] for line in result.stdout.splitlines() if '"RECORD"' in line]
    return peak_kb / 1024, records


def check_streaming(tmp_path, size_mb):
    with running_confluence(mode="cloud", profile="tiny", big_attachment_mb=size_mb) as emu:
        baseline_mb, listed = peak_rss_mb(tmp_path, config_for(emu), "listed")
        with_files_mb, staged = peak_rss_mb(tmp_path, config_for(emu, attachments={"download_files": True}), "files")
    big = max(staged, key=lambda r: r["data"]["fileSize"])
    assert big["data"]["fileSize"] == size_mb * 1024 * 1024
    assert Path(big["file_reference"]["staging_file_url"]).stat().st_size == size_mb * 1024 * 1024
    assert len(staged) == len(listed)
    assert with_files_mb - baseline_mb <= 64, f"download added {with_files_mb - baseline_mb:.0f} MB"


def test_given_a_256_mb_attachment_when_delivering_files_then_memory_stays_flat(tmp_path):
    check_streaming(tmp_path, 256)


@pytest.mark.slow
def test_given_a_1_gb_attachment_when_delivering_files_then_at_most_64_mb_more(tmp_path):
    check_streaming(tmp_path, 1024)
