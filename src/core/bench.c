/*
 * bench.c - see bench.h. The shape of a sweep:
 *
 *   calibrate every point -> warm-up round -> repeat x measured round
 *
 * where a round runs every point once, procs by procs, strategy by strategy
 * (A1 B1 C1 A2 B2 C2 ...). Interleaving matters on a machine whose speed
 * drifts (frequency scaling, a neighbour's build starting): run all of A,
 * then all of B, and the drift shows up as a difference between A and B.
 * Round by round, it widens every strategy's min-max alike instead.
 */
#include "core/bench.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

/* The warm-up re-calibrates when it ran outside [1/2, 2] x the target. */
#define RESCALE_FACTOR 2.0

struct bench_point *bench_points_alloc(const struct strategy *const *list,
				       unsigned n, const struct bench_opts *o)
{
	unsigned np = n * o->nprocs;
	struct bench_point *points = calloc(np ? np : 1, sizeof(*points));

	if (!points) {
		(void)report_errno("bench", "calloc", ENOMEM);
		return NULL;
	}
	for (unsigned i = 0; i < np; i++) {
		points[i].strategy = list[i / o->nprocs];
		points[i].procs = o->procs[i % o->nprocs];
		points[i].samples = calloc(o->repeat ? o->repeat : 1,
					   sizeof(struct bench_sample));
		if (!points[i].samples) {
			bench_points_free(points, i);
			(void)report_errno("bench", "calloc", ENOMEM);
			return NULL;
		}
	}
	return points;
}

void bench_points_free(struct bench_point *points, unsigned npoints)
{
	if (!points)
		return;
	for (unsigned i = 0; i < npoints; i++)
		free(points[i].samples);
	free(points);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(const double *v, unsigned n)
{
	double sorted[BENCH_REPEAT_MAX];

	if (n == 0)
		return 0;
	if (n > BENCH_REPEAT_MAX)
		n = BENCH_REPEAT_MAX;
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), compare_double);
	return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* ---- progress --------------------------------------------------------- */

/* What the progress line needs to say where the sweep is. */
struct progress {
	bool on;	/* stderr is a terminal */
	int64_t t0;	/* when the sweep began */
	unsigned done;	/* steps (calibrations and runs) finished */
	unsigned total; /* steps in the whole sweep */
	bool shown;	/* a line is on the screen */
};

static void progress_show(struct progress *pr, const char *phase,
			  const struct bench_point *pt)
{
	double elapsed = (double)(now_ns() - pr->t0) / 1e9;

	if (!pr->on)
		return;
	fprintf(stderr,
		"\r%s: bench: %s, step %u of %u: %s at %u procs; %.0f s",
		PROGRAM_NAME, phase, pr->done + 1, pr->total,
		pt->strategy->name, pt->procs, elapsed);
	/* Steps differ in length; the mean so far is a fair guess. */
	if (pr->done > 0)
		fprintf(stderr, ", about %.0f s left",
			elapsed / pr->done * (pr->total - pr->done));
	fputs("\033[K", stderr);
	fflush(stderr);
	pr->shown = true;
}

