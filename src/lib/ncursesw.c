// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "lib/ncursesw.h"

/*
 * One table of names and where each address goes, for both builds: the
 * dynamic one looks the names up, the static one takes the linked symbols.
 */
#ifdef DROPSCOPE_LINKED_CURSES
#define SYM(name, member)                                                                          \
	{                                                                                          \
#name, offsetof(struct curses_api, member), (void *)&name                          \
	}
#else
#define SYM(name, member)                                                                          \
	{                                                                                          \
#name, offsetof(struct curses_api, member)                                         \
	}
#endif

static const struct {
	const char *name;
	size_t off;
#ifdef DROPSCOPE_LINKED_CURSES
	void *addr;
#endif
} syms[] = {
	SYM(setupterm, setupterm),
	SYM(del_curterm, del_curterm),
	SYM(newterm, newterm),
	SYM(delscreen, delscreen),
	SYM(endwin, endwin),
	SYM(cbreak, cbreak),
	SYM(noecho, noecho),
	SYM(keypad, keypad),
	SYM(nodelay, nodelay),
	SYM(curs_set, curs_set),
	SYM(has_colors, has_colors),
	SYM(start_color, start_color),
	SYM(use_default_colors, use_default_colors),
	SYM(init_pair, init_pair),
	SYM(werase, werase),
	SYM(wmove, wmove),
	SYM(waddnstr, waddnstr),
	SYM(wattr_on, wattr_on),
	SYM(wattr_off, wattr_off),
	SYM(wrefresh, wrefresh),
	SYM(wgetch, wgetch),
	/* Variables: dlsym gives their addresses. */
	SYM(stdscr, stdscr_p),
	SYM(cur_term, cur_term_p),
	SYM(LINES, lines_p),
	SYM(COLS, cols_p),
};
#undef SYM

#ifdef DROPSCOPE_LINKED_CURSES
int curses_load(struct curses_api *api, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	memset(api, 0, sizeof(*api));
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		memcpy((char *)api + syms[i].off, &syms[i].addr, sizeof(void *));
	return 0;
}

void curses_unload(struct curses_api *api)
{
	memset(api, 0, sizeof(*api));
}
#else
#include <dlfcn.h>

/* Debian's libncursesw6 (it depends on libtinfo6, where setupterm and
 * cur_term live: dlsym on this handle searches its dependencies too). */
#define CURSES_SONAME "libncursesw.so.6"

int curses_load(struct curses_api *api, char *err, size_t errlen)
{
	memset(api, 0, sizeof(*api));
	/* Never unmapped, not even by curses_unload(): after delscreen()
	 * ncurses still holds the terminal's description from its own
	 * globals; unmapped, those would read as leaks (LeakSanitizer), and
	 * top ends with the process anyway. */
	api->handle = dlopen(CURSES_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!api->handle) {
		snprintf(err, errlen, "cannot load %s: %s (install libncursesw6)", CURSES_SONAME,
			 dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *p = dlsym(api->handle, syms[i].name);

		if (!p) {
			snprintf(err, errlen, "%s has no %s (install libncursesw6)", CURSES_SONAME,
				 syms[i].name);
			curses_unload(api);
			return -1;
		}
		memcpy((char *)api + syms[i].off, &p, sizeof(p));
	}
	return 0;
}

void curses_unload(struct curses_api *api)
{
	if (api->handle)
		dlclose(api->handle);
	memset(api, 0, sizeof(*api));
}
#endif /* DROPSCOPE_LINKED_CURSES */
