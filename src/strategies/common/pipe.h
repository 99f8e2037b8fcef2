/*
 * pipe.h - what pipe.c shares with pipe-unbatched.c: the owner of the
 * counter, started in setup and stopped in teardown, and how a worker sends
 * it increments. Only the batch size differs (and unix-socket.c's channel).
 */
#ifndef RACELAB_STRATEGIES_PIPE_H
#define RACELAB_STRATEGIES_PIPE_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/strategy.h"
#include "core/util.h"

/* The state in the region; the parent's view of the owner. */
struct pipe_shared {
	int in[2];	     /* increments: the owner reads [0], workers write
				[1] */
	int out[2];	     /* the owner's total: the parent reads [0] */
	pid_t owner;	     /* process mode: the owner's pid, 0 if none */
	pthread_t thread;    /* thread mode: the owner thread */
	bool thread_running; /* thread mode: started and not yet joined */
	bool got_total;	     /* total holds the owner's answer */
	uint64_t total;	     /* the owner's count, sent back at the end */
};

/*
 * Start the owner (a process in process mode, a thread in thread mode);
 * collect its count once the workers are gone; stop it on every path.
 */
int pipe_setup(struct run *run);
/* The same owner, fed through a Unix-domain socket pair (SOCK_SEQPACKET)
 * instead of a pipe: unix-socket.c. */
int pipe_setup_socket(struct run *run);
int pipe_attach(struct worker *w);
void pipe_detach(struct worker *w);
uint64_t pipe_total(const struct run *run);
void pipe_teardown(struct run *run);

/*
 * Send n increments in one message: one write() of 8 bytes. A write of at
 * most PIPE_BUF (4096) bytes to a pipe is atomic: it is never interleaved
 * with another worker's, so the owner always reads whole messages. On
 * failure, w->fd becomes -1: the rest of the run sends nothing and the
 * work function reports the failure.
 */
static inline void pipe_send(struct worker *w, uint64_t n)
{
	ssize_t r;

	if (w->fd < 0)
		return;
	while ((r = write(w->fd, &n, sizeof(n))) == -1 && errno == EINTR)
		;
	if (r != (ssize_t)sizeof(n)) {
		(void)report_errno(w->run->strategy->name, "write",
				   r == -1 ? errno : EIO);
		w->fd = -1;
	}
}

#endif