static void progress_clear(struct progress *pr)
{
	if (pr->on && pr->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pr->shown = false;
}

/* ---- one point -------------------------------------------------------- */

static void run_init(struct run *run, const struct bench_opts *o,
		     const struct bench_point *pt)
{
	*run = (struct run){
		.strategy = pt->strategy,
		.mode = o->mode,
		.procs = pt->procs,
		.iters = o->duration_s > 0 ? ITERS_MAX : pt->iters,
		.timeout_s = o->timeout_s,
		.duration_s = o->duration_s,
		.latency = o->latency,
		.latency_shift = 10,
		.cpus = o->cpus,
		.ncpus = o->ncpus,
		.store = o->store,
		.store_name = o->store_name,
	};
}

/*
 * Was this run what it must be? Fills the point's verdict and detail and
 * returns false when the sweep must stop. A racy strategy may lose updates
 * (that is what it shows); nothing else may, and in fixed-iteration mode
 * every worker must have done every increment it was given.
 */
static bool run_verified(const struct bench_opts *o, struct bench_point *pt,
			 const struct result *res, bool measured)
{
	const char *which = measured ? "a measured" : "the warm-up";
	uint64_t want = (uint64_t)pt->procs * pt->iters;
	char a[32], b[32];

	switch (res->verdict) {
	case VERDICT_EXACT:
	case VERDICT_LOST:
		break;
	case VERDICT_FAILED:
	case VERDICT_DEADLOCK:
		pt->verdict = res->verdict;
		snprintf(pt->detail, sizeof(pt->detail), "%s run: %.400s",
			 which, res->detail);
		return false;
	}
	if (o->duration_s <= 0 && res->expected != want) {
		pt->verdict = VERDICT_FAILED;
		snprintf(pt->detail, sizeof(pt->detail),
			 "%s run: the workers report %s increments done of "
			 "the %s they were given",
			 which, group_digits(res->expected, a, sizeof(a)),
			 group_digits(want, b, sizeof(b)));
		return false;
	}
	if (res->verdict == VERDICT_LOST) {
		/* A racy strategy's verdict speaks of its measured runs. */
		if (pt->verdict == VERDICT_EXACT && measured)
			pt->verdict = VERDICT_LOST;
		if (!strategy_racy(pt->strategy, o->mode)) {
			pt->verdict = VERDICT_LOST;
			snprintf(
			    pt->detail, sizeof(pt->detail),
			    "%s run: %s of %s increments LOST under a "
			    "strategy that must exclude",
			    which,
			    group_digits((uint64_t)res->lost, a, sizeof(a)),
			    group_digits(res->expected, b, sizeof(b)));
			return false;
		}
	}
	return true;
}

/* Say loudly why the sweep stops: its figures would compare a broken lock. */
static void announce_failure(const struct bench_point *pt)
{
	report("bench: %s at %u procs: %s. The bench stops here: a comparison "
	       "with a strategy that does not do its job is meaningless.",
	       pt->strategy->name, pt->procs, pt->detail);
}

/* After the warm-up: trust it over the short calibration trial. */
static void rescale(const struct bench_opts *o, struct bench_point *pt,
		    const struct result *res)
{
	if (o->duration_s > 0 || res->elapsed_s <= 0)
		return;
	if (res->elapsed_s <= o->target_s * RESCALE_FACTOR &&
	    res->elapsed_s >= o->target_s / RESCALE_FACTOR)
		return;
	pt->iters = harness_iters_for(pt->iters, res->elapsed_s, o->target_s);
}

static void sample_store(struct bench_point *pt, const struct result *res)
{
	struct bench_sample *s = &pt->samples[pt->runs++];

	*s = (struct bench_sample){
		.ns_per_op = res->ns_per_op,
		.mops = res->mops,
		.elapsed_s = res->elapsed_s,
		.expected = res->expected,
		.final = res->final,
		.done_min = res->done_min,
		.done_max = res->done_max,
		.iters = res->iters,
		.verdict = res->verdict,
		.lat_known = res->lat_known,
		.p99_ns = res->lat_p99,
		.unfair = res->fair_known && res->stopped && res->fair.unfair,
	};
}

static void point_summarise(struct bench_point *pt)
{
	double ns[BENCH_REPEAT_MAX], mops[BENCH_REPEAT_MAX];
	double p99[BENCH_REPEAT_MAX];
	unsigned np99 = 0;

	if (pt->runs == 0)
		return;
	pt->unfair = false;
	pt->ns_min = pt->mops_min = 1e300;
	pt->share_min = 1;
	pt->expected = pt->final = 0;
	pt->share_max = 0;
	for (unsigned i = 0; i < pt->runs; i++) {
		const struct bench_sample *s = &pt->samples[i];
		double lo =
		    s->expected ? (double)s->done_min / (double)s->expected : 0;
		double hi =
		    s->expected ? (double)s->done_max / (double)s->expected : 0;

		ns[i] = s->ns_per_op;
		mops[i] = s->mops;
		if (ns[i] < pt->ns_min)
			pt->ns_min = ns[i];
		if (ns[i] > pt->ns_max)
			pt->ns_max = ns[i];
		if (mops[i] < pt->mops_min)
			pt->mops_min = mops[i];
		if (mops[i] > pt->mops_max)
			pt->mops_max = mops[i];
		if (lo < pt->share_min)
			pt->share_min = lo;
		if (hi > pt->share_max)
			pt->share_max = hi;
		pt->expected += s->expected;
		pt->final += s->final;
		pt->unfair |= s->unfair;
		if (s->lat_known)
			p99[np99++] = (double)s->p99_ns;
	}
	pt->p99_known = np99 > 0;
	pt->p99_ns = np99 ? bench_median(p99, np99) : 0;
	pt->ns_med = bench_median(ns, pt->runs);
	pt->mops_med = bench_median(mops, pt->runs);
	pt->lost = (int64_t)(pt->expected - pt->final);
}

/* ---- the sweep -------------------------------------------------------- */

/* The point that comes `k`-th in a round: procs outer, strategies inner. */
static struct bench_point *point_at(struct bench_point *points, unsigned n,
				    const struct bench_opts *o, unsigned k)
{
	return &points[(k % n) * o->nprocs + k / n];
}

int bench_sweep(const struct strategy *const *list, unsigned n,
		const struct bench_opts *o, struct bench_point *points)
{
	unsigned np = n * o->nprocs, active = 0;
	struct progress pr = { .on = o->progress, .t0 = now_ns() };
	struct run run;
	struct result res;
	int err = 0;

	for (unsigned k = 0; k < np; k++) {
		struct bench_point *pt = &points[k];

		pt->strategy = list[k / o->nprocs];
		pt->procs = o->procs[k % o->nprocs];
		pt->verdict = VERDICT_EXACT;
		pt->skipped = pt->strategy->unsupported;
		if (!pt->skipped && pt->strategy->cannot_run) {
			run_init(&run, o, pt);
			pt->skipped = pt->strategy->cannot_run(&run);
		}
		active += !pt->skipped;
	}
	pr.total = active * (o->repeat + 1 + (o->duration_s > 0 ? 0 : 1));

	if (o->duration_s <= 0) {
		for (unsigned k = 0; k < np; k++) {
			struct bench_point *pt = point_at(points, n, o, k);

			if (pt->skipped)
				continue;
			progress_show(&pr, "calibrating", pt);
			run_init(&run, o, pt);
			err = harness_calibrate(&run, o->target_s, &pt->iters);
			if (err)
				goto out;
			pr.done++;
		}
	}
	for (unsigned round = 0; round <= o->repeat; round++) {
		char phase[48];

		if (round == 0)
			snprintf(phase, sizeof(phase), "warm-up round");
		else
			snprintf(phase, sizeof(phase), "round %u of %u", round,
				 o->repeat);
		for (unsigned k = 0; k < np; k++) {
			struct bench_point *pt = point_at(points, n, o, k);

			if (pt->skipped)
				continue;
			progress_show(&pr, phase, pt);
			run_init(&run, o, pt);
			err = harness_run(&run, &res);
			if (err)
				goto out;
			pr.done++;
			if (!run_verified(o, pt, &res, round > 0)) {
				progress_clear(&pr);
				announce_failure(pt);
				goto out;
			}
			if (round == 0) {
				pt->warmed = true;
				rescale(o, pt, &res);
			} else {
				sample_store(pt, &res);
			}
		}
	}
out:
	progress_clear(&pr);
	/* Interrupted: keep the measured rounds that every point finished,
	 * so that what is reported stays interleaved. */
	if (err == -EINTR) {
		unsigned rounds = o->repeat;

		for (unsigned k = 0; k < np; k++)
			if (!points[k].skipped && points[k].runs < rounds)
				rounds = points[k].runs;
		for (unsigned k = 0; k < np; k++)
			if (points[k].runs > rounds)
				points[k].runs = rounds;
	}
	for (unsigned k = 0; k < np; k++)
		point_summarise(&points[k]);
	return err;
}

enum verdict bench_verdict(const struct bench_point *points, unsigned npoints,
			   enum mode mode)
{
	for (unsigned i = 0; i < npoints; i++) {
		const struct bench_point *pt = &points[i];

		if (pt->verdict == VERDICT_FAILED ||
		    pt->verdict == VERDICT_DEADLOCK)
			return pt->verdict;
		if (pt->verdict == VERDICT_LOST &&
		    !strategy_racy(pt->strategy, mode))
			return VERDICT_LOST;
	}
	return VERDICT_EXACT;
}

/* ---- pinning ---------------------------------------------------------- */

const char *bench_pin_name(enum pin pin)
{
	switch (pin) {
	case PIN_NONE:
		return "none";
	case PIN_SPREAD:
		return "spread";
	case PIN_COMPACT:
		return "compact";
	}
	return "?";
}

int bench_pin_parse(const char *s, enum pin *out)
{
	for (int p = PIN_NONE; p <= PIN_COMPACT; p++)
		if (strcmp(s, bench_pin_name((enum pin)p)) == 0) {
			*out = (enum pin)p;
			return 0;
		}
	return -1;
}

/* Where one CPU sits: its package, its core, and which SMT thread it is. */
struct cpu_place {
	int cpu;     /* its number */
	int package; /* physical_package_id */
	int core;    /* core_id within the package */
	int rank;    /* 0: the core's first hardware thread, 1: second, ... */
};

static int sysfs_int(int cpu, const char *file, int fallback)
{
	char path[128];
	FILE *f;
	int v;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, file);
	f = fopen(path, "r");
	if (!f)
		return fallback;
	{
		char line[32], *end;
		long n;

		v = fallback;
		if (fgets(line, sizeof(line), f)) {
			n = strtol(line, &end, 10);
			if (end != line && n >= 0 && n <= 1 << 20)
				v = (int)n;
		}
	}
	fclose(f);
	return v;
}

