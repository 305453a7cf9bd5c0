// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "counters/cgroups.h"
#include "counters/workload.h"
#include "lib/escape.h"
#include "lib/json.h"
#include "trace/classes.h"
#include "trace/keys.h"
#include "symbols/ksyms.h"
#include "trace/packet.h"
#include "symbols/reasons.h"
#include "render/naming.h"
#include "render/rows.h"
#include "trace/stacks.h"

/* One (key, stack) of a report: rows of the interval folded by the
 * dimensions the report shows. */
struct line {
	struct drop_key key;
	__u64 count;
};

/* One printed row: the lines [first, first + n) that share its key (its
 * stacks, most first; n is 1 without --stacks). */
struct group {
	const struct line *first;
	size_t n;
	__u64 count;
	const struct ksym *sym; /* the location's; NULL: no symbol, the address stands in */
};

/* What a report shows: the --by set, or the seed's location (and -r's
 * reason); JSON keeps reason and protocol apart whatever is shown. */
static __u32 shown_dims(const struct report *r)
{
	/* --stacks alone splits the default rows by stack: location stays. */
	__u32 d = r->dims & ~DIM_STACK ? r->dims : r->dims | DIM_LOCATION;

	if (r->by_reason)
		d |= DIM_LOCATION | DIM_REASON;
	if (r->json)
		d |= DIM_REASON | DIM_PROTO | DIM_CLASS;
	if (d & DIM_CALLER)
		d |= DIM_LOCATION;
	if (r->folded)
		d |= DIM_STACK | DIM_LOCATION;
	return d;
}

const char *reason_name(const struct reasons *rs, __u32 reason)
{
	return rs ? reasons__name(rs, reason) : NULL;
}

static int line_cmp(const void *a, const void *b)
{
	return keys_cmp(&((const struct line *)a)->key, &((const struct line *)b)->key, true);
}

/* Most first; ties by stack id, so output is stable. */
static int stack_by_count(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->key.stack_id < y->key.stack_id ? -1 : x->key.stack_id > y->key.stack_id;
}

/* Most drops first; ties by name, then by key, so output is stable. */
static int group_by_count(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	char xa[24], ya[24];
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(naming_symbol(x->sym, x->first->key.location, xa, sizeof(xa)),
		   naming_symbol(y->sym, y->first->key.location, ya, sizeof(ya)));
	if (c)
		return c;
	return keys_cmp(&x->first->key, &y->first->key, false);
}

/*
 * Fold rows into what the report shows: lines per (shown key, stack),
 * grouped per shown key. lines and groups have room for n each.
 */
static size_t fold(const struct report *r, const struct drop_delta *rows, size_t n,
		   struct line *lines, size_t *nlines, struct group *groups)
{
	__u32 dims = shown_dims(r);
	size_t nl = 0, ng = 0, m = 0;

	/* A freed row (its object gone) comes with its last count, maybe 0. */
	for (size_t i = 0; i < n; i++)
		if (rows[i].count)
			lines[m++] = (struct line){ .key = keys_mask(&rows[i].key, dims),
						    .count = rows[i].count };
	n = m;
	qsort(lines, n, sizeof(*lines), line_cmp);
	for (size_t i = 0; i < n; i++) {
		if (nl && !line_cmp(&lines[nl - 1], &lines[i]))
			lines[nl - 1].count += lines[i].count;
		else
			lines[nl++] = lines[i];
	}
	for (size_t i = 0; i < nl; i++) {
		if (ng && !keys_cmp(&groups[ng - 1].first->key, &lines[i].key, false)) {
			groups[ng - 1].n++;
			groups[ng - 1].count += lines[i].count;
			continue;
		}
		groups[ng++] =
			(struct group){ .first = &lines[i], .n = 1, .count = lines[i].count };
	}
	for (size_t i = 0; i < ng; i++) {
		qsort((struct line *)groups[i].first, groups[i].n, sizeof(struct line),
		      stack_by_count);
		if (dims & DIM_LOCATION)
			groups[i].sym = ksyms__find(r->ks, groups[i].first->key.location);
		/* An XDP verdict's location is a program's first byte: a symbol
		 * that merely contains it (a program loaded since the symbols
		 * were read) is another one, so the address stands in. */
		if (groups[i].sym && groups[i].sym->addr != groups[i].first->key.location &&
		    (groups[i].first->key.reason == DS_REASON_XDP_DROP ||
		     groups[i].first->key.reason == DS_REASON_XDP_ABORTED))
			groups[i].sym = NULL;
	}
	qsort(groups, ng, sizeof(*groups), group_by_count);
	*nlines = nl;
	return ng;
}

