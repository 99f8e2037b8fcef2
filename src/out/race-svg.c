/*
 * race-svg.c - see race-svg.h. Plain fprintf of SVG 1.1, self-contained
 * (no script, font or image fetched), sized for a projector: 1280 wide,
 * text at 15 to 30 px.
 */
#include "out/race-svg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "out/svg.h"

#define WIDTH	    1280
#define LEFT	    150	    /* the lanes' time axis, from here ... */
#define RIGHT	    1250    /* ... to here */
#define LANE_TOP    112	    /* the first lane's top */
#define LANE_H	    104	    /* one lane */
#define BAR_H	    36	    /* one increment's bar */
#define MAX_LANES   8	    /* workers drawn at most */
#define MAX_VICTIMS 1000000 /* victims looked up for one store, at most */
#define MAX_BADGES  40	    /* numbered badges; beyond, colour only */
#define LIST_LINES  3	    /* collisions told in words below the lanes */
#define CHAR_W	    8.6	    /* width of a character at 15 px, about */
#define FONT	    "DejaVu Sans, Helvetica, Arial, sans-serif"
#define RED	    "#d62728"
#define GREEN	    "#2ca02c"

/* What the picture shows: a time window, some events, some lanes. */
struct view {
	uint64_t t0, t1;		/* the time window, in stamps */
	const struct trace_event **ev;	/* the events in it, store order */
	bool *victim;			/* ev[i] was wiped out */
	uint64_t m;			/* how many */
	unsigned worker[MAX_LANES];	/* the lanes, by worker id */
	unsigned lanes;			/* how many */
	uint64_t collisions, givebacks; /* stores of each kind shown */
	uint64_t hidden_workers;	/* workers with events, not drawn */
};

/* NOLINTBEGIN(bugprone-sizeof-expression): arrays of event pointers. */

