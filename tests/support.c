/* support.c - see support.h. Not a test file itself. */
#include "support.h"

#include <criterion/criterion.h>

#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/guardian.h"
#include "core/strategy.h"

#define PROCS_MAX_TESTED 64 /* more children than any test starts */

/*
 * Each test case, hermetic. Criterion (through BoxFort) runs every test case
 * in a process of its own, started by exec with BXFI_MAP in its environment;
 * this constructor runs first in each of them. As root it moves the case
 * into an IPC namespace of its own (unshare(CLONE_NEWIPC)): the SysV tables
 * the case sees hold exactly what it and the racelabs it starts made, so
 * its leak checks are exact and cases can run in parallel without seeing
 * each other's objects. Without root the tables are the machine's, and the
 * checks fall back to telling racelab's objects from others' (below). Each
 * case also gets a TMPDIR of its own, and becomes a subreaper, so that any
 * process racelab leaves behind comes to it (the TMPDIRs of one make test
 * under RACELAB_CASE_PARENT, which make test removes at its end). At exit,
 * the TMPDIR is removed
 * and any process still there is killed and, with RACELAB_LEAK_LOG set,
 * written down there: make test fails if that file is not empty.
 */
static bool private_ipc;   /* this case has an IPC namespace of its own */
static char case_tmp[256]; /* its TMPDIR */
static pid_t case_pid;	   /* the case's process (not a child it forked) */

static char case_name[160]; /* suite::test, noted while the test runs */

static void note_case(void)
{
	if (!case_name[0] && criterion_current_test && criterion_current_suite)
		snprintf(case_name, sizeof(case_name), "%s::%s",
			 criterion_current_suite->name,
			 criterion_current_test->name);
}

/*
 * The case is over: kill what is left (after a second) and say so, and
 * remove its TMPDIR (the case's own files included: the case checks those
 * it cares about itself).
 */
