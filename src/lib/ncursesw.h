/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ncursesw (and libtinfo, which it needs), loaded when `top` starts rather
 * than linked: only top draws a screen, and linked the two cost every
 * command ~250 kB of resident memory and their relocations at exec
 * (summary mode's peak RSS target is the floor loader's + 1 MB).
 * The static build links them in and fills the same table.
 */
#ifndef DROPSCOPE_NCURSESW_H
#define DROPSCOPE_NCURSESW_H

#include <stddef.h>
#include <curses.h>
#include <term.h>

/*
 * The functions top calls, as ncurses declares them, and the addresses of
 * the library's variables (read through them: newterm and resizes change
 * them). Members are named after the functions, never after the macros
 * <curses.h> defines (erase, getch, refresh, ...).
 */
struct curses_api {
	void *handle; /* NULL when linked in */
	__typeof__(setupterm) *setupterm;
	__typeof__(del_curterm) *del_curterm;
	__typeof__(newterm) *newterm;
	__typeof__(delscreen) *delscreen;
	__typeof__(endwin) *endwin;
	__typeof__(cbreak) *cbreak;
	__typeof__(noecho) *noecho;
	__typeof__(keypad) *keypad;
	__typeof__(nodelay) *nodelay;
	__typeof__(curs_set) *curs_set;
	__typeof__(has_colors) *has_colors;
	__typeof__(start_color) *start_color;
	__typeof__(use_default_colors) *use_default_colors;
	__typeof__(init_pair) *init_pair;
	__typeof__(werase) *werase;
	__typeof__(wmove) *wmove;
	__typeof__(waddnstr) *waddnstr;
	__typeof__(wattr_on) *wattr_on;
	__typeof__(wattr_off) *wattr_off;
	__typeof__(wrefresh) *wrefresh;
	__typeof__(wgetch) *wgetch;
	WINDOW **stdscr_p;
	TERMINAL **cur_term_p;
	int *lines_p;
	int *cols_p;
};

/*
 * Load the library (the soname the build was made against) and its
 * symbols. 0, or -1 with the reason in err ("... (install libncursesw6)").
 */
int curses_load(struct curses_api *api, char *err, size_t errlen);
void curses_unload(struct curses_api *api);

#endif /* DROPSCOPE_NCURSESW_H */
