"""A connector run cut by its timeout (the bench's budget) is killed and still returns what it measured."""

import os
import signal
import sys

import pytest

from bench.connector_process import run_connector


@pytest.mark.timeout(60)
def test_given_a_run_longer_than_its_timeout_when_running_it_then_it_is_killed_and_its_figures_returned(tmp_path):
    lines = []
    child = "import time; print('RECORD', flush=True); time.sleep(120)"
    measurement = run_connector([sys.executable, "-c", child], env=dict(os.environ), on_stdout_line=lines.append,
                                stderr_path=tmp_path / "child.stderr", timeout_seconds=1)
    assert measurement.timed_out
    assert measurement.exit_code == -signal.SIGKILL
    assert lines == [b"RECORD\n"]
    assert measurement.vm_hwm_bytes > 0
