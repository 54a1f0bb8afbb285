#!/usr/bin/env bash
# Inbox benchmark (issue 3): FILES files of RECORDS_PER_FILE Asterisk CDRs dropped at once into the inbox of a
# running 'sluice up'; total time until every file is processed and moved, and the server's peak RSS (VmHWM).
# Baseline in the same run: 'sluice ingest' of the same files into a fresh data dir (the batch path).
# Usage: sluice-bench/run-inbox.sh [FILES] [RECORDS_PER_FILE] [WORKDIR]   (defaults 100, 100000, ./bench-data/inbox)
# Environment: BENCH_HEAP (server -Xmx, default 1g), PORT (default 18788).
# Build first: ./verify (or mvn -B -DskipTests package). Prints one JSON line per measurement.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/select-jdk.sh"
sluice_select_jdk
files=${1:-100}
per_file=${2:-100000}
work=${3:-$root/bench-data/inbox}
port=${PORT:-18788}
jar="$root/sluice-local/target/sluice.jar"
records=$((files * per_file))
input="$work/input-${files}x${per_file}"
mkdir -p "$work"
if [ ! -f "$input/cdr-$(printf %04d "$files").csv" ]; then
  rm -rf "$input"
  java -Xmx1g -jar "$jar" generate --records "$records" --subscribers $((records / 50)) --days 30 --end-date 2026-11-20 \
    --invalid-rate 0.01 --duplicate-rate 0.01 --seed 2 --files "$files" --out "$input" --json >&2
fi
echo "{\"machine\":\"$(nproc) cores, $(uname -m), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)\",\"java\":\"$(java -version 2>&1 | head -1 | tr -d '"')\",\"date\":\"$(date -u +%FT%TZ)\",\"commit\":\"$(git -C "$root" rev-parse --short HEAD)\",\"files\":$files,\"records\":$records}"

server_pid=""
cleanup() { [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# 1. sluice up, all files dropped at once (hard links into the inbox: same file system, complete on arrival).
data="$work/up-data"
rm -rf "$data"
java -Xmx1g -jar "$jar" profiles import --data-dir "$data" "${input}-profiles.csv" >&2
java -Xmx"${BENCH_HEAP:-1g}" -jar "$jar" up --data-dir "$data" --port "$port" --inbox-settle 500 > "$work/up.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "sluice up did not start; see $work/up.log" >&2; exit 1; }
  kill -0 "$server_pid" 2>/dev/null || { echo "sluice up exited; see $work/up.log" >&2; exit 1; }
  sleep 0.2
done
mkdir -p "$data/inbox"
t0=$(date +%s.%N)
for f in "$input"/cdr-*.csv; do ln "$f" "$data/inbox/$(basename "$f")"; done
deadline=$((SECONDS + 3600))
while :; do
  done_files=$(find "$data/processed" "$data/failed" -maxdepth 1 -type f -name 'cdr-*.csv' | wc -l)
  [ "$done_files" -ge "$files" ] && break
  [ $SECONDS -lt $deadline ] || { echo "timed out; see $work/up.log" >&2; exit 1; }
  kill -0 "$server_pid" 2>/dev/null || { echo "sluice up died; see $work/up.log" >&2; exit 1; }
  sleep 0.5
done
t1=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$server_pid/status")
status=$(curl -sf -H "Authorization: Bearer $(cat "$data/api-token")" "http://127.0.0.1:$port/v1/status")
kill -TERM "$server_pid"
wait "$server_pid" && rc=0 || rc=$?
server_pid=""
python3 - "$t0" "$t1" "$hwm" "$rc" "$records" <<PY
import json, sys
t0, t1, hwm, rc, records = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = json.loads('''$status''')["totals"]
secs = t1 - t0
print(json.dumps({"run": "sluice up inbox", "seconds": round(secs, 1), "records_per_second": round(records / secs),
                  "peak_rss_mib": hwm, "exit_after_sigterm": rc, "files_processed": s["files_processed"],
                  "files_failed": s["files_failed"], "records_in": s["records_in"], "accepted": s["accepted"],
                  "rejected": s["rejected"], "duplicates": s["duplicates"]}))
PY

# 2. Baseline: sluice ingest of the same files, same heap, fresh data dir.
base="$work/ingest-data"
rm -rf "$base"
java -Xmx1g -jar "$jar" profiles import --data-dir "$base" "${input}-profiles.csv" >&2
b0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/ingest.rss" java -Xmx"${BENCH_HEAP:-1g}" -jar "$jar" ingest --data-dir "$base" --json \
  $(ls "$input"/cdr-*.csv) > "$work/ingest.json" || true
b1=$(date +%s.%N)
python3 - "$b0" "$b1" "$(tail -1 "$work/ingest.rss")" "$records" "$work/ingest.json" <<'PY'
import json, sys
b0, b1, rss_kib, records = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = json.load(open(sys.argv[5]))
secs = b1 - b0
print(json.dumps({"run": "baseline: sluice ingest", "seconds": round(secs, 1), "records_per_second": round(records / secs),
                  "peak_rss_mib": rss_kib // 1024, "records_in": s["records_in"], "accepted": s["accepted"],
                  "rejected": s["rejected"], "duplicates": s["duplicates"]}))
PY
