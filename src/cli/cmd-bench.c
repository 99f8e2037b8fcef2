/*
 * cmd-bench.c - `racelab bench`: what each lock costs on this machine,
 * measured over a sweep of worker counts, verified run by run, with the
 * noise shown (median, min and max of repeated, interleaved runs) as a
 * table, CSV or JSON, and optionally as an SVG chart. The sweep itself is
 * bench.c; this file is the command line and the reports.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/registry.h"
#include "store/store.h"
#include "core/tsan.h"
#include "core/bench.h"
#include "cli/cli.h"
#include "out/bench-load.h"
#include "out/bench-report.h"
#include "out/report.h"
#include "core/safefile.h"
#include "out/svg.h"
#include "core/util.h"

#define TARGET_MS_DEFAULT 200 /* one run's length, fixed-iteration mode */
#define TARGET_MS_FLOOR	  20  /* the budget never cuts a run below this */
#define BUDGET_S	  12 /* the measured runs of a default sweep, roughly */
#define REPEAT_DEFAULT	  5  /* measured runs per point */
#define WATCHDOG_S	  30 /* no increment for this long: DEADLOCK */

static const char bench_usage[] =
    "usage: racelab bench [OPTIONS]\n"
    "\n"
    "Measure what one increment of the shared counter costs under each\n"
    "strategy, at each number of workers: every point is calibrated, warmed\n"
    "up, then run REPEAT times in rounds that visit every point once\n"
    "(interleaved, so the machine's drift hits all strategies alike). Every\n"
    "run's count is verified: a strategy that must be exact and loses an\n"
    "update stops the bench (exit 3). Reports median, min and max.\n"
    "\n"
    "options:\n"
    "  -s, --strategies LIST  comma-separated names from `racelab list`;\n"
    "                         all: every strategy that can run here, those\n"
    "                         that lose updates on purpose included (their\n"
    "                         lost % is shown). Default: every strategy\n"
    "                         that must be exact\n"
    "  -p, --procs LIST       worker counts, e.g. 1,2,4 or 1-8 (default:\n"
    "                         1 to 2 x online CPUs; every count up to 8,\n"
    "                         then doubling)\n"
    "  -r, --repeat N         measured runs per point, 1..100 (default 5)\n"
    "  -t, --target-ms MS     calibrate iterations so that one run takes\n"
    "                         about MS ms, 1..60000 (default 200, or less\n"
    "                         so that a large sweep still takes under a "
    "minute)\n"
    "  -d, --duration S       fixed-time mode instead: every worker adds\n"
    "                         until S seconds (0.01..3600, decimals allowed)\n"
    "                         have passed; expected = the sum of the\n"
    "                         workers' tallies, and the report shows each\n"
    "                         point's fairness (share of the least and most\n"
    "                         productive worker)\n"
    "      --pin P            CPU placement: none (default: the scheduler\n"
    "                         decides), spread (one worker per core first)\n"
    "                         or compact (fill a core's SMT siblings first)\n"
    "  -m, --mode M           process (default) or thread workers\n"
    "      --store S          where the counter lives, as for `racelab\n"
    "                         run --store`: shm (default), file:PATH,\n"
    "                         postgres[:CONNINFO], redis[:SOCKET|HOST:PORT].\n"
    "                         Default strategies on a database store: its\n"
    "                         own that must be exact (all: every one it\n"
    "                         admits); on a file: those it admits\n"
    "  -f, --format F         table (default), csv or json\n"
    "      --svg FILE         also draw the sweep as a self-contained SVG\n"
    "                         chart in FILE, a panel per kind of strategy,\n"
    "                         at most 8 lines a panel (written beside it, "
    "renamed\n"
    "                         into place: an existing regular FILE is\n"
    "                         replaced, never written through; a symlink\n"
    "                         anywhere in FILE is refused)\n"
    "      --export-json FILE also write the whole result as JSON to FILE\n"
    "                         (every point and sample, the machine, the\n"
    "                         options; as --format json prints it), the\n"
    "                         same safe way as --svg; the table still\n"
    "                         goes to stdout\n"
    "      --from FILE        re-report a result that --export-json (or\n"
    "                         --format json) saved, running nothing; give\n"
    "                         it up to 4 times to compare results side by\n"
    "                         side in the --svg chart (one line style per\n"
    "                         file, named by its host, CPU and date). A\n"
    "                         file that is not such a result: exit 2\n"
    "      --wide             the table with every column in full, however\n"
    "                         narrow the terminal\n"
    "      --latency          time 1 acquire in 1024 (run --latency): a p99\n"
    "                         column, the median of the runs' p99\n"
    "  -h, --help             this help\n";

