/*
 * cmd-segment.c - `racelab segment create|incr|show|destroy`: one counter
 * in SysV shared memory that unrelated processes open by its key.
 *
 * This is the scenario racelab grew from: independent requests of a web
 * server (PHP's shmop hit counter), each opening the same segment by key,
 * reading the counter, adding one and writing it back. They are not parent
 * and child; they share nothing but the key. `run` shows the race between
 * workers it forks; this shows it between processes started by a shell.
 *
 * A thin command over a named store (store/segment.h: layout, checks) and
 * a named lock (the strategy's own setup at a name, and its join, which
 * checks the lock against the kernel's record before using it). It names
 * no strategy: what a strategy needs is in its descriptor. `incr` is one
 * run of the harness with one worker (a thread, so that a Ctrl-C lets it
 * finish its chunk and every increment is recorded) over the segment's
 * counter, with the watchdog on: a lock whose owner is dead or never
 * existed stops it after --timeout, never hangs it.
 *
 * Bookkeeping: the tallies (store_tally) sit in the segment's metadata.
 * Every incr adds its --times to `requested` before it starts and what it
 * finished to `completed` when it ends, so `show` can say how many updates
 * were lost (completed - counter). An incr killed with SIGKILL leaves its
 * work unaccounted (show says so); SIGINT, SIGTERM and SIGHUP stop it
 * cleanly with everything recorded. A foreign program writing the counter
 * bypasses racelab's lock and its tally alike; show sees only that the
 * counter is above what racelab did.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/guardian.h"
#include "core/harness.h"
#include "core/registry.h"
#include "out/report.h"
#include "out/segment-report.h"
#include "store/segment.h"
#include "core/util.h"

#define INCR_TIMEOUT_S 10 /* incr's default --timeout */

static const char segment_usage[] =
    "usage: racelab segment COMMAND [OPTIONS]\n"
    "\n"
    "One shared counter in SysV shared memory that unrelated processes\n"
    "open by its key, as independent requests of a web server do with a\n"
    "hit counter: open the segment, read the counter, add one, write it\n"
    "back. Unlike `racelab run`, nothing here is parent and child.\n"
    "\n"
    "commands:\n"
    "  create   make the segment (and its lock) under a key\n"
    "  incr     one independent process: open by key, increment, exit\n"
    "  show     the counter, the strategy, increments requested vs applied\n"
    "  destroy  remove the segment, its semaphore set and its lock file\n"
    "\n"
    "Every command names the segment with --key KEY or --path FILE;\n"
    "`racelab segment COMMAND --help` for the details.\n"
    "\n"
    "example:\n"
    "  racelab segment create --key 0xF00 --strategy sysv-sem\n"
    "  for i in $(seq 8); do racelab segment incr --key 0xF00 --times "
    "100000 & done; wait\n"
    "  racelab segment show --key 0xF00\n"
    "  racelab segment destroy --key 0xF00\n";

#define NAMING_HELP                                                            \
	"  -k, --key KEY      the SysV key: decimal, or hex as ipcs prints "   \
	"it\n"                                                                 \
	"                     (0xf00); never 0, which is IPC_PRIVATE\n"        \
	"      --path FILE    the key is ftok(FILE, 'R') (proj_id 0x52, as\n"  \
	"                     PHP's ftok(FILE, 'R')); FILE must exist\n"

#define REFUSAL_HELP                                                           \
	"2 also when the key names no segment, or a segment that is not\n"     \
	"racelab's (wrong size or magic): such a segment is left untouched.\n"

static const char create_usage[] =
    "usage: racelab segment create (--key KEY | --path FILE) [OPTIONS]\n"
    "\n"
    "Make a counter segment that any process can open by its key: the\n"
    "counter is a native-endian uint64 at offset 0 (start: 0), racelab's\n"
    "metadata follows it. Prints the key, the shmid and the lock.\n"
    "\n"
    "options:\n" NAMING_HELP
    "  -s, --strategy S   how every incr protects the counter (default\n"
    "                     none): any strategy that can live at a name;\n"
    "                     `racelab list` names them (store segment).\n"
    "                     A lock in memory (robust-mutex, spin, ...) lives\n"
    "                     inside the segment; sysv-sem: a semaphore set\n"
    "                     under the same key; flock, fcntl, ofd: the lock\n"
    "                     file FILE.lock (needs --path)\n"
    "  -m, --mode OCTAL   permissions of the segment, its semaphore set and\n"
    "                     its lock file (default 0600; the owner needs rw);\n"
    "                     anything wider prints a warning\n"
    "      --force        replace what is already there: a segment or a\n"
    "                     semaphore set at the key, an old FILE.lock\n"
    "  -h, --help         this help\n"
    "\n"
    "exit status: 0 created, 1 system error, 2 usage error or refused: the\n"
    "key is taken (use --force), or FILE.lock exists; nothing was "
    "created.\n";

