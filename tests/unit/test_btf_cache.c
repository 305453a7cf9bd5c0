// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/trace/btf_cache.c: the build id, the object hash, the
 * minimizer on a small BTF, the file's refusals in a directory of our own,
 * the prune rule and its application, removal by the kept descriptor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/btf.h>
#include <bpf/btf.h>

#include "trace/btf_cache.h"
#include "symbols/reasons.h"

/* One ELF note: namesz, descsz, type, name and descriptor padded to 4. */
static size_t put_note(unsigned char *p, const char *name, __u32 type, const void *desc,
		       __u32 descsz)
{
	__u32 namesz = strlen(name) + 1;
	size_t off = 12;

	memcpy(p, &namesz, 4);
	memcpy(p + 4, &descsz, 4);
	memcpy(p + 8, &type, 4);
	memset(p + off, 0, (namesz + 3) & ~3u);
	memcpy(p + off, name, namesz);
	off += (namesz + 3) & ~3u;
	memset(p + off, 0, (descsz + 3) & ~3u);
	memcpy(p + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

static void test_build_id(void **state)
{
	unsigned char buf[256], id[20];
	char hex[65];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		id[i] = (unsigned char)(0xa0 + i);
	/* Another note first (Xen's, Linux's), then the GNU build id. */
	n += put_note(buf + n, "Linux", 1, "\1\2\3", 3);
	n += put_note(buf + n, "GNU", 3, id, sizeof(id));
	assert_int_equal(btf_cache_build_id(buf, n, hex, sizeof(hex)), 20);
	assert_string_equal(hex, "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
	/* Cut anywhere inside the build id's note (it starts at 24): not
	 * found, and nothing read past the cut. */
	assert_int_equal(n, 60);
	for (size_t cut = 24; cut < n; cut++)
		assert_int_equal(btf_cache_build_id(buf, cut, hex, sizeof(hex)), -1);
	/* A size that points past the end. */
	__u32 big = 0xfffffff0;

	memcpy(buf + 4, &big, 4);
	assert_int_equal(btf_cache_build_id(buf, n, hex, sizeof(hex)), -1);
	/* No GNU note. */
	n = put_note(buf, "Xen", 3, id, sizeof(id));
	assert_int_equal(btf_cache_build_id(buf, n, hex, sizeof(hex)), -1);
	/* Too small an output. */
	n = put_note(buf, "GNU", 3, id, sizeof(id));
	assert_int_equal(btf_cache_build_id(buf, n, hex, 40), -1);
}

static void test_obj_hash(void **state)
{
	(void)state;
	/* FNV-1a 64's published values. */
	assert_true(btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
}

static int find(const struct btf *b, const char *name, int kind)
{
	return btf__find_by_name_kind(b, name, kind);
}

/*
 * "vmlinux": struct sk_buff { int len; struct inner in; struct big *p;
 * fn_t *f; unsigned int bits:3; u32 arr[4]; }, struct inner { enum e v; },
 * struct big { int x; } (only behind a pointer), struct sk_buff___old, a
 * typedef u32, enum e, struct unrelated. "local": struct sk_buff___mine.
 */
static void test_minimize(void **state)
{
	struct btf *v = btf__new_empty(), *l = btf__new_empty(), *m;
	int i_int, i_uint, i_inner, i_big, i_e, i_u32, i_skb, i_fn, i_arr;

	(void)state;
	i_int = btf__add_int(v, "int", 4, BTF_INT_SIGNED);
	i_uint = btf__add_int(v, "unsigned int", 4, 0);
	i_e = btf__add_enum(v, "e", 4);
	assert_int_equal(btf__add_enum_value(v, "E_A", 7), 0);
	i_inner = btf__add_struct(v, "inner", 4);
	assert_int_equal(btf__add_field(v, "v", i_e, 0, 0), 0);
	i_big = btf__add_struct(v, "big", 4);
	assert_int_equal(btf__add_field(v, "x", i_int, 0, 0), 0);
	i_u32 = btf__add_typedef(v, "u32", i_uint);
	i_fn = btf__add_func_proto(v, i_int);
	i_arr = btf__add_array(v, i_int, i_u32, 4);
	int p_big = btf__add_ptr(v, i_big), p_fn = btf__add_ptr(v, i_fn);

	i_skb = btf__add_struct(v, "sk_buff", 48);
	assert_true(i_skb > 0 && i_arr > 0 && i_fn > 0);
	assert_int_equal(btf__add_field(v, "len", i_int, 0, 0), 0);
	assert_int_equal(btf__add_field(v, "in", i_inner, 32, 0), 0);
	assert_int_equal(btf__add_field(v, "p", p_big, 64, 0), 0);
	assert_int_equal(btf__add_field(v, "f", p_fn, 128, 0), 0);
	assert_int_equal(btf__add_field(v, "bits", i_uint, 192, 3), 0);
	assert_int_equal(btf__add_field(v, "arr", i_arr, 224, 0), 0);
	assert_true(btf__add_struct(v, "sk_buff___old", 8) > 0);
	assert_true(btf__add_struct(v, "unrelated", 4) > 0);
	assert_int_equal(btf__add_field(v, "x", i_int, 0, 0), 0);

	assert_true(btf__add_int(l, "int", 4, BTF_INT_SIGNED) > 0);
	assert_true(btf__add_struct(l, "sk_buff___mine", 4) > 0);
	assert_int_equal(btf__add_field(l, "len", 1, 0, 0), 0);

	m = btf_minimize(v, (const struct btf *const *)&l, 1, NULL, 0);
	assert_non_null(m);
	/* Both flavors of sk_buff, what sk_buff embeds by value... */
	int skb = find(m, "sk_buff", BTF_KIND_STRUCT);

	assert_true(skb > 0);
	assert_true(find(m, "sk_buff___old", BTF_KIND_STRUCT) > 0);
	assert_true(find(m, "inner", BTF_KIND_STRUCT) > 0);
	assert_true(find(m, "e", BTF_KIND_ENUM) > 0);
	assert_true(find(m, "u32", BTF_KIND_TYPEDEF) > 0);
	assert_true(find(m, "unsigned int", BTF_KIND_INT) > 0);
	/* ...not what is behind a pointer, nor an unrelated type. */
	assert_true(find(m, "big", BTF_KIND_STRUCT) < 0);
	assert_true(find(m, "unrelated", BTF_KIND_STRUCT) < 0);
	/* The layout is the kernel's: offsets, the bitfield, the array. */
	const struct btf_type *t = btf__type_by_id(m, skb);
	const struct btf_member *mb = btf_members(t);

	assert_int_equal(btf_vlen(t), 6);
	assert_int_equal(t->size, 48);
	assert_int_equal(btf_member_bit_offset(t, 1), 32);
	assert_int_equal(btf_member_bit_offset(t, 4), 192);
	assert_int_equal(btf_member_bitfield_size(t, 4), 3);
	assert_int_equal(btf_member_bit_offset(t, 5), 224);
	/* Pointers are one pointer to void. */
	const struct btf_type *p = btf__type_by_id(m, mb[2].type);

	assert_true(btf_is_ptr(p));
	assert_int_equal(p->type, 0);
	assert_int_equal(mb[2].type, mb[3].type);
	const struct btf_type *a = btf__type_by_id(m, mb[5].type);

	assert_true(btf_is_array(a));
	assert_int_equal(btf_array(a)->nelems, 4);
	/* u32 elements, int index (btf__add_array takes the index first). */
	assert_string_equal(
		btf__name_by_offset(m, btf__type_by_id(m, btf_array(a)->type)->name_off), "u32");
	assert_string_equal(
		btf__name_by_offset(m, btf__type_by_id(m, btf_array(a)->index_type)->name_off),
		"int");
	/* The enum keeps its values. */
	const struct btf_type *e = btf__type_by_id(m, find(m, "e", BTF_KIND_ENUM));

	assert_int_equal(btf_enum(e)[0].val, 7);
	btf__free(m);
	btf__free(v);
	btf__free(l);
}

/* A typedef of a function prototype (the kernel's proc_handler) named in
 * our object: kept, as a typedef of void, and the rest still made. */
static void test_minimize_func_typedef(void **state)
{
	struct btf *v = btf__new_empty(), *l = btf__new_empty(), *m;
	int i_int, i_fn, i_td;

	(void)state;
	i_int = btf__add_int(v, "int", 4, BTF_INT_SIGNED);
	i_fn = btf__add_func_proto(v, i_int);
	assert_int_equal(btf__add_func_param(v, "x", i_int), 0);
	i_td = btf__add_typedef(v, "proc_handler", i_fn);
	assert_true(i_td > 0);
	assert_true(btf__add_struct(v, "sk_buff", 4) > 0);
	assert_int_equal(btf__add_field(v, "len", i_int, 0, 0), 0);

	assert_true(btf__add_int(l, "int", 4, BTF_INT_SIGNED) > 0);
	assert_true(btf__add_typedef(l, "proc_handler", 1) > 0);
	assert_true(btf__add_struct(l, "sk_buff", 4) > 0);
	assert_int_equal(btf__add_field(l, "len", 1, 0, 0), 0);

	m = btf_minimize(v, (const struct btf *const *)&l, 1, NULL, 0);
	assert_non_null(m);
	int td = find(m, "proc_handler", BTF_KIND_TYPEDEF);

	assert_true(td > 0);
	assert_int_equal(btf__type_by_id(m, td)->type, 0);
	assert_true(find(m, "sk_buff", BTF_KIND_STRUCT) > 0);
	btf__free(m);
	btf__free(v);
	btf__free(l);
}

/* The walk finds each name at libbpf's id, every kind with trailing data
 * in between; damaged bytes are -EINVAL, never a wrong id. */
static void test_raw_find(void **state)
{
	struct btf *b = btf__new_empty(), *m;
	const char *names[] = { "s", "e", "fn", "btf_trace_kfree_skb", "v", "sec", "e64" };
	int i_int, i_s, i_fp;
	const void *raw;
	__u32 size = 0;
	unsigned char *copy;

	(void)state;
	i_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	i_s = btf__add_struct(b, "s", 8);
	assert_int_equal(btf__add_field(b, "a", i_int, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "b", i_int, 32, 0), 0);
	assert_true(btf__add_array(b, i_int, i_int, 3) > 0);
	assert_true(btf__add_enum(b, "e", 4) > 0);
	assert_int_equal(btf__add_enum_value(b, "E1", 1), 0);
	i_fp = btf__add_func_proto(b, i_int);
	assert_int_equal(btf__add_func_param(b, "x", i_int), 0);
	assert_true(btf__add_func(b, "fn", BTF_FUNC_GLOBAL, i_fp) > 0);
	assert_true(btf__add_typedef(b, "btf_trace_kfree_skb", btf__add_ptr(b, i_fp)) > 0);
	assert_true(btf__add_var(b, "v", BTF_VAR_GLOBAL_ALLOCATED, i_int) > 0);
	assert_true(btf__add_datasec(b, "sec", 4) > 0);
	assert_true(btf__add_enum64(b, "e64", 8, false) > 0);
	assert_int_equal(btf__add_enum64_value(b, "F1", 1ULL << 40), 0);
	assert_true(i_s > 0);
	raw = btf__raw_data(b, &size);
	assert_non_null(raw);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(btf_raw_find(raw, size, names[i]), btf__find_by_name(b, names[i]));
	assert_int_equal(btf_raw_find(raw, size, "absent"), 0);
	/* "btf_trace_kfree" is a prefix of a name there, not a name. */
	assert_int_equal(btf_raw_find(raw, size, "btf_trace_kfree"), 0);
	/* Cut short, a wrong magic, an unknown kind: -EINVAL. */
	assert_int_equal(btf_raw_find(raw, size - 40, "e64"), -EINVAL);
	assert_int_equal(btf_raw_find(raw, 10, "e64"), -EINVAL);
	copy = malloc(size);
	assert_non_null(copy);
	memcpy(copy, raw, size);
	copy[0] ^= 0xff;
	assert_int_equal(btf_raw_find(copy, size, "e"), -EINVAL);
	memcpy(copy, raw, size);
	/* The first type's info: kind 31 is none. */
	const struct btf_header *h = raw;

	copy[h->hdr_len + h->type_off + 7] = 31;
	assert_int_equal(btf_raw_find(copy, size, "e64"), -EINVAL);
	free(copy);
	/* A minimized BTF's ids enum reads back. */
	m = btf__new_empty();
	assert_true(btf__add_enum(m, BTF_CACHE_IDS_ENUM, 4) > 0);
	assert_int_equal(btf__add_enum_value(m, "btf_trace_kfree_skb", 38042), 0);
	assert_int_equal(btf_cache_vmlinux_id(m, "btf_trace_kfree_skb"), 38042);
	assert_int_equal(btf_cache_vmlinux_id(m, "btf_trace_consume_skb"), 0);
	assert_int_equal(btf_cache_vmlinux_id(NULL, "btf_trace_kfree_skb"), 0);
	btf__free(m);
	btf__free(b);
}

/* In a directory of our own: a missing file is a miss, a link to a file
 * is refused, a file writable by others is refused. Needs root (owner 0). */
static void test_open_refusals(void **state)
{
	char dir[] = "/tmp/test_btf_cache.XXXXXX", path[512];
	struct btf_cache c;
	FILE *f;

	(void)state;
	if (geteuid() != 0)
		skip();
	btf_cache_open(&c, "/nonexistent-dir", btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "x", 1));
	if (c.state == BTF_CACHE_NONE)
		skip(); /* no build id on this kernel */
	assert_int_equal(c.state, BTF_CACHE_MISS);
	assert_non_null(mkdtemp(dir));
	btf_cache_open(&c, dir, btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "x", 1));
	assert_int_equal(c.state, BTF_CACHE_MISS);
	snprintf(path, sizeof(path), "%s/%s", dir, c.name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not btf", f);
	fclose(f);
	chmod(path, 0644);
	btf_cache_open(&c, dir, btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "x", 1));
	assert_int_equal(c.state, BTF_CACHE_HIT);
	assert_non_null(strstr(c.path, "/proc/self/fd/"));
	/* Not loadable: removed, and made again only after that. */
	btf_cache_discard(&c);
	assert_int_equal(c.state, BTF_CACHE_MISS);
	assert_int_equal(access(path, F_OK), -1);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("x", f);
	fclose(f);
	chmod(path, 0664);
	btf_cache_open(&c, dir, btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "x", 1));
	assert_int_equal(c.state, BTF_CACHE_REFUSED);
	assert_non_null(strstr(c.note, "writable by group or others"));
	unlink(path);
	assert_int_equal(symlink("/etc/hostname", path), 0);
	btf_cache_open(&c, dir, btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "x", 1));
	assert_int_equal(c.state, BTF_CACHE_REFUSED);
	assert_non_null(strstr(c.note, "symbolic link"));
	unlink(path);
	btf_cache_close(&c);
	rmdir(dir);
}

