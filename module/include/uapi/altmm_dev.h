/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/altmm's ioctls (module/dev.c), for programs.
 *
 * An open() of /dev/altmm is an object of anonymous memory.  Before its
 * first mmap() an ioctl may make it file-backed instead:
 *
 *	struct altmm_backing b = { .fd = open("data", O_RDWR) };
 *
 *	ioctl(dev, ALTMM_IOC_SET_BACKING, &b);
 *	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, dev, 0);
 *
 * after which the object is a page cache of that host file on altmm
 * frames: a fault reads a page from the file, a write through the mapping
 * dirties it, and writeback (reclaim, the flusher, fsync()/msync() on the
 * device's fd, its last close) writes it back.
 */
#ifndef _UAPI_ALTMM_DEV_H
#define _UAPI_ALTMM_DEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct altmm_backing - ALTMM_IOC_SET_BACKING's argument
 * @fd: a regular file of the host, open for reading, and for writing too
 *	if the object is to be mapped writable and shared
 * @flags: 0
 */
struct altmm_backing {
	__s32 fd;
	__u32 flags;
};

#define ALTMM_IOC_MAGIC		0xB8

/*
 * Make the object file-backed by @fd.  EBADF: @fd is not open for
 * reading; EINVAL: @flags is not 0 or @fd is not a regular file; EBUSY:
 * the object is mapped, has pages, or has a backing file already.
 */
#define ALTMM_IOC_SET_BACKING	_IOW(ALTMM_IOC_MAGIC, 1, struct altmm_backing)

/*
 * The altmm node the object's new pages come from, or -1 for the faulting
 * CPU's (the default).  EINVAL: not a node of altmm's with memory.
 */
#define ALTMM_IOC_SET_NODE	_IOW(ALTMM_IOC_MAGIC, 2, __s32)

/*
 * Move the object's resident pages to an altmm node, as migrate_pages(2)
 * moves a process's (pages in swap stay there).  Returns the number of
 * pages that could not be moved (held by someone, under writeback,
 * being reclaimed), 0 when all were.  EINVAL: not a node of altmm's with
 * memory; ENOMEM: the node has no free frame left (the pages moved so
 * far stay moved); EINTR: a fatal signal came.
 */
#define ALTMM_IOC_MIGRATE	_IOW(ALTMM_IOC_MAGIC, 3, __s32)

#endif /* _UAPI_ALTMM_DEV_H */
