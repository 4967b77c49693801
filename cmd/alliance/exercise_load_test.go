package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkExerciseStreams runs one `serve` (SQLite) with an exercise of the
// 2025-airspace scenario watched by 232 streams over real HTTP: the 32
// delegations' and 200 observers' (the observers share their seat's
// secret). Each iteration the chair tables a new consensus draft, then one
// delegation agrees to it; for each action it measures, from the moment
// its POST is sent, when each stream receives a `state` event whose
// entries cover the action: p50, p99 and max over all deliveries, the
// median time until the last of the 232 streams has it, the POST's own
// round trip, and the server's resident memory (VmRSS before the streams
// open and at the end, VmHWM its peak), and the size of the last view sent.
//
//	go test -run '^$' -bench ExerciseStreams -benchtime 20x ./cmd/alliance
func BenchmarkExerciseStreams(b *testing.B) {
	const observers = 200
	dir := b.TempDir()
	db := filepath.Join(dir, "exercise.db")
	c := createExercise(b, filepath.Join(dir, "cfg"), db)
	if len(c.Delegations) != 32 {
		b.Fatalf("%d delegations, want 32", len(c.Delegations))
	}
	// Every seat may act as fast as the benchmark asks (--write-rate is
	// per seat for exercise actions).
	srv := startServerProc(b, db, []string{"--write-rate", "1000000"})
	x := srv.URL + "/api/v1/exercises/" + c.ID
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel) // before the server stops: cleanups run last first
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}}
	idle, _, _ := procMemory(srv.Cmd.Process.Pid) // before any stream
	var secrets []string
	codes := make([]string, 0, len(c.Delegations))
	for code := range c.Delegations {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		secrets = append(secrets, c.Delegations[code])
	}
	for range observers {
		secrets = append(secrets, c.Observer)
	}
	streams := make([]*exStream, len(secrets))
	var wg sync.WaitGroup
	errs := make(chan error, len(secrets))
	for i, s := range secrets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := openExStream(ctx, client, srv.URL, c.ID, s, false)
			if err != nil {
				errs <- fmt.Errorf("stream %d: %w", i, err)
				return
			}
			streams[i] = st
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	// waitAll waits until every stream has a state covering entries.
	waitAll := func(entries int64) {
		deadline := time.Now().Add(30 * time.Second)
		for _, s := range streams {
			for {
				if _, _, ok := s.reached(entries); ok {
					break
				}
				s.mu.Lock()
				ended := s.ended
				s.mu.Unlock()
				if ended != nil {
					b.Fatalf("a stream ended (%v) before entry %d", ended, entries)
				}
				if time.Now().After(deadline) {
					b.Fatalf("a stream has not received entry %d within 30 s", entries)
				}
				select {
				case <-s.notify:
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
	}
	waitAll(1) // every stream has its first state

	var lat, last, post []time.Duration
	// act sends one POST and measures its delivery to every stream;
	// entries reads from the answer the entry that records the action.
	act := func(path, secret, body string, want int, entries func([]byte) int64) []byte {
		t0 := time.Now()
		st, ans := exCall(b, client, "POST", x+path, secret, body)
		post = append(post, time.Since(t0))
		if st != want {
			b.Fatalf("POST %s: %d %s", path, st, ans)
		}
		n := entries(ans)
		waitAll(n)
		var slowest time.Duration
		for _, s := range streams {
			at, _, _ := s.reached(n)
			d := at.Sub(t0)
			lat = append(lat, d)
			slowest = max(slowest, d)
		}
		last = append(last, slowest)
		return ans
	}
	run := time.Now().UnixNano()
	b.ResetTimer()
	for i := range b.N {
		var pid string
		act("/procedures", c.Chair, fmt.Sprintf(`{"kind": "consensus", "title": "Bench draft %d-%d", "text": "The Council condemns the violations."}`, run, i), 201,
			func(ans []byte) int64 {
				var o struct{ ID string }
				json.Unmarshal(ans, &o)
				pid = o.ID
				return procSeq(b, pid)
			})
		code := codes[i%len(codes)]
		act("/procedures/"+pid+"/agree", c.Delegations[code], "", 200, func(ans []byte) int64 {
			var p struct {
				Statements []struct {
					Seat string `json:"seat"`
					Seq  int64  `json:"seq"`
				} `json:"statements"`
			}
			json.Unmarshal(ans, &p)
			for _, s := range p.Statements {
				if s.Seat == code {
					return s.Seq
				}
			}
			b.Fatalf("the agreement of %s is not in %s", code, ans)
			return 0
		})
	}
	b.StopTimer()
	ms := func(ds []time.Duration, q float64) float64 {
		slices.Sort(ds)
		return float64(ds[min(int(q*float64(len(ds))), len(ds)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(ms(lat, 0.50), "p50-ms")
	b.ReportMetric(ms(lat, 0.99), "p99-ms")
	b.ReportMetric(ms(lat, 1), "max-ms")
	b.ReportMetric(ms(last, 0.50), "all232-p50-ms")
	b.ReportMetric(ms(post, 0.50), "post-p50-ms")
	b.ReportMetric(float64(len(streams)), "streams")
	if st, v := exCall(b, client, "GET", x, c.Observer, ""); st == 200 {
		b.ReportMetric(float64(len(v))/1024, "view-KB") // what each stream is sent per action, at the end
	}
	if rss, hwm, ok := procMemory(srv.Cmd.Process.Pid); ok {
		b.ReportMetric(idle, "idle-rss-MB")
		b.ReportMetric(rss, "rss-MB")
		b.ReportMetric(hwm, "peak-rss-MB")
	}
}

// procMemory reads a Linux process's resident memory and its peak, in MB.
func procMemory(pid int) (rss, hwm float64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	field := func(name string) float64 {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, name+":"); ok {
				f := strings.Fields(v) // "123456 kB"
				if len(f) > 0 {
					kb, _ := strconv.ParseFloat(f[0], 64)
					return kb / 1024
				}
			}
		}
		return 0
	}
	rss, hwm = field("VmRSS"), field("VmHWM")
	return rss, hwm, rss > 0
}
