/*
 * text.h - words and numbers for a terminal: how wide it is, prose wrapped
 * at word boundaries, numbers made compact (340M) when a column is narrow.
 *
 * The width rule (documented in README.md, docs/benchmarking.md and
 * racelab.1): $COLUMNS when it holds a number (20 or more), else the
 * terminal's width when stdout is a terminal (TIOCGWINSZ), else no limit: a
 * pipe or a file gets every column and every line as it is, so that a
 * script reading a table sees what 0.1 printed (scripts should read
 * --format csv or json, which are never fitted).
 */
#ifndef RACELAB_TEXT_H
#define RACELAB_TEXT_H

#include <stdint.h>
#include <stdio.h>

#define TEXT_WIDTH_MIN 20 /* a $COLUMNS below this is ignored */

/* The width to fit output on f to, by the rule above; 0: no limit. */
unsigned text_width(FILE *f);

/*
 * Print text on f, each line broken at spaces so that none is longer than
 * width (a word longer than the width stands alone); lines after the first
 * of a paragraph are indented by indent spaces. '\n' in text ends a
 * paragraph. width 0: print text as it is. A final '\n' is added if text
 * lacks one.
 */
void text_wrap(FILE *f, unsigned width, unsigned indent, const char *text);

/* text_wrap of a formatted text (at most 4 KiB). */
void text_printf(FILE *f, unsigned width, unsigned indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* n in at most 5 characters: 999, 1.23K, 12.3K, 123K, 1.23M, ... 18.4E. */
const char *text_compact(uint64_t n, char *buf, unsigned len);

#endif
