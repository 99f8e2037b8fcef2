/*
 * harness.c - one run, start to finish:
 *
 *   map region -> strategy setup -> start workers -> wait at the gate ->
 *   open the gate -> wait for the workers -> verify -> teardown
 *
 * Signals: SIGINT, SIGTERM, SIGHUP and SIGCHLD stay blocked in the parent
 * and are collected with sigtimedwait() at the points where the parent
 * waits, so a Ctrl-C at any moment leads to the same cleanup path instead of
 * a half-finished one. Workers get the original mask back.
 *
 * Nothing may outlive a run: the segment is marked for removal as soon as it
 * is attached (it vanishes with the last process that has it mapped), the
 * workers die with the parent (PR_SET_PDEATHSIG) and are killed and reaped on
 * every error path, and the strategy's teardown runs on every path that ran
 * its setup.
 */
#include "core/harness.h"

#include <errno.h>
#include <linux/futex.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/guardian.h"
#include "core/latency.h"
#include "core/probe.h"
#include "core/status.h"
#include "core/util.h"

static sigset_t waited;	  /* the signals the parent collects */
static sigset_t original; /* the mask before harness_signals_init */
static int stop_signal;	  /* the signal that stopped us, or 0 */

/*
 * The signals that stop a run: every one whose default action ends the
 * process and that arrives from outside (a fault, such as SIGSEGV, is
 * racelab's own crash: the guardian cleans up after that). SIGPIPE too: a
 * closed output pipe ends the run in order.
 */
static const int stopping[] = {
	SIGHUP,	   SIGINT,  SIGQUIT, SIGTERM,	SIGUSR1, SIGUSR2, SIGALRM,
	SIGPIPE,   SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGPOLL, SIGPWR,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
};

/* Add sig to the waited set unless it was ignored when racelab started. */
static void wait_for(int sig)
{
	struct sigaction old;

	/* An inherited SIG_IGN (nohup, a background job) is respected. */
	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	sigaddset(&waited, sig);
}

