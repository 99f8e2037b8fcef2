/*
 * report.c - a run's report: the run row described once as a list of
 * fields (report_run_schema), rendered by the one writer (schema.c) as a
 * table fitted to the terminal, CSV or JSON, and the table's notes in words.
 *
 * The CSV columns and JSON keys are a contract with scripts and labs: later
 * versions add fields at the end, never rename or reorder these.
 */
#include "out/report.h"

#include <string.h>

#include "core/trace.h"
#include "core/util.h"
#include "out/fields.h"
#include "out/text.h"

int report_format_parse(const char *s, enum format *out)
{
	if (strcmp(s, "table") == 0)
		*out = FORMAT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*out = FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else
		return -1;
	return 0;
}

void report_record(FILE *f, enum format format, const struct schema *sc,
		   const void *row)
{
	switch (format) {
	case FORMAT_TABLE:
		break;
	case FORMAT_CSV:
		schema_csv_header(f, sc);
		schema_csv_row(f, sc, row, NULL);
		break;
	case FORMAT_JSON:
		fputc('{', f);
		schema_json_members(f, sc, row, NULL);
		fprintf(f, ", \"version\": ");
		schema_json_string(f, RACELAB_VERSION);
		fprintf(f, ", \"schema\": %d}\n", SCHEMA_VERSION);
		break;
	}
}

void report_json_string(FILE *f, const char *s)
{
	schema_json_string(f, s);
}

void report_csv_string(FILE *f, const char *s)
{
	schema_csv_string(f, s);
}

static const char *mode_name(enum mode m)
{
	return m == MODE_THREAD ? "thread" : "process";
}

static const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_EXACT:
		return "exact";
	case VERDICT_LOST:
		return "lost";
	case VERDICT_FAILED:
		return "failed";
	case VERDICT_DEADLOCK:
		return "deadlock";
	}
	return "?";
}

static double lost_pct(const struct result *r)
{
	return r->expected ? 100.0 * (double)r->lost / (double)r->expected : 0;
}

/* What freed the lock after the --crash-at worker died; "" if none died. */
static const char *recovery(const struct result *r, char *buf, size_t len)
{
	if (!r->crashed)
		return "";
	/* x0: the holder died, but nobody wanted the lock afterwards. */
	if (r->strategy->counts_recoveries)
		snprintf(buf, len, "%s (x%llu)", r->strategy->on_crash,
			 (unsigned long long)r->recoveries);
	else
		snprintf(buf, len, "%s", r->strategy->on_crash);
	return buf;
}

static void window_name(const struct window *w, char *buf, size_t len)
{
	static const char *const names[] = { "none", "yield", "spin", "sleep",
					     "random" };

	if (w->kind == WINDOW_NONE || w->kind == WINDOW_YIELD)
		snprintf(buf, len, "%s", names[w->kind]);
	else
		snprintf(buf, len, "%s:%llu", names[w->kind],
			 (unsigned long long)w->n);
}

/* ---- the run row's fields ------------------------------------------------ */

#define R(rec)	((const struct result *)(rec))
#define RP(ctx) ((const struct report *)(ctx))

/* A row whose workers never finished has no times to show. */
static bool no_times(const void *rec)
{
	return R(rec)->verdict == VERDICT_DEADLOCK;
}

GET(strategy)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR, .s = R(rec)->strategy->name };
}

GET(mode)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR, .s = mode_name(R(rec)->mode) };
}

GET(procs)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = R(rec)->procs };
}

GET(iters)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = R(rec)->iters };
}

/* iters/worker, marked * when racelab chose it. */
TEXT(iters)
{
	(void)ctx;
	if (compact)
		text_compact(R(rec)->iters, buf, (unsigned)len);
	else
		group_digits(R(rec)->iters, buf, (unsigned)len);
	if (R(rec)->iters_auto)
		snprintf(buf + strlen(buf), len - strlen(buf), "*");
	return buf;
}

GET(iters_auto)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_BOOL, .b = R(rec)->iters_auto };
}

GET(expected)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = R(rec)->expected };
}

GET(final)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = R(rec)->final };
}

GET(lost)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_I64, .i = R(rec)->lost };
}

