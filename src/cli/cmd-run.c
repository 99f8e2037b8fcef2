/*
 * cmd-run.c - `racelab run`: parse and check every option before anything
 * is created, run one strategy or all, report, and pick the exit status.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/harness.h"
#include "core/safefile.h"
#include "core/registry.h"
#include "core/tsan.h"
#include "core/trace.h"
#include "out/race-svg.h"
#include "out/report.h"
#include "core/util.h"

#define TARGET_S	      0.15	     /* calibrated run length */
#define CAP_S		      (4 * TARGET_S) /* stop a calibrated run that overruns */
#define CRASH_TIMEOUT_S	      5	     /* default watchdog with --crash-at */
#define TRACE_DEFAULT_EVENTS  200000 /* --trace without --iters */
#define TIMELINE	      5	     /* collisions shown by --trace */
#define LATENCY_SHIFT_DEFAULT 10     /* --latency: 1 acquire in 1024 */
#define LATENCY_SHIFT_MAX     20     /* ... at least 1 in 2^20 */

static const char run_usage[] =
    "usage: racelab run [OPTIONS]\n"
    "\n"
    "Start PROCS workers over one SysV shared memory segment, release\n"
    "them together, let each add 1 to the shared counter ITERS times under\n"
    "the strategy, and check the final count against procs x iters.\n"
    "\n"
    "options:\n"
    "  -s, --strategy NAME   a strategy from `racelab list`, or all "
    "(default)\n"
    "  -p, --procs N         workers, 1..1024 (default: online CPUs, at "
    "least 2)\n"
    "  -n, --iters N         increments per worker, 1..10000000000\n"
    "                        (default: chosen per strategy by a short "
    "trial\n"
    "                        so that each run takes about 0.15 s)\n"
    "      --store S         where the counter lives: shm (default, the\n"
    "                        run's private SysV region), file (a private\n"
    "                        temporary file of decimal text) or file:PATH\n"
    "                        (that file, kept with the final count),\n"
    "                        postgres (a table of the run's own, dropped\n"
    "                        at the end; libpq's PG* variables say where)\n"
    "                        or postgres:CONNINFO, redis ($RACELAB_REDIS)\n"
    "                        or redis:SOCKET or redis:HOST:PORT (a key of\n"
    "                        the run's own); `racelab list` says which\n"
    "                        strategies each admits\n"
    "  -m, --mode M          process (default): one forked process per\n"
    "                        worker; thread: one pthread per worker\n"
    "  -f, --format F        table (default), csv or json\n"
    "      --wide            the table with every column in full, however\n"
    "                        narrow the terminal (see output below)\n"
    "      --lock-file PATH  flock, fcntl, ofd: lock PATH, not a private\n"
    "                        temporary file (an existing one is kept as it\n"
    "                        is; no symlink anywhere in PATH)\n"
    "  -v, --verbose         name every kernel object made and removed\n"
    "  -d, --duration S      fixed time: add for S seconds (0.01..3600);\n"
    "                        shows each worker's share, and UNFAIR when\n"
    "                        the busiest did over twice the least busy\n"
    "      --latency[=K]     time 1 acquire in 2^K (default 10) from asking\n"
    "                        to holding: p50, p99, p99.9, max\n"
    "\n";

/* (Three strings: C11 promises string literals of 4095 bytes only.) */
static const char run_usage_more[] =
    "crash injection (process mode):\n"
    "      --crash-at K      worker W takes the lock, reads the counter and\n"
    "                        is killed with SIGKILL at its K-th increment\n"
    "      --crash-worker W  which worker dies (default 0)\n"
    "      --timeout S       watchdog: no increment finished for S seconds\n"
    "                        means DEADLOCK; kill the rest, exit 4\n"
    "                        (default 5 with --crash-at, otherwise off)\n"
    "\n"
    "reproducing the race:\n"
    "      --window W        between load and store: none (default), "
    "yield,\n"
    "                        spin:N (N pause instructions), sleep:USEC,\n"
    "                        random:N (spin 0..N-1, from --seed)\n"
    "      --window-worker W only worker W waits in the window (one\n"
    "                        holder paused: the lease lesson)\n"
    "      --cpus LIST       pin worker i to the i-th CPU of LIST, e.g. 0,\n"
    "                        0,1 or 0-3 (0 alone: lost updates on ONE CPU)\n"
    "      --seed S          seed every random choice (default: from the\n"
    "                        clock; the report prints it)\n"
    "      --trace [FILE]    record every increment and explain each lost\n"
    "                        update; FILE gets the events as CSV. At most\n"
    "                        10,000,000 increments (procs x iters); without\n"
    "                        --iters, 200,000 in all. FILE is renamed\n"
    "                        into place: an existing one is replaced, a\n"
    "                        symlink refused\n"
    "      --trace-svg FILE  (implies --trace) draw the first lost updates\n"
    "                        as a picture: one lane per worker, each\n"
    "                        increment from its load to its store, each\n"
    "                        store that overwrote others marked (with\n"
    "                        --strategy all: the first strategy that lost\n"
    "                        updates). `racelab trace` draws a saved FILE\n"
    "  -h, --help            this help\n";

