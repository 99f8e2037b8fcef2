/*
 * main.c - the command line: parse and check every option before anything
 * is created, run, report, and turn the outcome into an exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "harness.h"
#include "report.h"
#include "util.h"

/* Exit statuses; keep in step with the help text, README and docs. */
enum exit_status {
	EXIT_VERIFIED = 0, /* every count verified */
	EXIT_SYSTEM = 1,   /* a system call or a worker failed */
	EXIT_USAGE = 2,	   /* bad command line */
	EXIT_LOST = 3,	   /* lost updates where there must be none */
};

#define TARGET_S 0.25 /* calibrated run length */

static const char main_usage[] =
    "usage: racelab COMMAND [OPTIONS]\n"
    "\n"
    "Race conditions on purpose, and every fix proven: workers hammer one\n"
    "shared counter under a strategy, and racelab checks the final count.\n"
    "\n"
    "commands:\n"
    "  run     run one strategy (or all) and verify the count\n"
    "  list    list the strategies, grouped, with what each teaches\n"
    "\n"
    "options:\n"
    "  -h, --help     this help; `racelab COMMAND --help` for a command\n"
    "  -V, --version  print the version\n"
    "\n"
    "exit status:\n"
    "  0  every count verified (with --strategy all: every strategy that\n"
    "     must be exact was; `none` losing updates is its lesson)\n"
    "  1  system error (a call failed, a worker died or failed)\n"
    "  2  usage error (nothing was created)\n"
    "  3  lost updates observed\n"
    "  128+N  stopped by signal N (Ctrl-C: 130); everything was cleaned up\n"
    "\n"
    "example: racelab run --strategy all --procs 4\n";

static const char run_usage[] =
    "usage: racelab run [OPTIONS]\n"
    "\n"
    "Fork PROCS workers over one SysV shared memory segment, release them\n"
    "together, let each add 1 to the shared counter ITERS times under the\n"
    "strategy, and check the final count against procs x iters.\n"
    "\n"
    "options:\n"
    "  -s, --strategy NAME  a strategy from `racelab list`, or all\n"
    "                       (default: all)\n"
    "  -p, --procs N        workers, 1..1024 (default: online CPUs, at "
    "least 2)\n"
    "  -n, --iters N        increments per worker, 1..10000000000\n"
    "                       (default: chosen per strategy by a short trial\n"
    "                       run so that each run takes about 0.25 s)\n"
    "  -m, --mode M         process (default): fork() one process per\n"
    "                       worker; thread: one pthread per worker, all in\n"
    "                       this process\n"
    "  -f, --format F       table (default), csv or json\n"
    "      --lock-file PATH flock: use PATH (a regular file, never a\n"
    "                       symlink) instead of a private temporary file\n"
    "  -v, --verbose        name every kernel object made and removed\n"
    "  -h, --help           this help\n"
    "\n"
    "output: one row per strategy with strategy, mode, procs, iters,\n"
    "expected, final, lost, lost_pct, elapsed_s, ns_per_op (wall time / all\n"
    "increments), mops_per_s, recoveries, verdict (exact|lost|failed).\n"
    "Colour only on a terminal, never with NO_COLOR set.\n"
    "\n"
    "exit status: 0 verified, 1 system error, 2 usage, 3 lost updates,\n"
    "128+N stopped by signal N.\n";

static const char list_usage[] =
    "usage: racelab list\n"
    "\n"
    "List the strategies by group: name, one line on what it teaches, and\n"
    "a mark on those that lose updates on purpose.\n";

struct options {
	const struct strategy *strategy; /* NULL: all */
	enum mode mode;			 /* processes or threads */
	unsigned procs;			 /* workers */
	uint64_t iters;			 /* 0: calibrate */
	enum format format;		 /* output */
	const char *lock_file;		 /* --lock-file */
	bool verbose;			 /* --verbose */
};

static int usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", PROGRAM_NAME, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see `racelab %s --help`)\n", cmd);
	return EXIT_USAGE;
}

