#!/bin/sh
# check.sh - lab 01's checker: is none.c a real increment (right for one
# worker alone), and a racy one (two workers at once lose updates)?
# Run by `make check` (see ../lab.mk).
#
# Cases, in order: one worker alone through the fast path (your load and
# your store) and through the probed path (your load, then the probe's
# store); two processes, then two threads, sharing ONE CPU with a yield
# between load and store, which makes the loss certain on any machine; two
# processes pinned to two CPUs with no window at all (skipped on a one-CPU
# machine), where the loss must come from your own load and store running
# at the same time.
# shellcheck shell=sh disable=SC2154 # R_* are set by rl_run, through eval
# shellcheck source=../checklib.sh
. "$(dirname "$0")/../checklib.sh"

S=none

# One worker alone must count exactly; say what its count shows if not.
expect_alone() { # TITLE ARGS...
	title=$1
	shift
	rl_run --strategy $S --procs 1 "$@"
	if [ "$R_rc" = 0 ]; then
		ok "$title: exact ($(num "$R_final"))"
		return
	fi
	if [ "$R_rc" != 3 ]; then
		fail "$title" "$(outcome_words)."
	fi
	per=$(awk -v f="$R_final" -v e="$R_expected" 'BEGIN { if (e > 0 && f % e == 0) print f / e }')
	if [ "$R_final" = 0 ] && stores_something; then
		fail "$title" "The counter is still 0 after $(num "$R_expected") increments by one worker alone, yet your none.c assigns to *counter: what it stores leaves the count where it was, as storing v (the value the load read) does. Store v + 1, not v (TODO 2)."
	elif [ "$R_final" = 0 ]; then
		fail "$title" "The counter is still 0 after $(num "$R_expected") increments by one worker alone: nothing is stored. Write v + 1 back into the counter (TODO 2)."
	elif [ "$R_final" = 1 ] && one_statement; then
		fail "$title" "The counter reads 1 after $(num "$R_expected") increments by one worker alone, with the harness storing v + 1 after a yield: your none_load adds to *counter in one statement and never loads it into v, so v stayed 0. (*counter)++ is still a load, an add and a store in the machine, but the harness can only act between them when they are your two steps: write the load (TODO 1, v = *counter) and the store (TODO 2) as two statements."
	elif [ "$R_final" = 1 ]; then
		fail "$title" "The counter reads 1 after $(num "$R_expected") increments by one worker alone: every store wrote 0 + 1, so v never held the counter. Load it into v first (TODO 1)."
	elif [ -n "$per" ]; then
		fail "$title" "Final count $(num "$R_final") for $(num "$R_expected") increments by one worker alone: each increment added $per. Store v + 1."
	fi
	fail "$title" "One worker alone cannot lose an update, yet the final count is $(num "$R_final") of $(num "$R_expected"). Load the counter into v (TODO 1), store v + 1 (TODO 2), nothing else."
}

# Does none_load or none_store assign to *counter (comments aside; a
# statement, not the declaration of the pointer)?
stores_something() {
	{ function_code none_load; function_code none_store; } |
		grep -q '[;{})][[:space:]]*\*[[:space:]]*counter[[:space:]]*=[^=]'
}

# Does none_load or none_store add to *counter in one statement:
# (*counter)++, ++*counter, *counter += 1?
one_statement() {
	{ function_code none_load; function_code none_store; } |
		grep -q 'counter)[[:space:]]*++\|++[[:space:]]*(\{0,1\}[[:space:]]*\*[[:space:]]*counter\|\*[[:space:]]*counter[[:space:]]*+='
}

# Two workers, one CPU, a yield between load and store: must lose.
expect_loss() { # TITLE ARGS...
	title=$1
	shift
	rl_run --strategy $S "$@"
	case $R_rc in
	3) ok "$title: $(num "$R_lost") of $(num "$R_expected") lost ($(pct)), as they should be" ;;
	0) fail "$title" "No update was lost in $(num "$R_expected") increments, although each worker gave the CPU away between its load and its store. Is your load a real read of the counter into v (TODO 1), done before the harness's store? With an atomic or a lock there would be nothing to lose, but this lab's strategy must be the racy one." ;;
	*) fail "$title" "$(outcome_words)." ;;
	esac
}

pct() {
	awk -v l="$R_lost" -v e="$R_expected" 'BEGIN { printf "%.1f %%", 100 * l / e }'
}

