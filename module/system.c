// SPDX-License-Identifier: GPL-2.0
/*
 * An altmm instance from start to end, in the order a kernel boots:
 *
 *   1. layout    validate the parameters into a memory map (layout.c)
 *   2. arena     back every present section with a host chunk (arena.c)
 *   3. memblock  declare memory per node, reserve the firmware page
 *   4. nodes     node data, allocated node-local from the arena
 *   5. sparse    descriptors and usemaps per section (sparse.c)
 *   6. hand-over every free frame leaves the boot allocator for the buddy
 *                lists of its zone (buddy.c)
 *   7. allocator zonelists, watermarks, per-CPU lists, kswapd threads,
 *                CPU hotplug; then it is ready
 *
 * Teardown stops step 7 (threads, hotplug, per-CPU lists), reports and
 * repairs what was still allocated, and needs no unwinding of steps 3 to
 * 6: all they built lives in the arena and goes back to the host with
 * it.  Private instances (KUnit) and the module's default instance are
 * built by the same code.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/cpuhotplug.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/slab.h>

#include "compaction.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"
#include "usermem.h"
#include "vmalloc.h"

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
	altmm_zone_init_free_lists(zone);
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
		node->sys = sys;
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
 * The end of the boot allocator: every whole free frame goes to the buddy
 * lists of its zone, which counts it as managed, and memory sections come
 * online.
 */
static void hand_over(struct altmm_system *sys)
{
	struct altmm_memblock *mb = &sys->memblock;
	u64 pos = 0, start, end;
	unsigned long nr;

	while (altmm_memblock_next_free(mb, &pos, &start, &end))
		altmm_free_range_core(sys, PFN_UP(start), PFN_DOWN(end));
	mb->handed_over = true;

	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		struct altmm_section *sec = &sys->sections[nr];

		if ((sec->flags & ALTMM_SECTION_PRESENT) &&
		    !(sec->flags & ALTMM_SECTION_DEVICE))
			sec->flags |= ALTMM_SECTION_ONLINE;
	}
}

/* === CPU hotplug: each layer's share, in one place === */

static enum cpuhp_state altmm_cpuhp_state;

/* A CPU is about to come up. */
static int altmm_cpu_prepare(unsigned int cpu, struct hlist_node *node)
{
	struct altmm_system *sys = hlist_entry(node, struct altmm_system, cpuhp_node);

	altmm_pcp_cpu_prepare(sys);
	altmm_slab_cpu_prepare(sys, cpu);
	return 0;
}

/* A CPU is dead: the slab's arrays first, their emptied slabs come back. */
static int altmm_cpu_dead(unsigned int cpu, struct hlist_node *node)
{
	struct altmm_system *sys = hlist_entry(node, struct altmm_system, cpuhp_node);

	altmm_slab_cpu_dead(sys, cpu);
	altmm_pcp_cpu_dead(sys, cpu);
	return 0;
}

/**
 * altmm_cpuhp_register() - the hotplug state every instance joins
 *
 * CPUHP_BP_PREPARE_DYN runs its teardown after the CPU is dead, on
 * another CPU, as the kernel's own CPUHP_PAGE_ALLOC_DEAD does.
 *
 * Return: 0 or an error from cpuhp_setup_state_multi().
 */
int altmm_cpuhp_register(void)
{
	int ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "altmm:cpu",
					  altmm_cpu_prepare, altmm_cpu_dead);

	if (ret < 0)
		return ret;
	altmm_cpuhp_state = ret;
	return 0;
}

/**
 * altmm_cpuhp_unregister() - leave the hotplug machinery
 */
void altmm_cpuhp_unregister(void)
{
	cpuhp_remove_multi_state(altmm_cpuhp_state);
}

static int start_page_allocator(struct altmm_system *sys)
{
	int ret;

	altmm_build_zonelists(sys);
	altmm_init_min_free_kbytes(sys);
	altmm_setup_watermarks(sys);
	ret = altmm_pcp_init(sys);
	if (ret)
		return ret;
	ret = altmm_reclaim_init(sys);
	if (ret)
		return ret;
	ret = cpuhp_state_add_instance_nocalls(altmm_cpuhp_state, &sys->cpuhp_node);
	if (ret)
		return ret;
	WRITE_ONCE(sys->ready, true);
	return 0;
}

/*
 * What is still allocated at teardown goes back with the arena; host
 * reference counts are put back as the host handed the chunks out (1 on
 * a chunk's first page, 0 on the others) so that it frees them whole.
 */