static const char incr_usage[] =
    "usage: racelab segment incr (--key KEY | --path FILE) [OPTIONS]\n"
    "\n"
    "One independent process: open the segment by its key, add 1 to the\n"
    "counter --times times under the strategy recorded in the segment,\n"
    "record what it did, exit. Run many at once to see the race (or its\n"
    "fix). Quiet unless --verbose.\n"
    "\n"
    "options:\n" NAMING_HELP
    "                     (a flock segment needs --path: its lock file is\n"
    "                     FILE.lock)\n"
    "  -n, --times N      increments, 1..10000000000 (default 1)\n"
    "  -t, --timeout S    no increment done for S seconds (a lock whose\n"
    "                     owner is dead or never existed): stop, exit 4\n"
    "                     (default 10)\n"
    "  -v, --verbose      print the pid, the increments, the time taken and\n"
    "                     the CLOCK_MONOTONIC interval (to check overlap)\n"
    "  -h, --help         this help\n"
    "\n"
    "SIGINT, SIGTERM or SIGHUP stop it at the end of the current chunk of\n"
    "1024 increments, with what it did recorded, within a second even when\n"
    "it waits for a lock nobody gives back.\n"
    "\n"
    "exit status: 0 done, 1 system error, 2 usage error or refused (also\n"
    "when the lock the segment names is not its own: another key, owner,\n"
    "file), 4 no progress for --timeout, 128+N stopped by signal "
    "N. " REFUSAL_HELP;

static const char show_usage[] =
    "usage: racelab segment show (--key KEY | --path FILE) [OPTIONS]\n"
    "\n"
    "Print the counter, the strategy, the increments racelab's incr\n"
    "processes requested and completed, and what was lost: completed -\n"
    "counter. The segment is attached read-only.\n"
    "\n"
    "options:\n" NAMING_HELP
    "  -f, --format F     table (default), csv or json\n"
    "  -h, --help         this help\n"
    "\n"
    "fields: key, shmid, strategy, mode, counter, requested, completed,\n"
    "unfinished (requested by incr processes still running or killed),\n"
    "lost (empty in csv, null in json, when unfinished increments or a\n"
    "foreign writer make it unknowable), recoveries (robust-mutex:\n"
    "EOWNERDEAD recovered), incr_processes, attached. Strings read from\n"
    "the segment are printed without control characters.\n"
    "\n"
    "exit status: 0 shown, 1 system error, 2 usage error or refused,\n"
    "3 lost updates under a strategy that must be exact. " REFUSAL_HELP;

static const char destroy_usage[] =
    "usage: racelab segment destroy (--key KEY | --path FILE)\n"
    "\n"
    "Remove the segment, its semaphore set (sysv-sem) and its lock file\n"
    "(flock, fcntl, ofd, with --path), each only once it is checked to be\n"
    "the segment's own (key, owner, device and inode). Processes still\n"
    "attached keep their mapping until they detach; the key is free at\n"
    "once.\n"
    "\n"
    "options:\n" NAMING_HELP "  -h, --help         this help\n"
    "\n"
    "exit status: 0 destroyed, 1 system error, 2 usage error or refused\n"
    "(ipcrm removes a segment that is not racelab's). " REFUSAL_HELP;

enum sub_kind { SUB_CREATE, SUB_INCR, SUB_SHOW, SUB_DESTROY };

/* Which subcommand, and what it accepts (kind: enum sub_kind). */
static const struct cli_subcommand subcommands[] = {
	{ SUB_CREATE, "create", "segment create", create_usage, "kPsmF" },
	{ SUB_INCR, "incr", "segment incr", incr_usage, "kPnvt" },
	{ SUB_SHOW, "show", "segment show", show_usage, "kPf" },
	{ SUB_DESTROY, "destroy", "segment destroy", destroy_usage, "kP" },
};

struct seg_options {
	const struct cli_subcommand *sub; /* what runs */
	key_t key;			  /* the segment's key */
	const char *path;		  /* --path FILE, or NULL */
	const struct strategy *strategy;  /* create: --strategy */
	unsigned mode;			  /* create: --mode */
	bool force;			  /* create: --force */
	uint64_t times;			  /* incr: --times */
	uint64_t timeout_s;		  /* incr: --timeout */
	bool verbose;			  /* incr: --verbose */
	enum format format;		  /* show: --format */
	bool seen[256];			  /* options given */
};

/*
 * "racelab: CMD: message": a refusal about what is (or is not) at the key,
 * not about the command line, so no "see --help"; EXIT_USAGE.
 */