/* The table shows how many, whichever way the count is off. */
TEXT(lost)
{
	int64_t l = R(rec)->lost;

	(void)ctx;
	if (no_times(rec))
		return "-";
	if (compact)
		return text_compact((uint64_t)(l < 0 ? -l : l), buf,
				    (unsigned)len);
	return group_digits((uint64_t)(l < 0 ? -l : l), buf, (unsigned)len);
}

GET(lost_pct)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_F64, .f = lost_pct(R(rec)) };
}

GET(elapsed_s)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_F64, .f = R(rec)->elapsed_s };
}

GET(overlap_s)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_F64, .f = R(rec)->overlap_s };
}

GET(ns_per_op)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_F64, .f = R(rec)->ns_per_op };
}

GET(mops_per_s)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_F64, .f = R(rec)->mops };
}

/* Deadlocked rows show "-" for what was never measured. */
static const char *table_figure(double x, const char *fmt, const void *rec,
				char *buf, size_t len)
{
	if (no_times(rec))
		return "-";
	snprintf(buf, len, fmt, x);
	return buf;
}

TEXT(lost_pct)
{
	(void)ctx, (void)compact;
	return table_figure(lost_pct(R(rec)), "%.2f%%", rec, buf, len);
}

TEXT(elapsed_s)
{
	(void)ctx, (void)compact;
	return table_figure(R(rec)->elapsed_s, "%.3f", rec, buf, len);
}

TEXT(overlap_s)
{
	(void)ctx, (void)compact;
	return table_figure(R(rec)->overlap_s, "%.3f", rec, buf, len);
}

TEXT(ns_per_op)
{
	(void)ctx, (void)compact;
	return table_figure(R(rec)->ns_per_op, "%.2f", rec, buf, len);
}

TEXT(mops_per_s)
{
	(void)ctx, (void)compact;
	return table_figure(R(rec)->mops, "%.2f", rec, buf, len);
}

GET(recoveries)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = R(rec)->recoveries };
}

GET(retries)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = R(rec)->retries };
}

GET(attempted)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = R(rec)->attempted };
}

GET(racy_on_purpose)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_BOOL,
			     .b = strategy_racy(R(rec)->strategy,
						R(rec)->mode) };
}

GET(crashed)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_BOOL, .b = R(rec)->crashed };
}

GET(verdict)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR,
			     .s = verdict_name(R(rec)->verdict) };
}

TEXT(verdict)
{
	(void)ctx, (void)compact, (void)buf, (void)len;
	switch (R(rec)->verdict) {
	case VERDICT_EXACT:
		return "exact";
	case VERDICT_LOST:
		return "LOST UPDATES";
	case VERDICT_FAILED:
		return "FAILED";
	case VERDICT_DEADLOCK:
		return "DEADLOCK";
	}
	return "?";
}

static const char *colour_verdict(const void *rec, const void *ctx)
{
	(void)ctx;
	return R(rec)->verdict == VERDICT_EXACT ? "\033[32m" : "\033[1;31m";
}

GET(detail)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR, .s = R(rec)->detail };
}

GET(recovery)
{
	static char buf[160];

	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR,
			     .s = recovery(R(rec), buf, sizeof(buf)) };
}

TEXT(recovery)
{
	(void)ctx, (void)compact;
	return R(rec)->crashed ? recovery(R(rec), buf, len)
			       : "(finished before the crash)";
}

GET(seed)
{
	(void)rec;
	*v = (struct value){ .kind = VALUE_U64, .u = RP(ctx)->seed };
}

/* Fairness (fairness.h): the shares mean something only in a fixed-time
 * run (every worker had the same time), the finishing spread only in a
 * fixed-iteration one; neither after a crash. */
static bool shares_known(const struct result *r)
{
	return r->fair_known && r->stopped;
}

GET(share_min_pct)
{
	(void)ctx;
	*v = shares_known(R(rec))
		 ? (struct value){ .kind = VALUE_F64,
				   .f = R(rec)->fair.min_share }
		 : (struct value){ .kind = VALUE_NULL };
}

GET(share_max_pct)
{
	(void)ctx;
	*v = shares_known(R(rec))
		 ? (struct value){ .kind = VALUE_F64,
				   .f = R(rec)->fair.max_share }
		 : (struct value){ .kind = VALUE_NULL };
}

GET(share_dev_pct)
{
	(void)ctx;
	*v = shares_known(R(rec))
		 ? (struct value){ .kind = VALUE_F64,
				   .f = R(rec)->fair.deviation_pct }
		 : (struct value){ .kind = VALUE_NULL };
}

