#!/bin/sh
# check.sh - lab 02's checker: is sysv-sem.c a lock, and does it survive a
# holder that dies? Run by `make check` (see ../lab.mk).
#
# Cases, in order: one worker alone; the lock free again after it exited
# (what its SEM_UNDO records left); two and three processes with a yield
# inside the section (so a lock that does not exclude loses updates for
# certain); two threads; a worker killed while it holds the semaphore.
# When a case fails, a probe run looks at the semaphore itself (ipcs -s -i)
# while one worker sits inside the critical section, to tell apart the
# mistakes that look alike from outside (P and V swapped, a start value of 2,
# P that never calls semop, SEM_UNDO on P alone).
# shellcheck shell=sh disable=SC2154 # R_* are set by rl_run, through eval
# shellcheck source=../checklib.sh
. "$(dirname "$0")/../checklib.sh"

S=sysv-sem

# Probe: one worker, three increments, each holding the semaphore for 1 s.
# Prints "value ncount pid" of the semaphore seen 0.3 s into the first
# P..V and 1.5 s in (inside the second), then the worker's pid; nothing if
# it could not look. A P that never calls semop is known only after a
# second of polling: then that look is the answer (a second look used to
# fall after the end of the run, and the untouched starter got the list of
# suspects instead of its diagnosis); three increments give the other
# cases slack on a busy machine. pid is the last process that changed the semaphore:
# racelab itself (SETVAL) until the worker's first semop. The moment of that
# first semop (or of the worker blocking in it) is found by polling, so a
# slow start on a busy machine does not shift the samples. What it saw goes
# to build/probe.log. (racelab's --timeout ends the run within 6 s.)
sem_probe() {
	perr=$LAB_BUILD/probe.err
	plog=$LAB_BUILD/probe.log
	# Emptied here, not by the run's own redirection: on a busy machine
	# the first polls can come before the run has started, and would read
	# the last probe's set id (removed since) for ever.
	: >"$perr"
	"$RACELAB" run --strategy $S --procs 1 --iters 3 \
		--window sleep:1000000 --timeout 3 --verbose --format csv \
		>/dev/null 2>"$perr" </dev/null &
	rpid=$!
	id="" worker="" a="" b="" nosemop="" seen=""
	tries=0
	while [ $tries -lt 150 ]; do # 3 s
		tries=$((tries + 1))
		[ -n "$id" ] ||
			id=$(sed -n 's/.*semaphore set id \([0-9]*\).*/\1/p' "$perr")
		[ -n "$worker" ] || worker=$(worker_of "$rpid")
		if [ -n "$id" ] && [ -n "$worker" ]; then
			[ -n "$seen" ] || seen=$(date +%s%N)
			a=$(sem_sample "$id")
			# shellcheck disable=SC2086 # split on purpose
			set -- $a
			# The first semop is done, or the worker waits in it.
			if [ "${3:-}" = "$worker" ] || [ "${2:-0}" != 0 ]; then
				break
			fi
			# No semop 1 s after the worker was found: keep the last
			# look (P may never call one). A second of the clock, not
			# 50 polls: on a busy machine 50 polls outlast the run.
			if [ -n "$a" ] &&
				[ $(($(date +%s%N) - seen)) -ge 1000000000 ]; then
				nosemop=1
				break
			fi
		fi
		sleep 0.02
	done
	echo "set $id, worker $worker, first look after $tries polls: $a" >"$plog"
	if [ -n "$nosemop" ]; then
		# Nothing to wait for: that look is the diagnosis (and polling
		# took long enough that a later look could miss the run).
		b=$a
	elif [ -n "$a" ]; then
		sleep 0.3
		a=$(sem_sample "$id")
		sleep 1.2
		b=$(sem_sample "$id")
		echo "at +0.3 s: $a; at +1.5 s: $b" >>"$plog"
	fi
	wait "$rpid"
	[ -n "$a" ] && [ -n "$b" ] && echo "$a $b $worker"
}