static void case_fini(void)
{
	const char *log = getenv("RACELAB_LEAK_LOG");
	char cmd[300];
	pid_t kids[64];
	int n;

	if (getpid() != case_pid)
		return;		/* a child the test forked, calling exit() */
	guardian_stop();	/* the one an in-process harness run started */
	n = live_descendants(); /* waits up to a second */
	if (n > 0) {
		FILE *f = log ? fopen(log, "a") : NULL;

		n = children_of(getpid(), kids, 64);
		for (int i = 0; i < n; i++)
			(void)kill(kids[i], SIGKILL);
		fprintf(stderr, "racelab-tests: %s: %d process(es) left\n",
			case_name[0] ? case_name : "a test case", n);
		if (f) {
			fprintf(f, "%s: %d process(es) left\n",
				case_name[0] ? case_name : "a test case", n);
			fclose(f);
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (case_tmp[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", case_tmp);
		(void)!system(cmd);
	}
}

__attribute__((constructor)) static void case_init(void)
{
	static const int stops[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };

	if (!getenv("BXFI_MAP"))
		return; /* the runner, not a test case */
	case_pid = getpid();
	/*
	 * The racelabs a case starts get the default dispositions, whatever
	 * the suite inherited: run as a background job of a script (make
	 * test's parts run side by side), SIGINT and SIGQUIT arrive ignored,
	 * and racelab respects an inherited SIG_IGN.
	 */
	for (unsigned i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		(void)signal(stops[i], SIG_DFL);
	if (geteuid() == 0 && unshare(CLONE_NEWIPC) == 0)
		private_ipc = true;
	/* Under the run's own directory when make test gives one (it
	 * removes that at the end, so even a case that crashed before its
	 * atexit leaves nothing), else under /tmp. */
	if (getenv("RACELAB_CASE_PARENT"))
		snprintf(case_tmp, sizeof(case_tmp), "%s/case-XXXXXX",
			 getenv("RACELAB_CASE_PARENT"));
	else
		strcpy(case_tmp, "/tmp/racelab-case-XXXXXX");
	if (mkdtemp(case_tmp))
		setenv("TMPDIR", case_tmp, 1);
	else
		case_tmp[0] = '\0';
	become_subreaper();
	atexit(case_fini);
}

bool case_private_ipc(void)
{
	return private_ipc;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every racelab this test process started: whose leaks are ours. */
static pid_t spawned[4096];
static unsigned nspawned;

static bool ours(pid_t pid)
{
	for (unsigned i = 0; i < nspawned; i++)
		if (spawned[i] == pid)
			return true;
	return false;
}

static const char *racelab_path(void)
{
	const char *p = getenv("RACELAB");

	return p && *p ? p : "./racelab";
}

static int ignore_in_child; /* a signal the next racelab inherits ignored */

static pid_t start(const char *const argv[], int *out_fd, int *err_fd)
{
	int out[2], err[2];
	const char *args[64];
	int n = 0;
	pid_t pid;

	note_case();
	if (pipe2(err, O_CLOEXEC))
		return -1;
	if (!out_fd) { /* nobody reads stdout: send it to /dev/null */
		out[0] = -1;
		out[1] = open("/dev/null", O_WRONLY | O_CLOEXEC);
	} else if (pipe2(out, O_CLOEXEC)) {
		return -1;
	}
	args[n++] = racelab_path();
	for (int i = 0; argv[i] && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (ignore_in_child)
			signal(ignore_in_child, SIG_IGN); /* as nohup does */
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	if (pid > 0 && nspawned < sizeof(spawned) / sizeof(spawned[0]))
		spawned[nspawned++] = pid;
	close(out[1]);
	close(err[1]);
	if (out_fd)
		*out_fd = out[0];
	*err_fd = err[0];
	return pid;
}

static void fill_status(struct outcome *o, int status)
{
	o->status = status;
	o->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	o->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

int racelab_wait(pid_t pid, double timeout_s, struct outcome *o)
{
	double deadline = seconds() + timeout_s;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r == -1 && errno != EINTR)
			return -1;
		if (seconds() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(2000);
	}
	fill_status(o, status);
	return 0;
}

int racelab(struct outcome *o, double timeout_s, const char *const argv[])
{
	int out_fd, err_fd;
	size_t no = 0, ne = 0;
	double deadline = seconds() + timeout_s;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	pid = start(argv, &out_fd, &err_fd);
	if (pid < 0)
		return -1;
	/* Drain both pipes until both close, so a chatty child never blocks. */
	for (int open_fds = 2; open_fds > 0 && seconds() < deadline;) {
		struct pollfd p[2] = { { out_fd, POLLIN, 0 },
				       { err_fd, POLLIN, 0 } };

		if (poll(p, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			char *buf = i ? o->err : o->out;
			size_t *len = i ? &ne : &no;
			char tmp[4096];
			ssize_t r;

			if (!(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			r = read(p[i].fd, tmp, sizeof(tmp));
			if (r <= 0) {
				p[i].fd = -1;
				open_fds--;
				if (i)
					err_fd = -1;
				else
					out_fd = -1;
				continue;
			}
			if (*len + (size_t)r < sizeof(o->out) - 1) {
				memcpy(buf + *len, tmp, (size_t)r);
				*len += (size_t)r;
			}
		}
		if (out_fd < 0 && err_fd < 0)
			break;
	}
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
	return racelab_wait(pid, deadline - seconds() + 0.5, o);
}

pid_t racelab_start(const char *const argv[], int *err_fd)
{
	return start(argv, NULL, err_fd);
}

void tmp_template(char *buf, size_t len, const char *what)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, len, "%s/racelab-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
		 what);
}

pid_t racelab_start_out(const char *const argv[], int *out_fd, int *err_fd)
{
	return start(argv, out_fd, err_fd);
}

pid_t racelab_start_ignoring(int sig, const char *const argv[], int *err_fd)
{
	pid_t pid;

	ignore_in_child = sig;
	pid = start(argv, NULL, err_fd);
	ignore_in_child = 0;
	return pid;
}

int read_until(int fd, const char *needle, double timeout_s, char *buf,
	       size_t len)
{
	double deadline = seconds() + timeout_s;
	size_t n = strlen(buf);

	while (seconds() < deadline) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (strstr(buf, needle))
			return 0;
		if (poll(&p, 1, 50) <= 0)
			continue;
		r = read(fd, buf + n, len - n - 1);
		if (r <= 0)
			return strstr(buf, needle) ? 0 : -1;
		n += (size_t)r;
		buf[n] = '\0';
	}
	return strstr(buf, needle) ? 0 : -1;
}

int children_of(pid_t ppid, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) && n < max) {
		char path[300], line[512], *p;
		FILE *f;
		int pp;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f) && (p = strrchr(line, ')')) &&
		    sscanf(p + 2, "%*c %d", &pp) == 1 && pp == ppid)
			pids[n++] = (pid_t)atoi(e->d_name);
		fclose(f);
	}
	closedir(d);
	return n;
}

int workers_of(pid_t pid, pid_t *pids, int max)
{
	pid_t kids[PROCS_MAX_TESTED];
	pid_t group = getpgid(pid);
	int n = children_of(pid, kids, PROCS_MAX_TESTED), k = 0;

	for (int i = 0; i < n && k < max; i++) {
		pid_t g = getpgid(kids[i]);

		/* The guardian leads a session of its own: not a worker. */
		if (g != -1 && g != group && getsid(kids[i]) != kids[i])
			pids[k++] = kids[i];
	}
	return k;
}

bool strategy_refuses(const struct strategy *s, bool threads, unsigned procs)
{
	struct run probe = { .strategy = s,
			     .mode = threads ? MODE_THREAD : MODE_PROCESS,
			     .procs = procs };

	return s->cannot_run && s->cannot_run(&probe);
}

int sysv_ids(const char *kind, int *ids, int max)
{
	char path[64], line[512];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) { /* the header */
		fclose(f);
		return 0;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		int key, id;

		if (sscanf(line, "%d %d", &key, &id) == 2)
			ids[n++] = id;
	}
	fclose(f);
	return n;
}

bool sysv_has(const char *kind, int id)
{
	int ids[4096];
	int n = sysv_ids(kind, ids, 4096);

	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

void snap(struct snapshot *s)
{
	note_case();
	s->nshm = sysv_ids("shm", s->shm, 1024);
	s->nsem = sysv_ids("sem", s->sem, 1024);
	s->nmsg = sysv_ids("msg", s->msg, 1024);
}

/* The creator's pid of shared memory segment id, or -1. */
static pid_t shm_creator(int id)
{
	char line[512];
	FILE *f = fopen("/proc/sysvipc/shm", "r");
	pid_t who = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int key, shmid, cpid;
		unsigned perms;
		unsigned long size;

		if (sscanf(line, "%d %d %o %lu %d", &key, &shmid, &perms, &size,
			   &cpid) == 5 &&
		    shmid == id)
			who = cpid;
	}
	fclose(f);
	return who;
}

/* The key of semaphore set id, or -1 if it is gone. */
static long sem_key(int id)
{
	char line[512];
	FILE *f = fopen("/proc/sysvipc/sem", "r");
	long key = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long k;
		int semid;

		if (sscanf(line, "%ld %d", &k, &semid) == 2 && semid == id)
			key = k;
	}
	fclose(f);
	return key;
}

