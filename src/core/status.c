/* status.c - see status.h. */
#include "core/status.h"

#include <stdio.h>
#include <unistd.h>

#include "core/util.h"

#define STATUS_AFTER_NS	  1000000000LL /* quiet for the first second */
#define STATUS_REFRESH_NS 100000000LL  /* then at most 10 lines a second */

void status_begin(struct status *st, int64_t t0_ns)
{
	*st =
	    (struct status){ .on = isatty(STDERR_FILENO) == 1, .t0_ns = t0_ns };
}

/* Is it time to draw? */
static bool due(struct status *st, int64_t now_ns)
{
	if (!st->on || now_ns - st->t0_ns < STATUS_AFTER_NS ||
	    now_ns - st->last_ns < STATUS_REFRESH_NS)
		return false;
	st->last_ns = now_ns;
	st->shown = true;
	return true;
}

void status_progress(struct status *st, int64_t now_ns, const char *strategy,
		     uint64_t done, uint64_t total, double cap_s)
{
	char d[32], t[32], cap[48] = "";

	if (!due(st, now_ns))
		return;
	if (cap_s > 0)
		snprintf(cap, sizeof(cap), ", stops at %.1f s", cap_s);
	fprintf(stderr,
		"\r%s: %s: %s of %s increments (%.0f%%), %.1f s%s\033[K",
		PROGRAM_NAME, strategy, group_digits(done, d, sizeof(d)),
		group_digits(total, t, sizeof(t)),
		total ? 100.0 * (double)done / (double)total : 0,
		(double)(now_ns - st->t0_ns) / 1e9, cap);
	fflush(stderr);
}

void status_stuck(struct status *st, int64_t now_ns, const char *strategy,
		  int killed, double stuck_s, double timeout_s)
{
	char who[64] = "";

	if (!due(st, now_ns))
		return;
	if (killed >= 0)
		snprintf(who, sizeof(who),
			 "worker %d was killed holding the lock; ", killed);
	fprintf(stderr,
		"\r%s: %s: %sthe others have been stuck for %.1f s "
		"(DEADLOCK at %.0f s)\033[K",
		PROGRAM_NAME, strategy, who, stuck_s, timeout_s);
	fflush(stderr);
}

void status_end(struct status *st)
{
	if (st->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	st->shown = false;
}
