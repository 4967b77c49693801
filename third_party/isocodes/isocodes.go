// Package isocodes embeds the list of ISO 3166-1 alpha-2 codes with their
// English names, from the borders of the npm package country-coder (ISC, see LICENSE;
// refreshed by refresh.sh, version in VERSION). The Go standard library has
// no such list; the CLI and the API use it to tell a real code the dataset
// does not hold from a code that does not exist.
package isocodes

import (
	_ "embed"
	"strings"
)

//go:embed iso3166-1.tsv
var table string

var names = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(table, "\n") {
		if code, name, ok := strings.Cut(line, "\t"); ok && !strings.HasPrefix(line, "#") {
			m[code] = name
		}
	}
	return m
}()

// Name returns the English name of the ISO 3166-1 alpha-2 code (upper
// case), and whether it is a code at all.
func Name(code string) (string, bool) {
	n, ok := names[code]
	return n, ok
}
