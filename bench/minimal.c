/*
 * minimal.c - the yardstick for racelab's hot loops.
 *
 * One standalone program, sharing no code with racelab, that does for one
 * primitive what a racelab run does and nothing else: one SysV shared memory
 * segment (IPC_PRIVATE, 0600, marked for removal at once), the counter on a
 * cache line of its own and the lock on another, PROCS forked workers behind
 * a start gate, and in each worker ITERS times
 *
 *	lock; v = counter; counter = v + 1; unlock
 *
 * with the primitive called directly, in a loop as plain as it can be. The
 * time is taken exactly as racelab takes it: from the parent opening the
 * gate to the last worker's end timestamp (CLOCK_MONOTONIC), divided by
 * PROCS * ITERS. bench/compare.sh (`make bench`) runs it and racelab
 * alternately and compares the two: racelab's harness and strategy plug-in
 * should cost nothing measurable on top of the primitive itself.
 *
 * usage:  build/bench/minimal STRATEGY PROCS ITERS
 *	   STRATEGY: none, sysv-sem, robust-mutex, atomic, flock,
 *		     atomic-split, mutex or sysv-sem-noundo
 * output: one line, ns_per_op=<float>
 * exit:   0 done; 1 a call or a worker failed, or a strategy that must be
 *	   exact lost updates; 2 usage error
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CACHE_LINE 64

enum prim {
	NONE,
	SYSV_SEM,
	ROBUST_MUTEX,
	ATOMIC,
	FLOCK,
	ATOMIC_SPLIT,
	MUTEX,
	SYSV_SEM_NOUNDO,
};

static const char *const prim_name[] = {
	[NONE] = "none",
	[SYSV_SEM] = "sysv-sem",
	[ROBUST_MUTEX] = "robust-mutex",
	[ATOMIC] = "atomic",
	[FLOCK] = "flock",
	[ATOMIC_SPLIT] = "atomic-split",
	[MUTEX] = "mutex",
	[SYSV_SEM_NOUNDO] = "sysv-sem-noundo",
};

/* Values of region.gate. */
enum { GATE_CLOSED, GATE_OPEN, GATE_ABORT };

/* The shared segment: counter, gate and lock each on their own line. */
struct region {
	alignas(CACHE_LINE) union {
		volatile uint64_t plain; /* none and the locks */
		_Atomic uint64_t atomic; /* atomic, atomic-split */
	} counter;
	alignas(CACHE_LINE) _Atomic unsigned ready; /* workers at the gate */
	_Atomic unsigned gate;			    /* GATE_* */
	alignas(CACHE_LINE) union {
		pthread_mutex_t mutex; /* robust-mutex, mutex */
		int semid;	       /* sysv-sem(-noundo): the set's id */
		int fd;		       /* flock: the parent's descriptor */
	} lock;
	struct {
		alignas(CACHE_LINE) _Atomic int64_t end_ns; /* loop done */
	} slot[];					    /* one per worker */
};

/* semctl(2): the caller must define this union. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A worker gives up: say why and leave (the parent sees exit status 1). */
static _Noreturn void worker_fail(const char *call, int err)
{
	fprintf(stderr, "minimal: %s: %s\n", call, strerror(err));
	_exit(1);
}

/* The racy load and store every lock protects (as racelab's counter_rmw). */
static inline void rmw(volatile uint64_t *c)
{
	uint64_t v = *c;

	__asm__ volatile("" ::: "memory");
	*c = v + 1;
}

/* ---- the loops: the reference, keep them plain ------------------------- */

/*
 * Each loop is a function of its own starting on a 64-byte boundary, so
 * where it lands in the binary cannot move the figures: measured on this
 * kind of machine, the very same `none` loop costs 0.28 ns per increment
 * inside one 64-byte line of code and 0.55 ns when it straddles two, and
 * any edit elsewhere in this file would shift it.
 */
#define LOOP static __attribute__((noinline, aligned(64))) void

LOOP loop_none(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;

	for (uint64_t i = 0; i < iters; i++)
		rmw(c);
}

LOOP loop_sysv_sem(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	int semid = r->lock.semid;
	struct sembuf p = { .sem_num = 0, .sem_op = -1, .sem_flg = SEM_UNDO };
	struct sembuf v = { .sem_num = 0, .sem_op = +1, .sem_flg = SEM_UNDO };

	for (uint64_t i = 0; i < iters; i++) {
		if (semop(semid, &p, 1) == -1)
			worker_fail("semop", errno);
		rmw(c);
		if (semop(semid, &v, 1) == -1)
			worker_fail("semop", errno);
	}
}

