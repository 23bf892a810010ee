// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated physical memory map: from the parameters a person gives
 * (sizes in MiB, boundaries, holes, kernelcore=) to a validated
 * struct altmm_layout in pfns.  Nothing here touches memory; every other
 * layer trusts what this file accepted.
 *
 * The zone arithmetic follows 6.1's free_area_init(): each zone type has a
 * lowest and highest possible pfn across the whole space (DMA, DMA32,
 * NORMAL and HIGHMEM stacked from the start of memory), a node's zone is
 * its range clamped to those, and ZONE_MOVABLE is then cut from the top of
 * each node's highest usable zone as find_zone_movable_pfns_for_nodes()
 * spreads kernelcore evenly over the nodes.  ZONE_DEVICE is the top
 * device_mb of the space: it has frames and descriptors but is not memory,
 * so it is in no zone range and no memblock region, as memremap_pages()
 * memory is not in Linux.
 *
 * Every boundary is section (4 MiB) aligned, so every section lies in
 * exactly one zone of one node.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "layout.h"

const char * const altmm_zone_names[ALTMM_NR_ZONES] = {
	[ALTMM_ZONE_DMA]	= "DMA",
	[ALTMM_ZONE_DMA32]	= "DMA32",
	[ALTMM_ZONE_NORMAL]	= "Normal",
	[ALTMM_ZONE_HIGHMEM]	= "HighMem",
	[ALTMM_ZONE_MOVABLE]	= "Movable",
	[ALTMM_ZONE_DEVICE]	= "Device",
};
EXPORT_SYMBOL_NS_GPL(altmm_zone_names, ALTMM_INTERNAL);

#define MB_TO_PFN(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))

static __printf(3, 4) int refuse(struct altmm_param_error *err,
				 const char *param, const char *fmt, ...)
{
	va_list args;

	err->param = param;
	va_start(args, fmt);
	vscnprintf(err->reason, sizeof(err->reason), fmt, args);
	va_end(args);
	return -EINVAL;
}

static bool section_aligned_mb(unsigned long mb)
{
	return !(mb % ALTMM_SECTION_MB);
}

/* === Sizes: "64M", "1G", "4096K", "25%" === */

/*
 * Parse kernelcore=/movablecore= as cmdline_parse_core() does, but refuse
 * what the kernel would silently read as zero: trailing garbage, a missing
 * number, a percentage above 100.
 */
static int parse_core(const char *s, unsigned long *pages,
		      unsigned long *percent)
{
	size_t len = strlen(s);
	char num[16];
	char *end;

	if (!isdigit(*s))
		return -EINVAL;
	if (s[len - 1] == '%') {
		if (len > sizeof(num))
			return -EINVAL;
		strscpy(num, s, len);	/* drops the '%' */
		if (kstrtoul(num, 10, percent) || *percent > 100)
			return -EINVAL;
		*pages = 0;
		return 0;
	}
	*pages = memparse(s, &end) >> PAGE_SHIFT;
	*percent = 0;
	return *end ? -EINVAL : 0;
}

/* === Holes: "size@start[,size@start...]" as memmap= spells ranges === */

