/*
 * counter-report.h - a named counter (`racelab counter show`) as a record
 * of the one output schema (schema.h), for `counter show --format
 * csv|json`. The table of show is a page of labelled lines: it stays with
 * the command.
 */
#ifndef RACELAB_COUNTER_REPORT_H
#define RACELAB_COUNTER_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "out/report.h"
#include "out/schema.h"

/* What show reports of one counter. */
struct counter_row {
	const char *store;   /* "postgres", "redis" */
	const char *name;    /* the counter's NAME */
	const char *where;   /* the server, never with a password */
	uint64_t value;	     /* the counter */
	uint64_t requested;  /* increments incr processes asked for */
	uint64_t finished;   /* ... whose write was confirmed */
	uint64_t attempted;  /* ... and those whose fate is unknown */
	uint64_t incrs;	     /* incr processes that started */
	uint64_t incrs_done; /* ... and recorded their end */
	bool lost_known;     /* lost is exact */
	uint64_t lost;	     /* finished - value, when known */
	bool bounds_known;   /* lost_min..lost_max mean something */
	uint64_t lost_min;   /* lost is at least this */
	uint64_t lost_max;   /* ... and at most this */
};

extern const struct schema counter_schema;

/* The CSV (header and row) or the JSON object; FORMAT_TABLE: nothing. */
void counter_report_print(FILE *f, enum format format,
			  const struct counter_row *row);

#endif
