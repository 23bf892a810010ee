// SPDX-License-Identifier: GPL-2.0
/*
 * altmm_consumer: ordinary kernel code, run on altmm.
 *
 * Everything above the self-check at the end is written against the
 * kernel's own API and nothing else, the way a driver or a lib/test_*.c
 * module is: a cache of request objects with a constructor, kmalloc and
 * friends of many sizes, pages of several orders, vmalloc buffers,
 * mempools, and memory that comes from the kernel itself (a path from
 * kobject_get_path(), a name from __getname()), checking contents as it
 * goes.  The only altmm-specific line is the #include of altmm_compat.h
 * after the kernel's headers, which makes those calls altmm's.
 *
 * The self-check then asks altmm (its only use of altmm's own API) whether
 * the memory the workload holds at that point really is altmm's, and
 * whether the kernel's memory really is not.
 *
 * Loading runs it all once and prints "altmm_consumer: N checks, N
 * failed"; a failure is also a "not ok" line, and fails the load with
 * EINVAL.  While loaded it keeps REQ_KEPT requests and a vmalloc'ed ring,
 * so that slabinfo, slabtop and vmallocinfo have something to show, and
 * offers debugfs altmm_consumer/usermap, a file whose mmap() is a
 * vmalloc_user() area (for selftests/usermap.c); unloading frees them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "altmm_compat.h"

/* === Checks === */

static unsigned int nr_checks, nr_failed;