static int range_cmp(const void *a, const void *b)
{
	const struct altmm_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int parse_holes(const struct altmm_params *p, struct altmm_layout *l,
		       struct altmm_param_error *err)
{
	const char *s = p->holes;
	int i;

	while (s && *s) {
		unsigned long long size, start;
		char *end;

		if (l->nr_holes == ALTMM_MAX_HOLES)
			return refuse(err, "holes", "more than %d holes",
				      ALTMM_MAX_HOLES);
		if (!isdigit(*s))
			return refuse(err, "holes", "expected size@start at \"%s\"", s);
		size = memparse(s, &end);
		if (*end != '@' || !isdigit(end[1]))
			return refuse(err, "holes", "expected size@start at \"%s\"", s);
		start = memparse(end + 1, &end);
		if (*end && *end != ',')
			return refuse(err, "holes", "unexpected \"%s\"", end);
		s = *end ? end + 1 : end;

		if (!size)
			return refuse(err, "holes", "a hole of size 0 at %lluM",
				      start >> 20);
		if (!IS_ALIGNED(size | start, 1ULL << ALTMM_SECTION_SHIFT))
			return refuse(err, "holes",
				      "%lluK@%lluK is not aligned to the %uM section size",
				      size >> 10, start >> 10, ALTMM_SECTION_MB);
		if (start + size > ((u64)p->arena_mb << 20) || start + size < start)
			return refuse(err, "holes",
				      "%lluM@%lluM lies outside the %uM arena",
				      size >> 20, start >> 20, p->arena_mb);
		l->holes[l->nr_holes].start = start >> PAGE_SHIFT;
		l->holes[l->nr_holes].end = (start + size) >> PAGE_SHIFT;
		l->holes[l->nr_holes].nid = -1;
		l->nr_holes++;
	}

	sort(l->holes, l->nr_holes, sizeof(l->holes[0]), range_cmp, NULL);
	for (i = 1; i < l->nr_holes; i++)
		if (l->holes[i].start < l->holes[i - 1].end)
			return refuse(err, "holes", "holes at %luM and %luM overlap",
				      l->holes[i - 1].start >> (20 - PAGE_SHIFT),
				      l->holes[i].start >> (20 - PAGE_SHIFT));
	return 0;
}

/* === Nodes, distances, CPUs === */

static int build_nodes(const struct altmm_params *p, struct altmm_layout *l,
		       struct altmm_param_error *err)
{
	unsigned long start = 0, sections = p->arena_mb / ALTMM_SECTION_MB;
	unsigned int i, j, total = 0;

	if (p->nr_nodes < 1 || p->nr_nodes > ALTMM_MAX_NUMNODES)
		return refuse(err, "nodes", "%u nodes; 1 to %d are possible",
			      p->nr_nodes, ALTMM_MAX_NUMNODES);
	l->nr_nodes = p->nr_nodes;
	if (sections < p->nr_nodes)
		return refuse(err, "nodes", "%u nodes do not fit in %u sections of %uM",
			      p->nr_nodes, (unsigned int)sections, ALTMM_SECTION_MB);

	if (p->nr_node_mb && p->nr_node_mb != p->nr_nodes)
		return refuse(err, "node_mb", "%u sizes given for %u nodes",
			      p->nr_node_mb, p->nr_nodes);
	for (i = 0; i < p->nr_nodes; i++) {
		unsigned long mb;

		if (p->nr_node_mb) {
			mb = p->node_mb[i];
			if (!mb || !section_aligned_mb(mb))
				return refuse(err, "node_mb",
					      "node %u: %luM is not a positive multiple of %uM",
					      i, mb, ALTMM_SECTION_MB);
		} else {
			/* Even split in whole sections; the last takes the rest. */
			mb = (sections / p->nr_nodes) * ALTMM_SECTION_MB;
			if (i == p->nr_nodes - 1)
				mb = p->arena_mb - total;
		}
		/*
		 * Compared before adding: a sum in 32 bits wraps, and sizes
		 * such as 12,4294967292,4 would add up to arena_mb=12.
		 */
		if (mb > p->arena_mb - total)
			return refuse(err, "node_mb",
				      "node sizes add up to more than arena_mb=%u (node %u: %luM after %uM)",
				      p->arena_mb, i, mb, total);
		total += mb;
		l->node_range[i].start = start;
		l->node_range[i].end = start + MB_TO_PFN(mb);
		l->node_range[i].nid = i;
		start = l->node_range[i].end;
	}
	if (total != p->arena_mb)
		return refuse(err, "node_mb", "node sizes add up to %uM, not arena_mb=%u",
			      total, p->arena_mb);

	if (p->nr_distance && p->nr_distance != p->nr_nodes * p->nr_nodes)
		return refuse(err, "distance", "%u values given; %u nodes need %u",
			      p->nr_distance, p->nr_nodes, p->nr_nodes * p->nr_nodes);
	for (i = 0; i < p->nr_nodes; i++) {
		for (j = 0; j < p->nr_nodes; j++) {
			unsigned int d = i == j ? ALTMM_LOCAL_DISTANCE :
						  ALTMM_REMOTE_DISTANCE;

			if (p->nr_distance)
				d = p->distance[i * p->nr_nodes + j];
			if (i == j && d != ALTMM_LOCAL_DISTANCE)
				return refuse(err, "distance",
					      "node %u to itself is %u; it must be %d",
					      i, d, ALTMM_LOCAL_DISTANCE);
			if (i != j && (d <= ALTMM_LOCAL_DISTANCE ||
				       d > ALTMM_MAX_DISTANCE))
				return refuse(err, "distance",
					      "node %u to node %u is %u; it must be %d..%d",
					      i, j, d, ALTMM_LOCAL_DISTANCE + 1,
					      ALTMM_MAX_DISTANCE);
			l->distance[i][j] = d;
		}
	}

	if (p->nr_cpu_node > nr_cpu_ids)
		return refuse(err, "cpu_node", "%u CPUs mapped; this kernel has %u",
			      p->nr_cpu_node, nr_cpu_ids);
	l->cpu_node = kcalloc(nr_cpu_ids, sizeof(*l->cpu_node), GFP_KERNEL);
	if (!l->cpu_node)
		return -ENOMEM;
	for (i = 0; i < nr_cpu_ids; i++) {
		unsigned int nid = i % p->nr_nodes;

		if (i < p->nr_cpu_node) {
			nid = p->cpu_node[i];
			if (nid >= p->nr_nodes)
				return refuse(err, "cpu_node",
					      "CPU %u on node %u; there are %u nodes",
					      i, nid, p->nr_nodes);
		}
		l->cpu_node[i] = nid;
	}
	return 0;
}

/* === Memory ranges: node ranges less holes and the device range === */

static void add_mem(struct altmm_layout *l, unsigned long start,
		    unsigned long end, int nid)
{
	if (start >= end)
		return;
	if (WARN_ON_ONCE(l->nr_mem == ALTMM_MAX_MEM_RANGES))
		return;
	l->mem[l->nr_mem++] = (struct altmm_range){ start, end, nid };
}

static void build_mem(struct altmm_layout *l)
{
	int nid, h;

	for (nid = 0; nid < l->nr_nodes; nid++) {
		unsigned long start = l->node_range[nid].start;
		unsigned long end = min(l->node_range[nid].end, l->device.start);

		for (h = 0; h < l->nr_holes && start < end; h++) {
			if (l->holes[h].end <= start || l->holes[h].start >= end)
				continue;
			add_mem(l, start, l->holes[h].start, nid);
			start = l->holes[h].end;
		}
		add_mem(l, start, end, nid);
	}
	l->mem_start = l->nr_mem ? l->mem[0].start : 0;
	l->mem_end = l->nr_mem ? l->mem[l->nr_mem - 1].end : 0;
}

/**
 * altmm_layout_mem_pages() - memory frames in a pfn range
 * @l: layout
 * @start: first pfn
 * @end: pfn after the last
 *
 * Return: frames of [@start, @end) that are memory (not hole, not device).
 */
unsigned long altmm_layout_mem_pages(const struct altmm_layout *l,
				     unsigned long start, unsigned long end)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < l->nr_mem; i++) {
		unsigned long s = max(start, l->mem[i].start);
		unsigned long e = min(end, l->mem[i].end);

		if (s < e)
			n += e - s;
	}
	return n;
}
EXPORT_SYMBOL_NS_GPL(altmm_layout_mem_pages, ALTMM_INTERNAL);

