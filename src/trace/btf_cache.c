// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/random.h>
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
	c->dfd = -1;
	c->state = BTF_CACHE_NONE;
	if (!dir)
		dir = secure_getenv(BTF_CACHE_DIR_ENV);
	if (!dir || !*dir)
		dir = BTF_CACHE_DIR_DEFAULT;
	if (snprintf(c->dir, sizeof(c->dir), "%s", dir) >= (int)sizeof(c->dir)) {
		snprintf(c->note, sizeof(c->note), "cache directory name too long");
		return;
	}
	if (read_notes(id, sizeof(id)) <= 0) {
		snprintf(c->note, sizeof(c->note),
			 "no kernel build id in /sys/kernel/notes: no cache");
		return;
	}
	snprintf(c->build_id, sizeof(c->build_id), "%s", id);
	snprintf(c->name, sizeof(c->name), "vmlinux-%s-%016llx-v%d.btf", id,
		 (unsigned long long)objs_hash, BTF_CACHE_FORMAT);
	c->state = BTF_CACHE_MISS;
	dfd = open_dir(c);
	if (dfd < 0) {
		if (c->state == BTF_CACHE_MISS)
			snprintf(c->note, sizeof(c->note), "%s/%s not there", c->dir, c->name);
		return;
	}
	/* Kept: a removal or a new file later goes by this descriptor, never
	 * by the path again (a directory swapped meanwhile cannot redirect
	 * it). */
	c->dfd = dfd;
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
		return;
	}
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
	/* In use: the prune rule of other builds (btf_cache.h) spares a file
	 * modified within a week, so a file in use is touched, at most once a
	 * day (not a write per start). Failing (a read-only /var) is harmless:
	 * the worst is that another build removes it and it is made again. */
	if (time(NULL) - st.st_mtime > BTF_CACHE_TOUCH_SECS)
		futimens(fd, NULL);
	c->fd = fd;
	c->state = BTF_CACHE_HIT;
	snprintf(c->path, sizeof(c->path), "/proc/self/fd/%d", fd);
	snprintf(c->note, sizeof(c->note), "used %s/%s", c->dir, c->name);
}

static void close_file(struct btf_cache *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->path[0] = 0;
}

void btf_cache_close(struct btf_cache *c)
{
	close_file(c);
	if (c->dfd >= 0)
		close(c->dfd);
	c->dfd = -1;
}

void btf_cache_discard(struct btf_cache *c)
{
	struct stat was, now;
	int err = 0;

	if (c->state != BTF_CACHE_HIT)
		return;
	/* The file opened, and the name now: removed only if they are one
	 * (same device and inode, neither followed through a link). */
	if (fstat(c->fd, &was))
		err = errno;
	else if (fstatat(c->dfd, c->name, &now, AT_SYMLINK_NOFOLLOW))
		err = errno == ENOENT ? 0 : errno;
	else if (now.st_dev != was.st_dev || now.st_ino != was.st_ino)
		err = ESTALE;
	else if (unlinkat(c->dfd, c->name, 0) && errno != ENOENT)
		err = errno;
	close_file(c);
	/* Gone: it is made again once attached. */
	c->state = err ? BTF_CACHE_REFUSED : BTF_CACHE_MISS;
	snprintf(c->note, sizeof(c->note), "%s/%s did not load (loaded without it); %s%s", c->dir,
		 c->name, err ? "cannot remove it: " : "removed",
		 err == ESTALE ? "another file has its name now"
		 : err	       ? strerror(err)
			       : "");
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

/* --- writing ------------------------------------------------------------ */

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
	int fd;

	if (c->dfd >= 0)
		return c->dfd;
	fd = open_dir(c);
	if (fd >= 0)
		c->dfd = fd;
	if (fd != -ENOENT)
		return fd;
	/* Only the last component: its parent (/var/cache) is the system's. */
	if (mkdir(c->dir, 0700) && errno != EEXIST)
		return -errno;
	fd = open_dir(c);
	if (fd >= 0)
		c->dfd = fd;
	return fd;
}

/* --- pruning (the rule: btf_cache.h) -------------------------------------- */

/* n lowercase hex digits at s (n 0: any number, at least one); the
 * length matched, or 0. */
static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;

	while ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))
		i++;
	return i && (!n || i == n) ? i : 0;
}

/* vmlinux-ID-OBJHASH-vN.btf: the length of ID, or 0 if name is not one. */
static size_t cache_name_id(const char *name)
{
	const char *p;
	size_t id, h;

	if (strncmp(name, "vmlinux-", 8))
		return 0;
	p = name + 8;
	id = hex_run(p, 0);
	if (!id || id > 64 || p[id] != '-')
		return 0;
	h = hex_run(p + id + 1, 16);
	if (!h || strncmp(p + id + 1 + h, "-v", 2))
		return 0;
	p += id + 1 + h + 2;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return strcmp(p, ".btf") ? 0 : id;
}

/* .tmp-X.btf, X hex (ours: random; older builds': the pid). */
static bool tmp_name(const char *name)
{
	size_t n;

	if (strncmp(name, ".tmp-", 5))
		return false;
	n = hex_run(name + 5, 0);
	return n && n <= 32 && !strcmp(name + 5 + n, ".btf");
}