/* The rest of the help: one literal stays under C99's 4095 characters. */
static const char run_usage_output[] =
    "\n"
    "output: one row per strategy: strategy, mode, procs, iters, expected,\n"
    "final, lost, lost_pct, elapsed_s, ns_per_op (wall time / all\n"
    "increments), mops_per_s, recoveries, verdict (exact, lost, failed or\n"
    "deadlock), recovery, seed, window, then fairness: share_min_pct,\n"
    "share_max_pct, share_dev_pct, unfair, finish_spread_s,\n"
    "finish_spread_pct, per_worker (docs/benchmarking.md), and with\n"
    "--latency latency_every, latency_samples, acquire_p50_ns,\n"
    "acquire_p99_ns, acquire_p999_ns, acquire_max_ns, retries (the\n"
    "database strategies that retry), and overlap_s (how long every\n"
    "worker was running at once). Colour only on a terminal,\n"
    "never with NO_COLOR set. The table fits $COLUMNS, else the terminal's\n"
    "width (a pipe or file gets it whole): numbers become compact (340M),\n"
    "then overlap s, Mincr/s, time, iters and final are dropped, in that\n"
    "order, and\n"
    "the notes wrap. CSV and JSON are never fitted.\n"
    "\n"
    "exit status: 0 verified, 1 system error, 2 usage, 3 lost updates,\n"
    "4 deadlock, 128+N stopped by signal N.\n";

struct options {
	const struct strategy *strategy; /* NULL: all */
	const char *strategy_name; /* --strategy, until --store is known */
	const struct store *store; /* --store, NULL: the default */
	const char *store_name;	   /* --store file:PATH's PATH */
	unsigned window_worker;	   /* --window-worker */
	enum mode mode;		   /* processes or threads */
	unsigned procs;		   /* workers */
	uint64_t iters;		   /* 0: calibrate */
	enum format format;	   /* output */
	const char *lock_file;	   /* --lock-file */
	double duration_s;	   /* --duration, 0: fixed iterations */
	bool latency;		   /* --latency */
	unsigned latency_shift;	   /* --latency=K */
	bool verbose;		   /* --verbose */
	uint64_t crash_at;	   /* --crash-at, 0: none */
	unsigned crash_worker;	   /* --crash-worker */
	uint64_t timeout_s;	   /* --timeout, 0: default */
	struct window window;	   /* --window */
	int cpus[PROCS_MAX];	   /* --cpus, expanded */
	unsigned ncpus;		   /* 0: not pinned */
	uint64_t seed;		   /* --seed or from the clock */
	const char *trace_file;	   /* --trace FILE */
	const char *trace_svg;	   /* --trace-svg FILE */
	bool trace;		   /* --trace */
	bool wide;		   /* --wide */
	bool svg_drawn;		   /* --trace-svg has been written */
	char command[512];	   /* the command line, for the picture */
	struct safeout trace_out;  /* FILE, while it is written */
	bool seen[256];		   /* options given */
};

/* --cpus: a list like 0, 0,1, 0-3 or 0-1,3, each CPU one we may use. */
static int parse_cpus(const char *arg, struct options *o)
{
	static const struct cli_list_rules rules = {
		.min = 0,
		.max = UINT32_MAX,
		.cap = PROCS_MAX,
		.what = "CPU number",
		.example = "0-3",
		.items = "entries",
	};
	static unsigned list[PROCS_MAX];
	cpu_set_t allowed;
	int err;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) == -1)
		return report_errno("run", "sched_getaffinity", errno),
		       EXIT_SYSTEM;
	if ((err = cli_list("run", "--cpus", arg, &rules, list, &o->ncpus)))
		return err;
	for (unsigned i = 0; i < o->ncpus; i++) {
		if (list[i] >= CPU_SETSIZE || !CPU_ISSET(list[i], &allowed))
			return usage_error("run",
					   "--cpus: CPU %u is not available "
					   "here (this machine has %ld online)",
					   list[i],
					   sysconf(_SC_NPROCESSORS_ONLN));
		o->cpus[i] = (int)list[i];
	}
	return 0;
}

