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

#include "core/util.h"

/* The canvas, in SVG user units (pixels at 100 %). */
#define WIDTH	   1200
#define PLOT_TOP   100 /* top of both plot areas */
#define PLOT_BOT   500 /* bottom (the x axis) */
#define P1_LEFT	   95  /* panel 1's plot area */
#define P1_RIGHT   575
#define P2_LEFT	   690 /* panel 2's */
#define P2_RIGHT   1170
#define LEGEND_TOP 640 /* first legend row */
#define LEGEND_COL 4   /* legend entries per row */
#define LEGEND_W   270 /* one legend entry's width */
#define LEGEND_ROW 22  /* one legend row's height */
#define FONT	   "DejaVu Sans, Helvetica, Arial, sans-serif"
#define LABEL_CHAR 6.2 /* width of one character at font-size 10, about */

/*
 * Sixteen colours that stay apart on a projector (Tableau 10, then six
 * darker ones); beyond sixteen strategies the colours repeat with dashes.
 */
static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939",
	"#8c6d31", "#843c39", "#7b4173", "#3182bd",
};
#define PALETTE (sizeof(palette) / sizeof(palette[0]))

/* The vertical scale: log10 of ns, from lo to hi (whole decades). */
struct scale {
	double lo, hi; /* decades: 10^lo ns at the bottom, 10^hi at the top */
};

static double y_of(const struct scale *s, double ns)
{
	double l = log10(ns > 0 ? ns : pow(10, s->lo));

	if (l < s->lo)
		l = s->lo;
	return PLOT_BOT - (l - s->lo) / (s->hi - s->lo) * (PLOT_BOT - PLOT_TOP);
}

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

static const struct bench_point *point(const struct svg_chart *c, unsigned s,
				       unsigned p)
{
	return &c->points[s * c->opts->nprocs + p];
}

static bool measured(const struct bench_point *pt)
{
	return pt->runs > 0;
}

static const char *colour(unsigned i)
{
	return palette[i % PALETTE];
}

/* Solid for the first sixteen; dashed when the colours come round again. */
static const char *dashes(const struct svg_chart *c, unsigned i)
{
	if (strategy_racy(c->list[i], c->opts->mode))
		return " stroke-dasharray=\"2 3\"";
	return i >= PALETTE ? " stroke-dasharray=\"7 4\"" : "";
}

/* Whole decades around every min and max measured. */
static bool scale_fit(const struct svg_chart *c, struct scale *s)
{
	double lo = INFINITY, hi = -INFINITY;

	for (unsigned i = 0; i < c->n * c->opts->nprocs; i++) {
		const struct bench_point *pt = &c->points[i];

		if (!measured(pt))
			continue;
		if (pt->ns_min > 0 && pt->ns_min < lo)
			lo = pt->ns_min;
		if (pt->ns_max > hi)
			hi = pt->ns_max;
	}
	if (!(lo < INFINITY) || !(hi > 0))
		return false;
	s->lo = floor(log10(lo));
	s->hi = ceil(log10(hi));
	if (s->hi <= s->lo)
		s->hi = s->lo + 1;
	return true;
}

/* Grid lines, tick labels and the y label, for one panel. */
static void y_axis(FILE *f, const struct scale *s, int left, int right)
{
	char label[32];

	/* s->lo and s->hi are whole decades: count them with an int. */
	for (int k = 0; s->lo + k <= s->hi + 1e-9; k++) {
		double v = pow(10, s->lo + k), y = y_of(s, v);

		fmt_time(label, sizeof(label), v);
		fprintf(f,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"#bbb\" stroke-width=\"1\"/>\n",
			left, y, right, y);
		fprintf(f,
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
			"font-size=\"12\">%s</text>\n",
			left - 6, y + 4, label);
		if (s->lo + k >= s->hi)
			break;
		for (int m = 2; m <= 9; m++) {
			y = y_of(s, v * m);
			fprintf(f,
				"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
				"y2=\"%.1f\" stroke=\"#eee\" "
				"stroke-width=\"1\"/>\n",
				left, y, right, y);
		}
	}
	fprintf(f,
		"<text transform=\"translate(%d %d) rotate(-90)\" "
		"text-anchor=\"middle\" font-size=\"13\">ns per increment "
		"(log scale; lower is cheaper)</text>\n",
		left - 62, (PLOT_TOP + PLOT_BOT) / 2);
	fprintf(f,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		"fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>\n",
		left, PLOT_TOP, right - left, PLOT_BOT - PLOT_TOP);
}

