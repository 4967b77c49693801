package http_test

import (
	"io"
	nethttp "net/http"
	"slices"
	"sync"
	"testing"
	"time"

	alliancehttp "alliance/http"
)

// BenchmarkHealthzUnderForecastLoad measures /healthz while 24 clients keep
// asking for maximum-size forecasts (2,000,000 runs): "gated" with the
// server's default limits, "ungated" with the gate opened wide (the server
// before the limits) as the baseline of the same run. It reports the
// median and 99th percentile of healthz latency.
//
//	go test -run '^$' -bench HealthzUnderForecastLoad -benchtime 200x ./http
func BenchmarkHealthzUnderForecastLoad(b *testing.B) {
	for _, tc := range []struct {
		name string
		opt  alliancehttp.Options
	}{
		{"gated", alliancehttp.DefaultOptions()},
		{"ungated", alliancehttp.Options{ForecastSlots: 1000, ForecastQueue: 1000, ForecastPerMinute: 1e9, ForecastBurst: 1e9}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			opt := tc.opt
			opt.ForecastPerMinute, opt.ForecastBurst = 1e9, 1e9 // one test client stands for 24
			srv := serverWith(b, opt)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for i := 0; i < 24; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for seed := i * 1000; ; seed++ {
						select {
						case <-stop:
							return
						default:
						}
						res, err := nethttp.Get(srv.URL + "/api/v1/timetable/UA?invited=2027-07-07&runs=2000000&seed=" + itoa(seed))
						if err == nil {
							io.Copy(io.Discard, res.Body)
							res.Body.Close()
						}
						if err == nil && res.StatusCode == 429 {
							time.Sleep(200 * time.Millisecond)
						}
					}
				}()
			}
			time.Sleep(time.Second) // let the load build up
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				res, err := nethttp.Get(srv.URL + "/healthz")
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			close(stop)
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			srv.CloseClientConnections()
			wg.Wait()
		})
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{digits[i%10]}, b...)
	}
	return string(b)
}
