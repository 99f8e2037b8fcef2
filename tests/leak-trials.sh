#!/bin/sh
# leak-trials.sh - kill racelab at random moments, many times, and count
# what each kill left behind: SysV objects (segments, semaphore sets,
# message queues), files in its TMPDIR, processes. The figures the
# guardian's notes quote (docs/design-notes.md) come from here.
#
#   sh tests/leak-trials.sh [TRIALS]     (default 30; as root, run it in an
#                                         IPC namespace of its own:
#                                         unshare --ipc sh tests/leak-trials.sh)
#
# Each scenario: start racelab, wait a random 0-250 ms, send the signal,
# wait for racelab, give its guardian a moment, then count. Prints one line
# per scenario: "left something N of TRIALS". Exit status 1 when any trial
# left anything.
set -u

RACELAB=${RACELAB:-./racelab}
TRIALS=${1:-30}
dir=$(mktemp -d "${TMPDIR:-/tmp}/racelab-leaks.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
bad=0

objects() {
	cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg |
		grep -cv '^ *key'
}

# The processes of this trial's racelab (its guardian and workers too):
# those whose environment holds this script's TMPDIR.
mine() {
	grep -lzx "TMPDIR=$dir" /proc/[0-9]*/environ 2>/dev/null |
		sed 's|/proc/\([0-9]*\)/environ|\1|'
}

trial() { # SIGNAL COMMAND...
	sig=$1
	shift
	before=$(objects)
	# A background job starts with SIGINT and SIGQUIT ignored, which
	# racelab respects: give them back their default.
	TMPDIR=$dir env --default-signal=INT,QUIT "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$(awk -v s="$$$(date +%N)" 'BEGIN { srand(s); printf "%03d", int(rand() * 250) }')"
	kill "-$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sleep 0.2
	left=""
	[ "$(objects)" -eq "$before" ] || left=" SysV objects"
	[ -z "$(ls -A "$dir")" ] || left="$left files"
	procs=$(mine)
	[ -z "$procs" ] || left="$left processes"
	# Clear what was left, so the next trial starts clean.
	[ -z "$procs" ] || kill -KILL $procs 2>/dev/null
	rm -rf "${dir:?}"/* 2>/dev/null
	[ -z "$left" ] || echo "  trial $t: left:$left" >&2
	[ -z "$left" ]
}

scenario() { # NAME SIGNAL COMMAND...
	name=$1
	shift
	n=0
	t=0
	while [ $t -lt "$TRIALS" ]; do
		t=$((t + 1))
		trial "$@" || n=$((n + 1))
	done
	printf '%-44s left something %2d of %d\n' "$name" "$n" "$TRIALS"
	[ "$n" -eq 0 ] || bad=1
}

for sig in KILL QUIT; do
	scenario "run sysv-sem, SIG$sig" $sig \
		"$RACELAB" run --strategy sysv-sem --procs 3 --iters 10000000000
	scenario "run flock --lock-file, SIG$sig" $sig \
		"$RACELAB" run --strategy flock --procs 3 --iters 10000000000 \
		--lock-file "$dir/counter.lock"
done
scenario "run sysv-sem-noundo, SIGKILL" KILL \
	"$RACELAB" run --strategy sysv-sem-noundo --procs 3 --iters 10000000000
scenario "run sysv-msg, SIGKILL" KILL \
	"$RACELAB" run --strategy sysv-msg --procs 3 --iters 10000000000
scenario "bench sysv-sem,flock, SIGKILL" KILL \
	"$RACELAB" bench --strategies sysv-sem,flock --procs 2 --repeat 3
for sig in USR1 USR2 ALRM XCPU; do
	scenario "run sysv-sem, SIG$sig" $sig \
		"$RACELAB" run --strategy sysv-sem --procs 3 --iters 10000000000
done
exit $bad
