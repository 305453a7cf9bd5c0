// SPDX-License-Identifier: GPL-2.0
/*
 * pcapng writer, see pcapng.h. Block layouts follow the pcapng draft
 * (draft-ietf-opsawg-pcapng): every block is type, total length, body,
 * total length again, with the body padded to 32 bits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/newfile.h"
#include "render/pcapng.h"

#define BT_SHB		  0x0a0d0d0a
#define BT_IDB		  0x00000001
#define BT_EPB		  0x00000006

#define BYTE_ORDER_MAGIC  0x1a2b3c4d
#define LINKTYPE_ETHERNET 1

#define OPT_ENDOFOPT	  0
#define OPT_COMMENT	  1
#define SHB_USERAPPL	  4
#define IF_NAME		  2
#define IF_TSRESOL	  9
#define TSRESOL_NSEC	  9 /* 10^-9 s */

/* An option's length field is 16 bits; keep the padded length within it too. */
#define OPT_MAX_LEN 65532

/* Big enough that a burst of events costs few write(2) calls. */
#define OUT_BUF_SIZE 65536
/* The smallest block we write (an EPB without data or comment, an IDB
 * without a name) is 32 bytes: at most this many end in one buffer. */
#define MAX_ENDS (OUT_BUF_SIZE / 32 + 1)

/* Where a block ended in the stream, and the packets up to and with it. */
struct block_end {
	uint64_t off;
	uint64_t pkts;
};

/*
 * A full disk (or EIO) can take part of a write(2): a reader of the file
 * would then find a block cut short. So every block's end is remembered
 * until it is known to be out, and after a failed write a regular file is
 * cut back to the end of the last block whose bytes all landed: the file
 * stays a valid capture of exactly the packets counted as written.
 */
struct pcapng {
	int fd;
	bool close_fd; /* false for standard output */
	int err;       /* first write error, as -errno; sticky */
	int cut_err;   /* cutting the file back after it failed, as -errno */
	bool can_cut;  /* a regular file whose start offset we know */
	uint64_t base; /* offset of our first byte in the file */
	uint32_t n_ifaces;
	uint64_t pkts;	  /* packets whose block was put whole into buf */
	uint64_t put;	  /* bytes put into buf since open */
	uint64_t out;	  /* of those, bytes that reached the descriptor */
	uint64_t written; /* packets whose bytes all reached the descriptor */
	size_t n_ends;	  /* block ends not yet known to be out */
	struct block_end ends[MAX_ENDS];
	uint64_t good_end; /* end of the last block known to be out whole */
	size_t used;
	uint8_t buf[OUT_BUF_SIZE];
};

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Write n bytes, counting in pc->out what got out even when it fails. */
static int write_all(struct pcapng *pc, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(pc->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
		pc->out += (uint64_t)w;
	}
	return 0;
}

/* The blocks that are out whole now count as written. */
static void settle(struct pcapng *pc)
{
	size_t i = 0;

	while (i < pc->n_ends && pc->ends[i].off <= pc->out) {
		pc->good_end = pc->ends[i].off;
		pc->written = pc->ends[i].pkts;
		i++;
	}
	memmove(pc->ends, pc->ends + i, (pc->n_ends - i) * sizeof(pc->ends[0]));
	pc->n_ends -= i;
}

int pcapng__flush(struct pcapng *pc)
{
	int err;

	if (pc->err)
		return pc->err;
	err = write_all(pc, pc->buf, pc->used);
	pc->used = 0;
	settle(pc);
	if (err) {
		pc->err = err;
		/* Part of a block may have landed: cut it off. Shrinking a file
		 * needs no space, so this works on a full disk too. */
		if (pc->can_cut && pc->out > pc->good_end &&
		    ftruncate(pc->fd, (off_t)(pc->base + pc->good_end)))
			pc->cut_err = -errno;
		return err;
	}
	return 0;
}

/* A block was put whole: remember where it ends (and if it is a packet). */
static void end_block(struct pcapng *pc, bool packet)
{
	if (pc->err)
		return;
	if (packet)
		pc->pkts++;
	/* Cannot fill up (see MAX_ENDS); if it did, flushing makes room. */
	if (pc->n_ends == MAX_ENDS && pcapng__flush(pc))
		return;
	pc->ends[pc->n_ends++] = (struct block_end){ .off = pc->put, .pkts = pc->pkts };
}

static void put(struct pcapng *pc, const void *data, size_t n)
{
	const uint8_t *p = data;

	while (n && !pc->err) {
		size_t room = sizeof(pc->buf) - pc->used;
		size_t k = n < room ? n : room;

		memcpy(pc->buf + pc->used, p, k);
		pc->used += k;
		pc->put += k;
		p += k;
		n -= k;
		if (pc->used == sizeof(pc->buf))
			pcapng__flush(pc);
	}
}

static void put32(struct pcapng *pc, uint32_t v)
{
	put(pc, &v, sizeof(v));
}

static void put_pad(struct pcapng *pc, size_t n)
{
	static const uint8_t zero[4];

	put(pc, zero, pad4(n) - n);
}

/* Size an option takes in a block: header plus padded value. */
static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static void put_opt(struct pcapng *pc, uint16_t code, const void *val, size_t len)
{
	uint16_t hdr[2] = { code, (uint16_t)len };

	put(pc, hdr, sizeof(hdr));
	put(pc, val, len);
	put_pad(pc, len);
}

static void put_endofopt(struct pcapng *pc)
{
	put_opt(pc, OPT_ENDOFOPT, NULL, 0);
}