static void run_init(const struct options *o, const struct strategy *s,
		     struct run *run);

/* "flock, fcntl, ofd": the strategies that take --lock-file. */
static const char *lock_file_strategies(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < strategy_count && n < len; i++)
		if (strategies[i]->lock_file)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "",
					      strategies[i]->name);
	return buf;
}

/* Checks that need several options at once. */
static int check_combination(struct options *o)
{
	bool *seen = o->seen;
	char num[32], names[128];
	const char *why;

	/* A database store's own `none` is not the general one. */
	if (o->strategy_name)
		o->strategy = strategy_find_for(o->strategy_name, o->store);

#ifdef RACELAB_TSAN /* first: the checks below depend on the mode */
	/* Shadow memory is per process: TSan cannot see another's accesses. */
	if (seen['m'] && o->mode == MODE_PROCESS)
		return usage_error("run",
				   "this is the ThreadSanitizer build: it "
				   "cannot see memory shared between "
				   "processes, so process mode would find "
				   "nothing; use --mode thread");
	if (o->crash_at)
		return usage_error("run",
				   "this is the ThreadSanitizer build, which "
				   "runs threads only, and --crash-at needs "
				   "process mode: use ./racelab");
	o->mode = MODE_THREAD;
#endif

	if (o->lock_file && o->strategy && !o->strategy->lock_file)
		return usage_error("run",
				   "--lock-file only applies to the strategies "
				   "that lock a file (%s); %s locks none",
				   lock_file_strategies(names, sizeof(names)),
				   o->strategy->name);
	if (o->strategy && o->strategy->unsupported)
		return usage_error("run", "%s cannot run here: %s",
				   o->strategy->name, o->strategy->unsupported);
	if (o->strategy &&
	    (why = store_refuses(o->store ? o->store : stores[0], o->strategy)))
		return usage_error("run", "--store %s: %s",
				   o->store ? o->store->name : stores[0]->name,
				   why);
	if (o->trace && o->store && !o->store->memory)
		return usage_error("run",
				   "--trace records what each store overwrote, "
				   "which needs an exchange on a memory word; "
				   "the %s store has none",
				   o->store->name);
	if (o->strategy && o->strategy->cannot_run) {
		struct run probe;

		run_init(o, o->strategy, &probe);
		why = o->strategy->cannot_run(&probe);
		if (why)
			return usage_error("run", "%s: %s", o->strategy->name,
					   why);
	}
	if ((seen['W'] || seen['T']) && !o->crash_at && seen['W'])
		return usage_error("run", "--crash-worker needs --crash-at");
	if (seen['U'] && o->window.kind == WINDOW_NONE)
		return usage_error("run", "--window-worker needs --window");
	if (seen['U'] && o->window_worker >= o->procs)
		return usage_error("run",
				   "--window-worker %u: there are only %u "
				   "workers (0..%u)",
				   o->window_worker, o->procs, o->procs - 1);
	if (o->crash_at) {
		if (o->mode == MODE_THREAD)
			return usage_error(
			    "run",
			    "--crash-at needs --mode process: POSIX has no "
			    "way to kill one thread alone (a fatal signal "
			    "ends the whole process)");
		if (o->crash_worker >= o->procs)
			return usage_error("run",
					   "--crash-worker %u: there are only "
					   "%u workers (0..%u)",
					   o->crash_worker, o->procs,
					   o->procs - 1);
		if (o->iters && o->crash_at > o->iters)
			return usage_error(
			    "run",
			    "--crash-at %llu is beyond --iters "
			    "%llu: the worker would finish first",
			    (unsigned long long)o->crash_at,
			    (unsigned long long)o->iters);
	}
	if (o->latency &&
	    (o->trace || o->crash_at || o->window.kind != WINDOW_NONE))
		return usage_error(
		    "run", "--latency times the fast loop; it excludes "
			   "--trace, --crash-at and --window, which use "
			   "the probed one");
	if (o->duration_s > 0 && o->trace)
		return usage_error("run",
				   "--duration and --trace exclude each other: "
				   "a trace records a fixed number of "
				   "increments (give --iters)");
	if (o->trace && o->iters &&
	    (uint64_t)o->procs * o->iters > TRACE_MAX_EVENTS)
		return usage_error("run",
				   "--trace records every increment: procs x "
				   "iters = %s is above the cap of 10,000,000; "
				   "lower --iters",
				   group_digits((uint64_t)o->procs * o->iters,
						num, sizeof(num)));
	return 0;
}

