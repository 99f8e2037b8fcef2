/*
 * segment.h - the named SysV segment store (`racelab segment`): one counter
 * in shared memory that unrelated processes find by its key.
 *
 *	offset 0        struct region, with one slot: the counter first, a
 *	                native-endian uint64 (the classic recipe: other
 *	                programs read and write 8 bytes at offset 0), then
 *	                the strategy's lock object in region.shared (a lock
 *	                that lives in memory lives here), then slot[0]
 *	SEGMENT_META    struct segment_meta: racelab's own bookkeeping
 *
 * Keeping a struct region at the start lets `incr` run the strategies'
 * own lock code unchanged over the segment. The layout is versioned: a
 * segment made by another version of racelab, of another size, or whose
 * metadata does not hold together, is refused, never guessed at.
 */
#ifndef RACELAB_SEGMENT_H
#define RACELAB_SEGMENT_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "core/region.h"
#include "store/store.h"

/* "RACELAB!" in a little-endian hexdump: the bytes 52 41 43 45 4c 41 42 21. */
#define SEGMENT_MAGIC	 0x2142414C45434152ULL
#define SEGMENT_VERSION	 2
#define SEGMENT_PROJ_ID	 'R' /* ftok(--path, 'R'): PHP's ftok($f, 'R') too */
#define SEGMENT_PATH_MAX 500 /* longest --path */
#define SEGMENT_LOCK_MAX (SEGMENT_PATH_MAX + 8) /* FILE.lock and its NUL */

/* After the region and its one slot, on a cache line of its own. */
#define SEGMENT_META                                                           \
	((sizeof(struct region) + sizeof(struct slot) + CACHE_LINE - 1) /      \
	 CACHE_LINE * CACHE_LINE)
#define SEGMENT_BYTES (SEGMENT_META + sizeof(struct segment_meta))

/*
 * racelab's bookkeeping. `magic` is stored last, with release order, when
 * `create` has finished, so a segment being created is not yet a racelab
 * segment for `incr`. The tallies are updated by every `incr` with atomic
 * additions; a foreign program that writes the counter updates none of
 * them, which is how `show` can tell its writes apart. Nothing here is
 * trusted: segment_open checks what can be checked and every reader bounds
 * the strings.
 */
struct segment_meta {
	_Atomic uint64_t magic; /* SEGMENT_MAGIC once created */
	uint32_t version;	/* SEGMENT_VERSION */
	uint32_t bytes;		/* SEGMENT_BYTES of the creator */
	char strategy[32];	/* the strategy's name, as typed */
	int32_t key;		/* the key it was created with */
	uint32_t mode;		/* its permission bits (0600 by default) */
	int64_t created;	/* time(NULL) at create */
	int32_t creator;	/* pid of the `create` process */
	uint32_t pad;		/* (keeps what follows 8-byte aligned) */
	char lock_path[SEGMENT_LOCK_MAX]; /* a lock file, for show only */
	/* The tallies, on their own cache line: every incr writes them. */
	alignas(CACHE_LINE) struct store_tally tally;
};

/* An attached segment, as one command sees it. */
struct segment {
	key_t key;			 /* the key it was found or made at */
	int shmid;			 /* its id */
	struct shmid_ds ds;		 /* IPC_STAT, taken when found */
	void *base;			 /* where it is attached, or NULL */
	struct region *region;		 /* base, as the strategies see it */
	struct segment_meta *meta;	 /* racelab's metadata in it */
	const struct strategy *strategy; /* the one recorded, checked */
};

/* The named store: which strategies can live at a name (`racelab list`). */
extern const struct store store_segment;

/* Can s live in a named segment? NULL, or why not, in words. */
const char *segment_refuses(const struct strategy *s);

/*
 * Find the segment at key and check, through a read-only mapping, that it
 * is a racelab segment this racelab reads (size, magic, version, its key,
 * its mode, a strategy that can live there). 0 with g attached read-only;
 * otherwise a refusal (-EINVAL: not ours or garbage; -ENOENT: no segment),
 * said on stderr as "racelab: CMD: ..." unless !say, or another negative
 * errno (reported).
 */
int segment_open(const char *cmd, key_t key, struct segment *g, bool say);

/* Attach it again read-write, checking it is still the same; 0 or -errno. */
int segment_attach_rw(const char *cmd, struct segment *g);

void segment_detach(struct segment *g);

/*
 * Make a segment of SEGMENT_BYTES at key with mode (IPC_EXCL: never an
 * existing one), attached read-write and zeroed; its metadata is not yet
 * written (segment_seal does that last). 0, -EEXIST, or -errno (reported).
 */
int segment_create(const char *cmd, key_t key, unsigned mode,
		   struct segment *g);

/* Record the strategy and the rest, then the magic: it is ours now. */
void segment_seal(struct segment *g, const struct strategy *s, key_t key,
		  unsigned mode, const char *lock_path);

/*
 * Copy the bounded string src (at most n bytes, maybe unterminated) into
 * dst, replacing every byte that is not printable ASCII with '?'.
 */
void segment_clean(char *dst, size_t len, const char *src, size_t n);

#endif
