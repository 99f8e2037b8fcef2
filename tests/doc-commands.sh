#!/bin/sh
# doc-commands.sh - run every racelab command that README.md and docs/ show,
# and check its exit status, so that the docs cannot drift from the tool.
#
#   sh tests/doc-commands.sh [FILE.md ...]     (default: README.md docs/**/*.md)
#   RACELAB=./racelab-asan sh tests/doc-commands.sh      (another build)
#
# What is a command. A line of a code block (fenced with ``` or ~~~, or
# indented by four spaces after a blank line) that starts, after an
# optional "$ " prompt, with `racelab `, `./racelab `, `racelab-tsan ` or
# `./racelab-tsan `, or a `for`/`while`/`until` loop that calls racelab.
# In a block that has "$ " prompts only the prompted lines are commands:
# the rest is output. A line such as "(modified copy) $ ./racelab-tsan ..."
# is not a command of this tool and is not run.
#
# How it runs. Each file's commands run in document order (a page's later
# lines depend on its earlier ones: create, incr, show, destroy), each file
# in a fresh private directory that is its working directory, with a
# private TMPDIR. ./racelab and ./racelab-tsan there, and racelab and
# racelab-tsan on PATH, are symlinks to $RACELAB and $RACELAB_TSAN
# (default: the ones built in this tree), and docs/ links to the tree's
# docs/ (for docs/examples/). Each line runs as written, with sh -c, stdin
# from /dev/null, under timeout(1) ($DOC_TIMEOUT seconds, default 120),
# which kills the line's whole process group if it hangs. A pipeline's
# status is its last command's (POSIX sh has no pipefail).
#
# What it checks. The exit status must be 0, 3 (lost updates) or 4
# (deadlock), which are lessons, never 1 (system error) or 2 (usage
# error), unless the line ends with a comment that says what it returns:
# `# exit 2`, `# exit 66` (ThreadSanitizer reported), `# exit 66 or 3`.
# And nothing may be left in the private TMPDIR after a line (racelab
# unlinks its lock files at once).
#
# Substitutions, so that the check never collides with a real object:
# - the key 0xF00 (any case, or as ipcs prints it: 0x00000f00), which the
#   pages use for `racelab segment`, is replaced with a random key that
#   names no shared memory segment and no semaphore set, one per file;
#   after the file, whatever is still at that key is destroyed (`racelab
#   segment destroy`; a SysV object racelab failed to remove there is
#   removed with ipcrm and counted a failure);
# - in docs/segment.md, 0x520023b4 (the page's ftok key of its file
#   `counter`) is replaced with the ftok key of the private `counter`,
#   which is made anew until that key is free;
# - /tmp/docsrun, the scratch directory the pages' runs used, is replaced
#   with the file's private directory.
#
# Other shell lines a page's racelab lines depend on (a planted symlink, an
# object another user made first) run too, in their place, when SETUP
# lists them; they must exit 0. Not as root, a SETUP line's
# `runuser -u USER -- ` is dropped: the object is the same, only its owner
# differs.
#
# A code block after an HTML comment `<!-- needs: NAME -->` runs only when
# `racelab list` names the strategy NAME (one being added on another
# branch); otherwise its commands are reported as skipped.
#
# The documented subset: the lines in SKIP are not run, each for the
# reason given. A SKIP or SETUP entry that matches no line is a failure, so
# the lists cannot go stale. Every other command runs exactly as written:
# nothing is appended to it.
#
# Output: one line per command (ok, FAIL or skip; the seconds it took when
# 3 or more), file by file (the files run side by side: DOC_JOBS, below),
# then the slowest lines, and `N skipped` and `N passed, N failed`. Exit status 0 when nothing
# failed, 1 otherwise.

set -u

# echo, without dash's interpretation of backslashes (commands have \n).
say() {
	printf '%s\n' "$*"
}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

abs() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$root/$1" ;;
	esac
}
RACELAB=$(abs "${RACELAB:-./racelab}")
RACELAB_TSAN=$(abs "${RACELAB_TSAN:-./racelab-tsan}")
# A hang guard, not a speed bound: twice the slowest line seen beside two
# busy loops (a yield or a FIFO lock's handoff under load waits out other
# programs' time slices).
DOC_TIMEOUT=${DOC_TIMEOUT:-120}

for b in "$RACELAB" "$RACELAB_TSAN"; do
	if [ ! -x "$b" ]; then
		say "doc-commands: $b is not built (make racelab racelab-tsan)" >&2
		exit 1
	fi
