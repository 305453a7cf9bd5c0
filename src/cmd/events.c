// SPDX-License-Identifier: GPL-2.0
/*
 * Events mode: one line (or JSON object, or pcapng packet) per dropped
 * packet, read from the BPF ring buffer. Every drop the program saw ends
 * up in exactly one of: printed, filtered by the pcap expression, held
 * back by --rate, lost (ring buffer full) — and the totals say so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cmd/commands.h"
#include "counters/workload.h"
#include "trace/drop_table.h"
#include "trace/evbatch.h"
#include "trace/evring.h"
#include "lib/escape.h"
#include "lib/json.h"
#include "render/naming.h"
#include "symbols/ksyms.h"
#include "trace/session.h"
#include "lib/newfile.h"
#include "lib/stdout.h"
#include "trace/packet.h"
#include "render/pcapng.h"
#include "trace/pcap_filter.h"
#include "trace/progwatch.h"
#include "symbols/reasons.h"
#include "render/rows.h"
#include "trace/stacks.h"
#include "lib/msg.h"
#include "trace/wallclock.h"

#define MAX_IFACES	  256
#define LOC_CACHE	  64 /* a flood hits few locations: format each once */
#define PCAP_ERRBUF_SIZE_ 512
#define EVENT_FRAMES	  8 /* --stacks: frames shown per event */
#define LINE_RING	  4096
/*
 * The events ring: ~35 ms of a 1.5M drops/s flood (~170 bytes an event),
 * for the moments the reader is not running (another task on its CPU, a
 * wakeup that comes late); at 4 MiB a shared machine's 10-30 ms stalls
 * lost events. Mapped once (trace/evring.h), it costs its size in
 * resident memory: what the 4 MiB ring mapped twice did.
 */
#define EVENTS_RING_BYTES (8u << 20)
#define LINE_MAX_	  1024 /* a text line put together by hand (struct line) */
/* What of an event its text line's tail depends on: its header after the
 * time, and the packet bytes (a --snaplen at most). */
#define TAIL_KEY_FROM offsetof(struct drop_event, location)
#define TAIL_KEY_MAX  (offsetof(struct drop_event, data) - TAIL_KEY_FROM + MAX_SNAPLEN + ETH_HLEN_)

struct iface {
	__u32 netns;
	__u32 ifindex;
	char name[16];
	int id;
};

struct loc_slot {
	__u64 addr;
	unsigned gen; /* monitor's ks_gen when filled; 0 = empty */
	const struct ksym *sym;
	char text[NAMING_LOCATION_LEN];
	/* The last reason and family seen here and what they name: a flood
	 * repeats one (location, reason), and working out the class (a
	 * symbol lookup and a walk of the class table's strings) and the
	 * reason's escaped name per event cost the reader a fifth of its
	 * time. */
	bool have_reason;
	const struct reasons *rs; /* the names it was worked out with */
	__u32 reason;
	__u16 family;
	enum drop_class cls;
	const char *reason_name; /* reason's text: rbuf or the names table */
	char rbuf[32];
	char reason_esc[ESCAPED_SIZE(64)];
};

struct ev_ctx {
	const struct config *cfg;
	struct monitor *m;
	FILE *out; /* NULL when the pcapng goes to stdout */
	struct pcapng *pc;
	struct pktfilter *filter;
	struct wallclock clock; /* event time to wall-clock time, re-read per batch */
	__u64 handled;		/* formatted for output: printed once written */
	/* --stacks puts several lines under an event: where each of the last
	 * LINE_RING events ended, in lines, to tell from the lines written
	 * how many events were written whole. More than the stdio buffer can
	 * hold back, so the answer is always in the ring. */
	__u64 lines_handled;
	__u64 line_end[LINE_RING];
	__u64 expr_filtered, malformed, limit;
	__u64 class_filtered; /* events of the class --class hides */
	struct iface ifaces[MAX_IFACES];
	int n_ifaces;
	time_t cached_sec; /* the last second formatted, and its text */
	char cached_hms[16];
	/* The last task and device names printed, raw and escaped: a flood
	 * repeats them, and escaping both per line was a tenth of the
	 * reader's time. */
	char last_comm[16], last_comm_esc[ESCAPED_SIZE(16)];
	char last_dev[16], last_dev_esc[ESCAPED_SIZE(16)];
	bool have_comm, have_dev;
	/*
	 * The last text line's tail (everything after its time) and what it
	 * was made from: a flood repeats one drop, whose line differs from
	 * the last only in its time. Parsing and formatting the packet and
	 * the numbers again per event was most of the reader's time, and a
	 * reader that falls behind loses events. Valid while the symbols and
	 * reason names it was made with are (ks_gen, rs).
	 */
	struct {
		size_t key_len, len; /* len 0: nothing cached */
		unsigned gen;
		const struct reasons *rs;
		unsigned char key[TAIL_KEY_MAX];
		char text[LINE_MAX_];
	} tail;
	int write_err;
	bool done;	 /* -c reached */
	bool sym_missed; /* a location had no symbol this interval */
	struct loc_slot locs[LOC_CACHE];
};

