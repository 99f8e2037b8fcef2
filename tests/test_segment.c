/*
 * test_segment.c - `racelab segment`: a counter that unrelated processes
 * open by its SysV key. Round trip; 8 concurrent incr processes (exact
 * under every lock, lossy under none); refusals that touch nothing; a
 * killed incr that wedges nobody; destroy that leaves nothing behind.
 *
 * Each test picks a key of its own (nothing at it in either table) and its
 * .fini removes whatever is at that key, so a failing test leaks nothing.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/registry.h"
#include "store/segment.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define INCRS	  8 /* concurrent incr processes */

static key_t key;	    /* this test's key */
static char keyarg[16];	    /* the same, as --key takes it */
static char tmpdir[64];	    /* a private directory for --path files */
static char path[128];	    /* tmpdir/counter: a --path FILE */
static char lock[136];	    /* path.lock */
static key_t path_key;	    /* ftok(path, 'R') */
static int foreign_id = -1; /* a segment the test made itself */

static bool key_free(key_t k)
{
	return shmget(k, 0, 0) == -1 && errno == ENOENT &&
	       semget(k, 0, 0) == -1 && errno == ENOENT;
}

static void segment_init(void)
{
	int fd;

	/* Random per test (pid and clock), and free in both tables. */
	srandom((unsigned)getpid() ^ (unsigned)time(NULL) ^ (unsigned)clock());
	do
		key = (key_t)(0x7e000000 | ((unsigned)random() & 0xffffff));
	while (!key_free(key));
	snprintf(keyarg, sizeof(keyarg), "0x%08x", (unsigned)key);
	/* Under the case's own TMPDIR (support.c), which goes with it. */
	snprintf(tmpdir, sizeof(tmpdir), "%s/racelab-segment-XXXXXX",
		 getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 32
		     ? getenv("TMPDIR")
		     : "/tmp");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/counter", tmpdir);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	close(fd);
	path_key = ftok(path, SEGMENT_PROJ_ID);
	cr_assert_neq(path_key, -1);
	cr_assert(key_free(path_key), "ftok key %x taken", path_key);
	become_subreaper();
}

/* Remove whatever is at k, whoever made it. */
static void remove_key(key_t k)
{
	int id;

	if ((id = shmget(k, 0, 0)) != -1)
		(void)shmctl(id, IPC_RMID, NULL);
	if ((id = semget(k, 0, 0)) != -1)
		(void)semctl(id, 0, IPC_RMID);
}

