#!/bin/sh
# mistakes.sh - does each checker catch the mistakes students really make,
# and say so in the right words?
#
# Each line below takes a reference strategy file from src/strategies/,
# breaks it the way a student would (a sed script), builds the lab with the
# broken copy (in a temporary directory, never in labs/), runs the lab's
# checker, and expects it to FAIL with the given words in its message.
#
#	sh labs/mistakes.sh [LAB...]	(from the top of the tree; all labs
#					 when none is named; VERBOSE=1 shows
#					 each checker's whole answer)
#
# For teachers and for whoever changes a checker. Not part of `make test`:
# one build and one checker run per mistake take a few minutes in all.
# Exit status 0 when every mistake was caught with its words.
set -u

cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-mistakes.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
only=" $* "
passed=0 failed=0

# mistake LAB FILE WHAT SED-SCRIPT WORDS
mistake() {
	lab=$1 file=$2 what=$3 script=$4 words=$5
	case $only in
	"  ") ;;
	*" $lab "*) ;;
	*) return ;;
	esac
	dir=$work/$lab/$(printf '%s' "$what" | tr -c 'a-zA-Z0-9' _)
	mkdir -p "$dir"
	sed -e "$script" "src/strategies/$file" >"$dir/$file"
	if cmp -s "src/strategies/$file" "$dir/$file"; then
		echo "FAIL  $lab: $what: the sed script changed nothing"
		failed=$((failed + 1))
		return
	fi
	# Common objects are shared by the mistakes of one lab; the student's
	# object is rebuilt for each.
	rm -f "$work/$lab/build/student/${file%.c}.o" "$work/$lab/build/racelab"
	if ! make -s -C "labs/$lab" "$work/$lab/build/racelab" \
		STUDENT_DIR="$dir" BUILD="$work/$lab/build" \
		>"$dir/build.log" 2>&1; then
		echo "FAIL  $lab: $what: does not compile:"
		sed 's/^/        /' "$dir/build.log" | head -n 20
		failed=$((failed + 1))
		return
	fi
	make -s -C "labs/$lab" check STUDENT_DIR="$dir" \
		BUILD="$work/$lab/build" >"$dir/check.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "FAIL  $lab: $what: the checker PASSED it"
		failed=$((failed + 1))
	# The checker folds its messages: compare on one line.
	elif ! tr '\n' ' ' <"$dir/check.log" | sed 's/   */ /g' |
		grep -q "$words"; then
		echo "FAIL  $lab: $what: the checker failed it without saying \"$words\":"
		sed 's/^/        /' "$dir/check.log"
		failed=$((failed + 1))
	else
		echo "ok    $lab: $what: \"$words\""
		[ -z "${VERBOSE:-}" ] || sed 's/^/        /' "$dir/check.log"
		passed=$((passed + 1))
	fi
}

# Lab 02: sysv-sem.c
L=02-sysv-semaphore F=sysv-sem.c
mistake $L $F "starts at 0" \
	's/\.val = 1 }/.val = 0 }/' 'the semaphore starts at 0'
mistake $L $F "starts at 2" \
	's/\.val = 1 }/.val = 2 }/' 'Either it starts at 2'
mistake $L $F "P and V swapped" \
	's/sysv_sem_op(w, -1)/sysv_sem_op(w, +7)/; s/sysv_sem_op(w, +1)/sysv_sem_op(w, -1)/; s/+7)/+1)/' \
	'are they swapped'
mistake $L $F "V takes instead of giving" \
	's/sysv_sem_op(w, +1)/sysv_sem_op(w, -1)/' "V did not give the 1 back"
mistake $L $F "no SEM_UNDO" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = 0/' 'nothing gave the 1 back'
mistake $L $F "SEM_UNDO on P only" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = delta < 0 ? SEM_UNDO : 0/' \
	'SEM_UNDO on P but not on V'
mistake $L $F "SEM_UNDO on V only" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = delta > 0 ? SEM_UNDO : 0/' \
	'SEM_UNDO'
mistake $L $F "IPC_NOWAIT" \
	's/\.sem_flg = SEM_UNDO/.sem_flg = SEM_UNDO | IPC_NOWAIT/' 'IPC_NOWAIT'

echo "mistakes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