static int iface_id(struct ev_ctx *x, const struct drop_event *e)
{
	struct iface *f;

	for (int i = 0; i < x->n_ifaces; i++) {
		f = &x->ifaces[i];
		if (f->netns == e->netns && f->ifindex == e->ifindex &&
		    !strncmp(f->name, e->ifname, sizeof(f->name)))
			return f->id;
	}
	/* Past the table's size, packets share the last interface rather
	 * than growing the file's interface list without bound. */
	if (x->n_ifaces == MAX_IFACES)
		return x->ifaces[MAX_IFACES - 1].id;
	f = &x->ifaces[x->n_ifaces];
	f->netns = e->netns;
	f->ifindex = e->ifindex;
	memcpy(f->name, e->ifname, sizeof(f->name));
	f->name[sizeof(f->name) - 1] = 0;
	f->id = pcapng__add_interface(x->pc, f->name[0] ? ESC(f->name) : "-", x->cfg->snaplen);
	if (f->id < 0)
		return f->id;
	x->n_ifaces++;
	return f->id;
}

static void location_text(const struct ev_ctx *x, __u64 addr, char *buf, size_t len)
{
	/* Events default to symdata without the "[kernel]" every core
	 * location would carry; modules keep theirs. */
	if (x->cfg->sym == SYM_DATA && !x->cfg->sym_set)
		naming_frame(x->m->ks, addr, buf, len);
	else
		naming_location(x->m->ks, x->cfg->sym, addr, buf, len);
}

static const char *reason_text(const struct ev_ctx *x, __u32 reason, char *buf, size_t len);

/* The symbol and text of a location, from a small cache keyed by address. */
static struct loc_slot *location(struct ev_ctx *x, __u64 addr)
{
	struct loc_slot *l = &x->locs[(addr ^ addr >> 7) % LOC_CACHE];
	unsigned gen = x->m->ks_gen + 1; /* never 0, the empty mark */

	if (l->gen != gen || l->addr != addr) {
		l->addr = addr;
		l->gen = gen;
		l->sym = ksyms__find(x->m->ks, addr);
		location_text(x, addr, l->text, sizeof(l->text));
		l->have_reason = false;
	}
	return l;
}

/* The class and reason names of an event at location slot l, cached in it
 * (refilled with the slot when the symbols are reloaded). */
static void location_reason(struct ev_ctx *x, struct loc_slot *l, const struct drop_event *e)
{
	if (l->have_reason && l->reason == e->reason && l->family == e->family && l->rs == x->m->rs)
		return;
	l->rs = x->m->rs;
	l->reason = e->reason;
	l->family = e->family;
	l->reason_name = reason_text(x, e->reason, l->rbuf, sizeof(l->rbuf));
	escape_str(l->reason_esc, sizeof(l->reason_esc), l->reason_name);
	l->cls = classes_of(x->m->rs, x->m->ks, e->reason, e->location, e->family);
	l->have_reason = true;
}

static const char *reason_text(const struct ev_ctx *x, __u32 reason, char *buf, size_t len)
{
	return naming_reason(x->m->rs, monitor_has_reasons(x->m), reason, buf, len);
}

/* "HH:MM:SS" of sec, local time; localtime_r per event would dominate a
 * flood's cost: once a second. */
static const char *hms(struct ev_ctx *x, time_t sec)
{
	struct tm tm;

	if (sec != x->cached_sec) {
		localtime_r(&sec, &tm);
		strftime(x->cached_hms, sizeof(x->cached_hms), "%H:%M:%S", &tm);
		x->cached_sec = sec;
	}
	return x->cached_hms;
}

static void time_text(struct ev_ctx *x, __s64 wall_ns, char *buf, size_t len)
{
	snprintf(buf, len, "%s.%06lld", hms(x, wall_ns / 1000000000LL),
		 (long long)(wall_ns % 1000000000LL) / 1000);
}

/*
 * A text line put together by hand: at a flood's rate, printf's format
 * parsing was half of what the reader spent per event, and a reader that
 * falls behind loses events. Too long a line sets `over`, and the caller
 * prints it with printf instead.
 */
struct line {
	char *p;
	size_t n, cap;
	bool over;
};

static void put_mem(struct line *l, const char *s, size_t k)
{
	if (l->over || k >= l->cap - l->n) {
		l->over = true;
		return;
	}
	memcpy(l->p + l->n, s, k);
	l->n += k;
}

