/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where symbols come from: /proc/kallsyms, else a System.map with the
 * KASLR offset found at run time (or given).
 */
#ifndef DROPSCOPE_SYMBOLS_H
#define DROPSCOPE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a kernel location is named (--symbols). */
enum sym_style {
	SYM_NAME, /* symname(): tcp_v4_rcv */
	SYM_DATA, /* symdata(): tcp_v4_rcv+0xaa/0x8d0 [kernel] */
	SYM_ADDR, /* 0xffffffff814a104a */
	SYM_FULL, /* address, symname, symdata */
};
int sym_style_parse(const char *s); /* -1 when unknown */

struct ksyms;

struct symbols_opts {
	const char *kallsyms;	/* NULL = /proc/kallsyms */
	const char *system_map; /* NULL = /boot/System.map-$(uname -r) */
	bool have_kaslr;
	int64_t kaslr_offset;
	bool force_map; /* --system-map given: skip kallsyms */
};

/*
 * Load the best source. On success *note (if not NULL) says which source
 * is in use when it is not /proc/kallsyms, else is empty. On failure
 * returns NULL and *note says why (naming the file and the cause, and,
 * when kallsyms hides addresses, what hides them and what to do); errno
 * is EACCES when hidden addresses are the reason.
 */
struct ksyms *symbols_load(const struct symbols_opts *o, char *note, size_t len);

/*
 * What hides kernel addresses in /proc/kallsyms, for messages:
 * "kernel.kptr_restrict=2 hides them even from root" or
 * "kernel.kptr_restrict=1 and no CAP_SYSLOG".
 */
void symbols_hidden_why(char *buf, size_t len);

#endif /* DROPSCOPE_SYMBOLS_H */
