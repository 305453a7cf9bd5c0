// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "ksyms.h"
#include "symbols.h"

struct ksyms *symbols_load(const struct symbols_opts *o, char *note, size_t len)
{
	char map[512];
	struct utsname u;
	struct ksyms *ks;
	int64_t off = o->kaslr_offset;
	int kerr = 0, err;

	note[0] = '\0';
	if (!o->force_map) {
		ks = ksyms__load_kallsyms(o->kallsyms);
		if (ks)
			return ks;
		kerr = errno;
	}

	if (o->system_map) {
		snprintf(map, sizeof(map), "%s", o->system_map);
	} else {
		uname(&u);
		snprintf(map, sizeof(map), "/boot/System.map-%s", u.release);
	}
	if (!o->have_kaslr) {
		err = ksyms__kaslr_offset(map, &off);
		if (err) {
			snprintf(note, len,
				 "no symbols: %s%s%s; KASLR offset for %s unknown (%s) -- pass "
				 "--kaslr-offset?",
				 kerr ? "/proc/kallsyms unusable (" : "",
				 kerr ? strerror(kerr) : "", kerr ? ")" : "", map, strerror(-err));
			errno = -err;
			return NULL;
		}
	}
	ks = ksyms__load_system_map(map, off);
	if (!ks) {
		err = errno;
		snprintf(note, len, "no symbols: %s%s%s; %s: %s",
			 kerr ? "/proc/kallsyms unusable (" : "", kerr ? strerror(kerr) : "",
			 kerr ? ")" : "", map, strerror(err));
		errno = err;
		return NULL;
	}
	snprintf(note, len, "symbols from %s, KASLR offset 0x%llx%s", map, (unsigned long long)off,
		 kerr == ENODATA ? " (/proc/kallsyms hides addresses: kptr_restrict)" : "");
	return ks;
}
