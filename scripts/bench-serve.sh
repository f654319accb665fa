#!/usr/bin/env bash
# bench-serve.sh measures `tasi serve` under load: a throwaway PostGIS cluster holds the
# demo run, and wrk (Debian package "wrk") requests one Dili tile at z8, z12 and z14, all
# layers in one tile and each layer alone, first with the tile cache off (every request
# cuts the tile in PostGIS and gzips it: cold), then with it on (warm).
#
# The load generator shares the machine. Cold, PostgreSQL needs every core, so nothing is
# pinned and wrk runs 2 threads. Warm, PostgreSQL is idle: the server is pinned to CPU 0
# and the load generator to CPU 1, as if the clients were elsewhere; unpinned, the two
# fight for the same cores and the tail latency measures the scheduler, not the server.
# Warm tiles are loaded with hey (Debian package "hey"): on these cores wrk's p99 for a
# cached tile swings between 2 and 90 ms from one run to the next for some tile sizes,
# where hey's, against the same server and tile, stays at 2 ms.
#
# With PG_TILESERV=/path/to/pg_tileserv (CrunchyData's server, built from source: the Go
# module proxy does not serve it), the same cold tiles are also requested from
# pg_tileserv on the same cluster. It serves tables, so each tasi layer is copied into a
# table of schema pgts holding exactly what tasi's tile carries: the same features, ids,
# properties (measurements as real, as tasi encodes them) and full-detail EPSG:3857
# geometry with a GiST index, which is pg_tileserv's fastest configuration. (At zoom 8
# tasi draws from its simplified copies, which pg_tileserv does not have, and thins the
# gazetteer: that zoom compares what each server sends for a map, not the same bytes.)
#
# With PROBE=1 it runs instead the load cases of issue 12's probe, at CLIENTS connections
# (default 200) for DURATION each, nothing pinned, with wrk: the composite tile of Dili at
# z12; 9,500 distinct z14 tiles (the grid over Timor-Leste's coast, row by row; each wrk
# thread starts at a random place in it) without and with the tile cache; the API's
# /api/v1/units?sort=-mean_lrr and one transect's series. /readyz is polled every half
# second during each case and its answers other than 200 are counted. Then the outage:
# under load on the cached composite tile, PostgreSQL is stopped (pg_ctl, fast) for 10 s
# and started again; cached tiles must keep answering 200.
#
# Run as root (the cluster runs as user postgres). Record in BENCHMARKS.md.
#
#   scripts/bench-serve.sh                    # 10 s per case, 8 connections
#   DURATION=20s CLIENTS=16 PG_TILESERV=/tmp/pgts/pg_tileserv scripts/bench-serve.sh
#   PROBE=1 DURATION=60s scripts/bench-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10s}
probe=${PROBE:-}
clients=${CLIENTS:-8}
[ -n "$probe" ] && clients=${CLIENTS:-200}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
for tool in wrk hey; do
  command -v "$tool" >/dev/null || { echo "bench-serve: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done

work=$(mktemp -d)
chown postgres "$work"
port=$((20000 + RANDOM % 20000))
cleanup() {
  for pid in ${poll_pid:-} ${outage_pid:-} ${serve_pid:-} ${pgts_pid:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
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
# What autovacuum would do in the minutes after a run is stored, done now so that it does
# not run during the measurements.
psql -q "$url" -c 'VACUUM ANALYZE'

tasi_addr="127.0.0.1:$((port + 1))"
ncpu=$(nproc)
serve() { # cache MB, then optionally the CPU list to pin the server to
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" && wait "$serve_pid" 2>/dev/null || true
  local pin=()
  [ -n "${2:-}" ] && pin=(taskset -c "$2")
  "${pin[@]}" bin/tasi serve --db "$url" --addr "$tasi_addr" --cache-mb "$1" 2>"$work/serve.log" &
  serve_pid=$!
  for _ in $(seq 100); do
    if curl -fs "http://$tasi_addr/readyz" >/dev/null; then
      # A new PostgreSQL backend spends 100-200 ms on its first tiles (loading PostGIS,
      # planning); let every pool connection do that before anything is measured.
      wrk -t2 -c"$clients" -d3s "http://$tasi_addr/tiles/all/12/3476/2145.mvt" >/dev/null
      return
    fi
    sleep 0.2
  done
  cat "$work/serve.log" >&2; exit 1
}

# load URL: one line of req/s, p50 and p99 (ms), response bytes (gzip) and any errors.
# $gen is the load generator's command line up to its own options: wrk or hey, pinned
# or not.
gen=(wrk -t2)
load() {
  local bytes out
  bytes=$(curl -fs -H 'Accept-Encoding: gzip' "$1" | wc -c)
  if [[ " ${gen[*]} " == *" hey "* ]]; then
    out=$("${gen[@]}" -z "$duration" -c "$clients" -H 'Accept-Encoding: gzip' "$1")
    awk -v bytes="$bytes" '
      /Requests\/sec/ {rps = $2} / 50% in/ {p50 = $3 * 1000} / 99% in/ {p99 = $3 * 1000}
      /^ *\[[0-9]+\]/ && $1 != "[200]" {err = err " " $0}
      END {printf "%8d B %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms%s\n", bytes, rps, p50, p99, err}' <<<"$out"
    return
  fi
  out=$("${gen[@]}" -c"$clients" -d"$duration" --latency -H 'Accept-Encoding: gzip' "$1")
  awk -v bytes="$bytes" '
    function ms(s) { if (s ~ /us$/) return s / 1000; if (s ~ /ms$/) return s + 0; if (s ~ /s$/) return s * 1000; return s }
    /Requests\/sec/ {rps = $2} / 50%/ {p50 = ms($2)} / 99%/ {p99 = ms($2)} /Non-2xx|Socket errors/ {err = err " " $0}
    END {printf "%8d B %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms%s\n", bytes, rps, p50, p99, err}' <<<"$out"
}

# readyz_poll FILE: polls /readyz every half second, one status a line, until killed.
readyz_poll() {
  while :; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "http://$tasi_addr/readyz" >>"$1" || true
    sleep 0.5
  done
}
# probe_case NAME URL [LUA_SCRIPT ARG]: one line of the probe, with /readyz's answers.
probe_case() {
  local name=$1 url=$2 out polls script=()
  [ -n "${3:-}" ] && script=(-s "$3" "$url" -- "$4")
  [ -z "${3:-}" ] && script=("$url")
  polls=$work/readyz.$RANDOM
  : >"$polls"
  local logged
  logged=$(wc -l <"$work/serve.log")
  readyz_poll "$polls" &
  poll_pid=$!
  # wrk counts a "timeout" for each connection whose request is older than --timeout (2 s
  # by default) when it checks them. With the z14 script at 60 s it reported exactly 200,
  # one per connection, where the same case with --timeout 30s had no request slower
  # than 0.21 s: the slowest request (max) under a 10 s timeout says what clients saw.
  out=$(wrk -t2 -c"$clients" -d"$duration" --timeout 10s --latency -H 'Accept-Encoding: gzip' "${script[@]}") || true
  kill "$poll_pid"; wait "$poll_pid" 2>/dev/null || true
  poll_pid=
  printf '%-28s ' "$name"
  awk -v polls="$(sort "$polls" | uniq -c | tr -s ' \n' ' ')" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
    function ms(s) { if (s ~ /us$/) return s / 1000; if (s ~ /ms$/) return s + 0; if (s ~ /s$/) return s * 1000; return s }
    /Requests\/sec/ {rps = $2} / 50%/ {p50 = ms($2)} / 99%/ {p99 = ms($2)} /requests in/ {n = $1}
    /^ *Latency +[0-9]/ {mx = ms($4)}
    /Non-2xx|Socket errors/ {err = err " " $0}
    END {printf "%9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  %d requests  readyz:%s load %s%s\n", rps, p50, p99, mx, n, polls, load, err}' <<<"$out"
  # What the server logged as failed meanwhile: how many lines, and the first.
  tail -n +"$((logged + 1))" "$work/serve.log" | awk '/level=(WARN|ERROR)/ {if (!n++) first = $0} END {if (n) printf "  server: %d warnings and errors, first: %s\n", n, first}'
}

if [ -n "$probe" ]; then
  id_of() { curl -fs "http://$tasi_addr/api/v1/runs/latest" | sed -E 's/.*"id": ?([0-9]+).*/\1/'; }
  # The grid of z14 tiles over the coast: x 13835-13989, y 8561-...; 9,500 of them.
  cat >"$work/z14.lua" <<'LUA'
local n, i = 9500, 0
init = function(args) run = args[1]; math.randomseed(os.time() + math.floor(os.clock() * 1e6)); i = math.random(n) end
request = function()
  i = (i + 1) % n
  return wrk.format("GET", string.format("/tiles/all/14/%d/%d.mvt?run=%s", 13835 + i % 155, 8561 + math.floor(i / 155), run))
end
LUA
  serve 0
  id=$(id_of)
  label=$(curl -fs "http://$tasi_addr/api/v1/units/TL060607" | grep -oE '"transect_id": ?"[^"]+"' | head -1 | sed -E 's/.*"([^"]+)"$/\1/')
  echo "PROBE: $clients connections, $duration per case, run $id, transect $label"
  probe_case "composite z12, no cache" "http://$tasi_addr/tiles/all/12/3476/2145.mvt?run=$id"
  probe_case "9,500 z14 tiles, no cache" "http://$tasi_addr" "$work/z14.lua" "$id"
  probe_case "units sort=-mean_lrr" "http://$tasi_addr/api/v1/units?sort=-mean_lrr"
  probe_case "one transect" "http://$tasi_addr/api/v1/transects/$label"
  serve 64
  probe_case "composite z12, cache" "http://$tasi_addr/tiles/all/12/3476/2145.mvt?run=$id"
  probe_case "9,500 z14 tiles, cache" "http://$tasi_addr" "$work/z14.lua" "$id"
  # The outage: 10 s of load, 10 s without PostgreSQL, 10 s after it is back.
  ( sleep 10; su postgres -c "$pgbin/pg_ctl -D $work/db -m fast -w stop" >/dev/null; sleep 10
    su postgres -c "$pgbin/pg_ctl -D $work/db -l $work/log -w -o '-p $port -k $work -c listen_addresses= -c fsync=off -c synchronous_commit=off' start" >/dev/null ) &
  outage_pid=$!
  duration=30s probe_case "composite cached, outage" "http://$tasi_addr/tiles/all/12/3476/2145.mvt?run=$id"
  wait "$outage_pid"
  exit 0
fi

zooms=("8/217/134" "12/3476/2145" "14/13907/8582")
layers=(all admin coastline shorelines transects localities)
minzoom() { case $1 in transects) echo 10 ;; shorelines | localities) echo 8 ;; *) echo 5 ;; esac; }
for mode in cold warm; do
  if [ "$mode" = cold ]; then
    gen=(wrk -t2); serve 0
  elif [ "$ncpu" -ge 2 ]; then
    gen=(taskset -c 1 hey); serve 64 0
  else
    gen=(hey); serve 64
  fi
  id=$(curl -fs "http://$tasi_addr/api/v1/runs/latest" | sed -E 's/.*"id": ?([0-9]+).*/\1/')
  for t in "${zooms[@]}"; do
    for l in "${layers[@]}"; do
      [ "${t%%/*}" -lt "$(minzoom "$l")" ] && continue
      printf 'tasi %-5s %-13s %-10s ' "$mode" "$t" "$l"
      load "http://$tasi_addr/tiles/$l/$t.mvt?run=$id"
    done
  done