static int refuse(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int refuse(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", PROGRAM_NAME, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/* A system call failed: report it the house way; EXIT_SYSTEM. */
static int sys_error(const char *cmd, const char *call, int err)
{
	(void)report_errno(cmd, call, err);
	return EXIT_SYSTEM;
}

/*
 * A negative errno from the store or a strategy's join, already said, as
 * an exit status: what is at the key (or the lock it names) is not ours,
 * is garbage or is gone: refused, 2. Anything else failed: 1.
 */
static int exit_of(int err)
{
	switch (err) {
	case 0:
		return EXIT_VERIFIED;
	case -EINVAL:
	case -ENOENT:
	case -EPERM:
	case -ELOOP:
	case -EEXIST:
		return EXIT_USAGE;
	}
	return EXIT_SYSTEM;
}

/* ipcs prints keys as 0x%08x; so do we. */
static const char *key_str(key_t key, char *buf, size_t len)
{
	snprintf(buf, len, "0x%08x", (unsigned)key);
	return buf;
}

/* "none, sysv-sem, ...": every strategy that can live at a name. */
static const char *admitted(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < strategy_count && n < len; i++)
		if (!segment_refuses(strategies[i]))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "",
					      strategies[i]->name);
	return buf;
}

/* ---- options ------------------------------------------------------------ */

/* --key: decimal, or 0x and 1-8 hex digits; never 0. */
static int parse_key(const char *cmd, const char *arg, key_t *out)
{
	uint64_t v = 0;
	const char *why;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		const char *p = arg + 2;

		if (!*p || strlen(p) > 8)
			return usage_error(cmd,
					   "--key '%s' is not 0x and 1 to 8 "
					   "hex digits",
					   arg);
		for (; *p; p++) {
			int d = *p >= '0' && *p <= '9'	 ? *p - '0'
				: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
				: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
							 : -1;

			if (d < 0)
				return usage_error(cmd,
						   "--key '%s' is not a hex "
						   "number",
						   arg);
			v = v * 16 + (uint64_t)d;
		}
	} else if (parse_u64(arg, 0, UINT32_MAX, &v, &why)) {
		return usage_error(cmd,
				   "--key '%s' %s (decimal 1..4294967295, or "
				   "hex as 0xf00)",
				   arg, why);
	}
	if (v == 0)
		return usage_error(cmd,
				   "--key 0 is IPC_PRIVATE, which no other "
				   "process can open by key; pick another");
	*out = (key_t)(uint32_t)v;
	return 0;
}

/* --mode: octal permission bits, at least rw for the owner. */
static int parse_mode(const char *cmd, const char *arg, unsigned *out)
{
	unsigned v = 0;
	size_t n = strlen(arg);

	if (n == 0 || n > 4 || strspn(arg, "01234567") != n)
		return usage_error(cmd,
				   "--mode '%s' is not octal permission bits "
				   "such as 0600 or 0660",
				   arg);
	for (const char *p = arg; *p; p++)
		v = v * 8 + (unsigned)(*p - '0');
	if (v > 0777)
		return usage_error(cmd,
				   "--mode '%s': only permission bits (at most "
				   "0777)",
				   arg);
	if ((v & 0600) != 0600)
		return usage_error(cmd,
				   "--mode '%s' does not let the owner read "
				   "and write the counter (0600)",
				   arg);
	*out = v;
	return 0;
}

/* Parse the subcommand's options into *o; 0 or an exit status. */
static int parse_segment(int argc, char **argv, struct seg_options *o)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "path", required_argument, NULL, 'P' },
		{ "strategy", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "force", no_argument, NULL, 'F' },
		{ "times", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = o->sub->cmd;
	char names[512], reason[256];
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":k:s:m:n:f:t:vh", longopts,
				NULL)) != -1) {
		if ((err = cli_option_check(cmd, longopts, c, argv, o->seen)))
			return err;
		if ((err = cli_option_applies(o->sub, longopts, c)))
			return err;
		switch (c) {
		case 'k':
			if ((err = parse_key(cmd, optarg, &o->key)))
				return err;
			break;
		case 'P':
			if (!*optarg)
				return usage_error(cmd, "--path needs a file");
			if (strlen(optarg) > SEGMENT_PATH_MAX)
				return usage_error(cmd,
						   "--path is longer than %d "
						   "bytes",
						   SEGMENT_PATH_MAX);
			o->path = optarg;
			break;
		case 's': {
			const char *why;

			o->strategy = strategy_find(optarg);
			if (!o->strategy)
				return usage_error(cmd,
						   "unknown strategy '%s' "
						   "(`racelab list` shows "
						   "them)",
						   optarg);
			why = segment_refuses(o->strategy);
			if (why) {
				/* admitted() reuses the reason's buffer. */
				snprintf(reason, sizeof(reason), "%s", why);
				return usage_error(
				    cmd, "%s; these can: %s", reason,
				    admitted(names, sizeof(names)));
			}
			break;
		}
		case 'm':
			if ((err = parse_mode(cmd, optarg, &o->mode)))
				return err;
			break;
		case 'F':
			o->force = true;
			break;
		case 'n':
			if ((err = cli_number(cmd, "--times", optarg, 1,
					      ITERS_MAX, &o->times)))
				return err;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 't':
			if ((err = cli_number(cmd, "--timeout", optarg, 1,
					      86400, &o->timeout_s)))
				return err;
			break;
		case 'f':
			if ((err = cli_format(cmd, optarg, &o->format)))
				return err;
			break;
		case 'h':
			fputs(o->sub->usage, stdout);
			exit(EXIT_VERIFIED);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'",
				   argv[optind]);
	if (o->seen['k'] && o->path)
		return usage_error(cmd, "give --key or --path, not both");
	if (!o->seen['k'] && !o->path)
		return usage_error(cmd, "name the segment with --key KEY or "
					"--path FILE");
	if (o->strategy && o->strategy->lock_file && !o->path)
		return usage_error(cmd,
				   "%s needs --path FILE: its lock file is "
				   "FILE.lock, which every incr opens",
				   o->strategy->name);
	if (o->path) {
		key_t k = ftok(o->path, SEGMENT_PROJ_ID);

		if (k == -1)
			return usage_error(cmd, "--path '%s': %s", o->path,
					   strerror(errno));
		o->key = k;
	}
	return 0;
}