/* One check: counted; a failure says what and where, as a TAP "not ok". */
#define CHECK(cond, fmt, ...)						\
({									\
	bool __ok = (cond);						\
									\
	nr_checks++;							\
	if (!__ok) {							\
		nr_failed++;						\
		pr_err("not ok %u - %s:%d: " fmt "\n", nr_checks,	\
		       __func__, __LINE__, ##__VA_ARGS__);		\
	}								\
	__ok;								\
})

static u8 pattern(unsigned long seed, size_t i)
{
	return (u8)(seed * 31 + i * 7 + 1);
}

static void fill(void *p, size_t len, unsigned long seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		((u8 *)p)[i] = pattern(seed, i);
}

/* True when the first @len bytes still hold pattern @seed. */
static bool intact(const void *p, size_t len, unsigned long seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (((const u8 *)p)[i] != pattern(seed, i))
			return false;
	return true;
}

static bool all_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* === What the self-check looks at: one of each kind, held until then === */

static struct {
	void *kmalloc_small;
	void *kmalloc_large;	/* above the largest kmalloc class */
	struct page *pages;	/* order 2 */
	void *exact;
	void *kvbig;		/* kvmalloc that had to use vmalloc */
	void *pool_elem;
	mempool_t *pool;
	char *kernel_path;	/* kobject_get_path(): the kernel's kmalloc */
	void *vm32;		/* vmalloc_32() */
} held;

#define HELD_PAGES_ORDER	2
#define HELD_EXACT_SIZE		(3 * PAGE_SIZE + 100)
#define HELD_KVBIG_SIZE		(8 * SZ_1M)	/* above altmm's largest block */

/* === A driver-like cache of requests === */

#define REQ_MAGIC	0x52455121u
#define REQ_PAYLOAD	200
#define REQ_MANY	256
#define REQ_KEPT	32

struct consumer_req {
	u32 magic;		/* set by the constructor, kept across frees */
	u32 id;
	struct list_head list;
	u8 payload[REQ_PAYLOAD];
};

struct consumer_item {
	u64 a, b;
	struct rcu_head rcu;
};

static struct kmem_cache *req_cache;
static LIST_HEAD(kept_reqs);

/* A vmalloc'ed ring, as a driver keeps one while it is loaded. */
#define RING_SIZE	(SZ_1M + 123)
static void *ring;
static atomic_t ctor_calls = ATOMIC_INIT(0);

static void req_ctor(void *obj)
{
	struct consumer_req *req = obj;

	req->magic = REQ_MAGIC;
	req->id = 0;
	INIT_LIST_HEAD(&req->list);
	atomic_inc(&ctor_calls);
}

/* A request goes back as the constructor left it, as the API requires. */
static void req_put(struct consumer_req *req)
{
	list_del_init(&req->list);
	req->id = 0;
	kmem_cache_free(req_cache, req);
}

static void test_request_cache(void)
{
	struct consumer_req **reqs;
	struct consumer_item *item;
	struct kmem_cache *items;
	void *bulk[64];
	int i, n, ok, distinct = 1, constructed = 1;

	req_cache = kmem_cache_create("altmm_consumer_req", sizeof(struct consumer_req),
				      0, SLAB_HWCACHE_ALIGN, req_ctor);
	if (!CHECK(req_cache, "kmem_cache_create() of the request cache"))
		return;
	CHECK(kmem_cache_size(req_cache) == sizeof(struct consumer_req),
	      "kmem_cache_size() is %u", kmem_cache_size(req_cache));

	reqs = kcalloc(REQ_MANY, sizeof(*reqs), GFP_KERNEL);
	if (!CHECK(reqs, "kcalloc() of the request table"))
		return;
	for (i = 0; i < REQ_MANY; i++) {
		reqs[i] = kmem_cache_alloc(req_cache, GFP_KERNEL);
		if (!reqs[i])
			break;
		constructed &= reqs[i]->magic == REQ_MAGIC && list_empty(&reqs[i]->list);
		reqs[i]->id = i;
		fill(reqs[i]->payload, REQ_PAYLOAD, i);
	}
	CHECK(i == REQ_MANY, "%d of %d requests allocated", i, REQ_MANY);
	CHECK(constructed, "every new request was constructed");
	CHECK(atomic_read(&ctor_calls) >= REQ_MANY,
	      "the constructor ran %d times for %d objects", atomic_read(&ctor_calls), REQ_MANY);
	for (ok = 1, i = 0; i < REQ_MANY && reqs[i]; i++)
		ok &= reqs[i]->id == i && intact(reqs[i]->payload, REQ_PAYLOAD, i);
	CHECK(ok, "no request overlaps another");

	/* Free the odd ones, take them again: constructed state survives. */
	for (i = 1; i < REQ_MANY && reqs[i]; i += 2)
		req_put(reqs[i]);
	for (ok = 1, i = 1; i < REQ_MANY; i += 2) {
		reqs[i] = kmem_cache_alloc(req_cache, GFP_KERNEL);
		ok &= reqs[i] && reqs[i]->magic == REQ_MAGIC && list_empty(&reqs[i]->list);
	}
	CHECK(ok, "reallocated requests are in their constructed state");
	for (ok = 1, i = 0; i < REQ_MANY; i += 2)
		ok &= reqs[i] && intact(reqs[i]->payload, REQ_PAYLOAD, i);
	CHECK(ok, "requests that stayed allocated kept their payload");

	/* Keep some for slabinfo to show; give the rest back. */
	for (i = 0; i < REQ_MANY; i++) {
		if (!reqs[i])
			continue;
		if (i < REQ_KEPT)
			list_add_tail(&reqs[i]->list, &kept_reqs);
		else
			req_put(reqs[i]);
	}
	kfree(reqs);

	/* Bulk: all or nothing, as the kernel's. */
	n = kmem_cache_alloc_bulk(req_cache, GFP_KERNEL, ARRAY_SIZE(bulk), bulk);
	if (CHECK(n == ARRAY_SIZE(bulk), "kmem_cache_alloc_bulk() gave %d of %zu",
		  n, ARRAY_SIZE(bulk))) {
		for (i = 0; i < n; i++) {
			struct consumer_req *req = bulk[i];
			int j;

			constructed &= req->magic == REQ_MAGIC;
			for (j = 0; j < i; j++)
				distinct &= bulk[i] != bulk[j];
		}
		CHECK(constructed && distinct, "bulk objects are distinct and constructed");
		kmem_cache_free_bulk(req_cache, n, bulk);
	}
	CHECK(!kmem_cache_shrink(req_cache), "kmem_cache_shrink()");

	/* KMEM_CACHE(), zalloc, node allocation, kfree_rcu() of an object. */
	items = KMEM_CACHE(consumer_item, 0);
	if (!CHECK(items, "KMEM_CACHE(consumer_item)"))
		return;
	item = kmem_cache_zalloc(items, GFP_KERNEL);
	CHECK(item && all_zero(item, sizeof(*item)), "kmem_cache_zalloc() zeroes");
	kmem_cache_free(items, item);
	item = kmem_cache_alloc_node(items, GFP_KERNEL, 0);
	CHECK(item, "kmem_cache_alloc_node(0)");
	kmem_cache_free(items, item);
	kmem_cache_destroy(items);

	item = kmalloc(sizeof(*item), GFP_KERNEL);
	if (CHECK(item, "kmalloc() of an object to free after a grace period"))
		kfree_rcu(item, rcu);
}

/* === kmalloc and friends === */

static const size_t kmalloc_sizes[] = {
	1, 8, 13, 64, 65, 96, 100, 128, 192, 200, 256, 1000, 1024, 2048,
	4095, 4096, 8192, 8193, 20000, 65536,
};

static void test_kmalloc(void)
{
	char *s, *t;
	void *p, *q;
	size_t i, ks;
	int ok;

	for (ok = 1, i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		size_t size = kmalloc_sizes[i];

		p = kmalloc(size, GFP_KERNEL);
		if (!CHECK(p, "kmalloc(%zu)", size))
			continue;
		ks = ksize(p);
		ok &= CHECK(ks >= size, "ksize(kmalloc(%zu)) is %zu", size, ks);
		fill(p, ks, size);
		ok &= CHECK(intact(p, ks, size), "kmalloc(%zu) holds what was written", size);
		kfree(p);

		p = kzalloc(size, GFP_KERNEL);
		ok &= CHECK(p && all_zero(p, size), "kzalloc(%zu) is zeroed", size);
		kfree(p);
	}
	CHECK(ok, "kmalloc/kzalloc/ksize over %zu sizes", ARRAY_SIZE(kmalloc_sizes));

	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR, "kmalloc(0) is ZERO_SIZE_PTR");
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);

	p = kmalloc_node(300, GFP_KERNEL, 0);
	CHECK(p, "kmalloc_node(300, 0)");
	kfree(p);
	p = kzalloc_node(300, GFP_KERNEL, NUMA_NO_NODE);
	CHECK(p && all_zero(p, 300), "kzalloc_node() is zeroed");
	kfree(p);

	/* Arrays: overflow is refused, not wrapped. */
	CHECK(!kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL), "kmalloc_array() overflow refused");
	CHECK(!kcalloc(SIZE_MAX / 8 + 1, 16, GFP_KERNEL), "kcalloc() overflow refused");
	CHECK(!kmalloc_array_node(SIZE_MAX, 2, GFP_KERNEL, 0),
	      "kmalloc_array_node() overflow refused");
	p = kcalloc(100, sizeof(u32), GFP_KERNEL);
	CHECK(p && all_zero(p, 400), "kcalloc(100, 4) is zeroed");
	kfree(p);
	p = kmalloc_array(100, sizeof(u64), GFP_KERNEL);
	CHECK(p && ksize(p) >= 800, "kmalloc_array(100, 8)");
	kfree(p);

	/* krealloc: growth keeps the contents, shrinking stays in place. */
	p = kmalloc(16, GFP_KERNEL);
	if (CHECK(p, "kmalloc(16) to grow")) {
		fill(p, 16, 77);
		for (ok = 1, i = 100; p && i <= 50000; i *= 5) {
			q = krealloc(p, i, GFP_KERNEL);
			ok &= CHECK(q, "krealloc() to %zu", i);
			if (!q)
				break;
			p = q;
			ok &= CHECK(intact(p, 16, 77), "krealloc() to %zu kept the contents", i);
		}
		q = krealloc(p, 10, GFP_KERNEL);
		CHECK(q == p && intact(q, 10, 77), "krealloc() shrinking keeps the block");
		p = krealloc_array(q, 3, 1000, GFP_KERNEL);
		CHECK(p && intact(p, 10, 77), "krealloc_array() keeps the contents");
		/* A failed krealloc() leaves the block where it was. */
		if (!p)
			p = q;
		CHECK(krealloc(p, 0, GFP_KERNEL) == ZERO_SIZE_PTR, "krealloc(p, 0) frees");
	}
	p = krealloc(NULL, 32, GFP_KERNEL);
	CHECK(p, "krealloc(NULL, 32) allocates");
	kfree_sensitive(p);

	/* Strings and copies. */
	s = kstrdup("altmm consumer", GFP_KERNEL);
	CHECK(s && !strcmp(s, "altmm consumer"), "kstrdup()");
	t = kasprintf(GFP_KERNEL, "%s #%d", s ?: "", 42);
	CHECK(t && !strcmp(t, "altmm consumer #42"), "kasprintf()");
	kfree(t);
	t = kstrndup(s, 5, GFP_KERNEL);
	CHECK(t && !strcmp(t, "altmm"), "kstrndup()");
	kfree(t);
	p = s ? kmemdup(s, 6, GFP_KERNEL) : NULL;
	CHECK(p && !memcmp(p, "altmm ", 6), "kmemdup()");
	kfree(p);
	kfree(s);

	/* A scope-bound allocation: __free(kfree) gives it back. */
	{
		u8 *scratch __free(kfree) = kmalloc(512, GFP_KERNEL);

		CHECK(scratch, "kmalloc() under __free(kfree)");
		if (scratch)
			fill(scratch, 512, 5);
	}

	/* kvmalloc: small from kmalloc, huge from vmalloc. */
	p = kvmalloc(5000, GFP_KERNEL);
	CHECK(p && !is_vmalloc_addr(p), "kvmalloc(5000) is kmalloc memory");
	kvfree(p);
	p = kvzalloc(3 * SZ_1M, GFP_KERNEL);
	CHECK(p && all_zero(p, 3 * SZ_1M), "kvzalloc(3 MiB) is zeroed");
	kvfree(p);
	p = kvcalloc(1000, 64, GFP_KERNEL);
	CHECK(p && all_zero(p, 64000), "kvcalloc(1000, 64) is zeroed");
	kvfree(p);
	held.kvbig = kvmalloc(HELD_KVBIG_SIZE, GFP_KERNEL);
	if (CHECK(held.kvbig, "kvmalloc(8 MiB)")) {
		CHECK(is_vmalloc_addr(held.kvbig), "kvmalloc(8 MiB) fell back to vmalloc");
		fill(held.kvbig, HELD_KVBIG_SIZE, 8);
		CHECK(intact(held.kvbig, HELD_KVBIG_SIZE, 8),
		      "kvmalloc(8 MiB) holds what was written");
	}

	held.kmalloc_small = kmalloc(100, GFP_KERNEL);
	CHECK(held.kmalloc_small, "kmalloc(100) held");
	held.kmalloc_large = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);
	CHECK(held.kmalloc_large, "kmalloc(5 pages) held");
}