static uint64_t min_u(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static bool destructive(const struct trace_event *e)
{
	return e->overwritten > e->read;
}

/* Widen [*t0, *t1] to hold e. */
static void hold(uint64_t *t0, uint64_t *t1, const struct trace_event *e)
{
	*t0 = min_u(*t0, min_u(e->t_read, e->t_write));
	*t1 = max_u(*t1, max_u(e->t_read, e->t_write));
}

/*
 * The window: the first `show` collisions with everything they wiped out
 * (all of the trace when show is 0), or, with no collision, the first dozen
 * increments.
 */
static void choose_window(const struct race_svg *r, struct view *v)
{
	const struct trace_set *t = r->trace;
	uint64_t t0 = UINT64_MAX, t1 = 0, k = 0, pad;

	for (uint64_t i = 0; i < t->n && r->show; i++) {
		const struct trace_event *x = t->by_write[i];

		if (!destructive(x))
			continue;
		hold(&t0, &t1, x);
		for (uint64_t val = x->read + 1;
		     val <= min_u(x->overwritten, x->read + MAX_VICTIMS);
		     val++) {
			const struct trace_event *y =
			    trace_writer_of(t, val, x);

			if (y)
				hold(&t0, &t1, y);
		}
		if (++k == r->show)
			break;
	}
	if (k == 0) {
		uint64_t m = r->show ? min_u(t->n, 12) : t->n;

		for (uint64_t i = 0; i < m; i++)
			hold(&t0, &t1, t->by_write[i]);
	}
	if (t0 > t1)
		t0 = t1 = 0;
	pad = (t1 - t0) / 20 + 1;
	v->t0 = t0 > pad ? t0 - pad : 0;
	v->t1 = t1 + pad;
}

static bool in_window(const struct view *v, const struct trace_event *e)
{
	return max_u(e->t_read, e->t_write) >= v->t0 &&
	       min_u(e->t_read, e->t_write) <= v->t1;
}

/* The lane of worker w, or -1 when it is not drawn. */
static int lane_of(const struct view *v, unsigned w)
{
	for (unsigned i = 0; i < v->lanes; i++)
		if (v->worker[i] == w)
			return (int)i;
	return -1;
}

static void add_lane(struct view *v, unsigned w)
{
	if (lane_of(v, w) >= 0 || v->lanes == MAX_LANES)
		return;
	v->worker[v->lanes++] = w;
}

static int by_id(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* Position of ev[i] among the window's events, or -1. */
static int64_t find(const struct view *v, const struct trace_event *e)
{
	uint64_t lo = 0, hi = v->m;

	while (lo < hi) { /* the first with t_write >= e's */
		uint64_t mid = lo + (hi - lo) / 2;

		if (v->ev[mid]->t_write < e->t_write)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < v->m && v->ev[lo]->t_write == e->t_write; lo++)
		if (v->ev[lo] == e)
			return (int64_t)lo;
	return -1;
}

/* Collect the window's events, victims and lanes. Returns 0 or -ENOMEM. */
static int build_view(const struct race_svg *r, struct view *v)
{
	const struct trace_set *t = r->trace;
	bool seen[PROCS_MAX] = { false };
	uint64_t k = 0;

	*v = (struct view){ 0 };
	choose_window(r, v);
	v->ev = malloc((t->n ? t->n : 1) * sizeof(*v->ev));
	v->victim = calloc(t->n ? t->n : 1, sizeof(*v->victim));
	if (!v->ev || !v->victim) {
		free(v->ev);
		free(v->victim);
		return report_errno("trace", "malloc", ENOMEM);
	}
	for (uint64_t i = 0; i < t->n; i++)
		if (in_window(v, t->by_write[i]))
			v->ev[v->m++] = t->by_write[i];
	/* Lanes: the workers of collisions first, then the others. */
	for (uint64_t i = 0; i < v->m; i++) {
		const struct trace_event *x = v->ev[i];

		if (!destructive(x))
			continue;
		add_lane(v, x->worker);
		for (uint64_t val = x->read + 1;
		     val <= min_u(x->overwritten, x->read + MAX_VICTIMS);
		     val++) {
			const struct trace_event *y =
			    trace_writer_of(t, val, x);
			int64_t at = y ? find(v, y) : -1;

			if (at >= 0) {
				v->victim[at] = true;
				add_lane(v, y->worker);
			}
		}
	}
	for (uint64_t i = 0; i < v->m; i++) {
		add_lane(v, v->ev[i]->worker);
		if (!seen[v->ev[i]->worker]) {
			seen[v->ev[i]->worker] = true;
			k++;
		}
	}
	v->hidden_workers = k - v->lanes;
	qsort(v->worker, v->lanes, sizeof(v->worker[0]), by_id);
	for (uint64_t i = 0; i < v->m; i++) {
		if (lane_of(v, v->ev[i]->worker) < 0)
			continue;
		if (destructive(v->ev[i]))
			v->collisions++;
		else if (v->ev[i]->overwritten < v->ev[i]->read)
			v->givebacks++;
	}
	return 0;
}

static double x_of(const struct view *v, uint64_t t)
{
	if (t < v->t0)
		t = v->t0;
	if (t > v->t1)
		t = v->t1;
	return LEFT +
	       (double)(t - v->t0) / (double)(v->t1 - v->t0) * (RIGHT - LEFT);
}

static double y_of(int lane)
{
	return LANE_TOP + lane * LANE_H + LANE_H / 2.0;
}

static const char *num(uint64_t n, char *buf, unsigned len)
{
	return group_digits(n, buf, len);
}

static const char *signed_num(int64_t n, char *buf, unsigned len)
{
	if (n >= 0)
		return num((uint64_t)n, buf, len);
	buf[0] = '-';
	group_digits((uint64_t)0 - (uint64_t)n, buf + 1, len - 1);
	return buf;
}

/* One collision in words: what x read, who stored over it, what it cost. */
static void sentence(char *buf, size_t len, const struct trace_set *t,
		     const struct trace_event *x)
{
	const struct trace_event *y = trace_writer_of(t, x->overwritten, x);
	uint64_t wiped = x->overwritten - x->read;
	char a[32], b[32], c[32], d[32], e[32];

	if (y && wiped == 1 && y->read == x->read)
		snprintf(buf, len,
			 "w%u and w%u both read %s; w%u stored %s, then w%u "
			 "stored %s over it: 1 increment lost.",
			 x->worker, y->worker, num(x->read, a, sizeof(a)),
			 y->worker, num(x->read + 1, b, sizeof(b)), x->worker,
			 num(x->read + 1, c, sizeof(c)));
	else if (wiped == 1)
		snprintf(buf, len,
			 "w%u read %s; another worker stored %s; w%u stored "
			 "%s over it: 1 increment lost.",
			 x->worker, num(x->read, a, sizeof(a)),
			 num(x->read + 1, b, sizeof(b)), x->worker,
			 num(x->read + 1, c, sizeof(c)));
	else
		snprintf(buf, len,
			 "w%u read %s; others stored %s to %s; w%u stored %s "
			 "over them: %s increments lost.",
			 x->worker, num(x->read, a, sizeof(a)),
			 num(x->read + 1, b, sizeof(b)),
			 num(x->overwritten, c, sizeof(c)), x->worker,
			 num(x->read + 1, d, sizeof(d)),
			 num(wiped, e, sizeof(e)));
}

/*
 * A line of text at (x, y) that must fit in width: squeezed (textLength)
 * when its estimated width is more.
 */
static void text_line(FILE *f, int x, int y, int size, int width,
		      const char *attrs, const char *words)
{
	double est = 0.56 * size * (double)strlen(words);

	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"%s", x, y, size,
		attrs);
	if (est > width)
		fprintf(f,
			" textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"",
			width);
	fputc('>', f);
	svg_escape(f, words);
	fprintf(f, "</text>\n");
}

static void header(FILE *f, const struct race_svg *r, const struct view *v)
{
	const struct trace_set *t = r->trace;
	char a[32], b[32];

	fprintf(f, "<text x=\"24\" y=\"44\" font-size=\"30\" "
		   "font-weight=\"bold\">");
	svg_escape(f, t->strategy);
	if (r->sum->destructive)
		fprintf(f, ": how %s of %s increments were lost",
			num((uint64_t)(r->sum->accounted > 0 ? r->sum->accounted
							     : 0),
			    a, sizeof(a)),
			num(t->n, b, (unsigned)sizeof(b)));
	else
		fprintf(f, ": %s increments, none lost",
			num(t->n, a, (unsigned)sizeof(a)));
	fprintf(f, " (%u worker%s)</text>\n", t->procs,
		t->procs == 1 ? "" : "s");
	for (uint64_t i = 0; i < v->m; i++) {
		if (destructive(v->ev[i]) &&
		    lane_of(v, v->ev[i]->worker) >= 0) {
			char words[256];

			snprintf(words, sizeof(words), "First collision: ");
			sentence(words + strlen(words),
				 sizeof(words) - strlen(words), t, v->ev[i]);
			text_line(f, 24, 82, 21, WIDTH - 48, " fill=\"#222\"",
				  words);
			return;
		}
	}
	text_line(f, 24, 82, 21, WIDTH - 48, " fill=\"#222\"",
		  "No store overwrote another worker's increment here: every "
		  "update counted.");
}

/* Grey lanes, a label each, and the time axis under them. */
static void lanes_and_axis(FILE *f, const struct view *v, int axis_y)
{
	uint64_t span = v->t1 - v->t0, step = 1;
	char a[32];

	for (unsigned i = 0; i < v->lanes; i++) {
		int top = LANE_TOP + (int)i * LANE_H;

		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"fill=\"%s\"/>\n",
			LEFT - 6, top + 4, RIGHT - LEFT + 12, LANE_H - 8,
			i % 2 ? "#f4f4f4" : "#ebeef3");
		fprintf(f,
			"<text x=\"%d\" y=\"%.0f\" font-size=\"22\" "
			"font-weight=\"bold\" text-anchor=\"end\">worker "
			"%u</text>\n",
			LEFT - 16, y_of((int)i) + 8, v->worker[i]);
	}
	for (uint64_t base = 1; step < span / 6; base *= 10) /* 1, 2, 5, 10 */
		step = base >= span / 6	      ? base
		       : 2 * base >= span / 6 ? 2 * base
		       : 5 * base >= span / 6 ? 5 * base
					      : 10 * base;
	fprintf(f,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#444\" stroke-width=\"1.5\"/>\n",
		LEFT, axis_y, RIGHT, axis_y);
	for (uint64_t s = 0; s <= span; s += step) {
		double x = x_of(v, v->t0 + s);

		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
			"stroke=\"#444\"/>\n",
			x, axis_y, x, axis_y + 7);
		fprintf(f,
			"<text x=\"%.1f\" y=\"%d\" font-size=\"15\" "
			"text-anchor=\"middle\" fill=\"#333\">%s</text>\n",
			x, axis_y + 25, num(s, a, (unsigned)sizeof(a)));
	}
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"16\" fill=\"#333\" "
		"text-anchor=\"end\">time since the window's start, in CPU "
		"time-stamp counter ticks &#8594;</text>\n",
		RIGHT, axis_y + 48);
}

