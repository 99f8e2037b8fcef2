/*
 * cmd-counter.c - `racelab counter create|incr|show|destroy`: one counter
 * under a name in a database store, which independent processes on any
 * number of hosts increment, and whose lost updates show counts across all
 * of them.
 *
 * `racelab segment` does this for a SysV segment on one machine; this is
 * the same idea for every store that keeps named counters (store.h's
 * struct store_counter: a PostgreSQL table, Redis keys). The command names
 * no store and no strategy: what it needs is in their descriptors.
 *
 * Bookkeeping: the store keeps the tallies beside the counter and every
 * incr adds to them server-side, in one statement, so hosts that share
 * nothing but the server still add up exactly. An incr adds its
 * --times x --procs to `requested` (and 1 to `incrs`) before its workers
 * start; when they end it adds what they finished (each write the server
 * confirmed), what they attempted (finished, plus one per worker that was
 * cut off mid-statement: its COMMIT may or may not have happened), takes
 * back from `requested` what never started, and adds 1 to `incrs_done`.
 * So an incr that ended leaves requested == attempted for its share, and
 * show knows that the increments racelab applied lie in
 * [finished, requested]: lost = applied - value is exact when the two
 * agree, an interval when an incr is still running, was killed with
 * SIGKILL (its share is all still `requested`) or was cut off.
 *
 * incr is one run of the harness over the named counter, with the
 * watchdog on, its workers threads of this one process (so that a Ctrl-C
 * lets each finish its increment and everything is recorded), publishing
 * every increment (chunk 1: a round trip to the server dwarfs it). A lock
 * strategy of the client's side (flock, sysv-sem) is private to the incr:
 * it excludes the incr's own --procs workers, on one host, and nobody
 * else - the local-lock lesson of docs/databases.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/harness.h"
#include "core/registry.h"
#include "core/util.h"
#include "out/counter-report.h"
#include "out/report.h"
#include "store/store.h"

#define INCR_TIMEOUT_S 10 /* incr's default --timeout */
#define INCR_PROCS_MAX 64 /* connections one incr opens, at most */

static const char counter_usage[] =
    "usage: racelab counter COMMAND --store STORE --name NAME [OPTIONS]\n"
    "\n"
    "One counter under a name in a database, which independent processes\n"
    "on any number of hosts increment; the store keeps tallies beside it\n"
    "(increments requested, finished), so `show` counts the updates lost\n"
    "across all of them. `racelab segment` is the same on one machine.\n"
    "\n"
    "commands:\n"
    "  create   make the counter (refused if the name is taken)\n"
    "  incr     one independent process: increment it --times times\n"
    "  show     the value, the tallies, and the lost updates\n"
    "  destroy  remove exactly what create made\n"
    "\n"
    "Every command takes --store postgres[:CONNINFO] or\n"
    "redis[:PATH|HOST:PORT] (as `racelab run`) and --name NAME;\n"
    "`racelab counter COMMAND --help` for the details.\n"
    "\n"
    "example:\n"
    "  racelab counter create --store postgres --name hits\n"
    "  racelab counter incr --store postgres --name hits --times 1000 &\n"
    "  racelab counter incr --store postgres --name hits --times 1000\n"
    "  wait; racelab counter show --store postgres --name hits\n"
    "  racelab counter destroy --store postgres --name hits\n";

#define NAMING_HELP                                                            \
	"  -S, --store STORE  postgres[:CONNINFO] (a libpq connection\n"       \
	"                     string; empty: the PG* variables) or\n"          \
	"                     redis[:PATH|HOST:PORT] (empty: "                 \
	"$RACELAB_REDIS);\n"                                                   \
	"                     a password in it is never printed\n"             \
	"  -N, --name NAME    the counter: a lower-case letter, then "         \
	"letters,\n"                                                           \
	"                     digits or _, at most 24 in all. PostgreSQL:\n"   \
	"                     table racelab_counter_NAME; Redis: keys\n"       \
	"                     racelab:counter:NAME and "                       \
	"racelab:counter:NAME:tally\n"

#define REFUSAL_HELP                                                           \
	"2 also when no counter has that name, or what has it is not\n"        \
	"racelab's (no mark, other columns, garbled values): such a table "    \
	"or\n"                                                                 \
	"key is left untouched.\n"

