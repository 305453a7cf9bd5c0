// SPDX-License-Identifier: GPL-2.0
/*
 * The tracefs format parser (events/skb/kfree_skb/format text): the
 * reason field, then __print_symbolic(REC->reason, ...) in the print fmt.
 * A table it builds must hold what reasons.h promises: ascending values,
 * one name per value, every name found again by reasons__value().
 */
#include <assert.h>
#include <errno.h>

#include "fuzz.h"
#include "symbols/reasons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	struct reasons *r = reasons__from_format(text);
	size_t i, n;

	free(text);
	if (!r)
		return 0;
	n = reasons__count(r);
	assert(reasons__source(r) != REASONS_BTF);
	for (i = 0; i < n; i++) {
		const char *name;
		uint32_t v, back;

		assert(!reasons__entry(r, i, &v, &name));
		assert(name && *name);
		assert(reasons__name(r, v) == name);
		if (i) {
			uint32_t prev;

			assert(!reasons__entry(r, i - 1, &prev, NULL));
			assert(prev < v);
		}
		/* Names match case-insensitively: an earlier one may win. */
		assert(!reasons__value(r, name, &back));
	}
	assert(reasons__entry(r, n, NULL, NULL) == -ERANGE);
	reasons__free(r);
	return 0;
}
