#!/usr/bin/env bash
# Measures GET /api/v1/members?at=2023-04-04 with wrk on loopback, and a bare net/http handler
# serving the same bytes, in the same run. Needs wrk (Debian package). Prints both figures and
# the ratio. With PG=1 it also starts two instances on one fresh PostgreSQL database (local
# server, trust auth) and runs one wrk against each at once, half the connections each, summing
# their rates. Usage: [PG=1] [CONNS=16] bench/wrk.sh [DURATION]   (default 10s, 16 connections)
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
if [ "${PG:-}" = 1 ]; then
  db=alliance_wrk_$$
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
  trap 'kill $(jobs -p) 2>/dev/null; sleep 1; psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS '$db' WITH (FORCE)" postgres; rm -rf "$tmp"' EXIT
  dsn="postgres://postgres@127.0.0.1:5432/$db?sslmode=disable"
  ALLIANCE_CONFIG="$tmp/cfg" "$tmp/alliance" serve --addr 127.0.0.1:18082 --db "$dsn" > "$tmp/pg1.log" 2>&1 &
  for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18082/healthz && break; sleep 0.2; done
  ALLIANCE_CONFIG="$tmp/cfg" "$tmp/alliance" serve --addr 127.0.0.1:18083 --db "$dsn" > "$tmp/pg2.log" 2>&1 &
  for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18083/healthz && break; sleep 0.2; done
  echo "== two instances on one PostgreSQL database, $url, one wrk each at once"
  half=$(( ${CONNS:-16} / 2 ))
  wrk -t1 -c$half -d"$dur" --latency "http://127.0.0.1:18082$url" > "$tmp/pg1.txt" &
  wrk -t1 -c$half -d"$dur" --latency "http://127.0.0.1:18083$url" > "$tmp/pg2.txt"
  wait %%+ 2>/dev/null || sleep 1
  for f in pg1 pg2; do grep -E 'Requests/sec|99%' "$tmp/$f.txt" | sed "s/^/$f: /"; done
  awk '/Requests\/sec/ {s += $2} END {printf "two PostgreSQL instances together: %.0f req/s\n", s}' "$tmp/pg1.txt" "$tmp/pg2.txt"
fi
a=$(awk '/Requests\/sec/ {print $2}' "$tmp/alliance.txt")
b=$(awk '/Requests\/sec/ {print $2}' "$tmp/bare.txt")
awk -v a="$a" -v b="$b" 'BEGIN {printf "ratio alliance/bare: %.2f\n", a/b}'
