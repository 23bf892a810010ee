/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altmm's tracepoints: the "altmm" trace system, with the events, fields
 * and print formats of 6.1's include/trace/events/kmem.h, so that what
 * reads a kmem trace (trace-cmd, perf, altmm's own replay) reads altmm's.
 *
 * Pages are the host's struct pages of arena frames and pfn is the host
 * pfn, as the kernel's events have them; altmm's own pfn is that minus
 * the frame's section base (the sections file pairs the two).  The slab
 * events take the sizes and the name a 6.1 event reads from its struct
 * kmem_cache, so that this header needs none of altmm's structures.
 * accounted is always false: altmm has no memory cgroups.
 *
 * Then the vmscan and compaction events of 6.1 for the paths altmm has:
 * kswapd's sleep and wake, its wakeup by an allocation, direct reclaim,
 * a zone's compaction, kcompactd's sleep, wake and wakeup.  Their pfns
 * are altmm's (those of the zone and the scanners), their zone index is
 * altmm's (DMA, DMA32, Normal, HighMem, Movable, Device).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM altmm

#if !defined(_ALTMM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ALTMM_TRACE_H

#include <linux/mm.h>
/* After mm.h, which it needs. */
#include <linux/compaction.h>
#include <linux/tracepoint.h>
#include <linux/types.h>
#include <trace/events/mmflags.h>

#include "mmzone.h"

TRACE_EVENT(kmem_cache_alloc,
	TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req,
		 size_t bytes_alloc, gfp_t gfp_flags, int node),
	TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node),
	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__field(size_t,		bytes_req)
		__field(size_t,		bytes_alloc)
		__field(unsigned long,	gfp_flags)
		__field(int,		node)
		__field(bool,		accounted)
	),
	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		__entry->bytes_req	= bytes_req;
		__entry->bytes_alloc	= bytes_alloc;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
		__entry->node		= node;
		__entry->accounted	= false;
	),
	TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s",
		  (void *)__entry->call_site, __entry->ptr, __entry->bytes_req,
		  __entry->bytes_alloc, show_gfp_flags(__entry->gfp_flags),
		  __entry->node, __entry->accounted ? "true" : "false")
);

TRACE_EVENT(kmalloc,
	TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req,
		 size_t bytes_alloc, gfp_t gfp_flags, int node),
	TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node),
	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__field(size_t,		bytes_req)
		__field(size_t,		bytes_alloc)
		__field(unsigned long,	gfp_flags)
		__field(int,		node)
	),
	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		__entry->bytes_req	= bytes_req;
		__entry->bytes_alloc	= bytes_alloc;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
		__entry->node		= node;
	),
	TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s",
		  (void *)__entry->call_site, __entry->ptr, __entry->bytes_req,
		  __entry->bytes_alloc, show_gfp_flags(__entry->gfp_flags),
		  __entry->node, "false")
);

TRACE_EVENT(kfree,
	TP_PROTO(unsigned long call_site, const void *ptr),
	TP_ARGS(call_site, ptr),
	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
	),
	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
	),
	TP_printk("call_site=%pS ptr=%p", (void *)__entry->call_site, __entry->ptr)
);

TRACE_EVENT(kmem_cache_free,
	TP_PROTO(unsigned long call_site, const void *ptr, const char *name),
	TP_ARGS(call_site, ptr, name),
	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__string(name,		name)
	),
	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		__assign_str(name, name);
	),
	TP_printk("call_site=%pS ptr=%p name=%s", (void *)__entry->call_site,
		  __entry->ptr, __get_str(name))
);

TRACE_EVENT(mm_page_free,
	TP_PROTO(struct page *page, unsigned int order),
	TP_ARGS(page, order),
	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
	),
	TP_fast_assign(
		__entry->pfn		= page_to_pfn(page);
		__entry->order		= order;
	),
	TP_printk("page=%p pfn=0x%lx order=%d", pfn_to_page(__entry->pfn),
		  __entry->pfn, __entry->order)
);

TRACE_EVENT(mm_page_free_batched,
	TP_PROTO(struct page *page),
	TP_ARGS(page),
	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
	),
	TP_fast_assign(
		__entry->pfn		= page_to_pfn(page);
	),
	TP_printk("page=%p pfn=0x%lx order=0", pfn_to_page(__entry->pfn), __entry->pfn)
);

TRACE_EVENT(mm_page_alloc,
	TP_PROTO(struct page *page, unsigned int order, gfp_t gfp_flags, int migratetype),
	TP_ARGS(page, order, gfp_flags, migratetype),
	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(unsigned long,	gfp_flags)
		__field(int,		migratetype)
	),
	TP_fast_assign(
		__entry->pfn		= page ? page_to_pfn(page) : -1UL;
		__entry->order		= order;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
		__entry->migratetype	= migratetype;
	),
	TP_printk("page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s",
		  __entry->pfn != -1UL ? pfn_to_page(__entry->pfn) : NULL,
		  __entry->pfn != -1UL ? __entry->pfn : 0,
		  __entry->order, __entry->migratetype,
		  show_gfp_flags(__entry->gfp_flags))
);

