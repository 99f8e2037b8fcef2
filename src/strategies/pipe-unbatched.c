/*
 * pipe-unbatched - the pipe strategy with one message per increment: what
 * message passing costs when every update is its own message.
 *
 * Everything works as in pipe.c (one owner holds the counter; workers write
 * 8-byte messages, each atomic because it is under PIPE_BUF; the owner adds
 * them up and sends the total back at the end), except that each increment
 * is a write() of its own, saying "1": a system call that copies 8 bytes
 * into the pipe and, when the owner sleeps in read(), wakes it. That is the
 * price of a message: 380 ns per increment here, against 1 ns for pipe's
 * batches of 1024, which is why real message-passing systems batch.
 *
 * The owner is the one serialisation point: however many workers, one
 * reader drains one pipe. Compare sysv-sem, also a system call or two per
 * increment: there every worker waits for the others; here a writer waits
 * only when the pipe's buffer (64 KiB, 8192 messages) is full.
 *
 * Holder dies: nothing is held; a killed worker's messages are whole and
 * counted (exact). If the owner dies, writers get SIGPIPE and the run
 * fails. fork(), threads: as pipe.c.
 *
 * Read next: pipe.c, pipe(7), write(2).
 */
#include "core/loop.h"
#include "strategies/common/pipe.h"

/* A crash before the write has sent nothing: exact. */
static inline uint64_t pipe_unbatched_increment(struct worker *w)
{
	pipe_send(w, 1);
	return 0;
}

static int pipe_unbatched_work(struct worker *w)
{
	int err = worker_loop_op(w, pipe_unbatched_increment, NULL);

	return err ? err : w->fd < 0 ? -EIO : 0;
}

const struct strategy strategy_pipe_unbatched = {
	.name = "pipe-unbatched",
	.summary = "as pipe, but one write() per increment: what an unbatched "
		   "message costs",
	.kind = KIND_NOSHARE,
	.counter = COUNTER_OWN,
	.lock = LOCK_NONE,
	.crash = CRASH_EXACT,
	.on_crash = "nothing held; each write whole",
	.setup = pipe_setup,
	.attach = pipe_attach,
	.work = pipe_unbatched_work,
	.detach = pipe_detach,
	.total = pipe_total,
	.teardown = pipe_teardown,
};
