/* pipe.h - what pipe and pipe-unbatched share: the workers write()
 * increments into a pipe to an owner process, which adds them up and
 * sends its total back at the end. The descriptors live at region.lock. */
#ifndef RACELAB_BENCH_PIPE_H
#define RACELAB_BENCH_PIPE_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver.h"

struct pipes {
	int in[2];   /* increments: workers -> owner */
	int out[2];  /* the total: owner -> parent */
	pid_t owner; /* the owner's pid, or 0 */
};

static void send(int fd, uint64_t n)
{
	if (write(fd, &n, sizeof(n)) != sizeof(n))
		worker_fail("write", errno);
}

static _Noreturn void owner(int in, int out)
{
	uint64_t buf[512], sum = 0;
	size_t have = 0;
	ssize_t n;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	while ((n = read(in, (char *)buf + have, sizeof(buf) - have)) > 0) {
		have += (size_t)n;
		for (size_t k = 0; k < have / 8; k++)
			sum += buf[k];
		memmove(buf, (char *)buf + have / 8 * 8, have % 8);
		have %= 8;
	}
	_exit(write(out, &sum, 8) == 8 ? 0 : 1);
}

static int pipe_setup(struct region *r)
{
	struct pipes *p = (struct pipes *)r->lock;
	int in, out, wr;

	p->in[0] = p->in[1] = p->out[0] = p->out[1] = -1;
	if (pipe2(p->in, O_CLOEXEC) == -1 || pipe2(p->out, O_CLOEXEC) == -1) {
		perror("minimal: pipe2");
		return -1;
	}
	/* Locals: p is shared, and the parent resets its fields at once. */
	in = p->in[0], out = p->out[1], wr = p->in[1];
	fflush(NULL);
	p->owner = fork();
	if (p->owner == -1) {
		p->owner = 0;
		perror("minimal: fork");
		return -1;
	}
	if (p->owner == 0) {
		close(wr);
		owner(in, out);
	}
	close(p->in[0]);
	close(p->out[1]);
	p->in[0] = p->out[1] = -1;
	return 0;
}

static int pipe_attach(struct region *r)
{
	return ((struct pipes *)r->lock)->in[1];
}

/* The workers are gone; close our end and hear the total. */
static uint64_t pipe_total(struct region *r, unsigned procs)
{
	struct pipes *p = (struct pipes *)r->lock;
	uint64_t sum = 0;

	(void)procs;
	close(p->in[1]);
	p->in[1] = -1;
	if (read(p->out[0], &sum, 8) != 8)
		perror("minimal: read the owner's total");
	return sum;
}

static void pipe_teardown(struct region *r)
{
	struct pipes *p = (struct pipes *)r->lock;

	for (int i = 0; i < 2; i++) {
		if (p->in[i] >= 0)
			close(p->in[i]);
		if (p->out[i] >= 0)
			close(p->out[i]);
	}
	if (p->owner > 0) {
		kill(p->owner, SIGKILL);
		waitpid(p->owner, NULL, 0);
	}
}

#endif