/**
 * altmm_layout_node_mem_span() - first and last memory pfn of a node
 * @l: layout
 * @nid: node
 * @start: first memory pfn (0 for a memoryless node)
 * @end: pfn after the last (0 for a memoryless node)
 *
 * The equivalent of get_pfn_range_for_nid().
 */
void altmm_layout_node_mem_span(const struct altmm_layout *l, int nid,
				unsigned long *start, unsigned long *end)
{
	int i;

	*start = ULONG_MAX;
	*end = 0;
	for (i = 0; i < l->nr_mem; i++) {
		if (l->mem[i].nid != nid)
			continue;
		*start = min(*start, l->mem[i].start);
		*end = max(*end, l->mem[i].end);
	}
	if (*start == ULONG_MAX)
		*start = 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_layout_node_mem_span, ALTMM_INTERNAL);

/**
 * altmm_layout_pfn_absent() - is @pfn in a hole
 * @l: layout
 * @pfn: altmm pfn
 *
 * Return: true when no host chunk backs @pfn's section.
 */
bool altmm_layout_pfn_absent(const struct altmm_layout *l, unsigned long pfn)
{
	int h;

	if (pfn >= l->end_pfn)
		return true;
	for (h = 0; h < l->nr_holes; h++)
		if (pfn >= l->holes[h].start && pfn < l->holes[h].end)
			return true;
	return false;
}
EXPORT_SYMBOL_NS_GPL(altmm_layout_pfn_absent, ALTMM_INTERNAL);

