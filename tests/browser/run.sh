#!/usr/bin/env bash
# run.sh runs the browser test of the web map. Without TASI_URL it builds tasi, makes the
# demo run if there is none, serves it from its GeoPackage on a loopback port, waits until
# /readyz answers, runs the test and stops the server. With TASI_URL it only runs the test
# against that server.
#
#   tests/browser/run.sh                       # demo run, 127.0.0.1:${TASI_PORT:-18089}
#   TASI_GPKG=/path/results.gpkg tests/browser/run.sh
#   TASI_URL=http://127.0.0.1:8080/ tests/browser/run.sh
#
# Needs Debian's chromium (CHROMIUM overrides /usr/bin/chromium) and Node.js 20 with npm;
# playwright-core is installed from package-lock.json on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "run.sh: ${CHROMIUM:-/usr/bin/chromium} not found (apt-get install chromium)" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ -z "${TASI_URL:-}" ]; then
  cd "$root"
  go build -o bin/tasi ./cmd/tasi
  gpkg="${TASI_GPKG:-$root/demo/results.gpkg}"
  if [ ! -f "$gpkg" ]; then
    bin/tasi demo --dir "$(dirname "$gpkg")" >/dev/null
  fi
  addr="127.0.0.1:${TASI_PORT:-18089}"
  log="$(mktemp)"
  bin/tasi serve --gpkg "$gpkg" --addr "$addr" >"$log" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
  export TASI_URL="http://$addr/"
  # Wait for the run to be loaded and the server ready (at most 120 s).
  if ! node -e '
    const url = new URL("readyz", process.argv[1]);
    const end = Date.now() + 120000;
    (async () => {
      while (Date.now() < end) {
        try { if ((await fetch(url)).ok) process.exit(0); } catch {}
        await new Promise((r) => setTimeout(r, 500));
      }
      process.exit(1);
    })();' "$TASI_URL"; then
    echo "run.sh: tasi serve did not become ready at $TASI_URL:" >&2
    cat "$log" >&2
    exit 1
  fi
fi

cd "$here"
node --test map.test.mjs
