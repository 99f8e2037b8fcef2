/*
 * file - the counter in a regular file, as the classic PHP hit counter
 * keeps it in counter.txt: read the number, add one, write it back.
 *
 * The record is decimal text, so that any script can read it: the count
 * right-aligned in 20 spaces-padded columns and a newline, 21 bytes in all
 * ("                  42\n"). Fixed width matters: a racy writer may write
 * a smaller number over a larger one (that is what a lost update is), and
 * a shorter record written at offset 0 would leave the larger number's
 * tail behind ("42" over "100" reads "420"). Every write is one pwrite()
 * of the whole record at offset 0; every read one pread(). Spaces, not
 * zeros, so that a shell does not read the number as octal:
 *
 *	PHP:	$n = (int) file_get_contents('counter.txt');
 *	sh:	read n < counter.txt; echo $((n + 1))
 *
 * racelab reads any decimal number with optional blanks around it (what a
 * PHP script writes back, "43" with no padding, included) and refuses
 * anything else with a message: the file comes from outside.
 *
 * pread and pwrite take their offset as an argument, so every worker can
 * use the one descriptor the parent opened (inherited by fork, shared by
 * threads) without a seek; the file offset is never used. A named file
 * (--store file:PATH) is opened with O_NOFOLLOW and must be a regular file:
 * a symlink planted at PATH is refused, never followed (PITFALLS.md); it
 * is created 0600 with O_EXCL if absent, set to 0 at the start and kept at
 * the end with the final count. Without a name, the file is a private
 * temporary one, unlinked at once, so nothing is left on disk.
 *
 * Locks: the file itself is shared by processes that need share no memory
 * (independent PHP requests), so it admits only locks the kernel keeps:
 * flock, fcntl and ofd on their lock file, and the SysV semaphores.
 * Cost: a pread and a pwrite per increment, about 1 us; see docs/stores.md.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define FILE_RECORD 21 /* 20 columns and a newline */
#define FILE_READ   64 /* the most a readable record may be */

static int open_named(struct store_handle *h, const char *path)
{
	struct stat st;

	if (strlen(path) >= sizeof(h->path)) {
		report("--store file:%s: path too long", path);
		return -ENAMETOOLONG;
	}
	h->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (h->fd >= 0)
		h->created = true;
	else if (errno == EEXIST)
		/* O_NONBLOCK: opening a planted FIFO must not hang. */
		h->fd =
		    open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (h->fd < 0) {
		int err = errno;

		if (err == ELOOP)
			report("--store file:%s: is a symbolic link; refusing "
			       "to follow it",
			       path);
		else
			report("--store file:%s: %s", path, strerror(err));
		return -err;
	}
	h->open = true;
	snprintf(h->path, sizeof(h->path), "%s", path); /* length checked */
	if (fstat(h->fd, &st) == -1)
		return report_errno("file store", "fstat", errno);
	if (!S_ISREG(st.st_mode)) {
		report("--store file:%s: not a regular file", path);
		return -EINVAL;
	}
	return 0;
}

static int open_temp(struct store_handle *h)
{
	const char *dir = getenv("TMPDIR");
	char tpl[sizeof(h->path)];

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(tpl, sizeof(tpl), "%s/racelab-counter-XXXXXX", dir) >=
	    (int)sizeof(tpl)) {
		report("file store: TMPDIR %s: path too long", dir);
		return -ENAMETOOLONG;
	}
	/* mkostemp: a fresh name, O_EXCL, mode 0600; never an existing file. */
	h->fd = mkostemp(tpl, O_CLOEXEC);
	if (h->fd < 0) {
		int err = errno;

		report("file store: cannot create a counter file in %s: %s",
		       dir, strerror(err));
		return -err;
	}
	h->open = true;
	if (unlink(tpl) == -1)
		return report_errno("file store", "unlink", errno);
	return 0;
}

/* "                  42\n": the count right-aligned in 20 columns. */
static void record_format(char rec[FILE_RECORD], uint64_t v)
{
	int i = FILE_RECORD - 1;

	rec[i--] = '\n';
	do {
		rec[i--] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i >= 0);
	while (i >= 0)
		rec[i--] = ' ';
}

