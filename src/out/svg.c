/*
 * svg.c - see svg.h. Plain fprintf of SVG 1.1 elements: no library, and
 * nothing in the file that a browser would fetch. Text uses generic font
 * families, which every browser resolves locally.
 */
#include "out/svg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/registry.h"
#include "core/safefile.h"
#include "core/util.h"

/* The canvas, in SVG user units (pixels at 100 %). */
#define WIDTH	   1200
#define MARGIN	   30  /* left and right */
#define PANEL_W	   560 /* one panel, two side by side */
#define PANEL_GAP  20  /* between panels, both ways */
#define PLOT_DX	   72  /* the plot area, from the panel's left */
#define PLOT_W	   356
#define PLOT_DY	   34 /* ... from the panel's top */
#define PLOT_H	   200
#define GUTTER	   8   /* plot's right edge to the value labels */
#define TABLE_DY   62  /* plot's bottom to the table's header */
#define ROW_H	   16  /* one table row */
#define LABEL_H	   12  /* a value label's box */
#define LABEL_CHAR 6.4 /* width of one character at font-size 11, about */
#define FONT	   "DejaVu Sans, Helvetica, Arial, sans-serif"

/* Eight colours that stay apart on a projector (Tableau 10's first). */
static const char *const palette[SVG_PANEL_SERIES] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
	"#9467bd", "#8c564b", "#e377c2", "#17becf",
};

/* A source's line style, and its name in the key. */
static const char *const dash[SVG_SOURCES_MAX] = { "", "7 4", "2 3",
						   "8 3 2 3" };
static const char *const marker_name[SVG_SOURCES_MAX] = {
	"solid line, circles", "dashed line, squares", "dotted line, triangles",
	"dash-dot line, diamonds"
};

void svg_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

/* A time in ns with a unit that keeps it under 1000: "5.12 ns", "3.3 us". */
static void fmt_time(char *buf, size_t len, double ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%.3g ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.3g &#181;s", ns / 1e3);
	else
		snprintf(buf, len, "%.3g ms", ns / 1e6);
}

/* Characters a reader sees in text with entities: "&#181;" is one. */
static unsigned visible(const char *s)
{
	unsigned n = 0;

	for (; *s; s++, n++)
		if (*s == '&' && strchr(s, ';'))
			s = strchr(s, ';');
	return n;
}

static bool measured(const struct bench_point *pt)
{
	return pt && pt->runs > 0 && !pt->skipped;
}

/* Source c's point for strategy s at w workers, or NULL. */
static const struct bench_point *find(const struct svg_chart *c,
				      const struct strategy *s, unsigned w)
{
	for (unsigned i = 0; i < c->n; i++) {
		if (c->list[i] != s)
			continue;
		for (unsigned p = 0; p < c->opts->nprocs; p++)
			if (c->opts->procs[p] == w)
				return &c->points[i * c->opts->nprocs + p];
	}
	return NULL;
}

/* The measured point at the most workers, or NULL. */
static const struct bench_point *last_point(const struct svg_chart *c,
					    const struct strategy *s)
{
	for (unsigned p = c->opts->nprocs; p-- > 0;) {
		const struct bench_point *pt = find(c, s, c->opts->procs[p]);

		if (measured(pt))
			return pt;
	}
	return NULL;
}

static double y_of(const struct svg_layout *l, const struct svg_panel *pn,
		   double ns)
{
	double v = log10(ns > 0 ? ns : pow(10, l->lo));

	if (v < l->lo)
		v = l->lo;
	return pn->plot.y + pn->plot.h -
	       (v - l->lo) / (l->hi - l->lo) * pn->plot.h;
}

static double x_of(const struct svg_layout *l, const struct svg_panel *pn,
		   unsigned w)
{
	double pad = 24, lo = l->procs[0], hi = l->procs[l->nprocs - 1];

	double at;

	if (l->nprocs == 1 || hi <= lo)
		return pn->plot.x + pn->plot.w / 2;
	/* 1 to 64 workers on a linear axis would crowd 1..8 into a corner:
	 * past a ratio of 8, the axis is logarithmic (doublings apart). */
	if (hi / lo > 8)
		at = log((double)w / lo) / log(hi / lo);
	else
		at = (w - lo) / (hi - lo);
	return pn->plot.x + pad + at * (pn->plot.w - 2 * pad);
}

