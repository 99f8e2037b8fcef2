/*
 * test_trace.c - the picture of the race (--trace-svg, racelab trace):
 * well-formed SVG that marks exactly the collisions the trace accounts for;
 * a saved trace read back as untrusted input; the summary in JSON; and
 * racelab help CMD.
 *
 * The race is made certain, not waited for: two workers pinned to one CPU
 * with a yield between load and store (PITFALLS.md: half the updates lost,
 * every time, on any machine).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char dir[256];

static void make_dir(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/racelab-trace-XXXXXX",
		 t && *t ? t : "/tmp");
	cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static const char *in_dir(const char *name)
{
	static char paths[4][320];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

/*
 * Parse an SVG with python3's XML parser (a parse error fails) and count
 * its marks: collisions, the sum of their data-lost, the sum of data-back.
 */
static void svg_marks(const char *path, long long *collisions, long long *lost,
		      long long *back)
{
	char cmd[1024], line[256] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "python3 -c '"
		 "import sys, xml.etree.ElementTree as E\n"
		 "g = [e for e in E.parse(sys.argv[1]).iter() "
		 "if e.tag.endswith(\"}g\")]\n"
		 "c = [e for e in g if e.get(\"class\") == \"collision\"]\n"
		 "b = [e for e in g if e.get(\"class\") == \"giveback\"]\n"
		 "print(len(c), sum(int(e.get(\"data-lost\")) for e in c), "
		 "sum(int(e.get(\"data-back\")) for e in b))' '%s' 2>&1",
		 path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(line, sizeof(line), p), "no output");
	cr_assert_eq(pclose(p), 0, "%s is not well-formed XML: %s", path, line);
	cr_assert_eq(sscanf(line, "%lld %lld %lld", collisions, lost, back), 3,
		     "%s", line);
}

/* Count the stores in a --trace CSV that wiped out increments. */
static long long csv_destructive(const char *path)
{
	char line[512];
	long long n = 0;
	FILE *f = fopen(path, "r");

	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof(line), f)) {
		char buf[32];

		csv_field_line(line, 6, buf, sizeof(buf));
		if (atoll(buf) > 0)
			n++;
	}
	fclose(f);
	return n;
}

TestSuite(trace, .init = make_dir, .fini = remove_dir);

