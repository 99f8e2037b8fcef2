/*
 * test_bench.c - `racelab bench`: bad input (exit 2, one line, nothing
 * created), the CSV and JSON schemas, every run verified (deliberately
 * broken strategies, defined here, make the sweep fail loudly), a refused
 * point skipped with its reason, fixed-time mode's count equal to the sum of
 * the workers' tallies, the SVG well-formed XML with one series per
 * strategy, the progress line only on a terminal, a Ctrl-C that leaves
 * nothing behind, and a ThreadSanitizer build that refuses to time itself.
 *
 * Runs are kept tiny (--target-ms 5, --repeat 1 or 2, one or two worker
 * counts) so the whole suite takes a few seconds.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/registry.h"
#include "core/bench.h"
#include "core/loop.h"
#include "out/bench-load.h"
#include "out/svg.h"
#include "servers.h"
#include "store/store.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- a small XML well-formedness checker ------------------------------ */

/*
 * Enough of XML 1.0 for what racelab writes, and strict about it: one root
 * element; tags that nest and match; attributes named once each, values in
 * quotes without '<'; every '&' a known entity or a character reference;
 * comments, the XML declaration and processing instructions. No DOCTYPE or
 * CDATA (racelab writes neither).
 */
static bool xml_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == ':';
}

static bool xml_name_char(char c)
{
	return xml_name_start(c) || isdigit((unsigned char)c) || c == '-' ||
	       c == '.';
}

static const char *xml_name(const char *p)
{
	if (!xml_name_start(*p))
		return NULL;
	while (xml_name_char(*p))
		p++;
	return p;
}

static const char *xml_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* After '&': one reference, up to and including ';'. */
static const char *xml_reference(const char *p)
{
	static const char *const named[] = { "amp;", "lt;", "gt;", "quot;",
					     "apos;" };

	if (*p == '#') {
		const char *s = ++p;

		if (*p == 'x') {
			for (s = ++p; isxdigit((unsigned char)*p); p++)
				;
		} else {
			while (isdigit((unsigned char)*p))
				p++;
		}
		return p > s && *p == ';' ? p + 1 : NULL;
	}
	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strncmp(p, named[i], strlen(named[i])) == 0)
			return p + strlen(named[i]);
	return NULL;
}

/* Character data up to the next '<' (or the end). */
static const char *xml_text(const char *p, bool *blank)
{
	*blank = true;
	while (*p && *p != '<') {
		if (*p == '&') {
			p = xml_reference(p + 1);
			if (!p)
				return NULL;
			*blank = false;
			continue;
		}
		if (strncmp(p, "]]>", 3) == 0)
			return NULL;
		if (!isspace((unsigned char)*p))
			*blank = false;
		p++;
	}
	return p;
}

/* After '<': the rest of a start tag; *empty when it ends "/>". */
static const char *xml_start_tag(const char *p, const char **name, size_t *len,
				 bool *empty)
{
	const char *attr[128];
	size_t alen[128];
	unsigned nattr = 0;
	const char *e = xml_name(p);

	if (!e)
		return NULL;
	*name = p;
	*len = (size_t)(e - p);
	p = e;
	for (;;) {
		const char *s = xml_space(p);
		char quote;

		if (*s == '>' || (s[0] == '/' && s[1] == '>')) {
			*empty = *s == '/';
			return s + (*empty ? 2 : 1);
		}
		if (s == p)
			return NULL; /* attributes need space between */
		e = xml_name(s);
		if (!e || nattr == 128)
			return NULL;
		for (unsigned i = 0; i < nattr; i++)
			if (alen[i] == (size_t)(e - s) &&
			    strncmp(attr[i], s, alen[i]) == 0)
				return NULL; /* the same attribute twice */
		attr[nattr] = s;
		alen[nattr++] = (size_t)(e - s);
		p = xml_space(e);
		if (*p++ != '=')
			return NULL;
		p = xml_space(p);
		quote = *p++;
		if (quote != '"' && quote != '\'')
			return NULL;
		while (*p && *p != quote) {
			if (*p == '<')
				return NULL;
			if (*p == '&') {
				p = xml_reference(p + 1);
				if (!p)
					return NULL;
				continue;
			}
			p++;
		}
		if (*p++ != quote)
			return NULL;
	}
}

static bool xml_well_formed(const char *p)
{
	struct {
		const char *name; /* the open element's name */
		size_t len;	  /* its length */
	} stack[256];
	int depth = 0, roots = 0;

	if (strncmp(p, "<?xml", 5) == 0) {
		p = strstr(p, "?>");
		if (!p)
			return false;
		p += 2;
	}
	while (*p) {
		bool blank, empty;
		const char *name;
		size_t len;

		if (*p != '<') {
			p = xml_text(p, &blank);
			/* Outside the root, only white space. */
			if (!p || (depth == 0 && !blank))
				return false;
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			const char *end = strstr(p + 4, "--");

			if (!end || end[2] != '>')
				return false;
			p = end + 3;
		} else if (strncmp(p, "<?", 2) == 0) {
			p = strstr(p + 2, "?>");
			if (!p)
				return false;
			p += 2;
		} else if (p[1] == '/') {
			const char *e = xml_name(p + 2);

			if (!e || depth == 0)
				return false;
			depth--;
			if ((size_t)(e - (p + 2)) != stack[depth].len ||
			    strncmp(p + 2, stack[depth].name, stack[depth].len))
				return false; /* closes another element */
			p = xml_space(e);
			if (*p++ != '>')
				return false;
		} else if (p[1] == '!') {
			return false; /* DOCTYPE or CDATA: not ours */
		} else {
			if (depth == 0 && roots++ > 0)
				return false; /* a second root */
			p = xml_start_tag(p + 1, &name, &len, &empty);
			if (!p)
				return false;
			if (!empty) {
				if (depth == 256)
					return false;
				stack[depth].name = name;
				stack[depth++].len = len;
			}
		}
	}
	return depth == 0 && roots == 1;
}

Test(bench, xml_checker_refuses_broken_xml)
{
	cr_expect(xml_well_formed("<?xml version=\"1.0\"?>\n<a x=\"1\" y='2'>"
				  "<b/>t &amp; &#181; &#xB5;<!-- c --></a>\n"));
	cr_expect_not(xml_well_formed("<a><b></a></b>"), "crossed tags");
	cr_expect_not(xml_well_formed("<a>"), "unclosed");
	cr_expect_not(xml_well_formed("<a></a><b></b>"), "two roots");
	cr_expect_not(xml_well_formed("<a x=1></a>"), "unquoted value");
	cr_expect_not(xml_well_formed("<a x=\"1\" x=\"2\"/>"), "attr twice");
	cr_expect_not(xml_well_formed("<a>fish & chips</a>"), "bare &");
	cr_expect_not(xml_well_formed("<a x=\"<\"/>"), "< in a value");
	cr_expect_not(xml_well_formed("<a>1 &micro; 2</a>"), "HTML entity");
	cr_expect_not(xml_well_formed("text<a/>"), "text outside the root");
	cr_expect_not(xml_well_formed(""), "no root");
}

/* ---- bad input -------------------------------------------------------- */

struct bad_case {
	const char *args[11]; /* after "racelab bench" */
	const char *says;     /* the message must contain this */
};

