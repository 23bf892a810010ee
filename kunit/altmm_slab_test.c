// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the slab layer: cache geometry as the slab rules derive
 * it by hand, object alignment, constructors, colouring, type-stable
 * RCU caches, bulk paths, node placement, shrinking, every debug check on
 * a deliberately damaged object, refused destruction, init_on_alloc and
 * init_on_free (also of an arena the host left dirty), and a seeded
 * random workload.
 *
 * Every test builds private instances; the suite's .exit runs the shared
 * checker (altmm_check_system(), with altmm_check_cache() on every cache)
 * over each of them.  Reports are read from the kernel log through the
 * console tracepoint (altmm_test_log_*()).
 *
 * The expected geometry below is worked out by hand from slab.c's rules,
 * for a 64-bit kernel with 4 KiB pages, 64-byte cache lines, 8-byte
 * ARCH_SLAB_MINALIGN and a 56-byte struct altmm_slab (cache 8, list 16,
 * s_mem 8, active 4, nid 4, rcu 16); the tests that use it check those
 * assumptions first:
 *
 *   align    = max(align, HWCACHE line halved while size <= line/2, 8)
 *   slot     = ALIGN(size, 8), or with SLAB_RED_ZONE
 *              ALIGN(8, align) + ALIGN(size, 8) + 8; SLAB_STORE_USER adds 16
 *   size     = ALIGN(slot, align)
 *   off-slab = tried first, as 6.1's set_off_slab_cache(): num = slab
 *              bytes / size, left = the rest, mgmt = 0, the header and
 *              indices (56 + 2 num) in the kmalloc class they fit if it
 *              is on-slab and at most size / 2; kept only when left is
 *              less than 56 + 2 num (else the slab holds them anyway)
 *   num      = (slab bytes - 56) / (size + 2), less while
 *              mgmt = ALIGN(56 + 2 num, align) and mgmt + num size overflow
 *   left     = slab bytes - mgmt - num size
 *   order    = the first that fits an object, then larger while
 *              left * 8 > slab bytes and order < slab_max_order (0 for
 *              these 32 MiB instances); reclaimable caches: the first
 *   colour   = left / max(64, align)
 *   limit    = 120 / 54 / 24 / 8 for size <= 256 / 1024 / 4096 / more,
 *              batchcount (limit + 1) / 2
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/cpu.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "altmm_test.h"

static unsigned long long seed;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "Seed of the random workload (0: a random one, printed)");

/* === Helpers === */

/* The one-node 32 MiB layout of the catalogue. */
static struct altmm_system *one_node(struct kunit *test)
{
	return altmm_test_create(test, &altmm_test_layouts[0].p);
}

static struct altmm_kmem_cache *new_cache(struct kunit *test,
					  struct altmm_system *sys,
					  const char *name, unsigned int size,
					  unsigned int align, slab_flags_t flags,
					  void (*ctor)(void *))
{
	struct altmm_kmem_cache *cache;

	cache = altmm_sys_cache_create(sys, name, size, align, flags, ctor);
	KUNIT_ASSERT_NOT_NULL_MSG(test, cache, "cache %s", name);
	return cache;
}

static void *alloc_obj(struct kunit *test, struct altmm_kmem_cache *cache,
		       gfp_t gfp, int nid)
{
	void *obj = altmm_cache_alloc(cache, gfp, nid);

	KUNIT_ASSERT_NOT_NULL_MSG(test, obj, "cache %s node %d", cache->name, nid);
	return obj;
}

static void free_obj(struct kunit *test, struct altmm_kmem_cache *cache, void *obj)
{
	KUNIT_EXPECT_EQ_MSG(test, altmm_cache_free(cache, obj, _RET_IP_), 0,
			    "cache %s object %p", cache->name, obj);
}

/* The slab an object is in; the test stops if it is not in one of @cache. */
static struct altmm_slab *slab_of(struct kunit *test, struct altmm_kmem_cache *cache,
				  const void *obj)
{
	struct altmm_slab *slab = NULL;

	KUNIT_ASSERT_PTR_EQ(test, altmm_obj_to_cache(cache->sys, obj, &slab), cache);
	return slab;
}

static int node_of(struct kunit *test, struct altmm_system *sys, const void *addr)
{
	unsigned long pfn;

	KUNIT_ASSERT_TRUE(test, altmm_virt_to_pfn(sys, addr, &pfn));
	return altmm_zone_nid(altmm_pfn_to_zone(sys, pfn));
}

/* Objects in the running CPU's array of @cache. */
static unsigned int cpu_avail(struct altmm_kmem_cache *cache)
{
	return READ_ONCE(per_cpu_ptr(cache->cpu_cache, raw_smp_processor_id())->avail);
}

static bool is_cache_listed(struct altmm_system *sys, struct altmm_kmem_cache *cache)
{
	struct altmm_kmem_cache *c;
	bool found = false;

	mutex_lock(&sys->slab->mutex);
	list_for_each_entry(c, &sys->slab->caches, list)
		found |= c == cache;
	mutex_unlock(&sys->slab->mutex);
	return found;
}

/* The geometry worked out by hand assumes this machine's sizes. */
static void require_hand_geometry(struct kunit *test)
{
	if (sizeof(struct altmm_slab) != 56 || cache_line_size() != 64 ||
	    ARCH_SLAB_MINALIGN != 8 || PAGE_SIZE != 4096)
		kunit_skip(test, "header %zu, line %d, minalign %d: not the sizes derived for",
			   sizeof(struct altmm_slab), (int)cache_line_size(),
			   (int)ARCH_SLAB_MINALIGN);
}

/* === Module parameters, set through their sysfs files and restored === */

static int param_rw(const char *name, bool *val, bool write)
{
	char path[64], buf[4] = { };
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/altmm/parameters/%s", name);
	f = filp_open(path, write ? O_WRONLY : O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (write)
		n = kernel_write(f, *val ? "1" : "0", 1, &pos);
	else
		n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n < 1)
		return n < 0 ? n : -EIO;
	if (!write)
		*val = buf[0] == 'Y';
	return 0;
}

struct param_saved {
	const char *name;
	bool old;
};

static int param_saved_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void param_saved_restore(struct kunit_resource *res)
{
	struct param_saved *s = res->data;

	param_rw(s->name, &s->old, true);
}

/*
 * Set altmm's bool parameter @name for the rest of the test; it changes
 * the default instance.  The variables are not exported, so this goes
 * through the file a person would write.
 */
static void set_param(struct kunit *test, const char *name, bool on)
{
	struct param_saved *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	bool now;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->name = name;
	if (param_rw(name, &s->old, false))
		kunit_skip(test, "cannot read /sys/module/altmm/parameters/%s", name);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, param_saved_init,
							 param_saved_restore,
							 GFP_KERNEL, s));
	KUNIT_ASSERT_EQ(test, param_rw(name, &on, true), 0);
	KUNIT_ASSERT_EQ(test, param_rw(name, &now, false), 0);
	KUNIT_ASSERT_EQ(test, now, on);
}

/* === Geometry === */

struct geometry_case {
	const char *name;
	unsigned int size, align;
	slab_flags_t flags;
	/* expected, by hand (see the head comment) */
	unsigned int want_align, want_size, want_obj_offset, want_num, want_order;
	unsigned int want_mgmt, want_colour, want_limit;
};

static const struct geometry_case geometry_cases[] = {
	/*
	 * An order-n slab of B bytes holds num = (B - 56) / (slot + 2)
	 * objects from its first byte, then num u16 indices and the 56-byte
	 * header at its end: mgmt = 56 + 2 num, left = B - mgmt - num slot.
	 */
	/* 4040 / 66 = 61; mgmt 178; 178 + 3904 = 4082, left 14: no colour */
	{ "64", 64, 0, 0, 8, 64, 0, 61, 0, 178, 0, 120 },
	/* the same slots, aligned to 64 by starting at the block's base */
	{ "64-align64", 64, 64, 0, 64, 64, 0, 61, 0, 178, 0, 120 },
	/* size ALIGN(104, 128) = 128; 4040 / 130 = 31; mgmt 118; left 10 */
	{ "100-align128", 100, 128, 0, 128, 128, 0, 31, 0, 118, 0, 120 },
	/* size 256: off the slab, 16 a page, left 0; the header and 16
	 * indices (88 bytes) in kmalloc-96, at most half of 256
	 */
	{ "100-align256", 100, 256, 0, 256, 256, 0, 16, 0, 0, 0, 120 },
	/* line 64 -> 32 (20 <= 32, not <= 16); size 32; 4040 / 34 = 118;
	 * mgmt 292; 292 + 3776 = 4068, left 28
	 */
	{ "20-hwcache", 20, 0, SLAB_HWCACHE_ALIGN, 32, 32, 0, 118, 0, 292, 0, 120 },
	/* off the slab: 8 a page as 6.1's kmalloc-512 (on it, 7), header
	 * and indices (72 bytes) in kmalloc-96; size > 256: limit 54
	 */
	{ "512", 512, 0, 0, 8, 512, 0, 8, 0, 0, 0, 54 },
	/* slot 8 + 256 + 8 = 272; off: 4096 / 272 = 15, left 16, less than
	 * the 86 bytes of header and indices: off the slab (kmalloc-96)
	 */
	{ "256-redzone", 256, 0, SLAB_RED_ZONE, 8, 272, 8, 15, 0, 0, 0, 54 },
	/* slot 272 + 16 = 288; off: 14, left 64 < 84: off the slab, 1 colour */
	{ "256-redzone-user", 256, 0, SLAB_RED_ZONE | SLAB_STORE_USER,
	  8, 288, 8, 14, 0, 0, 1, 54 },
	/* order 0: 1 object, left 1038 (x8 > 4096), but slab_max_order is
	 * 0 on a 32 MiB instance: it stays, as 6.1's does (mgmt 58, 16
	 * colours); on the slab, as the 1096 bytes left off it hold the header
	 */
	{ "3000", 3000, 0, 0, 8, 3000, 0, 1, 0, 58, 16, 24 },
	/* reclaimable: the first order that fits: 1 object, mgmt 58, left 1038 */
	{ "3000-reclaim", 3000, 0, SLAB_RECLAIM_ACCOUNT, 8, 3000, 0, 1, 0, 58, 16, 24 },
	/* 4040 / 10 = 404; mgmt 864; 864 + 3232 = 4096, left 0 */
	{ "8", 8, 0, 0, 8, 8, 0, 404, 0, 864, 0, 120 },
	/* a 1-byte object takes an 8-byte slot: as "8" */
	{ "1", 1, 0, 0, 8, 8, 0, 404, 0, 864, 0, 120 },
	/* slot 8 + 64 + 8 = 80; 4040 / 82 = 49; mgmt 154;
	 * 154 + 3920 = 4074, left 22
	 */
	{ "64-redzone", 64, 0, SLAB_RED_ZONE, 8, 80, 8, 49, 0, 154, 0, 120 },
};

