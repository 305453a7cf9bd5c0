// SPDX-License-Identifier: GPL-2.0
/*
 * Drop-reason names, always taken from the running kernel: the numbering
 * of enum skb_drop_reason changed in almost every release since 5.17
 * (SKB_NOT_DROPPED_YET in 5.18 and SKB_CONSUMED in 6.2 shifted all of it),
 * so a table compiled into the tool would print wrong names.
 */
#include "symbols/reasons.h"
#include "lib/tracefs.h"

#include <bpf/btf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/types.h>

#include "bpf/dropscope.h"

#define CORE_PREFIX	 "SKB_DROP_REASON_"
#define CORE_ENUM	 "skb_drop_reason"
#define SUBSYS_ENUM	 "skb_drop_reason_subsys"
#define SUBSYS_MASK_NAME "SKB_DROP_REASON_SUBSYS_MASK"
#define CORE_MAX_NAME	 "SKB_DROP_REASON_MAX"
#define KFREE_SKB_FORMAT "events/skb/kfree_skb/format"
#define SYSFS_BTF_DIR	 "/sys/kernel/btf"

struct reason_ent {
	uint32_t value;
	uint32_t seq; /* insertion order, so the first name for a value wins */
	char *name;
};

struct reasons {
	enum reasons_source source;
	struct reason_ent *ents; /* sorted by value once built */
	size_t n, cap;
};

/* What the subsystem split of the reason space looks like on this kernel. */
struct subsys {
	uint32_t mask; /* SKB_DROP_REASON_SUBSYS_MASK, 0 = no subsystems */
	unsigned int shift;
	const struct btf *btf;	    /* holds enum skb_drop_reason_subsys */
	const struct btf_type *ids; /* enum skb_drop_reason_subsys */
};

static struct reasons *reasons_new(enum reasons_source source)
{
	struct reasons *r = calloc(1, sizeof(*r));

	if (r)
		r->source = source;
	return r;
}

void reasons__free(struct reasons *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->ents[i].name);
	free(r->ents);
	free(r);
}

static int reasons_add(struct reasons *r, uint32_t value, const char *name, size_t len)
{
	struct reason_ent *e;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		e = realloc(r->ents, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		r->ents = e;
		r->cap = cap;
	}
	e = &r->ents[r->n];
	e->name = strndup(name, len);
	if (!e->name)
		return -ENOMEM;
	e->value = value;
	e->seq = r->n++;
	return 0;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct reason_ent *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort for bsearch and drop later names for an already named value. */
static void reasons_finish(struct reasons *r)
{
	size_t i, out = 0;

	if (!r->n)
		return;
	qsort(r->ents, r->n, sizeof(*r->ents), cmp_ent);
	for (i = 0; i < r->n; i++) {
		if (out && r->ents[out - 1].value == r->ents[i].value) {
			free(r->ents[i].name);
			continue;
		}
		r->ents[out++] = r->ents[i];
	}
	r->n = out;
}

/*
 * The verdicts of XDP programs, rows of the same table (dropscope.h): named
 * beside the kernel's own names (never where it has none), not listed
 * among them.
 */
static const struct {
	uint32_t value;
	const char *name;
} xdp_verdicts[] = { { DS_REASON_XDP_DROP, "XDP_DROP" }, { DS_REASON_XDP_ABORTED, "XDP_ABORTED" } };

const char *reasons__name(const struct reasons *r, uint32_t reason)
{
	size_t lo = 0, hi;

	if (!r)
		return NULL;
	hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->ents[mid].value == reason)
			return r->ents[mid].name;
		if (r->ents[mid].value < reason)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Our own XDP verdict values, only where the kernel's table has no
	 * such value: its own names always win (a --btf file may use any). */
	for (size_t i = 0; r->n && i < sizeof(xdp_verdicts) / sizeof(xdp_verdicts[0]); i++)
		if (xdp_verdicts[i].value == reason)
			return xdp_verdicts[i].name;
	return NULL;
}

static const struct reason_ent *find_name(const struct reasons *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcasecmp(r->ents[i].name, name) == 0)
			return &r->ents[i];
	return NULL;
}

