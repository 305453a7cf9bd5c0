// SPDX-License-Identifier: GPL-2.0
/*
 * The System.map parser and the KASLR offset probe. Input: System.map
 * text, then optionally a NUL byte and the bytes of a /proc/kcore (its
 * ELF and program headers are read for the kernel's runtime _text).
 * The KASLR offset applied is taken from the input's first 8 bytes, so
 * wrapping addresses get tried too.
 */
#include <assert.h>
#include <errno.h>

#include "fuzz.h"
#include "symbols/ksyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t map_len = nul ? (size_t)(nul - data) : size;
	int map_fd = fuzz_memfd(data, map_len);
	int core_fd = nul ? fuzz_memfd(nul + 1, size - map_len - 1) : -1;
	char map[64], core[64];
	struct ksyms *ks;
	int64_t off = 0, kaslr = 0;
	char buf[256];

	fuzz_fd_path(map_fd, map, sizeof(map));
	if (core_fd >= 0)
		fuzz_fd_path(core_fd, core, sizeof(core));
	memcpy(&kaslr, data, map_len < sizeof(kaslr) ? map_len : sizeof(kaslr));
	ks = ksyms__load_system_map(map, kaslr & ~0xfffLL);
	if (ks) {
		size_t i, n = ksyms__count(ks);

		/* A map of only __pfx_ padding is refused (ENODATA). */
		assert(n > 0);
		assert(ksyms__source(ks) == KSYMS_SYSTEM_MAP);
		for (i = 0; i < n; i++) {
			const struct ksym *s = ksyms__at(ks, i);

			assert(!strcmp(s->module, "kernel"));
			if (i)
				assert(ksyms__at(ks, i - 1)->addr <= s->addr);
			assert(ksyms__find(ks, s->addr));
			ksyms__symdata(ks, s->addr + s->size / 2, buf, sizeof(buf));
		}
		assert(!ksyms__modules_changed(ks));
		ksyms__free(ks);
	}
	/* kallsyms unreadable (/dev/null): the kcore program headers decide. */
	ksyms__kaslr_offset_at(map, "/dev/null", core_fd >= 0 ? core : "/dev/null", &off);
	ksyms__kaslr_offset_at(map, map, "/dev/null", &off);
	close(map_fd);
	if (core_fd >= 0)
		close(core_fd);
	return 0;
}
