/* run.c - what every part of a run may say about it; see run.h. */
#include "core/run.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/strategy.h"
#include "core/util.h"

void run_note(const struct run *run, const char *fmt, ...)
{
	va_list ap;

	if (!run->verbose)
		return;
	fprintf(stderr, "%s: %s: ", PROGRAM_NAME, run->strategy->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