void harness_signals_init(void)
{
	sigemptyset(&waited);
	for (unsigned i = 0; i < sizeof(stopping) / sizeof(stopping[0]); i++)
		wait_for(stopping[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		wait_for(sig);
	sigaddset(&waited, SIGCHLD);
	sigprocmask(SIG_BLOCK, &waited, &original);
	/* Whatever ends racelab from now on, nothing it makes outlives it. */
	if (guardian_start())
		report("running without a guardian: a SIGKILL would leave "
		       "kernel objects behind");
}

/* Wait up to ns for one of our signals; remember a stopping one. */
static int wait_signal(long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000L,
			       .tv_nsec = ns % 1000000000L };
	int sig = sigtimedwait(&waited, NULL, &ts);

	if (sig > 0 && sig != SIGCHLD)
		stop_signal = sig;
	return sig > 0 ? sig : 0;
}

/*
 * The signal that stopped us, or 0. A signal that came after the last run
 * (while a trace was explained or a picture drawn) is still pending,
 * blocked: collect it now, so that it is not lost when no run follows.
 */
int harness_interrupted(void)
{
	if (!stop_signal)
		(void)wait_signal(0);
	return stop_signal;
}

/* ---- one worker ------------------------------------------------------- */

/* Pin the calling process or thread to the CPU --cpus gives it. */
static int worker_pin(const struct worker *w)
{
	const struct run *run = w->run;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((size_t)run->cpus[w->id % run->ncpus], &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		return report_errno("harness", "sched_setaffinity", errno);
	return 0;
}

/*
 * The start gate. The last worker to arrive opens it, not the parent: a
 * parent that must first be scheduled, on a busy machine, to open the gate
 * let the first workers finish before the last started (make repro's
 * recipe lost updates in 11 of 20 runs with two CPU hogs running). The
 * others sleep on the gate word with FUTEX_WAIT rather than spin, so they
 * take no CPU from the one still coming, and FUTEX_WAKE releases them all
 * at once. The futex is shared (no FUTEX_PRIVATE_FLAG): the word lives in
 * SysV shared memory, seen by every worker process.
 */
static void gate_wake(_Atomic unsigned *gate)
{
	(void)syscall(SYS_futex, (unsigned *)gate, FUTEX_WAKE, INT_MAX, NULL,
		      NULL, 0);
}

static void gate_pass(const struct run *run, struct region *r)
{
	unsigned closed = GATE_CLOSED;

	if (atomic_fetch_add_explicit(&r->ready, 1, memory_order_acq_rel) + 1 ==
	    run->procs) {
		atomic_store_explicit(&r->open_ns, now_ns(),
				      memory_order_relaxed);
		/* Never over a GATE_STOP: the parent may be stopping us. */
		(void)atomic_compare_exchange_strong(&r->gate, &closed,
						     GATE_OPEN);
		gate_wake(&r->gate);
		return;
	}
	while (atomic_load_explicit(&r->gate, memory_order_acquire) ==
	       GATE_CLOSED)
		(void)syscall(SYS_futex, (unsigned *)&r->gate, FUTEX_WAIT,
			      GATE_CLOSED, NULL, NULL, 0);
}

static int worker_main(const struct run *run, unsigned id)
{
	const struct strategy *s = run->strategy;
	const struct store *st = run->home.store;
	struct region *r = run->region;
	struct worker w = {
		.id = id,
		.iters = run->iters,
		.run = run,
		.region = r,
		.link = { .store = st, .fd = -1 },
		.shared = run->lock_area,
		.slot = &r->slot[id],
		.fd = -1,
		/* The harness's choice: the fast loop or the probed one. */
		.probed = run_is_probed(run),
		.rng = probe_seed(run->seed, id),
		.chunk = run->chunk && run->chunk < CHUNK ? run->chunk : CHUNK,
	};
	int err = 0;

	if (run->ncpus && (err = worker_pin(&w)))
		return err;
	if ((err = st->attach(&run->home, &w.link)))
		return err;
	if (s->attach) {
		err = s->attach(&w);
		if (err)
			return err;
	}
	gate_pass(run, r);
	atomic_store_explicit(&w.slot->start_ns, now_ns(),
			      memory_order_relaxed);
	err = s->work(&w);
	atomic_store_explicit(&w.slot->end_ns, now_ns(), memory_order_release);
	/*
	 * The one failure the stores leave unreported is a retry (DB_RETRY,
	 * strategies/common/txn.h): a loop that hands it back instead of
	 * trying again would fail with nothing said.
	 */
	if (err == -EAGAIN)
		report("%s: worker %u: the server asked to retry the increment "
		       "(an aborted transaction, a serialization failure, a "
		       "broken deadlock); the strategy's loop gave up instead "
		       "of retrying",
		       s->name, id);
	if (s->detach)
		s->detach(&w);
	if (st->detach)
		st->detach(&w.link);
	return err;
}

/* ---- the workers of a run, as the parent sees them -------------------- */

struct workers;

/* One worker, as the parent sees it. */
struct worker_handle {
	struct workers *team; /* the workers it is one of */
	unsigned id;	      /* its worker number */
	pid_t pid;	      /* process mode: its pid */
	pthread_t thread;     /* thread mode: its thread */
	int err;	      /* thread mode: what worker_main returned */
	bool gone;	      /* reaped or joined */
};

struct workers {
	const struct run *run;	   /* the run it works for */
	struct worker_handle *m;   /* procs of them */
	unsigned started;	   /* workers started */
	unsigned alive;		   /* started and not yet reaped or joined */
	_Atomic unsigned finished; /* thread mode: threads that returned */
	bool failed;		   /* a worker died or reported an error */
	bool crashed;		   /* the --crash-at worker died, as asked */
	bool deadlock;		   /* no progress for run->timeout_s */
	bool timed_out;		   /* told to stop after run->duration_s */
	unsigned in_doubt;	   /* database clients killed from outside */
	int64_t stopped_ns;	   /* when it was declared stuck, or 0 */
	char why[160];		   /* what happened to it, in words */
};

static void workers_note_death(struct workers *c, struct worker_handle *m,
			       int status)
{
	struct slot *slot = &c->run->region->slot[m->id];

	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
	    atomic_load(&slot->dying)) {
		c->crashed = true; /* --crash-at: the death we asked for */
		return;
	}
	/*
	 * A database client killed from outside, at any moment (inside its
	 * COMMIT, say): the server may or may not have committed its last
	 * increment. Nothing is failed: the others go on, and the count is
	 * checked against [finished, attempted], as Jepsen's counter checker
	 * does (result_fill).
	 */
	if (WIFSIGNALED(status) &&
	    c->run->strategy->counter == COUNTER_SERVER) {
		c->in_doubt++;
		return;
	}
	if (c->failed)
		return;
	if (WIFSIGNALED(status)) {
		c->failed = true;
		snprintf(c->why, sizeof(c->why),
			 "worker %u (pid %d) was killed by SIG%s", m->id,
			 (int)m->pid, sigabbrev_np(WTERMSIG(status)));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		c->failed = true;
		snprintf(c->why, sizeof(c->why),
			 "worker %u (pid %d) failed (see the message above)",
			 m->id, (int)m->pid);
	}
}

/* Reap (join) what has finished, without blocking. */
static void workers_reap(struct workers *c)
{
	for (unsigned i = 0; i < c->started; i++) {
		struct worker_handle *m = &c->m[i];
		int status;

		if (m->gone)
			continue;
		if (c->run->mode == MODE_THREAD) {
			if (pthread_tryjoin_np(m->thread, NULL) != 0)
				continue;
			if (m->err && !c->failed) {
				c->failed = true;
				snprintf(c->why, sizeof(c->why),
					 "worker %u (a thread) failed (see the "
					 "message above)",
					 m->id);
			}
		} else {
			if (waitpid(m->pid, &status, WNOHANG) != m->pid)
				continue;
			workers_note_death(c, m, status);
		}
		m->gone = true;
		c->alive--;
	}
}

/*
 * Stop every worker still running. Processes are killed and reaped. A
 * thread cannot be killed on its own: it is told to stop at its next chunk
 * and joined; one that stays blocked (waiting for a lock nobody will give
 * back) is left to die with the process, which exits right after.
 */
static void workers_stop(struct workers *c)
{
	if (c->run->mode == MODE_THREAD) {
		atomic_store(&c->run->region->gate, GATE_STOP);
		gate_wake(&c->run->region->gate); /* those still at the gate */
		/* Half a second: a Ctrl-C must end a run within one. */
		for (int tick = 0; tick < 50 && c->alive > 0; tick++) {
			workers_reap(c);
			if (c->alive > 0)
				(void)wait_signal(10000000);
		}
		if (c->alive > 0)
			report("%u worker thread(s) still blocked; they end "
			       "with the process",
			       c->alive);
		return;
	}
	for (unsigned i = 0; i < c->started; i++)
		if (!c->m[i].gone)
			(void)kill(c->m[i].pid, SIGKILL);
	for (unsigned i = 0; i < c->started; i++) {
		if (c->m[i].gone)
			continue;
		while (waitpid(c->m[i].pid, NULL, 0) == -1 && errno == EINTR)
			;
		c->m[i].gone = true;
		c->alive--;
	}
}

static void *thread_main(void *arg)
{
	struct worker_handle *m = arg;

	m->err = worker_main(m->team->run, m->id);
	atomic_fetch_add_explicit(&m->team->finished, 1, memory_order_release);
	return NULL;
}

static int workers_start_threads(const struct run *run, struct workers *c)
{
	for (unsigned i = 0; i < run->procs; i++) {
		struct worker_handle *m = &c->m[i];
		int err;

		m->team = c;
		m->id = i;
		/* Threads inherit the blocked mask: signals stay ours. */
		err = pthread_create(&m->thread, NULL, thread_main, m);
		if (err) {
			report("pthread_create: %s (started %u of %u workers)",
			       strerror(err), i, run->procs);
			return -err;
		}
		c->started++;
		c->alive++;
	}
	return 0;
}

static int workers_start(const struct run *run, struct workers *c)
{
	pid_t parent = getpid();
	pid_t group = 0; /* the workers' process group: the first worker's */

	if (run->mode == MODE_THREAD)
		return workers_start_threads(run, c);
	fflush(NULL); /* or children inherit and repeat buffered output */
	for (unsigned i = 0; i < run->procs; i++) {
		pid_t pid = fork();

		if (pid == -1) {
			int err = errno;

			report("fork: %s (started %u of %u workers)",
			       strerror(err), i, run->procs);
			return -err;
		}
		if (pid == 0) {
			/*
			 * The worker: in a process group of the workers' own,
			 * so a Ctrl-C at the terminal reaches only the parent,
			 * which stops the run in order; dies with the parent.
			 */
			(void)setpgid(0, group);
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(1);
			sigprocmask(SIG_SETMASK, &original, NULL);
			_exit(worker_main(run, i) ? 1 : 0);
		}
		/* Both sides call setpgid, so neither order can race. */
		(void)setpgid(pid, group);
		if (!group) {
			group = pid;
			guardian_watch_group(group); /* killed if we die */
		}
		c->m[i].id = i;
		c->m[i].pid = pid;
		c->started++;
		c->alive++;
	}
	return 0;
}

/* Wait until the last worker has opened the gate (or something goes
 * wrong). */
static int workers_gate(const struct run *run, struct workers *c)
{
	while (atomic_load_explicit(&run->region->gate, memory_order_acquire) ==
	       GATE_CLOSED) {
		(void)wait_signal(200000);
		workers_reap(c);
		if (stop_signal)
			return -EINTR;
		/* Opened meanwhile: a worker may be done already. */
		if (atomic_load(&run->region->gate) != GATE_CLOSED)
			break;
		if (c->alive < run->procs) {
			if (!c->failed)
				snprintf(c->why, sizeof(c->why),
					 "a worker ended before the start");
			c->failed = true;
			return 0;
		}
	}
	return 0;
}

static uint64_t workers_progress(const struct workers *c)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < c->run->procs; i++)
		sum += atomic_load_explicit(&c->run->region->slot[i].done,
					    memory_order_relaxed);
	return sum;
}

