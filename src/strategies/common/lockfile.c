/* lockfile.c - see lockfile.h. */
#include "strategies/common/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

static int open_named(struct lockfile *lf, const char *who, const char *path,
		      bool at_name, unsigned mode)
{
	struct stat st;

	if (strlen(path) >= sizeof(lf->path)) {
		report("%s: --lock-file %s: path too long", who, path);
		return -ENAMETOOLONG;
	}
	lf->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      at_name ? mode : 0600);
	if (lf->fd >= 0) {
		lf->created = true;
	} else if (errno == EEXIST && at_name) {
		report("%s: lock file %s exists; refusing to adopt it", who,
		       path);
		return -EEXIST;
	} else if (errno == EEXIST) {
		/* O_NONBLOCK: opening a planted FIFO must not hang. */
		lf->fd =
		    open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	}
	if (lf->fd < 0) {
		int err = errno;

		if (err == ELOOP)
			report("%s: --lock-file %s: is a symbolic link; "
			       "refusing to follow it",
			       who, path);
		else
			report("%s: --lock-file %s: %s", who, path,
			       strerror(err));
		return -err;
	}
	lf->open = true;
	snprintf(lf->path, sizeof(lf->path), "%s", path); /* length checked */
	if (fstat(lf->fd, &st) == -1)
		return report_errno(who, "fstat", errno);
	if (!S_ISREG(st.st_mode)) {
		report("%s: --lock-file %s: not a regular file", who, path);
		return -EINVAL;
	}
	/* The umask may have cleared bits the segment's mode asked for. */
	if (at_name && fchmod(lf->fd, mode) == -1)
		return report_errno(who, "fchmod", errno);
	lf->dev = (uint64_t)st.st_dev;
	lf->ino = (uint64_t)st.st_ino;
	return 0;
}

static int open_temp(struct lockfile *lf, const char *who)
{
	const char *dir = getenv("TMPDIR");
	char tpl[sizeof(lf->path)];

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(tpl, sizeof(tpl), "%s/racelab-%s-XXXXXX", dir, who) >=
	    (int)sizeof(tpl)) {
		report("%s: TMPDIR %s: path too long", who, dir);
		return -ENAMETOOLONG;
	}
	/* mkostemp: a fresh name, O_EXCL, mode 0600; never an existing file. */
	lf->fd = mkostemp(tpl, O_CLOEXEC);
	if (lf->fd < 0) {
		int err = errno;

		report("%s: cannot create a lock file in %s: %s", who, dir,
		       strerror(err));
		return -err;
	}
	lf->open = true;
	/* Unlinked at once: the workers reach it through /proc/self/fd. */
	if (unlink(tpl) == -1)
		return report_errno(who, "unlink", errno);
	return 0;
}

int lockfile_open(struct lockfile *lf, const struct run *run)
{
	const char *who = run->strategy->name;
	int err;

	*lf = (struct lockfile){ .fd = -1 };
	err = run->lock_file ? open_named(lf, who, run->lock_file,
					  run->lock_key != 0, run->lock_mode)
			     : open_temp(lf, who);
	if (!err)
		run_note(run, "lock file %s, descriptor %d",
			 lf->path[0] ? lf->path : "(unlinked temporary file)",
			 lf->fd);
	return err;
}

int lockfile_join(struct lockfile *lf, const struct run *run, bool take)
{
	const struct lockfile *rec = run->lock_record;
	const char *who = run->strategy->name, *path = run->lock_file;
	struct stat st;

	*lf = (struct lockfile){ .fd = -1 };
	if (!path || strlen(path) >= sizeof(lf->path))
		return -EINVAL;
	/* O_NONBLOCK: opening a planted FIFO must not hang. */
	lf->fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (lf->fd < 0) {
		int err = errno;

		if (err == ELOOP)
			report("%s: lock file %s is a symbolic link; refusing "
			       "to follow it",
			       who, path);
		else
			report("%s: lock file %s: %s", who, path,
			       strerror(err));
		return -err;
	}
	lf->open = true;
	snprintf(lf->path, sizeof(lf->path), "%s", path); /* length checked */
	if (fstat(lf->fd, &st) == -1)
		return report_errno(who, "fstat", errno);
	if (!S_ISREG(st.st_mode) || !rec || (uint64_t)st.st_dev != rec->dev ||
	    (uint64_t)st.st_ino != rec->ino || st.st_uid != run->lock_uid) {
		report("%s: %s is not the lock file this segment was created "
		       "with",
		       who, path);
		return -EPERM;
	}
	lf->dev = rec->dev;
	lf->ino = rec->ino;
	lf->created = take;
	return 0;
}

void lockfile_close(struct lockfile *lf, const struct run *run)
{
	if (lf->created && unlink(lf->path) == -1)
		(void)report_errno(run->strategy->name, "unlink", errno);
	if (lf->open) {
		(void)close(lf->fd);
		run_note(run, "closed the lock file%s",
			 lf->created ? " and removed it" : "");
	}
	lf->created = lf->open = false;
}

int lockfile_reopen(const struct lockfile *lf, const char *who)
{
	char self[64];
	int fd;

	/* A new open(): a description of this worker's own. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", lf->fd);
	fd = open(self, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return report_errno(who, self, errno);
	return fd;
}

int lockfile_setup(struct run *run)
{
	return lockfile_open((struct lockfile *)run->lock_area, run);
}

int lockfile_join_lock(struct run *run, bool take)
{
	return lockfile_join((struct lockfile *)run->lock_area, run, take);
}

void lockfile_teardown(struct run *run)
{
	lockfile_close((struct lockfile *)run->lock_area, run);
}

int lockfile_attach(struct worker *w)
{
	w->fd = lockfile_reopen(w->shared, w->run->strategy->name);
	return w->fd < 0 ? w->fd : 0;
}

void lockfile_detach(struct worker *w)
{
	(void)close(w->fd);
	w->fd = -1;
}