/* The rest of the help (one string would pass C11's 4095 characters). */
static const char bench_usage_output[] =
    "\n"
    "output: one row per strategy and worker count: strategy, mode, procs,\n"
    "pin, runs, iters (per worker per run; empty in fixed-time mode),\n"
    "duration_s (fixed-time mode), ns_median, ns_min, ns_max (wall time\n"
    "from the start gate to the last worker done / all increments),\n"
    "mops_median, mops_min, mops_max (million increments per second, all\n"
    "workers), expected, final, lost (summed over the measured runs),\n"
    "lost_pct, share_min_pct, share_max_pct, racy_on_purpose, verdict\n"
    "(exact, lost, failed, deadlock, skipped or not-run), detail, unfair\n"
    "(fixed time: a run's busiest worker did over 2x the least busy's)\n"
    "and acquire_p99_ns (--latency).\n"
    "A progress line goes to stderr when it is a terminal. The table's\n"
    "preamble and header come first; it fits $COLUMNS, else the\n"
    "terminal's width (a pipe or file gets it whole): numbers become\n"
    "compact, then the Mincr/s and ns spreads and iters are dropped. A\n"
    "Ctrl-C prints the rounds that finished, then exits 130.\n"
    "\n"
    "exit status: 0 every run verified, 1 system error, 2 usage, 3 lost\n"
    "updates under a strategy that must be exact, 4 deadlock, 128+N\n"
    "stopped by signal N.\n";

struct options {
	const struct strategy *list[256]; /* what to measure, in order */
	const char *strategies;	   /* --strategies, until --store is known */
	const struct store *store; /* --store, NULL: the default */
	const char *store_name;	   /* --store KIND:NAME's NAME */
	unsigned n;		   /* how many */
	bool all;		   /* --strategies all */
	unsigned procs[BENCH_PROCS_MAX];   /* worker counts, ascending */
	unsigned nprocs;		   /* how many */
	uint64_t repeat;		   /* --repeat */
	uint64_t target_ms;		   /* --target-ms */
	double duration_s;		   /* --duration, 0: fixed iterations */
	bool latency;			   /* --latency */
	enum pin pin;			   /* --pin */
	enum mode mode;			   /* --mode */
	enum format format;		   /* --format */
	const char *svg;		   /* --svg FILE, or NULL */
	const char *export_json;	   /* --export-json FILE, or NULL */
	const char *from[SVG_SOURCES_MAX]; /* --from FILE, each */
	unsigned nfrom;			   /* how many */
	bool wide;			   /* --wide */
	bool seen[256];			   /* options given */
};

