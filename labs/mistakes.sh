#!/bin/sh
# mistakes.sh - do the checkers catch the mistakes students really make, in
# the right words? And can a student who fills in the TODOs pass?
#
# Each entry copies a lab's starter into a temporary directory (never into
# labs/), edits it with sed the way a student would, builds the lab with it
# and runs its checker. Every mistake is made on the starter, the file the
# student really edits (not on the reference: a starter that drifted from
# its reference would go unnoticed), either as shipped or with its TODOs
# filled in first (the lab's `solve` edits below):
#
#	mistake LAB WHAT starter|solved 'WORDS'  FILE 'SED' [FILE 'SED' ...]
#		the checker must FAIL, and its message must contain WORDS
#		(a grep pattern) -- and no other mistake's message of the same
#		lab may contain them: each mistake gets its own explanation
#	solved  LAB WHAT
#		the starter with its TODOs filled in: the checker must PASS
#
#	sh labs/mistakes.sh [LAB...]	from the top of the tree; all labs when
#					none is named; VERBOSE=1 shows each
#					checker's whole answer
#
# For teachers and for whoever changes a checker or a starter; `make
# labs-check` (and so `make test`) runs it. One build and one checker run
# per entry: a few minutes in all. Exit status 0 when every entry came out
# as expected.
set -u

cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-mistakes.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
only=" $* "
passed=0 failed=0
said_list=$work/said # LAB<tab>WHAT<tab>WORDS<tab>LOG, one a mistake
: >"$said_list"

# The edits that fill in LAB's TODOs, as a student who got it right would,
# applied to the copies in $dir (the edits are defined in the lab sections).
solve() { # LAB
	case $1 in
	01-lost-update) edit none.c "$LOAD; $STORE" ;;
	02-sysv-semaphore) edit sysv-sem.c "$SEM_SOLVED" ;;
	03-robust-mutex) edit robust-mutex.c "$ATTRS
$OWNERDEAD" ;;
	04-atomics) edit atomic.c "$FETCH_ADD" &&
		edit atomic-split.c "$SPLIT_LOAD; $SPLIT_STORE" ;;
	05-flock) edit flock.c "$OWN_OPEN; $CLOSE" ;;
	07-database) edit pg/atomic.c "$ATOMIC_SOLVED" &&
		edit pg/for-update.c "$FU_SOLVED" &&
		edit pg/repeatable-read.c "$RR_SOLVED" ;;
	*) echo "FAIL  $1: mistakes.sh has no solve edits for it"; return 1 ;;
	esac
}

# Apply one sed edit to $dir/FILE; fail when it changes nothing (the
# starter moved on and the edit no longer fits it).
edit() { # FILE SED
	cp "$dir/$1" "$dir/$1.orig"
	sed -e "$2" "$dir/$1.orig" >"$dir/$1"
	if cmp -s "$dir/$1.orig" "$dir/$1"; then
		echo "FAIL  $lab: $what: the edit of $1 changed nothing"
		failed=$((failed + 1))
		return 1
	fi
}