done

[ -n "${PG_TILESERV:-}" ] || exit 0
# The same content as tasi's tiles of run $id, in tables pg_tileserv serves.
psql -q "$url" -v run="$id" <<'SQL'
CREATE SCHEMA pgts;
CREATE TABLE pgts.admin AS SELECT unit AS id, pcode, name, parent_pcode, parent_name, region_pcode, region_name,
  n_transects, coast_km::real, mean_lrr::real, median_lrr::real, min_lrr::real, max_lrr::real, mean_epr::real,
  mean_nsm::real, pct_eroding::real, pct_accreting::real, pct_sig_eroding::real, pct_sig_accreting::real,
  mean_lrr_unc::real, area_lost_m2::real, area_gained_m2::real, population, households, geom_3857 AS geom
  FROM tasi.admin_change WHERE run_id = :run;
CREATE TABLE pgts.transects AS SELECT transect AS id, transect_id, pcode, n, lrr::real, lci::real, lr2::real,
  epr::real, eprunc::real, nsm::real, sce::real, wlr::real, wci::real,
  to_char(date_first AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date_first, to_char(date_last AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date_last,
  geom_3857 AS geom FROM tasi.transects WHERE run_id = :run;
CREATE TABLE pgts.shorelines AS SELECT shoreline AS id, to_char(date AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date,
  extract(year FROM date AT TIME ZONE 'UTC')::integer AS year, uncertainty_m::real, source,
  ST_Simplify(ST_Transform(geom, 3857), 2)::geometry(Geometry, 3857) AS geom FROM tasi.shorelines WHERE run_id = :run;
CREATE TABLE pgts.coastline AS SELECT line AS id, geom_3857 AS geom FROM tasi.coastline WHERE source = 'bundled';
CREATE TABLE pgts.localities AS SELECT locality AS id, name, kind, pcode, geom_3857 AS geom FROM tasi.localities WHERE source = 'bundled';
DO $$ DECLARE t text; BEGIN
  FOREACH t IN ARRAY ARRAY['admin', 'transects', 'shorelines', 'coastline', 'localities'] LOOP
    EXECUTE format('ALTER TABLE pgts.%I ADD PRIMARY KEY (id)', t);
    EXECUTE format('CREATE INDEX ON pgts.%I USING gist (geom)', t);
  END LOOP;
END $$;
ANALYZE;
SQL
pgts_addr="127.0.0.1:$((port + 2))"
cat >"$work/pg_tileserv.toml" <<EOF
HttpHost = "127.0.0.1"
HttpPort = $((port + 2))
CacheTTL = 0
EOF
DATABASE_URL="$url" "$PG_TILESERV" --config "$work/pg_tileserv.toml" >"$work/pg_tileserv.log" 2>&1 &
pgts_pid=$!
for _ in $(seq 100); do curl -fs "http://$pgts_addr/index.json" >/dev/null && break; sleep 0.2; done
for l in "${layers[@]:1}"; do # warm its backends too
  wrk -t2 -c"$clients" -d1s "http://$pgts_addr/pgts.$l/12/3476/2145.pbf" >/dev/null
done
gen=(wrk -t2)
serve 0
for t in "${zooms[@]}"; do
  for l in "${layers[@]:1}"; do
    [ "${t%%/*}" -lt "$(minzoom "$l")" ] && continue
    # Below zoom 10 tasi thins the gazetteer: not the same tile.
    [ "$l" = localities ] && [ "${t%%/*}" -lt 10 ] && continue
    printf 'tasi        cold  %-13s %-10s ' "$t" "$l"
    load "http://$tasi_addr/tiles/$l/$t.mvt?run=$id"
    printf 'pg_tileserv cold  %-13s %-10s ' "$t" "$l"
    load "http://$pgts_addr/pgts.$l/$t.pbf"
  done
done
