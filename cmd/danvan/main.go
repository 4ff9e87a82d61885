// Command danvan serves the whole product — staff pages, the citizens' portal and the
// API — from one binary on an embedded SQLite database (./data) or on PostgreSQL.
//
//	go run ./cmd/danvan            # serve on http://127.0.0.1:8080
//	go run ./cmd/danvan --demo     # with the Vietnamese sample organisation
//	danvan help                    # the other commands
package main

import (
	"os"

	"danvan/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], app.Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