#define ID   "0123456789abcdef0123456789abcdef01234567"
#define KEEP "vmlinux-" ID "-1111111111111111-v2.btf"
#define DAY  (24 * 3600)

static enum btf_cache_prune rule(const char *name, mode_t type, uid_t uid, time_t age)
{
	struct stat st = { .st_mode = type | 0600, .st_uid = uid };
	time_t now = 1800000000;

	st.st_mtime = now - age;
	return btf_cache_prune_rule(name, &st, KEEP, ID, now);
}

/* The rule (btf_cache.h), name by name: only our patterns, root's regular
 * files; another kernel always, another build of this one after a week,
 * a dead writer's temporary file after an hour, the file written never. */
static void test_prune_rule(void **state)
{
	const char *other_kernel = "vmlinux-00112233-2222222222222222-v2.btf";
	const char *prefix_kernel = "vmlinux-0123456789abcdef-2222222222222222-v2.btf";
	const char *same_kernel = "vmlinux-" ID "-2222222222222222-v2.btf";
	const char *same_old_fmt = "vmlinux-" ID "-1111111111111111-v1.btf";

	(void)state;
	assert_int_equal(rule(KEEP, S_IFREG, 0, 30 * DAY), BTF_PRUNE_KEEP);
	assert_int_equal(rule(other_kernel, S_IFREG, 0, 0), BTF_PRUNE_OTHER_KERNEL);
	/* A build id that is a prefix of ours is another kernel's. */
	assert_int_equal(rule(prefix_kernel, S_IFREG, 0, 0), BTF_PRUNE_OTHER_KERNEL);
	assert_int_equal(rule(same_kernel, S_IFREG, 0, 6 * DAY), BTF_PRUNE_KEEP);
	assert_int_equal(rule(same_kernel, S_IFREG, 0, 8 * DAY), BTF_PRUNE_OTHER_BUILD);
	assert_int_equal(rule(same_old_fmt, S_IFREG, 0, 8 * DAY), BTF_PRUNE_OTHER_BUILD);
	assert_int_equal(rule(same_old_fmt, S_IFREG, 0, DAY), BTF_PRUNE_KEEP);
	/* Never a link, a directory, a file that is not root's. */
	assert_int_equal(rule(other_kernel, S_IFLNK, 0, 30 * DAY), BTF_PRUNE_KEEP);
	assert_int_equal(rule(other_kernel, S_IFDIR, 0, 30 * DAY), BTF_PRUNE_KEEP);
	assert_int_equal(rule(other_kernel, S_IFREG, 65534, 30 * DAY), BTF_PRUNE_KEEP);
	assert_int_equal(rule(".tmp-1234.btf", S_IFREG, 0, 2 * 3600), BTF_PRUNE_STALE_TMP);
	assert_int_equal(rule(".tmp-0123456789abcdef.btf", S_IFREG, 0, 60), BTF_PRUNE_KEEP);
	assert_int_equal(rule(".tmp-1234.btf", S_IFLNK, 0, 2 * 3600), BTF_PRUNE_KEEP);
	/* Not our names, however old. */
	static const char *const not_ours[] = {
		"vmlinux",
		"vmlinux-.btf",
		"vmlinux-00112233-2222-v2.btf",
		"vmlinux-00112233-2222222222222222-v2.btf.bak",
		"vmlinux-00112233-2222222222222222-v.btf",
		"vmlinux-0011X233-2222222222222222-v2.btf",
		"vmlinux-00112233-22222222222222222-v2.btf",
		"VMLINUX-00112233-2222222222222222-v2.btf",
		".tmp-.btf",
		".tmp-xyz.btf",
		".tmp-12.btfx",
		"notes",
		"..",
		".",
	};
	for (size_t i = 0; i < sizeof(not_ours) / sizeof(not_ours[0]); i++)
		assert_int_equal(rule(not_ours[i], S_IFREG, 0, 30 * DAY), BTF_PRUNE_KEEP);
}