# racelab's worker: its child that is not the guardian (which has a
# session of its own, src/core/guardian.c).
worker_of() { # PID
	for p in $(pgrep -P "$1"); do
		[ "$(ps -o sid= -p "$p" | tr -d ' ')" = "$p" ] || {
			echo "$p"
			return
		}
	done
}

# "value ncount pid" of the set's semaphore 0, from ipcs.
sem_sample() { # ID
	ipcs -s -i "$1" 2>/dev/null | awk '$1 == "0" { print $2, $3, $5 }'
}

# Does sysv_sem_work hand worker_loop V as the lock (and P as the unlock)?
v_before_p() {
	function_code sysv_sem_work | grep -q 'worker_loop([^,]*,[[:space:]]*sysv_sem_v[[:space:]]*,'
}

# What the probe says about P and V, in words: "right" if they look right,
# nothing if it could not tell.
explain_pv() {
	probe=$(sem_probe)
	[ -n "$probe" ] || return 0
	# shellcheck disable=SC2086 # split on purpose
	set -- $probe
	v1=$1 n1=$2 pid1=$3 v2=$4 n2=$5 worker=$7
	if [ "$pid1" != "$worker" ] && [ "$n1" != 0 ]; then
		echo "A probe with one worker found it waiting in its very first P, with the semaphore at $v1: nothing to take, because the semaphore starts at 0. A lock starts with one holder allowed: set SEM_START_VALUE (TODO 1)."
	elif [ "$pid1" != "$worker" ]; then
		echo "A probe with one worker inside its critical section found that the worker had made no semop() on the set at all (the semaphore was still at its start value, $v1): P does not call semop yet (TODO 2)."
	elif [ "$v1" -ge 2 ] && v_before_p; then
		echo "A probe with one worker inside its critical section found the semaphore at $v1, and sysv_sem_work passes V where P belongs: worker_loop's arguments are (w, lock, increment, unlock), so each increment runs after a V, which adds 1, and before a P. V before P lets everyone in. Pass sysv_sem_p first and sysv_sem_v last."
	elif [ "$v1" -ge 2 ]; then
		echo "A probe with one worker inside its critical section found the semaphore at $v1: your P added to it instead of taking 1 away. P's sem_op must be -1 and V's +1: are they swapped?"
	elif [ "$v1" = 1 ]; then
		echo "A probe with one worker inside its critical section found the semaphore at 1, so a second worker could have entered too. Either it starts at 2 (TODO 1: a lock allows one holder), or P does not take 1 away (P's sem_op must be -1 and V's +1: are they swapped?)."
	elif [ "$n2" != 0 ]; then
		echo "A probe with one worker found it waiting on the semaphore with nobody else around: after its first P, V did not give the 1 back, and the next P waits for ever. V's sem_op must be +1."
	elif [ "$v2" != 0 ]; then
		echo "A probe with one worker found the semaphore at 0 inside its first critical section, as it should be, but at $v2 inside the second: V gave back more than P took. V's sem_op must be +1."
	else
		echo right
	fi
}

# explain_pv's verdict, or $1 when P and V look right with one worker, or
# the list of usual suspects when the probe could not look.
pv_words() {
	why=$(explain_pv)
	case $why in
	right) echo "$1" ;;
	"") echo "Check that the semaphore starts at 1 (TODO 1), that P's sem_op is -1 and V's +1, and that SEM_UNDO is on both or neither." ;;
	*) echo "$why" ;;
	esac
}

