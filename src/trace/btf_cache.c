// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>

#include "trace/btf_cache.h"
#include "lib/newfile.h"

#define NT_GNU_BUILD_ID_TYPE 3

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int btf_cache_build_id(const void *notes, size_t len, char *hex, size_t hexlen)
{
	const unsigned char *p = notes;
	size_t off = 0;

	/* Each note: namesz, descsz, type (4 bytes each), then the name and
	 * the descriptor, each padded to 4 bytes. Every size is checked
	 * against what is left: the area is the kernel's, but read as data. */
	while (len - off >= 12) {
		__u32 namesz, descsz, type;
		size_t name_end, desc_end;

		memcpy(&namesz, p + off, 4);
		memcpy(&descsz, p + off + 4, 4);
		memcpy(&type, p + off + 8, 4);
		off += 12;
		if (namesz > len - off)
			return -1;
		name_end = off + align4(namesz);
		if (name_end > len || descsz > len - name_end)
			return -1;
		desc_end = name_end + align4(descsz);
		if (type == NT_GNU_BUILD_ID_TYPE && namesz == 4 && !memcmp(p + off, "GNU", 4) &&
		    descsz > 0 && descsz <= 32) {
			if (hexlen < descsz * 2 + 1)
				return -1;
			for (__u32 i = 0; i < descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", p[name_end + i]);
			return (int)descsz;
		}
		if (desc_end > len)
			return -1;
		off = desc_end;
	}
	return -1;
}

__u64 btf_cache_obj_hash(__u64 h, const void *obj, size_t len)
{
	const unsigned char *p = obj;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int read_notes(char *hex, size_t hexlen)
{
	static const size_t max = 64 << 10;
	char *buf = malloc(max);
	size_t len = 0;
	int fd, rc = -1;

	if (!buf)
		return -1;
	fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n;

		while (len < max && (n = read(fd, buf + len, max - len)) > 0)
			len += n;
		close(fd);
		rc = btf_cache_build_id(buf, len, hex, hexlen);
	}
	free(buf);
	return rc;
}

/* Root's, and nobody else may write it: what we read from there is
 * trusted as much as our own binary. */
static const char *unsafe(const struct stat *st)
{
	if (st->st_uid != 0)
		return "not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

static int open_dir(struct btf_cache *c)
{
	struct stat st;
	const char *why;
	int fd;

	fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		if (err == -ENOTDIR || err == -ELOOP) {
			c->state = BTF_CACHE_REFUSED;
			snprintf(c->note, sizeof(c->note),
				 "%s refused: a symbolic link or not a directory", c->dir);
		}
		return err;
	}
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	why = S_ISDIR(st.st_mode) ? unsafe(&st) : "not a directory";
	if (why) {
		close(fd);
		c->state = BTF_CACHE_REFUSED;
		snprintf(c->note, sizeof(c->note), "%s refused: %s", c->dir, why);
		return -EPERM;
	}
	return fd;
}

/* Bumped whenever what a file holds changes (v2: reason enums, ids). */
#define BTF_CACHE_FORMAT 2

void btf_cache_open(struct btf_cache *c, const char *dir, __u64 objs_hash)
{
	char id[65];
	struct stat st;
	const char *why;
	int dfd, fd;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->state = BTF_CACHE_NONE;
	if (!dir)
		dir = secure_getenv(BTF_CACHE_DIR_ENV);
	if (!dir || !*dir)
		dir = BTF_CACHE_DIR_DEFAULT;
	if (snprintf(c->dir, sizeof(c->dir), "%s", dir) >= (int)sizeof(c->dir)) {
		snprintf(c->note, sizeof(c->note), "cache directory name too long");
		return;
	}
	if (read_notes(id, sizeof(id)) < 0) {
		snprintf(c->note, sizeof(c->note),
			 "no kernel build id in /sys/kernel/notes: no cache");
		return;
	}
	snprintf(c->name, sizeof(c->name), "vmlinux-%s-%016llx-v%d.btf", id,
		 (unsigned long long)objs_hash, BTF_CACHE_FORMAT);
	c->state = BTF_CACHE_MISS;
	dfd = open_dir(c);
	if (dfd < 0) {
		if (c->state == BTF_CACHE_MISS)
			snprintf(c->note, sizeof(c->note), "%s/%s not there", c->dir, c->name);
		return;
	}
	fd = openat(dfd, c->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (err == ELOOP) {
			c->state = BTF_CACHE_REFUSED;
			snprintf(c->note, sizeof(c->note), "%s/%s refused: a symbolic link", c->dir,
				 c->name);
		} else {
			snprintf(c->note, sizeof(c->note), "%s/%s: %s", c->dir, c->name,
				 strerror(err));
		}
		close(dfd);
		return;
	}
	close(dfd);
	why = fstat(fd, &st)			 ? strerror(errno)
	      : !S_ISREG(st.st_mode)		 ? "not a regular file"
	      : st.st_size <= 0			 ? "empty"
	      : st.st_size > BTF_CACHE_MAX_BYTES ? "too large"
						 : unsafe(&st);
	if (why) {
		close(fd);
		c->state = BTF_CACHE_REFUSED;
		snprintf(c->note, sizeof(c->note), "%s/%s refused: %s", c->dir, c->name, why);
		return;
	}
	c->fd = fd;
	c->state = BTF_CACHE_HIT;
	snprintf(c->path, sizeof(c->path), "/proc/self/fd/%d", fd);
	snprintf(c->note, sizeof(c->note), "used %s/%s", c->dir, c->name);
}

void btf_cache_close(struct btf_cache *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->path[0] = 0;
}

void btf_cache_discard(struct btf_cache *c)
{
	int dfd, err = 0;

	if (c->state != BTF_CACHE_HIT)
		return;
	btf_cache_close(c);
	dfd = open_dir(c);
	if (dfd < 0 || (unlinkat(dfd, c->name, 0) && errno != ENOENT))
		err = dfd < 0 ? -dfd : errno;
	if (dfd >= 0)
		close(dfd);
	/* Gone: it is made again once attached. */
	c->state = err ? BTF_CACHE_REFUSED : BTF_CACHE_MISS;
	snprintf(c->note, sizeof(c->note), "%s/%s did not load (loaded without it); %s%s", c->dir,
		 c->name, err ? "cannot remove it: " : "removed", err ? strerror(err) : "");
}

/* --- the minimizer ------------------------------------------------------- */

struct name {
	const char *s;
	size_t len;
};

/* The name without a ___flavor suffix, as libbpf matches CO-RE candidates:
 * cut at the last "x___y" (x and y not underscores), after the x. */
static size_t essential_len(const char *s)
{
	size_t n = strlen(s);

	for (size_t k = n; k >= 5; k--) {
		const char *p = s + k - 5;

		if (p[0] != '_' && p[1] == '_' && p[2] == '_' && p[3] == '_' && p[4] != '_')
			return k - 4;
	}
	return n;
}

static int name_cmp(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->s, y->s, n);

	return r ? r : (x->len > y->len) - (x->len < y->len);
}

