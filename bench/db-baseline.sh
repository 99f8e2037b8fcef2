#!/bin/sh
# db-baseline.sh - what the servers' own benchmark tools get for the
# statements racelab's database strategies run: pgbench for PostgreSQL,
# redis-benchmark for Redis, at 1, 2 and 8 clients, against throwaway
# servers (tests/dbserver.sh) on unix sockets. These are the figures
# racelab's own database runs are held to (>= 0.9x, make bench-db).
#
#   sh bench/db-baseline.sh [SECONDS]      (default 3 s per point)
#   CLIENTS="1 2 8" PG_MODES="simple prepared" sh bench/db-baseline.sh
#
# Output, one line per point:
#   tool strategy clients mode tx/s transactions final lost
# where final is the counter read back at the end and lost is transactions
# - final (the lost updates pgbench itself never reports). Each point
# starts from v = 0. pgbench -n (no vacuum), -c N -j N, -T SECONDS;
# the repeatable-read and serializable scripts run with --max-tries=1000
# (pgbench 15 retries serialization failures and deadlocks and reports the
# retries, which are printed too). redis-benchmark runs INCR on one key
# with no pipelining (-P 1), -c N, for as many requests as SECONDS takes.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-3}
CLIENTS=${CLIENTS:-1 2 8}
PG_MODES=${PG_MODES:-simple prepared}

if [ -z "${PGHOST:-}${RACELAB_REDIS:-}" ]; then
	exec sh "$here/../tests/dbserver.sh" run both -- sh "$0" "$@"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql_() {
	psql -X -q -At -v ON_ERROR_STOP=1 "$@"
}

# pgbench's scripts: the statements of src/strategies/pg/*.c.
. "$here/pgbench-scripts.sh"
pgbench_scripts "$work"

printf '%-15s %-16s %7s %-8s %10s %12s %12s %10s %s\n' tool strategy clients \
	mode tx/s transactions final lost retries

if [ -n "${PGHOST:-}" ] && command -v pgbench >/dev/null 2>&1; then
	psql_ -c "SET client_min_messages = warning" \
		-c "DROP TABLE IF EXISTS racelab_bench" \
		-c "CREATE TABLE racelab_bench (id int PRIMARY KEY, v bigint NOT NULL)" \
		-c "INSERT INTO racelab_bench VALUES (1, 0)"
	for strategy in none atomic for-update advisory repeatable-read serializable; do
		for mode in $PG_MODES; do
			for c in $CLIENTS; do
				psql_ -c "UPDATE racelab_bench SET v = 0 WHERE id = 1"
				tries=""
				case $strategy in
				repeatable-read | serializable) tries=--max-tries=1000 ;;
				esac
				pgbench -n -M "$mode" -f "$work/$strategy.sql" -c "$c" -j "$c" \
					-T "$secs" $tries >"$work/out" 2>"$work/err" || {
					echo "pgbench failed: $(tail -n 3 "$work/err")" >&2
					exit 1
				}
				tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/out" | head -n 1)
				tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/out")
				retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$work/out")
				final=$(psql_ -c "SELECT v FROM racelab_bench WHERE id = 1")
				printf '%-15s %-16s %7s %-8s %10.0f %12s %12s %10s %s\n' pgbench \
					"$strategy" "$c" "$mode" "$tps" "$tx" "$final" \
					$((tx - final)) "${retried:--}"
			done
		done
	done
	psql_ -c "DROP TABLE racelab_bench"
fi

if [ -n "${RACELAB_REDIS:-}" ] && command -v redis-benchmark >/dev/null 2>&1; then
	for c in $CLIENTS; do
		# About SECONDS worth of requests (~40k/s per client here).
		n=$((secs * 40000 * (c < 2 ? c : 2)))
		redis-cli -s "$RACELAB_REDIS" set racelab_bench 0 >/dev/null
		redis-benchmark -s "$RACELAB_REDIS" -c "$c" -n "$n" -P 1 --csv \
			INCR racelab_bench >"$work/out"
		rps=$(sed -n '2p' "$work/out" | cut -d, -f2 | tr -d '"')
		final=$(redis-cli -s "$RACELAB_REDIS" get racelab_bench)
		printf '%-15s %-16s %7s %-8s %10.0f %12s %12s %10s %s\n' redis-benchmark \
			atomic "$c" resp "$rps" "$n" "$final" $((n - final)) -
		redis-cli -s "$RACELAB_REDIS" del racelab_bench >/dev/null
	done
fi
