// Package worldatlas embeds Natural Earth's 1:50m land polygons as TopoJSON,
// from the npm package world-atlas (ISC licence, see LICENSE; refreshed by
// refresh.sh, version in VERSION). Natural Earth data is in the public domain.
package worldatlas

import _ "embed"

// Land50m is world-atlas's land-50m.json (TopoJSON, object "land").
//
//go:embed land-50m.json
var Land50m []byte