/* Panel 1's x position of the p-th worker count. */
static double x_of(const struct svg_chart *c, unsigned p)
{
	const unsigned *procs = c->opts->procs;
	unsigned np = c->opts->nprocs;
	double pad = 36, lo = procs[0], hi = procs[np - 1];

	if (np == 1 || hi <= lo)
		return (P1_LEFT + P1_RIGHT) / 2.0;
	return P1_LEFT + pad +
	       (procs[p] - lo) / (hi - lo) * (P1_RIGHT - P1_LEFT - 2 * pad);
}

/* A vertical min-max whisker with caps, and the tooltip text's numbers. */
static void whisker(FILE *f, double x, double y1, double y2, const char *stroke)
{
	fprintf(f,
		"<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f %.1fh8\" "
		"stroke=\"%s\" stroke-width=\"1.3\" fill=\"none\"/>\n",
		x, y1, y2, x - 4, y1, x - 4, y2, stroke);
}

static void tooltip(FILE *f, const struct bench_point *pt)
{
	char med[32], lo[32], hi[32];

	fmt_time(med, sizeof(med), pt->ns_med);
	fmt_time(lo, sizeof(lo), pt->ns_min);
	fmt_time(hi, sizeof(hi), pt->ns_max);
	fprintf(f, "<title>");
	svg_escape(f, pt->strategy->name);
	fprintf(f, ", %u worker%s: median %s, min %s, max %s (%u runs)</title>",
		pt->procs, pt->procs == 1 ? "" : "s", med, lo, hi, pt->runs);
}

static void panel_lines(FILE *f, const struct svg_chart *c,
			const struct scale *s)
{
	unsigned np = c->opts->nprocs;
	/* Side by side, so that whiskers at one x do not hide each other. */
	double step = c->n > 1 ? fmin(6.0, 48.0 / c->n) : 0;

	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"15\" "
		"font-weight=\"bold\">Cost of one increment as workers are "
		"added</text>\n",
		P1_LEFT, PLOT_TOP - 14);
	y_axis(f, s, P1_LEFT, P1_RIGHT);
	for (unsigned p = 0; p < np; p++) {
		double x = x_of(c, p);

		if (np > 16 && p % ((np + 15) / 16) && p != np - 1)
			continue; /* keep the labels apart */
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
			"stroke=\"#444\"/>\n"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
			"font-size=\"12\">%u</text>\n",
			x, PLOT_BOT, x, PLOT_BOT + 5, x, PLOT_BOT + 19,
			c->opts->procs[p]);
	}
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		"font-size=\"13\">workers (%s), all adding to one shared "
		"counter</text>\n",
		(P1_LEFT + P1_RIGHT) / 2, PLOT_BOT + 42,
		c->opts->mode == MODE_THREAD ? "threads" : "processes");
	for (unsigned i = 0; i < c->n; i++) {
		double dx = (i - (c->n - 1) / 2.0) * step;
		bool open = false;

		fprintf(f, "<g class=\"series\" data-strategy=\"");
		svg_escape(f, c->list[i]->name);
		fprintf(f, "\">\n");
		/* The line through the medians, broken where a point is
		 * missing (skipped, or the sweep stopped). */
		for (unsigned p = 0; p < np; p++) {
			const struct bench_point *pt = point(c, i, p);

			if (!measured(pt)) {
				if (open)
					fprintf(f, "\"/>\n");
				open = false;
				continue;
			}
			if (!open)
				fprintf(f,
					"<polyline fill=\"none\" stroke=\"%s\" "
					"stroke-width=\"2\"%s points=\"",
					colour(i), dashes(c, i));
			fprintf(f, "%s%.1f,%.1f", open ? " " : "",
				x_of(c, p) + dx, y_of(s, pt->ns_med));
			open = true;
		}
		if (open)
			fprintf(f, "\"/>\n");
		for (unsigned p = 0; p < np; p++) {
			const struct bench_point *pt = point(c, i, p);
			double x = x_of(c, p) + dx;

			if (!measured(pt))
				continue;
			whisker(f, x, y_of(s, pt->ns_min), y_of(s, pt->ns_max),
				colour(i));
			fprintf(f,
				"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.6\" "
				"fill=\"%s\" stroke=\"#fff\" "
				"stroke-width=\"0.8\">",
				x, y_of(s, pt->ns_med), colour(i));
			tooltip(f, pt);
			fprintf(f, "</circle>\n");
		}
		fprintf(f, "</g>\n");
	}
}