static void segment_fini(void)
{
	char cmd[128];
	pid_t kids[64];
	int n = children_of(getpid(), kids, 64);

	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	remove_key(key);
	remove_key(path_key);
	if (foreign_id != -1)
		(void)shmctl(foreign_id, IPC_RMID, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	(void)system(cmd);
}

/* Is any object in /proc/sysvipc/KIND at key k? */
static bool key_in_table(const char *kind, key_t k)
{
	char file[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/sysvipc/%s", kind);
	f = fopen(file, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		int kk;

		if (sscanf(line, "%d", &kk) == 1 && kk == (int)k)
			found = true;
	}
	fclose(f);
	return found;
}

/* The permission bits of the object with this id in /proc/sysvipc/KIND. */
static int table_perms(const char *kind, int id)
{
	char file[64], line[512];
	int perms = -1;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/sysvipc/%s", kind);
	f = fopen(file, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		int k, i;
		unsigned p;

		if (sscanf(line, "%d %d %o", &k, &i, &p) == 3 && i == id)
			perms = (int)(p & 0777);
	}
	fclose(f);
	return perms;
}

/*
 * Nothing left at this test's keys. (Every object `segment` makes is at
 * its key; other engineers' IPC_PRIVATE objects come and go meanwhile, so
 * the whole tables are no measure here.)
 */
static void expect_key_gone(const char *ctx)
{
	cr_expect_not(key_in_table("shm", key), "%s: a segment remains at %s",
		      ctx, keyarg);
	cr_expect_not(key_in_table("sem", key),
		      "%s: a semaphore set remains at %s", ctx, keyarg);
	cr_expect_not(key_in_table("shm", path_key),
		      "%s: a segment remains at ftok(--path)", ctx);
	cr_expect_not(key_in_table("sem", path_key),
		      "%s: a semaphore set remains at ftok(--path)", ctx);
}

/*
 * racelab segment SUB --key KEY (or --path FILE) and more arguments,
 * NULL-terminated; returns its exit code (-1: died of a signal). by_path
 * is an int: va_start must not follow a parameter that is promoted.
 */
static int seg(struct outcome *o, const char *sub, int by_path, ...)
{
	const char *argv[16] = { "segment", sub, by_path ? "--path" : "--key",
				 by_path ? path : keyarg };
	int n = 4;
	va_list ap;

	va_start(ap, by_path);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	cr_assert_eq(racelab(o, 60, argv), 0, "could not start racelab");
	return o->exit_code;
}

/* The 8 bytes at offset 0, read as any program would. */
static uint64_t counter_at_offset_0(key_t k)
{
	int id = shmget(k, 0, 0);
	uint64_t *p, v;

	cr_assert_neq(id, -1, "no segment at the key");
	p = shmat(id, NULL, SHM_RDONLY);
	cr_assert_neq(p, (void *)-1);
	v = *(volatile uint64_t *)p;
	shmdt(p);
	return v;
}

/* When one incr ran, from its --verbose line. */
struct interval {
	double t0, t1; /* CLOCK_MONOTONIC, seconds */
};

/* Start INCRS incr processes at once and wait for all of them. */
static void incr_crowd(bool by_path, const char *times, struct interval *iv)
{
	const char *argv[] = { "segment",
			       "incr",
			       by_path ? "--path" : "--key",
			       by_path ? path : keyarg,
			       "--times",
			       times,
			       "--verbose",
			       NULL };
	pid_t pid[INCRS];
	int fd[INCRS];

	for (int i = 0; i < INCRS; i++) {
		pid[i] = racelab_start(argv, &fd[i]);
		cr_assert_gt(pid[i], 0);
	}
	for (int i = 0; i < INCRS; i++) {
		struct outcome o;
		char err[4096] = "";
		const char *p;

		racelab_wait(pid[i], 120, &o);
		read_until(fd[i], ")\n", 5, err, sizeof(err));
		close(fd[i]);
		cr_expect_eq(o.exit_code, 0, "incr %d: exit %d: %s", i,
			     o.exit_code, err);
		p = strstr(err, "CLOCK_MONOTONIC ");
		cr_assert_not_null(p, "no interval in '%s'", err);
		cr_assert_eq(sscanf(p, "CLOCK_MONOTONIC %lf to %lf", &iv[i].t0,
				    &iv[i].t1),
			     2, "%s", err);
	}
}

/* Did at least two of them run at the same time? */
static bool overlapped(const struct interval *iv)
{
	for (int i = 0; i < INCRS; i++)
		for (int j = i + 1; j < INCRS; j++)
			if (iv[i].t0 < iv[j].t1 && iv[j].t0 < iv[i].t1)
				return true;
	return false;
}

Test(segment, round_trip_with_the_counter_at_offset_0, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	struct outcome o;
	int shmid, semid;

	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem", NULL),
		     0, "%s", o.err);
	cr_expect(strstr(o.out, keyarg), "create names the key: %s", o.out);
	cr_expect_str_empty(o.err, "no warning at mode 0600");
	shmid = shmget(key, 0, 0);
	semid = semget(key, 0, 0);
	cr_assert_neq(shmid, -1, "no segment at %s", keyarg);
	cr_assert_neq(semid, -1, "no semaphore set at %s", keyarg);
	cr_expect_eq(table_perms("shm", shmid), 0600);
	cr_expect_eq(table_perms("sem", semid), 0600);
	cr_expect_eq(counter_at_offset_0(key), 0);

	cr_expect_eq(seg(&o, "incr", false, "--times", "1000", NULL), 0, "%s",
		     o.err);
	cr_expect_str_empty(o.out, "incr is quiet");
	cr_expect_eq(seg(&o, "incr", false, NULL), 0, "%s", o.err);
	cr_expect_eq(counter_at_offset_0(key), 1001);

	cr_expect_eq(seg(&o, "show", false, NULL), 0, "%s", o.err);
	cr_expect(strstr(o.out, "sysv-sem") && strstr(o.out, "1,001"), "%s",
		  o.out);
	cr_expect_eq(seg(&o, "show", false, "--format", "json", NULL), 0);
	cr_expect(json_valid(o.out), "not JSON: %s", o.out);
	cr_expect(strstr(o.out, "\"counter\": 1001"), "%s", o.out);
	cr_expect_eq(seg(&o, "show", false, "--format", "csv", NULL), 0);
	cr_expect_eq(csv_u64(o.out, 0, "counter"), 1001);
	cr_expect_eq(csv_u64(o.out, 0, "requested"), 1001);
	cr_expect_eq(csv_u64(o.out, 0, "completed"), 1001);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0);
	cr_expect_eq(csv_u64(o.out, 0, "incr_processes"), 2);

	cr_expect_eq(seg(&o, "destroy", false, NULL), 0, "%s", o.err);
	cr_expect_not(sysv_has("shm", shmid), "segment %d remains", shmid);
	cr_expect_not(sysv_has("sem", semid), "semaphore set %d remains",
		      semid);
	cr_expect_not(key_in_table("shm", key));
	cr_expect_not(key_in_table("sem", key));
	expect_key_gone("after destroy");
}

struct crowd_case {
	char strategy[16]; /* what protects the counter */
	char times[16];	   /* --times per incr: each runs tens of ms */
	bool by_path;	   /* name it with --path (flock needs it) */
};

ParameterizedTestParameters(segment, crowd_is_exact_under_each_lock)
{
	static struct crowd_case cases[] = {
		{ "sysv-sem", "20000", false },
		{ "robust-mutex", "200000", false },
		{ "atomic", "2000000", false },
		{ "flock", "20000", true },
	};

	return cr_make_param_array(struct crowd_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct crowd_case *c, segment, crowd_is_exact_under_each_lock,
		  .init = segment_init, .fini = segment_fini, .timeout = 240)
{
	struct interval iv[INCRS];
	struct outcome o;
	uint64_t want = INCRS * strtoull(c->times, NULL, 10);

	cr_assert_eq(
	    seg(&o, "create", c->by_path, "--strategy", c->strategy, NULL), 0,
	    "%s", o.err);
	incr_crowd(c->by_path, c->times, iv);
	cr_expect(overlapped(iv),
		  "%s: no two incr processes ran at once; the test proves "
		  "nothing (raise --times)",
		  c->strategy);
	cr_expect_eq(seg(&o, "show", c->by_path, "--format", "csv", NULL), 0,
		     "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "counter"), want, "%s: %s", c->strategy,
		     o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "unfinished"), 0, "%s", o.out);
	cr_expect_eq(seg(&o, "destroy", c->by_path, NULL), 0, "%s", o.err);
	cr_expect_neq(access(lock, F_OK), 0, "the lock file remains");
	expect_key_gone(c->strategy);
}