# Prepare LAB's files from BASE into a fresh directory, apply the edits,
# build, check. Sets dir, rc; returns 1 (after saying why) when it could
# not get as far as running the checker.
attempt() { # LAB WHAT BASE FILE SED [FILE SED ...]
	lab=$1 what=$2 base=$3
	shift 3
	dir=$work/$lab/$(printf '%s' "$what" | tr -c 'a-zA-Z0-9' _)
	mkdir -p "$dir"
	for f in $(make -s -C "labs/$lab" lab-files); do
		mkdir -p "$(dirname "$dir/$f")" # lab 07's pg/atomic.c
		cp "labs/$lab/$f" "$dir/$f"
	done
	if [ "$base" = solved ]; then
		solve "$lab" || return 1
	fi
	while [ $# -ge 2 ]; do
		edit "$1" "$2" || return 1
		shift 2
	done
	# Common objects are shared by the entries of one lab; the student's
	# objects are rebuilt for each.
	rm -rf "$work/$lab/build/student" "$work/$lab/build/racelab" \
		"$work/$lab/build/tsan/student" "$work/$lab/build/racelab-tsan"
	if ! make -s -C "labs/$lab" STUDENT_DIR="$dir" BUILD="$work/$lab/build" \
		>"$dir/build.log" 2>&1; then
		echo "FAIL  $lab: $what: does not compile:"
		sed 's/^/        /' "$dir/build.log" | tail -n 20
		failed=$((failed + 1))
		return 1
	fi
	make -s -C "labs/$lab" check STUDENT_DIR="$dir" \
		BUILD="$work/$lab/build" >"$dir/check.log" 2>&1
	rc=$?
	return 0
}

# Run the checker of the last attempt again (no rebuild): for a case whose
# outcome depends on two workers overlapping, which a busy machine can
# deny once (see labs/README.md). Says so, so that no retry goes unseen.
again() {
	echo "      (once more: the first check came out otherwise, which a busy machine can cause)"
	make -s -C "labs/$lab" check STUDENT_DIR="$dir" \
		BUILD="$work/$lab/build" >"$dir/check.log" 2>&1
	rc=$?
}

# Did the checker fail, saying words?
failed_with() { # WORDS
	[ "$rc" -ne 0 ] && tr '\n' ' ' <"$dir/check.log" | sed 's/   */ /g' |
		grep -q "$1"
}

selected() { # LAB
	case $only in
	"  " | *" $1 "*) ;;
	*) return 1 ;;
	esac
	# A lab this machine lacks a library for (lab 07: libpq) is skipped,
	# once, out loud: a skip is not a pass.
	missing=$(make -s -C "labs/$1" lab-missing 2>/dev/null)
	[ -z "$missing" ] && return 0
	case $skipped in
	*" $1 "*) ;;
	*)
		echo "skip  $1: $missing"
		skipped="$skipped $1 "
		;;
	esac
	return 1
}
skipped=" "

mistake() { # LAB WHAT BASE WORDS FILE SED ...
	selected "$1" || return 0
	lab=$1 what=$2 base=$3 words=$4
	shift 4
	attempt "$lab" "$what" "$base" "$@" || return 0
	failed_with "$words" || again
	if [ "$rc" -eq 0 ]; then
		echo "FAIL  $lab: $what: the checker PASSED it"
		failed=$((failed + 1))
	# The checker folds its messages: compare on one line.
	elif ! tr '\n' ' ' <"$dir/check.log" | sed 's/   */ /g' |
		grep -q "$words"; then
		echo "FAIL  $lab: $what: the checker failed it without saying \"$words\":"
		sed 's/^/        /' "$dir/check.log"
		failed=$((failed + 1))
	else
		echo "ok    $lab: $what: \"$words\""
		[ -z "${VERBOSE:-}" ] || sed 's/^/        /' "$dir/check.log"
		passed=$((passed + 1))
		printf '%s\t%s\t%s\t%s\n' "$lab" "$what" "$words" \
			"$dir/check.log" >>"$said_list"
	fi
}

solved() { # LAB WHAT
	selected "$1" || return 0
	lab=$1 what=$2
	attempt "$lab" "$what" solved || return 0
	[ "$rc" -eq 0 ] || again
	if [ "$rc" -ne 0 ]; then
		echo "FAIL  $lab: $what: the checker failed a correct solution:"
		sed 's/^/        /' "$dir/check.log"
		failed=$((failed + 1))
	else
		echo "ok    $lab: $what: passes"
		[ -z "${VERBOSE:-}" ] || sed 's/^/        /' "$dir/check.log"
		passed=$((passed + 1))
	fi
}

# ---- lab 01: none.c ------------------------------------------------------
L=01-lost-update
# The student's answer: the load and the store.
LOAD='s|/\* TODO 1: the load. Read the counter into v. \*/|v = *counter;|'
STORE='s|(void)counter;|*counter = v + 1;|'
solved $L "load and store filled in"
mistake $L "no store" starter 'nothing is stored' none.c "$LOAD"
mistake $L "stores v, without the + 1" starter 'Store v + 1, not v' \
	none.c "$LOAD; s|(void)counter;|*counter = v;|"
mistake $L "no load" starter 'Load it into v first' none.c "$STORE"
mistake $L "counter++ in one statement" starter \
	'adds to \*counter in one statement' \
	none.c 's|/\* TODO 1: the load. Read the counter into v. \*/|(*counter)++;|'
mistake $L "adds 2" starter 'each increment added 2' \
	none.c "$LOAD; s|(void)counter;|*counter = v + 2;|"
mistake $L "atomic increment" starter 'your increment is indivisible' \
	none.c "$LOAD; s|(void)counter;|__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);|"