/* === Zone boundaries === */

static int build_zone_ranges(const struct altmm_params *p,
			     struct altmm_layout *l,
			     struct altmm_param_error *err)
{
	unsigned long max_zone_pfn[ALTMM_NR_ZONES] = { 0 };
	unsigned long start;
	int zt;

	/*
	 * Boundaries above the arena are fine: they are clamped to the end of
	 * memory below, as a 2 GiB machine has no memory above MAX_DMA32_PFN.
	 */
	if (!section_aligned_mb(p->dma_mb))
		return refuse(err, "dma_mb", "%uM is not a multiple of %uM",
			      p->dma_mb, ALTMM_SECTION_MB);
	if (!section_aligned_mb(p->dma32_mb))
		return refuse(err, "dma32_mb", "%uM is not a multiple of %uM",
			      p->dma32_mb, ALTMM_SECTION_MB);
	if (p->dma32_mb && p->dma32_mb <= p->dma_mb)
		return refuse(err, "dma32_mb", "boundary %uM is not above dma_mb=%u",
			      p->dma32_mb, p->dma_mb);
	if (!section_aligned_mb(p->highmem_mb))
		return refuse(err, "highmem_mb", "%uM is not a multiple of %uM",
			      p->highmem_mb, ALTMM_SECTION_MB);
	if (p->highmem_mb && p->highmem_mb <= max(p->dma_mb, p->dma32_mb))
		return refuse(err, "highmem_mb", "start %uM is not above the DMA/DMA32 boundaries",
			      p->highmem_mb);

	/* As x86's zone_sizes_init(): each limit clamped to the end of memory. */
	max_zone_pfn[ALTMM_ZONE_DMA] = min(MB_TO_PFN(p->dma_mb), l->mem_end);
	max_zone_pfn[ALTMM_ZONE_DMA32] = p->dma32_mb ?
		min(MB_TO_PFN(p->dma32_mb), l->mem_end) : 0;
	max_zone_pfn[ALTMM_ZONE_NORMAL] = p->highmem_mb ?
		min(MB_TO_PFN(p->highmem_mb), l->mem_end) : l->mem_end;
	max_zone_pfn[ALTMM_ZONE_HIGHMEM] = l->mem_end;

	/* As free_area_init(): zones stacked from the start of memory. */
	start = l->mem_start;
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		unsigned long end;

		if (zt == ALTMM_ZONE_MOVABLE || zt == ALTMM_ZONE_DEVICE)
			continue;
		end = max(max_zone_pfn[zt], start);
		l->zone_low[zt] = start;
		l->zone_high[zt] = end;
		start = end;
	}
	l->zone_low[ALTMM_ZONE_DEVICE] = l->device.start;
	l->zone_high[ALTMM_ZONE_DEVICE] = l->device.end;
	return 0;
}

/* === ZONE_MOVABLE: kernelcore= and movablecore= === */

static void find_usable_zone_for_movable(struct altmm_layout *l)
{
	int zt;

	for (zt = ALTMM_ZONE_HIGHMEM; zt > ALTMM_ZONE_DMA; zt--)
		if (l->zone_high[zt] > l->zone_low[zt])
			break;
	l->movable_zone = zt;
}

/*
 * Spread @required kernelcore pages as evenly as possible over the nodes
 * with memory, leaving the rest of each node to ZONE_MOVABLE, exactly as
 * find_zone_movable_pfns_for_nodes() does for kernelcore=/movablecore=.
 */
