# checklib.sh - what every lab's check.sh shares. Sourced, not run:
#
#	. "$(dirname "$0")/../checklib.sh"
#
# A checker runs the lab's racelab binary on a few cases, one after the
# other, and stops at the first one that is wrong with a message that says
# in words what is wrong and what to look at, and the command that shows it.
# It exits 0 only when every case passed.
#
# The environment comes from labs/lab.mk: RACELAB (the binary with the
# student's file, or the reference with SOLUTION=1), RACELAB_TSAN (lab 04),
# LAB_NAME, LAB_WHOSE ("your sysv-sem.c"), LAB_SOURCES (the files under
# test), LAB_BUILD (the build directory, where the checker keeps its scratch
# files), CC.
#
# After rl_run, these hold the outcome of the run:
#	R_rc		racelab's exit status (0 exact, 1 failed, 2 usage,
#			3 lost, 4 deadlock, 66 TSan report, 124 hung)
#	R_expected R_final R_lost R_verdict R_detail R_recovery R_recoveries
#			the CSV columns of the same names ("" if no row)
#	R_cmd		the command, as the student would type it in the lab
#	R_err		the file holding its stderr
# shellcheck shell=sh

: "${RACELAB:?run the checker with make check}"
: "${LAB_NAME:=lab}"
: "${LAB_WHOSE:=your code}"
: "${LAB_BUILD:=build}"
LAB_TIMEOUT=${LAB_TIMEOUT:-60} # a hung racelab is stopped after this
lab_cases=0

# 1934221 -> 1,934,221; also every whole number within a text.
num() {
	printf '%s\n' "$1" |
		sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[^0-9]\)/\1,\2\3/' -e 'ta'
}

# lab_begin N: N cases follow, each ending in ok or fail.
lab_begin() {
	lab_want=$1
	mkdir -p "$LAB_BUILD"
	R_out=$LAB_BUILD/check.out
	R_err=$LAB_BUILD/check.err
	echo "$LAB_NAME: checking $LAB_WHOSE"
	if [ ! -x "$RACELAB" ]; then
		echo "  cannot run $RACELAB: build it with make" >&2
		exit 1
	fi
}

# Print "  ok    text" for a case that passed.
ok() {
	lab_cases=$((lab_cases + 1))
	echo "  ok    $*"
}

# Print a case that failed, the explanation (each argument a paragraph,
# wrapped) and how to see it again, then stop with status 1.
fail() {
	title=$1
	shift
	echo "  FAIL  $title"
	for para in "$@"; do
		printf '%s\n' "$para" | fold -s -w 66 | sed 's/ *$//; s/^/        /'
	done
	if [ -n "${R_cmd:-}" ]; then
		echo "        to see it yourself:"
		echo "          $R_cmd"
	fi
	said=$(grep '^racelab' "$R_err" 2>/dev/null |
		head -n 4)
	if [ -n "$said" ]; then
		echo "        racelab said on stderr:"
		printf '%s\n' "$said" | cut -c 1-100 | sed 's/^/          /'
	fi
	echo "$LAB_NAME: NOT YET ($lab_cases case(s) passed before this one)."
	echo "Fix this, then run make check again."
	exit 1
}

# Every case must have said ok: a checker that skipped one (a typo, a
# missing function) must not pass anything.
lab_end() {
	if [ "$lab_cases" -ne "$lab_want" ]; then
		echo "$LAB_NAME: CHECKER ERROR: $lab_cases of $lab_want cases" \
			"passed and none failed; this is a bug in check.sh" >&2
		exit 2
	fi
	echo "$LAB_NAME: PASSED, all $lab_cases cases."
	exit 0
}

# Split one CSV line (quoted fields allowed) and print shell assignments
# R_<column>='value' for the header line's columns.
csv_assign() { # HEADER ROW
	printf '%s\n%s\n' "$1" "$2" | awk '
	function split_csv(line, f,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") {
						cur = cur c; i++
					} else
						q = 0
				} else
					cur = cur c
			} else if (c == "\"")
				q = 1
			else if (c == ",") {
				f[++n] = cur; cur = ""
			} else
				cur = cur c
		}
		f[++n] = cur
		return n
	}
	NR == 1 { nh = split_csv($0, head) }
	NR == 2 {
		split_csv($0, val)
		for (i = 1; i <= nh; i++) {
			v = val[i]
			gsub(/\047/, "\047\\\047\047", v)
			printf "R_%s=\047%s\047\n", head[i], v
		}
	}'
}