int reasons__value(const struct reasons *r, const char *name, uint32_t *reason)
{
	const struct reason_ent *e;
	size_t plen = strlen(CORE_PREFIX);

	if (!r || !name || !reason)
		return -EINVAL;
	for (size_t i = 0; r->n && i < sizeof(xdp_verdicts) / sizeof(xdp_verdicts[0]); i++)
		if (!strcasecmp(name, xdp_verdicts[i].name)) {
			*reason = xdp_verdicts[i].value;
			return 0;
		}
	e = find_name(r, name);
	/* Names are stored without the prefix; accept the C spelling too. */
	if (!e && strncasecmp(name, CORE_PREFIX, plen) == 0)
		e = find_name(r, name + plen);
	if (!e)
		return -ENOENT;
	*reason = e->value;
	return 0;
}

enum reasons_source reasons__source(const struct reasons *r)
{
	return r ? r->source : REASONS_NONE;
}

size_t reasons__count(const struct reasons *r)
{
	return r ? r->n : 0;
}

int reasons__entry(const struct reasons *r, size_t i, uint32_t *reason, const char **name)
{
	if (!r || i >= r->n)
		return -ERANGE;
	if (reason)
		*reason = r->ents[i].value;
	if (name)
		*name = r->ents[i].name;
	return 0;
}

/* ------------------------------------------------------------------ BTF */

/*
 * One enumerator of an ENUM or ENUM64 (pahole emits ENUM64 only for values
 * beyond 32 bits, but nothing promises skb_drop_reason stays ENUM). Reasons
 * travel as u32, so only the low 32 bits of a 4-byte enum count: that also
 * makes SUBSYS_MASK read 0xffff0000 whether the BTF encoded it signed
 * (-65536, older pahole) or unsigned.
 */
static bool enum_member(const struct btf *btf, const struct btf_type *t, int i, const char **name,
			uint32_t *value)
{
	uint64_t v;

	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t) + i;

		*name = btf__name_by_offset(btf, e->name_off);
		v = (uint32_t)e->val;
	} else {
		const struct btf_enum64 *e = btf_enum64(t) + i;

		*name = btf__name_by_offset(btf, e->name_off);
		v = btf_enum64_value(e);
		if (t->size <= 4)
			v = (uint32_t)v;
		else if (v > UINT32_MAX)
			return false;
	}
	*value = v;
	return *name && **name;
}

/*
 * The definition of enum name, ENUM or ENUM64. A forward declaration is
 * an ENUM without members, which btf__find_by_name_kind() could return
 * first, so look for the one that has them.
 */
/*
 * Are a BTF's own types where a struct btf_type may be read? libbpf takes
 * a type section at any offset, and one at an odd offset puts every type
 * on a misaligned address (undefined behaviour to read: the fuzzer's find).
 * The kernel's are aligned; each type is a multiple of 4 bytes long, so
 * the first of the BTF's own types tells.
 */
static bool types_aligned(const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 first = base ? btf__type_cnt(base) : 1;
	const struct btf_type *t;

	if (first >= btf__type_cnt(btf))
		return true;
	t = btf__type_by_id(btf, first);
	return t && !((uintptr_t)t & (__alignof__(struct btf_type) - 1));
}

static const struct btf_type *find_enum(const struct btf *btf, const char *name)
{
	__u32 id, cnt = btf__type_cnt(btf);

	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *tname;

		if (!t || !btf_is_any_enum(t) || !btf_vlen(t))
			continue;
		tname = btf__name_by_offset(btf, t->name_off);
		if (tname && strcmp(tname, name) == 0)
			return t;
	}
	return NULL;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Core reasons; also finds SKB_DROP_REASON_SUBSYS_MASK (0 if absent). */