/* === Pages === */

static void test_pages(void)
{
	struct page *pages[16] = { NULL };
	struct page *page;
	unsigned long addr;
	unsigned int order;
	unsigned long nr;
	void *p;
	int i, ok;

	for (ok = 1, order = 0; order <= 4; order++) {
		page = alloc_pages(GFP_KERNEL, order);
		if (!CHECK(page, "alloc_pages(order %u)", order))
			continue;
		p = page_address(page);
		fill(p, PAGE_SIZE << order, order);
		ok &= CHECK(intact(p, PAGE_SIZE << order, order),
			    "order-%u block holds what was written", order);
		__free_pages(page, order);
	}
	CHECK(ok, "alloc_pages/__free_pages, orders 0..4");

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	CHECK(page && all_zero(page_address(page), PAGE_SIZE), "alloc_page(__GFP_ZERO) is zeroed");
	if (page)
		__free_page(page);
	page = alloc_pages_node(0, GFP_KERNEL, 1);
	CHECK(page, "alloc_pages_node(0, order 1)");
	if (page)
		__free_pages(page, 1);

	addr = get_zeroed_page(GFP_KERNEL);
	CHECK(addr && all_zero((void *)addr, PAGE_SIZE), "get_zeroed_page()");
	free_page(addr);
	addr = __get_free_pages(GFP_KERNEL, 3);
	if (CHECK(addr, "__get_free_pages(order 3)")) {
		fill((void *)addr, 8 * PAGE_SIZE, 3);
		CHECK(intact((void *)addr, 8 * PAGE_SIZE, 3), "__get_free_pages() block");
		free_pages(addr, 3);
	}
	addr = __get_free_page(GFP_KERNEL);
	CHECK(addr, "__get_free_page()");
	free_page(addr);

	/* A second reference keeps a page alive past one free. */
	page = alloc_page(GFP_KERNEL);
	if (CHECK(page, "alloc_page() to share")) {
		get_page(page);
		__free_page(page);
		fill(page_address(page), PAGE_SIZE, 9);
		CHECK(intact(page_address(page), PAGE_SIZE, 9), "a shared page outlives one free");
		put_page(page);
	}

	nr = alloc_pages_bulk_array(GFP_KERNEL, ARRAY_SIZE(pages), pages);
	CHECK(nr == ARRAY_SIZE(pages), "alloc_pages_bulk_array() gave %lu of %zu",
	      nr, ARRAY_SIZE(pages));
	for (ok = 1, i = 0; i < ARRAY_SIZE(pages); i++) {
		if (!pages[i])
			continue;
		ok &= !i || pages[i] != pages[i - 1];
		__free_page(pages[i]);
	}
	CHECK(ok, "bulk pages are distinct");

	held.pages = alloc_pages(GFP_KERNEL, HELD_PAGES_ORDER);
	CHECK(held.pages, "alloc_pages(order %d) held", HELD_PAGES_ORDER);
	held.exact = alloc_pages_exact(HELD_EXACT_SIZE, GFP_KERNEL | __GFP_ZERO);
	CHECK(held.exact && all_zero(held.exact, HELD_EXACT_SIZE),
	      "alloc_pages_exact(3 pages + 100, __GFP_ZERO)");
}

