// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/caps.h"
#include "lib/escape.h"
#include "symbols/ksyms.h"
#include "symbols/source.h"

static int read_int(const char *path, int *v)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%d", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/*
 * The kernel shows kallsyms addresses (kallsyms_show_value()) when
 * kptr_restrict is 0 and perf_event_paranoid <= 1, or kptr_restrict <= 1
 * and the reader has CAP_SYSLOG; never with kptr_restrict 2.
 */
void symbols_hidden_why(char *buf, size_t len)
{
	int kr = -1, pp = 2;

	read_int("/proc/sys/kernel/kptr_restrict", &kr);
	read_int("/proc/sys/kernel/perf_event_paranoid", &pp);
	if (kr >= 2)
		snprintf(buf, len, "kernel.kptr_restrict=%d hides them even from root", kr);
	else if (!caps_effective(CAP_SYSLOG))
		snprintf(buf, len, "kernel.kptr_restrict=%d and no CAP_SYSLOG", kr);
	else
		snprintf(buf, len, "kernel.kptr_restrict=%d, perf_event_paranoid=%d", kr, pp);
}

/* The advice: what still works and what to do, after the cause. */
#define HIDDEN_HINT                                                                                \
	"counting and reasons still work, locations print as addresses; for names run as "         \
	"root with kernel.kptr_restrict <= 1 (sysctl kernel.kptr_restrict=1), or pass "            \
	"--system-map FILE"

struct ksyms *symbols_load(const struct symbols_opts *o, char *note, size_t len)
{
	char raw[512], map[ESCAPE_MSG_MAX], why[128] = "", kmsg[256] = "";
	struct utsname u;
	struct ksyms *ks;
	int64_t off = o->kaslr_offset;
	const char *path;
	int kerr = 0, err = 0;

	note[0] = '\0';
	if (!o->force_map) {
		ks = ksyms__load_kallsyms(o->kallsyms);
		if (ks)
			return ks;
		kerr = errno;
		if (kerr == EACCES) {
			symbols_hidden_why(why, sizeof(why));
			snprintf(kmsg, sizeof(kmsg),
				 "kernel addresses hidden: /proc/kallsyms shows zeros (%s); ", why);
		} else {
			snprintf(kmsg, sizeof(kmsg), "%s: %s; ",
				 o->kallsyms ? ESC(o->kallsyms) : "/proc/kallsyms",
				 ksyms__strerror(kerr));
		}
	}

	if (o->system_map) {
		path = o->system_map;
	} else {
		uname(&u);
		snprintf(raw, sizeof(raw), "/boot/System.map-%s", u.release);
		path = raw;
	}
	snprintf(map, sizeof(map), "%s", ESC(path)); /* for messages */
	if (!o->have_kaslr) {
		err = ksyms__kaslr_offset(path, &off);
		/* A file that is no System.map is the message, not the offset
		 * that could not be found in it. */
		ks = err ? ksyms__load_system_map(path, 0) : NULL;
		if (ks) {
			ksyms__free(ks);
			snprintf(note, len,
				 "no symbols: %s%s: KASLR offset unknown (%s): pass --kaslr-offset "
				 "HEX%s%s",
				 kmsg, map, ksyms__strerror(-err), kerr == EACCES ? "; " : "",
				 kerr == EACCES ? HIDDEN_HINT : "");
			errno = -err;
			return NULL;
		}
	}
	ks = err ? NULL : ksyms__load_system_map(path, off);
	if (!ks) {
		err = errno;
		if (kerr == EACCES)
			snprintf(note, len, "%s%s (%s: %s)", kmsg, HIDDEN_HINT, map,
				 ksyms__strerror(err));
		else
			snprintf(note, len, "no symbols: %s%s: %s", kmsg, map,
				 ksyms__strerror(err));
		errno = kerr == EACCES ? EACCES : err;
		return NULL;
	}
	snprintf(note, len, "symbols from %s, KASLR offset 0x%llx%s%s%s", map,
		 (unsigned long long)off,
		 kerr == EACCES ? " (/proc/kallsyms hides addresses: " : "",
		 kerr == EACCES ? why : "", kerr == EACCES ? ")" : "");
	return ks;
}

int sym_style_parse(const char *s)
{
	static const char *const names[] = { "name", "data", "addr", "full" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}
