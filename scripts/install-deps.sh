#!/usr/bin/env bash
# install-deps.sh installs what tasi needs to build, test and run on Debian bookworm.
# It is idempotent: packages already present are not fetched again, so `make demo` and
# `make test` can call it every time.
set -euo pipefail

# chromium drives the web map's browser test (tests/browser); time, wrk and hey serve `make bench`;
# fonts-dejavu-core is what the map's glyphs are made from (go generate ./tiles/glyphs, and
# its test).
packages=(libgdal-dev gdal-bin postgresql-15-postgis-3 chromium time wrk hey fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-deps: Go 1.26 or newer is required (https://go.dev/dl); it is not on PATH" >&2
  exit 1
fi

# The browser test installs playwright-core from npm (tests/browser/package-lock.json) and
# needs Node.js 20 or newer with npm; Debian bookworm's own nodejs (18) is too old.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: Node.js 20 or newer with npm is required for the browser test; it is not on PATH" >&2
  exit 1
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "install-deps: Node.js $(node --version) is too old for the browser test; 20 or newer is required" >&2
  exit 1
fi
