#!/bin/sh
# mistakes.sh - does each checker catch the mistakes students really make,
# and say so in the right words?
#
# Each line below takes a reference strategy file from src/strategies/,
# breaks it the way a student would (a sed script), builds the lab with the
# broken copy (in a temporary directory, never in labs/), runs the lab's
# checker, and expects it to FAIL with the given words in its message.
#
#	sh labs/mistakes.sh [LAB...]	(from the top of the tree; all labs
#					 when none is named; VERBOSE=1 shows
#					 each checker's whole answer)
#
# For teachers and for whoever changes a checker. Not part of `make test`:
# one build and one checker run per mistake take a few minutes in all.
# Exit status 0 when every mistake was caught with its words.
set -u

cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-mistakes.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
only=" $* "
passed=0 failed=0

# mistake LAB FILE WHAT SED-SCRIPT WORDS
mistake() {
	lab=$1 file=$2 what=$3 script=$4 words=$5
	case $only in
	"  ") ;;
	*" $lab "*) ;;
	*) return ;;
	esac
	dir=$work/$lab/$(printf '%s' "$what" | tr -c 'a-zA-Z0-9' _)
	mkdir -p "$dir"
	# The lab's other files, as the reference has them; this one broken.
	for f in $(make -s -C "labs/$lab" lab-files); do
		cp "src/strategies/$f" "$dir/$f"
	done
	sed -e "$script" "src/strategies/$file" >"$dir/$file"
	if cmp -s "src/strategies/$file" "$dir/$file"; then
		echo "FAIL  $lab: $what: the sed script changed nothing"
		failed=$((failed + 1))
		return
	fi
	# Common objects are shared by the mistakes of one lab; the student's
	# object is rebuilt for each.
	rm -f "$work/$lab/build/student/${file%.c}.o" "$work/$lab/build/racelab"
	if ! make -s -C "labs/$lab" "$work/$lab/build/racelab" \
		STUDENT_DIR="$dir" BUILD="$work/$lab/build" \
		>"$dir/build.log" 2>&1; then
		echo "FAIL  $lab: $what: does not compile:"
		sed 's/^/        /' "$dir/build.log" | tail -n 20
		failed=$((failed + 1))
		return
	fi
	make -s -C "labs/$lab" check STUDENT_DIR="$dir" \
		BUILD="$work/$lab/build" >"$dir/check.log" 2>&1
	rc=$?
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

# Lab 02: sysv-sem.c
L=02-sysv-semaphore F=sysv-sem.c
mistake $L $F "starts at 0" \
	's/\.val = 1 }/.val = 0 }/' 'the semaphore starts at 0'
mistake $L $F "starts at 2" \
	's/\.val = 1 }/.val = 2 }/' 'Either it starts at 2'
mistake $L $F "P and V swapped" \
	's/sysv_sem_op(w, -1)/sysv_sem_op(w, +7)/; s/sysv_sem_op(w, +1)/sysv_sem_op(w, -1)/; s/+7)/+1)/' \
	'are they swapped'
mistake $L $F "V takes instead of giving" \
	's/sysv_sem_op(w, +1)/sysv_sem_op(w, -1)/' "V did not give the 1 back"
mistake $L $F "no SEM_UNDO" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = 0/' 'nothing gave the 1 back'
mistake $L $F "SEM_UNDO on P only" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = delta < 0 ? SEM_UNDO : 0/' \
	'SEM_UNDO on P but not on V'
mistake $L $F "SEM_UNDO on V only" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = delta > 0 ? SEM_UNDO : 0/' \
	'SEM_UNDO'
mistake $L $F "IPC_NOWAIT" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = SEM_UNDO | IPC_NOWAIT/' 'IPC_NOWAIT'

# Lab 03: robust-mutex.c
L=03-robust-mutex F=robust-mutex.c
mistake $L $F "not PROCESS_SHARED" \
	's/pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)/0/' \
	'never uses PTHREAD_PROCESS_SHARED'
mistake $L $F "neither PROCESS_SHARED nor ROBUST" \
	's/pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)/0/; s/pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)/0/' \
	'Make it PTHREAD_PROCESS_SHARED'
