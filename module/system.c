// SPDX-License-Identifier: GPL-2.0
/*
 * An altmm instance from start to end, in the order a kernel boots:
 *
 *   1. layout    validate the parameters into a memory map (layout.c)
 *   2. arena     back every present section with a host chunk (arena.c)
 *   3. memblock  declare memory per node, reserve the firmware page
 *   4. nodes     node data, allocated node-local from the arena
 *   5. sparse    descriptors and usemaps per section (sparse.c)
 *   6. hand-over every free frame leaves the boot allocator for its zone
 *
 * Teardown needs no unwinding of steps 3 to 6: all they built lives in the
 * arena and goes back to the host with it.  Private instances (KUnit) and
 * the module's default instance are built by the same code.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/xarray.h>

#include "internal.h"

#define PFN_PHYS_U64(pfn)	((u64)(pfn) << PAGE_SHIFT)

static int init_memblock(struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;
	int i, ret;

	altmm_memblock_init(&sys->memblock);
	for (i = 0; i < l->nr_mem; i++) {
		ret = altmm_memblock_add(&sys->memblock,
					 PFN_PHYS_U64(l->mem[i].start),
					 PFN_PHYS_U64(l->mem[i].end - l->mem[i].start),
					 l->mem[i].nid);
		if (ret)
			return ret;
	}
	/* The first page of memory belongs to the "firmware", as on x86. */
	return altmm_memblock_reserve(&sys->memblock,
				      PFN_PHYS_U64(l->mem_start), PAGE_SIZE);
}

static void init_zone(struct altmm_system *sys, struct altmm_node *node,
		      enum altmm_zone_type zt)
{
	struct altmm_zone *zone = &node->zones[zt];
	unsigned long start, end;

	zone->node = node;
	zone->type = zt;
	altmm_layout_zone_span(&sys->layout, node->nid, zt, &start, &end);
	zone->zone_start_pfn = start;
	zone->spanned_pages = end - start;
	/* Device memory is not memory: present stays 0, as in Linux. */
	zone->present_pages = zt == ALTMM_ZONE_DEVICE ? 0 :
		altmm_layout_mem_pages(&sys->layout, start, end);
	atomic_long_set(&zone->managed_pages, 0);
}

static int init_nodes(struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;
	int nid, zt;

	for (nid = 0; nid < l->nr_nodes; nid++) {
		struct altmm_node *node;
		unsigned long start, end;

		node = altmm_memblock_alloc(sys, sizeof(*node), SMP_CACHE_BYTES, nid);
		if (!node)
			return -ENOMEM;
		node->nid = nid;
		altmm_layout_node_mem_span(l, nid, &start, &end);
		node->node_start_pfn = start;
		node->node_spanned_pages = end - start;
		node->node_present_pages = altmm_layout_mem_pages(l, start, end);
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			init_zone(sys, node, zt);
		if (node->zones[ALTMM_ZONE_DEVICE].spanned_pages) {
			struct altmm_zone *dev = &node->zones[ALTMM_ZONE_DEVICE];

			if (!node->node_spanned_pages)
				node->node_start_pfn = dev->zone_start_pfn;
			node->node_spanned_pages = dev->zone_start_pfn +
				dev->spanned_pages - node->node_start_pfn;
		}
		sys->nodes[nid] = node;
	}
	return 0;
}

/*
 * The end of the boot allocator: every free frame goes to its zone's
 * managed count (the buddy allocator takes them from here), its descriptor
 * stops being reserved, and memory sections come online.
 */
static void hand_over(struct altmm_system *sys)
{
	struct altmm_memblock *mb = &sys->memblock;
	u64 pos = 0, start, end;
	unsigned long nr;

	while (altmm_memblock_next_free(mb, &pos, &start, &end)) {
		unsigned long pfn = PFN_UP(start), last = PFN_DOWN(end);

		for (; pfn < last; pfn++) {
			struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
			struct altmm_zone *zone = altmm_pfn_to_zone(sys, pfn);

			clear_bit(ALTMM_PG_reserved, &d->flags);
			atomic_long_inc(&zone->managed_pages);
			atomic_long_inc(&zone->vm_stat[ALTMM_NR_FREE_PAGES]);
		}
	}
	mb->handed_over = true;

	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		struct altmm_section *sec = &sys->sections[nr];

		if ((sec->flags & ALTMM_SECTION_PRESENT) &&
		    !(sec->flags & ALTMM_SECTION_DEVICE))
			sec->flags |= ALTMM_SECTION_ONLINE;
	}
}

/**
 * altmm_system_create() - build a complete altmm instance
 * @p: its description
 * @name: for the log (the default instance is "altmm")
 * @out: the instance, on success
 * @err: on -EINVAL, the parameter at fault and why
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a layout that cannot be (logged, naming the
 * parameter); -ENOMEM when the host or the arena is short.  On error every
 * host page taken has been returned.
 */
int altmm_system_create(const struct altmm_params *p, const char *name,
			struct altmm_system **out, struct altmm_param_error *err)
{
	struct altmm_system *sys;
	int ret;

	sys = kzalloc(sizeof(*sys), GFP_KERNEL);
	if (!sys)
		return -ENOMEM;
	sys->name = name;
	sys->fail_chunk = p->fail_chunk;
	xa_init(&sys->host_chunks);

	ret = altmm_layout_build(p, &sys->layout, err);
	if (ret) {
		if (ret == -EINVAL)
			pr_err("%s: %s: %s\n", name, err->param, err->reason);
		kfree(sys);
		return ret;
	}

	sys->sections = kvcalloc(sys->layout.nr_sections,
				 sizeof(*sys->sections), GFP_KERNEL);
	if (!sys->sections) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = altmm_arena_acquire(sys);
	if (ret)
		goto fail;
	ret = init_memblock(sys);
	if (ret)
		goto fail;
	ret = init_nodes(sys);
	if (ret)
		goto fail;
	ret = altmm_sparse_init(sys);
	if (ret)
		goto fail;
	hand_over(sys);
	ret = altmm_layout_render(sys);
	if (ret)
		goto fail;

	*out = sys;
	return 0;

fail:
	altmm_system_destroy(sys);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_system_create, ALTMM_INTERNAL);

/**
 * altmm_system_destroy() - tear an instance down and return every host page
 * @sys: instance, or NULL
 *
 * Context: process context, may sleep.
 */
void altmm_system_destroy(struct altmm_system *sys)
{
	if (!sys)
		return;
	altmm_debugfs_remove(sys);
	if (sys->sections)
		altmm_arena_release(sys);
	xa_destroy(&sys->host_chunks);
	kvfree(sys->sections);
	kfree(sys->layout_text);
	altmm_layout_free(&sys->layout);
	kfree(sys);
}
EXPORT_SYMBOL_NS_GPL(altmm_system_destroy, ALTMM_INTERNAL);