/* === vmalloc === */

static void test_vmalloc(void)
{
	void *p;

	p = vzalloc(SZ_256K);
	CHECK(p && all_zero(p, SZ_256K), "vzalloc(256 KiB) is zeroed");
	vfree(p);
	p = vmalloc_node(5 * PAGE_SIZE, 0);
	CHECK(p && is_vmalloc_addr(p), "vmalloc_node(5 pages, 0)");
	vfree(p);
	CHECK(!vmalloc_array(SIZE_MAX / 2, 3), "vmalloc_array() overflow refused");
	p = vcalloc(10, PAGE_SIZE);
	CHECK(p && all_zero(p, 10 * PAGE_SIZE), "vcalloc(10, PAGE_SIZE) is zeroed");
	vfree(p);
	vfree(NULL);

	ring = vmalloc(RING_SIZE);
	if (CHECK(ring, "vmalloc(1 MiB + 123) of the ring")) {
		fill(ring, RING_SIZE, 1);
		CHECK(intact(ring, RING_SIZE, 1), "the ring holds what was written");
	}

	/* The rest of the family: a GFP mask, an alignment, DMA32 frames. */
	p = __vmalloc(3 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	CHECK(p && all_zero(p, 3 * PAGE_SIZE), "__vmalloc(3 pages, __GFP_ZERO) is zeroed");
	vfree(p);
	p = __vmalloc_node(5 * PAGE_SIZE, SZ_64K, GFP_KERNEL, NUMA_NO_NODE,
			   __builtin_return_address(0));
	CHECK(p && IS_ALIGNED((unsigned long)p, SZ_64K),
	      "__vmalloc_node(5 pages, 64 KiB alignment) is aligned: %p", p);
	vfree(p);
	held.vm32 = vmalloc_32(2 * PAGE_SIZE);
	CHECK(held.vm32, "vmalloc_32(2 pages)");
}

#define MAPPED_PAGES	6

/*
 * vmap() and vm_map_ram() of pages this module allocated, the last one
 * the kernel's (folio_alloc() is not mapped): page i of the mapping is
 * pages[i], and unmapping leaves the pages as they were.
 */
static void test_vmap(void)
{
	struct page *pages[MAPPED_PAGES] = {};
	struct folio *folio;
	unsigned int i, ok;
	u8 *v;

	for (i = 0; i < MAPPED_PAGES - 1; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!CHECK(pages[i], "alloc_page() %u for vmap()", i))
			goto out;
	}
	folio = folio_alloc(GFP_KERNEL, 0);
	if (!CHECK(folio, "folio_alloc() of the kernel's page for vmap()"))
		goto out;
	pages[i] = &folio->page;
	for (i = 0; i < 2; i++) {
		v = i ? vm_map_ram(pages, MAPPED_PAGES, NUMA_NO_NODE) :
			vmap(pages, MAPPED_PAGES, VM_MAP, PAGE_KERNEL);
		if (!CHECK(v, "%s() of %u pages", i ? "vm_map_ram" : "vmap", MAPPED_PAGES))
			continue;
		for (ok = 0; ok < MAPPED_PAGES; ok++) {
			fill(v + ok * PAGE_SIZE, PAGE_SIZE, 20 + ok + 10 * i);
			if (vmalloc_to_page(v + ok * PAGE_SIZE) != pages[ok] ||
			    !intact(page_address(pages[ok]), PAGE_SIZE, 20 + ok + 10 * i))
				break;
		}
		if (i)
			vm_unmap_ram(v, MAPPED_PAGES);
		else
			vunmap(v);
		CHECK(ok == MAPPED_PAGES &&
		      intact(page_address(pages[0]), PAGE_SIZE, 20 + 10 * i),
		      "%s() maps the pages in order and the unmapping keeps them",
		      i ? "vm_map_ram" : "vmap");
	}
out:
	for (i = 0; i < MAPPED_PAGES && pages[i]; i++)
		__free_page(pages[i]);
}