static bool is_root_kind(const struct btf_type *t)
{
	return btf_is_composite(t) || btf_is_any_enum(t) || btf_is_typedef(t) || btf_is_fwd(t);
}

/* Marked types get new ids; a pointer is never marked (see btf_minimize). */
#define MARKED (~0u)

static int mark(const struct btf *v, __u32 *newid, __u32 id, __u32 *stack, __u32 cap)
{
	__u32 sp = 0;

	if (!id || newid[id])
		return 0;
	newid[id] = MARKED;
	stack[sp++] = id;
	while (sp) {
		const struct btf_type *t = btf__type_by_id(v, stack[--sp]);
		__u32 refs[2], n = 0;

		if (!t)
			return -EINVAL;
		switch (btf_kind(t)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION: {
			const struct btf_member *m = btf_members(t);

			for (__u16 i = 0; i < btf_vlen(t); i++) {
				const struct btf_type *mt = btf__type_by_id(v, m[i].type);

				if (!m[i].type || newid[m[i].type] || !mt || btf_is_ptr(mt))
					continue;
				if (sp >= cap)
					return -E2BIG;
				newid[m[i].type] = MARKED;
				stack[sp++] = m[i].type;
			}
			continue;
		}
		case BTF_KIND_ARRAY:
			refs[n++] = btf_array(t)->type;
			refs[n++] = btf_array(t)->index_type;
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			refs[n++] = t->type;
			break;
		default:
			break;
		}
		for (__u32 i = 0; i < n; i++) {
			const struct btf_type *rt = btf__type_by_id(v, refs[i]);

			/* A function prototype (behind a typedef) is left out
			 * like a pointer's target: map_id() makes it void. */
			if (!refs[i] || newid[refs[i]] || !rt || btf_is_ptr(rt) ||
			    btf_is_func_proto(rt))
				continue;
			if (sp >= cap)
				return -E2BIG;
			newid[refs[i]] = MARKED;
			stack[sp++] = refs[i];
		}
	}
	return 0;
}

