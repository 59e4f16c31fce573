#!/usr/bin/env bash
# `make images`: builds confluenceconnectors/source-confluence:dev and
# confluenceconnectors/destination-unique:dev from the repository-root Dockerfile.
#
# Base image: the Dockerfile's default BASE_IMAGE is the pinned digest of metadata.yaml's
# connectorBuildOptions.baseImage. It is used when it is present locally or can be pulled. A digest
# reference cannot be given to a locally built image (`docker tag` refuses digests, and a digest
# names registry content), so otherwise the local stand-in (docker/base/build-standin-base.sh,
# built once and then reused) is passed as --build-arg BASE_IMAGE=<its tag>.
# Labels: io.airbyte.name / io.airbyte.version are read from each connector's metadata.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
STANDIN_TAG=${STANDIN_TAG:-confluenceconnectors/python-connector-base-standin:4.0.0}
export STANDIN_TAG

log() { printf 'images: %s\n' "$*" >&2; }

pinned=$(sed -n 's/^ARG BASE_IMAGE=//p' Dockerfile)
base_args=()
if docker image inspect "$pinned" >/dev/null 2>&1; then
  log "base: $pinned (present locally)"
elif docker pull --quiet "$pinned" >/dev/null 2>&1; then
  log "base: $pinned (pulled)"
else
  log "base: $pinned cannot be pulled; using the local stand-in $STANDIN_TAG"
  docker/base/build-standin-base.sh
  base_args=(--build-arg "BASE_IMAGE=$STANDIN_TAG")
fi

# Docker CLIs from 23 on hand `docker build` to buildx when it is installed; Debian's docker.io
# has no buildx, so the classic builder is asked for explicitly there.
if ! docker buildx version >/dev/null 2>&1; then
  export DOCKER_BUILDKIT=0
fi

for connector in source-confluence destination-unique; do
  case "$connector" in
    source-confluence) metadata=metadata.yaml ;;
    destination-unique) metadata=destination_unique/metadata.yaml ;;
  esac
  read -r repository version < <("$PY" -c '
import sys, yaml
data = yaml.safe_load(open(sys.argv[1]))["data"]
print(data["dockerRepository"], data["dockerImageTag"])' "$metadata")
  log "building $repository:dev (io.airbyte.version=$version)"
  started=$(date +%s)
  build_log=$(mktemp)
  docker build --network host "${base_args[@]}" \
    --build-arg "CONNECTOR_NAME=$connector" \
    --build-arg "DOCKER_REPOSITORY=$repository" \
    --build-arg "DOCKER_IMAGE_TAG=$version" \
    -t "$repository:dev" . >"$build_log" 2>&1 || { tail -n 40 "$build_log" >&2; rm -f "$build_log"; exit 1; }
  rm -f "$build_log"
  log "built $repository:dev in $(( $(date +%s) - started )) s"
done
