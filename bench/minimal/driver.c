/*
 * driver.c - the shared driver of the minimal loops (driver.h says what
 * they are): parse PROCS and ITERS, map the segment, set the primitive up,
 * fork the workers behind a start gate, time them, check the count.
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <immintrin.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Values of region.gate. */
enum { GATE_CLOSED, GATE_OPEN, GATE_ABORT };

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

_Noreturn void worker_fail(const char *call, int err)
{
	fprintf(stderr, "minimal: %s: %s: %s\n", minimal.name, call,
		strerror(err));
	_exit(1);
}

void spin_wait(void)
{
	static _Thread_local unsigned spins;

	_mm_pause();
	if (++spins == 100) {
		spins = 0;
		sched_yield();
	}
}

int lockfile_create(void)
{
	const char *dir = getenv("TMPDIR");
	char tpl[512];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(tpl, sizeof(tpl), "%s/racelab-minimal-XXXXXX", dir);
	fd = mkostemp(tpl, O_CLOEXEC);
	if (fd < 0) {
		perror("minimal: mkostemp");
		return -1;
	}
	(void)unlink(tpl); /* the workers reach it through /proc */
	return fd;
}

int lockfile_reopen(int fd)
{
	char self[64];
	int mine;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	mine = open(self, O_RDWR | O_CLOEXEC);
	if (mine < 0)
		worker_fail(self, errno);
	return mine;
}

static _Noreturn void worker(struct region *r, unsigned id, uint64_t iters)
{
	int fd = minimal.attach ? minimal.attach(r) : -1;
	unsigned gate;

	atomic_fetch_add_explicit(&r->ready, 1, memory_order_acq_rel);
	while ((gate = atomic_load_explicit(&r->gate, memory_order_acquire)) ==
	       GATE_CLOSED)
		sched_yield();
	if (gate == GATE_ABORT)
		_exit(1);
	minimal.loop(r, id, fd, iters);
	atomic_store_explicit(&r->slot[id].end_ns, now_ns(),
			      memory_order_release);
	_exit(0);
}

static int parse_args(int argc, char **argv, unsigned *procs, uint64_t *iters)
{
	char *end;
	unsigned long long n;

	if (argc != 3)
		return -1;
	errno = 0;
	n = strtoull(argv[1], &end, 10);
	if (errno || *end || argv[1][0] < '1' || argv[1][0] > '9' || n > 1024)
		return -1;
	*procs = (unsigned)n;
	n = strtoull(argv[2], &end, 10);
	if (errno || *end || argv[2][0] < '1' || argv[2][0] > '9')
		return -1;
	*iters = n;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned procs, started = 0;
	uint64_t iters, final;
	struct region *r;
	pid_t parent = getpid(), *pid;
	int id, failed = 0;
	int64_t t0, end;

	if (parse_args(argc, argv, &procs, &iters)) {
		fprintf(stderr, "usage: %s PROCS(1-1024) ITERS\n", argv[0]);
		return 2;
	}
	if (minimal.procs && procs != minimal.procs) {
		fprintf(stderr, "minimal: %s: exactly %u workers\n",
			minimal.name, minimal.procs);
		return 2;
	}
	pid = calloc(procs, sizeof(*pid));
	if (!pid) {
		perror("minimal: calloc");
		return 1;
	}
	id = shmget(IPC_PRIVATE,
		    sizeof(struct region) + procs * sizeof(r->slot[0]),
		    IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1) {
		perror("minimal: shmget");
		return 1;
	}
	r = shmat(id, NULL, 0);
	(void)shmctl(id, IPC_RMID, NULL); /* gone with the last detach */
	if (r == (void *)-1) {
		perror("minimal: shmat");
		return 1;
	}
	if (minimal.setup && minimal.setup(r)) {
		if (minimal.teardown)
			minimal.teardown(r);
		return 1;
	}

	fflush(NULL);
	for (; started < procs; started++) {
		pid[started] = fork();
		if (pid[started] == -1) {
			perror("minimal: fork");
			failed = 1;
			break;
		}
		if (pid[started] == 0) {
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(1);
			worker(r, started, iters);
		}
	}
	/* The gate: wait for everyone (or for a worker that failed first). */
	while (!failed &&
	       atomic_load_explicit(&r->ready, memory_order_acquire) < procs) {
		if (waitpid(-1, NULL, WNOHANG) > 0)
			failed = 1;
		sched_yield();
	}
	t0 = now_ns();
	atomic_store_explicit(&r->gate, failed ? GATE_ABORT : GATE_OPEN,
			      memory_order_release);
	for (unsigned i = 0; i < started; i++) {
		int status;

		if (waitpid(pid[i], &status, 0) == -1) {
			if (errno != ECHILD) /* ECHILD: reaped at the gate */
				perror("minimal: waitpid");
			failed = 1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			failed = 1;
		}
	}
	final = !failed && minimal.total ? minimal.total(r, procs)
					 : r->counter.plain;
	if (minimal.teardown)
		minimal.teardown(r);
	if (failed) {
		fprintf(stderr, "minimal: %s: a worker failed\n", minimal.name);
		return 1;
	}
	end = t0;
	for (unsigned i = 0; i < procs; i++) {
		int64_t e = atomic_load(&r->slot[i].end_ns);

		if (e > end)
			end = e;
	}
	if (!minimal.racy && final != (uint64_t)procs * iters) {
		fprintf(stderr, "minimal: %s: counter is %llu, expected %llu\n",
			minimal.name, (unsigned long long) final,
			(unsigned long long)procs * iters);
		return 1;
	}
	printf("ns_per_op=%.3f\n",
	       (double)(end - t0) / ((double)procs * (double)iters));
	(void)shmdt(r);
	free(pid);
	return 0;
}
