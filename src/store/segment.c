/*
 * segment - the counter in a named SysV shared memory segment, found by its
 * key by processes that share nothing else (`racelab segment`): the PHP
 * shmop hit counter, each request opening the segment, reading the
 * counter, adding one, writing it back.
 *
 * The segment is shared with programs racelab does not control, and root
 * may run `destroy` or `show` on one another user made. So nothing read
 * from it is trusted: segment_open checks the size, the magic, the
 * version, the key it says it was made at, its mode and the strategy it
 * names (one this racelab has and that can live at a name) before anything
 * else reads it; every string in it is bounded and cleaned before it is
 * printed; a lock it names is checked against the kernel's own record by
 * the strategy's join() (core/strategy.h), never taken on the segment's
 * word. A lock that lives in memory (a mutex, a spinlock) lives in the
 * segment's region.shared, so every process maps the same one.
 */
#include "store/segment.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/guardian.h"
#include "core/registry.h"
#include "core/util.h"

/* "racelab: CMD: message", when say. */
static int refuse(bool say, int err, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int refuse(bool say, int err, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	if (!say)
		return err;
	fprintf(stderr, "%s: %s: ", PROGRAM_NAME, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return err;
}

const char *segment_refuses(const struct strategy *s)
{
	if (s->unsupported)
		return s->unsupported;
	return store_refuses(&store_segment, s);
}

void segment_clean(char *dst, size_t len, const char *src, size_t n)
{
	size_t i = 0;

	for (; i + 1 < len && i < n && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	if (len)
		dst[i] = '\0';
}

void segment_detach(struct segment *g)
{
	if (g->base)
		(void)shmdt(g->base);
	g->base = NULL;
	g->region = NULL;
	g->meta = NULL;
}

static void segment_map(struct segment *g, void *p)
{
	g->base = p;
	g->region = p;
	g->meta = (struct segment_meta *)((char *)p + SEGMENT_META);
}

/* The checks on what the metadata says; a copy is read, once. */
static int segment_check(const char *cmd, key_t key, struct segment *g,
			 bool say)
{
	const struct segment_meta *m = g->meta;
	char ks[16], name[sizeof(m->strategy)];
	const struct strategy *s;
	uint32_t version = m->version, bytes = m->bytes, mode = m->mode;
	int32_t mkey = m->key;

	snprintf(ks, sizeof(ks), "0x%08x", (unsigned)key);
	if (atomic_load_explicit(&m->magic, memory_order_acquire) !=
	    SEGMENT_MAGIC)
		return refuse(say, -EINVAL, cmd,
			      "key %s is shared memory id %d, which is not a "
			      "racelab segment (no racelab magic at offset "
			      "%zu): not touching it (ipcrm -m %d removes it)",
			      ks, g->shmid, (size_t)SEGMENT_META, g->shmid);
	if (version != SEGMENT_VERSION || bytes != SEGMENT_BYTES ||
	    g->ds.shm_segsz != SEGMENT_BYTES)
		return refuse(say, -EINVAL, cmd,
			      "key %s is a racelab segment of another layout "
			      "(version %u, %zu bytes; this racelab reads "
			      "version %d, %zu bytes): not touching it",
			      ks, version, (size_t)g->ds.shm_segsz,
			      SEGMENT_VERSION, (size_t)SEGMENT_BYTES);
	if (mkey != (int32_t)key)
		return refuse(say, -EINVAL, cmd,
			      "key %s: the segment says it was made at key "
			      "0x%08x: garbage or a copy, not touching it",
			      ks, (unsigned)mkey);
	if ((mode & ~0777u) || (mode & 0600) != 0600)
		return refuse(say, -EINVAL, cmd,
			      "key %s: the segment's recorded mode %#o is not "
			      "one create makes: not touching it",
			      ks, mode);
	memcpy(name, m->strategy, sizeof(name));
	if (!memchr(name, '\0', sizeof(name)) || !(s = strategy_find(name)) ||
	    segment_refuses(s))
		return refuse(say, -EINVAL, cmd,
			      "key %s: the segment names no strategy this "
			      "racelab knows: not touching it",
			      ks);
	if (!memchr(m->lock_path, '\0', sizeof(m->lock_path)))
		return refuse(say, -EINVAL, cmd,
			      "key %s: the segment's lock file name is not "
			      "terminated: garbage, not touching it",
			      ks);
	g->strategy = s;
	return 0;
}

int segment_open(const char *cmd, key_t key, struct segment *g, bool say)
{
	void *p;
	char ks[16];
	int err;

	memset(g, 0, sizeof(*g));
	g->key = key;
	snprintf(ks, sizeof(ks), "0x%08x", (unsigned)key);
	g->shmid = shmget(key, 0, 0);
	if (g->shmid == -1) {
		if (errno == ENOENT)
			return refuse(say, -ENOENT, cmd,
				      "no shared memory segment has key %s "
				      "(`ipcs -m` lists them; `racelab "
				      "segment create` makes one)",
				      ks);
		return report_errno(cmd, "shmget", errno);
	}
	if (shmctl(g->shmid, IPC_STAT, &g->ds) == -1)
		return report_errno(cmd, "shmctl IPC_STAT", errno);
	if (g->ds.shm_segsz < SEGMENT_BYTES)
		return refuse(say, -EINVAL, cmd,
			      "key %s is shared memory id %d of %zu bytes, "
			      "too small to be a racelab segment (%zu): not "
			      "touching it (ipcrm -m %d removes it)",
			      ks, g->shmid, (size_t)g->ds.shm_segsz,
			      (size_t)SEGMENT_BYTES, g->shmid);
	p = shmat(g->shmid, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return report_errno(cmd, "shmat", errno);
	segment_map(g, p);
	err = segment_check(cmd, key, g, say);
	if (err)
		segment_detach(g);
	return err;
}

int segment_attach_rw(const char *cmd, struct segment *g)
{
	const struct strategy *s = g->strategy;
	void *p = shmat(g->shmid, NULL, 0);
	key_t key = g->key;

	if (p == (void *)-1)
		return report_errno(cmd, "shmat", errno);
	segment_detach(g);
	segment_map(g, p);
	/* Checked again: it may have been replaced or rewritten meanwhile. */
	if (segment_check(cmd, key, g, false) || g->strategy != s) {
		segment_detach(g);
		return refuse(true, -EINVAL, cmd,
			      "the segment was replaced meanwhile; try again");
	}
	return 0;
}

int segment_create(const char *cmd, key_t key, unsigned mode, struct segment *g)
{
	void *p;

	memset(g, 0, sizeof(*g));
	g->key = key;
	/* The guardian makes it (shmget(key, SEGMENT_BYTES, IPC_CREAT |
	 * IPC_EXCL | mode)): a create killed half-way leaves nothing. */
	g->shmid = guardian_shmget(key, SEGMENT_BYTES, mode & 0777);
	if (g->shmid == -1) {
		if (errno == EEXIST)
			return -EEXIST;
		return report_errno(cmd, "shmget", errno);
	}
	p = shmat(g->shmid, NULL, 0);
	if (p == (void *)-1) {
		int err = report_errno(cmd, "shmat", errno);

		if (shmctl(g->shmid, IPC_RMID, NULL) == 0)
			guardian_forget_shm(g->shmid);
		g->shmid = -1;
		return err;
	}
	segment_map(g, p); /* shmget gives zeroed memory: the counter is 0 */
	return 0;
}

void segment_seal(struct segment *g, const struct strategy *s, key_t key,
		  unsigned mode, const char *lock_path)
{
	struct segment_meta *m = g->meta;

	m->version = SEGMENT_VERSION;
	m->bytes = SEGMENT_BYTES;
	snprintf(m->strategy, sizeof(m->strategy), "%s", s->name);
	m->key = (int32_t)key;
	m->mode = mode;
	m->created = (int64_t)time(NULL);
	m->creator = (int32_t)getpid();
	if (lock_path)
		snprintf(m->lock_path, sizeof(m->lock_path), "%s", lock_path);
	/* The gate stays open: the loop stops only on GATE_STOP. */
	atomic_store(&g->region->gate, GATE_OPEN);
	/* Last: from now on it is a racelab segment. */
	atomic_store_explicit(&m->magic, SEGMENT_MAGIC, memory_order_release);
	g->strategy = s;
}

/* The named store, as a run sees it: the command opened it already. */
static int segment_total(const struct store_handle *h, uint64_t *v)
{
	*v = atomic_load(&h->counter->atomic);
	return 0;
}

static int segment_link(const struct store_handle *h, struct store_link *l)
{
	l->counter = h->counter;
	return 0;
}

const struct store store_segment = {
	.name = "segment",
	.summary = "a named SysV segment (racelab segment): independent "
		   "processes find it by its key",
	.where = "a named SysV segment",
	.memory = true,
	.atomic_add = true,
	.shares_memory = true,
	.named = true,
	.attach = segment_link,
	.total = segment_total,
};
