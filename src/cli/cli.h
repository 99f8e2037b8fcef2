/*
 * cli.h - what every racelab command shares: exit statuses, usage errors,
 * option-parsing helpers, and the commands themselves.
 *
 * How to add a command: write src/cmd-NAME.c with
 * `int cmd_NAME(int argc, char **argv)` (argv[0] is the command's name),
 * declare it below and add one line to the table in main.c.
 */
#ifndef RACELAB_CLI_H
#define RACELAB_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "out/report.h"

/* Exit statuses; keep in step with the help texts, README and docs. */
enum exit_status {
	EXIT_VERIFIED = 0, /* every count verified */
	EXIT_SYSTEM = 1,   /* a system call or a worker failed */
	EXIT_USAGE = 2,	   /* bad command line; nothing was created */
	EXIT_LOST = 3,	   /* lost updates where there must be none */
	EXIT_DEADLOCK = 4, /* workers made no progress: a deadlock */
};

/* Print "racelab: CMD: message (see `racelab CMD --help`)"; EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct option;

/*
 * getopt_long's problems in words, each naming the option as the user can
 * type it (longopts, the table given to getopt_long). Call it for every
 * option getopt_long returns, with seen[] all false at first: it handles
 * '?' (unknown, ambiguous abbreviation, or a value given to an option that
 * takes none), ':' (missing value) and an option given twice. Returns 0
 * when the option is fine to use, EXIT_USAGE after printing the problem.
 */
int cli_option_check(const char *cmd, const struct option *longopts, int c,
		     char **argv, bool seen[256]);

/*
 * A subcommand of a command that has several (`racelab segment create`,
 * `racelab counter incr`): the command's table of them, and what each
 * accepts.
 */
struct cli_subcommand {
	int kind;	   /* the command's own enum of them */
	const char *name;  /* as typed after the command: "create" */
	const char *cmd;   /* for messages: "segment create" */
	const char *usage; /* its --help */
	const char *opts;  /* the option codes (getopt's) it accepts */
};

/*
 * The subcommand argv[1] names among subs[n] (argv[0] is the command).
 * NULL when there is none to run, with *status set: EXIT_VERIFIED after
 * printing the command's usage for -h or --help; EXIT_USAGE after saying
 * that none or an unknown one was named (listing subs).
 */
const struct cli_subcommand *cli_subcommand(const char *command,
					    const char *usage,
					    const struct cli_subcommand *subs,
					    unsigned n, int argc, char **argv,
					    int *status);

/*
 * 0 when option c (a code in longopts, as getopt_long returned it) applies
 * to sub; else EXIT_USAGE after saying so, naming the option. --help (h)
 * applies everywhere.
 */
int cli_option_applies(const struct cli_subcommand *sub,
		       const struct option *longopts, int c);

/* Parse a whole number option in [min, max], or print why not. */
int cli_number(const char *cmd, const char *opt, const char *arg, uint64_t min,
	       uint64_t max, uint64_t *out);

/* --duration: fixed-time runs last at most this long. */
#define DURATION_MAX_S 3600

/*
 * Parse --duration's seconds, a plain decimal ("1", "0.5": no sign, no
 * "1e3") in [0.01, DURATION_MAX_S], or print why not (naming cmd).
 */
int cli_duration(const char *cmd, const char *arg, double *out);

/* Parse --format: table | csv | json, or print why not (naming cmd). */
int cli_format(const char *cmd, const char *arg, enum format *out);

struct window; /* core/run.h */

/*
 * Parse --window: none | yield | spin:N | sleep:USEC | random:N, or print
 * why not (naming cmd).
 */
int cli_window(const char *cmd, const char *arg, struct window *w);

/* How cli_list reads a list such as 0,2-3. */
struct cli_list_rules {
	uint64_t min, max;   /* each number's range */
	unsigned cap;	     /* at most this many numbers in all */
	bool unique;	     /* a number given twice is an error */
	const char *what;    /* "CPU number": a token must start with a digit;
				NULL: any token goes to cli_number */
	const char *example; /* a range, for the message: "0-3" */
	const char *items;   /* what cap counts, plural: "entries" */
};

/*
 * Parse a list of numbers and ranges ("1", "1,2", "1-4", "0-1,3") into
 * out[] in the order given, by the rules r; *n gets how many. 0 or
 * EXIT_USAGE after printing the problem.
 */
int cli_list(const char *cmd, const char *opt, const char *arg,
	     const struct cli_list_rules *r, unsigned *out, unsigned *n);

/* Online CPUs, at least 2, at most PROCS_MAX: the default worker count. */
unsigned default_procs(void);

/*
 * After a run stopped by a signal (harness_interrupted()): say so, then die
 * of that signal, so the shell sees what happened (Ctrl-C: 130), without a
 * core dump (SIGQUIT: everything is already cleaned up). Returns 128 + sig
 * in case the signal is ignored.
 */
int cli_die_of(int sig);

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_counter(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif
