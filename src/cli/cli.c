/* cli.c - see cli.h. */
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
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

/* "--procs": the long name of option c (every short one has one). */
static const char *option_name(const struct option *longopts, int c, char *buf,
			       size_t len)
{
	for (const struct option *o = longopts; o && o->name; o++)
		if (o->val == c && !o->flag)
			return snprintf(buf, len, "--%s", o->name), buf;
	snprintf(buf, len, "-%c", c);
	return buf;
}

/*
 * The long options that token ("--pro", "--pro=3") abbreviates, listed in
 * buf; returns how many (an exact name counts as one, alone).
 */
static int abbreviates(const struct option *longopts, const char *token,
		       char *buf, size_t len)
{
	const char *eq = strchr(token, '=');
	size_t n = eq ? (size_t)(eq - token) : strlen(token);
	size_t used = 0;
	int count = 0;

	buf[0] = '\0';
	for (const struct option *o = longopts; o && o->name; o++) {
		if (strncmp(o->name, token, n) != 0)
			continue;
		if (strlen(o->name) == n)
			return snprintf(buf, len, "--%s", o->name), 1;
		count++;
		if (used < len)
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s--%s",
					     count > 1 ? ", " : "", o->name);
	}
	return count;
}

int cli_option_check(const char *cmd, const struct option *longopts, int c,
		     char **argv, bool seen[256])
{
	const char *token = argv[optind - 1];
	char name[96], names[512];

	if (c == '?') {
		/* A long option: unknown, ambiguous, or given a value it does
		 * not take (getopt_long says '?' for all three). */
		if (strncmp(token, "--", 2) == 0 && token[2]) {
			const char *eq = strchr(token, '=');
			int n = abbreviates(longopts, token + 2, names,
					    sizeof(names));

			if (n > 1)
				return usage_error(
				    cmd,
				    "option '%.*s' is ambiguous: it could be "
				    "%s",
				    eq ? (int)(eq - token) : (int)strlen(token),
				    token, names);
			if (n == 1 && eq)
				return usage_error(cmd,
						   "option %s takes no value "
						   "(got '%s')",
						   names, eq + 1);
			return usage_error(
			    cmd, "unknown option '%.*s'",
			    eq ? (int)(eq - token) : (int)strlen(token), token);
		}
		if (optopt)
			return usage_error(cmd, "unknown option '-%c'", optopt);
		return usage_error(cmd, "unknown option '%s'", token);
	}
	if (c == ':')
		return usage_error(
		    cmd, "option %s needs a value",
		    option_name(longopts, optopt, name, sizeof(name)));
	if (c >= 0 && c < 256 && c != 'h') {
		if (seen[c])
			return usage_error(
			    cmd, "option %s given twice",
			    option_name(longopts, c, name, sizeof(name)));
		seen[c] = true;
	}
	return 0;
}

const struct cli_subcommand *cli_subcommand(const char *command,
					    const char *usage,
					    const struct cli_subcommand *subs,
					    unsigned n, int argc, char **argv,
					    int *status)
{
	char names[160] = "";
	size_t used = 0;

	for (unsigned i = 0; i < n && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s", i ? ", " : "", subs[i].name);
	*status = EXIT_USAGE;
	if (argc < 2) {
		usage_error(command, "which one: %s?", names);
		return NULL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage, stdout);
		*status = EXIT_VERIFIED;
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return &subs[i];
	usage_error(command, "unknown subcommand '%.40s' (%s)", argv[1], names);
	return NULL;
}

int cli_option_applies(const struct cli_subcommand *sub,
		       const struct option *longopts, int c)
{
	char name[64];

	if (c == 'h' || strchr(sub->opts, c))
		return 0;
	return usage_error(sub->cmd, "%s does not apply here",
			   option_name(longopts, c, name, sizeof(name)));
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
	guardian_stop();
	/* SIGQUIT and the like would dump core: of a process that has
	 * already cleaned up, which helps nobody and leaves a file. */
	(void)setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	sigemptyset(&set);
	sigaddset(&set, sig);
	signal(sig, SIG_DFL);
	raise(sig); /* pending until unblocked just below */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 128 + sig;
}

int cli_duration(const char *cmd, const char *arg, double *out)
{
	const char *p = arg;
	double v = 0, scale = 1;
	bool digits = false;

	for (; *p >= '0' && *p <= '9'; p++, digits = true)
		v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
			v += (*p - '0') * (scale /= 10);
	if (!digits || *p)
		return usage_error(cmd,
				   "--duration '%s' is not a number of seconds "
				   "like 1 or 0.5",
				   arg);
	if (v < 0.01 || v > DURATION_MAX_S)
		return usage_error(cmd,
				   "--duration '%s' is out of range (0.01..%d "
				   "seconds)",
				   arg, DURATION_MAX_S);
	*out = v;
	return 0;
}

int cli_format(const char *cmd, const char *arg, enum format *out)
{
	if (report_format_parse(arg, out))
		return usage_error(cmd,
				   "--format '%s' is not one of table, csv, "
				   "json",
				   arg);
	return 0;
}

int cli_window(const char *cmd, const char *arg, struct window *w)
{
	static const struct {
		const char *name;      /* as typed */
		enum window_kind kind; /* what it means */
		uint64_t max;	       /* 0: takes no number */
	} kinds[] = {
		{ "none", WINDOW_NONE, 0 },
		{ "yield", WINDOW_YIELD, 0 },
		{ "spin", WINDOW_SPIN, 1000000000 },
		{ "sleep", WINDOW_SLEEP, 10000000 },
		{ "random", WINDOW_RANDOM, 1000000000 },
	};
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	char label[32];

	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strlen(kinds[i].name) != len ||
		    strncmp(arg, kinds[i].name, len) != 0)
			continue;
		w->kind = kinds[i].kind;
		if (!kinds[i].max) {
			if (colon)
				return usage_error(cmd,
						   "--window '%s': %s takes no "
						   "number",
						   arg, kinds[i].name);
			return 0;
		}
		if (!colon || !colon[1])
			return usage_error(cmd,
					   "--window '%s' needs a number, as "
					   "in %s:100",
					   arg, kinds[i].name);
		snprintf(label, sizeof(label), "--window %s:N", kinds[i].name);
		return cli_number(cmd, label, colon + 1, 1, kinds[i].max,
				  &w->n);
	}
	return usage_error(cmd,
			   "--window '%s' is not one of none, yield, spin:N, "
			   "sleep:USEC, random:N",
			   arg);
}