/* How many of cpu's SMT siblings ("0,64" or "0-1") come before it. */
static int sibling_rank(int cpu)
{
	char path[128], list[256];
	const char *p = list;
	int rank = 0;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
		 cpu);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	while (*p >= '0' && *p <= '9') {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long c = lo; c <= hi; c++)
			rank += c < cpu;
		p = *end == ',' ? end + 1 : end;
	}
	return rank;
}

static int place_spread(const void *a, const void *b)
{
	const struct cpu_place *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->package != y->package)
		return x->package - y->package;
	if (x->core != y->core)
		return x->core - y->core;
	return x->cpu - y->cpu;
}

static int place_compact(const void *a, const void *b)
{
	const struct cpu_place *x = a, *y = b;

	if (x->package != y->package)
		return x->package - y->package;
	if (x->core != y->core)
		return x->core - y->core;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->cpu - y->cpu;
}

int bench_pin_order(enum pin pin, int *cpus, unsigned max)
{
	static struct cpu_place place[CPU_SETSIZE];
	cpu_set_t allowed;
	unsigned n = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) == -1)
		return report_errno("bench", "sched_getaffinity", errno);
	for (int c = 0; c < CPU_SETSIZE && n < max; c++) {
		if (!CPU_ISSET((size_t)c, &allowed))
			continue;
		place[n] = (struct cpu_place){
			.cpu = c,
			.package = sysfs_int(c, "physical_package_id", 0),
			.core = sysfs_int(c, "core_id", c),
			.rank = sibling_rank(c),
		};
		n++;
	}
	if (n == 0)
		return -ESRCH;
	qsort(place, n, sizeof(place[0]),
	      pin == PIN_COMPACT ? place_compact : place_spread);
	for (unsigned i = 0; i < n; i++)
		cpus[i] = place[i].cpu;
	return (int)n;
}

