// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "symbols/btfcheck.h"
#include "lib/escape.h"

static int check_header(const void *data, size_t size, char *why, size_t len)
{
	struct btf_header h;

	if (size < sizeof(h)) {
		snprintf(why, len, "too short for a BTF header");
		return -1;
	}
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC) {
		snprintf(why, len, "not BTF (no BTF magic; raw BTF or an ELF file with .BTF)");
		return -1;
	}
	if (h.version != BTF_VERSION) {
		snprintf(why, len, "BTF version %u, not %u", h.version, BTF_VERSION);
		return -1;
	}
	if (h.hdr_len < sizeof(h) || h.hdr_len % 4 || h.hdr_len > size) {
		snprintf(why, len, "bad BTF header length %u (must be >= %zu, a multiple of 4)",
			 h.hdr_len, sizeof(h));
		return -1;
	}
	if (h.type_off % 4 || (uint64_t)h.hdr_len + h.type_off + h.type_len > size ||
	    (uint64_t)h.hdr_len + h.str_off + h.str_len > size) {
		snprintf(why, len, "BTF sections outside the data or misaligned");
		return -1;
	}
	return 0;
}

int btfcheck_data(const void *data, size_t size, char *why, size_t len)
{
	struct btf *btf;
	char e[128];
	int err = 0;

	if (check_header(data, size, why, len))
		return -1;
	btf = btf__new(data, (__u32)size);
	if (!btf) {
		libbpf_strerror(errno, e, sizeof(e));
		snprintf(why, len, "malformed BTF (%s)", e);
		return -1;
	}
	if (btf__find_by_name_kind(btf, "sk_buff", BTF_KIND_STRUCT) < 0) {
		snprintf(why, len, "no struct sk_buff: not a kernel's BTF");
		err = -1;
	} else if (btf__find_by_name_kind(btf, "trace_event_raw_kfree_skb", BTF_KIND_STRUCT) < 0) {
		snprintf(why, len,
			 "no struct trace_event_raw_kfree_skb (the kfree_skb tracepoint): not a "
			 "kernel's BTF");
		err = -1;
	} else if (btf__find_by_name_kind(btf, "license", BTF_KIND_DATASEC) >= 0) {
		snprintf(why, len,
			 "the BTF of a BPF object (it has a license section), not a "
			 "kernel's");
		err = -1;
	}
	btf__free(btf);
	return err;
}

/* The .BTF section of an ELF file, copied out; NULL with why filled in. */
static void *elf_btf(int fd, size_t *size, char *why, size_t len)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	void *copy = NULL;
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		snprintf(why, len, "not a valid ELF file (%s)", elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_size > BTF_MAX_SIZE) {
			snprintf(why, len, ".BTF section empty or above %u MiB",
				 BTF_MAX_SIZE >> 20);
			goto out;
		}
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size != sh.sh_size) {
			snprintf(why, len, "unreadable .BTF section (%s)", elf_errmsg(-1));
			goto out;
		}
		copy = malloc(d->d_size);
		if (copy) {
			memcpy(copy, d->d_buf, d->d_size);
			*size = d->d_size;
		} else {
			snprintf(why, len, "out of memory");
		}
		goto out;
	}
	snprintf(why, len, "an ELF file without a .BTF section");
out:
	elf_end(elf);
	return copy;
}

static void *raw_btf(int fd, const struct stat *st, size_t *size, char *why, size_t len)
{
	size_t got = 0, n = (size_t)st->st_size;
	char *buf;

	if (st->st_size <= 0 || (uint64_t)st->st_size > BTF_MAX_SIZE) {
		snprintf(why, len, "%s", st->st_size <= 0 ? "empty" : "larger than 64 MiB");
		return NULL;
	}
	buf = malloc(n);
	if (!buf) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(why, len, "%s", r ? strerror(errno) : "changed while read");
			free(buf);
			return NULL;
		}
		got += (size_t)r;
	}
	*size = n;
	return buf;
}

int btfcheck_file(const char *path, char *msg, size_t len)
{
	unsigned char magic[4] = { 0 };
	char why[256] = "";
	struct stat st;
	void *data = NULL;
	size_t size = 0, off;
	int fd, mfd = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, sizeof(why), "not a regular file");
		goto out;
	}
	if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    !memcmp(magic, ELFMAG, SELFMAG))
		data = elf_btf(fd, &size, why, sizeof(why));
	else
		data = raw_btf(fd, &st, &size, why, sizeof(why));
	if (!data || btfcheck_data(data, size, why, sizeof(why)))
		goto out;
	mfd = memfd_create("dropscope-btf", MFD_CLOEXEC);
	for (off = 0; mfd >= 0 && off < size;) {
		ssize_t w = write(mfd, (char *)data + off, size - off);

		if (w <= 0) {
			close(mfd);
			mfd = -1;
			break;
		}
		off += (size_t)w;
	}
	if (mfd < 0)
		snprintf(why, sizeof(why), "cannot keep a copy: %s", strerror(errno));
out:
	if (mfd < 0)
		snprintf(msg, len, "--btf %s: %s", ESC(path), why);
	free(data);
	if (fd >= 0)
		close(fd);
	return mfd;
}