mistake $L "not volatile" solved 'Access the counter through the volatile pointer' \
	none.c 's|volatile uint64_t \*counter = &c->plain;|uint64_t *counter = (uint64_t *)\&c->plain;|'

# ---- lab 02: sysv-sem.c --------------------------------------------------
L=02-sysv-semaphore F=sysv-sem.c
semop() { # SEM_OP [FLAGS]
	echo "struct sembuf op = { .sem_num = 0, .sem_op = $1, .sem_flg = ${2:-SEM_UNDO} }; while (semop(s->semid, \&op, 1) == -1) if (errno != EINTR) return report_errno(\"sysv-sem\", \"semop\", errno);"
}
START1='s/#define SEM_START_VALUE 0/#define SEM_START_VALUE 1/'
P_TODO='/\* TODO 2: one semop() on s->semid that takes 1 (see the top). \*/'
V_TODO='/\* TODO 3: one semop() on s->semid that gives 1 back. \*/'
pv() { # P's SEM_OP P's FLAGS V's SEM_OP V's FLAGS: the sed for P and V
	echo "s|$P_TODO|$(semop "$1" "$2")|
s|$V_TODO|$(semop "$3" "$4")|"
}
SEM_SOLVED="$START1
$(pv -1 SEM_UNDO +1 SEM_UNDO)"
solved $L "start value, P and V filled in"
mistake $L "untouched: P makes no semop" starter 'P does not call semop yet' \
	$F 's|(void)s;|(void)s; /* looked at it */|'
mistake $L "P and V without SEM_UNDO" starter 'nothing gave the 1 back' \
	$F "$START1
$(pv -1 0 +1 0)"
mistake $L "start value left at 0" starter 'the semaphore starts at 0' \
	$F "$(pv -1 SEM_UNDO +1 SEM_UNDO)"
mistake $L "starts at 2" solved 'Either it starts at 2' \
	$F 's/#define SEM_START_VALUE 1/#define SEM_START_VALUE 2/'
mistake $L "P and V swapped" starter 'your P added to it instead of taking 1 away' \
	$F "$START1
$(pv +1 SEM_UNDO -1 SEM_UNDO)"
mistake $L "a V before P" solved 'passes V where P belongs' \
	$F 's/worker_loop(w, sysv_sem_p, sysv_sem_v)/worker_loop(w, sysv_sem_v, sysv_sem_p)/'
mistake $L "V takes instead of giving" starter 'V did not give the 1 back' \
	$F "$START1
$(pv -1 SEM_UNDO -1 SEM_UNDO)"
mistake $L "SEM_UNDO on P only" starter 'SEM_UNDO on P but not on V' \
	$F "$START1
$(pv -1 SEM_UNDO +1 0)"
mistake $L "SEM_UNDO on V only" starter 'SEM_UNDO on V but not on P' \
	$F "$START1
$(pv -1 0 +1 SEM_UNDO)"
mistake $L "IPC_NOWAIT" starter 'drop IPC_NOWAIT' \
	$F "$START1
$(pv -1 'SEM_UNDO \| IPC_NOWAIT' +1 SEM_UNDO)"

# ---- lab 03: robust-mutex.c ----------------------------------------------
L=03-robust-mutex F=robust-mutex.c
attrs() { # the TODO 1 edit, with the calls given
	echo '/checking each call.s result/{n;a\'
	printf '%s\n' "$@" | sed 's/$/\\/'
	echo '
}'
}
SHARED='	err = pthread_mutexattr_setpshared(\&attr, PTHREAD_PROCESS_SHARED);'
ROBUST='	if (!err) err = pthread_mutexattr_setrobust(\&attr, PTHREAD_MUTEX_ROBUST);'
ATTRS=$(attrs "$SHARED" "$ROBUST")
ownerdead() { # the TODO 2 edit: what to do on EOWNERDEAD
	echo "s/int err = pthread_mutex_lock(&s->mutex);/int err = pthread_mutex_lock(\&s->mutex); if (err == EOWNERDEAD) { $1 }/"
}
COUNT='atomic_fetch_add_explicit(\&w->slot->recoveries, 1, memory_order_relaxed);'
CONSISTENT='err = pthread_mutex_consistent(\&s->mutex);'
OWNERDEAD=$(ownerdead "$COUNT $CONSISTENT")
solved $L "attributes and EOWNERDEAD filled in"
mistake $L "untouched: an ordinary mutex" starter 'Make it PTHREAD_PROCESS_SHARED' \
	$F 's|int err;|int err; /* started */|'
