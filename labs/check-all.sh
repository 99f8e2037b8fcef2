#!/bin/sh
# check-all.sh - the labs' own test, run by `make labs-check` (and so by
# `make test`): for every lab with a checker,
#
#   1. the starter builds (warning-free under CI=1, which adds -Werror),
#   2. its checker FAILS on the starter, saying the words listed below (a
#      starter that passes, or fails for another reason, is a defect),
#   3. its checker PASSES on the reference (make check SOLUTION=1).
#
# The builds run one lab after another; then the labs' checkers run side by
# side, each lab's output printed whole, in order.
#
# A lab directory with a check.sh but no line below fails: a new lab must
# say what its starter's checker answers. labs/mistakes.sh goes further
# (each typical mistake caught in its words); it is slower and not run here.
#
# Environment: MAKEFLAGS as usual (-j2 speeds up the builds).
set -u

cd "$(dirname "$0")" || exit 1
passed=0 failed=0
start=$(date +%s)

# What each starter's checker must say.
starter_words() {
	case $1 in
	01-lost-update) echo 'nothing is stored' ;;
	02-sysv-semaphore) echo 'P does not call semop yet' ;;
	03-robust-mutex) echo 'Make it PTHREAD_PROCESS_SHARED' ;;
	04-atomics) echo 'atomic_increment adds nothing yet' ;;
	05-flock) echo 'flock took no effect: did every worker open its own descriptor?' ;;
	07-database) echo 'Let the server add' ;;
	esac
}

result() { # OK|FAIL TEXT [LOG]
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "ok    $2"
	else
		failed=$((failed + 1))
		echo "FAIL  $2"
		[ -z "${3:-}" ] || sed 's/^/        /' "$3" | tail -n 30
	fi
}

# 1. Every starter builds, one lab after the other: the objects the labs
# share (COMMON_BUILD, lab.mk) are built once, by the first.
labs=""
for check in */check.sh; do
	lab=${check%/check.sh}
	log=$lab/build/check-all.log
	if [ -z "$(starter_words "$lab")" ]; then
		result FAIL "$lab: check-all.sh does not say what its starter's checker answers"
		continue
	fi
	# A lab that needs what this machine lacks (lab 07: libpq and the
	# PostgreSQL server) is skipped, out loud: a skip is not a pass.
	missing=$(make -s -C "$lab" lab-missing 2>&1)
	if [ -n "$missing" ]; then
		echo "skip  $lab: $missing"
		continue
	fi
	mkdir -p "$lab/build"
	if ! make -s -C "$lab" >"$log" 2>&1; then
		result FAIL "$lab: the starter does not build" "$log"
		continue
	fi
	result ok "$lab: the starter builds"
	labs="$labs $lab"
done

# 2. Each lab's checker on the starter, then on the reference: the labs
# side by side (their checkers mostly wait, on a watchdog or a probe), each
# with its own log and counts, printed in order once all are done.
check_lab() { # LAB
	lab=$1 passed=0 failed=0
	words=$(starter_words "$lab")
	log=$lab/build/check-all.log
	make -s -C "$lab" check >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		result FAIL "$lab: the checker PASSES the starter" "$log"
	elif ! tr '\n' ' ' <"$log" | sed 's/   */ /g' | grep -qF "$words"; then
		result FAIL "$lab: the checker fails the starter without saying \"$words\"" "$log"
	else
		result ok "$lab: the checker fails the starter: \"$words\""
	fi
	if make -s -C "$lab" check SOLUTION=1 >"$log" 2>&1; then
		result ok "$lab: the checker passes the reference (SOLUTION=1)"
	else
		result FAIL "$lab: the checker fails the reference (SOLUTION=1)" "$log"
	fi
	echo "$passed $failed" >"$lab/build/check-all.count"
}
for lab in $labs; do
	check_lab "$lab" >"$lab/build/check-all.out" 2>&1 &
done
wait
for lab in $labs; do
	cat "$lab/build/check-all.out"
	read -r p f <"$lab/build/check-all.count" || { p=0 f=1; }
	passed=$((passed + p)) failed=$((failed + f))
done

# Every starter matches its reference outside its TODOs (compare-starters.py
# says what that means): a field or a fix the reference gained and the
# starter lacks is how a handout stops matching what the student runs.
log=$(mktemp) || exit 1
if python3 compare-starters.py >"$log" 2>&1; then
	result ok "every starter matches its reference outside its TODOs"
else
	result FAIL "a starter differs from its reference outside its TODOs" "$log"
fi
rm -f "$log"

# Lab 06 has no code to write, only commands: they must keep working as
# strategies are added. One quick round with the top-level racelab.
if [ -f 06-overhead/sweep.sh ]; then
	mkdir -p 06-overhead/build
	log=06-overhead/build/check-all.log
	if [ ! -x ../racelab ]; then
		result FAIL "06-overhead: ../racelab is not built (make labs-check builds it)"
	elif RACELAB=../racelab PROCS="1 2" REPEAT=1 sh 06-overhead/sweep.sh \
		>06-overhead/build/smoke.csv 2>"$log" &&
		sh 06-overhead/plot.sh 06-overhead/build/smoke.csv >>"$log" 2>&1 &&
		grep -q '^atomic  *2 ' "$log" && ! grep -q FAILED "$log"; then
		result ok "06-overhead: sweep.sh and plot.sh run, no strategy failed"
	else
		result FAIL "06-overhead: sweep.sh or plot.sh failed" "$log"
	fi
fi

echo "labs-check took $(($(date +%s) - start)) s"
echo "labs: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