/* === mempool, and memory that is the kernel's === */

static void test_mempool_and_kernel_memory(void)
{
	mempool_t *pool;
	char *name;
	void *e;

	pool = mempool_create_kmalloc_pool(4, 256);
	if (CHECK(pool, "mempool_create_kmalloc_pool(4, 256)")) {
		e = mempool_alloc(pool, GFP_KERNEL);
		CHECK(e, "mempool_alloc() from a kmalloc pool");
		if (e)
			mempool_free(e, pool);
		mempool_destroy(pool);
	}
	pool = mempool_create_page_pool(2, 1);
	if (CHECK(pool, "mempool_create_page_pool(2, order 1)")) {
		e = mempool_alloc(pool, GFP_KERNEL);
		CHECK(e, "mempool_alloc() from a page pool");
		if (e)
			mempool_free(e, pool);
		mempool_destroy(pool);
	}
	if (req_cache) {
		held.pool = mempool_create_slab_pool(2, req_cache);
		if (CHECK(held.pool, "mempool_create_slab_pool(2, the request cache)")) {
			held.pool_elem = mempool_alloc(held.pool, GFP_KERNEL);
			CHECK(held.pool_elem, "mempool_alloc() from a slab pool");
		}
	}

	/* The kernel's own allocations, freed with the same calls. */
	name = __getname();
	if (CHECK(name, "__getname() from the kernel's names cache")) {
		strscpy(name, "/altmm/consumer", PATH_MAX);
		__putname(name);
	}
	held.kernel_path = kobject_get_path(&THIS_MODULE->mkobj.kobj, GFP_KERNEL);
	CHECK(held.kernel_path && !strcmp(held.kernel_path, "/module/altmm_consumer"),
	      "kobject_get_path() is \"%s\"", held.kernel_path ?: "(null)");
}

