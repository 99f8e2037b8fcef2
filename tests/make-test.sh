#!/bin/sh
# make-test.sh - what `make test` runs: every check, one part after another,
# each timed, then a table of how long each part took and whether it passed.
#
#   sh tests/make-test.sh            (make test runs it after building)
#   TEST_JOBS=1 sh tests/make-test.sh   (one test case at a time)
#
# The parts: the Criterion suite, the racelab commands of README.md and
# docs/, the labs, lint, format-check, and the suite again against the
# ASan/UBSan build. Every part runs even when an earlier one failed, so one
# pass says everything; the exit status is 1 when any part failed.
#
# The suite runs TEST_JOBS cases at once (default: the online CPUs). As
# root each case has an IPC namespace and a TMPDIR of its own
# (tests/support.c), so parallel cases cannot see each other's objects;
# not as root, the leak checks compare the machine's tables, and cases run
# one at a time. A process a case leaves behind is written to
# build/leaks.log, which must stay empty.

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
B=${B:-build}
MAKE=${MAKE:-make}
if [ "$(id -u)" = 0 ]; then
	jobs=${TEST_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
else
	jobs=1
fi
leaks=$B/leaks.log
times=$B/test-times
: >"$times"
failed=0

now() {
	date +%s.%N
}

# part NAME COMMAND...: run it, note the time and the status.
part() {
	name=$1
	shift
	printf '\n==== %s: %s\n' "$name" "$*"
	t0=$(now)
	"$@"
	status=$?
	t1=$(now)
	printf '%s %s %s\n' "$name" "$(awk "BEGIN { print $t1 - $t0 }")" "$status" >>"$times"
	[ "$status" = 0 ] || failed=1
}

# The suite, then what its cases left behind (nothing, or it fails).
suite() {
	rm -f "$leaks"
	RACELAB_LEAK_LOG=$root/$leaks "$@" --jobs "$jobs" --short-filename
	status=$?
	if [ -s "$leaks" ]; then
		echo "make-test: test cases left processes behind:" >&2
		cat "$leaks" >&2
		status=1
	fi
	return $status
}

T0=$(now)
part build "$MAKE" --no-print-directory racelab racelab-tsan \
	"$B/racelab-tests" racelab-asan "$B/asan/racelab-tests"
part suite suite env RACELAB=./racelab RACELAB_TSAN=./racelab-tsan \
	"$B/racelab-tests"
part doc-commands env RACELAB=./racelab RACELAB_TSAN=./racelab-tsan \
	sh tests/doc-commands.sh
part labs-check "$MAKE" --no-print-directory labs-check
part lint "$MAKE" --no-print-directory lint
part format-check "$MAKE" --no-print-directory format-check
part asan-suite suite env RACELAB=./racelab-asan RACELAB_TSAN=./racelab-tsan \
	"$B/asan/racelab-tests"
T1=$(now)

printf '\n==== make test: how long each part took (%s cases at once)\n' "$jobs"
while read -r name secs status; do
	printf '  %-14s %7.1f s  %s\n' "$name" "$secs" \
		"$([ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)")"
done <"$times"
printf '  %-14s %7.1f s  %s\n' "all" "$(awk "BEGIN { print $T1 - $T0 }")" \
	"$([ "$failed" = 0 ] && echo passed || echo FAILED)"
exit $failed
