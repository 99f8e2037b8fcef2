/* safefile.c - see safefile.h. */
#include "core/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/guardian.h"
#include "core/util.h"

/* openat2(2) has no glibc wrapper in glibc 2.36. */
static int open_resolved(int dirfd, const char *path, int flags, unsigned mode)
{
	struct open_how how = {
		.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	/* Before Linux 5.6: O_NOFOLLOW guards the last component only. */
	if (fd == -1 && errno == ENOSYS)
		fd = openat(dirfd, path, flags | O_CLOEXEC | O_NOFOLLOW, mode);
	return fd == -1 ? -errno : (int)fd;
}

/*
 * Split path into its directory (opened O_PATH, never through a symlink)
 * and its last component *base. Returns the directory's descriptor or a
 * negative errno.
 */
static int open_dir(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	*base = slash ? slash + 1 : path;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return open_resolved(AT_FDCWD, dir, O_PATH | O_DIRECTORY, 0);
}

static const char *dir_words(const char *path, int err, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	int n = slash ? (int)(slash - path) : 1;
	const char *d = !slash ? "." : slash == path ? "/" : path;

	if (slash == path)
		n = 1;
	switch (err) {
	case ENOENT:
		snprintf(buf, len, "directory '%.*s' does not exist", n, d);
		break;
	case ENOTDIR:
		snprintf(buf, len, "'%.*s' is not a directory", n, d);
		break;
	case ELOOP:
	case EXDEV:
		snprintf(buf, len,
			 "'%.*s' has a symbolic link in it; racelab never "
			 "writes through one (give the real path)",
			 n, d);
		break;
	default:
		snprintf(buf, len, "directory '%.*s': %s", n, d, strerror(err));
	}
	return buf;
}

const char *safefile_refuse(const char *path, char *buf, size_t len)
{
	const char *base;
	struct stat st;
	int dfd;

	if (!*path)
		return "needs a file name";
	if (strlen(path) >= PATH_MAX)
		return "is too long a path";
	dfd = open_dir(path, &base);
	if (dfd < 0)
		return dir_words(path, -dfd, buf, len);
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		(void)close(dfd);
		return "names a directory, not a file";
	}
	if (strlen(base) > NAME_MAX - 16) {
		(void)close(dfd);
		return "has too long a file name";
	}
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		(void)close(dfd);
		if (S_ISLNK(st.st_mode))
			return "is a symbolic link; racelab never writes "
			       "through one";
		if (S_ISDIR(st.st_mode))
			return "is a directory";
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			return "is a device; racelab writes only regular "
			       "files";
		if (!S_ISREG(st.st_mode))
			return "is not a regular file (a FIFO or a socket)";
		return NULL;
	}
	if (errno != ENOENT) {
		snprintf(buf, len, "%s", strerror(errno));
		(void)close(dfd);
		return buf;
	}
	/* Root may write anywhere; faccessat says so too. */
	if (faccessat(dfd, "", W_OK, AT_EMPTY_PATH) != 0 && errno == EACCES) {
		(void)close(dfd);
		snprintf(buf, len, "its directory is not writable");
		return buf;
	}
	(void)close(dfd);
	return NULL;
}

int safefile_create(const char *path, bool temp, unsigned mode, char *made,
		    size_t len, dev_t *dev, ino_t *ino)
{
	const char *base;
	char name[NAME_MAX + 1];
	struct stat st;
	int dfd, fd = -EEXIST;

	dfd = open_dir(path, &base);
	if (dfd < 0)
		return dfd;
	for (int tries = 0; tries < 100 && fd == -EEXIST; tries++) {
		if (temp) {
			uint64_t r = (uint64_t)now_ns() * 2654435761u ^
				     (uint64_t)getpid() << 32 ^ (uint64_t)tries;

			snprintf(name, sizeof(name), "%.*s.tmp-%06llx",
				 NAME_MAX - 16, base,
				 (unsigned long long)(r & 0xffffff));
		} else {
			snprintf(name, sizeof(name), "%s", base);
		}
		fd = open_resolved(dfd, name, O_RDWR | O_CREAT | O_EXCL, mode);
		if (!temp)
			break;
	}
	(void)close(dfd);
	if (fd < 0)
		return fd;
	/* The umask may have cleared bits of mode: give exactly mode. */
	if (fchmod(fd, mode) == -1 || fstat(fd, &st) == -1) {
		int err = errno;

		(void)close(fd);
		return -err;
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	if (made) {
		size_t dirlen = (size_t)(base - path);

		if (dirlen + strlen(name) + 1 > len) {
			(void)close(fd);
			return -ENAMETOOLONG;
		}
		snprintf(made, len, "%.*s%s", (int)dirlen, path, name);
	}
	return fd;
}

int safefile_open_existing(const char *path, int flags)
{
	char self[64];
	struct stat st;
	int pfd, fd;

	/* O_PATH opens nothing: a device's driver is never called. */
	pfd = open_resolved(AT_FDCWD, path, O_PATH | O_NOFOLLOW, 0);
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &st) == -1) {
		int err = errno;

		(void)close(pfd);
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(pfd);
		return S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
	}
	/* Reopen that very inode, whatever happens to the name meanwhile. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, (flags & ~(O_CREAT | O_TRUNC)) | O_CLOEXEC);
	if (fd == -1)
		fd = -errno;
	(void)close(pfd);
	return fd;
}

int safefile_unlink_if(const char *path, dev_t dev, ino_t ino)
{
	const char *base;
	struct stat st;
	int dfd, err = 0;

	dfd = open_dir(path, &base);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (st.st_dev != dev || st.st_ino != ino))
		err = -ESTALE; /* someone else's file now: leave it */
	else if (err == 0 && unlinkat(dfd, base, 0) == -1)
		err = -errno; /* ENOENT if the fstatat failed: gone */
	(void)close(dfd);
	return err;
}

int safeout_open(struct safeout *o, const char *who, const char *path)
{
	int fd;

	o->path = path;
	o->f = NULL;
	fd = guardian_create(path, true, 0600, o->tmp, sizeof(o->tmp));
	if (fd < 0)
		return report_errno(who, path, -fd);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int err = errno;

		(void)close(fd);
		safeout_abort(o);
		return report_errno(who, "fdopen", err);
	}
	return 0;
}

int safeout_commit(struct safeout *o, const char *who)
{
	mode_t mask = umask(0);
	int err = 0;

	(void)umask(mask);
	if (fflush(o->f) == EOF || ferror(o->f))
		err = report_errno(who, o->path, errno ? errno : EIO);
	else if (fchmod(fileno(o->f), 0666 & ~mask) == -1)
		err = report_errno(who, "fchmod", errno);
	if (fclose(o->f) != 0 && !err)
		err = report_errno(who, o->path, errno);
	o->f = NULL;
	/* rename replaces a name, never writes through it. */
	if (!err && rename(o->tmp, o->path) == -1)
		err = report_errno(who, "rename", errno);
	if (err) {
		safeout_abort(o);
		return err;
	}
	guardian_forget_file(o->tmp);
	o->tmp[0] = '\0';
	return 0;
}

void safeout_abort(struct safeout *o)
{
	if (o->f)
		(void)fclose(o->f);
	o->f = NULL;
	if (o->tmp[0]) {
		(void)unlink(o->tmp);
		guardian_forget_file(o->tmp);
	}
	o->tmp[0] = '\0';
}