static void find_zone_movable_pfns(struct altmm_layout *l,
				   unsigned long required)
{
	unsigned long usable_startpfn = l->zone_low[l->movable_zone];
	unsigned long kernelcore_node, kernelcore_remaining;
	int usable_nodes = 0, nid, i;

	for (nid = 0; nid < l->nr_nodes; nid++) {
		unsigned long s, e;

		altmm_layout_node_mem_span(l, nid, &s, &e);
		usable_nodes += s < e;
	}

restart:
	kernelcore_node = required / usable_nodes;
	for (nid = 0; nid < l->nr_nodes; nid++) {
		if (required < kernelcore_node)
			kernelcore_node = required / usable_nodes;
		kernelcore_remaining = kernelcore_node;

		for (i = 0; i < l->nr_mem; i++) {
			unsigned long start_pfn, end_pfn = l->mem[i].end;
			unsigned long size_pages;

			if (l->mem[i].nid != nid)
				continue;
			start_pfn = max(l->mem[i].start, l->zone_movable_pfn[nid]);
			if (start_pfn >= end_pfn)
				continue;

			/* Memory below the movable zone's base is kernelcore. */
			if (start_pfn < usable_startpfn) {
				unsigned long kernel_pages =
					min(end_pfn, usable_startpfn) - start_pfn;

				kernelcore_remaining -= min(kernel_pages,
							    kernelcore_remaining);
				required -= min(kernel_pages, required);
				if (end_pfn <= usable_startpfn) {
					l->zone_movable_pfn[nid] = end_pfn;
					continue;
				}
				start_pfn = usable_startpfn;
			}

			size_pages = min(end_pfn - start_pfn, kernelcore_remaining);
			l->zone_movable_pfn[nid] = start_pfn + size_pages;
			required -= min(required, size_pages);
			kernelcore_remaining -= size_pages;
			if (!kernelcore_remaining)
				break;
		}
	}

	/* Not met yet: one node fewer takes the rest on the next pass. */
	usable_nodes--;
	if (usable_nodes && required > usable_nodes)
		goto restart;

	for (nid = 0; nid < l->nr_nodes; nid++) {
		unsigned long s, e;

		l->zone_movable_pfn[nid] = roundup(l->zone_movable_pfn[nid],
						   ALTMM_MAX_ORDER_NR_PAGES);
		altmm_layout_node_mem_span(l, nid, &s, &e);
		if (l->zone_movable_pfn[nid] >= e)
			l->zone_movable_pfn[nid] = 0;
	}
}

static int build_movable(const struct altmm_params *p, struct altmm_layout *l,
			 struct altmm_param_error *err)
{
	unsigned long total = altmm_layout_mem_pages(l, 0, l->end_pfn);
	unsigned long kc = 0, kc_pct = 0, mc = 0, mc_pct = 0, required;

	if (p->kernelcore && *p->kernelcore &&
	    parse_core(p->kernelcore, &kc, &kc_pct))
		return refuse(err, "kernelcore",
			      "\"%s\" is not a size (64M) or a percentage (25%%)",
			      p->kernelcore);
	if (p->movablecore && *p->movablecore &&
	    parse_core(p->movablecore, &mc, &mc_pct))
		return refuse(err, "movablecore",
			      "\"%s\" is not a size (64M) or a percentage (25%%)",
			      p->movablecore);
	if (kc_pct)
		kc = total * kc_pct / 100;
	if (mc_pct)
		mc = total * mc_pct / 100;

	/*
	 * The kernel quietly makes no ZONE_MOVABLE for a kernelcore it cannot
	 * honour; a person trying a layout wants to hear about it.
	 */
	if (kc > total)
		return refuse(err, "kernelcore", "%luM asked, but there is only %luM of memory",
			      kc >> (20 - PAGE_SHIFT), total >> (20 - PAGE_SHIFT));
	if (mc > total)
		return refuse(err, "movablecore", "%luM asked, but there is only %luM of memory",
			      mc >> (20 - PAGE_SHIFT), total >> (20 - PAGE_SHIFT));

	required = kc;
	if (mc) {
		mc = min(roundup(mc, ALTMM_MAX_ORDER_NR_PAGES), total);
		required = max(required, total - mc);
	}
	l->required_kernelcore = required;
	find_usable_zone_for_movable(l);
	if (!required || required >= total)
		return 0;
	find_zone_movable_pfns(l, required);
	return 0;
}

/**
 * altmm_layout_zone_span() - the pfns a zone of a node spans
 * @l: layout
 * @nid: node
 * @zt: zone type
 * @start: first pfn; equal to @end for an empty zone
 * @end: pfn after the last
 *
 * The node's range clamped to the zone type's range, then adjusted for
 * ZONE_MOVABLE as adjust_zone_range_for_zone_movable() does.
 */