static const char create_usage[] =
    "usage: racelab counter create --store STORE --name NAME\n"
    "\n"
    "Make the counter (value 0) and its tallies, all at once (one\n"
    "transaction, one script): never half of it.\n"
    "\n"
    "options:\n" NAMING_HELP "  -h, --help         this help\n"
    "\n"
    "exit status: 0 created, 1 system error (cannot connect, no right to\n"
    "create), 2 usage error or refused: the name is taken (by a counter\n"
    "or anything else, which is never adopted nor overwritten).\n";

static const char incr_usage[] =
    "usage: racelab counter incr --store STORE --name NAME [OPTIONS]\n"
    "\n"
    "One independent process: connect, add 1 to the counter --times times\n"
    "under --strategy (each of --procs workers on a connection of its\n"
    "own), record what it did in the tallies, exit. Run many at once, on\n"
    "as many hosts as you like, to see the race (or its fix). Quiet\n"
    "unless --verbose.\n"
    "\n"
    "options:\n" NAMING_HELP
    "  -n, --times N      increments per worker, 1..10000000000 (default 1)\n"
    "  -s, --strategy S   how each increment is protected (default none):\n"
    "                     the store's own (none, atomic, for-update, ...,\n"
    "                     watch, lease, ...) or a lock of this host's\n"
    "                     (flock, ofd, sysv-sem), which excludes this incr's\n"
    "                     own workers and nobody else; `racelab list`\n"
    "  -p, --procs N      workers in this incr, 1..64 (default 1): threads\n"
    "                     of this process, each on a connection of its own\n"
    "  -w, --window W     between the read and the write: none, yield,\n"
    "                     spin:N, sleep:USEC, random:N (as `racelab run`)\n"
    "  -t, --timeout S    no increment done for S seconds: stop, exit 4\n"
    "                     (default 10)\n"
    "  -v, --verbose      print what it did and how long it took\n"
    "  -h, --help         this help\n"
    "\n"
    "SIGINT, SIGTERM or SIGHUP stop it after the current increment, with\n"
    "what it did recorded. SIGKILL leaves its share unrecorded: show then\n"
    "gives lost as an interval.\n"
    "\n"
    "exit status: 0 done (lost updates are show's business), 1 system\n"
    "error (also a session the server ended mid-run: what was done is\n"
    "recorded if the server still answers, else show gives an interval),\n"
    "2 usage error or refused, 4 no progress for --timeout, 128+N stopped\n"
    "by signal N. " REFUSAL_HELP;

static const char show_usage[] =
    "usage: racelab counter show --store STORE --name NAME [OPTIONS]\n"
    "\n"
    "Print the counter's value, the tallies of every incr process that\n"
    "ran (on any host), and the updates lost: finished - value. While an\n"
    "incr runs, or after one was killed, lost is an interval: the\n"
    "increments applied lie between finished and requested.\n"
    "\n"
    "options:\n" NAMING_HELP
    "  -f, --format F     table (default), csv or json\n"
    "  -h, --help         this help\n"
    "\n"
    "fields: store, name, where (no password), value, requested,\n"
    "finished, attempted, incr_processes, incr_processes_done, lost\n"
    "(empty in csv, null in json, when unknown), lost_min, lost_max.\n"
    "\n"
    "exit status: 0 shown, nothing lost for sure; 1 system error, 2 usage\n"
    "error or refused, 3 updates were lost (at least lost_min > "
    "0).\n" REFUSAL_HELP;

static const char destroy_usage[] =
    "usage: racelab counter destroy --store STORE --name NAME\n"
    "\n"
    "Remove the counter: its table, or its keys (with a lease's lock and\n"
    "fencing keys), once checked to be racelab's, in one transaction or\n"
    "script.\n"
    "\n"
    "options:\n" NAMING_HELP "  -h, --help         this help\n"
    "\n"
    "exit status: 0 destroyed, 1 system error, 2 usage error or\n"
    "refused. " REFUSAL_HELP;

enum sub_kind { SUB_CREATE, SUB_INCR, SUB_SHOW, SUB_DESTROY };

