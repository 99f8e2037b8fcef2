#!/bin/sh
# compare.sh - racelab's hot loops against minimal hand-written loops.
#
# Run by `make bench` from the project root. For every strategy in
# `racelab list` that has a minimal loop (bench/minimal/NAME.c, built as
# build/bench/minimal/NAME), at 1 and 2 workers, it runs
# racelab and the minimal loop alternately (interleaved, and each taking its
# turn to go first, so that a drift in clock speed or load hits both), REPEAT
# times each, and prints ns per increment: median [min-max] of each, and the
# ratio of the medians. At 1 worker racelab should be within 5 % of the
# minimal loop ("ok", else "SLOWER"); at 2 workers the figures swing with
# scheduling and cache-line handoffs, so they are shown without a bar.
#
# Timing never fails the build: the exit status is non-zero only when a
# program fails to run (or a count that must be exact is wrong).
#
# A strategy that refuses some worker counts (peterson: exactly 2) is
# measured at the counts it accepts; if it refuses 1, its lowest row is
# contended and carries no bar either.
#
# Environment: REPEAT (runs of each program per row, default 5, at least 5),
# RACELAB (default ./racelab), MINIMAL (the directory of the minimal loops'
# programs, default build/bench/minimal),
# STRATEGIES (default: all that `racelab list` shows; e.g. "spin ttas").
set -u

RACELAB=${RACELAB:-./racelab}
MINIMAL=${MINIMAL:-build/bench/minimal}
REPEAT=${REPEAT:-5}
BAR=1.05 # racelab / minimal at 1 worker

case $REPEAT in
'' | *[!0-9]*)
	echo "compare.sh: REPEAT=$REPEAT is not a whole number" >&2
	exit 2
	;;
esac
if [ "$REPEAT" -lt 5 ]; then
	echo "compare.sh: REPEAT=$REPEAT raised to 5 (a median needs runs)" >&2
	REPEAT=5
fi