GET(unfair)
{
	(void)ctx;
	*v = shares_known(R(rec)) ? (struct value){ .kind = VALUE_BOOL,
						    .b = R(rec)->fair.unfair }
				  : (struct value){ .kind = VALUE_NULL };
}

GET(finish_spread_s)
{
	(void)ctx;
	*v = R(rec)->fair_known
		 ? (struct value){ .kind = VALUE_F64, .f = R(rec)->spread_s }
		 : (struct value){ .kind = VALUE_NULL };
}

GET(finish_spread_pct)
{
	(void)ctx;
	*v = R(rec)->fair_known
		 ? (struct value){ .kind = VALUE_F64, .f = R(rec)->spread_pct }
		 : (struct value){ .kind = VALUE_NULL };
}

GET(per_worker)
{
	(void)ctx;
	*v = R(rec)->per_worker[0]
		 ? (struct value){ .kind = VALUE_STR, .s = R(rec)->per_worker }
		 : (struct value){ .kind = VALUE_NULL };
}

/* "3.1-96.9% sd 94% UNFAIR" in fixed time; "ends 12% apart" otherwise. */
TEXT(fairness)
{
	const struct result *r = R(rec);

	(void)ctx, (void)compact;
	if (shares_known(r))
		snprintf(buf, len, "%.1f-%.1f%% sd %.0f%%%s", r->fair.min_share,
			 r->fair.max_share, r->fair.deviation_pct,
			 r->fair.unfair ? " UNFAIR" : "");
	else if (r->fair_known && r->procs > 1)
		snprintf(buf, len, "ends %.0f%% apart", r->spread_pct);
	else
		buf[0] = '\0';
	return buf;
}

/* --latency: the sampled acquires (latency.h), null when none were. */
#define LATENCY_GET(name, expr)                                                \
	GET(name)                                                              \
	{                                                                      \
		(void)ctx;                                                     \
		*v = R(rec)->lat_known                                         \
			 ? (struct value){ .kind = VALUE_U64, .u = (expr) }    \
			 : (struct value){ .kind = VALUE_NULL };               \
	}
LATENCY_GET(latency_every, 1ULL << R(rec)->lat_shift)
LATENCY_GET(latency_samples, R(rec)->lat_samples)
LATENCY_GET(acquire_p50_ns, R(rec)->lat_p50)
LATENCY_GET(acquire_p99_ns, R(rec)->lat_p99)
LATENCY_GET(acquire_p999_ns, R(rec)->lat_p999)
LATENCY_GET(acquire_max_ns, R(rec)->lat_max)

/* 1234 -> "1.2k", 5600000 -> "5.6M": four ns figures in one column. */
static const char *short_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.3gk", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3gM", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3gG", (double)ns / 1e9);
	return buf;
}

/* "180/2.1k/9.8k/41k": p50/p99/p99.9/max, ns. */
TEXT(acquire)
{
	const struct result *r = R(rec);
	char a[16], b[16], c[16], d[16];

	(void)ctx, (void)compact;
	if (!r->lat_known) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, len, "%s/%s/%s/%s", short_ns(r->lat_p50, a, sizeof(a)),
		 short_ns(r->lat_p99, b, sizeof(b)),
		 short_ns(r->lat_p999, c, sizeof(c)),
		 short_ns(r->lat_max, d, sizeof(d)));
	return buf;
}

GET(window)
{
	(void)rec;
	*v = (struct value){ .kind = VALUE_STR, .s = RP(ctx)->window };
}

/*
 * The run row, in CSV order. Table columns dropped first on a narrow
 * terminal: Mincr/s (the inverse of ns/incr), time s, iters/worker
 * (expected / procs), final (expected - lost); then, only with the wide
 * recovery column of --crash-at, ns/incr and lost%.
 */