Test(segment, crowd_loses_updates_under_none, .init = segment_init,
     .fini = segment_fini, .timeout = 240)
{
	const char *times = "10000000";
	uint64_t want = INCRS * 10000000ULL, counter = 0, lost = 0;
	struct interval iv[INCRS];
	struct outcome o;

	/* Overlap is up to the scheduler: a few tries, each a fresh start. */
	for (int tries = 0; tries < 5 && lost == 0; tries++) {
		cr_assert_eq(seg(&o, "create", false, "--force", NULL), 0, "%s",
			     o.err);
		incr_crowd(false, times, iv);
		cr_expect_eq(seg(&o, "show", false, "--format", "csv", NULL), 0,
			     "none losing updates is its lesson: exit 0");
		counter = csv_u64(o.out, 0, "counter");
		lost = csv_u64(o.out, 0, "lost");
		cr_expect_eq(csv_u64(o.out, 0, "completed"), want, "%s", o.out);
		cr_expect_eq(counter + lost, want, "lost is not exact: %s",
			     o.out);
	}
	cr_expect_gt(lost, 0,
		     "8 x %s increments under none lost nothing in "
		     "5 tries",
		     times);
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0, "%s", o.err);
	expect_key_gone("none");
}

/* A segment the test makes itself, as another program would. */
static void make_foreign(key_t k, size_t size, unsigned char fill)
{
	unsigned char *p;

	foreign_id = shmget(k, size, IPC_CREAT | IPC_EXCL | 0600);
	cr_assert_neq(foreign_id, -1, "shmget: %s", strerror(errno));
	p = shmat(foreign_id, NULL, 0);
	cr_assert_neq(p, (void *)-1);
	memset(p, fill, size);
	shmdt(p);
}

/* Is the foreign segment still there, unattached, every byte `fill`? */
static void expect_foreign_untouched(size_t size, unsigned char fill)
{
	struct shmid_ds ds;
	unsigned char *p;

	cr_assert_eq(shmctl(foreign_id, IPC_STAT, &ds), 0,
		     "the foreign segment was removed");
	cr_expect_eq(ds.shm_segsz, size);
	cr_expect_eq(ds.shm_nattch, 0, "racelab stayed attached");
	p = shmat(foreign_id, NULL, SHM_RDONLY);
	cr_assert_neq(p, (void *)-1);
	for (size_t i = 0; i < size; i++)
		if (p[i] != fill) {
			cr_expect_fail("byte %zu changed to %#x", i, p[i]);
			break;
		}
	shmdt(p);
}

/* Every command on a key that is not a racelab segment: 2, untouched. */
static void expect_all_refuse(const char *says, size_t size, unsigned char fill)
{
	static const char *const subs[] = { "create", "incr", "show",
					    "destroy" };
	struct outcome o;

	for (unsigned i = 0; i < 4; i++) {
		cr_expect_eq(seg(&o, subs[i], false, NULL), 2,
			     "%s on a foreign segment: exit %d", subs[i],
			     o.exit_code);
		cr_expect(strstr(o.err, i == 0 ? "is taken" : says),
			  "%s: '%s' lacks '%s'", subs[i], o.err,
			  i == 0 ? "is taken" : says);
		cr_expect_str_empty(o.out, "%s printed: %s", subs[i], o.out);
		expect_foreign_untouched(size, fill);
	}
}

Test(segment, foreign_segment_too_small_is_refused_and_untouched,
     .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	make_foreign(key, 64, 0xA5);
	expect_all_refuse("too small to be a racelab segment", 64, 0xA5);
}

Test(segment, foreign_segment_without_magic_is_refused_and_untouched,
     .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	/* Our exact size, so only the magic can tell. */
	make_foreign(key, SEGMENT_BYTES, 0x5A);
	expect_all_refuse("not a racelab segment", SEGMENT_BYTES, 0x5A);
}

Test(segment, existing_key_is_refused_unless_force, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	struct outcome o;
	int first;

	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem", NULL),
		     0, "%s", o.err);
	first = shmget(key, 0, 0);
	cr_assert_eq(seg(&o, "incr", false, "--times", "5", NULL), 0);
	cr_expect_eq(seg(&o, "create", false, "--strategy", "atomic", NULL), 2);
	cr_expect(strstr(o.err, "is taken") && strstr(o.err, "--force"), "%s",
		  o.err);
	cr_expect_eq(shmget(key, 0, 0), first, "the segment was replaced");
	cr_expect_eq(counter_at_offset_0(key), 5, "the counter was touched");

	cr_expect_eq(
	    seg(&o, "create", false, "--strategy", "atomic", "--force", NULL),
	    0, "%s", o.err);
	cr_expect_neq(shmget(key, 0, 0), first, "--force kept the old one");
	cr_expect_eq(counter_at_offset_0(key), 0);
	cr_expect_not(key_in_table("sem", key),
		      "--force left the old semaphore set");
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0, "%s", o.err);

	/* --force over a foreign segment removes it, and says so. */
	make_foreign(key, 64, 1);
	cr_expect_eq(seg(&o, "create", false, "--force", NULL), 0, "%s", o.err);
	cr_expect(strstr(o.err, "not a racelab segment"), "%s", o.err);
	cr_expect_not(sysv_has("shm", foreign_id));
	foreign_id = -1;
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0, "%s", o.err);
	expect_key_gone("--force");
}

Test(segment, missing_key_is_refused, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	static const char *const subs[] = { "incr", "show", "destroy" };
	struct outcome o;

	for (unsigned i = 0; i < 3; i++) {
		cr_expect_eq(seg(&o, subs[i], false, NULL), 2, "%s: exit %d",
			     subs[i], o.exit_code);
		cr_expect(strstr(o.err, "no shared memory segment has key") &&
			      strstr(o.err, keyarg),
			  "%s: %s", subs[i], o.err);
	}
	expect_key_gone("missing key");
}

struct bad_case {
	const char *args[10]; /* after racelab; "KEY" is replaced */
	const char *says;     /* stderr must contain it */
};