done

# The documented subset: "FILE: COMMAND" exactly as the page shows it
# (after the prompt), then a tab-indented "why:" line.
SKIP=$(
	cat <<'EOF'
README.md: for i in $(seq 8); do racelab segment incr --key 0xF00 --times 1000000 & done; wait
	why: 8,000,000 increments under sysv-sem (created the line before) took 62 s on 2 cores; docs/segment.md runs the same loop at 100,000 each
docs/README.md: ./racelab run --strategy $s --procs $p --format csv | tail -n +2
	why: the body of a loop over every strategy, 5 rounds x 8 strategies x 2 procs (minutes); $s and $p are the loop's variables; the pages run each strategy at 1 and 2 procs
docs/crash-recovery.md: ./racelab run --strategy all --crash-at 5000 --timeout 2
	why: with 37 strategies, 24 of which wait out the 2 s watchdog after the crash, the line takes over 60 s (measured 60+ under load); tests/test_crash.c crashes every strategy's holder one by one (from its .crash), and the page's per-strategy lines run here
README.md: racelab run --strategy all --crash-at 5000
	why: as crash-recovery.md's line, with the default 5 s watchdog: 24 deadlocking strategies x 5 s; tests/test_crash.c crashes every strategy's holder one by one
README.md: racelab run --strategy all --procs 4 --format csv
	why: 37 strategies, each calibrated, at 4 workers on 2 CPUs: over 60 s under load (the FIFO locks hand over to preempted waiters); tests/test_strategies.c runs every strategy at 1, 2 and 8 workers, and README's COLUMNS=80 racelab run --strategy all --procs 2 --iters 100000 runs them all here
docs/tsan.md: ./racelab run --strategy sysv-sem --procs 1 --iters 3000000 --format csv &
	why: started in the background only for the next lines (grep /proc/PID/maps, ipcs) to look at; run alone it would outlive its line
docs/tsan.md: ./racelab-tsan run --mode thread --strategy sysv-sem --procs 2 --iters 10000
	why: the page runs it in a modified copy of the tree (the TSAN_ACQUIRE/RELEASE lines deleted) to show a false report; this tree's build is checked by docs/strategies/sysv-sem.md's line
docs/shared-memory.md: racelab segment incr --key 0xF00 --times 10000000000 &
	why: started in the background to stay attached while the next lines destroy the segment; the page stops it with kill -INT $!, which a line of its own cannot
README.md: racelab bench                                       # every strategy that must be exact, 1..2 x CPUs workers
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
README.md: racelab bench --svg overhead.svg                    # the same sweep, plus a self-contained SVG chart
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
README.md: racelab bench --duration 1 --strategies atomic,robust-mutex   # fixed time: each worker's share shows fairness
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
README.md: racelab bench --pin spread                          # CPU placement: none (default), spread, compact
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
docs/benchmarking.md: racelab bench                                    # every strategy that must be exact, 1..2 x CPUs workers
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
docs/benchmarking.md: racelab bench --strategies all --svg overhead.svg    # the racy ones too, and a chart
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
docs/benchmarking.md: racelab bench --duration 1 --strategies flock,sysv-sem   # fixed time: per-worker shares show fairness
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
docs/benchmarking.md: racelab bench --pin spread                       # pin workers to CPUs (spread, compact or none)
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
docs/benchmarking.md: racelab bench --strategies all --svg docs/img/overhead.svg
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
docs/benchmarking.md: racelab bench --duration 1 --strategies atomic,robust-mutex,sysv-sem,flock --procs 2,4 --repeat 3
	why: a whole sweep, 30-60 s on 2 cores; tests/test_bench.c runs the same options on small sweeps, and each page's --procs 1,2,4 line runs here
EOF
)