static void warn_mode(const char *cmd, unsigned mode, bool has_lock)
{
	const char *what;
	char who[96];

	if (!(mode & 077))
		return;
	if (mode & 007) {
		what = mode & 002 ? "read and write" : "read";
		snprintf(who, sizeof(who), "every user on this machine");
	} else {
		struct group *gr = getgrgid(getegid());

		what = mode & 020 ? "read and write" : "read";
		snprintf(who, sizeof(who), "every member of group %s",
			 gr ? gr->gr_name : "(yours)");
	}
	fflush(stdout); /* after the "created" line, even through a pipe */
	fprintf(stderr,
		"%s: %s: warning: mode %04o: %s can now %s the counter%s\n",
		PROGRAM_NAME, cmd, mode, who, what,
		has_lock && (mode & 022) ? " and take (or hold) its lock" : "");
}

/* ---- the run over the segment --------------------------------------------- */

/* FILE.lock for a strategy that locks a file, into buf; NULL otherwise. */
static const char *lock_path_of(const struct seg_options *o,
				const struct strategy *s, char *buf, size_t len)
{
	if (!s->lock_file || !o->path)
		return NULL;
	snprintf(buf, len, "%s.lock", o->path); /* --path length checked */
	return buf;
}

/*
 * A run over the segment g: its counter, its lock (in the segment for a
 * lock that lives in memory; a kernel object at the segment's key or at
 * FILE.lock for the others, joined after checking), one worker.
 */
static void segment_run(struct run *run, const struct seg_options *o,
			struct segment *g, const char *lock)
{
	const struct strategy *s = g->strategy;

	*run = (struct run){
		.strategy = s,
		.home = { .store = &store_segment,
			  .counter = &g->region->counter,
			  .fd = -1,
			  .open = true },
		.mode = MODE_THREAD,
		.procs = 1,
		.lock_area = s->lock == LOCK_MEMORY ? g->region->shared : NULL,
		.lock_record = g->region->shared,
		.join = true,
		.lock_key = (int)g->key,
		.lock_mode = g->ds.shm_perm.mode & 0777,
		.lock_uid = (unsigned)g->ds.shm_perm.cuid,
		.lock_file = lock,
		.seed = 1,
		/* Other processes add to the segment too: what this incr
		 * finished is its own tally, never the segment's total. */
		.shared_counter = true,
	};
	(void)o;
}

/* ---- create -------------------------------------------------------------- */

/* Remove whatever is at key (create --force); 0 or an exit status. */
static int destroy_key(const char *cmd, key_t key, const char *path,
		       bool quiet);

/*
 * Before create makes anything: is the key free, and the lock file's
 * name? Every refusal comes before anything is removed; then, with
 * --force, clear the way. 0 or an exit status.
 */
