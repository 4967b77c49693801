#!/usr/bin/env bash
# Regenerates geo/testdata/countrycoder-points.json with Node and the vendored country-coder version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$here/../../third_party/countrycoder/VERSION")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/make-fixture.mjs" "$tmp/"
(cd "$tmp" && npm init -y >/dev/null && npm install --silent "@rapideditor/country-coder@$version" >/dev/null && node make-fixture.mjs "$here/countrycoder-points.json")
