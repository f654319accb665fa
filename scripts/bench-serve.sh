#!/usr/bin/env bash
# bench-serve.sh measures `tasi serve` under load: a throwaway PostGIS cluster holds the
# demo run, and hey (Debian package "hey") requests one Dili tile at z8, z12 and z14
# (all layers in one tile, then single layers at z12),
# first with the tile cache off (every request cuts the tile in PostGIS: cold), then with
# it on (warm). Run as root (the cluster runs as user postgres). Record in BENCHMARKS.md.
#
#   scripts/bench-serve.sh            # 20 s per case, 8 clients
#   DURATION=10s CLIENTS=16 scripts/bench-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20s}
clients=${CLIENTS:-8}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
command -v hey >/dev/null || { echo "bench-serve: hey is missing (apt-get install hey)" >&2; exit 1; }

work=$(mktemp -d)
chown postgres "$work"
port=$((20000 + RANDOM % 20000))
cleanup() {
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  su postgres -c "$pgbin/pg_ctl -D $work/db -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
su postgres -c "$pgbin/initdb -D $work/db -A trust -U postgres" >/dev/null
su postgres -c "$pgbin/pg_ctl -D $work/db -l $work/log -w -o '-p $port -k $work -c listen_addresses= -c fsync=off -c synchronous_commit=off' start" >/dev/null
url="postgres://postgres@/postgres?host=$work&port=$port"
psql -q "$url" -c 'CREATE EXTENSION postgis'

[ -x bin/tasi ] || go build -o bin/tasi ./cmd/tasi
[ -f demo/shorelines.gpkg ] || bin/tasi demo --dir demo >/dev/null
bin/tasi migrate --db "$url" >/dev/null
bin/tasi import --db "$url" >/dev/null
bin/tasi analyze --db "$url" --shorelines demo/shorelines.gpkg --uncertainty-field uncertainty >"$work/analyze.log" 2>&1 || { cat "$work/analyze.log" >&2; exit 1; }

serve() { # cache MB
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" && wait "$serve_pid" 2>/dev/null || true
  bin/tasi serve --db "$url" --addr "127.0.0.1:$((port + 1))" --cache-mb "$1" 2>"$work/serve.log" &
  serve_pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$((port + 1))/readyz" >/dev/null && return; sleep 0.2; done
  cat "$work/serve.log" >&2; exit 1
}
tiles=("all/8/217/134" "all/12/3476/2145" "all/14/13907/8582" "admin/12/3476/2145" "transects/12/3476/2145" "shorelines/12/3476/2145")
for mode in cold warm; do
  if [ "$mode" = cold ]; then serve 0; else serve 64; fi
  base="http://127.0.0.1:$((port + 1))"
  id=$(curl -fs "$base/api/v1/runs/latest" | sed -E 's/.*"id": ?([0-9]+).*/\1/')
  for t in "${tiles[@]}"; do
    u="$base/tiles/$t.mvt?run=$id"
    bytes=$(curl -fs -H 'Accept-Encoding: gzip' "$u" | wc -c)
    out=$(hey -z "$duration" -c "$clients" -H 'Accept-Encoding: gzip' "$u")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '/ 50% in/ {print $3*1000}' <<<"$out")
    p99=$(awk '/ 99% in/ {print $3*1000}' <<<"$out")
    codes=$(awk '/^ *\[[0-9]+\][ \t]+[0-9]+ responses/ {printf "%s%s ", $1, $2}' <<<"$out")
    printf '%-5s %-24s %7s B  %9s req/s  p50 %6s ms  p99 %6s ms  %s\n' "$mode" "$t" "$bytes" "$rps" "$p50" "$p99" "$codes"
  done
done