# rl_run [--tsan] ARGS...: racelab run --format csv ARGS, with a time limit.
rl_run() {
	bin=$RACELAB
	if [ "${1:-}" = --tsan ]; then
		shift
		bin=$RACELAB_TSAN
	fi
	case $bin in
	/*) R_cmd="$bin run $*" ;;
	*) R_cmd="./$bin run $*" ;;
	esac
	# shellcheck disable=SC2034 # read by the checkers
	R_expected="" R_final="" R_lost="" R_verdict="" R_detail="" R_recovery="" R_recoveries="" R_procs="" R_iters=""
	timeout -k 5 "$LAB_TIMEOUT" "$bin" run --format csv "$@" \
		>"$R_out" 2>"$R_err" </dev/null
	R_rc=$?
	if [ "$(wc -l <"$R_out")" -ge 2 ]; then
		eval "$(csv_assign "$(sed -n 1p "$R_out")" "$(sed -n 2p "$R_out")")"
	fi
}

# Does the code of LAB_SOURCES (comments left out) contain this word? For
# the rare rule that no run can show, as a robust mutex that works between
# processes on glibc without being declared PTHREAD_PROCESS_SHARED.
code_mentions() {
	# shellcheck disable=SC2086 # a list of files
	for f in $LAB_SOURCES; do
		${CC:-cc} -fpreprocessed -dD -E -P "$f" 2>/dev/null
	done | grep -qw "$1"
}

# The definition of function NAME in LAB_SOURCES, comments left out, on one
# line (empty if there is none): for telling apart mistakes that every run
# shows alike, as a V before P from P and V swapped.
function_code() { # NAME
	# shellcheck disable=SC2086 # a list of files
	for f in $LAB_SOURCES; do
		${CC:-cc} -fpreprocessed -dD -E -P "$f" 2>/dev/null
	done | awk -v name="$1" '
	!on && index($0, name "(") && $0 !~ /;[ \t]*$/ && $0 ~ /^[A-Za-z_]/ { on = 1 }
	on {
		printf "%s ", $0
		ob += gsub(/\{/, "{"); cb += gsub(/\}/, "}")
		if (ob > 0 && ob == cb) exit
	}'
}

# The first CPU this process may run on (0 on most machines), for --cpus.
first_cpu() {
	sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status
}

# The first two CPUs this process may run on, as "A,B" for --cpus; nothing
# when it may use only one.
two_cpus() {
	sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status |
		tr ',' '\n' | awk -F- '
		{ lo = $1; hi = NF > 1 ? $2 : $1
		  for (c = lo; c <= hi && n < 2; c++) cpu[++n] = c }
		END { if (n == 2) print cpu[1] "," cpu[2] }'
}

# How many reports ThreadSanitizer printed in the last run.
tsan_reports() {
	grep -c 'WARNING: ThreadSanitizer' "$R_err"
}

# TSan's one-line summary of its first report, without directories:
# "data race atomic.c:28:152 in plain_add".
tsan_summary() {
	grep -m 1 'SUMMARY: ThreadSanitizer' "$R_err" |
		sed 's/^SUMMARY: ThreadSanitizer: //; s| /[^ ]*/| |'
}

# Did the last run's stderr say this (a strerror text, say)?
said() {
	grep -q "$1" "$R_err"
}

# The DEADLOCK detail, one worker a line: "ID DONE" or "ID DONE killed".
# (The detail reads "...; increments done: w0 1,024, w1 99 (killed)": the
# workers are separated by ", ", the digits grouped by ",".) In the fast
# loop a worker publishes its count every 1,024 increments, so DONE may be
# up to 1,023 behind.
deadlock_workers() {
	printf '%s\n' "$R_detail" | sed 's/.*increments done: *//; s/, /\n/g' |
		sed -n 's/^w\([0-9]*\) \([0-9,]*\)\( (killed)\)\{0,1\}$/\1 \2\3/p' |
		sed 's/,//g; s/ (killed)/ killed/'
}

# The outcome of the last run in a few words, for a generic message.
outcome_words() {
	case $R_rc in
	0) echo "exact: final count $(num "$R_final") of $(num "$R_expected")" ;;
	3) echo "final count $(num "$R_final") of $(num "$R_expected"): $(num "$R_lost") increments lost" ;;
	4) echo "DEADLOCK: $R_detail" ;;
	124 | 137) echo "racelab did not finish within $LAB_TIMEOUT s" ;;
	66) echo "ThreadSanitizer reported a problem" ;;
	*) echo "racelab exited with status $R_rc${R_detail:+: $R_detail}" ;;
	esac
}
