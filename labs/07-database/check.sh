#!/bin/sh
# check.sh - lab 07's checker: does the hit counter in a PostgreSQL row
# count exactly, with the server adding (atomic.c), with a row lock
# (for-update.c), and at REPEATABLE READ with a retry loop
# (repeatable-read.c)? Run by `make check` (see ../lab.mk).
#
# It starts a throwaway PostgreSQL server of its own first (initdb in a
# temporary directory, a unix socket there, no TCP; as root it runs as the
# postgres user): ../../tests/dbserver.sh, which stops it and removes the
# directory when this checker ends, however it ends (see below).
#
# Cases, in order, for each of the three files: one worker alone (a wrong
# statement, an increment that adds 2, a transaction never committed);
# then two processes, each pausing 1 ms between its read and its write
# (--window sleep:1000), which makes a race certain: a client that reads,
# computes and writes with nothing held loses updates every time, and
# at REPEATABLE READ the server refuses the loser of every collision. In
# part 1, where the server does the whole increment in one statement, a
# third client also holds the row locked until both workers' UPDATEs wait
# for it: then the second UPDATE certainly runs after the first committed,
# and only an UPDATE that reads the row again after the wait (SET v = v +
# 1) loses nothing.
# When a case fails, the checker asks the server what happened: its log
# (how many transactions it refused with 40001) and, for for-update.c, a
# probe: one worker paused for 1.5 s between its SELECT and its UPDATE,
# while the checker looks at the worker's session (pg_stat_activity: in a
# transaction or not, its last statement) and tries to lock the row
# itself (FOR UPDATE NOWAIT).
# shellcheck shell=sh disable=SC2154 # R_* are set by rl_run, through eval
# shellcheck source=../checklib.sh
. "$(dirname "$0")/../checklib.sh"

here=$(cd "$(dirname "$0")" && pwd)
DBSERVER=$here/../../tests/dbserver.sh

# The server binaries (Debian keeps them out of PATH), as dbserver.sh
# finds them.
if [ -z "${PGBIN:-}" ]; then
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && PGBIN=$d
	done
fi
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# First, the server: tests/dbserver.sh serve, in a session of its own (so
# that Ctrl-C or a kill of make's process group does not reach it), its
# stdin a pipe whose only writer is this script. When this script ends,
# however it ends, SIGKILL included, the pipe reaches end of file, and
# dbserver.sh stops the server and removes its directory. (A racelab run
# still going then holds the pipe too, until it ends.)
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/psql" ]; then
	echo "$LAB_NAME: the checker needs the PostgreSQL server (initdb, postgres, psql), which is not installed: on Debian or Ubuntu, as root: apt-get install postgresql (make deps at the top of the tree installs it)." | fold -s -w 72 >&2
	exit 1
fi
export PGBIN
mkdir -p "$LAB_BUILD"
pipe=$LAB_BUILD/pgserver.pipe
env=$LAB_BUILD/pgserver.env
rm -f "$pipe" "$env"
mkfifo "$pipe" || exit 1
setsid -w sh "$DBSERVER" serve pg <"$pipe" >"$env" 2>"$LAB_BUILD/pgserver.err" &
server=$!
exec 9>"$pipe" # the write end: it meets the server's read end here
rm -f "$pipe"
tries=0
until grep -qx ready "$env" 2>/dev/null; do
	tries=$((tries + 1))
	if [ $tries -gt 1200 ] || ! kill -0 "$server" 2>/dev/null; then
		echo "$LAB_NAME: could not start a PostgreSQL server for the checker:" >&2
		sed 's/^/  /' "$LAB_BUILD/pgserver.err" >&2
		exit 1
	fi
	sleep 0.05 # initdb and start: about a second (at most 60 s)
done
eval "$(grep '^PG[A-Z]*=' "$env" | sed 's/^\([A-Z]*\)=\(.*\)$/\1='"'"'\2'"'"'; export \1/')"
PGLOG=$PGHOST/server.log # where dbserver.sh has the server write its log
if [ ! -f "$PGLOG" ]; then
	echo "$LAB_NAME: CHECKER ERROR: no server log at $PGLOG (did tests/dbserver.sh change?)" >&2
	exit 2
