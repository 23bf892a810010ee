/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altmm public interface.
 *
 * At this stage altmm builds its memory model (nodes, zones, sections and
 * the boot allocator) and shows it in debugfs; the page allocator API
 * (altmm_alloc_pages() and friends, with the kernel's GFP semantics) is
 * declared here when it lands.
 */
#ifndef _ALTMM_H
#define _ALTMM_H

/* Frames are 4 KiB; a section is 4 MiB, the host chunk behind it. */
#define ALTMM_SECTION_SIZE	(4UL << 20)

#endif /* _ALTMM_H */