/* Panel 2's order: cheapest at the fewest workers first. */
static const struct svg_chart *sort_chart;

static double first_median(unsigned i)
{
	const struct bench_point *pt = point(sort_chart, i, 0);

	return measured(pt) ? pt->ns_med : INFINITY;
}

static int by_cost(const void *a, const void *b)
{
	double x = first_median(*(const unsigned *)a);
	double y = first_median(*(const unsigned *)b);

	if (x != y)
		return x < y ? -1 : 1;
	return (int)*(const unsigned *)a - (int)*(const unsigned *)b;
}

static void bar(FILE *f, const struct scale *s, const struct bench_point *pt,
		double x, double w, const char *fill, double opacity)
{
	double top = y_of(s, pt->ns_med), above;
	char value[32];

	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"%s\" "
		"stroke-width=\"1\">",
		x, top, w, PLOT_BOT - top, fill, opacity, fill);
	tooltip(f, pt);
	fprintf(f, "</rect>\n");
	whisker(f, x + w / 2, y_of(s, pt->ns_min), y_of(s, pt->ns_max), "#222");
	/*
	 * The median in figures, reading upwards from just above the
	 * whisker; where that would run out of the plot, down from the top
	 * of the bar, inside it, beside the whisker.
	 */
	fmt_time(value, sizeof(value), pt->ns_med);
	above = y_of(s, pt->ns_max) - 4;
	if (above - LABEL_CHAR * (double)strlen(value) >= PLOT_TOP)
		fprintf(f,
			"<text transform=\"translate(%.1f %.1f) rotate(-90)\" "
			"font-size=\"10\" fill=\"#222\">%s</text>\n",
			x + w / 2 + 3.5, above, value);
	else
		fprintf(f,
			"<text transform=\"translate(%.1f %.1f) rotate(-90)\" "
			"text-anchor=\"end\" font-size=\"10\" "
			"fill=\"%s\">%s</text>\n",
			x + w / 2 - 4, top + 4, opacity < 1 ? "#222" : "#fff",
			value);
}