# A worker failed: say why when its message tells.
explain_failed() { # TITLE
	if said 'Resource temporarily unavailable'; then
		fail "$1" "A worker's semop() failed with EAGAIN (\"Resource temporarily unavailable\"): with IPC_NOWAIT, semop fails instead of waiting when the semaphore is taken. A lock must wait: drop IPC_NOWAIT."
	elif said 'File too large'; then
		fail "$1" "A worker's semop() failed with EFBIG (\"File too large\"): sem_num names a semaphore the set does not have. The set has one, number 0."
	elif said 'Numerical result out of range'; then
		fail "$1" "A worker's semop() failed with ERANGE: the semaphore's value would have passed its maximum (32,767). V keeps giving back what P never took: check the signs of sem_op."
	elif said 'Invalid argument\|Identifier removed'; then
		fail "$1" "A worker's semop() failed (its message is below): is the id s->semid, the one sysv_sem_setup() created, and the number of operations 1?"
	fi
	fail "$1" "$(outcome_words). A worker failed; its message is below."
}

lab_begin 6

# 1. One worker alone: P and V must let it through, every time.
rl_run --strategy $S --procs 1 --iters 500 --timeout 2
title="1 worker alone, 500 increments"
case $R_rc in
0) ok "$title: exact ($(num "$R_final"))" ;;
4)
	fail "$title" "Worker 0 was alone, yet it blocked at its increment $(($(deadlock_workers | awk '{ print $2 }') + 1)) and made no progress for 2 s: with nobody else to wait for, P or V waits on a semaphore that nobody will ever raise." \
		"$(pv_words "Either the semaphore starts at 0 (TODO 1: a lock starts at 1), or V takes away instead of giving back (V's sem_op must be +1).")"
	;;
1) explain_failed "$title" ;;
*) fail "$title" "One worker alone must count exactly: $(outcome_words)." ;;
esac

# 2. What a worker's exit leaves: racelab -v reads the semaphore (GETVAL) once
# the worker has exited and the kernel has applied its undo record. That
# record is the sum of the worker's SEM_UNDO semops, negated, so after 500
# increments the value is certain: 1 (SEM_UNDO on both or neither), 0 (on V
# only: 1 - 500, which the kernel stops at 0) or 501 (on P only). A run of
# several workers shows it only when one exits while the lock is free:
# timing, not proof.
rl_run --strategy $S --procs 1 --iters 500 --timeout 2 --verbose
title="the lock is free again once the worker has exited"
left=$(sed -n 's/.*the semaphore is at \([0-9]*\) after the workers exited.*/\1/p' "$R_err")
if [ "$R_rc" -ne 0 ] || [ -z "$left" ]; then
	fail "$title" "The same run with --verbose, to read the semaphore after the worker, did not get as far: $(outcome_words)."
elif [ "$left" != 1 ]; then
	# A wrong start value or a P or V of the wrong sign leaves it off 1
	# too: the probe tells those apart first.
	why=$(explain_pv)
	if [ "$why" != right ] && [ -n "$why" ]; then
		fail "$title" "Once the worker had exited the semaphore was at $left, not 1." "$why"
	elif [ -z "$why" ]; then
		fail "$title" "Once the worker had exited the semaphore was at $left, not 1, and the probe could not look inside the critical section to tell why (a busy machine can cause that: run make check again)." "Check that the semaphore starts at 1 (TODO 1), that P's sem_op is -1 and V's +1, and that SEM_UNDO is on both or neither."
	elif [ "$left" = 0 ]; then
		fail "$title" "The count was exact, and P and V look right with one worker, but once the worker had exited the semaphore was at 0, not 1: the lock was left taken, and the next worker would wait for ever. As a process exits, the kernel applies its undo record, which takes back what its SEM_UNDO semops did: with SEM_UNDO on V but not on P, it takes away 1 for every V (500 here). Use SEM_UNDO on both, or on neither."
	else
		fail "$title" "The count was exact, and P and V look right with one worker, but once the worker had exited the semaphore was at $left, not 1: $left workers could now be inside at once. As a process exits, the kernel applies its undo record, which takes back what its SEM_UNDO semops did: with SEM_UNDO on P but not on V, it gives back 1 for every P (500 here). Use SEM_UNDO on both, or on neither."
	fi
else
	ok "$title (the semaphore is at 1)"