static void geometry_desc(const struct geometry_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(geometry, geometry_cases, geometry_desc);

/*
 * The cache's layout is the one the rules give, and 2 num + 1 objects
 * take exactly three slabs: a refill grows a slab only when no listed
 * slab has a free object.
 */
static void slab_geometry(struct kunit *test)
{
	const struct geometry_case *c = test->param_value;
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	unsigned int i, nr;
	void **objs;

	require_hand_geometry(test);
	cache = new_cache(test, sys, c->name, c->size, c->align, c->flags, NULL);
	KUNIT_EXPECT_EQ(test, cache->object_size, c->size);
	KUNIT_EXPECT_EQ(test, cache->align, c->want_align);
	KUNIT_EXPECT_EQ(test, cache->size, c->want_size);
	KUNIT_EXPECT_EQ(test, cache->obj_offset, c->want_obj_offset);
	KUNIT_EXPECT_EQ(test, cache->num, c->want_num);
	KUNIT_EXPECT_EQ(test, cache->order, c->want_order);
	KUNIT_EXPECT_EQ(test, cache->mgmt_size, c->want_mgmt);
	KUNIT_EXPECT_EQ(test, cache->colour, c->want_colour);
	KUNIT_EXPECT_EQ(test, cache->colour_off, max(64U, c->want_align));
	KUNIT_EXPECT_EQ(test, cache->limit, c->want_limit);
	KUNIT_EXPECT_EQ(test, cache->batchcount, (c->want_limit + 1) / 2);
	KUNIT_EXPECT_STREQ(test, cache->name, c->name);
	KUNIT_ASSERT_EQ(test, cache->num, c->want_num);

	nr = 2 * c->want_num + 1;
	objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < nr; i++) {
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned long)objs[i] % c->want_align, 0UL,
				    "object %u: bytes past a %u-byte boundary", i, c->want_align);
		memset(objs[i], 0x3c, c->size);
	}
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), (unsigned long)nr);
	KUNIT_EXPECT_EQ(test, altmm_test_cache_slabs(cache), 3UL);
	for (i = 0; i < nr; i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
}

/* === Alignment === */

struct align_case {
	const char *name;
	unsigned int size, align;
	slab_flags_t flags;
	unsigned int want;	/* by hand: calculate_alignment()'s rules */
};

static const struct align_case align_cases[] = {
	{ "24-align8", 24, 8, 0, 8 },
	{ "24-align64", 24, 64, 0, 64 },
	{ "24-align128", 24, 128, 0, 128 },
	{ "24-align256", 24, 256, 0, 256 },
	{ "200-hwcache", 200, 0, SLAB_HWCACHE_ALIGN, 64 },	/* 200 > 32 */
	{ "33-hwcache", 33, 0, SLAB_HWCACHE_ALIGN, 64 },	/* 33 > 32 */
	{ "20-hwcache", 20, 0, SLAB_HWCACHE_ALIGN, 32 },	/* 20 <= 32, > 16 */
	{ "9-hwcache", 9, 0, SLAB_HWCACHE_ALIGN, 16 },		/* 9 <= 16, > 8 */
	{ "8-hwcache", 8, 0, SLAB_HWCACHE_ALIGN, 8 },		/* 8 <= 8, > 4 */
	{ "24-align128-hwcache", 24, 128, SLAB_HWCACHE_ALIGN, 128 },
	{ "100-align64-redzone", 100, 64, SLAB_RED_ZONE, 64 },
	{ "100-align256-redzone-user", 100, 256, SLAB_RED_ZONE | SLAB_STORE_USER, 256 },
	{ "24-align128-poison", 24, 128, SLAB_POISON, 128 },
};

static void align_desc(const struct align_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(alignment, align_cases, align_desc);

/* Every object of three slabs (so of several colours) is aligned. */
static void slab_object_alignment(struct kunit *test)
{
	const struct align_case *c = test->param_value;
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	unsigned int i, nr, misaligned = 0;
	void **objs;

	cache = new_cache(test, sys, c->name, c->size, c->align, c->flags, NULL);
	KUNIT_EXPECT_EQ(test, cache->align, c->want);
	nr = 3 * cache->num;
	objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < nr; i++) {
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
		if (!IS_ALIGNED((unsigned long)objs[i], c->want) && !misaligned++)
			KUNIT_FAIL(test, "object %u is %lu bytes past a %u-byte boundary", i,
				   (unsigned long)objs[i] % c->want, c->want);
	}
	KUNIT_EXPECT_EQ(test, misaligned, 0U);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), (unsigned long)nr);
	for (i = 0; i < nr; i++)
		free_obj(test, cache, objs[i]);
}

/* === Constructors === */

#define CTOR_BYTE	0xc5
#define CTOR_BYTES	64	/* every constructed cache here has 64-byte objects */

static atomic_t ctor_calls;

static void count_ctor(void *obj)
{
	atomic_inc(&ctor_calls);
	memset(obj, CTOR_BYTE, CTOR_BYTES);
}

/*
 * A constructor runs once per object lifetime: for every object of a slab
 * when the slab is made (SLAB's cache_init_objs()), not when an object is
 * handed out again, and again only for the objects of a new slab.
 */
static void slab_ctor_once(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache, *rz;
	void **objs, *obj;
	unsigned int i, num;

	require_hand_geometry(test);
	cache = new_cache(test, sys, "ctor", 64, 0, 0, count_ctor);
	num = 61;	/* as the "64" geometry case: a constructor changes nothing */
	KUNIT_ASSERT_EQ(test, cache->num, num);
	objs = kunit_kcalloc(test, num + 1, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	atomic_set(&ctor_calls, 0);
	objs[0] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), num);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(objs[0], CTOR_BYTE, CTOR_BYTES), -1L);

	/* Handed out again: not constructed again. */
	free_obj(test, cache, objs[0]);
	objs[0] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), num);

	for (i = 1; i < num; i++) {
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
		KUNIT_EXPECT_EQ(test, altmm_test_first_not(objs[i], CTOR_BYTE, CTOR_BYTES), -1L);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), num);
	/* The slab is full: one more object makes a second slab. */
	objs[num] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), 2 * num);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), num + 1UL);

	/* Their slabs gone, the objects' lifetimes end: a new slab, new calls. */
	for (i = 0; i <= num; i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_cache_shrink(cache), 2UL);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), 3 * num);
	free_obj(test, cache, obj);

	/* With red zones the constructor gets the object, not its slot. */
	rz = new_cache(test, sys, "ctor-redzone", 64, 0, SLAB_RED_ZONE, count_ctor);
	KUNIT_ASSERT_EQ(test, rz->num, 49U);	/* as the "64-redzone" case */
	atomic_set(&ctor_calls, 0);
	obj = alloc_obj(test, rz, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), 49);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, CTOR_BYTE, CTOR_BYTES), -1L);
	free_obj(test, rz, obj);
}

/*
 * With SLAB_POISON, SLAB runs the constructor at every allocation instead
 * (cache_alloc_debugcheck_after()), after checking the poison, since the
 * poison overwrote the constructed state; making the slab runs none.
 */
static void slab_ctor_poison(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	void *objs[10];
	int i;

	cache = new_cache(test, sys, "ctor-poison", 64, 0, SLAB_POISON, count_ctor);
	altmm_test_log_clear(test);
	atomic_set(&ctor_calls, 0);
	objs[0] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), 1);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(objs[0], CTOR_BYTE, CTOR_BYTES), -1L);
	free_obj(test, cache, objs[0]);
	/* Freed, it is poison; handed out again, constructed again. */
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(objs[0], POISON_FREE, 63), -1L);
	objs[0] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), 2);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(objs[0], CTOR_BYTE, CTOR_BYTES), -1L);
	for (i = 1; i < ARRAY_SIZE(objs); i++)
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), 1 + ARRAY_SIZE(objs));
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		free_obj(test, cache, objs[i]);
	/* Intact poison is not reported. */
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("poison"), 0U);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/* === Colouring === */

static const struct altmm_params two_nodes = {
	.arena_mb = 64, .nr_nodes = 2, .dma_mb = 16, .dma32_mb = 32,
};

/*
 * Successive slabs of a node start their objects one colour further on,
 * cycling through the colours; each node keeps its own count.  700-byte
 * objects in 704-byte slots: 4040 / 706 = 5 a slab, mgmt 66, left 510:
 * 7 colours of 64 bytes (on the slab: its bytes left hold the header).
 * Taking 5 objects makes exactly one new slab on that node (locally
 * through the CPU's array, remotely one object at a time), so the nodes
 * take turns.
 */
static void slab_colour_cycle(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	const unsigned int num = 5, colours = 7, rounds = 2 * 7 + 1;
	struct altmm_kmem_cache *cache;
	unsigned int r, i, n = 0;
	void **objs;
	int nid;

	require_hand_geometry(test);
	cache = new_cache(test, sys, "colour-700", 700, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, cache->num, num);
	KUNIT_ASSERT_EQ(test, cache->colour, colours);
	objs = kunit_kcalloc(test, rounds * 2 * num, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	for (r = 0; r < rounds; r++) {
		for (nid = 0; nid < 2; nid++) {
			struct altmm_slab *slab = NULL;
			long off;

			for (i = 0; i < num; i++) {
				objs[n] = alloc_obj(test, cache, GFP_KERNEL, nid);
				if (!i)
					slab = slab_of(test, cache, objs[n]);
				KUNIT_ASSERT_PTR_EQ(test, slab_of(test, cache, objs[n]), slab);
				n++;
			}
			KUNIT_EXPECT_EQ(test, slab->nid, nid);
			off = slab->s_mem - altmm_slab_base(cache, slab);
			KUNIT_EXPECT_EQ_MSG(test, off, (long)((r % colours) * cache->colour_off),
					    "round %u node %d", r, nid);
		}
	}
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), (unsigned long)n);
	while (n--)
		free_obj(test, cache, objs[n]);
}

/* === SLAB_TYPESAFE_BY_RCU === */

#define RCU_MAGIC	0x5eed5eed5eed5eedULL

/*
 * A freed object of a SLAB_TYPESAFE_BY_RCU cache stays memory of that
 * cache for RCU readers that started before the free, even when its slab
 * is emptied and shrunk; the slab's frames go back only after a grace
 * period.  A cache without the flag, alongside, gives its frames back at
 * once, which shows what the test would see if the deferral were lost.
 */
