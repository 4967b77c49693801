#!/usr/bin/env bash
# Refreshes iso3166-1.tsv (ISO 3166-1 alpha-2 codes and English names) from the iso-codes
# project's iso_3166-1.json (LGPL-2.1, see LICENSE): by default the copy the Debian/Ubuntu
# package iso-codes installs; or pass the path of a iso_3166-1.json from
# https://salsa.debian.org/iso-codes-team/iso-codes.
# Usage: third_party/isocodes/refresh.sh [PATH/iso_3166-1.json]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-/usr/share/iso-codes/json/iso_3166-1.json}
version=$(dpkg-query -W -f '${Version}' iso-codes 2>/dev/null || echo "from $src")
python3 - "$src" "$version" > "$here/iso3166-1.tsv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["3166-1"]
print("# ISO 3166-1 alpha-2 codes and English names, from the iso-codes project (%s, LGPL-2.1); see refresh.sh" % sys.argv[2])
for e in sorted(d, key=lambda e: e["alpha_2"]):
    print(e["alpha_2"] + "\t" + e["name"])
PY
echo "iso-codes $version" > "$here/VERSION"
echo "$(grep -vc '^#' "$here/iso3166-1.tsv") codes"
