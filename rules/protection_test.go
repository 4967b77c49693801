package rules_test

import (
	"slices"
	"strings"
	"testing"

	"alliance"
	"alliance/datasettest"
	"alliance/rules"
)

func kinds(p rules.Profile) []string {
	var out []string
	for _, c := range p.Commitments {
		out = append(out, c.Kind)
	}
	return out
}

func TestProtectionProfiles(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	// Finland: EU Art. 42(7) only before 2023-04-04, NATO Art. 5 as well from that day.
	before := eng.Protection("FI", alliance.MustDate("2023-04-03"))
	if got := kinds(before); !slices.Equal(got, []string{rules.EUArticle42_7}) {
		t.Errorf("Finland on 2023-04-03: %v, want only EU Art. 42(7)", got)
	}
	after := eng.Protection("FI", alliance.MustDate("2023-04-04"))
	if got := kinds(after); !slices.Equal(got, []string{rules.NATOArticle5, rules.EUArticle42_7}) {
		t.Errorf("Finland on 2023-04-04: %v, want NATO Art. 5 and EU Art. 42(7)", got)
	}
	if got, want := len(after.Commitments[0].Partners), 30; got != want {
		t.Errorf("Finland's NATO partners on 2023-04-04 = %d, want %d", got, want)
	}
	// Before the Treaty of Lisbon there was no Art. 42(7).
	if got := kinds(eng.Protection("AT", alliance.MustDate("2009-11-30"))); len(got) != 0 {
		t.Errorf("Austria on 2009-11-30: %v, want none", got)
	}
	// The United Kingdom lost Art. 42(7) when it left the EU.
	if got := kinds(eng.Protection("GB", alliance.MustDate("2020-02-01"))); !slices.Equal(got, []string{rules.NATOArticle5}) {
		t.Errorf("UK on 2020-02-01: %v", got)
	}
}

func TestUkraineGuarantees(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	pre := eng.Protection("UA", alliance.MustDate("2024-01-11"))
	if got := len(pre.Commitments); got != 1 {
		t.Errorf("Ukraine on 2024-01-11: %d commitments, want 1 (the G7 declaration)", got)
	}
	uk := eng.Protection("UA", alliance.MustDate("2024-01-12"))
	var gb *rules.Commitment
	for i, c := range uk.Commitments {
		if slices.Equal(c.Partners, []string{"GB"}) {
			gb = &uk.Commitments[i]
		}
	}
	if gb == nil || gb.ConsultWithinHours != 24 || gb.Until.String() != "2034-01-12" {
		t.Fatalf("UK agreement on 2024-01-12 = %+v", gb)
	}
	now, then := eng.ProtectionAsMember("UA", alliance.MustDate("2026-11-27"), alliance.MustDate("2030-01-01"))
	if now.NATOMember || !then.NATOMember {
		t.Errorf("as-member scenario: member now %v, then %v", now.NATOMember, then.NATOMember)
	}
	if got := kinds(then)[0]; got != rules.NATOArticle5 {
		t.Errorf("first commitment as a member = %s", got)
	}
	if !strings.Contains(then.Scenario, "hypothesis") {
		t.Errorf("scenario not labelled: %q", then.Scenario)
	}
	// The hypothesis never touches the facts.
	if eng.Protection("UA", alliance.MustDate("2030-01-01")).NATOMember {
		t.Error("the scenario leaked into the factual history")
	}
	// Ten-year agreements signed in 2024 have lapsed by 2035, unless renewed.
	if got := len(eng.Protection("UA", alliance.MustDate("2035-01-01")).Commitments); got >= len(now.Commitments) {
		t.Errorf("commitments in 2035 = %d, not fewer than now (%d)", got, len(now.Commitments))
	}
}

