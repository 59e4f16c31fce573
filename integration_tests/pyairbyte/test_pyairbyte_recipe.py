"""The PyAirbyte recipe of docs/pyairbyte.md, run for real (issue #7 part 3).

The installed console script (`.venv/bin/source-confluence`) is driven by PyAirbyte as a
subprocess, offline, into PyAirbyte's default DuckDB cache, against the Confluence emulator; the
cached record ids must be exactly what the emulator says the admin user can see.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("source_confluence.run") is None,
    reason="source_confluence is not importable yet",
)

SOURCE_EXECUTABLE = Path(sys.executable).parent / "source-confluence"  # .venv/bin/source-confluence


def _airbyte_loggers() -> dict[str, logging.Logger]:
    return {name: logger for name, logger in logging.root.manager.loggerDict.items()
            if isinstance(logger, logging.Logger) and (name == "airbyte" or name.startswith("airbyte."))}


@pytest.fixture(autouse=True)
def _restore_airbyte_loggers():
    """PyAirbyte configures the `airbyte` loggers for itself (propagation off, its own file handlers).
    The connector logs under the same names, and the in-process tests that run after this one in the
    same worker read those logs through the root logger: they must find the loggers as they were."""
    saved = {name: (logger.propagate, logger.level, list(logger.handlers), logger.disabled)
             for name, logger in _airbyte_loggers().items()}
    yield
    for name, logger in _airbyte_loggers().items():
        propagate, level, handlers, disabled = saved.get(name, (True, logging.NOTSET, [], False))
        for handler in [handler for handler in logger.handlers if handler not in handlers]:
            logger.removeHandler(handler)
            handler.close()
        logger.propagate, logger.disabled = propagate, disabled
        logger.setLevel(level)


def test_given_the_emulator_when_pyairbyte_reads_spaces_and_pages_then_the_cache_holds_exactly_its_ids(
    tmp_path, monkeypatch
):
    """Every visible page, archived included, arrives once; nothing else does."""
    monkeypatch.setenv("AIRBYTE_OFFLINE_MODE", "1")  # no registry lookups, no telemetry
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.chdir(tmp_path)  # the default cache lives under ./.cache of the working directory
    import airbyte as ab

    from emulators.confluence.testing import running_confluence

    with running_confluence(mode="cloud", profile="tiny", seed=1, latency_ms=0) as emulator:
        truth = emulator.truth()
        source = ab.get_source(
            "source-confluence",
            config={
                "domain_name": emulator.base_url,
                "credentials": {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"},
                "include_archived": True,
            },
            streams=["spaces", "pages"],
            local_executable=str(SOURCE_EXECUTABLE),
        )
        source.check()
        cache = ab.get_default_cache()
        result = source.read(cache=cache)

    assert Path(cache.db_path).resolve().is_relative_to(tmp_path.resolve())
    space_ids = result["spaces"].to_pandas()["id"].astype(str).tolist()
    page_ids = result["pages"].to_pandas()["id"].astype(str).tolist()
    assert sorted(space_ids) == sorted(truth["spaces"])
    assert sorted(page_ids) == sorted(truth["pages"])
    # The columns docs/pyairbyte.md prints (PyAirbyte lowercases names) hold real values.
    pages = result["pages"].to_pandas()
    assert {"id", "title", "spacekey", "body_markdown"} <= set(pages.columns)
    assert set(pages["spacekey"]) <= {space["key"] for space in truth["spaces"].values()}
    assert pages["body_markdown"].str.len().max() > 0
