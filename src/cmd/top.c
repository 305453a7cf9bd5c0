// SPDX-License-Identifier: GPL-2.0
/*
 * `dropscope top`: a live, sortable view of the same counts the summary
 * prints. The kernel counts by every dimension a key can toggle from the
 * start (location, reason, protocol, device, namespace, task, and the
 * namespace and cgroup a workload is named from); the view
 * folds them to what is shown, so a toggle regroups the whole history
 * at once instead of starting over. Nothing here collects on its own:
 * counts come from counts.c, row text from report.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#ifndef DROPSCOPE_NO_EXPORTER
#include "counters/counters.h"
#include "counters/delta.h"
#endif
#include "trace/drop_table.h"
#include "trace/keys.h"
#include "symbols/ksyms.h"
#include "trace/progwatch.h"
#include "trace/session.h"
#include "render/rows.h"
#include "lib/escape.h"
#include "lib/ncursesw.h"
#include "lib/msg.h"

#define HIST	   60 /* intervals of history per row */
#define FILTER_LEN 64
#define ROW_TEXT   1024

/* What the kernel fills in top mode: every dimension a key toggles (the
 * workload: the namespace and cgroup it is named from). */
#define TOP_DIMS (DIMS_BASE | DIM_DEV | DIM_NETNS | DIM_COMM | DIM_WORKLOAD)

/* The toggles, in the order the header names them. */
static const __u32 toggle_dims[] = { DIM_LOCATION, DIM_REASON, DIM_PROTO,   DIM_DEV,
				     DIM_NETNS,	   DIM_COMM,   DIM_WORKLOAD };

enum sort_by { SORT_RATE, SORT_TOTAL, SORT_NAME };

/* One key as the kernel counts it, with its history. */
struct row {
	struct drop_key key;
	__u64 total;
	__u64 hist[HIST]; /* per interval, hist[tick % HIST] */
	bool used;
	bool gone; /* its object is gone: freed once its history is all zero */
};

/* One line on screen: rows folded by the shown dimensions. */
struct view_row {
	struct drop_key key;
	__u64 total, last;
	__u64 hist[HIST];
	char text[ROW_TEXT];
};

struct top {
	struct monitor *m;
	struct report rep; /* formats row text; never prints */
	struct row *rows;  /* open addressing, nrows slots */
	size_t nrows;
	struct view_row *view;
	size_t nview;
	unsigned long tick;
	__u64 total, last_total;
	__u64 overflow, missed, last_overflow;
	double interval, start;
	__u32 dims; /* shown: DIM_LOCATION plus the toggles */
	enum sort_by sort;
	bool paused, help, editing;
	char filter[FILTER_LEN], edit[FILTER_LEN];
	bool color;
	const struct curses_api *cs; /* ncursesw, loaded when top starts */
	char moved[512];	     /* the kernel's own drop counters that grew since start */
#ifndef DROPSCOPE_NO_EXPORTER
	struct counter_src src;
	bool have_src;
	struct counter_snapshot prev;
#endif
};

/* Line y from the left edge, cut at the screen's width. */
static void put(const struct curses_api *cs, int y, const char *text)
{
	if (cs->wmove(*cs->stdscr_p, y, 0) != ERR)
		cs->waddnstr(*cs->stdscr_p, text, *cs->cols_p);
}

static void attr(const struct curses_api *cs, bool on, attr_t a)
{
	if (on)
		cs->wattr_on(*cs->stdscr_p, a, NULL);
	else
		cs->wattr_off(*cs->stdscr_p, a, NULL);
}

static struct row *row_of(struct top *t, const struct drop_key *k)
{
	size_t i = keys_hash(k) & (t->nrows - 1);

	while (t->rows[i].used && memcmp(&t->rows[i].key, k, sizeof(*k)))
		i = (i + 1) & (t->nrows - 1);
	return &t->rows[i];
}