Test(segment, bad_input_exits_2_with_one_line_and_creates_nothing,
     .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	static const struct bad_case cases[] = {
		{ { "segment" }, "which one" },
		{ { "segment", "frob" }, "unknown subcommand 'frob'" },
		{ { "segment", "create" }, "--key KEY or --path FILE" },
		{ { "segment", "create", "--key", "0" }, "IPC_PRIVATE" },
		{ { "segment", "create", "--key", "0x0" }, "IPC_PRIVATE" },
		{ { "segment", "create", "--key", "0x" }, "hex digits" },
		{ { "segment", "create", "--key", "0x123456789" },
		  "hex digits" },
		{ { "segment", "create", "--key", "0xf0g" }, "not a hex" },
		{ { "segment", "create", "--key", "-5" }, "negative" },
		{ { "segment", "create", "--key", "4294967296" }, "too large" },
		{ { "segment", "create", "--key", "KEY", "--path", "/etc" },
		  "not both" },
		{ { "segment", "create", "--path", "/nonexistent/x" },
		  "No such file" },
		{ { "segment", "create", "--key", "KEY", "--strategy",
		    "sharded" },
		  "keeps the count itself" },
		{ { "segment", "create", "--key", "KEY", "--strategy",
		    "peterson" },
		  "cannot live at a name" },
		{ { "segment", "create", "--key", "KEY", "--strategy",
		    "flock" },
		  "flock needs --path" },
		{ { "segment", "create", "--key", "KEY", "--mode", "0400" },
		  "owner read and write" },
		{ { "segment", "create", "--key", "KEY", "--mode", "0999" },
		  "not octal" },
		{ { "segment", "create", "--key", "KEY", "--mode", "1600" },
		  "at most 0777" },
		{ { "segment", "create", "--key", "KEY", "--times", "3" },
		  "--times does not apply" },
		{ { "segment", "incr", "--key", "KEY", "--times", "0" },
		  "at least 1" },
		{ { "segment", "incr", "--key", "KEY", "--strategy", "none" },
		  "--strategy does not apply" },
		{ { "segment", "show", "--key", "KEY", "--format", "xml" },
		  "--format 'xml'" },
		{ { "segment", "destroy", "--key", "KEY", "extra" },
		  "unexpected argument 'extra'" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[12];
		struct outcome o;
		const char *nl;
		int n = 0;

		for (; cases[i].args[n]; n++)
			argv[n] = strcmp(cases[i].args[n], "KEY")
				      ? cases[i].args[n]
				      : keyarg;
		argv[n] = NULL;
		cr_assert_eq(racelab(&o, 10, argv), 0);
		cr_expect_eq(o.exit_code, 2, "case %u: exit %d", i,
			     o.exit_code);
		cr_expect(strstr(o.err, cases[i].says),
			  "case %u: '%s' lacks '%s'", i, o.err, cases[i].says);
		nl = strchr(o.err, '\n');
		cr_expect(nl && nl[1] == '\0', "case %u: not one line: '%s'", i,
			  o.err);
		cr_expect_str_empty(o.out, "case %u printed on stdout", i);
	}
	expect_key_gone("bad input");
}

Test(segment, help_for_each_subcommand, .timeout = 30)
{
	static const char *const subs[] = { "create", "incr", "show",
					    "destroy" };
	struct outcome o;

	racelab(&o, 10, ARGS("segment", "--help"));
	cr_expect_eq(o.exit_code, 0);
	cr_expect(strstr(o.out, "usage: racelab segment"), "%s", o.out);
	for (unsigned i = 0; i < 4; i++) {
		racelab(&o, 10, ARGS("segment", subs[i], "--help"));
		cr_expect_eq(o.exit_code, 0, "%s --help", subs[i]);
		cr_expect(strstr(o.out, "--key") && strstr(o.out, "--path") &&
			      strstr(o.out, "exit status"),
			  "%s", o.out);
	}
	racelab(&o, 10, ARGS("--help"));
	cr_expect(strstr(o.out, "segment"), "top-level help lacks segment");
}

ParameterizedTestParameters(segment, destroy_leaves_nothing)
{
	static struct crowd_case cases[] = {
		{ "none", "", false },	       { "sysv-sem", "", false },
		{ "robust-mutex", "", false }, { "atomic", "", false },
		{ "flock", "", true },
	};

	return cr_make_param_array(struct crowd_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct crowd_case *c, segment, destroy_leaves_nothing,
		  .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	key_t k = c->by_path ? path_key : key;
	struct outcome o;
	int shmid, semid;

	cr_assert_eq(
	    seg(&o, "create", c->by_path, "--strategy", c->strategy, NULL), 0,
	    "%s", o.err);
	shmid = shmget(k, 0, 0);
	semid = semget(k, 0, 0);
	cr_expect_eq(semid != -1, strcmp(c->strategy, "sysv-sem") == 0,
		     "%s: semaphore set %d", c->strategy, semid);
	cr_expect_eq(access(lock, F_OK) == 0, c->by_path, "%s: lock file %s",
		     c->strategy, lock);
	cr_expect_eq(seg(&o, "incr", c->by_path, "--times", "100", NULL), 0,
		     "%s", o.err);
	cr_expect_eq(seg(&o, "destroy", c->by_path, NULL), 0, "%s", o.err);
	cr_expect_not(sysv_has("shm", shmid), "%s: segment %d remains",
		      c->strategy, shmid);
	if (semid != -1)
		cr_expect_not(sysv_has("sem", semid),
			      "%s: semaphore set %d remains", c->strategy,
			      semid);
	cr_expect_neq(access(lock, F_OK), 0, "%s: the lock file remains",
		      c->strategy);
	cr_expect_eq(access(path, F_OK), 0, "destroy removed --path itself");
	expect_key_gone(c->strategy);
}

ParameterizedTestParameters(segment, killed_incr_does_not_wedge_the_next)
{
	static struct crowd_case cases[] = {
		{ "robust-mutex", "", false },
		{ "sysv-sem", "", false },
		{ "flock", "", true },
	};

	return cr_make_param_array(struct crowd_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

/*
 * SIGKILL an incr that is hammering the lock; the next incr must finish.
 * The kill lands inside the critical section most of the time but not
 * always, so repeat (bounded) until robust-mutex reports a recovery.
 */
ParameterizedTest(struct crowd_case *c, segment,
		  killed_incr_does_not_wedge_the_next, .init = segment_init,
		  .fini = segment_fini, .timeout = 240)
{
	const char *argv[] = { "segment",
			       "incr",
			       c->by_path ? "--path" : "--key",
			       c->by_path ? path : keyarg,
			       "--times",
			       "10000000000",
			       NULL };
	bool robust = strcmp(c->strategy, "robust-mutex") == 0;
	uint64_t recoveries = 0;
	struct outcome o;
	char lost[32];
	int tries;

	cr_assert_eq(
	    seg(&o, "create", c->by_path, "--strategy", c->strategy, NULL), 0,
	    "%s", o.err);
	for (tries = 0; tries < 20 && (tries == 0 || recoveries == 0);
	     tries++) {
		uint64_t before =
		    counter_at_offset_0(c->by_path ? path_key : key);
		int fd;
		pid_t pid = racelab_start(argv, &fd);

		cr_assert_gt(pid, 0);
		/* Kill it only once it is incrementing. */
		for (int i = 0; i < 1000; i++) {
			if (counter_at_offset_0(c->by_path ? path_key : key) >
			    before + 10000)
				break;
			usleep(2000);
		}
		kill(pid, SIGKILL);
		racelab_wait(pid, 10, &o);
		close(fd);
		cr_expect_eq(o.signal, SIGKILL);
		/* The next one must not hang. */
		cr_assert_eq(
		    seg(&o, "incr", c->by_path, "--times", "1000", NULL), 0,
		    "%s: the incr after a kill: exit %d signal %d %s",
		    c->strategy, o.exit_code, o.signal, o.err);
		seg(&o, "show", c->by_path, "--format", "csv", NULL);
		recoveries = csv_u64(o.out, 0, "recoveries");
		cr_expect_gt(csv_u64(o.out, 0, "unfinished"), 0,
			     "the killed incr's unfinished work is hidden");
		cr_expect_eq(csv_field(o.out, 0, "lost", lost, sizeof(lost)),
			     0);
		cr_expect_str_empty(lost, "lost is unknowable after a SIGKILL");
		if (!robust)
			break;
	}
	if (robust)
		cr_expect_gt(recoveries, 0,
			     "no EOWNERDEAD recovery in %d kills", tries);
	else
		cr_expect_eq(recoveries, 0);
	cr_expect_eq(seg(&o, "destroy", c->by_path, NULL), 0, "%s", o.err);
	expect_key_gone(c->strategy);
}

Test(segment, sigint_stops_an_incr_with_everything_recorded,
     .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	char err[4096] = "";
	struct outcome o;
	int fd;
	pid_t pid;

	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem", NULL),
		     0, "%s", o.err);
	pid = racelab_start(
	    ARGS("segment", "incr", "--key", keyarg, "--times", "10000000000"),
	    &fd);
	cr_assert_gt(pid, 0);
	for (int i = 0; i < 1000 && counter_at_offset_0(key) < 1000; i++)
		usleep(2000);
	kill(pid, SIGINT);
	racelab_wait(pid, 10, &o);
	read_until(fd, "recorded", 2, err, sizeof(err));
	close(fd);
	cr_expect_eq(o.signal, SIGINT, "exit %d signal %d: %s", o.exit_code,
		     o.signal, err);
	cr_expect(strstr(err, "stopped by SIGINT"), "%s", err);
	seg(&o, "show", false, "--format", "csv", NULL);
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "unfinished"), 0, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "counter"),
		     csv_u64(o.out, 0, "requested"), "%s", o.out);
	cr_expect_gt(csv_u64(o.out, 0, "counter"), 0);
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0);
}