lab_begin 5

expect_alone "1 process alone, 1,000,000 increments" --iters 1000000
expect_alone "1 process alone, 1,000 increments, a yield between load and store" \
	--iters 1000 --window yield

expect_loss "2 processes on ONE CPU, a yield between load and store" \
	--procs 2 --iters 2000 --cpus "$(first_cpu)" --window yield
expect_loss "2 threads on ONE CPU, a yield between load and store" \
	--mode thread --procs 2 --iters 2000 --cpus "$(first_cpu)" --window yield

# The student's own load and store (the fast path, no window), two workers
# pinned to two CPUs. Each run says one of four things:
#   lost, and not in whole blocks of 1,024  a plain load and store: pass
#   lost in whole blocks of 1,024           the mark of a compiler that
#                                           merged the increments of the
#                                           harness's inner loop (1,024),
#                                           as with a counter that is not
#                                           volatile: measured 6 of 6 runs
#   lost in whole worker runs               a worker was preempted between
#                                           its load and its store while the
#                                           other ran to the end (the other
#                                           CPU was busy): proves nothing
#   nothing lost                            the runs did not overlap, or the
#                                           increment is indivisible
# 10,240,000 is 10,000 inner loops, so merged increments can only ever lose
# whole blocks. Up to five runs, until one says something.
title="2 processes on 2 CPUs, 10,240,000 increments each, no window"
pair=$(two_cpus)
if [ -z "$pair" ]; then
	ok "$title: skipped (one CPU here: the yield cases above showed the loss)"
else
	blocks=0 whole=0 runs=0 genuine=""
	for _ in 1 2 3 4 5; do
		rl_run --strategy $S --procs 2 --iters 10240000 --cpus "$pair"
		runs=$((runs + 1))
		case $R_rc in
		0) continue ;;
		3) ;;
		*) fail "$title" "$(outcome_words)." ;;
		esac
		if [ "$((R_lost % R_iters))" = 0 ]; then
			whole=$((whole + 1))
		elif [ "$((R_lost % 1024))" = 0 ]; then
			blocks=$((blocks + 1))
			block_lost=$R_lost block_final=$R_final
		else
			genuine=1
			break
		fi
	done
	if [ -n "$genuine" ]; then
		ok "$title: $(num "$R_lost") of $(num "$R_expected") lost ($(pct)), as they should be"
	elif [ "$blocks" -gt 0 ]; then
		fail "$title" "Updates were lost only in whole blocks of 1,024 ($blocks of $runs runs; in one, $(num "$block_lost") lost and a final count of $(num "$block_final")). 1,024 is the length of the harness's inner loop: the compiler turned each of those loops into one load, 1,024 additions in a register, and one store. Access the counter through the volatile pointer, so that every load and every store is really made."
	elif [ "$whole" -gt 0 ] && ! { function_code none_load | grep -qw volatile &&
		function_code none_store | grep -qw volatile; }; then
		# Whole runs lost prove nothing either way (a busy machine
		# shows them for any code): read the code instead.
		fail "$title" "Only whole runs were lost ($whole of $runs runs: the CPUs were busy), which proves nothing either way, so the checker read your code: none_load or none_store reaches the counter through a pointer that is not volatile. Then the compiler may do the harness's 1,024 increments in a register and store once. Access the counter through the volatile pointer, so that every load and every store is really made."
	elif [ "$whole" -gt 0 ]; then
		ok "$title: only whole runs lost ($whole of $runs runs): the CPUs were busy; racy all the same"
	else
		if objdump -d "$LAB_BUILD/student/none.o" 2>/dev/null |
			sed -n '/<none_work>:/,/^$/p' | grep -q '	lock '; then
			fail "$title" "No update was lost in $runs runs of $(num "$R_expected") increments, with two workers on two CPUs: your increment is indivisible. objdump -d build/student/none.o shows a lock-prefixed instruction in none_work: an atomic read-modify-write. This lab's strategy must be the plain load (TODO 1) and the plain store (TODO 2)."
		fi
		fail "$title" "No update was lost in $runs runs of $(num "$R_expected") increments, with two workers on two CPUs. Either your increment is indivisible (a lock?), or the compiler merged your increments: with a counter that is not volatile it does the harness's 1,024 increments in a register and stores once, and collisions become rare. Access the counter through the volatile pointer, with a plain load (TODO 1) and a plain store (TODO 2)."
	fi
fi

lab_end
