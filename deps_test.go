package alliance_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRule enforces the layout's rule: the root imports only the
// standard library; engines never import a store, http or the command;
// stores never import http or each other.
func TestDependencyRule(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not on PATH")
	}
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	for _, tc := range []struct {
		pkg       string
		forbidden []string // import path prefixes
	}{
		{"alliance", []string{""}}, // nothing outside the standard library but itself
		{"alliance/ledger", []string{"alliance/sqlite", "alliance/postgres", "alliance/http", "alliance/cmd", "alliance/dataset"}},
		{"alliance/accession", []string{"alliance/sqlite", "alliance/postgres", "alliance/http", "alliance/cmd", "alliance/ledger"}},
		{"alliance/dataset", []string{"alliance/sqlite", "alliance/postgres", "alliance/http", "alliance/cmd", "alliance/ledger"}},
		{"alliance/sqlite", []string{"alliance/http", "alliance/cmd", "alliance/ledger", "alliance/accession", "alliance/postgres"}},
		{"alliance/postgres", []string{"alliance/http", "alliance/cmd", "alliance/ledger", "alliance/accession", "alliance/sqlite"}},
		{"alliance/auth", []string{"alliance/sqlite", "alliance/postgres", "alliance/http", "alliance/cmd", "alliance/ledger"}},
		{"alliance/gazetteer", []string{"alliance/sqlite", "alliance/postgres", "alliance/http", "alliance/cmd", "alliance/ledger", "alliance/dataset"}},
	} {
		for _, d := range deps(tc.pkg) {
			if d == tc.pkg || (tc.pkg != "alliance" && d == "alliance") {
				continue
			}
			for _, f := range tc.forbidden {
				if strings.HasPrefix(d, f) {
					t.Errorf("%s depends on %s, which the layout forbids", tc.pkg, d)
				}
			}
		}
	}
}
