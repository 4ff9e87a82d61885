#!/usr/bin/env bash
# Soak test: mixed traffic at a fraction of the measured capacity for many minutes, to show
# that memory stays flat, nothing fails, and latency does not creep (issue 14).
#
#   scripts/soak.sh [-m MINUTES] [-f PERCENT] [-p SERVER_PID] [-g PPROF_ADDR [-o DIR]] BASE_URL USER PASSWORD TARGET...
#
# A TARGET is a path for a GET ('/tasks?unit=2'), or 'POST PATH BODY' in one argument for a
# form POST sent urlencoded ('POST /gop-y/3 name=An&contact=0912000111&body=...'; its redirect is
# not followed, so a write is measured alone); every
# request carries the session of USER (signed in like a browser), which public pages ignore.
# First the whole mix runs at full speed for 10 s (one client per target, all at once): that
# is the capacity. Then each target runs at PERCENT (default 50) of its own share of it, for
# MINUTES (default 10) one-minute rounds. Each minute prints requests, requests/s, failures
# (any answer but 2xx/3xx, and connection errors), the worst target's p50/p95/p99 and the
# server's resident memory (RSS, sampled every 5 s from /proc; needs -p). With -g (the
# server's --pprof-addr) it also prints the Go heap live after a forced collection at the end
# of each minute — RSS also holds SQLite's page caches, which fill as the data is read, so
# the live heap is what tells a leak — and with -o it keeps the heap profile of each minute
# there (heap-N.pb.gz; compare with go tool pprof -diff_base). A hello-world
# handler is measured for 5 s first, as everywhere in docs/PERFORMANCE.md. Needs hey.
set -euo pipefail
minutes=10 percent=50 pid= pprof= profdir=
while getopts m:f:p:g:o: o; do
  case $o in m) minutes=$OPTARG ;; f) percent=$OPTARG ;; p) pid=$OPTARG ;; g) pprof=$OPTARG ;; o) profdir=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 4 ] || { sed -n '2,20p' "$0"; exit 2; }
