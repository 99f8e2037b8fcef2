/*
 * unix-socket - message passing through a Unix-domain socket: one owner
 * process holds the counter, and each worker sends it one message per
 * increment over a SOCK_SEQPACKET socket pair.
 *
 * Everything but the channel is pipe.c's: the owner (an extra process, or a
 * thread in thread mode) is the only one who touches the count, so there is
 * nothing to lock; the parent collects its total at the end. The channel is
 * socketpair(AF_UNIX, SOCK_SEQPACKET): a local socket that, unlike a stream
 * socket or a pipe, keeps message boundaries (each send() arrives as one
 * record, whole, to one reader) and still reports end-of-file once every
 * sending end is closed. So the exclusion is the kernel's: each record is
 * queued whole and read once, and only the owner adds.
 *
 * One message per increment, as pipe-unbatched does, so that its cost is
 * what one socket message costs next to one pipe write, one msgsnd or one
 * mq_send (docs/ipc.md compares them). Nothing is named: the pair has no
 * path, so there is nothing to unlink. A named socket (bind to a path, or
 * Linux's abstract names) would let unrelated processes connect, with
 * SO_PEERCRED telling the owner who they are.
 *
 * Holder dies: nothing is held; a killed worker's records are whole and
 * counted (exact). If the owner dies, a sender gets SIGPIPE and the run
 * fails. fork(): workers inherit the sending end; the owner closes its own
 * copy, or it would never see end-of-file (pipe.c).
 * Cost: 854 ns per increment alone (pipe-unbatched: 921 ns, same runs).
 *
 * Read next: unix(7), socketpair(2), send(2), pipe.c, docs/ipc.md.
 */
#include "core/loop.h"
#include "strategies/common/pipe.h"

/* A crash before the write has sent nothing: exact. */
static inline uint64_t unix_socket_increment(struct worker *w)
{
	pipe_send(w, 1); /* a write() on the socket: one record */
	return 0;
}

static int unix_socket_work(struct worker *w)
{
	int err = worker_loop_op(w, unix_socket_increment, NULL);

	return err ? err : w->fd < 0 ? -EIO : 0;
}

const struct strategy strategy_unix_socket = {
	.name = "unix-socket",
	.summary = "workers send each increment to one owner over a Unix "
		   "socket pair (SOCK_SEQPACKET)",
	.kind = KIND_NOSHARE,
	.counter = COUNTER_OWN,
	.lock = LOCK_NONE,
	.crash = CRASH_EXACT,
	.on_crash = "nothing held; each record whole",
	.setup = pipe_setup_socket,
	.attach = pipe_attach,
	.work = unix_socket_work,
	.detach = pipe_detach,
	.total = pipe_total,
	.teardown = pipe_teardown,
};
