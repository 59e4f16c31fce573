"""Image tests (`make image-test`): every test here is marked image_tests, which `make test` deselects.

They need the images `make images` builds and a Docker daemon; a missing image fails the test
(`make image-test` builds them first), it is never skipped silently.
"""

from __future__ import annotations

import pytest

from integration_tests.images.docker_runs import DESTINATION_IMAGE, SOURCE_IMAGE, image_exists


@pytest.fixture(scope="session")
def source_image() -> str:
    if not image_exists(SOURCE_IMAGE):
        pytest.fail(f"{SOURCE_IMAGE} is missing: run `make images`")
    return SOURCE_IMAGE


@pytest.fixture(scope="session")
def destination_image() -> str:
    if not image_exists(DESTINATION_IMAGE):
        pytest.fail(f"{DESTINATION_IMAGE} is missing: run `make images`")
    return DESTINATION_IMAGE


def pytest_collection_modifyitems(config, items):
    """Only image tests are collected from this folder, in `make test` as in `make image-test`: the
    CDK suite classes here also carry the suite's in-process tests, which run elsewhere."""
    here = __file__.rsplit("/", 1)[0]
    selected, deselected = [], []
    for item in items:
        inside = str(item.path).startswith(here + "/")
        (deselected if inside and item.get_closest_marker("image_tests") is None else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
