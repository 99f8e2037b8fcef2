/* schema.c - the one writer of records: table, CSV and JSON (schema.h). */
#include "out/schema.h"

#include <stdarg.h>
#include <string.h>

#include "core/util.h"
#include "out/text.h"

void schema_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void schema_csv_string(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void value_of(const struct field *fl, const void *rec, const void *ctx,
		     struct value *v)
{
	*v = (struct value){ .kind = VALUE_NULL };
	fl->get(rec, ctx, v);
}

/* A value in CSV (json false) or JSON (json true). */
static void value_print(FILE *f, const struct field *fl, const struct value *v,
			bool json)
{
	switch (v->kind) {
	case VALUE_NULL:
		if (json)
			fputs("null", f);
		break;
	case VALUE_STR:
		if (json)
			schema_json_string(f, v->s ? v->s : "");
		else
			schema_csv_string(f, v->s ? v->s : "");
		break;
	case VALUE_U64:
		fprintf(f, "%llu", (unsigned long long)v->u);
		break;
	case VALUE_I64:
		fprintf(f, "%lld", (long long)v->i);
		break;
	case VALUE_F64:
		fprintf(f, "%.*f", (int)fl->prec, v->f);
		break;
	case VALUE_BOOL:
		if (json)
			fputs(v->b ? "true" : "false", f);
		else
			fputc(v->b ? '1' : '0', f);
		break;
	}
}

void schema_csv_header(FILE *f, const struct schema *sc)
{
	bool first = true;

	for (unsigned i = 0; i < sc->n; i++) {
		if (!(sc->fields[i].where & IN_CSV))
			continue;
		fprintf(f, "%s%s", first ? "" : ",", sc->fields[i].key);
		first = false;
	}
	fputc('\n', f);
}

void schema_csv_row(FILE *f, const struct schema *sc, const void *rec,
		    const void *ctx)
{
	bool first = true;

	for (unsigned i = 0; i < sc->n; i++) {
		const struct field *fl = &sc->fields[i];
		struct value v;

		if (!(fl->where & IN_CSV))
			continue;
		if (!first)
			fputc(',', f);
		first = false;
		value_of(fl, rec, ctx, &v);
		value_print(f, fl, &v, false);
	}
	fputc('\n', f);
}

void schema_json_members(FILE *f, const struct schema *sc, const void *rec,
			 const void *ctx)
{
	bool first = true;

	for (unsigned i = 0; i < sc->n; i++) {
		const struct field *fl = &sc->fields[i];
		struct value v;

		if (!(fl->where & IN_JSON))
			continue;
		fprintf(f, "%s", first ? "" : ", ");
		first = false;
		schema_json_string(f, fl->key);
		fputs(": ", f);
		value_of(fl, rec, ctx, &v);
		value_print(f, fl, &v, true);
	}
}

/* ---- the table ---------------------------------------------------------- */

static unsigned cell_width(const struct table *t, const struct field *fl)
{
	int w = t->compact && fl->narrow ? fl->narrow : fl->width;

	return (unsigned)(w < 0 ? -w : w);
}

unsigned table_columns(const struct table *t)
{
	unsigned cols = 0;
	bool first = true;

	for (unsigned i = 0; i < t->sc->n; i++) {
		if (!t->show[i])
			continue;
		cols += cell_width(t, &t->sc->fields[i]) +
			(first ? 0 : 1 + t->sc->fields[i].gap);
		first = false;
	}
	return cols;
}

void table_init(struct table *t, FILE *out, const struct schema *sc,
		const void *ctx, unsigned width, bool colour)
{
	*t = (struct table){ .out = out,
			     .sc = sc,
			     .ctx = ctx,
			     .width = width,
			     .colour = colour };
	for (unsigned i = 0; i < sc->n && i < SCHEMA_FIELDS_MAX; i++)
		t->show[i] = (sc->fields[i].where & IN_TABLE) != 0;
}

void table_hide(struct table *t, const char *key)
{
	for (unsigned i = 0; i < t->sc->n && i < SCHEMA_FIELDS_MAX; i++)
		if (strcmp(t->sc->fields[i].key, key) == 0)
			t->show[i] = false;
}

void table_fit(struct table *t)
{
	if (!t->width || table_columns(t) <= t->width)
		return;
	t->compact = true;
	while (table_columns(t) > t->width) {
		unsigned worst = 0, at = 0;

		for (unsigned i = 0; i < t->sc->n; i++)
			if (t->show[i] && t->sc->fields[i].drop > worst)
				worst = t->sc->fields[i].drop, at = i;
		if (!worst)
			return; /* only the columns that are never dropped */
		t->show[at] = false;
		t->dropped = true;
	}
}

/* The last shown column: printed without trailing padding. */
static unsigned last_shown(const struct table *t)
{
	unsigned last = 0;

	for (unsigned i = 0; i < t->sc->n; i++)
		if (t->show[i])
			last = i;
	return last;
}

static void cell_print(const struct table *t, unsigned i, const char *text,
		       const char *colour, bool first)
{
	const struct field *fl = &t->sc->fields[i];
	int w = (int)cell_width(t, fl);

	if (!first)
		fprintf(t->out, "%*s", (int)(1 + fl->gap), "");
	if (colour)
		fputs(colour, t->out);
	if (fl->width < 0 && i == last_shown(t))
		fputs(text, t->out);
	else
		fprintf(t->out, fl->width < 0 ? "%-*s" : "%*s", w, text);
	if (colour)
		fputs("\033[0m", t->out);
}

/* The group line: each group's name centred over its columns. */
static void group_line(const struct table *t)
{
	const struct field *f = t->sc->fields;
	char line[1024];
	size_t n = 0;
	bool any = false, first = true;
	unsigned i = 0;

	for (unsigned k = 0; k < t->sc->n; k++)
		any |= t->show[k] && f[k].group;
	if (!any)
		return;
	while (i < t->sc->n && n < sizeof(line)) {
		const char *g = f[i].group;
		unsigned span, j = i + 1, left = 0, len;

		if (!t->show[i]) {
			i++;
			continue;
		}
		span = cell_width(t, &f[i]);
		/* The shown columns after it in the same group. */
		for (; g && j < t->sc->n; j++) {
			if (!t->show[j])
				continue;
			if (!f[j].group || strcmp(g, f[j].group) != 0)
				break;
			span += 1 + f[j].gap + cell_width(t, &f[j]);
		}
		len = g ? (unsigned)strlen(g) : 0;
		/* Too long for its columns: cut at a word, without the comma. */
		if (len > span) {
			len = span;
			while (len > 0 && g[len] != ' ')
				len--;
			if (len == 0)
				len = span;
			while (len > 0 &&
			       (g[len - 1] == ',' || g[len - 1] == ' '))
				len--;
		}
		left = (span - len) / 2;
		n += (size_t)snprintf(
		    line + n, sizeof(line) - n, "%*s%*s%.*s%*s",
		    first ? 0 : (int)(1 + f[i].gap), "", (int)left, "",
		    (int)len, g ? g : "", (int)(span - left - len), "");
		first = false;
		i = j;
	}
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	while (n > 0 && line[n - 1] == ' ')
		n--;
	fprintf(t->out, "%.*s\n", (int)n, line);
}

void table_header(const struct table *t)
{
	bool first = true;

	group_line(t);
	for (unsigned i = 0; i < t->sc->n; i++) {
		if (!t->show[i])
			continue;
		const struct field *fl = &t->sc->fields[i];

		cell_print(t, i,
			   t->compact && fl->abbrev ? fl->abbrev : fl->header,
			   NULL, first);
		first = false;
	}
	fputc('\n', t->out);
}

/* A value as the table shows it. */
static const char *cell_text(const struct table *t, const struct field *fl,
			     const void *rec, char *buf, size_t len)
{
	struct value v;
	double x;

	if (fl->text)
		return fl->text(rec, t->ctx, t->compact, buf, len);
	value_of(fl, rec, t->ctx, &v);
	switch (v.kind) {
	case VALUE_NULL:
		return "-";
	case VALUE_STR:
		return v.s ? v.s : "";
	case VALUE_BOOL:
		return v.b ? "yes" : "no";
	case VALUE_U64:
		if (fl->cell == CELL_COUNT)
			return t->compact
				   ? text_compact(v.u, buf, (unsigned)len)
				   : group_digits(v.u, buf, (unsigned)len);
		snprintf(buf, len, "%llu", (unsigned long long)v.u);
		return buf;
	case VALUE_I64:
		if (fl->cell == CELL_COUNT) {
			uint64_t a = (uint64_t)(v.i < 0 ? -v.i : v.i);

			buf[0] = '-';
			if (t->compact)
				text_compact(a, buf + (v.i < 0),
					     (unsigned)len - 1);
			else
				group_digits(a, buf + (v.i < 0),
					     (unsigned)len - 1);
			return buf;
		}
		snprintf(buf, len, "%lld", (long long)v.i);
		return buf;
	case VALUE_F64:
		break;
	}
	x = v.f;
	switch (fl->cell) {
	case CELL_PCT:
		snprintf(buf, len, "%.2f%%", x);
		break;
	case CELL_FIG:
		snprintf(buf, len,
			 x < 10	    ? "%.2f"
			 : x < 1000 ? "%.1f"
				    : "%.0f",
			 x);
		break;
	case CELL_TEXT:
	case CELL_COUNT:
	case CELL_FIXED:
		snprintf(buf, len, "%.*f", (int)fl->prec, x);
		break;
	}
	return buf;
}

void table_row(const struct table *t, const void *rec)
{
	bool first = true;

	for (unsigned i = 0; i < t->sc->n; i++) {
		const struct field *fl = &t->sc->fields[i];
		char buf[160];
		const char *colour = NULL;

		if (!t->show[i])
			continue;
		if (t->colour && fl->colour)
			colour = fl->colour(rec, t->ctx);
		cell_print(t, i, cell_text(t, fl, rec, buf, sizeof(buf)),
			   colour, first);
		first = false;
	}
	fputc('\n', t->out);
}

void table_note_row(const struct table *t, const char *name, const char *fmt,
		    ...)
{
	const struct field *fl = &t->sc->fields[0];
	int w = fl->width < 0 ? -fl->width : fl->width;
	char buf[2048];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%-*s ", w, name);
	if ((int)strlen(name) > w)
		w = (int)strlen(name);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	text_wrap(t->out, t->width, (unsigned)w + 1, buf);
}
