/* region.c - the run's private shared region; see region.h. */
#include "core/region.h"

#include <errno.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "core/util.h"

struct region *region_create(unsigned slots, const char *who, bool verbose)
{
	size_t size = sizeof(struct region) + slots * sizeof(struct slot);
	void *p;
	int id;

	id = shmget(IPC_PRIVATE, size, IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1) {
		if (errno == ENOSPC)
			report("harness: shmget: the system's limit on shared "
			       "memory segments (SHMMNI, or SHMALL pages) is "
			       "reached; `ipcs -m -l` shows the limits, `ipcs "
			       "-m` the segments");
		else
			(void)report_errno("harness", "shmget", errno);
		return NULL;
	}
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		(void)report_errno("harness", "shmat", errno);
		(void)shmctl(id, IPC_RMID, NULL);
		return NULL;
	}
	/* From now on the segment lives exactly as long as its mappings. */
	if (shmctl(id, IPC_RMID, NULL) == -1) {
		(void)report_errno("harness", "shmctl IPC_RMID", errno);
		(void)shmdt(p);
		return NULL;
	}
	if (verbose)
		fprintf(stderr,
			"%s: %s: created SysV shared memory id %d (%zu bytes, "
			"IPC_PRIVATE, 0600), already marked for removal\n",
			PROGRAM_NAME, who, id, size);
	return p; /* shmget gives zeroed memory */
}

void region_destroy(struct region *r)
{
	if (r)
		(void)shmdt(r);
}