static const struct field run_fields[] = {
	{ "strategy", IN_ALL, 0, "strategy", NULL, -16, 0, 0, CELL_TEXT, 0,
	  get_strategy, NULL, NULL, NULL },
	{ "mode", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_mode, NULL,
	  NULL, NULL },
	{ "procs", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_procs,
	  NULL, NULL, NULL },
	{ "iters", IN_ALL, 0, "iters/worker", NULL, 14, 6, 0, CELL_COUNT, 4,
	  get_iters, text_iters, NULL, "iters" },
	{ "iters_auto", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_iters_auto, NULL, NULL, NULL },
	{ "expected", IN_ALL, 0, "expected", NULL, 15, 6, 0, CELL_COUNT, 0,
	  get_expected, NULL, NULL, NULL },
	{ "final", IN_ALL, 0, "final", NULL, 15, 6, 0, CELL_COUNT, 3, get_final,
	  NULL, NULL, NULL },
	{ "lost", IN_ALL, 0, "lost", NULL, 14, 6, 0, CELL_COUNT, 0, get_lost,
	  text_lost, NULL, NULL },
	{ "lost_pct", IN_ALL, 4, "lost%", NULL, 7, 0, 0, CELL_PCT, 1,
	  get_lost_pct, text_lost_pct, NULL, NULL },
	{ "elapsed_s", IN_ALL, 6, "time s", NULL, 8, 0, 0, CELL_FIXED, 5,
	  get_elapsed_s, text_elapsed_s, NULL, NULL },
	{ "ns_per_op", IN_ALL, 3, "ns/incr", NULL, 9, 0, 0, CELL_FIXED, 2,
	  get_ns_per_op, text_ns_per_op, NULL, NULL },
	{ "mops_per_s", IN_ALL, 3, "Mincr/s", NULL, 8, 0, 0, CELL_FIXED, 6,
	  get_mops_per_s, text_mops_per_s, NULL, NULL },
	{ "recoveries", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_recoveries, NULL, NULL, NULL },
	{ "racy_on_purpose", IN_JSON, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_racy_on_purpose, NULL, NULL, NULL },
	{ "crashed", IN_JSON, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_crashed,
	  NULL, NULL, NULL },
	{ "verdict", IN_ALL, 0, "verdict", NULL, -12, 0, 1, CELL_TEXT, 0,
	  get_verdict, text_verdict, colour_verdict, NULL },
	{ "detail", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_detail,
	  NULL, NULL, NULL },
	{ "recovery", IN_ALL, 0, "recovery after the crash", NULL, -33, 0, 1,
	  CELL_TEXT, 0, get_recovery, text_recovery, NULL, NULL },
	{ "seed", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_seed, NULL,
	  NULL, NULL },
	{ "window", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_window,
	  NULL, NULL, NULL },
	/* Fairness, added in 0.2: at the end, as the schema promises. */
	{ "share_min_pct", IN_ALL, 2, "fairness", NULL, -24, 0, 1, CELL_TEXT, 7,
	  get_share_min_pct, text_fairness, NULL, NULL },
	{ "share_max_pct", IN_DATA, 2, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_share_max_pct, NULL, NULL, NULL },
	{ "share_dev_pct", IN_DATA, 2, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_share_dev_pct, NULL, NULL, NULL },
	{ "unfair", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_unfair,
	  NULL, NULL, NULL },
	{ "finish_spread_s", IN_DATA, 6, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_finish_spread_s, NULL, NULL, NULL },
	{ "finish_spread_pct", IN_DATA, 2, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_finish_spread_pct, NULL, NULL, NULL },
	{ "per_worker", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_per_worker, NULL, NULL, NULL },
	/* Acquire latency (--latency), added in 0.2. */
	{ "latency_every", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_latency_every, NULL, NULL, NULL },
	{ "latency_samples", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_latency_samples, NULL, NULL, NULL },
	{ "acquire_p50_ns", IN_ALL, 0, "acquire ns p50/p99/p99.9/max", NULL,
	  -28, 0, 1, CELL_TEXT, 8, get_acquire_p50_ns, text_acquire, NULL,
	  NULL },
	{ "acquire_p99_ns", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_acquire_p99_ns, NULL, NULL, NULL },
	{ "acquire_p999_ns", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_acquire_p999_ns, NULL, NULL, NULL },
	{ "acquire_max_ns", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_acquire_max_ns, NULL, NULL, NULL },
	/* Database strategies' retries, added in 0.2. */
	{ "retries", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_retries,
	  NULL, NULL, NULL },
	/*
	 * How long every worker was running at once (from the last one's start
	 * to the first one's end), added in 0.2: a racy run that lost nothing
	 * usually shows a short overlap. The first column a narrow terminal
	 * drops.
	 */
	{ "overlap_s", IN_ALL, 6, "overlap s", NULL, 9, 0, 0, CELL_FIXED, 9,
	  get_overlap_s, text_overlap_s, NULL, NULL },
	/* expected plus the increments of database clients killed inside
	 * one (they may or may not have committed), added in 0.2. */
	{ "attempted", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_attempted, NULL, NULL, NULL },
};