/*
 * Wait until every worker has finished. In fixed-time mode, tell them to
 * stop when the time is up. With a watchdog, give up when no worker has
 * finished an increment for run->timeout_s: they are stuck.
 */
/* The worker killed holding the lock (--crash-at), or -1. */
static int workers_killed(const struct workers *c)
{
	for (unsigned i = 0; i < c->run->procs; i++)
		if (atomic_load(&c->run->region->slot[i].dying))
			return (int)i;
	return -1;
}

static int workers_wait_loop(struct workers *c, int64_t t0, struct status *st)
{
	const struct run *run = c->run;
	/* Threads send no SIGCHLD: look every 10 ms instead of 100 ms. */
	long tick = run->mode == MODE_THREAD || run->duration_s > 0 ? 10000000
								    : 100000000;
	uint64_t progress = 0;
	int64_t last_change = t0;

	while (c->alive > 0) {
		int64_t now;
		uint64_t p;

		(void)wait_signal(tick);
		workers_reap(c);
		if (stop_signal)
			return -EINTR;
		if (c->failed)
			return 0;
		now = now_ns();
		if (run->duration_s > 0 && !c->timed_out &&
		    (double)(now - t0) / 1e9 >= run->duration_s) {
			atomic_store(&run->region->gate, GATE_STOP);
			c->timed_out = true;
		}
		p = workers_progress(c);
		if (p != progress) {
			progress = p;
			last_change = now;
		} else if (run->timeout_s > 0 && c->alive > 0 &&
			   (double)(now - last_change) / 1e9 >=
			       run->timeout_s) {
			c->deadlock = true;
			return 0;
		}
		if (run->timeout_s > 0 && now - last_change >= 1000000000LL)
			status_stuck(
			    st, now, run->strategy->name, workers_killed(c),
			    (double)(now - last_change) / 1e9, run->timeout_s);
		else
			status_progress(st, now, run->strategy->name, p,
					(uint64_t)run->procs * run->iters,
					run->duration_s);
	}
	return 0;
}

