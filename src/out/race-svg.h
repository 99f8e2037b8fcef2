/*
 * race-svg.h - `--trace-svg` and `racelab trace --svg`: a picture of the
 * race, drawn from a real trace.
 *
 * One lane per worker along a time axis; each increment a bar from its
 * load (left end) to its store (right end), labelled with the value it read
 * and the value it wrote. A store that overwrote other workers' increments
 * is red, with a numbered badge, and a red line to each increment it wiped
 * out (those are drawn dashed and crossed); a store that found the counter
 * lower than it had read (an older store had rolled it back) is green. By
 * default the picture zooms on the first few collisions and says how many
 * more the trace holds; the footer gives the trace's exact account.
 *
 * For scripts and tests, each red store is a <g class="collision"
 * data-lost="K"> (K increments wiped out) and each green one a <g
 * class="giveback" data-back="K">, so that over a whole trace (show = 0)
 * the sum of data-lost minus the sum of data-back is expected - final.
 */
#ifndef RACELAB_RACE_SVG_H
#define RACELAB_RACE_SVG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/trace.h"

#define RACE_SVG_SHOW 3 /* collisions to zoom on by default */

struct race_svg {
	const struct trace_set *trace;	 /* the events */
	const struct trace_summary *sum; /* trace_summarize(trace) */
	uint64_t show;			 /* collisions to zoom on; 0: all */
	bool lost_known;		 /* lost below is expected - final */
	int64_t lost;			 /* ... from the run */
	const char *command;		 /* how it was made, for the footer */
};

/* Draw the picture on f. */
void race_svg_write(FILE *f, const struct race_svg *r);

/* Write it to path (see svg_save). Returns 0 or a negative errno. */
int race_svg_save(const char *path, const struct race_svg *r);

#endif
