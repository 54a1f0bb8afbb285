#!/usr/bin/env bash
# Sustained HTTP ingest benchmark: 'sluice up' on loopback, driven by io.sluice.bench.HttpLoad in a separate JVM.
# Usage: sluice-bench/run-http.sh RECORDS [SECONDS] [CONCURRENCY] [WORKDIR]
#   RECORDS      Asterisk CDRs to generate (seed 2, 30 days, 1 % invalid, 1 % duplicates, as run-e2e.sh);
#                at 100,000 records/s a 60 s run plus warm-up needs about 6.5M records before bodies repeat
#   SECONDS      measured seconds (default 60), after WARMUP seconds (default 5)
#   CONCURRENCY  load generator threads, each in a closed loop (default 8)
#   WORKDIR      default ./bench-data/http; the input is reused, the server's data dir is made afresh
# Environment: BENCH_HEAP (server -Xmx, default 1g), LOAD_HEAP (load generator -Xmx, default input size + 512m),
#   PORT (default 18787), BATCH (default 500), WARMUP (default 5), DRAIN_TIMEOUT (seconds to wait after the run
#   for the server's queue to empty, default 120; 0: don't), SLUICE_JAR (default sluice-local/target/sluice.jar).
# BASELINE=0 skips the baseline run ('sluice ingest' of the same file) that follows the HTTP run.
# Build first: ./verify (or mvn -B -DskipTests package). The result JSON is printed and written under WORKDIR/results.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/select-jdk.sh"
sluice_select_jdk
records=${1:?usage: sluice-bench/run-http.sh RECORDS [SECONDS] [CONCURRENCY] [WORKDIR]}
seconds=${2:-60}
concurrency=${3:-8}
work=${4:-$root/bench-data/http}
port=${PORT:-18787}
batch=${BATCH:-500}
warmup=${WARMUP:-5}
drain=${DRAIN_TIMEOUT:-120}
jar=${SLUICE_JAR:-$root/sluice-local/target/sluice.jar}
lib="$root/sluice-local/target/lib"
base="http://127.0.0.1:$port"

[ -f "$jar" ] || { echo "run-http: $jar is missing; build first (./verify or mvn -B -DskipTests package)" >&2; exit 1; }
ls "$lib"/*.jar > /dev/null 2>&1 || { echo "run-http: no jars in $lib; build first" >&2; exit 1; }
mkdir -p "$work/results"
work="$(cd "$work" && pwd)"

server_pid=""
load_pid=""
cleanup() {
  if [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; then
    kill -TERM "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    echo "run-http: interrupted, killing the server (pid $server_pid)" >&2
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Where and when, for docs/benchmarks.md.
echo "machine: $(nproc) cores ($(uname -m)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "java: $(java -version 2>&1 | head -1)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
if git -C "$root" rev-parse --git-dir > /dev/null 2>&1; then
  echo "commit: $(git -C "$root" log -1 --format='%h %s')$( [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ] && echo ' (with uncommitted changes)')"
fi
echo "run: records=$records seconds=$seconds warmup=$warmup concurrency=$concurrency batch=$batch server -Xmx${BENCH_HEAP:-1g}"

# Input, generated once per size (java -jar, not ./sluice: that script may start a Maven build).
input="$work/input-$records"
if [ ! -f "$input/cdr-0001.csv" ]; then
  rm -rf "$input" "$input.tmp"
  java -Xmx1g -jar "$jar" generate --records "$records" --subscribers "$((records / 50 > 0 ? records / 50 : 1))" \
    --days 30 --end-date 2026-11-20 --invalid-rate 0.01 --duplicate-rate 0.01 --seed 2 --format asterisk \
    --out "$input.tmp" --json >&2
  mv "$input.tmp" "$input"
fi
input_mib=$(( $(stat -c %s "$input/cdr-0001.csv") / 1048576 ))
echo "input: $input/cdr-0001.csv ($input_mib MiB)"

# The load generator: compiled here with javac when target/classes does not hold an up-to-date HttpLoad.
src="$root/sluice-bench/src/main/java/io/sluice/bench/HttpLoad.java"
classes="$root/sluice-bench/target/classes"
if [ ! -f "$classes/io/sluice/bench/HttpLoad.class" ] || [ "$src" -nt "$classes/io/sluice/bench/HttpLoad.class" ]; then
  classes="$work/httpload-classes"
  if [ ! -f "$classes/io/sluice/bench/HttpLoad.class" ] || [ "$src" -nt "$classes/io/sluice/bench/HttpLoad.class" ]; then
    rm -rf "$classes" && mkdir -p "$classes"
    javac --release 21 -d "$classes" -cp "$(ls "$lib"/*.jar | tr '\n' ':')" "$src"
  fi
fi
load_cp="$classes:$(ls "$lib"/*.jar | tr '\n' ':')"

# A fresh server: profiles imported first (the store has one owner once 'up' runs).
if curl -s -o /dev/null --max-time 2 "$base/healthz"; then
  echo "run-http: something already answers on port $port; stop it or set PORT" >&2
  exit 1
fi
data="$work/data"
rm -rf "$data"
java -Xmx1g -jar "$jar" profiles import --data-dir "$data" "${input}-profiles.csv" >&2
# UP_ARGS: extra options for sluice up, e.g. "--max-backlog 4294967296 --drain-timeout 600"; SERVER_JAVA_OPTS: extra JVM options.
java -Xmx"${BENCH_HEAP:-1g}" ${SERVER_JAVA_OPTS:-} -jar "$jar" up --data-dir "$data" --port "$port" ${UP_ARGS:-} > "$work/up.log" 2>&1 &
server_pid=$!
echo "server: pid $server_pid, $base, log $work/up.log"

deadline=$((SECONDS + 60))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/healthz" || true)" = 200 ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && rc=0 || rc=$?
    server_pid=""
    echo "run-http: the server exited with code $rc before it answered /healthz; last lines of $work/up.log:" >&2
    tail -20 "$work/up.log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "run-http: no 200 from $base/healthz within 60 s; last lines of $work/up.log:" >&2
    tail -20 "$work/up.log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "server: healthy after $((SECONDS + 60 - deadline)) s"
up_pid=$(sed -n 's/.*"pid"[^0-9]*\([0-9]*\).*/\1/p' "$data/sluice-up.json" 2>/dev/null | head -1)
if [ "${up_pid:-}" != "$server_pid" ]; then
  echo "run-http: warning: $data/sluice-up.json names pid '${up_pid:-}', not $server_pid; RSS figures follow the file" >&2