static int create_check(const struct seg_options *o, const char *lock)
{
	const char *cmd = o->sub->cmd;
	int shmid, semid, err;
	bool lock_exists;
	struct stat st;
	char ks[16];

	key_str(o->key, ks, sizeof(ks));
	shmid = shmget(o->key, 0, 0);
	if (shmid == -1 && errno != ENOENT)
		return sys_error(cmd, "shmget", errno);
	if (shmid != -1 && !o->force)
		return refuse(cmd,
			      "key %s is taken (shared memory id %d); use "
			      "--force to replace it, or `racelab segment "
			      "destroy` first",
			      ks, shmid);
	/* A lock at the key (a semaphore set) must find the key free too. */
	semid = semget(o->key, 0, 0);
	if (semid != -1 && !o->force && o->strategy->join &&
	    !o->strategy->lock_file)
		return refuse(cmd,
			      "key %s already names semaphore set id %d; use "
			      "--force to replace it",
			      ks, semid);
	lock_exists = lock && lstat(lock, &st) == 0;
	if (lock_exists && S_ISDIR(st.st_mode))
		return refuse(cmd, "lock file %s is a directory", lock);
	if (lock_exists && !o->force)
		return refuse(
		    cmd, "lock file %s exists; remove it or use --force", lock);

	if (shmid != -1 && (err = destroy_key(cmd, o->key, o->path, true)))
		return err;
	/* destroy_key removed a racelab segment's own set already. */
	semid = semget(o->key, 0, 0);
	if (semid != -1 && o->force && semctl(semid, 0, IPC_RMID) == -1 &&
	    errno != EINVAL && errno != EIDRM)
		return sys_error(cmd, "semctl IPC_RMID", errno);
	/* unlink removes a symlink itself, never its target. */
	if (lock_exists && unlink(lock) == -1 && errno != ENOENT)
		return sys_error(cmd, "unlink", errno);
	return 0;
}

static int do_create(const struct seg_options *o)
{
	const char *cmd = o->sub->cmd;
	const struct strategy *s = o->strategy;
	char lockbuf[SEGMENT_LOCK_MAX], ks[16], shown[SEGMENT_LOCK_MAX] = "";
	const char *lock = lock_path_of(o, s, lockbuf, sizeof(lockbuf));
	struct segment g;
	struct run run;
	sigset_t block;
	int err;

	/* A Ctrl-C must not leave half a segment: create is short. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	key_str(o->key, ks, sizeof(ks));
	err = create_check(o, lock);
	/* The rest (a SIGKILL, a crash) is the guardian's: it makes the
	 * segment, the set and the lock file, and removes them unless the
	 * create got to its end. */
	if (!err && guardian_start())
		report("%s: running without a guardian: a SIGKILL now could "
		       "leave half a segment behind",
		       cmd);
	if (err)
		return err;
	err = segment_create(cmd, o->key, o->mode, &g);
	if (err == -EEXIST)
		return refuse(cmd, "key %s was taken meanwhile", ks);
	if (err)
		return EXIT_SYSTEM;
	/* The strategy's own setup, at the name: the key, FILE.lock, or
	 * the segment's own memory. */
	run = (struct run){
		.strategy = s,
		.procs = 1,
		.region = g.region,
		.lock_area = g.region->shared,
		.lock_key = (int)o->key,
		.lock_mode = o->mode,
		.lock_file = lock,
	};
	err = s->setup ? s->setup(&run) : 0;
	if (err) {
		if (s->teardown)
			s->teardown(&run);
		if (shmctl(g.shmid, IPC_RMID, NULL) == 0)
			guardian_forget_shm(g.shmid);
		segment_detach(&g);
		return exit_of(err);
	}
	if (lock) {
		char *abs = realpath(lock, NULL);

		/* For show and hints only: incr and destroy act on --path. */
		snprintf(shown, sizeof(shown), "%s", abs ? abs : lock);
		free(abs);
	}
	segment_seal(&g, s, o->key, o->mode, lock ? shown : NULL);
	guardian_keep_all(); /* made whole: it is meant to stay */
	printf("created segment key %s: shmid %d, %zu bytes, mode %04o, "
	       "strategy %s",
	       ks, g.shmid, (size_t)SEGMENT_BYTES, o->mode, s->name);
	if (s->join && !s->lock_file)
		printf(", semaphore set at the same key");
	if (lock)
		printf(", lock file %s", lock);
	printf("\n");
	segment_detach(&g);
	warn_mode(cmd, o->mode, s->lock != LOCK_NONE);
	return EXIT_VERIFIED;
}

/* ---- destroy ------------------------------------------------------------- */

