#!/usr/bin/env bash
# serve-gpkg-startup.sh — how long `tasi serve --gpkg` takes to start serving a results
# GeoPackage, and its memory over reloads (issue 12).
#
#   scripts/serve-gpkg-startup.sh TASI_BINARY RESULTS.gpkg [RELOADS=3] [PORT=18081]
#
# "Serving starts" is the first 200 from /readyz: tasi serve loads the run before it
# listens, so that is also the first moment the API and tiles answer. /readyz is polled
# every 10 ms through bash's /dev/tcp, not by starting curl each time: on two cores a
# hundred curl processes a second took CPU from the server and added 0.3 s. The copy the
# server starts on is written and flushed (sync) before the clock starts, as a file
# written by an analysis some time before would be; the reloads are not. The server follows
# a copy of the file in a temporary folder. Each reload renames over it, as analyze --out
# does, a copy of the file whose run differs (sqlite3 appends to tasi_version: another
# SHA-256, so another run, read in full); the three versions rotate, so that every reload
# reads a run the server no longer holds (it keeps two). A last reload puts the same
# content back under a new inode and modification time, which the server must recognise
# without reading. After each, the script waits for the log line and samples the
# process's resident memory; the peak is GNU time's maximum RSS over the server's life.
set -euo pipefail
bin=$1 src=$2 reloads=${3:-3} port=${4:-18081}
command -v sqlite3 >/dev/null || { echo "serve-gpkg-startup: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gpkg=$tmp/results.gpkg
versions=("$src")
for v in b c; do
	cp "$src" "$tmp/$v.gpkg"
	sqlite3 "$tmp/$v.gpkg" "UPDATE runs SET tasi_version = tasi_version || '+$v'"
	versions+=("$tmp/$v.gpkg")
done
cp "$src" "$gpkg"
sync
mkfifo "$tmp/tick" && exec 5<>"$tmp/tick" # read -t on it waits without a process
ready() { # the first line of /readyz's answer says 200
	local status
	{ exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
	printf 'GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	read -r status <&3 || true
	exec 3<&-
	[[ $status == *" 200 "* ]]
}
start=$(date +%s.%N)
/usr/bin/time -v -o "$tmp/time" "$bin" serve --gpkg "$gpkg" --addr "127.0.0.1:$port" --follow 200ms >"$tmp/out" 2>"$tmp/log" &
pid=$!
until ready; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; exit 1; }
	read -r -t 0.01 -u 5 || true
done
echo "serving after $(echo "$(date +%s.%N) - $start" | bc) s"
child=$(pgrep -P "$pid")
echo "rss after start: $(($(ps -o rss= -p "$child") / 1024)) MB"
events='loaded run|already read'
reload() { # file, then what it is
	local n
	n=$(grep -cE "$events" "$tmp/log" || true)
	cp "$1" "$gpkg.reload" && mv "$gpkg.reload" "$gpkg"
	until [ "$(grep -cE "$events" "$tmp/log" || true)" -gt "$n" ]; do sleep 0.1; done
	echo "rss after $2: $(($(ps -o rss= -p "$child") / 1024)) MB; $(grep -E "$events" "$tmp/log" | tail -1 | grep -oE 'took=[^ ]*|already read' | head -1)"
}
for i in $(seq "$reloads"); do
	reload "${versions[$((i % 3))]}" "reload $i (another run)"
done
reload "${versions[$((reloads % 3))]}" "a copy of the same file"
kill -INT "$child"
wait "$pid" || true
grep 'loaded run' "$tmp/log" | head -1 | grep -o 'took=[^ ]*' | sed 's/^/first load /'
grep -E 'Maximum resident' "$tmp/time" | awk '{print "peak rss:", int($6/1024), "MB"}'
