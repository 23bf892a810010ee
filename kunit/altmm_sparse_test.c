// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the arena and the sparse memory model: every conversion
 * between altmm pfn, frame descriptor, host struct page and kernel virtual
 * address round-trips for every frame of every catalogued layout; pages
 * that are not ours are recognised as foreign; the arena goes back to the
 * host whole, also when the host refuses part of it.
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "altmm_test.h"

KUNIT_ARRAY_PARAM(layouts, altmm_test_layouts, altmm_test_layout_desc);

static void sparse_roundtrip_every_frame(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &t->p);
	unsigned long pfn, checked = 0, absent = 0;

	for (pfn = 0; pfn < sys->layout.end_pfn; pfn++) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
		unsigned long back = ULONG_MAX;
		struct page *host;
		void *virt;

		if (altmm_layout_pfn_absent(&sys->layout, pfn)) {
			KUNIT_EXPECT_FALSE(test, altmm_pfn_valid(sys, pfn));
			KUNIT_EXPECT_NULL(test, d);
			KUNIT_EXPECT_NULL(test, altmm_pfn_to_host_page(sys, pfn));
			absent++;
			continue;
		}
		KUNIT_ASSERT_NOT_NULL(test, d);
		KUNIT_ASSERT_EQ(test, altmm_desc_to_pfn(sys, d), pfn);

		host = altmm_pfn_to_host_page(sys, pfn);
		KUNIT_ASSERT_NOT_NULL(test, host);
		KUNIT_ASSERT_TRUE(test, altmm_host_page_to_pfn(sys, host, &back));
		KUNIT_ASSERT_EQ(test, back, pfn);

		virt = altmm_pfn_to_virt(sys, pfn);
		KUNIT_ASSERT_PTR_EQ(test, virt, page_address(host));
		KUNIT_ASSERT_PTR_EQ(test, virt_to_page(virt), host);
		back = ULONG_MAX;
		/* Any byte of the frame maps back to it, the last one too. */
		KUNIT_ASSERT_TRUE(test, altmm_virt_to_pfn(sys, virt + PAGE_SIZE - 1, &back));
		KUNIT_ASSERT_EQ(test, back, pfn);
		KUNIT_ASSERT_PTR_EQ(test, altmm_pfn_to_zone(sys, pfn),
				    &sys->nodes[sys->sections[pfn >> ALTMM_PFN_SECTION_SHIFT].nid]
				    ->zones[sys->sections[pfn >> ALTMM_PFN_SECTION_SHIFT].zone]);
		checked++;
	}
	KUNIT_EXPECT_EQ(test, checked + absent, sys->layout.end_pfn);
	KUNIT_EXPECT_EQ(test, absent, altmm_test_hole_pages(&sys->layout));
	KUNIT_EXPECT_FALSE(test, altmm_pfn_valid(sys, sys->layout.end_pfn));
	KUNIT_EXPECT_NULL(test, altmm_pfn_to_desc(sys, ULONG_MAX));
}

/*
 * The chunk map altmm builds is the inverse of the section table: the
 * first, middle and last frame of every present section go to the host
 * and come back to the same altmm pfn through the host pfn and through
 * the direct-map address; the chunk map names exactly the present
 * sections, so no two sections share a chunk.
 */
