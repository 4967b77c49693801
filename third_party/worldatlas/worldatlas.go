// Package worldatlas embeds Natural Earth's 1:50m land polygons and 1:110m
// country outlines as TopoJSON,
// from the npm package world-atlas (ISC licence, see LICENSE; refreshed by
// refresh.sh, version in VERSION). Natural Earth data is in the public domain.
package worldatlas

import _ "embed"

// Land50m is world-atlas's land-50m.json (TopoJSON, object "land").
//
//go:embed land-50m.json
var Land50m []byte

// Countries110m is world-atlas's countries-110m.json (TopoJSON, object
// "countries", ids are ISO 3166-1 numeric codes), for drawing maps.
//
//go:embed countries-110m.json
var Countries110m []byte
