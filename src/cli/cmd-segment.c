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
 * The segment (src/store/segment.h) begins with a struct region with one slot,
 * so `incr` runs the strategies' own code unchanged: it builds a struct run
 * and a struct worker over the attached segment (the gate is always open)
 * and calls the strategy's work function, whose worker_loop does each
 * increment under the strategy's lock. The lock lives where the strategy
 * keeps it: the robust mutex inside the segment, the sysv-sem set under the
 * same key, the flock lock file next to --path. Only flock needs code of
 * its own here: the flock strategy reaches its lock file through the
 * parent's descriptor (/proc/self/fd/N), which means nothing in an
 * unrelated process, so each incr opens FILE.lock itself.
 *
 * Bookkeeping: racelab's metadata sits after the region. Every incr adds
 * its --times to `requested` before it starts and adds what it finished to
 * `completed` every TALLY_CHUNK increments, so `show` can say how many
 * updates were lost (completed - counter). An incr killed with SIGKILL
 * leaves its last chunk unaccounted (show says so); SIGINT, SIGTERM and
 * SIGHUP stop it cleanly at the end of a chunk with everything recorded.
 * A foreign program writing the counter bypasses racelab's lock and its
 * tally alike; show sees only that the counter is above what racelab did.
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
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/harness.h"
#include "out/report.h"
#include "store/segment.h"
#include "strategies/common/sysv-sem.h"
#include "core/util.h"

/*
 * Increments between two updates of the shared tally (and two looks at a
 * pending Ctrl-C). Large enough that the tally's one contended atomic add
 * costs nothing measurable; small enough that a Ctrl-C under the slowest
 * lock (sysv-sem handing over at ~30 us) is honoured within a quarter of a
 * second.
 */
#define TALLY_CHUNK ((uint64_t)8 * CHUNK)

/* The strategies a named segment can hold, as `create --help` lists them. */
static const char *const supported[] = { "none", "sysv-sem", "robust-mutex",
					 "atomic", "flock" };
#define SUPPORTED_LIST "none, sysv-sem, robust-mutex, atomic, flock"

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
    "                     none): " SUPPORTED_LIST "\n"
    "                     sysv-sem: a semaphore set under the same key;\n"
    "                     robust-mutex: a mutex inside the segment;\n"
    "                     flock: the lock file FILE.lock (needs --path)\n"
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
    "  -v, --verbose      print the pid, the increments, the time taken and\n"
    "                     the CLOCK_MONOTONIC interval (to check overlap)\n"
    "  -h, --help         this help\n"
    "\n"
    "SIGINT, SIGTERM or SIGHUP stop it at the end of the current chunk of\n"
    "8192 increments, with what it did recorded; a second one stops it at\n"
    "once.\n"
    "\n"
    "exit status: 0 done, 1 system error, 2 usage error or refused,\n"
    "128+N stopped by signal N. " REFUSAL_HELP;

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
    "EOWNERDEAD recovered), incr_processes, attached.\n"
    "\n"
    "exit status: 0 shown, 1 system error, 2 usage error or refused,\n"
    "3 lost updates under a strategy that must be exact. " REFUSAL_HELP;

static const char destroy_usage[] =
    "usage: racelab segment destroy (--key KEY | --path FILE)\n"
    "\n"
    "Remove the segment, its semaphore set (sysv-sem) and its lock file\n"
    "(flock, with --path). Processes still attached keep their mapping\n"
    "until they detach; the key is free at once.\n"
    "\n"
    "options:\n" NAMING_HELP "  -h, --help         this help\n"
    "\n"
    "exit status: 0 destroyed, 1 system error, 2 usage error or refused\n"
    "(ipcrm removes a segment that is not racelab's). " REFUSAL_HELP;

enum sub_kind { SUB_CREATE, SUB_INCR, SUB_SHOW, SUB_DESTROY };

/* Which subcommand, and what it accepts. */
struct subcommand {
	enum sub_kind kind; /* which */
	const char *name;   /* as typed after `racelab segment` */
	const char *cmd;    /* for messages: "segment create" */
	const char *usage;  /* its --help */
	const char *opts;   /* the option codes it accepts, as a string */
};

