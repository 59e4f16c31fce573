#!/usr/bin/env bash
# Builds a local stand-in for docker.io/airbyte/python-connector-base:4.0.0 when the registry is out
# of reach: a Debian bookworm root filesystem from debootstrap (deb.debian.org), CPython 3.11 built
# from the source Debian carries into /usr/local, user airbyte (uid/gid 1000), /airbyte, UTC.
# No container registry is contacted. Differences from the real base: docker/base/README.md.
#
#   docker/base/build-standin-base.sh [--force]      (root; needs debootstrap and a Docker daemon)
#
# Environment: STANDIN_TAG (default confluenceconnectors/python-connector-base-standin:4.0.0),
# DEBIAN_MIRROR (default http://deb.debian.org/debian). Without --force an existing tag is kept.
set -euo pipefail

STANDIN_TAG=${STANDIN_TAG:-confluenceconnectors/python-connector-base-standin:4.0.0}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
here=$(cd "$(dirname "$0")" && pwd)
force=no
[ "${1:-}" = --force ] && force=yes

log() { printf 'standin-base: %s\n' "$*" >&2; }

if [ "$force" = no ] && docker image inspect "$STANDIN_TAG" >/dev/null 2>&1; then
  log "$STANDIN_TAG exists (use --force to rebuild)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  log "debootstrap needs root"; exit 1
fi
if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

work=$(mktemp -d /var/tmp/standin-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
context="$work/context"
mkdir -p "$rootfs" "$context/extra-ca"

# ---- 1. host CA certificates the stand-in must trust too --------------------------------------
# Every certificate the host added locally, and those of the bundles named by PIP_CERT,
# SSL_CERT_FILE and REQUESTS_CA_BUNDLE unless that is the system bundle (which already holds the
# local ones on Debian). One certificate per file, named by its SHA-256 fingerprint (duplicates merge).
split_bundle() {
  awk -v dir="$work/pem" '
    /-----BEGIN CERTIFICATE-----/ { n++; file = sprintf("%s/%05d.pem", dir, n); inside = 1 }
    inside { print > file }
    /-----END CERTIFICATE-----/ { inside = 0; close(file) }' "$1"
}
mkdir -p "$work/pem"
if [ -d /usr/local/share/ca-certificates ]; then
  find /usr/local/share/ca-certificates -type f -name '*.crt' -print0 |
    while IFS= read -r -d '' file; do split_bundle "$file"; done
fi
for bundle in "${PIP_CERT:-}" "${SSL_CERT_FILE:-}" "${REQUESTS_CA_BUNDLE:-}"; do
  [ -n "$bundle" ] && [ -f "$bundle" ] || continue
  [ "$(readlink -f "$bundle")" = /etc/ssl/certs/ca-certificates.crt ] && continue
  split_bundle "$bundle"
done
for pem in "$work"/pem/*.pem; do
  [ -e "$pem" ] || continue
  fingerprint=$(openssl x509 -in "$pem" -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//; s/://g') || continue
  [ -n "$fingerprint" ] && cp "$pem" "$context/extra-ca/host-$fingerprint.crt"
done
extra=$(find "$context/extra-ca" -name '*.crt' | wc -l)
log "extra CA certificates from the host: $extra"

# ---- 2. minimal Debian root filesystem -> image -------------------------------------------------
log "debootstrap $SUITE (minbase) from $DEBIAN_MIRROR"
debootstrap --variant=minbase --include=ca-certificates,netbase,tzdata \
  "$SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $DEBIAN_MIRROR $SUITE main
deb $DEBIAN_MIRROR $SUITE-updates main
deb ${DEBIAN_MIRROR%/debian}/debian-security $SUITE-security main
SOURCES
# As Debian's own container images: no recommends, no caches, no docs.
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90container"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
rootfs_tag="${STANDIN_TAG%%:*}-rootfs:$SUITE"
tar -C "$rootfs" --numeric-owner -c . | docker import - "$rootfs_tag" >/dev/null
log "imported the root filesystem as $rootfs_tag"

# ---- 3. CPython and the base's own layers -------------------------------------------------------
target=base
[ "$extra" -gt 0 ] && target=with-extra-ca
cp "$here/Dockerfile" "$here/fetch-python-source.sh" "$context/"
log "building $STANDIN_TAG (target $target)"
DOCKER_BUILDKIT=0 docker build --network host --target "$target" --build-arg ROOTFS_IMAGE="$rootfs_tag" \
  --label org.opencontainers.image.description="Local stand-in for airbyte/python-connector-base:4.0.0 (docker/base/README.md)" \
  -t "$STANDIN_TAG" "$context" >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; exit 1; }
log "built $STANDIN_TAG: $(docker image inspect -f '{{.Size}}' "$STANDIN_TAG" | awk '{printf "%.0f MB", $1/1e6}')"
