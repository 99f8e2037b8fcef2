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
 * The strategies that keep no shared counter do their own minimal version
 * of it: sharded adds to a counter of its own on its own cache line, and the
 * parent sums; pipe and pipe-unbatched write() increments to an owner
 * process through a pipe, which sends its total back at the end. peterson
 * and peterson-relaxed take exactly 2 workers and, like racelab's, spend a
 * random 0-511 empty loop turns outside the lock after each unlock (see
 * src/strategies/common/peterson.h: the comparison must do the same work).
 * The queue locks (mcs, clh, hemlock, bakery, ck-mcs, ck-clh) keep their
 * per-worker words on the worker's own slot line; fifo, eventfd, sysv-msg
 * and posix-mq pass one token; unix-socket is pipe-unbatched's owner fed
 * through a SOCK_SEQPACKET socket pair instead of a pipe.
 *
 * usage:  build/bench/minimal STRATEGY PROCS ITERS
 *	   STRATEGY: one of prim_name[] below
 * output: one line, ns_per_op=<float>
 * exit:   0 done; 1 a call or a worker failed, or a strategy that must be
 *	   exact lost updates; 2 usage error
 */
#include <errno.h>
#include <fcntl.h>
#include <immintrin.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef RACELAB_HAVE_CK
#include <ck_spinlock.h>
#endif

#define CACHE_LINE 64

enum prim {
	NONE,
	SYSV_SEM,
	ROBUST_MUTEX,
	ATOMIC,
	FLOCK,
	SPIN,
	TTAS,
	TICKET,
	POSIX_SEM,
	FCNTL,
	OFD,
	FUTEX,
	PETERSON,
	PETERSON_RELAXED,
	SHARDED,
	PIPE,
	PIPE_UNBATCHED,
	ATOMIC_SPLIT,
	MUTEX,
	SYSV_SEM_NOUNDO,
	MCS,
	CLH,
	HEMLOCK,
	BAKERY,
	PTHREAD_SPIN,
	RWLOCK,
	PI_MUTEX,
	ADAPTIVE_MUTEX,
	CK_MCS,
	CK_CLH,
	CK_TICKET,
	CK_FAS,
	FIFO,
	SYSV_MSG,
	POSIX_MQ,
	EVENTFD,
	UNIX_SOCKET,
};

static const char *const prim_name[] = {
	[NONE] = "none",
	[SYSV_SEM] = "sysv-sem",
	[ROBUST_MUTEX] = "robust-mutex",
	[ATOMIC] = "atomic",
	[FLOCK] = "flock",
	[SPIN] = "spin",
	[TTAS] = "ttas",
	[TICKET] = "ticket",
	[POSIX_SEM] = "posix-sem",
	[FCNTL] = "fcntl",
	[OFD] = "ofd",
	[FUTEX] = "futex",
	[PETERSON] = "peterson",
	[PETERSON_RELAXED] = "peterson-relaxed",
	[SHARDED] = "sharded",
	[PIPE] = "pipe",
	[PIPE_UNBATCHED] = "pipe-unbatched",
	[ATOMIC_SPLIT] = "atomic-split",
	[MUTEX] = "mutex",
	[SYSV_SEM_NOUNDO] = "sysv-sem-noundo",
	[MCS] = "mcs",
	[CLH] = "clh",
	[HEMLOCK] = "hemlock",
	[BAKERY] = "bakery",
	[PTHREAD_SPIN] = "pthread-spin",
	[RWLOCK] = "rwlock",
	[PI_MUTEX] = "pi-mutex",
	[ADAPTIVE_MUTEX] = "adaptive-mutex",
	[CK_MCS] = "ck-mcs",
	[CK_CLH] = "ck-clh",
	[CK_TICKET] = "ck-ticket",
	[CK_FAS] = "ck-fas",
	[FIFO] = "fifo",
	[SYSV_MSG] = "sysv-msg",
	[POSIX_MQ] = "posix-mq",
	[EVENTFD] = "eventfd",
	[UNIX_SOCKET] = "unix-socket",
};

