"""destination-unique's console script answers `spec` without the CDK, with the very message the CDK path prints."""
import json
import sys

from destination_unique import entry
from destination_unique.run import run


def test_the_fast_spec_is_the_message_the_cdk_path_prints(capsys):
    run(["spec"])
    through_the_cdk = json.loads(capsys.readouterr().out)

    assert json.loads(entry.spec_line()) == through_the_cdk


def test_spec_does_not_import_the_run_module(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["destination-unique", "spec"])
    monkeypatch.setitem(sys.modules, "destination_unique.run", None)  # importing it would raise ImportError

    entry.main()

    assert json.loads(capsys.readouterr().out)["type"] == "SPEC"


def test_other_commands_go_to_run(monkeypatch):
    import destination_unique.run as run_module
    calls = []
    monkeypatch.setattr(run_module, "run", lambda: calls.append(sys.argv[1:]))
    monkeypatch.setattr(sys, "argv", ["destination-unique", "check", "--config", "c.json"])

    entry.main()

    assert calls == [["check", "--config", "c.json"]]
