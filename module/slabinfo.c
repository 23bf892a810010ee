// SPDX-License-Identifier: GPL-2.0
/*
 * What an instance shows of its slab caches under debugfs:
 *
 *   slabinfo         /proc/slabinfo as 6.1 prints it (mm/slab_common.c
 *                    cache_show()), "slabinfo - version: 2.1", one line per
 *                    cache, newest first as the kernel's slab_caches list
 *                    is walked; so slabtop reads it when it is bind-mounted
 *                    over /proc/slabinfo.
 *   slab/<cache>/    a directory per cache with the files of SLUB's
 *                    /sys/kernel/slab/<cache>/ that mean something here,
 *                    in their format, and altmm's own event counters.
 *
 * The tunables columns are SLAB's, because altmm's caches are SLAB's
 * design: limit and batchcount of the per-CPU arrays as enable_cpucache()
 * sizes them, the sharedfactor (a node's shared array holds that many
 * batches), and as sharedavail the objects in the shared arrays of all
 * nodes, as get_slabinfo() sums them.  active_objs counts the objects in
 * per-CPU, shared and alien arrays as handed out, as SLAB's does.
 *
 * Caches are created and destroyed at run time: these files register an
 * &struct altmm_slab_observer with the slab layer, which calls it with the
 * instance's slab mutex held, and the directory of each cache lives
 * exactly as long as the cache is listed.  The slab layer knows nothing
 * of these files.
 *
 * Locking: the slabinfo file walks the cache list under the slab mutex,
 * then takes each node's list_lock (the module's order: mutex before any
 * spinlock).  The per-cache files take only list_locks, never the mutex:
 * a cache's directory is removed under the mutex, and debugfs waits for
 * the readers of its files, which therefore must not wait for the mutex.
 * For the same reason slabinfo itself is not under slab/ (slab/ is
 * removed under the mutex), and counters are read once, racily, as
 * /proc/slabinfo and sysfs read them.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/build_bug.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "mmzone.h"
#include "slab.h"
#include "slabinfo.h"

/* === slabinfo === */

/* print_slabinfo_header() of a kernel without CONFIG_DEBUG_SLAB */
static void print_slabinfo_header(struct seq_file *m)
{
	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	seq_putc(m, '\n');
}

static void cache_show(struct seq_file *m, struct altmm_kmem_cache *cache)
{
	unsigned long active_objs, num_objs, active_slabs, num_slabs, cpu_objs;

	altmm_cache_counts(cache, &active_objs, &num_objs, &active_slabs,
			   &num_slabs, &cpu_objs);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", cache->name, active_objs,
		   num_objs, cache->size, cache->num, 1 << cache->order);
	seq_printf(m, " : tunables %4u %4u %4u", cache->limit, cache->batchcount,
		   cache->shared);
	seq_printf(m, " : slabdata %6lu %6lu %6lu", active_slabs, num_slabs,
		   altmm_cache_shared_avail(cache));
	seq_putc(m, '\n');
}

/*
 * The kernel adds a cache at the head of slab_caches and prints from the
 * head; altmm adds at the tail, so the walk goes backwards.  The header
 * is the start token.
 */
static void *slabinfo_start(struct seq_file *m, loff_t *pos)
{
	struct altmm_slab_state *st = ((struct altmm_system *)m->private)->slab;
	struct list_head *p;
	loff_t n = *pos;

	mutex_lock(&st->mutex);
	if (!n)
		return SEQ_START_TOKEN;
	list_for_each_prev(p, &st->caches)
		if (!--n)
			return p;
	return NULL;
}

static void *slabinfo_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct altmm_slab_state *st = ((struct altmm_system *)m->private)->slab;
	struct list_head *p = v == SEQ_START_TOKEN ? &st->caches : v;

	++*pos;
	p = p->prev;
	return p == &st->caches ? NULL : p;
}

static void slabinfo_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&((struct altmm_system *)m->private)->slab->mutex);
}