Test(trace, svg_marks_exactly_the_collisions_the_trace_accounts_for,
     .timeout = 60)
{
	const char *csv = in_dir("ev.csv"), *zoom = in_dir("race.svg"),
		   *all = in_dir("all.svg");
	long long coll, lost, back, expected_lost, destructive;
	struct outcome o;

	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "2", "--iters",
		     "400", "--window", "yield", "--cpus", "0", "--format",
		     "csv", "--trace", csv, "--trace-svg", zoom));
	cr_assert_eq(o.exit_code, 3, "exit %d: %s", o.exit_code, o.err);
	expected_lost = (long long)csv_u64(o.out, 0, "lost");
	cr_assert_gt(expected_lost, 0);
	cr_expect(strstr(o.err, "Wrote 800 events to "), "%s", o.err);
	cr_expect(strstr(o.err, "Drew the first collisions of none in"), "%s",
		  o.err);
	destructive = csv_destructive(csv);

	/* The default picture: zoomed, well-formed, says how many more. */
	svg_marks(zoom, &coll, &lost, &back);
	cr_expect(coll >= 1 && coll < destructive,
		  "zoomed on %lld of %lld collisions", coll, destructive);
	racelab(&o, 20, ARGS("run", "--help"));
	cr_expect(strstr(o.out, "--trace-svg"));

	/* The whole trace: every collision marked, the sum exact. */
	racelab(&o, 50,
		ARGS("trace", csv, "--svg", all, "--collisions", "all"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	svg_marks(all, &coll, &lost, &back);
	cr_expect_eq(coll, destructive,
		     "the picture marks %lld collisions, the trace has %lld",
		     coll, destructive);
	cr_expect_eq(lost - back, expected_lost,
		     "marked %lld lost - %lld given back, expected - final is "
		     "%lld",
		     lost, back, expected_lost);
}

Test(trace, zoomed_picture_says_how_many_more, .timeout = 60)
{
	const char *csv = in_dir("ev.csv"), *svg = in_dir("race.svg");
	char text[8192] = "";
	struct outcome o;
	size_t n;
	FILE *f;

	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "2", "--iters",
		     "300", "--window", "yield", "--cpus", "0", "--trace",
		     csv));
	cr_assert_eq(o.exit_code, 3, "%s", o.err);
	racelab(&o, 50, ARGS("trace", csv, "--svg", svg, "--collisions", "1"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	f = fopen(svg, "r");
	cr_assert_not_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	cr_expect(strstr(text, "more in the trace)"), "%.400s", text);
	cr_expect(strstr(text, "First collision: "), "%.400s", text);
	cr_expect(strstr(text, "worker 0"), "%.400s", text);
	cr_expect(strstr(text, "worker 1"), "%.400s", text);
}

/* A file with several strategies' events: --strategy picks one. */
Test(trace, strategy_picks_one_of_several, .timeout = 30)
{
	const char *path = in_dir("two.csv");
	struct outcome o;
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs("strategy,worker,index,read,wrote,overwritten,lost_here,t_read,"
	      "t_write\n"
	      "none,0,1,0,1,0,0,10,20\n"
	      "none,1,1,0,1,1,1,15,25\n"
	      "spin,0,1,0,1,0,0,30,40\n"
	      "spin,1,1,1,2,1,0,50,60\n"
	      "spin,0,2,2,3,2,0,70,80\n",
	      f);
	fclose(f);
	racelab(&o, 20, ARGS("trace", path));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(strstr(o.out, "none: the trace of 2 increments explains"),
		  "%s", o.out);
	cr_expect(strstr(o.out, "accounts for 1 lost updates"), "%s", o.out);
	racelab(&o, 20, ARGS("trace", path, "--strategy", "spin"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(strstr(o.out, "spin: the trace of 3 increments finds no"),
		  "%s", o.out);
	racelab(&o, 20, ARGS("trace", path, "--strategy", "ticket"));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "no event of that strategy"), "%s", o.err);
}

/* A trace file is untrusted: each bad one is a clear usage error. */
Test(trace, bad_files_are_refused_with_the_line_and_reason, .timeout = 60)
{
	static const struct {
		const char *content; /* the file */
		const char *words;   /* what racelab must say */
	} cases[] = {
		{ "", "empty, not even a header" },
		{ "hello\n", "line 1: not the header" },
		{ "strategy,worker,index,read,wrote,overwritten,lost_here,"
		  "t_read,t_write\nnone,0,1,5,7,5,0,1,2\n",
		  "line 2: wrote is not read + 1" },
		{ "strategy,worker,index,read,wrote,overwritten,lost_here,"
		  "t_read,t_write\nnone,0,1,5,6,9,0,1,2\n",
		  "line 2: lost_here is not overwritten - read" },
		{ "strategy,worker,index,read,wrote,overwritten,lost_here,"
		  "t_read,t_write\nnone,0,1,5,6,5,0,1\n",
		  "line 2: fewer than 9 fields" },
		{ "strategy,worker,index,read,wrote,overwritten,lost_here,"
		  "t_read,t_write\nnone,0,1,99999999999999999999,6,5,0,1,2\n",
		  "line 2: a field is not a whole number" },
		{ "strategy,worker,index,read,wrote,overwritten,lost_here,"
		  "t_read,t_write\nnone,5000,1,5,6,5,0,1,2\n",
		  "line 2: worker is beyond" },
		{ "strategy,worker,index,read,wrote,overwritten,lost_here,"
		  "t_read,t_write\n<script>,0,1,5,6,5,0,1,2\n",
		  "line 2: the strategy is not a racelab strategy name" },
		{ "strategy,worker,index,read,wrote,overwritten,lost_here,"
		  "t_read,t_write\n",
		  "no events" },
	};
	const char *path = in_dir("bad.csv"), *svg = in_dir("bad.svg");
	struct outcome o;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f);
		fputs(cases[i].content, f);
		fclose(f);
		racelab(&o, 20, ARGS("trace", path, "--svg", svg));
		cr_expect_eq(o.exit_code, 2, "case %u: exit %d: %s", i,
			     o.exit_code, o.err);
		cr_expect(strstr(o.err, cases[i].words),
			  "case %u: expected \"%s\" in: %s", i, cases[i].words,
			  o.err);
		cr_expect(access(svg, F_OK) != 0, "case %u drew a picture", i);
	}
	/* Not a regular file (a FIFO would hang a naive reader). */
	cr_assert_eq(mkfifo(in_dir("fifo"), 0600), 0);
	racelab(&o, 20, ARGS("trace", in_dir("fifo")));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "not a regular file"), "%s", o.err);
	racelab(&o, 20, ARGS("trace", in_dir("missing.csv")));
	cr_expect_eq(o.exit_code, 1, "%s", o.err);
	racelab(&o, 20, ARGS("trace"));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
}