static void slab_typesafe_by_rcu(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *rcu, *plain, *owner;
	struct altmm_slab *slab, *seen = NULL;
	unsigned long before, shrunk, pshrunk, slabs, shrink_stat, frames_rcu, frames_plain;
	unsigned long cookie;
	bool still_slab, still_alloc, plain_slab, plain_alloc, raced;
	struct altmm_page *d, *pd;
	u64 *obj, *pobj, magic;
	int ret, pret, tries = 0;

	rcu = new_cache(test, sys, "typesafe", 128, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	plain = new_cache(test, sys, "not-typesafe", 128, 0, 0, NULL);

	/*
	 * A reader that found obj before it was freed may still be in its
	 * read-side section until a grace period ends, and the shrink
	 * sleeps, so it cannot run inside a section of this task: the
	 * reader is the grace period that started before the free.  While
	 * it has not ended (poll_state_synchronize_rcu()), the object must
	 * still be readable in a slab frame.  A grace period that ends
	 * inside the window proves nothing, so the window is tried again.
	 */
	do {
		if (tries) {
			rcu_barrier();
			KUNIT_ASSERT_EQ(test, altmm_test_cache_slabs(rcu), 0UL);
		}
		obj = alloc_obj(test, rcu, GFP_KERNEL, NUMA_NO_NODE);
		*obj = RCU_MAGIC;
		slab = slab_of(test, rcu, obj);
		d = altmm_test_desc_of(test, sys, slab);
		before = altmm_test_free_frames(sys);

		cookie = get_state_synchronize_rcu();
		ret = altmm_cache_free(rcu, obj, _RET_IP_);
		shrunk = altmm_cache_shrink(rcu);
		slabs = altmm_test_cache_slabs(rcu);
		owner = altmm_obj_to_cache(sys, obj, &seen);
		still_slab = altmm_desc_test(d, ALTMM_PG_slab);
		still_alloc = altmm_desc_test(d, ALTMM_PG_alloc);
		magic = READ_ONCE(*obj);
		shrink_stat = altmm_cache_stat(rcu, ALTMM_SLAB_SHRINK);
		frames_rcu = altmm_test_free_frames(sys);
		raced = poll_state_synchronize_rcu(cookie);
	} while (raced && ++tries < 20);
	kunit_info(test, "%d grace periods ended inside the window", tries);
	KUNIT_ASSERT_FALSE_MSG(test, raced, "every window saw a grace period end");

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, shrunk, 1UL);
	KUNIT_EXPECT_EQ(test, slabs, 0UL);
	KUNIT_EXPECT_PTR_EQ(test, owner, rcu);
	KUNIT_EXPECT_PTR_EQ(test, seen, slab);
	KUNIT_EXPECT_TRUE(test, still_slab);
	KUNIT_EXPECT_TRUE(test, still_alloc);
	KUNIT_EXPECT_EQ(test, magic, RCU_MAGIC);
	KUNIT_EXPECT_EQ(test, shrink_stat, (unsigned long)tries);
	KUNIT_EXPECT_EQ(test, frames_rcu, before);

	/* The same steps without the flag free the frame at once. */
	pobj = alloc_obj(test, plain, GFP_KERNEL, NUMA_NO_NODE);
	pd = altmm_test_desc_of(test, sys, slab_of(test, plain, pobj));
	before = altmm_test_free_frames(sys);
	pret = altmm_cache_free(plain, pobj, _RET_IP_);
	pshrunk = altmm_cache_shrink(plain);
	plain_slab = altmm_desc_test(pd, ALTMM_PG_slab);
	plain_alloc = altmm_desc_test(pd, ALTMM_PG_alloc);
	frames_plain = altmm_test_free_frames(sys);
	KUNIT_EXPECT_EQ(test, pret, 0);
	KUNIT_EXPECT_EQ(test, pshrunk, 1UL);
	KUNIT_EXPECT_FALSE(test, plain_slab);
	KUNIT_EXPECT_FALSE(test, plain_alloc);
	KUNIT_EXPECT_EQ(test, frames_plain, before + 1);

	synchronize_rcu();
	rcu_barrier();
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_slab));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_NULL(test, altmm_obj_to_cache(sys, obj, &seen));
	KUNIT_EXPECT_EQ(test, altmm_cache_stat(rcu, ALTMM_SLAB_SHRINK), tries + 1UL);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before + 2);

	/* Poisoning would break type stability: it is dropped. */
	rcu = new_cache(test, sys, "typesafe-poison", 64, 0,
			SLAB_TYPESAFE_BY_RCU | SLAB_POISON, NULL);
	KUNIT_EXPECT_FALSE(test, rcu->flags & SLAB_POISON);
	obj = alloc_obj(test, rcu, GFP_KERNEL, NUMA_NO_NODE);
	*obj = RCU_MAGIC;
	free_obj(test, rcu, obj);
	KUNIT_EXPECT_EQ(test, *obj, RCU_MAGIC);
}

/* === Bulk === */

/*
 * Bulk allocation is all or nothing.  A cache of one-frame objects is
 * asked for more objects than the instance has frames, without reclaim:
 * it runs the instance out of memory part way, and must give back every
 * object it took.  Afterwards a bulk request that fits succeeds.
 */
static void slab_bulk(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	const size_t too_many = MB_PAGES(32), fits = 100;
	struct altmm_kmem_cache *cache;
	struct altmm_slab *slab;
	unsigned long before, grown;
	size_t i, j;
	void **p;

	require_hand_geometry(test);
	/* 4040 / 4002 = 1 object; mgmt 64; left 32 (x8 fits): order 0 */
	cache = new_cache(test, sys, "bulk-4000", 4000, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, cache->num, 1U);
	KUNIT_ASSERT_EQ(test, cache->order, 0U);
	p = kunit_kcalloc(test, too_many, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);

	before = altmm_test_free_frames(sys);
	KUNIT_EXPECT_EQ(test, altmm_cache_alloc_bulk(cache, __GFP_NOWARN, too_many, p), 0);
	grown = altmm_cache_stat(cache, ALTMM_SLAB_GROW);
	/* It did get far: most of the instance's free frames became slabs. */
	KUNIT_EXPECT_GT(test, grown, before / 2);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
	altmm_cache_shrink(cache);
	KUNIT_EXPECT_EQ(test, altmm_test_cache_slabs(cache), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_cache_stat(cache, ALTMM_SLAB_SHRINK), grown);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before);

	memset(p, 0, fits * sizeof(*p));
	KUNIT_ASSERT_EQ(test, altmm_cache_alloc_bulk(cache, GFP_KERNEL, fits, p), (int)fits);
	for (i = 0; i < fits; i++) {
		KUNIT_EXPECT_PTR_EQ(test, altmm_obj_to_cache(sys, p[i], &slab), cache);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, p[i], p[j]);
	}
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), (unsigned long)fits);
	altmm_cache_free_bulk(cache, fits, p);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_cache_alloc_bulk(cache, GFP_KERNEL, 0, p), 0);
}

/* === Nodes === */

/* Four nodes of 16 MiB; the only CPU is on node 2. */
static const struct altmm_params cpu_on_node2 = {
	.arena_mb = 64, .nr_nodes = 4, .dma_mb = 16, .dma32_mb = 32,
	.nr_cpu_node = 1, .cpu_node = { 2 },
};

/* Take order-0 frames of @nid, exactly there and without reclaim, until none is left. */
static unsigned long fill_node(struct kunit *test, struct altmm_system *sys, int nid,
			       struct page **pages, unsigned long max)
{
	unsigned long n = 0;

	while (n < max) {
		pages[n] = altmm_sys_alloc_pages(sys, __GFP_NOWARN | __GFP_THISNODE, 0, nid);
		if (!pages[n])
			return n;
		n++;
	}
	KUNIT_FAIL(test, "node %d still has frames after %lu", nid, max);
	return n;
}

/*
 * NUMA_NO_NODE allocates on the CPU's node, an explicit node on that node;
 * __GFP_THISNODE fails when the node is full, where without it the
 * allocation falls back to another node; a remote free goes to the CPU
 * node's alien cache for the object's node, never into the CPU's array
 * nor (yet) to its slab.
 */
static void slab_node_local(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &cpu_on_node2);
	struct altmm_kmem_cache *cache, *c1, *c2;
	unsigned long max = MB_PAGES(16), n1, n2, free1, i;
	void *local, *objs[4], *t, *o;
	struct altmm_slab *slab;
	struct page **pages;
	unsigned int avail, active;
	int nid;

	altmm_test_pin_cpu0(test);
	KUNIT_ASSERT_EQ(test, altmm_numa_node_id(sys), 2);
	cache = new_cache(test, sys, "numa-256", 256, 0, 0, NULL);
	/* Made before the nodes fill: creating a cache allocates on every node. */
	c1 = new_cache(test, sys, "numa-1024-a", 1024, 0, 0, NULL);
	c2 = new_cache(test, sys, "numa-1024-b", 1024, 0, 0, NULL);

	local = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, slab_of(test, cache, local)->nid, 2);
	KUNIT_EXPECT_EQ(test, node_of(test, sys, local), 2);
	for (nid = 0; nid < 4; nid++) {
		objs[nid] = alloc_obj(test, cache, GFP_KERNEL, nid);
		KUNIT_EXPECT_EQ(test, slab_of(test, cache, objs[nid])->nid, nid);
		KUNIT_EXPECT_EQ(test, node_of(test, sys, objs[nid]), nid);
	}
	t = alloc_obj(test, cache, GFP_KERNEL | __GFP_THISNODE, 3);
	KUNIT_EXPECT_EQ(test, slab_of(test, cache, t)->nid, 3);

	/* Remote free: to node 2's alien cache for node 1, the CPU's array untouched. */
	slab = slab_of(test, cache, objs[1]);
	avail = cpu_avail(cache);
	active = slab->active;
	free1 = cache->node[1]->free_objects;
	free_obj(test, cache, objs[1]);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), avail);
	KUNIT_EXPECT_EQ(test, slab->active, active);
	KUNIT_EXPECT_EQ(test, cache->node[1]->free_objects, free1);
	KUNIT_EXPECT_EQ(test, cache->node[2]->alien[1]->ac.avail, 1U);
	/* Local free: into the array. */
	free_obj(test, cache, local);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), avail + 1);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 4UL);

	/* Node 1 full: __GFP_THISNODE fails there; without it, another node serves. */
	pages = kunit_kcalloc(test, 2 * max, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	n1 = fill_node(test, sys, 1, pages, max);
	KUNIT_EXPECT_NULL(test, altmm_cache_alloc(c1, __GFP_NOWARN | __GFP_THISNODE, 1));
	o = alloc_obj(test, c1, __GFP_NOWARN, 1);
	KUNIT_EXPECT_NE(test, slab_of(test, c1, o)->nid, 1);
	free_obj(test, c1, o);

	/* The CPU's node full too: the same for NUMA_NO_NODE. */
	n2 = fill_node(test, sys, 2, pages + n1, max);
	KUNIT_EXPECT_NULL(test, altmm_cache_alloc(c2, __GFP_NOWARN | __GFP_THISNODE,
						  NUMA_NO_NODE));
	o = alloc_obj(test, c2, __GFP_NOWARN, NUMA_NO_NODE);
	nid = slab_of(test, c2, o)->nid;
	KUNIT_EXPECT_TRUE_MSG(test, nid == 0 || nid == 3, "fell back to node %d", nid);
	/* A remote object is never kept in the CPU's array. */
	KUNIT_EXPECT_EQ(test, cpu_avail(c2), 0U);
	free_obj(test, c2, o);
	KUNIT_EXPECT_EQ(test, cpu_avail(c2), 0U);

	for (i = 0; i < n1 + n2; i++)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, pages[i], 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, c1), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, c2), 0UL);
	free_obj(test, cache, objs[0]);
	free_obj(test, cache, objs[2]);
	free_obj(test, cache, objs[3]);
	free_obj(test, cache, t);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/* === Shrink === */

/*
 * Shrinking drains the CPU arrays and gives every empty slab back: the
 * page allocator's free frames go up by exactly those slabs' frames, and
 * a slab with an object still out stays.
 */
static void slab_shrink(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *small, *big;
	unsigned long before;
	void *objs[15];
	int i;

	require_hand_geometry(test);
	/* On-slab caches: no header object in a kmalloc class moves the count. */
	small = new_cache(test, sys, "shrink-700", 700, 0, 0, NULL);
	sys->slab->max_order = 3;
	big = new_cache(test, sys, "shrink-3000", 3000, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, small->num, 5U);	/* as "colour-700": order 0 */
	KUNIT_ASSERT_NULL(test, small->freelist_cache);
	KUNIT_ASSERT_EQ(test, big->num, 5U);	/* slab_max_order 3: order 2 */
	KUNIT_ASSERT_EQ(test, big->order, 2U);
	KUNIT_ASSERT_NULL(test, big->freelist_cache);

	/* 15 objects: slabs 0, 1, 2 full, in that order. */
	for (i = 0; i < 15; i++)
		objs[i] = alloc_obj(test, small, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, altmm_test_cache_slabs(small), 3UL);
	/* The first two slabs' objects back (into the CPU's array: 10 < 54). */
	for (i = 0; i < 10; i++)
		free_obj(test, small, objs[i]);
	KUNIT_EXPECT_EQ(test, cpu_avail(small), 10U);
	before = altmm_test_free_frames(sys);
	KUNIT_EXPECT_EQ(test, altmm_cache_shrink(small), 2UL);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before + 2);
	KUNIT_EXPECT_EQ(test, cpu_avail(small), 0U);
	KUNIT_EXPECT_EQ(test, altmm_test_cache_slabs(small), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, small), 5UL);
	KUNIT_EXPECT_EQ(test, altmm_cache_shrink(small), 0UL);
	for (i = 10; i < 15; i++)
		free_obj(test, small, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_cache_shrink(small), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before + 3);

	/* Order-2 slabs: 10 objects, 2 slabs, 8 frames. */
	before = altmm_test_free_frames(sys);
	for (i = 0; i < 10; i++)
		objs[i] = alloc_obj(test, big, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before - 8);
	for (i = 0; i < 10; i++)
		free_obj(test, big, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_cache_shrink(big), 8UL);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, big), 0UL);
}

