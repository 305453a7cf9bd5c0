// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the pcapng writer: byte layout of every block read back
 * from the file, padding for odd lengths, file modes, errors (EPIPE; a
 * write cut short leaves whole blocks only), and,
 * when Wireshark's tools are installed, that capinfos and tshark read what
 * was written, from a file and through a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "render/pcapng.h"

struct ctx {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	strcpy(c->dir, "/tmp/test_pcapng.XXXXXX");
	if (!mkdtemp(c->dir)) {
		free(c);
		return -1;
	}
	snprintf(c->path, sizeof(c->path), "%s/out.pcapng", c->dir);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	unlink(c->path);
	rmdir(c->dir);
	free(c);
	return 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/*
 * Check the framing of the block at *off (lengths, alignment, trailer),
 * that it has the wanted type, and return its start, advancing *off.
 */
static const uint8_t *next_block(const uint8_t *buf, size_t len, size_t *off, uint32_t type)
{
	const uint8_t *b = buf + *off;
	uint32_t blen;

	assert_true(len - *off >= 12);
	assert_int_equal(rd32(b), type);
	blen = rd32(b + 4);
	assert_int_equal(blen % 4, 0);
	assert_true(blen >= 12 && blen <= len - *off);
	assert_int_equal(rd32(b + blen - 4), blen);
	*off += blen;
	return b;
}

/* Check one option at *o: code, length, value, zero padding; advance *o. */
static void expect_opt(const uint8_t **o, uint16_t code, const void *val, uint16_t len)
{
	size_t padded = (len + 3u) & ~3u;

	assert_int_equal(rd16(*o), code);
	assert_int_equal(rd16(*o + 2), len);
	if (len)
		assert_memory_equal(*o + 4, val, len);
	for (size_t i = len; i < padded; i++)
		assert_int_equal((*o)[4 + i], 0);
	*o += 4 + padded;
}

static void expect_shb(const uint8_t *buf, size_t len, size_t *off)
{
	const uint8_t *b = next_block(buf, len, off, 0x0a0d0d0a);
	const uint8_t *o = b + 24;
	int64_t section_len;

	assert_int_equal(rd32(b + 8), 0x1a2b3c4d);
	assert_int_equal(rd16(b + 12), 1);
	assert_int_equal(rd16(b + 14), 0);
	memcpy(&section_len, b + 16, 8);
	assert_int_equal(section_len, -1);
	expect_opt(&o, 4, "dropscope", 9);
	expect_opt(&o, 0, NULL, 0);
	assert_ptr_equal(o + 4, b + rd32(b + 4));
}

static void expect_idb(const uint8_t *buf, size_t len, size_t *off, const char *name,
		       uint32_t snaplen)
{
	const uint8_t *b = next_block(buf, len, off, 1);
	const uint8_t *o = b + 16;
	uint8_t nine = 9;

	assert_int_equal(rd16(b + 8), 1); /* LINKTYPE_ETHERNET */
	assert_int_equal(rd16(b + 10), 0);
	assert_int_equal(rd32(b + 12), snaplen);
	if (name)
		expect_opt(&o, 2, name, (uint16_t)strlen(name));
	expect_opt(&o, 9, &nine, 1);
	expect_opt(&o, 0, NULL, 0);
	assert_ptr_equal(o + 4, b + rd32(b + 4));
}

static void expect_epb(const uint8_t *buf, size_t len, size_t *off, uint32_t if_id, uint64_t ts,
		       const void *data, uint32_t caplen, uint32_t origlen, const char *comment)
{
	const uint8_t *b = next_block(buf, len, off, 6);
	size_t padded = (caplen + 3u) & ~3u;
	const uint8_t *o = b + 28 + padded;

	assert_int_equal(rd32(b + 8), if_id);
	assert_int_equal(rd32(b + 12), (uint32_t)(ts >> 32));
	assert_int_equal(rd32(b + 16), (uint32_t)ts);
	assert_int_equal(rd32(b + 20), caplen);
	assert_int_equal(rd32(b + 24), origlen);
	if (caplen)
		assert_memory_equal(b + 28, data, caplen);
	for (size_t i = caplen; i < padded; i++)
		assert_int_equal(b[28 + i], 0);
	if (comment && *comment) {
		expect_opt(&o, 1, comment, (uint16_t)strlen(comment));
		expect_opt(&o, 0, NULL, 0);
	}
	assert_ptr_equal(o + 4, b + rd32(b + 4));
}

static void test_layout(void **state)
{
	static const char *const comments[] = { NULL, "a", "ab", "abc", "abcd", "abcde", "" };
	struct ctx *c = *state;
	uint8_t data[16];
	struct pcapng *pc;
	size_t len, off = 0;
	uint8_t *buf;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xa0 + i);