#define PIPE_BATCH 1024 /* increments per message, as racelab's pipe */

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
	alignas(CACHE_LINE) struct {
		pthread_mutex_t mutex;	  /* robust-mutex, mutex */
		int semid;		  /* sysv-sem: the set's id, or -1 */
		int fd;			  /* file locks: the parent's fd, -1 */
		atomic_flag flag;	  /* spin */
		_Atomic unsigned word;	  /* ttas, futex */
		_Atomic unsigned next;	  /* ticket: next ticket */
		_Atomic unsigned serving; /* ticket: the one let in */
		_Atomic unsigned want[2]; /* peterson: flags */
		_Atomic unsigned turn;	  /* peterson */
		sem_t sem;		  /* posix-sem */
		int in[2], out[2];	  /* pipe: increments, the total */
		pid_t owner;		  /* pipe: the owner's pid, or 0 */
		pthread_spinlock_t spin;  /* pthread-spin */
		pthread_rwlock_t rw;	  /* rwlock */
		int msqid;		  /* sysv-msg: the queue's id, or -1 */
		mqd_t mq;		  /* posix-mq, or -1 */
		_Atomic unsigned tail;	  /* mcs, clh, hemlock */
		unsigned procs;		  /* clh, bakery: how many workers */
		alignas(CACHE_LINE) _Atomic unsigned spare; /* clh's spare */
#ifdef RACELAB_HAVE_CK
		alignas(CACHE_LINE) ck_spinlock_mcs_t ck_mcs; /* ck-mcs */
		struct ck_spinlock_clh *ck_clh;		      /* ck-clh */
		ck_spinlock_ticket_t ck_ticket;		      /* ck-ticket */
		ck_spinlock_fas_t ck_fas;		      /* ck-fas */
		alignas(CACHE_LINE) struct ck_spinlock_clh ck_spare;
#endif
	} lock;
	struct {
		alignas(CACHE_LINE) _Atomic int64_t end_ns; /* loop done */
		volatile uint64_t count; /* sharded: this worker's counter */
		/* The queue locks' per-worker word(s), on this line. */
		_Atomic unsigned q_locked; /* mcs, clh: busy; hemlock: grant */
		_Atomic unsigned q_next;   /* mcs: the next in line */
		_Atomic unsigned choosing; /* bakery */
		_Atomic uint64_t number;   /* bakery */
#ifdef RACELAB_HAVE_CK
		struct ck_spinlock_mcs ck_mcs; /* ck-mcs: this worker's node */
		struct ck_spinlock_clh ck_clh; /* ck-clh: a node */
#endif
	} slot[]; /* one per worker */
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

/* How the spinning loops wait (as racelab's spinwait.h): pause, and after
 * 100 pauses give the CPU away once. Only contended runs get here. */