static void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

/* v in decimal, zero-padded to width digits (at most 20). */
static void put_u64(struct line *l, unsigned long long v, int width)
{
	char d[20];
	int i = sizeof(d);

	/* Written from the end: no reversal, one pass. */
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	while (i > 0 && (int)sizeof(d) - i < width)
		d[--i] = '0';
	put_mem(l, d + i, sizeof(d) - (size_t)i);
}

/* The escaped form of a fixed-size name field that may lack its NUL. */
static char *escape_name(char *buf, size_t len, const char *field, size_t size)
{
	char copy[64];

	if (size >= sizeof(copy))
		size = sizeof(copy) - 1;
	memcpy(copy, field, size);
	copy[size] = 0;
	return escape_str(buf, len, copy);
}

/* What every output of one event needs, worked out once per event. */
struct ev_view {
	const struct drop_event *e;
	struct pkt_info p; /* once parsed (view_packet()) */
	bool parsed;
	__s64 wall_ns;
	const struct ksym *sym; /* NULL: no symbol for the location */
	const char *reason;	/* its name, raw */
	const char *reason_esc; /* and escaped */
	enum drop_class cls;
	const char *loc;
	const __u64 *frames; /* --stacks: from the location down, NULL: none */
	size_t n_frames;     /* at most EVENT_FRAMES */
	bool stacks;	     /* --stacks is on (a stack may still be unavailable) */
	/* --by workload: its name, else NULL (its values escaped where it was
	 * made: printed as it is in text, JSON and pcapng) */
	const char *workload;
	/* A TC_INGRESS/TC_EGRESS drop: the program on its hook, else NULL */
	const struct tc_attr *tc;
};

/* The packet's decoded headers, parsed when an output first needs them. */
static const struct pkt_info *view_packet(struct ev_view *v)
{
	if (!v->parsed) {
		packet__parse(v->e->data, v->e->caplen, v->e->len, &v->p);
		v->parsed = true;
	}
	return &v->p;
}

static void print_text_stack(struct ev_ctx *x, const struct ev_view *v)
{
	char frame[NAMING_FRAME_LEN];

	if (v->e->stack_id == STACK_NOT_UNWOUND)
		fputs("    [not unwound]\n", x->out);
	else if (!v->n_frames)
		fputs("    [stack unavailable]\n", x->out);
	for (size_t i = 0; i < v->n_frames; i++) {
		naming_frame(x->m->ks, v->frames[i], frame, sizeof(frame));
		fprintf(x->out, "    %s\n", frame);
	}
}

/* print_text()'s line through printf: for what put_*() has no room for. */
static void print_text_printf(struct ev_ctx *x, const struct ev_view *v, const char *pkt)
{
	const struct drop_event *e = v->e;
	char ts[32], who[ESCAPED_SIZE(16) + 12];
	char comm[ESCAPED_SIZE(16)], dev[ESCAPED_SIZE(16)], reason[ESCAPED_SIZE(64)];

	time_text(x, v->wall_ns, ts, sizeof(ts));
	if (e->pid)
		snprintf(who, sizeof(who), "%s/%u", escape_name(comm, sizeof(comm), e->comm, 16),
			 e->pid);
	else
		snprintf(who, sizeof(who), "-");
	fprintf(x->out, "%s cpu%u %s netns %u %s %s len %u%s %s %s%s%s", ts, e->cpu, who, e->netns,
		naming_device(e->ifname, dev, sizeof(dev)), pkt, e->len,
		e->flags & EV_NONLINEAR ? " (nonlinear)" : "",
		escape_str(reason, sizeof(reason), v->reason), v->loc, v->workload ? " " : "",
		v->workload ? v->workload : "");
	if (v->tc) {
		fputs(" by tc program ", x->out);
		escape_fputs(v->tc->who, x->out);
	}
	fputc('\n', x->out);
}

/* The tail cache's key of an event: NULL when its line is not to be
 * cached (a --by workload name, which can change under the same key). */
static const void *tail_key(const struct ev_view *v, size_t *len)
{
	const struct drop_event *e = v->e;

	_Static_assert(offsetof(struct drop_event, ts_ns) == 0 &&
			       offsetof(struct drop_event, location) == sizeof(e->ts_ns),
		       "the tail's key is the whole header but the time");
	*len = offsetof(struct drop_event, data) - TAIL_KEY_FROM + e->caplen;
	if (v->workload || v->tc || *len > TAIL_KEY_MAX)
		return NULL;
	return (const unsigned char *)e + TAIL_KEY_FROM;
}

static bool tail_hit(const struct ev_ctx *x, const void *key, size_t len)
{
	return key && x->tail.len && x->tail.key_len == len && x->tail.gen == x->m->ks_gen &&
	       x->tail.rs == x->m->rs && !memcmp(x->tail.key, key, len);
}

