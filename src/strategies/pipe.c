/*
 * pipe - message passing instead of sharing: one owner holds the counter,
 * and the workers send it their increments through a pipe, 1024 at a time.
 *
 * The owner (an extra process in process mode, a thread in thread mode) is
 * the only one who touches the count, a variable in its own memory; nobody
 * else can, so there is nothing to lock. Each worker counts increments and
 * every 1024 write()s one 8-byte message saying "1024". Many writers, one
 * reader, no lock, because the kernel guarantees two things: a write of at
 * most PIPE_BUF (4096) bytes is atomic, never interleaved with another, and
 * each byte is read once, by one reader. The pipe is the lock. At the end the
 * parent closes its write end; when the last writer is gone the owner reads
 * end-of-file and sends its count back through a second pipe.
 *
 * Batching is the point: one write per 1024 increments costs 1 ns per
 * increment here, pipe-unbatched's write per increment 380 ns. With
 * --crash-at, --window or --trace the loop flushes the batch after every
 * increment, so each message holds one and a killed worker has sent
 * exactly the increments it finished.
 *
 * Holder dies: nothing is held. A killed worker's messages are whole; the
 * others go on, exact. If the owner dies, the next write() raises SIGPIPE
 * and the run fails. fork(): workers inherit the write end; the owner must
 * close its own copy, or it would never see end-of-file. --trace records
 * nothing: no worker ever reads the count.
 *
 * Read next: pipe(7) (PIPE_BUF), pipe(2), write(2), pipe-unbatched.c.
 */
#include "core/loop.h"
#include "strategies/common/pipe.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define PIPE_BATCH	   CHUNK /* increments per message */
#define PIPE_TOTAL_WAIT_MS 10000 /* for the owner's answer, at most */
#define OWNER_GRACE_MS	   1000	 /* to end by itself before SIGKILL */

/* ---- the owner -------------------------------------------------------- */

/*
 * Read messages until every write end is closed; add them up. A read may in
 * principle end inside a message, so a partial one is kept for the next.
 */
static int owner_count(int in, uint64_t *total)
{
	unsigned char buf[4096];
	size_t have = 0;
	uint64_t sum = 0;

	for (;;) {
		ssize_t r = read(in, buf + have, sizeof(buf) - have);
		size_t whole;

		if (r == 0)
			break;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return report_errno("pipe owner", "read", errno);
		}
		have += (size_t)r;
		whole = have - have % sizeof(uint64_t);
		for (size_t i = 0; i < whole; i += sizeof(uint64_t)) {
			uint64_t n;

			memcpy(&n, buf + i, sizeof(n));
			sum += n;
		}
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	*total = sum;
	return 0;
}

/* Count, then send the total to the parent. */
static int owner_main(int in, int out)
{
	uint64_t total;
	int err = owner_count(in, &total);

	if (!err && write(out, &total, sizeof(total)) != sizeof(total))
		err = report_errno("pipe owner", "write", errno);
	return err;
}

static void *owner_thread(void *arg)
{
	const struct pipe_shared *s = arg;

	(void)owner_main(s->in[0], s->out[1]);
	return NULL;
}

static int owner_fork(const struct run *run, struct pipe_shared *s)
{
	pid_t parent = getpid();
	/*
	 * Copies of all four ends: *s is shared memory, and the parent closes
	 * ends and sets them to -1 there (right after fork, and again when
	 * the workers are done). Under load the owner may not run before
	 * that; reading s->in[1] then would give -1, the owner would keep its
	 * own write end open and wait for an end-of-file for ever.
	 */
	int in = s->in[0], out = s->out[1];
	int in_write = s->in[1], out_read = s->out[0];
	pid_t pid;

	fflush(NULL); /* or the owner inherits and repeats buffered output */
	pid = fork();
	if (pid == -1)
		return report_errno(run->strategy->name, "fork", errno);
	if (pid == 0) {
		/*
		 * The owner keeps the parent's blocked signals (a Ctrl-C is
		 * the parent's to handle) and dies with it. It must close its
		 * copy of the write end, or it would wait for itself.
		 */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		(void)prctl(PR_SET_NAME, "racelab-owner");
		(void)close(in_write);
		(void)close(out_read);
		_exit(owner_main(in, out) ? 1 : 0);
	}
	s->owner = pid;
	run_note(run, "owner process %d holds the counter", (int)pid);
	return 0;
}

/* ---- the strategy's hooks, shared with pipe-unbatched ----------------- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
	*fd = -1;
}

/* The increments' channel: a pipe, or (unix-socket.c) a socket pair. */
static int owner_setup(struct run *run, bool socket)
{
	struct pipe_shared *s = (void *)run->lock_area;
	int err;

	s->in[0] = s->in[1] = s->out[0] = s->out[1] = -1;
	/* O_CLOEXEC: an exec'd program must not keep a write end open. */
	if (socket &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s->in) == -1)
		return report_errno(run->strategy->name, "socketpair", errno);
	if ((!socket && pipe2(s->in, O_CLOEXEC) == -1) ||
	    pipe2(s->out, O_CLOEXEC) == -1)
		return report_errno(run->strategy->name, "pipe2", errno);
	if (run->mode == MODE_THREAD) {
		err = pthread_create(&s->thread, NULL, owner_thread, s);
		if (err)
			return report_errno(run->strategy->name,
					    "pthread_create", err);
		s->thread_running = true;
		return 0;
	}
	err = owner_fork(run, s);
	if (err)
		return err;
	/* The parent only writes (its end goes to the workers) and reads
	 * the answer. */
	close_fd(&s->in[0]);
	close_fd(&s->out[1]);
	return 0;
}

