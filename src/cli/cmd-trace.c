/*
 * cmd-trace.c - `racelab trace FILE`: read back what `racelab run --trace
 * FILE` saved, explain it again, and draw it (--svg).
 *
 * FILE is untrusted input: trace_set_from_csv refuses any line racelab
 * would not have written, and that is a usage error (exit 2), never a
 * crash.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/trace.h"
#include "core/util.h"
#include "out/race-svg.h"

static const char trace_usage[] =
    "usage: racelab trace FILE [--svg OUT] [--strategy NAME]\n"
    "                     [--collisions N|all]\n"
    "\n"
    "Read a trace saved by `racelab run --trace FILE`, explain its lost\n"
    "updates again (which stores overwrote which increments) and, with\n"
    "--svg, draw them: one lane per worker along a time axis, each\n"
    "increment from its load to its store, each store that overwrote\n"
    "others' increments marked.\n"
    "\n"
    "options:\n"
    "      --svg OUT          write the picture to OUT (replaced, never\n"
    "                         written through a symlink)\n"
    "  -s, --strategy NAME    the strategy whose events to read, when FILE\n"
    "                         holds several (default: the first)\n"
    "      --collisions N     zoom on the first N collisions (default 3);\n"
    "                         all: draw the whole trace\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 read and drawn, 1 system error, 2 usage or a FILE\n"
    "that is not a racelab trace.\n";

int cmd_trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "svg", required_argument, NULL, 'G' },
		{ "strategy", required_argument, NULL, 's' },
		{ "collisions", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *svg = NULL, *strategy = NULL, *path = NULL;
	uint64_t show = RACE_SVG_SHOW;
	struct trace_summary sum;
	struct trace_set t;
	bool seen[256] = { false };
	char msg[640], command[512];
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:h", longopts, NULL)) != -1) {
		if ((err = cli_option_check("trace", c, argv, seen)))
			return err;
		switch (c) {
		case 'G':
			if (!*optarg)
				return usage_error("trace",
						   "--svg needs a path");
			svg = optarg;
			break;
		case 's':
			strategy = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "all") == 0)
				show = 0;
			else if ((err = cli_number("trace", "--collisions",
						   optarg, 1, 1000, &show)))
				return err;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			return EXIT_VERIFIED;
		}
	}
	if (optind == argc)
		return usage_error("trace", "which trace? give the FILE that "
					    "`racelab run --trace FILE` wrote");
	path = argv[optind++];
	if (optind < argc)
		return usage_error("trace", "unexpected argument '%s'",
				   argv[optind]);
	err = trace_set_from_csv(&t, path, strategy, msg, sizeof(msg));
	if (err == -EINVAL)
		return usage_error("trace", "%s", msg);
	if (err) {
		fprintf(stderr, "%s: trace: %s\n", PROGRAM_NAME, msg);
		return EXIT_SYSTEM;
	}
	trace_summarize(&t, &sum);
	/* No count to compare with here: the trace's own account is shown. */
	trace_explain(stdout, &t, &sum, NULL, 5);
	if (svg) {
		size_t n =
		    (size_t)snprintf(command, sizeof(command), "racelab trace");

		for (int i = 1; i < argc && n < sizeof(command); i++)
			n += (size_t)snprintf(command + n, sizeof(command) - n,
					      " %s", argv[i]);
		struct race_svg r = { .trace = &t,
				      .sum = &sum,
				      .show = show,
				      .command = command };

		/*
		 * Ctrl-C during the save would leave its temporary file: hold
		 * the signals until the file is complete and renamed (or
		 * removed), then let them act.
		 */
		sigset_t hold, old;

		sigemptyset(&hold);
		sigaddset(&hold, SIGINT);
		sigaddset(&hold, SIGTERM);
		sigaddset(&hold, SIGHUP);
		sigaddset(&hold, SIGQUIT);
		(void)sigprocmask(SIG_BLOCK, &hold, &old);
		err = race_svg_save(svg, &r);
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		if (!err)
			printf("  Drew %s in %s.\n",
			       show ? "the first collisions"
				    : "the whole trace",
			       svg);
	}
	trace_set_free(&t);
	return err ? EXIT_SYSTEM : EXIT_VERIFIED;
}
