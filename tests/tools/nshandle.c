// SPDX-License-Identifier: GPL-2.0
/*
 * nshandle - print the namespace id in the nsfs file handle of a
 * namespace file (name_to_handle_at(2), 6.18+): what the test of a
 * namespace held only by a descriptor compares with the namespace's
 * cookie before relying on the exporter's handle check.
 *
 *   nshandle PATH        (e.g. /proc/self/ns/net, /proc/PID/fd/N)
 *
 * Exits 77 when the kernel gives no nsfs handle (the test then skips).
 */
#define TOOL_NAME "nshandle"
#include "tool.h"
#include <fcntl.h>

#ifndef FILEID_NSFS
#define FILEID_NSFS 0xf1
#endif

int main(int argc, char **argv)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 64];
	} h = { .fh.handle_bytes = 64 };
	unsigned long long id;
	int mnt;

	if (argc != 2) {
		fprintf(stderr, "usage: nshandle PATH\n");
		return 2;
	}
	if (name_to_handle_at(AT_FDCWD, argv[1], &h.fh, &mnt, AT_SYMLINK_FOLLOW)) {
		if (errno == EOPNOTSUPP)
			return 77;
		perror("nshandle: name_to_handle_at");
		return 1;
	}
	if (h.fh.handle_type != FILEID_NSFS || h.fh.handle_bytes < sizeof(id))
		return 77;
	memcpy(&id, h.fh.f_handle, sizeof(id));
	printf("%llu\n", id);
	return 0;
}
