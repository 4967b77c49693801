#!/usr/bin/env bash
# Refreshes land-50m.json, countries-110m.json and LICENSE from the npm package world-atlas (ISC;
# the land polygons are Natural Earth's, public domain), and derives minor-islands-10m.json from
# its land-10m.json: the small 1:10m rings (atolls, cays) that the 1:50m land leaves out.
# Usage: third_party/worldatlas/refresh.sh [VERSION]   (default: the version in VERSION)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(cat "$here/VERSION")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "world-atlas@$version" >/dev/null && tar xzf ./*.tgz)
cp "$tmp/package/land-50m.json" "$here/land-50m.json"
cp "$tmp/package/countries-110m.json" "$here/countries-110m.json"
cp "$tmp/package/LICENSE" "$here/LICENSE"
(cd "$here" && go run ./islands "$tmp/package/land-10m.json" land-50m.json > minor-islands-10m.json)
echo "$version" > "$here/VERSION"
echo "world-atlas $version: land-50m.json $(wc -c < "$here/land-50m.json") bytes, minor-islands-10m.json $(wc -c < "$here/minor-islands-10m.json") bytes"