/* Series k of the panel's nseries, shifted so whiskers do not hide. */
static double dx_of(unsigned k, unsigned nseries)
{
	double step = nseries > 1 ? fmin(7.0, 44.0 / nseries) : 0;

	return ((double)k - (nseries - 1) / 2.0) * step;
}

static void add_procs(struct svg_layout *l, unsigned w)
{
	unsigned i = 0;

	while (i < l->nprocs && l->procs[i] < w)
		i++;
	if ((i < l->nprocs && l->procs[i] == w) || l->nprocs >= SVG_PROCS_MAX)
		return;
	memmove(&l->procs[i + 1], &l->procs[i],
		(l->nprocs - i) * sizeof(l->procs[0]));
	l->procs[i] = w;
	l->nprocs++;
}

/* Move the panel's labels apart: in order of height, each at least one
 * unit under the one above, then all up if the last runs off the plot. */
static void place_labels(struct svg_panel *pn)
{
	struct svg_label *lb = pn->labels;
	double bottom = pn->plot.y + pn->plot.h + LABEL_H / 2.0, excess;

	for (unsigned i = 1; i < pn->nlabels; i++)
		for (unsigned j = i;
		     j > 0 && lb[j - 1].anchor_y > lb[j].anchor_y; j--) {
			struct svg_label t = lb[j];

			lb[j] = lb[j - 1];
			lb[j - 1] = t;
		}
	for (unsigned i = 0; i < pn->nlabels; i++) {
		double want = lb[i].anchor_y - LABEL_H / 2.0;

		if (i && want < lb[i - 1].box.y + LABEL_H + 1)
			want = lb[i - 1].box.y + LABEL_H + 1;
		lb[i].box.y = want;
	}
	excess = pn->nlabels ? lb[pn->nlabels - 1].box.y + LABEL_H - bottom : 0;
	if (excess > 0)
		for (unsigned i = 0; i < pn->nlabels; i++)
			lb[i].box.y -= excess;
}

static void layout_labels(const struct svg_layout *l, struct svg_panel *pn)
{
	pn->nlabels = 0;
	for (unsigned j = 0; j < pn->count; j++)
		for (unsigned k = 0; k < l->nsrc; k++) {
			const struct strategy *s = l->strat[pn->first + j];
			const struct bench_point *pt = last_point(l->src[k], s);
			struct svg_label *lb = &pn->labels[pn->nlabels];

			if (!pt || pn->nlabels >= SVG_PANEL_SERIES)
				continue;
			*lb = (struct svg_label){ .strat = pn->first + j,
						  .src = k };
			fmt_time(lb->text, sizeof(lb->text), pt->ns_med);
			lb->anchor_y = y_of(l, pn, pt->ns_med);
			lb->box = (struct svg_box){
				.x = pn->plot.x + pn->plot.w + GUTTER,
				.w = LABEL_CHAR * visible(lb->text) + 2,
				.h = LABEL_H,
			};
			pn->nlabels++;
		}
	place_labels(pn);
}