# Increments per worker, chosen so that one run takes about 0.1-0.3 s on a
# 2-core machine. At 2 workers the kernel locks hand the lock over (and wake
# a sleeper) on many increments, 10-30 us each, hence far fewer.
iters_for() { # STRATEGY PROCS
	case $1/$2 in
	none/1) echo 500000000 ;;	# ~0.3 ns: store-to-load forwarding
	none/*) echo 100000000 ;;	# ~1 ns: the line bounces
	atomic/1) echo 100000000 ;;	# ~2 ns: lock xadd
	atomic/*) echo 30000000 ;;	# ~5 ns
	robust-mutex/1) echo 15000000 ;; # ~12 ns: two CAS
	robust-mutex/*) echo 3000000 ;;	# futex waits
	sysv-sem/1) echo 200000 ;;	# ~0.9 us: two system calls
	sysv-sem/*) echo 10000 ;;	# 1-20 us: wake-ups on the other CPU
	flock/1) echo 200000 ;;		# ~0.8 us: two system calls
	flock/*) echo 100000 ;;
	spin/1 | ttas/1 | ticket/1) echo 100000000 ;; # ~2 ns: xchg or xadd
	spin/* | ttas/*) echo 30000000 ;; # 3-10 ns: the line bounces
	ticket/*) echo 1000000 ;;	# handoffs wait for the next in line
	posix-sem/1) echo 30000000 ;;	# ~7 ns: two atomics
	posix-sem/*) echo 5000000 ;;	# futex sleeps
	futex/1) echo 50000000 ;;	# ~5 ns: CAS and xchg
	futex/*) echo 10000000 ;;
	fcntl/* | ofd/*) echo 200000 ;;	# ~1.1 us: two system calls
	peterson/*) echo 500000 ;;	# ~300 ns: two workers hand over
	peterson-relaxed/*) echo 1000000 ;;
	sharded/*) echo 500000000 ;;	# ~0.3 ns: a private line each
	pipe/*) echo 200000000 ;;	# ~1 ns: one write per 1024
	pipe-unbatched/*) echo 500000 ;; # ~0.4 us: a write each
	atomic-split/1) echo 500000000 ;; # as none: a load and a store
	atomic-split/*) echo 100000000 ;;
	mutex/1) echo 20000000 ;;	# ~6 ns: as robust-mutex, no robust list
	mutex/*) echo 3000000 ;;
	sysv-sem-noundo/1) echo 200000 ;; # as sysv-sem, no undo record
	sysv-sem-noundo/*) echo 10000 ;;
	mcs/1 | clh/1 | hemlock/1) echo 20000000 ;; # ~3-10 ns: xchg (+ CAS)
	mcs/* | clh/* | hemlock/*) echo 1000000 ;; # FIFO handoffs
	bakery/1) echo 10000000 ;;	# ~15 ns: seq_cst stores, a scan
	bakery/*) echo 1000000 ;;
	pthread-spin/1 | ck-fas/1) echo 30000000 ;; # ~5 ns: xchg
	pthread-spin/* | ck-fas/*) echo 10000000 ;;
	rwlock/1 | pi-mutex/1) echo 10000000 ;; # ~15 ns: CAS, robust list
	rwlock/*) echo 3000000 ;;
	pi-mutex/*) echo 500000 ;;	# each handoff through the kernel
	adaptive-mutex/1) echo 20000000 ;; # as mutex
	adaptive-mutex/*) echo 3000000 ;;
	ck-mcs/1 | ck-clh/1 | ck-ticket/1) echo 20000000 ;;
	ck-mcs/* | ck-clh/* | ck-ticket/*) echo 1000000 ;;
	fifo/1 | sysv-msg/1 | posix-mq/1 | eventfd/1 | unix-socket/1)
		echo 200000 ;;		# ~0.7-1 us: two system calls
	fifo/* | sysv-msg/* | posix-mq/* | eventfd/* | unix-socket/*)
		echo 100000 ;;
	*) echo 0 ;;			# no minimal loop for it
	esac
}

# Does racelab accept this many workers of the strategy (no refusal)?
accepts() { # STRATEGY PROCS
	"$RACELAB" run --strategy "$1" --procs "$2" --iters 1 --format csv \
		>/dev/null 2>&1
	[ $? -ne 2 ]
}

# ns_per_op of one racelab run, found by its column name in the CSV header.
racelab_ns() { # STRATEGY PROCS ITERS [STORE]
	# shellcheck disable=SC2086 # STORE is "--store file" or nothing
	out=$("$RACELAB" run --strategy "$1" --procs "$2" --iters "$3" \
		${4:+--store $4} --format csv)
	rc=$?
	# 3 = lost updates: the lesson of the racy ones, else a failure.
	if [ "$rc" -ne 0 ] && { [ "$rc" -ne 3 ] || ! is_racy "$1"; }; then
		echo "compare.sh: racelab $1 --procs $2 exited $rc" >&2
		return 1
	fi
	printf '%s\n' "$out" | awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ns_per_op") c = i }
		NR == 2 && c { print $c; found = 1 }
		END { exit !found }'
}

minimal_ns() { # STRATEGY PROCS ITERS
	out=$("$MINIMAL/$1" "$2" "$3") || {
		echo "compare.sh: minimal $1 $2 exited $?" >&2
		return 1
	}
	ns=$(printf '%s\n' "$out" | sed -n 's/^ns_per_op=//p')
	[ -n "$ns" ] || {
		echo "compare.sh: minimal printed no ns_per_op" >&2
		return 1
	}
	echo "$ns"
}

# "median min max" of the numbers given as arguments.
stats() {
	printf '%s\n' "$@" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print m, v[1], v[NR]
		}'
}

line() {
	printf '%-16s %5s %-26s %-26s %6s  %s\n' "$@"
}

# COLUMNS emptied: the lines whole, never wrapped to a width.
list=$(COLUMNS= "$RACELAB" list)
# (The stores follow the strategies in `racelab list`: stop there.)
strategies=${STRATEGIES:-$(printf '%s\n' "$list" | awk '/^stores/ { exit } /^  [a-z]/ { print $1 }')}
if [ -z "$strategies" ]; then
	echo "compare.sh: \`$RACELAB list\` gave no strategies" >&2
	exit 1
fi
for s in $strategies; do
	printf '%s\n' "$list" | grep -q "^  $s " || {
		echo "compare.sh: STRATEGIES: no strategy '$s' in \`racelab list\`" >&2
		exit 2
	}
done

# Marked "[wrong on purpose]" by `racelab list` (in process mode).
is_racy() { # STRATEGY
	printf '%s\n' "$list" | grep -q "^  $1 .*\[wrong on purpose\]\$"
}

start=$(date +%s)
status=0
echo "racelab vs minimal loop: ns per increment, median [min-max] of" \
	"$REPEAT runs each, interleaved"
# Anything else running on the machine skews both columns: say so.
if [ -r /proc/loadavg ]; then
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" \
		"on $(getconf _NPROCESSORS_ONLN) CPUs"
fi
line strategy procs "racelab" "minimal" ratio verdict
for s in $strategies; do
	if [ "$(iters_for "$s" 1)" = 0 ] || [ ! -x "$MINIMAL/$s" ]; then
		line "$s" - "(no minimal loop)" - - -
		continue
	fi
	for p in 1 2; do
		if ! accepts "$s" "$p"; then
			line "$s" "$p" "(refuses $p workers)" - - -
			continue
		fi
		n=$(iters_for "$s" "$p")
		r_all="" m_all=""
		i=1
		while [ "$i" -le "$REPEAT" ]; do
			# Alternate who goes first, so neither always runs warm.
			if [ $((i % 2)) -eq 1 ]; then
				r=$(racelab_ns "$s" "$p" "$n") &&
					m=$(minimal_ns "$s" "$p" "$n")
			else
				m=$(minimal_ns "$s" "$p" "$n") &&
					r=$(racelab_ns "$s" "$p" "$n")
			fi || break
			r_all="$r_all $r" m_all="$m_all $m"
			i=$((i + 1))
		done
		if [ "$i" -le "$REPEAT" ]; then
			line "$s" "$p" "(failed)" "(failed)" - -
			status=1
			continue
		fi
		# shellcheck disable=SC2046,SC2086 # split on purpose
		set -- $(stats $r_all) $(stats $m_all)
		awk -v s="$s" -v p="$p" -v bar="$BAR" \
			-v rm="$1" -v rlo="$2" -v rhi="$3" \
			-v mm="$4" -v mlo="$5" -v mhi="$6" '
			function f(x) {
				return sprintf(x < 10 ? "%.2f" : x < 100 ? \
					"%.1f" : "%.0f", x)
			}
			BEGIN {
				ratio = mm > 0 ? rm / mm : 0
				if (p > 1)
					v = "(contended: no bar)"
				else
					v = ratio <= bar ? "ok" : "SLOWER"
				printf "%-16s %5s %-26s %-26s %6.2f  %s\n", s, p,
					f(rm) " [" f(rlo) "-" f(rhi) "]",
					f(mm) " [" f(mlo) "-" f(mhi) "]", ratio, v
			}'
	done
done
# The file store (--store file) against the least file counter a person
# would write (bench/minimal/file-NAME.c: the same 21-byte record, one
# pread and one pwrite), one worker: what the store's indirection costs.
for s in none flock; do
	[ -x "$MINIMAL/file-$s" ] || continue
	n=20000 r_all="" m_all="" i=1
	while [ "$i" -le "$REPEAT" ]; do
		if [ $((i % 2)) -eq 1 ]; then
			r=$(racelab_ns "$s" 1 "$n" file) &&
				m=$(minimal_ns "file-$s" 1 "$n")
		else
			m=$(minimal_ns "file-$s" 1 "$n") &&
				r=$(racelab_ns "$s" 1 "$n" file)
		fi || break
		r_all="$r_all $r" m_all="$m_all $m"
		i=$((i + 1))
	done
	if [ "$i" -le "$REPEAT" ]; then
		line "file:$s" 1 "(failed)" "(failed)" - -
		status=1
		continue
	fi
	# shellcheck disable=SC2046,SC2086 # split on purpose
	set -- $(stats $r_all) $(stats $m_all)
	awk -v s="file:$s" -v bar="$BAR" -v rm="$1" -v rlo="$2" -v rhi="$3" \
		-v mm="$4" -v mlo="$5" -v mhi="$6" 'BEGIN {
			ratio = mm > 0 ? rm / mm : 0
			printf "%-16s %5s %-26s %-26s %6.2f  %s\n", s, 1,
				sprintf("%.0f [%.0f-%.0f]", rm, rlo, rhi),
				sprintf("%.0f [%.0f-%.0f]", mm, mlo, mhi), ratio,
				ratio <= bar ? "ok" : "SLOWER"
		}'
done
echo "iters per worker: $(for s in $strategies; do
	[ "$(iters_for "$s" 1)" = 0 ] ||
		printf '%s %s/%s  ' "$s" "$(iters_for "$s" 1)" "$(iters_for "$s" 2)"
done)"
echo "bench took $(($(date +%s) - start)) s;" \
	"at 1 proc racelab should be within $BAR x of the minimal loop"
exit $status