mistake $L $F "not ROBUST" \
	's/pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)/0/' \
	'Make it PTHREAD_MUTEX_ROBUST'
mistake $L $F "EOWNERDEAD treated as an error" \
	's/if (err == EOWNERDEAD)/if (0)/' 'your code treated it as an error'
mistake $L $F "no pthread_mutex_consistent" \
	's/err = pthread_mutex_consistent(&s->mutex);/err = 0;/' \
	'without calling pthread_mutex_consistent() first'
mistake $L $F "unlock after EOWNERDEAD" \
	's/err = pthread_mutex_consistent(&s->mutex);/err = pthread_mutex_consistent(\&s->mutex); (void)pthread_mutex_unlock(\&s->mutex);/' \
	'EPERM'
mistake $L $F "recovery not counted" \
	'/atomic_fetch_add_explicit(&w->slot->recoveries/,/memory_order_relaxed);/d' \
	'no worker reported recovering the mutex'

# Lab 04: atomic.c and atomic-split.c
L=04-atomics
PLAIN='static inline uint64_t plain_add(_Atomic uint64_t *c, uint64_t n, int o) { volatile uint64_t *p = (volatile uint64_t *)c; uint64_t v = *p; (void)o; *p = v + n; return v; }'
SPLIT='static inline uint64_t split_add(_Atomic uint64_t *c, uint64_t n, int o) { uint64_t v = atomic_load_explicit(c, o); atomic_store_explicit(c, v + n, o); return v; }'
mistake $L atomic.c "plain read-modify-write" \
	"/^#include/a $PLAIN
s/old = atomic_fetch_add_explicit(/old = plain_add(/" \
	'ThreadSanitizer reports a data race on the counter'
mistake $L atomic.c "atomic load, then atomic store" \
	"/^#include/a $SPLIT
s/old = atomic_fetch_add_explicit(/old = split_add(/" \
	'an atomic read followed by an atomic write'
mistake $L atomic.c "adds 2" \
	's/counter.atomic, 1,/counter.atomic, 2,/' 'each increment added 2'
mistake $L atomic-split.c "split done with fetch_add" \
	's/atomic_store_explicit(c, v + 1, memory_order_relaxed)/atomic_fetch_add_explicit(c, 1, memory_order_relaxed)/' \
	'your split increment is indivisible'
mistake $L atomic-split.c "split load not atomic" \
	's/uint64_t v = atomic_load_explicit(c, memory_order_relaxed);/uint64_t v = w->region->counter.plain;/' \
	'one of your accesses to the counter is a plain one'
mistake $L atomic-split.c "split without its load" \
	's/uint64_t v = atomic_load_explicit(c, memory_order_relaxed);/uint64_t v = 0;/' \
	'The load is missing'

# Lab 05: flock.c
L=05-flock F=flock.c
OPEN='w->fd = open(self, O_RDWR | O_CLOEXEC);'
mistake $L $F "the parent's descriptor" \
	"s/$OPEN/w->fd = s->fd; (void)self;/" \
	'flock took no effect: did every worker open its own descriptor?'
mistake $L $F "dup of the parent's descriptor" \
	"s/$OPEN/w->fd = dup(s->fd); (void)self;/" \
	'flock took no effect: did every worker open its own descriptor?'
mistake $L $F "open the file by its name" \
	"s/$OPEN/w->fd = open(s->path, O_RDWR | O_CLOEXEC);/" \
	'The lock file has no name any more'
mistake $L $F "LOCK_SH" \
	's/flock_op(w, LOCK_EX)/flock_op(w, LOCK_SH)/' 'LOCK_SH lets every worker in'
mistake $L $F "no flock at all" \
	's/int err = flock_op(w, LOCK_EX);/int err = 0;/' \
	'flock_lock does not take it'
mistake $L $F "LOCK_NB" \
	's/flock_op(w, LOCK_EX)/flock_op(w, LOCK_EX | LOCK_NB)/' 'drop LOCK_NB'

echo "mistakes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