int svg_layout(const struct svg_chart *c, struct svg_layout *l)
{
	double lo = INFINITY, hi = -INFINITY;
	unsigned per_panel;
	double y;

	memset(l, 0, sizeof(*l));
	if (c->nothers + 1 > SVG_SOURCES_MAX) {
		report("bench: a chart compares at most %d results, not %u",
		       SVG_SOURCES_MAX, c->nothers + 1);
		return -E2BIG;
	}
	l->src[l->nsrc++] = c;
	for (unsigned k = 0; k < c->nothers; k++)
		l->src[l->nsrc++] = c->others[k];
	for (unsigned k = 0; k < l->nsrc; k++) {
		const struct svg_chart *s = l->src[k];

		for (unsigned p = 0; p < s->opts->nprocs; p++)
			add_procs(l, s->opts->procs[p]);
		if (s->opts->duration_s > 0)
			l->fairness = true;
		if (s->opts->latency)
			l->latency = true;
		for (unsigned i = 0; i < s->n; i++) {
			unsigned j = 0;

			while (j < l->nstrat && l->strat[j] != s->list[i])
				j++;
			if (j < l->nstrat)
				continue;
			if (l->nstrat >= SVG_STRATEGIES) {
				report("bench: a chart holds at most %d "
				       "strategies",
				       SVG_STRATEGIES);
				return -E2BIG;
			}
			l->strat[l->nstrat++] = s->list[i];
		}
		for (unsigned i = 0; i < s->n * s->opts->nprocs; i++) {
			const struct bench_point *pt = &s->points[i];

			if (!measured(pt))
				continue;
			if (pt->ns_min > 0 && pt->ns_min < lo)
				lo = pt->ns_min;
			if (pt->ns_med > 0 && pt->ns_med < lo)
				lo = pt->ns_med;
			if (pt->ns_max > hi)
				hi = pt->ns_max;
			if (pt->ns_med > hi)
				hi = pt->ns_med;
		}
	}
	/* By kind, in the order of the enum; first seen first within one. */
	for (unsigned i = 1; i < l->nstrat; i++)
		for (unsigned j = i;
		     j > 0 && l->strat[j - 1]->kind > l->strat[j]->kind; j--) {
			const struct strategy *t = l->strat[j];

			l->strat[j] = l->strat[j - 1];
			l->strat[j - 1] = t;
		}
	l->scaled = lo < INFINITY && hi > 0;
	if (l->scaled) {
		l->lo = floor(log10(lo));
		l->hi = ceil(log10(hi));
		if (l->hi <= l->lo)
			l->hi = l->lo + 1;
	}
	l->panels_top = 80 + (l->nsrc > 1 ? 18.0 * l->nsrc : 0);
	/* Panels: each kind in as few as hold it, balanced. */
	per_panel = SVG_PANEL_SERIES / l->nsrc;
	for (unsigned i = 0; i < l->nstrat;) {
		unsigned m = 0, parts, per;

		while (i + m < l->nstrat &&
		       l->strat[i + m]->kind == l->strat[i]->kind)
			m++;
		parts = (m + per_panel - 1) / per_panel;
		per = (m + parts - 1) / parts;
		for (unsigned part = 0; part < parts; part++) {
			struct svg_panel *pn = &l->panel[l->npanels];
			unsigned first = i + part * per;
			unsigned col = l->npanels % 2;

			pn->kind = l->strat[i]->kind;
			pn->part = part + 1;
			pn->parts = parts;
			pn->first = first;
			pn->count = first + per <= i + m ? per : i + m - first;
			pn->frame = (struct svg_box){
				.x = MARGIN + col * (PANEL_W + PANEL_GAP),
				.y = l->panels_top,
				.w = PANEL_W,
				.h = 0,
			};
			pn->plot = (struct svg_box){
				.x = pn->frame.x + PLOT_DX,
				.y = pn->frame.y + PLOT_DY,
				.w = PLOT_W,
				.h = PLOT_H,
			};
			if (l->scaled)
				layout_labels(l, pn);
			l->npanels++;
		}
		i += m;
	}
	/* Each row of two panels as tall as its longer table. */
	y = l->panels_top;
	for (unsigned i = 0; i < l->npanels; i += 2) {
		unsigned rows = l->panel[i].count * l->nsrc;
		double h;

		if (i + 1 < l->npanels &&
		    l->panel[i + 1].count * l->nsrc > rows)
			rows = l->panel[i + 1].count * l->nsrc;
		h = PLOT_DY + PLOT_H + TABLE_DY + (rows + 1) * ROW_H;
		for (unsigned j = i; j < i + 2 && j < l->npanels; j++) {
			struct svg_panel *pn = &l->panel[j];
			double shift = y - pn->frame.y;

			pn->frame.y = y;
			pn->frame.h = h;
			pn->plot.y += shift;
			for (unsigned k = 0; k < pn->nlabels; k++) {
				pn->labels[k].box.y += shift;
				pn->labels[k].anchor_y += shift;
			}
		}
		y += h + PANEL_GAP;
	}
	l->width = WIDTH;
	l->height = y + 18.0 * l->nsrc + 70;
	return 0;
}

/* ---- drawing ---------------------------------------------------------- */

static void tooltip(FILE *f, const struct svg_layout *l, unsigned k,
		    const struct bench_point *pt)
{
	char med[32], lo[32], hi[32];

	fmt_time(med, sizeof(med), pt->ns_med);
	fmt_time(lo, sizeof(lo), pt->ns_min);
	fmt_time(hi, sizeof(hi), pt->ns_max);
	fprintf(f, "<title>");
	svg_escape(f, pt->strategy->name);
	if (l->nsrc > 1 && l->src[k]->label) {
		fprintf(f, " (");
		svg_escape(f, l->src[k]->label);
		fprintf(f, ")");
	}
	fprintf(f, ", %u worker%s: median %s, min %s, max %s (%u runs)</title>",
		pt->procs, pt->procs == 1 ? "" : "s", med, lo, hi, pt->runs);
}

