/* text.c - terminal width, word wrapping and compact numbers (text.h). */
#include "out/text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

unsigned text_width(FILE *f)
{
	const char *cols = getenv("COLUMNS");
	struct winsize ws;

	if (cols && *cols) {
		char *end;
		unsigned long n = strtoul(cols, &end, 10);

		if (!*end && n >= TEXT_WIDTH_MIN && n <= 100000)
			return (unsigned)n;
	}
	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= TEXT_WIDTH_MIN)
		return ws.ws_col;
	return 0;
}

/* One paragraph (no '\n' in it) of len bytes: words and the spaces
 * between them as they are, but a line break instead of the spaces before
 * a word that would cross the width. */
static void wrap_paragraph(FILE *f, unsigned width, unsigned indent,
			   const char *p, size_t len)
{
	const char *end = p + len;
	unsigned col = 0, start = 0; /* start: where this line's text begins */

	while (p < end) {
		const char *sp = p, *w;
		size_t nsp, n;

		while (p < end && *p == ' ')
			p++;
		nsp = (size_t)(p - sp);
		w = p;
		while (p < end && *p != ' ')
			p++;
		n = (size_t)(p - w);
		if (!n)
			break; /* trailing spaces */
		if (col > start && col + nsp + n > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = start = indent;
		} else {
			fprintf(f, "%*s", (int)nsp, "");
			col += (unsigned)nsp;
		}
		fwrite(w, 1, n, f);
		col += (unsigned)n;
	}
	fputc('\n', f);
}

void text_wrap(FILE *f, unsigned width, unsigned indent, const char *text)
{
	if (!width) {
		size_t n = strlen(text);

		fputs(text, f);
		if (!n || text[n - 1] != '\n')
			fputc('\n', f);
		return;
	}
	if (indent >= width / 2)
		indent = 0;
	while (*text) {
		size_t n = strcspn(text, "\n");

		wrap_paragraph(f, width, indent, text, n);
		text += n;
		if (*text == '\n')
			text++;
	}
}

void text_printf(FILE *f, unsigned width, unsigned indent, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	text_wrap(f, width, indent, buf);
}

const char *text_compact(uint64_t n, char *buf, unsigned len)
{
	static const char suffix[] = "KMGTPE";
	double v = (double)n;
	unsigned k = 0;

	if (n < 1000) {
		snprintf(buf, len, "%llu", (unsigned long long)n);
		return buf;
	}
	while (v >= 999.5 && k < sizeof(suffix) - 1) {
		v /= 1000;
		k++;
	}
	/* 3 significant digits; 9.995K rounds to 10.0K, 99.95K to 100K. */
	if (v < 9.995)
		snprintf(buf, len, "%.2f%c", v, suffix[k - 1]);
	else if (v < 99.95)
		snprintf(buf, len, "%.1f%c", v, suffix[k - 1]);
	else
		snprintf(buf, len, "%.0f%c", v, suffix[k - 1]);
	return buf;
}