/* A referenced type's id in the new BTF: pointers are the one void pointer,
 * a type left out (a function prototype behind a typedef) becomes void. */
static __u32 map_id(const struct btf *v, const __u32 *newid, __u32 id, __u32 ptr_id)
{
	const struct btf_type *t = id ? btf__type_by_id(v, id) : NULL;

	if (!t)
		return 0;
	if (btf_is_ptr(t))
		return ptr_id;
	return newid[id];
}

static int add_type(struct btf *out, const struct btf *v, const __u32 *newid, __u32 id,
		    __u32 ptr_id)
{
	const struct btf_type *t = btf__type_by_id(v, id);
	const char *name = btf__name_by_offset(v, t->name_off);
	int err = 0;

	if (name && !*name)
		name = NULL;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return btf__add_int(out, name, t->size, btf_int_encoding(t));
	case BTF_KIND_FLOAT:
		return btf__add_float(out, name, t->size);
	case BTF_KIND_FWD:
		return btf__add_fwd(out, name, btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);
		bool sign = btf_kflag(t);

		err = btf__add_enum(out, name, t->size);
		for (__u16 i = 0; err > 0 && i < btf_vlen(t); i++) {
			__s64 val = sign ? (__s64)(__s32)e[i].val : (__s64)(__u32)e[i].val;
			int rc = btf__add_enum_value(out, btf__name_by_offset(v, e[i].name_off),
						     val);

			if (rc)
				return rc;
		}
		return err;
	}
	case BTF_KIND_ENUM64: {
		const struct btf_enum64 *e = btf_enum64(t);

		err = btf__add_enum64(out, name, t->size, btf_kflag(t));
		for (__u16 i = 0; err > 0 && i < btf_vlen(t); i++) {
			int rc = btf__add_enum64_value(out, btf__name_by_offset(v, e[i].name_off),
						       btf_enum64_value(&e[i]));

			if (rc)
				return rc;
		}
		return err;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		err = btf_is_struct(t) ? btf__add_struct(out, name, t->size)
				       : btf__add_union(out, name, t->size);
		for (__u16 i = 0; err > 0 && i < btf_vlen(t); i++) {
			const char *mn = btf__name_by_offset(v, m[i].name_off);
			int rc = btf__add_field(
				out, mn && *mn ? mn : NULL, map_id(v, newid, m[i].type, ptr_id),
				btf_member_bit_offset(t, i), btf_member_bitfield_size(t, i));

			if (rc)
				return rc;
		}
		return err;
	}
	case BTF_KIND_ARRAY:
		return btf__add_array(out, map_id(v, newid, btf_array(t)->index_type, ptr_id),
				      map_id(v, newid, btf_array(t)->type, ptr_id),
				      btf_array(t)->nelems);
	case BTF_KIND_TYPEDEF:
		return btf__add_typedef(out, name, map_id(v, newid, t->type, ptr_id));
	case BTF_KIND_CONST:
		return btf__add_const(out, map_id(v, newid, t->type, ptr_id));
	case BTF_KIND_VOLATILE:
		return btf__add_volatile(out, map_id(v, newid, t->type, ptr_id));
	case BTF_KIND_RESTRICT:
		return btf__add_restrict(out, map_id(v, newid, t->type, ptr_id));
	case BTF_KIND_TYPE_TAG:
		return btf__add_type_tag(out, name, map_id(v, newid, t->type, ptr_id));
	default:
		/* Never marked (see mark()); a typedef of a function is void. */
		return -EINVAL;
	}
}

/* A root by its own name: the enums the reason names come from. */
static bool is_reason_enum(const struct btf_type *t, const char *s)
{
	return btf_is_any_enum(t) && strstr(s, "drop_reason");
}

