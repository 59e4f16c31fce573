"""The console scripts: `spec` from the message rendered at image build time, everything else from run.run."""
import importlib
import json
import sys

import pytest

PACKAGES = ["source_confluence", "destination_unique"]


@pytest.mark.parametrize("package", PACKAGES)
def test_spec_prints_the_rendered_message_and_builds_nothing(package, tmp_path, monkeypatch, capsys):
    entry = importlib.import_module(f"{package}.entry")
    rendered = tmp_path / "spec_message.json"
    rendered.write_text('{"type":"SPEC","spec":{"connectionSpecification":{"marker":true}}}\n')
    monkeypatch.setattr(entry, "RENDERED_SPEC", rendered)
    monkeypatch.setattr(sys, "argv", [package, "spec"])
    monkeypatch.setitem(sys.modules, f"{package}.run", None)  # importing run would raise ImportError

    entry.main()

    assert json.loads(capsys.readouterr().out)["spec"]["connectionSpecification"] == {"marker": True}


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("argv", [["spec"], ["check", "--config", "c.json"]])
def test_without_a_rendered_message_or_for_other_commands_run_answers(package, argv, tmp_path, monkeypatch, capsys):
    entry = importlib.import_module(f"{package}.entry")
    rendered = tmp_path / "spec_message.json"
    if argv != ["spec"]:
        rendered.write_text('{"type":"SPEC"}\n')
    monkeypatch.setattr(entry, "RENDERED_SPEC", rendered)
    monkeypatch.setattr(sys, "argv", [package, *argv])
    run_module = importlib.import_module(f"{package}.run")
    calls = []
    monkeypatch.setattr(run_module, "run", lambda: calls.append(sys.argv[1:]))

    entry.main()

    assert calls == [argv] and capsys.readouterr().out == ""


@pytest.mark.parametrize("package", PACKAGES)
def test_the_rendered_message_is_what_run_prints_for_spec(package, tmp_path, monkeypatch, capsys):
    """What the Dockerfile writes (`<script> spec > spec_message.json`) is one SPEC message, as entry prints it."""
    run_module = importlib.import_module(f"{package}.run")
    run_module.run(["spec"])
    printed = capsys.readouterr().out
    lines = printed.splitlines()

    assert len(lines) == 1 and json.loads(lines[0])["type"] == "SPEC"
    assert json.loads(lines[0])["spec"]["connectionSpecification"]["properties"]
