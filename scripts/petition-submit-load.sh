#!/usr/bin/env bash
# Public submission throughput of danvan, beside the hello-world ceiling in the same run,
# and a check that nothing is lost: every 201 answer is one new petition in the database.
#
#   scripts/petition-submit-load.sh [-d SECONDS] [-c CONCURRENCY] BASE_URL SQLITE_FILE|POSTGRES_URL
#
# The server must run with --public-rate 0 (the per-address limit lifted for the test).
# Each request is POST /api/v1/public/petitions with a Vietnamese feedback (kien-nghi).
# 127.0.0.1 only. Needs hey, and sqlite3 or psql to count the rows.
set -euo pipefail
secs=10 conc=8
while getopts d:c: o; do
  case $o in d) secs=$OPTARG ;; c) conc=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n '2,10p' "$0"; exit 2; }
base=$1 db=$2
case $base in http://127.0.0.1:*|http://localhost:*) ;; *) echo "127.0.0.1 only" >&2; exit 2 ;; esac
count() {
  case $db in
    postgres://*) psql -tA "$db" -c 'SELECT COUNT(*) FROM petitions' ;;
    *) sqlite3 "$db" 'SELECT COUNT(*) FROM petitions' ;;
  esac
}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'kill $hello_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/hello" "$here/hello"
"$tmp/hello" -addr 127.0.0.1:18998 & hello_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:18998/ && break; sleep 0.1; done

body='{"kind":"kien-nghi","content":"Kiến nghị sửa chữa, lắp đặt đèn chiếu sáng trên tuyến đường liên xã, đoạn qua khu dân cư số 3.","name":"Nguyễn Văn Thử","phone":"0912345678"}'
printf '%s' "$body" >"$tmp/body.json"
stat() { awk '/Requests\/sec:/ {rps=$2} /50% in/ {p50=$3*1000} /95% in/ {p95=$3*1000}
  /^\s*\[[0-9]+\]/ {c[substr($1,2,3)]+=$2} END {printf "%.0f %.2f %.2f %d %d\n", rps, p50, p95, c["201"]+0, c["429"]+0}'; }

read -r h_rps h_p50 h_p95 _ _ < <(hey -z "${secs}s" -c "$conc" http://127.0.0.1:18998/ | stat)
before=$(count)
read -r rps p50 p95 created limited < <(hey -z "${secs}s" -c "$conc" -m POST -T application/json -D "$tmp/body.json" "$base/api/v1/public/petitions" | stat)
after=$(count)
echo "| URL | req/s | p50 ms | p95 ms | 201 answers | new rows | vs hello |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| hello world (net/http) | $h_rps | $h_p50 | $h_p95 | | | 100% |"
echo "| POST /api/v1/public/petitions | $rps | $p50 | $p95 | $created | $((after - before)) | $(awk -v a="$rps" -v b="$h_rps" 'BEGIN {printf "%.1f%%", 100*a/b}') |"
[ "$limited" -eq 0 ] || echo "warning: $limited answers were 429 (run the server with --public-rate 0)" >&2
[ "$created" -eq $((after - before)) ] || { echo "LOST: $created answers 201 but $((after - before)) new rows" >&2; exit 1; }