const struct schema report_run_schema = {
	.name = "run",
	.fields = run_fields,
	.n = sizeof(run_fields) / sizeof(run_fields[0]),
};

/* ---- the report ------------------------------------------------------------ */

/* The table's preamble: what kind of run this is, in words. */
static void table_preamble(struct report *rp, const struct run *run)
{
	FILE *f = rp->out;
	unsigned w = rp->width;
	char num[32], cpus[160] = "";

	text_printf(f, w, 0,
		    "%u worker %s%s, each adding 1 to one shared counter "
		    "(%s), released together.",
		    run->procs, mode_name(run->mode),
		    run->procs == 1	       ? ""
		    : run->mode == MODE_THREAD ? "s"
					       : "es",
		    (run->store ? run->store : stores[0])->where);
	if (run->window.kind != WINDOW_NONE)
		text_printf(
		    f, w, 0, "Race window between load and store: %s%s.",
		    rp->window,
		    run->window.kind == WINDOW_RANDOM ? " (seeded)" : "");
	if (run->latency)
		text_printf(f, w, 0,
			    "Latency: one acquire in %llu timed, from asking "
			    "for the lock to holding it (clock_gettime).",
			    1ULL << run->latency_shift);
	if (run->ncpus) {
		size_t n = 0;

		for (unsigned i = 0; i < run->ncpus && i < 16; i++)
			n +=
			    (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%d",
					     i ? "," : " ", run->cpus[i]);
		text_printf(f, w, 0,
			    "Pinned: worker i runs on CPU%s%s (the i-th of the "
			    "list, round robin).",
			    cpus, run->ncpus > 16 ? ",..." : "");
	}
	if (run->crash_at) {
		text_printf(
		    f, w, 0,
		    "Crash: worker %u takes the lock, reads the counter "
		    "and is killed (SIGKILL) at its increment %s;",
		    run->crash_worker,
		    group_digits(run->crash_at, num, sizeof(num)));
		text_printf(f, w, 17,
			    "       watchdog: no progress for %.0f s means "
			    "DEADLOCK.",
			    run->timeout_s);
	}
	if (run->window.kind == WINDOW_RANDOM)
		text_printf(f, w, 0,
			    "Seed: %llu (repeat the same choices with --seed "
			    "%llu).",
			    (unsigned long long)rp->seed,
			    (unsigned long long)rp->seed);
	fputc('\n', f);
	table_init(&rp->table, f, &report_run_schema, rp,
		   rp->wide ? 0 : rp->width, rp->colour);
	if (!rp->crash)
		table_hide(&rp->table, "recovery");
	table_fit(&rp->table);
	table_header(&rp->table);
}

void report_begin(struct report *rp, const struct run *run)
{
	rp->crash = run->crash_at != 0;
	rp->seed = run->seed;
	rp->timeout_s = run->timeout_s;
	rp->width = text_width(rp->out);
	window_name(&run->window, rp->window, sizeof(rp->window));
	switch (rp->format) {
	case FORMAT_CSV:
		schema_csv_header(rp->out, &report_run_schema);
		break;
	case FORMAT_JSON:
		fprintf(rp->out, "{\"version\": ");
		schema_json_string(rp->out, RACELAB_VERSION);
		fprintf(rp->out, ", \"schema\": %d, \"runs\": [",
			SCHEMA_VERSION);
		break;
	case FORMAT_TABLE:
		table_preamble(rp, run);
		break;
	}
	fflush(rp->out);
}