/* Write the counter as a foreign program would: no lock, no tally. */
static void foreign_write(key_t k, uint64_t v)
{
	int id = shmget(k, 0, 0);
	uint64_t *p;

	cr_assert_neq(id, -1);
	p = shmat(id, NULL, 0);
	cr_assert_neq(p, (void *)-1);
	*(volatile uint64_t *)p = v;
	shmdt(p);
}

Test(segment, foreign_writes_are_told_apart, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	struct outcome o;
	char lost[32];

	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem", NULL),
		     0, "%s", o.err);
	cr_assert_eq(seg(&o, "incr", false, "--times", "100", NULL), 0);

	/* Above what racelab did: someone else wrote it. */
	foreign_write(key, 105);
	cr_expect_eq(seg(&o, "show", false, NULL), 0, "%s", o.err);
	cr_expect(strstr(o.out, "5 above") &&
		      strstr(o.out, "another program wrote it"),
		  "%s", o.out);
	seg(&o, "show", false, "--format", "csv", NULL);
	csv_field(o.out, 0, "lost", lost, sizeof(lost));
	cr_expect_str_empty(lost, "lost is unknowable: %s", o.out);
	seg(&o, "show", false, "--format", "json", NULL);
	cr_expect(json_valid(o.out) && strstr(o.out, "\"lost\": null"), "%s",
		  o.out);

	/* Below: updates lost under a lock that must be exact: exit 3. */
	foreign_write(key, 90);
	cr_expect_eq(seg(&o, "show", false, "--format", "csv", NULL), 3,
		     "show must exit 3: %s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 10, "%s", o.out);
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0);
}

