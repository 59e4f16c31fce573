import pytest


@pytest.fixture(autouse=True)
def _no_real_staging(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRBYTE_STAGING_DIRECTORY", str(tmp_path / "staging"))