/* === Debug checks === */

static unsigned long refused(struct altmm_kmem_cache *cache)
{
	return altmm_cache_stat(cache, ALTMM_SLAB_DEBUG_REFUSED);
}

/*
 * A double free (caught by the red zones) is reported with who freed it
 * before (SLAB_STORE_USER), refused and counted; the object is in the
 * CPU's array once, and handed out again, it works.
 */
static void slab_debug_double_free(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	unsigned int avail;
	char want[64];
	void *obj, *again;

	cache = new_cache(test, sys, "dbg-double", 64, 0,
			  SLAB_RED_ZONE | SLAB_STORE_USER, NULL);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	free_obj(test, cache, obj);
	avail = cpu_avail(cache);
	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, obj, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("slab dbg-double: double free of object"), 1U);
	/* free_obj() freed it, from this function. */
	snprintf(want, sizeof(want), "already freed by %s+", __func__);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count(want), 1U);
	KUNIT_EXPECT_EQ(test, refused(cache), 1UL);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), avail);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);

	again = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_PTR_EQ(test, again, obj);
	memset(again, 0x11, 64);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);
	free_obj(test, cache, again);
	KUNIT_EXPECT_EQ(test, refused(cache), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/*
 * Pointers that are not objects of the cache are refused whatever the
 * debug flags: another cache's object, a kmalloc object, an address on
 * the stack, host kmalloc memory, a plain page of the arena, another
 * instance's object.  The owners' objects stay theirs.
 */
static void slab_debug_foreign(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_system *other = one_node(test);
	struct altmm_kmem_cache *cache, *neighbour, *elsewhere;
	void *mine, *theirs, *km, *host, *far;
	unsigned int avail;
	struct page *page;
	int on_stack = 0;

	cache = new_cache(test, sys, "dbg-foreign", 64, 0, 0, NULL);
	neighbour = new_cache(test, sys, "dbg-neighbour", 64, 0, 0, NULL);
	elsewhere = new_cache(test, other, "dbg-foreign", 64, 0, 0, NULL);
	mine = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	theirs = alloc_obj(test, neighbour, GFP_KERNEL, NUMA_NO_NODE);
	far = alloc_obj(test, elsewhere, GFP_KERNEL, NUMA_NO_NODE);
	km = altmm_sys_kmalloc(sys, 64, GFP_KERNEL, NUMA_NO_NODE, _RET_IP_);
	KUNIT_ASSERT_NOT_NULL(test, km);
	host = kunit_kmalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, host);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	avail = cpu_avail(cache);

	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, theirs, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, km, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("it belongs to another cache"), 2U);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("is in cache dbg-neighbour"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("is in cache kmalloc-64"), 1U);

	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, &on_stack, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, host, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, page_address(page), _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, far, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("not a slab object"), 4U);
	KUNIT_EXPECT_EQ(test, refused(cache), 6UL);
	KUNIT_EXPECT_EQ(test, refused(neighbour), 0UL);

	/* Nothing moved: each owner still has its object out. */
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, neighbour), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, elsewhere), 1UL);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), avail);

	free_obj(test, cache, mine);
	free_obj(test, neighbour, theirs);
	free_obj(test, elsewhere, far);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, km, _RET_IP_), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	mine = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	free_obj(test, cache, mine);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/*
 * A pointer inside an object, into the slab's header, or into a red zone
 * is not an object's start: refused, reported with the offset in the slot.
 */
static void slab_debug_misaligned(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache, *rz;
	struct altmm_slab *slab;
	void *obj, *robj;

	cache = new_cache(test, sys, "dbg-misaligned", 64, 0, 0, NULL);
	rz = new_cache(test, sys, "dbg-misaligned-rz", 64, 0, SLAB_RED_ZONE, NULL);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	robj = alloc_obj(test, rz, GFP_KERNEL, NUMA_NO_NODE);
	slab = slab_of(test, cache, obj);

	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, obj + 1, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("object (offset 1 in a slot of 64 bytes)"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, obj + 63, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, slab, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, altmm_slab_freelist(cache, slab), _RET_IP_),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("not the start of an object"), 4U);
	KUNIT_EXPECT_EQ(test, refused(cache), 4UL);
	/* The start of the slot, where the left red zone is, is not the object. */
	KUNIT_EXPECT_EQ(test, altmm_cache_free(rz, robj - ALTMM_REDZONE_BYTES, _RET_IP_),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, refused(rz), 1UL);

	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, rz), 1UL);
	free_obj(test, cache, obj);
	free_obj(test, rz, robj);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	free_obj(test, cache, obj);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, rz), 0UL);
}

/*
 * Writing one byte past an object (or one before it) breaks a red zone:
 * the free is refused with the offset and the bytes found, and the
 * object stays out; repaired, it frees.  A red zone broken while the
 * object is free is reported when it is next handed out.
 */
static void slab_debug_red_zone(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	unsigned int avail;
	char want[48];
	u8 *obj, saved;

	cache = new_cache(test, sys, "dbg-redzone", 64, 0, SLAB_RED_ZONE, NULL);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	memset(obj, 0x22, 64);
	avail = cpu_avail(cache);

	/* One byte past the end: the right red zone, at offset 64. */
	saved = obj[64];
	obj[64] = saved ^ 0xff;
	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, obj, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("red zone overwritten in object"), 1U);
	snprintf(want, sizeof(want), "at offset 64: %02x", saved ^ 0xff);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count(want), 1U);
	KUNIT_EXPECT_EQ(test, refused(cache), 1UL);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), avail);
	obj[64] = saved;
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);

	/* One byte before the start: the left red zone, reported from offset -8. */
	saved = obj[-1];
	obj[-1] = saved ^ 0xff;
	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_cache_free(cache, obj, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("red zone overwritten in object"), 1U);
	snprintf(want, sizeof(want), "at offset -8: %*ph", 7, obj - 8);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count(want), 1U);
	KUNIT_EXPECT_EQ(test, refused(cache), 2UL);
	obj[-1] = saved;
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);
	free_obj(test, cache, obj);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);

	/* Broken while free: reported at the next allocation, not refused. */
	obj[64] ^= 0xff;
	altmm_test_log_clear(test);
	KUNIT_EXPECT_PTR_EQ(test, (u8 *)alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE), obj);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("red zone of a free object overwritten"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("at offset 64: "), 1U);
	KUNIT_EXPECT_EQ(test, refused(cache), 2UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);
	free_obj(test, cache, obj);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/*
 * A write into a freed, poisoned object is reported when the object is
 * next handed out, with the offset and the bytes found; the poison is
 * renewed at the next free, so the following allocation is quiet.
 */
static void slab_debug_poison(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	char want[64];
	u8 *obj, *again;

	cache = new_cache(test, sys, "dbg-poison", 64, 0, SLAB_POISON | SLAB_STORE_USER,
			  NULL);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	free_obj(test, cache, obj);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, POISON_FREE, 63), -1L);
	KUNIT_EXPECT_EQ(test, obj[63], POISON_END);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);

	obj[10] = 0x42;		/* use after free */
	altmm_test_log_clear(test);
	again = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_PTR_EQ(test, again, obj);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("poison overwritten (use after free?)"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("at offset 10: 42 6b 6b 6b"), 1U);
	snprintf(want, sizeof(want), "freed by %s+", __func__);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count(want), 1U);
	KUNIT_EXPECT_EQ(test, refused(cache), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);

	free_obj(test, cache, again);
	altmm_test_log_clear(test);
	again = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, altmm_test_log_lines(), 0U);
	free_obj(test, cache, again);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/* === Creation and destruction === */

/*
 * Destroying a cache with objects out reports each one (with its
 * allocator under SLAB_STORE_USER) and refuses: -EBUSY, the slabs kept,
 * the objects still usable and freeable, its name free for a new cache.
 * Once every object is back, destroying it again succeeds.
 */
static void slab_destroy_busy(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache, *other;
	struct altmm_page *d;
	char want[64];
	void *a, *b;

	cache = new_cache(test, sys, "destroy-busy", 64, 0, SLAB_STORE_USER, NULL);
	/* Allocated here, so that the stored caller is this function. */
	a = altmm_cache_alloc(cache, GFP_KERNEL, NUMA_NO_NODE);
	b = altmm_cache_alloc(cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	d = altmm_test_desc_of(test, sys, slab_of(test, cache, a));

	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), -EBUSY);
	/* Pointers print hashed: the report is told by its caller. */
	snprintf(want, sizeof(want), "leaked, allocated by %s+", __func__);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count(want), 2U);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("destroyed with 2 objects still allocated"), 1U);
	KUNIT_EXPECT_TRUE(test, is_cache_listed(sys, cache));
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_slab));
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 2UL);

	memset(a, 0x33, 64);
	memset(b, 0x44, 64);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(a, 0x33, 64), -1L);
	free_obj(test, cache, a);
	free_obj(test, cache, b);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);

	/* The refused cache does not hold its name. */
	other = altmm_sys_cache_create(sys, "destroy-busy", 64, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(other), 0);

	/* Still a working cache, and now it can go. */
	a = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	free_obj(test, cache, a);
	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, cache->refcount, 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("leaked"), 0U);
	KUNIT_EXPECT_FALSE(test, is_cache_listed(sys, cache));
}

/* A cache with nothing out goes, and every frame its slabs held comes back. */
static void slab_destroy_returns_frames(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	unsigned long before;
	void *objs[40];
	int i;

	cache = new_cache(test, sys, "destroy-me", 300, 0, SLAB_RED_ZONE, NULL);
	before = altmm_test_free_frames(sys);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_LT(test, altmm_test_free_frames(sys), before);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
	KUNIT_EXPECT_FALSE(test, is_cache_listed(sys, cache));
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(NULL), 0);
	/* Its name is free again. */
	cache = new_cache(test, sys, "destroy-me", 300, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
}

/*
 * Bad arguments are refused; the documented size range, up to four
 * times the largest kmalloc class, is accepted.
 */