/*
 * What the store x wiped out: a red bracket over those increments in each
 * lane, and an arrow to it from x's store.
 */
static void victim_lines(FILE *f, const struct race_svg *r,
			 const struct view *v, const struct trace_event *x)
{
	double lo[MAX_LANES], hi[MAX_LANES];
	int lx = lane_of(v, x->worker);

	for (unsigned l = 0; l < v->lanes; l++)
		lo[l] = hi[l] = -1;
	for (uint64_t val = x->read + 1;
	     val <= min_u(x->overwritten, x->read + MAX_VICTIMS); val++) {
		const struct trace_event *y = trace_writer_of(r->trace, val, x);
		int ly = y ? lane_of(v, y->worker) : -1;
		double a, b;

		if (ly < 0 || find(v, y) < 0)
			continue;
		a = x_of(v, min_u(y->t_read, y->t_write));
		b = x_of(v, max_u(y->t_read, y->t_write));
		if (lo[ly] < 0 || a < lo[ly])
			lo[ly] = a;
		if (hi[ly] < 0 || b > hi[ly])
			hi[ly] = b;
	}
	for (unsigned l = 0; l < v->lanes; l++) {
		/* The bracket on the side of the victims facing x's lane. */
		double up = (int)l > lx ? -1 : 1;
		double yb = y_of((int)l) + up * (BAR_H / 2.0 + 7);
		double sy = y_of(lx) - up * (BAR_H / 2.0);

		if (lo[l] < 0)
			continue;
		if (hi[l] - lo[l] < 6)
			lo[l] -= 3, hi[l] += 3;
		fprintf(f,
			"<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f "
			"L%.1f,%.1f\" fill=\"none\" stroke=\"" RED "\" "
			"stroke-width=\"3\"/>\n",
			lo[l], yb - up * 6, lo[l], yb, hi[l], yb, hi[l],
			yb - up * 6);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"" RED "\" stroke-width=\"2.5\" "
			"marker-end=\"url(#wipe)\"/>\n",
			x_of(v, x->t_write), (int)l == lx ? y_of(lx) : sy,
			(lo[l] + hi[l]) / 2, yb + up * 2);
	}
}