Test(bench, bad_input_exits_2_with_one_line_and_creates_nothing, .timeout = 60)
{
	static const struct bad_case cases[] = {
		{ { "--strategies", "nosuch" }, "unknown strategy 'nosuch'" },
		{ { "--strategies", "atomic,atomic" }, "listed twice" },
		{ { "--strategies", "atomic,,flock" }, "empty name" },
		{ { "--strategies", "" }, "empty name" },
		{ { "--strategies", "atomic," }, "empty name" },
		{ { "--procs", "0" }, "--procs '0' must be at least 1" },
		{ { "--procs", "2,2" }, "2 is listed twice" },
		{ { "--procs", "1-3,2" }, "2 is listed twice" },
		{ { "--procs", "4-2" }, "runs backwards" },
		{ { "--procs", "1-" }, "needs an end" },
		{ { "--procs", "1,x" }, "not a whole decimal number" },
		{ { "--procs", "2000" }, "too large" },
		{ { "--procs", "1-100" }, "more than 64" },
		{ { "--repeat", "0" }, "--repeat '0' must be at least 1" },
		{ { "--repeat", "101" }, "too large" },
		{ { "--target-ms", "0" }, "must be at least 1" },
		{ { "--target-ms", "5s" }, "not a whole decimal number" },
		{ { "--duration", "0" }, "out of range" },
		{ { "--duration", "1e3" }, "not a number of seconds" },
		{ { "--duration", "-1" }, "not a number of seconds" },
		{ { "--duration", "." }, "not a number of seconds" },
		{ { "--duration", "3601" }, "out of range" },
		{ { "--target-ms", "100", "--duration", "1" },
		  "exclude each other" },
		{ { "--pin", "diagonal" }, "--pin 'diagonal' is not one of" },
		{ { "--format", "xml" }, "--format 'xml'" },
		{ { "--mode", "fiber" }, "--mode 'fiber'" },
		{ { "--svg", "/nonexistent-racelab-dir/x.svg" },
		  "does not exist" },
		{ { "--svg", "/tmp" }, "is a directory" },
		{ { "--svg", "" }, "needs a file name" },
		{ { "--export-json", "/nonexistent-racelab-dir/x.json" },
		  "does not exist" },
		{ { "--export-json", "/tmp" }, "is a directory" },
		{ { "--export-json", "" }, "needs a file name" },
		{ { "--svg", "/tmp/racelab-same.x", "--export-json",
		    "/tmp/racelab-same.x" },
		  "name the same file" },
		{ { "--from", "a.json", "--procs", "1" }, "does not apply" },
		{ { "--from", "a.json", "--export-json", "b.json" },
		  "does not apply" },
		{ { "--from", "" }, "needs a file name" },
		{ { "--store", "nosuch" }, "--store 'nosuch' is not one of" },
		{ { "--store", "file:" }, "empty name" },
		{ { "--store", "file:/tmp/racelab-x", "--strategies",
		    "atomic" },
		  "need a word in memory" },
		{ { "--store", "redis", "--strategies", "for-update" },
		  "use --store postgres" },
		{ { "--from", "a.json", "--store", "redis" },
		  "does not apply" },
		{ { "--from", "a", "--from", "b", "--from", "c", "--from", "d",
		    "--from", "e" },
		  "at most 4 files" },
		{ { "--repeat", "2", "--repeat", "3" }, "given twice" },
		{ { "--bogus" }, "unknown option '--bogus'" },
		{ { "--procs" }, "needs a value" },
		{ { "extra" }, "unexpected argument 'extra'" },
	};
	struct snapshot before;

	snap(&before);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		const char *argv[14] = { "bench" };
		struct outcome o;
		const char *nl;

		for (unsigned a = 0; c->args[a]; a++)
			argv[a + 1] = c->args[a];
		cr_assert_eq(racelab(&o, 10, argv), 0);
		cr_expect_eq(o.exit_code, 2, "case %u (%s): exit %d, want 2", i,
			     c->says, o.exit_code);
		cr_expect(strstr(o.err, c->says),
			  "case %u: stderr '%s' lacks '%s'", i, o.err, c->says);
		cr_expect(strstr(o.err, "racelab bench --help"),
			  "case %u: no pointer to the help: %s", i, o.err);
		cr_expect_str_empty(o.out, "case %u printed on stdout", i);
		nl = strchr(o.err, '\n');
		cr_expect(nl && nl[1] == '\0',
			  "case %u: want one line, got '%s'", i, o.err);
	}
	expect_same_tables(&before, "bench bad input");
}

