// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches on altmm pages, in the design of the classic SLAB allocator
 * that the study notes describe (and that SLUB's per-CPU "sheaves" return
 * to): objects of one size come from per-CPU arrays, refilled from and
 * flushed to per-node lists of full, partial and free slabs in batches of
 * "batchcount"; a slab is a compound block from the page allocator whose
 * order gives a good number of objects for little waste; successive slabs
 * start their objects at different cache-line offsets ("colours") so that
 * objects of different slabs do not compete for the same cache sets; and
 * each slab keeps an array of the indices of its free objects.
 *
 * Node awareness: a CPU's array holds only objects of its own node, or,
 * when that node has no memory, of the nearest that has (numa_mem_id()).
 * Each node also keeps a shared array, which CPU arrays refill from and
 * flush to before the slab lists, and for each other node an alien
 * cache: a free of a remote object goes there, and a full one goes back
 * to its node in one batch (into that node's shared array first).  An
 * allocation for another node takes from that node's lists.  When the local node cannot
 * grow, an allocation that may fall back takes objects from the other
 * nodes, nearest first.
 *
 * Upkeep, as SLAB's: a reaper on every CPU (cache_reap()) empties its
 * node's alien caches and trims arrays (its own, its node's shared one)
 * that served no allocation for a while and a part of each node's free
 * slabs; a CPU that goes down gives its arrays' objects back
 * (slab_dead_cpu()).
 *
 * Bootstrap is staged as SLAB's is: the cache of caches (whose objects are
 * the caches) and the kmalloc class that holds node lists start with node
 * lists in static memory, then every other kmalloc class is created with
 * node lists from kmalloc, then the two static sets are moved into
 * kmalloc memory.
 *
 * Debugging (SLAB_RED_ZONE, SLAB_POISON, SLAB_STORE_USER, per cache or for
 * every cache with slab_debug=): red zones catch overruns and double
 * frees, poison catches writes after free, stored callers say who
 * allocated and freed.  Every free is checked to be an object of its
 * cache, at an object boundary; what fails is reported with the cache,
 * object, offset and bytes found, and refused.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/reciprocal_div.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "altmm_trace.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"

#define slab_err(cache, fmt, ...)					\
	pr_err("%s: slab %s: " fmt, (cache)->sys->name, (cache)->name,	\
	       ##__VA_ARGS__)

/*
 * slab_max_order=, as 6.1's boot parameter: slabs stay at or below it
 * unless no object fits.  -1 (the default) means 6.1's default: 1 for an
 * instance with more than 32 MiB managed, else 0.  Read when an instance
 * is created.
 */
static int slab_max_order = -1;

static int slab_max_order_set(const char *val, const struct kernel_param *kp)
{
	int order, ret;

	ret = kstrtoint(val, 0, &order);
	if (ret || order < -1 || order >= ALTMM_MAX_ORDER) {
		pr_err("altmm: slab_max_order=%s refused: an order 0..%d, or -1 for the default\n",
		       val, ALTMM_MAX_ORDER - 1);
		return -EINVAL;
	}
	WRITE_ONCE(slab_max_order, order);
	return 0;
}

static const struct kernel_param_ops slab_max_order_ops = {
	.set = slab_max_order_set,
	.get = param_get_int,
};
module_param_cb(slab_max_order, &slab_max_order_ops, &slab_max_order, 0644);
MODULE_PARM_DESC(slab_max_order, "Largest slab order used when a smaller one fits an object (6.1's slab_max_order=; -1: 1 above 32 MiB, else 0); instances created later");

static void count_stat(struct altmm_kmem_cache *cache, enum altmm_slab_stat item)
{
	this_cpu_inc(cache->stats->stat[item]);
}

/* The same with interrupts already off (the array and list sections). */
static void __count_stat(struct altmm_kmem_cache *cache, enum altmm_slab_stat item)
{
	__this_cpu_inc(cache->stats->stat[item]);
}

/**
 * altmm_cache_stat() - a cache's event count over every CPU
 * @cache: the cache
 * @item: the event
 *
 * Return: the racy sum.
 */
unsigned long altmm_cache_stat(struct altmm_kmem_cache *cache,
			       enum altmm_slab_stat item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(cache->stats, cpu)->stat[item];
	return sum;
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_stat, ALTMM_INTERNAL);

/* === Objects and slabs === */

static_assert(sizeof(struct altmm_slab) % sizeof(long) == 0,
	      "the header at a block's end must stay aligned");
static_assert(sizeof(struct altmm_slab) == 56 || BITS_PER_LONG == 32,
	      "ALTMM_SLAB_MAX_SIZE assumes a 56-byte header");

static u16 *slab_freelist(struct altmm_kmem_cache *cache, struct altmm_slab *slab)
{
	return altmm_slab_freelist(cache, slab);
}

/* Where an on-slab header goes: the last bytes of the block. */
static struct altmm_slab *slab_header(void *base, unsigned int order)
{
	return base + (PAGE_SIZE << order) - sizeof(struct altmm_slab);
}

/*
 * The head frame's descriptor points to the slab's header, wherever it
 * is (6.1 finds its struct slab in struct page): the frame is the slab
 * layer's while allocated, and its lru is the owner's to use.
 */
static void set_desc_slab(struct altmm_page *head, struct altmm_slab *slab)
{
	WRITE_ONCE(head->lru.next, (struct list_head *)slab);
}

static void *slot_of(struct altmm_kmem_cache *cache, struct altmm_slab *slab,
		     unsigned int idx)
{
	return slab->s_mem + idx * cache->size;
}

static void *obj_of(struct altmm_kmem_cache *cache, struct altmm_slab *slab,
		    unsigned int idx)
{
	return slot_of(cache, slab, idx) + cache->obj_offset;
}

static u64 *redzone1(struct altmm_kmem_cache *cache, void *obj)
{
	return obj - ALTMM_REDZONE_BYTES;
}

static u64 *redzone2(struct altmm_kmem_cache *cache, void *obj)
{
	return obj + ALIGN(cache->object_size, ALTMM_REDZONE_BYTES);
}

/* [0] who allocated, [1] who freed */
static unsigned long *track(struct altmm_kmem_cache *cache, void *obj)
{
	void *p = obj + ALIGN(cache->object_size, ALTMM_REDZONE_BYTES);

	if (cache->flags & SLAB_RED_ZONE)
		p += ALTMM_REDZONE_BYTES;
	return p;
}

/**
 * altmm_obj_to_cache() - the cache and slab an address belongs to
 * @sys: instance
 * @obj: any address
 * @slabp: set to the slab, if it is in one
 *
 * Context: any.
 * Return: the cache, or NULL if @obj is not in a slab of @sys.
 */
struct altmm_kmem_cache *altmm_obj_to_cache(struct altmm_system *sys,
					    const void *obj,
					    struct altmm_slab **slabp)
{
	struct altmm_page *d, *head;
	struct altmm_slab *slab;
	unsigned long pfn;

	if (!altmm_virt_to_pfn(sys, obj, &pfn))
		return NULL;
	d = altmm_pfn_to_desc(sys, pfn);
	head = d;
	if (test_bit(ALTMM_PG_tail, &d->flags))
		head = d - d->private;
	if (!test_bit(ALTMM_PG_slab, &head->flags))
		return NULL;
	slab = (struct altmm_slab *)READ_ONCE(head->lru.next);
	*slabp = slab;
	return READ_ONCE(slab->cache);
}
EXPORT_SYMBOL_NS_GPL(altmm_obj_to_cache, ALTMM_INTERNAL);

/* The index of @obj in @slab, or -1 if it is not on an object boundary. */
static int obj_index(struct altmm_kmem_cache *cache, struct altmm_slab *slab,
		     const void *obj)
{
	long off = obj - slab->s_mem - cache->obj_offset;
	u32 idx;

	/* A slab is at most 32 KiB: a multiply, not a division (as SLAB). */
	if (off < 0 || off >= (long)cache->num * cache->size)
		return -1;
	idx = reciprocal_divide(off, cache->reciprocal_size);
	if (idx * cache->size != off)
		return -1;
	return idx;
}

static void poison_obj(struct altmm_kmem_cache *cache, void *obj)
{
	memset(obj, POISON_FREE, cache->object_size - 1);
	((u8 *)obj)[cache->object_size - 1] = POISON_END;
}

static bool slab_init_on_alloc(struct altmm_kmem_cache *cache, gfp_t gfp)
{
	if (READ_ONCE(cache->sys->tune.init_on_alloc)) {
		if (cache->ctor)
			return false;
		if (cache->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON))
			return gfp & __GFP_ZERO;
		return true;
	}
	return gfp & __GFP_ZERO;
}

static bool slab_init_on_free(struct altmm_kmem_cache *cache)
{
	return READ_ONCE(cache->sys->tune.init_on_free) &&
	       !(cache->ctor || (cache->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)));
}

/* === Debug checks === */

static void report_bytes(struct altmm_kmem_cache *cache, void *obj,
			 const char *what, const void *at, size_t len)
{
	slab_err(cache, "%s in object %p at offset %ld: %*ph\n", what, obj,
		 (long)(at - obj), (int)min_t(size_t, len, 16), at);
	if (cache->flags & SLAB_STORE_USER)
		pr_err("%s: slab %s: object %p last allocated by %pS, freed by %pS\n",
		       cache->sys->name, cache->name, obj,
		       (void *)track(cache, obj)[0], (void *)track(cache, obj)[1]);
}

/* Poison intact?  A write after free shows here, at the next allocation. */
static void check_poison(struct altmm_kmem_cache *cache, void *obj)
{
	u8 *p = obj;
	size_t i, end = cache->object_size - 1;

	for (i = 0; i < end; i++)
		if (p[i] != POISON_FREE)
			break;
	if (i == end && p[end] == POISON_END)
		return;
	report_bytes(cache, obj, "poison overwritten (use after free?)",
		     p + min(i, end), end + 1 - min(i, end));
}