/* Linear probing without tombstones (as trace/drop_table.c). */
static void row_delete(struct top *t, struct row *r)
{
	size_t mask = t->nrows - 1, i = (size_t)(r - t->rows), j = i;

	for (;;) {
		size_t h;

		t->rows[i].used = false;
		for (;;) {
			j = (j + 1) & mask;
			if (!t->rows[j].used)
				return;
			h = keys_hash(&t->rows[j].key) & mask;
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		t->rows[i] = t->rows[j];
		i = j;
	}
}

/* Rows of gone objects (the kernel freed them) go once out of the history
 * window, or the table would fill on a host whose pods come and go. */
static void free_gone(struct top *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		struct row *r = &t->rows[i];
		bool idle = true;

		if (!r->used || !r->gone)
			continue;
		for (size_t h = 0; h < HIST && idle; h++)
			idle = !r->hist[h];
		if (idle) {
			row_delete(t, r);
			i--; /* a row may have moved into slot i */
		}
	}
}

/* Read what the kernel counted since the last tick into the rows. */
static int poll_counts(struct top *t)
{
	const struct drop_delta *d;
	struct interval_stats st;
	size_t slot = (t->tick + 1) % HIST;
	int n = counts__poll(t->m->counts, &d, &st);

	if (n < 0)
		return n;
	t->tick++;
	for (size_t i = 0; i < t->nrows; i++)
		t->rows[i].hist[slot] = 0;
	t->last_total = 0;
	for (int i = 0; i < n; i++) {
		struct row *r = row_of(t, &d[i].key);

		if (!r->used) {
			r->used = true;
			r->key = d[i].key;
		}
		r->total += d[i].count;
		r->hist[slot] = d[i].count;
		r->gone = d[i].gone;
		t->last_total += d[i].count;
	}
	free_gone(t);
	t->total += t->last_total;
	t->last_overflow = st.overflow;
	t->overflow += st.overflow;
	t->missed += st.missed;
	return 0;
}

