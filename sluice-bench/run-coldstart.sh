#!/usr/bin/env bash
# Cold start of the Kinesis function: a fresh JVM per run, the shaded Lambda jar on the class path.
# Usage: sluice-bench/run-coldstart.sh [RUNS]   (after: mvn -B -DskipTests package)
# Prints one JSON line per run and mode; JAVA (default: the JDK that ./verify selects) and
# EXTRA_OPTS (e.g. "-XX:TieredStopAtLevel=1", what AWS suggests for Java functions) can be set.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/select-jdk.sh"
sluice_select_jdk
runs="${1:-5}"
cp="$root/sluice-aws/target/sluice-lambda.jar:$root/sluice-bench/target/classes"
cd "$root"
for mode in memory clients; do
  for i in $(seq 1 "$runs"); do
    java -Xmx512m ${EXTRA_OPTS:-} -cp "$cp" io.sluice.bench.ColdStart "$mode" docs/events/kinesis-asterisk-csv.json
  done
done