/* Blanks, digits, blanks: anything else is not a count. */
static int record_parse(const char *buf, size_t n, uint64_t *v)
{
	size_t i = 0;
	uint64_t x = 0;
	bool digits = false;

	while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	for (; i < n && buf[i] >= '0' && buf[i] <= '9'; i++) {
		unsigned d = (unsigned)(buf[i] - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -ERANGE;
		x = x * 10 + d;
		digits = true;
	}
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
			 buf[i] == '\r'))
		i++;
	if (i != n || (!digits && n))
		return -EINVAL;
	*v = x; /* an empty file counts 0, as PHP's (int)"" does */
	return 0;
}

static int file_read(int fd, const char *path, uint64_t *v)
{
	char buf[FILE_READ];
	ssize_t r;
	int err;

	do
		r = pread(fd, buf, sizeof(buf), 0);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return report_errno("file store", "pread", errno);
	err = (size_t)r == sizeof(buf) ? -EINVAL
				       : record_parse(buf, (size_t)r, v);
	if (err)
		report("file store: %s does not hold a decimal count "
		       "(%zd bytes read); refusing to guess",
		       *path ? path : "the counter file", r);
	return err;
}

static int file_write(int fd, uint64_t v)
{
	char rec[FILE_RECORD];
	ssize_t r;

	record_format(rec, v);
	do
		r = pwrite(fd, rec, sizeof(rec), 0);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return report_errno("file store", "pwrite", errno);
	if (r != (ssize_t)sizeof(rec)) {
		report("file store: pwrite wrote %zd of %zu bytes", r,
		       sizeof(rec));
		return -EIO;
	}
	return 0;
}

static int file_create(struct store_handle *h, const char *name,
		       struct region *r, bool verbose)
{
	int err;

	(void)r;
	h->fd = -1;
	err = name ? open_named(h, name) : open_temp(h);
	if (err)
		return err;
	if (ftruncate(h->fd, 0) == -1)
		return report_errno("file store", "ftruncate", errno);
	err = file_write(h->fd, 0);
	if (!err && verbose)
		report("file store: counter file %s, descriptor %d",
		       h->path[0] ? h->path : "(unlinked temporary file)",
		       h->fd);
	return err;
}

static int file_attach(const struct store_handle *h, struct store_link *l)
{
	l->fd = h->fd; /* pread/pwrite: no offset is shared */
	l->path = h->path;
	return 0;
}

static int file_load(struct store_link *l, uint64_t *v)
{
	return file_read(l->fd, l->path, v);
}

static int file_save(struct store_link *l, uint64_t v)
{
	return file_write(l->fd, v);
}

static int file_total(const struct store_handle *h, uint64_t *v)
{
	return file_read(h->fd, h->path, v);
}

static void file_close(struct store_handle *h, bool verbose)
{
	if (h->open) {
		(void)close(h->fd);
		if (verbose && h->path[0])
			report("file store: closed %s, which keeps the count",
			       h->path);
	}
	h->fd = -1;
	h->open = false;
}

static const char *file_check_name(const char *path)
{
	static char why[128];
	struct stat st;

	if (strlen(path) >= sizeof(((struct store_handle *)0)->path))
		return "path too long";
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return NULL; /* created with O_EXCL */
		snprintf(why, sizeof(why), "%s", strerror(errno));
		return why;
	}
	if (S_ISLNK(st.st_mode))
		return "is a symbolic link; refusing to follow it";
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	return NULL;
}

const struct store store_file = {
	.name = "file",
	.summary = "a regular file of decimal text, pread and pwrite: the PHP "
		   "counter.txt (file:PATH keeps it)",
	.where = "a file, pread and pwrite",
	.naming = "PATH",
	.check_name = file_check_name,
	.create = file_create,
	.attach = file_attach,
	.load = file_load,
	.save = file_save,
	.total = file_total,
	.close = file_close,
};