/* One increment's bar, coloured by what its store did. */
static void bar(FILE *f, const struct view *v, uint64_t i, uint64_t *badge)
{
	const struct trace_event *e = v->ev[i];
	int lane = lane_of(v, e->worker);
	double x0 = x_of(v, min_u(e->t_read, e->t_write));
	double x1 = x_of(v, max_u(e->t_read, e->t_write));
	double y = y_of(lane) - BAR_H / 2.0, w = x1 - x0 < 3 ? 3 : x1 - x0;
	const char *fill = "#c6dbef", *stroke = "#2b6cb0", *ink = "#0b2545";
	const char *extra = "";
	char label[64];

	if (destructive(e)) {
		fill = RED;
		stroke = "#7f0000";
		ink = "#fff";
		fprintf(f,
			"<g class=\"collision\" data-lost=\"%llu\" "
			"data-worker=\"%u\" data-read=\"%llu\" "
			"data-overwritten=\"%llu\">\n",
			(unsigned long long)(e->overwritten - e->read),
			e->worker, (unsigned long long)e->read,
			(unsigned long long)e->overwritten);
	} else if (e->overwritten < e->read) {
		fill = GREEN;
		stroke = "#145a32";
		ink = "#fff";
		fprintf(f,
			"<g class=\"giveback\" data-back=\"%llu\" "
			"data-worker=\"%u\" data-read=\"%llu\" "
			"data-overwritten=\"%llu\">\n",
			(unsigned long long)(e->read - e->overwritten),
			e->worker, (unsigned long long)e->read,
			(unsigned long long)e->overwritten);
	} else {
		fprintf(f, "<g class=\"increment\">\n");
	}
	if (v->victim[i] && !destructive(e)) {
		fill = "#fff";
		stroke = RED;
		ink = "#a00";
		extra = " stroke-dasharray=\"6 4\"";
	}
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
		"rx=\"5\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"%s>"
		"<title>w%u, increment %llu: read %llu, wrote %llu over "
		"%llu</title></rect>\n",
		x0, y, w, BAR_H, fill, stroke, extra, e->worker,
		(unsigned long long)e->index, (unsigned long long)e->read,
		(unsigned long long)e->read + 1,
		(unsigned long long)e->overwritten);
	snprintf(label, sizeof(label), "%llu\xe2\x86\x92%llu",
		 (unsigned long long)e->read, (unsigned long long)e->read + 1);
	if (w >= (double)(strlen(label) - 2) * CHAR_W + 8)
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"15\" "
			"font-weight=\"bold\" text-anchor=\"middle\" "
			"fill=\"%s\"%s>%s</text>\n",
			x0 + w / 2, y + BAR_H / 2.0 + 5.5, ink,
			v->victim[i] && !destructive(e)
			    ? " text-decoration=\"line-through\""
			    : "",
			label);
	if (destructive(e) && *badge < MAX_BADGES) {
		++*badge;
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"14\" fill=\"" RED
			"\" stroke=\"#fff\" stroke-width=\"2\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"17\" "
			"font-weight=\"bold\" text-anchor=\"middle\" "
			"fill=\"#fff\">%llu</text>\n",
			x0 + w, y - 14, x0 + w, y - 8,
			(unsigned long long)*badge);
	}
	fprintf(f, "</g>\n");
}