static int slabinfo_show(struct seq_file *m, void *v)
{
	if (v == SEQ_START_TOKEN)
		print_slabinfo_header(m);
	else
		cache_show(m, list_entry(v, struct altmm_kmem_cache, list));
	return 0;
}

static const struct seq_operations slabinfo_sops = {
	.start	= slabinfo_start,
	.next	= slabinfo_next,
	.stop	= slabinfo_stop,
	.show	= slabinfo_show,
};
DEFINE_SEQ_ATTRIBUTE(slabinfo);

/* === slab/<cache>/ === */

/**
 * altmm_slabinfo_partial() - count a node's partial slabs of a cache
 * @cache: the cache
 * @nid: the node
 * @p: filled with the slabs on the partial list and the objects handed out
 *	from them
 *
 * Context: any; takes the node's list_lock.
 */
void altmm_slabinfo_partial(struct altmm_kmem_cache *cache, int nid,
			    struct altmm_slab_partial *p)
{
	struct altmm_kmem_cache_node *n = READ_ONCE(cache->node[nid]);
	struct altmm_slab *slab;
	unsigned long flags;

	p->slabs = 0;
	p->objects = 0;
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->slabs_partial, list) {
		p->slabs++;
		p->objects += slab->active;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
}

/* What a per-node file counts, as SLUB's show_slab_objects() flags do. */
enum node_count {
	NODE_OBJECTS,		/* objects: handed out */
	NODE_TOTAL_OBJECTS,	/* total_objects: in all slabs */
	NODE_SLABS,		/* slabs */
	NODE_PARTIAL,		/* partial: slabs on the partial list */
	NODE_OBJECTS_PARTIAL,	/* objects_partial: handed out from those */
};

static unsigned long node_count(struct altmm_kmem_cache *cache, int nid,
				enum node_count what)
{
	struct altmm_kmem_cache_node *n = READ_ONCE(cache->node[nid]);
	struct altmm_slab_partial p;
	unsigned long slabs, free, flags;

	if (what == NODE_PARTIAL || what == NODE_OBJECTS_PARTIAL) {
		altmm_slabinfo_partial(cache, nid, &p);
		return what == NODE_PARTIAL ? p.slabs : p.objects;
	}
	spin_lock_irqsave(&n->list_lock, flags);
	slabs = n->total_slabs;
	free = n->free_objects;
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (what == NODE_SLABS)
		return slabs;
	if (what == NODE_TOTAL_OBJECTS)
		return slabs * cache->num;
	return slabs * cache->num - free;
}

/* The cache of a per-cache file. */
static struct altmm_kmem_cache *cache_of(struct seq_file *m)
{
	return m->private;
}

/* "<total> N<node>=<count> ...", nodes with nothing left out, as SLUB prints. */
static int show_nodes(struct seq_file *m, enum node_count what)
{
	struct altmm_kmem_cache *cache = cache_of(m);
	unsigned long count[ALTMM_MAX_NUMNODES], total = 0;
	int nid, nr_nodes = cache->sys->layout.nr_nodes;

	for (nid = 0; nid < nr_nodes; nid++) {
		count[nid] = node_count(cache, nid, what);
		total += count[nid];
	}
	seq_printf(m, "%lu", total);
	for (nid = 0; nid < nr_nodes; nid++)
		if (count[nid])
			seq_printf(m, " N%d=%lu", nid, count[nid]);
	seq_putc(m, '\n');
	return 0;
}

typedef unsigned long (*cpu_count_fn)(struct altmm_kmem_cache *cache, int cpu,
				      int item);

/* "<total> C<cpu>=<count> ...", CPUs with nothing left out, as SLUB's show_stat(). */
static int show_per_cpu(struct seq_file *m, cpu_count_fn get, int item)
{
	struct altmm_kmem_cache *cache = cache_of(m);
	unsigned long total = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		total += get(cache, cpu, item);
	seq_printf(m, "%lu", total);
	for_each_possible_cpu(cpu) {
		unsigned long x = get(cache, cpu, item);

		if (x)
			seq_printf(m, " C%d=%lu", cpu, x);
	}
	seq_putc(m, '\n');
	return 0;
}

