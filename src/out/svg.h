/*
 * svg.h - `racelab bench --svg`: the sweep as a chart a class can read.
 *
 * One self-contained SVG file (no script, no external font, stylesheet or
 * image, nothing fetched). The strategies are grouped into panels by their
 * kind (core/strategy.h: kernel locks, user-space locks, lock-free, ...),
 * at most SVG_PANEL_SERIES lines in a panel (a kind with more is split
 * over several panels), each line a colour of its own within its panel.
 * A panel plots ns per increment against the number of workers, log scale,
 * through the medians, with min-max whiskers; the median at the most
 * workers is written beside the plot (labels moved apart so that no two
 * overlap, each tied to its point by a leader line); under the plot, a
 * small table per series: the median at the fewest and at the most
 * workers, the workers' share min-max (fixed-time sweeps) and the acquire
 * p99 (--latency).
 *
 * Comparison (bench --from A.json --from B.json): the same panels, each
 * strategy drawn once per source, in its colour, with the source's line
 * style and marker (solid circles, dashed squares, dotted triangles,
 * dash-dot diamonds); a key names each source (its machine and date).
 *
 * Each strategy's line is a <g class="series" data-strategy="NAME"
 * data-source="K">, each panel a <g class="panel" data-kind="KIND">, so a
 * script (or a test) can find them.
 */
#ifndef RACELAB_SVG_H
#define RACELAB_SVG_H

#include <stdbool.h>
#include <stdio.h>

#include "core/bench.h"
#include "core/strategy.h"

#define SVG_PANEL_SERIES 8   /* lines in one panel, at most */
#define SVG_SOURCES_MAX	 4   /* results compared in one chart */
#define SVG_STRATEGIES	 256 /* strategies in one chart */
#define SVG_PANELS_MAX	 SVG_STRATEGIES
#define SVG_PROCS_MAX	 (SVG_SOURCES_MAX * BENCH_PROCS_MAX)

/* Everything the chart shows of one sweep (one source). */
struct svg_chart {
	const struct bench_opts *opts;	     /* how the sweep ran */
	const struct strategy *const *list;  /* the strategies, in order */
	unsigned n;			     /* how many */
	const struct bench_point *points;    /* n x opts->nprocs, as bench.h */
	const struct bench_machine *machine; /* where */
	const char *command; /* the command line, for the note */
	const char *label;   /* comparison: what the key calls it */
	/* Comparison: the other sources, drawn beside this one. */
	const struct svg_chart *const *others;
	unsigned nothers;
};

/* A rectangle, in SVG user units. */
struct svg_box {
	double x, y, w, h;
};

/* A value written beside a panel's plot. */
struct svg_label {
	struct svg_box box; /* where its text goes */
	double anchor_y;    /* the point it belongs to */
	unsigned strat;	    /* index into svg_layout.strat */
	unsigned src;	    /* which source */
	char text[32];	    /* the median, with its unit */
};

struct svg_panel {
	enum strategy_kind kind; /* what it groups */
	unsigned part, parts;	 /* part of parts of that kind (1-based) */
	unsigned first, count;	 /* strategies: strat[first .. first+count) */
	struct svg_box frame;	 /* the whole panel */
	struct svg_box plot;	 /* its plot area */
	unsigned nlabels;
	struct svg_label labels[SVG_PANEL_SERIES];
};

/* Where everything goes: computed once, drawn, and checked by tests. */
struct svg_layout {
	unsigned nsrc;
	const struct svg_chart *src[SVG_SOURCES_MAX];
	unsigned nstrat; /* every strategy of every source, by kind */
	const struct strategy *strat[SVG_STRATEGIES];
	unsigned nprocs; /* every worker count of every source, ascending */
	unsigned procs[SVG_PROCS_MAX];
	unsigned npanels;
	struct svg_panel panel[SVG_PANELS_MAX];
	bool scaled;		/* a point was measured: lo, hi hold */
	double lo, hi;		/* the y scale, whole decades of ns */
	bool fairness, latency; /* some source has share / p99 figures */
	double width, height;	/* the canvas */
	double panels_top;	/* under the title and the key */
};

/*
 * Lay the chart out. Returns 0, or -E2BIG when it has more sources or
 * strategies than the chart holds (a message names which).
 */
int svg_layout(const struct svg_chart *c, struct svg_layout *l);

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