/* Which subcommand, and what it accepts (kind: enum sub_kind). */
static const struct cli_subcommand subcommands[] = {
	{ SUB_CREATE, "create", "counter create", create_usage, "SN" },
	{ SUB_INCR, "incr", "counter incr", incr_usage, "SNnspwtv" },
	{ SUB_SHOW, "show", "counter show", show_usage, "SNf" },
	{ SUB_DESTROY, "destroy", "counter destroy", destroy_usage, "SN" },
};

struct counter_options {
	const struct cli_subcommand *sub; /* what runs */
	const struct store *store;	  /* --store's kind */
	const char *where;		  /* what follows its colon, or NULL */
	const char *name;		  /* --name */
	const char *strategy_name;	  /* incr: --strategy, or NULL */
	uint64_t times;			  /* incr: --times */
	uint64_t procs;			  /* incr: --procs */
	struct window window;		  /* incr: --window */
	uint64_t timeout_s;		  /* incr: --timeout */
	bool verbose;			  /* incr: --verbose */
	enum format format;		  /* show: --format */
	bool seen[256];			  /* options given */
};

/*
 * A negative errno from the store, already said, as an exit status:
 * nothing of that name, or not ours, or taken: refused, 2. Else 1.
 */
static int exit_of(int err)
{
	switch (err) {
	case 0:
		return EXIT_VERIFIED;
	case -EINVAL:
	case -ENOENT:
	case -EEXIST:
		return EXIT_USAGE;
	}
	return EXIT_SYSTEM;
}

/* "postgres, redis": the stores with named counters in this build. */
static const char *counter_stores(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < store_count && n < len; i++)
		if (stores[i]->counter)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "", stores[i]->name);
	if (!n)
		snprintf(buf, len, "none in this build");
	return buf;
}

static int parse_store(const char *cmd, const char *arg,
		       struct counter_options *o)
{
	char names[128];
	const char *why;

	o->store = store_find(arg, &o->where);
	/* A store this build left out still says how to get it. */
	for (unsigned i = 0; !o->store && i < store_count; i++) {
		size_t n = strlen(stores[i]->name);

		if (stores[i]->unsupported &&
		    !strncmp(arg, stores[i]->name, n) &&
		    (arg[n] == '\0' || arg[n] == ':'))
			return usage_error(cmd, "--store %s: %s",
					   stores[i]->name,
					   stores[i]->unsupported);
	}
	if (!o->store)
		return usage_error(cmd, "--store '%.40s' is not a store (%s)",
				   arg, counter_stores(names, sizeof(names)));
	if (o->store->unsupported)
		return usage_error(cmd, "--store %s: %s", o->store->name,
				   o->store->unsupported);
	if (!o->store->counter)
		return usage_error(cmd,
				   "--store %s keeps no named counters (those "
				   "that do: %s; a SysV segment: racelab "
				   "segment)",
				   o->store->name,
				   counter_stores(names, sizeof(names)));
	if (o->where && o->store->check_name &&
	    (why = o->store->check_name(o->where)))
		return usage_error(cmd, "--store %s: %s", o->store->name, why);
	return 0;
}

/* Parse the subcommand's options into *o; 0 or an exit status. */
static int parse_counter(int argc, char **argv, struct counter_options *o)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 'S' },
		{ "name", required_argument, NULL, 'N' },
		{ "times", required_argument, NULL, 'n' },
		{ "strategy", required_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "window", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = o->sub->cmd;
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":S:N:n:s:p:w:t:vf:h", longopts,
				NULL)) != -1) {
		if ((err = cli_option_check(cmd, longopts, c, argv, o->seen)))
			return err;
		if ((err = cli_option_applies(o->sub, longopts, c)))
			return err;
		switch (c) {
		case 'S':
			if ((err = parse_store(cmd, optarg, o)))
				return err;
			break;
		case 'N':
			if (!counter_name_ok(optarg))
				return usage_error(
				    cmd,
				    "--name '%.40s' is not a counter's name: a "
				    "lower-case letter, then letters, digits "
				    "or _, at most %d in all",
				    optarg, COUNTER_NAME_MAX);
			o->name = optarg;
			break;
		case 'n':
			if ((err = cli_number(cmd, "--times", optarg, 1,
					      ITERS_MAX, &o->times)))
				return err;
			break;
		case 's':
			o->strategy_name = optarg;
			break;
		case 'p':
			if ((err = cli_number(cmd, "--procs", optarg, 1,
					      INCR_PROCS_MAX, &o->procs)))
				return err;
			break;
		case 'w':
			if ((err = cli_window(cmd, optarg, &o->window)))
				return err;
			break;
		case 't':
			if ((err = cli_number(cmd, "--timeout", optarg, 1,
					      86400, &o->timeout_s)))
				return err;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'f':
			if ((err = cli_format(cmd, optarg, &o->format)))
				return err;
			break;
		case 'h':
			fputs(o->sub->usage, stdout);
			exit(EXIT_VERIFIED);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'",
				   argv[optind]);
	if (!o->store)
		return usage_error(cmd, "say where with --store postgres[:...] "
					"or redis[:...]");
	if (!o->name)
		return usage_error(cmd, "name the counter with --name NAME");
	return 0;
}

