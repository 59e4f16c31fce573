# One image recipe for both connectors, in the shape of Airbyte's
# docker-images/Dockerfile.python-connector (used by `airbyte-cdk image build`):
#   docker build --build-arg CONNECTOR_NAME=source-confluence  -t confluenceconnectors/source-confluence:dev .
#   docker build --build-arg CONNECTOR_NAME=destination-unique -t confluenceconnectors/destination-unique:dev .
# The base image is pinned by digest and must equal connectorBuildOptions.baseImage in metadata.yaml
# (source) and destination_unique/metadata.yaml; unit_tests/packaging/ checks that.
# python-connector-base 4.0.0 ships Python 3.11, the version uv.lock was resolved for.

FROM docker.io/airbyte/python-connector-base:4.0.0@sha256:d9894b6895923b379f3006fa251147806919c62b7d9021b5cd125bb67d7bbe22 AS builder
ARG UV_VERSION=0.13.9
USER root
WORKDIR /airbyte/integration_code
COPY pyproject.toml uv.lock README.md ./
COPY source_confluence ./source_confluence
COPY destination_unique ./destination_unique
COPY emulators ./emulators
# Dependencies come from the committed lock only (exact versions and hashes), never re-resolved.
RUN pip install --no-cache-dir "uv==${UV_VERSION}" \
 && uv export --frozen --no-dev --no-emit-project --format requirements-txt --output-file /tmp/requirements.txt \
 && uv pip install --system --no-cache --require-hashes -r /tmp/requirements.txt \
 && uv pip install --system --no-cache --no-deps .

FROM docker.io/airbyte/python-connector-base:4.0.0@sha256:d9894b6895923b379f3006fa251147806919c62b7d9021b5cd125bb67d7bbe22
ARG CONNECTOR_NAME
USER root
COPY --from=builder /usr/local /usr/local
# The entrypoint runs the console script of the chosen connector ([project.scripts] in pyproject.toml).
RUN case "${CONNECTOR_NAME}" in \
      source-confluence|destination-unique) ;; \
      *) echo "build with --build-arg CONNECTOR_NAME=source-confluence|destination-unique" >&2; exit 1 ;; \
    esac \
 && mkdir -p /airbyte \
 && printf '#!/bin/sh\nexec /usr/local/bin/%s "$@"\n' "${CONNECTOR_NAME}" > /airbyte/entrypoint.sh \
 && chmod 0755 /airbyte/entrypoint.sh
ENV AIRBYTE_ENTRYPOINT="/airbyte/entrypoint.sh"
ENTRYPOINT ["/airbyte/entrypoint.sh"]
USER airbyte
LABEL io.airbyte.name="${CONNECTOR_NAME}"
