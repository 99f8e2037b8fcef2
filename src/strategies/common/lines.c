/* lines.c - per-worker cache lines in a shared mapping (see lines.h). */
#include "strategies/common/lines.h"

#include <errno.h>
#include <sys/mman.h>

#include "core/util.h"

int lines_map(struct lines *l, size_t n, size_t size, const char *who)
{
	void *p = mmap(NULL, n * size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return report_errno(who, "mmap", errno);
	l->base = p;
	l->bytes = n * size;
	return 0;
}

void lines_unmap(struct lines *l)
{
	if (l->base)
		(void)munmap(l->base, l->bytes);
	l->base = NULL;
	l->bytes = 0;
}
