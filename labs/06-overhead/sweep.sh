#!/bin/sh
# sweep.sh - lab 06: what each correct strategy costs per increment, at
# several worker counts, REPEAT times each, as CSV on stdout (racelab's own
# CSV columns, one header line, one row per run).
#
#	sh labs/06-overhead/sweep.sh > build/overhead.csv
#
# Every strategy in `racelab list` that is not wrong on purpose is measured,
# plus `none` as the price of the bare increment, so strategies added to
# racelab later are measured too. Each run chooses its own --iters (about
# 0.25 s of work: see `racelab run --help`). The runs go round-robin over
# the strategies, so that a slow minute of the machine does not fall on one
# strategy only.
#
# Environment: RACELAB (default ./racelab), PROCS (default "1 2 4"), REPEAT
# (default 3), EXTRA (more options for every run, e.g. "--cpus 0").
#
# This is a stopgap: when racelab gets a bench command of its own (median
# and spread over interleaved repeats, and a plot), the lab should use it.
set -u

RACELAB=${RACELAB:-./racelab}
PROCS=${PROCS:-1 2 4}
REPEAT=${REPEAT:-3}
EXTRA=${EXTRA:-}

if ! "$RACELAB" list >/dev/null 2>&1; then
	echo "sweep.sh: cannot run $RACELAB list: build racelab first (make)" >&2
	exit 1
fi
# Wrong on purpose in thread mode only (say, a lock that belongs to a
# process): measured unless the runs are threads.
case " $EXTRA " in
*" --mode thread "* | *" --mode=thread "* | *" -m thread "*) threads=1 ;;
*) threads=0 ;;
esac
strategies="none $("$RACELAB" list | awk -v threads=$threads '
	/^stores/ { exit } # the stores follow the strategies
	/^  [a-z]/ && !/\[wrong on purpose\]/ &&
	!(threads && /\[wrong on purpose in thread mode\]/) { print $1 }')"

err=$(mktemp) || exit 1
trap 'rm -f "$err"' EXIT INT TERM
header=""
r=1
while [ "$r" -le "$REPEAT" ]; do
	for p in $PROCS; do
		for s in $strategies; do
			# shellcheck disable=SC2086 # EXTRA is a list of options
			out=$("$RACELAB" run --strategy "$s" --procs "$p" \
				--format csv $EXTRA 2>"$err")
			rc=$?
			# 0 exact; 3 lost, the lesson of none; 2: the strategy
			# refused this run (a worker count it cannot do, say).
			if [ "$rc" -eq 2 ]; then
				echo "sweep.sh: $s --procs $p: not measured: $(head -n 1 "$err")" >&2
				continue
			fi
			if [ "$rc" -ne 0 ] && { [ "$rc" -ne 3 ] || [ "$s" != none ]; }; then
				echo "sweep.sh: $s --procs $p: FAILED (exit $rc): $(head -n 1 "$err")" >&2
				continue
			fi
			if [ -z "$header" ]; then
				header=$(printf '%s\n' "$out" | sed -n 1p)
				printf '%s\n' "$header"
			fi
			printf '%s\n' "$out" | sed -n 2p
		done
	done
	echo "sweep.sh: round $r of $REPEAT done" >&2
	r=$((r + 1))
done