static int add_core(struct reasons *r, const struct btf *btf, const struct btf_type *t,
		    uint32_t *mask)
{
	size_t plen = strlen(CORE_PREFIX);
	int i, err;

	*mask = 0;
	for (i = 0; i < btf_vlen(t); i++) {
		const char *name;
		uint32_t v;

		if (!enum_member(btf, t, i, &name, &v))
			continue;
		if (strcmp(name, SUBSYS_MASK_NAME) == 0) {
			*mask = v;
			continue;
		}
		if (strcmp(name, CORE_MAX_NAME) == 0)
			continue;
		/* SKB_NOT_DROPPED_YET and SKB_CONSUMED lack the prefix and keep their names. */
		if (strncmp(name, CORE_PREFIX, plen) == 0 && name[plen])
			name += plen;
		err = reasons_add(r, v, name, strlen(name));
		if (err)
			return err;
	}
	return 0;
}

/* Is id a subsystem the kernel declares (not CORE, not the _NUM count)? */
static bool subsys_defined(const struct subsys *ss, uint32_t id)
{
	int i;

	for (i = 0; i < btf_vlen(ss->ids); i++) {
		const char *name;
		uint32_t v;

		if (enum_member(ss->btf, ss->ids, i, &name, &v) && v == id &&
		    !has_suffix(name, "_NUM"))
			return true;
	}
	return false;
}

/*
 * Subsystem reasons live in per-subsystem enums (mac80211_drop_reason,
 * ovs_drop_reason, qdisc_drop_reason, ...) whose enumerators carry the
 * subsystem id in the masked bits. Their names are not registered anywhere
 * BTF can see, so attribute every enumerator of any *drop_reason* enum by
 * its value, skipping the conventions that are not reasons:
 *  - values without subsystem bits (RX_CONTINUE, QDISC_DROP_UNSPEC),
 *  - "__"-prefixed base markers and helper enums (__OVS_DROP_REASON,
 *    ___RX_DROP_UNUSABLE, the whole ___mac80211_drop_reason),
 *  - a trailing *_MAX count (OVS_DROP_MAX).
 * Only the types a split (module) BTF adds are scanned; its base was
 * scanned already.
 */
static int add_subsys_enums(struct reasons *r, const struct btf *btf, const struct subsys *ss,
			    uint32_t *seen)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 id = base ? btf__type_cnt(base) : 1;
	__u32 cnt = btf__type_cnt(btf);
	int err;

	for (; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *tname;
		int i, vlen;

		if (!t || !btf_is_any_enum(t))
			continue;
		tname = btf__name_by_offset(btf, t->name_off);
		if (!tname || !strstr(tname, "drop_reason") || strcmp(tname, CORE_ENUM) == 0 ||
		    strcmp(tname, SUBSYS_ENUM) == 0)
			continue;
		vlen = btf_vlen(t);
		for (i = 0; i < vlen; i++) {
			const char *name;
			uint32_t v, sub;

			if (!enum_member(btf, t, i, &name, &v))
				continue;
			sub = (v & ss->mask) >> ss->shift;
			if (!sub || strncmp(name, "__", 2) == 0)
				continue;
			if (i == vlen - 1 && has_suffix(name, "_MAX"))
				continue;
			if (!subsys_defined(ss, sub))
				continue;
			err = reasons_add(r, v, name, strlen(name));
			if (err)
				return err;
			if (sub < 32)
				*seen |= 1u << sub;
		}
	}
	return 0;
}

/* Bitmap of declared subsystems (ids below 32; more would be news). */
static uint32_t subsys_declared(const struct subsys *ss)
{
	uint32_t bits = 0, id;

	for (id = 1; id < 32; id++)
		if (subsys_defined(ss, id))
			bits |= 1u << id;
	return bits;
}

/*
 * Is the module of a subsystem without names loaded? Its enum is then in
 * that module's BTF. The module is the subsystem's name in lower case, or
 * a part of it up to an underscore (SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE:
 * mac80211_unusable, then mac80211): looking for those few files saves
 * parsing the kernel's BTF and every module's when none is loaded.
 */
