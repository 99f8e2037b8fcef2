/*
 * bench-report.c - the bench point's fields (bench_point_schema) and
 * `racelab bench`'s report: preamble, table, notes; CSV; JSON with the
 * machine, the settings and every sample.
 *
 * The CSV columns and JSON keys are a contract with scripts and labs: later
 * versions add fields at the end, never rename or reorder these.
 */
#include "out/bench-report.h"

#include <string.h>

#include "core/util.h"
#include "out/fields.h"
#include "out/text.h"

static const char *mode_name(enum mode m)
{
	return m == MODE_THREAD ? "thread" : "process";
}

static const char *verdict_name(const struct bench_point *pt)
{
	if (pt->skipped)
		return "skipped";
	switch (pt->verdict) {
	case VERDICT_EXACT:
		/* The sweep stopped before it: nothing was measured. */
		return pt->runs < 1 ? "not-run" : "exact";
	case VERDICT_LOST:
		return "lost";
	case VERDICT_FAILED:
		return "failed";
	case VERDICT_DEADLOCK:
		return "deadlock";
	}
	return "?";
}

static double lost_pct(const struct bench_point *pt)
{
	return pt->expected ? 100.0 * (double)pt->lost / (double)pt->expected
			    : 0;
}

/* ---- the bench point's fields -------------------------------------------- */

#define P(rec)	((const struct bench_point *)(rec))
#define BO(ctx) (((const struct bench_report *)(ctx))->bo)
/* A figure of the measured runs: null when there were none. */
#define MEASURED(member)                                                       \
	GET(member)                                                            \
	{                                                                      \
		(void)ctx;                                                     \
		if (P(rec)->runs)                                              \
			*v = (struct value){ .kind = VALUE_F64,                \
					     .f = P(rec)->member };            \
	}

GET(strategy)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR, .s = P(rec)->strategy->name };
}

GET(mode)
{
	*v = (struct value){ .kind = VALUE_STR, .s = mode_name(BO(ctx)->mode) };
	(void)rec;
}

GET(procs)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = P(rec)->procs };
}

GET(pin)
{
	(void)rec;
	*v = (struct value){ .kind = VALUE_STR,
			     .s = bench_pin_name(BO(ctx)->pin) };
}

GET(runs)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_U64, .u = P(rec)->runs };
}

/* Per worker per run: only in fixed-iteration mode. */
GET(iters)
{
	if (BO(ctx)->duration_s <= 0 && P(rec)->iters && !P(rec)->skipped)
		*v = (struct value){ .kind = VALUE_U64, .u = P(rec)->iters };
}

TEXT(iters)
{
	(void)ctx;
	if (compact)
		text_compact(P(rec)->iters, buf, (unsigned)len);
	else
		group_digits(P(rec)->iters, buf, (unsigned)len);
	snprintf(buf + strlen(buf), len - strlen(buf), "*");
	return buf;
}

GET(duration_s)
{
	(void)rec;
	if (BO(ctx)->duration_s > 0)
		*v = (struct value){ .kind = VALUE_F64,
				     .f = BO(ctx)->duration_s };
}

MEASURED(ns_med)
MEASURED(ns_min)
MEASURED(ns_max)
MEASURED(mops_med)
MEASURED(mops_min)
MEASURED(mops_max)

GET(expected)
{
	(void)ctx;
	if (P(rec)->runs)
		*v = (struct value){ .kind = VALUE_U64, .u = P(rec)->expected };
}

GET(final)
{
	(void)ctx;
	if (P(rec)->runs)
		*v = (struct value){ .kind = VALUE_U64, .u = P(rec)->final };
}

GET(lost)
{
	(void)ctx;
	if (P(rec)->runs)
		*v = (struct value){ .kind = VALUE_I64, .i = P(rec)->lost };
}

GET(lost_pct)
{
	(void)ctx;
	if (P(rec)->runs)
		*v = (struct value){ .kind = VALUE_F64, .f = lost_pct(P(rec)) };
}

GET(share_min_pct)
{
	(void)ctx;
	if (P(rec)->runs)
		*v = (struct value){ .kind = VALUE_F64,
				     .f = 100 * P(rec)->share_min };
}

GET(share_max_pct)
{
	(void)ctx;
	if (P(rec)->runs)
		*v = (struct value){ .kind = VALUE_F64,
				     .f = 100 * P(rec)->share_max };
}