int pipe_setup(struct run *run)
{
	return owner_setup(run, false);
}

int pipe_setup_socket(struct run *run)
{
	return owner_setup(run, true);
}

int pipe_attach(struct worker *w)
{
	const struct pipe_shared *s = w->shared;

	w->fd = s->in[1]; /* shared with the parent (threads) or inherited */
	return 0;
}

void pipe_detach(struct worker *w)
{
	/* Not ours to close in thread mode; a process's goes at exit. */
	w->fd = -1;
}

/*
 * Wait up to ms milliseconds (-1: for ever) for the owner to end; true
 * when it did, with its status. A process that a signal killed closes its
 * files before it can be waited for: the workers may see it gone (EPIPE)
 * a moment before waitpid() can tell how it died.
 */
static bool owner_ended(pid_t owner, int *status, int ms)
{
	const struct timespec tick = { 0, 1000000 };

	for (int waited = 0;; waited++) {
		pid_t r = waitpid(owner, status, ms < 0 ? 0 : WNOHANG);

		if (r == owner)
			return true;
		if (r == -1 && errno != EINTR)
			return false;
		if (r == 0 && waited >= ms)
			return false;
		if (r == 0)
			(void)nanosleep(&tick, NULL);
	}
}

/*
 * Stop the owner: it sees end-of-file once every write end is closed, and
 * ends by itself. If kill_it, it gets OWNER_GRACE_MS to do so, then
 * SIGKILL. A death by a signal we did not send is reported.
 */
static void owner_stop(const struct run *run, struct pipe_shared *s,
		       bool kill_it)
{
	int status = 0;

	close_fd(&s->in[1]);
	if (s->owner) {
		if (owner_ended(s->owner, &status,
				kill_it ? OWNER_GRACE_MS : -1)) {
			if (WIFSIGNALED(status))
				report("%s: the owner process %d was killed "
				       "by SIG%s; the workers' writes found "
				       "no reader",
				       run->strategy->name, (int)s->owner,
				       sigabbrev_np(WTERMSIG(status)));
		} else {
			(void)kill(s->owner, SIGKILL);
			(void)owner_ended(s->owner, &status, -1);
		}
		run_note(run, "owner process %d reaped", (int)s->owner);
		s->owner = 0;
	}
	if (s->thread_running) {
		(void)pthread_join(s->thread, NULL);
		s->thread_running = false;
	}
}

uint64_t pipe_total(const struct run *run)
{
	struct pipe_shared *s = (void *)run->lock_area;
	struct pollfd p = { .fd = s->out[0], .events = POLLIN };
	ssize_t r = -1;

	/* The workers are gone: close the last write end, hear the answer. */
	close_fd(&s->in[1]);
	if (poll(&p, 1, PIPE_TOTAL_WAIT_MS) == 1)
		r = read(s->out[0], &s->total, sizeof(s->total));
	s->got_total = r == (ssize_t)sizeof(s->total);
	if (!s->got_total) {
		report("%s: the owner sent no count back (%s)",
		       run->strategy->name,
		       r == -1 && errno ? strerror(errno) : "no answer");
		s->total = 0;
	}
	owner_stop(run, s, !s->got_total);
	return s->total;
}

void pipe_teardown(struct run *run)
{
	struct pipe_shared *s = (void *)run->lock_area;

	/* On an error path or after Ctrl-C the owner is still counting. */
	owner_stop(run, s, true);
	close_fd(&s->in[0]);
	close_fd(&s->out[0]);
	close_fd(&s->out[1]);
}

/* ---- batched: this strategy ------------------------------------------- */

/* w->local: this worker's increments not yet sent. */
static inline uint64_t pipe_increment(struct worker *w)
{
	if (++w->local == PIPE_BATCH) {
		pipe_send(w, PIPE_BATCH);
		w->local = 0;
	}
	return 0;
}

/* Send what is batched. The probed loop flushes after every increment. */
static void pipe_flush(struct worker *w)
{
	if (w->local)
		pipe_send(w, w->local);
	w->local = 0;
}

static int pipe_work(struct worker *w)
{
	int err;

	w->local = 0;
	err = worker_loop_op(w, pipe_increment, pipe_flush);
	return err ? err : w->fd < 0 ? -EIO : 0;
}

const struct strategy strategy_pipe = {
	.name = "pipe",
	.summary = "workers send increments through a pipe to one owner, 1024 "
		   "per message: message passing, no lock",
	.kind = KIND_NOSHARE,
	.counter = COUNTER_OWN,
	.lock = LOCK_NONE,
	.crash = CRASH_EXACT,
	.on_crash = "nothing held; sent batches whole",
	.setup = pipe_setup,
	.attach = pipe_attach,
	.work = pipe_work,
	.detach = pipe_detach,
	.total = pipe_total,
	.teardown = pipe_teardown,
};
