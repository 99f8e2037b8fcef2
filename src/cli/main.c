/*
 * main.c - racelab's entry point: the table of commands, the top-level help,
 * and `racelab list`. Each command lives in its own file (cli.h says how to
 * add one); only main() turns what they return into the exit status.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/guardian.h"
#include "core/registry.h"
#include "core/util.h"
#include "out/text.h"

static const struct command {
	const char *name;		  /* as typed after racelab */
	int (*fn)(int argc, char **argv); /* argv[0] is the name */
	const char *summary;		  /* one line for --help */
} commands[] = {
	{ "run", cmd_run, "run one strategy (or all) and verify the count" },
	{ "list", cmd_list,
	  "list the strategies, grouped, with what each "
	  "teaches" },
	{ "bench", cmd_bench, "compare what each strategy costs, verified" },
	{ "segment", cmd_segment, "a counter unrelated processes open by key" },
	{ "counter", cmd_counter,
	  "a counter in a database that hosts share by name" },
	{ "trace", cmd_trace, "explain and draw a saved --trace FILE" },
	{ "help", cmd_help, "help on a command: racelab help run" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void main_usage(FILE *f)
{
	fprintf(f, "usage: racelab COMMAND [OPTIONS]\n"
		   "\n"
		   "Race conditions on purpose, and every fix proven: workers "
		   "hammer one\n"
		   "shared counter under a strategy, and racelab checks the "
		   "final count.\n"
		   "\n"
		   "commands:\n");
	for (unsigned i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s%s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"options:\n"
		"  -h, --help     this help; `racelab help COMMAND` (or "
		"`racelab COMMAND\n"
		"                 --help`) for a command\n"
		"  -V, --version  print the version\n"
		"\n"
		"exit status:\n"
		"  0  every count verified (with --strategy all: every "
		"strategy that\n"
		"     must be exact was; `none` losing updates is its lesson)\n"
		"  1  system error (a call failed, a worker died or failed)\n"
		"  2  usage error (nothing was created)\n"
		"  3  lost updates observed\n"
		"  4  deadlock: no progress for --timeout seconds\n"
		"  128+N  stopped by signal N (Ctrl-C: 130); everything was "
		"cleaned up\n"
		"\n"
		"example: racelab run --strategy all --procs 4\n");
}

static const char list_usage[] =
    "usage: racelab list\n"
    "\n"
    "List the strategies by group: name, one line on what it teaches, and\n"
    "a mark on those that lose updates on purpose. Then the stores\n"
    "(--store), each with the strategies it admits and why it refuses the\n"
    "others. Lines wrap at word boundaries to $COLUMNS, else to the\n"
    "terminal's width (a pipe or file gets them whole).\n";

/* The strategies of st's refusal `why`, as "a, b, c", into buf. */
static const char *store_list(const struct store *st, enum store_refusal why,
			      char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < strategy_count && n < len; i++)
		/* Not another server's, nor one the store's own replaces. */
		if (strategy_in_all(strategies[i], st) &&
		    store_refusal(st, strategies[i]) == why)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "",
					      strategies[i]->name);
	return buf;
}

/* Each store, and which strategies it admits (--store). */
static void list_stores(unsigned width)
{
	char names[1024], own[256];

	printf("\nstores (--store), and the strategies each admits:\n");
	for (unsigned i = 0; i < store_count; i++) {
		const struct store *st = stores[i];
		unsigned n;

		own[0] = '\0';
		text_printf(stdout, width, 19, "  %-16s %s", st->name,
			    st->summary);
		if (st->unsupported) {
			text_printf(stdout, width, 19,
				    "  %-16s not in this build: %s", "",
				    st->unsupported);
			continue;
		}
		/* A database store's own strategies: statements it runs. */
		n = 0;
		for (const struct strategy *const *o = st->own; o && *o; o++) {
			text_printf(stdout, width, 21, "    %-16s %s%s",
				    (*o)->name, (*o)->summary,
				    (*o)->racy ? "  [wrong on purpose]" : "");
			n += (unsigned)snprintf(own + n, sizeof(own) - n,
						"%s, ", (*o)->name);
		}
		text_printf(stdout, width, 19, "  %-16s admits: %s%s", "", own,
			    store_list(st, STORE_ADMITS, names, sizeof(names)));
		for (int why = STORE_NO_SHARING; why <= STORE_NO_NAME; why++) {
			store_list(st, (enum store_refusal)why, names,
				   sizeof(names));
			if (!names[0])
				continue;
			text_printf(
			    stdout, width, 19, "  %-16s refuses (%s): %s", "",
			    store_refusal_name((enum store_refusal)why), names);
		}
	}
}

int cmd_list(int argc, char **argv)
{
	if (argc > 1 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(list_usage, stdout);
		return EXIT_VERIFIED;
	}
	unsigned width;

	if (argc > 1)
		return usage_error("list", "unexpected argument '%s'", argv[1]);
	width = text_width(stdout);
	for (int k = KIND_NONE; k <= KIND_NOSHARE; k++) {
		bool header = false;

		for (unsigned i = 0; i < strategy_count; i++) {
			const struct strategy *s = strategies[i];

			if (s->kind != (enum strategy_kind)k)
				continue;
			if (!header)
				printf("%s:\n", strategy_kind_name(
						    (enum strategy_kind)k));
			header = true;
			/* Continuation lines under the summary. */
			text_printf(stdout, width, 19, "  %-16s %s%s", s->name,
				    s->summary,
				    s->racy ? "  [wrong on purpose]"
				    : s->racy_in_threads
					? "  [wrong on purpose in thread mode]"
					: "");
			if (s->unsupported)
				text_printf(stdout, width, 19,
					    "  %-16s (cannot run here: %s)", "",
					    s->unsupported);
		}
	}
	list_stores(width);
	return EXIT_VERIFIED;
}

static const char help_usage[] =
    "usage: racelab help [COMMAND]\n"
    "\n"
    "Without COMMAND, what racelab does and its commands; with one, that\n"
    "command's options (the same as `racelab COMMAND --help`).\n";

int cmd_help(int argc, char **argv)
{
	static char help_opt[] = "--help";

	if (argc < 2) {
		main_usage(stdout);
		return EXIT_VERIFIED;
	}
	if (argc > 2)
		return usage_error("help", "one command at a time, not '%s'",
				   argv[2]);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(help_usage, stdout);
		return EXIT_VERIFIED;
	}
	for (unsigned i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			char *args[] = { argv[1], help_opt, NULL };

			return commands[i].fn(2, args);
		}
	return usage_error("help",
			   "unknown command '%s' (the commands: run, list, "
			   "bench, segment, trace, help)",
			   argv[1]);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		main_usage(stdout);
		return EXIT_VERIFIED;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("racelab %s\n", RACELAB_VERSION);
		return EXIT_VERIFIED;
	}
	for (unsigned i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			int status = commands[i].fn(argc - 1, argv + 1);

			guardian_stop(); /* it has nothing left to remove */
			return status;
		}
	}
	fprintf(stderr, "%s: unknown command '%s' (see `racelab --help`)\n",
		PROGRAM_NAME, argv[1]);
	return EXIT_USAGE;
}
