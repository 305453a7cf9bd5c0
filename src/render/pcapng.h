/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal pcapng writer for events mode: one section, Ethernet interfaces
 * with nanosecond timestamps, Enhanced Packet Blocks with a comment (the
 * drop reason and location). Blocks are written in host byte order, which
 * the Section Header Block's byte-order magic announces to readers.
 *
 * Output is buffered in the writer and goes out with write(2), so a reader
 * that went away shows up as -EPIPE from a call here (the caller ignores
 * SIGPIPE). After the first write error every call returns that error.
 *
 * Blocks are whole or absent: when a write to a regular file fails (a full
 * disk, a quota, EIO) after part of a block went out, the file is cut back
 * to the end of the last block that went out whole, so it stays a valid
 * capture of exactly pcapng__packets_written() packets.
 */
#ifndef DROPSCOPE_PCAPNG_H
#define DROPSCOPE_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>

/* Largest caplen pcapng__write_packet() accepts: what Wireshark reads. */
#define PCAPNG_MAX_CAPLEN 262144

struct pcapng;

/*
 * Open `path` for writing and write the Section Header Block (version 1.0,
 * section length unknown, shb_userappl "dropscope"), flushed at once. "-"
 * writes to standard output, which must then not also be written through
 * stdio.
 *
 * The file is opened with outfile_open() (outfile.h): a new file gets mode
 * 0600, because dropped packets may carry payload other users should not
 * read; an existing regular file is refused unless `force` (then truncated,
 * its mode kept); a symbolic link is never followed; a FIFO or device is
 * written to.
 *
 * Returns NULL with errno set on failure (EEXIST, ELOOP as outfile_open()).
 */
struct pcapng *pcapng__open(const char *path, bool force);

/* The same on an open descriptor, closed by pcapng__close() if close_fd. */
struct pcapng *pcapng__open_fd(int fd, bool close_fd);

/*
 * Write an Interface Description Block: LINKTYPE_ETHERNET, `snaplen`,
 * if_name `name` (may be NULL: no name), if_tsresol 9 (nanoseconds).
 * Returns the interface id to pass to pcapng__write_packet(), or -errno.
 */
int pcapng__add_interface(struct pcapng *pc, const char *name, uint32_t snaplen);

/*
 * Write an Enhanced Packet Block. ts_ns is nanoseconds since the Unix
 * epoch. origlen below caplen is raised to caplen. `comment` (may be NULL
 * or "") becomes opt_comment, UTF-8, cut to 65532 bytes at a character
 * boundary. Returns 0, -EINVAL (unknown if_id, caplen above
 * PCAPNG_MAX_CAPLEN, data NULL with caplen) or -errno from writing.
 */
int pcapng__write_packet(struct pcapng *pc, uint32_t if_id, uint64_t ts_ns, const void *data,
			 uint32_t caplen, uint32_t origlen, const char *comment);

/*
 * Write out what is buffered, so a live reader sees it and a kill loses
 * nothing written before. 0 or -errno.
 */
int pcapng__flush(struct pcapng *pc);

/*
 * Packets whose block reached the file or pipe whole: after a write error,
 * the packets the file (cut back) holds.
 */
uint64_t pcapng__packets_written(const struct pcapng *pc);

/*
 * 0, or -errno when cutting the file back to its last whole block after a
 * write error failed (the file may then end in a partial block).
 */
int pcapng__cut_error(const struct pcapng *pc);

/*
 * Flush, close (standard output is left open) and free. NULL is a no-op.
 * Returns 0 or the first error of this writer's life, as -errno.
 */
int pcapng__close(struct pcapng *pc);

#endif /* DROPSCOPE_PCAPNG_H */