static const struct subcommand subcommands[] = {
	{ SUB_CREATE, "create", "segment create", create_usage, "kPsmF" },
	{ SUB_INCR, "incr", "segment incr", incr_usage, "kPnv" },
	{ SUB_SHOW, "show", "segment show", show_usage, "kPf" },
	{ SUB_DESTROY, "destroy", "segment destroy", destroy_usage, "kP" },
};

struct seg_options {
	const struct subcommand *sub;	 /* what runs */
	key_t key;			 /* the segment's key */
	const char *path;		 /* --path FILE, or NULL */
	const struct strategy *strategy; /* create: --strategy */
	unsigned mode;			 /* create: --mode */
	bool force;			 /* create: --force */
	uint64_t times;			 /* incr: --times */
	bool verbose;			 /* incr: --verbose */
	enum format format;		 /* show: --format */
	bool seen[256];			 /* options given */
};

/* An attached segment, as one command sees it. */
struct seg {
	int shmid;			 /* its id */
	struct shmid_ds ds;		 /* IPC_STAT, taken when found */
	void *base;			 /* where it is attached, or NULL */
	struct region *region;		 /* base, as the harness sees it */
	struct segment_meta *meta;	 /* racelab's metadata in it */
	const struct strategy *strategy; /* the one recorded in it */
};