/*
 * Wait until every worker has finished; on a terminal, say how far they got
 * once it takes more than a second (status.h).
 */
static int workers_wait(struct workers *c, int64_t t0)
{
	struct status st;
	int err;

	status_begin(&st, t0);
	err = workers_wait_loop(c, t0, &st);
	status_end(&st);
	return err;
}

/* ---- one run ---------------------------------------------------------- */

/*
 * How evenly the increments went round, and how far apart the workers
 * finished (fairness.h). Not after a crash: the dead worker's short count
 * says nothing about the lock.
 */
static void result_fairness(const struct run *run, const struct workers *c,
			    int64_t t0, struct result *res)
{
	const struct region *r = run->region;
	size_t n = 0, len = sizeof(res->per_worker);
	uint64_t *done;
	int64_t *end;

	res->per_worker[0] = '\0';
	if (run->procs == 0)
		return;
	done = calloc(run->procs, sizeof(*done));
	end = calloc(run->procs, sizeof(*end));
	for (unsigned i = 0; i < run->procs; i++) {
		uint64_t d = atomic_load(&r->slot[i].done);

		if (n < len)
			n += (size_t)snprintf(res->per_worker + n, len - n,
					      "%s%llu", i ? " " : "",
					      (unsigned long long)d);
		if (done && end) {
			done[i] = d;
			end[i] = atomic_load(&r->slot[i].end_ns);
		}
	}
	if (n >= len && len > 4) /* 1024 workers of 1e10: say it is cut */
		memcpy(res->per_worker + len - 4, "...", 4);
	res->fair_known = done && end && !c->crashed && !c->in_doubt;
	if (res->fair_known) {
		double elapsed = 0;

		for (unsigned i = 0; i < run->procs; i++)
			if ((double)(end[i] - t0) / 1e9 > elapsed)
				elapsed = (double)(end[i] - t0) / 1e9;
		fairness_of(done, run->procs, &res->fair);
		finish_spread(end, run->procs, elapsed, &res->spread_s,
			      &res->spread_pct);
	}
	free(done);
	free(end);
}

