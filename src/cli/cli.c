/* cli.c - see cli.h. */
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/harness.h"
#include "core/util.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", PROGRAM_NAME, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see `racelab %s --help`)\n", cmd);
	return EXIT_USAGE;
}

int cli_option_check(const char *cmd, int c, char **argv, bool seen[256])
{
	const char *opt = argv[optind - 1];

	if (c == '?') {
		if (optopt)
			return usage_error(cmd, "unknown option '-%c'", optopt);
		return usage_error(cmd, "unknown option '%s'", opt);
	}
	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value", opt);
	if (c >= 0 && c < 256 && c != 'h') {
		if (seen[c])
			return usage_error(cmd, "option '%s' given twice", opt);
		seen[c] = true;
	}
	return 0;
}

int cli_number(const char *cmd, const char *opt, const char *arg, uint64_t min,
	       uint64_t max, uint64_t *out)
{
	const char *why;

	if (parse_u64(arg, min, max, out, &why))
		return usage_error(cmd, "%s '%s' %s (%llu..%llu)", opt, arg,
				   why, (unsigned long long)min,
				   (unsigned long long)max);
	return 0;
}

/* One number of a list, as cli_number reads it, or a word on its absence. */
static int list_number(const char *cmd, const char *opt, const char *arg,
		       const char *at, size_t len, const char *what,
		       uint64_t min, uint64_t max, uint64_t *v)
{
	char num[24];

	if (len == 0 || len >= sizeof(num) ||
	    (what && (*at < '0' || *at > '9')))
		return usage_error(cmd, "%s '%s': expected a %s at '%s'", opt,
				   arg, what ? what : "number", at);
	snprintf(num, sizeof(num), "%.*s", (int)len, at);
	return cli_number(cmd, opt, num, min, max, v);
}

int cli_list(const char *cmd, const char *opt, const char *arg,
	     const struct cli_list_rules *r, unsigned *out, unsigned *n)
{
	const char *p = arg;

	*n = 0;
	while (*p) {
		size_t len = strcspn(p, ",-");
		uint64_t lo, hi;
		int err;

		if ((err = list_number(cmd, opt, arg, p, len, r->what, r->min,
				       r->max, &lo)))
			return err;
		hi = lo;
		p += len;
		if (*p == '-') {
			p++;
			len = strcspn(p, ",");
			if (len == 0)
				return usage_error(cmd,
						   "%s '%s': a range needs an "
						   "end, as in %s",
						   opt, arg, r->example);
			if ((err = list_number(cmd, opt, arg, p, len, r->what,
					       r->min, r->max, &hi)))
				return err;
			p += len;
			if (hi < lo)
				return usage_error(cmd,
						   "%s '%s': range %llu-%llu "
						   "runs backwards",
						   opt, arg,
						   (unsigned long long)lo,
						   (unsigned long long)hi);
		}
		for (uint64_t v = lo; v <= hi; v++) {
			for (unsigned i = 0; r->unique && i < *n; i++)
				if (out[i] == v)
					return usage_error(
					    cmd,
					    "%s '%s': %llu is listed twice",
					    opt, arg, (unsigned long long)v);
			if (*n == r->cap)
				return usage_error(cmd,
						   "%s '%s': more than %u %s",
						   opt, arg, r->cap, r->items);
			out[(*n)++] = (unsigned)v;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return usage_error(cmd, "%s '%s': unexpected '%s'", opt,
					   arg, p);
	}
	if (!*n)
		return usage_error(cmd, "%s needs at least one %s", opt,
				   r->what ? r->what : "number");
	return 0;
}

unsigned default_procs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > PROCS_MAX ? PROCS_MAX : (unsigned)n;
}

int cli_die_of(int sig)
{
	sigset_t set;

	report("stopped by SIG%s; workers stopped, kernel objects removed",
	       sigabbrev_np(sig));
	fflush(NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	signal(sig, SIG_DFL);
	raise(sig); /* pending until unblocked just below */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 128 + sig;
}