struct ns_id {
	__u32 inode;
	__u64 cookie;
};

static int ns_id_cmp(const void *a, const void *b)
{
	const struct ns_id *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

long report__netns_shared(const void *rows, size_t n, size_t size, size_t key_off, __u32 **out)
{
	struct ns_id *ids = malloc((n ? n : 1) * sizeof(*ids));
	__u32 *shared = malloc((n ? n : 1) * sizeof(*shared));
	size_t ns = 0;

	*out = NULL;
	if (!ids || !shared) {
		free(ids);
		free(shared);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct drop_key *k =
			(const struct drop_key *)((const char *)rows + i * size + key_off);

		ids[i] = (struct ns_id){ .inode = k->netns, .cookie = k->netns_cookie };
	}
	qsort(ids, n, sizeof(*ids), ns_id_cmp);
	/* Sorted by inode, then cookie: an inode is shared when a run of it
	 * holds two cookies. */
	for (size_t i = 1; i < n; i++)
		if (ids[i].inode == ids[i - 1].inode && ids[i].cookie != ids[i - 1].cookie &&
		    (!ns || shared[ns - 1] != ids[i].inode))
			shared[ns++] = ids[i].inode;
	free(ids);
	if (!ns) {
		free(shared);
		return 0;
	}
	*out = shared;
	return (long)ns;
}

static int u32_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static bool netns_shared(const struct report *r, __u32 inode)
{
	return r->n_netns_shared &&
	       bsearch(&inode, r->netns_shared, r->n_netns_shared, sizeof(inode), u32_cmp);
}

static void print_addr(const struct report *r, __u64 addr, __u32 reason)
{
	char loc[NAMING_LOCATION_LEN];

	fputs(naming_drop_location(r->ks, r->sym, addr, reason, loc, sizeof(loc)), r->out);
}

static void text_reason(const struct report *r, __u32 reason)
{
	char num[NAMING_NUM_LEN];

	fputs(" (", r->out);
	escape_fputs(naming_reason(r->rs, !r->no_reasons, reason, num, sizeof(num)), r->out);
	fputc(')', r->out);
}

/*
 * The dimensions past location and reason, in one fixed order: " dev=x"
 * after a row's text, or "dev=x;" as a folded stack's pseudo-frame.
 */
static void text_dims(const struct report *r, const struct drop_key *k, __u32 dims, bool folded)
{
	const char *lead = folded ? "" : " ", *trail = folded ? ";" : "";

	if (dims & DIM_PROTO) {
		char num[NAMING_NUM_LEN];

		fprintf(r->out, "%sproto=%s%s", lead, naming_proto(k->protocol, num, sizeof(num)),
			trail);
	}
	if (dims & DIM_DEV) {
		fprintf(r->out, "%sdev=", lead);
		escape_fputs_name(k->dev, r->out);
		fputs(trail, r->out);
	}
	if (dims & DIM_NETNS) {
		fprintf(r->out, "%snetns=%u", lead, k->netns);
		if (netns_shared(r, k->netns))
			fprintf(r->out, "/%llu", (unsigned long long)k->netns_cookie);
		fputs(trail, r->out);
	}
	if (dims & DIM_COMM) {
		fprintf(r->out, "%scomm=", lead);
		escape_fputs_name(k->comm, r->out);
		fputs(trail, r->out);
	}
	if (dims & DIM_CLASS)
		fprintf(r->out, "%sclass=%s%s", lead, classes_name((enum drop_class)k->cls), trail);
	/* Already "key=value" words (pod=NS/NAME container=C), their values
	 * escaped where they were made (escape_word()): as they are. */
	if (dims & DIM_WORKLOAD)
		fprintf(r->out, "%s%s%s", lead,
			workloads__name(r->workloads, r->cgroups, k->netns, k->netns_cookie,
					k->cgroup),
			trail);
	if (dims & DIM_CGROUP) {
		const char *path = cgroups__path(r->cgroups, k->cgroup);

		fprintf(r->out, "%scgroup=", lead);
		if (path)
			escape_fputs(path, r->out);
		else
			fprintf(r->out, "%llu", (unsigned long long)k->cgroup);
		fputs(trail, r->out);
	}
}

/* " at CALLER via LOCATION (REASON) dev=x ...": what follows the count. */
static void print_key(const struct report *r, const struct drop_key *k, __u32 dims)
{
	if (dims & DIM_CALLER) {
		fputs(" at ", r->out);
		if (k->caller)
			print_addr(r, k->caller, 0);
		else
			fputs("[caller unknown]", r->out);
		if (k->caller != k->location) {
			fputs(" via ", r->out);
			print_addr(r, k->location, k->reason);
		}
	} else if (dims & DIM_LOCATION) {
		fputs(" at ", r->out);
		print_addr(r, k->location, k->reason);
	}
	if (dims & DIM_REASON)
		text_reason(r, k->reason);
	text_dims(r, k, dims, false);
}

void report__key_text(const struct report *r, const struct drop_key *k, __u32 dims, char *buf,
		      size_t len)
{
	struct report sub = *r;
	FILE *f;

	buf[0] = 0;
	f = fmemopen(buf, len, "w");
	if (!f)
		return;
	/* A row cut at len - 1 bytes is still a string: fmemopen ends it. */
	setvbuf(f, NULL, _IONBF, 0);
	sub.out = f;
	print_key(&sub, k, dims);
	fclose(f);
	/* Skip the space that separates the text from a count. */
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}

/*
 * The drops of a group whose stack was not unwound (over --stack-budget):
 * one line of the group at most, since they share the group's key and
 * the one stack id.
 */
static __u64 not_unwound(const struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->first[i].key.stack_id == STACK_NOT_UNWOUND)
			return g->first[i].count;
	return 0;
}