fi

WINDOW=sleep:1000 # 1 ms between read and write: every collision certain

# rl_run against the server, and the command a student types to see it:
# the same, under a throwaway server of its own.
pg_run() { # ARGS...
	before=$(refused)
	rl_run --store postgres "$@"
	R_refused=$(($(refused) - before))
	R_cmd="sh ../../tests/dbserver.sh run pg -- $R_cmd"
}

# How many transactions the server has refused with a serialization
# failure (40001) or a deadlock (40P01) since it started. The server logs
# each error before it answers the client, so a finished run's are all in.
refused() {
	grep -c 'ERROR:  could not serialize access\|ERROR:  deadlock detected' "$PGLOG"
}

# One SQL command through psql on its own connection; prints the rows.
sql() { # SQL
	"$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1" 2>&1
}

# "1 increment", "2 increments" (digits grouped).
plural() { # N WORD
	if [ "$1" = 1 ]; then echo "1 $2"; else echo "$(num "$1") ${2}s"; fi
}
increments() { # N
	plural "$1" increment
}
retries() { # N
	if [ "$1" = 1 ]; then echo "1 retry"; else echo "$(num "$1") retries"; fi
}

# Did the last run's stderr carry the server's warning WORDS?
warned() { # WORDS
	grep -q "the server says: WARNING: *$1" "$R_err"
}

# One worker alone must count exactly; say what its count shows if not.
expect_alone() { # FILE STRATEGY
	file=$1 s=$2
	title="$s: 1 worker alone, 200 increments"
	pg_run --strategy "$s" --procs 1 --iters 200
	[ "$R_rc" = 0 ] && {
		ok "$title: exact ($(num "$R_final"))"
		return
	}
	if [ "$R_rc" = 1 ] && said 'prepared statement "s[0-9]*" does not exist'; then
		fail "$title" "$(outcome_words). Your $file runs a statement it never prepared: pg_link_prepare numbers the statements 0, 1, ... in the order it prepares them, and each id given to pg_link_exec must be one of those (the enum at the top of the file names them)."
	elif [ "$R_rc" = 1 ] && said 'bind message supplies'; then
		fail "$title" "$(outcome_words). Your $file passes pg_link_exec a number of parameters that its statement does not have: one for each \$1, \$2 in the SQL, none when it has none."
	elif [ "$R_rc" = 1 ]; then
		fail "$title" "$(outcome_words). A statement of your $file failed: racelab's message, with the server's, is below."
	elif [ "$R_rc" != 3 ]; then
		fail "$title" "$(outcome_words)."
	fi
	per=$(awk -v f="$R_final" -v e="$R_expected" 'BEGIN { if (e > 0 && f > e && f % e == 0) print f / e }')
	if [ "$R_final" = 0 ] && [ "$file" != for-update.c ]; then
		fail "$title" "The counter is still 0 after $(num "$R_expected") increments by one worker alone: no UPDATE of yours reached the row."
	elif [ "$R_final" = 0 ] && warned 'there is already a transaction in progress'; then
		fail "$title" "Final count 0 of $(num "$R_expected"), and at every BEGIN but the first the server warned \"there is already a transaction in progress\": your transaction is never committed. All $(num "$R_expected") increments ran in one long transaction, which the server rolled back when the worker's connection closed. for_update_commit must send COMMIT (TODO 3)."
	elif [ "$R_final" = 0 ]; then
		fail "$title" "Final count 0 of $(num "$R_expected"): every statement ran, and none of the $(num "$R_expected") transactions kept its UPDATE. Did your commit step send ROLLBACK? Only COMMIT makes a transaction's writes stay (TODO 3)."
	elif [ -n "$per" ]; then
		fail "$title" "Final count $(num "$R_final") for $(num "$R_expected") increments by one worker alone: each increment added $per. Add 1: SET v = v + 1."
	fi
	fail "$title" "One worker alone cannot lose an update, yet the final count is $(num "$R_final") of $(num "$R_expected")."
}