/* Called with the object about to be handed out. */
static void debug_alloc(struct altmm_kmem_cache *cache, void *obj,
			unsigned long caller)
{
	if (cache->flags & SLAB_POISON) {
		check_poison(cache, obj);
		if (cache->ctor)
			cache->ctor(obj);
	}
	if (cache->flags & SLAB_RED_ZONE) {
		if (*redzone1(cache, obj) != RED_INACTIVE ||
		    *redzone2(cache, obj) != RED_INACTIVE)
			report_bytes(cache, obj, "red zone of a free object overwritten",
				     *redzone1(cache, obj) != RED_INACTIVE ?
				     (void *)redzone1(cache, obj) :
				     (void *)redzone2(cache, obj), ALTMM_REDZONE_BYTES);
		*redzone1(cache, obj) = RED_ACTIVE;
		*redzone2(cache, obj) = RED_ACTIVE;
	}
	if (cache->flags & SLAB_STORE_USER)
		track(cache, obj)[0] = caller;
}

/* Return false (refuse the free) on a double free or a corrupted red zone. */
static bool debug_free(struct altmm_kmem_cache *cache, void *obj,
		       unsigned long caller)
{
	if (cache->flags & SLAB_RED_ZONE) {
		u64 r1 = *redzone1(cache, obj), r2 = *redzone2(cache, obj);

		if (r1 == RED_INACTIVE && r2 == RED_INACTIVE) {
			slab_err(cache, "double free of object %p by %pS\n", obj,
				 (void *)caller);
			if (cache->flags & SLAB_STORE_USER)
				pr_err("%s: slab %s: object %p already freed by %pS\n",
				       cache->sys->name, cache->name, obj,
				       (void *)track(cache, obj)[1]);
			return false;
		}
		if (r1 != RED_ACTIVE || r2 != RED_ACTIVE) {
			report_bytes(cache, obj, "red zone overwritten",
				     r1 != RED_ACTIVE ? (void *)redzone1(cache, obj) :
				     (void *)redzone2(cache, obj), ALTMM_REDZONE_BYTES);
			return false;
		}
		*redzone1(cache, obj) = RED_INACTIVE;
		*redzone2(cache, obj) = RED_INACTIVE;
	}
	if (cache->flags & SLAB_STORE_USER)
		track(cache, obj)[1] = caller;
	if (cache->flags & SLAB_POISON)
		poison_obj(cache, obj);
	return true;
}

/* === Slab lists === */

static struct altmm_kmem_cache_node *get_node(struct altmm_kmem_cache *cache,
					      int nid)
{
	return cache->node[nid];
}

/* Move @slab to the list its fill level says; list_lock held. */
static void fix_slab_list(struct altmm_kmem_cache *cache,
			  struct altmm_kmem_cache_node *n,
			  struct altmm_slab *slab, bool was_free)
{
	bool is_free = !slab->active;

	if (slab->active == cache->num)
		list_move(&slab->list, &n->slabs_full);
	else if (is_free)
		list_move(&slab->list, &n->slabs_free);
	else
		list_move(&slab->list, &n->slabs_partial);
	if (was_free != is_free)
		n->free_slabs += is_free ? 1 : -1;
}

static void *slab_get_obj(struct altmm_kmem_cache *cache, struct altmm_slab *slab)
{
	return obj_of(cache, slab, slab_freelist(cache, slab)[slab->active++]);
}

static void slab_put_obj(struct altmm_kmem_cache *cache, struct altmm_slab *slab,
			 void *obj)
{
	slab_freelist(cache, slab)[--slab->active] = obj_index(cache, slab, obj);
}

/* A slab with free objects on @n, partial ones first; list_lock held. */
static struct altmm_slab *get_first_slab(struct altmm_kmem_cache_node *n)
{
	struct altmm_slab *slab;

	slab = list_first_entry_or_null(&n->slabs_partial, struct altmm_slab, list);
	if (!slab)
		slab = list_first_entry_or_null(&n->slabs_free, struct altmm_slab, list);
	return slab;
}

/* === Growing and shrinking === */

static void slab_account(struct altmm_kmem_cache *cache, int nid, long pages)
{
	int item = (cache->flags & SLAB_RECLAIM_ACCOUNT) ?
		   ALTMM_NR_SLAB_RECLAIMABLE_B : ALTMM_NR_SLAB_UNRECLAIMABLE_B;

	atomic_long_add(pages << PAGE_SHIFT, &cache->sys->nodes[nid]->vm_stat[item]);
}

/* Give a slab's pages (and an off-slab header) back; the slab is on no list. */
static void free_slab_pages(struct altmm_kmem_cache *cache, struct altmm_slab *slab)
{
	struct altmm_system *sys = cache->sys;
	unsigned long pfn;

	altmm_virt_to_pfn(sys, altmm_slab_base(cache, slab), &pfn);
	__clear_bit(ALTMM_PG_slab, &altmm_pfn_to_desc(sys, pfn)->flags);
	slab_account(cache, slab->nid, -(1L << cache->order));
	count_stat(cache, ALTMM_SLAB_SHRINK);
	altmm_sys_free_pages(sys, altmm_pfn_to_host_page(sys, pfn), cache->order, true);
	if (cache->freelist_cache)
		altmm_cache_free(cache->freelist_cache, slab, _RET_IP_);
}

static void free_slab_rcu(struct rcu_head *head)
{
	struct altmm_slab *slab = container_of(head, struct altmm_slab, rcu);

	free_slab_pages(slab->cache, slab);
}

/* SLAB_TYPESAFE_BY_RCU: the memory stays a cache's until readers are gone. */
static void destroy_slab(struct altmm_kmem_cache *cache, struct altmm_slab *slab)
{
	if (cache->flags & SLAB_TYPESAFE_BY_RCU)
		call_rcu(&slab->rcu, free_slab_rcu);
	else
		free_slab_pages(cache, slab);
}

static void destroy_slab_list(struct altmm_kmem_cache *cache, struct list_head *list)
{
	struct altmm_slab *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, list, list) {
		list_del(&slab->list);
		destroy_slab(cache, slab);
	}
}

/*
 * Make a new slab on @nid (exactly there, or where the page allocator
 * puts it unless __GFP_THISNODE) and put it on its node's free list.
 * Runs in the caller's context with no slab lock held.
 */
static bool cache_grow(struct altmm_kmem_cache *cache, gfp_t gfp, int nid)
{
	struct altmm_system *sys = cache->sys;
	gfp_t page_gfp = (gfp & (ALTMM_GFP_RECLAIM_MASK | __GFP_THISNODE)) | cache->gfp |
			 __GFP_COMP | __GFP_NOWARN;
	struct altmm_kmem_cache_node *n;
	struct altmm_slab *slab;
	unsigned long flags, pfn;
	struct page *page;
	unsigned int i, colour;
	u16 *freelist;
	int page_nid;

	page = altmm_sys_alloc_pages(sys, page_gfp, cache->order, nid);
	if (!page)
		return false;
	altmm_host_page_to_pfn(sys, page, &pfn);
	page_nid = altmm_zone_nid(altmm_pfn_to_zone(sys, pfn));
	if (cache->freelist_cache) {
		/* alloc_slabmgmt() of an OFF_SLAB cache: on the slab's node if it can. */
		slab = __altmm_cache_alloc(cache->freelist_cache,
					   gfp & ALTMM_GFP_RECLAIM_MASK, page_nid, _RET_IP_);
		if (!slab) {
			altmm_sys_free_pages(sys, page, cache->order, true);
			return false;
		}
	} else {
		slab = slab_header(page_address(page), cache->order);
	}
	set_desc_slab(altmm_pfn_to_desc(sys, pfn), slab);
	__set_bit(ALTMM_PG_slab, &altmm_pfn_to_desc(sys, pfn)->flags);
	slab->cache = cache;
	slab->nid = page_nid;
	slab->active = 0;
	n = get_node(cache, slab->nid);

	spin_lock_irqsave(&n->list_lock, flags);
	colour = n->colour_next;
	if (++n->colour_next >= cache->colour)
		n->colour_next = 0;
	spin_unlock_irqrestore(&n->list_lock, flags);

	slab->s_mem = page_address(page) + colour * cache->colour_off;
	freelist = slab_freelist(cache, slab);
	for (i = 0; i < cache->num; i++) {
		void *obj = obj_of(cache, slab, i);

		freelist[i] = i;
		if (cache->flags & SLAB_RED_ZONE) {
			*redzone1(cache, obj) = RED_INACTIVE;
			*redzone2(cache, obj) = RED_INACTIVE;
		}
		if (cache->flags & SLAB_STORE_USER) {
			track(cache, obj)[0] = 0;
			track(cache, obj)[1] = 0;
		}
		/* Poisoned objects are constructed at allocation instead. */
		if (cache->flags & SLAB_POISON)
			poison_obj(cache, obj);
		else if (cache->ctor)
			cache->ctor(obj);
	}
	slab_account(cache, slab->nid, 1L << cache->order);
	count_stat(cache, ALTMM_SLAB_GROW);

	spin_lock_irqsave(&n->list_lock, flags);
	list_add_tail(&slab->list, &n->slabs_free);
	n->total_slabs++;
	n->free_slabs++;
	n->free_objects += cache->num;
	spin_unlock_irqrestore(&n->list_lock, flags);
	return true;
}

/*
 * Objects of node @nid back to their slabs; free slabs beyond the node's
 * free_limit are collected on @doomed for the caller to destroy outside
 * the lock.  A CPU's array holds only its own node's objects, and a
 * remote free passes one object, so one node lock covers a call.
 * Interrupts are off.
 */
static void __free_block(struct altmm_kmem_cache *cache, int nid, void **objs,
			 int nr, struct list_head *doomed)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);
	int i;

	lockdep_assert_held(&n->list_lock);
	for (i = 0; i < nr; i++) {
		struct altmm_slab *slab;
		bool was_free;

		altmm_obj_to_cache(cache->sys, objs[i], &slab);
		if (WARN_ON_ONCE(slab->nid != nid))
			continue;
		was_free = !slab->active;
		slab_put_obj(cache, slab, objs[i]);
		n->free_objects++;
		fix_slab_list(cache, n, slab, was_free);
	}
	while (n->free_objects > n->free_limit && !list_empty(&n->slabs_free)) {
		struct altmm_slab *slab = list_last_entry(&n->slabs_free,
							  struct altmm_slab, list);

		list_move(&slab->list, doomed);
		n->free_objects -= cache->num;
		n->total_slabs--;
		n->free_slabs--;
	}
}

