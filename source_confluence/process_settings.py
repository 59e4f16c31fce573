"""Process-wide settings for a sync's allocation pattern, applied before anything else runs (run.py).

* The cyclic garbage collector's first generation ran ~700 times in a read of 4,833 pages (every
  700 allocations: JSON pages, records, messages), 0.25 s of CPU, though almost everything a read
  allocates is freed by reference counting. At one collection per 20,000 allocations: ~50 runs, 0.1 s.
* glibc gives each thread that allocates its own malloc arena (up to 8 per core). Listing pages are
  parsed on the CDK's workers and on the read-ahead threads, and their large strings (bodies) are
  freed by other threads: memory freed in one arena is not reused by another, and the medium full
  sync at 0 ms grew from 195 MB to 233 MB peak RSS with read-ahead. Two arenas: 181 MB, same speed.
  (`MALLOC_ARENA_MAX=2` in the environment does the same before start.)
* glibc serves an allocation above its mmap threshold (128 KB) with its own mapping, returned to
  the system on free, but after each such free it raises the threshold to that size (up to 32 MB).
  A sync's big buffers (1-2 MB search responses, their decoded text) then came from the heap and
  fragmented it. A fixed threshold of 256 KB keeps them mapped: the large bench profile's peak RSS
  went from 241 MB to 207 MB, at the same speed (`MALLOC_MMAP_THRESHOLD_` does the same).
* At the end of a finished command the interpreter's teardown (every module and object freed one
  by one) took ~0.12 s of a 2.1 s read of 4,833 pages, for nothing: the process ends anyway.
  `exit_without_teardown` runs the exit handlers (logging flushes), flushes stdout and stderr and
  ends the process; whenever that is not safe (another thread still running, a flush failing) it
  returns and the interpreter exits as usual.
"""
import atexit
import ctypes
import gc
import os
import sys
import threading

GC_THRESHOLDS = (20_000, 10, 10)
MALLOC_ARENAS = 2
MALLOC_MMAP_THRESHOLD = 256 * 1024
_M_ARENA_MAX = -8          # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3


def apply() -> dict:
    """Set the three; returns which malloc settings took (glibc only, a no-op elsewhere)."""
    gc.set_threshold(*GC_THRESHOLDS)
    return {"arenas_capped": cap_malloc_arenas(MALLOC_ARENAS),
            "mmap_threshold_fixed": _mallopt(_M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD)}


def cap_malloc_arenas(arenas: int) -> bool:
    return _mallopt(_M_ARENA_MAX, arenas)


def _mallopt(parameter: int, value: int) -> bool:
    try:
        mallopt = ctypes.CDLL(None).mallopt     # the running process's symbols: its C library's
    except (OSError, AttributeError):   # not glibc (musl, macOS): nothing to set
        return False
    return mallopt(parameter, value) == 1


def exit_without_teardown(code: int = 0) -> None:
    """End the process now, skipping the interpreter's teardown; returns (exit as usual) when unsafe."""
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)   # CPython's own, what a normal exit calls
    if run_exit_handlers is None or threading.active_count() != 1:
        return
    run_exit_handlers()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):      # a closed or broken pipe: let the usual exit report it
        return
    os._exit(code)