/* The table's share column: both ends, "  5.1-94.9%". */
TEXT(share)
{
	(void)ctx, (void)compact;
	snprintf(buf, len, "%5.1f-%4.1f%%", 100 * P(rec)->share_min,
		 100 * P(rec)->share_max);
	return buf;
}

GET(unfair)
{
	(void)ctx;
	if (P(rec)->runs && BO(ctx)->duration_s > 0)
		*v = (struct value){ .kind = VALUE_BOOL, .b = P(rec)->unfair };
}

GET(acquire_p99_ns)
{
	(void)ctx;
	if (P(rec)->p99_known)
		*v = (struct value){ .kind = VALUE_F64, .f = P(rec)->p99_ns };
}

/* The table's p99: "2.1k" style, as the run table's latency column. */
TEXT(acquire_p99)
{
	double ns = P(rec)->p99_ns;

	(void)ctx, (void)compact;
	if (!P(rec)->p99_known)
		buf[0] = '\0';
	else if (ns < 1000)
		snprintf(buf, len, "%.0f", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.3gk", ns / 1e3);
	else
		snprintf(buf, len, "%.3gM", ns / 1e6);
	return buf;
}

GET(racy_on_purpose)
{
	*v = (struct value){ .kind = VALUE_BOOL,
			     .b = strategy_racy(P(rec)->strategy,
						BO(ctx)->mode) };
}

GET(verdict)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR, .s = verdict_name(P(rec)) };
}

/* "exact, 5 runs", "lost 41.20% (on purpose)" or the verdict. */
TEXT(verdict)
{
	const struct bench_point *pt = P(rec);

	if (pt->verdict == VERDICT_EXACT)
		snprintf(buf, len, "exact, %u run%s", pt->runs,
			 pt->runs == 1 ? "" : "s");
	else if (pt->verdict == VERDICT_LOST &&
		 strategy_racy(pt->strategy, BO(ctx)->mode))
		/* Narrow: the notes say that it is on purpose. */
		snprintf(buf, len,
			 compact ? "lost %.2f%%" : "lost %.2f%% (on purpose)",
			 lost_pct(pt));
	else
		snprintf(buf, len, "%s", verdict_name(pt));
	return buf;
}

GET(detail)
{
	(void)ctx;
	*v = (struct value){ .kind = VALUE_STR,
			     .s = P(rec)->skipped ? P(rec)->skipped
						  : P(rec)->detail };
}

/*
 * The bench point, in CSV order. Table columns dropped first on a narrow
 * terminal: the Mincr/s spread, then its median (the inverse of ns per
 * increment), the ns spread, the iterations.
 */
