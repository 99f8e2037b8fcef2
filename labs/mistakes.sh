#!/bin/sh
# mistakes.sh - do the checkers catch the mistakes students really make, in
# the right words? And can a student who fills in the TODOs pass?
#
# Each entry copies a lab's files, from the reference in src/strategies/
# or from the lab's starter, into a temporary directory (never into labs/),
# edits them with sed the way a student would, builds the lab with them and
# runs its checker:
#
#	mistake LAB WHAT ref|starter 'WORDS'  FILE 'SED' [FILE 'SED' ...]
#		the checker must FAIL, and its message must contain WORDS
#	solved  LAB WHAT                      FILE 'SED' [FILE 'SED' ...]
#		the starter with its TODOs filled in: the checker must PASS
#
#	sh labs/mistakes.sh [LAB...]	from the top of the tree; all labs when
#					none is named; VERBOSE=1 shows each
#					checker's whole answer
#
# For teachers and for whoever changes a checker or a starter. Not part of
# `make test`: one build and one checker run per entry take a few minutes
# in all. Exit status 0 when every entry came out as expected.
set -u

cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-mistakes.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
only=" $* "
passed=0 failed=0

# Prepare LAB's files from BASE into a fresh directory, apply the edits,
# build, check. Sets dir, rc; returns 1 (after saying why) when it could
# not get as far as running the checker.
attempt() { # LAB WHAT BASE FILE SED [FILE SED ...]
	lab=$1 what=$2 base=$3
	shift 3
	dir=$work/$lab/$(printf '%s' "$what" | tr -c 'a-zA-Z0-9' _)
	mkdir -p "$dir"
	for f in $(make -s -C "labs/$lab" lab-files); do
		if [ "$base" = ref ]; then
			cp "src/strategies/$f" "$dir/$f"
		else
			cp "labs/$lab/$f" "$dir/$f"
		fi
	done
	while [ $# -ge 2 ]; do
		cp "$dir/$1" "$dir/$1.orig"
		sed -e "$2" "$dir/$1.orig" >"$dir/$1"
		if cmp -s "$dir/$1.orig" "$dir/$1"; then
			echo "FAIL  $lab: $what: the edit of $1 changed nothing"
			failed=$((failed + 1))
			return 1
		fi
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

selected() { # LAB
	case $only in
	"  " | *" $1 "*) return 0 ;;
	esac
	return 1
}

mistake() { # LAB WHAT BASE WORDS FILE SED ...
	selected "$1" || return 0
	lab=$1 what=$2 base=$3 words=$4
	shift 4
	attempt "$lab" "$what" "$base" "$@" || return 0
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
	fi
}

solved() { # LAB WHAT FILE SED ...
	selected "$1" || return 0
	lab=$1 what=$2
	shift 2
	attempt "$lab" "$what" starter "$@" || return 0
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

# ---- lab 01: none.c, from the starter ------------------------------------
L=01-lost-update
# The student's answer: the load and the store.
LOAD='s|/\* TODO 1: the load. Read the counter into v. \*/|v = *counter;|'
STORE='s|/\* TODO 2: the store. Write v into the counter. \*/|*counter = v;|'
solved $L "load and store filled in" none.c "$LOAD; $STORE"
mistake $L "no store" starter 'nothing is stored' none.c "$LOAD"
mistake $L "no load" starter 'Load it into v first' none.c "$STORE"
mistake $L "adds 2" starter 'each increment added 2' \
	none.c "$LOAD; s|/\* TODO 2: the store. Write v into the counter. \*/|*counter = v + 1;|"
mistake $L "atomic increment" starter 'your increment is indivisible' \
	none.c "$LOAD; s|/\* TODO 2: the store. Write v into the counter. \*/|__atomic_fetch_add((uint64_t *)counter, 1, __ATOMIC_RELAXED);|"
mistake $L "not volatile" starter 'Access the counter through the volatile pointer' \
	none.c "$LOAD; $STORE; s|volatile uint64_t \*counter = &c->plain;|uint64_t *counter = (uint64_t *)\&c->plain;|"

# ---- lab 02: sysv-sem.c --------------------------------------------------
L=02-sysv-semaphore F=sysv-sem.c
semop() { # SEM_OP
	echo "struct sembuf op = { .sem_num = 0, .sem_op = $1, .sem_flg = SEM_UNDO }; while (semop(s->semid, \&op, 1) == -1) if (errno != EINTR) return report_errno(\"sysv-sem\", \"semop\", errno);"
}
solved $L "start value, P and V filled in" $F "s/#define SEM_START_VALUE 0/#define SEM_START_VALUE 1/
s|/\* TODO 2: one semop() on s->semid that takes 1 (see the top). \*/|$(semop -1)|
s|/\* TODO 3: one semop() on s->semid that gives 1 back. \*/|$(semop +1)|"
mistake $L "P and V without SEM_UNDO" starter 'nothing gave the 1 back' \
	$F "s/#define SEM_START_VALUE 0/#define SEM_START_VALUE 1/
s|/\* TODO 2: one semop() on s->semid that takes 1 (see the top). \*/|$(semop -1 | sed 's/SEM_UNDO/0/')|
s|/\* TODO 3: one semop() on s->semid that gives 1 back. \*/|$(semop +1 | sed 's/SEM_UNDO/0/')|"
mistake $L "start value left at 0" starter 'the semaphore starts at 0' $F \
	"s|/\* TODO 2: one semop() on s->semid that takes 1 (see the top). \*/|$(semop -1)|
s|/\* TODO 3: one semop() on s->semid that gives 1 back. \*/|$(semop +1)|"
mistake $L "starts at 2" ref 'Either it starts at 2' \
	$F 's/\.val = 1 }/.val = 2 }/'
mistake $L "P and V swapped" ref 'are they swapped' \
	$F 's/sysv_sem_op(w, -1)/sysv_sem_op(w, +7)/; s/sysv_sem_op(w, +1)/sysv_sem_op(w, -1)/; s/+7)/+1)/'
mistake $L "V takes instead of giving" ref "V did not give the 1 back" \
	$F 's/sysv_sem_op(w, +1)/sysv_sem_op(w, -1)/'
mistake $L "SEM_UNDO on P only" ref 'SEM_UNDO on P but not on V' \
	$F 's/\.sem_flg = SEM_UNDO/.sem_flg = delta < 0 ? SEM_UNDO : 0/'
mistake $L "SEM_UNDO on V only" ref 'SEM_UNDO on V but not on P\|on V alone too little' \
	$F 's/\.sem_flg = SEM_UNDO/.sem_flg = delta > 0 ? SEM_UNDO : 0/'
mistake $L "IPC_NOWAIT" ref 'drop IPC_NOWAIT' \
	$F 's/\.sem_flg = SEM_UNDO/.sem_flg = SEM_UNDO | IPC_NOWAIT/'

# ---- lab 03: robust-mutex.c ----------------------------------------------
L=03-robust-mutex F=robust-mutex.c
ATTRS='/checking each call.s result/{n;a\
	err = pthread_mutexattr_setpshared(\&attr, PTHREAD_PROCESS_SHARED);\
	if (!err)\
		err = pthread_mutexattr_setrobust(\&attr, PTHREAD_MUTEX_ROBUST);
}'
OWNERDEAD='s/int err = pthread_mutex_lock(&s->mutex);/int err = pthread_mutex_lock(\&s->mutex); if (err == EOWNERDEAD) { atomic_fetch_add_explicit(\&w->slot->recoveries, 1, memory_order_relaxed); err = pthread_mutex_consistent(\&s->mutex); }/'
solved $L "attributes and EOWNERDEAD filled in" $F "$ATTRS
$OWNERDEAD"
mistake $L "attributes only (EOWNERDEAD ignored)" starter \
	'your code treated it as an error' $F "$ATTRS"
mistake $L "not PROCESS_SHARED" ref 'never uses PTHREAD_PROCESS_SHARED' \
	$F 's/pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)/0/'
mistake $L "not ROBUST" ref 'Make it PTHREAD_MUTEX_ROBUST' \
	$F 's/pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)/0/'
mistake $L "no pthread_mutex_consistent" ref \
	'without calling pthread_mutex_consistent() first' \
	$F 's/err = pthread_mutex_consistent(&s->mutex);/err = 0;/'
mistake $L "unlock after EOWNERDEAD" ref 'EPERM' \
	$F 's/err = pthread_mutex_consistent(&s->mutex);/err = pthread_mutex_consistent(\&s->mutex); (void)pthread_mutex_unlock(\&s->mutex);/'
mistake $L "recovery not counted" ref 'no worker reported recovering the mutex' \
	$F '/atomic_fetch_add_explicit(&w->slot->recoveries/,/memory_order_relaxed);/d'

# ---- lab 04: atomic.c and atomic-split.c ---------------------------------
L=04-atomics
FETCH_ADD='/the value it had just before in old\./{n;a\
	old = atomic_fetch_add_explicit(\&w->link.counter->atomic, 1,\
					memory_order_relaxed);
}'
SPLIT_LOAD='s|/\* TODO 1: the load: read the counter into v, atomically. \*/|v = atomic_load_explicit(c, memory_order_relaxed);|'
SPLIT_STORE='s|/\* TODO 2: the store: write v into the counter, atomically. \*/|atomic_store_explicit(c, v, memory_order_relaxed);|'
solved $L "fetch_add, then load and store, filled in" \
	atomic.c "$FETCH_ADD" atomic-split.c "$SPLIT_LOAD; $SPLIT_STORE"