/* The ids enum: each name of ids vmlinux has, valued its vmlinux id. */
static int add_ids(struct btf *out, const struct btf *v, const char *const *ids, int n_ids)
{
	int err = btf__add_enum(out, BTF_CACHE_IDS_ENUM, 4);

	for (int i = 0; err > 0 && i < n_ids; i++) {
		int id = btf__find_by_name(v, ids[i]);
		int rc;

		if (id <= 0)
			continue;
		rc = btf__add_enum_value(out, ids[i], id);
		if (rc)
			return rc;
	}
	return err < 0 ? err : 0;
}

__u32 btf_cache_vmlinux_id(const struct btf *min, const char *name)
{
	int id = min ? btf__find_by_name_kind(min, BTF_CACHE_IDS_ENUM, BTF_KIND_ENUM) : -1;
	const struct btf_type *t = id > 0 ? btf__type_by_id(min, id) : NULL;

	for (__u16 i = 0; t && i < btf_vlen(t); i++) {
		const struct btf_enum *e = &btf_enum(t)[i];
		const char *s = btf__name_by_offset(min, e->name_off);

		if (s && !strcmp(s, name) && (__s32)e->val > 0)
			return e->val;
	}
	return 0;
}

/* Bytes after struct btf_type for each kind, vlen the type's (-1: unknown). */
static long kind_extra(__u32 kind, __u32 vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

int btf_raw_find(const void *raw, size_t len, const char *name)
{
	const unsigned char *p = raw, *at, *strp;
	struct btf_header h;
	size_t types, types_end, strs, strs_end, off, nlen = strlen(name);
	__u32 name_off;
	char key[130];
	int id = 1;

	if (len < sizeof(h) || !nlen || nlen + 2 > sizeof(key))
		return -EINVAL;
	memcpy(&h, p, sizeof(h));
	/* Native byte order only, as the running kernel writes it. */
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h) || h.hdr_len > len)
		return -EINVAL;
	types = (size_t)h.hdr_len + h.type_off;
	types_end = types + h.type_len;
	strs = (size_t)h.hdr_len + h.str_off;
	strs_end = strs + h.str_len;
	if (types_end < types || types_end > len || strs_end < strs || strs_end > len ||
	    h.str_len < 1 || p[strs] || p[strs_end - 1])
		return -EINVAL;
	/*
	 * The name's offset first: strings are whole, NUL-separated and each
	 * held once (the kernel's BTF is deduplicated), so it is where
	 * "\0NAME\0" is. Then the types are compared by offset alone: two
	 * sequential reads, not a string read per type (20 ms against 2).
	 */
	key[0] = 0;
	memcpy(key + 1, name, nlen);
	key[nlen + 1] = 0;
	strp = p + strs;
	at = memmem(strp, h.str_len, key, nlen + 2);
	if (!at)
		return 0;
	name_off = at + 1 - strp;
	for (off = types; off < types_end; id++) {
		struct btf_type t;
		long extra;

		if (types_end - off < sizeof(t))
			return -EINVAL;
		memcpy(&t, p + off, sizeof(t));
		extra = kind_extra(btf_kind(&t), btf_vlen(&t));
		if (extra < 0 || (size_t)extra > types_end - off - sizeof(t))
			return -EINVAL;
		if (t.name_off == name_off)
			return id;
		off += sizeof(t) + extra;
	}
	return 0;
}