static const struct field point_fields[] = {
	{ "strategy", IN_ALL, 0, "strategy", NULL, -16, 0, 0, CELL_TEXT, 0,
	  get_strategy, NULL, NULL, NULL },
	{ "mode", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_mode, NULL,
	  NULL, NULL },
	{ "procs", IN_ALL, 0, "procs", NULL, 5, 0, 0, CELL_TEXT, 0, get_procs,
	  NULL, NULL, NULL },
	{ "pin", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_pin, NULL,
	  NULL, NULL },
	{ "runs", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_runs, NULL,
	  NULL, NULL },
	{ "iters", IN_ALL, 0, "worker", "iters per", 14, 6, 0, CELL_COUNT, 1,
	  get_iters, text_iters, NULL, "worker" },
	{ "duration_s", IN_CSV, 3, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_duration_s, NULL, NULL, NULL },
	{ "ns_median", IN_ALL, 3, "median", "ns per increment", 9, 0, 0,
	  CELL_FIG, 0, get_ns_med, NULL, NULL, NULL },
	{ "ns_min", IN_ALL, 3, "min", "ns per increment", 8, 0, 0, CELL_FIG, 3,
	  get_ns_min, NULL, NULL, NULL },
	{ "ns_max", IN_ALL, 3, "max", "ns per increment", 8, 0, 0, CELL_FIG, 2,
	  get_ns_max, NULL, NULL, NULL },
	{ "mops_median", IN_ALL, 3, "median", "Mincr/s, all workers", 8, 0, 0,
	  CELL_FIG, 4, get_mops_med, NULL, NULL, NULL },
	{ "mops_min", IN_ALL, 3, "min", "Mincr/s, all workers", 7, 0, 0,
	  CELL_FIG, 6, get_mops_min, NULL, NULL, NULL },
	{ "mops_max", IN_ALL, 3, "max", "Mincr/s, all workers", 7, 0, 0,
	  CELL_FIG, 5, get_mops_max, NULL, NULL, NULL },
	{ "expected", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_expected, NULL, NULL, NULL },
	{ "final", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_final,
	  NULL, NULL, NULL },
	{ "lost", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_lost, NULL,
	  NULL, NULL },
	{ "lost_pct", IN_DATA, 4, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_lost_pct, NULL, NULL, NULL },
	{ "share_min_pct", IN_ALL, 2, "    min-max", "share", 11, 0, 1,
	  CELL_FIXED, 0, get_share_min_pct, text_share, NULL, NULL },
	{ "share_max_pct", IN_DATA, 2, NULL, NULL, 0, 0, 0, CELL_FIXED, 0,
	  get_share_max_pct, NULL, NULL, NULL },
	{ "racy_on_purpose", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0,
	  get_racy_on_purpose, NULL, NULL, NULL },
	{ "verdict", IN_ALL, 0, "verified", NULL, -13, 0, 1, CELL_TEXT, 0,
	  get_verdict, text_verdict, NULL, NULL },
	{ "detail", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_detail,
	  NULL, NULL, NULL },
	/* Added in 0.2, at the end as the schema promises. */
	{ "unfair", IN_DATA, 0, NULL, NULL, 0, 0, 0, CELL_TEXT, 0, get_unfair,
	  NULL, NULL, NULL },
	{ "acquire_p99_ns", IN_ALL, 0, "p99 ns", NULL, 7, 0, 1, CELL_TEXT, 0,
	  get_acquire_p99_ns, text_acquire_p99, NULL, NULL },
};

const struct schema bench_point_schema = {
	.name = "bench point",
	.fields = point_fields,
	.n = sizeof(point_fields) / sizeof(point_fields[0]),
};

/* ---- the table ------------------------------------------------------------ */

static void table_preamble(struct bench_report *br)
{
	const struct bench_opts *bo = br->bo;
	const struct bench_machine *m = &br->machine;
	unsigned w = br->width, n = br->nstrategies;
	FILE *f = br->out;
	char list[256] = "", more[256] = "";
	size_t at = 0;

	for (unsigned i = 0; i < bo->nprocs && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%u",
				       i ? "," : "", bo->procs[i]);
	text_printf(f, w, 0,
		    "racelab bench: %u strateg%s x %u worker count%s (%s) = %u "
		    "points, worker %s.",
		    n, n == 1 ? "y" : "ies", bo->nprocs,
		    bo->nprocs == 1 ? "" : "s", list, br->npoints,
		    bo->mode == MODE_THREAD ? "threads" : "processes");
	text_printf(f, w, 0,
		    "Each point: %u measured run%s after one warm-up round, in "
		    "rounds interleaved across strategies; every run's count "
		    "verified.",
		    bo->repeat, bo->repeat == 1 ? "" : "s");
	if (bo->duration_s > 0)
		text_printf(f, w, 0,
			    "Fixed time: every worker adds until %.3g s have "
			    "passed; expected = the sum of their tallies.",
			    bo->duration_s);
	else
		text_printf(f, w, 0,
			    "Fixed iterations, calibrated per point so that "
			    "one run takes about %.0f ms%s.",
			    bo->target_s * 1e3,
			    br->target_cut
				? " (lowered from 200 ms so that this many "
				  "points fit in about 12 s of runs)"
				: "");
	if (bo->pin == PIN_NONE) {
		text_printf(f, w, 0,
			    "CPU placement: none: the scheduler places the "
			    "workers (--pin spread|compact pins them).");
	} else {
		at = 0;
		for (unsigned i = 0; i < bo->ncpus && i < 16; i++)
			at += (size_t)snprintf(more + at, sizeof(more) - at,
					       "%s%d", i ? "," : " ",
					       bo->cpus[i]);
		text_printf(f, w, 0,
			    "CPU placement: %s: worker i on CPU%s%s (the i-th, "
			    "round robin).",
			    bench_pin_name(bo->pin), more,
			    bo->ncpus > 16 ? ",..." : "");
	}
	more[0] = '\0';
	if (m->load_avg >= 0)
		snprintf(more, sizeof(more), "; load average %.2f before",
			 m->load_avg);
	if (br->store && strcmp(br->store, "shm") != 0)
		text_printf(f, w, 0,
			    "Counter: in the %s store (--store), set to 0 "
			    "before every run.",
			    br->store);
	text_printf(f, w, 0, "Machine: %s, %u online CPU%s, %s, %s%s.", m->cpu,
		    m->cpus, m->cpus == 1 ? "" : "s", m->kernel, m->date, more);
	fputc('\n', f);
}