static unsigned default_procs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > PROCS_MAX ? PROCS_MAX : (unsigned)n;
}

/* Parse `run`'s options into *o; return 0 or EXIT_USAGE. */
static int parse_run(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "strategy", required_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "iters", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		{ "lock-file", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool seen[256] = { false };
	const char *why;
	uint64_t v;
	int c;

	*o = (struct options){ .procs = default_procs() };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:p:n:f:m:vh", longopts, NULL)) !=
	       -1) {
		const char *opt = argv[optind - 1];

		if (c == '?') {
			if (optopt)
				return usage_error(
				    "run", "unknown option '-%c'", optopt);
			return usage_error("run", "unknown option '%s'", opt);
		}
		if (c == ':')
			return usage_error("run", "option '%s' needs a value",
					   opt);
		if (c != 'h' && seen[c])
			return usage_error("run", "option '%s' given twice",
					   opt);
		seen[c] = true;
		switch (c) {
		case 's':
			if (strcmp(optarg, "all") == 0)
				break;
			o->strategy = strategy_find(optarg);
			if (!o->strategy)
				return usage_error(
				    "run",
				    "unknown strategy '%s' (`racelab list` "
				    "shows them)",
				    optarg);
			break;
		case 'p':
			if (parse_u64(optarg, 1, PROCS_MAX, &v, &why))
				return usage_error("run",
						   "--procs '%s' %s (1..%d)",
						   optarg, why, PROCS_MAX);
			o->procs = (unsigned)v;
			break;
		case 'n':
			/* The caps keep procs x iters far below 2^64. */
			if (parse_u64(optarg, 1, ITERS_MAX, &v, &why))
				return usage_error(
				    "run", "--iters '%s' %s (1..%llu)", optarg,
				    why, (unsigned long long)ITERS_MAX);
			o->iters = v;
			break;
		case 'f':
			if (report_format_parse(optarg, &o->format))
				return usage_error(
				    "run",
				    "--format '%s' is not one of "
				    "table, csv, json",
				    optarg);
			break;
		case 'm':
			if (strcmp(optarg, "process") == 0)
				o->mode = MODE_PROCESS;
			else if (strcmp(optarg, "thread") == 0)
				o->mode = MODE_THREAD;
			else
				return usage_error(
				    "run",
				    "--mode '%s' is not one of process, thread",
				    optarg);
			break;
		case 'L':
			if (!*optarg)
				return usage_error("run",
						   "--lock-file needs a path");
			o->lock_file = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			fputs(run_usage, stdout);
			exit(EXIT_VERIFIED);
		}
	}
	if (optind < argc)
		return usage_error("run", "unexpected argument '%s'",
				   argv[optind]);
	if (o->lock_file && o->strategy && strcmp(o->strategy->name, "flock"))
		return usage_error("run",
				   "--lock-file only applies to the flock "
				   "strategy");
#ifdef RACELAB_TSAN
	/* Shadow memory is per process: TSan cannot see another's accesses. */
	if (seen['m'] && o->mode == MODE_PROCESS)
		return usage_error(
		    "run", "this is the ThreadSanitizer build: it cannot "
			   "see memory shared between processes, so "
			   "process mode would find nothing; use --mode "
			   "thread");
	o->mode = MODE_THREAD;
#endif
	if (o->strategy && o->strategy->unsupported)
		return usage_error("run", "%s cannot run here: %s",
				   o->strategy->name, o->strategy->unsupported);
	return 0;
}

/* procs beyond RLIMIT_NPROC would fail half-way through fork(). */
static int check_limits(const struct options *o)
{
	struct rlimit rl;

	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && o->procs >= rl.rlim_cur)
		return usage_error("run",
				   "--procs %u is at or above RLIMIT_NPROC "
				   "(%llu processes for this user)",
				   o->procs, (unsigned long long)rl.rlim_cur);
	return 0;
}

