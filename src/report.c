/*
 * report.c - the three output formats.
 *
 * The CSV columns and JSON keys are a contract with scripts and labs: later
 * versions add columns at the end, never rename or reorder these.
 */
#include "report.h"

#include <string.h>

#include "util.h"

static const char *const csv_columns =
    "strategy,mode,procs,iters,iters_auto,expected,final,lost,lost_pct,"
    "elapsed_s,ns_per_op,mops_per_s,recoveries,verdict,detail";

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
	}
	return "?";
}

static double lost_pct(const struct result *r)
{
	return r->expected ? 100.0 * (double)r->lost / (double)r->expected : 0;
}

/* Print s as a JSON string (quotes included). */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Print s as a CSV field: quoted only when it must be. */
static void csv_string(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void report_begin(struct report *rp, const struct run *run)
{
	switch (rp->format) {
	case FORMAT_CSV:
		fprintf(rp->out, "%s\n", csv_columns);
		break;
	case FORMAT_JSON:
		fprintf(rp->out, "{\"version\": \"%s\", \"runs\": [",
			RACELAB_VERSION);
		break;
	case FORMAT_TABLE:
		fprintf(rp->out,
			"%u worker %s%s, each adding 1 to one shared counter "
			"(SysV shared memory), released together:\n\n",
			run->procs, mode_name(run->mode),
			run->mode == MODE_THREAD ? "s" : "es");
		fprintf(rp->out,
			"%-13s %14s %15s %15s %14s %7s %8s %9s %8s  %s\n",
			"strategy", "iters/worker", "expected", "final", "lost",
			"lost%", "time s", "ns/incr", "Mincr/s", "verdict");
		break;
	}
	fflush(rp->out);
}

static void table_row(struct report *rp, const struct result *r)
{
	char it[32], ex[32], fi[32], lo[32];
	const char *colour = "", *reset = "", *verdict;

	if (r->verdict == VERDICT_FAILED) {
		fprintf(rp->out, "%-13s %s\n", r->strategy->name,
			rp->colour ? "\033[1;31mFAILED\033[0m" : "FAILED");
		return;
	}
	verdict = r->verdict == VERDICT_EXACT ? "exact" : "LOST UPDATES";
	if (rp->colour) {
		colour =
		    r->verdict == VERDICT_EXACT ? "\033[32m" : "\033[1;31m";
		reset = "\033[0m";
	}
	group_digits(r->iters, it, sizeof(it));
	if (r->iters_auto)
		strcat(it, "*");
	fprintf(rp->out,
		"%-13s %14s %15s %15s %14s %6.2f%% %8.3f %9.2f %8.2f  %s%s%s\n",
		r->strategy->name, it,
		group_digits(r->expected, ex, sizeof(ex)),
		group_digits(r->final, fi, sizeof(fi)),
		group_digits((uint64_t)(r->lost < 0 ? -r->lost : r->lost), lo,
			     sizeof(lo)),
		lost_pct(r), r->elapsed_s, r->ns_per_op, r->mops, colour,
		verdict, reset);
}

void report_row(struct report *rp, const struct result *r)
{
	FILE *f = rp->out;

	switch (rp->format) {
	case FORMAT_TABLE:
		table_row(rp, r);
		break;
	case FORMAT_CSV:
		fprintf(f,
			"%s,%s,%u,%llu,%d,%llu,%llu,%lld,%.4f,%.6f,%.3f,%.3f,%"
			"llu,%s,",
			r->strategy->name, mode_name(r->mode), r->procs,
			(unsigned long long)r->iters, r->iters_auto,
			(unsigned long long)r->expected,
			(unsigned long long)r->final, (long long)r->lost,
			lost_pct(r), r->elapsed_s, r->ns_per_op, r->mops,
			(unsigned long long)r->recoveries,
			verdict_name(r->verdict));
		csv_string(f, r->detail);
		fputc('\n', f);
		break;
	case FORMAT_JSON:
		fprintf(f,
			"%s\n  {\"strategy\": \"%s\", \"mode\": \"%s\", "
			"\"procs\": %u, \"iters\": %llu, \"iters_auto\": %s, "
			"\"expected\": %llu, \"final\": %llu, \"lost\": %lld, "
			"\"lost_pct\": %.4f, \"elapsed_s\": %.6f, "
			"\"ns_per_op\": %.3f, \"mops_per_s\": %.3f, "
			"\"recoveries\": %llu, \"racy_on_purpose\": %s, "
			"\"verdict\": \"%s\", \"detail\": ",
			rp->rows ? "," : "", r->strategy->name,
			mode_name(r->mode), r->procs,
			(unsigned long long)r->iters,
			r->iters_auto ? "true" : "false",
			(unsigned long long)r->expected,
			(unsigned long long)r->final, (long long)r->lost,
			lost_pct(r), r->elapsed_s, r->ns_per_op, r->mops,
			(unsigned long long)r->recoveries,
			r->strategy->racy ? "true" : "false",
			verdict_name(r->verdict));
		json_string(f, r->detail);
		fputc('}', f);
		break;
	}
	rp->rows++;
	fflush(f);
}

/* The table's notes: what the numbers mean, in words. */
static void table_notes(struct report *rp, const struct result *res, unsigned n)
{
	bool any_auto = false, correct_lost = false, correct_ran = false;
	char a[32], b[32];

	fputc('\n', rp->out);
	for (unsigned i = 0; i < n; i++) {
		const struct result *r = &res[i];

		any_auto |= r->iters_auto;
		if (r->verdict == VERDICT_FAILED) {
			fprintf(rp->out, "%s: %s\n", r->strategy->name,
				r->detail);
			continue;
		}
		if (!r->strategy->racy)
			correct_ran = true;
		if (r->verdict != VERDICT_LOST)
			continue;
		if (r->strategy->racy) {
			fprintf(
			    rp->out,
			    "%s: %s of %s increments vanished (%.1f%%). Two "
			    "workers read the same value, both wrote back "
			    "value+1,\n%*s and one increment was lost. That "
			    "is the race this strategy shows on purpose.\n",
			    r->strategy->name,
			    group_digits((uint64_t)r->lost, a, sizeof(a)),
			    group_digits(r->expected, b, sizeof(b)),
			    lost_pct(r), (int)strlen(r->strategy->name), "");
		} else {
			correct_lost = true;
			fprintf(rp->out,
				"%s: LOST UPDATES under a strategy that must "
				"exclude: this is a bug.\n",
				r->strategy->name);
		}
	}
	if (correct_ran && !correct_lost)
		fprintf(rp->out,
			"Every strategy that takes a lock or an atomic counted "
			"exactly.\n");
	if (any_auto)
		fprintf(rp->out,
			"* iters chosen per strategy by a short trial run to "
			"take about %.2g s (set them with --iters).\n",
			rp->target_s);
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