# The probe (for-update.c): one worker, one increment, 1.5 s between its
# SELECT and its UPDATE. Prints "STATE|LOCKED|QUERY": the worker's session
# state then (idle: no transaction open; idle in transaction), whether
# the row was locked (yes or no: our own SELECT ... FOR UPDATE NOWAIT
# failed or not), and the worker's last statement; nothing if it could
# not look.
fu_probe() {
	perr=$LAB_BUILD/probe.err
	: >"$perr" # not the last probe's table (lab 02's sem_probe says why)
	"$RACELAB" run --store postgres --strategy for-update --procs 1 \
		--iters 1 --window sleep:1500000 --verbose --format csv \
		>/dev/null 2>"$perr" </dev/null &
	rpid=$!
	table="" seen="" tries=0
	while [ $tries -lt 50 ] && [ -z "$seen" ]; do # 2.5 s
		tries=$((tries + 1))
		sleep 0.05
		[ -n "$table" ] ||
			table=$(sed -n 's/.*created table \(racelab_[0-9a-f]*\).*/\1/p' "$perr")
		[ -n "$table" ] || continue
		# The worker's session, once its SELECT is done.
		seen=$(sql "SELECT state || '|' || query FROM pg_stat_activity
			WHERE query LIKE 'SELECT v FROM $table %'
			AND state LIKE 'idle%' AND pid <> pg_backend_pid()")
	done
	if [ -n "$seen" ]; then
		if sql "SELECT 1 FROM $table WHERE id = 1 FOR UPDATE NOWAIT" |
			grep -q 'could not obtain lock'; then
			locked=yes
		else
			locked=no
		fi
		echo "${seen%%|*}|$locked|${seen#*|}"
	fi
	wait "$rpid"
}

# Two processes, a pause between read and write: nothing may be lost.
# Tries an exact run up to three times when the workers did not overlap (a
# busy machine; see labs/README.md); prints nothing, sets R_*.
race_run() { # STRATEGY
	for _ in 1 2 3; do
		pg_run --strategy "$1" --procs 2 --iters 100 --window $WINDOW \
			--timeout 5
		[ "$R_rc" = 0 ] || return
		awk -v o="${R_overlap_s:-0}" 'BEGIN { exit !(o > 0) }' && return
	done
}

# A third client (psql) that locks the run's row as soon as it exists and
# holds it until both workers wait for it (two lock requests not granted
# in pg_locks; at most 2 s, well within racelab's --timeout), then lets
# go: the two UPDATEs are then queued on the row, and the second runs only
# after the first committed. Prints how many waited when it let go. (One
# run's table exists at a time on this server: each run drops its own
# before it ends.)
HOLD_SQL="DO \$\$
DECLARE t text; n int := 0; tries int := 0; waits int := 0;
BEGIN
	LOOP
		SELECT tablename INTO t FROM pg_tables
			WHERE tablename LIKE 'racelab\\_%';
		IF t IS NOT NULL THEN
			EXECUTE format('SELECT 1 FROM %I WHERE id = 1 FOR UPDATE', t);
			GET DIAGNOSTICS n = ROW_COUNT;
			EXIT WHEN n = 1;
		END IF;
		tries := tries + 1;
		EXIT WHEN tries > 600;
		PERFORM pg_sleep(0.005);
	END LOOP;
	IF n <> 1 THEN
		RAISE NOTICE 'held the row until 0 waited';
		RETURN;
	END IF;
	LOOP
		SELECT count(*) INTO n FROM pg_locks WHERE NOT granted;
		waits := waits + 1;
		EXIT WHEN n >= 2 OR waits > 400;
		PERFORM pg_sleep(0.005);
	END LOOP;
	RAISE NOTICE 'held the row until % waited', n;
END \$\$"

# pg_run ARGS with the row held as above; R_held is how many waited.
held_run() { # ARGS...
	hold=$LAB_BUILD/hold.out
	PGAPPNAME=lab07-hold sql "$HOLD_SQL" >"$hold" 2>&1 &
	hpid=$!
	pg_run "$@"
	# A run that failed before its workers waited: let the holder go.
	sql "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'lab07-hold'" >/dev/null
	wait "$hpid"
	R_held=$(sed -n 's/.*held the row until \([0-9]*\) waited.*/\1/p' "$hold")
}

# ---- part 1: atomic.c ----------------------------------------------------
check_atomic() {
	title="atomic: 2 processes, 100 increments each, a third client holding the row until both wait"
	for _ in 1 2 3; do
		held_run --strategy atomic --procs 2 --iters 100 --window $WINDOW \
			--timeout 5
		if [ "$R_rc" != 0 ] || [ "${R_held:-0}" -ge 2 ]; then
			break # lost (or failed), or exact with both held up
		fi
	done
	if [ "${R_held:-0}" -lt 2 ] && [ "$R_rc" = 0 ]; then
		fail "$title" "Exact, but the checker could not make both workers wait for the row it held (a busy machine?): run make check again."
	fi
	case $R_rc in
	0)
		ok "$title: exact ($(num "$R_final"))"
		return
		;;
	3) ;;
	*) fail "$title" "$(outcome_words)." ;;
	esac
	lost="Final count $(num "$R_final") of $(num "$R_expected"): $(increments "$R_lost") lost."
	if function_code pg_atomic_attach | grep -qi 'update[^"]*(select'; then
		fail "$title" "$lost Your UPDATE is one statement, but its new value comes from a subquery, (SELECT v ...) + 1. The subquery is evaluated once, from the statement's snapshot, before the UPDATE waits for the row lock (here the checker's, held until both workers waited); after the wait the server re-reads the row for the UPDATE's own column v, never for the subquery, so both clients wrote the same stale value plus one. Write SET v = v + 1."
	elif [ "$(function_code pg_atomic_add | grep -o 'pg_link_exec' | wc -l)" -ge 2 ]; then
		fail "$title" "$lost Your pg_atomic_add reads v with a SELECT, then writes back with a second statement the value your client computed: two clients that read the same v both write v + 1, and the server sees nothing wrong. Let the server add: prepare one UPDATE whose SET reads the row's own v (TODO 1), and run only that (TODO 2)."
	fi
	fail "$title" "$lost Your statement must compute the new value on the server, from the row's own v: UPDATE ... SET v = v + 1."
}