mistake $L "part 2 left undone" starter 'the store is missing' \
	atomic.c "$FETCH_ADD"
PLAIN='static inline uint64_t plain_add(_Atomic uint64_t *c, uint64_t n, int o) { volatile uint64_t *p = (volatile uint64_t *)c; uint64_t v = *p; (void)o; *p = v + n; return v; }'
SPLIT='static inline uint64_t split_add(_Atomic uint64_t *c, uint64_t n, int o) { uint64_t v = atomic_load_explicit(c, o); atomic_store_explicit(c, v + n, o); return v; }'
mistake $L "plain read-modify-write" ref \
	'ThreadSanitizer reports a data race on the counter' atomic.c \
	"/^#include/a $PLAIN
s/return atomic_fetch_add_explicit(/return plain_add(/"
mistake $L "atomic load, then atomic store" ref \
	'an atomic read followed by an atomic write' atomic.c \
	"/^#include/a $SPLIT
s/return atomic_fetch_add_explicit(/return split_add(/"
mistake $L "adds 2" ref 'each increment added 2' \
	atomic.c 's/counter->atomic, 1,/counter->atomic, 2,/'
mistake $L "split done with fetch_add" ref 'your split increment is indivisible' \
	atomic-split.c 's/atomic_store_explicit(&c->atomic, v, memory_order_relaxed)/(void)v; (void)atomic_fetch_add_explicit(\&c->atomic, 1, memory_order_relaxed)/'
mistake $L "split load not atomic" ref \
	'one of your accesses to the counter is a plain one' atomic-split.c \
	's/return atomic_load_explicit(&c->atomic, memory_order_relaxed);/return c->plain;/'
mistake $L "split without its load" ref 'The load is missing' atomic-split.c \
	's/return atomic_load_explicit(&c->atomic, memory_order_relaxed);/(void)c; return 0;/'

# ---- lab 05: flock.c -----------------------------------------------------
L=05-flock F=flock.c
OWN_OPEN='s#w->fd = s->fd;#char self[64]; snprintf(self, sizeof(self), "/proc/self/fd/%d", s->fd); w->fd = open(self, O_RDWR | O_CLOEXEC); if (w->fd < 0) return report_errno("flock", self, errno);#'
CLOSE='s#^\tw->fd = -1;#\t(void)close(w->fd);\n\tw->fd = -1;#'
solved $L "each worker opens its own" $F "$OWN_OPEN; $CLOSE"
mistake $L "as shipped, plus a close" starter \
	'flock took no effect: did every worker open its own descriptor?' \
	$F 's#^\tw->fd = -1;#\tw->fd = -1; /* nothing of its own to close */#'
OPEN='w->fd = open(self, O_RDWR | O_CLOEXEC);'
mistake $L "dup of the parent's descriptor" ref \
	'flock took no effect: did every worker open its own descriptor?' \
	$F "s/$OPEN/w->fd = dup(s->fd); (void)self;/"
mistake $L "open the file by its name" ref 'The lock file has no name any more' \
	$F "s/$OPEN/w->fd = open(s->path, O_RDWR | O_CLOEXEC);/"
mistake $L "LOCK_SH" ref 'LOCK_SH lets every worker in' \
	$F 's/flock_op(w, LOCK_EX)/flock_op(w, LOCK_SH)/'
mistake $L "no flock at all" ref 'flock_lock does not take it' \
	$F 's/int err = flock_op(w, LOCK_EX);/int err = 0;/'
mistake $L "LOCK_NB" ref 'drop LOCK_NB' \
	$F 's/flock_op(w, LOCK_EX)/flock_op(w, LOCK_EX | LOCK_NB)/'

echo "mistakes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