/* The same, taking the node's lock. */
static void free_block(struct altmm_kmem_cache *cache, int nid, void **objs,
		       int nr, struct list_head *doomed)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);

	spin_lock(&n->list_lock);
	__free_block(cache, nid, objs, nr, doomed);
	spin_unlock(&n->list_lock);
}

/*
 * transfer_objects(): up to @max of the most recently added objects of
 * @from onto @to, as many as @to has room for; both arrays' locks (or
 * CPUs) held.  Return: how many moved.
 */
static unsigned int transfer_objects(struct altmm_array_cache *to,
				     struct altmm_array_cache *from,
				     unsigned int max)
{
	unsigned int nr = min3(from->avail, max, to->limit - to->avail);

	if (!nr)
		return 0;
	memcpy(to->entry + to->avail, from->entry + from->avail - nr,
	       nr * sizeof(void *));
	from->avail -= nr;
	to->avail += nr;
	return nr;
}

/*
 * __drain_alien_cache(): an alien cache's objects home to node @nid, its
 * shared array first, the rest to their slabs.  The alien cache's lock
 * (or the only user) is held, interrupts are off.
 */
static void drain_alien(struct altmm_kmem_cache *cache,
			struct altmm_array_cache *ac, int nid,
			struct list_head *doomed)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);

	if (!ac->avail)
		return;
	spin_lock(&n->list_lock);
	if (n->shared)
		transfer_objects(n->shared, ac, ac->limit);
	__free_block(cache, nid, ac->entry, ac->avail, doomed);
	ac->avail = 0;
	spin_unlock(&n->list_lock);
}

/*
 * Every alien cache of node @nid home, each under its lock; with @reap,
 * one whose lock is busy is left for the next pass (reap_alien()).
 * Interrupts are off.
 */
static void drain_aliens(struct altmm_kmem_cache *cache, int nid, bool reap,
			 struct list_head *doomed)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);
	int r;

	if (!n->alien)
		return;
	for (r = 0; r < cache->sys->layout.nr_nodes; r++) {
		struct altmm_alien_cache *alc = n->alien[r];

		if (!alc || !READ_ONCE(alc->ac.avail))
			continue;
		if (reap) {
			if (!spin_trylock(&alc->lock))
				continue;
		} else {
			spin_lock(&alc->lock);
		}
		drain_alien(cache, &alc->ac, r, doomed);
		spin_unlock(&alc->lock);
	}
}

/* Node @nid's shared array back to its slabs; interrupts are off. */
static void drain_shared(struct altmm_kmem_cache *cache, int nid,
			 struct list_head *doomed)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);

	if (!n->shared)
		return;
	spin_lock(&n->list_lock);
	__free_block(cache, nid, n->shared->entry, n->shared->avail, doomed);
	n->shared->avail = 0;
	spin_unlock(&n->list_lock);
}

/* === Allocation === */

/* Up to @want objects from @nid's lists into @objs; interrupts are off. */
static int take_from_node(struct altmm_kmem_cache *cache, int nid, void **objs,
			  int want)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);
	int got = 0;

	spin_lock(&n->list_lock);
	while (got < want) {
		struct altmm_slab *slab = get_first_slab(n);
		bool was_free;

		if (!slab)
			break;
		was_free = !slab->active;
		/* The reaper leaves this node's free slabs alone for a round. */
		if (was_free)
			n->free_touched = 1;
		while (got < want && slab->active < cache->num)
			objs[got++] = slab_get_obj(cache, slab);
		fix_slab_list(cache, n, slab, was_free);
	}
	n->free_objects -= got;
	spin_unlock(&n->list_lock);
	return got;
}

/*
 * cache_alloc_refill(): an empty CPU array takes a batch from its node's
 * shared array, or, when that is empty, from the node's slabs.
 * Interrupts are off.
 */
static void cache_refill(struct altmm_kmem_cache *cache,
			 struct altmm_array_cache *ac)
{
	struct altmm_kmem_cache_node *n = get_node(cache, ac->nid);
	unsigned int got = 0;

	if (n->shared) {
		spin_lock(&n->list_lock);
		got = transfer_objects(ac, n->shared, ac->batchcount);
		if (got)
			n->shared->touched = 1;
		spin_unlock(&n->list_lock);
	}
	if (!got)
		ac->avail = take_from_node(cache, ac->nid, ac->entry, ac->batchcount);
}

/* One object from @nid's lists, growing the node once if they are empty. */
static void *alloc_from_node(struct altmm_kmem_cache *cache, gfp_t gfp, int nid)
{
	unsigned long flags;
	void *obj;
	int got;

	for (;;) {
		local_irq_save(flags);
		got = take_from_node(cache, nid, &obj, 1);
		local_irq_restore(flags);
		if (got)
			return obj;
		if (!cache_grow(cache, gfp | __GFP_THISNODE, nid))
			return NULL;
	}
}

/* The local node is out: the other nodes, nearest first. */
static void *fallback_alloc(struct altmm_kmem_cache *cache, gfp_t gfp, int local)
{
	struct altmm_zonelist *zl =
		&cache->sys->nodes[local]->zonelists[ALTMM_ZONELIST_FALLBACK];
	unsigned long tried = BIT(local);
	struct altmm_zone *zone;
	void *obj;
	int i;

	for (i = 0; (zone = zl->zones[i]); i++) {
		int nid = altmm_zone_nid(zone);

		if (tried & BIT(nid))
			continue;
		tried |= BIT(nid);
		obj = alloc_from_node(cache, gfp, nid);
		if (obj)
			return obj;
	}
	return NULL;
}

/*
 * The CPU's array serves when no node is asked for or the one asked for
 * is the array's.  That is decided with interrupts off, on the CPU whose
 * array is used: a task moved to a CPU of another node between its call
 * and here must not take that CPU's objects for a __GFP_THISNODE request
 * (or any request for a node).
 */
static void *slab_alloc(struct altmm_kmem_cache *cache, gfp_t gfp, int nid)
{
	struct altmm_array_cache *ac;
	unsigned long flags;
	void *obj;
	int local;

	for (;;) {
		local_irq_save(flags);
		ac = this_cpu_ptr(cache->cpu_cache);
		if (unlikely(nid != NUMA_NO_NODE && nid != ac->nid)) {
			__count_stat(cache, ALTMM_SLAB_NODE_ALLOC);
			local_irq_restore(flags);
			obj = alloc_from_node(cache, gfp, nid);
			if (!obj && !(gfp & __GFP_THISNODE))
				obj = fallback_alloc(cache, gfp, nid);
			return obj;
		}
		if (likely(ac->avail)) {
			ac->touched = 1;
			obj = ac->entry[--ac->avail];
			__count_stat(cache, ALTMM_SLAB_ALLOC_FASTPATH);
			local_irq_restore(flags);
			return obj;
		}
		local = ac->nid;
		cache_refill(cache, ac);
		__count_stat(cache, ALTMM_SLAB_ALLOC_SLOWPATH);
		if (ac->avail) {
			ac->touched = 1;
			obj = ac->entry[--ac->avail];
			local_irq_restore(flags);
			return obj;
		}
		local_irq_restore(flags);
		if (!cache_grow(cache, gfp | __GFP_THISNODE, local))
			break;
	}
	return (gfp & __GFP_THISNODE) ? NULL : fallback_alloc(cache, gfp, local);
}