static void print_text(struct ev_ctx *x, struct ev_view *v)
{
	const struct drop_event *e = v->e;
	char pkt[PKT_FORMAT_MAX], buf[LINE_MAX_];
	struct line l = { .p = buf, .cap = sizeof(buf) };
	size_t key_len, head;
	const void *key = tail_key(v, &key_len);

	if (v->wall_ns < 0) {
		l.over = true;
	} else {
		put_str(&l, hms(x, v->wall_ns / 1000000000LL));
		put_mem(&l, ".", 1);
		put_u64(&l, (unsigned long long)(v->wall_ns % 1000000000LL) / 1000, 6);
	}
	head = l.n;
	if (!l.over && tail_hit(x, key, key_len)) {
		put_mem(&l, x->tail.text, x->tail.len);
		if (!l.over) {
			fwrite_unlocked(buf, 1, l.n, x->out);
			if (v->stacks)
				print_text_stack(x, v);
			return;
		}
	}
	packet__format(view_packet(v), pkt, sizeof(pkt));
	put_mem(&l, " cpu", 4);
	put_u64(&l, e->cpu, 0);
	put_mem(&l, " ", 1);
	/* Softirq work runs on whatever task it interrupted; pid 0 is idle.
	 * Any user can name a task "x\n\x1b[31m": names are escaped. */
	if (e->pid) {
		if (!x->have_comm || memcmp(x->last_comm, e->comm, sizeof(x->last_comm))) {
			memcpy(x->last_comm, e->comm, sizeof(x->last_comm));
			escape_name(x->last_comm_esc, sizeof(x->last_comm_esc), e->comm, 16);
			x->have_comm = true;
		}
		put_str(&l, x->last_comm_esc);
		put_mem(&l, "/", 1);
		put_u64(&l, e->pid, 0);
	} else {
		put_mem(&l, "-", 1);
	}
	put_mem(&l, " netns ", 7);
	put_u64(&l, e->netns, 0);
	put_mem(&l, " ", 1);
	if (!x->have_dev || memcmp(x->last_dev, e->ifname, sizeof(x->last_dev))) {
		const char *d;

		memcpy(x->last_dev, e->ifname, sizeof(x->last_dev));
		d = naming_device(e->ifname, x->last_dev_esc, sizeof(x->last_dev_esc));
		/* "-" for none is a constant, not written into the buffer. */
		if (d != x->last_dev_esc)
			snprintf(x->last_dev_esc, sizeof(x->last_dev_esc), "%s", d);
		x->have_dev = true;
	}
	put_str(&l, x->last_dev_esc);
	put_mem(&l, " ", 1);
	put_str(&l, pkt);
	put_mem(&l, " len ", 5);
	put_u64(&l, e->len, 0);
	if (e->flags & EV_NONLINEAR)
		put_mem(&l, " (nonlinear)", 12);
	put_mem(&l, " ", 1);
	put_str(&l, v->reason_esc);
	put_mem(&l, " ", 1);
	put_str(&l, v->loc);
	/* As the summary's rows: "pod=NS/NAME container=C" words, or "-". */
	if (v->workload) {
		put_mem(&l, " ", 1);
		put_str(&l, v->workload);
	}
	/* As the summary's tc lines; not cached in the tail (tail_key()):
	 * the hook's program can change under the same event bytes. */
	if (v->tc) {
		char who[ESCAPED_SIZE(sizeof(v->tc->who))];

		put_mem(&l, " by tc program ", 15);
		put_str(&l, escape_str(who, sizeof(who), v->tc->who));
	}
	put_mem(&l, "\n", 1);
	if (l.over) {
		print_text_printf(x, v, pkt);
	} else {
		fwrite_unlocked(buf, 1, l.n, x->out);
		x->tail.len = 0;
		if (key) {
			memcpy(x->tail.key, key, key_len);
			x->tail.key_len = key_len;
			x->tail.gen = x->m->ks_gen;
			x->tail.rs = x->m->rs;
			memcpy(x->tail.text, buf + head, l.n - head);
			x->tail.len = l.n - head;
		}
	}
	if (v->stacks)
		print_text_stack(x, v);
}