/* An id in `now` that was not in `then`, or -1. */
static int new_id(const int *then, int nthen, const int *now, int nnow)
{
	for (int i = 0; i < nnow; i++) {
		bool old = false;

		for (int j = 0; j < nthen && !old; j++)
			old = now[i] == then[j];
		if (!old)
			return now[i];
	}
	return -1;
}

/* Is pid a live process? */
static bool alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

void expect_same_tables(const struct snapshot *before, const char *ctx)
{
	struct snapshot after;
	int id;

	snap(&after);
	if (private_ipc) {
		/*
		 * The case's own namespace: anything new is a leak. racelab's
		 * guardian may still be removing what a killed racelab left:
		 * it has a second.
		 */
		for (int tries = 0; tries < 100; tries++) {
			if (new_id(before->shm, before->nshm, after.shm,
				   after.nshm) < 0 &&
			    new_id(before->sem, before->nsem, after.sem,
				   after.nsem) < 0 &&
			    new_id(before->msg, before->nmsg, after.msg,
				   after.nmsg) < 0)
				break;
			usleep(10000);
			snap(&after);
		}
		id = new_id(before->shm, before->nshm, after.shm, after.nshm);
		cr_expect_eq(id, -1, "%s: shared memory id %d was left behind",
			     ctx, id);
		id = new_id(before->sem, before->nsem, after.sem, after.nsem);
		cr_expect_eq(id, -1, "%s: semaphore set id %d was left behind",
			     ctx, id);
		id = new_id(before->msg, before->nmsg, after.msg, after.nmsg);
		cr_expect_eq(id, -1, "%s: message queue id %d was left behind",
			     ctx, id);
		return;
	}
	/*
	 * The machine's tables (not root). Segments record their creator:
	 * one made by a racelab this test started is ours, and so is one
	 * whose creator is gone (racelab's guardian makes them, and exits
	 * with racelab); other jobs' live processes make segments too.
	 * Semaphore sets do not record it, so any new one counts.
	 */
	usleep(200000); /* the guardian of a killed racelab at work */
	snap(&after);
	for (int i = 0; i < after.nshm; i++) {
		bool old = false;
		pid_t who;

		for (int j = 0; j < before->nshm && !old; j++)
			old = after.shm[i] == before->shm[j];
		who = shm_creator(after.shm[i]);
		if (!old && (ours(who) || !alive(who)))
			cr_expect(false,
				  "%s: shared memory id %d was left behind",
				  ctx, after.shm[i]);
	}
	/*
	 * A semaphore set does not record its creator. racelab's are private
	 * (key 0) and a leaked one stays; another job's come and go. So a new
	 * private set counts only if it is still there a second later.
	 */
	for (int tries = 0; tries < 20; tries++) {
		id = new_id(before->sem, before->nsem, after.sem, after.nsem);
		if (id < 0 || sem_key(id) != 0)
			break;
		usleep(50000);
		snap(&after);
	}
	if (id >= 0 && sem_key(id) != 0)
		id = -1; /* someone's keyed set (a `racelab segment`?) */
	cr_expect_eq(id, -1, "%s: semaphore set id %d was left behind", ctx,
		     id);
}