static int destroy_key(const char *cmd, key_t key, const char *path, bool quiet)
{
	char ks[16], lockbuf[SEGMENT_LOCK_MAX], shown[SEGMENT_LOCK_MAX];
	const struct strategy *s;
	const char *lock;
	struct seg_options o = { .path = path };
	struct segment g;
	struct run run;
	bool lock_gone = false;
	int err, id;

	key_str(key, ks, sizeof(ks));
	if (quiet && (id = shmget(key, 0, 0)) != -1) {
		/* create --force: a foreign segment goes too; say so. */
		err = segment_open(cmd, key, &g, false);
		if (err == -EINVAL) {
			if (shmctl(id, IPC_RMID, NULL) == -1)
				return sys_error(cmd, "shmctl IPC_RMID", errno);
			report("%s: removed shared memory id %d at key %s, "
			       "which was not a racelab segment",
			       cmd, id, ks);
			return 0;
		}
	} else {
		err = segment_open(cmd, key, &g, true);
	}
	if (err)
		return exit_of(err);
	s = g.strategy;
	lock = lock_path_of(&o, s, lockbuf, sizeof(lockbuf));
	/* The segment first: if we may not remove it, remove nothing. */
	if (shmctl(g.shmid, IPC_RMID, NULL) == -1) {
		err = errno;
		segment_detach(&g);
		return sys_error(cmd, "shmctl IPC_RMID", err);
	}
	/*
	 * Its lock: a kernel object is removed only once join has checked
	 * it against the kernel's record (the key and owner of a set; the
	 * device, inode and owner of FILE.lock). A lock in memory went with
	 * the segment.
	 */
	segment_run(&run, &o, &g, lock);
	if (s->join && (!s->lock_file || lock)) {
		char area[SHARED_BYTES] = { 0 };

		run.lock_area = area;
		if (s->join(&run, true) == 0) {
			lock_gone = true;
			if (s->teardown)
				s->teardown(&run);
		} else if (s->teardown) {
			s->teardown(&run); /* closes what join opened */
		}
	}
	if (!quiet) {
		printf("destroyed segment key %s (shmid %d)", ks, g.shmid);
		if (lock_gone)
			printf(" and its lock (%s%s%s)", s->name,
			       lock ? ", " : "", lock ? lock : "");
		printf("\n");
		if (g.ds.shm_nattch > 0)
			printf("%lu process(es) still attached keep it until "
			       "they detach\n",
			       (unsigned long)g.ds.shm_nattch);
	}
	if (quiet)
		report("%s: --force: removed racelab segment shmid %d (%s) at "
		       "key %s",
		       cmd, g.shmid, s->name, ks);
	segment_clean(shown, sizeof(shown), g.meta->lock_path,
		      sizeof(g.meta->lock_path));
	if (s->lock_file && !lock)
		report("%s: lock file %s left in place: give --path FILE to "
		       "remove FILE.lock, or remove it yourself",
		       cmd, shown);
	else if (s->join && !lock_gone)
		report("%s: the segment's lock (%s) was left in place: it is "
		       "not the one create made (see above)",
		       cmd, s->name);
	segment_detach(&g);
	return 0;
}

/* ---- incr ---------------------------------------------------------------- */

static int do_incr(const struct seg_options *o)
{
	const char *cmd = o->sub->cmd;
	char ks[16], lockbuf[SEGMENT_LOCK_MAX], shown[SEGMENT_LOCK_MAX];
	uint64_t times = o->times ? o->times : 1, done, withdraw;
	struct store_tally *t;
	struct segment g;
	struct result res;
	struct run run;
	const char *lock;
	int64_t t0, t1;
	int err, sig;

	key_str(o->key, ks, sizeof(ks));
	err = segment_open(cmd, o->key, &g, true);
	if (err)
		return exit_of(err);
	lock = lock_path_of(o, g.strategy, lockbuf, sizeof(lockbuf));
	if (g.strategy->lock_file && !lock) {
		size_t n;

		segment_clean(shown, sizeof(shown), g.meta->lock_path,
			      sizeof(g.meta->lock_path));
		n = strlen(shown);
		segment_detach(&g);
		return refuse(cmd,
			      "this is a %s segment: name it with --path "
			      "%.*s, so that its lock file is found",
			      g.strategy->name, (int)(n > 5 ? n - 5 : n),
			      shown);
	}
	if ((err = segment_attach_rw(cmd, &g)))
		return exit_of(err);
	segment_run(&run, o, &g, lock);
	run.iters = times;
	run.timeout_s = (double)(o->timeout_s ? o->timeout_s : INCR_TIMEOUT_S);
	t = &g.meta->tally;
	harness_signals_init();
	atomic_fetch_add(&t->incrs, 1);
	atomic_fetch_add(&t->requested, times);
	t0 = now_ns();
	err = harness_run(&run, &res);
	t1 = now_ns();
	/*
	 * What the worker finished is exact (it publishes every chunk and
	 * stops at the end of one); a failed run may have left part of a
	 * chunk in the counter, which stays requested: show calls it
	 * unfinished rather than guessing.
	 */
	done = res.expected;
	/* Release: whoever sees this tally sees these increments. */
	atomic_fetch_add_explicit(&t->completed, done, memory_order_release);
	if (res.recoveries)
		atomic_fetch_add(&t->recoveries, res.recoveries);
	withdraw = times - done;
	if (!err && res.verdict == VERDICT_FAILED)
		withdraw = withdraw > CHUNK ? withdraw - CHUNK : 0;
	if (withdraw)
		atomic_fetch_sub(&t->requested, withdraw);
	atomic_fetch_add(&t->incrs_done, 1);
	if (o->verbose) {
		double sec = (double)(t1 - t0) / 1e9;
		char num[32], took[32];

		if (sec < 1e-3)
			snprintf(took, sizeof(took), "%.1f us", sec * 1e6);
		else if (sec < 1)
			snprintf(took, sizeof(took), "%.1f ms", sec * 1e3);
		else
			snprintf(took, sizeof(took), "%.3f s", sec);
		fprintf(stderr,
			"%s: segment %s: pid %d: %s increments under %s in "
			"%s, %.2f ns each (CLOCK_MONOTONIC %.9f to %.9f)\n",
			PROGRAM_NAME, ks, (int)getpid(),
			group_digits(done, num, sizeof(num)), g.strategy->name,
			took, done ? (double)(t1 - t0) / (double)done : 0.0,
			(double)t0 / 1e9, (double)t1 / 1e9);
	}
	/* A worker stuck in the segment's lock still maps it: keep it. */
	if (!res.threads_left)
		segment_detach(&g);
	sig = harness_interrupted();
	if (err == -EINTR && sig) {
		char a[32], b[32];

		report("%s: stopped by SIG%s after %s of %s increments (all "
		       "recorded)",
		       cmd, sigabbrev_np(sig), group_digits(done, a, sizeof(a)),
		       group_digits(times, b, sizeof(b)));
		return cli_die_of(sig);
	}
	if (err)
		return exit_of(err);
	if (res.verdict == VERDICT_DEADLOCK) {
		report("%s: no increment done for %llu s: the lock's owner is "
		       "dead or never existed (%s); stopped, %s increments "
		       "recorded",
		       cmd, (unsigned long long)run.timeout_s, g.strategy->name,
		       group_digits(done, lockbuf, 32));
		return EXIT_DEADLOCK;
	}
	if (res.verdict == VERDICT_FAILED) {
		report("%s: %s", cmd, res.detail);
		return EXIT_SYSTEM;
	}
	return EXIT_VERIFIED;
}

