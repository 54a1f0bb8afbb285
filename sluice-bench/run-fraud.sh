#!/usr/bin/env bash
# The fraud rules' cost (issue 21, CDR-10): sluice ingest of the same generated file with the default rules and with
# none, alternating, RUNS times each, each in a fresh JVM on a fresh data dir. Usage:
#   sluice-bench/run-fraud.sh RECORDS [SUBSCRIBERS] [RUNS] [WORKDIR]
# Build first: ./verify (or mvn -B -DskipTests package). Results are JSON lines on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/select-jdk.sh"
sluice_select_jdk
records=${1:?records}
subscribers=${2:-$((records / 50))}
runs=${3:-3}
work=${4:-$root/bench-data}
cp="$root/sluice-bench/target/sluice-bench-0.1.0-SNAPSHOT.jar:$(ls "$root"/sluice-bench/target/lib/*.jar | tr '\n' ':')"
java_opts="-Xmx${BENCH_HEAP:-512m} --enable-native-access=ALL-UNNAMED"
input="$work/fraud-input-$records"
if [ ! -f "$input/cdr-0001.csv" ]; then
  "$root/sluice" generate --records "$records" --subscribers "$subscribers" --days 30 --end-date 2026-11-20 \
    --invalid-rate 0.01 --duplicate-rate 0.01 --seed 2 --fraud-rate 0.001 --out "$input" --json >&2
fi
echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\",\"java\":\"$(java -version 2>&1 | head -1 | tr -d '"')\",\"input_mib\":$(( $(stat -c %s "$input/cdr-0001.csv") / 1048576 ))}"
for i in $(seq "$runs"); do
  for rules in on off; do
    rm -rf "$work/fraud-sluice-$records"
    java $java_opts -cp "$cp" io.sluice.local.cli.SluiceCli profiles import --data-dir "$work/fraud-sluice-$records" "${input}-profiles.csv" >/dev/null
    java $java_opts -Dsluice.bench.rules=$rules -cp "$cp" io.sluice.bench.IngestRun "$work/fraud-sluice-$records" "$input/cdr-0001.csv"
  done
done
