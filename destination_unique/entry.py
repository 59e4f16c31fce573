"""The `destination-unique` console script. In the Docker image, `spec` prints the SPEC message rendered when the
image was built (Dockerfile: `destination-unique spec > .../destination_unique/spec_message.json`, the same code's own answer),
without importing airbyte-cdk: that import is most of a `docker run … spec` (issue #10, part 2).
Everywhere else, and for every other command, `destination_unique.run` answers."""
import sys
from pathlib import Path

RENDERED_SPEC = Path(__file__).with_name("spec_message.json")


def main() -> None:
    if sys.argv[1:] == ["spec"] and RENDERED_SPEC.is_file():
        sys.stdout.write(RENDERED_SPEC.read_text())
        sys.stdout.flush()
        return
    from destination_unique.run import run

    run()