static unsigned long cpu_avail(struct altmm_kmem_cache *cache, int cpu, int unused)
{
	return READ_ONCE(per_cpu_ptr(cache->cpu_cache, cpu)->avail);
}

static unsigned long cpu_stat(struct altmm_kmem_cache *cache, int cpu, int item)
{
	return READ_ONCE(per_cpu_ptr(cache->stats, cpu)->stat[item]);
}

/* One file: its show function, with the cache as m->private, and its fops. */
#define SLAB_ATTR(_name, _body)						\
static int attr_##_name##_show(struct seq_file *m, void *v)		\
{									\
	_body;								\
	return 0;							\
}									\
DEFINE_SHOW_ATTRIBUTE(attr_##_name)

#define SLAB_ATTR_FLAG(_name, _flags) \
	SLAB_ATTR(_name, seq_printf(m, "%d\n", !!(cache_of(m)->flags & (_flags))))
#define SLAB_ATTR_NODES(_name, _what) \
	SLAB_ATTR(_name, show_nodes(m, _what))
#define SLAB_ATTR_STAT(_name, _item) \
	SLAB_ATTR(_name, show_per_cpu(m, cpu_stat, _item))

SLAB_ATTR(object_size, seq_printf(m, "%u\n", cache_of(m)->object_size));
SLAB_ATTR(slab_size, seq_printf(m, "%u\n", cache_of(m)->size));
SLAB_ATTR(objs_per_slab, seq_printf(m, "%u\n", cache_of(m)->num));
SLAB_ATTR(order, seq_printf(m, "%u\n", cache_of(m)->order));
SLAB_ATTR(align, seq_printf(m, "%u\n", cache_of(m)->align));
SLAB_ATTR(limit, seq_printf(m, "%u\n", cache_of(m)->limit));
SLAB_ATTR(batchcount, seq_printf(m, "%u\n", cache_of(m)->batchcount));

/* SLUB prints nothing at all for a cache without a constructor. */
static int attr_ctor_show(struct seq_file *m, void *v)
{
	if (cache_of(m)->ctor)
		seq_printf(m, "%pS\n", cache_of(m)->ctor);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(attr_ctor);

SLAB_ATTR_NODES(objects, NODE_OBJECTS);
SLAB_ATTR_NODES(total_objects, NODE_TOTAL_OBJECTS);
SLAB_ATTR_NODES(slabs, NODE_SLABS);
SLAB_ATTR_NODES(partial, NODE_PARTIAL);
SLAB_ATTR_NODES(objects_partial, NODE_OBJECTS_PARTIAL);
SLAB_ATTR(cpu_objects, show_per_cpu(m, cpu_avail, 0));
SLAB_ATTR_FLAG(reclaim_account, SLAB_RECLAIM_ACCOUNT);
SLAB_ATTR_FLAG(hwcache_align, SLAB_HWCACHE_ALIGN);
SLAB_ATTR_FLAG(cache_dma, SLAB_CACHE_DMA | ALTMM_CFLGS_DMA);
SLAB_ATTR_FLAG(destroy_by_rcu, SLAB_TYPESAFE_BY_RCU);
SLAB_ATTR_FLAG(red_zone, SLAB_RED_ZONE);
SLAB_ATTR_FLAG(poison, SLAB_POISON);
SLAB_ATTR_FLAG(store_user, SLAB_STORE_USER);
SLAB_ATTR_STAT(alloc_fastpath, ALTMM_SLAB_ALLOC_FASTPATH);
SLAB_ATTR_STAT(alloc_slowpath, ALTMM_SLAB_ALLOC_SLOWPATH);
SLAB_ATTR_STAT(free_fastpath, ALTMM_SLAB_FREE_FASTPATH);
SLAB_ATTR_STAT(free_slowpath, ALTMM_SLAB_FREE_SLOWPATH);
SLAB_ATTR_STAT(grow, ALTMM_SLAB_GROW);
SLAB_ATTR_STAT(shrink, ALTMM_SLAB_SHRINK);
SLAB_ATTR_STAT(node_alloc, ALTMM_SLAB_NODE_ALLOC);
SLAB_ATTR_STAT(debug_refused, ALTMM_SLAB_DEBUG_REFUSED);

/*
 * SLUB's failslab file: 1 when failslab's cache-filter picks the cache.
 * SLUB takes a first byte of '1' for yes and anything else for no; here
 * anything kstrtobool() does not know is refused.
 */
static int attr_failslab_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", READ_ONCE(cache_of(m)->failslab));
	return 0;
}

static int attr_failslab_open(struct inode *inode, struct file *file)
{
	return single_open(file, attr_failslab_show, inode->i_private);
}

static ssize_t attr_failslab_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct altmm_kmem_cache *cache = ((struct seq_file *)file->private_data)->private;
	bool val;

	if (kstrtobool_from_user(ubuf, count, &val)) {
		pr_warn("%s: slab/%s/failslab: write refused: 0 or 1\n",
			cache->sys->name, cache->name);
		return -EINVAL;
	}
	WRITE_ONCE(cache->failslab, val);
	return count;
}

