#!/usr/bin/env bash
# serve-gpkg-startup.sh — how long `tasi serve --gpkg` takes to start serving a results
# GeoPackage, and its peak memory over reloads of the same file (issue 12).
#
#   scripts/serve-gpkg-startup.sh TASI_BINARY RESULTS.gpkg [RELOADS=3] [PORT=18081]
#
# "Serving starts" is the first 200 from /readyz: tasi serve loads the run before it
# listens, so that is also the first moment the API and tiles answer. Each reload renames
# a fresh copy of the file (new inode and mtime, same content) over it, as analyze --out
# does, waits for the log line of the load, and samples the process's resident memory;
# the peak is GNU time's maximum RSS over the whole life of the server.
set -euo pipefail
bin=$1 gpkg=$2 reloads=${3:-3} port=${4:-18081}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
/usr/bin/time -v -o "$tmp/time" "$bin" serve --gpkg "$gpkg" --addr "127.0.0.1:$port" --follow 200ms >"$tmp/out" 2>"$tmp/log" &
pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; exit 1; }
	sleep 0.02
done
echo "serving after $(echo "$(date +%s.%N) - $start" | bc) s"
child=$(pgrep -P "$pid")
echo "rss after start: $(($(ps -o rss= -p "$child") / 1024)) MB"
for i in $(seq "$reloads"); do
	cp "$gpkg" "$gpkg.reload" && mv "$gpkg.reload" "$gpkg"
	until [ "$(grep -c 'loaded run' "$tmp/log")" -gt "$i" ]; do sleep 0.1; done
	echo "rss after reload $i: $(($(ps -o rss= -p "$child") / 1024)) MB; $(grep 'loaded run' "$tmp/log" | tail -1 | grep -o 'took=[^ ]*')"
done
kill -INT "$child"
wait "$pid" || true
grep 'loaded run' "$tmp/log" | head -1 | grep -o 'took=[^ ]*' | sed 's/^/first load /'
grep -E 'Maximum resident' "$tmp/time" | awk '{print "peak rss:", int($6/1024), "MB"}'
