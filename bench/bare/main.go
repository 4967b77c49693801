// Command bare is the baseline for BENCHMARKS.md: a bare net/http handler
// that writes a fixed JSON body of the same size as alliance's answer to
// GET /api/v1/members?at=… . It shows what net/http itself costs on this
// machine, so that alliance's figure can be read as a ratio.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "address")
	body := flag.String("body", "", "file with the body to serve")
	flag.Parse()
	b, err := os.ReadFile(*body)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