static const struct file_operations attr_failslab_rw_fops = {
	.owner		= THIS_MODULE,
	.open		= attr_failslab_open,
	.read		= seq_read,
	.write		= attr_failslab_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

struct slab_file {
	const char *name;
	const struct file_operations *fops;
};

#define SLAB_FILE(_name)	{ #_name, &attr_##_name##_fops }

static const struct slab_file cache_files[] = {
	SLAB_FILE(object_size), SLAB_FILE(slab_size), SLAB_FILE(objs_per_slab),
	SLAB_FILE(order), SLAB_FILE(align), SLAB_FILE(limit),
	SLAB_FILE(batchcount), SLAB_FILE(ctor), SLAB_FILE(objects),
	SLAB_FILE(total_objects), SLAB_FILE(slabs), SLAB_FILE(partial),
	SLAB_FILE(objects_partial), SLAB_FILE(cpu_objects),
	SLAB_FILE(reclaim_account), SLAB_FILE(hwcache_align),
	SLAB_FILE(cache_dma), SLAB_FILE(destroy_by_rcu), SLAB_FILE(red_zone),
	SLAB_FILE(poison), SLAB_FILE(store_user),
};

/* The event counters, by enum altmm_slab_stat. */
static const struct slab_file stat_files[] = {
	[ALTMM_SLAB_ALLOC_FASTPATH]	= SLAB_FILE(alloc_fastpath),
	[ALTMM_SLAB_ALLOC_SLOWPATH]	= SLAB_FILE(alloc_slowpath),
	[ALTMM_SLAB_FREE_FASTPATH]	= SLAB_FILE(free_fastpath),
	[ALTMM_SLAB_FREE_SLOWPATH]	= SLAB_FILE(free_slowpath),
	[ALTMM_SLAB_GROW]		= SLAB_FILE(grow),
	[ALTMM_SLAB_SHRINK]		= SLAB_FILE(shrink),
	[ALTMM_SLAB_NODE_ALLOC]		= SLAB_FILE(node_alloc),
	[ALTMM_SLAB_DEBUG_REFUSED]	= SLAB_FILE(debug_refused),
};

static_assert(ARRAY_SIZE(stat_files) == ALTMM_NR_SLAB_STATS);

/**
 * struct altmm_slabinfo - the slab files of one instance
 * @obs: how the slab layer tells of caches as they come and go
 * @sys: the instance
 * @dir: "slab", a directory per cache under it
 */
struct altmm_slabinfo {
	struct altmm_slab_observer obs;
	struct altmm_system *sys;
	struct dentry *dir;
};

/* The directory of one cache; slab mutex held. */
static void cache_dir_create(struct altmm_slabinfo *si,
			     struct altmm_kmem_cache *cache)
{
	struct dentry *d;
	unsigned int i;

	lockdep_assert_held(&si->sys->slab->mutex);
	d = debugfs_create_dir(cache->name, si->dir);
	if (IS_ERR(d)) {
		pr_warn("%s: no debugfs directory slab/%s: %ld\n",
			cache->sys->name, cache->name, PTR_ERR(d));
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cache_files); i++)
		debugfs_create_file(cache_files[i].name, 0444, d, cache,
				    cache_files[i].fops);
	for (i = 0; i < ARRAY_SIZE(stat_files); i++)
		debugfs_create_file(stat_files[i].name, 0444, d, cache,
				    stat_files[i].fops);
	debugfs_create_file("failslab", 0644, d, cache, &attr_failslab_rw_fops);
	cache->observer_data = d;
}

