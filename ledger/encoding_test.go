package ledger_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/ledger"
)

var update = flag.Bool("update", false, "rewrite the golden files of the current encoding version")

// goldenRecords are fixed records whose encoding the golden files pin down.
func goldenRecords() []*alliance.Record {
	at := time.Date(2026, 11, 27, 4, 9, 13, 123456789, time.UTC)
	src := alliance.Source{URL: "https://www.nato.int/cps/en/natohq/news_223446.htm", Title: "Sweden officially joins NATO"}
	return []*alliance.Record{
		{Seq: 1, Recorded: at, Origin: alliance.FromDataset, Event: alliance.Event{
			Date: alliance.MustDate("1949-08-24"), Type: alliance.TreatyInForce, Org: alliance.NATO,
			States: []string{"BE", "CA", "DK", "FR", "IS", "IT", "LU", "NL", "NO", "PT", "GB", "US"},
			Title:  "The North Atlantic Treaty enters into force", Source: src}},
		{Seq: 2, Recorded: at, Origin: alliance.FromDataset, Event: alliance.Event{
			Date: alliance.MustDate("2024-03-07"), Type: alliance.Ratification, Org: alliance.NATO,
			States: []string{"HU"}, Candidate: "SE", Step: alliance.StepDeposit,
			Title: "Hungary deposits its instrument <&> \"quoted\"", Source: src, Note: "ünïcödé note"}},
		{Seq: 3, Recorded: at.Add(time.Hour), Origin: alliance.FromUser, Event: alliance.Event{
			Date: alliance.MustDate("2024-03-07"), Type: alliance.Joined, Org: alliance.NATO,
			States: []string{"SE"}, Title: "Sweden joins", Source: src}},
	}
}

// goldenRecordsV2 adds an agreement with terms, which encodes as version 2.
func goldenRecordsV2() []*alliance.Record {
	recs := goldenRecords()
	at := recs[0].Recorded
	recs = append(recs, &alliance.Record{Seq: 4, Recorded: at, Origin: alliance.FromDataset, Event: alliance.Event{
		Date: alliance.MustDate("2024-01-12"), Type: alliance.Agreement, Org: alliance.JDS,
		States: []string{"UA", "GB"}, Title: "Agreement on Security Co-operation between the United Kingdom and Ukraine",
		Source: alliance.Source{URL: "https://www.pravda.com.ua/eng/news/2024/01/12/7436957/", Title: "Ukraine and UK sign security agreement"},
		Terms: &alliance.Terms{Partner: "GB", Term: "10 years", Obligations: []string{"consult_24h", "military_support"},
			ConsultWithinHours: 24, OnAccession: "ends and is incorporated into the NATO system"}}})
	return recs
}

// goldenRecordsV3 adds a position and a poll, which encode as version 3.
func goldenRecordsV3() []*alliance.Record {
	recs := goldenRecordsV2()
	at := recs[0].Recorded
	src := alliance.Source{URL: "https://example.org/golden", Title: "golden"}
	recs = append(recs,
		&alliance.Record{Seq: 5, Recorded: at, Origin: alliance.FromDataset, Event: alliance.Event{
			Date: alliance.MustDate("2025-02-12"), Type: alliance.Position, Org: alliance.NATO, States: []string{"US"},
			Title: "a position", Source: src, Stance: &alliance.Stance{Question: "invite_ukraine", Stance: "oppose"}}},
		&alliance.Record{Seq: 6, Recorded: at, Origin: alliance.FromDataset, Event: alliance.Event{
			Date: alliance.MustDate("2023-02-28"), Type: alliance.Poll, Org: alliance.NATO, States: []string{"UA"},
			Title: "a poll", Source: src, Survey: &alliance.Survey{Pollster: "IRI", FieldworkFrom: alliance.MustDate("2023-02-09"),
				Question: "q", Population: "Ukraine", Sample: 1500, Share: 82.5, Regions: map[string]float64{"west": 88, "east": 71}}}})
	return recs
}

// goldenRecordsV4 adds a retraction, which encodes as version 4.
func goldenRecordsV4() []*alliance.Record {
	recs := goldenRecordsV3()
	at := recs[0].Recorded
	return append(recs, &alliance.Record{Seq: 7, Recorded: at, Origin: alliance.FromDataset, Event: alliance.Event{
		Date: alliance.MustDate("2024-03-07"), Type: alliance.Retraction, Org: alliance.NATO, States: []string{"SE"},
		Title: "retracted by a release of the dataset: Sweden joins", Source: recs[2].Source, Retracts: 3}})
}