/* failslab's filters, then the common rules (fault.c). */
static bool should_failslab(struct altmm_kmem_cache *cache, gfp_t gfp)
{
	struct altmm_fault_attr *attr = &cache->sys->failslab;

	if (likely(!READ_ONCE(attr->probability)))
		return false;
	if (cache == &cache->sys->slab->cache_cache || (gfp & __GFP_NOFAIL))
		return false;
	if (READ_ONCE(attr->ignore_gfp_reclaim) && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	if (READ_ONCE(attr->cache_filter) && !READ_ONCE(cache->failslab))
		return false;
	return altmm_should_fail(cache->sys, attr, cache->object_size, gfp & __GFP_NOWARN);
}

/**
 * __altmm_cache_alloc() - an object from a cache, for a named caller
 * @cache: the cache
 * @gfp: the kernel's GFP mask; __GFP_ZERO zeroes, __GFP_THISNODE keeps to
 *	the node
 * @nid: preferred node, or NUMA_NO_NODE for the running CPU's (its
 *	nearest node with memory, if it has none)
 * @caller: the return address SLAB_STORE_USER records
 *
 * Context: any context @gfp allows.
 * Return: the object, or NULL.
 */
void *__altmm_cache_alloc(struct altmm_kmem_cache *cache, gfp_t gfp, int nid,
			  unsigned long caller)
{
	void *obj;

	might_sleep_if(gfp & __GFP_DIRECT_RECLAIM);
	if (unlikely(nid != NUMA_NO_NODE &&
		     (nid < 0 || nid >= cache->sys->layout.nr_nodes)))
		return NULL;
	if (unlikely(should_failslab(cache, gfp)))
		return NULL;
	obj = slab_alloc(cache, gfp, nid);
	if (unlikely(!obj))
		return NULL;
	if (cache->flags & ALTMM_SLAB_DEBUG_FLAGS)
		debug_alloc(cache, obj, caller);
	if (slab_init_on_alloc(cache, gfp))
		memset(obj, 0, cache->object_size);
	return obj;
}
EXPORT_SYMBOL_NS_GPL(__altmm_cache_alloc, ALTMM_INTERNAL);

/**
 * altmm_cache_alloc() - an object from a cache (kmem_cache_alloc_node())
 * @cache: the cache
 * @gfp: the kernel's GFP mask; __GFP_ZERO zeroes, __GFP_THISNODE keeps to
 *	the node
 * @nid: preferred node, or NUMA_NO_NODE for the running CPU's
 *
 * Context: any context @gfp allows.
 * Return: the object, or NULL.
 */
void *altmm_cache_alloc(struct altmm_kmem_cache *cache, gfp_t gfp, int nid)
{
	void *obj = __altmm_cache_alloc(cache, gfp, nid, _RET_IP_);

	trace_kmem_cache_alloc(_RET_IP_, obj, cache->object_size, cache->size, gfp, nid);
	return obj;
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_alloc, ALTMM_INTERNAL);

/* === Free === */

/*
 * cache_flusharray(): a full CPU array gives its oldest batch to its
 * node's shared array while that has room, else to the slabs.
 * Interrupts are off.
 */
static void cache_flusharray(struct altmm_kmem_cache *cache,
			     struct altmm_array_cache *ac, struct list_head *doomed)
{
	struct altmm_kmem_cache_node *n = get_node(cache, ac->nid);
	struct altmm_array_cache *shared = n->shared;
	unsigned int batch = ac->batchcount;

	spin_lock(&n->list_lock);
	if (shared && shared->avail < shared->limit) {
		batch = min(batch, shared->limit - shared->avail);
		memcpy(shared->entry + shared->avail, ac->entry, batch * sizeof(void *));
		shared->avail += batch;
	} else {
		__free_block(cache, ac->nid, ac->entry, batch, doomed);
	}
	spin_unlock(&n->list_lock);
	ac->avail -= batch;
	memmove(ac->entry, ac->entry + batch, ac->avail * sizeof(void *));
}

/*
 * cache_free_alien(): an object of node @nid freed on a CPU of another
 * goes to that CPU's node's alien cache for @nid, which goes home whole
 * when full.  Interrupts are off.
 */
static void free_alien(struct altmm_kmem_cache *cache, struct altmm_array_cache *ac,
		       void *obj, int nid, struct list_head *doomed)
{
	struct altmm_kmem_cache_node *n = get_node(cache, ac->nid);
	struct altmm_alien_cache *alc = n->alien ? n->alien[nid] : NULL;

	if (!alc) {
		free_block(cache, nid, &obj, 1, doomed);
		return;
	}
	spin_lock(&alc->lock);
	if (unlikely(alc->ac.avail >= alc->ac.limit))
		drain_alien(cache, &alc->ac, nid, doomed);
	alc->ac.entry[alc->ac.avail++] = obj;
	spin_unlock(&alc->lock);
}

static void free_local(struct altmm_kmem_cache *cache, void *obj, int nid)
{
	struct altmm_array_cache *ac;
	unsigned long flags;
	LIST_HEAD(doomed);

	local_irq_save(flags);
	ac = this_cpu_ptr(cache->cpu_cache);
	if (nid != ac->nid) {
		free_alien(cache, ac, obj, nid, &doomed);
		__count_stat(cache, ALTMM_SLAB_FREE_SLOWPATH);
	} else {
		if (unlikely(ac->avail >= ac->limit)) {
			cache_flusharray(cache, ac, &doomed);
			__count_stat(cache, ALTMM_SLAB_FREE_SLOWPATH);
		} else {
			__count_stat(cache, ALTMM_SLAB_FREE_FASTPATH);
		}
		ac->entry[ac->avail++] = obj;
	}
	local_irq_restore(flags);
	destroy_slab_list(cache, &doomed);
}

/**
 * altmm_cache_free() - give an object back (kmem_cache_free())
 * @cache: its cache
 * @obj: the object, or NULL
 * @caller: who frees, for the report and SLAB_STORE_USER
 *
 * A pointer that is not an object of @cache, not at an object boundary,
 * freed twice or with a damaged red zone (the last two with SLAB_RED_ZONE)
 * is reported and refused.
 *
 * Context: any.
 * Return: 0, or -EINVAL if refused.
 */
int altmm_cache_free(struct altmm_kmem_cache *cache, void *obj,
		     unsigned long caller)
{
	struct altmm_kmem_cache *owner;
	struct altmm_slab *slab;

	if (unlikely(!obj))
		return 0;
	owner = altmm_obj_to_cache(cache->sys, obj, &slab);
	if (unlikely(owner != cache)) {
		slab_err(cache, "free of %p by %pS refused: %s\n", obj, (void *)caller,
			 owner ? "it belongs to another cache" : "not a slab object");
		if (owner)
			pr_err("%s: slab %s: %p is in cache %s\n", cache->sys->name,
			       cache->name, obj, owner->name);
		count_stat(cache, ALTMM_SLAB_DEBUG_REFUSED);
		return -EINVAL;
	}
	if (unlikely(obj_index(cache, slab, obj) < 0)) {
		slab_err(cache, "free of %p by %pS refused: not the start of an object (offset %ld in a slot of %u bytes)\n",
			 obj, (void *)caller,
			 (long)((obj - slab->s_mem - cache->obj_offset) % cache->size),
			 cache->size);
		count_stat(cache, ALTMM_SLAB_DEBUG_REFUSED);
		return -EINVAL;
	}
	if (unlikely(cache->flags & ALTMM_SLAB_DEBUG_FLAGS) &&
	    !debug_free(cache, obj, caller)) {
		count_stat(cache, ALTMM_SLAB_DEBUG_REFUSED);
		return -EINVAL;
	}
	if (slab_init_on_free(cache))
		memset(obj, 0, cache->object_size);
	free_local(cache, obj, slab->nid);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_free, ALTMM_INTERNAL);

/**
 * altmm_cache_alloc_bulk() - @nr objects, or none (kmem_cache_alloc_bulk())
 * @cache: the cache
 * @gfp: the kernel's GFP mask
 * @nr: how many
 * @p: where to put them
 *
 * Context: any context @gfp allows.
 * Return: @nr, or 0 with nothing allocated.
 */
int altmm_cache_alloc_bulk(struct altmm_kmem_cache *cache, gfp_t gfp,
			   size_t nr, void **p)
{
	return __altmm_cache_alloc_bulk(cache, gfp, nr, p, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_alloc_bulk, ALTMM_INTERNAL);

/**
 * __altmm_cache_alloc_bulk() - altmm_cache_alloc_bulk() for a named caller
 * @cache: the cache
 * @gfp: the kernel's GFP mask
 * @nr: how many
 * @p: where to put them
 * @caller: the return address SLAB_STORE_USER records
 *
 * Context: any context @gfp allows.
 * Return: @nr, or 0 with nothing allocated.
 */
int __altmm_cache_alloc_bulk(struct altmm_kmem_cache *cache, gfp_t gfp,
			     size_t nr, void **p, unsigned long caller)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		p[i] = __altmm_cache_alloc(cache, gfp, NUMA_NO_NODE, caller);
		if (!p[i]) {
			__altmm_cache_free_bulk(cache, i, p, caller);
			return 0;
		}
	}
	return nr;
}
EXPORT_SYMBOL_NS_GPL(__altmm_cache_alloc_bulk, ALTMM_INTERNAL);

/**
 * altmm_cache_free_bulk() - free an array of objects (kmem_cache_free_bulk())
 * @cache: their cache
 * @nr: how many
 * @p: the objects
 *
 * Context: any.
 */
void altmm_cache_free_bulk(struct altmm_kmem_cache *cache, size_t nr, void **p)
{
	__altmm_cache_free_bulk(cache, nr, p, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_free_bulk, ALTMM_INTERNAL);

/**
 * __altmm_cache_free_bulk() - altmm_cache_free_bulk() for a named caller
 * @cache: their cache
 * @nr: how many
 * @p: the objects
 * @caller: who frees, for the report and SLAB_STORE_USER
 *
 * Context: any.
 */
void __altmm_cache_free_bulk(struct altmm_kmem_cache *cache, size_t nr, void **p,
			     unsigned long caller)
{
	size_t i;

	for (i = 0; i < nr; i++)
		altmm_cache_free(cache, p[i], caller);
}
EXPORT_SYMBOL_NS_GPL(__altmm_cache_free_bulk, ALTMM_INTERNAL);

/* === Draining and shrinking === */

static void drain_array(struct altmm_kmem_cache *cache, struct altmm_array_cache *ac)
{
	LIST_HEAD(doomed);

	free_block(cache, ac->nid, ac->entry, ac->avail, &doomed);
	ac->avail = 0;
	/* In interrupt context: destroying frees pages, which is fine here. */
	destroy_slab_list(cache, &doomed);
}

static void drain_cpu(void *arg)
{
	struct altmm_kmem_cache *cache = arg;

	drain_array(cache, this_cpu_ptr(cache->cpu_cache));
}

/*
 * Every CPU's array back to the slabs.  The hotplug lock keeps offline
 * CPUs offline: their arrays were emptied when they died, and are
 * drained here too in case one died before its cache was listed.
 */
static void drain_all_arrays(struct altmm_kmem_cache *cache)
{
	unsigned long flags;
	int cpu;

	int nid;

	/* Called under cpus_read_lock() (not exported to assert it). */
	on_each_cpu(drain_cpu, cache, 1);
	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu))
			continue;
		local_irq_save(flags);
		drain_array(cache, per_cpu_ptr(cache->cpu_cache, cpu));
		local_irq_restore(flags);
	}
	/* Aliens first: they go home into the shared arrays. */
	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++) {
		LIST_HEAD(doomed);

		local_irq_save(flags);
		drain_aliens(cache, nid, false, &doomed);
		local_irq_restore(flags);
		destroy_slab_list(cache, &doomed);
	}
	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++) {
		LIST_HEAD(doomed);

		local_irq_save(flags);
		drain_shared(cache, nid, &doomed);
		local_irq_restore(flags);
		destroy_slab_list(cache, &doomed);
	}
}

static unsigned long free_empty_slabs(struct altmm_kmem_cache *cache, int only_nid)
{
	unsigned long flags, freed = 0;
	int nid;

	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++) {
		struct altmm_kmem_cache_node *n = get_node(cache, nid);
		LIST_HEAD(doomed);

		if (only_nid != NUMA_NO_NODE && nid != only_nid)
			continue;
		spin_lock_irqsave(&n->list_lock, flags);
		list_splice_init(&n->slabs_free, &doomed);
		n->free_objects -= n->free_slabs * cache->num;
		n->total_slabs -= n->free_slabs;
		freed += n->free_slabs << cache->order;
		n->free_slabs = 0;
		spin_unlock_irqrestore(&n->list_lock, flags);
		destroy_slab_list(cache, &doomed);
	}
	return freed;
}