DECLARE_EVENT_CLASS(mm_page,
	TP_PROTO(struct page *page, unsigned int order, int migratetype, int percpu_refill),
	TP_ARGS(page, order, migratetype, percpu_refill),
	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(int,		migratetype)
		__field(int,		percpu_refill)
	),
	TP_fast_assign(
		__entry->pfn		= page ? page_to_pfn(page) : -1UL;
		__entry->order		= order;
		__entry->migratetype	= migratetype;
		__entry->percpu_refill	= percpu_refill;
	),
	TP_printk("page=%p pfn=0x%lx order=%u migratetype=%d percpu_refill=%d",
		  __entry->pfn != -1UL ? pfn_to_page(__entry->pfn) : NULL,
		  __entry->pfn != -1UL ? __entry->pfn : 0,
		  __entry->order, __entry->migratetype, __entry->percpu_refill)
);

DEFINE_EVENT(mm_page, mm_page_alloc_zone_locked,
	TP_PROTO(struct page *page, unsigned int order, int migratetype, int percpu_refill),
	TP_ARGS(page, order, migratetype, percpu_refill)
);

TRACE_EVENT(mm_page_pcpu_drain,
	TP_PROTO(struct page *page, unsigned int order, int migratetype),
	TP_ARGS(page, order, migratetype),
	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(int,		migratetype)
	),
	TP_fast_assign(
		__entry->pfn		= page ? page_to_pfn(page) : -1UL;
		__entry->order		= order;
		__entry->migratetype	= migratetype;
	),
	TP_printk("page=%p pfn=0x%lx order=%d migratetype=%d",
		  pfn_to_page(__entry->pfn), __entry->pfn, __entry->order,
		  __entry->migratetype)
);

TRACE_EVENT(mm_page_alloc_extfrag,
	TP_PROTO(struct page *page, int alloc_order, int fallback_order,
		 int alloc_migratetype, int fallback_migratetype, int change_ownership),
	TP_ARGS(page, alloc_order, fallback_order, alloc_migratetype,
		fallback_migratetype, change_ownership),
	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(int,		alloc_order)
		__field(int,		fallback_order)
		__field(int,		alloc_migratetype)
		__field(int,		fallback_migratetype)
		__field(int,		change_ownership)
	),
	TP_fast_assign(
		__entry->pfn			= page_to_pfn(page);
		__entry->alloc_order		= alloc_order;
		__entry->fallback_order		= fallback_order;
		__entry->alloc_migratetype	= alloc_migratetype;
		__entry->fallback_migratetype	= fallback_migratetype;
		__entry->change_ownership	= change_ownership;
	),
	TP_printk("page=%p pfn=0x%lx alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d",
		  pfn_to_page(__entry->pfn), __entry->pfn, __entry->alloc_order,
		  __entry->fallback_order, ALTMM_PAGEBLOCK_ORDER,
		  __entry->alloc_migratetype, __entry->fallback_migratetype,
		  __entry->fallback_order < ALTMM_PAGEBLOCK_ORDER,
		  __entry->change_ownership)
);

TRACE_EVENT(mm_vmscan_kswapd_sleep,
	TP_PROTO(int nid),
	TP_ARGS(nid),
	TP_STRUCT__entry(
		__field(int,		nid)
	),
	TP_fast_assign(
		__entry->nid		= nid;
	),
	TP_printk("nid=%d", __entry->nid)
);

TRACE_EVENT(mm_vmscan_kswapd_wake,
	TP_PROTO(int nid, int zid, int order),
	TP_ARGS(nid, zid, order),
	TP_STRUCT__entry(
		__field(int,		nid)
		__field(int,		zid)
		__field(int,		order)
	),
	TP_fast_assign(
		__entry->nid		= nid;
		__entry->zid		= zid;
		__entry->order		= order;
	),
	TP_printk("nid=%d order=%d", __entry->nid, __entry->order)
);

TRACE_EVENT(mm_vmscan_wakeup_kswapd,
	TP_PROTO(int nid, int zid, int order, gfp_t gfp_flags),
	TP_ARGS(nid, zid, order, gfp_flags),
	TP_STRUCT__entry(
		__field(int,		nid)
		__field(int,		zid)
		__field(int,		order)
		__field(unsigned long,	gfp_flags)
	),
	TP_fast_assign(
		__entry->nid		= nid;
		__entry->zid		= zid;
		__entry->order		= order;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
	),
	TP_printk("nid=%d order=%d gfp_flags=%s", __entry->nid, __entry->order,
		  show_gfp_flags(__entry->gfp_flags))
);