static void table_point(const struct bench_report *br,
			const struct bench_point *pt)
{
	char name[64];

	snprintf(name, sizeof(name), "%-16s %5u", pt->strategy->name,
		 pt->procs);
	if (pt->skipped)
		table_note_row(&br->table, name, " skipped: %s", pt->skipped);
	else if (pt->runs == 0 && pt->verdict == VERDICT_EXACT)
		/* The bench stopped before it (a failure or a Ctrl-C). */
		table_note_row(&br->table, name,
			       " not run: the bench stopped "
			       "first");
	else if (pt->runs == 0)
		table_note_row(&br->table, name, " %s (see below)",
			       verdict_name(pt));
	else
		table_row(&br->table, pt);
}

static void table_notes(const struct bench_report *br)
{
	const struct bench_opts *bo = br->bo;
	unsigned w = br->width;
	FILE *f = br->out;
	char a[32], b[32];

	fputc('\n', f);
	text_printf(f, w, 0,
		    "ns per increment = wall time from the start gate to the "
		    "last worker done, divided by the increments of all "
		    "workers: the machine's cost per increment, not one "
		    "worker's.");
	if (bo->duration_s <= 0)
		text_printf(f, w, 2,
			    "* iterations per worker in each run, chosen by "
			    "calibration (and checked by the warm-up).");
	else
		text_printf(f, w, 0,
			    "share: the fewest and the most increments one "
			    "worker did, as a share of its run's total (worst "
			    "run); an even split at P workers is 100/P %%.");
	for (unsigned i = 0; i < br->npoints; i++) {
		const struct bench_point *pt = &br->points[i];

		if (pt->skipped || pt->verdict == VERDICT_EXACT)
			continue;
		if (pt->verdict == VERDICT_LOST &&
		    strategy_racy(pt->strategy, bo->mode))
			text_printf(
			    f, w, 2,
			    "%s at %u procs: %s of %s increments "
			    "vanished (%.2f%%): it loses updates on "
			    "purpose; its speed is the speed of a wrong "
			    "answer.",
			    pt->strategy->name, pt->procs,
			    group_digits((uint64_t)pt->lost, a, sizeof(a)),
			    group_digits(pt->expected, b, sizeof(b)),
			    lost_pct(pt));
		else
			text_printf(f, w, 2, "%s at %u procs: %s",
				    pt->strategy->name, pt->procs, pt->detail);
	}
	if (br->table.width && br->table.compact)
		text_printf(f, w, 2,
			    "(Fitted to %u columns: numbers in K = 10^3, M = "
			    "10^6%s; --wide shows every column in full.)",
			    br->table.width,
			    br->table.dropped ? ", columns dropped" : "");
	if (br->interrupted) {
		unsigned rounds = bo->repeat;

		for (unsigned i = 0; i < br->npoints; i++)
			if (!br->points[i].skipped &&
			    br->points[i].runs < rounds)
				rounds = br->points[i].runs;
		text_printf(f, w, 0,
			    "Interrupted by signal %d after %.0f s: the rows "
			    "show the %u measured round%s that finished.",
			    br->interrupted, br->elapsed_s, rounds,
			    rounds == 1 ? "" : "s");
	} else
		text_printf(f, w, 0, "The bench took %.0f s.", br->elapsed_s);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_point(FILE *f, const struct bench_report *br,
		       const struct bench_point *pt)
{
	fprintf(f, "    {");
	schema_json_members(f, &bench_point_schema, pt, br);
	fprintf(f, ",\n     \"samples\": [");
	for (unsigned r = 0; r < pt->runs; r++) {
		const struct bench_sample *s = &pt->samples[r];

		fprintf(
		    f,
		    "%s\n       {\"ns_per_op\": %.3f, \"mops_per_s\": %.3f, "
		    "\"elapsed_s\": %.6f, \"expected\": %llu, \"final\": "
		    "%llu, \"done_min\": %llu, \"done_max\": %llu}",
		    r ? "," : "", s->ns_per_op, s->mops, s->elapsed_s,
		    (unsigned long long)s->expected,
		    (unsigned long long)s->final,
		    (unsigned long long)s->done_min,
		    (unsigned long long)s->done_max);
	}
	fprintf(f, "]}");
}

void bench_report_json(const struct bench_report *br, FILE *f)
{
	const struct bench_opts *bo = br->bo;
	const struct bench_machine *m = &br->machine;

	fprintf(f, "{\"version\": ");
	schema_json_string(f, RACELAB_VERSION);
	fprintf(f,
		", \"schema\": %d,\n \"machine\": {\"cpu\": ", SCHEMA_VERSION);
	schema_json_string(f, m->cpu);
	fprintf(f, ", \"cpus\": %u, \"kernel\": ", m->cpus);
	schema_json_string(f, m->kernel);
	fprintf(f, ", \"date\": ");
	schema_json_string(f, m->date);
	if (m->load_avg >= 0)
		fprintf(f, ", \"load_avg\": %.2f", m->load_avg);
	else
		fprintf(f, ", \"load_avg\": null");
	fprintf(f, ", \"host\": ");
	schema_json_string(f, m->host);
	fprintf(f, "},\n");
	fprintf(f, " \"mode\": \"%s\", \"pin\": \"%s\", \"cpus\": [",
		mode_name(bo->mode), bench_pin_name(bo->pin));
	for (unsigned i = 0; i < bo->ncpus; i++)
		fprintf(f, "%s%d", i ? ", " : "", bo->cpus[i]);
	fprintf(f, "], \"repeat\": %u, \"warmup_rounds\": 1, ", bo->repeat);
	if (bo->duration_s > 0)
		fprintf(f, "\"target_ms\": null, \"duration_s\": %.3f, ",
			bo->duration_s);
	else
		fprintf(f, "\"target_ms\": %.0f, \"duration_s\": null, ",
			bo->target_s * 1e3);
	fprintf(f, "\"elapsed_s\": %.1f,\n \"points\": [", br->elapsed_s);
	for (unsigned i = 0; i < br->npoints; i++) {
		fprintf(f, "%s\n", i ? "," : "");
		json_point(f, br, &br->points[i]);
	}
	fprintf(f, "\n], \"interrupted\": %s",
		br->interrupted ? "true" : "false");
	/* Added in 0.3, at the end: what --from needs to draw it again. */
	fprintf(f, ",\n \"procs\": [");
	for (unsigned i = 0; i < bo->nprocs; i++)
		fprintf(f, "%s%u", i ? ", " : "", bo->procs[i]);
	fprintf(f, "], \"latency\": %s, \"store\": ",
		bo->latency ? "true" : "false");
	schema_json_string(f, br->store ? br->store : "shm");
	fprintf(f, ", \"signal\": %d}\n", br->interrupted);
}

/* ---- the report -------------------------------------------------------------- */

void bench_report_begin(struct bench_report *br)
{
	br->width = text_width(br->out);
	switch (br->format) {
	case FORMAT_TABLE:
		table_preamble(br);
		table_init(&br->table, br->out, &bench_point_schema, br,
			   br->wide ? 0 : br->width, false);
		if (!br->bo->latency)
			table_hide(&br->table, "acquire_p99_ns");
		if (br->bo->duration_s > 0)
			table_hide(&br->table, "iters");
		else {
			table_hide(&br->table, "share_min_pct");
			table_hide(&br->table, "share_max_pct");
		}
		table_fit(&br->table);
		table_header(&br->table);
		break;
	case FORMAT_CSV:
		schema_csv_header(br->out, &bench_point_schema);
		break;
	case FORMAT_JSON:
		break;
	}
	fflush(br->out);
}

void bench_report_end(struct bench_report *br)
{
	switch (br->format) {
	case FORMAT_TABLE:
		for (unsigned i = 0; i < br->npoints; i++)
			table_point(br, &br->points[i]);
		table_notes(br);
		break;
	case FORMAT_CSV:
		for (unsigned i = 0; i < br->npoints; i++)
			schema_csv_row(br->out, &bench_point_schema,
				       &br->points[i], br);
		break;
	case FORMAT_JSON:
		bench_report_json(br, br->out);
		break;
	}
	fflush(br->out);
}