fi

result="$work/results/http-${records}r-${seconds}s-c${concurrency}-b${batch}-$(date -u +%Y%m%dT%H%M%SZ).json"
load_heap=${LOAD_HEAP:-$((input_mib + 512))m}
load_rc=0
java -Xmx"$load_heap" -cp "$load_cp" io.sluice.bench.HttpLoad --data-dir "$data" --url "$base" \
  --input "$input/cdr-0001.csv" --content-type text/csv --batch "$batch" --concurrency "$concurrency" \
  --seconds "$seconds" --warmup "$warmup" --drain-timeout "$drain" --out "$result" &
load_pid=$!  # in the background so that a signal to this script is handled at once
wait "$load_pid" || load_rc=$?
load_pid=""

# Stop the server: SIGTERM, then wait for it to exit.
stop_start=$SECONDS
kill -TERM "$server_pid" 2>/dev/null || true
deadline=$((SECONDS + 120))
while kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
  sleep 0.2
done
server_rc=0
if kill -0 "$server_pid" 2>/dev/null; then
  echo "run-http: the server did not exit within 120 s of SIGTERM; killing it (kill -9)" >&2
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_rc="killed"
else
  wait "$server_pid" || server_rc=$?
fi
server_pid=""
echo "server: exit code $server_rc after SIGTERM, stopped in $((SECONDS - stop_start)) s (log $work/up.log)"
echo "load generator: exit code $load_rc"
if [ -f "$result" ]; then
  echo "result: $result"
else
  echo "result: none written (see the output above)"
fi
# Baseline in the same run (BASELINE=0 skips it): the batch path, 'sluice ingest' of the same file, same heap.
# The HTTP path applies records through the same core and store, so its sustained rate is bounded by this one.
if [ "${BASELINE:-1}" = 1 ]; then
  bdata="$work/baseline-data"
  rm -rf "$bdata"
  java -Xmx1g -jar "$jar" profiles import --data-dir "$bdata" "${input}-profiles.csv" >&2
  b0=$(date +%s.%N)
  java -Xmx"${BENCH_HEAP:-1g}" -jar "$jar" ingest --data-dir "$bdata" --json "$input/cdr-0001.csv" > "$work/baseline.json" || true
  b1=$(date +%s.%N)
  python3 - "$b0" "$b1" "$work/baseline.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[3]))
secs = float(sys.argv[2]) - float(sys.argv[1])
print(json.dumps({"baseline": "sluice ingest of the same file", "seconds": round(secs, 1), "records_in": s["records_in"],
                  "records_per_second": round(s["records_in"] / secs)}))
PY
fi
if [ "$load_rc" -ne 0 ]; then
  exit "$load_rc"
fi
[ "$server_rc" = 0 ] || exit 1