/* === Self-check: was it altmm's memory? (altmm's own API from here on) === */

static bool vmalloc_is_altmm(const void *addr, size_t size)
{
	size_t off;

	for (off = 0; off < size; off += PAGE_SIZE)
		if (!altmm_page_is_altmm(vmalloc_to_page(addr + off)))
			return false;
	return true;
}

/* Every frame in altmm's DMA32 or DMA zone, what vmalloc_32() asks for. */
static bool vmalloc_is_low(const void *addr, size_t size)
{
	const char *zone;
	size_t off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		zone = altmm_page_zone_name(vmalloc_to_page(addr + off));
		if (!zone || (strcmp(zone, "DMA32") && strcmp(zone, "DMA")))
			return false;
	}
	return true;
}

static void self_check(void)
{
	struct consumer_req *req;
	int ok = 1;

	list_for_each_entry(req, &kept_reqs, list)
		ok &= altmm_page_is_altmm(virt_to_page(req));
	CHECK(ok && !list_empty(&kept_reqs), "the requests are on altmm pages");
	CHECK(altmm_addr_is_altmm(req_cache), "the request cache itself is altmm memory");
	if (held.kmalloc_small)
		CHECK(altmm_page_is_altmm(virt_to_page(held.kmalloc_small)),
		      "kmalloc(100) is on an altmm page");
	if (held.kmalloc_large)
		CHECK(altmm_page_is_altmm(virt_to_page(held.kmalloc_large)),
		      "kmalloc(5 pages) is on an altmm page");
	if (held.pages)
		CHECK(altmm_page_is_altmm(held.pages) &&
		      altmm_page_is_altmm(held.pages + (1 << HELD_PAGES_ORDER) - 1),
		      "alloc_pages(order 2) is altmm's");
	if (held.exact)
		CHECK(altmm_page_is_altmm(virt_to_page(held.exact)) &&
		      altmm_page_is_altmm(virt_to_page(held.exact + HELD_EXACT_SIZE - 1)),
		      "alloc_pages_exact() is altmm's");
	if (ring)
		CHECK(vmalloc_is_altmm(ring, RING_SIZE),
		      "every page of the vmalloc ring is altmm's");
	if (held.kvbig)
		CHECK(vmalloc_is_altmm(held.kvbig, HELD_KVBIG_SIZE),
		      "every page of the kvmalloc(8 MiB) area is altmm's");
	if (held.vm32)
		CHECK(vmalloc_is_altmm(held.vm32, 2 * PAGE_SIZE) &&
		      vmalloc_is_low(held.vm32, 2 * PAGE_SIZE),
		      "vmalloc_32()'s frames are in altmm's DMA32 or DMA zone");
	if (held.pool_elem)
		CHECK(altmm_addr_is_altmm(held.pool_elem), "the mempool element is altmm's");
	if (held.kernel_path)
		CHECK(!altmm_addr_is_altmm(held.kernel_path),
		      "the kernel's kobject_get_path() string is not altmm's");
	CHECK(!altmm_addr_is_altmm(&nr_checks), "module data is not altmm's");
}