/* ---- the machine ------------------------------------------------------ */

/* The CPU's name: x86 says "model name", others "Processor", "cpu model". */
static void cpu_model(char *buf, size_t len)
{
	static const char *const keys[] = { "model name", "Model", "cpu model",
					    "Processor", "Hardware" };
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown CPU");
	if (!f)
		return;
	for (unsigned k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			size_t kl = strlen(keys[k]);
			char *colon = strchr(line, ':'), *v;

			if (!colon || strncmp(line, keys[k], kl) != 0 ||
			    (line[kl] != ' ' && line[kl] != '\t' &&
			     line[kl] != ':'))
				continue;
			v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, "\n")] = '\0';
			if (!*v)
				continue;
			snprintf(buf, len, "%s", v);
			fclose(f);
			return;
		}
	}
	fclose(f);
}

void bench_machine_read(struct bench_machine *m)
{
	struct utsname u;
	time_t t = time(NULL);
	struct tm tm;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	FILE *f;

	memset(m, 0, sizeof(*m));
	cpu_model(m->cpu, sizeof(m->cpu));
	m->cpus = n > 0 ? (unsigned)n : 1;
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%.60s %.60s", u.sysname,
			 u.release);
	else
		snprintf(m->kernel, sizeof(m->kernel), "unknown kernel");
	if (gmtime_r(&t, &tm))
		strftime(m->date, sizeof(m->date), "%Y-%m-%d %H:%M UTC", &tm);
	if (gethostname(m->host, sizeof(m->host)) != 0)
		snprintf(m->host, sizeof(m->host), "unknown host");
	m->host[sizeof(m->host) - 1] = '\0';
	m->load_avg = -1;
	f = fopen("/proc/loadavg", "r");
	if (f) {
		char line[64], *end;

		if (fgets(line, sizeof(line), f)) {
			m->load_avg = strtod(line, &end);
			if (end == line)
				m->load_avg = -1;
		}
		fclose(f);
	}
}
