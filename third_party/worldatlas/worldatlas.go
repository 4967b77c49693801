// Package worldatlas embeds Natural Earth's 1:50m land polygons, the minor
// islands of its 1:10m land, and 1:110m
// country outlines as TopoJSON,
// from the npm package world-atlas (ISC licence, see LICENSE; refreshed by
// refresh.sh, version in VERSION). Natural Earth data is in the public domain.
package worldatlas

import _ "embed"

// Land50m is world-atlas's land-50m.json (TopoJSON, object "land").
//
//go:embed land-50m.json
var Land50m []byte

// MinorIslands10m is derived from world-atlas's land-10m.json by
// islands/main.go (run by refresh.sh): the small rings of Natural Earth's
// 1:10m land that land-50m.json leaves out (atolls, cays, islets such as
// Wake Island or Johnston Atoll), as TopoJSON, object "land". Embedding
// these instead of the whole 1:10m land keeps the index as fast to build as
// with the 1:50m land alone.
//
//go:embed minor-islands-10m.json
var MinorIslands10m []byte

// Countries110m is world-atlas's countries-110m.json (TopoJSON, object
// "countries", ids are ISO 3166-1 numeric codes), for drawing maps.
//
//go:embed countries-110m.json
var Countries110m []byte