/* --strategies: all, or names from the table, each once. */
static int parse_strategies(const char *arg, struct options *o)
{
	const char *p = arg, *why;

	if (strcmp(arg, "all") == 0) {
		o->all = true;
		return 0;
	}
	o->n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		char name[64];
		const struct strategy *s;

		if (len == 0)
			return usage_error("bench",
					   "--strategies '%s': an empty name "
					   "(names are separated by single "
					   "commas)",
					   arg);
		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		/* A database store's own `none` is not the general one. */
		s = len < sizeof(name) ? strategy_find_for(name, o->store)
				       : NULL;
		if (!s)
			return usage_error("bench",
					   "unknown strategy '%.*s' (`racelab "
					   "list` shows them)",
					   (int)len, p);
		for (unsigned i = 0; i < o->n; i++)
			if (o->list[i] == s)
				return usage_error("bench",
						   "--strategies: '%s' is "
						   "listed twice",
						   s->name);
		if (s->unsupported)
			return usage_error("bench", "%s cannot run here: %s",
					   s->name, s->unsupported);
		if ((why = store_refuses(o->store ? o->store : stores[0], s)))
			return usage_error(
			    "bench", "--store %s: %s",
			    o->store ? o->store->name : stores[0]->name, why);
		o->list[o->n++] = s;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* --procs: 1,2,4 or 1-8 or a mix; each count once; sorted ascending. */
static int parse_procs(const char *arg, struct options *o)
{
	static const struct cli_list_rules rules = {
		.min = 1,
		.max = PROCS_MAX,
		.cap = BENCH_PROCS_MAX,
		.unique = true,
		.example = "1-4",
		.items = "worker counts",
	};
	int err =
	    cli_list("bench", "--procs", arg, &rules, o->procs, &o->nprocs);

	if (err)
		return err;
	/* Ascending: the chart's x axis and the table read that way. */
	for (unsigned i = 1; i < o->nprocs; i++)
		for (unsigned j = i; j > 0 && o->procs[j - 1] > o->procs[j];
		     j--) {
			unsigned t = o->procs[j];

			o->procs[j] = o->procs[j - 1];
			o->procs[j - 1] = t;
		}
	return 0;
}

/* --svg FILE, --export-json FILE: never through a symlink, never a
 * device (safefile.h). */
static int check_out_path(const char *option, const char *path)
{
	char buf[4096 + 128];
	const char *why = safefile_refuse(path, buf, sizeof(buf));

	if (why)
		return usage_error("bench", "%s '%s': %s", option, path, why);
	return 0;
}

/* 1 .. 2 x online CPUs: every count up to 8, then doubling. */
static void default_procs_list(struct options *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned top = cpus < 1 ? 2 : (unsigned)(2 * cpus);

	if (top > PROCS_MAX)
		top = PROCS_MAX;
	o->nprocs = 0;
	for (unsigned p = 1; p <= top && o->nprocs < BENCH_PROCS_MAX;
	     p = p < 8 ? p + 1 : 2 * p)
		o->procs[o->nprocs++] = p;
	if (o->procs[o->nprocs - 1] != top && o->nprocs < BENCH_PROCS_MAX)
		o->procs[o->nprocs++] = top;
}

/* Can s be in the default list? It runs here, on this store, and (unless
 * --strategies all) it must be exact. */
static bool default_fits(const struct options *o, const struct strategy *s)
{
	if (s->unsupported || (!o->all && strategy_racy(s, o->mode)))
		return false;
	return !store_refuses(o->store ? o->store : stores[0], s);
}

/*
 * The default list: every strategy that runs here, racy ones only if all.
 * On a database store: its own strategies (its statements), and with all
 * the general ones it admits too, as `run --store S` runs them.
 */
static void default_strategies(struct options *o)
{
	const struct strategy *const *own = o->store ? o->store->own : NULL;

	o->n = 0;
	for (; own && *own && o->n < 256; own++)
		if (default_fits(o, *own))
			o->list[o->n++] = *own;
	if (o->store && o->store->own && !o->all)
		return;
	for (unsigned i = 0; i < strategy_count && o->n < 256; i++) {
		const struct strategy *s = strategies[i];

		if (strategy_in_all(s, o->store) && default_fits(o, s))
			o->list[o->n++] = s;
	}
}

/* --store S: as `racelab run --store` takes it (store.h). */
static int parse_store(const char *arg, struct options *o)
{
	const char *why;

	o->store = store_find(arg, &o->store_name);
	if (!o->store)
		return usage_error("bench",
				   "--store '%.*s' is not one of shm, file, "
				   "file:PATH, postgres, postgres:CONNINFO, "
				   "redis, redis:WHERE",
				   (int)strcspn(arg, ":"), arg);
	if (o->store->unsupported)
		return usage_error("bench", "--store %s: %s", o->store->name,
				   o->store->unsupported);
	if (o->store_name && !*o->store_name)
		return usage_error("bench", "--store %s: empty name",
				   o->store->name);
	if (o->store_name && o->store->check_name &&
	    (why = o->store->check_name(o->store_name)))
		/* A conninfo may hold a password: name the kind only. */
		return usage_error("bench", "--store %s: %s",
				   o->store->secret_name ? o->store->name : arg,
				   why);
	return 0;
}

static int check_outputs(const struct options *o)
{
	int err;

	if (o->svg && (err = check_out_path("--svg", o->svg)))
		return err;
	if (o->export_json &&
	    (err = check_out_path("--export-json", o->export_json)))
		return err;
	if (o->svg && o->export_json && strcmp(o->svg, o->export_json) == 0)
		return usage_error("bench",
				   "--svg and --export-json name the same "
				   "file '%s'",
				   o->svg);
	return 0;
}

/* --from re-plots: nothing is measured, so no option of a sweep. */
static int check_from(const struct options *o)
{
	static const struct {
		int c;
		const char *name;
	} sweep[] = {
		{ 's', "--strategies" },  { 'p', "--procs" },
		{ 'r', "--repeat" },	  { 't', "--target-ms" },
		{ 'd', "--duration" },	  { 'P', "--pin" },
		{ 'm', "--mode" },	  { 'A', "--latency" },
		{ 'J', "--export-json" }, { 'S', "--store" },
	};

	for (unsigned i = 0; i < sizeof(sweep) / sizeof(sweep[0]); i++)
		if (o->seen[sweep[i].c])
			return usage_error("bench",
					   "--from re-reports saved results "
					   "without running anything: %s does "
					   "not apply",
					   sweep[i].name);
	for (unsigned i = 0; i < o->nfrom; i++) {
		if (!*o->from[i])
			return usage_error("bench", "--from needs a file name");
		if (o->svg && strcmp(o->svg, o->from[i]) == 0)
			return usage_error("bench",
					   "--svg would replace --from '%s'",
					   o->from[i]);
	}
	return check_outputs(o);
}

static int check_options(struct options *o)
{
	struct rlimit rl;
	unsigned top;
	int err;

	if (o->nfrom)
		return check_from(o);
	/* --strategies is read once --store is known: a store has its own. */
	if (o->strategies && (err = parse_strategies(o->strategies, o)))
		return err;
	if (o->seen['t'] && o->seen['d'])
		return usage_error("bench",
				   "--target-ms and --duration exclude each "
				   "other: a run is either a calibrated number "
				   "of increments or a fixed time");
#ifdef RACELAB_TSAN
	return usage_error("bench",
			   "this is the ThreadSanitizer build: its figures "
			   "would measure TSan, not the locks; use racelab");
#endif
	if (!o->nprocs)
		default_procs_list(o);
	if (o->all || !o->n)
		default_strategies(o);
	if (!o->n)
		return usage_error("bench", "no strategy can run here");
	top = o->procs[o->nprocs - 1];
	/* Past RLIMIT_NPROC, fork() would fail half-way through a sweep. */
	if (o->mode == MODE_PROCESS && geteuid() != 0 &&
	    getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    top >= rl.rlim_cur)
		return usage_error("bench",
				   "--procs %u is at or above RLIMIT_NPROC "
				   "(%llu processes for this user)",
				   top, (unsigned long long)rl.rlim_cur);
	return check_outputs(o);
}

static int parse_bench(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "strategies", required_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "target-ms", required_argument, NULL, 't' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pin", required_argument, NULL, 'P' },
		{ "mode", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "svg", required_argument, NULL, 'G' },
		{ "export-json", required_argument, NULL, 'J' },
		{ "from", required_argument, NULL, 'F' },
		{ "store", required_argument, NULL, 'S' },
		{ "wide", no_argument, NULL, 'X' },
		{ "latency", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:s:p:r:t:d:m:f:h", longopts,
				NULL)) != -1) {
		/* --from may be given again: each file is one result. */
		if (c == 'F')
			o->seen['F'] = false;
		if ((err =
			 cli_option_check("bench", longopts, c, argv, o->seen)))
			return err;
		switch (c) {
		case 's':
			o->strategies = optarg;
			break;
		case 'S':
			err = parse_store(optarg, o);
			break;
		case 'p':
			err = parse_procs(optarg, o);
			break;
		case 'r':
			err = cli_number("bench", "--repeat", optarg, 1,
					 BENCH_REPEAT_MAX, &o->repeat);
			break;
		case 't':
			err = cli_number("bench", "--target-ms", optarg, 1,
					 60000, &o->target_ms);
			break;
		case 'd':
			err = cli_duration("bench", optarg, &o->duration_s);
			break;
		case 'P':
			if (bench_pin_parse(optarg, &o->pin))
				err = usage_error("bench",
						  "--pin '%s' is not one of "
						  "none, spread, compact",
						  optarg);
			break;
		case 'm':
			if (strcmp(optarg, "process") == 0)
				o->mode = MODE_PROCESS;
			else if (strcmp(optarg, "thread") == 0)
				o->mode = MODE_THREAD;
			else
				err = usage_error("bench",
						  "--mode '%s' is not one of "
						  "process, thread",
						  optarg);
			break;
		case 'f':
			err = cli_format("bench", optarg, &o->format);
			break;
		case 'G':
			o->svg = optarg;
			break;
		case 'J':
			o->export_json = optarg;
			break;
		case 'F':
			if (o->nfrom >= SVG_SOURCES_MAX)
				err = usage_error("bench",
						  "--from: at most %d files "
						  "in one comparison",
						  SVG_SOURCES_MAX);
			else
				o->from[o->nfrom++] = optarg;
			break;
		case 'A':
			o->latency = true;
			break;
		case 'X':
			o->wide = true;
			break;
		case 'h':
			fputs(bench_usage, stdout);
			fputs(bench_usage_output, stdout);
			exit(EXIT_VERIFIED);
		}
		if (err)
			return err;
	}
	if (optind < argc)
		return usage_error("bench", "unexpected argument '%s'",
				   argv[optind]);
	return check_options(o);
}