/* The first collisions in words, numbered as their badges. Returns y. */
static int story(FILE *f, const struct race_svg *r, const struct view *v, int y)
{
	uint64_t k = 0;
	char a[32], words[256];

	for (uint64_t i = 0; i < v->m && k < LIST_LINES; i++) {
		if (!destructive(v->ev[i]) || lane_of(v, v->ev[i]->worker) < 0)
			continue;
		k++;
		fprintf(f,
			"<circle cx=\"38\" cy=\"%d\" r=\"12\" fill=\"" RED
			"\"/><text x=\"38\" y=\"%d\" font-size=\"15\" "
			"font-weight=\"bold\" text-anchor=\"middle\" "
			"fill=\"#fff\">%llu</text>\n",
			y - 6, y - 1, (unsigned long long)k);
		sentence(words, sizeof(words), r->trace, v->ev[i]);
		text_line(f, 60, y, 19, WIDTH - 84, "", words);
		y += 28;
	}
	if (v->collisions > k) {
		fprintf(f,
			"<text x=\"60\" y=\"%d\" font-size=\"17\" "
			"fill=\"#333\">... and %s more collision%s in this "
			"picture.</text>\n",
			y, num(v->collisions - k, a, (unsigned)sizeof(a)),
			v->collisions - k == 1 ? "" : "s");
		y += 26;
	}
	return y;
}

static void legend_item(FILE *f, int x, int y, const char *fill,
			const char *stroke, const char *extra, const char *text)
{
	fprintf(f,
		"<rect x=\"%d\" y=\"%d\" width=\"54\" height=\"22\" rx=\"4\" "
		"fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"%s/>\n"
		"<text x=\"%d\" y=\"%d\" font-size=\"17\">%s</text>\n",
		x, y - 16, fill, stroke, extra, x + 64, y, text);
}

static void legend(FILE *f, int y)
{
	legend_item(f, 24, y, "#c6dbef", "#2b6cb0", "",
		    "one increment: its load (left end) to its store (right "
		    "end), read&#8594;wrote");
	legend_item(f, 700, y, RED, "#7f0000", "",
		    "a store over other workers' increments");
	legend_item(
	    f, 24, y + 30, "#fff", RED, " stroke-dasharray=\"6 4\"",
	    "an increment wiped out (lost), bracketed, arrow from the store");
	legend_item(f, 700, y + 30, GREEN, "#145a32", "",
		    "a store that found the counter lower (gave some back)");
}

