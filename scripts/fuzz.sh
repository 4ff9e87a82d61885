#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a bounded time each, so a parser of outside
# input that panics on some input fails CI. The targets are found, not listed by hand: a
# new Fuzz function is fuzzed from the day it is written. A crash leaves its input under the
# package's testdata/fuzz/ for `go test` to replay; commit it with the fix.
#
# Go's fuzzer sometimes exits non-zero when -fuzztime runs out while a worker is mid-call
# ("context deadline exceeded", golang/go#56238) without having found anything; CI failed
# on that once (FuzzLunarRoundTrip, no input written, clean on every re-run). So a failure
# counts only when it wrote a failing input; one that did not is run again, and fails CI
# if it happens twice in a row. The whole output is printed whenever a run fails.
#
#   scripts/fuzz.sh            # 5 s per target
#   FUZZTIME=1m scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
targets=0
flakes=0
start=$(date +%s)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# inputs lists the failing inputs saved for a target (none when the directory is absent).
inputs() { ls "$1" 2>/dev/null | sort || true; }

for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	# Only packages whose tests declare a fuzz target; grep is cheaper than building each.
	grep -qsE '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "$dir"/*_test.go || continue
	for fn in $(grep -hoE '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | sed 's/^func //' | sort -u); do
		corpus="$dir/testdata/fuzz/$fn"
		for try in 1 2; do
			again=""
			[ "$try" = 2 ] && again=", again"
			echo "--- $pkg $fn ($fuzztime$again)"
			before=$(inputs "$corpus")
			if go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" "$pkg" >"$out" 2>&1; then
				tail -n 3 "$out"
				break
			fi
			cat "$out"
			if [ "$(inputs "$corpus")" != "$before" ]; then
				echo "fuzz: $fn found a failing input (above); it is saved under $corpus" >&2
				exit 1
			fi
			if [ "$try" = 2 ]; then
				echo "fuzz: $fn failed twice in a row without a failing input; see the output above" >&2
				exit 1
			fi
			echo "fuzz: $fn stopped without a failing input (golang/go#56238); running it again"
			flakes=$((flakes + 1))
		done
		targets=$((targets + 1))
	done
done
echo "fuzzed $targets targets for $fuzztime each in $(( $(date +%s) - start )) s, 0 crashes, $flakes re-run after a fuzzer hiccup"