static bool unseen_module_loaded(const struct subsys *ss, uint32_t seen)
{
	static const char prefix[] = "SKB_DROP_REASON_SUBSYS_";
	uint32_t unseen = subsys_declared(ss) & ~seen;

	for (int i = 0; unseen && i < btf_vlen(ss->ids); i++) {
		char path[sizeof(SYSFS_BTF_DIR) + 80], *mod;
		const char *name;
		uint32_t v;
		size_t n;

		if (!enum_member(ss->btf, ss->ids, i, &name, &v) || v >= 32 ||
		    !(unseen & (1u << v)))
			continue;
		if (strncmp(name, prefix, sizeof(prefix) - 1))
			return true; /* not the convention: look at every module */
		n = snprintf(path, sizeof(path), "%s/", SYSFS_BTF_DIR);
		mod = path + n;
		snprintf(mod, sizeof(path) - n, "%s", name + sizeof(prefix) - 1);
		for (char *c = mod; *c; c++)
			*c = tolower((unsigned char)*c);
		for (;;) {
			char *us;

			if (access(path, F_OK) == 0)
				return true;
			us = strrchr(mod, '_');
			if (!us)
				break;
			*us = 0;
		}
	}
	return false;
}

/*
 * *missing (may be NULL) tells whether some subsystem the kernel declares
 * got no names from the BTFs given while its module is loaded, i.e. its
 * enum is in a module BTF that was not passed.
 */
static struct reasons *build_from_btf(const struct btf *vmlinux, const struct btf *const *extra,
				      int n_extra, bool *missing)
{
	const struct btf_type *core;
	struct subsys ss = { 0 };
	struct reasons *r;
	uint32_t seen = 0;
	int i, err;

	if (missing)
		*missing = false;
	if (!vmlinux || n_extra < 0 || (n_extra && !extra) || !types_aligned(vmlinux)) {
		errno = EINVAL;
		return NULL;
	}
	core = find_enum(vmlinux, CORE_ENUM);
	if (!core) {
		errno = ENOENT;
		return NULL;
	}
	r = reasons_new(REASONS_BTF);
	if (!r)
		return NULL;
	err = add_core(r, vmlinux, core, &ss.mask);
	if (err)
		goto err;

	/* Kernels before 6.4 have neither the mask nor subsystems. */
	ss.btf = vmlinux;
	ss.ids = find_enum(vmlinux, SUBSYS_ENUM);
	if (ss.mask && ss.ids) {
		ss.shift = __builtin_ctz(ss.mask);
		err = add_subsys_enums(r, vmlinux, &ss, &seen);
		for (i = 0; !err && i < n_extra; i++)
			if (extra[i] && types_aligned(extra[i]))
				err = add_subsys_enums(r, extra[i], &ss, &seen);
		if (err)
			goto err;
		if (missing)
			*missing = unseen_module_loaded(&ss, seen);
	}
	reasons_finish(r);
	return r;
err:
	reasons__free(r);
	errno = -err;
	return NULL;
}

struct reasons *reasons__from_btf(const struct btf *vmlinux, const struct btf *const *extra,
				  int n_extra)
{
	return build_from_btf(vmlinux, extra, n_extra, NULL);
}

/* Every module BTF under /sys/kernel/btf, split against vmlinux. */
static int load_module_btfs(struct btf *vmlinux, struct btf ***out)
{
	struct btf **mods = NULL;
	struct dirent *de;
	int n = 0, cap = 0;
	DIR *d;

	*out = NULL;
	d = opendir(SYSFS_BTF_DIR);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[sizeof(SYSFS_BTF_DIR) + 1 + sizeof(de->d_name)];
		struct btf *btf;

		if (de->d_name[0] == '.' || strcmp(de->d_name, "vmlinux") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", SYSFS_BTF_DIR, de->d_name);
		/* A module being unloaded right now is no reason to fail. */
		btf = btf__parse_split(path, vmlinux);
		if (!btf)
			continue;
		if (n == cap) {
			struct btf **p = realloc(mods, (cap ? cap * 2 : 64) * sizeof(*p));

			if (!p) {
				btf__free(btf);
				break;
			}
			mods = p;
			cap = cap ? cap * 2 : 64;
		}
		mods[n++] = btf;
	}
	closedir(d);
	*out = mods;
	return n;
}