/**
 * altmm_cache_shared_avail() - objects in a cache's shared arrays
 * @cache: the cache
 *
 * Context: any.
 * Return: the sum over its nodes (slabinfo's sharedavail).
 */
unsigned long altmm_cache_shared_avail(struct altmm_kmem_cache *cache)
{
	unsigned long sum = 0, flags;
	int nid;

	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++) {
		struct altmm_kmem_cache_node *n = get_node(cache, nid);

		if (!n->shared)
			continue;
		spin_lock_irqsave(&n->list_lock, flags);
		sum += n->shared->avail;
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	return sum;
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_shared_avail, ALTMM_INTERNAL);

/**
 * altmm_cache_shrink() - drain the CPU, shared and alien arrays, free
 *	every empty slab
 * @cache: the cache
 *
 * Context: process context (interrupts on: it runs on every CPU).
 * Return: frames given back to the page allocator.
 */
unsigned long altmm_cache_shrink(struct altmm_kmem_cache *cache)
{
	cpus_read_lock();
	drain_all_arrays(cache);
	cpus_read_unlock();
	return free_empty_slabs(cache, NUMA_NO_NODE);
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_shrink, ALTMM_INTERNAL);

/**
 * altmm_cache_counts() - what slabinfo shows of a cache
 * @cache: the cache
 * @active_objs: objects handed out (objects in CPU arrays count, as SLAB's)
 * @num_objs: objects in all slabs
 * @active_slabs: slabs with an object handed out
 * @num_slabs: slabs
 * @cpu_objs: objects in CPU arrays
 *
 * Context: any.
 */
void altmm_cache_counts(struct altmm_kmem_cache *cache, unsigned long *active_objs,
			unsigned long *num_objs, unsigned long *active_slabs,
			unsigned long *num_slabs, unsigned long *cpu_objs)
{
	unsigned long slabs = 0, free_slabs = 0, free_objs = 0, flags;
	int nid, cpu;

	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++) {
		struct altmm_kmem_cache_node *n = get_node(cache, nid);

		spin_lock_irqsave(&n->list_lock, flags);
		slabs += n->total_slabs;
		free_slabs += n->free_slabs;
		free_objs += n->free_objects;
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	*num_slabs = slabs;
	*active_slabs = slabs - free_slabs;
	*num_objs = slabs * cache->num;
	*active_objs = *num_objs - free_objs;
	*cpu_objs = 0;
	for_each_possible_cpu(cpu) {
		struct altmm_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);

		*cpu_objs += READ_ONCE(ac->avail);
	}
}
EXPORT_SYMBOL_NS_GPL(altmm_cache_counts, ALTMM_INTERNAL);

/* === The reaper (cache_reap()) and CPU hotplug === */

/*
 * drain_array(): an array that served no allocation since the last pass
 * gives a fifth of its capacity back to the slabs (half of what it holds
 * when that is less); a touched one is spared once.  Interrupts are off,
 * on @ac's CPU.
 */
static void reap_array(struct altmm_kmem_cache *cache, struct altmm_array_cache *ac,
		       bool locked, struct list_head *doomed)
{
	unsigned int tofree;

	if (!ac->avail)
		return;
	if (ac->touched) {
		ac->touched = 0;
		return;
	}
	tofree = (ac->limit + 4) / 5;
	if (tofree > ac->avail)
		tofree = (ac->avail + 1) / 2;
	if (locked)
		__free_block(cache, ac->nid, ac->entry, tofree, doomed);
	else
		free_block(cache, ac->nid, ac->entry, tofree, doomed);
	ac->avail -= tofree;
	memmove(ac->entry, ac->entry + tofree, ac->avail * sizeof(void *));
}

/* drain_freelist(): up to @tofree of @nid's free slabs go back to the pages. */
static unsigned long drain_free_slabs(struct altmm_kmem_cache *cache, int nid,
				      unsigned long tofree)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);
	unsigned long freed = 0;
	LIST_HEAD(doomed);

	spin_lock_irq(&n->list_lock);
	while (freed < tofree && !list_empty(&n->slabs_free)) {
		list_move(n->slabs_free.prev, &doomed);
		n->free_objects -= cache->num;
		n->total_slabs--;
		n->free_slabs--;
		freed++;
	}
	spin_unlock_irq(&n->list_lock);
	destroy_slab_list(cache, &doomed);
	return freed;
}

/**
 * altmm_slab_reap() - one pass of the reaper on the running CPU (cache_reap())
 * @sys: instance
 *
 * For every cache: the alien caches of the running CPU's node go home;
 * the CPU's array, if untouched since the last pass, gives back a fifth
 * of its limit; and at most every ALTMM_SLAB_REAP_NODE_INTERVAL, the
 * node's shared array does the same, and the node gives back a fifth of
 * its free_limit in free slabs, unless a free slab was taken since the
 * last time.  The instance's reaper works call it every
 * ALTMM_SLAB_REAP_INTERVAL on each CPU; a busy slab mutex skips a pass.
 *
 * Context: process context.
 */
void altmm_slab_reap(struct altmm_system *sys)
{
	struct altmm_slab_state *st = sys->slab;
	struct altmm_kmem_cache *cache;

	if (!mutex_trylock(&st->mutex))
		return;
	list_for_each_entry(cache, &st->caches, list) {
		struct altmm_kmem_cache_node *n;
		LIST_HEAD(doomed);
		int nid;

		local_irq_disable();
		nid = this_cpu_ptr(cache->cpu_cache)->nid;
		drain_aliens(cache, nid, true, &doomed);
		reap_array(cache, this_cpu_ptr(cache->cpu_cache), false, &doomed);
		local_irq_enable();
		destroy_slab_list(cache, &doomed);

		/* Racy reads: a pass skipped or repeated does no harm. */
		n = get_node(cache, nid);
		if (time_after(READ_ONCE(n->next_reap), jiffies))
			goto next;
		WRITE_ONCE(n->next_reap, jiffies + ALTMM_SLAB_REAP_NODE_INTERVAL);
		if (n->shared) {
			spin_lock_irq(&n->list_lock);
			reap_array(cache, n->shared, true, &doomed);
			spin_unlock_irq(&n->list_lock);
			destroy_slab_list(cache, &doomed);
		}
		if (READ_ONCE(n->free_touched))
			WRITE_ONCE(n->free_touched, 0);
		else
			drain_free_slabs(cache, nid,
					 DIV_ROUND_UP(n->free_limit, 5 * cache->num));
next:
		cond_resched();
	}
	mutex_unlock(&st->mutex);
}
EXPORT_SYMBOL_NS_GPL(altmm_slab_reap, ALTMM_INTERNAL);

static void reap_work(struct work_struct *w)
{
	struct altmm_slab_reaper *r = container_of(to_delayed_work(w),
						   struct altmm_slab_reaper, work);
	struct altmm_slab_state *st = r->sys->slab;

	/*
	 * A work whose CPU went down runs on another: that CPU's arrays are
	 * not its to trim, and it stops until its CPU comes back
	 * (altmm_slab_cpu_prepare()).
	 */
	if (raw_smp_processor_id() == r->cpu)
		altmm_slab_reap(r->sys);
	if (!READ_ONCE(st->reap_stop) && cpu_online(r->cpu))
		schedule_delayed_work_on(r->cpu, &r->work,
					 round_jiffies_relative(ALTMM_SLAB_REAP_INTERVAL));
}

/* start_cpu_timer(): the first pass about a second away, spread by CPU. */
static void start_reaper(struct altmm_slab_state *st, unsigned int cpu)
{
	mod_delayed_work_on(cpu, system_wq, &per_cpu_ptr(st->reaper, cpu)->work,
			    __round_jiffies_relative(HZ, cpu));
}

/* CPUs whose arrays hold @nid's objects, counting @extra as one of them. */
static unsigned int node_cpus(struct altmm_system *sys, int nid, int extra)
{
	unsigned int cpus = 0, cpu;

	for_each_possible_cpu(cpu)
		if ((cpu_online(cpu) || (int)cpu == extra) &&
		    sys->slab->mem_node[sys->layout.cpu_node[cpu]] == nid)
			cpus++;
	return cpus;
}

/* 6.1's free_limit: one batch per CPU of the node, one more, and a slab. */
static void set_free_limit(struct altmm_kmem_cache *cache, int nid, int extra)
{
	struct altmm_kmem_cache_node *n = get_node(cache, nid);

	spin_lock_irq(&n->list_lock);
	n->free_limit = (1 + node_cpus(cache->sys, nid, extra)) * cache->batchcount +
			cache->num;
	spin_unlock_irq(&n->list_lock);
}

/* The slab state, if bootstrap is over and teardown has not begun. */
static struct altmm_slab_state *hotplug_state(struct altmm_system *sys)
{
	struct altmm_slab_state *st = READ_ONCE(sys->slab);

	return st && READ_ONCE(st->up) == 3 ? st : NULL;
}

/**
 * altmm_slab_cpu_prepare() - a CPU is coming up (slab_prepare_cpu())
 * @sys: instance
 * @cpu: the CPU
 *
 * Its node's free_limit grows by a batch, and its reaper is started.
 *
 * Context: the CPU-hotplug prepare stage, hotplug lock held.
 */
void altmm_slab_cpu_prepare(struct altmm_system *sys, unsigned int cpu)
{
	struct altmm_slab_state *st = hotplug_state(sys);
	struct altmm_kmem_cache *cache;
	int nid;

	if (!st)
		return;
	nid = st->mem_node[sys->layout.cpu_node[cpu]];
	mutex_lock(&st->mutex);
	list_for_each_entry(cache, &st->caches, list)
		set_free_limit(cache, nid, cpu);
	mutex_unlock(&st->mutex);
	start_reaper(st, cpu);
}

/**
 * altmm_slab_cpu_dead() - a CPU is gone (slab_dead_cpu())
 * @sys: instance
 * @cpu: the dead CPU
 *
 * The objects in its arrays go back to their slabs, its node's alien
 * caches go home (and its shared array back to the slabs when no CPU of
 * the node is left), its node's free_limit shrinks by a batch, and the node's free slabs go back to
 * the page allocator, as 6.1's cpuup_canceled() does.  Without this
 * the objects would be stranded, and a cache destroyed later would
 * report them leaked.
 *
 * Context: the CPU-hotplug teardown, on another CPU, hotplug lock held.
 */
