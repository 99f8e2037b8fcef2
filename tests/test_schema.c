/*
 * test_schema.c - the one output schema and its writer (src/out/schema.c):
 * JSON escaping, the schema version, CSV columns in their 0.1 order; tables
 * fitted to 80 columns and --wide; the notes that say why a race did not
 * show and what a deadlock did; bench's header first and Ctrl-C.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/registry.h"
#include "out/bench-report.h"
#include "out/report.h"
#include "out/schema.h"
#include "out/segment-report.h"
#include "out/text.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* What fn prints to a FILE, as a string (static: one at a time). */
static char *captured(void (*fn)(FILE *, const void *), const void *arg)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void json_of(FILE *f, const void *s)
{
	schema_json_string(f, s);
}

static void csv_of(FILE *f, const void *s)
{
	schema_csv_string(f, s);
}

Test(schema, json_strings_escape_quotes_backslashes_and_control_chars)
{
	cr_expect_str_eq(captured(json_of, "plain"), "\"plain\"");
	cr_expect_str_eq(captured(json_of, "a\"b\\c"), "\"a\\\"b\\\\c\"");
	cr_expect_str_eq(captured(json_of, "l1\nl2\tx\r"),
			 "\"l1\\nl2\\tx\\u000d\"");
	cr_expect_str_eq(captured(json_of, "\x01\x1b[31m\x1f\x7f"),
			 "\"\\u0001\\u001b[31m\\u001f\\u007f\"");
	/* Every byte below 0x20 comes out escaped, never raw. */
	for (int c = 1; c < 0x20; c++) {
		char s[2] = { (char)c, 0 };
		const char *j = captured(json_of, s);

		for (const char *p = j; *p; p++)
			cr_expect((unsigned char)*p >= 0x20,
				  "byte %d printed raw", c);
		cr_expect(json_valid(j), "%s", j);
	}
}

Test(schema, csv_fields_are_quoted_only_when_they_must_be)
{
	cr_expect_str_eq(captured(csv_of, "exact"), "exact");
	cr_expect_str_eq(captured(csv_of, "a,b"), "\"a,b\"");
	cr_expect_str_eq(captured(csv_of, "say \"hi\""), "\"say \"\"hi\"\"\"");
	cr_expect_str_eq(captured(csv_of, "two\nlines"), "\"two\nlines\"");
}

static void header_of(FILE *f, const void *sc)
{
	schema_csv_header(f, sc);
}

Test(schema, csv_columns_keep_their_names_and_order)
{
	cr_expect_str_eq(
	    captured(header_of, &report_run_schema),
	    "strategy,mode,procs,iters,iters_auto,expected,final,lost,"
	    "lost_pct,elapsed_s,ns_per_op,mops_per_s,recoveries,verdict,"
	    "detail,recovery,seed,window,share_min_pct,share_max_pct,"
	    "share_dev_pct,unfair,finish_spread_s,finish_spread_pct,"
	    "per_worker,latency_every,latency_samples,acquire_p50_ns,"
	    "acquire_p99_ns,acquire_p999_ns,acquire_max_ns,retries,overlap_"
	    "s,attempted\n");
	cr_expect_str_eq(
	    captured(header_of, &bench_point_schema),
	    "strategy,mode,procs,pin,runs,iters,duration_s,ns_median,ns_min,"
	    "ns_max,mops_median,mops_min,mops_max,expected,final,lost,"
	    "lost_pct,share_min_pct,share_max_pct,racy_on_purpose,verdict,"
	    "detail,unfair,acquire_p99_ns\n");
	cr_expect_str_eq(
	    captured(header_of, &segment_schema),
	    "key,shmid,strategy,mode,counter,requested,completed,"
	    "unfinished,lost,recoveries,incr_processes,attached\n");
}

static void segment_json(FILE *f, const void *row)
{
	segment_report_print(f, FORMAT_JSON, row);
}

static void segment_csv(FILE *f, const void *row)
{
	segment_report_print(f, FORMAT_CSV, row);
}

Test(schema, a_segment_row_escapes_what_it_read_and_carries_the_version)
{
	/* A lock path another program wrote: quotes and an escape sequence. */
	struct segment_row row = {
		.key = "0x00000f00",
		.shmid = 7,
		.strategy = "flock",
		.mode = 0644,
		.counter = 1001,
		.requested = 1001,
		.completed = 1001,
		.lost_known = false,
		.incrs = 2,
		.attached = 1,
		.lock_file = "/tmp/a\"b\x1b[2J.lock",
	};
	const char *j = captured(segment_json, &row);

	cr_expect(json_valid(j), "%s", j);
	cr_expect(strstr(j, "\"key\": \"0x00000f00\", \"shmid\": 7, "
			    "\"strategy\": \"flock\", \"mode\": \"0644\", "
			    "\"counter\": 1001"),
		  "%s", j);
	cr_expect(strstr(j, "\"lost\": null"), "%s", j);
	cr_expect(strstr(j, "\"lock_file\": \"/tmp/a\\\"b\\u001b[2J.lock\""),
		  "%s", j);
	cr_expect(strstr(j, "\"schema\": 2"), "%s", j);
	cr_expect_null(strchr(j, '\x1b'), "raw ESC in %s", j);
	cr_expect(strstr(captured(segment_csv, &row),
			 "\n0x00000f00,7,flock,0644,1001,1001,1001,0,,0,2,1\n"),
		  "%s", captured(segment_csv, &row));
}

