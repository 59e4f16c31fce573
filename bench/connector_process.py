"""Run a connector as a subprocess: stream its stdout line by line, sample its memory, time it.

Memory is measured two ways: psutil samples the RSS of the child plus all its descendants at
~20 Hz (`peak_rss_tree_bytes`), and each sample also reads the child's `VmHWM` from
/proc/<pid>/status — the kernel's high-water mark of the child's own address space, so a spike
between samples is still counted (`vm_hwm_bytes`).

Not `ru_maxrss` from `os.wait4`: Linux starts a forked child's maxrss at the *parent's* RSS and
keeps it across exec, so it reported the bench process (352 MB after the earlier scenarios), not
the connector (measured: a 9 MB child of a 300 MB parent reports 313 MB).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import psutil

SAMPLE_INTERVAL_SECONDS = 0.05


@dataclass
class ProcessMeasurement:
    command: list[str]
    exit_code: int
    wall_seconds: float
    cpu_user_seconds: float
    cpu_system_seconds: float
    peak_rss_tree_bytes: int
    vm_hwm_bytes: int
    rss_samples: int
    timed_out: bool
    stderr_path: str

    @property
    def peak_rss_bytes(self) -> int:
        """The larger of the two measurements (sampling can miss a short spike; VmHWM cannot)."""
        return max(self.peak_rss_tree_bytes, self.vm_hwm_bytes)


def _vm_hwm_bytes(pid: int) -> int:
    """Peak RSS of the process's current address space (0 once it is gone or where /proc has none)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self._pid = pid
        self._stop_event = threading.Event()
        self.peak_bytes = 0
        self.hwm_bytes = 0
        self.samples = 0

    def run(self) -> None:
        try:
            root = psutil.Process(self._pid)
        except psutil.Error:
            return
        while not self._stop_event.is_set():
            try:
                total = root.memory_info().rss
                for child in root.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            self.peak_bytes = max(self.peak_bytes, total)
            self.hwm_bytes = max(self.hwm_bytes, _vm_hwm_bytes(self._pid))
            self.samples += 1
            self._stop_event.wait(SAMPLE_INTERVAL_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=2)


def _feed_stdin(pipe, chunks: Iterable[bytes]) -> None:
    try:
        for chunk in chunks:
            pipe.write(chunk)
    except BrokenPipeError:
        pass  # the connector exited early; its exit code tells why
    finally:
        try:
            pipe.close()
        except BrokenPipeError:
            pass


def run_connector(command: list[str], *, env: dict[str, str], on_stdout_line: Callable[[bytes], None],
                  stderr_path: Path, timeout_seconds: float,
                  stdin_chunks: Iterable[bytes] | None = None) -> ProcessMeasurement:
    """Run `command` to completion; every stdout line goes to `on_stdout_line` as it arrives."""
    timed_out = threading.Event()
    with open(stderr_path, "wb") as stderr:
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=stderr,
                                   stdin=subprocess.PIPE if stdin_chunks is not None else subprocess.DEVNULL,
                                   start_new_session=True, bufsize=1 << 20)
        sampler = _RssSampler(process.pid)
        sampler.start()

        def kill_group() -> None:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the group we created with start_new_session
            except ProcessLookupError:
                pass

        def kill_on_timeout() -> None:
            timed_out.set()
            kill_group()

        watchdog = threading.Timer(timeout_seconds, kill_on_timeout)
        watchdog.start()
        feeder = None
        if stdin_chunks is not None:
            feeder = threading.Thread(target=_feed_stdin, args=(process.stdin, stdin_chunks), daemon=True)
            feeder.start()
        try:
            for line in process.stdout:
                on_stdout_line(line)
        except BaseException:
            kill_group()  # never leave the child running when we stop reading it
            raise
        finally:
            process.stdout.close()
            _, status, usage = os.wait4(process.pid, 0)
            wall_seconds = time.monotonic() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            watchdog.cancel()
            sampler.stop()
            if feeder is not None:
                feeder.join(timeout=5)
    return ProcessMeasurement(
        command=command,
        exit_code=process.returncode,
        wall_seconds=wall_seconds,
        cpu_user_seconds=usage.ru_utime,
        cpu_system_seconds=usage.ru_stime,
        peak_rss_tree_bytes=sampler.peak_bytes,
        vm_hwm_bytes=sampler.hwm_bytes,
        rss_samples=sampler.samples,
        timed_out=timed_out.is_set(),
        stderr_path=str(stderr_path),
    )