void altmm_layout_zone_span(const struct altmm_layout *l, int nid,
			    enum altmm_zone_type zt, unsigned long *start,
			    unsigned long *end)
{
	unsigned long node_start, node_end, movable = l->zone_movable_pfn[nid];

	if (zt == ALTMM_ZONE_DEVICE) {
		*start = max(l->node_range[nid].start, l->device.start);
		*end = min(l->node_range[nid].end, l->device.end);
		if (*start >= *end)
			*start = *end = 0;
		return;
	}

	altmm_layout_node_mem_span(l, nid, &node_start, &node_end);
	*start = clamp(node_start, l->zone_low[zt], l->zone_high[zt]);
	*end = clamp(node_end, l->zone_low[zt], l->zone_high[zt]);

	if (movable) {
		if (zt == ALTMM_ZONE_MOVABLE) {
			*start = movable;
			*end = min(node_end, l->zone_high[l->movable_zone]);
		} else if (*start < movable && *end > movable) {
			*end = movable;
		} else if (*start >= movable) {
			*start = *end;
		}
	}
	if (*start >= *end)
		*start = *end = 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_layout_zone_span, ALTMM_INTERNAL);

/* === Entry points === */

/**
 * altmm_layout_build() - validate parameters into a memory map
 * @p: what a person asked for
 * @l: the layout to fill; zeroed here
 * @err: on -EINVAL, the parameter at fault and why
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a layout that cannot be, or -ENOMEM.  On error
 * nothing is left allocated in @l.
 */
int altmm_layout_build(const struct altmm_params *p, struct altmm_layout *l,
		       struct altmm_param_error *err)
{
	int ret;

	memset(l, 0, sizeof(*l));
	memset(err, 0, sizeof(*err));

	if (!p->arena_mb || !section_aligned_mb(p->arena_mb) ||
	    p->arena_mb > ALTMM_MAX_ARENA_MB)
		return refuse(err, "arena_mb", "%uM is not a multiple of %uM from %uM to %uM",
			      p->arena_mb, ALTMM_SECTION_MB, ALTMM_SECTION_MB,
			      ALTMM_MAX_ARENA_MB);
	if (p->swap_mb > ALTMM_MAX_SWAP_MB)
		return refuse(err, "swap_mb", "%uM is more than %uM", p->swap_mb,
			      ALTMM_MAX_SWAP_MB);
	l->end_pfn = MB_TO_PFN(p->arena_mb);
	l->nr_sections = l->end_pfn >> ALTMM_PFN_SECTION_SHIFT;

	ret = build_nodes(p, l, err);
	if (ret)
		goto fail;
	ret = parse_holes(p, l, err);
	if (ret)
		goto fail;

	if (!section_aligned_mb(p->device_mb) || p->device_mb >= p->arena_mb) {
		ret = refuse(err, "device_mb", "%uM is not a multiple of %uM below the %uM arena",
			     p->device_mb, ALTMM_SECTION_MB, p->arena_mb);
		goto fail;
	}
	l->device.start = l->end_pfn - MB_TO_PFN(p->device_mb);
	l->device.end = l->end_pfn;
	l->device.nid = p->device_mb ? l->nr_nodes - 1 : -1;
	while (l->device.nid > 0 &&
	       l->node_range[l->device.nid].start > l->device.start)
		l->device.nid--;

	build_mem(l);
	if (!l->nr_mem) {
		ret = refuse(err, "holes", "holes and device_mb leave no memory");
		goto fail;
	}

	ret = build_zone_ranges(p, l, err);
	if (ret)
		goto fail;
	ret = build_movable(p, l, err);
	if (ret)
		goto fail;
	return 0;

fail:
	altmm_layout_free(l);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_layout_build, ALTMM_INTERNAL);

/**
 * altmm_layout_free() - release what altmm_layout_build() allocated
 * @l: layout
 */
void altmm_layout_free(struct altmm_layout *l)
{
	kfree(l->cpu_node);
	l->cpu_node = NULL;
}
EXPORT_SYMBOL_NS_GPL(altmm_layout_free, ALTMM_INTERNAL);