/* Cut a UTF-8 string to at most max bytes without splitting a character. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	/* Back off continuation bytes (10xxxxxx) to the start of a character. */
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static int write_shb(struct pcapng *pc)
{
	static const char appl[] = "dropscope";
	size_t applen = sizeof(appl) - 1;
	uint32_t len = (uint32_t)(28 + opt_size(applen) + opt_size(0));
	uint16_t version[2] = { 1, 0 };
	int64_t section_len = -1; /* unknown: we stream */

	put32(pc, BT_SHB);
	put32(pc, len);
	put32(pc, BYTE_ORDER_MAGIC);
	put(pc, version, sizeof(version));
	put(pc, &section_len, sizeof(section_len));
	put_opt(pc, SHB_USERAPPL, appl, applen);
	put_endofopt(pc);
	put32(pc, len);
	end_block(pc, false);
	return pc->err;
}

/* Only a regular file can be cut back; a pipe's reader has what it read. */
static void find_base(struct pcapng *pc)
{
	struct stat st;
	int fl = fcntl(pc->fd, F_GETFL);
	off_t at;

	if (fl < 0 || fstat(pc->fd, &st) || !S_ISREG(st.st_mode))
		return;
	/* O_APPEND (`>>`): our first byte goes at the end, wherever the offset is. */
	at = fl & O_APPEND ? st.st_size : lseek(pc->fd, 0, SEEK_CUR);
	if (at < 0)
		return;
	pc->base = (uint64_t)at;
	pc->can_cut = true;
}

struct pcapng *pcapng__open_fd(int fd, bool close_fd)
{
	struct pcapng *pc = calloc(1, sizeof(*pc));
	int err;

	if (!pc)
		return NULL;
	pc->fd = fd;
	pc->close_fd = close_fd;
	find_base(pc);
	/* Out at once: a live reader (tshark -r -) starts from the header. */
	err = write_shb(pc);
	if (!err)
		err = pcapng__flush(pc);
	if (err) {
		free(pc);
		errno = -err;
		return NULL;
	}
	return pc;
}

struct pcapng *pcapng__open(const char *path, bool force)
{
	struct pcapng *pc;
	int fd, err;

	if (!path || !*path) {
		errno = EINVAL;
		return NULL;
	}
	if (!strcmp(path, "-"))
		return pcapng__open_fd(STDOUT_FILENO, false);
	fd = outfile_open(path, 0600, force, NULL);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	pc = pcapng__open_fd(fd, true);
	if (!pc) {
		err = errno;
		close(fd);
		errno = err;
	}
	return pc;
}

int pcapng__add_interface(struct pcapng *pc, const char *name, uint32_t snaplen)
{
	uint8_t tsresol = TSRESOL_NSEC;
	uint16_t linktype[2] = { LINKTYPE_ETHERNET, 0 };
	size_t namelen = name ? utf8_cut(name, OPT_MAX_LEN) : 0;
	uint32_t len;

	if (pc->err)
		return pc->err;
	if (pc->n_ifaces >= INT32_MAX)
		return -ENOSPC;

	len = (uint32_t)(20 + (namelen ? opt_size(namelen) : 0) + opt_size(1) + opt_size(0));
	put32(pc, BT_IDB);
	put32(pc, len);
	put(pc, linktype, sizeof(linktype));
	put32(pc, snaplen);
	if (namelen)
		put_opt(pc, IF_NAME, name, namelen);
	put_opt(pc, IF_TSRESOL, &tsresol, 1);
	put_endofopt(pc);
	put32(pc, len);
	end_block(pc, false);
	if (pc->err)
		return pc->err;
	return (int)pc->n_ifaces++;
}

int pcapng__write_packet(struct pcapng *pc, uint32_t if_id, uint64_t ts_ns, const void *data,
			 uint32_t caplen, uint32_t origlen, const char *comment)
{
	size_t clen = comment ? utf8_cut(comment, OPT_MAX_LEN) : 0;
	size_t len;

	if (pc->err)
		return pc->err;
	if (if_id >= pc->n_ifaces || caplen > PCAPNG_MAX_CAPLEN || (!data && caplen))
		return -EINVAL;
	if (origlen < caplen)
		origlen = caplen;

	/* No options at all when there is no comment: endofopt alone is noise. */
	len = 32 + pad4(caplen) + (clen ? opt_size(clen) + opt_size(0) : 0);
	put32(pc, BT_EPB);
	put32(pc, (uint32_t)len);
	put32(pc, if_id);
	put32(pc, (uint32_t)(ts_ns >> 32));
	put32(pc, (uint32_t)ts_ns);
	put32(pc, caplen);
	put32(pc, origlen);
	put(pc, data, caplen);
	put_pad(pc, caplen);
	if (clen) {
		put_opt(pc, OPT_COMMENT, comment, clen);
		put_endofopt(pc);
	}
	put32(pc, (uint32_t)len);
	end_block(pc, true);
	return pc->err;
}

uint64_t pcapng__packets_written(const struct pcapng *pc)
{
	return pc ? pc->written : 0;
}

int pcapng__cut_error(const struct pcapng *pc)
{
	return pc ? pc->cut_err : 0;
}

int pcapng__close(struct pcapng *pc)
{
	int err;

	if (!pc)
		return 0;
	err = pcapng__flush(pc);
	if (pc->close_fd && close(pc->fd) && !err)
		err = -errno;
	free(pc);
	return err;
}