/* Back to the kernel's API: give back what the self-check looked at. */
static void release_held(void)
{
	kfree(held.kmalloc_small);
	kfree(held.kmalloc_large);
	if (held.pages)
		__free_pages(held.pages, HELD_PAGES_ORDER);
	if (held.exact)
		free_pages_exact(held.exact, HELD_EXACT_SIZE);
	kvfree(held.kvbig);
	if (held.pool) {
		if (held.pool_elem)
			mempool_free(held.pool_elem, held.pool);
		mempool_destroy(held.pool);
	}
	kfree(held.kernel_path);	/* the kernel's memory, the kernel's kfree */
	vfree(held.vm32);
	memset(&held, 0, sizeof(held));
}

/* === A user-mappable file: vmalloc_user() and remap_vmalloc_range() === */

/*
 * debugfs altmm_consumer/usermap, for selftests/usermap.c: mmap() of an
 * open file gets a zeroed vmalloc_user() area of the VMA's size mapped
 * with remap_vmalloc_range() (-EXDEV if a page of it is not altmm's), and
 * read() returns what the kernel sees through the vmalloc address, so a
 * program can check that its stores through the mapping land there.  The
 * area is freed when the file is released, after the last unmapping.
 */
struct usermap {
	struct mutex lock;	/* @buf and @size, set once by mmap() */
	void *buf;
	size_t size;
};