static void print_json(struct ev_ctx *x, struct ev_view *v)
{
	const struct drop_event *e = v->e;
	struct json j;

	json_init(&j, x->out);
	json_object_begin(&j, NULL);
	json_numf(&j, "timestamp", "%lld.%09lld", (long long)(v->wall_ns / 1000000000LL),
		  (long long)(v->wall_ns % 1000000000LL));
	json_u64(&j, "cpu", e->cpu);
	json_u64(&j, "pid", e->pid);
	json_str(&j, "comm", e->pid ? e->comm : NULL);
	json_u64(&j, "netns", e->netns);
	json_u64(&j, "netns_cookie", e->netns_cookie);
	json_u64(&j, "ifindex", e->ifindex);
	json_str(&j, "dev", e->ifname[0] ? e->ifname : NULL);
	json_u64(&j, "len", e->len);
	json_u64(&j, "caplen", e->caplen);
	json_bool(&j, "nonlinear", e->flags & EV_NONLINEAR);
	/* As the summary's: a name or null, the number in reason_code. */
	json_str(&j, "reason", reason_name(x->m->rs, e->reason));
	json_u64(&j, "reason_code", e->reason);
	json_str(&j, "class", classes_name(v->cls));
	/* As the summary's JSON rows: the name, unescaped (JSON escapes it). */
	if (v->workload)
		json_str(&j, "workload", v->workload);
	/* As the summary's tc_programs: the id where one program is named. */
	if (v->tc) {
		json_object_begin(&j, "tc_program");
		json_str(&j, "hook", v->tc->egress ? "egress" : "ingress");
		if (v->tc->named_id)
			json_u64(&j, "prog_id", v->tc->named_id);
		else
			json_null(&j, "prog_id");
		json_str(&j, "program", v->tc->who);
		json_object_end(&j);
	}
	json_strf(&j, "address", "0x%llx", (unsigned long long)e->location);
	json_str(&j, "location", v->loc);
	report__json_symbol(&j, v->sym, e->location);
	packet__json(view_packet(v), &j);
	if (v->stacks) {
		char frame[NAMING_FRAME_LEN];

		/* null: no stack; the budget's skip says so in its own member. */
		json_bool(&j, "stack_not_unwound", e->stack_id == STACK_NOT_UNWOUND);
		if (!v->n_frames)
			json_null(&j, "stack");
		else
			json_array_begin(&j, "stack");
		for (size_t i = 0; i < v->n_frames; i++)
			json_str(&j, NULL,
				 naming_frame(x->m->ks, v->frames[i], frame, sizeof(frame)));
		if (v->n_frames)
			json_array_end(&j);
	}
	json_object_end(&j);
	json_newline(&j);
}

static int write_pcapng(struct ev_ctx *x, const struct ev_view *v)
{
	const struct drop_event *e = v->e;
	char comment[1024 + ESCAPED_SIZE(WORKLOAD_NAME_LEN) + EVENT_FRAMES * NAMING_FRAME_LEN +
		     ESCAPED_SIZE(sizeof(((struct tc_attr *)0)->who)) + 16],
		comm[ESCAPED_SIZE(16)], reason[ESCAPED_SIZE(64)];
	int id = iface_id(x, e);
	size_t len;

	if (id < 0)
		return id;
	/* A comment is text a user reads in Wireshark: escaped as our lines are. */
	len = snprintf(comment, sizeof(comment), "reason=%s location=%s netns=%u comm=%s",
		       escape_str(reason, sizeof(reason), v->reason), v->loc, e->netns,
		       e->pid ? escape_name(comm, sizeof(comm), e->comm, 16) : "-");
	/* Its words are key=value already; none is "workload=-". */
	if (v->workload && len < sizeof(comment))
		len += snprintf(comment + len, sizeof(comment) - len, " %s%s",
				strcmp(v->workload, "-") ? "" : "workload=", v->workload);
	if (v->tc && len < sizeof(comment)) {
		char who[ESCAPED_SIZE(sizeof(v->tc->who))];

		len += snprintf(comment + len, sizeof(comment) - len, " tc_program=\"%s\"",
				escape_str(who, sizeof(who), v->tc->who));
	}
	if (v->stacks && len < sizeof(comment))
		len += snprintf(comment + len, sizeof(comment) - len, " stack=%s",
				v->n_frames			   ? ""
				: e->stack_id == STACK_NOT_UNWOUND ? "not-unwound"
								   : "unavailable");
	/* Frames come from symdata, escaped already. */
	for (size_t i = 0; i < v->n_frames && len < sizeof(comment); i++) {
		char frame[NAMING_FRAME_LEN];

		naming_frame(x->m->ks, v->frames[i], frame, sizeof(frame));
		len += snprintf(comment + len, sizeof(comment) - len, "%s%s", i ? ";" : "", frame);
	}
	return pcapng__write_packet(x->pc, id, v->wall_ns, e->data, e->caplen, e->len, comment);
}

