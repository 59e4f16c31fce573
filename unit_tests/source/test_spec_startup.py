"""`spec` answers without building the declarative source (issue #11 part 2): same message as the CDK's path."""

from __future__ import annotations

import logging
import subprocess
import sys

import orjson
from airbyte_cdk.models import AirbyteMessageSerializer

from source_confluence import run
from source_confluence.source import SourceConfluence


def test_given_the_fast_spec_path_then_its_spec_equals_what_the_cdk_source_answers():
    expected = SourceConfluence(catalog=None, config=None, state=None).spec(logging.getLogger("airbyte"))

    message = AirbyteMessageSerializer.dump(run.spec_message())

    assert message["type"] == "SPEC"
    assert message["spec"] == orjson.loads(orjson.dumps(
        AirbyteMessageSerializer.dump(run.AirbyteMessage(type=run.Type.SPEC, spec=expected))))["spec"]
    assert "credentials" in message["spec"]["connectionSpecification"]["properties"]


def test_given_spec_then_the_declarative_source_module_is_never_imported():
    code = ("import sys; from source_confluence import run; run.run(['spec']); "
            "sys.stderr.write(str('source_confluence.source' in sys.modules))")

    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert completed.stderr.strip().endswith("False")
    assert orjson.loads(completed.stdout.splitlines()[-1])["type"] == "SPEC"