/* A new cache gets its directory; slab mutex held. */
static void cache_added(struct altmm_slab_observer *obs,
			struct altmm_kmem_cache *cache)
{
	cache_dir_create(container_of(obs, struct altmm_slabinfo, obs), cache);
}

/*
 * A cache about to be freed loses its directory; debugfs returns once no
 * reader is inside one of its files.  Slab mutex held.
 */
static void cache_removed(struct altmm_slab_observer *obs,
			  struct altmm_kmem_cache *cache)
{
	debugfs_remove(cache->observer_data);
	cache->observer_data = NULL;
}

/**
 * altmm_slabinfo_create() - publish an instance's slab files
 * @sys: an instance whose slab layer is up
 * @dir: its debugfs directory
 *
 * From now on the slab layer tells these files of every cache created or
 * destroyed (&struct altmm_slab_observer), and each cache has a
 * directory under slab/ for exactly as long as it is listed.
 *
 * Context: process context.
 * Return: what altmm_slabinfo_remove() takes, or NULL when there is
 * nothing to show (no slab layer, no memory).
 */
struct altmm_slabinfo *altmm_slabinfo_create(struct altmm_system *sys,
					     struct dentry *dir)
{
	struct altmm_slab_state *st = sys->slab;
	struct altmm_kmem_cache *cache;
	struct altmm_slabinfo *si;

	if (!st)
		return NULL;
	si = kzalloc(sizeof(*si), GFP_KERNEL);
	if (!si)
		return NULL;
	si->sys = sys;
	si->obs.added = cache_added;
	si->obs.removed = cache_removed;
	/* Owner-only, as /proc/slabinfo is (SLABINFO_RIGHTS). */
	debugfs_create_file("slabinfo", 0400, dir, sys, &slabinfo_fops);
	mutex_lock(&st->mutex);
	si->dir = debugfs_create_dir("slab", dir);
	if (!IS_ERR(si->dir)) {
		list_for_each_entry(cache, &st->caches, list)
			cache_dir_create(si, cache);
		st->observer = &si->obs;
	}
	mutex_unlock(&st->mutex);
	return si;
}

/**
 * altmm_slabinfo_remove() - withdraw the slab/ directory of an instance
 * @si: from altmm_slabinfo_create(), or NULL
 *
 * Called before the instance's debugfs directory goes, so that no cache
 * keeps a pointer to a removed directory.
 *
 * Context: process context.
 */
void altmm_slabinfo_remove(struct altmm_slabinfo *si)
{
	struct altmm_slab_state *st;
	struct altmm_kmem_cache *cache;

	if (!si)
		return;
	st = si->sys->slab;
	mutex_lock(&st->mutex);
	st->observer = NULL;
	if (!IS_ERR(si->dir))
		debugfs_remove(si->dir);
	list_for_each_entry(cache, &st->caches, list)
		cache->observer_data = NULL;
	mutex_unlock(&st->mutex);
	kfree(si);
}