static void slab_create_limits(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	void *obj;

	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, NULL, 64, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "", 64, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "size0", 0, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "too-big", 4 * 8192 + 1, 0, 0,
						       NULL));
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "align3", 64, 3, 0, NULL));
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "flags", 64, 0,
						       SLAB_NOLEAKTRACE, NULL));
	cache = new_cache(test, sys, "twice", 64, 0, 0, NULL);
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "twice", 64, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);

	/*
	 * The largest object an order-3 slab (32768 bytes) holds: one 8-byte
	 * aligned slot before one index and the 56-byte header, so
	 * round_down(32768 - 58, 8) = 32704, which is the documented bound.
	 */
	require_hand_geometry(test);
	KUNIT_EXPECT_EQ(test, (unsigned long)ALTMM_SLAB_MAX_SIZE, 32704UL);
	cache = new_cache(test, sys, "largest-fit", 32704, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, cache->num, 1U);
	KUNIT_EXPECT_EQ(test, cache->order, 3U);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	memset(obj, 0x55, 32704);
	free_obj(test, cache, obj);

	/* One byte more is refused up front, saying why. */
	altmm_test_log_clear(test);
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "too-large", 32705, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("size out of range"), 1U);

	/*
	 * In range, but a 64-byte aligned left red zone pushes the slot
	 * (64 + 32704 + 8, aligned: 32832) past the slab: refused, saying
	 * why.  (With 8-byte alignment the red zones fit: the header goes
	 * off the slab.)
	 */
	altmm_test_log_clear(test);
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "too-large-rz", 32704, 64,
						       SLAB_RED_ZONE, NULL));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("does not fit an order-3 slab"), 1U);
}

/* === init_on_alloc, init_on_free === */

#define DIRTY	0xaa

struct init_caches {
	struct altmm_kmem_cache *plain, *ctor, *rcu, *poison;
};

static void make_init_caches(struct kunit *test, struct altmm_system *sys,
			     struct init_caches *c)
{
	c->plain = new_cache(test, sys, "init-plain", 64, 0, 0, NULL);
	c->ctor = new_cache(test, sys, "init-ctor", 64, 0, 0, count_ctor);
	c->rcu = new_cache(test, sys, "init-rcu", 64, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	c->poison = new_cache(test, sys, "init-poison", 64, 0, SLAB_POISON, NULL);
}

/* Allocate, dirty, free: the next allocation of @cache gets this object back. */
static void *dirty_one(struct kunit *test, struct altmm_kmem_cache *cache)
{
	void *obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);

	memset(obj, DIRTY, 64);
	free_obj(test, cache, obj);
	return obj;
}

/* Allocate, dirty, free an order-0 page; the next order-0 allocation gets it back. */
static u8 *dirty_page(struct kunit *test, struct altmm_system *sys)
{
	struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, NUMA_NO_NODE);
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, page);
	p = page_address(page);
	memset(p, DIRTY, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	return p;
}

static u8 *alloc_page_addr(struct kunit *test, struct altmm_system *sys, gfp_t gfp)
{
	struct page *page = altmm_sys_alloc_pages(sys, gfp, 0, NUMA_NO_NODE);

	KUNIT_ASSERT_NOT_NULL(test, page);
	return page_address(page);
}

static void free_page_addr(struct kunit *test, struct altmm_system *sys, void *p)
{
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, virt_to_page(p), 0, false), 0);
}

/*
 * init_on_alloc zeroes what is handed out: objects and pages, except (as
 * slab_want_init_on_alloc()) objects of constructor, SLAB_TYPESAFE_BY_RCU
 * and SLAB_POISON caches, which only __GFP_ZERO zeroes.  Off, a reused
 * object or page keeps what it held (which shows each check can fail).
 */
static void slab_init_on_alloc(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct init_caches c;
	u8 *obj, *want, *p;

	make_init_caches(test, sys, &c);
	WRITE_ONCE(sys->tune.init_on_free, false);

	WRITE_ONCE(sys->tune.init_on_alloc, false);
	want = dirty_one(test, c.plain);
	obj = alloc_obj(test, c.plain, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_PTR_EQ(test, obj, want);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, DIRTY, 64), -1L);
	free_obj(test, c.plain, obj);
	p = dirty_page(test, sys);
	KUNIT_ASSERT_PTR_EQ(test, alloc_page_addr(test, sys, GFP_KERNEL), p);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, DIRTY, PAGE_SIZE), -1L);
	free_page_addr(test, sys, p);

	WRITE_ONCE(sys->tune.init_on_alloc, true);
	want = dirty_one(test, c.plain);
	obj = alloc_obj(test, c.plain, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_PTR_EQ(test, obj, want);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, 0, 64), -1L);
	free_obj(test, c.plain, obj);

	/* A constructed object keeps its constructed state. */
	obj = alloc_obj(test, c.ctor, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, CTOR_BYTE, 64), -1L);
	free_obj(test, c.ctor, obj);

	/* Type-stable memory is not wiped, unless asked. */
	want = dirty_one(test, c.rcu);
	obj = alloc_obj(test, c.rcu, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_PTR_EQ(test, obj, want);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, DIRTY, 64), -1L);
	memset(obj, DIRTY, 64);
	free_obj(test, c.rcu, obj);
	obj = alloc_obj(test, c.rcu, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE);
	KUNIT_ASSERT_PTR_EQ(test, obj, want);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, 0, 64), -1L);
	free_obj(test, c.rcu, obj);

	/* A poisoned cache hands its objects out poisoned. */
	obj = alloc_obj(test, c.poison, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, POISON_FREE, 63), -1L);
	free_obj(test, c.poison, obj);

	p = dirty_page(test, sys);
	KUNIT_ASSERT_PTR_EQ(test, alloc_page_addr(test, sys, GFP_KERNEL), p);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, 0, PAGE_SIZE), -1L);
	free_page_addr(test, sys, p);
}

/*
 * init_on_free zeroes what is given back, objects and pages, except (as
 * slab_want_init_on_free()) objects of constructor, SLAB_TYPESAFE_BY_RCU
 * and SLAB_POISON caches.  Off, freed memory keeps what it held.
 */
static void slab_init_on_free(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct init_caches c;
	u8 *obj, *p;

	make_init_caches(test, sys, &c);
	WRITE_ONCE(sys->tune.init_on_alloc, false);

	WRITE_ONCE(sys->tune.init_on_free, false);
	obj = dirty_one(test, c.plain);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, DIRTY, 64), -1L);
	p = dirty_page(test, sys);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, DIRTY, PAGE_SIZE), -1L);

	WRITE_ONCE(sys->tune.init_on_free, true);
	obj = dirty_one(test, c.plain);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, 0, 64), -1L);

	obj = alloc_obj(test, c.ctor, GFP_KERNEL, NUMA_NO_NODE);
	free_obj(test, c.ctor, obj);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, CTOR_BYTE, 64), -1L);

	obj = dirty_one(test, c.rcu);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, DIRTY, 64), -1L);

	obj = dirty_one(test, c.poison);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(obj, POISON_FREE, 63), -1L);

	p = dirty_page(test, sys);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, 0, PAGE_SIZE), -1L);
}

/*
 * init_on_free is an instance's own: set on one private instance, it
 * wipes that instance's frees only; another private instance and the
 * default one keep theirs.  The module parameter changes the default
 * instance alone.  Each instance is checked by its behaviour (a freed
 * page keeps or loses its bytes), not only by its flag.
 */
static void slab_init_flags_per_instance(struct kunit *test)
{
	struct altmm_system *a = one_node(test), *b = one_node(test);
	struct altmm_system *def = altmm_default_sys;
	bool def_free;
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, def);
	def_free = READ_ONCE(def->tune.init_on_free);
	WRITE_ONCE(a->tune.init_on_free, true);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(b->tune.init_on_free));
	KUNIT_EXPECT_EQ(test, READ_ONCE(def->tune.init_on_free), def_free);

	p = dirty_page(test, a);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, 0, PAGE_SIZE), -1L);
	p = dirty_page(test, b);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, DIRTY, PAGE_SIZE), -1L);
	if (!def_free) {
		p = dirty_page(test, def);
		KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, DIRTY, PAGE_SIZE), -1L);
	}

	/* The parameter reaches the default instance, and only it. */
	WRITE_ONCE(a->tune.init_on_free, false);
	set_param(test, "init_on_free", true);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(def->tune.init_on_free));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a->tune.init_on_free));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(b->tune.init_on_free));
	p = dirty_page(test, def);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, 0, PAGE_SIZE), -1L);
	p = dirty_page(test, b);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p, DIRTY, PAGE_SIZE), -1L);
}

/*
 * An instance's frames come from the host holding whatever the host last
 * wrote there (the test VM boots init_on_alloc=0).  Under init_on_free
 * the kernel clears all memory on its way into the free lists at boot, so
 * every page and object is zero until used; lib/test_meminit.c checks the
 * objects of fresh slabs and failed now and then in the VM when one was
 * cut from such a frame.  Here every chunk is filled with DIRTY as it
 * arrives: with init_on_free off at load, fresh slabs and pages show it
 * (the fill works); on, they read as zeroes.
 */
#define FRESH_OBJS	200	/* four slabs of 61 */

static void fresh_arena_check(struct kunit *test, bool init, u8 want)
{
	struct altmm_params p = altmm_test_layouts[0].p;
	struct altmm_kmem_cache *cache;
	struct altmm_system *sys;
	struct page *page;
	unsigned int i, bad = 0;
	void **objs;
	long at;

	p.init_on_free = init;
	p.init_on_alloc = false;
	p.arena_fill = DIRTY;
	sys = altmm_test_create(test, &p);
	cache = new_cache(test, sys, init ? "fresh-on" : "fresh-off", 64, 0, 0, NULL);
	objs = kunit_kcalloc(test, FRESH_OBJS, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < FRESH_OBJS; i++) {
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
		at = altmm_test_first_not(objs[i], want, 64);
		if (at >= 0 && !bad++)
			kunit_info(test, "init_on_free=%d: object %u byte %ld is %#x, not %#x\n",
				   init, i, at, ((u8 *)objs[i])[at], want);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "init_on_free=%d: objects of fresh slabs not all %#x",
			    init, want);
	for (i = 0; i < FRESH_OBJS; i++)
		free_obj(test, cache, objs[i]);

	page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 3, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ_MSG(test, altmm_test_first_not(page_address(page), want, PAGE_SIZE << 3),
			    -1L, "init_on_free=%d: a fresh order-3 block", init);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 3, false), 0);
}

static void slab_init_on_free_fresh_arena(struct kunit *test)
{
	fresh_arena_check(test, false, DIRTY);
	fresh_arena_check(test, true, 0);
}

/* === A seeded random workload === */

#define RW_SLOTS	2048
#define RW_OPS		120000
#define RW_CHECK_EVERY	10000
#define RW_KMALLOC	(-1)
#define RW_NR_CACHES	7

static const struct {
	const char *name;
	unsigned int size;
	slab_flags_t flags;
	bool ctor;
} rw_caches[RW_NR_CACHES] = {
	{ "rw-32", 32, 0, false },
	{ "rw-200-hwcache", 200, SLAB_HWCACHE_ALIGN, false },
	{ "rw-512-ctor", 512, 0, true },
	{ "rw-96-redzone-user", 96, SLAB_RED_ZONE | SLAB_STORE_USER, false },
	{ "rw-128-poison", 128, SLAB_POISON, false },
	{ "rw-256-rcu", 256, SLAB_TYPESAFE_BY_RCU, false },
	{ "rw-3000-reclaim", 3000, SLAB_RECLAIM_ACCOUNT, false },
};

struct rw_obj {
	void *p;
	u32 size;
	s8 kind;	/* index in rw_caches, or RW_KMALLOC */
	u8 tag;
};

/*
 * What a test holds: per test cache, and per kmalloc class (index 1..13);
 * objects of large kmalloc blocks are counted apart.
 */
struct rw_state {
	struct altmm_system *sys;
	struct altmm_kmem_cache *cache[RW_NR_CACHES];
	struct rw_obj *slot;
	struct rnd_state rnd;
	unsigned long live_cache[RW_NR_CACHES];
	unsigned long live_class[ALTMM_NR_KMALLOC_CLASSES];
	unsigned long base_class[ALTMM_NR_KMALLOC_CLASSES];
	unsigned long live_large, ops, allocs, frees, bulks, shrinks;
};