/* The unwound stacks of a group, most first, up to --top of them. */
static size_t shown_stacks(const struct report *r, const struct group *g)
{
	size_t n = g->n - (not_unwound(g) ? 1 : 0);

	return r->top > 0 && n > (size_t)r->top ? (size_t)r->top : n;
}

/* Where a walk of a group's stacks is: text and JSON show the same ones. */
struct stack_walk {
	size_t i, shown, n; /* n: how many to show (shown_stacks()) */
	const __u64 *ips;   /* the current one's frames, nf of them */
	size_t nf;
};

/* The next unwound stack of g to show, its frames in w; NULL past the last. */
static const struct line *next_stack(const struct report *r, const struct group *g,
				     struct stack_walk *w)
{
	while (w->i < g->n && w->shown < w->n) {
		const struct line *l = &g->first[w->i++];

		if (l->key.stack_id == STACK_NOT_UNWOUND)
			continue;
		w->shown++;
		w->nf = stacks__get(r->stacks, l->key.stack_id, l->key.location, r->ks, &w->ips);
		return l;
	}
	return NULL;
}

/*
 * A row's stacks add up to its count: the drops over the budget are a
 * line of their own, last, whatever --top says, so a reader never takes
 * the stacks shown for all of them.
 */
static void text_stacks(const struct report *r, const struct group *g)
{
	struct stack_walk w = { .n = shown_stacks(r, g) };
	char frame[NAMING_FRAME_LEN];
	__u64 skipped = not_unwound(g);

	for (const struct line *l; (l = next_stack(r, g, &w));) {
		fprintf(r->out, "    %llu packets:%s\n", (unsigned long long)l->count,
			w.nf ? "" : " [stack unavailable]");
		for (size_t f = 0; f < w.nf; f++) {
			naming_frame(r->ks, w.ips[f], frame, sizeof(frame));
			fputs("        ", r->out);
			fputs(frame, r->out);
			fputc('\n', r->out);
		}
	}
	if (skipped)
		fprintf(r->out, "    [not unwound: %llu]\n", (unsigned long long)skipped);
}