/* The store's handle of the counter; 0 or an exit status. */
static int counter_open(const struct counter_options *o, struct store_handle *h)
{
	int err;

	*h = (struct store_handle){ .fd = -1 };
	err = o->store->counter->open(h, o->where, o->name);
	if (err) {
		o->store->counter->close(h);
		/* A bad connection string (said), or out of memory. */
		return err == -EINVAL ? EXIT_USAGE : EXIT_SYSTEM;
	}
	return 0;
}

/* "table racelab_counter_hits": where the counter lives, in words. */
static const char *home_of(const struct counter_options *o, char *buf,
			   size_t len)
{
	snprintf(buf, len, o->store->counter->what, o->name);
	return buf;
}

/* ---- create, destroy ------------------------------------------------------ */

static int do_create(const struct counter_options *o)
{
	struct store_handle h;
	char home[128];
	int err = counter_open(o, &h);

	if (err)
		return err;
	err = o->store->counter->create(&h);
	if (!err)
		printf("created counter %s in %s (%s): %s\n", o->name,
		       o->store->name, h.path, home_of(o, home, sizeof(home)));
	o->store->counter->close(&h);
	return exit_of(err);
}

static int do_destroy(const struct counter_options *o)
{
	struct store_handle h;
	char home[128];
	int err = counter_open(o, &h);

	if (err)
		return err;
	err = o->store->counter->destroy(&h);
	if (!err)
		printf("destroyed counter %s in %s (%s): %s\n", o->name,
		       o->store->name, h.path, home_of(o, home, sizeof(home)));
	o->store->counter->close(&h);
	return exit_of(err);
}

/* ---- incr ----------------------------------------------------------------- */

/* The strategy --strategy names, for this store; NULL after a message. */
static const struct strategy *incr_strategy(const struct counter_options *o)
{
	const char *cmd = o->sub->cmd, *name = o->strategy_name;
	const struct strategy *s;
	const char *why;

	s = strategy_find_for(name ? name : "none", o->store);
	if (!s) {
		(void)usage_error(cmd,
				  "--strategy '%.40s' is not a strategy "
				  "(`racelab list` names them)",
				  name);
		return NULL;
	}
	if (s->unsupported) {
		(void)usage_error(cmd, "--strategy %s: %s", s->name,
				  s->unsupported);
		return NULL;
	}
	if ((why = store_refuses(o->store, s))) {
		(void)usage_error(cmd, "--strategy %s: %s", s->name, why);
		return NULL;
	}
	return s;
}

/*
 * A seed of this incr's own: the workers' random state makes their lease
 * tokens (redis lease, fenced), which must differ from every other
 * host's, whose pids may well be the same (containers).
 */
static uint64_t incr_seed(void)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
	return seed ? seed : 1;
}

