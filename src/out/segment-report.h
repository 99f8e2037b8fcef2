/*
 * segment-report.h - a named counter (`racelab segment show`) as a record
 * of the one output schema (schema.h): the fields of today's CSV columns
 * and JSON keys, in their order, for `segment show --format csv|json`.
 * The table of `show` is a page of labelled lines, not columns: it stays
 * with the command.
 */
#ifndef RACELAB_SEGMENT_REPORT_H
#define RACELAB_SEGMENT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "out/report.h"
#include "out/schema.h"

/* What `show` reports of one named counter; strings are already bounded
 * and cleaned by whoever read them from the segment. */
struct segment_row {
	const char *key;	/* "0x00000f00" */
	int shmid;		/* the kernel's id */
	const char *strategy;	/* its lock */
	unsigned mode;		/* permission bits, 0777 at most */
	uint64_t counter;	/* the count */
	uint64_t requested;	/* increments asked for by incr processes */
	uint64_t completed;	/* increments they finished */
	uint64_t unfinished;	/* requested - completed, of live ones */
	bool lost_known;	/* lost can be told */
	uint64_t lost;		/* completed - counter, when known */
	uint64_t recoveries;	/* owner-death recoveries */
	uint64_t incrs;		/* incr processes that attached */
	unsigned long attached; /* processes attached now */
	const char *lock_file;	/* its lock file, or NULL */
};

extern const struct schema segment_schema;

/* The CSV (header and row) or the JSON object of one row; FORMAT_TABLE
 * prints nothing (the command prints its own page). */
void segment_report_print(FILE *f, enum format format,
			  const struct segment_row *row);

#endif