base=$1 user=$2 pass=$3
shift 3
case $base in http://127.0.0.1:*|http://localhost:*) ;; *) echo "soak.sh: 127.0.0.1 only" >&2; exit 2 ;; esac
command -v hey >/dev/null || { echo "soak.sh: hey is not installed" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
sampler=
trap 'kill $hello_pid $sampler 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/hello" "$here/hello"
"$tmp/hello" -addr 127.0.0.1:18998 & hello_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:18998/ && break; sleep 0.1; done
hello_rps=$(hey -z 5s -c 4 http://127.0.0.1:18998/ | awk '/Requests\/sec:/ {printf "%.0f", $2}')
kill $hello_pid 2>/dev/null || true

cookie=$(curl -s -o /dev/null -D - --data-urlencode "username=$user" --data-urlencode "password=$pass" "$base/login" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(danvan_session=[^;]*\).*/\1/p' | tail -1)
[ -n "$cookie" ] || { echo "soak.sh: sign-in as $user failed" >&2; exit 1; }

# run_all SECONDS RATE_FILE|- PREFIX: one hey per target, all at once; output in PREFIX.N
run_all() {
  local secs=$1 rates=$2 prefix=$3 i=0 pids=() q
  for t in "${targets[@]}"; do
    q=()
    if [ "$rates" != - ]; then q=(-q "$(sed -n "$((i + 1))p" "$rates")"); fi
    if [[ $t == POST\ * ]]; then
      read -r _ path body <<<"$t"
      hey -z "${secs}s" -c 1 "${q[@]}" -disable-redirects -m POST -T application/x-www-form-urlencoded -d "$body" \
        -H "Cookie: $cookie" "$base$path" >"$prefix.$i" 2>&1 &
    else
      hey -z "${secs}s" -c 1 "${q[@]}" -H "Cookie: $cookie" "$base$t" >"$prefix.$i" 2>&1 &
    fi
    pids+=($!)
    i=$((i + 1))
  done
  wait "${pids[@]}"
}

# summary FILE -> "requests failures p50 p95 p99" (ms) of one hey run
summary() {
  awk '
    / 50%+ in / {p50=$3*1000} / 95%+ in / {p95=$3*1000} / 99%+ in / {p99=$3*1000}
    /^Status code distribution:/ {sec="status"; next}
    /^Error distribution:/ {sec="errors"; next}
    sec == "status" && /^ *\[[0-9]+\]/ {code=substr($1,2,3); total+=$2; if (code !~ /^[23]/) bad+=$2}
    sec == "errors" && /^ *\[[0-9]+\]/ {x=$1; gsub(/[][]/, "", x); bad+=x}
    END {printf "%d %d %.2f %.2f %.2f\n", total, bad+0, p50, p95, p99}' "$1"
}

# live_heap_mb [N]: the Go heap in use after a forced collection, in MB (- without -g); with
# -o, the heap profile is kept as heap-N.pb.gz first.
live_heap_mb() {
  [ -n "$pprof" ] || { echo -; return; }
  if [ -n "$profdir" ] && [ -n "${1:-}" ]; then
    mkdir -p "$profdir" && curl -sf -o "$profdir/heap-$1.pb.gz" "http://$pprof/debug/pprof/heap?gc=1" || true
  fi
  curl -sf "http://$pprof/debug/pprof/heap?gc=1&debug=1" | awk '/^# HeapInuse = / {printf "%.1f", $4/1048576}'
}

rss_mb() { [ -n "$pid" ] && awk '/^VmRSS:/ {printf "%.1f", $2/1024}' "/proc/$pid/status" || echo -; }

targets=("$@")
run_all 10 - "$tmp/cap"
: >"$tmp/rates"
cap=0
for i in "${!targets[@]}"; do
  read -r n _ <<<"$(summary "$tmp/cap.$i")"
  cap=$((cap + n / 10))
  # hey's -q is per client; at least 1 a second
  awk -v n="$n" -v f="$percent" 'BEGIN {r = n / 10 * f / 100; printf "%d\n", (r < 1 ? 1 : r)}' >>"$tmp/rates"
done
echo "Hello world: $hello_rps req/s at concurrency 4. Capacity of the mix (${#targets[@]} targets, one client each, 10 s): $cap req/s; soak at $percent %: $(awk '{s += $1} END {print s}' "$tmp/rates") req/s."
echo
if [ -n "$pid" ]; then
  (while sleep 5; do echo "$(date +%s) $(rss_mb)"; done) >"$tmp/rss" & sampler=$!
fi
echo "Go heap live before the soak: $(live_heap_mb 0) MB; RSS $(rss_mb) MB."
echo
echo "| Minute | Requests | req/s | Failures | p50 ms (worst) | p95 ms (worst) | p99 ms (worst) | RSS MB (min–max) | Go heap live MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
total_bad=0
for m in $(seq "$minutes"); do
  start=$(date +%s)
  run_all 60 "$tmp/rates" "$tmp/m$m"
  reqs=0 bad=0 w50=0 w95=0 w99=0
  for i in "${!targets[@]}"; do
    read -r n b p50 p95 p99 <<<"$(summary "$tmp/m$m.$i")"
    reqs=$((reqs + n)) bad=$((bad + b))
    w50=$(awk -v a="$w50" -v b="$p50" 'BEGIN {print (b > a ? b : a)}')
    w95=$(awk -v a="$w95" -v b="$p95" 'BEGIN {print (b > a ? b : a)}')
    w99=$(awk -v a="$w99" -v b="$p99" 'BEGIN {print (b > a ? b : a)}')
  done
  total_bad=$((total_bad + bad))
  rss=-
  if [ -n "$pid" ]; then
    rss=$(awk -v s="$start" '$1 >= s && $2 != "-" {if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2} END {print min "–" max}' "$tmp/rss")
  fi
  printf '| %d | %d | %d | %d | %.2f | %.2f | %.2f | %s | %s |\n' "$m" "$reqs" $((reqs / 60)) "$bad" "$w50" "$w95" "$w99" "$rss" "$(live_heap_mb "$m")"
done
echo
echo "$minutes minutes, ${#targets[@]} targets, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), ended $(date -u +%Y-%m-%dT%H:%MZ). Failures in all: $total_bad."
[ "$total_bad" = 0 ]
