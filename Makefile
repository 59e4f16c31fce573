# Two commands do everything on a machine that has only Python 3.11+ and make:
#   make demo   emulated Confluence -> source -> destination -> emulated Unique, with a summary
#   make test   the whole suite
# Docker images (docs/images.md): `make images` builds both connectors' images, `make image-test`
# runs the image tests against them and writes bench/results/images.md.
# Both create the project virtualenv themselves: uv (pinned) from PyPI into .tools/, then
# `uv sync --frozen` from the committed uv.lock into .venv/.

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.synced
# The manifest as the CDK prepares it, computed once like bytecode (source_confluence/prepared_manifest.py).
PREPARED := source_confluence/manifest.prepared.json
READY := $(STAMP) $(PREPARED)

export UV_PROJECT_ENVIRONMENT := $(VENV)
export AIRBYTE_ENABLE_UNSAFE_CODE := true
export DO_NOT_TRACK := 1
export AIRBYTE_OFFLINE_MODE := 1
export PYTHONWARNINGS := ignore::FutureWarning

.PHONY: demo test bench reliability venv clean lint-dupes qa images image-test

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) pyproject.toml uv.lock Makefile
	$(UV) sync --frozen --compile-bytecode --quiet
	$(PY) -m compileall -q source_confluence destination_unique emulators
	@touch $(STAMP)

$(PREPARED): $(STAMP) source_confluence/manifest.yaml
	$(PY) -m source_confluence.prepared_manifest

venv: $(READY)

demo: $(READY)
	$(PY) -m demo.run

# -n 2: CI has two cores. Tests that need emulators start their own on port 0.
test: $(READY)
	$(PY) -m pytest -n 2 -p no:cacheprovider

bench: $(READY)
	$(PY) -m bench.run

reliability: $(READY)
	$(PY) -m pytest -n 2 -p no:cacheprovider -m slow

# Airbyte's connector QA checks (airbyte-internal-ops' connector_qa) on both connectors, in a tool venv of
# their own (their dependencies are not the project's); report in build/qa/, outcomes in docs/internal/qa-checks.md.
QA_TOOLS := $(TOOLS)/qa
AIRBYTE_OPS_VERSION := 0.132.0

$(QA_TOOLS)/.installed:
	$(PYTHON) -m venv $(QA_TOOLS)
	$(QA_TOOLS)/bin/pip install --quiet --disable-pip-version-check airbyte-internal-ops==$(AIRBYTE_OPS_VERSION)
	@touch $@

qa: $(QA_TOOLS)/.installed
	PYTHONWARNINGS=ignore $(QA_TOOLS)/bin/python -m qa.run

# confluenceconnectors/{source-confluence,destination-unique}:dev; the pinned base image, or where it
# cannot be pulled a local stand-in built once from Debian's archive (docker/base/README.md).
images: $(STAMP)
	PY=$(PY) docker/build-images.sh

# CDK standard image tests, docker run spec/check/discover/read, the docker pipeline against both
# emulators, sizes and start-up times (report: bench/results/images.md). Not part of `make test`.
image-test: images
	$(PY) -m integration_tests.images.run

clean:
	rm -rf $(VENV) $(TOOLS) build .pytest_cache $(PREPARED)
