/*
 * keeper.c - the process that removes a run's table or key when racelab is
 * gone (see keeper.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/keeper.h"

/* Close from..to, nothing when from > to. */
static bool close_span(unsigned from, unsigned to)
{
	return from > to || close_range(from, to, 0) == 0;
}

/*
 * Close every descriptor above 2 but keep_a and keep_b: close_range(2)
 * three times, or one close() per possible descriptor where the kernel
 * lacks it (20,000 calls under a limit of 20,000).
 */
static void close_others(int keep_a, int keep_b)
{
	int lo = keep_a < keep_b ? keep_a : keep_b;
	int hi = keep_a < keep_b ? keep_b : keep_a;
	struct rlimit rl;
	int max = 1024;

	if (lo >= 3 && close_span(3, (unsigned)lo - 1) &&
	    close_span((unsigned)lo + 1, (unsigned)hi - 1) &&
	    close_span((unsigned)hi + 1, ~0U))
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536)
		max = (int)rl.rlim_cur;
	for (int fd = 3; fd < max; fd++)
		if (fd != keep_a && fd != keep_b)
			(void)close(fd);
}

static void keeper_main(const struct keeper_job *job, int watch, int news,
			size_t len)
{
	char *out = calloc(1, len + 1);
	char c;
	int err = -ENOMEM;

	/*
	 * Its own process group, deaf to the terminal: a Ctrl-C goes to
	 * racelab, which stops its workers and then closes the pipe.
	 */
	(void)setpgid(0, 0);
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGQUIT, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	{
		sigset_t all;

		sigemptyset(&all);
		(void)sigprocmask(SIG_SETMASK, &all, NULL);
	}
	close_others(watch, news);
	if (out)
		err = job->make(job->arg, out, len);
	if (err)
		(void)job->unmake(job->arg); /* whatever make() had made */
	/* make()'s result first, then the news. */
	if (write(news, &err, sizeof(err)) != sizeof(err) ||
	    (!err && write(news, out, strlen(out) + 1) < 0)) {
		if (!err) /* racelab is gone already */
			(void)job->unmake(job->arg);
		_exit(1);
	}
	(void)close(news);
	if (err)
		_exit(1);
	/* Until every write end is closed: racelab ended, one way or another. */
	while (read(watch, &c, 1) != 0)
		if (errno != EINTR && errno != EAGAIN)
			break;
	_exit(job->unmake(job->arg) ? 3 : 0);
}

int keeper_start(struct keeper *k, const struct keeper_job *job, char *out,
		 size_t len)
{
	int watch[2], news[2], made = 0;
	size_t used = 0;
	ssize_t n;

	k->pid = 0;
	k->fd = -1;
	if (pipe2(watch, O_CLOEXEC) == -1)
		return -errno;
	if (pipe2(news, O_CLOEXEC) == -1) {
		int err = errno;

		(void)close(watch[0]);
		(void)close(watch[1]);
		return -err;
	}
	fflush(NULL);
	k->pid = fork();
	if (k->pid == -1) {
		int err = errno;

		k->pid = 0;
		(void)close(watch[0]);
		(void)close(watch[1]);
		(void)close(news[0]);
		(void)close(news[1]);
		return -err;
	}
	if (k->pid == 0)
		keeper_main(job, watch[0], news[1], len);
	(void)close(watch[0]);
	(void)close(news[1]);
	k->fd = watch[1];
	while ((n = read(news[0], &made, sizeof(made))) == -1 && errno == EINTR)
		;
	if (n != sizeof(made) || made) {
		(void)close(news[0]);
		keeper_stop(k);
		return n != sizeof(made) ? -ECHILD : made < 0 ? made : -EPROTO;
	}
	while (used + 1 < len &&
	       ((n = read(news[0], out + used, len - 1 - used)) > 0 ||
		(n == -1 && errno == EINTR)))
		if (n > 0)
			used += (size_t)n;
	if (len)
		out[used < len ? used : len - 1] = '\0';
	(void)close(news[0]);
	return 0;
}

int keeper_stop(struct keeper *k)
{
	int status = -1;
	bool had = k->pid > 0;

	if (k->fd >= 0) {
		(void)close(k->fd);
		k->fd = -1;
	}
	if (had) {
		while (waitpid(k->pid, &status, 0) == -1 && errno == EINTR)
			;
		k->pid = 0;
	}
	return had && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
