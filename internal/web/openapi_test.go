package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPICoversEveryRoute keeps docs/openapi.yaml in step with the code: every
// route registered with handleAPI under /api/v1/ must appear there with its method,
// and every documented path must exist.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	spec, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	var path string
	pathRE := regexp.MustCompile(`^  (/api/v1/\S*):\s*$`)
	methodRE := regexp.MustCompile(`^    (get|post|put|patch|delete):`)
	for _, line := range strings.Split(string(spec), "\n") {
		if m := pathRE.FindStringSubmatch(line); m != nil {
			path = m[1]
		} else if m := methodRE.FindStringSubmatch(line); m != nil && path != "" {
			documented[strings.ToUpper(m[1])+" "+path] = true
		} else if len(line) > 0 && line[0] != ' ' && line[0] != '#' {
			path = ""
		}
	}
	files, _ := filepath.Glob("*.go")
	routeRE := regexp.MustCompile(`handleAPI\("([A-Z]+) (/api/v1/[^"]*)"`)
	registered := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range routeRE.FindAllStringSubmatch(string(src), -1) {
			registered[m[1]+" "+m[2]] = true
		}
	}
	if len(registered) < 5 {
		t.Fatalf("found only %d API routes: the pattern no longer matches the code", len(registered))
	}
	for r := range registered {
		if !documented[r] {
			t.Errorf("route %s is not in docs/openapi.yaml", r)
		}
	}
	for d := range documented {
		if !registered[d] {
			t.Errorf("docs/openapi.yaml documents %s, which is not a route", d)
		}
	}
}
