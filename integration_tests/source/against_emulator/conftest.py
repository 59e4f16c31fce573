import pytest

from emulators.confluence.testing import running_confluence


@pytest.fixture(scope="module")
def cloud_small():
    with running_confluence(mode="cloud", profile="small") as emu:
        yield emu


@pytest.fixture(scope="module")
def dc_small():
    with running_confluence(mode="datacenter", profile="small", context_path="/confluence") as emu:
        yield emu


@pytest.fixture(autouse=True)
def _staging(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRBYTE_STAGING_DIRECTORY", str(tmp_path / "staging"))
