/*
 * segment.h - the layout of a named segment (`racelab segment`): SysV
 * shared memory that unrelated processes find by its key.
 *
 *	offset 0        struct region, with one slot: the counter first, a
 *	                native-endian uint64 (the classic recipe: other
 *	                programs read and write 8 bytes at offset 0), then
 *	                the gate (always open), then the strategy's lock
 *	                object in region.shared, then slot[0]
 *	SEGMENT_META    struct segment_meta: racelab's own bookkeeping
 *
 * Keeping a struct region at the start lets `incr` run the strategies'
 * own lock, increment and unlock code unchanged (worker_loop over the
 * attached segment). The layout is versioned: a segment made by another
 * version of racelab is refused, never guessed at.
 */
#ifndef RACELAB_SEGMENT_H
#define RACELAB_SEGMENT_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/strategy.h"

/* "RACELAB!" in a little-endian hexdump: the bytes 52 41 43 45 4c 41 42 21. */
#define SEGMENT_MAGIC	 0x2142414C45434152ULL
#define SEGMENT_VERSION	 1
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
 * them, which is how `show` can tell its writes apart.
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
	uint64_t lock_dev;	/* flock: the lock file's st_dev */
	uint64_t lock_ino;	/* flock: the lock file's st_ino */
	char lock_path[SEGMENT_LOCK_MAX]; /* flock: the lock file */
	/* The tallies, on their own cache line: every incr writes them. */
	alignas(CACHE_LINE) _Atomic uint64_t requested; /* --times, summed */
	_Atomic uint64_t completed;  /* increments incr processes finished */
	_Atomic uint64_t recoveries; /* robust-mutex: EOWNERDEAD recovered */
	_Atomic uint64_t incrs;	     /* incr processes that started */
	_Atomic uint64_t incrs_done; /* ... and that finished or stopped */
};

#endif
