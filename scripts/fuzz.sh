#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a bounded time each, so a parser of outside
# input that panics on some input fails CI. The targets are found, not listed by hand: a
# new Fuzz function is fuzzed from the day it is written. A crash leaves its input under the
# package's testdata/fuzz/ for `go test` to replay; commit it with the fix.
#
#   scripts/fuzz.sh            # 5 s per target
#   FUZZTIME=1m scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
targets=0
start=$(date +%s)
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	# Only packages whose tests declare a fuzz target; grep is cheaper than building each.
	grep -qsE '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "$dir"/*_test.go || continue
	for fn in $(grep -hoE '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | sed 's/^func //' | sort -u); do
		echo "--- $pkg $fn ($fuzztime)"
		go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" "$pkg" 2>&1 | tail -n 3
		targets=$((targets + 1))
	done
done
echo "fuzzed $targets targets for $fuzztime each in $(( $(date +%s) - start )) s, 0 crashes"