static inline void spin_wait(void)
{
	static _Thread_local unsigned spins;

	_mm_pause();
	if (++spins == 100) {
		spins = 0;
		sched_yield();
	}
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

LOOP loop_spin(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	atomic_flag *f = &r->lock.flag;

	for (uint64_t i = 0; i < iters; i++) {
		while (
		    atomic_flag_test_and_set_explicit(f, memory_order_acquire))
			spin_wait();
		rmw(c);
		atomic_flag_clear_explicit(f, memory_order_release);
	}
}

LOOP loop_ttas(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *l = &r->lock.word;

	for (uint64_t i = 0; i < iters; i++) {
		while (atomic_exchange_explicit(l, 1, memory_order_acquire))
			while (atomic_load_explicit(l, memory_order_relaxed))
				spin_wait();
		rmw(c);
		atomic_store_explicit(l, 0, memory_order_release);
	}
}

LOOP loop_ticket(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *next = &r->lock.next, *serving = &r->lock.serving;

	for (uint64_t i = 0; i < iters; i++) {
		unsigned t =
		    atomic_fetch_add_explicit(next, 1, memory_order_relaxed);

		while (atomic_load_explicit(serving, memory_order_acquire) != t)
			spin_wait();
		rmw(c);
		atomic_store_explicit(serving, t + 1, memory_order_release);
	}
}

LOOP loop_posix_sem(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	sem_t *sem = &r->lock.sem;

	for (uint64_t i = 0; i < iters; i++) {
		while (sem_wait(sem) == -1)
			if (errno != EINTR)
				worker_fail("sem_wait", errno);
		rmw(c);
		if (sem_post(sem) == -1)
			worker_fail("sem_post", errno);
	}
}

/* fcntl and ofd: the same loop, F_SETLKW or F_OFD_SETLKW. */
LOOP loop_record(int fd, int cmd, struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct flock unlock = { .l_type = F_UNLCK, .l_whence = SEEK_SET };

	for (uint64_t i = 0; i < iters; i++) {
		if (fcntl(fd, cmd, &lock) == -1)
			worker_fail("fcntl lock", errno);
		rmw(c);
		if (fcntl(fd, cmd, &unlock) == -1)
			worker_fail("fcntl unlock", errno);
	}
}

static long futex(_Atomic unsigned *w, int op, unsigned val)
{
	return syscall(SYS_futex, (unsigned *)w, op, val, NULL, NULL, 0);
}

LOOP loop_futex(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *w = &r->lock.word;

	for (uint64_t i = 0; i < iters; i++) {
		unsigned zero = 0;

		if (!atomic_compare_exchange_strong_explicit(
			w, &zero, 1, memory_order_acquire,
			memory_order_relaxed))
			while (atomic_exchange_explicit(w, 2,
							memory_order_acquire))
				futex(w, FUTEX_WAIT, 2);
		rmw(c);
		if (atomic_exchange_explicit(w, 0, memory_order_release) == 2)
			futex(w, FUTEX_WAKE, 1);
	}
}

/* The remainder section racelab's peterson has: 0-511 empty turns. */
static inline void outside(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	for (unsigned i = (unsigned)(*x % 512); i; i--)
		__asm__ volatile("");
}

LOOP loop_peterson(struct region *r, unsigned me, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *want = r->lock.want, *turn = &r->lock.turn;
	uint64_t x = 88172645463325252ULL + me;

	for (uint64_t i = 0; i < iters; i++) {
		atomic_store(&want[me], 1);
		atomic_store(turn, 1 - me);
		while (atomic_load(&want[1 - me]) &&
		       atomic_load(turn) == 1 - me)
			spin_wait();
		rmw(c);
		atomic_store_explicit(&want[me], 0, memory_order_release);
		outside(&x);
	}
}

LOOP loop_peterson_relaxed(struct region *r, unsigned me, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *want = r->lock.want, *turn = &r->lock.turn;
	uint64_t x = 88172645463325252ULL + me;

	for (uint64_t i = 0; i < iters; i++) {
		atomic_store_explicit(&want[me], 1, memory_order_relaxed);
		atomic_store_explicit(turn, 1 - me, memory_order_relaxed);
		while (
		    atomic_load_explicit(&want[1 - me], memory_order_relaxed) &&
		    atomic_load_explicit(turn, memory_order_relaxed) == 1 - me)
			spin_wait();
		rmw(c);
		atomic_store_explicit(&want[me], 0, memory_order_relaxed);
		outside(&x);
	}
}

LOOP loop_sharded(volatile uint64_t *mine, uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		rmw(mine);
}

static void send_incr(int fd, uint64_t n)
{
	if (write(fd, &n, sizeof(n)) != sizeof(n))
		worker_fail("write", errno);
}

LOOP loop_pipe(int fd, uint64_t iters)
{
	uint64_t pending = 0;

	for (uint64_t i = 0; i < iters; i++)
		if (++pending == PIPE_BATCH) {
			send_incr(fd, pending);
			pending = 0;
		}
	if (pending)
		send_incr(fd, pending);
}

LOOP loop_pipe_unbatched(int fd, uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		send_incr(fd, 1);
}

/* Queue locks: worker n's word, n = id + 1 (0: nobody). */
LOOP loop_mcs(struct region *r, unsigned me, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *tail = &r->lock.tail;
	unsigned self = me + 1;

	for (uint64_t i = 0; i < iters; i++) {
		unsigned pred, next, expected = self;

		atomic_store_explicit(&r->slot[me].q_locked, 1,
				      memory_order_relaxed);
		atomic_store_explicit(&r->slot[me].q_next, 0,
				      memory_order_relaxed);
		pred =
		    atomic_exchange_explicit(tail, self, memory_order_acq_rel);
		if (pred) {
			atomic_store_explicit(&r->slot[pred - 1].q_next, self,
					      memory_order_release);
			while (atomic_load_explicit(&r->slot[me].q_locked,
						    memory_order_acquire))
				spin_wait();
		}
		rmw(c);
		next = atomic_load_explicit(&r->slot[me].q_next,
					    memory_order_acquire);
		if (!next) {
			if (atomic_compare_exchange_strong_explicit(
				tail, &expected, 0, memory_order_release,
				memory_order_relaxed))
				continue;
			while (
			    !(next = atomic_load_explicit(
				  &r->slot[me].q_next, memory_order_acquire)))
				spin_wait();
		}
		atomic_store_explicit(&r->slot[next - 1].q_locked, 0,
				      memory_order_release);
	}
}

/* CLH: nodes 0..procs-1 are the slots' words, node procs the spare. */
static inline _Atomic unsigned *clh_node(struct region *r, unsigned procs,
					 unsigned n)
{
	return n == procs ? &r->lock.spare : &r->slot[n].q_locked;
}

LOOP loop_clh(struct region *r, unsigned me, unsigned procs, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	unsigned mine = me;

	for (uint64_t i = 0; i < iters; i++) {
		unsigned pred;

		atomic_store_explicit(clh_node(r, procs, mine), 1,
				      memory_order_relaxed);
		pred = atomic_exchange_explicit(&r->lock.tail, mine,
						memory_order_acq_rel);
		while (atomic_load_explicit(clh_node(r, procs, pred),
					    memory_order_acquire))
			spin_wait();
		rmw(c);
		atomic_store_explicit(clh_node(r, procs, mine), 0,
				      memory_order_release);
		mine = pred;
	}
}

LOOP loop_hemlock(struct region *r, unsigned me, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *tail = &r->lock.tail;

	for (uint64_t i = 0; i < iters; i++) {
		unsigned pred = atomic_exchange_explicit(tail, me + 1,
							 memory_order_acq_rel);
		unsigned expected = me + 1;

		if (pred) {
			_Atomic unsigned *g = &r->slot[pred - 1].q_locked;

			while (!atomic_load_explicit(g, memory_order_acquire))
				spin_wait();
			atomic_store_explicit(g, 0, memory_order_relaxed);
		}
		rmw(c);
		if (!atomic_compare_exchange_strong_explicit(
			tail, &expected, 0, memory_order_release,
			memory_order_relaxed)) {
			_Atomic unsigned *g = &r->slot[me].q_locked;

			atomic_store_explicit(g, 1, memory_order_release);
			while (atomic_load_explicit(g, memory_order_relaxed))
				spin_wait();
		}
	}
}

LOOP loop_bakery(struct region *r, unsigned me, unsigned procs, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;

	for (uint64_t i = 0; i < iters; i++) {
		uint64_t max = 0, mine;

		atomic_store(&r->slot[me].choosing, 1);
		for (unsigned j = 0; j < procs; j++) {
			uint64_t n = atomic_load(&r->slot[j].number);

			if (n > max)
				max = n;
		}
		mine = max + 1;
		atomic_store(&r->slot[me].number, mine);
		atomic_store(&r->slot[me].choosing, 0);
		for (unsigned j = 0; j < procs; j++) {
			uint64_t n;

			if (j == me)
				continue;
			while (atomic_load(&r->slot[j].choosing))
				spin_wait();
			while ((n = atomic_load(&r->slot[j].number)) != 0 &&
			       (n < mine || (n == mine && j < me)))
				spin_wait();
		}
		rmw(c);
		atomic_store_explicit(&r->slot[me].number, 0,
				      memory_order_release);
	}
}

LOOP loop_pthread_spin(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	pthread_spinlock_t *l = &r->lock.spin;
	int err;

	for (uint64_t i = 0; i < iters; i++) {
		if ((err = pthread_spin_lock(l)) != 0)
			worker_fail("pthread_spin_lock", err);
		rmw(c);
		if ((err = pthread_spin_unlock(l)) != 0)
			worker_fail("pthread_spin_unlock", err);
	}
}

LOOP loop_rwlock(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	pthread_rwlock_t *l = &r->lock.rw;
	int err;

	for (uint64_t i = 0; i < iters; i++) {
		if ((err = pthread_rwlock_wrlock(l)) != 0)
			worker_fail("pthread_rwlock_wrlock", err);
		rmw(c);
		if ((err = pthread_rwlock_unlock(l)) != 0)
			worker_fail("pthread_rwlock_unlock", err);
	}
}

#ifdef RACELAB_HAVE_CK
LOOP loop_ck_mcs(struct region *r, unsigned me, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct ck_spinlock_mcs *node = &r->slot[me].ck_mcs;

	for (uint64_t i = 0; i < iters; i++) {
		ck_spinlock_mcs_lock(&r->lock.ck_mcs, node);
		rmw(c);
		ck_spinlock_mcs_unlock(&r->lock.ck_mcs, node);
	}
}

LOOP loop_ck_clh(struct region *r, unsigned me, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct ck_spinlock_clh *node = &r->slot[me].ck_clh;

	for (uint64_t i = 0; i < iters; i++) {
		ck_spinlock_clh_lock(&r->lock.ck_clh, node);
		rmw(c);
		ck_spinlock_clh_unlock(&node);
	}
}

LOOP loop_ck_ticket(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;

	for (uint64_t i = 0; i < iters; i++) {
		ck_spinlock_ticket_lock(&r->lock.ck_ticket);
		rmw(c);
		ck_spinlock_ticket_unlock(&r->lock.ck_ticket);
	}
}

LOOP loop_ck_fas(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;

	for (uint64_t i = 0; i < iters; i++) {
		ck_spinlock_fas_lock(&r->lock.ck_fas);
		rmw(c);
		ck_spinlock_fas_unlock(&r->lock.ck_fas);
	}
}
#endif

/* fifo and eventfd: take a token with read(), give it back with write(). */
LOOP loop_token_fd(int rd, int wr, size_t size, struct region *r,
		   uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	uint64_t token = 1;

	for (uint64_t i = 0; i < iters; i++) {
		if (read(rd, &token, size) != (ssize_t)size)
			worker_fail("read", errno);
		rmw(c);
		token = 1;
		if (write(wr, &token, size) != (ssize_t)size)
			worker_fail("write", errno);
	}
}

struct token_msg {
	long mtype;
	char mtext[1];
};

LOOP loop_sysv_msg(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct token_msg m = { .mtype = 1, .mtext = { 'T' } };
	int q = r->lock.msqid;

	for (uint64_t i = 0; i < iters; i++) {
		if (msgrcv(q, &m, 1, 1, 0) == -1)
			worker_fail("msgrcv", errno);
		rmw(c);
		if (msgsnd(q, &m, 1, 0) == -1)
			worker_fail("msgsnd", errno);
	}
}

LOOP loop_posix_mq(struct region *r, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	mqd_t q = r->lock.mq;
	char token;

	for (uint64_t i = 0; i < iters; i++) {
		if (mq_receive(q, &token, 1, NULL) == -1)
			worker_fail("mq_receive", errno);
		rmw(c);
		if (mq_send(q, &token, 1, 0) == -1)
			worker_fail("mq_send", errno);
	}
}

/* ---- one worker --------------------------------------------------------- */

static _Noreturn void worker(struct region *r, enum prim prim, unsigned id,
			     uint64_t iters)
{
	unsigned gate;
	int fd = -1;

	if (prim == FLOCK || prim == FCNTL || prim == OFD) {
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
	case SPIN:
		loop_spin(r, iters);
		break;
	case TTAS:
		loop_ttas(r, iters);
		break;
	case TICKET:
		loop_ticket(r, iters);
		break;
	case POSIX_SEM:
		loop_posix_sem(r, iters);
		break;
	case FCNTL:
		loop_record(fd, F_SETLKW, r, iters);
		break;
	case OFD:
		loop_record(fd, F_OFD_SETLKW, r, iters);
		break;
	case FUTEX:
		loop_futex(r, iters);
		break;
	case PETERSON:
		loop_peterson(r, id, iters);
		break;
	case PETERSON_RELAXED:
		loop_peterson_relaxed(r, id, iters);
		break;
	case SHARDED:
		loop_sharded(&r->slot[id].count, iters);
		break;
	case PIPE:
		loop_pipe(r->lock.in[1], iters);
		break;
	case PIPE_UNBATCHED:
		loop_pipe_unbatched(r->lock.in[1], iters);
		break;
	case ATOMIC_SPLIT:
		loop_atomic_split(r, iters);
		break;
	case SYSV_SEM_NOUNDO:
		loop_sysv_sem_noundo(r, iters);
		break;
	case MCS:
		loop_mcs(r, id, iters);
		break;
	case CLH:
		loop_clh(r, id, r->lock.procs, iters);
		break;
	case HEMLOCK:
		loop_hemlock(r, id, iters);
		break;
	case BAKERY:
		loop_bakery(r, id, r->lock.procs, iters);
		break;
	case PTHREAD_SPIN:
		loop_pthread_spin(r, iters);
		break;
	case RWLOCK:
		loop_rwlock(r, iters);
		break;
	case PI_MUTEX:
	case ADAPTIVE_MUTEX:
		loop_robust_mutex(r, iters); /* the same calls */
		break;
#ifdef RACELAB_HAVE_CK
	case CK_MCS:
		loop_ck_mcs(r, id, iters);
		break;
	case CK_CLH:
		loop_ck_clh(r, id, iters);
		break;
	case CK_TICKET:
		loop_ck_ticket(r, iters);
		break;
	case CK_FAS:
		loop_ck_fas(r, iters);
		break;
#else
	case CK_MCS:
	case CK_CLH:
	case CK_TICKET:
	case CK_FAS:
		worker_fail("ck", ENOSYS);
#endif
	case FIFO:
		loop_token_fd(r->lock.in[0], r->lock.in[1], 1, r, iters);
		break;
	case EVENTFD:
		loop_token_fd(r->lock.fd, r->lock.fd, 8, r, iters);
		break;
	case SYSV_MSG:
		loop_sysv_msg(r, iters);
		break;
	case POSIX_MQ:
		loop_posix_mq(r, iters);
		break;
	case UNIX_SOCKET:
		loop_pipe_unbatched(r->lock.in[1], iters);
		break;
	}
	atomic_store_explicit(&r->slot[id].end_ns, now_ns(),
			      memory_order_release);
	_exit(0);
}

/* ---- the parent --------------------------------------------------------- */

/* pipe: the owner adds up what it reads and writes the sum back. */
static int owner_start(struct region *r, int socket)
{
	pid_t owner;
	int in, out, wr;

	/* unix-socket: the same owner, fed through a SOCK_SEQPACKET pair. */
	if ((socket ? socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				 r->lock.in)
		    : pipe2(r->lock.in, O_CLOEXEC)) == -1 ||
	    pipe2(r->lock.out, O_CLOEXEC) == -1) {
		perror("minimal: pipe2 or socketpair");
		return -1;
	}
	/* Locals: r is shared, and the parent resets its fields at once. */
	in = r->lock.in[0], out = r->lock.out[1], wr = r->lock.in[1];
	fflush(NULL);
	owner = fork();
	if (owner == -1) {
		perror("minimal: fork");
		return -1;
	}
	if (owner == 0) {
		uint64_t buf[512], sum = 0;
		size_t have = 0;
		ssize_t n;

		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(wr);
		while ((n = read(in, (char *)buf + have, sizeof(buf) - have)) >
		       0) {
			have += (size_t)n;
			for (size_t k = 0; k < have / 8; k++)
				sum += buf[k];
			memmove(buf, (char *)buf + have / 8 * 8, have % 8);
			have %= 8;
		}
		_exit(write(out, &sum, 8) == 8 ? 0 : 1);
	}
	r->lock.owner = owner;
	close(r->lock.in[0]);
	close(r->lock.out[1]);
	r->lock.in[0] = r->lock.out[1] = -1;
	return 0;
}

