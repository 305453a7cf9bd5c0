/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - reading a whole fixture (or any text file) for the unit tests.
 */
#ifndef DROPSCOPE_TESTS_FIXTURE_H
#define DROPSCOPE_TESTS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/*
 * The whole of the file at PATH as one NUL-terminated string to free(), or
 * NULL (errno set) when it cannot be opened or read.
 */
static inline char *slurp(const char *path)
{
	char *text = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	if (getdelim(&text, &cap, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

#endif /* DROPSCOPE_TESTS_FIXTURE_H */
