package accession_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"alliance"
	"alliance/accession"
	"alliance/datasettest"
)

// TestCoverageCounts checks CoverageOf's arithmetic on the real dataset: each
// accession's members are the ratifiers StatusOf counts, every member is
// either dated or without a step, and the deposits are a subset of the dated.
func TestCoverageCounts(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	cov := accession.CoverageOf(h, states, alliance.NATO)
	byCand := map[string]accession.Coverage{}
	for _, c := range cov {
		byCand[c.Candidate] = c
	}
	// Real numbers of ratifiers: 12 Allies in 1951, 14 in 1954 (with Greece
	// and Turkey), 16 in 1997, 19 in 2003, 26 in 2008, 28, 29, 30 for
	// Finland and 31 for Sweden (Finland ratified as a member).
	for cand, want := range map[string]int{"GR": 12, "DE": 14, "ES": 15, "PL": 16, "SK": 19, "HR": 26, "ME": 28, "MK": 29, "FI": 30, "SE": 31} {
		c, ok := byCand[cand]
		if !ok {
			t.Errorf("no coverage for %s's accession", cand)
			continue
		}
		if c.Members != want {
			t.Errorf("%s: %d members, want %d", cand, c.Members, want)
		}
	}
	for _, c := range cov {
		if got := len(c.Dated) + len(c.NoStep); got != c.Members {
			t.Errorf("%s: dated %d + no step %d != members %d", c.Candidate, len(c.Dated), len(c.NoStep), c.Members)
		}
		if got := len(c.Deposited) + len(c.NoDeposit); got != c.Members {
			t.Errorf("%s: deposited %d + no deposit %d != members %d", c.Candidate, len(c.Deposited), len(c.NoDeposit), c.Members)
		}
		for _, m := range c.Deposited {
			if !slices.Contains(c.Dated, m) {
				t.Errorf("%s: %s has a deposit but is not dated", c.Candidate, m)
			}
		}
		for _, m := range c.NoStep {
			if slices.Contains(c.Dated, m) || slices.Contains(c.Deposited, m) {
				t.Errorf("%s: %s is both without a step and dated", c.Candidate, m)
			}
		}
	}
	// Romania's protocol is dated for all 19 Allies by the Dutch treaty
	// database; Sweden's last ratifier, Hungary, deposited the day it joined.
	if c := byCand["RO"]; len(c.Deposited) != 19 {
		t.Errorf("RO: %d deposits, want 19 (Verdragenbank 010618)", len(c.Deposited))
	}
	if c := byCand["SE"]; !slices.Contains(c.Deposited, "HU") || len(c.NoStep) != 0 {
		t.Errorf("SE: deposited %v, no step %v; want HU deposited and every member dated", c.Deposited, c.NoStep)
	}
}

// gapLine is one line of data/GAPS.md's pair-by-pair list.
var gapLine = regexp.MustCompile(`^- \*\*([A-Z]{2})\*\* \(protocol (\d{4}-\d{2}-\d{2})\), no dated (step|deposit): ([A-Z ]+)\. Searched: (.+)$`)

// TestGapsListEveryUndatedPair holds issue 14's rule that a member ×
// accession pair the dataset cannot date is listed in data/GAPS.md with what
// was searched: the section "Coverage, pair by pair" must list exactly the
// pairs the dataset leaves without a dated step and without a dated deposit,
// no more (a stale line) and no fewer.
func TestGapsListEveryUndatedPair(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	b, err := os.ReadFile("../data/GAPS.md")
	if err != nil {
		t.Fatal(err)
	}
	const head = "## Coverage, pair by pair"
	text := string(b)
	i := strings.Index(text, head)
	if i < 0 {
		t.Fatalf("data/GAPS.md has no section %q", head)
	}
	sec := text[i+len(head):]
	if j := strings.Index(sec, "\n## "); j >= 0 {
		sec = sec[:j]
	}
	listed := map[string]string{}
	for n, line := range strings.Split(sec, "\n") {
		if !strings.HasPrefix(line, "- **") {
			continue
		}
		m := gapLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("GAPS.md %s, line %d: %q does not read as `- **XX** (protocol YYYY-MM-DD), no dated step|deposit: CODES. Searched: …`", head, n+1, alliance.Clip(line))
			continue
		}
		if strings.TrimSpace(m[5]) == "" {
			t.Errorf("GAPS.md: %s %s lists no search", m[1], m[3])
		}
		listed[m[1]+" "+m[2]+" "+m[3]] = strings.TrimSpace(m[4])
	}
	var want []string
	for _, c := range accession.CoverageOf(h, states, alliance.NATO) {
		for _, p := range []struct {
			kind  string
			codes []string
		}{{"step", c.NoStep}, {"deposit", c.NoDeposit}} {
			key := fmt.Sprintf("%s %s %s", c.Candidate, c.ProtocolSigned, p.kind)
			got, ok := listed[key]
			delete(listed, key)
			exp := strings.Join(p.codes, " ")
			if len(p.codes) == 0 {
				if ok {
					t.Errorf("GAPS.md lists %s %s without a dated %s, but the dataset now dates every member: remove the line", c.Candidate, got, p.kind)
				}
				continue
			}
			want = append(want, fmt.Sprintf("- **%s** (protocol %s), no dated %s: %s. Searched: …", c.Candidate, c.ProtocolSigned, p.kind, exp))
			if got != exp {
				t.Errorf("GAPS.md, %s's protocol of %s, no dated %s: lists %q, the dataset leaves %q", c.Candidate, c.ProtocolSigned, p.kind, got, exp)
			}
		}
	}
	for k := range listed {
		t.Errorf("GAPS.md lists %q, which is not an accession with a signed protocol", k)
	}
	if t.Failed() {
		t.Logf("the lines the dataset calls for (`alliance lags --coverage` prints the same lists):\n%s", strings.Join(want, "\n"))
	}
}
