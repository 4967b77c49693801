// Package countrycoder embeds the borders of the npm package
// @rapideditor/country-coder (ISC licence, see LICENSE.md; refreshed by
// refresh.sh, version in VERSION). Node is never called at run time.
package countrycoder

import _ "embed"

// Borders is country-coder's src/data/borders.json, a GeoJSON FeatureCollection.
//
//go:embed borders.json
var Borders []byte

// Version is the package version the borders were taken from.
//
//go:embed VERSION
var Version string
