#!/usr/bin/env bash
# bench.sh runs the Go benchmarks and times `tasi analyze` end to end on the whole
# Timor-Leste demo coast, with peak memory. Record the figures in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Go benchmarks"
go test -run '^$' -bench . -benchmem -count 1 ./... | grep -E '^(Benchmark|ok|PASS|goos|cpu)' || true

echo "== tasi analyze, whole Timor-Leste demo coast"
bin/tasi demo --dir demo >/dev/null
for i in 1 2 3; do
  /usr/bin/env time -f "wall %e s, peak RSS %M KiB" \
    bin/tasi analyze --shorelines demo/shorelines.gpkg --uncertainty-field uncertainty \
      --out demo/bench.gpkg --csv-dir demo/bench 2>&1 | grep -E '^wall' || true
  rm -rf demo/bench.gpkg demo/bench
done

echo "== tasi serve under load (cold and warm tiles, PostGIS)"
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/bench-serve.sh
else
  echo "(skipped: scripts/bench-serve.sh runs a throwaway cluster as user postgres and needs root)"
fi
