"""The `destination-unique` console script. `spec` is answered from spec.json without importing
airbyte-cdk (that import is most of a `docker run … spec`; issue #10 part 2); every other command,
and anything but a bare `spec`, goes to `destination_unique.run`. The printed message equals the
CDK's (ConnectorSpecificationSerializer adds the two protocol defaults below):
unit_tests/packaging/test_destination_entry.py compares the two."""
import json
import pkgutil
import sys

PROTOCOL_DEFAULTS = {"supportsNormalization": False, "supportsDBT": False}


def spec_line() -> str:
    spec = json.loads(pkgutil.get_data("destination_unique", "spec.json"))
    return json.dumps({"type": "SPEC", "spec": {**spec, **{k: v for k, v in PROTOCOL_DEFAULTS.items() if k not in spec}}})


def main() -> None:
    if sys.argv[1:] == ["spec"]:
        print(spec_line(), flush=True)
        return
    from destination_unique.run import run

    run()
