#!/usr/bin/env bash
# Cascade timing for "Kế hoạch & nhiệm vụ": POST /api/v1/tasks giving one task to N units
# (one child task per unit, one transaction), RUNS times, and prints each wall time and
# the median. Needs a database made by `danvan gen` (account kehoach) and a server on it.
#
#   scripts/plan-perf.sh BASE_URL TOKEN DATA_OR_DB_URL [N] [RUNS]
#
# TOKEN: `danvan user token kehoach --data …`. The N units are the first N chi bộ.
set -euo pipefail
base=$1 tok=$2 db=$3 n=${4:-1000} runs=${5:-5}
case $base in http://127.0.0.1:*) ;; *) echo "127.0.0.1 only" >&2; exit 2 ;; esac
if [[ $db == postgres* ]]; then q() { psql -qtA "$db" -c "$1"; }; else q() { sqlite3 "$db/danvan.db" "$1"; }; fi
root=$(q "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
lead=$(q "SELECT person_id FROM users WHERE username = 'kehoach'")
cells=$(q "SELECT id FROM units WHERE kind = 'chi-bo' ORDER BY id LIMIT $n" | paste -sd, -)
body="{\"title\":\"Đo hiệu năng: giao $n đơn vị\",\"unit_id\":$root,\"lead_id\":$lead,\"start_on\":\"$(date +%F)\",\"due_working_days\":10,\"cascade_to\":[$cells]}"
for i in $(seq "$runs"); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d "$body" "$base/api/v1/tasks"
done | tee /dev/stderr | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {printf "median %.3f s over %d runs\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), NR}'