/* Source k's marker at (x, y): circle, square, triangle, diamond. */
static void marker(FILE *f, unsigned k, double x, double y, const char *fill)
{
	static const char style[] = "stroke=\"#fff\" stroke-width=\"0.8\"";

	switch (k) {
	case 0:
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.6\" "
			"fill=\"%s\" %s>",
			x, y, fill, style);
		return;
	case 1:
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" "
			"height=\"7\" fill=\"%s\" %s>",
			x - 3.5, y - 3.5, fill, style);
		return;
	case 2:
		fprintf(f,
			"<path d=\"M%.1f %.1fl4.2 7.4h-8.4z\" fill=\"%s\" %s>",
			x, y - 4.6, fill, style);
		return;
	default:
		fprintf(f,
			"<path d=\"M%.1f %.1fl4.4 4.4l-4.4 4.4l-4.4 -4.4z\" "
			"fill=\"%s\" %s>",
			x, y - 4.4, fill, style);
	}
}

static const char *marker_end(unsigned k)
{
	return k == 0 ? "</circle>\n" : k == 1 ? "</rect>\n" : "</path>\n";
}

/* A line sample with the marker: the legend's swatch. */
static void swatch(FILE *f, double x, double y, unsigned k, const char *c)
{
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\"/>\n",
		x, y, x + 26, y, c, dash[k]);
	marker(f, k, x + 13, y, c);
	fputs(marker_end(k), f);
}

static void y_axis(FILE *f, const struct svg_layout *l,
		   const struct svg_panel *pn)
{
	double left = pn->plot.x, right = left + pn->plot.w;
	char label[32];

	for (int k = 0; l->lo + k <= l->hi + 1e-9; k++) {
		double v = pow(10, l->lo + k), y = y_of(l, pn, v);

		fmt_time(label, sizeof(label), v);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#bbb\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			"font-size=\"11\">%s</text>\n",
			left, y, right, y, left - 5, y + 4, label);
		if (l->lo + k >= l->hi)
			break;
		for (int m = 2; m <= 9; m++) {
			y = y_of(l, pn, v * m);
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" stroke=\"#eee\"/>\n",
				left, y, right, y);
		}
	}
	fprintf(f,
		"<text transform=\"translate(%.1f %.1f) rotate(-90)\" "
		"text-anchor=\"middle\" font-size=\"11\">ns per increment "
		"(log)</text>\n",
		pn->frame.x + 14, pn->plot.y + pn->plot.h / 2);
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"none\" stroke=\"#444\"/>\n",
		left, pn->plot.y, pn->plot.w, pn->plot.h);
}

static void x_axis(FILE *f, const struct svg_layout *l,
		   const struct svg_panel *pn)
{
	double bot = pn->plot.y + pn->plot.h, last = -INFINITY;

	for (unsigned p = 0; p < l->nprocs; p++) {
		double x = x_of(l, pn, l->procs[p]);

		/* Keep the tick labels apart; the last one always shows. */
		if (x - last < 22 && p != l->nprocs - 1)
			continue;
		last = x;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#444\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"11\">%u</text>\n",
			x, bot, x, bot + 4, x, bot + 16, l->procs[p]);
	}
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		"font-size=\"11\">workers (%s%s)</text>\n",
		pn->plot.x + pn->plot.w / 2, bot + 32,
		l->src[0]->opts->mode == MODE_THREAD ? "threads" : "processes",
		l->nprocs > 1 && l->procs[l->nprocs - 1] > 8 * l->procs[0]
		    ? "; log scale"
		    : "");
}

