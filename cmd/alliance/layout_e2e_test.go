package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLayoutsInChromium opens every page on a desktop screen and on a phone
// (390×844, as an iPhone 12 to 15) and checks that nothing makes the page
// wider than the screen: wide tables scroll inside their own box. Each view
// is saved under screenshots/ for a person to look at.
func TestLayoutsInChromium(t *testing.T) {
	base := startServer(t)
	ctx := browser(t)
	pages := []struct{ name, path, ready string }{
		{"map", "/?at=2024-03-07", "#worldmap"},
		{"state", "/state/FI?at=2023-04-04", "main h1"},
		{"tracker-se", "/tracker?candidate=SE&at=2023-06-01", "#pending-list"},
		{"tracker-ua", "/tracker?candidate=UA", "#steps-h"},
		{"tracker-de", "/tracker?candidate=DE", "#missing-h"},
		{"article5-narva", "/article5?place=Narva&date=2023-04-04", "#verdict"},
		{"article5-hamilton", "/article5?place=Hamilton", "#cand-h"},
		{"ukraine", "/ukraine?invited=2027-07-07&runs=20000", "figure.chart svg"},
		{"claims", "/claims", "ol.claims"},
		{"events", "/events?state=SE", "table.events"},
		{"api", "/api", "main h1"},
	}
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		for _, p := range pages {
			t.Run(vp.name+"/"+p.name, func(t *testing.T) {
				opts := []chromedp.EmulateViewportOption{}
				if vp.mobile {
					opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
				}
				if err := do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...), chromedp.Navigate(base+p.path), chromedp.WaitVisible(p.ready)); err != nil {
					t.Fatal(err)
				}
				wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
					const w = window.innerWidth, out = [];
					if (document.documentElement.scrollWidth > w) out.push("document " + document.documentElement.scrollWidth + " > " + w);
					// An element wider than the screen is fine inside a box that scrolls or clips it.
					const boxed = el => {
						for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
							if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
						}
						return false;
					};
					for (const el of document.querySelectorAll("body *")) {
						const r = el.getBoundingClientRect();
						if (r.right > w + 1 && !el.closest(".skip") && !boxed(el)) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && el.className.baseVal === undefined ? "." + el.className : "") + " to " + Math.round(r.right));
					}
					return out.slice(0, 8);
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				if len(wide) > 0 {
					t.Errorf("%s at %d px is wider than the screen: %s", p.path, vp.width, strings.Join(wide, "; "))
				}
				screenshot(t, ctx, fmt.Sprintf("layout-%s-%s", vp.name, p.name))
				if p.name == "ukraine" || p.name == "map" {
					// The charts and the map alone, to judge whether they read at this size.
					sel := map[string]string{"ukraine": "#forecast figure.chart", "map": ".map-wrap"}[p.name]
					if buf, err := chromedp.Run(ctx, chromedp.Screenshot(sel)); err == nil {
						os.WriteFile(filepath.Join("..", "..", "screenshots", fmt.Sprintf("layout-%s-%s-figure.png", vp.name, p.name)), buf, 0o644)
					}
				}
			})
		}
	}
	do(ctx, chromedp.EmulateReset())
}

// TestPlaceSuggestionsInChromium types a town's name without its accents
// and follows the suggestion to the verdict.
func TestPlaceSuggestionsInChromium(t *testing.T) {
	base := startServer(t)
	ctx := browser(t)
	if err := do(ctx, chromedp.Navigate(base+"/article5?date=2023-04-04"), chromedp.WaitVisible("#place"),
		chromedp.SendKeys("#place", "suwalk")); err != nil {
		t.Fatal(err)
	}
	ok, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll("#place-suggest a")].some(a => a.textContent.startsWith("Suwałki, Poland"))`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !ok {
		t.Fatalf("no suggestion Suwałki, Poland for \"suwalk\" (%v)", err)
	}
	screenshot(t, ctx, "article5-suggestions")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`[...document.querySelectorAll("#place-suggest a")].find(a => a.textContent.startsWith("Suwałki")).click()`)); err != nil {
		t.Fatal(err)
	}
	if err := do(ctx, chromedp.WaitVisible("#verdict")); err != nil {
		t.Fatal(err)
	}
	badge, err1 := chromedp.Run(ctx, chromedp.Text("#verdict .badge"))
	place, err2 := chromedp.Run(ctx, chromedp.Text("#verdict dd"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if badge != "COVERED" || !strings.Contains(place, "Suwałki, Poland") {
		t.Errorf("verdict %q for %q, want COVERED for Suwałki, Poland", badge, place)
	}
}

// TestForecasterFormInChromium fills in the Ukraine forecaster as a person
// would (a date, an Ally that holds out) and reads the answer in words.
func TestForecasterFormInChromium(t *testing.T) {
	base := startServer(t)
	ctx := browser(t)
	if err := do(ctx, chromedp.Navigate(base+"/ukraine"), chromedp.WaitVisible("#tt-form"),
		chromedp.SetValue("#invited", "2027-07-07"), chromedp.SetValue("#hold_member", "HU"),
		chromedp.SetValue("#hold_until", "2029-01-01"), chromedp.SetValue("#hold_chance", "50"),
		chromedp.Click(`#tt-form button[type="submit"]`), chromedp.WaitVisible(".words")); err != nil {
		t.Fatal(err)
	}
	words, err := chromedp.Run(ctx, chromedp.Text(".words"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(words, "In 8 of 10 simulated futures Ukraine joins between") {
		t.Errorf("forecast in words: %q", words)
	}
	url, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(url, "hold_member=HU") {
		t.Errorf("after the forecast the page is %s, want the form's own parameters", url)
	}
	screenshot(t, ctx, "ukraine-forecast-form")
}
