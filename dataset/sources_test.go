package dataset_test

import (
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"alliance"
	"alliance/data"
	"alliance/dataset"
)

// weakDomains are publishers whose pages prove no event: state-propaganda
// outlets, forums, reposts and aggregators, content farms, and unrelated
// sites that once carried a copy of an official text. A fact found only on
// one of them goes to data/GAPS.md instead. A domain matches itself and its
// subdomains (rt.com matches de.rt.com).
var weakDomains = []string{
	// State-propaganda outlets and their networks.
	"rt.com", "russian.rt.com", "sputniknews.com", "sputnikglobe.com", "sputniknews.lat", "sarabic.ae",
	"tass.ru", "tass.com", "ria.ru", "rg.ru", "lenta.ru", "iz.ru", "news-front.info", "news-front.su",
	"news-pravda.com", "pravda-en.com", "southfront.org", "globaltimes.cn", "realrussiatoday.com",
	"inosmi.ru", "rusk.ru", "katehon.com",
	// Forums, blogs and social posts.
	"reddit.com", "quora.com", "blogspot.com", "wordpress.com", "medium.com", "pastebin.com",
	"livejournal.com", "stackexchange.com", "steelerslounge.com", "freerepublic.com",
	// Reposts, aggregators and machine-translated copies.
	"urdupoint.com", "pakistanpoint.com", "devdiscourse.com", "naslovi.net", "e-finance.com.ua",
	"cherna.gora.me", "einnews.com", "einpresswire.com", "pledgetimes.com", "thetimeshub.in", "everycrsreport.com",
	"global-regulation.com", "congressionalresearch.com", "docplayer.net", "docplayer.org",
	"stringtranslate.com", "wikial.top", "academickids.com", "everything2.com", "hmong.in.th", "en-academic.com", "piglix.com",
	"infogalactic.com", "talk.dob.jp", "newsbreak.com", "msn.com", "freenews.live",
	"mywiloo.com", "windobi.com", "thecanadian.news", "socialbites.ca", "vintimes.in.ua",
	"bestcurrentaffairs.com", "gstimes.in", "dzen.ru",
	// Content farms and unrelated sites.
	"kenyan-post.com", "bafl.com", "ukrainetoday.org", "prologuejournal.com",
	"westtimelines.com", "24newsglobe.com", "eumorningpost.com",
}

// urlKey finds a YAML "url:" value, quoted or not, flow or block style.
var urlKey = regexp.MustCompile(`\burl:\s*"?(https?://[^\s"',}]+)`)

// weak reports whether domain d is on the deny-list or under one of its domains.
func weak(d string) bool {
	return slices.ContainsFunc(weakDomains, func(w string) bool { return d == w || strings.HasSuffix(d, "."+w) })
}

// TestSources checks the embedded dataset's sources: none on a weak domain,
// and a kind on every source of the files that have been kinded.
func TestSources(t *testing.T) {
	_, evs, err := dataset.Load(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("no weak domain", func(t *testing.T) {
		cited := map[string]bool{}
		for _, e := range evs {
			cited[e.Source.URL] = true
			if d := e.Source.Domain(); weak(d) {
				t.Errorf("%s: source on %s, which proves nothing (%s); find an official or news source or list the fact in data/GAPS.md", e.Where(), d, e.Source.URL)
			}
		}
	})
	t.Run("no weak domain in any file's sources", func(t *testing.T) {
		// Geography overrides, border lengths, claims and the Article 5
		// cases cite pages too, outside the events' schema: every URL after
		// a "url:" key is held to the same deny-list.
		check := func(name string, b []byte) {
			for _, m := range urlKey.FindAllSubmatch(b, -1) {
				if d := (alliance.Source{URL: string(m[1])}).Domain(); weak(d) {
					t.Errorf("%s: source on %s, which proves nothing (%s)", name, d, m[1])
				}
			}
		}
		err := fs.WalkDir(data.FS, ".", func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			b, err := fs.ReadFile(data.FS, p)
			check("data/"+p, b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile("../rules/testdata/cases.yaml")
		if err != nil {
			t.Fatal(err)
		}
		check("rules/testdata/cases.yaml", b)
	})
	t.Run("official share of the membership path", func(t *testing.T) {
		// Issue 14's target: 80% or more of the membership, application,
		// invitation, protocol, ratification and treaty events rest on an
		// official page.
		n, official := 0, 0
		for _, e := range evs {
			switch e.Type {
			case alliance.Joined, alliance.Applied, alliance.Invited, alliance.ProtocolSigned, alliance.Ratification, alliance.TreatySigned, alliance.TreatyInForce:
				n++
				if e.Source.Kind == alliance.SourceOfficial {
					official++
				}
			}
		}
		share := float64(official) / float64(n)
		t.Logf("membership-path events: %d, official %d (%.1f%%)", n, official, 100*share)
		if share < 0.80 {
			t.Errorf("official share %.1f%% of %d membership-path events, want at least 80%%", 100*share, n)
		}
	})
}

func TestWeakDomain(t *testing.T) {
	for d, want := range map[string]bool{
		"rt.com": true, "de.rt.com": true, "art.com": false, "sputnikglobe.com": true,
		"poland.news-pravda.com": true, "nato.int": false, "mazedonien-nachrichten.blogspot.com": true,
	} {
		if got := weak(d); got != want {
			t.Errorf("weak(%q) = %v, want %v", d, got, want)
		}
	}
}