static void make_file(int dfd, const char *name, time_t age)
{
	struct timespec t[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = time(NULL) - age } };
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	assert_int_equal(futimens(fd, t), 0);
	close(fd);
}

static bool there(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* In a directory: what the rule says goes, goes; links and files not
 * root's stay (so does a link's target); at most BTF_CACHE_PRUNE_SCAN
 * entries are looked at per call. Needs root (owner 0). */
static void test_prune_dir(void **state)
{
	char dir[] = "/tmp/test_btf_cache.XXXXXX", target[64], name[128];
	int dfd, n, left = 0;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	make_file(dfd, KEEP, 30 * DAY);
	make_file(dfd, "vmlinux-00112233-2222222222222222-v2.btf", 0);
	make_file(dfd, "vmlinux-" ID "-2222222222222222-v2.btf", DAY);
	make_file(dfd, "vmlinux-" ID "-3333333333333333-v2.btf", 8 * DAY);
	make_file(dfd, ".tmp-77.btf", 2 * 3600);
	make_file(dfd, "unrelated", 30 * DAY);
	make_file(dfd, "target", 30 * DAY);
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(symlinkat(target, dfd, "vmlinux-44444444-2222222222222222-v2.btf"), 0);
	make_file(dfd, "vmlinux-55555555-2222222222222222-v2.btf", 30 * DAY);
	assert_int_equal(fchownat(dfd, "vmlinux-55555555-2222222222222222-v2.btf", 65534, 65534, 0),
			 0);
	assert_int_equal(btf_cache_prune(dfd, KEEP, ID, time(NULL)), 3);
	assert_true(there(dfd, KEEP));
	assert_false(there(dfd, "vmlinux-00112233-2222222222222222-v2.btf"));
	assert_true(there(dfd, "vmlinux-" ID "-2222222222222222-v2.btf"));
	assert_false(there(dfd, "vmlinux-" ID "-3333333333333333-v2.btf"));
	assert_false(there(dfd, ".tmp-77.btf"));
	assert_true(there(dfd, "unrelated"));
	assert_true(there(dfd, "target"));
	assert_true(there(dfd, "vmlinux-44444444-2222222222222222-v2.btf"));
	assert_true(there(dfd, "vmlinux-55555555-2222222222222222-v2.btf"));
	assert_int_equal(btf_cache_prune(dfd, KEEP, ID, time(NULL)), 0);

	/* Bounded: of 300 others' files, one call removes fewer than 256
	 * ("." and ".." and the survivors above are entries too). */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "vmlinux-%08x-2222222222222222-v2.btf",
			 0xa0000000 + i);
		make_file(dfd, name, 0);
	}
	n = btf_cache_prune(dfd, KEEP, ID, time(NULL));
	assert_true(n > 0 && n <= BTF_CACHE_PRUNE_SCAN);
	assert_true(n < 300);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "vmlinux-%08x-2222222222222222-v2.btf",
			 0xa0000000 + i);
		left += there(dfd, name);
	}
	assert_int_equal(left, 300 - n);
	while (btf_cache_prune(dfd, KEEP, ID, time(NULL)) > 0)
		;
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "vmlinux-%08x-2222222222222222-v2.btf",
			 0xa0000000 + i);
		assert_false(there(dfd, name));
	}

	static const char *const rm[] = {
		KEEP,
		"vmlinux-" ID "-2222222222222222-v2.btf",
		"unrelated",
		"target",
		"vmlinux-44444444-2222222222222222-v2.btf",
		"vmlinux-55555555-2222222222222222-v2.btf",
	};
	for (size_t i = 0; i < sizeof(rm) / sizeof(rm[0]); i++)
		assert_int_equal(unlinkat(dfd, rm[i], 0), 0);
	close(dfd);
	assert_int_equal(rmdir(dir), 0);
}

