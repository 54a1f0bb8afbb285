#!/usr/bin/env bash
# Telemetry load benchmark (issue 18): 'sluice simulate-devices' (open-loop, a separate JVM) against the baseline, an
# HTTP server that only appends bodies to a file (io.sluice.bench.AppendServer), then against 'sluice up', same requests.
# Usage: sluice-bench/run-telemetry.sh [RATE] [SECONDS] [DEVICES] [BATCH]     defaults: 10000 30 500 100
# Build first: ./verify (or mvn -B -DskipTests install). Results (JSON lines) under bench-data/telemetry/results.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/select-jdk.sh"
sluice_select_jdk
rate=${1:-10000}; seconds=${2:-30}; devices=${3:-500}; batch=${4:-100}
work="$root/bench-data/telemetry"; mkdir -p "$work/results"
cp="$root/sluice-bench/target/sluice-bench-0.1.0-SNAPSHOT.jar:$root/sluice-bench/target/lib/*"
out="$work/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
rm -rf "$work/data" "$work/append.out"; mkdir -p "$work/data"
echo "baseline-key" > "$work/baseline.key"

java -Xmx1g -cp "$cp" io.sluice.bench.AppendServer 18811 "$work/append.out" 2> "$work/append.log" &
base_pid=$!
for i in $(seq 1 60); do curl -s -o /dev/null -X POST http://127.0.0.1:18811/v1/telemetry -d '[]' && break; sleep 0.5; done
"$root/sluice" simulate-devices --data-dir "$work/data" --url http://127.0.0.1:18811/v1/telemetry --key-file "$work/baseline.key" \
  --devices "$devices" --rate "$rate" --duration "$seconds" --batch "$batch" --json | sed 's/^/{"run":"baseline append-to-file",/; s/^{"run":"baseline append-to-file",{/{"run":"baseline append-to-file",/' | tee -a "$out"
kill "$base_pid"; wait "$base_pid" 2>/dev/null || true

"$root/sluice" up --data-dir "$work/data" --port 18812 2> "$work/up.log" &
for i in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:18812/healthz && break; sleep 0.5; done
for i in $(seq 1 20); do [ -f "$work/data/sluice-up.json" ] && break; sleep 0.5; done
up_pid=$(tr -d ' \n' < "$work/data/sluice-up.json" | sed -E 's/.*"pid":([0-9]+).*/\1/')
"$root/sluice" simulate-devices --data-dir "$work/data" --devices "$devices" --rate "$rate" --duration "$seconds" --batch "$batch" --json \
  | sed 's/^{/{"run":"sluice up",/' | tee -a "$out"
echo "sluice up RSS at the end: $(grep VmRSS /proc/$up_pid/status | awk '{print $2/1024 " MiB"}'), peak: $(grep VmHWM /proc/$up_pid/status | awk '{print $2/1024 " MiB"}')" | tee -a "$out"
kill -TERM "$up_pid"
for i in $(seq 1 120); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.5; done
echo "results: $out"
