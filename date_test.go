package alliance_test

import (
	"encoding/json"
	"testing"

	"alliance"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{"2023-04-04", true, "2023-04-04"},
		{"1949-08-24", true, "1949-08-24"},
		{"2024-02-29", true, "2024-02-29"}, // leap year
		{"2023-02-29", false, ""},
		{"1900-02-29", false, ""}, // not a leap year
		{"2000-02-29", true, "2000-02-29"},
		{"2023-13-01", false, ""},
		{"2023-00-10", false, ""},
		{"2023-04-31", false, ""},
		{"2023-4-4", false, ""},
		{"04/04/2023", false, ""},
		{"", false, ""},
		{"2023-04-04T00:00:00Z", false, ""},
		{"+023-04-04", false, ""},
		{"0000-01-01", false, ""},
	} {
		d, err := alliance.ParseDate(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("ParseDate(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			if got, want := alliance.ErrorCode(err), alliance.EINVALID; got != want {
				t.Errorf("ParseDate(%q) code = %s, want %s", tc.in, got, want)
			}
			continue
		}
		if got := d.String(); got != tc.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	p, sweden := alliance.MustDate("2022-07-05"), alliance.MustDate("2024-03-07")
	if got, want := sweden.DaysSince(p), 611; got != want {
		t.Errorf("days from Sweden's protocol to accession = %d, want %d", got, want)
	}
	if got, want := alliance.MustDate("2023-04-04").AddDays(-1).String(), "2023-04-03"; got != want {
		t.Errorf("AddDays(-1) = %s, want %s", got, want)
	}
	if got, want := alliance.MustDate("2024-02-28").AddDays(2).String(), "2024-03-01"; got != want {
		t.Errorf("AddDays(2) over a leap day = %s, want %s", got, want)
	}
	var d alliance.Date
	if err := json.Unmarshal([]byte(`"2023-02-30"`), &d); err == nil {
		t.Error(`unmarshal "2023-02-30" succeeded, want an error`)
	}
	b, _ := json.Marshal(struct{ D alliance.Date }{})
	if got, want := string(b), `{"D":null}`; got != want {
		t.Errorf("zero date marshals to %s, want %s", got, want)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2023-04-04", "2024-02-29", "1949-13-01", "", "9999-12-31", "2023-0a-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := alliance.ParseDate(s)
		if err != nil {
			if alliance.ErrorCode(err) != alliance.EINVALID {
				t.Fatalf("ParseDate(%q): code %s, want EINVALID", s, alliance.ErrorCode(err))
			}
			return
		}
		// A date that parses prints back as the same text and round-trips.
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		if d2, err := alliance.ParseDate(d.String()); err != nil || d2 != d {
			t.Fatalf("round trip of %q: %v, %v", s, d2, err)
		}
		if d.AddDays(1).DaysSince(d) != 1 {
			t.Fatalf("%s: AddDays(1) is not one day later", s)
		}
	})
}
