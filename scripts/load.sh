#!/usr/bin/env bash
# Load test for danvan pages, always next to a hello-world net/http handler measured in
# the same run (the ceiling of this machine at this moment).
#
#   scripts/load.sh [-r RUNS] [-d SECONDS] [-c CONCURRENCY] [-p SERVER_PID] [-P PPROF_ADDR] [-a] [-b FORM_FILE] [-H HEADER] BASE_URL USER PASSWORD PATH...
#
# Signs in as USER (form POST /login, like a browser), then for each of RUNS rounds runs
# `hey` for SECONDS on the hello handler and on every PATH, and prints a Markdown table of
# the medians over the rounds: requests/s, p50 and p95 latency, and the ratio of
# requests/s to the hello handler. With -p (the danvan server's process id) it also prints
# the server's CPU time per request, read from /proc: on a machine shared with other work
# that figure moves much less than latency does. With -P (the server's --pprof-addr) it then
# takes a CPU profile of the server under the same load for each PATH and prints where the
# time goes (the cumulative share of danvan's own functions, the database, templates and
# sessions). With -a it does not sign in and sends no cookie: a citizen's first visit to
# the public pages (USER and PASSWORD are then ignored). With -b it POSTs the urlencoded
# form in FORM_FILE to every PATH (each answer a new record: the creation rate). -H adds a
# header to every request (e.g. -a -H 'Cookie: x=1': a visitor whose pages are rendered
# afresh, as they all were before the public pages were kept).
# 127.0.0.1 only. Needs hey (Debian: hey).
# Example:
#   scripts/load.sh -r 3 -d 5 http://127.0.0.1:8080 admin "$PW" /units/1 '/people?unit=1' '/people?q=nguyen+van'
set -euo pipefail
runs=3 secs=5 conc=8 pid= pprof= anon= form= extra=()
while getopts r:d:c:p:P:ab:H: o; do
  case $o in r) runs=$OPTARG ;; d) secs=$OPTARG ;; c) conc=$OPTARG ;; p) pid=$OPTARG ;; P) pprof=$OPTARG ;; a) anon=1 ;; b) form=$OPTARG ;; H) extra+=(-H "$OPTARG") ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 4 ] || { sed -n '2,22p' "$0"; exit 2; }
base=$1 user=$2 pass=$3
shift 3
case $base in http://127.0.0.1:*|http://localhost:*) ;; *) echo "load.sh: 127.0.0.1 only" >&2; exit 2 ;; esac
command -v hey >/dev/null || { echo "load.sh: hey is not installed" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'kill $hello_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/hello" "$here/hello"
"$tmp/hello" -addr 127.0.0.1:18999 & hello_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:18999/ && break; sleep 0.1; done

# args: what every hey of a danvan page gets besides its URL (the session, the form).
args=()
if [ -z "$anon" ]; then
  cookie=$(curl -s -o /dev/null -D - --data-urlencode "username=$user" --data-urlencode "password=$pass" "$base/login" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(danvan_session=[^;]*\).*/\1/p' | tail -1)
  [ -n "$cookie" ] || { echo "load.sh: sign-in as $user failed" >&2; exit 1; }
  args+=(-H "Cookie: $cookie")
fi
args+=("${extra[@]}")
[ -z "$form" ] || args+=(-m POST -T application/x-www-form-urlencoded -D "$form")

# cpu_ticks PID -> user+system clock ticks of a process so far
cpu_ticks() { [ -n "$1" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }

# measure URL PID [HEY_ARGS...] -> "rps p50_ms p95_ms non2xx cpu_ms_per_request"
measure() {
  local out t0 t1 url=$1 p=$2
  shift 2
  t0=$(cpu_ticks "$p")
  out=$(hey -z "${secs}s" -c "$conc" "$@" "$url")
  t1=$(cpu_ticks "$p")
  awk -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec:/ {rps=$2}
    # hey 0.1.4 prints "50% in", newer builds print "50%% in": match both
    / 50%+ in / {p50=$3*1000}
    / 95%+ in / {p95=$3*1000}
    /^ *\[[0-9]+\]/ {code=substr($1,2,3); n=$2; total+=n; if (code !~ /^2/) bad+=n}
    END {printf "%.0f %.2f %.2f %d %.3f\n", rps, p50, p95, bad+0, (total ? 1000*ticks/hz/total : 0)}' <<<"$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

targets=("http://127.0.0.1:18999/" )
for p in "$@"; do targets+=("$base$p"); done
for r in $(seq "$runs"); do
  for i in "${!targets[@]}"; do
    if [ "$i" = 0 ]; then measure "${targets[$i]}" "$hello_pid"; else measure "${targets[$i]}" "$pid" "${args[@]}"; fi >>"$tmp/m$i"
  done
done
hello_rps=$(cut -d' ' -f1 "$tmp/m0" | median)
echo "| URL | req/s | p50 ms | p95 ms | non-2xx | vs hello | server CPU ms/req |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for i in "${!targets[@]}"; do
  rps=$(cut -d' ' -f1 "$tmp/m$i" | median)
  p50=$(cut -d' ' -f2 "$tmp/m$i" | median)
  p95=$(cut -d' ' -f3 "$tmp/m$i" | median)
  bad=$(cut -d' ' -f4 "$tmp/m$i" | median)
  cpu=$(cut -d' ' -f5 "$tmp/m$i" | median)
  [ -n "$pid" ] || [ "$i" = 0 ] || cpu=-
  name=${targets[$i]#"$base"}
  [ "$i" = 0 ] && name="hello world (net/http)"
  awk -v n="$name" -v r="$rps" -v a="$p50" -v b="$p95" -v x="$bad" -v h="$hello_rps" -v c="$cpu" \
    'BEGIN {printf "| `%s` | %d | %.2f | %.2f | %d | %.1f%% | %s |\n", n, r, a, b, x, 100*r/h, c}'
done
echo
echo "Medians of $runs runs of ${secs} s at concurrency $conc, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)."
if [ -n "$pprof" ]; then
  for i in "${!targets[@]}"; do
    [ "$i" = 0 ] && continue
    hey -z "$((secs + 1))s" -c "$conc" "${args[@]}" "${targets[$i]}" >/dev/null & load_pid=$!
    curl -sf -o "$tmp/p$i.prof" "http://$pprof/debug/pprof/profile?seconds=$secs"
    wait "$load_pid"
    echo
    echo "CPU profile of \`${targets[$i]#"$base"}\` (cumulative share of the server's samples):"
    echo '```'
    go tool pprof -top -cum -nodecount=400 "$tmp/p$i.prof" 2>/dev/null |
      grep -E ' (danvan/internal/[a-z]+\.|database/sql\.\(\*DB\)\.(Query|Exec)|html/template\.\(\*Template\)\.Execute|github.com/alexedwards/scs/v2\.\(\*SessionManager\)\.(Load|Commit)|runtime\.gcBgMarkWorker$|net/http\.\(\*conn\)\.serve$)' |
      awk '{printf "%6s  %s\n", $5, $6}' | head -30
    echo '```'
  done
fi