static void panel_bars(FILE *f, const struct svg_chart *c,
		       const struct scale *s)
{
	unsigned np = c->opts->nprocs, last = np - 1;
	unsigned lo = c->opts->procs[0], hi = c->opts->procs[last];
	unsigned *order = calloc(c->n ? c->n : 1, sizeof(*order));
	double gw = (double)(P2_RIGHT - P2_LEFT) / c->n;
	double bw = fmin(22.0, gw * (np > 1 ? 0.36 : 0.6));

	if (!order)
		return;
	for (unsigned i = 0; i < c->n; i++)
		order[i] = i;
	sort_chart = c;
	qsort(order, c->n, sizeof(*order), by_cost);
	if (np > 1)
		fprintf(f,
			"<text x=\"%d\" y=\"%d\" font-size=\"15\" "
			"font-weight=\"bold\">%u worker%s against %u: who "
			"pays for contention</text>\n",
			P2_LEFT, PLOT_TOP - 14, lo, lo == 1 ? "" : "s", hi);
	else
		fprintf(f,
			"<text x=\"%d\" y=\"%d\" font-size=\"15\" "
			"font-weight=\"bold\">Every strategy at %u worker%s"
			"</text>\n",
			P2_LEFT, PLOT_TOP - 14, lo, lo == 1 ? "" : "s");
	y_axis(f, s, P2_LEFT, P2_RIGHT);
	for (unsigned k = 0; k < c->n; k++) {
		unsigned i = order[k];
		double cx = P2_LEFT + gw * (k + 0.5);
		const struct bench_point *a = point(c, i, 0);
		const struct bench_point *b = point(c, i, last);

		fprintf(f, "<g class=\"bars\" data-strategy=\"");
		svg_escape(f, c->list[i]->name);
		fprintf(f, "\">\n");
		if (np > 1) {
			if (measured(a))
				bar(f, s, a, cx - bw - 1, bw, colour(i), 0.35);
			if (measured(b))
				bar(f, s, b, cx + 1, bw, colour(i), 1);
		} else if (measured(a)) {
			bar(f, s, a, cx - bw / 2, bw, colour(i), 1);
		}
		if (!measured(a) && !measured(b))
			fprintf(f,
				"<text x=\"%.1f\" y=\"%d\" "
				"text-anchor=\"middle\" font-size=\"10\" "
				"fill=\"#666\">n/a</text>\n",
				cx, PLOT_BOT - 6);
		fprintf(f,
			"<text transform=\"translate(%.1f %d) rotate(-40)\" "
			"text-anchor=\"end\" font-size=\"12\">",
			cx + 4, PLOT_BOT + 16);
		svg_escape(f, c->list[i]->name);
		fprintf(f, "</text>\n</g>\n");
	}
	if (np > 1) {
		/* The key for the two shades. */
		int x = P2_LEFT + 10, y = PLOT_TOP + 10;

		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"176\" height=\"44\" "
			"fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#999\"/>\n"
			"<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
			"fill=\"#555\" fill-opacity=\"0.35\" stroke=\"#555\"/>"
			"\n<text x=\"%d\" y=\"%d\" font-size=\"12\">light: %u "
			"worker%s</text>\n"
			"<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
			"fill=\"#555\" stroke=\"#555\"/>\n"
			"<text x=\"%d\" y=\"%d\" font-size=\"12\">dark: %u "
			"workers</text>\n",
			x, y, x + 8, y + 8, x + 26, y + 18, lo,
			lo == 1 ? "" : "s", x + 8, y + 25, x + 26, y + 35, hi);
	}
	free(order);
}

static void legend(FILE *f, const struct svg_chart *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		int x = P1_LEFT + (int)(i % LEGEND_COL) * LEGEND_W;
		int y = LEGEND_TOP + (int)(i / LEGEND_COL) * LEGEND_ROW;
		bool racy = strategy_racy(c->list[i], c->opts->mode);

		fprintf(f,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"stroke=\"%s\" stroke-width=\"2.5\"%s/>\n"
			"<circle cx=\"%d\" cy=\"%d\" r=\"3.6\" fill=\"%s\"/>\n"
			"<text x=\"%d\" y=\"%d\" font-size=\"13\">",
			x, y, x + 28, y, colour(i), dashes(c, i), x + 14, y,
			colour(i), x + 36, y + 4);
		svg_escape(f, c->list[i]->name);
		if (racy)
			fprintf(f, " (loses updates)");
		fprintf(f, "</text>\n");
	}
}

