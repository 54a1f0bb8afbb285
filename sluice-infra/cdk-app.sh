#!/usr/bin/env bash
# The CDK app, as cdk.json runs it: the built classes with a JDK >= 21 (the default java may be older).
# Build first, from the project root: ./verify (or mvn -B -DskipTests package).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../scripts/select-jdk.sh"
sluice_select_jdk
if [ ! -f "$here/target/classes/io/sluice/infra/SluiceApp.class" ] || ! ls "$here"/target/lib/sluice-core-*.jar >/dev/null 2>&1; then
  echo "sluice-infra is not built: run ./verify (or mvn -B -DskipTests package) in $(dirname "$here") first" >&2
  exit 1
fi
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# -Xss: the CDK calls back into the JVM for each construct an aspect visits, and those calls nest.
exec java -Xss16m -cp "$here/target/classes:$here/target/lib/*" io.sluice.infra.SluiceApp