/* ---- show ---------------------------------------------------------------- */

/* What show prints, read once from the segment. */
struct seg_view {
	uint64_t counter;    /* the 8 bytes at offset 0 */
	uint64_t requested;  /* --times of every incr, less withdrawn */
	uint64_t completed;  /* increments incr processes finished */
	uint64_t unfinished; /* requested - completed */
	uint64_t recoveries; /* robust-mutex: EOWNERDEAD recovered */
	uint64_t incrs;	     /* incr processes that started */
	uint64_t incrs_done; /* ... and finished, failed or stopped */
	bool lost_known;     /* lost is exact */
	uint64_t lost;	     /* completed - counter, when known */
	uint64_t surplus;    /* counter - completed, when positive */
};

static void seg_view_read(const struct segment *g, struct seg_view *v)
{
	const struct segment_meta *m = g->meta;

	/*
	 * An incr adds to the counter first and to `completed` a chunk
	 * later, so a counter read while one runs never matches the
	 * tallies. Read the tallies on both sides of the counter until they
	 * agree: then, if nothing is unfinished, no incr ran meanwhile and
	 * the three numbers belong together. (completed <= requested always:
	 * requested grows first and shrinks only by what never started.)
	 */
	for (int tries = 0; tries < 1000; tries++) {
		uint64_t req, comp;

		v->requested = atomic_load(&m->tally.requested);
		v->completed = atomic_load(&m->tally.completed);
		v->counter = atomic_load(&g->region->counter.atomic);
		req = atomic_load(&m->tally.requested);
		comp = atomic_load(&m->tally.completed);
		if (req == v->requested && comp == v->completed)
			break;
	}
	v->recoveries = atomic_load(&m->tally.recoveries);
	v->incrs_done = atomic_load(&m->tally.incrs_done);
	v->incrs = atomic_load(&m->tally.incrs);
	v->unfinished =
	    v->requested > v->completed ? v->requested - v->completed : 0;
	v->surplus = v->counter > v->completed ? v->counter - v->completed : 0;
	v->lost_known = v->unfinished == 0 && v->surplus == 0;
	v->lost = v->counter < v->completed ? v->completed - v->counter : 0;
}

