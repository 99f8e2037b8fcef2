/*
 * test_cli.c - the command line: help, version, list, every class of bad
 * input (exit 2, one clear line, nothing created), and the CSV and JSON
 * formats.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/registry.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

Test(cli, help_version_and_list, .timeout = 30)
{
	struct outcome o;

	cr_assert_eq(racelab(&o, 10, ARGS("--help")), 0);
	cr_expect_eq(o.exit_code, 0);
	cr_expect(strstr(o.out, "usage: racelab COMMAND"), "%s", o.out);
	cr_expect(strstr(o.out, "exit status"), "help names the exit codes");

	racelab(&o, 10, ARGS("run", "--help"));
	cr_expect_eq(o.exit_code, 0);
	cr_expect(strstr(o.out, "--strategy") && strstr(o.out, "--procs") &&
		      strstr(o.out, "--iters") && strstr(o.out, "--format"),
		  "%s", o.out);

	racelab(&o, 10, ARGS("--version"));
	cr_expect_eq(o.exit_code, 0);
	cr_expect(strncmp(o.out, "racelab ", 8) == 0, "%s", o.out);

	racelab(&o, 10, ARGS("list"));
	cr_expect_eq(o.exit_code, 0);
	for (const char *const *n =
		 ARGS("none", "sysv-sem", "robust-mutex", "atomic", "flock");
	     *n; n++)
		cr_expect(strstr(o.out, *n), "list lacks %s", *n);
	cr_expect(strstr(o.out, "wrong on purpose"), "none is marked");
	/* Every strategy once, marked if and only if it is wrong on purpose. */
	for (unsigned i = 0; i < strategy_count; i++) {
		const struct strategy *st = strategies[i];
		const char *mark = st->racy ? "[wrong on purpose]"
				   : st->racy_in_threads
				       ? "[wrong on purpose in thread mode]"
				       : NULL;
		char name[64], line[512] = "";
		const char *at, *end;

		snprintf(name, sizeof(name), "\n  %s ", st->name);
		at = strstr(o.out, name);
		cr_expect(at, "list lacks %s", st->name);
		if (!at)
			continue;
		cr_expect_null(strstr(at + 1, name), "%s listed twice",
			       st->name);
		end = strchr(at + 1, '\n');
		snprintf(line, sizeof(line), "%.*s",
			 (int)(end ? end - at - 1 : (long)strlen(at + 1)),
			 at + 1);
		if (mark)
			cr_expect(strstr(line, mark), "%s is not marked: %s",
				  st->name, line);
		else
			cr_expect_null(strstr(line, "wrong on purpose"),
				       "%s is marked: %s", st->name, line);
	}
	for (const char *const *g =
		 ARGS("no exclusion:", "kernel locks:", "user-space locks:",
		      "lock-free:", "no sharing:");
	     *g; g++)
		cr_expect(strstr(o.out, *g), "list lacks the group %s", *g);
}

struct bad_case {
	const char *args[8]; /* after "racelab" */
	const char *says;    /* the message must contain this */
};

Test(cli, bad_input_exits_2_with_one_line_and_creates_nothing, .timeout = 60)
{
	static const struct bad_case cases[] = {
		{ { NULL }, "usage" },
		{ { "frobnicate" }, "unknown command 'frobnicate'" },
		{ { "run", "--strategy", "nosuch" },
		  "unknown strategy 'nosuch'" },
		{ { "run", "--bogus" }, "unknown option '--bogus'" },
		{ { "run", "-x" }, "unknown option '-x'" },
		{ { "run", "--procs" }, "needs a value" },
		{ { "run", "--procs", "0" }, "--procs '0' must be at least 1" },
		{ { "run", "--procs", "-3" }, "must not be negative" },
		{ { "run", "--procs", "4x" }, "not a whole decimal number" },
		{ { "run", "--procs", "0x10" }, "not a whole decimal number" },
		{ { "run", "--procs", "100000" }, "too large" },
		{ { "run", "--iters", "0" }, "--iters '0' must be at least 1" },
		{ { "run", "--iters", "ten" }, "not a whole decimal number" },
		{ { "run", "--iters", "99999999999999999999" }, "too large" },
		{ { "run", "--iters", "10000000001" }, "too large" },
		{ { "run", "--format", "xml" }, "--format 'xml'" },
		{ { "run", "--procs", "2", "--procs", "3" }, "given twice" },
		{ { "run", "extra" }, "unexpected argument 'extra'" },
		{ { "run", "--strategy", "atomic", "--lock-file", "/tmp/x" },
		  "--lock-file only applies to the strategies that lock a "
		  "file (flock, fcntl, ofd)" },
		{ { "run", "--strategy", "peterson", "--procs", "3" },
		  "peterson: Peterson's algorithm is for exactly two workers" },
		{ { "run", "--strategy", "peterson-relaxed", "--procs", "1",
		    "--mode", "thread" },
		  "use --procs 2" },
		{ { "list", "extra" }, "unexpected argument" },
	};
	struct snapshot before;

	snap(&before);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		struct outcome o;
		const char *nl;

		cr_assert_eq(racelab(&o, 10, c->args), 0);
		cr_expect_eq(o.exit_code, 2, "racelab %s ...: exit %d, want 2",
			     c->args[0] ? c->args[0] : "", o.exit_code);
		cr_expect(strstr(o.err, c->says),
			  "case %u: stderr '%s' lacks '%s'", i, o.err, c->says);
		cr_expect_str_empty(o.out, "case %u printed on stdout", i);
		if (c->args[0]) { /* bare `racelab` prints the whole usage */
			nl = strchr(o.err, '\n');
			cr_expect(nl && nl[1] == '\0',
				  "case %u: want one line, got '%s'", i, o.err);
		}
	}
	expect_same_tables(&before, "bad input");
}