Test(bench, help_names_every_option, .timeout = 10)
{
	static const char *const opts[] = {
		"--strategies", "--procs",     "--repeat",	"--target-ms",
		"--duration",	"--pin",       "--mode",	"--format",
		"--svg",	"exit status", "--export-json", "--from",
	};
	struct outcome o;

	racelab(&o, 10, ARGS("bench", "--help"));
	cr_expect_eq(o.exit_code, 0);
	for (unsigned i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		cr_expect(strstr(o.out, opts[i]), "help lacks %s", opts[i]);
	racelab(&o, 10, ARGS("--help"));
	cr_expect(strstr(o.out, "bench"), "top-level help lacks bench");
}

/* ---- the CSV and JSON schemas ----------------------------------------- */

static const char csv_header[] =
    "strategy,mode,procs,pin,runs,iters,duration_s,ns_median,ns_min,ns_max,"
    "mops_median,mops_min,mops_max,expected,final,lost,lost_pct,"
    "share_min_pct,share_max_pct,racy_on_purpose,verdict,detail,unfair,"
    "acquire_p99_ns\n";

static double csv_double(const char *csv, int row, const char *col)
{
	char buf[64];

	if (csv_field(csv, row, col, buf, sizeof(buf)) || !buf[0])
		return -1;
	return strtod(buf, NULL);
}

Test(bench, csv_has_one_verified_row_per_point, .timeout = 60)
{
	static const char *const names[] = { "atomic", "robust-mutex" };
	static const unsigned procs[] = { 1, 2 };
	struct outcome o;
	char v[128];
	int row = 0;

	racelab(&o, 50,
		ARGS("bench", "--strategies", "atomic,robust-mutex", "--procs",
		     "1,2", "--repeat", "2", "--target-ms", "5", "--format",
		     "csv"));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	cr_expect_str_empty(o.err, "stderr is a pipe: no progress line");
	cr_assert(strncmp(o.out, csv_header, strlen(csv_header)) == 0,
		  "header: %s", o.out);
	for (unsigned s = 0; s < 2; s++)
		for (unsigned p = 0; p < 2; p++, row++) {
			uint64_t iters = csv_u64(o.out, row, "iters");
			double med = csv_double(o.out, row, "ns_median");

			cr_assert_eq(
			    csv_field(o.out, row, "strategy", v, sizeof(v)), 0,
			    "row %d missing: %s", row, o.out);
			cr_expect_str_eq(v, names[s]);
			cr_expect_eq(csv_u64(o.out, row, "procs"), procs[p]);
			cr_expect_eq(csv_u64(o.out, row, "runs"), 2);
			csv_field(o.out, row, "mode", v, sizeof(v));
			cr_expect_str_eq(v, "process");
			csv_field(o.out, row, "pin", v, sizeof(v));
			cr_expect_str_eq(v, "none");
			csv_field(o.out, row, "verdict", v, sizeof(v));
			cr_expect_str_eq(v, "exact");
			cr_expect(iters >= 1000 && iters != UINT64_MAX,
				  "iters %llu", (unsigned long long)iters);
			/* Verified: every increment of both runs counted. */
			cr_expect_eq(csv_u64(o.out, row, "expected"),
				     2 * procs[p] * iters);
			cr_expect_eq(csv_u64(o.out, row, "final"),
				     2 * procs[p] * iters);
			cr_expect_eq(csv_u64(o.out, row, "lost"), 0);
			cr_expect(csv_double(o.out, row, "ns_min") <= med &&
				      med <= csv_double(o.out, row, "ns_max") &&
				      med > 0,
				  "row %d: min <= median <= max", row);
			cr_expect_gt(csv_double(o.out, row, "mops_median"), 0);
			csv_field(o.out, row, "duration_s", v, sizeof(v));
			cr_expect_str_empty(v, "fixed iterations: no duration");
			cr_expect_eq(csv_u64(o.out, row, "racy_on_purpose"), 0);
		}
	cr_expect_eq(csv_field(o.out, row, "strategy", v, sizeof(v)), -1,
		     "4 points, 4 rows: %s", o.out);
}

Test(bench, default_is_every_correct_strategy_and_all_adds_racy_ones,
     .timeout = 60)
{
	struct outcome o;
	char v[64];
	unsigned want = 0, racy = 0;
	int row;

	for (unsigned i = 0; i < strategy_count; i++) {
		if (strategies[i]->unsupported)
			continue;
		if (strategy_racy(strategies[i], MODE_PROCESS))
			racy++;
		else
			want++;
	}
	racelab(&o, 50,
		ARGS("bench", "--procs", "1", "--repeat", "1", "--target-ms",
		     "2", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	for (row = 0; csv_field(o.out, row, "strategy", v, sizeof(v)) == 0;
	     row++) {
		const struct strategy *s = strategy_find(v);

		cr_assert_not_null(s, "unknown strategy %s", v);
		cr_expect_not(strategy_racy(s, MODE_PROCESS),
			      "%s loses updates: not by default", v);
	}
	cr_expect_eq((unsigned)row, want, "%s", o.out);

	racelab(&o, 50,
		ARGS("bench", "--strategies", "all", "--procs", "1", "--repeat",
		     "1", "--target-ms", "2", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	for (row = 0; csv_field(o.out, row, "strategy", v, sizeof(v)) == 0;
	     row++)
		;
	cr_expect_eq((unsigned)row, want + racy, "%s", o.out);
}

Test(bench, racy_strategy_reports_lost_percent_and_exits_0, .timeout = 60)
{
	struct outcome o;
	char v[64];

	/*
	 * none at 2 workers, pinned apart: they really overlap, unless the
	 * machine is busy enough to run them one after the other (make test
	 * runs this suite beside the doc commands). bench has no --window to
	 * make the loss certain, so up to five tries of 200 ms: what is
	 * checked is how a loss is reported, not that one happened.
	 */
	for (int tries = 0; tries < 5; tries++) {
		racelab(&o, 50,
			ARGS("bench", "--strategies", "none", "--procs", "2",
			     "--pin", "spread", "--repeat", "1", "--target-ms",
			     "200", "--format", "csv"));
		cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
		csv_field(o.out, 0, "verdict", v, sizeof(v));
		if (strcmp(v, "lost") == 0)
			break;
	}
	cr_expect_str_eq(v, "lost", "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "racy_on_purpose"), 1);
	cr_expect_gt(csv_double(o.out, 0, "lost_pct"), 0);
	cr_expect_eq(csv_u64(o.out, 0, "expected") - csv_u64(o.out, 0, "final"),
		     csv_u64(o.out, 0, "lost"));
}

Test(bench, thread_mode_and_compact_pinning_are_reported, .timeout = 60)
{
	struct outcome o;
	char v[64];

	racelab(&o, 50,
		ARGS("bench", "--mode", "thread", "--pin", "compact",
		     "--strategies", "atomic,flock", "--procs", "2", "--repeat",
		     "1", "--target-ms", "5", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	for (int row = 0; row < 2; row++) {
		csv_field(o.out, row, "mode", v, sizeof(v));
		cr_expect_str_eq(v, "thread");
		csv_field(o.out, row, "pin", v, sizeof(v));
		cr_expect_str_eq(v, "compact");
		csv_field(o.out, row, "verdict", v, sizeof(v));
		cr_expect_str_eq(v, "exact", "%s", o.out);
	}
	racelab(&o, 50,
		ARGS("bench", "--mode", "thread", "--pin", "compact",
		     "--strategies", "atomic", "--procs", "2", "--repeat", "1",
		     "--target-ms", "5"));
	cr_expect(strstr(o.out, "worker threads") &&
		      strstr(o.out, "CPU placement: compact: worker i on CPU"),
		  "%s", o.out);
}

Test(bench, json_is_well_formed_with_samples_and_fairness, .timeout = 60)
{
	static const char *const keys[] = {
		"\"machine\": {\"cpu\": ",
		"\"kernel\": ",
		"\"date\": ",
		"\"mode\": \"process\"",
		"\"pin\": \"spread\"",
		"\"repeat\": 2",
		"\"warmup_rounds\": 1",
		"\"target_ms\": null",
		"\"duration_s\": 0.050",
		"\"strategy\": \"sysv-sem\"",
		"\"procs\": 2",
		"\"runs\": 2",
		"\"iters\": null",
		"\"ns_median\": ",
		"\"mops_median\": ",
		"\"share_min_pct\": ",
		"\"share_max_pct\": ",
		"\"lost\": 0",
		"\"verdict\": \"exact\"",
		"\"samples\": [",
		"\"done_min\": ",
		"\"done_max\": ",
	};
	struct outcome o;

	racelab(&o, 50,
		ARGS("bench", "--strategies", "atomic,sysv-sem", "--procs",
		     "1,2", "--repeat", "2", "--duration", "0.05", "--pin",
		     "spread", "--format", "json"));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	cr_expect(json_valid(o.out), "not JSON: %s", o.out);
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_expect(strstr(o.out, keys[i]), "lacks %s: %s", keys[i],
			  o.out);
	cr_expect(strstr(o.out, "\"cpus\": [0"), "pinned CPUs listed: %s",
		  o.out);
}

/* ---- every run verified: strategies broken on purpose ------------------ */

/*
 * Three bugs a real lock can have, each as a strategy that the sweep is
 * handed directly (they are not in the table, so `racelab run` never sees
 * them). A bench that only timed them would rank them among the fastest.
 */

/* 1. Every 1000th increment, the first among them, is counted as done but
 * never stored: certain to show in the warm-up, however few its iters. */
static __thread uint64_t skipped_so_far;

static inline uint64_t skipping_increment(struct worker *w)
{
	if (skipped_so_far++ % 1000 == 0)
		return 0;
	return atomic_fetch_add_explicit(&w->link.counter->atomic, 1,
					 memory_order_relaxed);
}

static int skipping_work(struct worker *w)
{
	return worker_loop_op(w, skipping_increment, NULL);
}

static const struct strategy broken_skip = {
	.name = "broken-skip",
	.summary = "drops every 1000th store, the first too",
	.kind = KIND_LOCKFREE,
	.counter = COUNTER_WORD,
	.work = skipping_work,
};

/* 2. A lock that excludes nothing, and a window that makes it show. */
static int lock_nothing(struct worker *w)
{
	(void)w;
	return 0;
}

/* The load, then a yield before the loop's store. */
static inline uint64_t yielding_load(union counter *c)
{
	uint64_t v = c->plain;

	sched_yield(); /* certain loss even on one CPU (PITFALLS.md) */
	return v;
}

static int nolock_work(struct worker *w)
{
	return worker_loop_rmw(w, lock_nothing, yielding_load, counter_store,
			       lock_nothing);
}

static const struct strategy broken_nolock = {
	.name = "broken-nolock",
	.summary = "a lock that excludes nothing",
	.kind = KIND_USER,
	.work = nolock_work,
};

/* 3. Exact, but each worker does half the work it was given. */
static inline uint64_t atomic_increment(struct worker *w)
{
	return atomic_fetch_add_explicit(&w->link.counter->atomic, 1,
					 memory_order_relaxed);
}

static int half_work(struct worker *w)
{
	w->iters /= 2;
	return worker_loop_op(w, atomic_increment, NULL);
}

static const struct strategy broken_half = {
	.name = "broken-half",
	.summary = "does half its increments",
	.kind = KIND_LOCKFREE,
	.counter = COUNTER_WORD,
	.work = half_work,
};

/* Run a sweep in this process with stderr captured into err. */
static int sweep(const struct strategy *const *list, unsigned n,
		 struct bench_opts *o, struct bench_point **points, char *err,
		 size_t errlen)
{
	char path[128];
	int fd, saved = dup(2), rc;
	ssize_t r;

	tmp_template(path, sizeof(path), "bench-err");
	fd = mkstemp(path);
	cr_assert(fd >= 0 && saved >= 0);
	(void)unlink(path);
	harness_signals_init();
	*points = bench_points_alloc(list, n, o);
	cr_assert_not_null(*points);
	fflush(stderr);
	dup2(fd, 2);
	rc = bench_sweep(list, n, o, *points);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	r = pread(fd, err, errlen - 1, 0);
	err[r > 0 ? r : 0] = '\0';
	close(fd);
	return rc;
}

/*
 * Parameters cross into the test's own process by copy (which may be a new
 * exec of this binary, at other addresses): an index, not a pointer.
 */
static const struct strategy *const broken[] = { &broken_skip, &broken_nolock,
						 &broken_half };

struct broken_case {
	unsigned which;	      /* index in broken[] */
	unsigned procs;	      /* where it shows */
	enum verdict verdict; /* what the sweep must say */
	char says[32];	      /* and in which words */
};

ParameterizedTestParameters(bench, broken_strategy_stops_the_sweep)
{
	static struct broken_case cases[] = {
		{ 0, 1, VERDICT_LOST, "LOST" },
		{ 1, 2, VERDICT_LOST, "LOST" },
		{ 2, 1, VERDICT_FAILED, "increments done of the" },
	};

	return cr_make_param_array(struct broken_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct broken_case *c, bench, broken_strategy_stops_the_sweep,
		  .timeout = 60)
{
	const struct strategy *bad = broken[c->which];
	const struct strategy *list[] = { strategy_find("atomic"), bad };
	unsigned procs[] = { c->procs };
	/* Every worker on one CPU: the yield between load and store hands
	 * the CPU to the other worker, so a loss is certain in the warm-up
	 * however busy the machine (on two CPUs, a loaded machine could run
	 * the workers one after the other). */
	static const int cpu0[] = { 0 };
	struct bench_opts o = {
		.procs = procs,
		.nprocs = 1,
		.cpus = cpu0,
		.ncpus = 1,
		.repeat = 2,
		.target_s = 0.005,
		.timeout_s = 10,
	};
	struct bench_point *pts;
	struct snapshot before;
	char err[4096];

	cr_assert_not_null(list[0]);
	snap(&before);
	cr_assert_eq(sweep(list, 2, &o, &pts, err, sizeof(err)), 0, "%s", err);
	/* The good one ran its warm-up; the broken one stopped everything
	 * in its own warm-up, before a single figure was kept. */
	cr_expect(pts[0].warmed);
	cr_expect_eq(pts[0].verdict, VERDICT_EXACT);
	cr_expect_eq(pts[1].verdict, c->verdict, "%s: verdict %d", bad->name,
		     pts[1].verdict);
	cr_expect_eq(pts[1].runs, 0, "no figure kept for a broken strategy");
	cr_expect_eq(pts[0].runs, 0, "the sweep stopped at once");
	cr_expect(strstr(pts[1].detail, c->says), "detail: %s", pts[1].detail);
	cr_expect_eq(bench_verdict(pts, 2, MODE_PROCESS), c->verdict);
	cr_expect(strstr(err, bad->name) && strstr(err, "The bench stops here"),
		  "no loud message on stderr: '%s'", err);
	bench_points_free(pts, 2);
	expect_same_tables(&before, bad->name);
}

/*
 * 4. A loop that hands a retry (DB_RETRY, -EAGAIN) back instead of trying
 * again, as a student's first loop at REPEATABLE READ does: no store
 * reports a retry, so the harness must say what happened.
 */
static int giveup_work(struct worker *w)
{
	(void)w;
	return -EAGAIN;
}

static const struct strategy broken_giveup = {
	.name = "broken-giveup",
	.summary = "returns the server's retry request as an error",
	.kind = KIND_LOCKFREE,
	.counter = COUNTER_WORD,
	.work = giveup_work,
};

Test(bench, a_retry_handed_back_is_explained, .timeout = 60)
{
	const struct strategy *list[] = { &broken_giveup };
	unsigned procs[] = { 1 };
	struct bench_opts o = {
		.procs = procs,
		.nprocs = 1,
		.repeat = 1,
		.target_s = 0.005,
		.timeout_s = 10,
	};
	struct bench_point *pts;
	char err[4096];

	/* The calibration run fails: the sweep stops with an error. */
	cr_expect_neq(sweep(list, 1, &o, &pts, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(pts[0].runs, 0);
	cr_expect(strstr(err, "broken-giveup: worker 0: the server asked to "
			      "retry the increment") &&
		      strstr(err, "gave up instead of retrying"),
		  "%s", err);
	bench_points_free(pts, 1);
}

/* One worker at most: refused at two. */
static const char *refuse_crowds(const struct run *run)
{
	return run->procs > 1 ? "takes one worker only" : NULL;
}

static int loner_work(struct worker *w)
{
	return worker_loop_op(w, atomic_increment, NULL);
}

static const struct strategy loner = {
	.name = "loner",
	.summary = "refuses more than one worker",
	.kind = KIND_LOCKFREE,
	.counter = COUNTER_WORD,
	.cannot_run = refuse_crowds,
	.work = loner_work,
};

Test(bench, refused_point_is_skipped_with_its_reason, .timeout = 60)
{
	const struct strategy *list[] = { &loner };
	unsigned procs[] = { 1, 2 };
	struct bench_opts o = {
		.procs = procs,
		.nprocs = 2,
		.repeat = 1,
		.target_s = 0.005,
		.timeout_s = 10,
	};
	struct bench_point *pts;
	char err[4096];

	cr_assert_eq(sweep(list, 1, &o, &pts, err, sizeof(err)), 0, "%s", err);
	cr_expect_null(pts[0].skipped);
	cr_expect_eq(pts[0].runs, 1);
	cr_expect_eq(pts[0].verdict, VERDICT_EXACT);
	cr_expect_str_eq(pts[1].skipped ? pts[1].skipped : "",
			 "takes one worker only");
	cr_expect_eq(pts[1].runs, 0);
	cr_expect_eq(bench_verdict(pts, 2, MODE_PROCESS), VERDICT_EXACT);
	bench_points_free(pts, 2);
}

/* ---- fixed-time mode -------------------------------------------------- */

Test(bench, fixed_time_expected_is_the_sum_of_the_tallies, .timeout = 60)
{
	const struct strategy *list[] = { strategy_find("atomic"),
					  strategy_find("robust-mutex") };
	unsigned procs[] = { 2 };
	struct bench_opts o = {
		.procs = procs,
		.nprocs = 1,
		.repeat = 2,
		.duration_s = 0.05,
		.timeout_s = 10,
	};
	struct bench_point *pts;
	char err[4096];

	cr_assert(list[0] && list[1]);
	cr_assert_eq(sweep(list, 2, &o, &pts, err, sizeof(err)), 0, "%s", err);
	for (unsigned i = 0; i < 2; i++) {
		cr_expect_eq(pts[i].runs, 2);
		cr_expect_eq(pts[i].iters, 0, "fixed time: no iterations");
		for (unsigned r = 0; r < pts[i].runs; r++) {
			const struct bench_sample *s = &pts[i].samples[r];

			/* Two workers: the fewest and the most are all. */
			cr_expect_eq(s->expected, s->done_min + s->done_max,
				     "%s: expected %llu, tallies %llu + %llu",
				     list[i]->name,
				     (unsigned long long)s->expected,
				     (unsigned long long)s->done_min,
				     (unsigned long long)s->done_max);
			cr_expect_eq(s->final, s->expected,
				     "%s: the counter is the tallies' sum",
				     list[i]->name);
			cr_expect_gt(s->done_min, 0, "both workers ran");
			cr_expect_eq(s->iters, ITERS_MAX,
				     "stopped by the clock, not by iters");
			cr_expect(s->elapsed_s >= 0.05 && s->elapsed_s < 5,
				  "elapsed %f", s->elapsed_s);
		}
		cr_expect(pts[i].share_min > 0 && pts[i].share_min <= 0.5 &&
			      pts[i].share_max >= 0.5 && pts[i].share_max < 1,
			  "%s: shares %f-%f", list[i]->name, pts[i].share_min,
			  pts[i].share_max);
	}
	bench_points_free(pts, 2);
}

Test(bench, fixed_time_table_shows_fairness, .timeout = 60)
{
	struct outcome o;

	racelab(&o, 50,
		ARGS("bench", "--strategies", "flock", "--procs", "2",
		     "--repeat", "1", "--duration", "0.05"));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	cr_expect(strstr(o.out, "Fixed time") && strstr(o.out, "share") &&
		      strstr(o.out, "min-max"),
		  "%s", o.out);
	cr_expect_null(strstr(o.out, "iters per"), "%s", o.out);
}

/* ---- the chart -------------------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

Test(bench, svg_is_well_formed_self_contained_with_one_series_each,
     .timeout = 60)
{
	static const char *const names[] = { "atomic", "robust-mutex",
					     "sysv-sem" };
	char dir[128], path[256], series[64];
	struct outcome o;
	char *svg;

	tmp_template(dir, sizeof(dir), "svg");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/chart.svg", dir);
	racelab(&o, 50,
		ARGS("bench", "--strategies", "atomic,robust-mutex,sysv-sem",
		     "--procs", "1,2", "--repeat", "1", "--target-ms", "5",
		     "--format", "csv", "--svg", path));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	svg = slurp(path);
	cr_assert_not_null(svg, "no chart at %s", path);
	cr_expect(xml_well_formed(svg), "not well-formed XML:\n%s", svg);
	cr_expect(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	cr_expect_eq(count(svg, "class=\"series\""), 3, "one per strategy");
	for (unsigned i = 0; i < 3; i++) {
		snprintf(series, sizeof(series),
			 "class=\"series\" data-strategy=\"%s\"", names[i]);
		cr_expect_eq(count(svg, series), 1, "lacks %s", series);
	}
	/* Three kinds: kernel, user-space, lock-free, a panel each. */
	cr_expect_eq(count(svg, "class=\"panel\""), 3, "a panel per kind");
	cr_expect_eq(count(svg, "class=\"value\""), 3, "a value label each");
	/* Self-contained: the namespace is the only address in it. */
	cr_expect_eq(count(svg, "http"), 1, "an address besides xmlns");
	cr_expect_null(strstr(svg, "<script"));
	cr_expect_null(strstr(svg, "href"));
	cr_expect_null(strstr(svg, "@import"));
	cr_expect_null(strstr(svg, "url("));
	/* Axis labels, units, the machine line, the command. */
	cr_expect(strstr(svg, "ns per increment"));
	cr_expect(strstr(svg, "workers (processes)"));
	cr_expect(strstr(svg, " ns</text>"), "a tick labelled in ns");
	cr_expect(strstr(svg, "Measured on ") && strstr(svg, "online CPU") &&
		      strstr(svg, " UTC"),
		  "no machine line");
	cr_expect(strstr(svg, "racelab bench --strategies"));
	free(svg);
	cr_expect_eq(unlink(path), 0);
	cr_expect_eq(rmdir(dir), 0, "a temporary file was left beside it");
}

Test(bench, svg_writer_survives_a_point_that_was_never_measured)
{
	/* One series with a hole (skipped at 2): the line breaks, the XML
	 * stays well-formed, and the series is still there. */
	static const unsigned procs[] = { 1, 2, 3 };
	const struct strategy *atomic = strategy_find("atomic");
	struct bench_sample samples[3] = { { .ns_per_op = 5 } };
	struct bench_point pts[3] = {
		{ .strategy = atomic,
		  .procs = 1,
		  .runs = 1,
		  .ns_med = 5,
		  .ns_min = 4,
		  .ns_max = 6 },
		{ .strategy = atomic, .procs = 2, .skipped = "no" },
		{ .strategy = atomic,
		  .procs = 3,
		  .runs = 1,
		  .ns_med = 50,
		  .ns_min = 40,
		  .ns_max = 600 },
	};
	const struct strategy *list[] = { atomic };
	struct bench_opts o = { .procs = procs, .nprocs = 3, .repeat = 1 };
	struct bench_machine m = { .cpu = "Test & <CPU>",
				   .cpus = 2,
				   .kernel = "Linux x",
				   .date = "today" };
	struct svg_chart c = { .opts = &o,
			       .list = list,
			       .n = 1,
			       .points = pts,
			       .machine = &m,
			       .command = "racelab bench \"quoted\"" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	pts[0].samples = pts[1].samples = pts[2].samples = samples;
	cr_assert_not_null(atomic);
	cr_assert_not_null(f);
	svg_chart_write(f, &c);
	fclose(f);
	cr_expect(xml_well_formed(text), "%s", text);
	cr_expect_eq(count(text, "<polyline"), 2, "the line breaks at 2");
	cr_expect(strstr(text, "Test &amp; &lt;CPU&gt;"), "escaped");
	free(text);
}

/* Every strategy in the registry, with made-up figures that collide: the
 * layout's panels and labels, as computed, checked exactly. */
Test(bench, chart_layout_groups_by_kind_and_keeps_labels_apart)
{
	static const unsigned procs[] = { 1, 2, 4 };
	static struct bench_point pts[256 * 3];
	static struct svg_layout l;
	const struct strategy *list[256];
	unsigned n = 0, per_kind[KIND_SERVER + 1] = { 0 }, want = 0;
	struct bench_opts o = { .procs = procs,
				.nprocs = 3,
				.repeat = 1,
				.duration_s = 0.1,
				.latency = true };
	struct bench_machine m = {
		.cpu = "x", .cpus = 2, .kernel = "y", .date = "z"
	};
	struct svg_chart c = { .opts = &o, .points = pts, .machine = &m };

	for (unsigned i = 0; i < strategy_count && n < 256; i++) {
		list[n] = strategies[i];
		per_kind[strategies[i]->kind]++;
		for (unsigned p = 0; p < 3; p++) {
			/* Half of them at one figure: their labels collide. */
			double ns = i % 2 ? 50 : 10.0 + i;

			pts[n * 3 + p] = (struct bench_point){
				.strategy = strategies[i],
				.procs = procs[p],
				.runs = 1,
				.ns_med = ns,
				.ns_min = ns / 2,
				.ns_max = ns * 3,
				.share_min = 0.2,
				.share_max = 0.3,
				.p99_known = true,
				.p99_ns = 1000,
			};
		}
		n++;
	}
	c.list = list;
	c.n = n;
	for (unsigned k = 0; k <= KIND_SERVER; k++)
		want += (per_kind[k] + SVG_PANEL_SERIES - 1) / SVG_PANEL_SERIES;
	cr_assert_eq(svg_layout(&c, &l), 0);
	cr_expect_eq(l.nstrat, n);
	cr_expect_eq(l.npanels, want, "%u panels, not %u", l.npanels, want);
	cr_expect(l.fairness && l.latency);
	for (unsigned i = 0; i < l.npanels; i++) {
		const struct svg_panel *pn = &l.panel[i];

		cr_expect(pn->count >= 1 && pn->count <= SVG_PANEL_SERIES,
			  "panel %u has %u series", i, pn->count);
		cr_expect_eq(pn->nlabels, pn->count, "a label per series");
		for (unsigned j = 0; j < pn->count; j++)
			cr_expect_eq(l.strat[pn->first + j]->kind, pn->kind);
		for (unsigned a = 0; a < pn->nlabels; a++) {
			const struct svg_box *x = &pn->labels[a].box;

			/* Beside the plot: clear of every line and whisker. */
			cr_expect_geq(x->x, pn->plot.x + pn->plot.w);
			cr_expect_leq(x->x + x->w, pn->frame.x + pn->frame.w);
			cr_expect_geq(x->y, pn->frame.y);
			cr_expect_leq(x->y + x->h,
				      pn->plot.y + pn->plot.h + 12);
			for (unsigned b = a + 1; b < pn->nlabels; b++) {
				const struct svg_box *y = &pn->labels[b].box;
				bool apart = x->y + x->h <= y->y ||
					     y->y + y->h <= x->y ||
					     x->x + x->w <= y->x ||
					     y->x + y->w <= x->x;

				cr_expect(apart,
					  "panel %u: labels %u and %u "
					  "overlap",
					  i, a, b);
			}
		}
	}
	/* Panels do not overlap either: two columns, rows stacked. */
	for (unsigned i = 0; i + 2 < l.npanels; i++)
		cr_expect_leq(l.panel[i].frame.y + l.panel[i].frame.h,
			      l.panel[i + 2].frame.y);
	cr_expect_leq(l.panel[l.npanels - 1].frame.y +
			  l.panel[l.npanels - 1].frame.h,
		      l.height);
	/* Drawn: a panel each, a value label and a table row per line, the
	 * share and the p99 in the chart too. */
	{
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		cr_assert_not_null(f);
		svg_chart_write(f, &c);
		fclose(f);
		cr_expect(xml_well_formed(text));
		cr_expect_eq(count(text, "class=\"panel\""), want);
		cr_expect_eq(count(text, "class=\"value\""), n);
		cr_expect_eq(count(text, "class=\"row\""), n);
		cr_expect_eq(count(text, "20.0-30.0 %"), n, "each share");
		cr_expect(strstr(text, "p99 at 4") &&
			  strstr(text, "1 &#181;s"));
		free(text);
	}
}

/* ---- --export-json and --from ----------------------------------------- */

/* A real export of a small sweep into dir/name; its text (free it). */
static char *export_into(const char *dir, const char *name, char *path,
			 size_t len)
{
	struct outcome o;
	char *text;

	snprintf(path, len, "%s/%s", dir, name);
	racelab(&o, 50,
		ARGS("bench", "--strategies", "atomic,mutex", "--procs", "1,2",
		     "--repeat", "2", "--target-ms", "2", "--format", "json",
		     "--export-json", path));
	cr_assert_eq(o.exit_code, 0, "exit %d: %s", o.exit_code, o.err);
	text = slurp(path);
	cr_assert_not_null(text, "no export at %s", path);
	/* What --format json printed is what the file holds. */
	cr_expect_str_eq(o.out, text);
	return text;
}

Test(bench, export_round_trips_through_from_to_the_same_figures, .timeout = 60)
{
	char dir[128], path[256], svg[256];
	struct outcome o;
	char *text, *chart;

	tmp_template(dir, sizeof(dir), "export");
	cr_assert_not_null(mkdtemp(dir));
	text = export_into(dir, "a.json", path, sizeof(path));
	cr_expect(json_valid(text));
	cr_expect(strstr(text, "\"host\": "), "the machine's host");
	cr_expect(strstr(text, "\"procs\": [1, 2]"), "the worker counts");
	/* Read back and printed again: byte for byte the same document. */
	racelab(&o, 20, ARGS("bench", "--from", path, "--format", "json"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_str_eq(o.out, text);
	/* The table and the chart from the file, nothing run. */
	snprintf(svg, sizeof(svg), "%s/a.svg", dir);
	racelab(&o, 20, ARGS("bench", "--from", path, "--svg", svg));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(strstr(o.out, "atomic") && strstr(o.out, "exact, 2 runs"));
	chart = slurp(svg);
	cr_assert_not_null(chart);
	cr_expect(xml_well_formed(chart));
	cr_expect_eq(count(chart, "class=\"panel\""), 2, "lock-free, user");
	cr_expect_eq(count(chart, "class=\"series\""), 2);
	free(chart);
	free(text);
	cr_expect_eq(unlink(svg), 0);
	cr_expect_eq(unlink(path), 0);
	cr_expect_eq(rmdir(dir), 0, "a temporary file was left");
}

Test(bench, export_refuses_a_symlink_before_anything_runs, .timeout = 20)
{
	char dir[128], link[256], victim[256];
	struct outcome o;
	char *text;
	FILE *f;

	tmp_template(dir, sizeof(dir), "export");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(link, sizeof(link), "%s/x.json", dir);
	f = fopen(victim, "w");
	cr_assert_not_null(f);
	fputs("keep me\n", f);
	fclose(f);
	cr_assert_eq(symlink(victim, link), 0);
	racelab(&o, 10,
		ARGS("bench", "--strategies", "atomic", "--procs", "1",
		     "--export-json", link));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "symbolic link"), "%s", o.err);
	cr_expect_str_empty(o.out, "nothing ran");
	text = slurp(victim);
	cr_expect_str_eq(text, "keep me\n");
	free(text);
	cr_expect_eq(unlink(link), 0);
	cr_expect_eq(unlink(victim), 0);
	cr_expect_eq(rmdir(dir), 0, "something was written beside it");
}

Test(bench, from_compares_two_results_side_by_side, .timeout = 60)
{
	char dir[128], a[256], b[256], svg[256];
	struct outcome o;
	char *text, *chart, *host;
	FILE *f;

	tmp_template(dir, sizeof(dir), "export");
	cr_assert_not_null(mkdtemp(dir));
	text = export_into(dir, "a.json", a, sizeof(a));
	/* The same result from "another machine". */
	host = strstr(text, "\"host\": \"");
	cr_assert_not_null(host);
	snprintf(b, sizeof(b), "%s/b.json", dir);
	f = fopen(b, "w");
	cr_assert_not_null(f);
	fprintf(f, "%.*s\"host\": \"other-host\", \"x\": 1%s",
		(int)(host - text), text, strchr(host + 9, '"') + 1);
	fclose(f);
	snprintf(svg, sizeof(svg), "%s/cmp.svg", dir);
	racelab(&o, 20,
		ARGS("bench", "--from", a, "--from", b, "--svg", svg,
		     "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	/* One header, both files' rows: 2 x 4 points. */
	cr_expect_eq(count(o.out, "\n"), 9, "%s", o.out);
	cr_expect_eq(count(o.out, "strategy,"), 1);
	chart = slurp(svg);
	cr_assert_not_null(chart);
	cr_expect(xml_well_formed(chart));
	cr_expect_eq(count(chart, "class=\"series\""), 4, "2 x 2 sources");
	cr_expect_eq(count(chart, "data-source=\"1\""), 2);
	cr_expect_eq(count(chart, "class=\"source\""), 2, "a key entry each");
	cr_expect(strstr(chart, "other-host: "), "b's label names its host");
	cr_expect(strstr(chart, "a comparison"));
	/* A table for each, under its label. */
	racelab(&o, 20, ARGS("bench", "--from", a, "--from", b));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_eq(count(o.out, "From "), 2, "%s", o.out);
	free(chart);
	free(text);
	cr_expect_eq(unlink(svg), 0);
	cr_expect_eq(unlink(a), 0);
	cr_expect_eq(unlink(b), 0);
	cr_expect_eq(rmdir(dir), 0);
}

Test(bench, from_refuses_what_is_not_a_result_with_exit_2, .timeout = 60)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"null",
		"{\"schema\": 2}",
		"{\"schema\": 99}",
		"{\"a\": 1,}",
		"{\"a\" 1}",
		"\"\\u0000\"",
		"{\"schema\": 2e999}",
		"{\"schema\": NaN}",
		"{} trailing",
		"\xff\xfe garbage",
	};
	char dir[128], path[256], real[256];
	char deep[200] = "";
	struct outcome o;
	char *text;
	FILE *f;

	tmp_template(dir, sizeof(dir), "from");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]) + 1; i++) {
		f = fopen(path, "w");
		cr_assert_not_null(f);
		if (i < sizeof(bad) / sizeof(bad[0])) {
			fputs(bad[i], f);
		} else {
			memset(deep, '[', sizeof(deep) - 1);
			fputs(deep, f);
		}
		fclose(f);
		racelab(&o, 10, ARGS("bench", "--from", path));
		cr_expect_eq(o.exit_code, 2, "case %u: exit %d: %s", i,
			     o.exit_code, o.err);
		cr_expect(strstr(o.err, "--from '"), "case %u: %s", i, o.err);
		cr_expect_str_empty(o.out, "case %u", i);
	}
	/* A real export with one strategy renamed, and with a point twice. */
	text = export_into(dir, "real.json", real, sizeof(real));
	memcpy(strstr(text, "\"mutex\""), "\"nosuc\"", 7);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	racelab(&o, 10, ARGS("bench", "--from", path));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "strategy 'nosuc' is not one"), "%s", o.err);
	free(text);
	/* Not a regular file, through a symlink, or not there. */
	racelab(&o, 10, ARGS("bench", "--from", "/dev/zero"));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "not a regular file"), "%s", o.err);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(mkfifo(path, 0600), 0);
	racelab(&o, 10, ARGS("bench", "--from", path));
	cr_expect_eq(o.exit_code, 2, "a FIFO: %s", o.err);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(symlink(real, path), 0);
	racelab(&o, 10, ARGS("bench", "--from", path));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "symbolic link"), "%s", o.err);
	racelab(&o, 10, ARGS("bench", "--from", "/nonexistent-racelab/x"));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect_eq(unlink(path), 0);
	cr_expect_eq(unlink(real), 0);
	cr_expect_eq(rmdir(dir), 0);
}

/* As test_segment.c's fuzz: each suite its own seed. */
#if defined(__SANITIZE_ADDRESS__)
static uint64_t from_state = 0xA0761D6478BD642FULL;
#else
static uint64_t from_state = 0xE7037ED1A0B428DBULL;
#endif

static uint64_t from_next(void)
{
	uint64_t x = from_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	from_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A mutation of text (len bytes) into buf: a truncation, flipped bytes,
 * random bytes, or a structural character dropped in. */
static size_t mutate(const char *text, size_t len, char *buf, unsigned r)
{
	size_t n = len;

	memcpy(buf, text, len);
	switch (r % 4) {
	case 0:
		n = (size_t)(from_next() % len);
		break;
	case 1:
		for (unsigned k = 1 + (unsigned)(from_next() % 8); k--;)
			buf[from_next() % len] = (char)from_next();
		break;
	case 2:
		n = (size_t)(from_next() % 512);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)from_next();
		break;
	default:
		for (unsigned k = 1 + (unsigned)(from_next() % 4); k--;)
			buf[from_next() % len] =
			    "{}[]\",:0-e\\"[from_next() % 11];
	}
	return n;
}

/*
 * Truncations and mutations of a real export: in this process through
 * bench_load_text (2000 of them: under `make sanitize` that is ASan and
 * UBSan), then 12 through racelab-asan --from --svg. Each is refused
 * (exit 2) or read, never a crash, a hang or a sanitizer report.
 */
Test(bench, from_survives_fuzzed_and_truncated_exports, .timeout = 300)
{
	const char *asan = getenv("RACELAB_ASAN");
	const char *saved = getenv("RACELAB");
	char dir[128], real[256], path[256], svg[256];
	char keep[4096];
	unsigned loaded = 0, refused = 0;
	size_t len;
	char *text, *buf;
	int null_fd, err_fd;

	tmp_template(dir, sizeof(dir), "fuzz");
	cr_assert_not_null(mkdtemp(dir));
	text = export_into(dir, "real.json", real, sizeof(real));
	len = strlen(text);
	buf = malloc(len + 1);
	cr_assert_not_null(buf);
	/* The loader's messages are the point of refusing: not the log's. */
	fflush(stderr);
	err_fd = dup(STDERR_FILENO);
	null_fd = open("/dev/null", O_WRONLY);
	cr_assert(err_fd >= 0 && null_fd >= 0);
	dup2(null_fd, STDERR_FILENO);
	for (unsigned r = 0; r < 2000; r++) {
		struct bench_loaded l;
		size_t n = mutate(text, len, buf, r);
		int err = bench_load_text("fuzz", buf, n, &l);

		if (err == 0) {
			loaded++;
			bench_loaded_free(&l);
		} else {
			refused++;
			if (err != -EINVAL)
				break;
		}
	}
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(null_fd);
	cr_expect_eq(loaded + refused, 2000, "an error other than EINVAL");
	cr_expect_gt(refused, 0);
	cr_expect_gt(loaded, 0, "no mutation got past the checks");

	if (!asan || !*asan)
		asan = "./racelab-asan";
	cr_assert_eq(access(asan, X_OK), 0,
		     "%s is not built (make racelab-asan; make test builds it)",
		     asan);
	snprintf(keep, sizeof(keep), "%s", saved ? saved : "./racelab");
	setenv("RACELAB", asan, 1);
	snprintf(path, sizeof(path), "%s/fuzz.json", dir);
	snprintf(svg, sizeof(svg), "%s/fuzz.svg", dir);
	for (unsigned r = 0; r < 12; r++) {
		size_t n = mutate(text, len, buf, r);
		struct outcome o;
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f);
		fwrite(buf, 1, n, f);
		fclose(f);
		racelab(&o, 20, ARGS("bench", "--from", path, "--svg", svg));
		cr_expect(o.exit_code == 0 || o.exit_code == 2 ||
			      o.exit_code == 3,
			  "round %u: exit %d signal %d: %s", r, o.exit_code,
			  o.signal, o.err);
		cr_expect_null(strstr(o.err, "Sanitizer"), "round %u: %s", r,
			       o.err);
		cr_expect_null(strstr(o.err, "runtime error"), "round %u: %s",
			       r, o.err);
		unlink(svg);
	}
	setenv("RACELAB", keep, 1);
	free(buf);
	free(text);
	cr_expect_eq(unlink(path), 0);
	cr_expect_eq(unlink(real), 0);
	cr_expect_eq(rmdir(dir), 0);
}

/* ---- --store ---------------------------------------------------------- */

/* The strategies bench --store st runs by default: its own that must be
 * exact, or (no own) the general ones it admits that must be exact. */
static unsigned default_on(const struct store *st)
{
	unsigned n = 0;

	for (const struct strategy *const *own = st->own; own && *own; own++)
		n += !(*own)->unsupported && !strategy_racy(*own, MODE_PROCESS);
	if (st->own)
		return n;
	for (unsigned i = 0; i < strategy_count; i++) {
		const struct strategy *s = strategies[i];

		n += !s->unsupported && !strategy_racy(s, MODE_PROCESS) &&
		     strategy_in_all(s, st) && !store_refuses(st, s);
	}
	return n;
}

/* Every row of a bench CSV exact (or skipped, with its reason). */
static void expect_rows_exact(const char *csv, unsigned want, const char *ctx)
{
	unsigned rows = 0, exact = 0;
	char v[64];

	while (csv_field(csv, (int)rows, "verdict", v, sizeof(v)) == 0) {
		rows++;
		exact += strcmp(v, "exact") == 0;
		cr_expect(strcmp(v, "exact") == 0 || strcmp(v, "skipped") == 0,
			  "%s: row %u is %s", ctx, rows, v);
	}
	cr_expect_eq(rows, want, "%s: %u rows, want %u:\n%s", ctx, rows, want,
		     csv);
	cr_expect_gt(exact, 0, "%s: nothing measured", ctx);
}

Test(bench, store_file_runs_what_the_file_store_admits, .timeout = 60)
{
	char dir[128], store[256];
	const char *name;
	const struct store *st;
	struct outcome o;

	tmp_template(dir, sizeof(dir), "store");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(store, sizeof(store), "file:%s/counter", dir);
	st = store_find(store, &name);
	cr_assert_not_null(st);
	racelab(&o, 50,
		ARGS("bench", "--store", store, "--procs", "1", "--repeat", "1",
		     "--target-ms", "1", "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	expect_rows_exact(o.out, default_on(st), "file");
	cr_expect_null(strstr(o.out, "atomic,"), "atomic needs memory");
	snprintf(store, sizeof(store), "%s/counter", dir);
	cr_expect_eq(unlink(store), 0,
		     "the named file is kept, as run keeps it");
	cr_expect_eq(rmdir(dir), 0);
}

Test(bench, store_postgres_and_redis_run_their_own_strategies, .timeout = 120)
{
	static struct dbserver srv;
	const struct store *pg, *redis;
	const char *name;
	struct outcome o;

	pg = store_find("postgres", &name);
	redis = store_find("redis", &name);
	cr_assert(pg && redis);
	if (pg->unsupported || redis->unsupported)
		cr_skip_test("built without libpq or hiredis");
	cr_assert_eq(dbserver_start(&srv, "both"), 0);
	/* The conninfo names the server: it must not be printed. */
	racelab(&o, 60,
		ARGS("bench", "--store", srv.store_pg, "--procs", "1,2",
		     "--repeat", "1", "--duration", "0.02", "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	expect_rows_exact(o.out, 2 * default_on(pg), "postgres");
	cr_expect(strstr(o.out, "\nfor-update,"), "%s", o.out);
	cr_expect_null(strstr(o.out, "\nnone,"), "none loses on purpose");
	cr_expect_null(strstr(o.out, "host="), "the conninfo was printed");
	racelab(&o, 60,
		ARGS("bench", "--store", srv.store_redis, "--procs", "1,2",
		     "--repeat", "1", "--duration", "0.02", "--format",
		     "json"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(json_valid(o.out));
	cr_expect(strstr(o.out, "\"store\": \"redis\""), "the store's kind");
	cr_expect(strstr(o.out, "\"strategy\": \"watch\""));
	cr_expect_null(strstr(o.out, srv.redis), "the socket was printed");
	dbserver_stop(&srv);
}

/* ---- the terminal, and Ctrl-C ----------------------------------------- */

Test(bench, progress_line_on_a_terminal, .timeout = 60)
{
	const char *bin = getenv("RACELAB") ? getenv("RACELAB") : "./racelab";
	char buf[16384];
	size_t n = 0;
	int pty = posix_openpt(O_RDWR | O_NOCTTY), status;
	pid_t pid;

	cr_assert(pty >= 0 && grantpt(pty) == 0 && unlockpt(pty) == 0);
	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int tty = open(ptsname(pty), O_RDWR | O_NOCTTY);
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(tty, 2);
		execl(bin, bin, "bench", "--strategies", "atomic", "--procs",
		      "1,2", "--repeat", "1", "--target-ms", "5", (char *)NULL);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { pty, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 20000) <= 0)
			break;
		r = read(pty, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0) /* EIO once the child has closed the tty */
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(pty);
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_expect(strstr(buf, "racelab: bench: calibrating, step 1 of 6"), "%s",
		  buf);
	cr_expect(strstr(buf, "warm-up round") && strstr(buf, "round 1 of 1"),
		  "%s", buf);
	cr_expect(strstr(buf, "atomic at 2 procs"), "%s", buf);
	cr_expect(strstr(buf, "s left"), "%s", buf);
	/* It ends by wiping its own line. */
	cr_expect(n >= 4 && strcmp(buf + n - 4, "\r\033[K") == 0, "%s", buf);
}

Test(bench, ctrl_c_stops_it_and_leaves_nothing, .timeout = 60)
{
	struct snapshot before;
	struct outcome o;
	char err[8192] = "";
	pid_t pid;
	int fd;

	become_subreaper();
	snap(&before);
	pid = racelab_start(ARGS("bench", "--strategies", "sysv-sem,flock",
				 "--procs", "2", "--duration", "10"),
			    &fd);
	cr_assert_gt(pid, 0);
	usleep(500000);
	kill(pid, SIGINT);
	racelab_wait(pid, 20, &o);
	read_until(fd, "stopped by", 2, err, sizeof(err));
	close(fd);
	cr_expect_eq(o.signal, SIGINT, "exit %d signal %d: %s", o.exit_code,
		     o.signal, err);
	cr_expect(strstr(err, "stopped by SIGINT"), "%s", err);
	expect_same_tables(&before, "bench after SIGINT");
	cr_expect_eq(live_descendants(), 0, "a worker outlived racelab");
}

Test(bench, tsan_build_refuses_to_time_itself, .timeout = 30)
{
	const char *bin = getenv("RACELAB_TSAN");
	struct outcome o;

	cr_assert(bin && *bin, "RACELAB_TSAN is not set (make test sets it)");
	setenv("RACELAB", bin, 1);
	racelab(&o, 20, ARGS("bench", "--strategies", "atomic"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "ThreadSanitizer build"), "%s", o.err);
	cr_expect_str_empty(o.out);
}