static void show_table(const struct segment *g, const struct seg_view *v,
		       const char *ks, const char *lock)
{
	const struct segment_meta *m = g->meta;
	char a[32], b[32], when[32];
	time_t created = (time_t)m->created;
	struct tm tm;

	/* A garbage time gives no broken-down time: say so, never crash. */
	if (!localtime_r(&created, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(when, sizeof(when), "(unreadable time)");
	printf("segment      key %s, shmid %d, %zu bytes, mode %04o, %lu "
	       "attached\n",
	       ks, g->shmid, (size_t)g->ds.shm_segsz,
	       (unsigned)g->ds.shm_perm.mode & 0777,
	       (unsigned long)g->ds.shm_nattch);
	printf("created      %s by pid %d\n", when, (int)m->creator);
	printf("strategy     %s", g->strategy->name);
	if (g->strategy->lock_file)
		printf(" (lock file %s)", lock);
	else if (g->strategy->join)
		printf(" (a kernel object at the same key, checked by every "
		       "incr)");
	else if (g->strategy->lock == LOCK_MEMORY)
		printf(" (its lock lives in the segment)");
	printf("\n");
	printf("counter      %-14s native-endian uint64 at offset 0\n",
	       group_digits(v->counter, a, sizeof(a)));
	printf("requested    %-14s by %s incr process%s\n",
	       group_digits(v->requested, a, sizeof(a)),
	       group_digits(v->incrs, b, sizeof(b)), v->incrs == 1 ? "" : "es");
	printf("completed    %s\n", group_digits(v->completed, a, sizeof(a)));
	if (v->unfinished && v->incrs > v->incrs_done)
		printf("unfinished   %-14s requested by %s incr process%s "
		       "still running or killed\n",
		       group_digits(v->unfinished, a, sizeof(a)),
		       group_digits(v->incrs - v->incrs_done, b, sizeof(b)),
		       v->incrs - v->incrs_done == 1 ? "" : "es");
	else if (v->unfinished)
		printf("unfinished   %-14s of an incr that failed mid-way "
		       "(its message said why)\n",
		       group_digits(v->unfinished, a, sizeof(a)));
	if (v->lost_known)
		printf("lost         %-14s %.1f %% of completed: increments "
		       "that overwrote each other\n",
		       group_digits(v->lost, a, sizeof(a)),
		       v->completed
			   ? 100.0 * (double)v->lost / (double)v->completed
			   : 0.0);
	else if (v->unfinished)
		printf("lost         unknown        while increments are "
		       "unfinished: a killed incr's last ones are in the "
		       "counter, not in completed\n");
	else
		printf("lost         unknown        the counter is %s above "
		       "what racelab did: another program wrote it\n",
		       group_digits(v->surplus, a, sizeof(a)));
	if (g->strategy->counts_recoveries)
		printf(
		    "recoveries   %-14s EOWNERDEAD: an incr died holding the "
		    "mutex\n",
		    group_digits(v->recoveries, a, sizeof(a)));
}

static int do_show(const struct seg_options *o)
{
	const char *cmd = o->sub->cmd;
	struct segment g;
	struct seg_view v;
	char ks[16], lock[SEGMENT_LOCK_MAX];
	int err;

	err = segment_open(cmd, o->key, &g, true);
	if (err)
		return exit_of(err);
	key_str(o->key, ks, sizeof(ks));
	seg_view_read(&g, &v);
	segment_clean(lock, sizeof(lock), g.meta->lock_path,
		      sizeof(g.meta->lock_path));
	switch (o->format) {
	case FORMAT_TABLE:
		show_table(&g, &v, ks, lock);
		break;
	case FORMAT_CSV:
	case FORMAT_JSON: {
		/* One schema for csv and json (out/segment-report.c). */
		const struct segment_row row = {
			.key = ks,
			.shmid = g.shmid,
			.strategy = g.strategy->name,
			.mode = (unsigned)g.ds.shm_perm.mode & 0777,
			.counter = v.counter,
			.requested = v.requested,
			.completed = v.completed,
			.unfinished = v.unfinished,
			.lost_known = v.lost_known,
			.lost = v.lost,
			.recoveries = v.recoveries,
			.incrs = v.incrs,
			.attached = (unsigned long)g.ds.shm_nattch,
			.lock_file = g.strategy->lock_file ? lock : NULL,
		};

		segment_report_print(stdout, o->format, &row);
		break;
	}
	}
	err = v.lost_known && v.lost > 0 && !g.strategy->racy ? EXIT_LOST
							      : EXIT_VERIFIED;
	segment_detach(&g);
	return err;
}

/* ---- the command ---------------------------------------------------------- */

int cmd_segment(int argc, char **argv)
{
	struct seg_options o = { .mode = 0600 };
	int err;

	o.sub = cli_subcommand("segment", segment_usage, subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]),
			       argc, argv, &err);
	if (!o.sub)
		return err;
	err = parse_segment(argc - 1, argv + 1, &o);
	if (err)
		return err;
	if (!o.strategy)
		o.strategy = strategy_find("none");
	switch (o.sub->kind) {
	case SUB_CREATE:
		return do_create(&o);
	case SUB_INCR:
		return do_incr(&o);
	case SUB_SHOW:
		return do_show(&o);
	case SUB_DESTROY:
		break;
	}
	return destroy_key(o.sub->cmd, o.key, o.path, false);
}
