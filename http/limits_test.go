package http_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	alliancehttp "alliance/http"
)

// serverWith starts a test server over the real dataset with opt.
func serverWith(tb testing.TB, opt alliancehttp.Options) *httptest.Server {
	tb.Helper()
	svc := MustService(tb)
	s := alliancehttp.NewServerWith(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), opt)
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	return srv
}

func do(tb testing.TB, req *nethttp.Request) (*nethttp.Response, []byte) {
	tb.Helper()
	res, err := nethttp.DefaultTransport.RoundTrip(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestMalformedPathsAre400(t *testing.T) {
	for _, p := range []string{"/assets/%ff", "/api/v1/accession/%ff", "/state/%c3%28"} {
		res, body := get(t, p)
		if res.StatusCode != 400 {
			t.Errorf("GET %s: %d %s, want 400", p, res.StatusCode, body)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	for _, p := range []string{"/", "/tracker?candidate=SE", "/api/v1/members", "/assets/style.css", "/nonexistent"} {
		res, _ := get(t, p)
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", p, got)
		}
		if got := res.Header.Get("Referrer-Policy"); got == "" {
			t.Errorf("%s: no Referrer-Policy", p)
		}
		if !strings.HasPrefix(p, "/api/") {
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP = %q, want frame-ancestors 'none'", p, csp)
			}
		}
	}
}

// TestRangeWithGzip: a Range request with gzip accepted gets either a
// correct uncompressed part or a whole compressed answer, never a
// compressed fragment.
func TestRangeWithGzip(t *testing.T) {
	_, whole := get(t, "/assets/app.js")
	res, body := get(t, "/assets/app.js", "Range", "bytes=0-99", "Accept-Encoding", "gzip")
	switch {
	case res.StatusCode == 206 && res.Header.Get("Content-Encoding") == "":
		if !bytes.Equal(body, whole[:100]) {
			t.Errorf("206 body is not the first 100 bytes")
		}
	case res.StatusCode == 200 && res.Header.Get("Content-Encoding") == "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(b, whole) {
			t.Errorf("gzipped answer does not decompress to the file: %v", err)
		}
	default:
		t.Errorf("Range+gzip: status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
}

func TestAllowedHosts(t *testing.T) {
	srv := serverWith(t, alliancehttp.Options{AllowedHosts: []string{"alliance.example.org"}})
	for host, want := range map[string]int{"alliance.example.org": 200, "alliance.example.org:8080": 200, "evil.example.com": 400} {
		req, _ := nethttp.NewRequest("GET", srv.URL+"/api/v1/members", nil)
		req.Host = host
		if res, body := do(t, req); res.StatusCode != want {
			t.Errorf("Host %s: %d %s, want %d", host, res.StatusCode, body, want)
		}
	}
}

// TestForecastsAreGated: with one slot and no queue, a second forecast
// while one runs is refused with 429 and Retry-After, and cheap answers
// still come.
func TestForecastsAreGated(t *testing.T) {
	srv := serverWith(t, alliancehttp.Options{ForecastSlots: 1, ForecastQueue: 0, ForecastPerMinute: 6000, ForecastBurst: 100})
	req, _ := nethttp.NewRequest("GET", srv.URL+"/api/v1/timetable/UA?invited=2027-07-07&runs=2000000", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := nethttp.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	line, err := bufio.NewReader(res.Body).ReadString('\n') // the first progress event: it runs
	if err != nil || !strings.HasPrefix(line, "event: progress") {
		t.Fatalf("first forecast did not start: %q %v", line, err)
	}
	second, _ := nethttp.NewRequest("GET", srv.URL+"/api/v1/timetable/UA?invited=2027-07-07&runs=1000&seed=2", nil)
	r2, body := do(t, second)
	if r2.StatusCode != 429 || r2.Header.Get("Retry-After") == "" || !strings.Contains(string(body), `"EBUSY"`) {
		t.Errorf("second forecast: %d Retry-After %q %s; want 429 with Retry-After", r2.StatusCode, r2.Header.Get("Retry-After"), body)
	}
	hz, _ := nethttp.NewRequest("GET", srv.URL+"/healthz", nil)
	if r3, _ := do(t, hz); r3.StatusCode != 200 {
		t.Errorf("healthz during a forecast: %d", r3.StatusCode)
	}
}

func TestForecastRatePerClient(t *testing.T) {
	srv := serverWith(t, alliancehttp.Options{ForecastPerMinute: 0.001, ForecastBurst: 2})
	codes := []int{}
	for i := 0; i < 3; i++ {
		req, _ := nethttp.NewRequest("GET", srv.URL+fmt.Sprintf("/api/v1/timetable/UA?invited=2027-07-07&runs=1000&seed=%d", i+10), nil)
		res, _ := do(t, req)
		codes = append(codes, res.StatusCode)
	}
	if fmt.Sprint(codes) != "[200 200 429]" {
		t.Errorf("statuses = %v, want [200 200 429]: a burst of 2, then refused", codes)
	}
}

var cacheBytesRe = regexp.MustCompile(`(?m)^alliance_cache_bytes (\S+)$`)

// TestCacheIsBoundedByBytes asks two thousand distinct queries (each answer
// is cached) and checks that the cache and the heap stay bounded.
func TestCacheIsBoundedByBytes(t *testing.T) {
	const budget = 2 << 20
	srv := serverWith(t, alliancehttp.Options{CacheBytes: budget})
	var m0 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	const queries = 2000
	for i := 0; i < queries; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			d := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*5)
			req, _ := nethttp.NewRequest("GET", srv.URL+"/api/v1/history?from="+d.Format("2006-01-02")+"&to="+d.AddDate(8, 0, 0).Format("2006-01-02"), nil)
			res, err := nethttp.DefaultClient.Do(req)
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	req, _ := nethttp.NewRequest("GET", srv.URL+"/metrics", nil)
	_, body := do(t, req)
	m := cacheBytesRe.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no alliance_cache_bytes in /metrics")
	}
	held, _ := strconv.ParseFloat(string(m[1]), 64)
	if held > budget {
		t.Errorf("cache holds %.0f bytes, over its budget of %d", held, budget)
	}
	var m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m1)
	grew := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
	t.Logf("%d distinct history queries: cache %.1f MiB (budget %d MiB), heap grew %.1f MiB", queries, held/(1<<20), budget>>20, float64(grew)/(1<<20))
	if grew > 64<<20 {
		t.Errorf("heap grew by %d MiB after %d distinct queries with a 2 MiB cache", grew>>20, queries)
	}
}
