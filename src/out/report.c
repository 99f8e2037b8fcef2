/*
 * report.c - the three output formats.
 *
 * The CSV columns and JSON keys are a contract with scripts and labs: later
 * versions add columns at the end, never rename or reorder these.
 */
#include "out/report.h"

#include <string.h>

#include "core/trace.h"
#include "core/util.h"

static const char *const csv_columns =
    "strategy,mode,procs,iters,iters_auto,expected,final,lost,lost_pct,"
    "elapsed_s,ns_per_op,mops_per_s,recoveries,verdict,detail,recovery,"
    "seed,window";

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

/* Print s as a JSON string (quotes included). */
void report_json_string(FILE *f, const char *s)
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
void report_csv_string(FILE *f, const char *s)
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

/* The table's preamble: what kind of run this is, in words. */
static void table_preamble(struct report *rp, const struct run *run)
{
	FILE *f = rp->out;
	char num[32];

	fprintf(f,
		"%u worker %s%s, each adding 1 to one shared counter "
		"(SysV shared memory), released together.\n",
		run->procs, mode_name(run->mode),
		run->procs == 1		   ? ""
		: run->mode == MODE_THREAD ? "s"
					   : "es");
	if (run->window.kind != WINDOW_NONE)
		fprintf(f, "Race window between load and store: %s%s.\n",
			rp->window,
			run->window.kind == WINDOW_RANDOM ? " (seeded)" : "");
	if (run->ncpus) {
		fprintf(f, "Pinned: worker i runs on CPU");
		for (unsigned i = 0; i < run->ncpus && i < 16; i++)
			fprintf(f, "%s%d", i ? "," : " ", run->cpus[i]);
		fprintf(f, "%s (the i-th of the list, round robin).\n",
			run->ncpus > 16 ? ",..." : "");
	}
	if (run->crash_at)
		fprintf(f,
			"Crash: worker %u takes the lock, reads the counter "
			"and is killed (SIGKILL) at its increment %s;\n"
			"       watchdog: no progress for %.0f s means "
			"DEADLOCK.\n",
			run->crash_worker,
			group_digits(run->crash_at, num, sizeof(num)),
			run->timeout_s);
	if (run->window.kind == WINDOW_RANDOM)
		fprintf(f,
			"Seed: %llu (repeat the same choices with --seed "
			"%llu).\n",
			(unsigned long long)rp->seed,
			(unsigned long long)rp->seed);
	fprintf(f, "\n%-16s %14s %15s %15s %14s %7s %8s %9s %8s  %s%s\n",
		"strategy", "iters/worker", "expected", "final", "lost",
		"lost%", "time s", "ns/incr", "Mincr/s", "verdict",
		rp->crash ? "       recovery after the crash" : "");
}

void report_begin(struct report *rp, const struct run *run)
{
	rp->crash = run->crash_at != 0;
	rp->seed = run->seed;
	window_name(&run->window, rp->window, sizeof(rp->window));
	switch (rp->format) {
	case FORMAT_CSV:
		fprintf(rp->out, "%s\n", csv_columns);
		break;
	case FORMAT_JSON:
		fprintf(rp->out, "{\"version\": \"%s\", \"runs\": [",
			RACELAB_VERSION);
		break;
	case FORMAT_TABLE:
		table_preamble(rp, run);
		break;
	}
	fflush(rp->out);
}

static void table_row(struct report *rp, const struct result *r)
{
	char it[32], ex[32], fi[32], lo[32], rec[96];
	const char *colour = "", *reset = "", *verdict;

	if (r->verdict == VERDICT_FAILED) {
		fprintf(rp->out, "%-16s %s\n", r->strategy->name,
			rp->colour ? "\033[1;31mFAILED\033[0m" : "FAILED");
		return;
	}
	verdict = r->verdict == VERDICT_EXACT  ? "exact"
		  : r->verdict == VERDICT_LOST ? "LOST UPDATES"
					       : "DEADLOCK";
	if (rp->colour) {
		colour =
		    r->verdict == VERDICT_EXACT ? "\033[32m" : "\033[1;31m";
		reset = "\033[0m";
	}
	group_digits(r->iters, it, sizeof(it));
	if (r->iters_auto)
		snprintf(it + strlen(it), sizeof(it) - strlen(it), "*");
	if (r->verdict == VERDICT_DEADLOCK) {
		/* The workers never finished: no times to show. */
		fprintf(rp->out,
			"%-16s %14s %15s %15s %14s %7s %8s %9s %8s  %s%-12s%s  "
			"%s\n",
			r->strategy->name, it,
			group_digits(r->expected, ex, sizeof(ex)),
			group_digits(r->final, fi, sizeof(fi)), "-", "-", "-",
			"-", "-", colour, verdict, reset,
			r->crashed ? recovery(r, rec, sizeof(rec)) : "");
		return;
	}
	fprintf(rp->out,
		"%-16s %14s %15s %15s %14s %6.2f%% %8.3f %9.2f %8.2f  "
		"%s%-*s%s",
		r->strategy->name, it,
		group_digits(r->expected, ex, sizeof(ex)),
		group_digits(r->final, fi, sizeof(fi)),
		group_digits((uint64_t)(r->lost < 0 ? -r->lost : r->lost), lo,
			     sizeof(lo)),
		lost_pct(r), r->elapsed_s, r->ns_per_op, r->mops, colour,
		rp->crash ? 12 : 0, verdict, reset);
	if (rp->crash)
		fprintf(rp->out, "  %s",
			r->crashed ? recovery(r, rec, sizeof(rec))
				   : "(finished before the crash)");
	fputc('\n', rp->out);
}