static void footer(FILE *f, const struct race_svg *r, const struct view *v,
		   int y)
{
	const struct trace_summary *s = r->sum;
	char a[32], b[32], c[32];

	fprintf(f, "<text x=\"24\" y=\"%d\" font-size=\"17\">", y);
	if (s->destructive == 0)
		fprintf(f, "%s: no store of the trace lost an update",
			r->show ? "The trace's first increments"
				: "The whole trace");
	else if (r->show == 0)
		fprintf(f, "The whole trace: all %s stores that lost updates",
			num(s->destructive, a, (unsigned)sizeof(a)));
	else
		fprintf(f,
			"Zoomed on the first collisions: %s of the %s stores "
			"that lost updates (%s more in the trace)",
			num(v->collisions, a, (unsigned)sizeof(a)),
			num(s->destructive, b, (unsigned)sizeof(b)),
			num(s->destructive - v->collisions, c,
			    (unsigned)sizeof(c)));
	if (s->restoring)
		fprintf(f, "; %s stores gave some back",
			num(s->restoring, a, (unsigned)sizeof(a)));
	if (v->hidden_workers)
		fprintf(f, "; %s more workers not drawn",
			num(v->hidden_workers, a, (unsigned)sizeof(a)));
	fprintf(f, ".</text>\n");
	fprintf(f, "<text x=\"24\" y=\"%d\" font-size=\"17\">", y + 24);
	fprintf(
	    f,
	    "The trace accounts for every loss: over all %s stores, the sum "
	    "of (overwritten &#8722; read) is %s",
	    num(r->trace->n, a, (unsigned)sizeof(a)),
	    signed_num(s->accounted, b, (unsigned)sizeof(b)));
	if (r->lost_known)
		fprintf(f, ", and expected &#8722; final is %s%s",
			signed_num(r->lost, c, (unsigned)sizeof(c)),
			r->lost == s->accounted ? ": they agree"
						: ": THEY DISAGREE");
	fprintf(f, ".</text>\n");
	fprintf(f,
		"<text x=\"24\" y=\"%d\" font-size=\"14\" fill=\"#444\" "
		"font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">",
		y + 46);
	svg_escape(f, r->command ? r->command : "racelab trace");
	fprintf(f, "</text>\n");
}

void race_svg_write(FILE *f, const struct race_svg *r)
{
	struct view v;
	uint64_t badge = 0;
	int axis_y, y, height;

	if (build_view(r, &v)) {
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
		return;
	}
	axis_y = LANE_TOP + (int)v.lanes * LANE_H + 6;
	y = axis_y + 84;
	height = y + 158 +
		 (v.collisions < LIST_LINES ? (int)v.collisions * 28
					    : LIST_LINES * 28 + 26);
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"%s\">\n",
		WIDTH, height, WIDTH, height, FONT);
	fprintf(f, "<title>racelab trace: ");
	svg_escape(f, r->trace->strategy);
	fprintf(f, ", which stores overwrote which increments</title>\n");
	fprintf(f, "<defs><marker id=\"wipe\" viewBox=\"0 0 10 10\" refX=\"9\" "
		   "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
		   "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" RED
		   "\"/></marker></defs>\n");
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	header(f, r, &v);
	lanes_and_axis(f, &v, axis_y);
	for (uint64_t i = 0; i < v.m; i++)
		if (destructive(v.ev[i]) && lane_of(&v, v.ev[i]->worker) >= 0)
			victim_lines(f, r, &v, v.ev[i]);
	for (uint64_t i = 0; i < v.m; i++)
		if (lane_of(&v, v.ev[i]->worker) >= 0)
			bar(f, &v, i, &badge);
	y = story(f, r, &v, y);
	legend(f, y + 18);
	footer(f, r, &v, y + 92);
	fprintf(f, "</svg>\n");
	free(v.ev);
	free(v.victim);
}

/* NOLINTEND(bugprone-sizeof-expression) */

static void write_race(FILE *f, const void *r)
{
	race_svg_write(f, r);
}

int race_svg_save(const char *path, const struct race_svg *r)
{
	return svg_save(path, "trace", write_race, r);
}