/*
 * *have_btf tells whether vmlinux BTF was readable at all, so that a BTF
 * without the enum can be told apart from no BTF.
 */
static struct reasons *load_btf_sysfs(bool *have_btf)
{
	struct btf *vmlinux;
	struct btf **mods = NULL;
	struct reasons *r;
	bool missing;
	int i, n, err;

	*have_btf = false;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return NULL;
	*have_btf = true;
	r = build_from_btf(vmlinux, NULL, 0, &missing);
	/* Parse module BTFs only when a subsystem's enum is not built in. */
	if (r && missing) {
		n = load_module_btfs(vmlinux, &mods);
		if (n > 0) {
			struct reasons *all;

			all = build_from_btf(vmlinux, (const struct btf *const *)mods, n, NULL);
			if (all) {
				reasons__free(r);
				r = all;
			}
		}
		for (i = 0; i < n; i++)
			btf__free(mods[i]);
		free(mods);
	}
	err = errno;
	btf__free(vmlinux);
	errno = err;
	return r;
}

struct reasons *reasons__load_min(const struct btf *min)
{
	struct reasons *r;
	bool missing = true;

	/* Complete only if no subsystem's enum is in a module (split BTFs
	 * need the whole kernel BTF as their base): else the slow way. */
	r = min ? build_from_btf(min, NULL, 0, &missing) : NULL;
	if (r && !missing)
		return r;
	reasons__free(r);
	return reasons__load(NULL);
}

/* ------------------------------------------------------------ tracefs */

static const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Does a "field:TYPE NAME;" line (NAME maybe with "[N]") declare field? */
static bool format_has_field(const char *text, const char *field)
{
	size_t flen = strlen(field);
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		const char *p = skip_ws(line), *semi, *q, *e;

		if (!end)
			end = line + strlen(line);
		if (p < end && strncmp(p, "field:", 6) == 0 &&
		    (semi = memchr(p, ';', end - p)) != NULL) {
			q = semi;
			while (q > p && isspace((unsigned char)q[-1]))
				q--;
			if (q > p && q[-1] == ']') {
				while (q > p && *--q != '[')
					;
				while (q > p && isspace((unsigned char)q[-1]))
					q--;
			}
			e = q;
			while (q > p + 6 && is_ident(q[-1]))
				q--;
			if ((size_t)(e - q) == flen && strncmp(q, field, flen) == 0)
				return true;
		}
		line = *end ? end + 1 : NULL;
	}
	return false;
}