Test(cli, csv_has_documented_columns_and_exact_numbers, .timeout = 60)
{
	struct outcome o;
	char v[64];

	racelab(&o, 50,
		ARGS("run", "--strategy", "atomic", "--procs", "2", "--iters",
		     "50000", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	cr_expect(strncmp(o.out,
			  "strategy,mode,procs,iters,iters_auto,expected,final,"
			  "lost,lost_pct,elapsed_s,ns_per_op,mops_per_s,",
			  93) == 0,
		  "header: %s", o.out);
	cr_assert_eq(csv_field(o.out, 0, "strategy", v, sizeof(v)), 0);
	cr_expect_str_eq(v, "atomic");
	csv_field(o.out, 0, "mode", v, sizeof(v));
	cr_expect_str_eq(v, "process");
	cr_expect_eq(csv_u64(o.out, 0, "procs"), 2);
	cr_expect_eq(csv_u64(o.out, 0, "iters"), 50000);
	cr_expect_eq(csv_u64(o.out, 0, "expected"), 100000);
	cr_expect_eq(csv_u64(o.out, 0, "final"), 100000);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0);
	csv_field(o.out, 0, "verdict", v, sizeof(v));
	cr_expect_str_eq(v, "exact");
	csv_field(o.out, 0, "ns_per_op", v, sizeof(v));
	cr_expect(strtod(v, NULL) > 0, "ns_per_op %s", v);
	cr_expect_eq(csv_field(o.out, 1, "strategy", v, sizeof(v)), -1,
		     "one strategy, one row");
}

Test(cli, csv_for_all_has_one_row_per_strategy, .timeout = 120)
{
	struct outcome o;
	char v[64];

	racelab(&o, 110,
		ARGS("run", "--strategy", "all", "--procs", "2", "--iters",
		     "20000", "--format", "csv"));
	cr_assert(o.exit_code == 0, "exit %d: %s", o.exit_code, o.err);
	for (int row = 0; row < 5; row++) {
		cr_assert_eq(csv_field(o.out, row, "strategy", v, sizeof(v)), 0,
			     "row %d missing: %s", row, o.out);
		cr_expect_eq(csv_u64(o.out, row, "expected"), 40000);
	}
}

Test(cli, json_is_well_formed_with_the_documented_keys, .timeout = 60)
{
	static const char *const keys[] = {
		"\"strategy\": \"robust-mutex\"",
		"\"mode\": \"process\"",
		"\"procs\": 2",
		"\"iters\": 30000",
		"\"expected\": 60000",
		"\"final\": 60000",
		"\"lost\": 0",
		"\"lost_pct\": ",
		"\"elapsed_s\": ",
		"\"ns_per_op\": ",
		"\"verdict\": \"exact\"",
	};
	struct outcome o;

	racelab(&o, 50,
		ARGS("run", "--strategy", "robust-mutex", "--procs", "2",
		     "--iters", "30000", "--format", "json"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(json_valid(o.out), "not JSON: %s", o.out);
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_expect(strstr(o.out, keys[i]), "lacks %s: %s", keys[i],
			  o.out);
}

Test(cli, json_checker_refuses_broken_json)
{
	cr_expect(json_valid("{\"a\": [1, 2.5, true, null, \"x\"]}"));
	cr_expect_not(json_valid("{\"a\": 1,}"));
	cr_expect_not(json_valid("{\"a\" 1}"));
	cr_expect_not(json_valid("[1, 2"));
	cr_expect_not(json_valid("{} x"));
}

Test(cli, table_explains_the_lost_updates, .timeout = 60)
{
	struct outcome o;

	/* NO_COLOR is not needed: stdout is a pipe, so no colour anyway. */
	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "2", "--iters",
		     "1000"));
	cr_expect(o.exit_code == 0 || o.exit_code == 3, "exit %d", o.exit_code);
	cr_expect(strstr(o.out, "strategy") && strstr(o.out, "verdict"), "%s",
		  o.out);
	cr_expect_null(strstr(o.out, "\033["), "colour on a pipe");
}