struct btf *btf_minimize(const struct btf *v, const struct btf *const *locals, int n_locals,
			 const char *const *ids, int n_ids)
{
	__u32 n = btf__type_cnt(v), nl = 0, nroots = 0, next, ptr_id = 1;
	struct name *roots = NULL;
	__u32 *newid = calloc(n, sizeof(*newid)), *stack = calloc(n, sizeof(*stack));
	struct btf *out = NULL;
	int err = -ENOMEM;

	for (int i = 0; i < n_locals; i++)
		nl += btf__type_cnt(locals[i]);
	roots = calloc(nl + 1, sizeof(*roots));
	if (!roots || !newid || !stack)
		goto done;
	for (int i = 0; i < n_locals; i++) {
		const struct btf *local = locals[i];

		for (__u32 id = 1; id < btf__type_cnt(local); id++) {
			const struct btf_type *t = btf__type_by_id(local, id);
			const char *s = btf__name_by_offset(local, t->name_off);

			if (is_root_kind(t) && s && *s)
				roots[nroots++] = (struct name){ s, essential_len(s) };
		}
	}
	qsort(roots, nroots, sizeof(*roots), name_cmp);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(v, id);
		const char *s = btf__name_by_offset(v, t->name_off);
		struct name key;

		if (!is_root_kind(t) || !s || !*s)
			continue;
		key = (struct name){ s, essential_len(s) };
		if (!is_reason_enum(t, s) &&
		    !bsearch(&key, roots, nroots, sizeof(*roots), name_cmp))
			continue;
		err = mark(v, newid, id, stack, n);
		if (err)
			goto done;
	}
	/* New ids in the old order: one void pointer first, then every
	 * marked type. Forward references are fine in BTF. */
	next = 2;
	for (__u32 id = 1; id < n; id++)
		if (newid[id] == MARKED)
			newid[id] = next++;
	out = btf__new_empty();
	if (!out) {
		err = -errno;
		goto done;
	}
	err = btf__add_ptr(out, 0);
	if (err != (int)ptr_id) {
		err = err < 0 ? err : -EINVAL;
		goto done;
	}
	for (__u32 id = 1; id < n; id++) {
		int got;

		if (!newid[id])
			continue;
		got = add_type(out, v, newid, id, ptr_id);
		if (got != (int)newid[id]) {
			err = got < 0 ? got : -EINVAL;
			goto done;
		}
	}
	/* Last: no local type has its name, so CO-RE never looks at it. */
	err = add_ids(out, v, ids, n_ids);
done:
	free(roots);
	free(newid);
	free(stack);
	if (err) {
		btf__free(out);
		errno = -err;
		return NULL;
	}
	return out;
}

/* --- making the file ------------------------------------------------------ */

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int make_dir(struct btf_cache *c)
{
	int fd = open_dir(c);

	if (fd != -ENOENT)
		return fd;
	/* Only the last component: its parent (/var/cache) is the system's. */
	if (mkdir(c->dir, 0700) && errno != EEXIST)
		return -errno;
	return open_dir(c);
}

int btf_cache_make(struct btf_cache *c, const struct btf *min)
{
	char tmp[64], path[96];
	const void *raw;
	__u32 size = 0;
	int dfd = -1, fd = -1, err;

	if (c->state != BTF_CACHE_MISS || !min)
		return -EINVAL;
	dfd = make_dir(c);
	if (dfd < 0) {
		err = dfd;
		if (c->state == BTF_CACHE_MISS)
			snprintf(c->note, sizeof(c->note), "cannot make %s: %s", c->dir,
				 strerror(-err));
		return err;
	}
	raw = btf__raw_data(min, &size);
	if (!raw) {
		err = -errno;
		snprintf(c->note, sizeof(c->note), "not made: %s", strerror(-err));
		goto out;
	}
	/* A new name of our own (O_EXCL, no link followed) in the checked
	 * directory, reached through its descriptor; renamed into place only
	 * once complete, so a reader never sees half a file. */
	snprintf(tmp, sizeof(tmp), ".tmp-%d.btf", (int)getpid());
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dfd, tmp);
	unlinkat(dfd, tmp, 0);
	fd = outfile_open(path, 0600, false, NULL);
	if (fd < 0) {
		err = fd;
		snprintf(c->note, sizeof(c->note), "not made: %s/%s: %s", c->dir, tmp,
			 outfile_strerror(err));
		goto out;
	}
	err = write_all(fd, raw, size);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	fd = -1;
	if (!err && renameat(dfd, tmp, dfd, c->name))
		err = -errno;
	if (err) {
		unlinkat(dfd, tmp, 0);
		snprintf(c->note, sizeof(c->note), "not made: %s/%s: %s", c->dir, c->name,
			 strerror(-err));
		goto out;
	}
	snprintf(c->note, sizeof(c->note), "made %s/%s (%u bytes, %u types)", c->dir, c->name, size,
		 btf__type_cnt(min) - 1);
out:
	if (dfd >= 0)
		close(dfd);
	return err;
}