void expect_named_objects_gone(const char *err, const char *ctx)
{
	static const struct {
		const char *says; /* what racelab -v prints */
		const char *kind; /* its /proc/sysvipc table */
	} kinds[] = { { "created SysV shared memory id ", "shm" },
		      { "created SysV semaphore set id ", "sem" },
		      { "created SysV message queue id ", "msg" } };

	for (unsigned k = 0; k < 3; k++)
		for (const char *p = strstr(err, kinds[k].says); p;
		     p = strstr(p + 1, kinds[k].says)) {
			int id = atoi(p + strlen(kinds[k].says));

			cr_expect_not(sysv_has(kinds[k].kind, id),
				      "%s: %s id %d is still there", ctx,
				      kinds[k].kind, id);
		}
}

int overlap_args(const char **argv, int n)
{
	cpu_set_t set;

	argv[n++] = "--cpus";
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_ISSET(0, &set) && CPU_ISSET(1, &set)) {
		argv[n++] = "0,1";
	} else {
		argv[n++] = "0";
		argv[n++] = "--window";
		argv[n++] = "yield";
	}
	argv[n] = NULL;
	return n;
}

void become_subreaper(void)
{
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
}

int live_descendants(void)
{
	pid_t kids[256];
	int n;

	/* A killed racelab's guardian and workers have a second to go. */
	for (int tries = 0;; tries++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		n = children_of(getpid(), kids, 256);
		if (n <= 0 || tries == 100)
			break;
		usleep(10000);
	}
	return n < 0 ? 0 : n;
}

/* Copy field number idx (0-based) of one CSV line; handles quotes. */
static int csv_nth(const char *line, int idx, char *buf, size_t len)
{
	size_t n = 0;
	int field = 0;
	bool quoted = false;

	for (const char *p = line; *p && *p != '\n'; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"') {
				quoted = false;
				continue;
			}
		} else if (*p == '"') {
			quoted = true;
			continue;
		} else if (*p == ',') {
			if (field == idx)
				break;
			field++;
			continue;
		}
		if (field == idx && n + 1 < len)
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return field == idx ? 0 : -1;
}

int csv_field_line(const char *line, int idx, char *buf, size_t len)
{
	return csv_nth(line, idx, buf, len);
}

int csv_field(const char *csv, int row, const char *col, char *buf, size_t len)
{
	const char *line = csv;
	char name[64];
	int idx = -1;

	for (int i = 0; csv_nth(csv, i, name, sizeof(name)) == 0; i++)
		if (strcmp(name, col) == 0) {
			idx = i;
			break;
		}
	if (idx < 0)
		return -1;
	for (int r = -1; r < row; r++) {
		line = strchr(line, '\n');
		if (!line || !line[1])
			return -1;
		line++;
	}
	return csv_nth(line, idx, buf, len);
}

uint64_t csv_u64(const char *csv, int row, const char *col)
{
	char buf[64];

	if (csv_field(csv, row, col, buf, sizeof(buf)))
		return UINT64_MAX;
	return strtoull(buf, NULL, 10);
}

/* A small recursive-descent JSON checker: syntax only. */
static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_str(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\' && !*++p)
			return NULL;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_num(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' ||
	       *p == 'E' || *p == '+' || *p == '-')
		p++;
	return p > s ? p : NULL;
}

static const char *json_seq(const char *p, char close, bool object, int depth)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = json_str(json_ws(p));
			if (!p || *(p = json_ws(p)) != ':')
				return NULL;
			p++;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = json_ws(p);
	switch (*p) {
	case '{':
		return json_seq(p, '}', true, depth);
	case '[':
		return json_seq(p, ']', false, depth);
	case '"':
		return json_str(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return json_num(p);
	}
}

bool json_valid(const char *text)
{
	const char *end = json_value(text, 0);

	return end && *json_ws(end) == '\0';
}
