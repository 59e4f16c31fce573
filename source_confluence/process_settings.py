"""Process-wide settings for a sync's allocation pattern, applied before anything else runs (run.py).

* The cyclic garbage collector's first generation ran ~700 times in a read of 4,833 pages (every
  700 allocations: JSON pages, records, messages), 0.25 s of CPU, though almost everything a read
  allocates is freed by reference counting. At one collection per 20,000 allocations: ~50 runs, 0.1 s.
* glibc gives each thread that allocates its own malloc arena (up to 8 per core). Listing pages are
  parsed on the CDK's workers and on the read-ahead threads, and their large strings (bodies) are
  freed by other threads: memory freed in one arena is not reused by another, and the medium full
  sync at 0 ms grew from 195 MB to 233 MB peak RSS with read-ahead. Two arenas: 181 MB, same speed.
  (`MALLOC_ARENA_MAX=2` in the environment does the same before start.)
"""
import ctypes
import gc

GC_THRESHOLDS = (20_000, 10, 10)
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8   # glibc's mallopt parameter (malloc.h)


def apply() -> bool:
    """Set both; returns whether the malloc arenas were capped (glibc only, a no-op elsewhere)."""
    gc.set_threshold(*GC_THRESHOLDS)
    return cap_malloc_arenas(MALLOC_ARENAS)


def cap_malloc_arenas(arenas: int) -> bool:
    try:
        mallopt = ctypes.CDLL(None).mallopt     # the running process's symbols: its C library's
    except (OSError, AttributeError):   # not glibc (musl, macOS): nothing to cap
        return False
    return mallopt(_M_ARENA_MAX, arenas) == 1