# Shell lines that racelab lines depend on, run in their place: "FILE:
# COMMAND" as the page shows it, then a tab-indented "why:" line.
SETUP=$(
	cat <<'EOF'
docs/strategies/flock.md: ln -s /tmp/docsrun/target /tmp/docsrun/lnk
	why: the symlink that --lock-file must refuse (exit 2)
docs/segment.md: touch counter
	why: --path counter needs an existing file (ftok)
docs/reproducing.md: printf 'strategy,worker,index,read,wrote,overwritten,lost_here,t_read,t_write\nnone,0,1,5,7,5,0,1,2\n' > /tmp/docsrun/bad.csv
	why: a trace file racelab never wrote, which racelab trace must refuse (exit 2)
docs/shared-memory.md: runuser -u nobody -- perl -e 'use IPC::SysV qw(IPC_CREAT); shmget(0xF00, 8, IPC_CREAT | 0666) // die "shmget: $!\n"'
	why: another user's segment at the key, which racelab must refuse to create over or to use (exit 2)
docs/shared-memory.md: ipcrm -M 0xF00
	why: removes that segment before the page goes on
docs/shared-memory.md: runuser -u nobody -- perl -e 'use IPC::SysV qw(IPC_CREAT); semget(0xF00, 1, IPC_CREAT | 0666) // die "semget: $!\n"'
	why: another user's semaphore set at the key (value 0), which sysv-sem create must refuse (exit 2)
docs/shared-memory.md: ipcrm -S 0xF00
	why: removes that set before the page goes on
EOF
)