static void series(FILE *f, const struct svg_layout *l,
		   const struct svg_panel *pn, unsigned j, unsigned k)
{
	const struct strategy *s = l->strat[pn->first + j];
	const struct svg_chart *c = l->src[k];
	const char *col = palette[j];
	double dx = dx_of(j * l->nsrc + k, pn->count * l->nsrc);
	bool open = false;

	fprintf(f, "<g class=\"series\" data-strategy=\"");
	svg_escape(f, s->name);
	fprintf(f, "\" data-source=\"%u\">\n", k);
	for (unsigned p = 0; p < l->nprocs; p++) {
		const struct bench_point *pt = find(c, s, l->procs[p]);

		if (!measured(pt)) {
			if (open)
				fprintf(f, "\"/>\n");
			open = false;
			continue;
		}
		if (!open)
			fprintf(f,
				"<polyline fill=\"none\" stroke=\"%s\" "
				"stroke-width=\"2\" stroke-dasharray=\"%s\" "
				"points=\"",
				col, dash[k]);
		fprintf(f, "%s%.1f,%.1f", open ? " " : "",
			x_of(l, pn, l->procs[p]) + dx, y_of(l, pn, pt->ns_med));
		open = true;
	}
	if (open)
		fprintf(f, "\"/>\n");
	for (unsigned p = 0; p < l->nprocs; p++) {
		const struct bench_point *pt = find(c, s, l->procs[p]);
		double x = x_of(l, pn, l->procs[p]) + dx;
		double y1, y2;

		if (!measured(pt))
			continue;
		y1 = y_of(l, pn, pt->ns_min);
		y2 = y_of(l, pn, pt->ns_max);
		fprintf(f,
			"<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh6M%.1f %.1fh6\" "
			"stroke=\"%s\" stroke-width=\"1.2\" fill=\"none\"/>\n",
			x, y1, y2, x - 3, y1, x - 3, y2, col);
		marker(f, k, x, y_of(l, pn, pt->ns_med), col);
		tooltip(f, l, k, pt);
		fputs(marker_end(k), f);
	}
	fprintf(f, "</g>\n");
}

static void labels(FILE *f, const struct svg_layout *l,
		   const struct svg_panel *pn)
{
	for (unsigned i = 0; i < pn->nlabels; i++) {
		const struct svg_label *lb = &pn->labels[i];
		unsigned j = lb->strat - pn->first;
		const struct bench_point *pt =
		    last_point(l->src[lb->src], l->strat[lb->strat]);
		double x = x_of(l, pn, pt->procs) +
			   dx_of(j * l->nsrc + lb->src, pn->count * l->nsrc);

		fprintf(f,
			"<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1f\" "
			"stroke=\"%s\" stroke-width=\"0.8\" fill=\"none\" "
			"stroke-opacity=\"0.6\"/>\n"
			"<text class=\"value\" x=\"%.1f\" y=\"%.1f\" "
			"font-size=\"11\" fill=\"%s\">%s</text>\n",
			x + 5, lb->anchor_y, pn->plot.x + pn->plot.w + 2,
			lb->anchor_y, lb->box.x - 1, lb->box.y + LABEL_H / 2.0,
			palette[j], lb->box.x + 1, lb->box.y + LABEL_H - 2,
			palette[j], lb->text);
	}
}

/* One median in the table: the figure, or why there is none. */
static void cell(FILE *f, double x, double y, const struct bench_point *pt)
{
	char v[32];

	if (measured(pt))
		fmt_time(v, sizeof(v), pt->ns_med);
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		"text-anchor=\"end\"%s>%s</text>\n",
		x, y, measured(pt) ? "" : " fill=\"#777\"",
		measured(pt) ? v
		: pt	     ? (pt->skipped ? "skipped" : "not run")
			     : "-");
}