/* btf_cache_discard goes by the directory descriptor kept from the open,
 * and removes the name only while it is the file opened: a directory
 * renamed away and another put at its path loses nothing; a file renamed
 * over the name is not removed. Needs root. */
static void test_discard_by_descriptor(void **state)
{
	char dir[] = "/tmp/test_btf_cache.XXXXXX", moved[64], path[512], mpath[512];
	struct btf_cache c;
	FILE *f;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	btf_cache_open(&c, dir, btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "y", 1));
	if (c.state == BTF_CACHE_NONE) {
		rmdir(dir);
		skip();
	}
	snprintf(path, sizeof(path), "%s/%s", dir, c.name);
	btf_cache_close(&c);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not btf", f);
	fclose(f);
	chmod(path, 0600);
	btf_cache_open(&c, dir, btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "y", 1));
	assert_int_equal(c.state, BTF_CACHE_HIT);
	/* The directory swapped: the one opened is elsewhere now, and a new
	 * one with a file of the same name is at the path. */
	snprintf(moved, sizeof(moved), "%s.moved", dir);
	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("someone's", f);
	fclose(f);
	btf_cache_discard(&c);
	assert_int_equal(c.state, BTF_CACHE_MISS);
	assert_int_equal(access(path, F_OK), 0); /* the new directory's: kept */
	snprintf(mpath, sizeof(mpath), "%s/%s", moved, c.name);
	assert_int_equal(access(mpath, F_OK), -1); /* the opened one's: gone */
	btf_cache_close(&c);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rmdir(moved), 0);

	/* The name replaced by another file after the open: not removed. */
	snprintf(dir, sizeof(dir), "/tmp/test_btf_cache.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, c.name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not btf", f);
	fclose(f);
	chmod(path, 0600);
	btf_cache_open(&c, dir, btf_cache_obj_hash(BTF_CACHE_HASH_INIT, "y", 1));
	assert_int_equal(c.state, BTF_CACHE_HIT);
	snprintf(mpath, sizeof(mpath), "%s/new", dir);
	f = fopen(mpath, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(rename(mpath, path), 0);
	btf_cache_discard(&c);
	assert_int_equal(c.state, BTF_CACHE_REFUSED);
	assert_non_null(strstr(c.note, "cannot remove it"));
	assert_int_equal(access(path, F_OK), 0);
	btf_cache_close(&c);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The kernel's own BTF, minimized with no local type at all, still names
 * every drop reason as the whole BTF does (reasons__load, which `dropscope
 * reasons` prints): the reason enums are kept by name, whatever the
 * objects use. From the minimized BTF alone (reasons__from_btf, no
 * fallback): every reason of the kernel's own enums (a module's subsystem,
 * value >= 1 << 16, may be missing: its enum is in the module's BTF); and
 * reasons__load_min: all of them, same value -> name pairs. */
static void test_minimize_keeps_reasons(void **state)
{
	struct btf *v = btf__load_vmlinux_btf(), *empty = btf__new_empty(), *min;
	const struct btf *locals[] = { empty };
	struct reasons *full, *alone, *viamin;
	size_t core = 0;

	(void)state;
	if (!v)
		skip(); /* no kernel BTF */
	assert_non_null(empty);
	min = btf_minimize(v, locals, 1, NULL, 0);
	assert_non_null(min);
	assert_true(btf__type_cnt(min) < btf__type_cnt(v) / 10);
	full = reasons__load(NULL);
	if (!full || reasons__source(full) != REASONS_BTF)
		skip(); /* kernel without drop reasons */
	alone = reasons__from_btf(min, NULL, 0);
	viamin = reasons__load_min(min);
	assert_non_null(alone);
	assert_non_null(viamin);
	assert_int_equal(reasons__count(viamin), reasons__count(full));
	for (size_t i = 0; i < reasons__count(full); i++) {
		uint32_t val;
		const char *name, *other;

		assert_int_equal(reasons__entry(full, i, &val, &name), 0);
		other = reasons__name(viamin, val);
		assert_non_null(other);
		assert_string_equal(other, name);
		if (val >= 1u << 16)
			continue;
		core++;
		other = reasons__name(alone, val);
		assert_non_null(other);
		assert_string_equal(other, name);
	}
	assert_true(core > 50);
	reasons__free(full);
	reasons__free(alone);
	reasons__free(viamin);
	btf__free(min);
	btf__free(empty);
	btf__free(v);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_id),      cmocka_unit_test(test_obj_hash),
		cmocka_unit_test(test_minimize),      cmocka_unit_test(test_minimize_func_typedef),
		cmocka_unit_test(test_open_refusals), cmocka_unit_test(test_prune_rule),
		cmocka_unit_test(test_prune_dir),     cmocka_unit_test(test_discard_by_descriptor),
		cmocka_unit_test(test_raw_find),      cmocka_unit_test(test_minimize_keeps_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
