#!/usr/bin/env bash
# The end of ./verify's account: tests run, failed and skipped over all modules (from the surefire reports this run
# wrote), each skipped test with its reason, and on failure the first lines of each failure from the log.
# Usage: scripts/test-summary.sh STARTED_MARKER MAVEN_LOG EXIT_CODE
set -uo pipefail
started=$1 log=$2 rc=$3
reports=$(find . -path '*/target/surefire-reports/TEST-*.xml' -newer "$started" 2>/dev/null | sort)
if [ -n "$reports" ]; then
  # shellcheck disable=SC2086
  awk '
    function attr(line, name,   m) { if (match(line, name "=\"[^\"]*\"")) { m = substr(line, RSTART + length(name) + 2, RLENGTH - length(name) - 3); return m } return "" }
    function unxml(s) { gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
    /<testsuite / { t += attr($0, "tests"); f += attr($0, "failures"); e += attr($0, "errors"); s += attr($0, "skipped") }
    /<testcase / { name = attr($0, "classname") "." attr($0, "name") }
    # JUnit 5 assumptions: surefire puts the reason in the element body (CDATA, "TestAbortedException: Assumption failed: ..."),
    # not in a message attribute.
    /<skipped/ {
      why = attr($0, "message")
      if (why == "" && match($0, /<!\[CDATA\[[^\]]*/)) { why = substr($0, RSTART + 9, RLENGTH - 9); sub(/^[A-Za-z0-9_.$]*Exception: /, "", why) }
      skipped[++n] = "  skipped " unxml(name) ": " (why == "" ? "(no reason given)" : unxml(why))
    }
    END {
      printf "tests: %d run, %d failed, %d errors, %d skipped\n", t, f, e, s
      for (i = 1; i <= n; i++) print skipped[i]
    }' $reports
fi
if [ "$rc" != 0 ]; then
  echo "---- failures (the whole log: $log) ----"
  grep -A 30 -E '<<< (FAILURE|ERROR)!$' "$log" | grep -v -E '^\s+at (java|org\.junit|org\.apache|jdk)\.' | head -150
fi