/* Run an example from docs/examples with an interpreter, if it is here. */
static void run_example(const char *interp, const char *script)
{
	char cmd[512];
	struct outcome o;
	int rc;

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", interp);
	if (system(cmd) != 0)
		cr_skip_test("%s is not installed", interp);
	if (strcmp(interp, "php") == 0 &&
	    system("php -m 2>/dev/null | grep -qx shmop") != 0)
		cr_skip_test("php has no shmop");
	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem", NULL),
		     0, "%s", o.err);
	cr_assert_eq(seg(&o, "incr", false, "--times", "1000", NULL), 0);
	snprintf(cmd, sizeof(cmd), "%s docs/examples/%s %s 25 >/dev/null",
		 interp, script, keyarg);
	rc = system(cmd);
	cr_expect_eq(rc, 0, "%s failed", cmd);
	cr_expect_eq(counter_at_offset_0(key), 1025,
		     "%s did not add 25 at offset 0", script);
	cr_expect_eq(seg(&o, "incr", false, "--times", "1000", NULL), 0);
	seg(&o, "show", false, NULL);
	cr_expect(strstr(o.out, "2,025") && strstr(o.out, "25 above"), "%s",
		  o.out);
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0);
}

Test(segment, perl_example_opens_the_same_counter, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	run_example("perl", "hit-counter.pl");
}

Test(segment, php_example_opens_the_same_counter, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	run_example("php", "hit-counter.php");
}

Test(segment, wider_mode_warns_and_applies_to_every_object,
     .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	struct outcome o;
	struct stat st;
	int shmid;

	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem",
			 "--mode", "0666", NULL),
		     0, "%s", o.err);
	cr_expect(strstr(o.err, "warning: mode 0666: every user on this "
				"machine can now read and write the counter"),
		  "%s", o.err);
	cr_expect_eq(strchr(o.err, '\n') - o.err + 1, (long)strlen(o.err),
		     "one line: %s", o.err);
	shmid = shmget(key, 0, 0);
	cr_expect_eq(table_perms("shm", shmid), 0666);
	cr_expect_eq(table_perms("sem", semget(key, 0, 0)), 0666);
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0);

	/* The lock file gets the mode too, whatever the umask. */
	umask(077);
	cr_assert_eq(seg(&o, "create", true, "--strategy", "flock", "--mode",
			 "0640", NULL),
		     0, "%s", o.err);
	cr_expect(strstr(o.err, "warning: mode 0640: every member of group") &&
		      strstr(o.err, "can now read the counter"),
		  "%s", o.err);
	cr_assert_eq(stat(lock, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640);
	cr_expect_eq(table_perms("shm", shmget(path_key, 0, 0)), 0640);
	cr_expect_eq(seg(&o, "destroy", true, NULL), 0, "%s", o.err);
}

Test(segment, flock_lock_file_is_never_followed_or_mistaken,
     .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	char target[160], other[160];
	struct outcome o;
	struct stat st;
	int fd;

	snprintf(target, sizeof(target), "%s/precious", tmpdir);
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	fd = open(target, O_CREAT | O_WRONLY, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "keep", 4), 4);
	close(fd);

	/* A symlink planted at FILE.lock: create refuses it... */
	cr_assert_eq(symlink(target, lock), 0);
	cr_expect_eq(seg(&o, "create", true, "--strategy", "flock", NULL), 2);
	cr_expect(strstr(o.err, "exists") && strstr(o.err, lock), "%s", o.err);
	cr_expect_not(key_in_table("shm", path_key), "created anyway");
	/* ... and --force replaces the link, never its target. */
	cr_expect_eq(
	    seg(&o, "create", true, "--strategy", "flock", "--force", NULL), 0,
	    "%s", o.err);
	cr_expect_eq(lstat(lock, &st), 0);
	cr_expect(S_ISREG(st.st_mode), "the lock is not a regular file");
	cr_expect_eq(stat(target, &st), 0);
	cr_expect_eq(st.st_size, 4, "the symlink's target was touched");

	/* By --key, incr cannot know the lock file: it says how. */
	char pk[16];

	snprintf(pk, sizeof(pk), "0x%08x", (unsigned)path_key);
	racelab(&o, 10, ARGS("segment", "incr", "--key", pk));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "--path") && strstr(o.err, "counter"), "%s",
		  o.err);

	/* Lock file swapped for a symlink, or for another file: refused. */
	cr_assert_eq(rename(lock, other), 0);
	cr_assert_eq(symlink(other, lock), 0);
	cr_expect_eq(seg(&o, "incr", true, NULL), 2);
	cr_expect(strstr(o.err, "symbolic link"), "%s", o.err);
	cr_assert_eq(unlink(lock), 0);
	fd = open(lock, O_CREAT | O_WRONLY | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_expect_eq(seg(&o, "incr", true, NULL), 2);
	cr_expect(strstr(o.err, "not the lock file"), "%s", o.err);
	cr_expect_eq(counter_at_offset_0(path_key), 0, "incr went ahead");
	/* destroy removes the segment but not a file it did not make. */
	cr_expect_eq(seg(&o, "destroy", true, NULL), 0, "%s", o.err);
	cr_expect(strstr(o.err, "left in place"), "%s", o.err);
	cr_expect_eq(access(lock, F_OK), 0, "destroy removed a stranger");
	expect_key_gone("flock");
}

Test(segment, incr_refuses_when_the_semaphore_set_is_gone, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	struct outcome o;

	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem", NULL),
		     0, "%s", o.err);
	cr_assert_eq(semctl(semget(key, 0, 0), 0, IPC_RMID), 0);
	cr_expect_eq(seg(&o, "incr", false, NULL), 2);
	cr_expect(strstr(o.err, "semaphore set is gone"), "%s", o.err);
	cr_expect_eq(counter_at_offset_0(key), 0);
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0, "%s", o.err);
	expect_key_gone("semaphore set removed");
}

