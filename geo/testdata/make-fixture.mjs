// Generates countrycoder-points.json: 10,000 random points that country-coder places inside one
// of its features, with its answer (smallest feature id and country-level ISO code).
// Run with geo/testdata/make-fixture.sh, which installs the country-coder version vendored in
// third_party/countrycoder. Deterministic: a fixed-seed generator.
import * as cc from '@rapideditor/country-coder';
import { writeFileSync } from 'node:fs';

let s = 0x9e3779b9 >>> 0;
function rand() { // mulberry32
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const out = [];
while (out.length < 10000) {
  const lon = Math.round((rand() * 360 - 180) * 1e5) / 1e5;
  // Uniform on the sphere, so that high latitudes are not over-sampled.
  const lat = Math.round((Math.asin(rand() * 2 - 1) * 180 / Math.PI) * 1e5) / 1e5;
  const fs = cc.featuresContaining([lon, lat]);
  const leaf = fs.find(f => f.geometry);
  if (!leaf) continue;
  out.push({ lat, lon, id: leaf.properties.id, iso: cc.iso1A2Code([lon, lat]) });
}
writeFileSync(process.argv[2] || 'countrycoder-points.json', JSON.stringify(out));
console.log(`wrote ${out.length} points`);