static int handle_event(void *ctx, const void *data, size_t size)
{
	struct ev_ctx *x = ctx;
	const struct drop_event *e = data;
	struct loc_slot *loc;
	struct ev_view v;

	if (x->done)
		return 0;
	/* The record's own length fields are trusted only within its size. */
	if (size < offsetof(struct drop_event, data) ||
	    e->caplen > size - offsetof(struct drop_event, data)) {
		x->malformed++;
		return 0;
	}
	if (x->filter && !pktfilter__match(x->filter, e->data, e->caplen, e->len)) {
		x->expr_filtered++;
		return 0;
	}
	v.e = e;
	v.wall_ns = wallclock__ns(&x->clock, e->ts_ns);
	loc = location(x, e->location);
	v.sym = loc->sym;
	v.loc = loc->text;
	if (!v.sym)
		x->sym_missed = true;
	location_reason(x, loc, e);
	v.reason = loc->reason_name;
	v.reason_esc = loc->reason_esc;
	v.cls = loc->cls;
	if (!classes_shown(x->cfg->classes, v.cls)) {
		x->class_filtered++;
		return 0;
	}
	v.parsed = false;
	/* Named from the namespace and cgroup as the summary's rows are,
	 * through the same cache (a flood of one workload resolves it once). */
	v.workload = NULL;
	if (x->m->workloads) {
		v.workload = workloads__name(x->m->workloads, x->m->cgroups, e->netns,
					     e->netns_cookie, e->cgroup);
	}
	v.tc = progwatch__tc_name(x->m->pw, e->netns, (int)e->ifindex, e->reason);
	v.stacks = x->m->stacks != NULL;
	v.n_frames =
		v.stacks ? stacks__get(x->m->stacks, e->stack_id, e->location, x->m->ks, &v.frames)
			 : 0;
	if (v.n_frames > EVENT_FRAMES)
		v.n_frames = EVENT_FRAMES;
	if (x->pc) {
		int err = write_pcapng(x, &v);

		if (err) {
			x->write_err = err;
			return err; /* stops evring__consume */
		}
	}
	if (x->out) {
		if (x->cfg->json) {
			print_json(x, &v);
			x->lines_handled++;
		} else {
			print_text(x, &v);
			x->lines_handled += 1 + (v.stacks ? (v.n_frames ? v.n_frames : 1) : 0);
		}
		x->line_end[x->handled % LINE_RING] = x->lines_handled;
	}
	x->handled++;
	if (x->limit && x->handled >= x->limit)
		x->done = true;
	return 0;
}

/* One ring record: a CPU's batch of events. */
static int handle_record(void *ctx, void *data, size_t size)
{
	struct ev_ctx *x = ctx;

	return evbatch__each(data, size, handle_event, x, &x->malformed);
}

/*
 * Before each batch: a step of the realtime clock (NTP, a VM resumed) shows
 * in the times of the events after it, and is said, since times on either
 * side of it do not compare.
 */
static void resync_clock(struct ev_ctx *x)
{
	__s64 step = wallclock__sync(&x->clock);

	if (step >= 1000000 || step <= -1000000)
		msg_warn("the realtime clock stepped by %+.6f s; event times from here "
			 "on follow it",
			 step / 1e9);
}

/* Events whose every line reached stdout, of the `lines` lines written. */
static __u64 events_written(const struct ev_ctx *x, __u64 lines)
{
	__u64 lo = x->handled > LINE_RING ? x->handled - LINE_RING : 0, n = x->handled;

	if (lines >= x->lines_handled)
		return x->handled;
	while (n > lo && x->line_end[(n - 1) % LINE_RING] > lines)
		n--;
	return n;
}

static int compile_filter(struct ev_ctx *x)
{
	char err[PCAP_ERRBUF_SIZE_];

	if (!x->cfg->filter_expr)
		return 0;
	x->filter = pktfilter__compile(x->cfg->filter_expr, err, sizeof(err));
	if (!x->filter) {
		msg_error("bad filter expression: %s", err);
		return 2;
	}
	return 0;
}

/* Every drop counted: the ground the event accounting must add up to. The
 * program counts events mode's drops in the CPUs' batch slots and, those
 * no slot took, in STAT_EV_COUNTED; rows in the table are the tc/XDP
 * verdicts' (progverdict.bpf.c), which have no events. */
static __u64 drops_counted(const struct monitor *m, const __u64 *stats)
{
	const struct drop_delta *rows;
	struct interval_stats st;
	__u64 sum, in_slots = 0;
	int n = counts__poll(m->counts, &rows, &st), err;

	err = loader__events_counted(m->loader, &in_slots);
	if (err)
		msg_warn("cannot read the drops counted per CPU: %s", strerror(-err));
	sum = stats[STAT_EV_COUNTED] + in_slots + st.overflow;
	for (int i = 0; i < n; i++)
		sum += rows[i].count;
	return sum;
}

/* The closing line on stderr: every drop counted, accounted for. gone:
 * the reader of our output went away (what was not written is its). */