static int vrefuse(bool say, const char *cmd, const char *fmt, va_list ap)
{
	if (!say)
		return EXIT_USAGE;
	fprintf(stderr, "%s: %s: ", PROGRAM_NAME, cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/*
 * "racelab: CMD: message": a refusal about what is (or is not) at the key,
 * not about the command line, so no "see --help"; EXIT_USAGE.
 */
static int refuse(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int refuse(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = vrefuse(true, cmd, fmt, ap);
	va_end(ap);
	return status;
}

/* The same, said only when `say` (create --force probes quietly). */
static int refuse_if(bool say, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse_if(bool say, const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = vrefuse(say, cmd, fmt, ap);
	va_end(ap);
	return status;
}

/* A system call failed: report it the house way; EXIT_SYSTEM. */
static int sys_error(const char *cmd, const char *call, int err)
{
	(void)report_errno(cmd, call, err);
	return EXIT_SYSTEM;
}

/* ipcs prints keys as 0x%08x; so do we. */
static const char *key_str(key_t key, char *buf, size_t len)
{
	snprintf(buf, len, "0x%08x", (unsigned)key);
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

static const struct strategy *supported_strategy(const char *name)
{
	for (unsigned i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		if (strcmp(name, supported[i]) == 0)
			return strategy_find(name);
	return NULL;
}

static bool is_flock(const struct strategy *s)
{
	return strcmp(s->name, "flock") == 0;
}

static bool is_sysv_sem(const struct strategy *s)
{
	return strcmp(s->name, "sysv-sem") == 0;
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
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = o->sub->cmd;
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":k:s:m:n:f:vh", longopts, NULL)) !=
	       -1) {
		if ((err = cli_option_check(cmd, longopts, c, argv, o->seen)))
			return err;
		if (c != 'h' && !strchr(o->sub->opts, c))
			return usage_error(cmd,
					   "option '%s' does not apply here",
					   argv[optind - 1]);
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
		case 's':
			o->strategy = supported_strategy(optarg);
			if (!o->strategy)
				return usage_error(
				    cmd,
				    "strategy '%s' cannot hold a named "
				    "segment; use one of " SUPPORTED_LIST,
				    optarg);
			break;
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
		case 'f':
			if (report_format_parse(optarg, &o->format))
				return usage_error(cmd,
						   "--format '%s' is not one "
						   "of table, csv, json",
						   optarg);
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
	if (o->strategy && o->strategy->unsupported)
		return usage_error(cmd, "%s cannot run here: %s",
				   o->strategy->name, o->strategy->unsupported);
	if (o->strategy && is_flock(o->strategy) && !o->path)
		return usage_error(cmd,
				   "flock needs --path FILE: its lock file is "
				   "FILE.lock, which every incr opens");
	if (o->path) {
		key_t k = ftok(o->path, SEGMENT_PROJ_ID);

		if (k == -1)
			return usage_error(cmd, "--path '%s': %s", o->path,
					   strerror(errno));
		o->key = k;
	}
	return 0;
}

/* ---- finding and checking a segment -------------------------------------- */

static void seg_detach(struct seg *g)
{
	if (g->base)
		(void)shmdt(g->base);
	g->base = NULL;
	g->region = NULL;
	g->meta = NULL;
}

/*
 * Find the segment at key and check, through a read-only mapping, that it
 * is a racelab segment this racelab can read. Returns 0 with g->base
 * attached read-only, or an exit status after saying why (unless !say:
 * refusals are then silent). Nothing in the segment is touched.
 */
static int seg_open(const char *cmd, key_t key, struct seg *g, bool say)
{
	const struct segment_meta *m;
	char ks[16];

	memset(g, 0, sizeof(*g));
	key_str(key, ks, sizeof(ks));
	g->shmid = shmget(key, 0, 0);
	if (g->shmid == -1) {
		if (errno == ENOENT)
			return refuse_if(
			    say, cmd,
			    "no shared memory segment has key %s "
			    "(`ipcs -m` lists them; `racelab segment "
			    "create` makes one)",
			    ks);
		return sys_error(cmd, "shmget", errno);
	}
	if (shmctl(g->shmid, IPC_STAT, &g->ds) == -1)
		return sys_error(cmd, "shmctl IPC_STAT", errno);
	if (g->ds.shm_segsz < SEGMENT_BYTES)
		return refuse_if(
		    say, cmd,
		    "key %s is shared memory id %d of %zu bytes, too "
		    "small to be a racelab segment (%zu): not "
		    "touching it (ipcrm -m %d removes it)",
		    ks, g->shmid, (size_t)g->ds.shm_segsz,
		    (size_t)SEGMENT_BYTES, g->shmid);
	g->base = shmat(g->shmid, NULL, SHM_RDONLY);
	if (g->base == (void *)-1) {
		g->base = NULL;
		return sys_error(cmd, "shmat", errno);
	}
	g->region = g->base;
	g->meta = (struct segment_meta *)((char *)g->base + SEGMENT_META);
	m = g->meta;
	if (atomic_load_explicit(&m->magic, memory_order_acquire) !=
	    SEGMENT_MAGIC) {
		seg_detach(g);
		return refuse_if(
		    say, cmd,
		    "key %s is shared memory id %d, which is not a "
		    "racelab segment (no racelab magic at offset "
		    "%zu): not touching it (ipcrm -m %d removes it)",
		    ks, g->shmid, (size_t)SEGMENT_META, g->shmid);
	}
	if (m->version != SEGMENT_VERSION || m->bytes != SEGMENT_BYTES ||
	    g->ds.shm_segsz != SEGMENT_BYTES) {
		seg_detach(g);
		return refuse_if(
		    say, cmd,
		    "key %s is a racelab segment of another layout "
		    "(version %u, %zu bytes; this racelab reads "
		    "version %d, %zu bytes): not touching it",
		    ks, m->version, (size_t)g->ds.shm_segsz, SEGMENT_VERSION,
		    (size_t)SEGMENT_BYTES);
	}
	if (!memchr(m->strategy, '\0', sizeof(m->strategy)) ||
	    !(g->strategy = supported_strategy(m->strategy))) {
		seg_detach(g);
		return refuse_if(say, cmd,
				 "key %s: the segment names no strategy this "
				 "racelab knows: not touching it",
				 ks);
	}
	return 0;
}

/* Re-attach read-write (for incr), checking it is still the same. */
static int seg_attach_rw(const char *cmd, struct seg *g)
{
	void *p = shmat(g->shmid, NULL, 0);

	if (p == (void *)-1)
		return sys_error(cmd, "shmat", errno);
	seg_detach(g);
	g->base = p;
	g->region = p;
	g->meta = (struct segment_meta *)((char *)p + SEGMENT_META);
	if (atomic_load_explicit(&g->meta->magic, memory_order_acquire) !=
	    SEGMENT_MAGIC) {
		seg_detach(g);
		return refuse(cmd, "the segment was replaced meanwhile; try "
				   "again");
	}
	return 0;
}

/* semctl(2): the caller must define this union. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* The semaphore set recorded in a sysv-sem segment, if it is still its. */
static int seg_semid(const struct seg *g)
{
	const struct sysv_sem_shared *s = (const void *)g->region->shared;
	struct semid_ds ds;

	if (!s->created ||
	    semctl(s->semid, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1)
		return -1;
	/* An id can be reused: it must still be the set under our key. */
	if (ds.sem_perm.__key != g->meta->key || ds.sem_nsems != 1)
		return -1;
	return s->semid;
}

/* Is st the lock file create made (same device and inode)? */
static bool same_lock_file(const struct segment_meta *m, const struct stat *st)
{
	return S_ISREG(st->st_mode) && (uint64_t)st->st_dev == m->lock_dev &&
	       (uint64_t)st->st_ino == m->lock_ino;
}

/* ---- create -------------------------------------------------------------- */

/* What one create (or destroy) made or removed, to print or to undo. */
struct made {
	int shmid;		     /* the segment, or -1 */
	int semid;		     /* the semaphore set, or -1 */
	char lock[SEGMENT_LOCK_MAX]; /* the lock file it created, or "" */
	void *base;		     /* the segment, attached, or NULL */
	struct stat lock_st;	     /* the lock file, as created */
};

static void made_undo(struct made *d)
{
	if (d->base)
		(void)shmdt(d->base);
	if (d->shmid != -1)
		(void)shmctl(d->shmid, IPC_RMID, NULL);
	if (d->semid != -1)
		(void)semctl(d->semid, 0, IPC_RMID);
	if (d->lock[0])
		(void)unlink(d->lock);
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
	int shmid, semid = -1, err;
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
	/* Only sysv-sem needs the key in the semaphore table too. */
	if (is_sysv_sem(o->strategy))
		semid = semget(o->key, 0, 0);
	if (semid != -1 && !o->force)
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
	if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1 &&
	    errno != EINVAL && errno != EIDRM)
		return sys_error(cmd, "semctl IPC_RMID", errno);
	/* unlink removes a symlink itself, never its target. */
	if (lock_exists && unlink(lock) == -1 && errno != ENOENT)
		return sys_error(cmd, "unlink", errno);
	return 0;
}

/* Make the lock file: never follow or reuse what is there. */
static int create_lock(const char *cmd, const char *lock, unsigned mode,
		       struct made *d)
{
	int fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      mode);

	if (fd == -1) {
		if (errno == EEXIST)
			return refuse(cmd, "lock file %s appeared meanwhile",
				      lock);
		report("%s: %s: %s", cmd, lock, strerror(errno));
		return EXIT_SYSTEM;
	}
	snprintf(d->lock, sizeof(d->lock), "%s", lock);
	/* The umask may have cleared bits --mode asked for. */
	if (fchmod(fd, mode) == -1 || fstat(fd, &d->lock_st) == -1) {
		int err = errno;

		(void)close(fd);
		return sys_error(cmd, "fchmod", err);
	}
	(void)close(fd);
	return 0;
}

static int create_sem(const char *cmd, key_t key, unsigned mode,
		      struct region *r, struct made *d)
{
	struct sysv_sem_shared *s = (void *)r->shared;

	/* IPC_EXCL: never adopt a set someone else pre-set at this key. */
	d->semid = semget(key, 1, IPC_CREAT | IPC_EXCL | (int)mode);
	if (d->semid == -1) {
		if (errno == EEXIST)
			return refuse(cmd, "a semaphore set appeared at the "
					   "key meanwhile");
		return sys_error(cmd, "semget", errno);
	}
	if (semctl(d->semid, 0, SETVAL, (union semun){ .val = 1 }) == -1)
		return sys_error(cmd, "semctl SETVAL", errno);
	s->semid = d->semid;
	s->created = true;
	return 0;
}

static int do_create(const struct seg_options *o)
{
	const char *cmd = o->sub->cmd;
	const struct strategy *s = o->strategy;
	struct made d = { .shmid = -1, .semid = -1 };
	char lock[SEGMENT_LOCK_MAX] = "", ks[16];
	struct segment_meta *m;
	struct region *r;
	sigset_t block;
	int err;

	/* A Ctrl-C must not leave half a segment: create is short. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	key_str(o->key, ks, sizeof(ks));
	if (is_flock(s))
		snprintf(lock, sizeof(lock), "%s.lock", o->path);
	err = create_check(o, is_flock(s) ? lock : NULL);
	if (err)
		return err;
	if (is_flock(s) && (err = create_lock(cmd, lock, o->mode, &d)))
		goto err_undo;

	d.shmid =
	    shmget(o->key, SEGMENT_BYTES, IPC_CREAT | IPC_EXCL | (int)o->mode);
	if (d.shmid == -1) {
		err = errno == EEXIST
			  ? refuse(cmd, "key %s was taken meanwhile", ks)
			  : sys_error(cmd, "shmget", errno);
		goto err_undo;
	}
	d.base = shmat(d.shmid, NULL, 0);
	if (d.base == (void *)-1) {
		d.base = NULL;
		err = sys_error(cmd, "shmat", errno);
		goto err_undo;
	}
	r = d.base; /* shmget gives zeroed memory: the counter starts at 0 */
	m = (struct segment_meta *)((char *)d.base + SEGMENT_META);
	if (is_sysv_sem(s) && (err = create_sem(cmd, o->key, o->mode, r, &d)))
		goto err_undo;
	if (s->setup && !is_sysv_sem(s) && !is_flock(s)) {
		/* robust-mutex: its own setup, over this region. */
		struct run run = { .strategy = s, .procs = 1, .region = r };

		if (s->setup(&run)) {
			err = EXIT_SYSTEM;
			goto err_undo;
		}
	}
	m->version = SEGMENT_VERSION;
	m->bytes = SEGMENT_BYTES;
	snprintf(m->strategy, sizeof(m->strategy), "%s", s->name);
	m->key = (int32_t)o->key;
	m->mode = o->mode;
	m->created = (int64_t)time(NULL);
	m->creator = (int32_t)getpid();
	if (d.lock[0]) {
		char *abs = realpath(o->path, NULL);

		m->lock_dev = (uint64_t)d.lock_st.st_dev;
		m->lock_ino = (uint64_t)d.lock_st.st_ino;
		/* For show and hints only: incr and destroy act on --path. */
		if (!abs ||
		    snprintf(m->lock_path, sizeof(m->lock_path), "%s.lock",
			     abs) >= (int)sizeof(m->lock_path))
			snprintf(m->lock_path, sizeof(m->lock_path), "%s",
				 d.lock);
		free(abs);
	}
	atomic_store(&r->gate, GATE_OPEN); /* worker_loop stops on STOP */
	/* Last: from now on it is a racelab segment. */
	atomic_store_explicit(&m->magic, SEGMENT_MAGIC, memory_order_release);
	(void)shmdt(d.base);

	printf("created segment key %s: shmid %d, %zu bytes, mode %04o, "
	       "strategy %s",
	       ks, d.shmid, (size_t)SEGMENT_BYTES, o->mode, s->name);
	if (d.semid != -1)
		printf(", semaphore set id %d (same key)", d.semid);
	if (d.lock[0])
		printf(", lock file %s", d.lock);
	printf("\n");
	warn_mode(cmd, o->mode,
		  s->work != NULL && !s->racy &&
		      strcmp(s->name, "atomic") != 0);
	return EXIT_VERIFIED;

err_undo:
	made_undo(&d);
	return err;
}

/* ---- destroy ------------------------------------------------------------- */

static int destroy_key(const char *cmd, key_t key, const char *path, bool quiet)
{
	struct seg g;
	char ks[16], lock[SEGMENT_LOCK_MAX] = "";
	int semid = -1, err, id;
	bool lock_removed = false;
	struct stat st;

	key_str(key, ks, sizeof(ks));
	if (quiet && (id = shmget(key, 0, 0)) != -1) {
		/* create --force: a foreign segment goes too; say so. */
		err = seg_open(cmd, key, &g, false);
		if (err == EXIT_USAGE) {
			if (shmctl(id, IPC_RMID, NULL) == -1)
				return sys_error(cmd, "shmctl IPC_RMID", errno);
			report("%s: removed shared memory id %d at key %s, "
			       "which was not a racelab segment",
			       cmd, id, ks);
			return 0;
		}
	} else {
		err = seg_open(cmd, key, &g, true);
	}
	if (err)
		return err;
	if (is_sysv_sem(g.strategy))
		semid = seg_semid(&g);
	if (is_flock(g.strategy) && path)
		snprintf(lock, sizeof(lock), "%s.lock", path);
	/* The segment first: if we may not remove it, remove nothing. */
	if (shmctl(g.shmid, IPC_RMID, NULL) == -1) {
		err = errno;
		seg_detach(&g);
		return sys_error(cmd, "shmctl IPC_RMID", err);
	}
	if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)
		(void)report_errno(cmd, "semctl IPC_RMID", errno);
	/* Only the file create made: same device and inode. */
	if (lock[0] && lstat(lock, &st) == 0 && same_lock_file(g.meta, &st)) {
		if (unlink(lock) == -1)
			(void)report_errno(cmd, "unlink", errno);
		else
			lock_removed = true;
	}
	if (!quiet) {
		printf("destroyed segment key %s (shmid %d)", ks, g.shmid);
		if (semid != -1)
			printf(", semaphore set id %d", semid);
		if (lock_removed)
			printf(", lock file %s", lock);
		printf("\n");
		if (g.ds.shm_nattch > 0)
			printf("%lu process(es) still attached keep it until "
			       "they detach\n",
			       (unsigned long)g.ds.shm_nattch);
	}
	if (quiet)
		report("%s: --force: removed racelab segment shmid %d (%s) at "
		       "key %s",
		       cmd, g.shmid, g.strategy->name, ks);
	if (is_sysv_sem(g.strategy) && semid == -1)
		report("%s: the semaphore set of key %s was already gone", cmd,
		       ks);
	/* Never unlink a path read from the segment: anyone with write
	 * access to it could have put any path there. */
	if (is_flock(g.strategy) && !path)
		report("%s: lock file %s left in place: give --path FILE to "
		       "remove FILE.lock, or remove it yourself",
		       cmd, g.meta->lock_path);
	else if (is_flock(g.strategy) && !lock_removed && lstat(lock, &st) == 0)
		report("%s: %s left in place: it is not the lock file create "
		       "made",
		       cmd, lock);
	seg_detach(&g);
	return 0;
}

/* ---- incr ---------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal; /* asked to stop, or 0 */

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* flock on the lock file this process opened itself (see the top). */
static inline int segment_flock_op(struct worker *w, int op)
{
	while (flock(w->fd, op) == -1) {
		if (errno != EINTR)
			return report_errno("flock", "flock", errno);
	}
	return 0;
}

static inline int segment_flock_lock(struct worker *w)
{
	int err = segment_flock_op(w, LOCK_EX);

	TSAN_ACQUIRE(w->shared); /* see strategy.h */
	return err;
}

static inline int segment_flock_unlock(struct worker *w)
{
	TSAN_RELEASE(w->shared);
	return segment_flock_op(w, LOCK_UN);
}

static int segment_flock_work(struct worker *w)
{
	return worker_loop(w, segment_flock_lock, counter_rmw,
			   segment_flock_unlock);
}

/* flock: open FILE.lock and check it is the one create made. */
static int incr_open_lock(const struct seg_options *o, const struct seg *g,
			  int *fd)
{
	const char *cmd = o->sub->cmd;
	char lock[SEGMENT_LOCK_MAX];
	struct stat st;

	if (!o->path) {
		size_t n =
		    strnlen(g->meta->lock_path, sizeof(g->meta->lock_path));

		return refuse(cmd,
			      "this is a flock segment: name it with --path "
			      "%.*s, so that its lock file is found",
			      (int)(n > 5 ? n - 5 : n), g->meta->lock_path);
	}
	snprintf(lock, sizeof(lock), "%s.lock", o->path);
	/* O_NONBLOCK: opening a planted FIFO must not hang. Read-only is
	 * enough for flock. */
	*fd = open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (*fd == -1) {
		if (errno == ELOOP)
			return refuse(cmd,
				      "lock file %s is a symbolic link; "
				      "refusing to follow it",
				      lock);
		report("%s: lock file %s: %s", cmd, lock, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (fstat(*fd, &st) == -1 || !same_lock_file(g->meta, &st)) {
		(void)close(*fd);
		*fd = -1;
		return refuse(cmd,
			      "%s is not the lock file this segment was "
			      "created with",
			      lock);
	}
	return 0;
}

/* Install the stop handlers: once, then the default (SA_RESETHAND). */
static void incr_signals(void)
{
	/* SA_RESETHAND is 0x80000000: an int flag written as unsigned. */
	struct sigaction sa = { .sa_handler = on_stop,
				.sa_flags = (int)SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}

static int do_incr(const struct seg_options *o)
{
	const char *cmd = o->sub->cmd;
	struct seg g;
	struct run run;
	struct slot slot;
	struct worker w;
	int (*work)(struct worker *);
	uint64_t done = 0, times = o->times ? o->times : 1, uncertain = 0;
	int64_t t0, t1;
	int fd = -1, err;
	char ks[16];

	key_str(o->key, ks, sizeof(ks));
	err = seg_open(cmd, o->key, &g, true);
	if (err)
		return err;
	if (is_flock(g.strategy) && (err = incr_open_lock(o, &g, &fd))) {
		seg_detach(&g);
		return err;
	}
	if (is_sysv_sem(g.strategy) && seg_semid(&g) == -1) {
		seg_detach(&g);
		return refuse(cmd,
			      "key %s: the segment's semaphore set is gone "
			      "(removed with ipcrm?); destroy and create the "
			      "segment again",
			      ks);
	}
	if ((err = seg_attach_rw(cmd, &g))) {
		if (fd != -1)
			(void)close(fd);
		return err;
	}
	run = (struct run){
		.strategy = g.strategy,
		.mode = MODE_PROCESS,
		.procs = 1,
		.iters = times,
		.region = g.region,
	};
	memset(&slot, 0, sizeof(slot));
	w = (struct worker){
		.id = 0,
		.run = &run,
		.region = g.region,
		.shared = g.region->shared,
		.slot = &slot, /* ours alone: the tally is in the metadata */
		.fd = fd,
		.rng = 1,
	};
	work = is_flock(g.strategy) ? segment_flock_work : g.strategy->work;
	if (!is_flock(g.strategy) && g.strategy->attach &&
	    g.strategy->attach(&w)) {
		seg_detach(&g);
		return EXIT_SYSTEM;
	}

	incr_signals();
	atomic_fetch_add(&g.meta->incrs, 1);
	atomic_fetch_add(&g.meta->requested, times);
	t0 = now_ns();
	while (done < times && !stop_signal) {
		uint64_t n, rec;

		w.iters =
		    times - done < TALLY_CHUNK ? times - done : TALLY_CHUNK;
		atomic_store_explicit(&slot.done, 0, memory_order_relaxed);
		err = work(&w);
		/* The loop publishes every CHUNK: exact unless it failed. */
		n = atomic_load_explicit(&slot.done, memory_order_relaxed);
		done += n;
		/* Release: whoever sees this tally sees these increments. */
		atomic_fetch_add_explicit(&g.meta->completed, n,
					  memory_order_release);
		rec = atomic_exchange(&slot.recoveries, 0);
		if (rec)
			atomic_fetch_add(&g.meta->recoveries, rec);
		if (err) {
			/* Some of the failed chunk may be in the counter. */
			uncertain = w.iters - n;
			break;
		}
	}
	t1 = now_ns();
	if (!is_flock(g.strategy) && g.strategy->detach)
		g.strategy->detach(&w);
	if (fd != -1)
		(void)close(fd);
	/*
	 * Withdraw what was asked and never started. A failed chunk stays
	 * requested: some of it may be in the counter, so `show` calls it
	 * unfinished rather than guessing.
	 */
	if (done + uncertain < times)
		atomic_fetch_sub(&g.meta->requested, times - done - uncertain);
	atomic_fetch_add(&g.meta->incrs_done, 1);
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
	seg_detach(&g);
	if (err)
		return EXIT_SYSTEM;
	if (stop_signal) {
		int sig = stop_signal;
		char a[32], b[32];

		report("%s: stopped by SIG%s after %s of %s increments (all "
		       "recorded)",
		       cmd, sigabbrev_np(sig), group_digits(done, a, sizeof(a)),
		       group_digits(times, b, sizeof(b)));
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
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

static void seg_view_read(const struct seg *g, struct seg_view *v)
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

		v->requested = atomic_load(&m->requested);
		v->completed = atomic_load(&m->completed);
		v->counter = atomic_load(&g->region->counter.atomic);
		req = atomic_load(&m->requested);
		comp = atomic_load(&m->completed);
		if (req == v->requested && comp == v->completed)
			break;
	}
	v->recoveries = atomic_load(&m->recoveries);
	v->incrs_done = atomic_load(&m->incrs_done);
	v->incrs = atomic_load(&m->incrs);
	v->unfinished =
	    v->requested > v->completed ? v->requested - v->completed : 0;
	v->surplus = v->counter > v->completed ? v->counter - v->completed : 0;
	v->lost_known = v->unfinished == 0 && v->surplus == 0;
	v->lost = v->counter < v->completed ? v->completed - v->counter : 0;
}

static void show_table(const struct seg *g, const struct seg_view *v,
		       const char *ks)
{
	const struct segment_meta *m = g->meta;
	char a[32], b[32], when[32];
	time_t created = (time_t)m->created;
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
		 localtime_r(&created, &tm));
	printf("segment      key %s, shmid %d, %zu bytes, mode %04o, %lu "
	       "attached\n",
	       ks, g->shmid, (size_t)g->ds.shm_segsz,
	       (unsigned)g->ds.shm_perm.mode & 0777,
	       (unsigned long)g->ds.shm_nattch);
	printf("created      %s by pid %d\n", when, (int)m->creator);
	printf("strategy     %s", g->strategy->name);
	if (is_sysv_sem(g->strategy)) {
		int semid = seg_semid(g);

		if (semid != -1)
			printf(" (semaphore set id %d, same key)", semid);
		else
			printf(" (its semaphore set is GONE: incr refuses)");
	}
	if (is_flock(g->strategy))
		printf(" (lock file %s)", m->lock_path);
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
	if (strcmp(g->strategy->name, "robust-mutex") == 0)
		printf(
		    "recoveries   %-14s EOWNERDEAD: an incr died holding the "
		    "mutex\n",
		    group_digits(v->recoveries, a, sizeof(a)));
}

static int do_show(const struct seg_options *o)
{
	const char *cmd = o->sub->cmd;
	struct seg g;
	struct seg_view v;
	char ks[16], lost[32] = "";
	int err;

	err = seg_open(cmd, o->key, &g, true);
	if (err)
		return err;
	key_str(o->key, ks, sizeof(ks));
	seg_view_read(&g, &v);
	if (v.lost_known)
		snprintf(lost, sizeof(lost), "%llu",
			 (unsigned long long)v.lost);
	switch (o->format) {
	case FORMAT_TABLE:
		show_table(&g, &v, ks);
		break;
	case FORMAT_CSV:
		printf("key,shmid,strategy,mode,counter,requested,completed,"
		       "unfinished,lost,recoveries,incr_processes,attached\n");
		printf("%s,%d,%s,%04o,%llu,%llu,%llu,%llu,%s,%llu,%llu,%lu\n",
		       ks, g.shmid, g.strategy->name,
		       (unsigned)g.ds.shm_perm.mode & 0777,
		       (unsigned long long)v.counter,
		       (unsigned long long)v.requested,
		       (unsigned long long)v.completed,
		       (unsigned long long)v.unfinished, lost,
		       (unsigned long long)v.recoveries,
		       (unsigned long long)v.incrs,
		       (unsigned long)g.ds.shm_nattch);
		break;
	case FORMAT_JSON:
		printf("{\"key\": \"%s\", \"shmid\": %d, \"strategy\": ", ks,
		       g.shmid);
		report_json_string(stdout, g.strategy->name);
		printf(", \"mode\": \"%04o\", \"counter\": %llu, "
		       "\"requested\": %llu, \"completed\": %llu, "
		       "\"unfinished\": %llu, \"lost\": %s, \"recoveries\": "
		       "%llu, \"incr_processes\": %llu, \"attached\": %lu, "
		       "\"lock_file\": ",
		       (unsigned)g.ds.shm_perm.mode & 0777,
		       (unsigned long long)v.counter,
		       (unsigned long long)v.requested,
		       (unsigned long long)v.completed,
		       (unsigned long long)v.unfinished,
		       lost[0] ? lost : "null",
		       (unsigned long long)v.recoveries,
		       (unsigned long long)v.incrs,
		       (unsigned long)g.ds.shm_nattch);
		if (is_flock(g.strategy))
			report_json_string(stdout, g.meta->lock_path);
		else
			printf("null");
		printf("}\n");
		break;
	}
	err = v.lost_known && v.lost > 0 && !g.strategy->racy ? EXIT_LOST
							      : EXIT_VERIFIED;
	seg_detach(&g);
	return err;
}

/* ---- the command ---------------------------------------------------------- */

int cmd_segment(int argc, char **argv)
{
	struct seg_options o = { .mode = 0600 };
	int err;

	if (argc < 2)
		return usage_error("segment", "which one: create, incr, show "
					      "or destroy?");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(segment_usage, stdout);
		return EXIT_VERIFIED;
	}
	for (unsigned i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]);
	     i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			o.sub = &subcommands[i];
	if (!o.sub)
		return usage_error("segment",
				   "unknown subcommand '%s' (create, incr, "
				   "show, destroy)",
				   argv[1]);
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
