package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTrackerUpdatesInPlace opens Ukraine's tracker in Chromium, then an
// editor posts an event through the API: the open page shows it without a
// reload, and its footer says what changed.
func TestTrackerUpdatesInPlace(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live-e2e.db")
	base := startServerOn(t, db)
	code, out := runBin(t, filepath.Join(dir, "cfg"), "token", "create", "--role", "editor", "--name", "e2e desk", "--db", db)
	if code != 0 {
		t.Fatalf("token create: %d %s", code, out)
	}
	token := strings.Fields(out)[0]
	ctx := browser(t)
	if err := do(ctx, chromedp.Navigate(base+"/tracker?candidate=UA"), chromedp.WaitVisible("main h1"),
		chromedp.Evaluate[chromedp.Void](`window.__notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the page's event stream connects
	const title = "Allies hold a live-update test meeting with Ukraine"
	body := `[{"date": "2026-11-28", "type": "summit", "org": "NATO", "states": ["UA"], "title": "` + title + `",
	  "source": {"url": "https://example.org/live", "title": "A test page", "kind": "news"}}]`
	req, _ := http.NewRequest("POST", base+"/api/v1/events", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("POST: %d", res.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		text, err := chromedp.Run(ctx, chromedp.Text("main"))
		if err == nil && strings.Contains(text, title) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the open tracker did not show the new event within 5 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__notReloaded === true`))
	if err != nil || !same {
		t.Errorf("the page was reloaded (%v), want an update in place", err)
	}
	status, _ := chromedp.Run(ctx, chromedp.Text("#live"))
	if !strings.Contains(status, "updated") || !strings.Contains(status, title) {
		t.Errorf("footer status = %q, want it to say what was updated", status)
	}
	screenshot(t, ctx, "tracker-ua-updated-in-place")
}
