#!/bin/sh
# check.sh - lab 03's checker: is robust-mutex.c a lock between threads and
# between processes, and does it come back after its holder is killed?
# Run by `make check` (see ../lab.mk).
#
# Cases, in order: two threads (an ordinary mutex already passes these);
# two and three processes (a mutex that is not PTHREAD_PROCESS_SHARED loses
# its wake-ups there, or trips an assertion in glibc); a worker killed
# holding the mutex, after which another must get EOWNERDEAD, make the mutex
# consistent, count the recovery and go on.
# shellcheck shell=sh disable=SC2154 # R_* are set by rl_run, through eval
# shellcheck source=../checklib.sh
. "$(dirname "$0")/../checklib.sh"

S=robust-mutex

# Words for a worker's failure, from what racelab printed.
explain_failed() { # TITLE
	if said 'Owner died'; then
		fail "$1" "A worker's pthread_mutex_lock() returned EOWNERDEAD (\"Owner died\") and your code treated it as an error, so that worker gave up." \
			"EOWNERDEAD is not a failure: it means \"you hold the mutex now, but its last holder died holding it\". Handle it in robust_mutex_lock (TODO 2): repair what needs repairing (nothing, here), call pthread_mutex_consistent(), count the recovery, and return 0."
	elif said 'State not recoverable'; then
		fail "$1" "A worker's pthread_mutex_lock() failed with ENOTRECOVERABLE (\"State not recoverable\"): the mutex is dead for good." \
			"That is what happens when the worker that got EOWNERDEAD unlocks the mutex without calling pthread_mutex_consistent() first: the mutex library takes it to mean the data could not be repaired. Call pthread_mutex_consistent() right after EOWNERDEAD (TODO 2)."
	elif said 'Operation not permitted'; then
		fail "$1" "A worker's pthread_mutex_unlock() failed with EPERM (\"Operation not permitted\"): it unlocked a mutex it did not hold." \
			"A robust mutex knows its owner. After EOWNERDEAD the worker already holds the mutex: do not unlock it (or lock it again) in robust_mutex_lock; just make it consistent and return 0."
	elif said 'Assertion'; then
		fail "$1" "A worker was killed by an assertion inside glibc's pthread_mutex_lock (its message is below): the mutex's owner field made no sense to it." \
			"glibc keeps the owner of a mutex as a thread id, which is only meaningful inside one process unless the mutex is PTHREAD_PROCESS_SHARED. Set that attribute in robust_mutex_setup (TODO 1)."
	fi
	fail "$1" "$(outcome_words). A worker failed; its message is below."
}

# Exactness; $1 is the title, the rest racelab's options.
expect_exact() {
	title=$1
	shift
	rl_run --strategy $S "$@"
	case $R_rc in
	0) ok "$title: exact ($(num "$R_final"))" ;;
	3) fail "$title" "Final count $(num "$R_final") of $(num "$R_expected"): $(num "$R_lost") increments lost, so two workers were inside the critical section at once. Your mutex does not exclude: does robust_mutex_lock lock s->mutex, the one in the shared region, and return only once it holds it?" ;;
	4)
		case " $* " in
		*" thread "*)
			fail "$title" "DEADLOCK: the threads made no progress for 3 s (increments done: $(num "$(deadlock_workers | awk '{ printf "%sthread %s at %s", (NR > 1 ? ", " : ""), $1, $2 }')")). Does every lock have its unlock, and does robust_mutex_lock take the mutex only once?"
			;;
		esac
		fail "$title" "DEADLOCK: with threads your mutex worked, but between processes the workers made no progress for 3 s (increments done: $(num "$(deadlock_workers | awk '{ printf "%sworker %s at %s", (NR > 1 ? ", " : ""), $1, $2 }')")): a worker went to sleep waiting for the mutex and was never woken, although the others unlocked it." \
			"An ordinary mutex is private to one process: its waiters sleep on a futex the kernel files under that process alone, so another process's unlock wakes nobody. Make it PTHREAD_PROCESS_SHARED in robust_mutex_setup (TODO 1)."
		;;
	1) explain_failed "$title" ;;
	*) fail "$title" "$(outcome_words)." ;;
	esac
}

lab_begin 6

expect_exact "2 threads, 20,000 increments each" \
	--mode thread --procs 2 --iters 20000 --timeout 3
expect_exact "2 threads, 2,000 increments each, a yield inside the section" \
	--mode thread --procs 2 --iters 2000 --window yield --timeout 3
# A 1 ms sleep inside the section makes the two processes contend for
# certain, even on a busy machine where one might otherwise finish before
# the other starts (then an ordinary mutex never sleeps and seems to work).
expect_exact "2 processes, 500 increments each, 1 ms inside the section" \
	--procs 2 --iters 500 --window sleep:1000 --timeout 3
expect_exact "3 processes, 20,000 increments each" \
	--procs 3 --iters 20000 --timeout 3

# glibc makes every robust mutex work between processes, declared so or not
# (it always uses shared futexes for them); POSIX promises nothing without
# PTHREAD_PROCESS_SHARED. No run can tell: read the code.
title="the mutex is declared PTHREAD_PROCESS_SHARED"
R_cmd=""
if ! code_mentions PTHREAD_PROCESS_SHARED; then
	fail "$title" "Your code never uses PTHREAD_PROCESS_SHARED. A robust mutex happens to work between processes with glibc anyway (glibc always puts its waiters on shared futexes), but POSIX promises nothing unless the mutex is created PTHREAD_PROCESS_SHARED, and a plain mutex without it fails between processes. Set it in robust_mutex_setup (TODO 1)."
fi
ok "$title (read in the code: no run can tell)"

# Worker 0 is killed (SIGKILL) holding the mutex at its increment 5; the
# 0.2 ms sleep inside the section keeps the others busy long enough that
# they need the mutex after the death. One of them must recover it.
title="3 processes, worker 0 killed holding the mutex"
for _ in 1 2; do
	rl_run --strategy $S --procs 3 --iters 300 --crash-at 5 \
		--window sleep:200 --timeout 3
	# Exact but nobody needed the mutex after the death: try once more.
	if [ "$R_rc" != 0 ] || [ "${R_recoveries:-0}" != 0 ]; then
		break
	fi
done
case $R_rc in
0)
	if [ -z "$R_recovery" ]; then
		fail "$title" "Worker 0 should have died at its increment 5, but it finished first: nothing was tested. Run make check again."
	fi
	if [ "$R_recoveries" = 0 ]; then
		fail "$title" "The count came out exact ($(num "$R_final")), but no worker reported recovering the mutex after worker 0 died holding it, in two runs." \
			"When pthread_mutex_lock returns EOWNERDEAD, count it as TODO 2 shows (atomic_fetch_add_explicit on w->slot->recoveries), so that the report shows the recovery happened."
	fi
	ok "$title: recovered $R_recoveries time(s), exact ($(num "$R_final"))"
	;;
4)
	stuck=$(deadlock_workers | awk '$3 != "killed" { printf "%sworker %s stopped at %s", (n++ ? ", " : ""), $1, $2 }')
	fail "$title" "Worker 0 was killed holding the mutex at its increment 5; then $(num "$stuck") of 300 increments and blocked for 3 s: nothing released it." \
		"An ordinary mutex whose holder dies stays locked for ever: nobody else may unlock it. A robust one is released by the kernel when its holder dies, and the next locker gets EOWNERDEAD. Make it PTHREAD_MUTEX_ROBUST in robust_mutex_setup (TODO 1)."
	;;
1) explain_failed "$title" ;;
*) fail "$title" "$(outcome_words)." ;;
esac

lab_end