/* The table under the plot: one row per series. */
static void table(FILE *f, const struct svg_layout *l,
		  const struct svg_panel *pn)
{
	unsigned lo = l->procs[0], hi = l->procs[l->nprocs - 1];
	double x = pn->frame.x, y = pn->plot.y + pn->plot.h + TABLE_DY;
	double c_lo = x + 250, c_hi = x + 340, c_share = x + 450;
	double c_p99 = l->fairness ? x + 552 : x + 450;
	static const char th[] = "font-size=\"11\" font-weight=\"bold\" "
				 "text-anchor=\"end\"";

	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		"font-weight=\"bold\">strategy: median</text>\n",
		x + 8, y);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>at %u</text>\n", c_lo, y, th,
		lo);
	if (hi != lo)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>at %u</text>\n",
			c_hi, y, th, hi);
	if (l->fairness)
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" %s>share at %u</text>\n",
			c_share, y, th, hi);
	if (l->latency)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>p99 at %u</text>\n",
			c_p99, y, th, hi);
	for (unsigned j = 0; j < pn->count; j++)
		for (unsigned k = 0; k < l->nsrc; k++) {
			const struct strategy *s = l->strat[pn->first + j];
			const struct svg_chart *c = l->src[k];
			const struct bench_point *a = find(c, s, lo);
			const struct bench_point *b = find(c, s, hi);
			const struct bench_point *e = last_point(c, s);
			char v[32];

			y += ROW_H;
			swatch(f, x + 8, y - 4, k, palette[j]);
			fprintf(f,
				"<text class=\"row\" x=\"%.1f\" y=\"%.1f\" "
				"font-size=\"11\">",
				x + 42, y);
			svg_escape(f, s->name);
			if (strategy_racy(s, c->opts->mode))
				fprintf(f, "*");
			fprintf(f, "</text>\n");
			if (e) {
				cell(f, c_lo, y, a);
				if (hi != lo)
					cell(f, c_hi, y, b);
			}
			if (!e) {
				fprintf(f,
					"<text x=\"%.1f\" y=\"%.1f\" "
					"font-size=\"11\" fill=\"#666\" "
					"text-anchor=\"end\">not measured"
					"</text>\n",
					c_lo, y);
				continue;
			}
			if (l->fairness && c->opts->duration_s > 0)
				fprintf(f,
					"<text x=\"%.1f\" y=\"%.1f\" "
					"font-size=\"11\" text-anchor=\"end\""
					"%s>%.1f-%.1f %%%s</text>\n",
					c_share, y,
					e->unfair ? " fill=\"#b00\"" : "",
					100 * e->share_min, 100 * e->share_max,
					e->unfair ? " UNFAIR" : "");
			if (l->latency && e->p99_known) {
				fmt_time(v, sizeof(v), e->p99_ns);
				fprintf(f,
					"<text x=\"%.1f\" y=\"%.1f\" "
					"font-size=\"11\" "
					"text-anchor=\"end\">%s</text>\n",
					c_p99, y, v);
			}
		}
}

static void panel(FILE *f, const struct svg_layout *l,
		  const struct svg_panel *pn)
{
	fprintf(f, "<g class=\"panel\" data-kind=\"%s\">\n",
		strategy_kind_name(pn->kind));
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"none\" stroke=\"#ddd\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" "
		"font-weight=\"bold\">%s",
		pn->frame.x, pn->frame.y, pn->frame.w, pn->frame.h,
		pn->frame.x + 8, pn->frame.y + 20,
		strategy_kind_name(pn->kind));
	if (pn->parts > 1)
		fprintf(f, " (%u of %u)", pn->part, pn->parts);
	fprintf(f, "</text>\n");
	y_axis(f, l, pn);
	x_axis(f, l, pn);
	for (unsigned j = 0; j < pn->count; j++)
		for (unsigned k = 0; k < l->nsrc; k++)
			series(f, l, pn, j, k);
	labels(f, l, pn);
	table(f, l, pn);
	fprintf(f, "</g>\n");
}

/* Where one source was measured, in words. */
static void machine_line(FILE *f, const struct bench_machine *m)
{
	svg_escape(f, m->cpu);
	fprintf(f, ", %u online CPU%s, ", m->cpus, m->cpus == 1 ? "" : "s");
	svg_escape(f, m->kernel);
	fprintf(f, ", ");
	svg_escape(f, m->date);
	if (m->load_avg >= 0)
		fprintf(f, "; load %.2f before", m->load_avg);
}

/* Comparison: which line style is which result. */
static void key(FILE *f, const struct svg_layout *l)
{
	if (l->nsrc < 2)
		return;
	for (unsigned k = 0; k < l->nsrc; k++) {
		double y = 84 + 18.0 * k;

		swatch(f, MARGIN, y - 4, k, "#444");
		fprintf(f,
			"<text class=\"source\" x=\"%d\" y=\"%.1f\" "
			"font-size=\"13\">",
			MARGIN + 34, y);
		svg_escape(f, l->src[k]->label ? l->src[k]->label : "?");
		fprintf(f, " (%s)</text>\n", marker_name[k]);
	}
}