work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-doc.XXXXXX") || exit 1
keys="" # the keys the current file uses
cleanup() {
	# Interrupted in the middle of a file: remove what it made.
	for k in $keys; do
		"$RACELAB" segment destroy --key "$k" >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir "$work/bin"
ln -s "$RACELAB" "$work/bin/racelab"
ln -s "$RACELAB_TSAN" "$work/bin/racelab-tsan"
PATH="$work/bin:$PATH"
NO_COLOR=1
export PATH NO_COLOR

passed=0
failed=0
skipped=0
used="$work/used" # the SKIP and SETUP entries that matched a line
: >"$used"

# Print every line of a Markdown file the checker may run:
# LINE<tab>KIND<tab>NEEDS<tab>TEXT, KIND c for a racelab command, o for any
# other prompted line.
extract() {
	awk '
	function add(l) { n++; blk[n] = l; ln[n] = NR }
	function iscmd(l) {
		if (l ~ /^(\.\/)?racelab(-tsan)?( |$)/)
			return 1
		return l ~ /^(for|while|until) / &&
		    l ~ /(^|[ ;&|(])(\.\/)?racelab(-tsan)? /
	}
	function flush(   i, p, l, k) {
		p = 0
		for (i = 1; i <= n; i++)
			if (blk[i] ~ /^\$ /)
				p = 1
		for (i = 1; i <= n; i++) {
			l = blk[i]
			if (p) {
				if (l !~ /^\$ /)
					continue
				sub(/^\$ +/, "", l)
			}
			sub(/[ \t]+$/, "", l)
			k = iscmd(l) ? "c" : p ? "o" : ""
			if (k != "")
				printf "%d\t%s\t%s\t%s\n", ln[i], k,
				    needs == "" ? "-" : needs, l
		}
		if (n)
			needs = ""
		n = 0
	}
	BEGIN { blank = 1 }
	{
		sub(/\r$/, "")
		if (fence != "") {
			l = $0
			sub(/^ +/, "", l)
			if (substr(l, 1, length(fence)) == fence &&
			    l ~ /^(`+|~+)[ \t]*$/) {
				fence = ""
				flush()
			} else {
				sub(/^[ \t]+/, "", l)
				add(l)
			}
			next
		}
		if (match($0, /^ ? ? ?(```+|~~~+)/)) {
			if (indented)
				flush()
			indented = 0
			fence = substr($0, RSTART, RLENGTH)
			sub(/^ +/, "", fence)
			next
		}
		if ($0 ~ /^[ \t]*$/) {
			blank = 1
			next
		}
		if ($0 ~ /^(    |\t)/ && (indented || blank)) {
			indented = 1
			blank = 0
			l = $0
			sub(/^[ \t]+/, "", l)
			add(l)
			next
		}
		if (indented)
			flush()
		indented = 0
		blank = 0
		if (match($0, /<!-- *needs: *[A-Za-z0-9_-]+ *-->/)) {
			needs = substr($0, RSTART, RLENGTH)
			sub(/<!-- *needs: */, "", needs)
			sub(/ *-->/, "", needs)
		}
	}
	END { flush() }
	' "$1"
}

# Blanks squeezed to one space, none at either end.
squeeze() {
	tr '\t' ' ' | tr -s ' ' | sed 's/^ //; s/ $//'
}

# In LIST (SKIP or SETUP), the reason given for FILE's TEXT, or nothing.
reason() {
	# Through the environment: awk -v would interpret backslashes.
	printf '%s\n' "$1" | f="$2" c="$3" awk '
	function norm(s) {
		gsub(/[ \t]+/, " ", s)
		sub(/^ /, "", s)
		sub(/ $/, "", s)
		return s
	}
	/^\t/ {
		if (hit) {
			r = $0
			sub(/^\twhy: */, "", r)
			print r
			exit
		}
		next
	}
	{
		i = index($0, ": ")
		hit = substr($0, 1, i - 1) == ENVIRON["f"] &&
		    norm(substr($0, i + 2)) == norm(ENVIRON["c"])
	}'
}

# The exit statuses a command's trailing "# exit N [or M]" allows, or
# the default.
allowed() {
	printf '%s\n' "$1" | awk '{
		if (!match($0, /[ \t]#[ \t]/)) {
			print "0 3 4"
			exit
		}
		c = substr($0, RSTART + 3)
		if (match(c, /exit +[0-9]+(( *, *| +or +)[0-9]+)*/)) {
			s = substr(c, RSTART + 4, RLENGTH - 4)
			gsub(/[^0-9]+/, " ", s)
			sub(/^ /, "", s)
			print s
		} else
			print "0 3 4"
	}'
}

# Is this key (a number) free in both SysV tables?
key_free() {
	! awk -v k="$1" 'FNR > 1 && $1 == k { f = 1 } END { exit !f }' \
		/proc/sysvipc/shm /proc/sysvipc/sem
}

# A random key, 0x%08x, naming no segment and no semaphore set.
free_key() {
	while :; do
		k=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
		k=$((k & 0x7fffffff)) # /proc/sysvipc prints keys signed
		if [ "$k" -ne 0 ] && key_free "$k"; then
			printf '0x%08x\n' "$k"
			return
		fi
	done
}

# ftok(FILE, 'R') as glibc computes it.
ftok_key() {
	# shellcheck disable=SC2046 # two numbers, split on purpose
	set -- $(stat -L -c '%d %i' "$1")
	printf '0x%08x\n' $(((0x52 << 24) | (($1 & 0xff) << 16) | ($2 & 0xffff)))
}

# docs/segment.md's `counter`, made anew until its ftok key is free.
counter_key() {
	while :; do
		rm -f counter
		: >counter
		ftok=$(ftok_key counter)
		key_free $((ftok)) && break
	done
	keys="$keys $ftok"
}

# Remove whatever the page left at the keys it used.
release_keys() {
	for k in $keys; do
		racelab segment destroy --key "$k" >/dev/null 2>&1
		if ! key_free $((k)); then
			say "FAIL $f: SysV objects left at key $k after racelab segment destroy:"
			grep -E "^ *$((k)) " /proc/sysvipc/shm /proc/sysvipc/sem
			ipcrm -M "$k" 2>/dev/null
			ipcrm -S "$k" 2>/dev/null
			failed=$((failed + 1))
		fi
	done
	keys=""
}

# The line as it runs here (see Substitutions above).
substitute() {
	printf '%s\n' "$1" | sed \
		-e "s/0[xX]0*[fF]00\([^0-9A-Za-z]\)/$key\1/g" \
		-e "s/0[xX]0*[fF]00\$/$key/" \
		-e "s/0x520023b4/${ftok:-0x520023b4}/g" \
		-e "s|/tmp/docsrun|$dir/docsrun|g"
}

run_file() {
	f=$1
	n=$((n + 1))
	dir="$work/f$n"
	mkdir "$dir" "$dir/tmp" "$dir/docsrun"
	ln -s "$RACELAB" "$dir/racelab"
	ln -s "$RACELAB_TSAN" "$dir/racelab-tsan"
	ln -s "$root/docs" "$dir/docs"
	extract "$f" >"$dir/lines"
	key=$(free_key)
	keys=$key
	ftok=""
	cd "$dir" || exit 1
	while IFS="$(printf '\t')" read -r line kind needs cmd; do
		where="$f:$line"
		if [ "$kind" = o ]; then
			why=$(reason "$SETUP" "$f" "$cmd")
			[ -n "$why" ] || continue
			printf '%s\n' "$f: $cmd" | squeeze >>"$used"
			run=$(substitute "$cmd")
			if [ "$(id -u)" -ne 0 ]; then
				run=$(printf '%s\n' "$run" |
					sed 's/^runuser -u [^ ]* -- //')
			fi
			if ! sh -c "$run" </dev/null >"$dir/out" 2>&1; then
				say "FAIL $where: setup line: $cmd"
				sed 's/^/     | /' "$dir/out"
				failed=$((failed + 1))
			fi
			continue
		fi
		why=$(reason "$SKIP" "$f" "$cmd")
		if [ -n "$why" ]; then
			printf '%s\n' "$f: $cmd" | squeeze >>"$used"
			say "skip $where: $cmd"
			say "     ($why)"
			skipped=$((skipped + 1))
			continue
		fi
		if [ "$needs" != - ] &&
			! "$RACELAB" list | awk '{ print $1 }' | grep -qx -- "$needs"; then
			say "skip $where: $cmd"
			say "     (needs the strategy $needs, not in this build)"
			skipped=$((skipped + 1))
			continue
		fi
		if [ "$f" = docs/segment.md ] && [ -z "$ftok" ] &&
			[ -e counter ]; then
			counter_key
		fi
		want=$(allowed "$cmd")
		run=$(substitute "$cmd")
		t0=$(date +%s.%N)
		TMPDIR="$dir/tmp" timeout -k 5 "$DOC_TIMEOUT" sh -c "$run" \
			</dev/null >"$dir/out" 2>&1
		status=$?
		took=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")
		printf '%s\t%s: %s\n' "$took" "$where" "$cmd" >>"$work/times"
		[ "${took%.*}" -lt 3 ] || where="$where (${took%.*} s)"
		problem=""
		case " $want " in
		*" $status "*) ;;
		*) problem="exit $status, the docs allow $want" ;;
		esac
		if [ "$status" -eq 124 ]; then
			problem="timed out after $DOC_TIMEOUT s"
		fi
		left=$(ls -A "$dir/tmp")
		if [ -n "$left" ]; then
			problem="${problem:+$problem; }left in TMPDIR: $left"
			rm -rf "$dir/tmp" && mkdir "$dir/tmp"
		fi
		if [ -z "$problem" ]; then
			say "ok   $where: $cmd"
			passed=$((passed + 1))
		else
			say "FAIL $where: $cmd"
			[ "$run" = "$cmd" ] || say "     ran: $run"
			say "     $problem; its output ends:"
			tail -n 8 "$dir/out" | sed 's/^/     | /'
			failed=$((failed + 1))
		fi
	done <"$dir/lines"
	release_keys
	cd "$root" || exit 1
}