/* pipe: the workers are gone; close our end and hear the total. */
static uint64_t owner_total(struct region *r)
{
	uint64_t sum = 0;

	close(r->lock.in[1]);
	r->lock.in[1] = -1;
	if (read(r->lock.out[0], &sum, 8) != 8)
		perror("minimal: read the owner's total");
	return sum;
}

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
	case MUTEX:
	case PI_MUTEX:
	case ADAPTIVE_MUTEX: {
		pthread_mutexattr_t attr;
		int err = pthread_mutexattr_init(&attr);

		if (!err)
			err = pthread_mutexattr_setpshared(
			    &attr, PTHREAD_PROCESS_SHARED);
		if (!err && (prim == ROBUST_MUTEX || prim == PI_MUTEX))
			err = pthread_mutexattr_setrobust(&attr,
							  PTHREAD_MUTEX_ROBUST);
		if (!err && prim == PI_MUTEX)
			err = pthread_mutexattr_setprotocol(
			    &attr, PTHREAD_PRIO_INHERIT);
		if (!err && prim == ADAPTIVE_MUTEX)
			err = pthread_mutexattr_settype(
			    &attr, PTHREAD_MUTEX_ADAPTIVE_NP);
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
	case FLOCK:
	case FCNTL:
	case OFD: {
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
	case SPIN:
		atomic_flag_clear(&r->lock.flag);
		return 0;
	case POSIX_SEM:
		if (sem_init(&r->lock.sem, 1, 1) == -1) {
			perror("minimal: sem_init");
			return -1;
		}
		return 0;
	case PIPE:
	case PIPE_UNBATCHED:
		return owner_start(r, 0);
	case CLH:
		atomic_store(&r->lock.tail, r->lock.procs); /* the spare */
		return 0;
	case PTHREAD_SPIN: {
		int err =
		    pthread_spin_init(&r->lock.spin, PTHREAD_PROCESS_SHARED);

		if (err) {
			fprintf(stderr, "minimal: pthread_spin_init: %s\n",
				strerror(err));
			return -1;
		}
		return 0;
	}
	case RWLOCK: {
		pthread_rwlockattr_t attr;
		int err = pthread_rwlockattr_init(&attr);

		if (!err)
			err = pthread_rwlockattr_setpshared(
			    &attr, PTHREAD_PROCESS_SHARED);
		if (!err)
			err = pthread_rwlock_init(&r->lock.rw, &attr);
		(void)pthread_rwlockattr_destroy(&attr);
		if (err) {
			fprintf(stderr, "minimal: pthread_rwlock_init: %s\n",
				strerror(err));
			return -1;
		}
		return 0;
	}
#ifdef RACELAB_HAVE_CK
	case CK_MCS:
		ck_spinlock_mcs_init(&r->lock.ck_mcs);
		return 0;
	case CK_CLH:
		ck_spinlock_clh_init(&r->lock.ck_clh, &r->lock.ck_spare);
		return 0;
	case CK_TICKET:
		ck_spinlock_ticket_init(&r->lock.ck_ticket);
		return 0;
	case CK_FAS:
		ck_spinlock_fas_init(&r->lock.ck_fas);
		return 0;
#else
	case CK_MCS:
	case CK_CLH:
	case CK_TICKET:
	case CK_FAS:
		fprintf(stderr, "minimal: built without Concurrency Kit\n");
		return -1;
#endif
	case FIFO: {
		/* A private 0700 directory; the FIFO is unlinked at once. */
		const char *dir = getenv("TMPDIR");
		char tpl[512], path[600];
		char token = 'T';

		if (!dir || !*dir)
			dir = "/tmp";
		snprintf(tpl, sizeof(tpl), "%s/racelab-minimal-XXXXXX", dir);
		if (!mkdtemp(tpl)) {
			perror("minimal: mkdtemp");
			return -1;
		}
		snprintf(path, sizeof(path), "%s/token", tpl);
		if (mkfifo(path, 0600) == 0) {
			r->lock.in[0] =
			    open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
			r->lock.in[1] = open(path, O_WRONLY | O_CLOEXEC);
		}
		(void)unlink(path);
		(void)rmdir(tpl);
		if (r->lock.in[0] < 0 || r->lock.in[1] < 0 ||
		    fcntl(r->lock.in[0], F_SETFL, O_RDONLY) == -1 ||
		    write(r->lock.in[1], &token, 1) != 1) {
			perror("minimal: fifo");
			return -1;
		}
		return 0;
	}
	case EVENTFD:
		r->lock.fd = eventfd(1, EFD_SEMAPHORE | EFD_CLOEXEC);
		if (r->lock.fd < 0) {
			perror("minimal: eventfd");
			return -1;
		}
		return 0;
	case SYSV_MSG: {
		struct token_msg m = { .mtype = 1, .mtext = { 'T' } };

		r->lock.msqid =
		    msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
		if (r->lock.msqid == -1 || msgsnd(r->lock.msqid, &m, 1, 0)) {
			perror("minimal: msgget/msgsnd");
			return -1;
		}
		return 0;
	}
	case POSIX_MQ: {
		struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 1 };
		char name[64];

		snprintf(name, sizeof(name), "/racelab-minimal-%d",
			 (int)getpid());
		r->lock.mq = mq_open(
		    name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
		if (r->lock.mq == (mqd_t)-1) {
			perror("minimal: mq_open");
			return -1;
		}
		(void)mq_unlink(name);
		if (mq_send(r->lock.mq, "T", 1, 0) == -1) {
			perror("minimal: mq_send");
			return -1;
		}
		return 0;
	}
	case UNIX_SOCKET:
		return owner_start(r, 1);
	case NONE:
	case ATOMIC:
	case TTAS:
	case TICKET:
	case FUTEX:
	case PETERSON:
	case PETERSON_RELAXED:
	case SHARDED:
	case ATOMIC_SPLIT:
	case MCS:
	case HEMLOCK:
	case BAKERY:
		return 0;
	}
	return 0;
}

