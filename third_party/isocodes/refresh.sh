#!/usr/bin/env bash
# Refreshes iso3166-1.tsv (ISO 3166-1 alpha-2 codes and English names) from the country-coder
# borders vendored beside it (../countrycoder/borders.json, ISC, see LICENSE): every feature
# with an alpha-2 code, less the codes ISO only reserves (exceptionally reserved: AC CP CQ DG
# EA EU FX IC TA UN) and the user-assigned XK, which the dataset holds as Kosovo.
# Usage: third_party/isocodes/refresh.sh   (run third_party/countrycoder/refresh.sh first)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python3 - "$here/../countrycoder/borders.json" "$(cat "$here/../countrycoder/VERSION")" > "$here/iso3166-1.tsv" <<'PY'
import json, sys
reserved = {"AC", "CP", "CQ", "DG", "EA", "EU", "FX", "IC", "TA", "UN", "XK"}
rows = {}
for f in json.load(open(sys.argv[1]))["features"]:
    p = f["properties"]
    c, n = p.get("iso1A2"), p.get("nameEn")
    if c and n and c not in reserved:
        rows.setdefault(c, n)
print("# ISO 3166-1 alpha-2 codes and English names, from country-coder's borders (%s, ISC); see refresh.sh" % sys.argv[2])
for c in sorted(rows):
    print(c + "\t" + rows[c])
PY
echo "country-coder $(cat "$here/../countrycoder/VERSION")" > "$here/VERSION"
echo "$(grep -vc '^#' "$here/iso3166-1.tsv") codes"