	pc = pcapng__open(c->path, true);
	assert_non_null(pc);
	assert_int_equal(pcapng__add_interface(pc, "eth0", 128), 0);
	assert_int_equal(pcapng__add_interface(pc, NULL, 65535), 1);
	assert_int_equal(pcapng__add_interface(pc, "veth-abcdefgh", 64), 2);
	/* Every data length mod 4 crossed with every comment length mod 4. */
	for (uint32_t n = 0; n <= 5; n++) {
		for (size_t k = 0; k < sizeof(comments) / sizeof(comments[0]); k++) {
			uint64_t ts = 1700000000123456789ull + n * 10 + k;

			assert_int_equal(pcapng__write_packet(pc, (uint32_t)k % 3, ts, data, n,
							      n + 100, comments[k]),
					 0);
		}
	}
	assert_int_equal(pcapng__close(pc), 0);

	buf = read_file(c->path, &len);
	expect_shb(buf, len, &off);
	expect_idb(buf, len, &off, "eth0", 128);
	expect_idb(buf, len, &off, NULL, 65535);
	expect_idb(buf, len, &off, "veth-abcdefgh", 64);
	for (uint32_t n = 0; n <= 5; n++) {
		for (size_t k = 0; k < sizeof(comments) / sizeof(comments[0]); k++) {
			uint64_t ts = 1700000000123456789ull + n * 10 + k;

			expect_epb(buf, len, &off, (uint32_t)k % 3, ts, data, n, n + 100,
				   comments[k]);
		}
	}
	assert_int_equal(off, len);
	free(buf);
}

static void test_exact_bytes(void **state)
{
	/* Little-endian host: the layout spelled out byte by byte. */
	static const uint8_t want_epb[] = {
		0x06, 0,    0,	  0, 48,   0,	0, 0, /* EPB, length 48 */
		0x00, 0,    0,	  0,		      /* interface 0 */
		0x01, 0,    0,	  0, 0x02, 0,	0, 0, /* ts high, ts low */
		3,    0,    0,	  0, 60,   0,	0, 0, /* caplen 3, origlen 60 */
		0xde, 0xad, 0xbe, 0,		      /* data + 1 byte padding */
		0x01, 0,    2,	  0, 'h',  'i', 0, 0, /* opt_comment "hi" */
		0,    0,    0,	  0,		      /* opt_endofopt */
		48,   0,    0,	  0,
	};
	static const uint8_t pkt[] = { 0xde, 0xad, 0xbe };
	struct ctx *c = *state;
	const uint16_t probe = 1;
	struct pcapng *pc;
	size_t len, off = 0;
	uint8_t *buf;

	if (*(const uint8_t *)&probe != 1)
		skip();
	pc = pcapng__open(c->path, true);
	assert_non_null(pc);
	assert_int_equal(pcapng__add_interface(pc, "lo", 96), 0);
	assert_int_equal(pcapng__write_packet(pc, 0, (1ull << 32) | 2, pkt, 3, 60, "hi"), 0);
	assert_int_equal(pcapng__close(pc), 0);

	buf = read_file(c->path, &len);
	expect_shb(buf, len, &off);
	assert_int_equal(off, 48);
	expect_idb(buf, len, &off, "lo", 96);
	assert_int_equal(off, 48 + 40);
	assert_int_equal(len - off, sizeof(want_epb));
	assert_memory_equal(buf + off, want_epb, sizeof(want_epb));
	free(buf);
}

