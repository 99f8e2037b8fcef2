#!/bin/sh
# db-compare.sh - racelab's database strategies side by side with the
# servers' own benchmark tools on the same statements at the same client
# count: pgbench (-n -f SCRIPT -c N -j N -t T, simple protocol, its
# default) for PostgreSQL and redis-benchmark (INCR, no pipelining) for
# Redis, against throwaway servers (tests/dbserver.sh). `make bench-db`.
#
#   sh bench/db-compare.sh [ROUNDS]          (default 3)
#   CLIENTS="1 2 8" PG_STRATEGIES="atomic none" sh bench/db-compare.sh
#   PG_STRATEGIES= sh bench/db-compare.sh          (Redis only; REDIS_STRATEGIES= for PostgreSQL only)
#   PGBENCH_MODE=prepared sh bench/db-compare.sh   (pgbench -M prepared)
#
# Each point runs ROUNDS times, racelab and the reference interleaved
# (so a burst of load from elsewhere hits both), and prints the medians:
#
#   store strategy clients reference_tx/s racelab_tx/s ratio rounds
#
# where racelab's rate is its increments over its run time (expected /
# elapsed_s: from the start gate to the last worker's end)
# and the reference's is pgbench's tps or redis-benchmark's requests/s;
# ratio = racelab / reference (racelab's goal: >= 0.90), and rounds the
# range of the rounds' own ratios (how much one round says).
# Beside Redis atomic, a "(least loop)" line: bench/redis-least.c, one
# blocking hiredis client per process and nothing else, against the same
# reference, interleaved too (make build/bench/redis-least; skipped when it
# is not built). racelab / least loop is racelab's own cost; least loop /
# redis-benchmark is what one blocking client per process costs against
# redis-benchmark's one event loop multiplexing every connection. Both do the same
# number of increments per client. The machine is shared: read the
# ratios, not the absolute figures.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-3}
CLIENTS=${CLIENTS:-1 2 8}
PG_STRATEGIES=${PG_STRATEGIES-atomic none for-update advisory repeatable-read serializable}
REDIS_STRATEGIES=${REDIS_STRATEGIES-atomic}
# pgbench's protocol: simple (its default: each statement parsed anew),
# or prepared (parsed once, as racelab's workers do: the stricter bar).
PGBENCH_MODE=${PGBENCH_MODE:-simple}
RACELAB=${RACELAB:-$here/../racelab}
LEAST=${LEAST:-$here/../build/bench/redis-least}

if [ -z "${PGHOST:-}" ] || [ -z "${RACELAB_REDIS:-}" ]; then
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

# Increments in all per point: about a second or two each here.
total_for() {
	case $1 in
	atomic | none) echo 24000 ;;
	*) echo 8000 ;;
	esac
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

racelab_rate() { # store strategy clients iters
	"$RACELAB" run --store "$1" --strategy "$2" --procs "$3" --iters "$4" \
		--format csv >"$work/rl.csv" 2>"$work/rl.err" || [ $? -eq 3 ] || {
		echo "racelab failed: $(cat "$work/rl.err")" >&2
		exit 1
	}
	# expected (increments finished) over elapsed_s: the exact rate.
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "expected") e = i; if ($i == "elapsed_s") t = i } }
		 NR == 2 { printf "%.0f\n", $e / $t }' "$work/rl.csv"
}

pgbench_rate() { # strategy clients transactions-per-client
	tries=""
	case $1 in
	repeatable-read | serializable) tries=--max-tries=1000 ;;
	esac
	# A fresh table each round, as racelab makes its own each run: both
	# start alike (docs/databases.md: no difference measured).
	fresh_table
	pgbench -n -M "$PGBENCH_MODE" -f "$work/$1.sql" -c "$2" -j "$2" \
		-t "$3" $tries \
		>"$work/pg.out" 2>"$work/pg.err" || {
		echo "pgbench failed: $(tail -n 3 "$work/pg.err")" >&2
		exit 1
	}
	sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pg.out" | head -n 1
}

fresh_table() {
	psql_ -c "SET client_min_messages = warning" \
		-c "DROP TABLE IF EXISTS racelab_bench" \
		-c "CREATE TABLE racelab_bench (id int PRIMARY KEY, v bigint NOT NULL)" \
		-c "INSERT INTO racelab_bench VALUES (1, 0)"
}

redis_rate() { # clients requests
	redis-benchmark -s "$RACELAB_REDIS" -c "$1" -n "$2" -P 1 --csv \
		INCR racelab_bench | sed -n '2p' | cut -d, -f2 | tr -d '"'
}

# One point's line: the medians, their ratio, and the range of the
# rounds' own ratios (racelab's round r over the reference's round r).
report_point() { # store strategy clients
	ref=$(median <"$work/ref")
	rl=$(median <"$work/rl")
	range=$(paste "$work/rl" "$work/ref" |
		awk 'NR == 1 || $1 / $2 < lo { lo = $1 / $2 }
		     NR == 1 || $1 / $2 > hi { hi = $1 / $2 }
		     END { printf "%.2f-%.2f", lo, hi }')
	printf '%-9s %-16s %7s %15.0f %13.0f %6.2f %11s\n' "$1" "$2" "$3" \
		"$ref" "$rl" "$(echo "$rl $ref" | awk '{ print $1 / $2 }')" \
		"$range"
}

printf '%-9s %-16s %7s %15s %13s %6s %11s\n' store strategy clients \
	reference_tx/s racelab_tx/s ratio rounds

for s in $PG_STRATEGIES; do
	for c in $CLIENTS; do
		per=$(($(total_for "$s") / c))
		: >"$work/ref"
		: >"$work/rl"
		r=0
		while [ $r -lt "$rounds" ]; do
			pgbench_rate "$s" "$c" "$per" >>"$work/ref"
			racelab_rate postgres "$s" "$c" "$per" >>"$work/rl"
			r=$((r + 1))
		done
		report_point postgres "$s" "$c"
	done
done
psql_ -c "DROP TABLE racelab_bench"

for s in $REDIS_STRATEGIES; do
	for c in $CLIENTS; do
		per=$((48000 / c))
		: >"$work/ref"
		: >"$work/rl"
		r=0
		: >"$work/least"
		while [ $r -lt "$rounds" ]; do
			redis_rate "$c" $((per * c)) >>"$work/ref"
			racelab_rate redis "$s" "$c" "$per" >>"$work/rl"
			[ "$s" != atomic ] || [ ! -x "$LEAST" ] ||
				"$LEAST" "$RACELAB_REDIS" "$c" "$per" >>"$work/least"
			r=$((r + 1))
		done
		redis-cli -s "$RACELAB_REDIS" del racelab_bench >/dev/null
		report_point redis "$s" "$c"
		if [ -s "$work/least" ]; then
			mv "$work/least" "$work/rl"
			report_point redis "(least loop)" "$c"
		fi
	done
done