static void sparse_host_frames_round_trip(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &t->p);
	static const unsigned long offs[] = { 0, ALTMM_PAGES_PER_SECTION / 2 + 1,
					      ALTMM_PAGES_PER_SECTION - 1 };
	unsigned long nr, i, mapped = 0, present = 0;

	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		if (!(sys->sections[nr].flags & ALTMM_SECTION_PRESENT))
			continue;
		present++;
		for (i = 0; i < ARRAY_SIZE(offs); i++) {
			unsigned long pfn = (nr << ALTMM_PFN_SECTION_SHIFT) + offs[i];
			struct page *host = altmm_pfn_to_host_page(sys, pfn);
			unsigned long back = ULONG_MAX, via_virt = ULONG_MAX;

			KUNIT_ASSERT_NOT_NULL(test, host);
			KUNIT_EXPECT_EQ(test, page_to_pfn(host),
					sys->sections[nr].host_pfn + offs[i]);
			KUNIT_EXPECT_TRUE(test, altmm_host_page_to_pfn(sys, host, &back));
			KUNIT_EXPECT_EQ_MSG(test, back, pfn, "section %lu", nr);
			KUNIT_EXPECT_TRUE(test, altmm_virt_to_pfn(sys, page_address(host) + 17,
								  &via_virt));
			KUNIT_EXPECT_EQ_MSG(test, via_virt, pfn, "section %lu", nr);
		}
	}
	for (i = 0; i < sys->chunk_span; i++) {
		u32 sec = sys->chunk_map[i];

		if (!sec)
			continue;
		mapped++;
		KUNIT_ASSERT_LT(test, (unsigned long)sec - 1, sys->layout.nr_sections);
		KUNIT_EXPECT_EQ(test, sys->sections[sec - 1].host_pfn >> ALTMM_PFN_SECTION_SHIFT,
				sys->chunk_base + i);
	}
	KUNIT_EXPECT_EQ(test, mapped, present);
	KUNIT_EXPECT_EQ(test, present, sys->nr_chunks);
}

static void sparse_foreign_pages(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &altmm_test_layouts[0].p);
	struct altmm_system *other = altmm_test_create(test, &altmm_test_layouts[0].p);
	unsigned long pfn = ULONG_MAX;
	struct page *host_page;
	void *slab, *vmem;

	host_page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, host_page);
	KUNIT_EXPECT_FALSE(test, altmm_host_page_to_pfn(sys, host_page, &pfn));
	KUNIT_EXPECT_FALSE(test, altmm_virt_to_pfn(sys, page_address(host_page), &pfn));
	__free_page(host_page);

	slab = kunit_kmalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slab);
	KUNIT_EXPECT_FALSE(test, altmm_virt_to_pfn(sys, slab, &pfn));

	vmem = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vmem);
	KUNIT_EXPECT_FALSE(test, altmm_virt_to_pfn(sys, vmem, &pfn));
	vfree(vmem);

	/* The neighbouring instance's frames are foreign too, both ways. */
	host_page = altmm_pfn_to_host_page(other, 100);
	KUNIT_EXPECT_FALSE(test, altmm_host_page_to_pfn(sys, host_page, &pfn));
	KUNIT_EXPECT_FALSE(test, altmm_virt_to_pfn(other, altmm_pfn_to_virt(sys, 100), &pfn));
	KUNIT_EXPECT_EQ(test, pfn, ULONG_MAX);
}

/* Host free pages, read as /proc/meminfo's MemFree is. */
static unsigned long host_free_pages(void)
{
	return global_zone_page_state(NR_FREE_PAGES);
}

static void sparse_arena_returned(struct kunit *test)
{
	static const struct altmm_params p = { .arena_mb = 64, .nr_nodes = 2,
					.dma_mb = 16, .dma32_mb = 32 };
	struct altmm_param_error err;
	struct altmm_system *sys;
	unsigned long before, during, after, arena = MB_PAGES(p.arena_mb);

	before = host_free_pages();
	KUNIT_ASSERT_EQ(test, altmm_system_create(&p, "altmm-kunit", &sys, &err), 0);
	during = host_free_pages();
	altmm_system_destroy(sys);
	after = host_free_pages();

	kunit_info(test, "host free pages: %lu before, %lu held, %lu after\n",
		   before, during, after);
	/* The arena is really taken from the host ... */
	KUNIT_EXPECT_LE(test, during + arena, before + MB_PAGES(1));
	/* ... and really given back, within 1 MiB of slab and xarray noise. */
	KUNIT_EXPECT_GE(test, after + MB_PAGES(1), before);
}

