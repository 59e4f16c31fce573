"""The bench's peak RSS is the connector's own, not inherited from the (large) bench process."""
import os
import sys

import psutil

from bench.connector_process import run_connector

CHILD = "buf = bytearray(60 * 1024 * 1024); buf[::4096] = b'x' * len(buf[::4096]); import time; time.sleep(0.3); print('ok')"


def test_given_a_big_parent_when_measuring_a_small_child_then_the_child_peak_is_reported(tmp_path):
    ballast = bytearray(300 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])         # touched: really resident in the parent
    assert psutil.Process().memory_info().rss > 300 * 1024 * 1024
    lines = []
    measurement = run_connector([sys.executable, "-c", CHILD], env=dict(os.environ), on_stdout_line=lines.append,
                                stderr_path=tmp_path / "stderr", timeout_seconds=60)
    assert measurement.exit_code == 0 and lines == [b"ok\n"]
    mb = 1024 * 1024
    # 60 MB buffer + interpreter; far below the 300 MB ballast that wait4's ru_maxrss would report.
    assert 60 * mb <= measurement.vm_hwm_bytes < 150 * mb, measurement.vm_hwm_bytes / mb
    assert measurement.peak_rss_bytes < 150 * mb
    del ballast