#ifndef DROPSCOPE_NO_EXPORTER
static void moved_add(struct top *t, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void moved_add(struct top *t, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= sizeof(t->moved))
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->moved + *len, sizeof(t->moved) - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

/*
 * The counters no tracepoint sees (devices, qdiscs, softnet, SNMP), read by
 * the shared readers each interval: what grew since start goes into the
 * header (prev is the snapshot taken at start).
 */
struct moved_ctx {
	struct top *t;
	size_t len;
};

/* One counter that grew since start, into the header: the same growth
 * diagnose computes (counters/delta.h), root qdiscs only. */
static void moved_one(void *ctx, const struct counter_move *m)
{
	struct moved_ctx *c = ctx;
	const char *sep = c->len ? ", " : "";
	unsigned long long d = (unsigned long long)m->delta;

	switch (m->family) {
	case CF_DEV:
		moved_add(c->t, &c->len, "%s%s %s +%llu", sep, ESC(m->dev), m->name, d);
		break;
	case CF_QDISC:
		if (m->root)
			moved_add(c->t, &c->len, "%s%s qdisc %s drops +%llu", sep,
				  ESC(m->dev ?: "?"), ESC(m->name), d);
		break;
	case CF_SOFTNET:
		moved_add(c->t, &c->len, "%ssoftnet %s +%llu", sep,
			  strcmp(m->name, "dropped") ? m->name : "backlog drops", d);
		break;
	case CF_SNMP:
		moved_add(c->t, &c->len, "%s%s +%llu", sep, m->name, d);
		break;
	case CF_DRV:
		moved_add(c->t, &c->len, "%s%s %s +%llu", sep, ESC(m->dev), ESC(m->name), d);
		break;
	}
}

/*
 * The counters no tracepoint sees (devices, qdiscs, softnet, SNMP), read by
 * the shared readers each interval: what grew since start goes into the
 * header (prev is the snapshot taken at start).
 */
static void sample_counters(struct top *t)
{
	struct counter_snapshot now = {};
	struct moved_ctx c = { .t = t };

	t->moved[0] = 0;
	if (!t->have_src)
		return;
	counters_sample(&t->src, &now);
	counter_moves(&t->prev, &now, moved_one, &c);
	/* The tc programs behind TC_* drops since start (progwatch.h). */
	{
		const struct tc_attr *tc;
		int ntc = progwatch__tc_poll(t->m->pw, &tc);

		for (int i = 0; i < ntc; i++)
			moved_add(t, &c.len, "%stc %s %s: %s +%llu", c.len ? ", " : "",
				  ESC(tc[i].dev), tc[i].egress ? "egress" : "ingress",
				  ESC(tc[i].who), (unsigned long long)tc[i].total);
	}
	/* Growth since start, as the rows' totals: kept still for reading. */
	counter_snapshot_free(&now);
}
#else
static void sample_counters(struct top *t)
{
	t->moved[0] = 0;
}
#endif

static int view_cmp_key(const void *a, const void *b)
{
	return keys_cmp(&((const struct view_row *)a)->key, &((const struct view_row *)b)->key,
			false);
}

/* Class, then the row's text: the order that puts rows shown alike together. */
static int view_cmp_text(const void *a, const void *b)
{
	const struct view_row *x = a, *y = b;

	if (x->key.cls != y->key.cls)
		return x->key.cls < y->key.cls ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Merge the rows of n whose text and class are the same, into *n fewer. */
static void merge_same_text(struct view_row *v, size_t *n)
{
	size_t out = 0;

	qsort(v, *n, sizeof(*v), view_cmp_text);
	for (size_t i = 0; i < *n; i++) {
		if (out && !view_cmp_text(&v[out - 1], &v[i])) {
			v[out - 1].total += v[i].total;
			v[out - 1].last += v[i].last;
			for (int h = 0; h < HIST; h++)
				v[out - 1].hist[h] += v[i].hist[h];
			continue;
		}
		if (out != i)
			v[out] = v[i];
		out++;
	}
	*n = out;
}

static int view_cmp_sort(const void *a, const void *b, void *arg)
{
	const struct view_row *x = a, *y = b;
	enum sort_by sort = *(const enum sort_by *)arg;

	if (sort == SORT_RATE && x->last != y->last)
		return x->last > y->last ? -1 : 1;
	if (sort != SORT_NAME && x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Fold the rows into what is shown, filter and sort them. */
static void build_view(struct top *t)
{
	size_t slot = t->tick % HIST, n = 0, out = 0;
	__u32 *shared = NULL;
	long nshared;

	for (size_t i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (!r->used)
			continue;
		/* Rows of the two classes never merge: the CLASS column
		 * tells them apart. */
		t->view[n].key = keys_mask(&r->key, t->dims | DIM_CLASS);
		t->view[n].total = r->total;
		t->view[n].last = r->hist[slot];
		memcpy(t->view[n].hist, r->hist, sizeof(r->hist));
		n++;
	}
	qsort(t->view, n, sizeof(*t->view), view_cmp_key);
	for (size_t i = 0; i < n; i++) {
		struct view_row *v = &t->view[out - (out ? 1 : 0)];

		if (out && !view_cmp_key(v, &t->view[i])) {
			v->total += t->view[i].total;
			v->last += t->view[i].last;
			for (int h = 0; h < HIST; h++)
				v->hist[h] += t->view[i].hist[h];
			continue;
		}
		t->view[out++] = t->view[i];
	}
	n = out;
	out = 0;
	/* Two namespaces on one inode (one freed, its inode reused) are told
	 * apart by their cookies, as the summary does. */
	if ((t->dims & DIM_NETNS) &&
	    (nshared = report__netns_shared(t->view, n, sizeof(*t->view),
					    offsetof(struct view_row, key), &shared)) > 0) {
		t->rep.netns_shared = shared;
		t->rep.n_netns_shared = (size_t)nshared;
	}
	for (size_t i = 0; i < n; i++) {
		report__key_text(&t->rep, &t->view[i].key, t->dims, t->view[i].text,
				 sizeof(t->view[i].text));
		/* The column says where: "at" would only repeat it. */
		if (!strncmp(t->view[i].text, "at ", 3))
			memmove(t->view[i].text, t->view[i].text + 3, strlen(t->view[i].text) - 2);
		if (t->filter[0] && !strstr(t->view[i].text, t->filter))
			continue;
		if (out != i)
			t->view[out] = t->view[i];
		out++;
	}
	t->rep.netns_shared = NULL;
	t->rep.n_netns_shared = 0;
	free(shared);
	/* A workload is keyed by the namespace and cgroup it is named from:
	 * one container seen through several of them (softirq drops charged
	 * to whatever task they interrupted) is still one line. */
	if (t->dims & DIM_WORKLOAD)
		merge_same_text(t->view, &out);
	qsort_r(t->view, out, sizeof(*t->view), view_cmp_sort, &t->sort);
	t->nview = out;
}

/* The last `width` intervals as a sparkline, newest on the right. */
static void sparkline(const struct top *t, const __u64 *hist, char *buf, int width)
{
	static const char levels[] = " .:-=+*#";
	__u64 max = 0;

	if (width > HIST)
		width = HIST;
	for (int i = 0; i < width; i++) {
		__u64 v = hist[(t->tick + HIST - (width - 1 - i)) % HIST];

		if (v > max)
			max = v;
	}
	for (int i = 0; i < width; i++) {
		__u64 v = hist[(t->tick + HIST - (width - 1 - i)) % HIST];
		int lv = max ? (int)((v * 7 + max - 1) / max) : 0;

		/* Columns older than the first interval have no history. */
		buf[i] = (unsigned long)(width - 1 - i) >= t->tick ? ' ' : levels[lv];
	}
	buf[width] = 0;
}

static const char *sort_name(enum sort_by s)
{
	return s == SORT_RATE ? "rate" : s == SORT_TOTAL ? "total" : "name";
}

static void draw_help(const struct curses_api *cs)
{
	static const char *const help[] = {
		"dropscope top: keys",
		"",
		"  1 / 2 / 3   sort by rate, total, name",
		"  r           group by reason (toggle)",
		"  P           group by protocol (toggle)",
		"  d           group by device (toggle)",
		"  n           group by network namespace (toggle)",
		"  c           group by task (comm) (toggle)",
		"  w           group by workload: pod, container, service (toggle)",
		"  l           group by location (toggle)",
		"  /           filter the shown rows (substring; empty clears)",
		"  s           cycle symbol style (name, data, addr)",
		"  p           pause / resume the display (counting goes on)",
		"  ?           this help (any key closes it)",
		"  q           quit",
	};

	cs->werase(*cs->stdscr_p);
	for (size_t i = 0; i < sizeof(help) / sizeof(help[0]) && (int)i < *cs->lines_p; i++)
		put(cs, (int)i, help[i]);
	cs->wrefresh(*cs->stdscr_p);
}

static void draw(struct top *t)
{
	const struct curses_api *cs = t->cs;
	char line[ROW_TEXT + 128], spark[HIST + 1], group[80];
	int spark_w, y = 0, height = *cs->lines_p, width = *cs->cols_p;

	if (t->help) {
		draw_help(cs);
		return;
	}
	if (!t->paused)
		build_view(t);
	cs->werase(*cs->stdscr_p);
	if (t->color)
		attr(cs, true, COLOR_PAIR(1) | A_BOLD);
	snprintf(line, sizeof(line),
		 "dropscope top - %.0f drops/s, %llu since start  (every %gs%s)",
		 t->last_total / t->interval, (unsigned long long)t->total, t->interval,
		 t->paused ? ", PAUSED" : "");
	put(cs, y++, line);
	if (t->color)
		attr(cs, false, COLOR_PAIR(1) | A_BOLD);
	group[0] = 0;
	for (size_t i = 0; i < sizeof(toggle_dims) / sizeof(toggle_dims[0]); i++)
		if (t->dims & toggle_dims[i])
			snprintf(group + strlen(group), sizeof(group) - strlen(group), "%s%s",
				 group[0] ? "," : "", keys_name(toggle_dims[i]));
	snprintf(line, sizeof(line),
		 "sort: %s  group: %s  filter: %s  not counted: %llu  missed: %llu",
		 sort_name(t->sort), group[0] ? group : "-", t->filter[0] ? t->filter : "-",
		 (unsigned long long)t->overflow, (unsigned long long)t->missed);
	put(cs, y++, line);
	snprintf(line, sizeof(line), "counters since start: %s", t->moved[0] ? t->moved : "-");
	put(cs, y++, line);
	/* The history shrinks first on a narrow terminal. */
	spark_w = width >= 100 ? 30 : width >= 80 ? 16 : width >= 60 ? 8 : 0;
	snprintf(line, sizeof(line), "%9s %11s %-5s %-*s %s", "RATE/s", "TOTAL", "CLASS", spark_w,
		 spark_w ? "HISTORY" : "", "WHERE");
	if (t->color)
		attr(cs, true, A_REVERSE);
	put(cs, y++, line);
	if (t->color)
		attr(cs, false, A_REVERSE);
	for (size_t i = 0; i < t->nview && y < height - 1; i++, y++) {
		const struct view_row *v = &t->view[i];

		sparkline(t, v->hist, spark, spark_w);
		snprintf(line, sizeof(line), "%9.0f %11llu %-5s %-*s %s", v->last / t->interval,
			 (unsigned long long)v->total, classes_name((enum drop_class)v->key.cls),
			 spark_w, spark, v->text);
		put(cs, y, line);
	}
	if (!t->nview && y < height - 1)
		put(cs, y, t->total ? "(no row matches the filter)" : "(no drops yet)");
	if (t->editing) {
		snprintf(line, sizeof(line), "filter: %s", t->edit);
		put(cs, height - 1, line);
	} else {
		put(cs, height - 1,
		    "? help  q quit  1/2/3 sort  r/P/d/n/c/w/l group  / filter  p pause");
	}
	cs->wrefresh(*cs->stdscr_p);
}

static void toggle(struct top *t, __u32 dim)
{
	t->dims ^= dim;
}

/* Returns false when the user asked to quit. */
static bool on_key(struct top *t, int ch)
{
	if (t->help) {
		t->help = false;
		return true;
	}
	if (t->editing) {
		size_t len = strlen(t->edit);

		if (ch == '\n' || ch == KEY_ENTER) {
			memcpy(t->filter, t->edit, sizeof(t->filter));
			t->editing = false;
		} else if (ch == 27) {
			t->editing = false;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len) {
			t->edit[len - 1] = 0;
		} else if (ch >= 0x20 && ch < 0x7f && len < sizeof(t->edit) - 1) {
			t->edit[len] = (char)ch;
			t->edit[len + 1] = 0;
		}
		return true;
	}
	switch (ch) {
	case 'q':
		return false;
	case '1':
		t->sort = SORT_RATE;
		break;
	case '2':
		t->sort = SORT_TOTAL;
		break;
	case '3':
		t->sort = SORT_NAME;
		break;
	case 'r':
		toggle(t, DIM_REASON);
		break;
	case 'P':
		toggle(t, DIM_PROTO);
		break;
	case 'd':
		toggle(t, DIM_DEV);
		break;
	case 'n':
		toggle(t, DIM_NETNS);
		break;
	case 'c':
		toggle(t, DIM_COMM);
		break;
	case 'w':
		toggle(t, DIM_WORKLOAD);
		break;
	case 'l':
		toggle(t, DIM_LOCATION);
		break;
	case 's':
		t->rep.sym = t->rep.sym == SYM_NAME   ? SYM_DATA
			     : t->rep.sym == SYM_DATA ? SYM_ADDR
						      : SYM_NAME;
		break;
	case 'p':
		t->paused = !t->paused;
		break;
	case '?':
		t->help = true;
		break;
	case '/':
		t->editing = true;
		memcpy(t->edit, t->filter, sizeof(t->edit));
		break;
	default:
		break;
	}
	return true;
}

/* curses would exit() on a terminal it cannot drive: ask first. */
static int check_terminal(const struct curses_api *cs)
{
	int err = 0;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		msg_error("top needs a terminal (standard %s is not one); "
			  "for a log use `dropscope -i 1`",
			  isatty(STDOUT_FILENO) ? "input" : "output");
		return 2;
	}
	if (cs->setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		const char *term = getenv("TERM");

		msg_error("top cannot use the terminal (TERM=%s%s)", term ? ESC(term) : "",
			  term ? " is unknown" : " is not set");
		return 2;
	}
	cs->del_curterm(*cs->cur_term_p);
	return 0;
}

/* curses on the terminal behind stdout; *tty is the stream it writes. */
static SCREEN *screen_open(const struct curses_api *cs, FILE **tty)
{
	setlocale(LC_ALL, "");
	/* curses needs a stream with a descriptor; stdout is the watched
	 * stream of output.c (no descriptor of its own). */
	*tty = fdopen(dup(STDOUT_FILENO), "w");
	return *tty ? cs->newterm(NULL, *tty, stdin) : NULL;
}

/* Keys at once, no echo, no cursor; true when the terminal has colours. */
static bool screen_setup(const struct curses_api *cs)
{
	cs->cbreak();
	cs->noecho();
	cs->keypad(*cs->stdscr_p, TRUE);
	cs->nodelay(*cs->stdscr_p, TRUE);
	cs->curs_set(0);
	if (!cs->has_colors() || cs->start_color() != OK)
		return false;
	cs->use_default_colors();
	cs->init_pair(1, COLOR_CYAN, -1);
	return true;
}

int cmd_top(struct config *cfg)
{
	struct loader_opts lopts = {};
	struct top t = { .dims = DIM_LOCATION | DIM_REASON, .interval = cfg->interval };
	struct monitor m = { .sigfd = -1 };
	struct curses_api cs;
	SCREEN *scr = NULL;
	FILE *tty = NULL;
	double next, end;
	char err[256];
	int rc;

	/* --json, --folded and -t the option table refuses for top; of --by's
	 * keys top has only those it can toggle. */
	if (cfg->by & ~TOP_DIMS) {
		msg_error("invalid option '--by': top groups by location, reason, "
			  "proto, dev, netns, comm, workload");
		return 2;
	}
	/* Before the terminal is asked: without the library top can do nothing. */
	if (curses_load(&cs, err, sizeof(err))) {
		msg_error("top: %s", err);
		return 1;
	}
	t.cs = &cs;
	rc = check_terminal(&cs);
	if (rc)
		goto unload;
	if (cfg->by)
		t.dims = cfg->by;
	if (cfg->by_reason)
		t.dims |= DIM_LOCATION | DIM_REASON;
	cfg->by = TOP_DIMS;
#ifndef DROPSCOPE_NO_EXPORTER
	{
		/* The same namespace's counters as the drops top watches, first
		 * read before attaching: "since start" then covers every drop
		 * counted. Without them the header says "-" and top still works. */
		t.have_src = !counter_src_open(&t.src, cfg->netns, err, sizeof(err));
		if (t.have_src)
			counters_sample(&t.src, &t.prev);
	}
#endif
	rc = monitor_start(&m, cfg, &lopts);
	if (rc)
		goto out;
	if (monitor_free_gone(&m)) {
		msg_error("out of memory");
		rc = 1;
		goto out;
	}
	t.m = &m;
	t.nrows = 16;
	while (t.nrows < 2 * (cfg->max_keys ? cfg->max_keys : DEFAULT_MAX_KEYS))
		t.nrows <<= 1;
	t.rows = calloc(t.nrows, sizeof(*t.rows));
	t.view = calloc(t.nrows, sizeof(*t.view));
	if (!t.rows || !t.view) {
		msg_error("out of memory");
		rc = 1;
		goto out;
	}
	t.rep = (struct report){
		.ks = m.ks,
		.rs = m.rs,
		.sym = SYM_NAME,
		.no_reasons = !monitor_has_reasons(&m),
		.cgroups = m.cgroups,
		.workloads = m.workloads,
	};

	scr = screen_open(&cs, &tty);
	if (!scr) {
		msg_error("top cannot start the terminal");
		rc = 2;
		goto out;
	}
	t.color = screen_setup(&cs);
	t.start = mono_now();
	next = t.start + t.interval;
	end = cfg->duration > 0 ? t.start + cfg->duration : 1e300;
	draw(&t);
	for (;;) {
		int ch;

		if (monitor_wait(&m, next < end ? next : end, STDIN_FILENO) || mono_now() >= end)
			break; /* SIGINT, SIGTERM, --duration */
		while ((ch = cs.wgetch(*cs.stdscr_p)) != ERR) {
			if (ch == KEY_RESIZE)
				continue;
			if (!on_key(&t, ch))
				goto quit;
		}
		if (mono_now() >= next) {
			rc = poll_counts(&t);
			if (rc) {
				cs.endwin();
				msg_error("reading counts: %s", strerror(-rc));
				rc = 1;
				goto out;
			}
			sample_counters(&t);
			monitor_refresh_symbols(&m, false);
			t.rep.ks = m.ks;
			next += t.interval;
			if (next < mono_now())
				next = mono_now() + t.interval;
			if (cfg->count && t.tick >= (unsigned long)cfg->count) {
				draw(&t);
				break;
			}
		}
		draw(&t);
	}
quit:
	rc = 0;
out:
	if (scr) {
		cs.endwin();
		cs.delscreen(scr);
	}
	if (tty)
		fclose(tty);
	/* Said after the screen is closed, not over it. */
	if (t.m)
		monitor_objects_said(&m);
	free(t.rows);
	free(t.view);
#ifndef DROPSCOPE_NO_EXPORTER
	counter_snapshot_free(&t.prev);
	if (t.have_src)
		counter_src_close(&t.src);
#endif
	monitor_end(&m);
unload:
	curses_unload(&cs);
	return rc;
}