/* Undo lock_setup, also a half-done one (ids and fds start at -1). */
static void lock_teardown(struct region *r, enum prim prim)
{
	if ((prim == SYSV_SEM || prim == SYSV_SEM_NOUNDO) &&
	    r->lock.semid != -1 && semctl(r->lock.semid, 0, IPC_RMID) == -1)
		perror("minimal: semctl IPC_RMID");
	if (r->lock.fd >= 0)
		(void)close(r->lock.fd);
	if (prim == POSIX_SEM)
		(void)sem_destroy(&r->lock.sem);
	if (prim == SYSV_MSG && r->lock.msqid != -1 &&
	    msgctl(r->lock.msqid, IPC_RMID, NULL) == -1)
		perror("minimal: msgctl IPC_RMID");
	if (prim == POSIX_MQ && r->lock.mq != (mqd_t)-1)
		(void)mq_close(r->lock.mq);
	for (int i = 0; i < 2; i++) {
		if (r->lock.in[i] >= 0)
			close(r->lock.in[i]);
		if (r->lock.out[i] >= 0)
			close(r->lock.out[i]);
	}
	if (r->lock.owner > 0) {
		kill(r->lock.owner, SIGKILL);
		waitpid(r->lock.owner, NULL, 0);
	}
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
	uint64_t final;

	if (parse_args(argc, argv, &prim, &procs, &iters)) {
		fprintf(stderr, "usage: minimal STRATEGY PROCS(1-1024) ITERS\n"
				"strategies:");
		for (unsigned i = 0; i < sizeof(prim_name) / sizeof(*prim_name);
		     i++)
			fprintf(stderr, " %s", prim_name[i]);
		fputc('\n', stderr);
		return 2;
	}
	if ((prim == PETERSON || prim == PETERSON_RELAXED) && procs != 2) {
		fprintf(stderr, "minimal: %s: exactly 2 workers\n",
			prim_name[prim]);
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
	/* Nothing to undo yet. */
	r->lock.semid = r->lock.fd = r->lock.msqid = -1;
	r->lock.mq = (mqd_t)-1;
	r->lock.procs = procs;
	r->lock.in[0] = r->lock.in[1] = r->lock.out[0] = r->lock.out[1] = -1;
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
	final = r->counter.plain;
	if (prim == SHARDED) {
		final = 0;
		for (unsigned i = 0; i < procs; i++)
			final += r->slot[i].count;
	}
	if ((prim == PIPE || prim == PIPE_UNBATCHED || prim == UNIX_SOCKET) &&
	    !failed)
		final = owner_total(r);
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
	/* none, atomic-split and peterson-relaxed lose updates on purpose. */
	if (prim != NONE && prim != ATOMIC_SPLIT && prim != PETERSON_RELAXED &&
	    final != (uint64_t)procs * iters) {
		fprintf(stderr, "minimal: %s: counter is %llu, expected %llu\n",
			prim_name[prim], (unsigned long long) final,
			(unsigned long long)procs * iters);
		return 1;
	}
	printf("ns_per_op=%.3f\n",
	       (double)(end - t0) / ((double)procs * (double)iters));
	(void)shmdt(r);
	free(pid);
	return 0;
}