void report_row(struct report *rp, const struct result *r)
{
	FILE *f = rp->out;

	switch (rp->format) {
	case FORMAT_TABLE:
		if (r->verdict == VERDICT_FAILED && r->expected) {
			char n[32];

			table_note_row(&rp->table, r->strategy->name,
				       "%s after %s increment%s finished",
				       rp->colour ? "\033[1;31mFAILED\033[0m"
						  : "FAILED",
				       group_digits(r->expected, n, sizeof(n)),
				       r->expected == 1 ? "" : "s");
		} else if (r->verdict == VERDICT_FAILED)
			table_note_row(&rp->table, r->strategy->name, "%s",
				       rp->colour ? "\033[1;31mFAILED\033[0m"
						  : "FAILED");
		else
			table_row(&rp->table, r);
		break;
	case FORMAT_CSV:
		schema_csv_row(f, &report_run_schema, r, rp);
		break;
	case FORMAT_JSON:
		fprintf(f, "%s\n  {", rp->rows ? "," : "");
		schema_json_members(f, &report_run_schema, r, rp);
		if (rp->trace) { /* --trace: what it says (trace.h) */
			fprintf(f, ", \"trace\": ");
			trace_json(f, rp->trace, r->lost);
		}
		fputc('}', f);
		break;
	}
	rp->rows++;
	fflush(f);
}

void report_skipped(struct report *rp, const char *name, const char *why)
{
	if (rp->format == FORMAT_TABLE)
		table_note_row(&rp->table, name, "skipped: %s", why);
	else
		fprintf(stderr, "%-16s skipped: %s\n", name, why);
}

/* A list of names, "a, b and c", of the results with verdict v. */
static unsigned names_with(const struct result *res, unsigned n, enum verdict v,
			   bool must_be_exact, char *buf, size_t len)
{
	unsigned count = 0, k = 0;
	size_t at = 0;

	for (unsigned i = 0; i < n; i++)
		if (res[i].verdict == v &&
		    (!must_be_exact ||
		     !strategy_racy(res[i].strategy, res[i].mode)))
			count++;
	buf[0] = '\0';
	for (unsigned i = 0; i < n && at < len; i++) {
		if (res[i].verdict != v ||
		    (must_be_exact &&
		     strategy_racy(res[i].strategy, res[i].mode)))
			continue;
		k++;
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       k == 1	    ? ""
				       : k == count ? " and "
						    : ", ",
				       res[i].strategy->name);
	}
	return count;
}

/* The last line: what happened, in one sentence or two. */
static void closing_line(struct report *rp, const struct result *res,
			 unsigned n, bool correct_ran)
{
	unsigned w = rp->width, dead, failed, bad;
	char names[1024];

	dead =
	    names_with(res, n, VERDICT_DEADLOCK, false, names, sizeof(names));
	if (dead)
		text_printf(rp->out, w, 0,
			    "DEADLOCK: %s made no progress for %.0f s (%s), so "
			    "the watchdog stopped %s; the run exits 4.",
			    names, rp->timeout_s,
			    rp->crash ? "the crashed worker never released "
					"the lock"
				      : "see above",
			    dead == 1 ? "its workers" : "their workers");
	failed =
	    names_with(res, n, VERDICT_FAILED, false, names, sizeof(names));
	if (failed)
		text_printf(rp->out, w, 0,
			    "FAILED: %s could not be verified (see above); the "
			    "run exits 1.",
			    names);
	bad = names_with(res, n, VERDICT_LOST, true, names, sizeof(names));
	if (bad)
		text_printf(
		    rp->out, w, 0,
		    "LOST UPDATES under %s, which must be exact: a bug; "
		    "the run exits 3.",
		    names);
	if (!correct_ran || bad)
		return;
	if (dead || failed)
		text_printf(rp->out, w, 0,
			    "Every other strategy that must be exact counted "
			    "exactly.");
	else
		fprintf(rp->out, "Every strategy that must be exact counted "
				 "exactly.\n");
}

