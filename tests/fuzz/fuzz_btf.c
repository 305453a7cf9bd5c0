// SPDX-License-Identifier: GPL-2.0
/*
 * Drop-reason names from BTF, read the way the tool reads them: vmlinux
 * with btf__parse() (what btf__load_vmlinux_btf() does with the sysfs
 * file), module BTFs with btf__parse_split() on top of it. Input byte 0
 * even: the rest is one vmlinux BTF; odd: bytes 1-4 (host order) give the
 * length of the vmlinux BTF, the remainder is a module's split BTF.
 */
#include <assert.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>

#include "fuzz.h"
#include "symbols/reasons.h"

static void check(struct reasons *r)
{
	size_t i, n = reasons__count(r);

	assert(reasons__source(r) == REASONS_BTF);
	for (i = 0; i < n; i++) {
		const char *name;
		uint32_t v, back;

		assert(!reasons__entry(r, i, &v, &name));
		assert(name && *name && reasons__name(r, v) == name);
		assert(!reasons__value(r, name, &back));
	}
	reasons__free(r);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* The bytes as a file, parsed by path (split on base when base is given). */
static struct btf *parse(const uint8_t *data, size_t size, struct btf *base)
{
	int fd = fuzz_memfd(data, size);
	struct btf *btf;
	char path[64];

	fuzz_fd_path(fd, path, sizeof(path));
	btf = base ? btf__parse_split(path, base) : btf__parse(path, NULL);
	close(fd);
	return btf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf *base = NULL, *mod = NULL;
	struct reasons *r;
	uint32_t base_len;

	libbpf_set_print(quiet);
	if (size < 1)
		return 0;
	if (!(data[0] & 1)) {
		base = parse(data + 1, size - 1, NULL);
	} else {
		if (size < 5)
			return 0;
		memcpy(&base_len, data + 1, sizeof(base_len));
		data += 5;
		size -= 5;
		if (base_len > size)
			return 0;
		base = parse(data, base_len, NULL);
		if (base)
			mod = parse(data + base_len, size - base_len, base);
	}
	if (!base)
		return 0;
	r = reasons__from_btf(base, NULL, 0);
	if (r)
		check(r);
	if (mod) {
		const struct btf *extra[] = { mod };

		r = reasons__from_btf(base, extra, 1);
		if (r)
			check(r);
		btf__free(mod);
	}
	btf__free(base);
	return 0;
}
