#!/usr/bin/env bash
# Profile migration benchmark (issue 20, MIG-1): ROWS subscriber profiles in a local MariaDB table, migrated into a
# fresh data dir with 'sluice migrate profiles --no-verify' (rows/s, peak RSS), then 'sluice migrate verify' alone.
# Baseline in the same run: 'mariadb-dump' of the same table to a file (the source's own read ceiling).
# Then the CDC lag of --follow (MIG-3) under CDC_RATE single-row updates a second for CDC_SECONDS (defaults 1000, 60),
# open-loop, into the last run's data dir: io.sluice.bench.FollowLag, its baseline the source's own commit latency.
# Usage: sluice-bench/run-migrate.sh [ROWS] [RUNS] [WORKDIR]   (defaults 1000000, 3, ./bench-data/migrate)
# Needs mariadb-server (Debian); starts its own mariadbd --no-defaults on a free port, stops it at the end.
# Build first: ./verify (or mvn -B -DskipTests package). Prints one JSON line per measurement.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/select-jdk.sh"
sluice_select_jdk
rows=${1:-1000000}
runs=${2:-3}
work=${3:-$root/bench-data/migrate}
jar="$root/sluice-local/target/sluice.jar"
heap=${BENCH_HEAP:-512m}
rm -rf "$work/db" && mkdir -p "$work/db"
user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(--user=root)
mariadb-install-db --no-defaults --datadir="$work/db/data" --auth-root-authentication-method=normal --skip-test-db "${user_opt[@]}" >"$work/install.log" 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/mariadbd --no-defaults --datadir="$work/db/data" --port="$port" --bind-address=127.0.0.1 --socket="$work/db/sock" \
  --pid-file="$work/db/pid" --innodb-buffer-pool-size=512M --log-error="$work/db/error.log" \
  --log-bin="$work/db/binlog" --server-id=1 --binlog-format=ROW "${user_opt[@]}" &
db_pid=$!
trap 'kill "$db_pid" 2>/dev/null; wait "$db_pid" 2>/dev/null || true' EXIT INT TERM
sql() { mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot "$@"; }
for _ in $(seq 100); do sql -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
sql -e "CREATE DATABASE crm; CREATE USER 'bench'@'%' IDENTIFIED BY 'bench'; GRANT ALL ON crm.* TO 'bench'@'%'; GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'bench'@'%';"
sql crm -e "CREATE TABLE subscribers(id INT PRIMARY KEY, phone VARCHAR(32), tariff VARCHAR(32), country CHAR(2), state VARCHAR(16))"
python3 - "$rows" > "$work/rows.tsv" <<'PY'
import sys
n = int(sys.argv[1]); plans = ("prepaid", "postpaid", "business"); cc = ("US", "GB", "DE"); st = ("active", "suspended", "barred")
w = sys.stdout.write
for i in range(1, n + 1):
    w(f"{i}\t+1415{2000000 + i:07d}\t{plans[i % 3]}\t{cc[i % 3]}\t{st[i % 3]}\n")
PY
sql --local-infile=1 crm -e "SET GLOBAL local_infile=1; LOAD DATA LOCAL INFILE '$work/rows.tsv' INTO TABLE subscribers"
printf 'bench\n' > "$work/pw"
echo "{\"machine\":\"$(nproc) cores, $(uname -m), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)\",\"java\":\"$(java -version 2>&1 | head -1 | tr -d '"')\",\"mariadb\":\"$(/usr/sbin/mariadbd --version | awk '{print $3}')\",\"date\":\"$(date -u +%FT%TZ)\",\"commit\":\"$(git -C "$root" rev-parse --short HEAD)\",\"rows\":$rows}"
src=(--source "jdbc:mariadb://127.0.0.1:$port/crm" --user bench --password-file "$work/pw" --table subscribers --key id
     --columns msisdn=phone,plan=tariff,home_country=country,status=state)
for i in $(seq "$runs"); do
  t0=$(date +%s.%N)
  mariadb-dump --no-defaults -h127.0.0.1 -P"$port" -ubench -pbench --single-transaction --quick crm subscribers > "$work/dump.sql"
  t1=$(date +%s.%N)
  echo "{\"run\":$i,\"engine\":\"mariadb-dump\",\"rows\":$rows,\"seconds\":$(printf %.3f "$(echo "$t1 - $t0" | bc)"),\"rows_per_s\":$(echo "$rows / ($t1 - $t0)" | bc)}"
  rm -rf "$work/data"
  /usr/bin/time -f '%M' -o "$work/rss" java -Xmx"$heap" --enable-native-access=ALL-UNNAMED -jar "$jar" migrate profiles "${src[@]}" \
    --data-dir "$work/data" --no-verify --json > "$work/out.json"
  secs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$work/out.json")
  echo "{\"run\":$i,\"engine\":\"sluice migrate profiles\",\"summary\":$(cat "$work/out.json"),\"rows_per_s\":$(echo "$rows / $secs" | bc),\"peak_rss_mib\":$(( $(tail -1 "$work/rss") / 1024 ))}"
  /usr/bin/time -f '%M' -o "$work/rss" java -Xmx"$heap" --enable-native-access=ALL-UNNAMED -jar "$jar" migrate verify "${src[@]}" \
    --data-dir "$work/data" --json > "$work/verify.json" || true
  echo "{\"run\":$i,\"engine\":\"sluice migrate verify\",\"result\":$(cat "$work/verify.json"),\"peak_rss_mib\":$(( $(tail -1 "$work/rss") / 1024 ))}"
done
cp="$root/sluice-bench/target/sluice-bench-0.1.0-SNAPSHOT.jar:$(ls "$root"/sluice-bench/target/lib/*.jar | tr '\n' ':')"
/usr/bin/time -f '%M' -o "$work/rss" java -Xmx"$heap" --enable-native-access=ALL-UNNAMED -cp "$cp" io.sluice.bench.FollowLag \
  "jdbc:mariadb://127.0.0.1:$port/crm" bench bench subscribers "$rows" "$work/data" "${CDC_RATE:-1000}" "${CDC_SECONDS:-60}" 2>"$work/follow.err"
echo "{\"engine\":\"follow peak RSS\",\"peak_rss_mib\":$(( $(tail -1 "$work/rss") / 1024 ))}"