static int do_incr(const struct counter_options *o)
{
	const char *cmd = o->sub->cmd;
	const struct strategy *s = incr_strategy(o);
	uint64_t times = o->times ? o->times : 1;
	unsigned procs = o->procs ? (unsigned)o->procs : 1;
	struct counter_view v;
	struct counter_delta d;
	struct result res;
	struct run run;
	const char *why;
	int64_t t0, t1;
	int err, tally_err, sig;

	if (!s)
		return EXIT_USAGE;
	run = (struct run){
		.strategy = s,
		.store = o->store,
		.mode = MODE_THREAD,
		.procs = procs,
		.iters = times,
		.timeout_s =
		    (double)(o->timeout_s ? o->timeout_s : INCR_TIMEOUT_S),
		.window = o->window,
		.verbose = o->verbose,
		.seed = incr_seed(),
		.chunk = 1,
		.shared_counter = true,
	};
	if (s->cannot_run && (why = s->cannot_run(&run)))
		return usage_error(cmd, "--strategy %s: %s", s->name, why);
	/* The workers are threads of this process (see the top). */
	if (procs > 1 && !s->racy && strategy_racy(s, MODE_THREAD))
		return usage_error(cmd,
				   "--strategy %s does not exclude threads of "
				   "one process, and incr's --procs workers "
				   "are threads: use flock, ofd or sysv-sem",
				   s->name);
	if ((err = counter_open(o, &run.home)))
		return err;
	/* Is it there, and racelab's? Before anything is counted. */
	err = o->store->counter->read(&run.home, &v);
	if (err) {
		o->store->counter->close(&run.home);
		return exit_of(err);
	}
	harness_signals_init();
	d = (struct counter_delta){ .requested = (int64_t)(times * procs),
				    .incrs = 1 };
	err = o->store->counter->add(&run.home, &d);
	if (err) {
		o->store->counter->close(&run.home);
		return exit_of(err);
	}
	t0 = now_ns();
	err = harness_run(&run, &res);
	t1 = now_ns();
	/*
	 * What the workers finished is exact: each publishes every
	 * increment once the server confirmed it, and a stop lets it end the
	 * one under way. A worker that failed or was stuck may have sent one
	 * more that the server applied or not: attempted.
	 */
	d = (struct counter_delta){
		.finished = (int64_t)res.expected,
		.attempted = (int64_t)res.expected,
		.incrs_done = 1,
	};
	if (err != -EINTR && (err || res.verdict == VERDICT_FAILED ||
			      res.verdict == VERDICT_DEADLOCK)) {
		uint64_t left = times * procs - res.expected;

		d.attempted += (int64_t)(left < procs ? left : procs);
	}
	d.requested = d.attempted - (int64_t)(times * procs);
	tally_err = o->store->counter->add(&run.home, &d);
	if (tally_err)
		report("%s: %s of its increments went unrecorded: show will "
		       "give lost as an interval",
		       cmd, res.expected ? "the count" : "none");
	if (o->verbose) {
		char num[32];

		fprintf(stderr,
			"%s: counter %s: pid %d: %s increments under %s by "
			"%u worker%s in %.3f s, %.1f us each\n",
			PROGRAM_NAME, o->name, (int)getpid(),
			group_digits(res.expected, num, sizeof(num)), s->name,
			procs, procs == 1 ? "" : "s", (double)(t1 - t0) / 1e9,
			res.expected
			    ? (double)(t1 - t0) / 1e3 / (double)res.expected
			    : 0.0);
	}
	/* A worker stuck in a lock still uses its connection: keep it. */
	if (!res.threads_left)
		o->store->counter->close(&run.home);
	sig = harness_interrupted();
	if (err == -EINTR && sig) {
		char a[32], b[32];

		report("%s: stopped by SIG%s after %s of %s increments%s", cmd,
		       sigabbrev_np(sig), group_digits(res.expected, a, 32),
		       group_digits(times * procs, b, 32),
		       tally_err ? "" : " (all recorded)");
		return cli_die_of(sig);
	}
	if (err)
		return exit_of(err);
	if (res.verdict == VERDICT_DEADLOCK) {
		report("%s: no increment done for %.0f s (%s); stopped", cmd,
		       run.timeout_s, s->name);
		return EXIT_DEADLOCK;
	}
	if (res.verdict == VERDICT_FAILED) {
		report("%s: %s", cmd, res.detail);
		return EXIT_SYSTEM;
	}
	return tally_err ? EXIT_SYSTEM : EXIT_VERIFIED;
}

/* ---- show ----------------------------------------------------------------- */