void report_row(struct report *rp, const struct result *r)
{
	FILE *f = rp->out;
	char rec[96];

	switch (rp->format) {
	case FORMAT_TABLE:
		table_row(rp, r);
		break;
	case FORMAT_CSV:
		fprintf(f,
			"%s,%s,%u,%llu,%d,%llu,%llu,%lld,%.4f,%.6f,%.3f,%.3f,"
			"%llu,%s,",
			r->strategy->name, mode_name(r->mode), r->procs,
			(unsigned long long)r->iters, r->iters_auto,
			(unsigned long long)r->expected,
			(unsigned long long)r->final, (long long)r->lost,
			lost_pct(r), r->elapsed_s, r->ns_per_op, r->mops,
			(unsigned long long)r->recoveries,
			verdict_name(r->verdict));
		report_csv_string(f, r->detail);
		fputc(',', f);
		report_csv_string(f, recovery(r, rec, sizeof(rec)));
		fprintf(f, ",%llu,%s\n", (unsigned long long)rp->seed,
			rp->window);
		break;
	case FORMAT_JSON:
		fprintf(
		    f,
		    "%s\n  {\"strategy\": \"%s\", \"mode\": \"%s\", "
		    "\"procs\": %u, \"iters\": %llu, \"iters_auto\": %s, "
		    "\"expected\": %llu, \"final\": %llu, \"lost\": %lld, "
		    "\"lost_pct\": %.4f, \"elapsed_s\": %.6f, "
		    "\"ns_per_op\": %.3f, \"mops_per_s\": %.3f, "
		    "\"recoveries\": %llu, \"racy_on_purpose\": %s, "
		    "\"crashed\": %s, \"verdict\": \"%s\", \"detail\": ",
		    rp->rows ? "," : "", r->strategy->name, mode_name(r->mode),
		    r->procs, (unsigned long long)r->iters,
		    r->iters_auto ? "true" : "false",
		    (unsigned long long)r->expected,
		    (unsigned long long)r->final, (long long)r->lost,
		    lost_pct(r), r->elapsed_s, r->ns_per_op, r->mops,
		    (unsigned long long)r->recoveries,
		    strategy_racy(r->strategy, r->mode) ? "true" : "false",
		    r->crashed ? "true" : "false", verdict_name(r->verdict));
		report_json_string(f, r->detail);
		fprintf(f, ", \"recovery\": ");
		report_json_string(f, recovery(r, rec, sizeof(rec)));
		fprintf(f, ", \"seed\": %llu, \"window\": \"%s\"",
			(unsigned long long)rp->seed, rp->window);
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

/* The table's notes: what the numbers mean, in words. */
static void table_notes(struct report *rp, const struct result *res, unsigned n)
{
	bool any_auto = false, correct_lost = false, correct_ran = false;
	char a[32], b[32];

	fputc('\n', rp->out);
	for (unsigned i = 0; i < n; i++) {
		const struct result *r = &res[i];
		const char *name = r->strategy->name;

		any_auto |= r->iters_auto;
		/* Wrong only with threads: say why, lost or lucky. */
		if (r->strategy->racy_in_threads && r->mode == MODE_THREAD &&
		    r->verdict != VERDICT_FAILED)
			fprintf(rp->out,
				"%s: in thread mode it excludes nothing, on "
				"purpose: %s.\n",
				name, r->strategy->summary);
		if (r->verdict == VERDICT_FAILED ||
		    r->verdict == VERDICT_DEADLOCK) {
			fprintf(rp->out, "%s: %s\n", name, r->detail);
			continue;
		}
		if (r->crashed)
			fprintf(rp->out,
				"%s: the crashed worker died inside increment "
				"%s, after %s; recovery: %s.\n",
				name,
				group_digits(r->crash_done + 1, b, sizeof(b)),
				group_digits(r->crash_done, a, sizeof(a)),
				r->strategy->on_crash);
		if (r->stopped)
			fprintf(rp->out,
				"%s: %s, after %s increments; still "
				"verified.\n",
				name, r->detail,
				group_digits(r->expected, a, sizeof(a)));
		if (!strategy_racy(r->strategy, r->mode))
			correct_ran = true;
		if (r->verdict != VERDICT_LOST)
			continue;
		if (strategy_racy(r->strategy, r->mode)) {
			fprintf(rp->out,
				"%s: %s of %s increments vanished (%.1f%%): a "
				"worker stored its value+1 over increments\n"
				"%*s  others had made since its load. This "
				"strategy shows that on purpose (--trace shows "
				"which).\n",
				name,
				group_digits((uint64_t)r->lost, a, sizeof(a)),
				group_digits(r->expected, b, sizeof(b)),
				lost_pct(r), (int)strlen(name), "");
		} else {
			correct_lost = true;
			fprintf(rp->out,
				"%s: LOST UPDATES under a strategy that must "
				"exclude: this is a bug.\n",
				name);
		}
	}
	if (correct_ran && !correct_lost)
		fprintf(rp->out, "Every strategy that must be exact counted "
				 "exactly.\n");
	if (any_auto && rp->traced)
		fprintf(rp->out, "* iters chosen by racelab: --trace records "
				 "200,000 increments in all unless --iters "
				 "says otherwise.\n");
	else if (any_auto)
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