/* The words under the chart: how it was measured, on what, by what. */
static void footer(FILE *f, const struct svg_chart *c, int y)
{
	const struct bench_opts *o = c->opts;
	const struct bench_machine *m = c->machine;

	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\">Measured on ",
		P1_LEFT, y);
	svg_escape(f, m->cpu);
	fprintf(f, ", %u online CPU%s, ", m->cpus, m->cpus == 1 ? "" : "s");
	svg_escape(f, m->kernel);
	fprintf(f, ", %s", m->date);
	if (m->load_avg >= 0)
		fprintf(f, "; load average %.2f before the sweep", m->load_avg);
	fprintf(f, ".</text>\n");
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#333\">"
		"Dot: median of %u run%s; whisker: fastest to slowest run. "
		"Runs interleaved across strategies after one warm-up round; "
		"every count verified.</text>\n",
		P1_LEFT, y + 18, o->repeat, o->repeat == 1 ? "" : "s");
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#333\">",
		P1_LEFT, y + 34);
	if (o->duration_s > 0)
		fprintf(f, "Fixed time: every worker adds for %.3g s a run. ",
			o->duration_s);
	else
		fprintf(f, "Iterations calibrated to about %.0f ms a run. ",
			o->target_s * 1e3);
	fprintf(f, "Worker %s. CPU placement: %s.</text>\n",
		o->mode == MODE_THREAD ? "threads" : "processes",
		o->pin == PIN_NONE ? "none, the scheduler decides"
				   : bench_pin_name(o->pin));
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#333\" "
		"font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">",
		P1_LEFT, y + 52);
	svg_escape(f, c->command ? c->command : "racelab bench");
	fprintf(f, "</text>\n");
}

void svg_chart_write(FILE *f, const struct svg_chart *c)
{
	unsigned rows = (c->n + LEGEND_COL - 1) / LEGEND_COL;
	int foot = LEGEND_TOP + (int)rows * LEGEND_ROW + 16;
	int height = foot + 66;
	struct scale s;

	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"%s\">\n",
		WIDTH, height, WIDTH, height, FONT);
	fprintf(f, "<title>racelab bench: what one verified increment "
		   "costs under each strategy</title>\n");
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f,
		"<text x=\"%d\" y=\"38\" font-size=\"22\" "
		"font-weight=\"bold\">What one increment of a shared counter "
		"costs, by strategy</text>\n",
		P1_LEFT);
	fprintf(f,
		"<text x=\"%d\" y=\"62\" font-size=\"13\" fill=\"#333\">Wall "
		"time from the start gate to the last worker done, divided by "
		"all increments of all workers. Every run's final count was "
		"checked.</text>\n",
		P1_LEFT);
	if (!scale_fit(c, &s)) {
		fprintf(f,
			"<text x=\"%d\" y=\"%d\" font-size=\"16\">No point "
			"was measured.</text>\n",
			P1_LEFT, (PLOT_TOP + PLOT_BOT) / 2);
	} else {
		panel_lines(f, c, &s);
		panel_bars(f, c, &s);
	}
	legend(f, c);
	footer(f, c, foot);
	fprintf(f, "</svg>\n");
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
	size_t len = strlen(path) + 16;
	char *tmp = malloc(len);
	FILE *f;
	mode_t mask;
	int fd, err = 0;

	if (!tmp)
		return report_errno(who, "malloc", ENOMEM);
	snprintf(tmp, len, "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = report_errno(path, "mkstemp", errno);
		free(tmp);
		return err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = report_errno(path, "fdopen", errno);
		(void)close(fd);
		goto err_unlink;
	}
	write(f, ctx);
	if (fflush(f) == EOF || ferror(f))
		err = report_errno(path, "write", errno ? errno : EIO);
	/* mkstemp makes it 0600; give it what any new file would get. */
	mask = umask(0);
	(void)umask(mask);
	if (!err && fchmod(fd, 0666 & ~mask) == -1)
		err = report_errno(path, "fchmod", errno);
	if (fclose(f) == EOF && !err)
		err = report_errno(path, "close", errno);
	if (!err && rename(tmp, path) == -1)
		err = report_errno(path, "rename", errno);
	if (!err) {
		free(tmp);
		return 0;
	}
err_unlink:
	(void)unlink(tmp);
	free(tmp);
	return err;
}
