/* cli.c - see cli.h. */
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/guardian.h"
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
	guardian_stop();
	sigemptyset(&set);
	sigaddset(&set, sig);
	signal(sig, SIG_DFL);
	raise(sig); /* pending until unblocked just below */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 128 + sig;
}