fi

# Exactness with several workers; $1 is the title, the rest racelab's options.
expect_exact() {
	title=$1
	shift
	rl_run --strategy $S "$@"
	case $R_rc in
	0)
		ok "$title: exact ($(num "$R_final"))"
		return
		;;
	3)
		fail "$title" "Final count $(num "$R_final") of $(num "$R_expected"): $(num "$R_lost") increments lost, so two workers were inside the critical section at once. Your lock does not exclude." \
			"$(pv_words "With one worker, P and V look right (the semaphore was at 0 inside each critical section), so the updates were lost once a worker had exited: the kernel applied that worker's undo record and raised the value above 1. SEM_UNDO on P but not on V? Use it on both, or on neither.")"
		;;
	4)
		done_list=$(deadlock_workers | awk '{ printf "%sworker %s at %s", (NR > 1 ? ", " : ""), $1, $2 }')
		finished=$(deadlock_workers | awk -v n="$R_iters" '$2 == n { printf "%sworker %s", (k++ ? " and " : ""), $1 }')
		fail "$title" "DEADLOCK: the workers made no progress for 3 s (increments done: $(num "$done_list"))${finished:+; $finished had finished and exited}, yet one worker alone got through." \
			"The semaphore got stuck at 0 when a worker exited, most likely: the kernel applies an exiting process's undo record, and with SEM_UNDO on V but not on P that record takes 1 away for every V. Use SEM_UNDO on both, or on neither."
		;;
	1) explain_failed "$title" ;;
	*) fail "$title" "$(outcome_words)." ;;
	esac
}

# 3-5. Several workers: only one may be inside at a time. The yield between
# load and store invites the other worker in: without exclusion, it loses.
expect_exact "2 processes, 2,000 increments each, a yield inside the section" \
	--procs 2 --iters 2000 --window yield --timeout 3
expect_exact "3 processes, 2,000 increments each" \
	--procs 3 --iters 2000 --timeout 3
expect_exact "2 threads, 2,000 increments each, a yield inside the section" \
	--mode thread --procs 2 --iters 2000 --window yield --timeout 3

# 6. Worker 0 is killed (SIGKILL) holding the semaphore at its increment 5;
# the others must go on. The 0.2 ms sleep inside the section keeps them
# busy long enough that they need the semaphore after the death.
title="3 processes, worker 0 killed holding the semaphore"
rl_run --strategy $S --procs 3 --iters 300 --crash-at 5 --window sleep:200 \
	--timeout 3
case $R_rc in
0)
	if [ -z "$R_recovery" ]; then
		fail "$title" "Worker 0 should have died at its increment 5, but it finished first: nothing was tested. Run make check again."
	fi
	ok "$title: the others went on, exact ($(num "$R_final"))"
	;;
4)
	stuck=$(deadlock_workers | awk '$3 != "killed" { printf "%sworker %s stopped at %s", (n++ ? ", " : ""), $1, $2 }')
	fail "$title" "Worker 0 was killed holding the semaphore at its increment 5; then $(num "$stuck") of 300 increments and blocked for 3 s: nothing gave the 1 back." \
		"A process killed between P and V never runs its V. The kernel can undo a dead process's semops for it, but only those made with SEM_UNDO in sem_flg: use it in P and in V (on P alone it gives back too much, on V alone too little)."
	;;
3)
	fail "$title" "After worker 0 was killed holding the semaphore, $(num "$R_lost") of $(num "$R_expected") increments were lost: the value went above 1, so two workers were inside at once." \
		"$(pv_words "With one worker, P and V look right (the semaphore was at 0 inside each critical section), so the kernel's undo at the death gave back more than 1: that is SEM_UNDO on P but not on V, whose undo record grows by 1 with every P. Use SEM_UNDO on both.")"
	;;
1) explain_failed "$title" ;;
*) fail "$title" "$(outcome_words)." ;;
esac

lab_end
