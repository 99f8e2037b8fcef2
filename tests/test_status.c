/*
 * test_status.c - the live status line (issue 17): on a terminal, a run
 * longer than a second says which strategy and how far, and the watchdog
 * says which worker died holding the lock and for how long the others have
 * been stuck; on a pipe, nothing of it.
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Run racelab on a pseudo-terminal; everything it wrote goes into buf. */
static int on_terminal(const char *const argv[], char *buf, size_t len)
{
	const char *bin = getenv("RACELAB");
	const char *args[32] = { bin && *bin ? bin : "./racelab" };
	size_t got = 0;
	int master, status;
	pid_t pid;

	for (int i = 0; argv[i] && i < 30; i++)
		args[i + 1] = argv[i];
	fflush(NULL);
	pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 30000) <= 0)
			break;
		n = read(master, buf + got, len - 1 - got);
		if (n <= 0)
			break; /* EIO: the terminal's other side closed */
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(master);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(status, how_far_on_a_terminal, .timeout = 60)
{
	static char out[1 << 20];
	int status =
	    on_terminal(ARGS("run", "--strategy", "sysv-sem", "--procs", "4",
			     "--window", "sleep:1", "--iters", "6000"),
			out, sizeof(out));

	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "racelab: sysv-sem: ") &&
		      strstr(out, " of 24,000 increments ("),
		  "no status line: %s", out);
	/* Erased at the end: the last status is followed by an erase. */
	cr_expect(strstr(out, "\r\033[K"), "the line was not erased");
}

Test(status, who_is_stuck_while_the_watchdog_waits, .timeout = 60)
{
	static char out[1 << 20];
	/*
	 * One CPU, a yield inside the lock, and a FIFO lock (ticket): the two
	 * take turns, so worker 1 reaches its 100th increment and worker 0
	 * still wants the lock when worker 1 dies holding it. (With spin, an
	 * unfair lock, worker 0 could take it again and again and starve
	 * worker 1 before its 100th.) 1e9 increments: worker 0 cannot finish
	 * them first, however late worker 1 starts.
	 */
	int status = on_terminal(
	    ARGS("run", "--strategy", "ticket", "--procs", "2", "--iters",
		 "1000000000", "--crash-at", "100", "--crash-worker", "1",
		 "--cpus", "0", "--window", "yield", "--timeout", "3"),
	    out, sizeof(out));

	cr_expect_eq(status, 4, "%s", out);
	cr_expect(strstr(out, "worker 1 was killed holding the lock; the "
			      "others have been stuck for "),
		  "%s", out);
	cr_expect(strstr(out, "(DEADLOCK at 3 s)"), "%s", out);
}

Test(status, nothing_on_a_pipe, .timeout = 60)
{
	struct outcome o;

	racelab(&o, 50,
		ARGS("run", "--strategy", "sysv-sem", "--procs", "4",
		     "--window", "sleep:1", "--iters", "3000"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_null(strstr(o.err, "increments ("), "%s", o.err);
	cr_expect_null(strchr(o.err, '\r'), "%s", o.err);
}
