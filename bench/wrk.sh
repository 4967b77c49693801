#!/usr/bin/env bash
# Measures GET /api/v1/members?at=2023-04-04 with wrk on loopback, and a bare net/http handler
# serving the same bytes, in the same run. Needs wrk (Debian package). Prints both figures and
# the ratio. Usage: [CONNS=16] bench/wrk.sh [DURATION]   (default 10s, 16 connections)
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/alliance" ./cmd/alliance
go build -o "$tmp/bare" ./bench/bare
"$tmp/alliance" serve --addr 127.0.0.1:18080 --db "$tmp/a.db" > "$tmp/serve.log" 2>&1 &
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:18080/healthz && break; sleep 0.2; done
url=/api/v1/members?at=2023-04-04
curl -sf -o "$tmp/body.json" "http://127.0.0.1:18080$url"
"$tmp/bare" --addr 127.0.0.1:18081 --body "$tmp/body.json" &
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:18081/ && break; sleep 0.2; done
run() { wrk -t${THREADS:-1} -c${CONNS:-16} -d"$dur" --latency "$1" | tee "$tmp/$2.txt" | grep -E 'Requests/sec|99%|Latency  '; }
echo "== alliance $url ($(wc -c < "$tmp/body.json") bytes)"
run "http://127.0.0.1:18080$url" alliance
echo "== bare net/http handler, same body"
run "http://127.0.0.1:18081/" bare
a=$(awk '/Requests\/sec/ {print $2}' "$tmp/alliance.txt")
b=$(awk '/Requests\/sec/ {print $2}' "$tmp/bare.txt")
awk -v a="$a" -v b="$b" 'BEGIN {printf "ratio alliance/bare: %.2f\n", a/b}'