mistake $L "attributes only (EOWNERDEAD ignored)" starter \
	'your code treated it as an error' $F "$ATTRS"
mistake $L "not PROCESS_SHARED" starter 'never uses PTHREAD_PROCESS_SHARED' \
	$F "$(attrs "	err = pthread_mutexattr_setrobust(\&attr, PTHREAD_MUTEX_ROBUST);")
$OWNERDEAD"
mistake $L "not ROBUST" starter 'Make it PTHREAD_MUTEX_ROBUST' \
	$F "$(attrs "$SHARED")
$OWNERDEAD"
mistake $L "no pthread_mutex_consistent" starter \
	'without calling pthread_mutex_consistent() first' \
	$F "$ATTRS
$(ownerdead "$COUNT err = 0;")"
mistake $L "unlock after EOWNERDEAD" starter 'it unlocked a mutex it did not hold' \
	$F "$ATTRS
$(ownerdead "$COUNT $CONSISTENT (void)pthread_mutex_unlock(\&s->mutex);")"
mistake $L "recovery not counted" starter 'no worker reported recovering the mutex' \
	$F "$ATTRS
$(ownerdead "$CONSISTENT")"

# ---- lab 04: atomic.c and atomic-split.c ---------------------------------
L=04-atomics
FETCH_ADD='/the value it had just before in old\./{n;a\
	old = atomic_fetch_add_explicit(\&w->link.counter->atomic, 1,\
					memory_order_relaxed);
}'
SPLIT_LOAD='s|/\* TODO 1: the load: read the counter into v, atomically. \*/|v = atomic_load_explicit(c, memory_order_relaxed);|'
SPLIT_STORE='s|/\* TODO 2: the store: write v + 1 into the counter, atomically. \*/|atomic_store_explicit(c, v + 1, memory_order_relaxed);|'
solved $L "fetch_add, then load and store, filled in"
mistake $L "untouched" starter 'atomic_increment adds nothing yet' \
	atomic.c 's|uint64_t old = 0;|uint64_t old = 0; /* started */|'
mistake $L "part 2 left undone" starter 'the store is missing' \
	atomic.c "$FETCH_ADD"
PLAIN='static inline uint64_t plain_add(_Atomic uint64_t *c, uint64_t n, int o) { volatile uint64_t *p = (volatile uint64_t *)c; uint64_t v = *p; (void)o; *p = v + n; return v; }'
SPLIT='static inline uint64_t split_add(_Atomic uint64_t *c, uint64_t n, int o) { uint64_t v = atomic_load_explicit(c, o); atomic_store_explicit(c, v + n, o); return v; }'
mistake $L "plain read-modify-write" solved \
	'ThreadSanitizer reports a data race on the counter' atomic.c \
	"/^#include/a $PLAIN