static void text_interval(const struct report *r, const struct group *groups, size_t n,
			  const struct interval_stats *st, __u64 closed)
{
	__u32 dims = shown_dims(r);

	fputc('\n', r->out);
	for (size_t i = 0; i < n; i++) {
		const struct group *g = &groups[i];
		const struct drop_key *k = &g->first->key;

		fprintf(r->out, "%llu packets dropped", (unsigned long long)g->count);
		print_key(r, k, dims);
		fputc('\n', r->out);
		if (dims & DIM_STACK)
			text_stacks(r, g);
	}
	for (size_t i = 0; i < r->ntc; i++) {
		const struct tc_attr *a = &r->tc[i];

		if (!a->delta)
			continue;
		fprintf(r->out, "  %llu of them by tc program ", (unsigned long long)a->delta);
		escape_fputs(a->who, r->out);
		fputs(" (", r->out);
		escape_fputs(a->dev, r->out);
		fprintf(r->out, " %s)\n", a->egress ? "TC_EGRESS" : "TC_INGRESS");
	}
	/* The seed's lines stay as they were; what of them was no network
	 * drop is said once, after them. */
	if (closed)
		fprintf(r->out,
			"%llu of these were freed by sockets closing with data unread, not dropped "
			"by the network (--class drop hides them)\n",
			(unsigned long long)closed);
	/* Loss is reported, never silent; absent when zero so the default
	 * output stays the seed's. */
	if (st->overflow)
		fprintf(r->out,
			"%llu packets dropped at locations not counted (count table full or busy; "
			"raise --max-keys)\n",
			(unsigned long long)st->overflow);
	if (st->missed)
		fprintf(r->out, "%llu drops missed (the kernel skipped the program: nested call)\n",
			(unsigned long long)st->missed);
}

/* Key values before the frames, as pseudo-frames: "reason=NO_SOCKET;". */
static void folded_prefix(const struct report *r, const struct drop_key *k)
{
	__u32 dims = r->dims & ~(DIM_LOCATION | DIM_STACK | DIM_CALLER);

	if ((dims & DIM_REASON) || r->by_reason) {
		char num[NAMING_NUM_LEN];

		fputs("reason=", r->out);
		escape_fputs(naming_reason(r->rs, !r->no_reasons, k->reason, num, sizeof(num)),
			     r->out);
		fputc(';', r->out);
	}
	text_dims(r, k, dims, true);
}

struct folded_line {
	char *text;
	__u64 count;
};

static int folded_by_text(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->text, ((const struct folded_line *)b)->text);
}

