"""run.py's process settings (source_confluence/process_settings.py), checked in a fresh interpreter."""
import json
import subprocess
import sys


def test_given_the_connector_entry_point_imported_then_gc_thresholds_and_malloc_arenas_are_set():
    probe = ("import gc, json, ctypes\n"
             "before = gc.get_threshold()\n"
             "import source_confluence.run\n"
             "from source_confluence import process_settings\n"
             "print(json.dumps({'before': before, 'after': gc.get_threshold(),"
             " 'arenas_capped': process_settings.cap_malloc_arenas(process_settings.MALLOC_ARENAS)}))")
    figures = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
    assert figures["before"] != figures["after"] == [20_000, 10, 10]
    if sys.platform.startswith("linux"):
        assert figures["arenas_capped"] is True, "glibc's mallopt(M_ARENA_MAX) accepted the cap"