Test(schema, run_and_bench_json_carry_the_schema_version, .timeout = 60)
{
	struct outcome o;

	racelab(&o, 50,
		ARGS("run", "--strategy", "atomic", "--procs", "1", "--iters",
		     "1000", "--format", "json"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(json_valid(o.out), "%s", o.out);
	cr_expect(strstr(o.out, "{\"version\": \"") &&
		      strstr(o.out, "\"schema\": 2, \"runs\": ["),
		  "%s", o.out);
	racelab(&o, 50,
		ARGS("bench", "--strategies", "atomic", "--procs", "1",
		     "--repeat", "1", "--target-ms", "2", "--format", "json"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(json_valid(o.out), "%s", o.out);
	cr_expect(strstr(o.out, "\"schema\": 2,"), "%s", o.out);
}

Test(text, compact_numbers_keep_three_digits)
{
	static const struct {
		uint64_t n;	  /* the number */
		const char *text; /* compact */
	} cases[] = {
		{ 0, "0" },
		{ 999, "999" },
		{ 1000, "1.00K" },
		{ 12345, "12.3K" },
		{ 999499, "999K" },
		{ 999999, "1.00M" },
		{ 340000000, "340M" },
		{ 10000000000ULL, "10.0G" },
	};
	char buf[16];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_str_eq(text_compact(cases[i].n, buf, sizeof(buf)),
				 cases[i].text, "%llu",
				 (unsigned long long)cases[i].n);
}

static void wrap20(FILE *f, const void *s)
{
	text_wrap(f, 20, 4, s);
}

Test(text, wrap_breaks_at_words_and_indents_what_follows)
{
	cr_expect_str_eq(captured(wrap20, "one two three four five six seven"),
			 "one two three four\n    five six seven\n");
	/* A word longer than the width stands alone, unbroken. */
	cr_expect_str_eq(captured(wrap20, "a abcdefghijklmnopqrstuvwxyz b"),
			 "a\n    abcdefghijklmnopqrstuvwxyz\n    b\n");
	/* Spaces inside a line are kept (aligned names). */
	cr_expect_str_eq(captured(wrap20, "ab    cd"), "ab    cd\n");
}

/* Every line of text at most width characters. */
static void expect_fits(const char *text, unsigned width, const char *what)
{
	const char *p = text;
	unsigned lines = 0;

	while (*p) {
		size_t n = strcspn(p, "\n");

		cr_expect_leq(n, width, "%s: a line of %zu: %.*s", what, n,
			      (int)n, p);
		lines++;
		p += n;
		if (*p)
			p++;
	}
	cr_expect_gt(lines, 3, "%s: %s", what, text);
}

Test(fit, run_table_fits_80_columns, .timeout = 120)
{
	struct outcome o;

	setenv("COLUMNS", "80", 1);
	racelab(&o, 110,
		ARGS("run", "--strategy", "all", "--procs", "2", "--iters",
		     "2000"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	expect_fits(o.out, 80, "run --strategy all");
	cr_expect(strstr(o.out, "2.00K"), "compact numbers: %s", o.out);
	cr_expect(strstr(o.out, "--wide shows every column"), "%s", o.out);
	cr_expect_null(strstr(o.out, "Mincr/s"), "dropped first: %s", o.out);
	/* With the recovery column of --crash-at. */
	racelab(&o, 50,
		ARGS("run", "--strategy", "robust-mutex", "--procs", "2",
		     "--iters", "2000", "--crash-at", "100"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	expect_fits(o.out, 80, "run --crash-at");
	cr_expect(strstr(o.out, "EOWNERDEAD"), "%s", o.out);
}

Test(fit, wide_keeps_every_column_in_full, .timeout = 60)
{
	static const char *const headers[] = {
		"iters/worker", "expected", "final",   "lost",	  "lost%",
		"time s",	"ns/incr",  "Mincr/s", "verdict",
	};
	struct outcome o;

	setenv("COLUMNS", "80", 1);
	racelab(&o, 50,
		ARGS("run", "--strategy", "atomic", "--procs", "2", "--iters",
		     "2000", "--wide"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	for (unsigned i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		cr_expect(strstr(o.out, headers[i]), "lacks %s: %s", headers[i],
			  o.out);
	cr_expect(strstr(o.out, "2,000") && strstr(o.out, "4,000"),
		  "numbers in full: %s", o.out);
	/* No width (a pipe, no $COLUMNS): the whole table, as in 0.1. */
	unsetenv("COLUMNS");
	racelab(&o, 50,
		ARGS("run", "--strategy", "atomic", "--procs", "2", "--iters",
		     "2000"));
	cr_expect(strstr(o.out, "Mincr/s") && strstr(o.out, "4,000"), "%s",
		  o.out);
}

Test(fit, bench_and_list_fit_80_columns, .timeout = 60)
{
	struct outcome o;

	setenv("COLUMNS", "80", 1);
	racelab(&o, 50,
		ARGS("bench", "--strategies", "atomic,none,peterson", "--procs",
		     "1,2", "--repeat", "1", "--target-ms", "2"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	expect_fits(o.out, 80, "bench");
	cr_expect(strstr(o.out, "peterson") && strstr(o.out, "skipped"), "%s",
		  o.out);
	racelab(&o, 50,
		ARGS("bench", "--strategies", "atomic", "--procs", "1",
		     "--repeat", "1", "--target-ms", "2", "--wide"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	cr_expect(strstr(o.out, "Mincr/s, all workers"), "%s", o.out);
	racelab(&o, 20, ARGS("list"));
	cr_assert_eq(o.exit_code, 0);
	expect_fits(o.out, 80, "list");
	for (unsigned i = 0; i < strategy_count; i++) {
		char name[40];

		snprintf(name, sizeof(name), "  %s ", strategies[i]->name);
		cr_expect(strstr(o.out, name), "list lacks %s", name);
	}
}

Test(notes, a_racy_strategy_that_lost_nothing_says_why, .timeout = 60)
{
	struct outcome o;

	/* One increment each, both workers on CPU 0, no window: nothing to
	 * collide with. */
	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "2", "--iters",
		     "1", "--cpus", "0"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	cr_expect(strstr(o.out, "none: no update was lost this time") &&
		      strstr(o.out, "did not overlap long enough") &&
		      strstr(o.out, "--iters") &&
		      strstr(o.out, "--window yield") &&
		      strstr(o.out, "--cpus"),
		  "%s", o.out);
}

Test(notes, a_deadlock_never_ends_with_every_strategy_exact, .timeout = 60)
{
	struct outcome o;

	/*
	 * ticket's holder dies holding its turn: the other waits for ever.
	 * The lock is FIFO, so worker 0 gets its turns and reaches its 100th
	 * increment (with spin, an unfair lock, worker 1 could hog it), long
	 * before worker 1 could finish its 10^8, so worker 1 always needs
	 * the lock after the crash.
	 */
	racelab(&o, 50,
		ARGS("run", "--strategy", "ticket", "--procs", "2", "--iters",
		     "100000000", "--crash-at", "100", "--timeout", "1"));
	cr_assert_eq(o.exit_code, 4, "%s%s", o.out, o.err);
	cr_expect(strstr(o.out, "DEADLOCK: ticket made no progress for 1 s") &&
		      strstr(o.out, "the run exits 4"),
		  "%s", o.out);
	cr_expect_null(strstr(o.out, "counted exactly"), "%s", o.out);
}

Test(bench, prints_its_header_first_and_keeps_finished_rounds_on_ctrl_c,
     .timeout = 90)
{
	const char *bin = getenv("RACELAB") ? getenv("RACELAB") : "./racelab";
	char buf[65536] = "";
	int out[2], status;
	pid_t pid;

	cr_assert_eq(pipe(out), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		/* Ctrl-C must reach it: not ignored, as in a script's `&`. */
		signal(SIGINT, SIG_DFL);
		/* Fixed time: 100 rounds of 0.2 s take 20 s however busy
		 * the machine (a calibrated run once came out short under
		 * load, and all 100 were done before the Ctrl-C). */
		execl(bin, bin, "bench", "--strategies", "atomic", "--procs",
		      "1", "--repeat", "100", "--duration", "0.2",
		      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	/* The column header comes before any run is measured. */
	cr_expect_eq(read_until(out[0], "verified", 20, buf, sizeof(buf)), 0,
		     "no header: %s", buf);
	sleep(3); /* the warm-up, then rounds of 0.2 s: more than one done */
	kill(pid, SIGINT);
	read_until(out[0], "\x01", 20, buf, sizeof(buf)); /* to EOF */
	close(out[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
		  "status %#x", status);
	cr_expect(strstr(buf, "Interrupted by signal 2"), "%s", buf);
	cr_expect(strstr(buf, "atomic") && strstr(buf, "exact, "),
		  "the finished rounds: %s", buf);
	cr_expect_null(strstr(buf, "exact, 100 runs"), "%s", buf);
}