Test(segment, perl_holding_the_flock_loses_nothing, .init = segment_init,
     .fini = segment_fini, .timeout = 120)
{
	struct interval iv[INCRS];
	char cmd[512], pk[16];
	struct outcome o;
	pid_t perl;

	if (system("command -v perl >/dev/null 2>&1") != 0)
		cr_skip_test("perl is not installed");
	cr_assert_eq(seg(&o, "create", true, "--strategy", "flock", NULL), 0,
		     "%s", o.err);
	snprintf(pk, sizeof(pk), "0x%08x", (unsigned)path_key);
	snprintf(cmd, sizeof(cmd),
		 "perl docs/examples/hit-counter.pl %s 20000 %s >/dev/null", pk,
		 lock);
	fflush(NULL);
	perl = fork();
	cr_assert_geq(perl, 0);
	if (perl == 0)
		_exit(system(cmd) == 0 ? 0 : 1);
	incr_crowd(true, "20000", iv);
	cr_assert_eq(racelab_wait(perl, 60, &o), 0);
	cr_expect_eq(o.exit_code, 0, "%s failed", cmd);
	cr_expect_eq(counter_at_offset_0(path_key), INCRS * 20000 + 20000,
		     "a writer holding the same flock lost updates");
	cr_expect_eq(seg(&o, "destroy", true, NULL), 0, "%s", o.err);
}

/* ---- every strategy that can live at a name -------------------------- */

struct named_case {
	char strategy[32]; /* one the segment store admits */
	bool by_path;	   /* it locks FILE.lock: name it with --path */
};

ParameterizedTestParameters(segment, crowd_is_exact_under_every_admitted_lock)
{
	static struct named_case cases[64];
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++) {
		const struct strategy *s = strategies[i];

		if (s->racy || segment_refuses(s))
			continue;
		snprintf(cases[n].strategy, sizeof(cases[n].strategy), "%s",
			 s->name);
		cases[n].by_path = s->lock_file;
		n++;
	}
	return cr_make_param_array(struct named_case, cases, n);
}

/* Registering a strategy that can live at a name enrolls it here. */
ParameterizedTest(struct named_case *c, segment,
		  crowd_is_exact_under_every_admitted_lock,
		  .init = segment_init, .fini = segment_fini, .timeout = 240)
{
	struct interval iv[INCRS];
	struct outcome o;

	cr_assert_eq(
	    seg(&o, "create", c->by_path, "--strategy", c->strategy, NULL), 0,
	    "%s", o.err);
	incr_crowd(c->by_path, "5000", iv);
	cr_expect_eq(seg(&o, "show", c->by_path, "--format", "csv", NULL), 0,
		     "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "counter"), INCRS * 5000, "%s: %s",
		     c->strategy, o.out);
	cr_expect_eq(csv_u64(o.out, 0, "completed"), INCRS * 5000, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "unfinished"), 0, "%s", o.out);
	cr_expect_eq(seg(&o, "destroy", c->by_path, NULL), 0, "%s", o.err);
	cr_expect_neq(access(lock, F_OK), 0, "the lock file remains");
	expect_key_gone(c->strategy);
}

/* ---- a lock word that names a dead (or no) owner ------------------------ */

/*
 * Write 1 into the first word of the segment's lock area, as if a holder
 * had died holding it (spin, ttas: locked; ticket: ticket 0 handed out,
 * never served; futex: locked; a pthread mutex: owned by thread 1, which
 * never took it).
 */
static void wedge_lock(key_t k)
{
	int id = shmget(k, 0, 0);
	unsigned char *p;

	cr_assert_neq(id, -1);
	p = shmat(id, NULL, 0);
	cr_assert_neq(p, (void *)-1);
	*(volatile uint32_t *)(p + offsetof(struct region, shared)) = 1;
	shmdt(p);
}

struct wedged_case {
	char strategy[32]; /* its lock lives in the segment */
};

ParameterizedTestParameters(segment, dead_owner_never_hangs_incr)
{
	static struct wedged_case cases[] = {
		{ "spin" },  { "ttas" },  { "ticket" },
		{ "futex" }, { "mutex" }, { "robust-mutex" },
	};

	return cr_make_param_array(struct wedged_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct wedged_case *c, segment, dead_owner_never_hangs_incr,
		  .init = segment_init, .fini = segment_fini, .timeout = 60)
{
	struct outcome o;

	cr_assert_eq(seg(&o, "create", false, "--strategy", c->strategy, NULL),
		     0, "%s", o.err);
	wedge_lock(key);
	/* A hang is killed by seg()'s limit, and then does not exit 4. */
	cr_expect_eq(
	    seg(&o, "incr", false, "--times", "1000", "--timeout", "1", NULL),
	    4, "%s: exit %d signal %d: %s", c->strategy, o.exit_code, o.signal,
	    o.err);
	cr_expect(strstr(o.err, "dead or never existed"), "%s", o.err);
	/* A single SIGTERM stops one that waits for it, within a second. */
	{
		const char *argv[] = { "segment", "incr", "--key", keyarg,
				       "--times", "1000", NULL };
		int fd;
		pid_t pid = racelab_start(argv, &fd);

		cr_assert_gt(pid, 0);
		usleep(300000);
		kill(pid, SIGTERM);
		/*
		 * By design it is gone within 0.6 s (one 100 ms signal tick,
		 * then at most 0.5 s for a worker thread stuck on the dead
		 * owner's lock). One that hangs is killed after 10 s, and
		 * then did not die of SIGTERM. (How fast is not a pass/fail
		 * question on a loaded machine.)
		 */
		racelab_wait(pid, 10, &o);
		close(fd);
		cr_expect_eq(o.signal, SIGTERM, "%s: exit %d signal %d",
			     c->strategy, o.exit_code, o.signal);
	}
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0, "%s", o.err);
	expect_key_gone(c->strategy);
}