/* --latency: the workers' histograms merged, and the percentiles. */
static void result_latency(const struct run *run, struct result *res)
{
	struct latency_hist *all;

	if (!run->hist)
		return;
	all = calloc(1, sizeof(*all));
	if (!all)
		return;
	for (unsigned i = 0; i < run->procs; i++)
		latency_merge(all, &run->hist[i]);
	res->lat_known = all->samples > 0;
	res->lat_shift = run->latency_shift;
	res->lat_samples = all->samples;
	res->lat_p50 = latency_percentile(all, 50);
	res->lat_p99 = latency_percentile(all, 99);
	res->lat_p999 = latency_percentile(all, 99.9);
	res->lat_max = all->max;
	free(all);
}

static void result_fill(const struct run *run, const struct workers *c,
			int64_t t0, struct result *res)
{
	struct region *r = run->region;
	int64_t end = t0;
	uint64_t total = 0;

	int64_t last_start = t0, first_end = INT64_MAX;

	res->done_min = UINT64_MAX;
	for (unsigned i = 0; i < run->procs; i++) {
		int64_t e = atomic_load(&r->slot[i].end_ns);
		int64_t st = atomic_load(&r->slot[i].start_ns);
		uint64_t d = atomic_load(&r->slot[i].done);

		if (st > last_start)
			last_start = st;
		if (e > 0 && e < first_end)
			first_end = e;

		total += d;
		if (d < res->done_min)
			res->done_min = d;
		if (d > res->done_max)
			res->done_max = d;
		res->recoveries += atomic_load(&r->slot[i].recoveries);
		res->retries += atomic_load(&r->slot[i].retries);
		if (e > end)
			end = e;
	}
	/* Stuck workers never reach their end: the run lasted until then. */
	if (c->stopped_ns > end)
		end = c->stopped_ns;
	/* The crashed worker finished exactly `done` increments: the slow
	 * loop publishes each one, and it died inside the next. */
	res->crashed = c->crashed;
	res->stopped = c->timed_out;
	if (c->crashed)
		res->crash_done = atomic_load(&r->slot[run->crash_worker].done);
	result_fairness(run, c, t0, res);
	res->expected = total;
	if (run->strategy->total)
		res->final = run->strategy->total(run);
	else if (run->home.store->total(&run->home, &res->final)) {
		snprintf(res->detail, sizeof(res->detail),
			 "the %s store could not say the final count (see the "
			 "message above)",
			 run->home.store->name);
		res->verdict = VERDICT_FAILED;
		return;
	}
	res->attempted = total + c->in_doubt;
	res->lost = (int64_t)(res->expected - res->final);
	if (c->in_doubt && res->final >= res->expected &&
	    res->final <= res->attempted) {
		snprintf(res->detail, sizeof(res->detail),
			 "%u client(s) killed inside an increment: the final "
			 "count %llu lies in [finished %llu, attempted %llu]",
			 c->in_doubt, (unsigned long long)res->final,
			 (unsigned long long)res->expected,
			 (unsigned long long)res->attempted);
		res->lost = 0;
	} else if (c->in_doubt && res->final > res->attempted) {
		snprintf(res->detail, sizeof(res->detail),
			 "the final count %llu is more than the %llu "
			 "increments attempted",
			 (unsigned long long)res->final,
			 (unsigned long long)res->attempted);
		res->verdict = VERDICT_FAILED;
		return;
	} else if (res->lost < 0 && (c->deadlock || c->crashed) &&
		   !run->shared_counter) {
		/*
		 * Workers killed in the middle of a chunk finished increments
		 * they never published: the count of finished increments is
		 * at least final. Never show a negative loss.
		 */
		snprintf(res->detail, sizeof(res->detail),
			 "%lld increments were finished by workers killed "
			 "before they published them; expected counts them",
			 (long long)-res->lost);
		res->expected = res->final;
		res->lost = 0;
	}
	res->verdict = res->lost == 0 ? VERDICT_EXACT : VERDICT_LOST;
	res->elapsed_s = (double)(end - t0) / 1e9;
	/* From the last worker's start to the first one's end. */
	if (first_end == INT64_MAX)
		first_end = end; /* nobody ended: stuck, or killed */
	res->overlap_s =
	    first_end > last_start ? (double)(first_end - last_start) / 1e9 : 0;
	if (total > 0 && end > t0) {
		res->ns_per_op = (double)(end - t0) / (double)total;
		res->mops = (double)total / ((double)(end - t0) / 1e9) / 1e6;
	}
}