if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046 # no blanks in the docs' names
	set -- README.md $(find docs -name '*.md' | LC_ALL=C sort)
fi
# The files run side by side, DOC_JOBS groups at once (default: the
# online CPUs: the pages' heavy lines, spin locks with a yield inside, time
# out when more run at once), each group's files in
# order in one subshell with its own counters and log; every file has its
# own directory, TMPDIR and keys, so they cannot meet. The logs are printed
# group by group when all are done.
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
jobs=${DOC_JOBS:-$cpus}
g=0
while [ "$g" -lt "$jobs" ]; do
	(
		passed=0 failed=0 skipped=0 n=$((g * 1000)) i=0
		for file in "$@"; do
			[ $((i % jobs)) -eq "$g" ] && run_file "$file"
			i=$((i + 1))
		done
		echo "$passed $failed $skipped" >"$work/count$g"
	) >"$work/log$g" 2>&1 &
	g=$((g + 1))
done
wait
g=0
while [ "$g" -lt "$jobs" ]; do
	cat "$work/log$g"
	read -r p fl s <"$work/count$g" || { p=0 fl=1 s=0; }
	passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
	g=$((g + 1))
done

# A SKIP or SETUP entry that matched no line has gone stale.
stale=$(printf '%s\n%s\n' "$SKIP" "$SETUP" | grep -v "$(printf '^\t')" |
	while IFS= read -r e; do
		case " $* " in
		*" ${e%%: *} "*) ;;
		*) continue ;; # that file was not checked this time
		esac
		printf '%s\n' "$e" | squeeze | grep -qxFf - "$used" ||
			printf '%s\n' "$e"
	done)
if [ -n "$stale" ]; then
	printf '%s\n' "$stale" | while IFS= read -r e; do
		say "FAIL SKIP or SETUP entry matches no line in the docs: $e"
	done
	failed=$((failed + $(printf '%s\n' "$stale" | wc -l)))
fi

# Where the time went: the slowest lines, and all of them together.
if [ -s "$work/times" ]; then
	say "the slowest lines (seconds; the files ran $jobs at once):"
	sort -rn "$work/times" | head -n 8 | cut -c 1-100 | sed 's/^/  /'
	awk -F '\t' '{ s += $1 } END { printf "  %.0f s in all, %d lines\n", s, NR }' "$work/times"
fi
say "$skipped skipped (the documented subset: SKIP in tests/doc-commands.sh, or a strategy this build lacks)"
say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
