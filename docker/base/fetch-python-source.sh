#!/bin/sh
# Fetches the upstream CPython source that Debian bookworm ships for python3.11 (the .orig tarball
# of the source package) and checks it against the SHA-256 in the archive's Sources index, which
# apt has verified against the signed InRelease. Any pool that holds the file will do (main or
# security: every Debian revision of 3.11.2 has the same tarball).
#   fetch-python-source.sh DEST_DIR     (needs deb-src entries and a fresh `apt-get update`)
set -eu
dest=$1
mkdir -p "$dest"
main=$(awk '$1 == "deb-src" && $3 !~ /-security$/ { print $2; exit }' /etc/apt/sources.list.d/deb-src.list)
security=$(awk '$1 == "deb-src" && $3 ~ /-security$/ { print $2; exit }' /etc/apt/sources.list.d/deb-src.list)
# One line per (sha256, file, directory) of every python3.11 source record apt knows.
apt-cache showsrc python3.11 | awk '
  function flush() { for (i = 1; i <= n; i++) print sums[i], dir; n = 0; dir = "" }
  /^$/ { flush(); next }
  /^Directory:/ { dir = $2 }
  /^Checksums-Sha256:/ { insha = 1; next }
  /^[^ ]/ { insha = 0 }
  insha && $3 ~ /\.orig\.tar\.(gz|xz)$/ { sums[++n] = $1 " " $3 }
  END { flush() }
' | sort -u > /tmp/orig.list
[ -s /tmp/orig.list ] || { echo "no python3.11 source in the Sources index" >&2; exit 1; }
while read -r sha file dir; do
  case "$dir" in pool/updates/*) mirror=$security ;; *) mirror=$main ;; esac
  [ -n "$mirror" ] || continue
  if curl -fsS -o "$dest/$file" "$mirror/$dir/$file" 2>/dev/null \
     && echo "$sha  $dest/$file" | sha256sum -c --quiet -; then
    echo "fetched $mirror/$dir/$file (sha256 $sha)"
    tar -xf "$dest/$file" -C "$dest" --strip-components=1
    rm -f "$dest/$file"
    exit 0
  fi
  rm -f "$dest/$file"
done < /tmp/orig.list
echo "python3.11 source not found in any pool, or its checksum did not match" >&2
exit 1
