/* lockfile.c - see lockfile.h. */
#include "strategies/common/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/guardian.h"
#include "core/harness.h"
#include "core/safefile.h"
#include "core/util.h"

static int open_named(struct lockfile *lf, const char *who, const char *path)
{
	int fd;

	if (strlen(path) >= sizeof(lf->path)) {
		report("%s: --lock-file %s: path too long", who, path);
		return -ENAMETOOLONG;
	}
	/*
	 * The guardian creates it (O_CREAT | O_EXCL, never through a
	 * symlink), so it is removed whatever ends racelab. An existing file
	 * is used as it is: never truncated, never a device or a FIFO, never
	 * reached through a symlink (safefile.h).
	 */
	fd = guardian_create(path, false, 0600, NULL, 0);
	if (fd >= 0)
		lf->created = true;
	else if (fd == -EEXIST)
		fd = safefile_open_existing(path, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		if (fd == -ELOOP || fd == -EXDEV)
			report("%s: --lock-file %s: is (or passes through) a "
			       "symbolic link; refusing to follow it",
			       who, path);
		else if (fd == -EINVAL)
			report("%s: --lock-file %s: not a regular file", who,
			       path);
		else
			report("%s: --lock-file %s: %s", who, path,
			       strerror(-fd));
		return fd;
	}
	lf->fd = fd;
	lf->open = true;
	snprintf(lf->path, sizeof(lf->path), "%s", path); /* length checked */
	return 0;
}

static int open_temp(struct lockfile *lf, const char *who)
{
	const char *dir = getenv("TMPDIR");
	char tpl[sizeof(lf->path)];

	if (!dir || !*dir)
		dir = "/tmp";
	/*
	 * O_TMPFILE: a file that never has a name, so nothing can be left on
	 * disk whatever ends racelab, SIGKILL included.
	 */
	lf->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (lf->fd >= 0) {
		lf->open = true;
		return 0;
	}
	if (snprintf(tpl, sizeof(tpl), "%s/racelab-%s-XXXXXX", dir, who) >=
	    (int)sizeof(tpl)) {
		report("%s: TMPDIR %s: path too long", who, dir);
		return -ENAMETOOLONG;
	}
	/* No O_TMPFILE here: a fresh name (O_EXCL, mode 0600), unlinked at
	 * once. */
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
	err = run->lock_file ? open_named(lf, who, run->lock_file)
			     : open_temp(lf, who);
	if (!err)
		run_note(run, "lock file %s, descriptor %d",
			 lf->path[0] ? lf->path : "(unlinked temporary file)",
			 lf->fd);
	return err;
}

void lockfile_close(struct lockfile *lf, const struct run *run)
{
	if (lf->created && unlink(lf->path) == -1)
		(void)report_errno(run->strategy->name, "unlink", errno);
	else if (lf->created)
		guardian_forget_file(lf->path);
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