/* "racelab bench --svg x.svg ...", for the chart's footer. */
static void command_line(int argc, char **argv, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "racelab");

	for (int i = 0; i < argc && n < len; i++) {
		bool quote = strpbrk(argv[i], " \t'\"") != NULL;

		n += (size_t)snprintf(buf + n, len - n, quote ? " '%s'" : " %s",
				      argv[i]);
	}
}

/* --export-json FILE: the whole result, written beside FILE, renamed. */
static int export_json(const char *path, const struct bench_report *w)
{
	struct safeout out;
	int err = safeout_open(&out, "bench", path);

	if (err)
		return err;
	bench_report_json(w, out.f);
	return safeout_commit(&out, "bench");
}

static int exit_status(enum verdict v)
{
	switch (v) {
	case VERDICT_EXACT:
		return EXIT_VERIFIED;
	case VERDICT_LOST:
		return EXIT_LOST;
	case VERDICT_FAILED:
		return EXIT_SYSTEM;
	case VERDICT_DEADLOCK:
		return EXIT_DEADLOCK;
	}
	return EXIT_SYSTEM;
}

/*
 * --from A.json [--from B.json ...]: the saved results reported again
 * (one after the other; CSV under one header; JSON as a list when there
 * are several) and, with --svg, drawn side by side. Nothing runs.
 */
