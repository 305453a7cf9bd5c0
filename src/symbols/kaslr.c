// SPDX-License-Identifier: GPL-2.0
/*
 * The KASLR offset a System.map's addresses need: from the running
 * kernel's /proc/kallsyms when it shows addresses, else from /proc/kcore's
 * program headers (CAP_SYS_RAWIO).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols/ksyms.h"
#include "symbols/symfile.h"

#define KCORE_PATH "/proc/kcore"

/* _text is the third line of /proc/kallsyms; this is plenty. */
#define KALLSYMS_HEAD_BYTES (64 * 1024)

/* Looks up a few names in one pass; addrs[i] stays 0 when names[i] is absent. */
static void scan_symbols(char *buf, size_t len, const char *const *names, uint64_t *addrs, size_t n)
{
	char *p = buf, *end = buf + len;
	size_t i, found = 0;

	while (p < end && found < n) {
		struct sym_line l;

		p = symfile_parse_line(p, end, &l);
		if (!l.name || l.module)
			continue;
		for (i = 0; i < n; i++) {
			if (!addrs[i] && !strcmp(l.name, names[i]) && l.addr) {
				addrs[i] = l.addr;
				found++;
			}
		}
	}
}

/*
 * The kernel image's segment in /proc/kcore starts at the runtime _text and
 * spans _end - _text. Only the ELF and program headers are read; the body
 * of kcore is all of memory.
 */
static int kcore_text_addr(const char *path, uint64_t text_size, uint64_t map_text, uint64_t *addr)
{
	uint64_t best = UINT64_MAX, exact = 0;
	Elf64_Phdr *ph = NULL;
	Elf64_Ehdr eh;
	size_t phnum, i;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr)) {
		err = -ENOEXEC;
		goto out;
	}
	phnum = eh.e_phnum;
	if (phnum == PN_XNUM) {
		/* Too many segments for e_phnum: the count is in section 0. */
		Elf64_Shdr sh;

		if (!eh.e_shoff ||
		    pread(fd, &sh, sizeof(sh), (off_t)eh.e_shoff) != (ssize_t)sizeof(sh)) {
			err = -ENOEXEC;
			goto out;
		}
		phnum = sh.sh_info;
	}
	if (!phnum || phnum > (1U << 20)) {
		err = -ENOEXEC;
		goto out;
	}
	ph = malloc(phnum * sizeof(*ph));
	if (!ph) {
		err = -ENOMEM;
		goto out;
	}
	if (pread(fd, ph, phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
	    (ssize_t)(phnum * sizeof(*ph))) {
		err = -ENOEXEC;
		goto out;
	}
	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		/* KASLR only moves the image up; everything else in kcore
		 * (direct map, vmalloc, vmemmap) lies below it, modules above. */
		if (ph[i].p_vaddr < map_text)
			continue;
		if (text_size && ph[i].p_memsz == text_size && !exact)
			exact = ph[i].p_vaddr;
		if (ph[i].p_vaddr < best)
			best = ph[i].p_vaddr;
	}
	if (exact)
		*addr = exact;
	else if (best != UINT64_MAX)
		*addr = best;
	else
		err = -ENODATA;
out:
	free(ph);
	close(fd);
	return err;
}

int ksyms__kaslr_offset_at(const char *system_map, const char *kallsyms, const char *kcore,
			   int64_t *offset)
{
	static const char *const names[] = { "_text", "_stext", "_end" };
	uint64_t map[3] = { 0 }, live[3] = { 0 }, vaddr = 0;
	size_t len, i;
	char *buf;
	int err;

	buf = symfile_read(system_map, &len);
	if (!buf)
		return -errno;
	scan_symbols(buf, len, names, map, 3);
	free(buf);
	if (!map[0] && !map[1])
		return -ENODATA;

	/* Readable kallsyms is authoritative and needs no privilege. */
	buf = symfile_read_limit(kallsyms ? kallsyms : KALLSYMS_PATH, KALLSYMS_HEAD_BYTES, true,
				 &len);
	if (buf) {
		/* The read may stop mid-line; drop the partial last line. */
		char *nl = memrchr(buf, '\n', len);

		len = nl ? (size_t)(nl - buf) + 1 : 0;
		buf[len] = '\0';
		scan_symbols(buf, len, names, live, 2);
		free(buf);
		for (i = 0; i < 2; i++) {
			if (map[i] && live[i]) {
				*offset = (int64_t)(live[i] - map[i]);
				return 0;
			}
		}
	}

	if (!map[0])
		return -ENODATA;
	err = kcore_text_addr(kcore ? kcore : KCORE_PATH, map[2] > map[0] ? map[2] - map[0] : 0,
			      map[0], &vaddr);
	if (err)
		return err;
	*offset = (int64_t)(vaddr - map[0]);
	return 0;
}

int ksyms__kaslr_offset(const char *system_map, int64_t *offset)
{
	return ksyms__kaslr_offset_at(system_map, NULL, NULL, offset);
}
