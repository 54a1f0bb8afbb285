#!/usr/bin/env bash
# End-to-end ingest benchmark (issue 2): Sluice vs DuckDB SQL on the same generated Asterisk file,
# then the standard reports over the archive. Usage: sluice-bench/run-e2e.sh RECORDS [SUBSCRIBERS] [WORKDIR]
# Build first: ./verify (or mvn -B -DskipTests package). Results are JSON lines on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/select-jdk.sh"
sluice_select_jdk
records=${1:?records}
subscribers=${2:-$((records / 50))}
work=${3:-$root/bench-data}
cp="$root/sluice-bench/target/sluice-bench-0.1.0-SNAPSHOT.jar:$(ls "$root"/sluice-bench/target/lib/*.jar | tr '\n' ':')"
java_opts="-Xmx${BENCH_HEAP:-1g} --enable-native-access=ALL-UNNAMED"
input="$work/input-$records"
if [ ! -f "$input/cdr-0001.csv" ]; then
  "$root/sluice" generate --records "$records" --subscribers "$subscribers" --days 30 --end-date 2026-11-20 \
    --invalid-rate 0.01 --duplicate-rate 0.01 --seed 2 --out "$input" --json >&2
fi
echo "{\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\",\"java\":\"$(java -version 2>&1 | head -1 | tr -d '"')\",\"input_mib\":$(( $(stat -c %s "$input/cdr-0001.csv") / 1048576 ))}"
rm -rf "$work/sluice-$records" "$work/duckdb-$records"
java $java_opts -cp "$cp" io.sluice.local.cli.SluiceCli profiles import --data-dir "$work/sluice-$records" "${input}-profiles.csv" >&2
java $java_opts -cp "$cp" io.sluice.bench.IngestRun "$work/sluice-$records" "$input/cdr-0001.csv"
java $java_opts -cp "$cp" io.sluice.bench.DuckDbBaseline "$work/duckdb-$records" "$input/cdr-0001.csv" "${input}-profiles.csv"
java $java_opts -cp "$cp" io.sluice.bench.ReportTimer "$work/sluice-$records"