/* The words under the chart: how it was measured, on what, by what. */
static void footer(FILE *f, const struct svg_layout *l)
{
	const struct bench_opts *o = l->src[0]->opts;
	double y = l->height - 18.0 * l->nsrc - 50;

	for (unsigned k = 0; k < l->nsrc; k++) {
		const struct bench_opts *ok = l->src[k]->opts;

		fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\">",
			MARGIN, y + 18.0 * k);
		if (l->nsrc > 1)
			fprintf(f, "%s: ", marker_name[k]);
		fprintf(f, l->nsrc > 1 ? "measured on " : "Measured on ");
		machine_line(f, l->src[k]->machine);
		/* Comparison: each result's own settings, briefly. */
		if (l->nsrc > 1 && ok->duration_s > 0)
			fprintf(f, "; %u runs of %.3g s, %s, pin %s",
				ok->repeat, ok->duration_s,
				ok->mode == MODE_THREAD ? "threads"
							: "processes",
				bench_pin_name(ok->pin));
		else if (l->nsrc > 1)
			fprintf(f, "; %u runs of about %.0f ms, %s, pin %s",
				ok->repeat, ok->target_s * 1e3,
				ok->mode == MODE_THREAD ? "threads"
							: "processes",
				bench_pin_name(ok->pin));
		fprintf(f, ".</text>\n");
	}
	y += 18.0 * l->nsrc;
	fprintf(f,
		"<text x=\"%d\" y=\"%.1f\" font-size=\"12\" fill=\"#333\">"
		"Marker: median of the runs; whisker: fastest to slowest run; "
		"value beside the plot: the median at the most workers. "
		"* loses updates on purpose.</text>\n",
		MARGIN, y);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" fill=\"#333\">",
		MARGIN, y + 16);
	if (l->nsrc > 1)
		fprintf(f, "Each result as its own sweep measured it. ");
	else if (o->duration_s > 0)
		fprintf(f,
			"%u run%s a point; fixed time: every worker adds for "
			"%.3g s a run. ",
			o->repeat, o->repeat == 1 ? "" : "s", o->duration_s);
	else
		fprintf(f,
			"%u run%s a point; iterations calibrated to about %.0f "
			"ms a run. ",
			o->repeat, o->repeat == 1 ? "" : "s",
			o->target_s * 1e3);
	fprintf(f, "Runs interleaved after one warm-up round; every count "
		   "verified.");
	if (l->nsrc == 1)
		fprintf(f, " Worker %s. CPU placement: %s.",
			o->mode == MODE_THREAD ? "threads" : "processes",
			o->pin == PIN_NONE ? "none, the scheduler decides"
					   : bench_pin_name(o->pin));
	fprintf(f, "</text>\n");
	fprintf(f,
		"<text x=\"%d\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" "
		"font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">",
		MARGIN, y + 34);
	svg_escape(f,
		   l->src[0]->command ? l->src[0]->command : "racelab bench");
	fprintf(f, "</text>\n");
}

void svg_chart_write(FILE *f, const struct svg_chart *c)
{
	struct svg_layout *l = malloc(sizeof(*l));

	if (!l || svg_layout(c, l)) {
		free(l);
		return;
	}
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"%s\">\n",
		l->width, l->height, l->width, l->height, FONT);
	fprintf(f, "<title>racelab bench: what one verified increment "
		   "costs under each strategy</title>\n");
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f,
		"<text x=\"%d\" y=\"34\" font-size=\"22\" "
		"font-weight=\"bold\">What one increment of a shared counter "
		"costs, by strategy%s</text>\n",
		MARGIN, l->nsrc > 1 ? ": a comparison" : "");
	fprintf(f,
		"<text x=\"%d\" y=\"58\" font-size=\"13\" fill=\"#333\">Wall "
		"time from the start gate to the last worker done, divided by "
		"all increments of all workers, as workers are added; one "
		"panel per kind of strategy.</text>\n",
		MARGIN);
	key(f, l);
	if (!l->scaled)
		fprintf(f,
			"<text x=\"%d\" y=\"%.1f\" font-size=\"16\">No point "
			"was measured.</text>\n",
			MARGIN, l->panels_top + 40);
	else
		for (unsigned i = 0; i < l->npanels; i++)
			panel(f, l, &l->panel[i]);
	footer(f, l);
	fprintf(f, "</svg>\n");
	free(l);
}

static void chart_write(FILE *f, const void *c)
{
	svg_chart_write(f, c);
}

int svg_chart_save(const char *path, const struct svg_chart *c)
{
	return svg_save(path, "bench", chart_write, c);
}

int svg_save(const char *path, const char *who,
	     void (*write)(FILE *f, const void *ctx), const void *ctx)
{
	struct safeout out;
	int err;

	/* Written beside path, renamed over it: never written through a
	 * symlink, never half a file, no temporary left (safefile.h). */
	err = safeout_open(&out, who, path);
	if (err)
		return err;
	write(out.f, ctx);
	return safeout_commit(&out, who);
}