static void sparse_host_refuses(struct kunit *test)
{
	static const struct altmm_params base = { .arena_mb = 64, .nr_nodes = 2,
						  .dma_mb = 16, .dma32_mb = 32 };
	struct altmm_params *p = kunit_kmalloc(test, sizeof(*p), GFP_KERNEL);
	struct altmm_param_error err;
	struct altmm_system *sys = NULL;
	unsigned long before = host_free_pages();

	KUNIT_ASSERT_NOT_NULL(test, p);
	*p = base;
	p->fail_chunk = 9;

	KUNIT_EXPECT_EQ(test, altmm_system_create(p, "altmm-kunit", &sys, &err),
			-ENOMEM);
	KUNIT_EXPECT_NULL(test, sys);
	KUNIT_EXPECT_GE(test, host_free_pages() + MB_PAGES(1), before);

	/* Refused at the very first chunk, and at the very last. */
	p->fail_chunk = 1;
	KUNIT_EXPECT_EQ(test, altmm_system_create(p, "altmm-kunit", &sys, &err),
			-ENOMEM);
	p->fail_chunk = p->arena_mb / ALTMM_SECTION_MB;
	KUNIT_EXPECT_EQ(test, altmm_system_create(p, "altmm-kunit", &sys, &err),
			-ENOMEM);
	KUNIT_EXPECT_GE(test, host_free_pages() + MB_PAGES(1), before);
}

/* Is the byte at @addr, one of @sys's frames, reserved in its boot allocator? */
static bool addr_reserved(struct kunit *test, struct altmm_system *sys,
			  const void *addr)
{
	unsigned long pfn;

	KUNIT_ASSERT_TRUE(test, altmm_virt_to_pfn(sys, addr, &pfn));
	return altmm_memblock_is_reserved(&sys->memblock, ((u64)pfn << PAGE_SHIFT) +
					  offset_in_page(addr));
}

static int section_nid(struct altmm_system *sys, unsigned long pfn)
{
	return sys->sections[altmm_pfn_to_section_nr(pfn)].nid;
}

/* Metadata lives in the arena, reserved, node-local where the node has memory. */
static void sparse_metadata_in_arena(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &t->p);
	unsigned long nr, pfn;
	int nid;

	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];
		unsigned long s, e;

		if (!(sec->flags & ALTMM_SECTION_PRESENT))
			continue;
		KUNIT_ASSERT_TRUE(test, altmm_virt_to_pfn(sys, sec->mem_map, &pfn));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)sec->mem_map, PAGE_SIZE));
		KUNIT_EXPECT_TRUE(test, addr_reserved(test, sys, sec->mem_map));
		KUNIT_EXPECT_TRUE(test, addr_reserved(test, sys, (void *)sec->mem_map +
					ALTMM_PAGES_PER_SECTION * sizeof(struct altmm_page) - 1));
		KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_pfn_to_desc(sys, pfn),
							ALTMM_PG_reserved));
		altmm_layout_node_mem_span(&sys->layout, sec->nid, &s, &e);
		if (s < e)
			KUNIT_EXPECT_EQ(test, section_nid(sys, pfn), (int)sec->nid);
		KUNIT_EXPECT_TRUE(test, addr_reserved(test, sys, sec->usemap));
	}
	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		KUNIT_EXPECT_TRUE(test, addr_reserved(test, sys, sys->nodes[nid]));
		KUNIT_EXPECT_TRUE(test, addr_reserved(test, sys, (void *)sys->nodes[nid] +
						      sizeof(struct altmm_node) - 1));
	}
}

static struct kunit_case altmm_sparse_cases[] = {
	KUNIT_CASE_PARAM(sparse_roundtrip_every_frame, layouts_gen_params),
	KUNIT_CASE_PARAM(sparse_host_frames_round_trip, layouts_gen_params),
	KUNIT_CASE_PARAM(sparse_metadata_in_arena, layouts_gen_params),
	KUNIT_CASE(sparse_foreign_pages),
	KUNIT_CASE(sparse_arena_returned),
	KUNIT_CASE(sparse_host_refuses),
	{}
};

static struct kunit_suite altmm_sparse_suite = {
	.name = "altmm_sparse",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_sparse_cases,
};

kunit_test_suite(altmm_sparse_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's arena and sparse memory model");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