/* The table's notes: what the numbers mean, in words. */
static void table_notes(struct report *rp, const struct result *res, unsigned n)
{
	bool any_auto = false, correct_ran = false;
	unsigned w = rp->width;
	char a[32], b[32];

	fputc('\n', rp->out);
	for (unsigned i = 0; i < n; i++) {
		const struct result *r = &res[i];
		const char *name = r->strategy->name;
		bool racy = strategy_racy(r->strategy, r->mode);
		unsigned hang = (unsigned)strlen(name) + 2;

		any_auto |= r->iters_auto;
		/* Wrong only with threads: say why, lost or lucky. */
		if (r->strategy->racy_in_threads && r->mode == MODE_THREAD &&
		    r->verdict != VERDICT_FAILED)
			text_printf(
			    rp->out, w, hang,
			    "%s: in thread mode it excludes nothing, on "
			    "purpose: %s.",
			    name, r->strategy->summary);
		if (r->verdict == VERDICT_FAILED ||
		    r->verdict == VERDICT_DEADLOCK) {
			text_printf(rp->out, w, hang, "%s: %s", name,
				    r->detail);
			continue;
		}
		/* What a strategy that does not wait paid instead. */
		if (r->strategy->counts_retries && r->retries)
			text_printf(rp->out, w, hang,
				    "%s: %s attempts redone (%.1f per 100 "
				    "increments): the server refused them, "
				    "nothing was lost.",
				    name,
				    group_digits(r->retries, a, sizeof(a)),
				    r->expected ? 100.0 * (double)r->retries /
						      (double)r->expected
						: 0.0);
		if (r->crashed)
			text_printf(
			    rp->out, w, hang,
			    "%s: the crashed worker died inside "
			    "increment %s, after %s; recovery: %s.",
			    name, group_digits(r->crash_done + 1, b, sizeof(b)),
			    group_digits(r->crash_done, a, sizeof(a)),
			    r->strategy->on_crash);
		if (r->stopped)
			text_printf(rp->out, w, hang,
				    "%s: %s, after %s increments; still "
				    "verified.",
				    name, r->detail,
				    group_digits(r->expected, a, sizeof(a)));
		if (r->stopped && r->fair_known && r->fair.unfair)
			text_printf(
			    rp->out, w, hang,
			    "%s: UNFAIR: the busiest worker did %.1f%% of the "
			    "increments, the least busy %.1f%% (locktorture "
			    "calls a lock unfair beyond 2x); nothing made the "
			    "lock go round.",
			    name, r->fair.max_share, r->fair.min_share);
		if (!racy)
			correct_ran = true;
		/* A race that did not show: say why, and what to try. */
		if (racy && r->verdict == VERDICT_EXACT && r->procs > 1)
			text_printf(
			    rp->out, w, hang,
			    "%s: no update was lost this time, though nothing "
			    "prevents it: the workers did not overlap long "
			    "enough to collide (%s increments each, %.2g s, "
			    "all of them running at once for %.2g s). "
			    "To see the race, try more --iters (10000000), "
			    "--window yield (a yield between the load and the "
			    "store) or --cpus 0,1 (the workers on different "
			    "CPUs at once).",
			    name, group_digits(r->iters, a, sizeof(a)),
			    r->elapsed_s, r->overlap_s);
		else if (racy && r->verdict == VERDICT_EXACT)
			text_printf(rp->out, w, hang,
				    "%s: no update was lost: one worker has "
				    "no one to race with (try --procs 2).",
				    name);
		if (r->verdict != VERDICT_LOST)
			continue;
		if (racy)
			text_printf(
			    rp->out, w, hang,
			    "%s: %s of %s increments vanished (%.1f%%): "
			    "a worker stored its value+1 over "
			    "increments others had made since its "
			    "load. This strategy shows that on purpose "
			    "(--trace shows which).",
			    name, group_digits((uint64_t)r->lost, a, sizeof(a)),
			    group_digits(r->expected, b, sizeof(b)),
			    lost_pct(r));
		else
			text_printf(rp->out, w, hang,
				    "%s: LOST UPDATES under a strategy that "
				    "must exclude: this is a bug.",
				    name);
	}
	closing_line(rp, res, n, correct_ran);
	if (any_auto && rp->traced)
		text_printf(rp->out, w, 2,
			    "* iters chosen by racelab: --trace records "
			    "200,000 increments in all unless --iters says "
			    "otherwise.");
	else if (any_auto)
		text_printf(rp->out, w, 2,
			    "* iters chosen per strategy by a short trial run "
			    "to take about %.2g s (set them with --iters).",
			    rp->target_s);
	if (rp->table.width && rp->table.compact)
		text_printf(rp->out, w, 2,
			    "(Fitted to %u columns: numbers in K = 10^3, M = "
			    "10^6, G = 10^9%s; --wide shows every column in "
			    "full.)",
			    rp->table.width,
			    rp->table.dropped ? ", columns dropped" : "");
}

void report_end(struct report *rp, const struct result *res, unsigned n)
{
	switch (rp->format) {
	case FORMAT_TABLE:
		table_notes(rp, res, n);
		break;
	case FORMAT_CSV:
		break;
	case FORMAT_JSON:
		fprintf(rp->out, "\n]}\n");
		break;
	}
	fflush(rp->out);
}