LOOP loop_sysv_sem_noundo(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	int semid = r->lock.semid;
	struct sembuf p = { .sem_num = 0, .sem_op = -1, .sem_flg = 0 };
	struct sembuf v = { .sem_num = 0, .sem_op = +1, .sem_flg = 0 };

	for (uint64_t i = 0; i < iters; i++) {
		if (semop(semid, &p, 1) == -1)
			worker_fail("semop", errno);
		rmw(c);
		if (semop(semid, &v, 1) == -1)
			worker_fail("semop", errno);
	}
}

/* robust-mutex and mutex: the same calls; only the attributes differ. */
LOOP loop_robust_mutex(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	pthread_mutex_t *m = &r->lock.mutex;
	int err;

	for (uint64_t i = 0; i < iters; i++) {
		if ((err = pthread_mutex_lock(m)) != 0)
			worker_fail("pthread_mutex_lock", err);
		rmw(c);
		if ((err = pthread_mutex_unlock(m)) != 0)
			worker_fail("pthread_mutex_unlock", err);
	}
}

LOOP loop_atomic(struct region *r, uint64_t iters)
{
	_Atomic uint64_t *c = &r->counter.atomic;

	for (uint64_t i = 0; i < iters; i++)
		atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

LOOP loop_atomic_split(struct region *r, uint64_t iters)
{
	_Atomic uint64_t *c = &r->counter.atomic;

	for (uint64_t i = 0; i < iters; i++)
		atomic_store_explicit(
		    c, atomic_load_explicit(c, memory_order_relaxed) + 1,
		    memory_order_relaxed);
}

LOOP loop_flock(int fd, struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;

	for (uint64_t i = 0; i < iters; i++) {
		if (flock(fd, LOCK_EX) == -1)
			worker_fail("flock", errno);
		rmw(c);
		if (flock(fd, LOCK_UN) == -1)
			worker_fail("flock", errno);
	}
}

/* ---- one worker --------------------------------------------------------- */

static _Noreturn void worker(struct region *r, enum prim prim, unsigned id,
			     uint64_t iters)
{
	unsigned gate;
	int fd = -1;

	if (prim == FLOCK) {
		/* A new open(): an open file description of its own. */
		char self[64];

		snprintf(self, sizeof(self), "/proc/self/fd/%d", r->lock.fd);
		fd = open(self, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			worker_fail(self, errno);
	}
	atomic_fetch_add_explicit(&r->ready, 1, memory_order_acq_rel);
	while ((gate = atomic_load_explicit(&r->gate, memory_order_acquire)) ==
	       GATE_CLOSED)
		sched_yield();
	if (gate == GATE_ABORT)
		_exit(1);

	switch (prim) {
	case NONE:
		loop_none(r, iters);
		break;
	case SYSV_SEM:
		loop_sysv_sem(r, iters);
		break;
	case ROBUST_MUTEX:
	case MUTEX:
		loop_robust_mutex(r, iters);
		break;
	case ATOMIC:
		loop_atomic(r, iters);
		break;
	case FLOCK:
		loop_flock(fd, r, iters);
		break;
	case ATOMIC_SPLIT:
		loop_atomic_split(r, iters);
		break;
	case SYSV_SEM_NOUNDO:
		loop_sysv_sem_noundo(r, iters);
		break;
	}
	atomic_store_explicit(&r->slot[id].end_ns, now_ns(),
			      memory_order_release);
	_exit(0);
}

/* ---- the parent --------------------------------------------------------- */

static int lock_setup(struct region *r, enum prim prim)
{
	switch (prim) {
	case SYSV_SEM:
	case SYSV_SEM_NOUNDO:
		r->lock.semid =
		    semget(IPC_PRIVATE, 1, IPC_CREAT | IPC_EXCL | 0600);
		if (r->lock.semid == -1) {
			perror("minimal: semget");
			return -1;
		}
		if (semctl(r->lock.semid, 0, SETVAL,
			   (union semun){ .val = 1 }) == -1) {
			perror("minimal: semctl SETVAL");
			return -1;
		}
		return 0;
	case ROBUST_MUTEX:
	case MUTEX: {
		pthread_mutexattr_t attr;
		int err = pthread_mutexattr_init(&attr);

		if (!err)
			err = pthread_mutexattr_setpshared(
			    &attr, PTHREAD_PROCESS_SHARED);
		if (!err && prim == ROBUST_MUTEX)
			err = pthread_mutexattr_setrobust(&attr,
							  PTHREAD_MUTEX_ROBUST);
		if (!err)
			err = pthread_mutex_init(&r->lock.mutex, &attr);
		(void)pthread_mutexattr_destroy(&attr);
		if (err) {
			fprintf(stderr, "minimal: pthread_mutex_init: %s\n",
				strerror(err));
			return -1;
		}
		return 0;
	}
	case FLOCK: {
		const char *dir = getenv("TMPDIR");
		char tpl[512];

		if (!dir || !*dir)
			dir = "/tmp";
		snprintf(tpl, sizeof(tpl), "%s/racelab-minimal-XXXXXX", dir);
		r->lock.fd = mkostemp(tpl, O_CLOEXEC);
		if (r->lock.fd < 0) {
			perror("minimal: mkostemp");
			return -1;
		}
		(void)unlink(tpl); /* the workers reach it through /proc */
		return 0;
	}
	case NONE:
	case ATOMIC:
	case ATOMIC_SPLIT:
		return 0;
	}
	return 0;
}

/* Undo lock_setup, also a half-done one (semid/fd start at -1). */
static void lock_teardown(struct region *r, enum prim prim)
{
	if ((prim == SYSV_SEM || prim == SYSV_SEM_NOUNDO) &&
	    r->lock.semid != -1 && semctl(r->lock.semid, 0, IPC_RMID) == -1)
		perror("minimal: semctl IPC_RMID");
	if (prim == FLOCK && r->lock.fd >= 0)
		(void)close(r->lock.fd);
}

static int parse_args(int argc, char **argv, enum prim *prim, unsigned *procs,
		      uint64_t *iters)
{
	char *end;
	unsigned long long n;
	unsigned i;

	if (argc != 4)
		return -1;
	for (i = 0; i < sizeof(prim_name) / sizeof(prim_name[0]); i++)
		if (strcmp(argv[1], prim_name[i]) == 0)
			break;
	if (i == sizeof(prim_name) / sizeof(prim_name[0]))
		return -1;
	*prim = (enum prim)i;
	errno = 0;
	n = strtoull(argv[2], &end, 10);
	if (errno || *end || argv[2][0] < '1' || argv[2][0] > '9' || n > 1024)
		return -1;
	*procs = (unsigned)n;
	n = strtoull(argv[3], &end, 10);
	if (errno || *end || argv[3][0] < '1' || argv[3][0] > '9')
		return -1;
	*iters = n;
	return 0;
}

int main(int argc, char **argv)
{
	enum prim prim;
	unsigned procs, started = 0;
	uint64_t iters;
	struct region *r;
	pid_t parent = getpid(), *pid;
	int id, failed = 0;
	int64_t t0, end;

	if (parse_args(argc, argv, &prim, &procs, &iters)) {
		fprintf(
		    stderr,
		    "usage: minimal none|sysv-sem|robust-mutex|atomic|flock|"
		    "atomic-split|mutex|sysv-sem-noundo PROCS(1-1024) "
		    "ITERS\n");
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
	r->lock.semid = -1; /* also r->lock.fd: nothing to undo yet */
	if (lock_setup(r, prim)) {
		lock_teardown(r, prim);
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
			worker(r, prim, started, iters);
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
	lock_teardown(r, prim);
	if (failed) {
		fprintf(stderr, "minimal: %s: a worker failed\n",
			prim_name[prim]);
		return 1;
	}

	end = t0;
	for (unsigned i = 0; i < procs; i++) {
		int64_t e = atomic_load(&r->slot[i].end_ns);

		if (e > end)
			end = e;
	}
	if (prim != NONE && prim != ATOMIC_SPLIT &&
	    r->counter.plain != (uint64_t)procs * iters) {
		fprintf(stderr, "minimal: %s: counter is %llu, expected %llu\n",
			prim_name[prim], (unsigned long long)r->counter.plain,
			(unsigned long long)procs * iters);
		return 1;
	}
	printf("ns_per_op=%.3f\n",
	       (double)(end - t0) / ((double)procs * (double)iters));
	(void)shmdt(r);
	free(pid);
	return 0;
}
