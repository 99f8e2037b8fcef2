/*
 * bench-report.h - `racelab bench`'s report: the bench point described once
 * as a list of fields (bench-report.c), rendered by the one writer
 * (schema.h) as a table fitted to the terminal, CSV or JSON.
 */
#ifndef RACELAB_BENCH_REPORT_H
#define RACELAB_BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/bench.h"
#include "out/report.h"
#include "out/schema.h"

/* Everything a report shows, in one place. */
struct bench_report {
	FILE *out;		      /* stdout */
	enum format format;	      /* --format */
	bool wide;		      /* --wide: every column in full */
	const struct bench_opts *bo;  /* the sweep's settings */
	unsigned nstrategies;	      /* strategies swept */
	struct bench_point *points;   /* nstrategies x bo->nprocs */
	unsigned npoints;	      /* how many */
	struct bench_machine machine; /* where */
	bool target_cut;	      /* the budget lowered the target */
	double elapsed_s;	      /* the whole sweep */
	int interrupted;	      /* the signal that stopped it, or 0 */
	unsigned width;		      /* the terminal's (text.h); 0: none */
	const char *store;	      /* --store's kind, NULL: the default */
	struct table table;	      /* the fitted table */
};

/* The bench point: every CSV column, JSON key and table column. */
extern const struct schema bench_point_schema;

/* Before the sweep: the table's preamble and header, or the CSV header. */
void bench_report_begin(struct bench_report *br);

/* After it (also after a Ctrl-C: the rounds that finished): the rows, the
 * notes; or the CSV rows; or the whole JSON document. */
void bench_report_end(struct bench_report *br);

/* The whole result as one JSON document on f (--format json, and
 * --export-json FILE): the machine, the settings, every point and sample. */
void bench_report_json(const struct bench_report *br, FILE *f);

#endif
