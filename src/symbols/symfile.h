/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol files as text: reading /proc/kallsyms, a System.map or
 * /proc/modules with bounds, and parsing their "addr type name [module]"
 * lines in place. What the lines mean is ksyms.c's (the table) and
 * kaslr.c's (the offset); this is the part both read files with. Internal
 * to symbols/.
 */
#ifndef DROPSCOPE_SYMFILE_H
#define DROPSCOPE_SYMFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KALLSYMS_PATH "/proc/kallsyms"

struct sym_line {
	uint64_t addr;
	char type;
	char *name;
	char *module; /* NULL for vmlinux */
};

/*
 * Read a text file of at most limit bytes (0 = KSYMS_MAX_FILE) with few,
 * large read(2) calls. /proc files report size 0, so the buffer grows by
 * doubling; one spare byte keeps the text NUL-terminated for the parser.
 * With `cut`, a longer file is read up to limit (a head is all the caller
 * wants); else it fails with EFBIG. Anything but a regular file or FIFO
 * (a device, a directory) is EINVAL. A NUL byte only spoils its line.
 * Returns the malloc'ed text, or NULL with errno set.
 */
char *symfile_read_limit(const char *path, size_t limit, bool cut, size_t *lenp);

/* The whole file, up to KSYMS_MAX_FILE. */
char *symfile_read(const char *path, size_t *lenp);

/*
 * Parse one "addr type name[\t[module]]" line in place: name and module get
 * NUL-terminated inside the buffer so nothing is copied. The buffer ends in
 * a NUL. Returns the start of the next line; out->name is NULL when the
 * line is malformed, which callers skip rather than give up on the file.
 */
char *symfile_parse_line(char *p, char *end, struct sym_line *out);

typedef int (*symfile_line_fn)(void *arg, const struct sym_line *l);

/*
 * Call fn for every well-formed line of the file at path, reading it in
 * pieces (a table costs the names it keeps, not the size of the file).
 * Bounds and refusals are symfile_read()'s. Returns 0 or -errno (fn's own
 * non-zero return stops the read and is passed on).
 */
int symfile_stream(const char *path, symfile_line_fn fn, void *arg);

#endif /* DROPSCOPE_SYMFILE_H */