enum btf_cache_prune btf_cache_prune_rule(const char *name, const struct stat *st, const char *keep,
					  const char *build_id, time_t now)
{
	size_t id;

	/* Only root's regular files: never a link (neither it nor what it
	 * points to), a directory, or a file someone else put there. */
	if (!strcmp(name, keep) || !S_ISREG(st->st_mode) || st->st_uid != 0)
		return BTF_PRUNE_KEEP;
	if (tmp_name(name))
		return now - st->st_mtime > BTF_CACHE_TMP_SECS ? BTF_PRUNE_STALE_TMP
							       : BTF_PRUNE_KEEP;
	id = cache_name_id(name);
	if (!id)
		return BTF_PRUNE_KEEP;
	if (strlen(build_id) != id || strncmp(name + 8, build_id, id))
		return BTF_PRUNE_OTHER_KERNEL;
	if (now - st->st_mtime > (time_t)BTF_CACHE_KEEP_DAYS * 24 * 3600)
		return BTF_PRUNE_OTHER_BUILD;
	return BTF_PRUNE_KEEP;
}

int btf_cache_prune(int dfd, const char *keep, const char *build_id, time_t now)
{
	/* Its own descriptor for reading (closedir closes it); every stat and
	 * removal goes by dfd, the directory checked when it was opened, so a
	 * path swapped meanwhile cannot redirect them. */
	int rfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = rfd >= 0 ? fdopendir(rfd) : NULL;
	struct dirent *e;
	int seen = 0, removed = 0;

	if (!d) {
		if (rfd >= 0)
			close(rfd);
		return 0;
	}
	while (seen < BTF_CACHE_PRUNE_SCAN && (e = readdir(d))) {
		struct stat st;

		seen++;
		if (e->d_name[0] != 'v' && e->d_name[0] != '.')
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (btf_cache_prune_rule(e->d_name, &st, keep, build_id, now) == BTF_PRUNE_KEEP)
			continue;
		/* Between fstatat and unlinkat only root can change the entry
		 * (the directory is root's and no one else's: open_dir()). */
		if (!unlinkat(dfd, e->d_name, 0))
			removed++;
	}
	closedir(d);
	return removed;
}

/* --- making the file ------------------------------------------------------ */

/* A name no other writer holds: random, not the pid (writers in other PID
 * namespaces share the directory). */
static int random_tmp(char *tmp, size_t len)
{
	unsigned char r[8];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return errno ? -errno : -EIO;
	snprintf(tmp, len, ".tmp-%02x%02x%02x%02x%02x%02x%02x%02x.btf", r[0], r[1], r[2], r[3],
		 r[4], r[5], r[6], r[7]);
	return 0;
}

/*
 * Write raw under a new name of its own in dfd, *tmp. With O_TMPFILE the
 * file has no name while written (a writer killed meanwhile leaves
 * nothing) and is linked under a random name once complete; where the
 * filesystem has no O_TMPFILE, the random name is made with
 * O_EXCL|O_NOFOLLOW (outfile_openat: nothing planted there is written
 * through). Either way no two writers share a name; EEXIST: draw again.
 */
static int write_tmp(int dfd, const void *raw, size_t size, char *tmp, size_t tmplen)
{
	int fd, err = 0;
	bool linked = false;

	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	if (fd < 0) {
		for (int tries = 0; tries < 8; tries++) {
			err = random_tmp(tmp, tmplen);
			if (err)
				return err;
			fd = outfile_openat(dfd, tmp, 0600, false, NULL);
			if (fd != -EEXIST)
				break;
		}
		if (fd < 0)
			return fd;
		linked = true;
	}
	err = write_all(fd, raw, size);
	if (!err && fsync(fd))
		err = -errno;
	if (!err && !linked) {
		char self[32];

		/* By /proc/self/fd: AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH. */
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		err = -EEXIST;
		for (int tries = 0; tries < 8 && err == -EEXIST; tries++) {
			err = random_tmp(tmp, tmplen);
			if (!err && linkat(AT_FDCWD, self, dfd, tmp, AT_SYMLINK_FOLLOW))
				err = -errno;
		}
		linked = !err;
	}
	if (close(fd) && !err)
		err = -errno;
	if (err && linked)
		unlinkat(dfd, tmp, 0);
	return err;
}

int btf_cache_make(struct btf_cache *c, const struct btf *min)
{
	char tmp[40] = "";
	const void *raw;
	__u32 size = 0;
	int dfd, err, pruned;

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
	/* In the checked directory, reached through its descriptor; renamed
	 * into place only once complete, so a reader never sees half a file,
	 * and two first starts at once each rename a whole file of the same
	 * bytes: the last rename wins, nothing is left behind. */
	err = write_tmp(dfd, raw, size, tmp, sizeof(tmp));
	if (!err && renameat(dfd, tmp, dfd, c->name)) {
		err = -errno;
		unlinkat(dfd, tmp, 0);
	}
	if (err) {
		snprintf(c->note, sizeof(c->note), "not made: %s/%s: %s", c->dir, c->name,
			 outfile_strerror(err));
		goto out;
	}
	pruned = btf_cache_prune(dfd, c->name, c->build_id, time(NULL));
	snprintf(c->note, sizeof(c->note), "made %s/%s (%u bytes, %u types)%s", c->dir, c->name,
		 size, btf__type_cnt(min) - 1, pruned ? "; removed " : "");
	if (pruned) {
		size_t n = strlen(c->note);

		snprintf(c->note + n, sizeof(c->note) - n, "%d file%s of other kernels or builds",
			 pruned, pruned == 1 ? "" : "s");
	}
out:
	return err;
}
