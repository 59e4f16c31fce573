"""run.py's process settings (source_confluence/process_settings.py), checked in a fresh interpreter."""
import json
import subprocess
import sys

import pytest


def test_given_the_connector_entry_point_imported_then_gc_thresholds_and_malloc_settings_are_set():
    probe = ("import gc, json, ctypes\n"
             "before = gc.get_threshold()\n"
             "import source_confluence.run\n"
             "from source_confluence import process_settings\n"
             "print(json.dumps({'before': before, 'after': gc.get_threshold(), **process_settings.apply()}))")
    figures = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
    assert figures["before"] != figures["after"] == [20_000, 10, 10]
    if sys.platform.startswith("linux"):
        assert figures["arenas_capped"] is True, "glibc's mallopt(M_ARENA_MAX) accepted the cap"
        assert figures["mmap_threshold_fixed"] is True, "glibc's mallopt(M_MMAP_THRESHOLD) accepted 256 KB"


def test_given_the_fixed_mmap_threshold_then_a_freed_large_buffer_goes_back_to_the_system():
    """With glibc's dynamic threshold a freed 1 MB block raises the threshold and the next ones stay
    in the heap; with the fixed one each is mapped and unmapped (the heap does not grow)."""
    probe = ("import ctypes, json, sys\n"
             "from source_confluence import process_settings\n"
             "fixed = sys.argv[1] == 'fixed'\n"
             "if fixed: process_settings.apply()\n"
             "libc = ctypes.CDLL(None)\n"
             "libc.sbrk.restype = ctypes.c_void_p\n"
             "libc.malloc.restype = ctypes.c_void_p\n"
             "libc.free.argtypes = [ctypes.c_void_p]\n"
             "libc.free(libc.malloc(1 << 20))\n"           # raises the dynamic threshold past 1 MB
             "start = libc.sbrk(0)\n"
             "blocks = [libc.malloc(1 << 20) for _ in range(8)]\n"
             "grown = libc.sbrk(0) - start\n"
             "for block in blocks: libc.free(block)\n"
             "print(json.dumps({'heap_grew_mb': grown / (1 << 20)}))")
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's malloc only")

    def heap_growth(mode: str) -> float:
        completed = subprocess.run([sys.executable, "-c", probe, mode], capture_output=True, text=True, check=True)
        return json.loads(completed.stdout)["heap_grew_mb"]

    assert heap_growth("dynamic") >= 7, "glibc's own threshold put the 1 MB blocks in the heap"
    assert heap_growth("fixed") < 1


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


# An object whose finalizer speaks only in the interpreter's teardown (a module global is freed then).
_TEARDOWN_PROBE = ("import atexit, sys\n"
                   "from source_confluence import process_settings\n"
                   "class Probe:\n"
                   "    def __del__(self):\n"
                   "        sys.__stdout__.write('teardown ran\\n')\n"
                   "probe = Probe()\n"
                   "atexit.register(lambda: print('exit handler ran'))\n"
                   "sys.stdout.write('unflushed output')\n")


def test_given_only_the_main_thread_when_exiting_without_teardown_then_handlers_run_output_is_flushed_and_teardown_skipped():
    ended = _python(_TEARDOWN_PROBE + "process_settings.exit_without_teardown(3)\nprint('not reached')\n")

    assert ended.returncode == 3
    assert ended.stdout == "unflushed outputexit handler ran\n"


def test_given_another_thread_still_running_when_exiting_without_teardown_then_it_returns_and_the_usual_exit_follows():
    ended = _python(_TEARDOWN_PROBE + "import threading, time\n"
                    "threading.Thread(target=time.sleep, args=(0.5,)).start()\n"
                    "process_settings.exit_without_teardown(3)\n"
                    "print(' returned')\n")

    assert ended.returncode == 0
    assert ended.stdout.startswith("unflushed output returned\nexit handler ran\n")
    assert "teardown ran" in ended.stdout


def test_given_the_console_script_entry_when_spec_finishes_then_the_process_exits_zero_with_the_spec_printed():
    ended = _python("import sys\nsys.argv = ['source-confluence', 'spec']\n"
                    "from source_confluence.run import main\nmain()\nprint('not reached')\n")

    assert ended.returncode == 0, ended.stderr
    [line] = ended.stdout.splitlines()
    assert json.loads(line)["spec"]["connectionSpecification"]["title"]