/* The DEADLOCK verdict's detail: how far each worker got. */
static void deadlock_detail(const struct run *run, const struct workers *c,
			    struct result *res)
{
	size_t n = 0, len = sizeof(res->detail);
	char num[32];

	n += (size_t)snprintf(
	    res->detail, len,
	    "no progress for %.1f s%s; increments done:", run->timeout_s,
	    c->crashed ? " after the crashed worker died "
			 "holding the lock"
		       : "");
	for (unsigned i = 0; i < run->procs && n < len; i++) {
		const struct slot *slot = &run->region->slot[i];

		n += (size_t)snprintf(
		    res->detail + n, len - n, " w%u %s%s%s", i,
		    group_digits(atomic_load(&slot->done), num, sizeof(num)),
		    atomic_load(&slot->dying) ? " (killed)" : "",
		    i + 1 < run->procs ? "," : "");
	}
}

int harness_run(struct run *run, struct result *res)
{
	const struct strategy *s = run->strategy;
	struct workers team = { .run = run };
	int64_t t0 = 0;
	bool set_up = false; /* the strategy's setup ran: teardown must */
	bool own_store;	     /* we opened the store: we close it */
	bool own_area;	     /* the lock lives in our region */
	size_t hist_bytes;   /* --latency's mapping */
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->strategy = s;
	res->mode = run->mode;
	res->procs = run->procs;
	res->iters = run->iters;
	res->verdict = VERDICT_FAILED;
	(void)wait_signal(0); /* a Ctrl-C between two runs counts too */
	if (stop_signal)
		return -EINTR;

	team.m = calloc(run->procs, sizeof(*team.m));
	if (!team.m)
		return report_errno("harness", "calloc", ENOMEM);
	run->region = region_create(run->procs, s->name, run->verbose);
	if (!run->region) {
		free(team.m);
		return -EIO;
	}
	/* --latency: a histogram per worker, shared, gone with the run. */
	hist_bytes = run->latency ? run->procs * sizeof(*run->hist) : 0;
	run->hist = NULL;
	if (hist_bytes) {
		void *p = mmap(NULL, hist_bytes, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			err = report_errno("harness", "mmap", errno);
			region_destroy(run->region);
			run->region = NULL;
			free(team.m);
			return err;
		}
		run->hist = p;
	}
	/* A named store (racelab segment) comes opened by its command. */
	own_store = !run->home.open;
	if (own_store) {
		run->home = (struct store_handle){
			.store = run->store ? run->store : stores[0],
			.fd = -1,
		};
		err = run->home.store->create(&run->home, run->store_name,
					      run->region, run->verbose);
	}
	own_area = !run->lock_area;
	if (own_area)
		run->lock_area = run->region->shared;
	set_up = !err;
	if (set_up && run->join)
		err = s->join ? s->join(run, false) : 0;
	else if (set_up && s->setup)
		err = s->setup(run);
	if (!err && stop_signal)
		err = -EINTR;
	if (!err)
		err = workers_start(run, &team);
	if (!err)
		err = workers_gate(run, &team);
	if (!err && !team.failed) {
		run_note(run, "%u worker%s released at the gate", run->procs,
			 run->procs == 1 ? "" : "s");
		/* The time the last worker opened the gate at. */
		t0 = atomic_load(&run->region->open_ns);
		err = workers_wait(&team, t0);
	}
	if (err || team.failed || team.deadlock)
		workers_stop(&team);
	/* Stopped by a signal, or a worker failed (a server that went
	 * away): still say what the workers finished. */
	if ((err == -EINTR || (!err && team.failed)) && team.started) {
		for (unsigned i = 0; i < run->procs; i++) {
			res->expected +=
			    atomic_load(&run->region->slot[i].done);
			res->recoveries +=
			    atomic_load(&run->region->slot[i].recoveries);
		}
	}
	if (!err && team.failed) {
		snprintf(res->detail, sizeof(res->detail), "%s", team.why);
	} else if (!err) {
		result_fill(run, &team, t0, res);
		result_latency(run, res);
		if (team.deadlock) {
			res->verdict = VERDICT_DEADLOCK;
			deadlock_detail(run, &team, res);
		}
	}
	if (run->mode == MODE_PROCESS && team.started && team.alive == 0)
		guardian_forget_group(team.m[0].pid); /* every worker reaped */
	/*
	 * A joined lock in memory is the store's: nothing of ours to undo. A
	 * lock in memory that a worker thread is still stuck in is left as it
	 * is: tearing it down (unmapping a queue lock's nodes) would fault the
	 * thread before the process exits, and memory goes with the process.
	 * A kernel lock is removed all the same; its waiters get EIDRM.
	 */
	bool stuck_in_memory = run->mode == MODE_THREAD && team.alive > 0 &&
			       s->lock == LOCK_MEMORY;

	if (set_up && s->teardown && (!run->join || s->join) &&
	    !stuck_in_memory)
		s->teardown(run);
	/*
	 * A worker thread still blocked in a lock (it ends with the process)
	 * reads the lock and the region until then: unmapping them now would
	 * make it fault before the process has exited. Both are already
	 * marked for removal; the exit detaches them.
	 */
	if (run->mode == MODE_THREAD && team.alive > 0) {
		res->threads_left = true; /* the caller keeps its maps too */
		run->region = NULL;
		return err;
	}
	if (own_store && run->home.store->close)
		run->home.store->close(&run->home, run->verbose);
	if (own_area)
		run->lock_area = NULL;
	/*
	 * A thread that never came back (stuck in a lock nobody gives back)
	 * still reads the region (and may write its --latency histogram):
	 * unmapping it under the thread would crash the process, or make a
	 * futex wait fail. It stays mapped (marked for removal already)
	 * until the process exits, which its caller does next.
	 */
	if (team.alive == 0) {
		if (run->hist)
			(void)munmap(run->hist, hist_bytes);
		region_destroy(run->region);
	} else {
		res->threads_left = true;
	}
	run->hist = NULL;
	run->region = NULL;
	/* A thread that never came back still points into team.m. */
	if (team.alive == 0)
		free(team.m);
	return err;
}

