/*
 * test_locks.c - what the queue locks, the pthread family, Concurrency Kit
 * and the IPC tour (issue 16) promise beyond the exact count, which
 * test_strategies.c and test_threads.c check for every strategy by
 * registration alone (test_crash.c crashes each one's holder, as its .crash
 * declares):
 *
 *   - the named kernel objects (the FIFO, the SysV queue, the POSIX queue)
 *     are private to the run and gone after it, also after a deadlock;
 *   - Concurrency Kit's FIFO spinlocks refuse more workers than CPUs, in
 *     words, before anything is created.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/registry.h"
#include "core/strategy.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* How many entries of dir start with prefix. */
static int entries_with(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert(d, "opendir %s: %s", dir, strerror(errno));
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

Test(locks, fifo_leaves_no_name_behind, .timeout = 60)
{
	char dir[] = "/tmp/racelab-test-fifo-XXXXXX";
	struct outcome o;

	cr_assert(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	racelab(&o, 50,
		ARGS("run", "--strategy", "fifo", "--procs", "2", "--iters",
		     "20000", "--format", "csv", "--verbose"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(strstr(o.err, "created FIFO ") &&
		      strstr(o.err, "unlinked the FIFO and removed"),
		  "-v says where the FIFO was and that it is gone:\n%s", o.err);
	cr_expect_eq(entries_with(dir, "racelab-fifo-"), 0,
		     "the private directory is gone");
	/* And after a deadlock (the token died with its holder). */
	racelab(&o, 30,
		ARGS("run", "--strategy", "fifo", "--procs", "2", "--iters",
		     "1000000", "--crash-at", "100", "--timeout", "1",
		     "--format", "csv"));
	cr_expect_eq(o.exit_code, 4, "%s", o.err);
	cr_expect_eq(entries_with(dir, "racelab-fifo-"), 0);
	cr_expect_eq(rmdir(dir), 0, "nothing else was left in %s", dir);
}

Test(locks, sysv_msg_queue_removed_on_every_path, .timeout = 60)
{
	static const char says[] = "created SysV message queue id ";
	struct outcome o;
	const char *p;

	racelab(&o, 50,
		ARGS("run", "--strategy", "sysv-msg", "--procs", "2", "--iters",
		     "20000", "--format", "csv", "--verbose"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	p = strstr(o.err, says);
	cr_assert(p, "-v names the queue:\n%s", o.err);
	cr_expect_not(sysv_has("msg", atoi(p + strlen(says))),
		      "message queue %d leaked", atoi(p + strlen(says)));
	racelab(&o, 30,
		ARGS("run", "--strategy", "sysv-msg", "--procs", "2", "--iters",
		     "1000000", "--crash-at", "100", "--timeout", "1",
		     "--format", "csv", "--verbose"));
	cr_expect_eq(o.exit_code, 4, "%s", o.err);
	p = strstr(o.err, says);
	cr_assert(p, "%s", o.err);
	cr_expect_not(sysv_has("msg", atoi(p + strlen(says))),
		      "message queue %d leaked after the deadlock",
		      atoi(p + strlen(says)));
}

Test(locks, posix_mq_is_unlinked_at_once, .timeout = 60)
{
	struct outcome o;
	char name[64] = "";
	const char *p;
	mqd_t q;

	racelab(&o, 50,
		ARGS("run", "--strategy", "posix-mq", "--procs", "2", "--iters",
		     "20000", "--format", "csv", "--verbose"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	p = strstr(o.err, "created POSIX message queue ");
	cr_assert(p, "-v names the queue:\n%s", o.err);
	cr_assert_eq(sscanf(p, "created POSIX message queue %63s", name), 1);
	cr_expect(strstr(p, "unlinked at once"), "%s", o.err);
	/* Same IPC namespace as racelab: the name must not exist. */
	q = mq_open(name, O_RDONLY);
	cr_expect_eq(q, (mqd_t)-1, "%s still exists", name);
	cr_expect_eq(errno, ENOENT, "%s: %s", name, strerror(errno));
	if (q != (mqd_t)-1) {
		mq_close(q);
		mq_unlink(name);
	}
}

Test(locks, ck_fifo_locks_refuse_more_workers_than_cpus, .timeout = 30)
{
	static const char *const fifo_locks[] = { "ck-mcs", "ck-clh",
						  "ck-ticket" };
	struct outcome o;

	for (unsigned i = 0; i < 3; i++) {
		const struct strategy *s = strategy_find(fifo_locks[i]);

		cr_assert(s, "%s is registered", fifo_locks[i]);
		if (s->unsupported) /* built without libck-dev: says so */
			continue;
		/* Pinned to one CPU, two workers are one too many. */
		racelab(&o, 20,
			ARGS("run", "--strategy", fifo_locks[i], "--procs", "2",
			     "--cpus", "0", "--iters", "1000"));
		cr_expect_eq(o.exit_code, 2, "%s: exit %d", fifo_locks[i],
			     o.exit_code);
		cr_expect(strstr(o.err, "never yield"), "%s", o.err);
		racelab(&o, 20,
			ARGS("run", "--strategy", fifo_locks[i], "--procs", "1",
			     "--cpus", "0", "--iters", "1000"));
		cr_expect_eq(o.exit_code, 0, "one worker on one CPU: %s",
			     o.err);
	}
	/* ck-fas is not FIFO: it runs oversubscribed. */
	if (!strategy_find("ck-fas")->unsupported) {
		racelab(&o, 20,
			ARGS("run", "--strategy", "ck-fas", "--procs", "2",
			     "--cpus", "0", "--iters", "1000"));
		cr_expect_eq(o.exit_code, 0, "%s", o.err);
	}
}
