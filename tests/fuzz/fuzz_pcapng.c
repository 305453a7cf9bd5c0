// SPDX-License-Identifier: GPL-2.0
/*
 * The pcapng writer driven by the input: a sequence of operations (add an
 * interface with a name from the input, write a packet with data and a
 * comment from the input, flush), written to "-" with standard output on
 * a memfd. The file is then read back and walked as a reader would: every
 * block's two lengths agree and are multiples of 4, options stay inside
 * their block, packets name an interface that exists, the blocks add up
 * to the file.
 */
#include <assert.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "render/pcapng.h"

#define BT_SHB 0x0a0d0d0a
#define BT_IDB 0x00000001
#define BT_EPB 0x00000006

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Options from off to the end of the block body; true when well formed. */
static int options_ok(const uint8_t *b, size_t off, size_t body_end)
{
	while (off < body_end) {
		uint16_t code, len;

		if (body_end - off < 4)
			return 0;
		memcpy(&code, b + off, 2);
		memcpy(&len, b + off + 2, 2);
		off += 4;
		if (code == 0)
			return len == 0 && off == body_end;
		if (len > body_end - off || ((len + 3u) & ~3u) > body_end - off)
			return 0;
		off += (len + 3u) & ~3u;
	}
	return off == body_end;
}

static void check_file(const uint8_t *b, size_t n, uint32_t ifaces, uint32_t packets)
{
	uint32_t seen_if = 0, seen_pkt = 0;
	size_t off = 0;

	assert(n >= 28 && get32(b) == BT_SHB);
	while (off < n) {
		uint32_t type, len;

		assert(n - off >= 12);
		type = get32(b + off);
		len = get32(b + off + 4);
		assert(len >= 12 && len % 4 == 0 && len <= n - off);
		assert(get32(b + off + len - 4) == len);
		switch (type) {
		case BT_SHB:
			assert(off == 0 && len >= 28 && options_ok(b + off, 24, len - 4));
			break;
		case BT_IDB:
			assert(len >= 20 && options_ok(b + off, 16, len - 4));
			seen_if++;
			break;
		case BT_EPB: {
			uint32_t caplen;

			assert(len >= 32);
			assert(get32(b + off + 8) < seen_if);
			caplen = get32(b + off + 20);
			assert(caplen <= PCAPNG_MAX_CAPLEN && get32(b + off + 24) >= caplen);
			assert(((caplen + 3u) & ~3u) <= len - 32);
			assert(options_ok(b + off, 28 + ((caplen + 3u) & ~3u), len - 4));
			seen_pkt++;
			break;
		}
		default:
			assert(0 && "unknown block type");
		}
		off += len;
	}
	assert(seen_if == ifaces && seen_pkt == packets);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t ifaces = 0, packets = 0;
	int fd = memfd_create("pcapng", MFD_CLOEXEC);
	struct pcapng *pc;
	struct stat st;
	uint8_t *out;

	assert(fd >= 0 && dup2(fd, STDOUT_FILENO) == STDOUT_FILENO);
	pc = pcapng__open("-", false);
	assert(pc);
	while (size) {
		uint8_t op;

		fuzz_take(&data, &size, &op, 1);
		switch (op % 3) {
		case 0: {
			uint8_t namelen;
			char name[256];

			fuzz_take(&data, &size, &namelen, 1);
			namelen = (uint8_t)fuzz_take(&data, &size, name, namelen);
			name[namelen] = '\0';
			if (pcapng__add_interface(pc, op & 4 ? NULL : name, 262144) >= 0)
				ifaces++;
			break;
		}
		case 1: {
			struct {
				uint8_t if_id;
				uint16_t caplen, clen;
				uint32_t origlen;
				uint64_t ts;
			} __attribute__((packed)) h;
			size_t clen;
			char *comment;
			int rc;

			fuzz_take(&data, &size, &h, sizeof(h));
			if (h.caplen > size)
				h.caplen = (uint16_t)size;
			/* Long comments from a short input: repeat it. */
			clen = (size_t)h.clen * (op & 8 ? 2 : 1);
			comment = malloc(clen + 1);
			assert(comment);
			for (size_t i = 0; i < clen; i++)
				comment[i] = size ? (char)data[i % size] : 'x';
			comment[clen] = '\0';
			rc = pcapng__write_packet(pc, h.if_id, h.ts, h.caplen ? data : NULL,
						  h.caplen, h.origlen, op & 16 ? NULL : comment);
			free(comment);
			assert(rc == 0 || (rc == -EINVAL && h.if_id >= ifaces));
			if (!rc)
				packets++;
			data += h.caplen;
			size -= h.caplen;
			break;
		}
		default:
			assert(pcapng__flush(pc) == 0);
		}
	}
	assert(pcapng__close(pc) == 0);
	assert(!fstat(fd, &st));
	out = malloc(st.st_size ? (size_t)st.st_size : 1);
	assert(out && pread(fd, out, (size_t)st.st_size, 0) == st.st_size);
	check_file(out, (size_t)st.st_size, ifaces, packets);
	free(out);
	close(fd);
	return 0;
}
