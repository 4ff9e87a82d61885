// Command hello is the ceiling every danvan page is measured against: the smallest
// net/http handler, on the same machine, in the same run (scripts/load.sh).
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18999", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("Xin chào\n"))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
