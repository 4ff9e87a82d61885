#!/usr/bin/env bash
# One-request-at-a-time timings of the dashboard and report URLs (issue 13's scale
# targets), for pages too slow for scripts/load.sh to say anything but "slow".
#
#   scripts/report-perf.sh [-n RUNS] BASE_URL USER PASSWORD PATH...
#
# Signs in as USER (form POST /login, like a browser), requests each PATH RUNS times
# (default 5) with curl and prints a Markdown table: status, median and worst wall time,
# and the size of the answer. The first request of a path is counted (a cold cache is
# what a secretary meets in the morning). Put the hello-world ceiling of the same run
# beside it with scripts/load.sh. 127.0.0.1 only.
# Example:
#   scripts/report-perf.sh http://127.0.0.1:8080 reproot "$PW" '/api/v1/dashboard?unit=1' '/reports/3.docx'
set -euo pipefail
runs=5
while getopts n: o; do
  case $o in n) runs=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 4 ] || { sed -n '2,13p' "$0"; exit 2; }
base=$1 user=$2 pass=$3
shift 3
case $base in http://127.0.0.1:*|http://localhost:*) ;; *) echo "report-perf.sh: 127.0.0.1 only" >&2; exit 2 ;; esac
cookie=$(curl -s -o /dev/null -D - --data-urlencode "username=$user" --data-urlencode "password=$pass" "$base/login" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(danvan_session=[^;]*\).*/\1/p' | tail -1)
[ -n "$cookie" ] || { echo "report-perf.sh: sign-in as $user failed" >&2; exit 1; }
echo "| Path | Status | Median | Worst | Bytes |"
echo "|---|---:|---:|---:|---:|"
for path in "$@"; do
  for _ in $(seq "$runs"); do
    curl -s -o /dev/null -H "Cookie: $cookie" -w '%{http_code} %{time_total} %{size_download}\n' "$base$path"
  done | sort -k2 -n | awk -v p="$path" '{code[NR]=$1; t[NR]=$2*1000; b=$3} END {
    m = (NR%2 ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2)
    printf "| `%s` | %s | %.0f ms | %.0f ms | %d |\n", p, code[NR], m, t[NR], b}'
done