s/old = atomic_fetch_add_explicit(/old = plain_add(/"
mistake $L "atomic load, then atomic store" solved \
	'an atomic read followed by an atomic write' atomic.c \
	"/^#include/a $SPLIT
s/old = atomic_fetch_add_explicit(/old = split_add(/"
mistake $L "adds 2" solved 'each increment added 2' \
	atomic.c 's/counter->atomic, 1,/counter->atomic, 2,/'
mistake $L "split done with fetch_add" solved 'your split increment is indivisible' \
	atomic-split.c 's/atomic_store_explicit(c, v + 1, memory_order_relaxed)/atomic_fetch_add_explicit(c, 1, memory_order_relaxed)/'
mistake $L "split load not atomic" solved \
	'one of your accesses to the counter is a plain one' atomic-split.c \
	's/v = atomic_load_explicit(c, memory_order_relaxed);/v = u->plain;/'
mistake $L "split without its load" starter 'The load is missing' \
	atomic.c "$FETCH_ADD" atomic-split.c "$SPLIT_STORE"

# ---- lab 05: flock.c -----------------------------------------------------
L=05-flock F=flock.c
OWN_OPEN='s#w->fd = s->fd;#char self[64]; snprintf(self, sizeof(self), "/proc/self/fd/%d", s->fd); w->fd = open(self, O_RDWR | O_CLOEXEC); if (w->fd < 0) return report_errno("flock", self, errno);#'
CLOSE='s#^\tw->fd = -1;#\t(void)close(w->fd);\n\tw->fd = -1;#'
solved $L "each worker opens its own"
mistake $L "as shipped, plus a close" starter \
	'Your workers lock s->fd, the parent.s descriptor' \
	$F 's#^\tw->fd = -1;#\tw->fd = -1; /* nothing of its own to close */#'
mistake $L "dup of the parent's descriptor" starter \
	'gives each worker a dup() of the parent.s descriptor' \
	$F "s/w->fd = s->fd;/w->fd = dup(s->fd); if (w->fd < 0) return -errno;/; $CLOSE"
mistake $L "an open before fork" starter 'flock_setup runs once, in the parent, before fork()' \
	$F 's#^\t\t\t     : flock_open_temp(s);#\t\t\t     : flock_open_temp(s);\n\tif (!err) { char self[64]; int fd; snprintf(self, sizeof(self), "/proc/self/fd/%d", s->fd); fd = open(self, O_RDWR | O_CLOEXEC); if (fd < 0) return -errno; (void)close(s->fd); s->fd = fd; }#'
mistake $L "open the file by its name" solved 'The lock file has no name any more' \
	$F 's#w->fd = open(self, O_RDWR | O_CLOEXEC);#w->fd = open(s->path, O_RDWR | O_CLOEXEC);#'
mistake $L "LOCK_SH for LOCK_EX" solved 'LOCK_SH lets every worker in' \
	$F 's/flock_op(w, LOCK_EX)/flock_op(w, LOCK_SH)/'
mistake $L "no flock at all" solved 'flock_lock does not take it' \
	$F 's/int err = flock_op(w, LOCK_EX);/int err = 0;/'
mistake $L "an increment outside the lock" solved 'gives it back before the increment' \
	$F 's/int err = flock_op(w, LOCK_EX);/int err = flock_op(w, LOCK_EX); if (!err) err = flock_op(w, LOCK_UN);/'
mistake $L "LOCK_NB" solved 'drop LOCK_NB' \
	$F 's/flock_op(w, LOCK_EX)/flock_op(w, LOCK_EX | LOCK_NB)/'

# ---- lab 07: pg/atomic.c, pg/for-update.c, pg/repeatable-read.c -----------
# The checker takes the parts in order, so each part's mistakes are made
# with the parts before it solved.
L=07-database A=pg/atomic.c FU=pg/for-update.c RR=pg/repeatable-read.c
ATOMIC_SOLVED='s|^enum { READ, WRITE };.*|enum { ADD }; /* the statement */|
/err = pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1", &id);/,/&id);$/c\
	err = pg_link_prepare(l, "UPDATE %T SET v = v + 1 WHERE id = 1", &id);
/int64_t next;/d
/err = pg_link_exec(l, READ, 0, NULL, v, NULL);/,/return pg_link_exec(l, WRITE/c\
	err = pg_link_exec(l, ADD, 0, NULL, NULL, NULL);\
	*v = 0;\
	return err;'
FU_LOCK='s/"SELECT v FROM %T WHERE id = 1", &id);/"SELECT v FROM %T WHERE id = 1 FOR UPDATE", \&id);/'
FU_BEGIN='s|/\* TODO 2: start a transaction. \*/|return pg_link_command(w->link.db, "BEGIN");|'
FU_COMMIT='s|/\* TODO 3: commit the transaction. \*/|return pg_link_command(w->link.db, "COMMIT");|'
FU_SOLVED="$FU_LOCK
$FU_BEGIN
$FU_COMMIT"
RR_LEVEL='s/isolation_attach(w, "BEGIN")/isolation_attach(w, "BEGIN ISOLATION LEVEL REPEATABLE READ")/'
rr_loop() { # what to do after PG_RETRY: the sed for the retry loop
	printf '%s\n' "s/^\(\t*\)err = isolation_begin(w);/\1for (;;) { err = isolation_begin(w);/" \
		"s/^\(\t*\)err = isolation_commit(w);/\1err = isolation_commit(w);\n\t\tif (err != PG_RETRY)\n\t\t\tbreak;\n\t\t$1\n\t\t}/"
}
RETRY_COUNT='atomic_fetch_add_explicit(\&w->slot->retries, 1, memory_order_relaxed);'
RETRY_ROLLBACK='err = isolation_rollback(w); if (err) break;'
RR_SOLVED="$RR_LEVEL
$(rr_loop "$RETRY_COUNT $RETRY_ROLLBACK")"
solved $L "all three parts filled in"
mistake $L "atomic.c as shipped: the client computes" starter 'Let the server add' \
	$A 's|/\* computed here, in the client \*/|/* computed here */|'
mistake $L "atomic.c: one statement prepared, two run" starter 'never prepared' \
	$A '/err = pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1", &id);/,/&id);$/c\
	err = pg_link_prepare(l, "UPDATE %T SET v = v + 1 WHERE id = 1", \&id);'
mistake $L "atomic.c: the new value from a subquery" solved 'comes from a subquery' \
	$A 's/SET v = v + 1 WHERE/SET v = (SELECT v FROM %T WHERE id = 1) + 1 WHERE/'
mistake $L "atomic.c: adds 2" solved 'each increment added 2' \
	$A 's/SET v = v + 1 WHERE/SET v = v + 2 WHERE/'
mistake $L "for-update.c as shipped: autocommit, no lock" starter 'nothing held the row' \
	$A "$ATOMIC_SOLVED"
mistake $L "for-update.c: FOR UPDATE without a transaction" starter \
	'that is FOR UPDATE outside a transaction' $A "$ATOMIC_SOLVED" $FU "$FU_LOCK"
mistake $L "for-update.c: a transaction without FOR UPDATE" starter \
	'A transaction alone does not lock what it reads' $A "$ATOMIC_SOLVED" \
	$FU "$FU_BEGIN
$FU_COMMIT"
mistake $L "for-update.c: no BEGIN" starter 'your BEGIN is missing' \
	$A "$ATOMIC_SOLVED" $FU "$FU_LOCK
$FU_COMMIT"
mistake $L "for-update.c: no COMMIT" starter 'your transaction is never committed' \
	$A "$ATOMIC_SOLVED" $FU "$FU_LOCK
$FU_BEGIN"
mistake $L "for-update.c: ROLLBACK for COMMIT" solved 'Did your commit step send ROLLBACK' \
	$FU 's/pg_link_command(w->link.db, "COMMIT")/pg_link_command(w->link.db, "ROLLBACK")/'
mistake $L "repeatable-read.c as shipped: READ COMMITTED" starter \
	'your BEGIN sets no isolation level' $A "$ATOMIC_SOLVED" $FU "$FU_SOLVED"
mistake $L "repeatable-read.c: the level, no retry loop" starter \
	'A serialization failure means: roll back and retry' \
	$A "$ATOMIC_SOLVED" $FU "$FU_SOLVED" $RR "$RR_LEVEL"
mistake $L "repeatable-read.c: a retry without ROLLBACK" starter 'Roll back first' \
	$A "$ATOMIC_SOLVED" $FU "$FU_SOLVED" $RR "$RR_LEVEL
$(rr_loop "$RETRY_COUNT")"
mistake $L "repeatable-read.c: a retry that never reads again" starter \
	'never reuse the v it read before' $A "$ATOMIC_SOLVED" $FU "$FU_SOLVED" \
	$RR "$RR_LEVEL
s/^\\(\\t*\\)err = isolation_write(w, v + 1);/\\1for (;;) {\\n\\1\\terr = isolation_write(w, v + 1);\\n\\1\\tif (err != PG_RETRY)\\n\\1\\t\\tbreak;\\n\\1\\t$RETRY_COUNT $RETRY_ROLLBACK\\n\\1}/"
mistake $L "repeatable-read.c: retries not counted" starter 'counted no retry at all' \
	$A "$ATOMIC_SOLVED" $FU "$FU_SOLVED" $RR "$RR_LEVEL
$(rr_loop "$RETRY_ROLLBACK")"

# Each mistake its own explanation: no other mistake's answer in the same
# lab may contain the words this one was recognised by.
while IFS='	' read -r lab what words log; do
	while IFS='	' read -r lab2 what2 _ log2; do
		[ "$lab2" = "$lab" ] && [ "$what2" != "$what" ] || continue
		if tr '\n' ' ' <"$log2" | sed 's/   */ /g' | grep -q "$words"; then
			echo "FAIL  $lab: \"$what\" and \"$what2\" get the same explanation (\"$words\")"
			failed=$((failed + 1))
		fi
	done <"$said_list"
done <"$said_list"

echo "mistakes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
