// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/kallsyms parser on arbitrary text, opened by path as the tool
 * opens the real file; the same text also serves as /proc/modules. Then
 * the table's promises are checked: sorted, every symbol found at its own
 * address and by its name, lookups in and between symbols bounded.
 */
#include <assert.h>
#include <errno.h>

#include "fuzz.h"
#include "symbols/ksyms.h"

static void check_table(const struct ksyms *ks)
{
	char buf[256];
	size_t i, n = ksyms__count(ks);

	for (i = 0; i < n; i++) {
		const struct ksym *s = ksyms__at(ks, i), *f;

		assert(s && s->name && s->module && *s->name && *s->module);
		if (i)
			assert(ksyms__at(ks, i - 1)->addr <= s->addr);
		f = ksyms__find(ks, s->addr);
		assert(f && f->addr == s->addr);
		f = ksyms__by_name(ks, s->name);
		assert(f && !strcmp(f->name, s->name));
		if (s->size) {
			f = ksyms__find(ks, s->addr + s->size - 1);
			assert(f && f->addr == s->addr);
		}
		ksyms__symdata(ks, s->addr + s->size, buf, sizeof(buf));
		ksyms__symname(ks, s->addr - 1, buf, sizeof(buf));
	}
	assert(!ksyms__at(ks, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfd(data, size);
	struct ksyms *ks;
	int64_t off;

	fuzz_fd_path(fd, path, sizeof(path));
	ks = ksyms__load_kallsyms_at(path, path);
	if (ks) {
		/* A table of only __pfx_ padding is refused (ENODATA). */
		assert(ksyms__count(ks) > 0);
		assert(ksyms__source(ks) == KSYMS_KALLSYMS);
		check_table(ks);
		/* Nothing changed the "modules" file since the load. */
		assert(!ksyms__modules_changed(ks));
		ksyms__free(ks);
	} else {
		assert(errno != 0);
	}
	/* The KASLR probe reads the same kind of text (kallsyms head). */
	ksyms__kaslr_offset_at(path, path, "/dev/null", &off);
	close(fd);
	return 0;
}
