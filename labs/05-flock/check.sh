#!/bin/sh
# check.sh - lab 05's checker: does flock.c exclude, between processes and
# between threads? Run by `make check` (see ../lab.mk).
#
# Cases, in order: one worker alone; two and three processes (two of them
# with a yield inside the section, so that a lock that does not exclude
# loses updates for certain); two threads. When updates are lost, a probe
# run looks at /proc/locks while one worker holds the lock, to tell a flock
# that is never taken, or taken shared (LOCK_SH), from one that is taken
# but excludes nothing because all workers share one open file description.
# shellcheck shell=sh disable=SC2154 # R_* are set by rl_run, through eval
# shellcheck source=../checklib.sh
. "$(dirname "$0")/../checklib.sh"

S=flock

# Probe: one worker, two increments, each holding the lock for 0.4 s, on a
# named lock file so that its inode can be found in /proc/locks. Prints the
# lock's type as /proc/locks shows it (WRITE or READ), "none" if the file
# had no flock lock at 0.2 s, or nothing if it could not look.
flock_probe() {
	lf=$LAB_BUILD/probe.lock
	rm -f "$lf"
	timeout -k 5 20 "$RACELAB" run --strategy $S --procs 1 --iters 2 \
		--window sleep:400000 --timeout 2 --lock-file "$lf" \
		--format csv >/dev/null 2>&1 &
	tpid=$!
	ino=""
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		ino=$(stat -c %i "$lf" 2>/dev/null) && break
		sleep 0.05
	done
	if [ -z "$ino" ]; then
		wait "$tpid"
		return
	fi
	sleep 0.2
	# "1: FLOCK  ADVISORY  WRITE 4242 fe:00:10953266 0 EOF"
	awk -v ino="$ino" '
		{ for (i = 1; i <= NF; i++) if ($i ~ (":" ino "$")) {
			for (j = 1; j < i; j++)
				if ($j == "FLOCK") { print $(j + 2); found = 1; exit }
		} }
		END { if (!found) print "none" }' /proc/locks
	wait "$tpid"
	rm -f "$lf"
}

# Which descriptor the workers shared, from the code: the parent's s->fd as
# shipped, a dup() of it, or one opened in flock_setup, before fork().
shared_description_words() {
	attach=$(function_code flock_attach)
	if printf '%s' "$attach" | grep -q 'dup[23]\{0,1\}[[:space:]]*('; then
		echo "Your flock_attach gives each worker a dup() of the parent's descriptor: dup() makes a new descriptor for the same open file description, so the lock is still shared. Each worker must open() the file for itself (/proc/self/fd/N reaches it)."
	elif function_code flock_setup | grep -q '[^_a-z]open[[:space:]]*('; then
		echo "Your flock_setup opens a descriptor, but flock_setup runs once, in the parent, before fork(): every worker inherits that one descriptor and its one open file description. Open in flock_attach, which each worker runs for itself after fork()."
	elif printf '%s' "$attach" | grep -q 'open[[:space:]]*('; then
		echo "Your flock_attach opens something, yet the workers still share one open file description: does each worker lock the descriptor it opened (w->fd), and open it in flock_attach itself rather than keep one from before fork()?"
	else
		echo "Your workers lock s->fd, the parent's descriptor, opened before fork() and inherited by every worker: one open file description for all. Each worker must open() the file for itself, in flock_attach."
	fi
}

explain_failed() { # TITLE
	if said 'No such file or directory'; then
		fail "$1" "A worker could not open the lock file: \"No such file or directory\"." \
			"The lock file has no name any more: flock_setup unlinks it as soon as it is made, so that nothing is left on disk. The parent's descriptor still reaches it, and a new open() of /proc/self/fd/N (N = s->fd) opens the very same file."
	elif said 'Bad file descriptor'; then
		fail "$1" "A worker's flock() failed with EBADF (\"Bad file descriptor\"): it used a descriptor that was closed, or never opened." \
			"Close only the descriptor this worker opened itself, and only in flock_detach. Threads share one table of descriptors: a thread that closes the parent's s->fd closes it for every thread, and for flock_teardown."
	elif said 'Resource temporarily unavailable'; then
		fail "$1" "A worker's flock() failed with EWOULDBLOCK (\"Resource temporarily unavailable\"): with LOCK_NB, flock fails instead of waiting when another holds the lock. A lock must wait: drop LOCK_NB."
	fi
	fail "$1" "$(outcome_words). A worker failed; its message is below."
}

expect_exact() { # TITLE ARGS...
	title=$1
	shift
	rl_run --strategy $S "$@"
	case $R_rc in
	0) ok "$title: exact ($(num "$R_final"))" ;;
	3)
		lost="Final count $(num "$R_final") of $(num "$R_expected"): $(num "$R_lost") increments lost, so two workers were inside the critical section at once."
		case $(flock_probe) in
		WRITE)
			fail "$title" "$lost" \
				"flock took no effect: did every worker open its own descriptor?" \
				"A probe found the exclusive lock taken (/proc/locks showed a FLOCK WRITE lock on the file), and yet the others went in too. flock belongs to the open file description, the thing one open() creates and fork() and dup() share: all your workers lock through the same one, so to the kernel they are all the one holder." \
				"$(shared_description_words)"
			;;
		READ)
			fail "$title" "$lost" \
				"A probe found a shared lock on the file (/proc/locks showed FLOCK READ): LOCK_SH lets every worker in at once. A lock that excludes is LOCK_EX."
			;;
		none)
			if function_code flock_lock | grep -q LOCK_UN; then
				fail "$title" "$lost" \
					"A probe found no flock lock on the file while a worker was inside its critical section (/proc/locks had none), and your flock_lock uses LOCK_UN: it takes the lock and gives it back before the increment, which then runs outside the lock. flock_lock takes it (LOCK_EX) and returns holding it; flock_unlock gives it back."
			fi
			fail "$title" "$lost" \
				"A probe found no flock lock on the file while a worker was inside its critical section (/proc/locks had none): flock_lock does not take it. It must call flock(w->fd, LOCK_EX)."
			;;
		*)
			fail "$title" "$lost" \
				"flock took no effect: did every worker open its own descriptor? flock belongs to the open file description, which fork() and dup() share."
			;;
		esac
		;;
	4) fail "$title" "DEADLOCK: the workers made no progress for 3 s (increments done: $(num "$(deadlock_workers | awk '{ printf "%sworker %s at %s", (NR > 1 ? ", " : ""), $1, $2 }')")). Every flock(LOCK_EX) needs its flock(LOCK_UN), on the same descriptor." ;;
	1) explain_failed "$title" ;;
	*) fail "$title" "$(outcome_words)." ;;
	esac
}

lab_begin 4

expect_exact "1 process alone, 200 increments" \
	--procs 1 --iters 200 --timeout 3
expect_exact "2 processes, 2,000 increments each, a yield inside the section" \
	--procs 2 --iters 2000 --window yield --timeout 3
expect_exact "3 processes, 2,000 increments each" \
	--procs 3 --iters 2000 --timeout 3
expect_exact "2 threads, 2,000 increments each, a yield inside the section" \
	--mode thread --procs 2 --iters 2000 --window yield --timeout 3

lab_end
