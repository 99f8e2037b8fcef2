/* region.c - the run's private shared region; see region.h. */
#include "core/guardian.h"
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

	/* Made by the guardian, so a SIGKILL right now leaks nothing. */
	id = guardian_shmget(IPC_PRIVATE, size, 0600);
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
		if (shmctl(id, IPC_RMID, NULL) == 0)
			guardian_forget_shm(id);
		return NULL;
	}
	/* From now on the segment lives exactly as long as its mappings. */
	if (shmctl(id, IPC_RMID, NULL) == -1) {
		(void)report_errno("harness", "shmctl IPC_RMID", errno);
		(void)shmdt(p);
		return NULL;
	}
	guardian_forget_shm(id);
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
