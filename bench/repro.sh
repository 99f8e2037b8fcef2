#!/bin/sh
# make repro: how reliably does racelab reproduce a lost update?
#
# Runs each recipe RUNS times (default 20) and prints in how many runs
# `none` lost at least one update. A benchmark, not a test: it never fails
# on the rates, only when racelab itself fails.
set -u

RACELAB=${RACELAB:-./racelab}
RUNS=${RUNS:-20}

rate() {
	label=$1
	shift
	lost=0
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		out=$("$RACELAB" run --strategy none --format csv "$@")
		status=$?
		if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
			echo "repro: racelab exited $status" >&2
			exit 1
		fi
		n=$(printf '%s\n' "$out" | awk -F, 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == "lost") col = c } NR == 2 { print $col }')
		[ "$n" -gt 0 ] && lost=$((lost + 1))
		i=$((i + 1))
	done
	printf '%-56s lost updates in %2d of %d runs\n' "$label" "$lost" "$RUNS"
}

echo "racelab repro: $(nproc) CPUs, $RUNS runs per recipe"
rate "run --strategy none --procs 2 (default iters)" --procs 2
rate "run --strategy none --procs 2 --cpus 0 --window yield" --procs 2 --cpus 0 --window yield
rate "run --strategy none --procs 2 --iters 1000" --procs 2 --iters 1000

# The same default recipe on a busy machine: two CPU-bound jobs beside
# racelab (issue 17). The last worker to arrive opens the start gate and the
# others sleep on a futex, so the workers still start together.
hogs=""
for _ in 1 2; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
trap 'kill $hogs 2>/dev/null' EXIT
rate "run --strategy none --procs 2, two CPU hogs running" --procs 2
rate "run --strategy none --procs 2 --iters 1000000, two CPU hogs" --procs 2 --iters 1000000
kill $hogs 2>/dev/null
trap - EXIT