void altmm_slab_cpu_dead(struct altmm_system *sys, unsigned int cpu)
{
	struct altmm_slab_state *st = hotplug_state(sys);
	struct altmm_kmem_cache *cache;

	if (!st)
		return;
	mutex_lock(&st->mutex);
	list_for_each_entry(cache, &st->caches, list) {
		struct altmm_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);
		LIST_HEAD(doomed);

		/* Its CPU is dead: nothing else touches the array now. */
		local_irq_disable();
		free_block(cache, ac->nid, ac->entry, ac->avail, &doomed);
		ac->avail = 0;
		ac->touched = 0;
		/* What it freed of other nodes goes home now, not at the next reap. */
		drain_aliens(cache, ac->nid, false, &doomed);
		/* The last CPU of its node: no one is left to take from the shared array. */
		if (!node_cpus(sys, ac->nid, -1))
			drain_shared(cache, ac->nid, &doomed);
		local_irq_enable();
		destroy_slab_list(cache, &doomed);
		set_free_limit(cache, ac->nid, -1);
		drain_free_slabs(cache, ac->nid, ULONG_MAX);
	}
	mutex_unlock(&st->mutex);
}
EXPORT_SYMBOL_NS_GPL(altmm_slab_cpu_dead, ALTMM_INTERNAL);

static unsigned long slab_shrinker_count(struct altmm_shrinker *s,
					 struct altmm_shrink_control *sc)
{
	struct altmm_system *sys = s->private;
	struct altmm_kmem_cache *cache;
	unsigned long count = 0;

	/*
	 * Trylock: reclaim can run inside cache creation, which allocates
	 * with the mutex held; a busy mutex just means "nothing now".
	 */
	if (!mutex_trylock(&sys->slab->mutex))
		return 0;
	list_for_each_entry(cache, &sys->slab->caches, list)
		count += READ_ONCE(get_node(cache, sc->nid)->free_slabs) << cache->order;
	mutex_unlock(&sys->slab->mutex);
	return count;
}

static unsigned long slab_shrinker_scan(struct altmm_shrinker *s,
					struct altmm_shrink_control *sc)
{
	struct altmm_system *sys = s->private;
	struct altmm_kmem_cache *cache;
	unsigned long freed = 0;

	if (!mutex_trylock(&sys->slab->mutex))
		return 0;
	list_for_each_entry(cache, &sys->slab->caches, list) {
		freed += free_empty_slabs(cache, sc->nid);
		if (freed >= sc->nr_to_scan)
			break;
	}
	mutex_unlock(&sys->slab->mutex);
	sc->nr_scanned = freed;
	return freed;
}

/* === Creating caches === */

static unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
					unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = cache_line_size();

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max_t(unsigned int, align, ARCH_SLAB_MINALIGN);
	return ALIGN(align, sizeof(void *));
}

/*
 * Objects in a slab of @order, the management bytes at its end and the
 * bytes left over; 0 if none fit.  Off the slab, the header and index
 * array take no room in it.
 */
static unsigned int cache_estimate(struct altmm_kmem_cache *cache,
				   unsigned int order, bool off_slab,
				   unsigned int *mgmt, unsigned int *left)
{
	unsigned int bytes = PAGE_SIZE << order, num;

	if (off_slab) {
		num = bytes / cache->size;
		*mgmt = 0;
		*left = bytes - num * cache->size;
		return num;
	}
	num = (bytes - sizeof(struct altmm_slab)) / (cache->size + sizeof(u16));
	if (num > ALTMM_SLAB_OBJ_MAX_NUM)
		return num;
	for (; num; num--) {
		*mgmt = sizeof(struct altmm_slab) + num * sizeof(u16);
		if (*mgmt + num * cache->size <= bytes)
			break;
	}
	if (num)
		*left = bytes - *mgmt - num * cache->size;
	return num;
}

static struct altmm_kmem_cache *freelist_class(struct altmm_kmem_cache *cache,
					       unsigned int num);

/*
 * As 6.1's calculate_slab_order(): the first order that fits an object,
 * then larger ones while the waste is above 1/8 of the slab, up to the
 * instance's slab_max_order; reclaimable caches take the first that fits.
 */
static unsigned int calculate_slab_order(struct altmm_kmem_cache *cache,
					 bool off_slab)
{
	unsigned int max_order = cache->sys->slab->max_order;
	unsigned int order, num, mgmt, left = 0;

	cache->num = 0;
	cache->freelist_cache = NULL;
	for (order = 0; order <= max(max_order, ALTMM_SLAB_MAX_ORDER); order++) {
		struct altmm_kmem_cache *fl = NULL;

		num = cache_estimate(cache, order, off_slab, &mgmt, &left);
		if (!num)
			continue;
		if (num > ALTMM_SLAB_OBJ_MAX_NUM)
			break;
		if (off_slab) {
			fl = freelist_class(cache, num);
			if (!fl)
				continue;
		}
		cache->freelist_cache = fl;
		cache->num = num;
		cache->order = order;
		cache->mgmt_size = mgmt;
		cache->colour = left / cache->colour_off;
		if (cache->flags & SLAB_RECLAIM_ACCOUNT)
			break;
		if (order >= max_order)
			break;
		if (left * 8 <= (PAGE_SIZE << order))
			break;
	}
	return left;
}

/*
 * The kmalloc class for the header and @num indices of an off-slab
 * slab, as 6.1's calculate_slab_order() picks it: one that exists, is
 * itself on-slab (growing it must not need another header from it), and
 * is at most half the object size, or the move saves nothing.
 */
static struct altmm_kmem_cache *freelist_class(struct altmm_kmem_cache *cache,
					       unsigned int num)
{
	struct altmm_slab_state *st = cache->sys->slab;
	int index = altmm_kmalloc_index(sizeof(struct altmm_slab) + num * sizeof(u16));
	struct altmm_kmem_cache *fl;

	if (index <= 0 || st->up < 2)
		return NULL;
	fl = st->kmalloc[ALTMM_KMALLOC_NORMAL][index];
	if (!fl || fl->freelist_cache || fl->size > cache->size / 2)
		return NULL;
	return fl;
}

/*
 * set_off_slab_cache() then set_on_slab_cache(): off the slab when a
 * kmalloc class can hold the header and indices and they would not fit
 * in the bytes left over anyway; on it otherwise.
 */
static int choose_layout(struct altmm_kmem_cache *cache)
{
	unsigned int left;

	left = calculate_slab_order(cache, true);
	if (cache->num && left < sizeof(struct altmm_slab) + cache->num * sizeof(u16)) {
		cache->colour = left / cache->colour_off;
		return 0;
	}
	calculate_slab_order(cache, false);
	return cache->num ? 0 : -E2BIG;
}

/* enable_cpucache(): how many objects a CPU keeps, by object size. */
static void cpucache_limits(struct altmm_kmem_cache *cache)
{
	if (cache->size > 131072)
		cache->limit = 1;
	else if (cache->size > PAGE_SIZE)
		cache->limit = 8;
	else if (cache->size > 1024)
		cache->limit = 24;
	else if (cache->size > 256)
		cache->limit = 54;
	else
		cache->limit = 120;
	cache->batchcount = (cache->limit + 1) / 2;
	/*
	 * 6.1 shares objects on a node when there is more than one CPU to
	 * share them; altmm also when the instance has more than one node,
	 * as alien caches then bring objects home to a node's shared array.
	 */
	cache->shared = 0;
	if (cache->size <= PAGE_SIZE &&
	    (num_possible_cpus() > 1 || cache->sys->layout.nr_nodes > 1))
		cache->shared = 8;
}

static struct altmm_array_cache *alloc_array(unsigned int limit,
					     unsigned int batch, int nid)
{
	struct altmm_array_cache *ac;

	ac = kzalloc(struct_size(ac, entry, limit), GFP_KERNEL);
	if (ac) {
		ac->limit = limit;
		ac->batchcount = batch;
		ac->nid = nid;
	}
	return ac;
}

/* A node's shared array and alien caches: host memory, as the CPU arrays. */
static void free_node_arrays(struct altmm_kmem_cache *cache,
			     struct altmm_kmem_cache_node *n)
{
	int r;

	if (!n)
		return;
	kfree(n->shared);
	n->shared = NULL;
	if (n->alien)
		for (r = 0; r < cache->sys->layout.nr_nodes; r++)
			kfree(n->alien[r]);
	kfree(n->alien);
	n->alien = NULL;
}

static int alloc_node_arrays(struct altmm_kmem_cache *cache, int nid,
			     struct altmm_kmem_cache_node *n)
{
	struct altmm_system *sys = cache->sys;
	int r;

	n->shared = NULL;
	n->alien = NULL;
	if (cache->shared) {
		n->shared = alloc_array(cache->shared * cache->batchcount,
					cache->batchcount, nid);
		if (!n->shared)
			return -ENOMEM;
	}
	if (sys->layout.nr_nodes < 2)
		return 0;
	n->alien = kcalloc(sys->layout.nr_nodes, sizeof(*n->alien), GFP_KERNEL);
	if (!n->alien)
		return -ENOMEM;
	for (r = 0; r < sys->layout.nr_nodes; r++) {
		struct altmm_alien_cache *alc;

		if (r == nid)
			continue;
		alc = kzalloc(struct_size(alc, ac.entry,
					  ALTMM_SLAB_ALIEN_LIMIT), GFP_KERNEL);
		if (!alc)
			return -ENOMEM;
		spin_lock_init(&alc->lock);
		alc->ac.limit = cache->limit > 1 ? ALTMM_SLAB_ALIEN_LIMIT : 1;
		alc->ac.batchcount = alc->ac.limit;
		alc->ac.nid = r;
		n->alien[r] = alc;
	}
	return 0;
}

