/*
 * safefile.h - the files racelab writes (--trace FILE, --svg FILE,
 * --lock-file PATH): never through a symbolic link, never a device, never
 * truncating a file racelab did not create.
 *
 * These machines have fs.protected_symlinks=0, and racelab often runs as root
 * in a lab: a symlink planted at a name racelab writes would make it
 * overwrite whatever the link points to. So every name is resolved with
 * openat2(RESOLVE_NO_SYMLINKS): a symbolic link anywhere in the path, in a
 * directory or at the end, is refused. Outputs are written to a new
 * temporary file beside the target (O_CREAT | O_EXCL) and renamed over it at
 * the end: an existing regular file at the name is replaced, never
 * truncated or written in place (a hard link to it keeps the old content),
 * and a reader never sees half a file.
 */
#ifndef RACELAB_SAFEFILE_H
#define RACELAB_SAFEFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Why path cannot be a file racelab writes, in words ("is a symbolic link",
 * "directory 'x' does not exist", ...), or NULL when it can. An existing
 * regular file is fine; anything else at the name is not. Creates nothing.
 * buf (len bytes) holds the words when they need the path.
 */
const char *safefile_refuse(const char *path, char *buf, size_t len);

/*
 * Create path (or, with temp, a fresh "PATH.tmp-XXXXXX" beside it, its name
 * copied into made) with O_CREAT | O_EXCL, never through a symlink, mode
 * exactly as given (the umask is not applied). Returns a descriptor (O_RDWR,
 * O_CLOEXEC) and its device and inode, or a negative errno. The guardian
 * calls it; racelab calls guardian_create(), which puts the file on the
 * guardian's list.
 */
int safefile_create(const char *path, bool temp, unsigned mode, char *made,
		    size_t len, dev_t *dev, ino_t *ino);

/*
 * Open an existing regular file: never through a symlink, never a device
 * node, FIFO or socket (-EINVAL), never with O_CREAT or O_TRUNC. Returns a
 * descriptor opened with flags | O_CLOEXEC, or a negative errno.
 */
int safefile_open_existing(const char *path, int flags);

/* Remove path if it is still the file (dev, ino); 0 or a negative errno. */
int safefile_unlink_if(const char *path, dev_t dev, ino_t ino);

/* An output file being written: a temporary beside it until committed. */
struct safeout {
	FILE *f;	  /* write here */
	const char *path; /* the name it will have */
	char tmp[4096];	  /* the temporary file's name */
};

/*
 * Start writing path (already checked with safefile_refuse()). Messages
 * name who. Returns 0 or a negative errno (reported).
 */
int safeout_open(struct safeout *o, const char *who, const char *path);

/*
 * Finish: flush, give the file the mode a new file would get (0666 less the
 * umask), rename it over path. Returns 0 or a negative errno (reported; the
 * temporary is removed).
 */
int safeout_commit(struct safeout *o, const char *who);

/* Give up: close and remove the temporary file. */
void safeout_abort(struct safeout *o);

#endif