static void say_accounting(const struct ev_ctx *x, __u64 lines, bool gone)
{
	const struct monitor *m = x->m;
	__u64 st[STAT_MAX], counted, unread, printed;
	char more[224] = "";
	size_t n = 0;

	counts__stat_totals(m->counts, st);
	counted = drops_counted(m, st);
	/* Printed means written to every output: lines that reached stdout,
	 * and packets whose block reached the capture whole (after a write
	 * error, those the file was cut back to). Both are in event order, so
	 * the smaller count is the events that reached both. */
	printed = x->out ? events_written(x, lines) : x->handled;
	if (x->pc && pcapng__packets_written(x->pc) < printed)
		printed = pcapng__packets_written(x->pc);
	if (printed > x->handled)
		printed = x->handled;
	/* Events written but never handled: left in the ring after --count,
	 * or after the reader of our output went away. */
	unread =
		st[STAT_EV_SENT] - x->handled - x->expr_filtered - x->malformed - x->class_filtered;
	if (x->malformed)
		n += snprintf(more + n, sizeof(more) - n, ", %llu malformed",
			      (unsigned long long)x->malformed);
	if (x->class_filtered && n < sizeof(more))
		n += snprintf(more + n, sizeof(more) - n, ", %llu hidden by --class",
			      (unsigned long long)x->class_filtered);
	if (x->handled > printed && n < sizeof(more))
		n += snprintf(more + n, sizeof(more) - n, ", %llu not written (%s)",
			      (unsigned long long)(x->handled - printed),
			      gone ? "the reader went away" : "output error");
	if (unread && n < sizeof(more))
		snprintf(more + n, sizeof(more) - n, ", %llu not read", (unsigned long long)unread);
	msg_info("%llu drops counted: %llu events printed, %llu filtered by expression, "
		 "%llu over --rate, %llu lost%s%s",
		 (unsigned long long)counted, (unsigned long long)printed,
		 (unsigned long long)x->expr_filtered, (unsigned long long)st[STAT_EV_RATE],
		 (unsigned long long)st[STAT_EV_LOST], more,
		 x->done ? " (stopped at --count)" : "");
}

/* Held in memory at most while the monitor finishes starting (see
 * evring__hold_start()): ~80 ms of a 1.3M drops/s flood beyond what the
 * ring holds, given back once printed. */
#define EVENTS_HOLD_BYTES (16u << 20)

struct ring_start {
	struct evring *rb;
	struct ev_ctx *x;
};

/* Attached: the ring is read from now on, by a thread of the reader's
 * until the symbols and names are there (an error here is said below,
 * where the ring is mapped again). */
static void ring_attached(void *arg, struct loader *l)
{
	struct ring_start *s = arg;
	int err;

	s->rb = evring__new(loader__events_fd(l), handle_record, s->x);
	if (s->rb && (err = evring__hold_start(s->rb, EVENTS_HOLD_BYTES)))
		msg_warn("events are not read while starting: %s", strerror(-err));
}