static void test_big_packet_and_comment(void **state)
{
	struct ctx *c = *state;
	size_t len, off = 0, clen = 80000;
	uint8_t *data, *buf;
	struct pcapng *pc;
	char *comment;

	data = malloc(PCAPNG_MAX_CAPLEN);
	comment = malloc(clen + 1);
	assert_non_null(data);
	assert_non_null(comment);
	for (size_t i = 0; i < PCAPNG_MAX_CAPLEN; i++)
		data[i] = (uint8_t)(i * 7);
	/* "a" then two-byte characters: byte 65532 is a continuation byte. */
	comment[0] = 'a';
	for (size_t i = 1; i + 1 < clen; i += 2)
		memcpy(comment + i, "\xc3\xa9", 2);
	comment[clen - 1] = '\0';

	pc = pcapng__open(c->path, true);
	assert_non_null(pc);
	assert_int_equal(pcapng__add_interface(pc, "eth0", PCAPNG_MAX_CAPLEN), 0);
	/* Larger than the output buffer: must stream through it. */
	assert_int_equal(
		pcapng__write_packet(pc, 0, 1, data, PCAPNG_MAX_CAPLEN, PCAPNG_MAX_CAPLEN, comment),
		0);
	assert_int_equal(pcapng__write_packet(pc, 0, 2, data, 1, 0, NULL), 0);
	assert_int_equal(pcapng__close(pc), 0);

	buf = read_file(c->path, &len);
	expect_shb(buf, len, &off);
	expect_idb(buf, len, &off, "eth0", PCAPNG_MAX_CAPLEN);
	comment[65531] = '\0'; /* cut back to the start of the character */
	expect_epb(buf, len, &off, 0, 1, data, PCAPNG_MAX_CAPLEN, PCAPNG_MAX_CAPLEN, comment);
	/* origlen below caplen is raised to caplen. */
	expect_epb(buf, len, &off, 0, 2, data, 1, 1, NULL);
	assert_int_equal(off, len);
	free(buf);
	free(data);
	free(comment);
}

static void test_invalid_args(void **state)
{
	struct ctx *c = *state;
	uint8_t byte = 0;
	struct pcapng *pc;

	pc = pcapng__open(c->path, true);
	assert_non_null(pc);
	/* No interface yet. */
	assert_int_equal(pcapng__write_packet(pc, 0, 0, &byte, 1, 1, NULL), -EINVAL);
	assert_int_equal(pcapng__add_interface(pc, "eth0", 128), 0);
	assert_int_equal(pcapng__write_packet(pc, 1, 0, &byte, 1, 1, NULL), -EINVAL);
	assert_int_equal(pcapng__write_packet(pc, 0, 0, &byte, PCAPNG_MAX_CAPLEN + 1, 1, NULL),
			 -EINVAL);
	assert_int_equal(pcapng__write_packet(pc, 0, 0, NULL, 1, 1, NULL), -EINVAL);
	/* An empty packet is legal. */
	assert_int_equal(pcapng__write_packet(pc, 0, 0, NULL, 0, 0, NULL), 0);
	/* Argument errors are not sticky. */
	assert_int_equal(pcapng__flush(pc), 0);
	assert_int_equal(pcapng__close(pc), 0);
	assert_int_equal(pcapng__close(NULL), 0);

	errno = 0;
	assert_null(pcapng__open("", false));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(pcapng__open("/nonexistent-dir-dropscope/x.pcapng", false));
	assert_int_equal(errno, ENOENT);
}