/* Fill the row's lost, lost_min, lost_max from the view. */
static void lost_of(const struct counter_view *v, struct counter_row *row)
{
	/* The increments racelab applied lie in [finished, requested]. */
	uint64_t lo = v->finished, hi = v->requested;

	row->bounds_known = v->value <= hi;
	row->lost_min = lo > v->value ? lo - v->value : 0;
	row->lost_max = hi > v->value ? hi - v->value : 0;
	row->lost_known = row->bounds_known && lo == hi;
	row->lost = row->lost_min;
}

static void show_table(const struct counter_options *o,
		       const struct store_handle *h,
		       const struct counter_view *v,
		       const struct counter_row *row)
{
	char a[32], b[32], home[128];
	uint64_t running = v->incrs - v->incrs_done;

	printf("counter      %s in %s (%s): %s\n", o->name, o->store->name,
	       h->path, home_of(o, home, sizeof(home)));
	printf("value        %s\n", group_digits(v->value, a, sizeof(a)));
	printf("requested    %-14s by %s incr process%s\n",
	       group_digits(v->requested, a, sizeof(a)),
	       group_digits(v->incrs, b, sizeof(b)), v->incrs == 1 ? "" : "es");
	printf("finished     %-14s writes the server confirmed\n",
	       group_digits(v->finished, a, sizeof(a)));
	printf("attempted    %-14s %s\n",
	       group_digits(v->attempted, a, sizeof(a)),
	       v->attempted > v->finished
		   ? "of which the last of a cut-off worker may or may not "
		     "have happened"
		   : "(nothing of unknown fate)");
	if (running)
		printf("unfinished   %-14s incr process%s still running, or "
		       "killed before recording its end\n",
		       group_digits(running, a, sizeof(a)),
		       running == 1 ? "" : "es");
	if (row->lost_known)
		printf("lost         %-14s %.1f %% of finished: increments "
		       "that overwrote each other\n",
		       group_digits(row->lost, a, sizeof(a)),
		       v->finished
			   ? 100.0 * (double)row->lost / (double)v->finished
			   : 0.0);
	else if (row->bounds_known)
		printf("lost         %s to %s    the increments applied lie "
		       "between finished and requested\n",
		       group_digits(row->lost_min, a, sizeof(a)),
		       group_digits(row->lost_max, b, sizeof(b)));
	else
		printf("lost         unknown        the value is %s above what "
		       "racelab requested: another program wrote it\n",
		       group_digits(v->value - v->requested, a, sizeof(a)));
}

static int do_show(const struct counter_options *o)
{
	struct store_handle h;
	struct counter_view v;
	struct counter_row row;
	int err = counter_open(o, &h);

	if (err)
		return err;
	err = o->store->counter->read(&h, &v);
	if (err) {
		o->store->counter->close(&h);
		return exit_of(err);
	}
	row = (struct counter_row){
		.store = o->store->name,
		.name = o->name,
		.where = h.path,
		.value = v.value,
		.requested = v.requested,
		.finished = v.finished,
		.attempted = v.attempted,
		.incrs = v.incrs,
		.incrs_done = v.incrs_done,
	};
	lost_of(&v, &row);
	if (o->format == FORMAT_TABLE)
		show_table(o, &h, &v, &row);
	else
		counter_report_print(stdout, o->format, &row);
	o->store->counter->close(&h);
	return row.bounds_known && row.lost_min > 0 ? EXIT_LOST : EXIT_VERIFIED;
}

/* ---- the command ----------------------------------------------------------- */

int cmd_counter(int argc, char **argv)
{
	struct counter_options o = { .format = FORMAT_TABLE };
	int err;

	o.sub = cli_subcommand("counter", counter_usage, subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]),
			       argc, argv, &err);
	if (!o.sub)
		return err;
	err = parse_counter(argc - 1, argv + 1, &o);
	if (err)
		return err;
	switch (o.sub->kind) {
	case SUB_CREATE:
		return do_create(&o);
	case SUB_INCR:
		return do_incr(&o);
	case SUB_SHOW:
		return do_show(&o);
	case SUB_DESTROY:
		break;
	}
	return do_destroy(&o);
}
