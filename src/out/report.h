/* report.h - a run's results as a table for people or CSV/JSON for scripts:
 * the run row's fields (report.c) rendered by the one writer (schema.h). */
#ifndef RACELAB_REPORT_H
#define RACELAB_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/harness.h"
#include "out/schema.h"

struct trace_summary;

enum format {
	FORMAT_TABLE, /* aligned columns, notes, colour on a terminal */
	FORMAT_CSV,   /* a header line, one row per run */
	FORMAT_JSON,  /* {"version": ..., "schema": 2, "runs": [ {...}, ...]} */
};

struct report {
	FILE *out;	    /* where to print */
	enum format format; /* how */
	bool colour;	    /* ANSI colour in the table */
	bool wide;	    /* --wide: every column, whatever the width */
	unsigned rows;	    /* rows printed so far */
	double target_s;    /* calibration target, for the footnote */
	bool crash;	    /* --crash-at: show the recovery column */
	bool traced;	    /* --trace: iters were not calibrated */
	uint64_t seed;	    /* --seed, as used */
	double timeout_s;   /* the watchdog, for the closing line */
	char window[48];    /* --window, as typed back */
	unsigned width;	    /* the terminal's (text.h); 0: no limit */
	struct table table; /* the fitted table */
	const struct trace_summary *trace; /* --trace: for the JSON row */
};

/* The run row: every CSV column, JSON key and table column of a result. */
extern const struct schema report_run_schema;

/* Parse "table", "csv" or "json"; -1 if it is none of them. */
int report_format_parse(const char *s, enum format *out);

/*
 * One record of schema sc as CSV (its header, then the row) or as one JSON
 * object carrying the program's and the schema's version; FORMAT_TABLE
 * prints nothing (each command draws its own table). `segment show` and
 * `counter show` print theirs with it.
 */
void report_record(FILE *f, enum format format, const struct schema *sc,
		   const void *row);

/* s as a JSON string (quotes included), or as a CSV field (quoted only
 * when it must be); for every command's csv and json output. */
void report_json_string(FILE *f, const char *s);
void report_csv_string(FILE *f, const char *s);

void report_begin(struct report *rp, const struct run *run);
void report_row(struct report *rp, const struct result *res);
/* A strategy that did not run, and why (on stdout in a table, else on
 * stderr, so that csv and json stay one record per line). */
void report_skipped(struct report *rp, const char *name, const char *why);
void report_end(struct report *rp, const struct result *res, unsigned n);

#endif