/* ---- calibration ------------------------------------------------------ */

/* Round to two significant digits: 1234567 -> 1200000. */
static uint64_t round2(double x)
{
	double p = 1;

	while (x >= 100 * p)
		p *= 10;
	return (uint64_t)(floor(x / p) * p);
}

/* Increments per chunk so that one lasts target_s / 40 at per_iter. */
static uint64_t chunk_for(double per_iter, double target_s)
{
	double chunk = per_iter > 0 ? target_s / 40 / per_iter : CHUNK;

	return chunk >= CHUNK ? CHUNK : chunk < 1 ? 1 : (uint64_t)chunk;
}

uint64_t harness_iters_for(uint64_t iters, double elapsed_s, double target_s)
{
	double want = elapsed_s > 0 ? (double)iters * target_s / elapsed_s
				    : (double)ITERS_MAX;

	if (want > (double)ITERS_MAX)
		want = (double)ITERS_MAX;
	return want < HARNESS_ITERS_MIN ? HARNESS_ITERS_MIN : round2(want);
}

int harness_calibrate(struct run *run, double target_s, uint64_t *iters)
{
	struct run trial = *run;
	struct result res;
	/* About 2,000 increments in all for the first trial, whatever the
	 * number of workers: 1,024 sysv-sem workers x 1,000 took 10 s. */
	uint64_t n = run->procs < 2000 ? 2000 / run->procs : 1;
	double per_iter;

	trial.verbose = false;
	/* Trials time the same loop (the slow one, with --crash-at or a
	 * window) but nobody dies in them and nothing is traced. */
	trial.crash_worker = UINT_MAX;
	trial.trace = NULL;
	/*
	 * A trial has a time cap too: a trial 100x longer than the one before
	 * can land in a slow mode (a ticket lock's convoy at more workers than
	 * free CPUs measured ~1 ms per increment, and a trial of 4 x 50,000
	 * then ran for minutes). A stopped trial is a measurement all the same:
	 * the workers' published counts say how far they got.
	 */
	trial.duration_s = 4 * target_s;
	trial.chunk = 0;
	trial.latency = false; /* the sampled loop costs about 1 % more */
	for (;;) {
		int err;
		double scale;

		trial.iters = n;
		err = harness_run(&trial, &res);
		if (err)
			return err;
		if (res.verdict == VERDICT_FAILED) {
			report("%s: calibration run failed: %s",
			       run->strategy->name, res.detail);
			return -EIO;
		}
		/* The cost of one increment of one worker, as measured. */
		per_iter = res.expected > 0 ? res.elapsed_s * run->procs /
						  (double)res.expected
					    : res.elapsed_s;
		trial.chunk = chunk_for(per_iter, target_s);
		/*
		 * 20 ms is long enough to see the steady cost of a primitive,
		 * if the workers really ran side by side for most of it: on a
		 * busy machine the first can finish before the last starts,
		 * which measures one worker alone.
		 */
		if (n >= ITERS_MAX / 100 || res.stopped)
			break;
		if (res.elapsed_s >= 0.02 &&
		    (run->procs == 1 || res.overlap_s >= res.elapsed_s / 2 ||
		     res.elapsed_s >= 4 * target_s))
			break;
		scale = res.elapsed_s > 0 ? 0.03 / res.elapsed_s : 100;
		if (scale < 2)
			scale = 2;
		if (scale > 100)
			scale = 100;
		n = (uint64_t)((double)n * scale);
		if (n < 2)
			n = 2;
	}
	/*
	 * A chunk lasts at most target_s / 40 at the measured rate, so that a
	 * stop (the caller's time cap) is noticed in time even if the cost
	 * per increment grows 10-30x after the trial, as a contended kernel
	 * lock's can, and at any number of workers.
	 */
	run->chunk = chunk_for(per_iter, target_s);
	*iters = harness_iters_for(1, per_iter, target_s);
	return 0;
}
