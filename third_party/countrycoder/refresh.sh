#!/usr/bin/env bash
# Refreshes borders.json and LICENSE.md from the npm package @rapideditor/country-coder
# (ISC). Usage: third_party/countrycoder/refresh.sh [VERSION]   (default: the version in VERSION)
# Needs npm. After refreshing, regenerate geo/testdata/countrycoder-points.json with
# geo/testdata/make-fixture.sh and run go test ./geo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(cat "$here/VERSION")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@rapideditor/country-coder@$version" >/dev/null && tar xzf ./*.tgz)
cp "$tmp/package/src/data/borders.json" "$here/borders.json"
cp "$tmp/package/LICENSE.md" "$here/LICENSE.md"
echo "$version" > "$here/VERSION"
echo "country-coder $version: borders.json $(wc -c < "$here/borders.json") bytes"