static u32 rw_rand(struct rw_state *s, u32 n)
{
	return prandom_u32_state(&s->rnd) % n;
}

/* Sizes for kmalloc: mostly small, some up to 8 KiB, a few large blocks. */
static u32 rw_kmalloc_size(struct rw_state *s)
{
	u32 r = rw_rand(s, 100);

	if (r < 70)
		return 1 + rw_rand(s, 512);
	if (r < 96)
		return 513 + rw_rand(s, 8192 - 512);
	return 8193 + rw_rand(s, 4 * 8192 - 8192);
}

static int rw_nid(struct rw_state *s)
{
	int r = rw_rand(s, 2 * s->sys->layout.nr_nodes);

	return r < s->sys->layout.nr_nodes ? r : NUMA_NO_NODE;
}

/* Write a recognisable tag over an object the test may write. */
static void rw_stamp(struct rw_obj *o)
{
	memset(o->p, o->tag, min_t(u32, o->size, 16));
	((u8 *)o->p)[o->size - 1] = o->tag;
}

static bool rw_stamp_intact(const struct rw_obj *o)
{
	return altmm_test_first_not(o->p, o->tag, min_t(u32, o->size, 16)) < 0 &&
	       ((u8 *)o->p)[o->size - 1] == o->tag;
}

static void rw_account(struct rw_state *s, const struct rw_obj *o, long delta)
{
	if (o->kind != RW_KMALLOC)
		s->live_cache[o->kind] += delta;
	else if (o->size > ALTMM_KMALLOC_MAX_CACHE_SIZE)
		s->live_large += delta;
	else
		s->live_class[altmm_kmalloc_index(o->size)] += delta;
}

/* A new object in slot @o: checked, stamped, counted. */
static void rw_took(struct kunit *test, struct rw_state *s, struct rw_obj *o)
{
	struct altmm_slab *slab;

	o->tag = 1 + rw_rand(s, 254);
	if (o->kind != RW_KMALLOC) {
		KUNIT_EXPECT_PTR_EQ(test, altmm_obj_to_cache(s->sys, o->p, &slab),
				    s->cache[o->kind]);
		if (rw_caches[o->kind].ctor)
			KUNIT_EXPECT_EQ(test, altmm_test_first_not(o->p, CTOR_BYTE, CTOR_BYTES),
					-1L);
		else
			rw_stamp(o);
	} else {
		rw_stamp(o);
	}
	rw_account(s, o, 1);
	s->allocs++;
}

static void rw_alloc(struct kunit *test, struct rw_state *s, struct rw_obj *o)
{
	int nid = rw_nid(s);

	if (rw_rand(s, 3)) {
		o->kind = rw_rand(s, RW_NR_CACHES);
		o->size = rw_caches[o->kind].size;
		o->p = altmm_cache_alloc(s->cache[o->kind], GFP_KERNEL, nid);
	} else {
		o->kind = RW_KMALLOC;
		o->size = rw_kmalloc_size(s);
		o->p = altmm_sys_kmalloc(s->sys, o->size, GFP_KERNEL, nid, _RET_IP_);
	}
	KUNIT_ASSERT_NOT_NULL_MSG(test, o->p, "op %lu: kind %d size %u node %d", s->ops,
				  o->kind, o->size, nid);
	rw_took(test, s, o);
}

static void rw_free(struct kunit *test, struct rw_state *s, struct rw_obj *o)
{
	int ret;

	if (o->kind == RW_KMALLOC || !rw_caches[o->kind].ctor)
		KUNIT_EXPECT_TRUE_MSG(test, rw_stamp_intact(o), "op %lu: object %p overwritten",
				      s->ops, o->p);
	if (o->kind == RW_KMALLOC)
		ret = altmm_sys_kfree(s->sys, o->p, _RET_IP_);
	else
		ret = altmm_cache_free(s->cache[o->kind], o->p, _RET_IP_);
	KUNIT_EXPECT_EQ(test, ret, 0);
	rw_account(s, o, -1);
	o->p = NULL;
	s->frees++;
}

/* Up to 16 objects of one cache into empty slots, in one bulk call. */
static void rw_bulk_alloc(struct kunit *test, struct rw_state *s, void **tmp)
{
	unsigned int kind = rw_rand(s, RW_NR_CACHES), want = 1 + rw_rand(s, 16), got = 0, i;
	u32 start = rw_rand(s, RW_SLOTS);
	struct rw_obj *slots[16];

	for (i = 0; i < RW_SLOTS && got < want; i++) {
		struct rw_obj *o = &s->slot[(start + i) % RW_SLOTS];

		if (!o->p)
			slots[got++] = o;
	}
	if (!got)
		return;
	KUNIT_ASSERT_EQ(test, altmm_cache_alloc_bulk(s->cache[kind], GFP_KERNEL, got, tmp),
			(int)got);
	for (i = 0; i < got; i++) {
		slots[i]->p = tmp[i];
		slots[i]->kind = kind;
		slots[i]->size = rw_caches[kind].size;
		rw_took(test, s, slots[i]);
	}
	s->bulks++;
}

/* Up to 16 objects of one cache, given back in one bulk call. */
static void rw_bulk_free(struct kunit *test, struct rw_state *s, void **tmp)
{
	unsigned int kind = rw_rand(s, RW_NR_CACHES), got = 0, i;
	u32 start = rw_rand(s, RW_SLOTS);

	for (i = 0; i < RW_SLOTS && got < 16; i++) {
		struct rw_obj *o = &s->slot[(start + i) % RW_SLOTS];

		if (!o->p || o->kind != kind)
			continue;
		if (!rw_caches[kind].ctor)
			KUNIT_EXPECT_TRUE(test, rw_stamp_intact(o));
		tmp[got++] = o->p;
		rw_account(s, o, -1);
		o->p = NULL;
	}
	altmm_cache_free_bulk(s->cache[kind], got, tmp);
	s->frees += got;
	s->bulks++;
}

/* Objects of @k that hold off-slab headers: one per slab of those caches. */
static unsigned long rw_headers(struct altmm_system *sys, struct altmm_kmem_cache *k)
{
	struct altmm_kmem_cache *c;
	unsigned long n = 0;

	mutex_lock(&sys->slab->mutex);
	list_for_each_entry(c, &sys->slab->caches, list)
		if (c->freelist_cache == k)
			n += altmm_test_cache_slabs(c);
	mutex_unlock(&sys->slab->mutex);
	return n;
}

/* The checker on everything, and what it finds out against what the test holds. */
static void rw_check(struct kunit *test, struct rw_state *s)
{
	struct altmm_kmem_cache *k;
	int i;

	altmm_check_slab_layer(test, s->sys);
	for (i = 0; i < RW_NR_CACHES; i++)
		KUNIT_EXPECT_EQ_MSG(test, altmm_check_cache(test, s->cache[i]),
				    s->live_cache[i], "op %lu: %s", s->ops, rw_caches[i].name);
	for (i = 1; i < ALTMM_NR_KMALLOC_CLASSES; i++) {
		k = s->sys->slab->kmalloc[ALTMM_KMALLOC_NORMAL][i];
		KUNIT_EXPECT_EQ_MSG(test, altmm_check_cache(test, k),
				    s->base_class[i] + s->live_class[i] + rw_headers(s->sys, k),
				    "op %lu: %s", s->ops, k->name);
	}
}

/*
 * At least 100k random operations over seven caches of every kind and
 * kmalloc sizes up to four times the largest class, on four nodes:
 * single and bulk allocations and frees, on the CPU's node or any other,
 * and shrinks.  Each object carries a tag checked at its free (no two
 * live objects overlap); the checker runs every 10k operations and at
 * the end, and what it finds handed out must be what the test holds.
 */
static void slab_random_workload(struct kunit *test)
{
	struct rw_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	u64 used_seed = seed ?: get_random_u64();
	struct altmm_kmem_cache *k;
	void **tmp;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	kunit_info(test, "seed %llu (rerun with altmm_slab_test.seed=%llu)\n",
		   used_seed, used_seed);
	prandom_seed_state(&s->rnd, used_seed);
	s->sys = altmm_test_create(test, &altmm_test_layouts[1].p);	/* four_nodes */
	s->slot = kunit_kcalloc(test, RW_SLOTS, sizeof(*s->slot), GFP_KERNEL);
	tmp = kunit_kcalloc(test, 16, sizeof(*tmp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->slot);
	KUNIT_ASSERT_NOT_NULL(test, tmp);
	for (i = 0; i < RW_NR_CACHES; i++)
		s->cache[i] = new_cache(test, s->sys, rw_caches[i].name, rw_caches[i].size, 0,
					rw_caches[i].flags,
					rw_caches[i].ctor ? count_ctor : NULL);
	/* The instance's own kmalloc objects (node lists, ...), before the test's. */
	for (i = 1; i < ALTMM_NR_KMALLOC_CLASSES; i++) {
		k = s->sys->slab->kmalloc[ALTMM_KMALLOC_NORMAL][i];
		s->base_class[i] = altmm_check_cache(test, k) - rw_headers(s->sys, k);
	}

	for (s->ops = 0; s->ops < RW_OPS; s->ops++) {
		u32 r = rw_rand(s, 1000);
		struct rw_obj *o;

		if (r < 30) {
			rw_bulk_alloc(test, s, tmp);
		} else if (r < 60) {
			rw_bulk_free(test, s, tmp);
		} else if (r < 65) {
			altmm_cache_shrink(s->cache[rw_rand(s, RW_NR_CACHES)]);
			s->shrinks++;
		} else {
			o = &s->slot[rw_rand(s, RW_SLOTS)];
			if (o->p)
				rw_free(test, s, o);
			else
				rw_alloc(test, s, o);
		}
		if (s->ops % RW_CHECK_EVERY == RW_CHECK_EVERY - 1)
			rw_check(test, s);
	}

	for (i = 0; i < RW_SLOTS; i++)
		if (s->slot[i].p)
			rw_free(test, s, &s->slot[i]);
	rw_check(test, s);
	KUNIT_EXPECT_EQ(test, s->live_large, 0UL);
	for (i = 0; i < RW_NR_CACHES; i++) {
		altmm_cache_shrink(s->cache[i]);
		KUNIT_EXPECT_EQ(test, altmm_test_cache_slabs(s->cache[i]), 0UL);
		KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(s->cache[i]), 0);
	}
	kunit_info(test, "%lu ops: %lu allocations, %lu frees, %lu bulk calls, %lu shrinks\n",
		   s->ops, s->allocs, s->frees, s->bulks, s->shrinks);
}

/* === Reaper, CPU hotplug, slab_max_order, memoryless nodes === */

/* The instance's periodic reapers stop, so that only the test reaps. */
static void stop_reapers(struct altmm_system *sys)
{
	int cpu;

	WRITE_ONCE(sys->slab->reap_stop, true);
	for_each_possible_cpu(cpu)
		cancel_delayed_work_sync(&per_cpu_ptr(sys->slab->reaper, cpu)->work);
}

/* One reaper pass with the node's part due now. */
static void reap_now(struct altmm_kmem_cache *cache, int nid)
{
	WRITE_ONCE(cache->node[nid]->next_reap, jiffies - 1);
	altmm_slab_reap(cache->sys);
}