static int folded_by_count(const void *a, const void *b)
{
	const struct folded_line *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* One stack's "prefix;root;...;location" text, into a string to free(). */
static char *folded_text(const struct report *r, const struct line *l)
{
	struct report sub = *r;
	char *buf = NULL, name[NAMING_FRAME_LEN];
	size_t len = 0;
	const __u64 *ips;
	size_t nf = stacks__get(r->stacks, l->key.stack_id, l->key.location, r->ks, &ips);

	sub.out = open_memstream(&buf, &len);
	if (!sub.out)
		return NULL;
	folded_prefix(&sub, &l->key);
	/* No space in it: folded lines are "frames COUNT", split at blanks. */
	if (l->key.stack_id == STACK_NOT_UNWOUND)
		fputs("[not_unwound];", sub.out);
	else if (!nf)
		fputs("[stack unavailable];", sub.out);
	for (size_t f = nf; f-- > 1;) {
		fputs(naming_location(r->ks, SYM_NAME, ips[f], name, sizeof(name)), sub.out);
		fputc(';', sub.out);
	}
	fputs(naming_drop_location(r->ks, SYM_NAME, l->key.location, l->key.reason, name,
				   sizeof(name)),
	      sub.out);
	if (fclose(sub.out)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * --folded: "root;...;caller;location COUNT", the input of flamegraph.pl,
 * inferno and speedscope. Frames are function names, so stacks that differ
 * only in offsets are one line: merged here, not left to the reader.
 */
static void folded_interval(const struct report *r, const struct group *groups, size_t n,
			    const struct interval_stats *st)
{
	struct folded_line *v;
	size_t nv = 0, total = 0, out = 0;

	for (size_t i = 0; i < n; i++)
		total += groups[i].n;
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < groups[i].n; j++) {
			v[nv].text = folded_text(r, &groups[i].first[j]);
			v[nv].count = groups[i].first[j].count;
			if (v[nv].text)
				nv++;
		}
	qsort(v, nv, sizeof(*v), folded_by_text);
	for (size_t i = 0; i < nv; i++) {
		if (out && !strcmp(v[out - 1].text, v[i].text)) {
			v[out - 1].count += v[i].count;
			free(v[i].text);
		} else {
			v[out++] = v[i];
		}
	}
	qsort(v, out, sizeof(*v), folded_by_count);
	for (size_t i = 0; i < out; i++) {
		fprintf(r->out, "%s %llu\n", v[i].text, (unsigned long long)v[i].count);
		free(v[i].text);
	}
	free(v);
	/* Loss stays in the same stream, as frames of their own. */
	if (st->overflow)
		fprintf(r->out, "[not counted: count table full] %llu\n",
			(unsigned long long)st->overflow);
	if (st->missed)
		fprintf(r->out, "[missed: nested call] %llu\n", (unsigned long long)st->missed);
}

/* "stacks": the unwound ones; "not_unwound": the drops over the budget,
 * so that the stacks' counts and it add up to the row's count. */
static void json_stacks(const struct report *r, struct json *j, const struct group *g)
{
	struct stack_walk w = { .n = shown_stacks(r, g) };
	char frame[NAMING_FRAME_LEN];

	json_array_begin(j, "stacks");
	for (const struct line *l; (l = next_stack(r, g, &w));) {
		json_object_begin(j, NULL);
		json_u64(j, "count", l->count);
		if (!w.nf)
			json_null(j, "frames");
		else
			json_array_begin(j, "frames");
		for (size_t f = 0; f < w.nf; f++)
			json_str(j, NULL, naming_frame(r->ks, w.ips[f], frame, sizeof(frame)));
		if (w.nf)
			json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_u64(j, "not_unwound", not_unwound(g));
}

static void json_dims(const struct report *r, struct json *j, const struct drop_key *k, __u32 dims)
{
	char buf[24];

	if (dims & DIM_CALLER) {
		const struct ksym *s = k->caller ? ksyms__find(r->ks, k->caller) : NULL;

		json_str(j, "caller",
			 k->caller ? naming_symbol(s, k->caller, buf, sizeof(buf)) : NULL);
		if (k->caller)
			json_strf(j, "caller_address", "0x%llx", (unsigned long long)k->caller);
		else
			json_null(j, "caller_address");
	}
	if (dims & DIM_DEV) {
		json_str(j, "dev", k->dev[0] ? k->dev : NULL);
		json_u64(j, "ifindex", k->ifindex);
	}
	if (dims & DIM_NETNS) {
		json_u64(j, "netns", k->netns);
		json_u64(j, "netns_cookie", k->netns_cookie);
	}
	if (dims & DIM_COMM)
		json_str(j, "comm", k->comm[0] ? k->comm : NULL);
	if (dims & DIM_WORKLOAD)
		json_str(j, "workload",
			 workloads__name(r->workloads, r->cgroups, k->netns, k->netns_cookie,
					 k->cgroup));
	if (dims & DIM_CGROUP) {
		json_str(j, "cgroup", cgroups__path(r->cgroups, k->cgroup));
		json_u64(j, "cgroup_id", k->cgroup);
	}
}

static void json_interval(const struct report *r, const struct group *groups, size_t n,
			  const struct interval_stats *st, double ts, double interval)
{
	__u32 dims = shown_dims(r);
	struct json j;

	json_init(&j, r->out);
	json_object_begin(&j, NULL);
	json_numf(&j, "timestamp", "%.6f", ts);
	json_numf(&j, "interval", "%.6f", interval);
	json_array_begin(&j, "entries");
	for (size_t i = 0; i < n; i++) {
		const struct group *g = &groups[i];
		const struct drop_key *k = &g->first->key;
		char num[NAMING_NUM_LEN];

		json_object_begin(&j, NULL);
		json_u64(&j, "count", g->count);
		if (dims & DIM_LOCATION)
			json_strf(&j, "address", "0x%llx", (unsigned long long)k->location);
		else
			json_null(&j, "address");
		report__json_symbol(&j, g->sym, k->location);
		/* JSON names a reason or says null: the number is reason_code. */
		json_str(&j, "reason", reason_name(r->rs, k->reason));
		json_u64(&j, "reason_code", k->reason);
		json_str(&j, "protocol", naming_proto(k->protocol, num, sizeof(num)));
		json_str(&j, "class", classes_name((enum drop_class)k->cls));
		json_dims(r, &j, k, dims);
		if (dims & DIM_STACK)
			json_stacks(r, &j, g);
		json_object_end(&j);
	}
	json_array_end(&j);
	/* Only where tc drops were attributed: the output is as before otherwise. */
	if (r->ntc) {
		json_array_begin(&j, "tc_programs");
		for (size_t i = 0; i < r->ntc; i++) {
			const struct tc_attr *a = &r->tc[i];

			if (!a->delta)
				continue;
			json_object_begin(&j, NULL);
			json_u64(&j, "count", a->delta);
			json_str(&j, "device", a->dev);
			json_i64(&j, "ifindex", a->ifindex);
			json_u64(&j, "netns", a->netns);
			json_str(&j, "hook", a->egress ? "egress" : "ingress");
			if (a->named_id)
				json_u64(&j, "prog_id", a->named_id);
			else
				json_null(&j, "prog_id");
			json_str(&j, "program", a->who);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_u64(&j, "not_counted", st->overflow);
	json_u64(&j, "missed", st->missed);
	json_u64(&j, "filtered", st->filtered);
	json_object_end(&j);
	json_newline(&j);
}

void report__json_symbol(struct json *j, const struct ksym *s, __u64 addr)
{
	if (!s) {
		json_null(j, "symbol");
		json_null(j, "offset");
		json_null(j, "size");
		json_null(j, "module");
		return;
	}
	json_str(j, "symbol", s->name);
	json_u64(j, "offset", addr - s->addr);
	json_u64(j, "size", s->size);
	json_str(j, "module", s->module);
}

void report__start(const struct report *r)
{
	if (!r->json && !r->folded)
		fputs("Monitoring for dropped packets\n", r->out);
	fflush(r->out);
}

void report__interval(const struct report *r, const struct drop_delta *rows, size_t n,
		      const struct interval_stats *st, double timestamp, double interval)
{
	struct line *lines = calloc(n ? n : 1, sizeof(*lines));
	struct group *groups = calloc(n ? n : 1, sizeof(*groups));
	struct report sub = *r;
	__u32 *shared = NULL;
	size_t shown, nlines;
	__u64 closed = 0;
	long nshared;

	if (!lines || !groups) {
		free(lines);
		free(groups);
		return;
	}
	for (size_t i = 0; i < n && r->class_note; i++)
		if (rows[i].key.cls == CLASS_CLOSE)
			closed += rows[i].count;
	shown = fold(r, rows, n, lines, &nlines, groups);
	/* Over every row of the interval, --top or not: a row's name does
	 * not depend on how many are shown. */
	if (!r->json && (shown_dims(r) & DIM_NETNS)) {
		nshared = report__netns_shared(lines, nlines, sizeof(*lines),
					       offsetof(struct line, key), &shared);
		if (nshared > 0) {
			sub.netns_shared = shared;
			sub.n_netns_shared = (size_t)nshared;
			r = &sub;
		}
	}
	/* Folded output is a profile: every row, or the sums would be short. */
	if (r->top > 0 && shown > (size_t)r->top && !r->folded)
		shown = r->top;
	if (r->folded)
		folded_interval(r, groups, shown, st);
	else if (r->json)
		json_interval(r, groups, shown, st, timestamp, interval);
	else
		text_interval(r, groups, shown, st, closed);
	fflush(r->out);
	free(shared);
	free(lines);
	free(groups);
}

void report__stop(const struct report *r)
{
	if (!r->json && !r->folded)
		fputs("Stopping dropped packet monitor\n", r->out);
	fflush(r->out);
}
