/*
 * svg.h - `racelab bench --svg`: the sweep as a chart a class can read.
 *
 * One self-contained SVG file (no script, no external font, stylesheet or
 * image, nothing fetched), two panels:
 *
 *   left:  ns per increment against the number of workers, log scale, one
 *          line per strategy through the medians, min-max whiskers;
 *   right: one pair of bars per strategy, fewest workers against most,
 *          cheapest first, on the same log scale.
 *
 * with axis labels and units, a legend, and what it was measured on (CPU
 * model, online CPUs, kernel, date, load) and the command that made it.
 * Each strategy's line is a <g class="series" data-strategy="NAME">, so a
 * script (or a test) can find it.
 */
#ifndef RACELAB_SVG_H
#define RACELAB_SVG_H

#include <stdio.h>

#include "core/bench.h"

/* Everything the chart shows. */
struct svg_chart {
	const struct bench_opts *opts;	     /* how the sweep ran */
	const struct strategy *const *list;  /* the strategies, in order */
	unsigned n;			     /* how many */
	const struct bench_point *points;    /* n x opts->nprocs, as bench.h */
	const struct bench_machine *machine; /* where */
	const char *command; /* the command line, for the note */
};

/* Draw the chart on f. */
void svg_chart_write(FILE *f, const struct svg_chart *c);

/*
 * Write the chart to path: into a temporary file beside it first, renamed
 * over path only when complete, so a failure never leaves half a chart.
 * Returns 0 or a negative errno (reported).
 */
int svg_chart_save(const char *path, const struct svg_chart *c);

/*
 * What every SVG racelab writes shares: text escaped for XML (control
 * characters dropped), and saving through a temporary file renamed over
 * path (a symlink at path is replaced, never written through). who names
 * the command in error messages.
 */
void svg_escape(FILE *f, const char *s);
int svg_save(const char *path, const char *who,
	     void (*write)(FILE *f, const void *ctx), const void *ctx);

#endif
