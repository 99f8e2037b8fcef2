/*
 * counterfile.h - the counter in a file, as racelab's file store keeps it
 * (src/store/file.c): decimal text, right-aligned in 20 columns and a
 * newline, read with one pread and written with one pwrite at offset 0.
 * The least a person would write for a PHP-style counter.txt that must
 * survive a smaller number written over a larger one. file-none.c and
 * file-flock.c use it; `make bench` compares them with `racelab run
 * --store file`.
 */
#ifndef RACELAB_BENCH_COUNTERFILE_H
#define RACELAB_BENCH_COUNTERFILE_H

#include <errno.h>
#include <unistd.h>

#include "driver.h"

static inline uint64_t counterfile_read(int fd)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	uint64_t v = 0;

	if (n < 0)
		worker_fail("pread", errno);
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] >= '0' && buf[i] <= '9')
			v = v * 10 + (uint64_t)(buf[i] - '0');
	return v;
}

static inline void counterfile_write(int fd, uint64_t v)
{
	char rec[21];
	int i = 20;

	rec[i--] = '\n';
	do {
		rec[i--] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i >= 0);
	while (i >= 0)
		rec[i--] = ' ';
	if (pwrite(fd, rec, sizeof(rec), 0) != (ssize_t)sizeof(rec))
		worker_fail("pwrite", errno);
}

/* The counter file: a lock file's twin (unlinked, 0600), set to 0. */
static inline int counterfile_create(void)
{
	int fd = lockfile_create();

	if (fd >= 0 && pwrite(fd, "                   0\n", 21, 0) != 21) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

#endif
