// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/sched/types.h>

#include "lib/sched_hint.h"

int sched_hint_slice(uint64_t slice_ns)
{
	struct sched_attr a;
	int nice;

	/* glibc has no wrapper before 2.41: the system calls. */
	memset(&a, 0, sizeof(a));
	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0))
		return -errno;
	if (a.sched_policy != SCHED_NORMAL)
		return -ENOTSUP;
	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	if (errno)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.sched_policy = SCHED_NORMAL;
	a.sched_nice = nice;
	a.sched_runtime = slice_ns;
	if (syscall(SYS_sched_setattr, 0, &a, 0))
		return -errno;
	memset(&a, 0, sizeof(a));
	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0))
		return -errno;
	return a.sched_runtime ? 0 : -ENOTSUP;
}