/* procs beyond RLIMIT_NPROC would fail half-way through fork(). */
static int check_limits(const struct options *o)
{
	struct rlimit rl;

	if (o->mode == MODE_PROCESS && geteuid() != 0 &&
	    getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    o->procs >= rl.rlim_cur)
		return usage_error("run",
				   "--procs %u is at or above RLIMIT_NPROC "
				   "(%llu processes for this user)",
				   o->procs, (unsigned long long)rl.rlim_cur);
	return 0;
}

/* A file option: checked before anything is created (safefile.h). */
static int check_path(const char *opt, const char *path)
{
	char buf[PATH_MAX + 128];
	const char *why = safefile_refuse(path, buf, sizeof(buf));

	if (why)
		return usage_error("run", "%s '%s': %s", opt, path, why);
	return 0;
}

/* Parse `run`'s options into *o; return 0 or an exit status. */
static int parse_run(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "strategy", required_argument, NULL, 's' },
		{ "store", required_argument, NULL, 'O' },
		{ "procs", required_argument, NULL, 'p' },
		{ "iters", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		{ "lock-file", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "crash-at", required_argument, NULL, 'K' },
		{ "crash-worker", required_argument, NULL, 'W' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "window", required_argument, NULL, 'w' },
		{ "window-worker", required_argument, NULL, 'U' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 'S' },
		{ "trace", optional_argument, NULL, 'R' },
		{ "wide", no_argument, NULL, 'X' },
		{ "trace-svg", required_argument, NULL, 'G' },
		{ "duration", required_argument, NULL, 'd' },
		{ "latency", optional_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	uint64_t v;
	int c, err;

	opterr = 0;
	optind = 1;
	/* "+": stop at the first non-option, so --trace FILE can take it. */
	while ((c = getopt_long(argc, argv, "+:s:p:n:f:m:d:vh", longopts,
				NULL)) != -1) {
		if ((err = cli_option_check("run", longopts, c, argv, o->seen)))
			return err;
		switch (c) {
		case 's':
			if (strcmp(optarg, "all") == 0)
				break;
			/* Which one depends on --store: see check_combination. */
			o->strategy_name = optarg;
			if (!strategy_find_for(optarg, NULL))
				return usage_error(
				    "run",
				    "unknown strategy '%s' "
				    "(`racelab list` shows them)",
				    optarg);
			break;
		case 'O':
			o->store = store_find(optarg, &o->store_name);
			if (!o->store)
				return usage_error(
				    "run",
				    "--store '%.*s' is not one of "
				    "shm, file, file:PATH, "
				    "postgres, postgres:CONNINFO, "
				    "redis, redis:WHERE",
				    (int)strcspn(optarg, ":"), optarg);
			if (o->store->unsupported)
				return usage_error("run", "--store %s: %s",
						   o->store->name,
						   o->store->unsupported);
			if (o->store_name && !*o->store_name)
				return usage_error(
				    "run", "--store %s: empty name", optarg);
			if (o->store_name && o->store->check_name &&
			    (why = o->store->check_name(o->store_name)))
				return usage_error("run", "--store %s: %s",
						   o->store->secret_name
						       ? o->store->name
						       : optarg,
						   why);
			break;
		case 'p':
			if ((err = cli_number("run", "--procs", optarg, 1,
					      PROCS_MAX, &v)))
				return err;
			o->procs = (unsigned)v;
			break;
		case 'n':
			/* The caps keep procs x iters far below 2^64. */
			if ((err = cli_number("run", "--iters", optarg, 1,
					      ITERS_MAX, &o->iters)))
				return err;
			break;
		case 'f':
			if ((err = cli_format("run", optarg, &o->format)))
				return err;
			break;
		case 'm':
			if (strcmp(optarg, "process") == 0)
				o->mode = MODE_PROCESS;
			else if (strcmp(optarg, "thread") == 0)
				o->mode = MODE_THREAD;
			else
				return usage_error("run",
						   "--mode '%s' is not one of "
						   "process, thread",
						   optarg);
			break;
		case 'L':
			if ((err = check_path("--lock-file", optarg)))
				return err;
			o->lock_file = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'A':
			o->latency = true;
			o->latency_shift = LATENCY_SHIFT_DEFAULT;
			if (optarg &&
			    (err = cli_number("run", "--latency", optarg, 0,
					      LATENCY_SHIFT_MAX, &v)))
				return err;
			if (optarg)
				o->latency_shift = (unsigned)v;
			break;
		case 'd':
			if ((err = cli_duration("run", optarg, &o->duration_s)))
				return err;
			break;
		case 'K':
			if ((err = cli_number("run", "--crash-at", optarg, 1,
					      ITERS_MAX, &o->crash_at)))
				return err;
			break;
		case 'W':
			if ((err = cli_number("run", "--crash-worker", optarg,
					      0, PROCS_MAX - 1, &v)))
				return err;
			o->crash_worker = (unsigned)v;
			break;
		case 'T':
			if ((err = cli_number("run", "--timeout", optarg, 1,
					      86400, &o->timeout_s)))
				return err;
			break;
		case 'w':
			if ((err = cli_window("run", optarg, &o->window)))
				return err;
			break;
		case 'U':
			if ((err = cli_number("run", "--window-worker", optarg,
					      0, PROCS_MAX - 1, &v)))
				return err;
			o->window_worker = (unsigned)v;
			break;
		case 'c':
			if ((err = parse_cpus(optarg, o)))
				return err;
			break;
		case 'S':
			if ((err = cli_number("run", "--seed", optarg, 0,
					      UINT64_MAX, &o->seed)))
				return err;
			break;
		case 'R':
			o->trace = true;
			if (optarg) {
				o->trace_file = optarg;
			} else if (optind < argc && argv[optind][0] != '-') {
				o->trace_file = argv[optind++];
			}
			if (o->trace_file &&
			    (err = check_path("--trace", o->trace_file)))
				return err;
			break;
		case 'X':
			o->wide = true;
			break;
		case 'G':
			if ((err = check_path("--trace-svg", optarg)))
				return err;
			o->trace = true;
			o->trace_svg = optarg;
			break;
		case 'h':
			fputs(run_usage, stdout);
			fputs(run_usage_more, stdout);
			fputs(run_usage_output, stdout);
			exit(EXIT_VERIFIED);
		}
	}
	if (optind < argc)
		return usage_error("run", "unexpected argument '%s'",
				   argv[optind]);
	if (!o->seen['S'])
		o->seed =
		    (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	if ((err = check_combination(o)))
		return err;
	return check_limits(o);
}

static void run_init(const struct options *o, const struct strategy *s,
		     struct run *run)
{
	*run = (struct run){
		.strategy = s,
		.store = o->store,
		.store_name = o->store_name,
		.mode = o->mode,
		.procs = o->procs,
		/* Fixed time: --iters, if given, caps each worker. */
		.iters = o->iters	     ? o->iters
			 : o->duration_s > 0 ? ITERS_MAX
					     : 0,
		.duration_s = o->duration_s,
		.latency = o->latency,
		.latency_shift = o->latency_shift,
		.lock_file = o->lock_file,
		.verbose = o->verbose,
		.crash_at = o->crash_at,
		.crash_worker = o->crash_worker,
		.timeout_s = (double)(o->timeout_s  ? o->timeout_s
				      : o->crash_at ? CRASH_TIMEOUT_S
						    : 0),
		.cpus = o->cpus,
		.ncpus = o->ncpus,
		.window = o->window,
		.window_one = o->seen['U'],
		.window_worker = o->window_worker,
		.seed = o->seed,
	};
}

/* Choose iters when the user did not, within what the options allow. */
static int choose_iters(const struct options *o, struct run *run)
{
	int err;

	if (run->iters)
		return 0;
	if (o->trace) {
		run->iters = TRACE_DEFAULT_EVENTS / o->procs;
		if (!run->iters)
			run->iters = 1;
	} else {
		err = harness_calibrate(run, TARGET_S, &run->iters);
		if (err)
			return err;
		/*
		 * A contended kernel lock switches between a cheap handoff and
		 * one that must wake a sleeper on the other CPU, 10-30x dearer,
		 * from one run to the next: a trial can land in either mode.
		 * So a calibrated run also stops at a time cap; the count stays
		 * exact (expected = what the workers finished) and the report
		 * says so.
		 */
		if (!o->crash_at)
			run->duration_s = CAP_S;
	}
	/* The crash must come before the worker would finish. */
	if (o->crash_at && run->iters < 2 * o->crash_at)
		run->iters = 2 * o->crash_at;
	return 0;
}

/* One strategy: choose iters and run; the caller frees run->trace. */
static int run_one(const struct options *o, const struct strategy *s,
		   struct run *run, struct result *res)
{
	int err;

	run_init(o, s, run);
	err = choose_iters(o, run);
	if (err)
		return err;
	if (o->trace) {
		run->trace = trace_alloc((uint64_t)run->procs * run->iters);
		if (!run->trace)
			return -ENOMEM;
	}
	err = harness_run(run, res);
	res->iters_auto = o->iters == 0 && o->duration_s <= 0;
	if (!err && res->stopped && !res->detail[0] && o->duration_s > 0)
		snprintf(res->detail, sizeof(res->detail),
			 "stopped after --duration %.3g s", run->duration_s);
	if (!err && res->stopped && !res->detail[0] && o->duration_s <= 0)
		snprintf(res->detail, sizeof(res->detail),
			 "stopped at the %.2g s time cap: the cost per "
			 "increment changed after the trial run",
			 run->duration_s);
	return err;
}

/*
 * After the row: what the trace says, the events to --trace FILE and the
 * picture to --trace-svg FILE.
 */
static int explain_trace(struct options *o, const struct trace_set *t,
			 const struct trace_summary *sum,
			 const struct result *res, bool first, bool last)
{
	/* In csv or json, stdout is for scripts: explain on stderr. */
	FILE *out = o->format == FORMAT_TABLE ? stdout : stderr;
	char a[32];
	int err = 0;

	trace_explain(out, t, sum, &res->lost, TIMELINE);
	(void)first; /* the file says: the header goes once */
	if (o->trace_file) {
		bool append = o->trace_out.f != NULL;

		/* Written beside FILE, renamed over it at the end. */
		if (!append)
			err = safeout_open(&o->trace_out, "run", o->trace_file);
		if (!err)
			err = trace_write_csv(o->trace_out.f, t, append);
		if (!err)
			fprintf(out,
				"  Wrote %s events to %s (`racelab trace %s "
				"--svg race.svg` draws them).\n",
				group_digits(t->n, a, sizeof(a)), o->trace_file,
				o->trace_file);
	}
	/* With all: the first strategy that lost updates, else the last. */
	if (!err && o->trace_svg && !o->svg_drawn &&
	    (sum->destructive || last)) {
		struct race_svg r = { .trace = t,
				      .sum = sum,
				      .show = RACE_SVG_SHOW,
				      .lost_known = true,
				      .lost = res->lost,
				      .command = o->command };

		err = race_svg_save(o->trace_svg, &r);
		if (!err) {
			o->svg_drawn = true;
			fprintf(out, "  Drew %s of %s in %s.\n",
				sum->destructive ? "the first collisions"
						 : "the first increments (no "
						   "collision)",
				t->strategy, o->trace_svg);
		}
	}
	return err;
}

/* The exit status for a finished set of results. */
static int exit_status(const struct options *o, const struct result *res,
		       unsigned n)
{
	bool lost = false, deadlock = false;

	for (unsigned i = 0; i < n; i++) {
		if (res[i].verdict == VERDICT_FAILED)
			return EXIT_SYSTEM;
		deadlock |= res[i].verdict == VERDICT_DEADLOCK;
		/* With all, a racy strategy losing updates is its lesson. */
		if (res[i].verdict == VERDICT_LOST &&
		    (o->strategy ||
		     !strategy_racy(res[i].strategy, res[i].mode)))
			lost = true;
	}
	return deadlock ? EXIT_DEADLOCK : lost ? EXIT_LOST : EXIT_VERIFIED;
}

/* Is strategies[i] the last one this command runs? */
static bool is_last(const struct options *o, unsigned i)
{
	if (o->strategy)
		return true;
	for (unsigned j = i + 1; j < strategy_count; j++)
		if (!strategies[j]->unsupported)
			return false;
	return true;
}

/* The command line, as typed, for the picture's footer. */
static void command_line(int argc, char **argv, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "racelab");

	for (int i = 0; i < argc && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s", argv[i]);
}

#define RUN_LIST_MAX 128 /* strategies in one run: general and own */

/*
 * What this run runs, in order: the one --strategy names, or with all the
 * store's own strategies (a database store's statements) and then the
 * general ones, but not those its own replace nor another store's.
 */
static unsigned run_list(const struct options *o, const struct strategy **list)
{
	unsigned n = 0;

	if (o->strategy) {
		list[0] = o->strategy;
		return 1;
	}
	for (const struct strategy *const *own = o->store ? o->store->own
							  : NULL;
	     own && *own && n < RUN_LIST_MAX; own++)
		list[n++] = *own;
	for (unsigned i = 0; i < strategy_count && n < RUN_LIST_MAX; i++)
		if (strategy_in_all(strategies[i], o->store))
			list[n++] = strategies[i];
	return n;
}

int cmd_run(int argc, char **argv)
{
	static struct options o; /* large (the --cpus list): not on the stack */
	const char *nc = getenv("NO_COLOR");
	struct report rp = { .out = stdout, .target_s = TARGET_S };
	struct run shape;
	struct result *res;
	const struct strategy *list[RUN_LIST_MAX];
	static char skipped[1024]; /* names the store refused */
	unsigned n = 0, total;
	int status, err = 0;

	o = (struct options){ .procs = default_procs() };
	status = parse_run(argc, argv, &o);
	if (status)
		return status;
	command_line(argc, argv, o.command, sizeof(o.command));
	total = run_list(&o, list);
	res = calloc(total ? total : 1, sizeof(*res));
	if (!res)
		return report_errno("run", "calloc", ENOMEM), EXIT_SYSTEM;
	rp.format = o.format;
	rp.traced = o.trace;
	rp.wide = o.wide;
	rp.colour = isatty(STDOUT_FILENO) && !(nc && *nc);
	run_init(&o, NULL, &shape);
	harness_signals_init();
	report_begin(&rp, &shape);
	for (unsigned i = 0; i < total; i++) {
		const struct strategy *s = list[i];

		if (s->unsupported)
			continue;
		if (o.store && o.store->own && store_refuses(o.store, s)) {
			/* A database store refuses a dozen: one line for all. */
			size_t len = strlen(skipped);

			snprintf(skipped + len, sizeof(skipped) - len, "%s%s",
				 len ? ", " : "", s->name);
			continue;
		}
		if (o.store && store_refuses(o.store, s)) {
			/* With all, skip it and say why; never hide it. */
			report_skipped(&rp, s->name, store_refuses(o.store, s));
			continue;
		}
		if (s->cannot_run) {
			struct run probe;
			const char *why;

			run_init(&o, s, &probe);
			why = s->cannot_run(&probe);
			if (why) {
				/* With all, skip it and say why; never hide it. */
				report_skipped(&rp, s->name, why);
				continue;
			}
		}
		struct run run;

		err = run_one(&o, s, &run, &res[n]);
		if (!err) {
			struct trace_set t = { 0 };
			struct trace_summary sum;
			bool traced =
			    run.trace && res[n].verdict != VERDICT_FAILED;

			if (traced && !(err = trace_set_from_run(&t, &run))) {
				trace_summarize(&t, &sum);
				rp.trace = &sum; /* into the JSON row */
			}
			if (!err)
				report_row(&rp, &res[n]);
			rp.trace = NULL;
			if (traced && !err)
				err = explain_trace(&o, &t, &sum, &res[n],
						    n == 0, is_last(&o, i));
			trace_set_free(&t);
			n++;
		}
		trace_free(run.trace, (uint64_t)run.procs * run.iters);
		if (err)
			break;
	}
	if (skipped[0])
		fprintf(o.format == FORMAT_TABLE ? stdout : stderr,
			"skipped (the %s store refuses them; `racelab list` "
			"says why): %s\n",
			o.store->name, skipped);
	report_end(&rp, res, n);
	if (!err && harness_interrupted())
		err =
		    -EINTR; /* a Ctrl-C after the last run: 128+N all the same */
	if (o.trace_out.f && !err)
		err = safeout_commit(&o.trace_out, "run");
	else if (o.trace_out.f)
		safeout_abort(&o.trace_out);
	status = err ? EXIT_SYSTEM : exit_status(&o, res, n);
	free(res);
	if (err == -EINTR && harness_interrupted())
		return cli_die_of(harness_interrupted());
	return status;
}