func TestWithdrawalArticle13(t *testing.T) {
	if _, err := rules.Withdrawal(alliance.MustDate("1960-01-01")); alliance.ErrorCode(err) != alliance.EINVALID {
		t.Errorf("notice in 1960: %v, want EINVALID (not before 1969-08-24)", err)
	}
	d, err := rules.Withdrawal(alliance.MustDate("2025-03-01"))
	if err != nil || d.String() != "2026-03-01" {
		t.Errorf("notice on 2025-03-01: effective %s, %v; want 2026-03-01", d, err)
	}
}

// TestProtectionDirection: a state's own support agreement with Ukraine does
// not protect it; it is listed apart, as what it owes.
func TestProtectionDirection(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	at := alliance.MustDate("2026-11-27")
	for _, code := range []string{"FI", "JP", "US", "GB", "DE"} {
		p := eng.Protection(code, at)
		for _, c := range p.Commitments {
			if c.Kind == rules.SecurityAgreement {
				t.Errorf("%s is listed as protected by %q (partners %v)", code, c.Name, c.Partners)
			}
		}
		toUA := false
		for _, c := range p.Owes {
			if slices.Contains(c.Partners, "UA") {
				toUA = true
			}
			if slices.Contains(c.Partners, code) {
				t.Errorf("%s owes %q to itself", code, c.Name)
			}
		}
		if !toUA {
			t.Errorf("%s: no agreement with Ukraine among what it owes (%d owed)", code, len(p.Owes))
		}
	}
	ua := eng.Protection("UA", at)
	if len(ua.Owes) != 0 {
		t.Errorf("Ukraine owes %d agreements; the dataset records none by which it supports another state", len(ua.Owes))
	}
	for _, c := range ua.Commitments {
		if slices.Contains(c.Partners, "UA") {
			t.Errorf("Ukraine protected by itself in %q", c.Name)
		}
	}
}

// TestAsMemberOnAccession: each agreement's words on accession decide what
// happens to it in the as-member profile, with how sure that reading is.
func TestAsMemberOnAccession(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	now, then := eng.ProtectionAsMember("UA", alliance.MustDate("2026-11-27"), alliance.MustDate("2030-01-01"))
	find := func(cs []rules.Commitment, partner string) *rules.Commitment {
		for i, c := range cs {
			if c.Kind == rules.SecurityAgreement && slices.Equal(c.Partners, []string{partner}) {
				return &cs[i]
			}
		}
		return nil
	}
	if gb := find(then.Ended, "GB"); gb == nil || gb.AfterAccession != rules.EndsOnAccession || gb.Certainty != "reported" {
		t.Errorf("UK agreement as a member: ended %+v", gb)
	}
	if find(then.Commitments, "GB") != nil {
		t.Error("the UK agreement, which ends on accession by its reported words, is still listed")
	}
	if ca := find(then.Commitments, "CA"); ca == nil || ca.AfterAccession != rules.UnderReviewOnAccession {
		t.Errorf("Canada's agreement as a member: %+v", ca)
	}
	if it := find(then.Commitments, "IT"); it == nil || it.AfterAccession != rules.NotStatedOnAccession || it.Certainty != "none" {
		t.Errorf("Italy's agreement as a member: %+v", it)
	}
	if got, want := len(then.Commitments)+len(then.Ended), len(now.Commitments)+1; got != want {
		t.Errorf("as a member: %d kept + %d ended, want %d (now + Article 5)", len(then.Commitments), len(then.Ended), want)
	}
}

// TestReadingsNameAgreements: every reading of words on accession names an
// agreement the dataset holds (by partner and date of signature), so that a
// correction of data/guarantees cannot leave a reading pointing at nothing.
func TestReadingsNameAgreements(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	if len(eng.OnAccession) == 0 {
		t.Fatal("no readings loaded from data/rules/on-accession.yaml")
	}
	for _, rd := range eng.OnAccession {
		found := false
		for _, r := range eng.History.Records() {
			if r.Type == alliance.Agreement && r.Terms != nil && r.Terms.Partner == rd.Partner && r.Date == rd.Signed {
				found = true
			}
		}
		if !found {
			t.Errorf("reading for %s signed %s: no such agreement in data/guarantees", rd.Partner, rd.Signed)
		}
	}
}
