package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startServer builds the real binary and starts `alliance serve` on port 0
// with a temporary database; it returns the base URL.
func startServer(t *testing.T) string {
	t.Helper()
	return startServerOn(t, filepath.Join(t.TempDir(), "e2e.db"))
}

// startServerOn starts `alliance serve` on the database at db.
func startServerOn(t testing.TB, db string, env ...string) string {
	t.Helper()
	return startServerArgs(t, db, nil, env...)
}

// startServerArgs is startServerOn with more flags for serve.
func startServerArgs(t testing.TB, db string, args []string, env ...string) string {
	t.Helper()
	return startServerProc(t, db, args, env...).URL
}

// serverProc is a running `serve` process.
type serverProc struct {
	URL  string
	Cmd  *exec.Cmd
	once sync.Once
	err  error
}

// Stop stops the server gracefully (SIGINT) and reports whether it shut
// down cleanly within 15 s; later calls return the first answer.
func (p *serverProc) Stop() error {
	p.once.Do(func() {
		p.Cmd.Process.Signal(os.Interrupt) // graceful shutdown
		done := make(chan error, 1)
		go func() { done <- p.Cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				p.err = fmt.Errorf("server did not shut down cleanly: %v", err)
			}
		case <-time.After(15 * time.Second):
			p.Cmd.Process.Kill()
			p.err = errors.New("server did not stop within 15 s of SIGINT")
		}
	})
	return p.err
}

// startServerProc is startServerArgs that also returns the process, for
// tests that restart it or read its memory.
func startServerProc(t testing.TB, db string, args []string, env ...string) *serverProc {
	t.Helper()
	bin := MustBinary(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
	cmd.Env = append(append(os.Environ(), "ALLIANCE_CONFIG="+filepath.Join(filepath.Dir(db), "cfg")), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{Cmd: cmd}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("server printed nothing: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("no URL in %q", line)
	}
	p.URL = strings.TrimRight(strings.Fields(line[i:])[0], "/")
	return p
}

// browser returns a headless Chromium context, or skips when there is no
// Chromium (CI installs it, and there a missing browser is a failure).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium in CI: .ci/run installs it")
		}
		t.Skip("no Chromium on this machine")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 240*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// do runs steps that return nothing, one after the other.
func do(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) error {
	for _, st := range steps {
		if _, err := chromedp.Run(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// screenshot saves a full-page screenshot to screenshots/ for a person to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("..", "..", "screenshots")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
}

func TestEndToEndInChromium(t *testing.T) {
	base := startServer(t)
	ctx := browser(t)

	t.Run("map on 2023-04-04: Finland a member, Sweden not", func(t *testing.T) {
		if err := do(ctx, chromedp.Navigate(base+"/?at=2023-04-04"), chromedp.WaitVisible("#worldmap")); err != nil {
			t.Fatal(err)
		}
		fi, err1 := chromedp.Run(ctx, chromedp.AttributeValue(`#worldmap a[data-code="FI"] path`, "class"))
		se, err2 := chromedp.Run(ctx, chromedp.AttributeValue(`#worldmap a[data-code="SE"] path`, "class"))
		count, err3 := chromedp.Run(ctx, chromedp.Text("#map-count"))
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		if fi.Value != "member" || se.Value == "member" || count != "31" {
			t.Errorf("Finland %q, Sweden %q, count %q", fi.Value, se.Value, count)
		}
		screenshot(t, ctx, "map-2023-04-04")
		// The slider moves the map through time without reloading the page.
		err := do(ctx, chromedp.SetValue("#slider", "1999"),
			chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				_, err := chromedp.Evaluate[any](`document.getElementById("slider").dispatchEvent(new Event("input"))`)(ctx, tg)
				return chromedp.Void{}, err
			}))
		if err != nil {
			t.Fatal(err)
		}
		ok, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("map-count").textContent === "19"`, chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil || !ok {
			t.Errorf("slider to 1999: members did not become 19 (%v)", err)
		}
	})

	t.Run("tracker on 2023-06-01: Hungary and Turkey pending for Sweden", func(t *testing.T) {
		if err := do(ctx, chromedp.Navigate(base+"/tracker?candidate=SE&at=2023-06-01"), chromedp.WaitVisible("#pending-list")); err != nil {
			t.Fatal(err)
		}
		pending, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#pending-list li")].map(li => li.dataset.code)`))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(pending, ",") != "HU,TR" {
			t.Errorf("pending = %v, want HU, TR", pending)
		}
		screenshot(t, ctx, "tracker-se-2023-06-01")
	})

	t.Run("clicking Honolulu in the checker: not covered", func(t *testing.T) {
		if err := do(ctx, chromedp.Navigate(base+"/article5"), chromedp.WaitVisible("#a5-map svg")); err != nil {
			t.Fatal(err)
		}
		// Click the map where Honolulu (21.31 N, 157.86 W) is drawn.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(() => {
			const svg = document.querySelector("#a5-map svg"), pt = svg.createSVGPoint();
			pt.x = (-157.86 + 180) * 2; pt.y = (84 - 21.31) * 2;
			const p = pt.matrixTransform(svg.getScreenCTM());
			document.elementFromPoint(p.x, p.y).dispatchEvent(new MouseEvent("click", {clientX: p.x, clientY: p.y, bubbles: true}));
			return true;
		})()`)); err != nil {
			t.Fatal(err)
		}
		if err := do(ctx, chromedp.WaitVisible("#verdict")); err != nil {
			t.Fatal(err)
		}
		verdict, err := chromedp.Run(ctx, chromedp.Text("#verdict .badge"))
		if err != nil {
			t.Fatal(err)
		}
		if verdict != "NOT COVERED" {
			t.Errorf("verdict for Honolulu = %q", verdict)
		}
		screenshot(t, ctx, "article5-honolulu")
	})

	t.Run("the Ukraine page's charts render", func(t *testing.T) {
		if err := do(ctx, chromedp.Navigate(base+"/ukraine?invited=2027-07-07&runs=20000"), chromedp.WaitVisible("figure.chart svg")); err != nil {
			t.Fatal(err)
		}
		dots, err1 := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart circle").length`))
		bars, err2 := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart rect[height]").length`))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if dots < 10 || bars < 10 {
			t.Errorf("polls chart has %d points, forecast chart %d bars", dots, bars)
		}
		screenshot(t, ctx, "ukraine")
	})

	t.Run("claims page: each sentence with its verdict", func(t *testing.T) {
		if err := do(ctx, chromedp.Navigate(base+"/claims"), chromedp.WaitVisible("ol.claims")); err != nil {
			t.Fatal(err)
		}
		badges, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("li.claim .badge")].map(b => b.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(badges) < 12 || !strings.Contains(strings.Join(badges, ","), "IMPRECISE") {
			t.Errorf("claims page badges: %v", badges)
		}
		screenshot(t, ctx, "claims")
	})

	t.Run("events page on a phone-sized screen", func(t *testing.T) {
		if err := do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/events?state=SE"), chromedp.WaitVisible("table.events")); err != nil {
			t.Fatal(err)
		}
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.events tbody tr").length`))
		if err != nil {
			t.Fatal(err)
		}
		if rows < 40 {
			t.Errorf("events for Sweden: %d rows", rows)
		}
		screenshot(t, ctx, "events-se-phone")
	})
}