/* Run one strategy: calibrate if asked, then the measured run. */
static int run_one(const struct options *o, const struct strategy *s,
		   struct result *res)
{
	struct run run = {
		.strategy = s,
		.mode = o->mode,
		.procs = o->procs,
		.iters = o->iters,
		.lock_file = o->lock_file,
		.verbose = o->verbose,
	};
	int err;

	if (!run.iters) {
		err = harness_calibrate(&run, TARGET_S, &run.iters);
		if (err)
			return err;
	}
	err = harness_run(&run, res);
	res->iters_auto = o->iters == 0;
	return err;
}

static int cmd_run(int argc, char **argv)
{
	struct result *res;
	struct options o;
	struct report rp = { .out = stdout, .target_s = TARGET_S };
	struct run shape;
	unsigned n = 0;
	int status, err = 0;
	bool lost = false, failed = false;
	const char *nc = getenv("NO_COLOR");

	status = parse_run(argc, argv, &o);
	if (!status)
		status = check_limits(&o);
	if (status)
		return status;
	res = calloc(strategy_count, sizeof(*res));
	if (!res)
		return report_errno("run", "calloc", ENOMEM), EXIT_SYSTEM;
	rp.format = o.format;
	rp.colour = isatty(STDOUT_FILENO) && !(nc && *nc);
	shape = (struct run){ .mode = o.mode, .procs = o.procs };
	harness_signals_init();
	report_begin(&rp, &shape);
	for (unsigned i = 0; i < strategy_count && !err; i++) {
		const struct strategy *s =
		    o.strategy ? o.strategy : strategies[i];

		if (o.strategy && i > 0)
			break;
		if (s->unsupported)
			continue;
		err = run_one(&o, s, &res[n]);
		if (err)
			break;
		report_row(&rp, &res[n]);
		failed |= res[n].verdict == VERDICT_FAILED;
		/* With all, `none` losing updates is the lesson, not a fail. */
		if (res[n].verdict == VERDICT_LOST && (o.strategy || !s->racy))
			lost = true;
		n++;
	}
	report_end(&rp, res, n);
	if (err == -EINTR && harness_interrupted()) {
		int sig = harness_interrupted();

		report(
		    "stopped by SIG%s; workers killed, kernel objects removed",
		    sigabbrev_np(sig));
		sigset_t set;

		/* Die of the same signal, so the shell sees what happened. */
		free(res);
		sigemptyset(&set);
		sigaddset(&set, sig);
		signal(sig, SIG_DFL);
		raise(sig); /* pending until unblocked just below */
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		return 128 + sig;
	}
	free(res);
	if (err || failed)
		return EXIT_SYSTEM;
	return lost ? EXIT_LOST : EXIT_VERIFIED;
}

static int cmd_list(int argc, char **argv)
{
	if (argc > 1 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(list_usage, stdout);
		return EXIT_VERIFIED;
	}
	if (argc > 1)
		return usage_error("list", "unexpected argument '%s'", argv[1]);
	for (int k = KIND_NONE; k <= KIND_LOCKFREE; k++) {
		printf("%s:\n", strategy_kind_name((enum strategy_kind)k));
		for (unsigned i = 0; i < strategy_count; i++) {
			const struct strategy *s = strategies[i];

			if (s->kind != (enum strategy_kind)k)
				continue;
			printf("  %-14s %s%s\n", s->name, s->summary,
			       s->racy ? "  [wrong on purpose]" : "");
			if (s->unsupported)
				printf("  %-14s (cannot run here: %s)\n", "",
				       s->unsupported);
		}
	}
	return EXIT_VERIFIED;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(main_usage, stdout);
		return EXIT_VERIFIED;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("racelab %s\n", RACELAB_VERSION);
		return EXIT_VERIFIED;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	fprintf(stderr,
		"%s: unknown command '%s' (commands: run, list; see `racelab "
		"--help`)\n",
		PROGRAM_NAME, argv[1]);
	return EXIT_USAGE;
}
