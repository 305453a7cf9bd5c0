// SPDX-License-Identifier: GPL-2.0
/*
 * The workload resolver's parsers on arbitrary bytes: runtimes' state
 * files (any JSON, or not JSON) through the key-path reader and the
 * containers.json reader, and cgroup paths. Values must stay within their
 * buffers and NUL-terminated; nothing may read past the input.
 */
#include <assert.h>

#include "fuzz.h"
#include "counters/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const name[] = { "Name" };
	static const char *const cri[] = { "annotations", "io.kubernetes.cri.sandbox-name" };
	static const char *const deep[] = { "a", "b", "c" };
	/* An exact-size copy: a read past it is ASan's to find. */
	char *text = malloc(size ? size : 1), *path = malloc(size + 1), out[64], small[4];
	struct wl_cgroup c;

	if (!text || !path)
		abort();
	memcpy(text, data, size);
	if (!workload_json_get(text, size, name, 1, out, sizeof(out)))
		assert(strlen(out) < sizeof(out));
	if (!workload_json_get(text, size, cri, 2, small, sizeof(small)))
		assert(strlen(small) < sizeof(small));
	workload_json_get(text, size, deep, 3, out, sizeof(out));
	if (!workload_storage_name(text, size, "abc", out, sizeof(out)))
		assert(strlen(out) < sizeof(out));
	memcpy(path, data, size);
	path[size] = 0;
	workload_parse_cgroup(path, &c);
	assert(strlen(c.id) < sizeof(c.id) && strlen(c.unit) < sizeof(c.unit) &&
	       strlen(c.pod_uid) < sizeof(c.pod_uid));
	free(text);
	free(path);
	return 0;
}