/* Past a C string literal starting at p (on the quote); NULL if unterminated. */
static const char *skip_c_string(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Is [s, e) the expression REC->reason, give or take blanks and parentheses? */
static bool is_rec_reason(const char *s, const char *e)
{
	char buf[64];
	size_t n = 0;
	char *b;

	for (; s < e; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if (n + 1 >= sizeof(buf))
			return false;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	b = buf;
	while (n >= 2 && b[0] == '(' && b[n - 1] == ')') {
		b[--n] = '\0';
		b++;
		n--;
	}
	return strcmp(b, "REC->reason") == 0;
}

/*
 * The value of one { value, "name" } entry: decimal or 0x-hex, as
 * TRACE_DEFINE_ENUM substitutes it. Anything else (an enum name the kernel
 * failed to substitute) cannot be placed and is skipped by the caller.
 */
static bool parse_value(const char *s, const char *e, uint32_t *value)
{
	unsigned long long v;
	char buf[32], *end;
	size_t n;
	int base = 10;

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	n = e - s;
	if (!n || n >= sizeof(buf) || !isdigit((unsigned char)*s))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		base = 16;
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*value = v;
	return true;
}

/*
 * Parse the entries of __print_symbolic(REC->reason, { 2, "NOT_SPECIFIED" },
 * ...) starting at p, which points at the ',' after the first argument.
 */
static int parse_symbolic(struct reasons *r, const char *p)
{
	for (;;) {
		const char *vstart, *name, *name_end;
		uint32_t v = 0;
		bool ok;
		int err;

		p = skip_ws(p);
		if (*p == ')')
			return 0;
		if (*p != ',')
			return -EINVAL;
		p = skip_ws(p + 1);
		if (*p != '{')
			return -EINVAL;
		vstart = p + 1;
		p = vstart + strcspn(vstart, ",}\"");
		if (*p != ',')
			return -EINVAL;
		ok = parse_value(vstart, p, &v);
		p = skip_ws(p + 1);
		if (*p != '"')
			return -EINVAL;
		name = p + 1;
		name_end = strchr(name, '"');
		if (!name_end)
			return -EINVAL;
		p = skip_ws(name_end + 1);
		if (*p != '}')
			return -EINVAL;
		p++;
		/* FNe(MAX) closes the list; it is a bound, not a reason. */
		if (!ok || name_end == name || (name_end - name == 3 && !strncmp(name, "MAX", 3)))
			continue;
		err = reasons_add(r, v, name, name_end - name);
		if (err)
			return err;
	}
}

/*
 * Find __print_symbolic(REC->reason, ...) in the print fmt, outside string
 * literals. 5.19 and 6.0 print drop_reasons[REC->reason] instead; then
 * there is nothing to parse (returns -ENOENT).
 */
static int parse_print_fmt(struct reasons *r, const char *text)
{
	static const char fn[] = "__print_symbolic";
	const char *p = strstr(text, "print fmt:");

	if (!p)
		return -ENOENT;
	p += strlen("print fmt:");
	while (*p) {
		const char *id, *arg;
		int depth = 0;

		if (*p == '"') {
			p = skip_c_string(p);
			if (!p)
				return -EINVAL;
			continue;
		}
		if (!is_ident(*p)) {
			p++;
			continue;
		}
		id = p;
		while (is_ident(*p))
			p++;
		if ((size_t)(p - id) != strlen(fn) || strncmp(id, fn, p - id) != 0)
			continue;
		p = skip_ws(p);
		if (*p != '(')
			continue;
		arg = ++p;
		/* First argument ends at the top-level comma. */
		for (; *p && !(depth == 0 && *p == ','); p++) {
			if (*p == '(')
				depth++;
			else if (*p == ')' && --depth < 0)
				break;
		}
		if (*p != ',')
			return -EINVAL;
		if (is_rec_reason(arg, p))
			return parse_symbolic(r, p);
	}
	return -ENOENT;
}

struct reasons *reasons__from_format(const char *text)
{
	struct reasons *r;
	int err;

	if (!text) {
		errno = EINVAL;
		return NULL;
	}
	/* No reason field: a kernel before 5.17, which has no drop reasons. */
	if (!format_has_field(text, "reason"))
		return reasons_new(REASONS_NONE);
	r = reasons_new(REASONS_TRACEFS);
	if (!r)
		return NULL;
	err = parse_print_fmt(r, text);
	/* A reason field without a symbol list leaves the names unknown. */
	if (err && err != -ENOENT) {
		reasons__free(r);
		errno = -err;
		return NULL;
	}
	reasons_finish(r);
	return r;
}

/* The whole file, bounded: tracefs files have st_size 0, so read to EOF. */
static char *read_text(const char *path)
{
	char *text;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	text = tracefs__read_fd(fd, NULL);
	err = errno;
	close(fd);
	errno = err;
	return text;
}

static char *read_format(const char *format_path)
{
	if (format_path)
		return read_text(format_path);
	return tracefs__read(KFREE_SKB_FORMAT, NULL);
}

struct reasons *reasons__load(const char *format_path)
{
	struct reasons *r;
	bool have_btf;
	char *text;
	int err;

	r = load_btf_sysfs(&have_btf);
	if (r)
		return r;

	text = read_format(format_path);
	if (!text) {
		err = errno;
		/* BTF without the enum already says: no drop reasons. */
		if (have_btf)
			return reasons_new(REASONS_NONE);
		errno = err;
		return NULL;
	}
	r = reasons__from_format(text);
	err = errno;
	free(text);
	errno = err;
	return r;
}
