# pgbench-scripts.sh - sourced by bench/db-compare.sh and db-baseline.sh:
# pgbench's scripts for racelab's PostgreSQL strategies, the statements of
# src/strategies/pg/*.c (one pgbench transaction = one increment), on the
# table racelab_bench (id int PRIMARY KEY, v bigint), row id = 1.
#
#   pgbench_scripts DIR      writes DIR/STRATEGY.sql for each strategy

pgbench_scripts() {
	cat >"$1/none.sql" <<'SQL'
SELECT v FROM racelab_bench WHERE id = 1 \gset
UPDATE racelab_bench SET v = :v + 1 WHERE id = 1;
SQL
	cat >"$1/atomic.sql" <<'SQL'
UPDATE racelab_bench SET v = v + 1 WHERE id = 1;
SQL
	cat >"$1/for-update.sql" <<'SQL'
BEGIN;
SELECT v FROM racelab_bench WHERE id = 1 FOR UPDATE \gset
UPDATE racelab_bench SET v = :v + 1 WHERE id = 1;
COMMIT;
SQL
	cat >"$1/advisory.sql" <<'SQL'
SELECT pg_advisory_lock(7262) \gset
SELECT v FROM racelab_bench WHERE id = 1 \gset
UPDATE racelab_bench SET v = :v + 1 WHERE id = 1;
SELECT pg_advisory_unlock(7262) \gset
SQL
	for level in repeatable-read serializable; do
		upper=$(echo "$level" | tr a-z- A-Z' ')
		cat >"$1/$level.sql" <<SQL
BEGIN ISOLATION LEVEL $upper;
SELECT v FROM racelab_bench WHERE id = 1 \\gset
UPDATE racelab_bench SET v = :v + 1 WHERE id = 1;
COMMIT;
SQL
	done
}