// goldenKey is a fixed signing key for the golden files of version 5.
var goldenKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// goldenRecordsV5 adds a source with a kind and a user's signed entry,
// which encode as version 5.
func goldenRecordsV5() []*alliance.Record {
	recs := goldenRecordsV4()
	at := recs[0].Recorded
	src := alliance.Source{URL: "https://www.nato.int/cps/en/natohq/news_223446.htm", Title: "Sweden officially joins NATO", Kind: alliance.SourceOfficial}
	recs = append(recs, &alliance.Record{Seq: 8, Recorded: at, Origin: alliance.FromDataset, Event: alliance.Event{
		Date: alliance.MustDate("2024-03-07"), Type: alliance.Joined, Org: alliance.NATO, States: []string{"SE"},
		Title: "Sweden joins NATO", Source: src}})
	u := &alliance.Record{Seq: 9, Recorded: at.Add(2 * time.Hour), Origin: alliance.FromUser, Recorder: "golden editor", Event: alliance.Event{
		Date: alliance.MustDate("2026-07-08"), Type: alliance.Summit, Org: alliance.NATO, States: []string{"UA"},
		Title: "A signed summit", Source: alliance.Source{URL: "https://example.org/golden", Title: "golden", Kind: alliance.SourceNews}}}
	u.Signer = goldenKey.Public().(ed25519.PublicKey)
	u.Sig = ed25519.Sign(goldenKey, ledger.Encode(u))
	return append(recs, u)
}

type goldenEntry struct {
	Seq  int64  `json:"seq"`
	Body string `json:"body"`
	Hash string `json:"hash"`
}

func readChain(t *testing.T, path string) []alliance.Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []alliance.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var g goldenEntry
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		h, err := hex.DecodeString(g.Hash)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, alliance.Entry{Seq: g.Seq, Body: []byte(g.Body), Hash: h})
	}
	return out
}

// TestGoldenEncoding fixes the canonical encoding of version 1: the same
// records must always encode to the same bytes and hashes.
func TestGoldenEncoding(t *testing.T) {
	for _, tc := range []struct {
		path string
		recs []*alliance.Record
	}{
		{filepath.Join("testdata", "v1", "chain.jsonl"), goldenRecords()},
		{filepath.Join("testdata", "v2", "chain.jsonl"), goldenRecordsV2()},
		{filepath.Join("testdata", "v3", "chain.jsonl"), goldenRecordsV3()},
		{filepath.Join("testdata", "v4", "chain.jsonl"), goldenRecordsV4()},
		{filepath.Join("testdata", "v5", "chain.jsonl"), goldenRecordsV5()},
	} {
		checkGolden(t, tc.path, tc.recs)
	}
}

func checkGolden(t *testing.T, path string, recs []*alliance.Record) {
	var buf bytes.Buffer
	var prev []byte
	for _, r := range recs {
		body := ledger.Encode(r)
		h := ledger.Chain(prev, body)
		b, _ := json.Marshal(goldenEntry{Seq: r.Seq, Body: string(body), Hash: hex.EncodeToString(h)})
		buf.Write(b)
		buf.WriteByte('\n')
		prev = h
	}
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("encoding changed:\ngot  %s\nwant %s\n(a new encoding needs a new version and new golden files; old ones stay)", buf.Bytes(), want)
	}
}

