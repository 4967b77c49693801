// Package data embeds the curated dataset: states.yaml and the event files
// under nato/ and eu/. See README.md in this folder for the format.
package data

import "embed"

// FS holds the dataset files.
//
//go:embed states.yaml nato eu guarantees geo rules polls borders reference claims exercises
var FS embed.FS