int cmd_events(struct config *cfg)
{
	struct loader_opts lopts = {};
	struct evring *rb = NULL;
	struct ev_ctx x = { .cfg = cfg };
	__u64 st[STAT_MAX], lost_reported = 0, lines0;
	struct monitor m = { .sigfd = -1 };
	double start, next_report, next_flush, end;
	bool stop, gone;
	int rc;

	rc = compile_filter(&x);
	if (rc)
		return rc;
	x.limit = cfg->count > 0 ? (__u64)cfg->count : 0;
	if (cfg->write) {
		x.pc = pcapng__open(cfg->write, cfg->force);
		if (!x.pc) {
			msg_error("-w %s: %s", ESC(cfg->write), outfile_strerror(-errno));
			rc = 1;
			goto out;
		}
	}
	/* With the capture on stdout, lines would corrupt it. */
	x.out = cfg->write && !strcmp(cfg->write, "-") ? NULL : stdout;

	lopts.events = (struct event_opts){ .enabled = true,
					    .only = true,
					    .snaplen = cfg->snaplen,
					    .rate = cfg->rate,
					    .ring_bytes = EVENTS_RING_BYTES };
	struct ring_start rs = { .x = &x };

	rc = monitor_start_then(&m, cfg, &lopts, ring_attached, &rs);
	rb = rs.rb;
	if (rc)
		goto out;
	x.m = &m;
	wallclock__init(&x.clock);
	if (rb) {
		int full;
		size_t held = evring__hold_stop(rb, &full);

		if (cfg->verbose && held)
			msg_info("%zu KiB of events read while starting%s", held >> 10,
				 full ? " (as much as is held: the rest waited in the ring)" : "");
	}
	if (cfg->verbose)
		msg_info(loader__events_batched(m.loader) ? "events batched per CPU, %d KiB a batch"
							  : "events not batched: one ring record "
							    "each (this kernel cannot run "
							    "the flush program on a chosen CPU)",
			 EV_BATCH_BYTES >> 10);
	if (!rb)
		rb = evring__new(loader__events_fd(m.loader), handle_record, &x);
	if (!rb) {
		msg_error("ring buffer: %s", strerror(errno));
		rc = 1;
		goto out;
	}

	lines0 = output_lines();
	start = mono_now();
	next_report = start + cfg->interval;
	next_flush = start + EVENTS_FLUSH_MS / 1e3;
	end = cfg->duration > 0 ? start + cfg->duration : 1e300;
	for (;;) {
		double until = next_report < end ? next_report : end;

		/* The kernel wakes us only for a batch: look anyway this often;
		 * at once while records held at the start wait (the ring's fd
		 * does not say so). */
		if (until > mono_now() + EVENTS_POLL_MS / 1e3)
			until = mono_now() + EVENTS_POLL_MS / 1e3;
		if (evring__has_held(rb))
			until = mono_now();
		stop = monitor_wait(&m, until, evring__fd(rb));

		resync_clock(&x);
		/* A CPU's partial batch goes to the ring after EVENTS_FLUSH_MS
		 * at most: at a low rate, an event is not held for the next. */
		if (mono_now() >= next_flush) {
			loader__events_flush(m.loader);
			next_flush = mono_now() + EVENTS_FLUSH_MS / 1e3;
		}
		/* The hook listing events name tc programs from, at most about a
		 * second old as in the summary, not one -i interval (5 s by
		 * default): a program replaced since would be named with
		 * certainty that long. Per batch, not per event: a clock read
		 * per event cost ~8% of a TC_INGRESS flood's reading. */
		progwatch__refresh(m.pw);
		if (evring__consume(rb) < 0 && x.write_err)
			break;
		/* Out per batch: a live reader sees it, a kill loses at most this. */
		if (x.pc && (x.write_err = pcapng__flush(x.pc)))
			break;
		if (x.out && output_failed())
			break;
		if (stop || x.done || mono_now() >= end)
			break;
		if (mono_now() >= next_report) {
			monitor_refresh_symbols(&m, x.sym_missed);
			x.sym_missed = false;
			/* Loss is said when it happens, not only at the end. */
			counts__stat_totals(m.counts, st);
			if (st[STAT_EV_LOST] > lost_reported) {
				msg_info("%llu events lost (ring buffer full)",
					 (unsigned long long)(st[STAT_EV_LOST] - lost_reported));
				lost_reported = st[STAT_EV_LOST];
			}
			next_report += cfg->interval;
		}
	}

	/* Detach, then drain: every event the program wrote gets handled,
	 * the CPUs' partial batches too. A CPU caught mid-append (a run that
	 * began before the detach) is asked again. */
	loader__detach(m.loader);
	for (int i = 0; i < 100; i++) {
		rc = loader__events_flush(m.loader);
		if (rc < 0)
			msg_warn("cannot flush the CPUs' last events: %s", strerror(-rc));
		if (rc <= 0)
			break;
		usleep(1000);
	}
	rc = 0;
	if (!x.write_err && !x.done && !(x.out && output_error())) {
		resync_clock(&x);
		evring__drain(rb);
	}
	if (x.pc && !x.write_err)
		x.write_err = pcapng__flush(x.pc);
	if (x.out)
		output_failed();
	/*
	 * A reader that went away (`| head`, tshark quitting) is how a
	 * pipeline ends: quietly, exit 0, as in summary mode and as tools
	 * killed by SIGPIPE are. Its tally would only say that what came after
	 * was not written; -v still says it. A real write error (a full disk)
	 * is said, with the tally, and is exit 1.
	 */
	gone = x.write_err == -EPIPE || (x.out && output_error() == EPIPE);
	if (!gone || cfg->verbose)
		say_accounting(&x, output_lines() - lines0, gone);
	if (x.write_err && x.write_err != -EPIPE) {
		msg_error("-w %s: %s", ESC(cfg->write), strerror(-x.write_err));
		if (pcapng__cut_error(x.pc))
			msg_error("-w %s: cannot cut the file back to its last whole packet (%s): "
				  "it ends in a partial block",
				  ESC(cfg->write), strerror(-pcapng__cut_error(x.pc)));
		rc = 1;
	}
out:
	evring__free(rb);
	if (x.pc) {
		int err = pcapng__close(x.pc);

		if (err && !rc && err != -EPIPE) {
			msg_error("-w %s: %s", ESC(cfg->write), strerror(-err));
			rc = 1;
		}
	}
	pktfilter__free(x.filter);
	monitor_end(&m);
	return rc;
}
