#!/bin/sh
# make-test.sh - what `make test` runs: every check, each part timed, then a
# table of how long each part took and whether it passed.
#
#   sh tests/make-test.sh               (make test runs it)
#   TEST_JOBS=1 sh tests/make-test.sh   (one test case at a time)
#
# The parts: the build; then, in three lanes side by side (they share
# nothing), the Criterion suite and the same suite against the ASan/UBSan
# build; the racelab commands of README.md and docs/; the format check, the
# labs and lint. Much of each part's time is spent waiting (on a
# timer, a child, a lock), not computing, so on 2 CPUs running them
# together cuts the wall time. Every part runs even when another failed, so one pass says
# everything; each part's output is printed whole when it ends; the exit
# status is 1 when any part failed. A background job of a script starts
# with SIGINT and SIGQUIT ignored, which racelab respects: the parts that
# send racelab those signals get them back (env --default-signal; the
# suite's cases reset them themselves, tests/support.c).
#
# The suite runs TEST_JOBS cases at once (default: twice the online CPUs:
# most cases wait on racelab or on a timer, not on a CPU). As root each case
# has an IPC namespace and a TMPDIR of its own (tests/support.c), so
# parallel cases cannot see each other's objects; not as root, the leak
# checks compare the machine's tables, and cases run one at a time. A
# process a case leaves behind is written to build/leaks*.log, which must
# stay empty.

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
B=${B:-build}
MAKE=${MAKE:-make}
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
if [ "$(id -u)" = 0 ]; then
	jobs=${TEST_JOBS:-$((2 * cpus))}
else
	jobs=1
fi
logs=$B/test-logs
rm -rf "$logs"
mkdir -p "$logs"
# Every throwaway PostgreSQL of the run (the suites', the labs', the docs')
# starts from one initdb (tests/dbserver.sh), kept in the build tree.
rm -rf "$B/pg-template"
RACELAB_PG_TEMPLATE=$root/$B/pg-template
export RACELAB_PG_TEMPLATE
# Every test case's TMPDIR goes under one directory of this run, removed
# however the run ends: a case that crashed before cleaning up after itself
# leaves nothing behind either.
# (A short name: paths under a case's TMPDIR must stay short, as a lock
# file's beside a segment's counter; test_segment.c.)
RACELAB_CASE_PARENT=$(mktemp -d /tmp/racelab.XXXXXX) || exit 1
chmod 755 "$RACELAB_CASE_PARENT" # the tests' servers run as postgres
export RACELAB_CASE_PARENT
trap 'rm -rf "$RACELAB_CASE_PARENT"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() {
	date +%s.%N
}

# part NAME COMMAND...: run it with its output in $logs/NAME.log, and note
# its time and status in $logs/NAME.time.
part() {
	name=$1
	shift
	t0=$(now)
	printf '==== %s: %s\n' "$name" "$*" >"$logs/$name.log"
	"$@" >>"$logs/$name.log" 2>&1
	status=$?
	t1=$(now)
	printf '%s %s\n' "$(awk "BEGIN { print $t1 - $t0 }")" "$status" \
		>"$logs/$name.time"
}

# suite LOGNAME COMMAND...: the suite, then what its cases left behind
# (nothing, or it fails).
suite() {
	leaks=$root/$B/leaks-$1.log
	shift
	rm -f "$leaks"
	RACELAB_LEAK_LOG=$leaks "$@" --jobs "$jobs" --short-filename
	status=$?
	if [ -s "$leaks" ]; then
		echo "make-test: test cases left processes behind:"
		cat "$leaks"
		status=1
	fi
	return $status
}

# Print each part's log, in this order, once all have ended.
show() {
	for name in "$@"; do
		cat "$logs/$name.log"
		echo
	done
}

T0=$(now)
# The build, one compiler per CPU (serial, it took 43 s of CI's 282).
part build "$MAKE" --no-print-directory -j "$cpus" racelab racelab-tsan \
	"$B/racelab-tests" racelab-asan "$B/asan/racelab-tests"
show build
# Three lanes side by side: the suite then the same suite under ASan; the
# docs' commands; the format check, the labs, then lint. A lane starts its
# next part as soon as the one before ends, so no CPU waits for the
# slowest part of a round; the parts that only compute (lint, the ASan
# suite) come last, where they fill the CPUs the waiting parts leave.
# (Measured on a fresh clone, 2 cores: the lanes ended at 255 s, 176 s
# and 268 s; the CPUs were busy 88 % of the time.)
(
	part suite suite plain env RACELAB=./racelab \
		RACELAB_TSAN=./racelab-tsan RACELAB_ASAN=./racelab-asan \
		"$B/racelab-tests"
	part asan-suite suite asan env RACELAB=./racelab-asan \
		RACELAB_TSAN=./racelab-tsan \
		LSAN_OPTIONS="suppressions=$root/tests/lsan-criterion.supp" \
		"$B/asan/racelab-tests"
) &
part doc-commands env --default-signal=INT,QUIT RACELAB=./racelab \
	RACELAB_TSAN=./racelab-tsan sh tests/doc-commands.sh &
(
	part format-check "$MAKE" --no-print-directory format-check
	part labs-check env --default-signal=INT,QUIT \
		"$MAKE" --no-print-directory labs-check
	part lint "$MAKE" --no-print-directory lint
) &
wait
show suite asan-suite doc-commands format-check labs-check lint
T1=$(now)

failed=0
printf '==== make test: how long each part took (%s test cases at once)\n' \
	"$jobs"
for name in build suite asan-suite doc-commands format-check \
	labs-check lint; do
	read -r secs status <"$logs/$name.time" || { secs=0 status=1; }
	[ "$status" = 0 ] || failed=1
	printf '  %-14s %7.1f s  %s\n' "$name" "$secs" \
		"$([ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)")"
done
printf '  %-14s %7.1f s  %s (parts side by side: see above)\n' "all" \
	"$(awk "BEGIN { print $T1 - $T0 }")" \
	"$([ "$failed" = 0 ] && echo passed || echo FAILED)"
exit $failed