static void reclaim_leftovers(struct altmm_system *sys)
{
	unsigned long nr, i, leaked = 0, refs = 0;

	/* With owners tracked, who allocated what is left, by stack. */
	altmm_page_owner_report_leaks(sys);
	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		struct altmm_section *sec = &sys->sections[nr];
		struct page *host;

		if (!(sec->flags & ALTMM_SECTION_PRESENT) || !sec->mem_map)
			continue;
		host = pfn_to_page(sec->host_pfn);
		for (i = 0; i < ALTMM_PAGES_PER_SECTION; i++) {
			struct altmm_page *d = &sec->mem_map[i];

			if (test_bit(ALTMM_PG_alloc, &d->flags)) {
				leaked += BIT(altmm_alloc_order(d));
				/* A leaked compound block is plain again. */
				altmm_sys_forget_allocation(sys,
							    (nr << ALTMM_PFN_SECTION_SHIFT) + i);
			}
			if (page_ref_count(host + i) != !i) {
				refs++;
				set_page_count(host + i, !i);
			}
		}
		cond_resched();
	}
	if (leaked || refs)
		pr_warn("%s: teardown: %lu frames were still allocated, %lu host reference counts repaired\n",
			sys->name, leaked, refs);
}

static void stop_page_allocator(struct altmm_system *sys)
{
	WRITE_ONCE(sys->ready, false);
	if (!hlist_unhashed(&sys->cpuhp_node))
		cpuhp_state_remove_instance_nocalls(altmm_cpuhp_state, &sys->cpuhp_node);
	altmm_reclaim_stop(sys);
	altmm_pcp_destroy(sys);
	if (sys->sections)
		reclaim_leftovers(sys);
	free_percpu(sys->vm_events);
	sys->vm_events = NULL;
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
	sys->arena_fill = p->arena_fill;
	mutex_init(&sys->tune_lock);
	mutex_init(&sys->hotplug_lock);
	INIT_LIST_HEAD(&sys->retired_chunk_maps);
	INIT_LIST_HEAD(&sys->shrinkers);
	init_rwsem(&sys->shrinker_rwsem);
	spin_lock_init(&sys->movable_lock);
	altmm_fault_attr_init(&sys->fail_page_alloc, "fail_page_alloc");
	altmm_fault_attr_init(&sys->failslab, "failslab");
	altmm_tunables_default(&sys->tune);
	sys->tune.init_on_alloc = p->init_on_alloc;
	sys->tune.init_on_free = p->init_on_free;
	sys->tune.slab_debug = p->slab_debug;
	ratelimit_state_init(&sys->misuse_rs, 5 * HZ, 10);
	ratelimit_state_init(&sys->fail_rs, 5 * HZ, 10);

	ret = altmm_layout_build(p, &sys->layout, err);
	if (ret) {
		if (ret == -EINVAL)
			pr_err("%s: %s: %s\n", name, err->param, err->reason);
		kfree(sys);
		return ret;
	}

	sys->sections = kvcalloc(sys->layout.nr_sections,
				 sizeof(*sys->sections), GFP_KERNEL);
	/* Counting starts with the hand-over's frees, as pgfree does. */
	sys->vm_events = alloc_percpu(struct altmm_vm_events);
	if (!sys->sections || !sys->vm_events) {
		ret = -ENOMEM;
		goto fail;
	}
	sys->page_owner_on = p->page_owner;
	ret = altmm_page_owner_init(sys);
	if (ret)
		goto fail;
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
	ret = start_page_allocator(sys);
	if (ret)
		goto fail;
	ret = altmm_slab_init(sys);
	if (ret)
		goto fail;
	ret = altmm_vmalloc_init(sys);
	if (ret)
		goto fail;
	ret = altmm_usermem_init(sys, p->swap_mb);
	if (ret)
		goto fail;
	ret = altmm_compaction_start(sys);
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
 * Whoever published files about @sys (altmm_debugfs_create()) has
 * withdrawn them before.
 *
 * Context: process context, may sleep.
 */
void altmm_system_destroy(struct altmm_system *sys)
{
	if (!sys)
		return;
	/* RCU callbacks (kfree_rcu, TYPESAFE_BY_RCU slabs) use every layer. */
	rcu_barrier();
	/* Compaction moves pages with every layer below it. */
	altmm_compaction_stop(sys);
	altmm_vmalloc_exit(sys);
	altmm_slab_exit(sys);
	stop_page_allocator(sys);
	/* After kswapd: no reclaim can be looking at the LRU lists now. */
	altmm_usermem_exit(sys);
	if (sys->sections)
		altmm_arena_release(sys);
	kvfree(sys->sections);
	altmm_page_owner_exit(sys);
	altmm_layout_free(&sys->layout);
	kfree(sys);
}
EXPORT_SYMBOL_NS_GPL(altmm_system_destroy, ALTMM_INTERNAL);