# ---- part 2: for-update.c ------------------------------------------------
check_for_update() {
	title="for-update: 2 processes, 100 increments each, 1 ms between read and write"
	race_run for-update
	case $R_rc in
	0)
		ok "$title: exact ($(num "$R_final"))"
		return
		;;
	3) ;;
	*) fail "$title" "$(outcome_words)." ;;
	esac
	lost="Final count $(num "$R_final") of $(num "$R_expected"): $(increments "$R_lost") lost, so two clients computed their v + 1 from the same read."
	probe=$(fu_probe)
	state=${probe%%|*} rest=${probe#*|}
	locked=${rest%%|*} query=${rest#*|}
	for_update=""
	printf '%s\n' "$query" | grep -qi 'for update' && for_update=1
	saw="A probe with one worker paused between its SELECT and its UPDATE found its session"
	if [ -z "$probe" ]; then
		fail "$title" "$lost (A probe that should have looked at the worker's session found nothing to look at.)"
	elif [ "$locked" = yes ]; then
		fail "$title" "$lost Yet a probe found the row locked while one worker was paused between its SELECT and its UPDATE: look at what your commit and abort steps send."
	elif [ "$state" = "idle in transaction" ]; then
		fail "$title" "$lost $saw inside a transaction, but the row not locked: the checker's own SELECT ... FOR UPDATE NOWAIT got it at once. A transaction alone does not lock what it reads: at READ COMMITTED a plain SELECT takes no lock, and the other client's UPDATE waits for yours and then overwrites it. Make the SELECT lock the row: FOR UPDATE (TODO 1)."
	elif [ -n "$for_update" ] && warned 'there is no transaction in progress'; then
		fail "$title" "$lost $saw in no transaction, its statement \"$query\" done. At every COMMIT the server warned \"there is no transaction in progress\": your BEGIN is missing (TODO 2). Without it each statement is its own transaction, and the row lock your FOR UPDATE took went away with the SELECT's, before the UPDATE."
	elif [ -n "$for_update" ]; then
		fail "$title" "$lost $saw in no transaction after its \"$query\": that is FOR UPDATE outside a transaction. In autocommit each statement is a transaction of its own, and a row lock is held only until its transaction ends: this one was gone as soon as the SELECT returned. Run the read and the write in one transaction: BEGIN (TODO 2) and COMMIT (TODO 3)."
	fi
	fail "$title" "$lost $saw in no transaction, its SELECT without FOR UPDATE: each statement ran in its own transaction (autocommit), and nothing held the row between your SELECT and your UPDATE. Lock the row as you read it (FOR UPDATE, TODO 1) and keep the lock until the write is done (BEGIN, COMMIT: TODO 2 and 3)."
}

# ---- part 3: repeatable-read.c -------------------------------------------
check_repeatable_read() {
	title="repeatable-read: 2 processes, 100 increments each, 1 ms between read and write"
	race_run repeatable-read
	refusals="the server refused $(plural "$R_refused" transaction) with a serialization failure (SQLSTATE 40001, \"could not serialize access due to concurrent update\")"
	if [ "$R_rc" = 0 ] && [ "$R_refused" -gt 0 ] &&
		[ "${R_retries:-0}" = "$R_refused" ]; then
		ok "$title: exact ($(num "$R_final")), $(num "$R_retries") retries, as many as the server refused"
		return
	fi
	if [ "$R_rc" = 1 ] && said 'current transaction is aborted'; then
		fail "$title" "racelab failed: $refusals, and then your next statement was refused with \"current transaction is aborted, commands ignored until end of transaction block\" (SQLSTATE 25P02). After a serialization failure the transaction is dead but still open: nothing but ROLLBACK is accepted. Roll back first (isolation_rollback), then retry from BEGIN."
	elif [ "$R_rc" = 1 ] && [ "$R_refused" -gt 0 ]; then
		fail "$title" "racelab failed: $refusals, and your code returned that as an error, which ends the run. A serialization failure means: roll back and retry. The transaction did nothing; run it again, from BEGIN, until it commits (TODO 2)."
	elif [ "$R_rc" = 3 ] && [ "$R_refused" = 0 ]; then
		if function_code repeatable_read_attach | grep -qi 'repeatable read\|serializable'; then
			level="the server refused none"
		else
			level="your BEGIN sets no isolation level"
		fi
		fail "$title" "Final count $(num "$R_final") of $(num "$R_expected"): $(increments "$R_lost") lost, and $level. Your transactions run at READ COMMITTED, PostgreSQL's default: there the UPDATE waits for the other transaction, then overwrites the row with the value computed from a read that is out of date. Ask for REPEATABLE READ in the BEGIN (TODO 1)."
	elif [ "$R_rc" = 3 ]; then
		fail "$title" "Final count $(num "$R_final") of $(num "$R_expected"): $(increments "$R_lost") lost, although $refusals and your code counted $(retries "${R_retries:-0}"). A retry that writes the value computed from the old read loses the update anyway: after ROLLBACK, your retry must begin a new transaction and read v again, never reuse the v it read before. Put BEGIN and the SELECT inside the loop."
	elif [ "$R_rc" = 0 ] && [ "$R_refused" = 0 ]; then
		fail "$title" "Exact, but the server refused no transaction, although two workers paused inside their transactions at once ($R_overlap_s s). At REPEATABLE READ the second UPDATE of the row must fail with 40001: is the isolation level REPEATABLE READ (TODO 1)?"
	elif [ "$R_rc" = 0 ] && [ "${R_retries:-0}" = 0 ]; then
		fail "$title" "Exact ($(num "$R_final")), but $refusals and your code counted no retry at all (the retries column is 0). Count each one: atomic_fetch_add_explicit(&w->slot->retries, 1, memory_order_relaxed), once per ROLLBACK after PG_RETRY."
	elif [ "$R_rc" = 0 ]; then
		fail "$title" "Exact ($(num "$R_final")), but $refusals and your code counted $(retries "$R_retries"). Count one retry for each PG_RETRY, no more, no less."
	fi
	fail "$title" "$(outcome_words)."
}

lab_begin 6

expect_alone atomic.c atomic
check_atomic
expect_alone for-update.c for-update
check_for_update
expect_alone repeatable-read.c repeatable-read
check_repeatable_read

lab_end
