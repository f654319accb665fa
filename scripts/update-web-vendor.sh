#!/usr/bin/env bash
# update-web-vendor.sh fetches MapLibre GL JS from npm and copies its built files into
# api/web/static/vendor/, where `go build` embeds them. The files are committed, so building
# tasi never needs npm or the network; run this only to move to another MapLibre version:
#
#   scripts/update-web-vendor.sh            # the pinned version below
#   scripts/update-web-vendor.sh 6.18.0     # another one; then run the browser test
#
# MapLibre 6 ships ES modules only: maplibre-gl.mjs loads maplibre-gl-worker.mjs from its
# own directory (import.meta.url), so the two must stay side by side.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-6.17.0}"
dest=api/web/static/vendor
files=(dist/maplibre-gl.mjs dist/maplibre-gl-worker.mjs dist/maplibre-gl.css LICENSE.txt)

if ! command -v npm >/dev/null 2>&1; then
  echo "update-web-vendor: npm is required (apt-get install npm)" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# npm pack downloads the published tarball and checks it against the registry's integrity
# hash; --json reports that hash so it can be recorded next to the files.
meta="$(cd "$tmp" && npm pack --json --silent "maplibre-gl@${version}")"
tarball="$(printf '%s' "$meta" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s)[0];console.log(m.filename)})')"
integrity="$(printf '%s' "$meta" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s)[0];console.log(m.integrity)})')"
tar -xzf "$tmp/$tarball" -C "$tmp"

mkdir -p "$dest"
rm -f "$dest"/maplibre-gl*.js "$dest"/maplibre-gl*.mjs "$dest"/maplibre-gl.css "$dest"/LICENSE.txt
for f in "${files[@]}"; do
  if [ ! -f "$tmp/package/$f" ]; then
    echo "update-web-vendor: maplibre-gl@${version} has no $f; the page expects the MapLibre 6 ES module layout" >&2
    exit 1
  fi
  cp "$tmp/package/$f" "$dest/$(basename "$f")"
done

# The source-map comments would make browsers with developer tools open ask for .map
# files that are not shipped; drop them.
for f in "$dest"/maplibre-gl.mjs "$dest"/maplibre-gl-worker.mjs; do
  sed -i '/^\/\/# sourceMappingURL=/d' "$f"
done

cat > "$dest/VERSION" <<EOT
maplibre-gl ${version}
integrity ${integrity}
EOT

echo "update-web-vendor: maplibre-gl ${version} in ${dest}:" >&2
ls -l "$dest" >&2
