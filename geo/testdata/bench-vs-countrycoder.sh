#!/usr/bin/env bash
# Times country-coder (Node) and the Go index on the same 100,000 points in one run and prints
# the ratio. Needs Node and npm (it installs the vendored country-coder version in a temp dir).
# Usage: geo/testdata/bench-vs-countrycoder.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(cat "$root/third_party/countrycoder/VERSION")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --silent "@rapideditor/country-coder@$version" >/dev/null
cat > bench.mjs <<'JS'
import * as cc from '@rapideditor/country-coder';
import { writeFileSync } from 'node:fs';
let s = 0x2545f491 >>> 0;
function rand() { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }
const pts = [];
for (let i = 0; i < 100000; i++) pts.push([rand() * 360 - 180, Math.asin(rand() * 2 - 1) * 180 / Math.PI]);
writeFileSync('points.json', JSON.stringify(pts));
for (const p of pts) cc.feature(p); // warm up: builds country-coder's index
let best = Infinity;
for (let r = 0; r < 5; r++) {
  const t0 = process.hrtime.bigint();
  for (const p of pts) cc.feature(p);
  best = Math.min(best, Number(process.hrtime.bigint() - t0));
}
console.log(`countrycoder_points_per_s ${Math.round(pts.length / (best / 1e9))}`);
JS
node_out=$(node bench.mjs)
echo "$node_out"
cc=$(echo "$node_out" | awk '/countrycoder_points_per_s/ {print $2}')
go_out=$(cd "$root" && ALLIANCE_BENCH_POINTS="$tmp/points.json" GOMAXPROCS=1 go test -run '^$' -bench 'Benchmark(Feature|Locate)$' -benchtime 3s ./geo)
echo "$go_out" | grep -E '^Benchmark'
feature=$(echo "$go_out" | awk '/^BenchmarkFeature/ {for (i=1;i<=NF;i++) if ($(i+1)=="points/s") print $i}')
locate=$(echo "$go_out" | awk '/^BenchmarkLocate/ {for (i=1;i<=NF;i++) if ($(i+1)=="points/s") print $i}')
awk -v f="$feature" -v l="$locate" -v c="$cc" 'BEGIN {printf "ratio feature/country-coder: %.1fx   full classification/country-coder: %.1fx\n", f/c, l/c}'