/*
 * 6.1's cache_reap(): an array that served an allocation since the last
 * pass is spared once; an untouched one gives back (limit + 4) / 5
 * objects, or half of what it holds when that is less.  The node gives
 * back DIV_ROUND_UP(free_limit, 5 num) free slabs a pass, except the
 * pass after a free slab was taken.  256-byte objects: limit 120, batch
 * 60, 16 a slab (off-slab), free_limit (1 + CPUs of the node) x 60 + 16:
 * 24 objects and at most 2 slabs a pass with one CPU, 3 with two to
 * four.  112 objects are 7 slabs, each grown for a refill that takes all
 * its 16, so the array ends empty.  The task stays on one CPU, whose
 * array and reaper pass these are.
 */
#define REAP_OBJS	112U	/* seven slabs of 16, off the stack */

static void slab_reap(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	unsigned int i, pass, expect, avail[3], per_pass;
	unsigned long slabs[2], left[20], gone[20], handed[20], got = 0;
	void **objs = kunit_kcalloc(test, REAP_OBJS, sizeof(*objs), GFP_KERNEL);
	unsigned int seen[20];

	KUNIT_ASSERT_NOT_NULL(test, objs);
	stop_reapers(sys);
	cache = new_cache(test, sys, "reap-256", 256, 0, 0, NULL);
	require_hand_geometry(test);
	KUNIT_ASSERT_EQ(test, cache->limit, 120U);
	KUNIT_ASSERT_EQ(test, cache->num, 16U);
	KUNIT_ASSERT_EQ(test, cache->node[0]->free_limit,
			(1 + num_online_cpus()) * 60 + 16);
	per_pass = DIV_ROUND_UP(cache->node[0]->free_limit, 5 * 16);

	migrate_disable();
	for (got = 0; got < REAP_OBJS; got++) {
		objs[got] = altmm_cache_alloc(cache, GFP_KERNEL, NUMA_NO_NODE);
		if (!objs[got])
			break;
	}
	avail[0] = cpu_avail(cache);
	for (i = 0; i < got; i++)
		altmm_cache_free(cache, objs[i], _RET_IP_);
	avail[1] = cpu_avail(cache);
	slabs[0] = cache->node[0]->total_slabs;

	/* Touched by the allocations, and a free slab was taken: spared. */
	reap_now(cache, 0);
	avail[2] = cpu_avail(cache);
	slabs[1] = cache->node[0]->total_slabs;
	for (pass = 0; pass < 20; pass++) {
		unsigned long before = cache->node[0]->total_slabs;

		reap_now(cache, 0);
		seen[pass] = cpu_avail(cache);
		left[pass] = cache->node[0]->total_slabs;
		gone[pass] = before - left[pass];
		handed[pass] = altmm_check_cache(test, cache);
	}
	migrate_enable();

	KUNIT_ASSERT_EQ(test, got, (unsigned long)REAP_OBJS);
	KUNIT_EXPECT_EQ(test, avail[0], 0U);
	KUNIT_EXPECT_EQ(test, avail[1], 112U);
	KUNIT_EXPECT_EQ(test, slabs[0], 7UL);
	KUNIT_EXPECT_EQ(test, avail[2], 112U);
	KUNIT_EXPECT_EQ(test, slabs[1], 7UL);
	KUNIT_EXPECT_EQ(test, cache->node[0]->free_touched, 0U);

	/*
	 * From now on a fifth of the limit a pass (112, 88, 64, 40, 16, then
	 * halves: 8, 4, 2, 1, 0), and up to per_pass free slabs: 20 passes
	 * free all.
	 */
	expect = 112;
	for (pass = 0; pass < 20; pass++) {
		expect -= expect >= 24 ? 24 : (expect + 1) / 2;
		KUNIT_EXPECT_EQ_MSG(test, seen[pass], expect, "pass %u", pass);
		KUNIT_EXPECT_LE_MSG(test, gone[pass], (unsigned long)per_pass, "pass %u", pass);
		KUNIT_EXPECT_EQ_MSG(test, handed[pass], 0UL, "pass %u", pass);
	}
	KUNIT_EXPECT_EQ(test, left[19], 0UL);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
}

/*
 * A dead CPU's arrays go back to their slabs (6.1's slab_dead_cpu()):
 * called here directly for the running CPU, whose array then holds
 * nothing, every slab is free and given back, and destroying the cache
 * finds no leak.  Before, the objects stayed in the array.
 */
static void slab_cpu_dead_drain(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache;
	void *objs[20];
	unsigned int i;

	stop_reapers(sys);
	cache = new_cache(test, sys, "dead-cpu-128", 128, 0, 0, NULL);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		free_obj(test, cache, objs[i]);
	KUNIT_ASSERT_GE(test, cpu_avail(cache), 20U);

	cpus_read_lock();
	altmm_slab_cpu_dead(sys, raw_smp_processor_id());
	cpus_read_unlock();
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), 0U);
	KUNIT_EXPECT_EQ(test, cache->node[0]->total_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, cache->node[0]->free_objects, 0UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("leaked"), 0U);
}

/* Write altmm's int parameter @name; the error the write gave. */
static int param_write_str(const char *name, const char *val)
{
	char path[64];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/altmm/parameters/%s", name);
	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, strlen(val), &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

/*
 * slab_max_order, as 6.1's: a slab stays at or below it unless no
 * object fits, whatever the waste.  3000-byte objects waste 1038 bytes
 * of an order-0 slab: with 0 they stay there (1 object); with 1 they
 * take order 1 (2 objects, 2132 left) and stop; with 3 they go on to
 * the first order that wastes at most 1/8 (order 2, 5 objects).  A
 * 32 MiB instance defaults to 0, a larger one to 1; out-of-range values
 * are refused with a log line.
 */
static void slab_max_order_param(struct kunit *test)
{
	struct altmm_system *small = one_node(test);
	struct altmm_system *big = altmm_test_create(test, &altmm_test_layouts[1].p);
	static const struct { unsigned int max, order, num; } want[] = {
		{ 0, 0, 1 }, { 1, 1, 2 }, { 3, 2, 5 }, { 10, 2, 5 },
	};
	struct altmm_kmem_cache *cache;
	unsigned int i, saved;
	char name[32];

	require_hand_geometry(test);
	KUNIT_EXPECT_EQ(test, small->slab->max_order, 0U);
	KUNIT_EXPECT_EQ(test, big->slab->max_order, 1U);
	saved = small->slab->max_order;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		small->slab->max_order = want[i].max;
		snprintf(name, sizeof(name), "max-order-%u", want[i].max);
		cache = new_cache(test, small, name, 3000, 0, 0, NULL);
		KUNIT_EXPECT_EQ_MSG(test, cache->order, want[i].order, "max %u", want[i].max);
		KUNIT_EXPECT_EQ_MSG(test, cache->num, want[i].num, "max %u", want[i].max);
		KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
	}
	small->slab->max_order = saved;

	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, param_write_str("slab_max_order", "11"), -EINVAL);
	KUNIT_EXPECT_EQ(test, param_write_str("slab_max_order", "-2"), -EINVAL);
	KUNIT_EXPECT_EQ(test, param_write_str("slab_max_order", "one"), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("slab_max_order="), 3U);
	KUNIT_EXPECT_EQ(test, param_write_str("slab_max_order", "-1"), 0);
}

/* Node 1's memory is all hole: its CPU takes node 0's objects. */
static const struct altmm_params memoryless_node1 = {
	.arena_mb = 64, .nr_nodes = 2, .dma_mb = 16, .dma32_mb = 32,
	.holes = "32M@32M", .nr_cpu_node = 1, .cpu_node = { 1 },
};

/*
 * A CPU on a memoryless node caches objects of its nearest node with
 * memory (6.1's numa_mem_id()): a free goes into its array, the next
 * allocation takes it back from there.  Before, the CPU's array was for
 * node 1, which has no slabs: every object was remote, nothing cached.
 */
static void slab_memoryless_node(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &memoryless_node1);
	struct altmm_kmem_cache *cache;
	void *obj, *again;

	altmm_test_pin_cpu0(test);
	KUNIT_ASSERT_EQ(test, altmm_numa_node_id(sys), 1);
	KUNIT_ASSERT_EQ(test, sys->slab->mem_node[1], 0);
	cache = new_cache(test, sys, "memoryless-64", 64, 0, 0, NULL);
	obj = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, slab_of(test, cache, obj)->nid, 0);
	KUNIT_EXPECT_GT(test, cpu_avail(cache), 0U);
	free_obj(test, cache, obj);
	again = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_PTR_EQ(test, again, obj);
	KUNIT_EXPECT_GT(test, altmm_cache_stat(cache, ALTMM_SLAB_FREE_FASTPATH), 0UL);
	free_obj(test, cache, again);
	/* Node 1 itself, exactly: nothing there. */
	KUNIT_EXPECT_NULL(test, altmm_cache_alloc(cache, __GFP_NOWARN | __GFP_THISNODE, 1));
}

/*
 * A request for a node is served from the CPU's array only when the
 * array holds that node's objects, which is decided with interrupts off.
 * The race of issue 8 (a task checks its node, is moved to a CPU of
 * another node, then takes that CPU's array) is played here by making
 * the instance's CPU map say node 1 while the running CPU's array holds
 * node 2's objects: a __GFP_THISNODE request for node 1 must still get a
 * node-1 object.  Before, the check read the CPU map and the array
 * answered.
 */
static void slab_thisnode_checks_array(struct kunit *test)
{
	struct altmm_params every_cpu_on_node2 = cpu_on_node2;
	struct altmm_kmem_cache *cache;
	struct altmm_system *sys;
	void *warm, *obj = NULL;
	int cpu, nid;

	KUNIT_ASSERT_LE(test, nr_cpu_ids, ALTMM_MAX_CPU_PARAMS);
	every_cpu_on_node2.nr_cpu_node = nr_cpu_ids;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		every_cpu_on_node2.cpu_node[cpu] = 2;
	sys = altmm_test_create(test, &every_cpu_on_node2);
	stop_reapers(sys);
	cache = new_cache(test, sys, "thisnode-128", 128, 0, 0, NULL);

	/* One CPU throughout, so that its array is the one that answers. */
	migrate_disable();
	cpu = raw_smp_processor_id();
	warm = altmm_cache_alloc(cache, GFP_KERNEL, NUMA_NO_NODE);
	if (warm)
		altmm_cache_free(cache, warm, _RET_IP_);
	nid = per_cpu_ptr(cache->cpu_cache, cpu)->nid;
	if (warm && cpu_avail(cache)) {
		sys->layout.cpu_node[cpu] = 1;
		obj = altmm_cache_alloc(cache, GFP_KERNEL | __GFP_THISNODE, 1);
		sys->layout.cpu_node[cpu] = 2;
	}
	migrate_enable();

	KUNIT_ASSERT_NOT_NULL(test, warm);
	KUNIT_ASSERT_EQ(test, nid, 2);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, slab_of(test, cache, obj)->nid, 1);
	free_obj(test, cache, obj);
}

/* === Shared arrays and alien caches === */

/* Two nodes of 32 MiB; CPU 0 is on node 0 (the tests pin themselves there). */
static const struct altmm_params cpu_on_node0_of2 = {
	.arena_mb = 64, .nr_nodes = 2, .dma_mb = 16, .dma32_mb = 32,
	.nr_cpu_node = 1, .cpu_node = { 0 },
};

static unsigned int alien_avail(struct altmm_kmem_cache *cache, int on, int of)
{
	return cache->node[on]->alien[of]->ac.avail;
}

static unsigned int shared_avail(struct altmm_kmem_cache *cache, int nid)
{
	return cache->node[nid]->shared->avail;
}

