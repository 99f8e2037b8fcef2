/*
 * support.h - what the system tests share: run ./racelab and capture what it
 * prints, find its workers, read the kernel's SysV tables, pick CSV fields.
 */
#ifndef RACELAB_TESTS_SUPPORT_H
#define RACELAB_TESTS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One finished racelab process. */
struct outcome {
	int status;	 /* as from waitpid */
	int exit_code;	 /* WEXITSTATUS, or -1 if it died of a signal */
	int signal;	 /* WTERMSIG, or 0 */
	char out[65536]; /* its stdout */
	char err[65536]; /* its stderr */
};

/*
 * Run the racelab binary ($RACELAB, default ./racelab) with the given
 * arguments (NULL-terminated), wait for it (killing it after timeout_s) and
 * capture stdout and stderr. Returns 0, or -1 if it could not be started.
 */
int racelab(struct outcome *o, double timeout_s, const char *const argv[]);

/*
 * Start racelab without waiting; its stderr is readable from *err_fd.
 * Used by the signal tests.
 */
pid_t racelab_start(const char *const argv[], int *err_fd);

/* "$TMPDIR/racelab-WHAT-XXXXXX" in buf, for mkstemp or mkdtemp: inside
 * the case's own TMPDIR, so that even a killed case leaves nothing else. */
void tmp_template(char *buf, size_t len, const char *what);

/* The same, with its stdout readable from *out_fd too. */
pid_t racelab_start_out(const char *const argv[], int *out_fd, int *err_fd);

/* The same, with sig ignored when racelab starts (as nohup ignores SIGHUP,
 * and a shell's background job SIGINT). */
pid_t racelab_start_ignoring(int sig, const char *const argv[], int *err_fd);

/* Wait for pid, killing it after timeout_s; fill status fields of *o. */
int racelab_wait(pid_t pid, double timeout_s, struct outcome *o);

/* Read from fd until the text contains needle (or timeout); 0 if found. */
int read_until(int fd, const char *needle, double timeout_s, char *buf,
	       size_t len);

/* The pids whose parent is ppid; returns how many (at most max). */
int children_of(pid_t ppid, pid_t *pids, int max);

/*
 * The worker processes of the racelab process pid: its children in the
 * workers' own process group (a helper such as the pipe strategy's owner
 * stays in racelab's group). Returns how many (at most max).
 */
int workers_of(pid_t pid, pid_t *pids, int max);

struct strategy;

/* Does s refuse (see strategy.h) a run of procs workers in this mode? */
bool strategy_refuses(const struct strategy *s, bool threads, unsigned procs);

/*
 * The ids in /proc/sysvipc/KIND ("shm" or "sem"); returns how many (at most
 * max), or -1 if the table cannot be read.
 */
int sysv_ids(const char *kind, int *ids, int max);
bool sysv_has(const char *kind, int id);

/*
 * The number of live processes that are our children (we are a subreaper,
 * so orphaned workers come to us), after giving them up to a second to end
 * (a killed racelab's guardian and workers); reaps zombies on the way.
 */
int live_descendants(void);
void become_subreaper(void);

/*
 * Does this test case run in an IPC namespace of its own (as root; see
 * support.c)? Then its leak checks see exactly its own objects.
 */
bool case_private_ipc(void);

/* The SysV tables at one moment. */
/*
 * The ASan suite runs every case of the plain suite against racelab-asan.
 * Its question is memory safety on every path, which a run of a few
 * thousand increments asks as well as one of a few hundred thousand; the
 * exactness of each lock at full size is the plain suite's question. So
 * the exactness cases divide their increments by ASAN_SCALE there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN_SCALE 4u
#else
#define ASAN_SCALE 1u
#endif

struct snapshot {
	int shm[1024], sem[1024], msg[1024]; /* ids */
	int nshm, nsem, nmsg;		     /* how many */
};

void snap(struct snapshot *s);

/*
 * Expect nothing new in the SysV tables since `before`. (Objects that
 * vanished meanwhile belong to someone else; only what appeared can be our
 * leak.) In the case's own IPC namespace (as root) that is every table:
 * segments, semaphore sets and message queues; in the machine's tables
 * (not root), segments and semaphore sets, told apart from other jobs'.
 */
void expect_same_tables(const struct snapshot *before, const char *ctx);

/*
 * Expect every object that racelab --verbose said it created ("created SysV
 * shared memory id N", "... semaphore set id N", "... message queue id N")
 * to be gone.
 */
void expect_named_objects_gone(const char *verbose_err, const char *ctx);

/*
 * In CSV text with a header line, the value of column `col` in data row
 * `row` (0-based), copied into buf. Returns 0, or -1 if absent.
 */
int csv_field(const char *csv, int row, const char *col, char *buf, size_t len);
uint64_t csv_u64(const char *csv, int row, const char *col);

/* Field number idx (0-based) of one CSV line, copied into buf; 0 or -1. */
int csv_field_line(const char *line, int idx, char *buf, size_t len);

/*
 * Append to argv (at index n) the options that make two workers really
 * overlap: --cpus 0,1 on a machine with two CPUs (so one worker cannot
 * finish before the other starts), --cpus 0 --window yield on one CPU.
 * Returns the new n; argv[n] is set to NULL.
 */
int overlap_args(const char **argv, int n);

/* Is text one well-formed JSON value (and nothing else)? */
bool json_valid(const char *text);

#endif