static int bench_from(const struct options *o, int argc, char **argv)
{
	static struct bench_loaded in[SVG_SOURCES_MAX];
	static struct bench_report w; /* large (the table): not on the stack */
	struct svg_chart charts[SVG_SOURCES_MAX];
	const struct svg_chart *others[SVG_SOURCES_MAX];
	char command[1024];
	int status = EXIT_VERIFIED, err = 0;
	unsigned nin = 0;

	for (; nin < o->nfrom; nin++)
		if ((err = bench_load(o->from[nin], &in[nin])))
			break;
	if (err) {
		for (unsigned k = 0; k < nin; k++)
			bench_loaded_free(&in[k]);
		return err == -EINVAL ? EXIT_USAGE : EXIT_SYSTEM;
	}
	if (o->format == FORMAT_JSON && nin > 1)
		fputs("[\n", stdout);
	for (unsigned k = 0; k < nin; k++) {
		enum verdict v =
		    bench_verdict(in[k].points, in[k].npoints, in[k].bo.mode);

		w = (struct bench_report){ .out = stdout,
					   .format = o->format,
					   .wide = o->wide,
					   .bo = &in[k].bo,
					   .nstrategies = in[k].n,
					   .points = in[k].points,
					   .npoints = in[k].npoints,
					   .machine = in[k].machine,
					   .elapsed_s = in[k].elapsed_s,
					   .interrupted = in[k].interrupted,
					   .store = in[k].store };
		if (o->format == FORMAT_TABLE && nin > 1)
			printf("%sFrom %s:\n", k ? "\n" : "", in[k].label);
		if (o->format == FORMAT_JSON && k)
			fputs(",\n", stdout);
		if (o->format != FORMAT_CSV || k == 0)
			bench_report_begin(&w);
		bench_report_end(&w);
		if (v != VERDICT_EXACT && status == EXIT_VERIFIED)
			status = exit_status(v);
		charts[k] = (struct svg_chart){ .opts = &in[k].bo,
						.list = in[k].list,
						.n = in[k].n,
						.points = in[k].points,
						.machine = &in[k].machine,
						.command = command,
						.label = in[k].label };
		if (k)
			others[k - 1] = &charts[k];
	}
	if (o->format == FORMAT_JSON && nin > 1)
		fputs("]\n", stdout);
	fflush(stdout);
	charts[0].others = others;
	charts[0].nothers = nin - 1;
	command_line(argc, argv, command, sizeof(command));
	if (o->svg && status != EXIT_VERIFIED)
		report("bench: no chart written to %s: a result did not verify",
		       o->svg);
	else if (o->svg && svg_chart_save(o->svg, &charts[0]))
		status = EXIT_SYSTEM;
	for (unsigned k = 0; k < nin; k++)
		bench_loaded_free(&in[k]);
	return status;
}