static int node_init(struct altmm_kmem_cache *cache, int nid,
		     struct altmm_kmem_cache_node *n)
{
	if (!n) {
		n = altmm_sys_kmalloc(cache->sys, sizeof(*n), GFP_KERNEL, nid, _RET_IP_);
		if (!n)
			return -ENOMEM;
	}
	spin_lock_init(&n->list_lock);
	INIT_LIST_HEAD(&n->slabs_full);
	INIT_LIST_HEAD(&n->slabs_partial);
	INIT_LIST_HEAD(&n->slabs_free);
	n->total_slabs = 0;
	n->free_slabs = 0;
	n->free_objects = 0;
	n->colour_next = 0;
	n->free_touched = 0;
	/* Nodes of different caches reaped at different times, as 6.1's. */
	n->next_reap = jiffies + ALTMM_SLAB_REAP_NODE_INTERVAL +
		       (unsigned long)cache % ALTMM_SLAB_REAP_NODE_INTERVAL;
	n->free_limit = (1 + node_cpus(cache->sys, nid, -1)) * cache->batchcount +
			cache->num;
	cache->node[nid] = n;
	return alloc_node_arrays(cache, nid, n);
}

/* Fill in a cache's geometry and per-CPU/per-node parts. */
static int setup_cache(struct altmm_kmem_cache *cache, struct altmm_system *sys,
		       const char *name, unsigned int size, unsigned int align,
		       slab_flags_t flags, void (*ctor)(void *),
		       struct altmm_kmem_cache_node *boot)
{
	unsigned int slot;
	int nid, cpu, ret;

	cache->sys = sys;
	cache->name = name;
	cache->object_size = size;
	cache->flags = flags;
	cache->ctor = ctor;
	cache->refcount = 1;
	cache->align = calculate_alignment(flags, align, size);
	cache->obj_offset = 0;
	slot = ALIGN(size, sizeof(void *));
	if (flags & SLAB_RED_ZONE) {
		cache->obj_offset = ALIGN(ALTMM_REDZONE_BYTES, cache->align);
		slot = cache->obj_offset + ALIGN(size, ALTMM_REDZONE_BYTES) +
		       ALTMM_REDZONE_BYTES;
	}
	if (flags & SLAB_STORE_USER)
		slot = ALIGN(slot, sizeof(unsigned long)) + 2 * sizeof(unsigned long);
	cache->size = ALIGN(slot, cache->align);
	cache->colour_off = max_t(unsigned int, cache_line_size(), cache->align);

	cache->gfp = 0;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		cache->gfp |= __GFP_RECLAIMABLE;
	if (flags & (SLAB_CACHE_DMA | ALTMM_CFLGS_DMA))
		cache->gfp |= __GFP_DMA;
	else if (flags & SLAB_CACHE_DMA32)
		cache->gfp |= __GFP_DMA32;

	ret = choose_layout(cache);
	if (ret)
		return ret;
	cache->reciprocal_size = reciprocal_value(cache->size);
	cpucache_limits(cache);

	cache->cpu_cache = __alloc_percpu(sizeof(struct altmm_array_cache) +
					  cache->limit * sizeof(void *), sizeof(void *));
	cache->stats = alloc_percpu(struct altmm_slab_stats);
	if (!cache->cpu_cache || !cache->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct altmm_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);

		ac->limit = cache->limit;
		ac->batchcount = cache->batchcount;
		ac->nid = sys->slab->mem_node[sys->layout.cpu_node[cpu]];
	}
	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		ret = node_init(cache, nid, boot ? &boot[nid] : NULL);
		if (ret)
			return ret;
	}
	return 0;
}

static void release_cache_parts(struct altmm_kmem_cache *cache, bool nodes)
{
	int nid;

	free_percpu(cache->cpu_cache);
	free_percpu(cache->stats);
	cache->cpu_cache = NULL;
	cache->stats = NULL;
	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++)
		free_node_arrays(cache, cache->node[nid]);
	for (nid = 0; nodes && nid < cache->sys->layout.nr_nodes; nid++)
		altmm_sys_kfree(cache->sys, cache->node[nid], _RET_IP_);
}

static struct altmm_kmem_cache *find_mergeable(struct altmm_system *sys,
					       const char *name)
{
	struct altmm_kmem_cache *cache;

	/* A cache whose destroy was refused keeps its slabs, not its name. */
	list_for_each_entry(cache, &sys->slab->caches, list)
		if (cache->refcount > 0 && !strcmp(cache->name, name))
			return cache;
	return NULL;
}

static struct altmm_kmem_cache *cache_create(struct altmm_system *sys,
					     const char *name,
					     unsigned int size,
					     unsigned int align,
					     slab_flags_t flags,
					     void (*ctor)(void *),
					     struct altmm_kmem_cache_node *boot);

/**
 * altmm_sys_cache_create() - a new cache (kmem_cache_create())
 * @sys: instance
 * @name: shown in slabinfo; copied
 * @size: object size, 1..ALTMM_SLAB_MAX_SIZE (32704: one object with its
 *	index and the slab header in an order-3 slab; debug fields must fit
 *	too)
 * @align: minimum alignment (0 for the architecture's)
 * @flags: SLAB_HWCACHE_ALIGN, SLAB_TYPESAFE_BY_RCU, SLAB_RECLAIM_ACCOUNT,
 *	SLAB_POISON, SLAB_RED_ZONE, SLAB_STORE_USER, SLAB_ACCOUNT (accepted,
 *	no memcg), SLAB_CACHE_DMA, SLAB_CACHE_DMA32, SLAB_PANIC (ignored)
 * @ctor: run once per object lifetime, or NULL
 *
 * A cache with the name of an existing one is refused; the slab_debug
 * module parameter adds its debug flags to every cache.
 *
 * Context: process context, may sleep.
 * Return: the cache, or NULL (logged) for bad arguments or no memory.
 */
struct altmm_kmem_cache *altmm_sys_cache_create(struct altmm_system *sys,
						const char *name,
						unsigned int size,
						unsigned int align,
						slab_flags_t flags,
						void (*ctor)(void *))
{
	return cache_create(sys, name, size, align, flags, ctor, NULL);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_cache_create, ALTMM_INTERNAL);

/**
 * altmm_create_boot_cache() - a kmalloc class, during bootstrap
 * @sys: instance
 * @name: a string that outlives the instance
 * @size: object size
 * @flags: SLAB_* and ALTMM_CFLGS_*
 * @boot: static node lists to use, or NULL to take them from kmalloc
 *
 * Context: slab bootstrap.
 * Return: the cache, or NULL.
 */
struct altmm_kmem_cache *altmm_create_boot_cache(struct altmm_system *sys,
						 const char *name,
						 unsigned int size,
						 slab_flags_t flags,
						 struct altmm_kmem_cache_node *boot)
{
	/* As create_boot_cache(): kmalloc(2^n) is aligned to 2^n. */
	unsigned int align = is_power_of_2(size) ? size : ARCH_KMALLOC_MINALIGN;

	return cache_create(sys, name, size, align, flags, NULL, boot);
}

static struct altmm_kmem_cache *cache_create(struct altmm_system *sys,
					     const char *name,
					     unsigned int size,
					     unsigned int align,
					     slab_flags_t flags,
					     void (*ctor)(void *),
					     struct altmm_kmem_cache_node *boot)
{
	struct altmm_kmem_cache *cache = NULL;
	const char *why = NULL;
	const char *copy = NULL;
	int ret;

	if (!name || !*name)
		why = "no name";
	else if (!size || size > ALTMM_SLAB_MAX_SIZE)
		why = "size out of range";
	else if (align & (align - 1))
		why = "alignment not a power of two";
	else if (flags & ~(ALTMM_SLAB_CREATE_MASK | ALTMM_CFLGS_KMALLOC | ALTMM_CFLGS_DMA))
		why = "unknown flags";
	if (why) {
		pr_err("%s: kmem_cache_create(%s, %u, %u, %#x): %s\n", sys->name,
		       name ?: "(null)", size, align, (__force unsigned int)flags, why);
		return NULL;
	}

	flags |= READ_ONCE(sys->tune.slab_debug) & ALTMM_SLAB_DEBUG_FLAGS;
	/* Poisoning would break the type stability RCU readers rely on. */
	if (flags & SLAB_TYPESAFE_BY_RCU)
		flags &= ~SLAB_POISON;

	mutex_lock(&sys->slab->mutex);
	if (find_mergeable(sys, name)) {
		pr_err("%s: kmem_cache_create(%s): a cache of that name exists\n",
		       sys->name, name);
		goto out;
	}
	copy = kstrdup_const(name, GFP_KERNEL);
	cache = altmm_cache_alloc(&sys->slab->cache_cache, GFP_KERNEL | __GFP_ZERO,
				  NUMA_NO_NODE);
	if (!copy || !cache)
		goto fail;
	ret = setup_cache(cache, sys, copy, size, align, flags, ctor, boot);
	if (ret)
		goto fail_parts;
	list_add_tail(&cache->list, &sys->slab->caches);
	altmm_slab_notify_added(cache);
out:
	mutex_unlock(&sys->slab->mutex);
	return cache;

fail_parts:
	release_cache_parts(cache, !boot);
	if (ret == -E2BIG)
		why = "with its debug fields, an object does not fit an order-3 slab";
fail:
	pr_err("%s: kmem_cache_create(%s, %u): %s\n", sys->name, name, size,
	       why ?: "no memory");
	if (cache)
		altmm_cache_free(&sys->slab->cache_cache, cache, _RET_IP_);
	kfree_const(copy);
	cache = NULL;
	goto out;
}

