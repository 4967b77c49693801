package dataset_test

import (
	"slices"
	"strings"
	"testing"

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
	"cherna.gora.me", "einnews.com", "pledgetimes.com", "thetimeshub.in",
	"global-regulation.com", "congressionalresearch.com", "docplayer.net", "docplayer.org",
	"stringtranslate.com", "wikial.top", "hmong.in.th", "en-academic.com", "piglix.com",
	"infogalactic.com", "talk.dob.jp", "newsbreak.com", "msn.com", "freenews.live",
	"mywiloo.com", "windobi.com", "thecanadian.news", "socialbites.ca", "vintimes.in.ua",
	"bestcurrentaffairs.com", "gstimes.in", "dzen.ru",
	// Content farms and unrelated sites.
	"kenyan-post.com", "bafl.com", "ukrainetoday.org", "prologuejournal.com",
	"westtimelines.com", "24newsglobe.com", "eumorningpost.com",
}

// pendingWeak are weak sources in files other owners are fixing under issue 14
// (each URL with its file). They are reported, not failed, so that this test
// guards every file against a new weak source meanwhile.
//
// TODO: empty this list as the owners replace the sources; an entry whose URL
// is gone from the dataset is only logged.
var pendingWeak = map[string]string{
	"https://www.devdiscourse.com/article/law-order/1947549-moldovan-president-says-moldova-applies-for-eu-membership": "data/eu/ukraine.yaml",
	"https://freerepublic.com/focus/chat/4244589/replies?c=4":                                                          "data/guarantees/ukraine.yaml",
	"https://tass.com/world/1473381": "data/nato/2023-finland.yaml",
	"https://windobi.com/canada-is-the-first-to-sign-for-finland-sweden-joins-nato/":                                                                                                                         "data/nato/2023-finland.yaml",
	"https://pledgetimes.com/macron-signed-protocols-on-nato-accession-of-finland-and-sweden/":                                                                                                               "data/nato/2023-finland.yaml",
	"https://thetimeshub.in/ils-information-turkey-will-ratify-finlands-nato-membership-today-or-tomorrow-this-is-how-the-historical-final-meters-are-progressing/":                                          "data/nato/2023-finland.yaml",
	"https://sputniknews.com/20230330/turkish-parliament-ratifies-finlands-nato-membership-protocol---deputy-speaker-1108976777.html":                                                                        "data/nato/2023-finland.yaml",
	"https://pledgetimes.com/nato-membership-president-erdogan-has-confirmed-the-law-ratifying-finlands-nato-membership-turkey-will-deliver-the-documents-to-the-usa-probably-at-the-beginning-of-the-week/": "data/nato/2023-finland.yaml",
	"https://pledgetimes.com/erdogan-approves-turkeys-ratification-of-swedens-nato-membership/":                                                                                                              "data/nato/2024-sweden.yaml",
	"https://sputnikglobe.com/20240125/erdogan-officially-approves-turkiyes-ratification-of-swedens-nato-membership---reports-1116390259.html":                                                               "data/nato/2024-sweden.yaml",
}

// weak reports whether domain d is on the deny-list or under one of its domains.
func weak(d string) bool {
	return slices.ContainsFunc(weakDomains, func(w string) bool { return d == w || strings.HasSuffix(d, "."+w) })
}

// kindedFiles are the event files whose every source must say its kind.
//
// TODO: cover every file under data/ once all of them are kinded (issue 14);
// then this list goes and the check runs on every event.
var kindedFiles = []string{
	"data/nato/1949-founding.yaml",
	"data/nato/2017-montenegro.yaml",
	"data/nato/2020-north-macedonia.yaml",
	"data/nato/articles-4-5.yaml",
	"data/nato/enlargements.yaml",
	"data/nato/georgia-bosnia.yaml",
	"data/nato/map.yaml",
	"data/nato/positions.yaml",
	"data/nato/ukraine.yaml",
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
				if f, ok := pendingWeak[e.Source.URL]; ok && f == e.File {
					t.Logf("%s: weak source on %s, pending its owner's fix", e.Where(), d)
					continue
				}
				t.Errorf("%s: source on %s, which proves nothing (%s); find an official or news source or list the fact in data/GAPS.md", e.Where(), d, e.Source.URL)
			}
		}
		for u, f := range pendingWeak {
			if !cited[u] {
				t.Logf("%s no longer cites %s: remove it from pendingWeak", f, u)
			}
		}
	})
	t.Run("every source has a kind", func(t *testing.T) {
		seen := map[string]bool{}
		for _, e := range evs {
			if !slices.Contains(kindedFiles, e.File) {
				continue
			}
			seen[e.File] = true
			if e.Source.Kind == "" {
				t.Errorf("%s: source.kind is missing (official, news, scholarly or reference)", e.Where())
			}
		}
		for _, f := range kindedFiles {
			if !seen[f] {
				t.Errorf("%s: no events read; is the file still in the dataset?", f)
			}
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