int cmd_bench(int argc, char **argv)
{
	static struct options o; /* large: not on the stack */
	static int cpus[CPU_SETSIZE];
	static struct bench_report w; /* large (the table): not on the stack */
	struct bench_opts bo;
	enum verdict verdict;
	int64_t t0;
	char command[1024];
	int status, err, ncpus = 0;

	o = (struct options){ .repeat = REPEAT_DEFAULT,
			      .target_ms = TARGET_MS_DEFAULT };
	status = parse_bench(argc, argv, &o);
	if (status)
		return status;
	if (o.nfrom)
		return bench_from(&o, argc, argv);
	if (o.pin != PIN_NONE) {
		ncpus = bench_pin_order(o.pin, cpus, CPU_SETSIZE);
		if (ncpus < 0)
			return EXIT_SYSTEM;
	}
	bo = (struct bench_opts){
		.mode = o.mode,
		.procs = o.procs,
		.nprocs = o.nprocs,
		.repeat = (unsigned)o.repeat,
		.target_s = (double)o.target_ms / 1e3,
		.duration_s = o.duration_s,
		.pin = o.pin,
		.cpus = cpus,
		.ncpus = (unsigned)ncpus,
		.timeout_s = WATCHDOG_S,
		.progress = isatty(STDERR_FILENO),
		.latency = o.latency,
		.store = o.store,
		.store_name = o.store_name,
	};
	w = (struct bench_report){ .out = stdout,
				   .format = o.format,
				   .wide = o.wide,
				   .bo = &bo,
				   .nstrategies = o.n,
				   .npoints = o.n * o.nprocs,
				   .store = o.store ? o.store->name : NULL };
	/* The default must stay quick however many strategies there are. */
	if (!o.seen['t'] && o.duration_s <= 0) {
		double fit = (double)BUDGET_S / (w.npoints * (bo.repeat + 1));

		if (fit < bo.target_s) {
			bo.target_s = fit < TARGET_MS_FLOOR / 1e3
					  ? TARGET_MS_FLOOR / 1e3
					  : fit;
			w.target_cut = true;
		}
	}
	w.points = bench_points_alloc(o.list, o.n, &bo);
	if (!w.points)
		return EXIT_SYSTEM;
	bench_machine_read(&w.machine);
	harness_signals_init();
	/* The header first: a long sweep shows at once what it measures. */
	bench_report_begin(&w);
	t0 = now_ns();
	err = bench_sweep(o.list, o.n, &bo, w.points);
	w.elapsed_s = (double)(now_ns() - t0) / 1e9;
	if (err == -EINTR && harness_interrupted()) {
		/* Keep what finished: the sweep trimmed it to whole rounds. */
		w.interrupted = harness_interrupted();
		bench_report_end(&w);
		if (o.export_json)
			export_json(o.export_json, &w);
		bench_points_free(w.points, w.npoints);
		return cli_die_of(w.interrupted);
	}
	if (err) {
		bench_points_free(w.points, w.npoints);
		return EXIT_SYSTEM;
	}
	verdict = bench_verdict(w.points, w.npoints, o.mode);
	bench_report_end(&w);
	status = exit_status(verdict);
	if (o.export_json && export_json(o.export_json, &w))
		status = EXIT_SYSTEM;
	if (o.svg && verdict != VERDICT_EXACT) {
		report("bench: no chart written to %s: the sweep did not "
		       "verify",
		       o.svg);
	} else if (o.svg) {
		struct svg_chart chart = {
			.opts = &bo,
			.list = o.list,
			.n = o.n,
			.points = w.points,
			.machine = &w.machine,
			.command = command,
		};

		command_line(argc, argv, command, sizeof(command));
		if (svg_chart_save(o.svg, &chart))
			status = EXIT_SYSTEM;
	}
	bench_points_free(w.points, w.npoints);
	return status;
}