TRACE_EVENT(mm_vmscan_direct_reclaim_begin,
	TP_PROTO(int order, gfp_t gfp_flags),
	TP_ARGS(order, gfp_flags),
	TP_STRUCT__entry(
		__field(int,		order)
		__field(unsigned long,	gfp_flags)
	),
	TP_fast_assign(
		__entry->order		= order;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
	),
	TP_printk("order=%d gfp_flags=%s", __entry->order,
		  show_gfp_flags(__entry->gfp_flags))
);

TRACE_EVENT(mm_vmscan_direct_reclaim_end,
	TP_PROTO(unsigned long nr_reclaimed),
	TP_ARGS(nr_reclaimed),
	TP_STRUCT__entry(
		__field(unsigned long,	nr_reclaimed)
	),
	TP_fast_assign(
		__entry->nr_reclaimed	= nr_reclaimed;
	),
	TP_printk("nr_reclaimed=%lu", __entry->nr_reclaimed)
);

DECLARE_EVENT_CLASS(altmm_compaction_zone,
	TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn,
		 unsigned long free_pfn, unsigned long zone_end, bool sync, int status),
	TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync, status),
	TP_STRUCT__entry(
		__field(unsigned long,	zone_start)
		__field(unsigned long,	migrate_pfn)
		__field(unsigned long,	free_pfn)
		__field(unsigned long,	zone_end)
		__field(bool,		sync)
		__field(int,		status)
	),
	TP_fast_assign(
		__entry->zone_start	= zone_start;
		__entry->migrate_pfn	= migrate_pfn;
		__entry->free_pfn	= free_pfn;
		__entry->zone_end	= zone_end;
		__entry->sync		= sync;
		__entry->status		= status;
	),
	TP_printk("zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s status=%s",
		  __entry->zone_start, __entry->migrate_pfn, __entry->free_pfn,
		  __entry->zone_end, __entry->sync ? "sync" : "async",
		  /* COMPACTION_STATUS, which a kernel without compaction lacks. */
		  __print_symbolic(__entry->status,
				   { COMPACT_SKIPPED, "skipped" },
				   { COMPACT_DEFERRED, "deferred" },
				   { COMPACT_CONTINUE, "continue" },
				   { COMPACT_SUCCESS, "success" },
				   { COMPACT_PARTIAL_SKIPPED, "partial_skipped" },
				   { COMPACT_COMPLETE, "complete" },
				   { COMPACT_NO_SUITABLE_PAGE, "no_suitable_page" },
				   { COMPACT_NOT_SUITABLE_ZONE, "not_suitable_zone" },
				   { COMPACT_CONTENDED, "contended" }))
);

/* 6.1's mm_compaction_begin has no status; COMPACT_CONTINUE stands for it. */
DEFINE_EVENT(altmm_compaction_zone, mm_compaction_begin,
	TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn,
		 unsigned long free_pfn, unsigned long zone_end, bool sync, int status),
	TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync, status)
);

DEFINE_EVENT(altmm_compaction_zone, mm_compaction_end,
	TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn,
		 unsigned long free_pfn, unsigned long zone_end, bool sync, int status),
	TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync, status)
);

TRACE_EVENT(mm_compaction_kcompactd_sleep,
	TP_PROTO(int nid),
	TP_ARGS(nid),
	TP_STRUCT__entry(
		__field(int,		nid)
	),
	TP_fast_assign(
		__entry->nid		= nid;
	),
	TP_printk("nid=%d", __entry->nid)
);

DECLARE_EVENT_CLASS(altmm_kcompactd_wake,
	TP_PROTO(int nid, int order, int highest_zoneidx),
	TP_ARGS(nid, order, highest_zoneidx),
	TP_STRUCT__entry(
		__field(int,		nid)
		__field(int,		order)
		__field(int,		highest_zoneidx)
	),
	TP_fast_assign(
		__entry->nid		= nid;
		__entry->order		= order;
		__entry->highest_zoneidx = highest_zoneidx;
	),
	TP_printk("nid=%d order=%d classzone_idx=%-8s", __entry->nid, __entry->order,
		  __print_symbolic(__entry->highest_zoneidx,
				   { ALTMM_ZONE_DMA, "DMA" }, { ALTMM_ZONE_DMA32, "DMA32" },
				   { ALTMM_ZONE_NORMAL, "Normal" },
				   { ALTMM_ZONE_HIGHMEM, "HighMem" },
				   { ALTMM_ZONE_MOVABLE, "Movable" },
				   { ALTMM_ZONE_DEVICE, "Device" }))
);

DEFINE_EVENT(altmm_kcompactd_wake, mm_compaction_wakeup_kcompactd,
	TP_PROTO(int nid, int order, int highest_zoneidx),
	TP_ARGS(nid, order, highest_zoneidx)
);

DEFINE_EVENT(altmm_kcompactd_wake, mm_compaction_kcompactd_wake,
	TP_PROTO(int nid, int order, int highest_zoneidx),
	TP_ARGS(nid, order, highest_zoneidx)
);

#endif /* _ALTMM_TRACE_H */

/* Outside the guard: define_trace.h reads this header again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE altmm_trace
#include <trace/define_trace.h>
