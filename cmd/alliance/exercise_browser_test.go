package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// seat is one browser tab sitting at a Council exercise.
type seat struct {
	name string
	ctx  context.Context
}

// TestExerciseThreeSeatsInChromium plays a Council exercise in three
// browser contexts at once, each with its own join link: the chair on a
// desktop screen, Poland and Hungary on phones. Poland asks for Article 4
// consultations and the chair convenes them; the chair's draft under
// silence is broken by Hungary; a consensus round passes with Poland's
// footnote. Every outcome is read from the pages and from the API, and each
// seat's page is saved under screenshots/ at each step.
func TestExerciseThreeSeatsInChromium(t *testing.T) {
	parent := browser(t) // skips without Chromium
	dir := t.TempDir()
	db := filepath.Join(dir, "exercise-e2e.db")
	code, out := runBin(t, filepath.Join(dir, "cfg"), "exercise", "create", "--scenario", "2025-airspace", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("exercise create: %d %s", code, out)
	}
	var creds struct {
		ID, Chair, Control, Observer string
		Delegations                  map[string]string
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &creds); err != nil {
		t.Fatalf("exercise create --json: %v in %q", err, out)
	}
	if creds.Delegations["PL"] == "" || creds.Delegations["HU"] == "" || len(creds.Delegations) != 32 {
		t.Fatalf("want 32 delegations with PL and HU, got %d", len(creds.Delegations))
	}
	base := startServerOn(t, db)
	api := func(secret, method, path string, body any) map[string]any {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+"/api/v1/exercises/"+creds.ID+path, rd)
		req.Header.Set("Authorization", "Bearer "+secret)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode/100 != 2 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return v
	}
	api(creds.Control, "POST", "/clock", map[string]string{"action": "start"})

	// The browser starts once; each seat gets a browser context of its own
	// (its own sessionStorage, as on three people's machines).
	if err := do(parent, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	open := func(name, secret string, phone bool) seat {
		ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		vp := chromedp.EmulateViewport(1280, 900)
		if phone {
			vp = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		if err := do(ctx, vp, chromedp.Navigate(base+"/exercises/"+creds.ID+"#"+secret), chromedp.WaitVisible(".x-head h1")); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); strings.Contains(loc, secret) {
			t.Errorf("%s: the secret is still in the address bar: %s", name, loc)
		}
		return seat{name, ctx}
	}
	chair := open("chair", creds.Chair, false)
	pl := open("PL", creds.Delegations["PL"], true)
	hu := open("HU", creds.Delegations["HU"], true)
	seats := []seat{chair, pl, hu}
	shoot := func(step int) {
		for _, s := range seats {
			screenshot(t, s.ctx, fmt.Sprintf("exercise-%s-%d", strings.ToLower(s.name), step))
		}
	}
	// waitFor polls a JavaScript condition on a seat's page.
	waitFor := func(s seat, what, js string) {
		t.Helper()
		ok, err := chromedp.Run(s.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(8*time.Second)))
		if err != nil || !ok {
			alert, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(document.getElementById("x-alert") || {}).textContent || ""`))
			screenshot(t, s.ctx, "exercise-failed-"+strings.ToLower(s.name))
			t.Fatalf("%s's page: %s did not happen (%v; alert %q)", s.name, what, err, alert)
		}
	}
	// act runs steps on a seat's page, again when a redraw replaced a node
	// between finding it and using it (the same field or button is found
	// again: the page keeps what was typed across redraws).
	act := func(s seat, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		var err error
		for range 8 {
			if err = do(s.ctx, steps...); err == nil || !strings.Contains(err.Error(), "node") {
				break
			}
			time.Sleep(150 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("%s: %s: %v", s.name, what, err)
		}
	}
	// click clicks sel on a seat's page. Each new entry of the log
	// redraws the page, so a node found a moment ago may have been replaced
	// by its twin: then it finds the button again.
	click := func(s seat, sel string) {
		t.Helper()
		act(s, "click "+sel, chromedp.Click(sel))
	}
	// inView adds to a condition that the alert is on the screen.
	const inView = ` && (() => { const r = document.getElementById("x-alert").getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; })()`
	badge := func(pid string) string {
		return `(document.querySelector('.x-proc[data-proc="` + pid + `"] .x-badge') || {}).textContent`
	}
	proc := func(pid string) map[string]any { return api(creds.Chair, "GET", "/procedures/"+pid, nil) }
	shoot(0)

	// 1. Poland asks for consultations under Article 4; the chair convenes them.
	const a4 = "Russian drones violated Polish airspace overnight; Poland asks for consultations."
	act(pl, "fill in the form", clearField("#x-a4-text"), chromedp.SendKeys("#x-a4-text", a4))
	click(pl, "#x-a4")
	waitFor(pl, "the request on record", `/on the record/.test(document.getElementById("x-alert").textContent)`)
	a4pid := ""
	for _, p := range api(creds.Chair, "GET", "", nil)["procedures"].([]any) {
		if p := p.(map[string]any); p["kind"] == "article4" {
			a4pid = p["id"].(string)
		}
	}
	if a4pid == "" {
		t.Fatal("no Article 4 procedure after Poland's request")
	}
	waitFor(chair, "Poland's request", `!!document.querySelector('.x-proc[data-proc="`+a4pid+`"] .x-convene') && document.querySelector('.x-proc[data-proc="`+a4pid+`"]').textContent.includes("Requested by Poland")`)
	shoot(1)
	click(chair, `.x-proc[data-proc="`+a4pid+`"] .x-convene`)
	for _, s := range seats {
		waitFor(s, "the consultations convened", badge(a4pid)+` === "convened"`)
	}
	if p := proc(a4pid); p["status"] != "convened" || fmt.Sprint(p["requested_by"]) != "[PL]" {
		t.Errorf("Article 4 procedure: status %v, requested by %v", p["status"], p["requested_by"])
	}
	shoot(2)

	// 2. The chair tables its own draft under silence; Hungary breaks it.
	tableDraft := func(kind, title, text, deadline string) string {
		t.Helper()
		act(chair, "fill in the form", chromedp.SetValue("#x-draft", ""), chromedp.SetValue("#x-kind", kind),
			clearField("#x-dtitle"), chromedp.SendKeys("#x-dtitle", title), clearField("#x-dtext"), chromedp.SendKeys("#x-dtext", text),
			chromedp.SetValue("#x-deadline", deadline))
		click(chair, "#x-table-go")
		waitFor(chair, "the draft tabled", `/Tabled as p\d+/.test(document.getElementById("x-alert").textContent)`)
		msg, _ := chromedp.Run(chair.ctx, chromedp.Text("#x-alert"))
		return strings.TrimSuffix(strings.Fields(msg[strings.Index(msg, "Tabled as "):])[2], ".")
	}
	// A refused action shows the server's reason where the seat can see it.
	act(chair, "fill in the form", chromedp.SetValue("#x-kind", "silence"), chromedp.SetValue("#x-deadline", "600"))
	click(chair, "#x-table-go")
	waitFor(chair, "the server's refusal of a draft without a text", `/text is required/.test(document.getElementById("x-alert").textContent)`+inView)
	screenshot(t, chair.ctx, "exercise-chair-error")
	const silTitle = "Council statement on the drones over Poland"
	sil := tableDraft("silence", silTitle, "The Council condemns the violation of Polish airspace and stands in solidarity with Poland.", "600")
	waitFor(hu, "the draft under silence with a countdown", `(() => {
		const p = document.querySelector('.x-proc[data-proc="`+sil+`"]');
		return !!p && p.textContent.includes(`+jsString(silTitle)+`) && / left/.test((p.querySelector(".x-countdown") || {}).textContent || "") && !!p.querySelector(".x-break");
	})()`)
	shoot(3)
	click(hu, `.x-proc[data-proc="`+sil+`"] .x-break`)
	waitFor(hu, "a break without a reason refused", `/Give a reason/.test(document.getElementById("x-alert").textContent)`+inView)
	screenshot(t, hu.ctx, "exercise-hu-error")
	// A redraw while Hungary reads further down keeps its place on the page.
	if err := do(hu.ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 600)`)); err != nil {
		t.Fatal(err)
	}
	api(creds.Delegations["EE"], "POST", "/procedures", map[string]string{"kind": "article4", "text": "Estonia joins."})
	waitFor(hu, "Estonia's request, with the page where it was", `document.body.textContent.includes("Estonia joins.") && Math.abs(scrollY - 600) < 2`)
	const reason = "Hungary cannot join a text that names Russia before the facts are established."
	act(hu, "fill in the form", clearField(`.x-proc[data-proc="`+sil+`"] textarea`), chromedp.SendKeys(`.x-proc[data-proc="`+sil+`"] textarea`, reason))
	click(hu, `.x-proc[data-proc="`+sil+`"] .x-break`)
	for _, s := range seats {
		waitFor(s, "the silence broken", badge(sil)+` === "broken"`)
	}
	if p := proc(sil); p["status"] != "broken" || fmt.Sprint(p["broken_by"]) != "[HU]" {
		t.Errorf("silence procedure: status %v, broken_by %v; want broken by [HU]", p["status"], p["broken_by"])
	}
	waitFor(chair, "Hungary's reason", `document.querySelector('.x-proc[data-proc="`+sil+`"]').textContent.includes(`+jsString(reason)+`)`)
	shoot(4)

	// 3. A consensus round: Poland agrees with a footnote, Hungary agrees,
	// the other thirty delegations agree through the API.
	const conTitle = "Council statement on airspace violations"
	con := tableDraft("consensus", conTitle, "Allies express full solidarity with every Ally whose airspace has been breached.", "0")
	const footnote = "Poland would have preferred a reference to Article 4 of the Treaty."
	waitFor(pl, "the consensus round", `!!document.querySelector('.x-proc[data-proc="`+con+`"] .x-footnote')`)
	waitFor(hu, "the consensus round", `!!document.querySelector('.x-proc[data-proc="`+con+`"] .x-agree')`)
	shoot(5)
	act(pl, "fill in the form", clearField(`.x-proc[data-proc="`+con+`"] textarea`), chromedp.SendKeys(`.x-proc[data-proc="`+con+`"] textarea`, footnote))
	click(pl, `.x-proc[data-proc="`+con+`"] .x-footnote`)
	waitFor(pl, "its footnote on record", `/You have spoken: you agreed with a statement/.test(document.querySelector('.x-proc[data-proc="`+con+`"]').textContent)`)
	waitFor(hu, "the consensus round", `!!document.querySelector('.x-proc[data-proc="`+con+`"] .x-agree')`)
	click(hu, `.x-proc[data-proc="`+con+`"] .x-agree`)
	waitFor(hu, "its agreement on record", `/You have spoken: you agreed/.test(document.querySelector('.x-proc[data-proc="`+con+`"]').textContent)`)
	waitFor(chair, "Poland's footnote and Hungary's agreement", `(() => { const t = document.querySelector('.x-proc[data-proc="`+con+`"]').textContent; return t.includes(`+jsString(footnote)+`) && t.includes("Hungary"); })()`)
	shoot(6)
	codes := make([]string, 0, len(creds.Delegations))
	for c := range creds.Delegations {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		if c != "PL" && c != "HU" {
			api(creds.Delegations[c], "POST", "/procedures/"+con+"/agree", map[string]any{})
		}
	}
	for _, s := range seats {
		waitFor(s, "the round agreed with Poland's footnote", badge(con)+` === "agreed" && document.querySelector('.x-proc[data-proc="`+con+`"]').textContent.includes(`+jsString(footnote)+`)`)
	}
	p := proc(con)
	if p["status"] != "agreed" || fmt.Sprint(p["broken_by"]) != "[]" {
		t.Errorf("consensus round: status %v, broken_by %v; want agreed, none", p["status"], p["broken_by"])
	}
	found := false
	for _, st := range p["statements"].([]any) {
		st := st.(map[string]any)
		if st["seat"] == "PL" && st["act"] == "footnote" && st["text"] == footnote {
			found = true
		}
	}
	if !found {
		t.Errorf("Poland's footnote is not among the round's statements: %v", p["statements"])
	}
	// The silence procedure is still broken by Hungary alone.
	if p := proc(sil); p["status"] != "broken" || fmt.Sprint(p["broken_by"]) != "[HU]" {
		t.Errorf("silence procedure at the end: %v by %v", p["status"], p["broken_by"])
	}
	shoot(7)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// clearField empties a text field by script (chromedp's SetValue does not
// take a textarea), telling the page as typing would.
func clearField(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(` + jsString(sel) + `); if (e) { e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); } })()`)
}