// TestGoldenChains decodes every golden chain of every version: the good one
// verifies; each tampered copy fails with ECORRUPT naming the entry.
func TestGoldenChains(t *testing.T) {
	for _, tc := range []struct {
		file    string
		wantErr string // "" for a chain that verifies
	}{
		{"v1/chain.jsonl", ""},
		{"v1/tampered-body.jsonl", "event 2: hash does not match"},
		{"v1/tampered-hash.jsonl", "event 2: hash does not match"},
		{"v1/tampered-dropped.jsonl", "event 3: sequence breaks: expected event 2 here"},
		{"v1/tampered-rehashed.jsonl", "event 3: hash does not match"},
		{"v1/tampered-noncanonical.jsonl", "event 1: entry 1 is not in canonical form"},
		{"v2/chain.jsonl", ""},
		{"v2/tampered-terms.jsonl", "event 4: hash does not match"},
		{"v2/tampered-v2-without-terms.jsonl", "event 4: entry 4 is not in canonical form"},
		{"v3/chain.jsonl", ""},
		{"v3/tampered-share.jsonl", "event 6: hash does not match"},
		{"v4/chain.jsonl", ""},
		{"v4/tampered-retracts.jsonl", "event 7: hash does not match"},
		{"v5/chain.jsonl", ""},
		{"v5/tampered-kind.jsonl", "event 8: hash does not match"},
		{"v5/tampered-v5-without-new-fields.jsonl", "event 1: entry 1 is not in canonical form"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			store := &memStore{entries: readChain(t, filepath.Join("testdata", tc.file))}
			recs, err := ledger.New(store, nil).Load(t.Context())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got, want := len(recs), 3; got < want {
					t.Fatalf("records = %d, want at least %d", got, want)
				}
				if len(recs) == 7 && recs[6].Retracts != 3 {
					t.Errorf("retraction did not round-trip: %+v", recs[6])
				}
				if len(recs) >= 6 && (recs[5].Survey == nil || recs[5].Survey.Regions["west"] != 88 || recs[4].Stance.Stance != "oppose") {
					t.Errorf("poll or position did not round-trip: %+v %+v", recs[5].Survey, recs[4].Stance)
				}
				if len(recs) >= 4 && (recs[3].Terms == nil || recs[3].Terms.ConsultWithinHours != 24) {
					t.Errorf("terms of event 4 = %+v", recs[3].Terms)
				}
				if got, want := recs[1].Note, "ünïcödé note"; got != want {
					t.Errorf("note = %q, want %q", got, want)
				}
				return
			}
			if got := alliance.ErrorCode(err); got != alliance.ECORRUPT {
				t.Fatalf("code = %q (%v), want ECORRUPT", got, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, r := range goldenRecordsV5() {
		f.Add(ledger.Encode(r))
	}
	f.Add([]byte(`{"v":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ledger.Decode(b)
		if err != nil {
			if alliance.ErrorCode(err) != alliance.ECORRUPT {
				t.Fatalf("code %s, want ECORRUPT", alliance.ErrorCode(err))
			}
			return
		}
		if !bytes.Equal(ledger.Encode(r), b) {
			t.Fatalf("decoded a non-canonical body %q", b)
		}
	})
}

// FuzzVerifySigned verifies one-entry chains made of arbitrary bodies with
// a keyring: the answer is nil (a valid signed or dataset entry) or ECORRUPT,
// never a panic, and a valid answer for a user's entry means a signature by
// the trusted key over exactly that content.
func FuzzVerifySigned(f *testing.F) {
	for _, r := range goldenRecordsV5() {
		r.Seq = 1
		if r.Origin == alliance.FromUser && r.Sig != nil {
			r.Sig = nil
			r.Sig = ed25519.Sign(goldenKey, ledger.Encode(r))
		}
		f.Add(ledger.Encode(r))
	}
	trusted := ledger.Keyring{base64.StdEncoding.EncodeToString(goldenKey.Public().(ed25519.PublicKey)): "golden"}
	f.Fuzz(func(t *testing.T, b []byte) {
		store := &memStore{entries: []alliance.Entry{{Seq: 1, Body: b, Hash: ledger.Chain(nil, b)}}}
		_, err := ledger.New(store, nil).VerifyWith(t.Context(), ledger.VerifyOptions{Trusted: trusted})
		if err != nil {
			if alliance.ErrorCode(err) != alliance.ECORRUPT {
				t.Fatalf("code %s, want ECORRUPT: %v", alliance.ErrorCode(err), err)
			}
			return
		}
		r, derr := ledger.Decode(b)
		if derr != nil {
			t.Fatalf("verified a body that does not decode: %v", derr)
		}
		if r.Origin == alliance.FromUser {
			c := *r
			c.Sig = nil
			if !bytes.Equal(r.Signer, goldenKey.Public().(ed25519.PublicKey)) || !ed25519.Verify(goldenKey.Public().(ed25519.PublicKey), ledger.Encode(&c), r.Sig) {
				t.Fatalf("accepted a user entry not signed by the trusted key: %q", b)
			}
		}
	})
}