/* Report every object still allocated; false if there was one. */
static bool report_leaks(struct altmm_kmem_cache *cache)
{
	unsigned long flags, leaked = 0;
	unsigned long *free_map;
	int nid;

	free_map = bitmap_zalloc(cache->num, GFP_KERNEL);
	if (!free_map)
		return false;
	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++) {
		struct altmm_kmem_cache_node *n = get_node(cache, nid);
		struct list_head *lists[] = { &n->slabs_partial, &n->slabs_full };
		struct altmm_slab *slab;
		unsigned int l, i;

		spin_lock_irqsave(&n->list_lock, flags);
		for (l = 0; l < ARRAY_SIZE(lists); l++) {
			list_for_each_entry(slab, lists[l], list) {
				bitmap_zero(free_map, cache->num);
				for (i = slab->active; i < cache->num; i++)
					__set_bit(slab_freelist(cache, slab)[i], free_map);
				for (i = 0; i < cache->num; i++) {
					void *obj = obj_of(cache, slab, i);

					if (test_bit(i, free_map))
						continue;
					leaked++;
					if (cache->flags & SLAB_STORE_USER)
						slab_err(cache, "object %p leaked, allocated by %pS\n",
							 obj, (void *)track(cache, obj)[0]);
					else
						slab_err(cache, "object %p leaked\n", obj);
				}
			}
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	bitmap_free(free_map);
	if (leaked)
		slab_err(cache, "destroyed with %lu objects still allocated; their slabs are kept\n",
			 leaked);
	return !leaked;
}

/**
 * altmm_sys_cache_destroy() - destroy a cache (kmem_cache_destroy())
 * @cache: the cache, or NULL
 *
 * Objects still allocated are each reported, and their slabs (and the
 * cache's own structure, which they point to) are kept, never freed under
 * a user; the cache stays in slabinfo, its name free for a new cache, and
 * a later call tries again.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY when objects were still allocated.
 */
int altmm_sys_cache_destroy(struct altmm_kmem_cache *cache)
{
	struct altmm_system *sys;
	int nid;

	if (!cache)
		return 0;
	sys = cache->sys;
	/* As 6.1's kmem_cache_destroy(): the hotplug lock, then the mutex. */
	cpus_read_lock();
	mutex_lock(&sys->slab->mutex);
	/* A refused destroy left it at 0: try again, the objects may be back. */
	if (cache->refcount > 0 && --cache->refcount)
		goto out;
	drain_all_arrays(cache);
	free_empty_slabs(cache, NUMA_NO_NODE);
	if (!report_leaks(cache)) {
		/* It stays listed, so slabinfo shows what is left. */
		mutex_unlock(&sys->slab->mutex);
		cpus_read_unlock();
		return -EBUSY;
	}
	altmm_slab_notify_removed(cache);
	list_del(&cache->list);
	if (cache->flags & SLAB_TYPESAFE_BY_RCU)
		rcu_barrier();
	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		free_node_arrays(cache, cache->node[nid]);
		altmm_sys_kfree(sys, cache->node[nid], _RET_IP_);
	}
	free_percpu(cache->cpu_cache);
	free_percpu(cache->stats);
	kfree_const(cache->name);
	altmm_cache_free(&sys->slab->cache_cache, cache, _RET_IP_);
out:
	mutex_unlock(&sys->slab->mutex);
	cpus_read_unlock();
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_cache_destroy, ALTMM_INTERNAL);

/* === Bootstrap and teardown === */

/* Move a cache's static node lists into kmalloc memory. */
static int move_boot_nodes(struct altmm_kmem_cache *cache)
{
	int nid;

	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++) {
		struct altmm_kmem_cache_node *old = cache->node[nid], *n;

		n = altmm_sys_kmalloc(cache->sys, sizeof(*n), GFP_KERNEL, nid, _RET_IP_);
		if (!n)
			return -ENOMEM;
		memcpy(n, old, sizeof(*n));
		spin_lock_init(&n->list_lock);
		list_replace_init(&old->slabs_full, &n->slabs_full);
		list_replace_init(&old->slabs_partial, &n->slabs_partial);
		list_replace_init(&old->slabs_free, &n->slabs_free);
		if (list_empty(&n->slabs_full))
			INIT_LIST_HEAD(&n->slabs_full);
		if (list_empty(&n->slabs_partial))
			INIT_LIST_HEAD(&n->slabs_partial);
		if (list_empty(&n->slabs_free))
			INIT_LIST_HEAD(&n->slabs_free);
		WRITE_ONCE(cache->node[nid], n);
	}
	return 0;
}

/*
 * numa_mem_id() of every node: a node without memory takes its objects
 * from the first node of its zonelist that has kernel memory.
 */
static void set_mem_nodes(struct altmm_system *sys, struct altmm_slab_state *st)
{
	int nid, i;

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		struct altmm_zonelist *zl =
			&sys->nodes[nid]->zonelists[ALTMM_ZONELIST_FALLBACK];
		struct altmm_zone *zone;

		st->mem_node[nid] = nid;
		for (i = 0; (zone = zl->zones[i]); i++) {
			if (zone->type <= ALTMM_ZONE_NORMAL) {
				st->mem_node[nid] = altmm_zone_nid(zone);
				break;
			}
		}
	}
}

/* 6.1 raises slab_max_order to 1 on machines with more than 32 MiB. */
static unsigned int default_max_order(struct altmm_system *sys)
{
	int order = READ_ONCE(slab_max_order);
	unsigned long managed = 0;
	struct altmm_zone *zone;
	int nid, zt;

	if (order >= 0)
		return order;
	for_each_altmm_populated_zone(sys, zone, nid, zt)
		managed += altmm_zone_managed(zone);
	return managed > (SZ_32M >> PAGE_SHIFT) ? 1 : 0;
}

/**
 * altmm_slab_init() - an instance's slab layer and kmalloc classes
 * @sys: instance whose page allocator is ready
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int altmm_slab_init(struct altmm_system *sys)
{
	struct altmm_slab_state *st;
	int ret, cpu;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	mutex_init(&st->mutex);
	INIT_LIST_HEAD(&st->caches);
	set_mem_nodes(sys, st);
	st->max_order = default_max_order(sys);
	st->reaper = alloc_percpu(struct altmm_slab_reaper);
	if (!st->reaper) {
		kfree(st);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct altmm_slab_reaper *r = per_cpu_ptr(st->reaper, cpu);

		INIT_DEFERRABLE_WORK(&r->work, reap_work);
		r->sys = sys;
		r->cpu = cpu;
	}
	sys->slab = st;

	/* Stage 1: the cache of caches, with static node lists. */
	ret = setup_cache(&st->cache_cache, sys, "kmem_cache",
			  sizeof(struct altmm_kmem_cache), 0, SLAB_HWCACHE_ALIGN,
			  NULL, st->boot_node);
	if (ret)
		return ret;
	list_add(&st->cache_cache.list, &st->caches);
	st->up = 1;

	/* Stage 2: kmalloc, the node-list class first with static lists. */
	ret = altmm_kmalloc_init(sys);
	if (ret)
		return ret;

	/* Stage 3: the static lists move into slab memory. */
	ret = move_boot_nodes(&st->cache_cache);
	if (!ret)
		ret = move_boot_nodes(st->kmalloc[ALTMM_KMALLOC_NORMAL]
				      [altmm_kmalloc_index(sizeof(struct altmm_kmem_cache_node))]);
	if (ret)
		return ret;

	/* From here on CPU hotplug drains and limits the caches, and reaps. */
	cpus_read_lock();
	WRITE_ONCE(st->up, 3);
	for_each_online_cpu(cpu)
		start_reaper(st, cpu);
	cpus_read_unlock();

	st->shrinker = (struct altmm_shrinker){
		.count = slab_shrinker_count, .scan = slab_shrinker_scan,
		.name = "slab", .private = sys,
	};
	return altmm_sys_register_shrinker(sys, &st->shrinker);
}

/**
 * altmm_slab_exit() - forget the slab layer of an instance being torn down
 * @sys: instance; its pages are about to go back to the host
 *
 * Caches still alive belong to users that are gone (the instance is
 * going); their memory is in the arena and leaves with it.  Only host
 * memory (per-CPU arrays, names) is freed here.
 */
void altmm_slab_exit(struct altmm_system *sys)
{
	struct altmm_slab_state *st = sys->slab;
	struct altmm_kmem_cache *cache;
	struct { void *base; unsigned int order; } *pages;
	unsigned long nr = 0, max = 0, i;
	int nid, cpu;

	if (!st)
		return;
	/* CPU hotplug sees no slab layer from here on; the reapers stop. */
	cpus_read_lock();
	WRITE_ONCE(sys->slab, NULL);
	cpus_read_unlock();
	WRITE_ONCE(st->reap_stop, true);
	for_each_possible_cpu(cpu)
		cancel_delayed_work_sync(&per_cpu_ptr(st->reaper, cpu)->work);
	free_percpu(st->reaper);
	if (st->shrinker.count)
		altmm_sys_unregister_shrinker(sys, &st->shrinker);
	rcu_barrier();	/* RCU-deferred slab frees touch the arena */

	/*
	 * Every slab of every cache goes back to the page allocator, the
	 * slabs holding the caches and their node lists included, so the
	 * slabs are listed first and freed after the last cache is read.
	 */
	list_for_each_entry(cache, &st->caches, list)
		for (nid = 0; nid < sys->layout.nr_nodes; nid++)
			if (cache->node[nid])
				max += cache->node[nid]->total_slabs;
	pages = kvmalloc_array(max, sizeof(*pages), GFP_KERNEL);
	list_for_each_entry(cache, &st->caches, list) {
		for (nid = 0; pages && nid < sys->layout.nr_nodes; nid++) {
			struct altmm_kmem_cache_node *n = cache->node[nid];
			struct list_head *lists[] = { &n->slabs_full, &n->slabs_partial,
						      &n->slabs_free };
			struct altmm_slab *slab;
			unsigned int l;

			for (l = 0; l < ARRAY_SIZE(lists); l++)
				list_for_each_entry(slab, lists[l], list)
					if (nr < max) {
						pages[nr].base = altmm_slab_base(cache, slab);
						pages[nr++].order = cache->order;
					}
		}
		for (nid = 0; nid < sys->layout.nr_nodes; nid++)
			free_node_arrays(cache, cache->node[nid]);
		free_percpu(cache->cpu_cache);
		free_percpu(cache->stats);
		if (cache != &st->cache_cache)
			kfree_const(cache->name);
	}
	for (i = 0; i < nr; i++) {
		unsigned long pfn;

		altmm_virt_to_pfn(sys, pages[i].base, &pfn);
		__clear_bit(ALTMM_PG_slab, &altmm_pfn_to_desc(sys, pfn)->flags);
		altmm_sys_free_pages(sys, altmm_pfn_to_host_page(sys, pfn),
				     pages[i].order, true);
	}
	kvfree(pages);
	kfree(st);
}