static void test_file_mode(void **state)
{
	struct ctx *c = *state;
	struct pcapng *pc;
	struct stat st;
	mode_t old = umask(0);
	int fd;

	/* A new file: 0600 whatever the umask allows. */
	unlink(c->path);
	pc = pcapng__open(c->path, true);
	assert_non_null(pc);
	assert_int_equal(pcapng__close(pc), 0);
	assert_int_equal(stat(c->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* An existing file is refused without force, and left as it was. */
	unlink(c->path);
	fd = open(c->path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old contents, longer than an SHB alone......", 44), 44);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	errno = 0;
	assert_null(pcapng__open(c->path, false));
	assert_int_equal(errno, EEXIST);
	assert_int_equal(stat(c->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_size, 44);

	/* With force it is truncated, and keeps its mode: never chmod. */
	pc = pcapng__open(c->path, true);
	assert_non_null(pc);
	assert_int_equal(pcapng__close(pc), 0);
	assert_int_equal(stat(c->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_size, 48); /* just the SHB */

	/* A symbolic link is never followed, with force or without. */
	{
		char link[sizeof(c->path) + 8];

		snprintf(link, sizeof(link), "%s.lnk", c->path);
		unlink(link);
		assert_int_equal(symlink(c->path, link), 0);
		for (int force = 0; force < 2; force++) {
			errno = 0;
			assert_null(pcapng__open(link, force));
			assert_int_equal(errno, ELOOP);
		}
		assert_int_equal(stat(c->path, &st), 0);
		assert_int_equal(st.st_size, 48);
		unlink(link);
	}

	/* A character device is written to without force. */
	pc = pcapng__open("/dev/null", false);
	assert_non_null(pc);
	assert_int_equal(pcapng__close(pc), 0);
	umask(old);
}

static void test_epipe(void **state)
{
	uint8_t data[1500] = { 0 };
	struct pcapng *pc;
	int p[2], err = 0;

	(void)state;
	/* The caller ignores SIGPIPE; so must we, to see EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	pc = pcapng__open_fd(dup(p[1]), true);
	assert_non_null(pc);
	close(p[1]);
	close(p[0]); /* the reader goes away */
	assert_int_equal(pcapng__add_interface(pc, "eth0", 1500), 0);
	for (int i = 0; i < 100 && !err; i++)
		err = pcapng__write_packet(pc, 0, (uint64_t)i, data, sizeof(data), sizeof(data),
					   "x");
	if (!err)
		err = pcapng__flush(pc);
	assert_int_equal(err, -EPIPE);
	/* The error sticks. */
	assert_int_equal(pcapng__write_packet(pc, 0, 0, data, 1, 1, NULL), -EPIPE);
	assert_int_equal(pcapng__add_interface(pc, "eth1", 1500), -EPIPE);
	assert_int_equal(pcapng__flush(pc), -EPIPE);
	assert_int_equal(pcapng__close(pc), -EPIPE);
	signal(SIGPIPE, SIG_DFL);
}

/*
 * Packets whose blocks lie whole in buf[start..len), every block checked;
 * the blocks must fill it exactly (no partial block at the end).
 */
static uint64_t whole_packets(const uint8_t *buf, size_t len, size_t start)
{
	size_t off = start;
	uint64_t n = 0;

	if (len == start)
		return 0;
	next_block(buf, len, &off, 0x0a0d0d0a);
	while (off < len) {
		uint32_t type = rd32(buf + off);

		assert_true(type == 1 || type == 6);
		next_block(buf, len, &off, type);
		n += type == 6;
	}
	assert_int_equal(off, len);
	return n;
}

/*
 * One capture onto a file that can take only `limit` bytes past `prefix`
 * bytes already there (RLIMIT_FSIZE: a write past it is cut short, the
 * next fails with EFBIG, as ENOSPC does on a full disk): the file must end
 * at a block boundary and hold exactly the packets counted as written.
 */
static void capture_limited(const char *path, size_t prefix, size_t limit, bool append)
{
	static uint8_t data[100000];
	struct rlimit old, lim;
	struct pcapng *pc;
	uint8_t *buf;
	size_t len;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	memset(data, 0xab, sizeof(data));
	assert_int_equal(write(fd, data, prefix), (ssize_t)prefix);
	if (append) {
		/* `>>`: the offset is not where the next write lands. */
		close(fd);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		assert_true(fd >= 0);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	}
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = prefix + limit;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	pc = pcapng__open_fd(fd, true);
	if (pc) {
		err = pcapng__add_interface(pc, "eth0", 262144);
		err = err < 0 ? err : 0;
		/* Sizes from a few bytes to more than the writer's buffer. */
		for (uint32_t i = 0; i < 40 && !err; i++) {
			uint32_t cap = i % 7 == 6 ? 70000 + i : 13 * i * i % 1500;

			err = pcapng__write_packet(pc, 0, i, data, cap, cap,
						   i % 2 ? "comment" : NULL);
			if (!err && i % 5 == 4)
				err = pcapng__flush(pc);
		}
		if (!err)
			err = pcapng__flush(pc);
		/* Past the whole capture's size, nothing fails. */
		if (err)
			assert_int_equal(err, -EFBIG);
		else
			assert_int_equal(pcapng__packets_written(pc), 40);
		assert_int_equal(pcapng__cut_error(pc), 0);
	}
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	buf = read_file(path, &len);
	assert_true(len >= prefix && len <= prefix + limit);
	if (pc) {
		assert_int_equal(whole_packets(buf, len, prefix), pcapng__packets_written(pc));
		assert_int_equal(pcapng__close(pc), err);
	} else {
		/* Not even the header fitted: nothing of it stays. */
		assert_int_equal(len, prefix);
	}
	free(buf);
}

static void test_short_write(void **state)
{
	struct ctx *c = *state;

	signal(SIGXFSZ, SIG_IGN);
	/* Cuts inside the header, the interface, small packets, and packets
	 * larger than the buffer; at odd offsets, so mostly mid-block. */
	for (size_t limit = 0; limit < 600000; limit = limit * 3 / 2 + 37) {
		capture_limited(c->path, 0, limit, false);
		capture_limited(c->path, 1001, limit, true);
	}
	signal(SIGXFSZ, SIG_DFL);
}

static void test_stdout(void **state)
{
	struct ctx *c = *state;
	size_t len, off = 0;
	struct pcapng *pc;
	int saved, fd, fd_flags;
	uint8_t *buf;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	close(fd);

	pc = pcapng__open("-", false);
	if (pc) {
		pcapng__add_interface(pc, "eth0", 128);
		pcapng__write_packet(pc, 0, 5, "abcd", 4, 4, "to stdout");
	}
	fd = pcapng__close(pc);
	/* Standard output must still be open after close. */
	fd_flags = fcntl(STDOUT_FILENO, F_GETFD);
	dup2(saved, STDOUT_FILENO);
	close(saved);

	assert_non_null(pc);
	assert_int_equal(fd, 0);
	assert_int_not_equal(fd_flags, -1);
	buf = read_file(c->path, &len);
	expect_shb(buf, len, &off);
	expect_idb(buf, len, &off, "eth0", 128);
	expect_epb(buf, len, &off, 0, 5, "abcd", 4, 4, "to stdout");
	assert_int_equal(off, len);
	free(buf);
}

/* Is `prog` runnable from PATH? */
static bool have_tool(const char *prog)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* Run a shell command and return its standard output (caller frees). */
static char *run(const char *cmd, int *status)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0, cap = 4096;
	char *out = malloc(cap);

	assert_non_null(f);
	assert_non_null(out);
	for (;;) {
		size_t k = fread(out + n, 1, cap - n - 1, f);

		if (!k)
			break;
		n += k;
		if (cap - n - 1 == 0) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
	}
	out[n] = '\0';
	*status = pclose(f);
	return out;
}

/* An Ethernet/IPv4/UDP packet with the given source address byte and port. */
static void make_udp(uint8_t *pkt, uint8_t src_last, uint16_t dport)
{
	static const uint8_t tmpl[42] = {
		0x02, 0, 0,  0,	 0, 0x02, 0x02, 0,    0,  0,  0, 0x01, 0x08, 0x00,
		0x45, 0, 0,  28, 0, 0,	  0x40, 0,    64, 17, 0, 0,    10,   0,
		0,    1, 10, 0,	 0, 2,	  0x9c, 0x40, 0,  0,  0, 8,    0,    0,
	};

	memcpy(pkt, tmpl, sizeof(tmpl));
	pkt[29] = src_last;
	pkt[36] = (uint8_t)(dport >> 8);
	pkt[37] = (uint8_t)dport;
}

static void write_sample(const char *path)
{
	struct pcapng *pc = pcapng__open(path, true);
	uint8_t pkt[42];

	assert_non_null(pc);
	assert_int_equal(pcapng__add_interface(pc, "eth0", 128), 0);
	assert_int_equal(pcapng__add_interface(pc, "lo", 128), 1);
	make_udp(pkt, 1, 9);
	assert_int_equal(pcapng__write_packet(pc, 0, 1700000000000000001ull, pkt, 42, 42,
					      "NETFILTER_DROP nft_do_chain+0x1a"),
			 0);
	make_udp(pkt, 7, 53);
	assert_int_equal(pcapng__write_packet(pc, 1, 1700000000500000000ull, pkt, 42, 1500,
					      "NO_SOCKET \xc3\xa9"),
			 0);
	make_udp(pkt, 3, 4789);
	assert_int_equal(pcapng__write_packet(pc, 0, 1700000001000000000ull, pkt, 41, 42, NULL), 0);
	assert_int_equal(pcapng__close(pc), 0);
}

static void test_capinfos(void **state)
{
	struct ctx *c = *state;
	char cmd[256];
	char *out;
	int status;

	if (!have_tool("capinfos"))
		skip();
	write_sample(c->path);
	snprintf(cmd, sizeof(cmd), "capinfos -c -t -E -I '%s' 2>&1", c->path);
	out = run(cmd, &status);
	if (status != 0 || !strstr(out, "pcapng") || !strstr(out, "Number of packets:   3") ||
	    !strstr(out, "Ethernet") || !strstr(out, "Number of interfaces in file: 2"))
		fail_msg("capinfos said (status %d):\n%s", status, out);
	free(out);
}

static void test_tshark(void **state)
{
	static const char want[] = "NETFILTER_DROP nft_do_chain+0x1a\t10.0.0.1\t9\n"
				   "NO_SOCKET \xc3\xa9\t10.0.0.7\t53\n"
				   "\t10.0.0.3\t4789\n"; /* ports survive the cut */
	struct ctx *c = *state;
	char cmd[512];
	char *out;
	int status;

	if (!have_tool("tshark"))
		skip();
	write_sample(c->path);
	/* From a file, then as a stream on standard input. */
	snprintf(cmd, sizeof(cmd),
		 "tshark -r '%s' -T fields -e frame.comment -e ip.src -e udp.dstport 2>/dev/null",
		 c->path);
	out = run(cmd, &status);
	assert_int_equal(status, 0);
	assert_string_equal(out, want);
	free(out);

	snprintf(cmd, sizeof(cmd),
		 "tshark -r - -T fields -e frame.comment -e ip.src -e udp.dstport "
		 "-e frame.time_epoch -e frame.len -e frame.interface_name < '%s' 2>/dev/null",
		 c->path);
	out = run(cmd, &status);
	assert_int_equal(status, 0);
	/* Nanoseconds survive, origlen is the frame length, names come from the IDBs. */
	assert_non_null(strstr(out, "\t1700000000.000000001\t42\teth0\n"));
	assert_non_null(strstr(out, "\t1700000000.500000000\t1500\tlo\n"));
	free(out);
}

/* Write into a live pipe to tshark, the way `dropscope -w - | tshark -r -` runs. */
static void test_tshark_live_pipe(void **state)
{
	struct ctx *c = *state;
	struct pcapng *pc;
	uint8_t pkt[42];
	char cmd[256];
	FILE *reader;
	char line[256];
	int n = 0;

	if (!have_tool("tshark"))
		skip();
	/* c->path is the text output here. */
	snprintf(cmd, sizeof(cmd),
		 "tshark -r - -T fields -e ip.src -e udp.dstport -e frame.comment "
		 "2>/dev/null > '%s'",
		 c->path);
	reader = popen(cmd, "w");
	assert_non_null(reader);
	/* Not /dev/fd/N: that is a symbolic link, which -w never follows. */
	pc = pcapng__open_fd(dup(fileno(reader)), true);
	assert_non_null(pc);
	assert_int_equal(pcapng__add_interface(pc, "eth0", 128), 0);
	for (int i = 0; i < 50; i++) {
		make_udp(pkt, (uint8_t)(i + 1), (uint16_t)(1000 + i));
		assert_int_equal(pcapng__write_packet(pc, 0, 1700000000000000000ull + (uint64_t)i,
						      pkt, 42, 42, "live"),
				 0);
		if (i % 10 == 0)
			assert_int_equal(pcapng__flush(pc), 0);
	}
	assert_int_equal(pcapng__close(pc), 0);
	assert_int_equal(pclose(reader), 0);

	reader = fopen(c->path, "r");
	assert_non_null(reader);
	while (fgets(line, sizeof(line), reader)) {
		char want[64];

		snprintf(want, sizeof(want), "10.0.0.%d\t%d\tlive\n", n + 1, 1000 + n);
		assert_string_equal(line, want);
		n++;
	}
	fclose(reader);
	assert_int_equal(n, 50);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_packet_and_comment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_mode, setup, teardown),
		cmocka_unit_test(test_epipe),
		cmocka_unit_test_setup_teardown(test_short_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capinfos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tshark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tshark_live_pipe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