/*
 * 6.1's cache_free_alien(): a CPU of node 0 frees objects of node 1.
 * They wait in node 0's alien cache for node 1 (12 of them), not on node
 * 1's lists; the 13th free finds it full and sends the 12 home in one
 * batch, into node 1's shared array (__drain_alien_cache()).  The reaper
 * then sends the last one home.  Before, every such free went straight
 * to node 1's slabs, one lock round trip each.
 */
static void slab_alien_free(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &cpu_on_node0_of2);
	struct altmm_kmem_cache *cache;
	unsigned long free1;
	void *objs[13];
	unsigned int i;

	altmm_test_pin_cpu0(test);
	stop_reapers(sys);
	KUNIT_ASSERT_EQ(test, altmm_numa_node_id(sys), 0);
	cache = new_cache(test, sys, "alien-256", 256, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, cache->node[0]->alien);
	KUNIT_ASSERT_NULL(test, cache->node[0]->alien[0]);
	KUNIT_EXPECT_EQ(test, cache->node[0]->alien[1]->ac.limit, 12U);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, 1);
		KUNIT_ASSERT_EQ(test, slab_of(test, cache, objs[i])->nid, 1);
	}
	free1 = cache->node[1]->free_objects;

	for (i = 0; i < 12; i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, alien_avail(cache, 0, 1), 12U);
	KUNIT_EXPECT_EQ(test, cache->node[1]->free_objects, free1);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 1), 0U);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), 0U);
	/* Every object in one place: 12 in the alien cache, 1 handed out. */
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 1UL);

	/* Full: the 12 go home in one batch, the 13th waits. */
	free_obj(test, cache, objs[12]);
	KUNIT_EXPECT_EQ(test, alien_avail(cache, 0, 1), 1U);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 1), 12U);
	KUNIT_EXPECT_EQ(test, cache->node[1]->free_objects, free1);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);

	/* The reaper of node 0's CPU sends the rest home. */
	reap_now(cache, 0);
	KUNIT_EXPECT_EQ(test, alien_avail(cache, 0, 1), 0U);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 1), 13U);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/*
 * Shrinking, a CPU's death and destroying a cache send alien objects
 * home: after each, the alien cache is empty and node 1's slabs have
 * every object back; the destroy finds no leak.  Before, they stayed in
 * the alien cache and the destroy reported them leaked.
 */
static void slab_alien_drain(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &cpu_on_node0_of2);
	struct altmm_kmem_cache *cache;
	void *objs[5];
	unsigned int i, round;

	altmm_test_pin_cpu0(test);
	stop_reapers(sys);
	cache = new_cache(test, sys, "alien-drain-128", 128, 0, 0, NULL);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			objs[i] = alloc_obj(test, cache, GFP_KERNEL, 1);
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			free_obj(test, cache, objs[i]);
		KUNIT_EXPECT_EQ(test, alien_avail(cache, 0, 1), 5U);
		if (round == 0) {
			KUNIT_EXPECT_GT(test, altmm_cache_shrink(cache), 0UL);
			KUNIT_EXPECT_EQ(test, alien_avail(cache, 0, 1), 0U);
			KUNIT_EXPECT_EQ(test, shared_avail(cache, 1), 0U);
			KUNIT_EXPECT_EQ(test, cache->node[1]->total_slabs, 0UL);
		} else if (round == 1) {
			cpus_read_lock();
			altmm_slab_cpu_dead(sys, raw_smp_processor_id());
			cpus_read_unlock();
			KUNIT_EXPECT_EQ(test, alien_avail(cache, 0, 1), 0U);
			KUNIT_EXPECT_EQ(test, shared_avail(cache, 1) +
					cache->node[1]->free_objects,
					cache->node[1]->total_slabs * cache->num);
		}
		KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
	}
	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(cache), 0);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("leaked"), 0U);
}

/*
 * enable_cpucache()'s shared array, on an instance of two nodes:
 * 256-byte objects, limit 120, batch 60, sharedfactor 8, so 480 shared.
 * Freeing 660 objects: the array fills (120), then each full array gives
 * its oldest 60 to the shared array (cache_flusharray()) until it holds
 * 480, and only then do 60 go back to the slabs.  An empty array then
 * refills from the shared array, not the slabs (cache_alloc_refill()).
 * What slabinfo shows as sharedfactor and sharedavail follows.  Before,
 * every flush went to the slabs and every refill came from them.
 */
static void slab_shared_array(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &cpu_on_node0_of2);
	struct altmm_kmem_cache *cache, *big;
	unsigned long free0, shrunk;
	unsigned int i, n = 660;
	void **objs;

	altmm_test_pin_cpu0(test);
	stop_reapers(sys);
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	cache = new_cache(test, sys, "shared-256", 256, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, cache->limit, 120U);
	KUNIT_ASSERT_EQ(test, cache->batchcount, 60U);
	KUNIT_EXPECT_EQ(test, cache->shared, 8U);
	KUNIT_ASSERT_EQ(test, cache->node[0]->shared->limit, 480U);
	/* Larger than a page: no shared array, as 6.1's. */
	big = new_cache(test, sys, "shared-8k", 8192, 0, 0, NULL);
	KUNIT_EXPECT_NULL(test, big->node[0]->shared);

	for (i = 0; i < n; i++)
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	/* Empty the CPU's array so that the count below starts at 0. */
	altmm_cache_shrink(cache);
	KUNIT_ASSERT_EQ(test, cpu_avail(cache), 0U);
	free0 = cache->node[0]->free_objects;

	for (i = 0; i < 120; i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), 120U);
	free_obj(test, cache, objs[i++]);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 0), 60U);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), 61U);
	KUNIT_EXPECT_EQ(test, cache->node[0]->free_objects, free0);
	KUNIT_EXPECT_EQ(test, altmm_cache_shared_avail(cache), 60UL);
	for (; i < 600; i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 0), 480U);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), 120U);
	KUNIT_EXPECT_EQ(test, cache->node[0]->free_objects, free0);
	/* Shared array full: the next flush goes to the slabs (free_limit may trim). */
	shrunk = altmm_cache_stat(cache, ALTMM_SLAB_SHRINK);
	free_obj(test, cache, objs[i++]);
	shrunk = altmm_cache_stat(cache, ALTMM_SLAB_SHRINK) - shrunk;
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 0), 480U);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), 61U);
	KUNIT_EXPECT_EQ(test, cache->node[0]->free_objects + shrunk * cache->num, free0 + 60);
	for (; i < n; i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_cache_shared_avail(cache), 480UL);

	/* Refill: the array empties, then takes the shared array's newest 60. */
	for (i = 0; i < 120; i++)
		objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_EQ(test, cpu_avail(cache), 0U);
	free0 = cache->node[0]->free_objects;
	objs[i] = alloc_obj(test, cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, cpu_avail(cache), 59U);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 0), 420U);
	KUNIT_EXPECT_EQ(test, cache->node[0]->free_objects, free0);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 121UL);

	/* The reaper: touched by the refill, spared once, then a fifth of 480. */
	reap_now(cache, 0);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 0), 420U);
	reap_now(cache, 0);
	KUNIT_EXPECT_EQ(test, shared_avail(cache, 0), 420U - 96);
	for (i = 0; i <= 120; i++)
		free_obj(test, cache, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), 0UL);
}

/* === The caller SLAB_STORE_USER records === */

/* The barriers keep the calls from being tail calls, which return elsewhere. */
static noinline void *store_user_alloc(struct kmem_cache *s)
{
	void *obj = altmm_kmem_cache_alloc(s, GFP_KERNEL);

	barrier();
	return obj;
}

static noinline void store_user_free(struct kmem_cache *s, void *obj)
{
	altmm_kmem_cache_free(s, obj);
	barrier();
}

/* Does the return address @ip lie in the function @fn? */
static bool ip_in(unsigned long ip, void *fn)
{
	/* Two symbol buffers are too much for the stack. */
	char *a = kmalloc(2 * KSYM_SYMBOL_LEN, GFP_KERNEL), *b, *plus;
	bool same;

	if (!a)
		return false;
	b = a + KSYM_SYMBOL_LEN;
	sprint_symbol(a, ip);
	sprint_symbol(b, (unsigned long)fn);
	plus = strchr(a, '+');
	if (plus)
		*plus = '\0';
	plus = strchr(b, '+');
	if (plus)
		*plus = '\0';
	same = !strcmp(a, b);
	kfree(a);
	return same;
}

/*
 * SLAB_STORE_USER stores the exported call's caller, as 6.1's
 * __kmem_cache_alloc_lru(..., _RET_IP_) does: the function that called
 * kmem_cache_alloc() and kmem_cache_free(), not the wrapper.
 */
static void slab_store_user_caller(struct kunit *test)
{
	struct kmem_cache *s;
	unsigned long *track;
	void *obj;

	s = altmm_kmem_cache_create("store-user-64", 64, 0, SLAB_STORE_USER, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	obj = store_user_alloc(s);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	/* The tracks follow the object, 8-byte aligned (no red zone). */
	track = obj + ALIGN(64, ALTMM_REDZONE_BYTES);
	KUNIT_EXPECT_TRUE_MSG(test, ip_in(track[0], store_user_alloc),
			      "allocated by %pS", (void *)track[0]);
	store_user_free(s, obj);
	KUNIT_EXPECT_TRUE_MSG(test, ip_in(track[1], store_user_free),
			      "freed by %pS", (void *)track[1]);
	altmm_kmem_cache_destroy(s);
}

static struct kunit_case altmm_slab_cases[] = {
	KUNIT_CASE_PARAM(slab_geometry, geometry_gen_params),
	KUNIT_CASE_PARAM(slab_object_alignment, alignment_gen_params),
	KUNIT_CASE(slab_ctor_once),
	KUNIT_CASE(slab_ctor_poison),
	KUNIT_CASE(slab_colour_cycle),
	KUNIT_CASE(slab_typesafe_by_rcu),
	KUNIT_CASE(slab_bulk),
	KUNIT_CASE(slab_node_local),
	KUNIT_CASE(slab_shrink),
	KUNIT_CASE(slab_debug_double_free),
	KUNIT_CASE(slab_debug_foreign),
	KUNIT_CASE(slab_debug_misaligned),
	KUNIT_CASE(slab_debug_red_zone),
	KUNIT_CASE(slab_debug_poison),
	KUNIT_CASE(slab_destroy_busy),
	KUNIT_CASE(slab_destroy_returns_frames),
	KUNIT_CASE(slab_create_limits),
	KUNIT_CASE(slab_init_on_alloc),
	KUNIT_CASE(slab_init_on_free),
	KUNIT_CASE(slab_init_flags_per_instance),
	KUNIT_CASE(slab_init_on_free_fresh_arena),
	KUNIT_CASE(slab_random_workload),
	KUNIT_CASE(slab_reap),
	KUNIT_CASE(slab_cpu_dead_drain),
	KUNIT_CASE(slab_max_order_param),
	KUNIT_CASE(slab_memoryless_node),
	KUNIT_CASE(slab_store_user_caller),
	KUNIT_CASE(slab_thisnode_checks_array),
	KUNIT_CASE(slab_alien_free),
	KUNIT_CASE(slab_alien_drain),
	KUNIT_CASE(slab_shared_array),
	{}
};

static struct kunit_suite altmm_slab_suite = {
	.name = "altmm_slab",
	.suite_init = altmm_test_log_start,
	.suite_exit = altmm_test_log_stop,
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_slab_cases,
};

kunit_test_suite(altmm_slab_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's slab layer");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