static struct dentry *debugfs_dir;

static int usermap_open(struct inode *inode, struct file *file)
{
	struct usermap *um = kzalloc(sizeof(*um), GFP_KERNEL);

	if (!um)
		return -ENOMEM;
	mutex_init(&um->lock);
	file->private_data = um;
	return 0;
}

static int usermap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct usermap *um = file->private_data;
	size_t size = vma->vm_end - vma->vm_start;
	void *buf;
	int ret;

	/* One mapping per open file, from its start. */
	if (vma->vm_pgoff)
		return -EINVAL;
	mutex_lock(&um->lock);
	ret = -EBUSY;
	if (um->buf)
		goto out;
	ret = -ENOMEM;
	buf = vmalloc_user(size);
	if (!buf)
		goto out;
	ret = -EXDEV;
	if (!vmalloc_is_altmm(buf, size))
		goto free;
	ret = remap_vmalloc_range(vma, buf, 0);
	if (ret)
		goto free;
	um->buf = buf;
	um->size = size;
	goto out;
free:
	vfree(buf);
out:
	mutex_unlock(&um->lock);
	return ret;
}

static ssize_t usermap_read(struct file *file, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	struct usermap *um = file->private_data;
	size_t size;
	void *buf;

	/*
	 * The copy faults with mmap_lock, which mmap() holds when it takes
	 * @lock: copying under @lock would order the two both ways.  Once
	 * set, @buf stays until release, which no read can overlap.
	 */
	mutex_lock(&um->lock);
	buf = um->buf;
	size = buf ? um->size : 0;
	mutex_unlock(&um->lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, size);
}

static int usermap_release(struct inode *inode, struct file *file)
{
	struct usermap *um = file->private_data;

	vfree(um->buf);
	kfree(um);
	return 0;
}

static const struct file_operations usermap_fops = {
	.owner		= THIS_MODULE,
	.open		= usermap_open,
	.mmap		= usermap_mmap,
	.read		= usermap_read,
	.release	= usermap_release,
	.llseek		= default_llseek,
};

/* What stays while the module is loaded. */
static void release_kept(void)
{
	struct consumer_req *req, *tmp;

	vfree(ring);
	ring = NULL;
	list_for_each_entry_safe(req, tmp, &kept_reqs, list)
		req_put(req);
	kmem_cache_destroy(req_cache);
	req_cache = NULL;
}

static int __init altmm_consumer_init(void)
{
	test_request_cache();
	test_kmalloc();
	test_pages();
	test_vmalloc();
	test_vmap();
	test_mempool_and_kernel_memory();
	self_check();
	release_held();

	pr_info("%u checks, %u failed\n", nr_checks, nr_failed);
	if (nr_failed) {
		release_kept();
		return -EINVAL;
	}
	debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	/*
	 * _unsafe: the full proxy of debugfs_create_file() has no mmap.  An
	 * open file pins the module (.owner), so the file outlives no fops.
	 */
	debugfs_create_file_unsafe("usermap", 0600, debugfs_dir, NULL, &usermap_fops);
	return 0;
}

static void __exit altmm_consumer_exit(void)
{
	debugfs_remove(debugfs_dir);
	release_kept();
}

module_init(altmm_consumer_init);
module_exit(altmm_consumer_exit);

MODULE_DESCRIPTION("Ordinary kernel code run on altmm through altmm_compat.h");
MODULE_LICENSE("GPL");