/* ---- the lock a segment names is checked before it is removed ---------- */

Test(segment, destroy_never_removes_a_set_it_did_not_make, .init = segment_init,
     .fini = segment_fini, .timeout = 60)
{
	struct outcome o;
	int other;

	cr_assert_eq(seg(&o, "create", false, "--strategy", "sysv-sem", NULL),
		     0, "%s", o.err);
	/* Replace the set at the key with one of 3 semaphores (not ours). */
	cr_assert_eq(semctl(semget(key, 0, 0), 0, IPC_RMID), 0);
	other = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
	cr_assert_neq(other, -1);
	cr_expect_eq(seg(&o, "incr", false, NULL), 2);
	cr_expect(strstr(o.err, "not this segment's"), "%s", o.err);
	cr_expect_eq(seg(&o, "destroy", false, NULL), 0, "%s", o.err);
	cr_expect(sysv_has("sem", other), "destroy removed a foreign set");
	cr_expect(strstr(o.err, "left in place"), "%s", o.err);
	(void)semctl(other, 0, IPC_RMID);
	expect_key_gone("foreign set");
}

/* ---- fuzz: garbage metadata, under ASan and UBSan ----------------------- */

/*
 * Both suites (plain and ASan) run this test, and both hand the segment to
 * racelab-asan: the same rounds twice would prove nothing more. So each
 * suite runs its own half of the 150 rounds, from its own seed.
 */
#if defined(__SANITIZE_ADDRESS__)
static uint64_t fuzz_state = 0xD1B54A32D192ED03ULL;
#else
static uint64_t fuzz_state = 0x9E3779B97F4A7C15ULL;
#endif
#define FUZZ_ROUNDS 75

static uint64_t fuzz_next(void)
{
	uint64_t x = fuzz_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	fuzz_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/*
 * Random bytes over the metadata of a real segment, 75 times in each suite
 * (see fuzz_state), then show,
 * incr and destroy under the ASan+UBSan build: each must exit cleanly (0,
 * 2, 3 or 4), never crash, hang or draw a sanitizer report. Some rounds
 * keep the magic and the layout (or also the key and the strategy) so that
 * the checks behind them are reached too.
 */
Test(segment, fuzzed_metadata_is_refused_or_survived, .init = segment_init,
     .fini = segment_fini, .timeout = 600)
{
	static const char *const strategies_tried[] = { "robust-mutex",
							"sysv-sem", "none",
							"spin" };
	const char *asan = getenv("RACELAB_ASAN");
	char keep[4096];
	const char *saved = getenv("RACELAB");
	int rounds = FUZZ_ROUNDS, shown = 0, refused = 0;

	if (!asan || !*asan)
		asan = "./racelab-asan";
	cr_assert_eq(access(asan, X_OK), 0,
		     "%s is not built (make racelab-asan; make test builds "
		     "it)",
		     asan);
	snprintf(keep, sizeof(keep), "%s", saved ? saved : "./racelab");
	setenv("RACELAB", asan, 1);
	for (int r = 0; r < rounds; r++) {
		const char *s = strategies_tried[r % 4];
		struct segment_meta *m;
		unsigned char *p, saved_head[64];
		struct outcome o;
		int id, depth = r % 3;

		cr_assert_eq(
		    seg(&o, "create", false, "--strategy", s, "--force", NULL),
		    0, "%s", o.err);
		cr_assert_eq(seg(&o, "incr", false, "--times", "10", NULL), 0,
			     "%s", o.err);
		id = shmget(key, 0, 0);
		p = shmat(id, NULL, 0);
		cr_assert_neq(p, (void *)-1);
		m = (struct segment_meta *)(p + SEGMENT_META);
		memcpy(saved_head, m, sizeof(saved_head));
		for (size_t i = 0; i < sizeof(*m); i++)
			((unsigned char *)m)[i] = (unsigned char)fuzz_next();
		/* depth 1: magic, version, bytes kept; 2: key, strategy too */
		if (depth >= 1)
			memcpy(m, saved_head, 16);
		if (depth >= 2)
			memcpy(m, saved_head, sizeof(saved_head));
		shmdt(p);
		static const char *const subs[] = { "show", "incr", "show",
						    "destroy" };
		for (unsigned k = 0; k < 4; k++) {
			int rc = k == 1 ? seg(&o, subs[k], false, "--times",
					      "100", "--timeout", "2", NULL)
					: seg(&o, subs[k], false, NULL);

			shown += k == 0 && rc != 2;
			refused += k == 0 && rc == 2;
			cr_expect(rc == 0 || rc == 2 || rc == 3 || rc == 4,
				  "round %d (%s, depth %d): %s exit %d signal "
				  "%d:\n%s",
				  r, s, depth, subs[k], rc, o.signal, o.err);
			cr_expect_null(strstr(o.err, "Sanitizer"),
				       "round %d: %s: %s", r, subs[k], o.err);
			cr_expect_null(strstr(o.err, "runtime error"),
				       "round %d: %s: %s", r, subs[k], o.err);
			for (const char *c = o.out; *c; c++)
				if ((unsigned char)*c < 0x20 && *c != '\n') {
					cr_expect_fail("round %d: %s printed "
						       "control byte %#x",
						       r, subs[k], *c);
					break;
				}
		}
	}
	setenv("RACELAB", keep, 1);
	/* Both outcomes happened: the checks behind the magic were reached. */
	cr_expect_gt(shown, 0, "no fuzzed segment got past the checks");
	cr_expect_gt(refused, 0, "no fuzzed segment was refused");
	remove_key(key);
	expect_key_gone("fuzz");
}