/* --trace-svg replaces a symlink planted at its path, never follows it. */
Test(trace, svg_never_writes_through_a_symlink, .timeout = 60)
{
	const char *target = in_dir("target"), *link = in_dir("link.svg");
	char buf[16] = "";
	struct outcome o;
	FILE *f = fopen(target, "w");

	cr_assert_not_null(f);
	fputs("precious", f);
	fclose(f);
	cr_assert_eq(symlink(target, link), 0);
	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "2", "--iters",
		     "100", "--window", "yield", "--cpus", "0", "--trace-svg",
		     link));
	cr_expect_eq(o.exit_code, 3, "%s", o.err);
	f = fopen(target, "r");
	cr_assert_not_null(f);
	cr_expect_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_expect_str_eq(buf, "precious");
	buf[0] = '\0';
	/* And --trace FILE refuses to write through one. */
	cr_assert_eq(symlink(target, in_dir("link.csv")), 0);
	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "2", "--iters",
		     "100", "--trace", in_dir("link.csv")));
	cr_expect_eq(o.exit_code, 1, "%s", o.err);
	cr_expect(strstr(o.err, "Too many levels of symbolic links"), "%s",
		  o.err);
	f = fopen(target, "r");
	cr_assert_not_null(f);
	cr_expect_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_expect_str_eq(buf, "precious");
}

Test(trace, json_row_carries_the_summary, .timeout = 60)
{
	struct outcome o;

	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "2", "--iters",
		     "200", "--window", "yield", "--cpus", "0", "--format",
		     "json", "--trace"));
	cr_assert_eq(o.exit_code, 3, "%s", o.err);
	cr_expect(strstr(o.out, "\"trace\": {\"events\": 400, "), "%s", o.out);
	cr_expect(strstr(o.out, "\"agrees\": true"), "%s", o.out);
	cr_expect(strstr(o.out, "\"destructive_stores\": "), "%s", o.out);
}

Test(help, help_command_is_the_command_s_help, .timeout = 30)
{
	static const char *const cmds[] = { "run", "list", "bench", "trace",
					    "segment" };
	struct outcome a, b;

	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		racelab(&a, 20, ARGS("help", cmds[i]));
		racelab(&b, 20, ARGS(cmds[i], "--help"));
		cr_expect_eq(a.exit_code, 0, "help %s: %s", cmds[i], a.err);
		cr_expect_str_eq(a.out, b.out, "racelab help %s", cmds[i]);
	}
	racelab(&a, 20, ARGS("help"));
	cr_expect_eq(a.exit_code, 0);
	cr_expect(strstr(a.out, "  trace "), "%s", a.out);
	cr_expect(strstr(a.out, "  help "), "%s", a.out);
	racelab(&a, 20, ARGS("help", "nope"));
	cr_expect_eq(a.exit_code, 2);
	cr_expect(strstr(a.err, "unknown command 'nope'"), "%s", a.err);
}
