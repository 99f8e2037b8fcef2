#!/bin/sh
# plot.sh - lab 06: a text chart of the CSV that sweep.sh wrote: for each
# strategy and worker count, the median ns per increment over the repeats,
# its spread (min-max), and a bar on a log scale (one decade is 8 marks).
#
#	sh labs/06-overhead/plot.sh build/overhead.csv
#
# Columns are found by name in the header, so any racelab CSV will do.
set -u

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: sh plot.sh FILE.csv (from sweep.sh)" >&2
	exit 2
fi

awk -F, '
NR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	if (!("strategy" in col) || !("procs" in col) || !("ns_per_op" in col)) {
		print "plot.sh: no strategy, procs or ns_per_op column" > "/dev/stderr"
		exit 2
	}
	next
}
{
	key = $col["strategy"] SUBSEP $col["procs"]
	if (!(key in n)) {
		order[++keys] = key
	}
	v[key, ++n[key]] = $col["ns_per_op"] + 0
}
function log10(x) { return log(x) / log(10) }
END {
	print "ns per increment: median [min-max] of the runs; bar: log scale"
	printf "%-16s %5s %32s  %s\n", "strategy", "procs", "ns/incr",
		"0.1ns   1ns     10ns    100ns   1us     10us    100us"
	for (k = 1; k <= keys; k++) {
		key = order[k]
		m = n[key]
		# insertion sort of the values of this key
		for (i = 1; i <= m; i++)
			s[i] = v[key, i]
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && s[j - 1] > s[j]; j--) {
				t = s[j]; s[j] = s[j - 1]; s[j - 1] = t
			}
		med = m % 2 ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
		split(key, part, SUBSEP)
		bar = ""
		len = med > 0 ? int((log10(med) + 1) * 8 + 0.5) : 0
		for (i = 0; i < len && i < 48; i++)
			bar = bar "#"
		printf "%-16s %5s %10.1f [%9.1f-%9.1f]  %s\n", part[1], part[2],
			med, s[1], s[m], bar
	}
}' "$1"
