# One image recipe for both connectors (`make images` builds both; docs/images.md):
#   docker build --build-arg CONNECTOR_NAME=source-confluence \
#     --build-arg DOCKER_REPOSITORY=confluenceconnectors/source-confluence --build-arg DOCKER_IMAGE_TAG=<dockerImageTag> \
#     -t confluenceconnectors/source-confluence:dev .
# DOCKER_REPOSITORY and DOCKER_IMAGE_TAG become the labels io.airbyte.name / io.airbyte.version that
# airbyte-ci's acceptance tests check; the build fails unless they equal dockerRepository and
# dockerImageTag of the connector's metadata.yaml (repository root for the source,
# destination_unique/metadata.yaml for the destination).
# BASE_IMAGE defaults to the pinned digest of connectorBuildOptions.baseImage in both metadata files
# (unit_tests/packaging/ checks that). Where the registry is out of reach, `make images` builds a
# local stand-in (docker/base/) and passes it as --build-arg BASE_IMAGE=...
# The recipe works with the classic builder and BuildKit alike (no heredocs, no --chmod).
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.0@sha256:d9894b6895923b379f3006fa251147806919c62b7d9021b5cd125bb67d7bbe22

# ---- builder: the runtime virtualenv, from the committed lock ----------------------------------
FROM ${BASE_IMAGE} AS builder
ARG UV_VERSION=0.13.9
USER root
ENV UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy UV_NO_CACHE=1 PIP_ROOT_USER_ACTION=ignore
# uv lives in this stage only.
RUN python -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir --quiet "uv==${UV_VERSION}"
WORKDIR /build
COPY pyproject.toml uv.lock README.md ./
COPY docker/build-constraints.txt ./docker/
# Exact versions and hashes from uv.lock, never re-resolved; without the dev group and without the
# emulators' server stack (the emulators are test tooling and are not shipped in the image).
RUN /opt/uv/bin/uv export --frozen --no-dev --no-emit-project --format requirements-txt \
      --prune starlette --prune uvicorn --prune graphql-core --prune python-multipart --prune httptools \
      --output-file /tmp/requirements.txt \
 && /opt/uv/bin/uv venv --quiet --python /usr/local/bin/python3 /airbyte/integration_code/.venv \
 && /opt/uv/bin/uv pip install --quiet --python /airbyte/integration_code/.venv/bin/python \
      --require-hashes -r /tmp/requirements.txt
COPY source_confluence ./source_confluence
COPY destination_unique ./destination_unique
# The wheel is built by the pinned, hash-checked hatchling (docker/build-constraints.txt). The
# emulators/ folder is not in this build context, so the wheel has no emulators package; their two
# console scripts are removed, and so are the dependencies' own test suites (`tests` folders:
# pandas and numpy ship 60 MB of them). Bytecode is compiled here, so no process in the image needs to
# write .pyc files (the image runs as the unprivileged airbyte user), and the source's manifest is
# prepared here for the same reason (source_confluence/prepared_manifest.py).
RUN /opt/uv/bin/uv build --quiet --wheel --out-dir /tmp/dist --python /usr/local/bin/python3 \
      --build-constraints docker/build-constraints.txt --require-hashes \
 && /opt/uv/bin/uv pip install --quiet --python /airbyte/integration_code/.venv/bin/python --no-deps /tmp/dist/*.whl \
 && rm /airbyte/integration_code/.venv/bin/confluence-emulator /airbyte/integration_code/.venv/bin/unique-emulator \
 && find /airbyte/integration_code/.venv/lib -depth -type d -name tests -exec rm -rf '{}' + \
 && /airbyte/integration_code/.venv/bin/python -m compileall -q -j 0 /airbyte/integration_code/.venv/lib \
 && /airbyte/integration_code/.venv/bin/python -m source_confluence.prepared_manifest
# The labels must say what the metadata says.
ARG CONNECTOR_NAME
ARG DOCKER_REPOSITORY
ARG DOCKER_IMAGE_TAG
COPY metadata.yaml ./metadata/source-confluence.yaml
COPY destination_unique/metadata.yaml ./metadata/destination-unique.yaml
RUN case "${CONNECTOR_NAME}" in \
      source-confluence|destination-unique) ;; \
      *) echo "build with --build-arg CONNECTOR_NAME=source-confluence|destination-unique" >&2; exit 1 ;; \
    esac \
 && grep -Eq "^  dockerRepository: ${DOCKER_REPOSITORY}\$" "metadata/${CONNECTOR_NAME}.yaml" \
 && grep -Eq "^  dockerImageTag: \"?${DOCKER_IMAGE_TAG}\"?\$" "metadata/${CONNECTOR_NAME}.yaml" \
 || { echo "DOCKER_REPOSITORY/DOCKER_IMAGE_TAG must equal dockerRepository/dockerImageTag of the ${CONNECTOR_NAME} metadata.yaml" >&2; exit 1; }

# ---- runtime: the base plus the virtualenv, nothing of /usr/local copied again -----------------
FROM ${BASE_IMAGE}
ARG CONNECTOR_NAME
ARG DOCKER_REPOSITORY
ARG DOCKER_IMAGE_TAG
USER root
WORKDIR /airbyte/integration_code
COPY --from=builder /airbyte/integration_code/.venv /airbyte/integration_code/.venv
# The entrypoint runs the console script of the chosen connector ([project.scripts] in pyproject.toml).
# The interpreter's own modules get bytecode too when the base ships none (compileall writes
# nothing where it is current).
RUN case "${CONNECTOR_NAME}" in \
      source-confluence|destination-unique) ;; \
      *) echo "build with --build-arg CONNECTOR_NAME=source-confluence|destination-unique" >&2; exit 1 ;; \
    esac \
 && printf '#!/bin/sh\nexec /airbyte/integration_code/.venv/bin/%s "$@"\n' "${CONNECTOR_NAME}" > /airbyte/entrypoint.sh \
 && chmod 0755 /airbyte/entrypoint.sh \
 && python3 -m compileall -q -j 0 -x '/(site|dist)-packages/' "$(python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')"
ENV VIRTUAL_ENV=/airbyte/integration_code/.venv \
    PATH=/airbyte/integration_code/.venv/bin:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
ENV AIRBYTE_ENTRYPOINT="/airbyte/entrypoint.sh"
ENTRYPOINT ["/airbyte/entrypoint.sh"]
LABEL io.airbyte.name="${DOCKER_REPOSITORY}" io.airbyte.version="${DOCKER_IMAGE_TAG}"
USER airbyte
