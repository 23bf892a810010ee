// SPDX-License-Identifier: GPL-2.0
/*
 * The ctl file: a person (or a selftest) allocates and frees pages of an
 * instance from the shell, one command per write(2) to
 * /sys/kernel/debug/altmm/ctl, and sees what is held in ctl_status.
 *
 *   alloc tag=NAME order=0..10 count=N gfp=MASK [node=NID] [movable=1]
 *   free tag=NAME [count=N]
 *   verify tag=NAME
 *   drain
 *   reclaim [node=NID]
 *   kswapd node=NID
 *   misuse kind=double_free|wrong_order|foreign|tail|bad_gfp
 *
 * A command is printable ASCII; keys come in any order, each once.  MASK
 * is GFP names of 6.1's gfp_types.h (GFP_KERNEL, __GFP_DMA32, ...) and hex
 * numbers joined by '|'.  alloc makes N calls of altmm_sys_alloc_pages() and stops at the
 * first failure: when it got at least one block the write still succeeds,
 * and the shortfall is logged and shown in ctl_status; when it got none it
 * fails with -ENOMEM and changes nothing, so a tag exists only while it
 * holds blocks.  At most CTL_MAX_TAGS tags exist at once; an alloc that
 * would make one more fails with -ENOSPC.  free returns the tag's most
 * recent N blocks (all by default).  With movable=1 (order 0 only) each
 * block is filled with a pattern of its own and marked movable, the
 * ctl file being its owner as 6.1's movable_operations describe one:
 * compaction and memory offline may then move it, the tag following it
 * to its new frame; verify checks every movable block's pattern and
 * fails with -EIO if one changed.  A command that cannot be understood
 * fails with -EINVAL, an unknown tag with -ENOENT, and one log line says
 * why.
 *
 * Each tag holds its blocks in a stack of page-sized chunks of
 * struct ctl_block, newest last, so that "free count=N" pops the newest.
 * The blocks of one alloc command are gathered in private chunks with no
 * lock held (an allocation may sleep in reclaim, and two shells must be
 * able to allocate at the same time), then spliced onto the tag.
 *
 * Locking: &altmm_ctl.lock (a mutex) protects the tags and their chunks.
 * Frees run under it; they take the allocator's per-CPU and zone locks,
 * which never take it, so it is outermost.  Allocations never run under
 * it.  A movable block's page pointer (and node and zone) changes under
 * &altmm_ctl.move_lock, a spinlock that a migration's ->migrate_page()
 * takes and that a free takes to let the block's page go; chunks are
 * page-sized kmalloc()s, so naturally aligned, and a block finds its
 * chunk (and the chunk its ctl) by masking its address.  debugfs removes
 * the files, waiting for writers inside, before altmm_ctl_release() frees
 * what is still held.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "migrate.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "ctl.h"

#define CTL_TAG_LEN		32
#define CTL_CMD_MAX		512
/* One command allocates at most 4 GiB, whatever the order. */
#define CTL_MAX_FRAMES		BIT(20)
/*
 * Tags are host memory (a struct ctl_tag and a chunk page each); a cap
 * keeps a script that invents tag names in a loop from eating the host.
 */
#define CTL_MAX_TAGS		1024

/* === Data === */

/**
 * struct ctl_block - one allocation held by a tag
 * @page: its first page
 * @order: its order
 * @nid: the node it came from
 * @zone: the zone type it came from
 * @movable: marked movable, the ctl file its owner (its page's private
 *	word points back here)
 */
struct ctl_block {
	struct page *page;
	u8 order;
	u8 nid;
	u8 zone;
	bool movable;
};

/**
 * struct ctl_chunk - a page of blocks
 * @list: on &ctl_tag.chunks, oldest first
 * @ctl: the ctl file holding it
 * @nr: blocks in use, from the start of @blocks
 * @blocks: the blocks
 */
struct ctl_chunk {
	struct list_head list;
	struct altmm_ctl *ctl;
	unsigned int nr;
	struct ctl_block blocks[];
};

#define CTL_CHUNK_BLOCKS \
	((PAGE_SIZE - sizeof(struct ctl_chunk)) / sizeof(struct ctl_block))

/**
 * struct ctl_short - the last alloc command of a tag that got less than asked
 * @order: its order
 * @asked: blocks asked for
 * @got: blocks allocated
 * @gfp: its mask
 * @nid: its node, or NUMA_NO_NODE
 */
struct ctl_short {
	unsigned int order;
	unsigned long asked;
	unsigned long got;
	gfp_t gfp;
	int nid;
};

/**
 * struct ctl_tag - what one tag holds
 * @list: on &altmm_ctl.tags, in order of creation
 * @name: the tag
 * @chunks: its blocks, oldest chunk first
 * @nr_blocks: blocks on @chunks
 * @last_short: the last shortfall (valid when @has_short)
 * @has_short: an alloc command of this tag got less than it asked for
 */
struct ctl_tag {
	struct list_head list;
	char name[CTL_TAG_LEN];
	struct list_head chunks;
	unsigned long nr_blocks;
	struct ctl_short last_short;
	bool has_short;
};

/**
 * struct altmm_ctl - the ctl file's state of one instance
 * @sys: the instance
 * @lock: protects @tags, @nr_tags and everything the tags hold
 * @tags: &struct ctl_tag, in order of creation; each holds a block
 * @nr_tags: entries on @tags, at most CTL_MAX_TAGS
 * @move_lock: orders a movable block's move with its free
 */
struct altmm_ctl {
	struct altmm_system *sys;
	struct mutex lock;		/* protects @tags and their chunks */
	struct list_head tags;
	unsigned int nr_tags;
	spinlock_t move_lock;		/* a movable block's page, node, zone */
};

/* === GFP names === */

struct gfp_name {
	const char *name;
	gfp_t gfp;
};

#define GFP_NAME(flag)	{ #flag, flag }

/*
 * Every composite and flag of 6.1's include/linux/gfp_types.h.  Flags that
 * this kernel's configuration compiles to 0 (__GFP_SKIP_*, __GFP_NOLOCKDEP
 * without lockdep) are accepted and mean nothing, as in the kernel.
 */
static const struct gfp_name gfp_names[] = {
	GFP_NAME(GFP_ATOMIC),
	GFP_NAME(GFP_KERNEL),
	GFP_NAME(GFP_KERNEL_ACCOUNT),
	GFP_NAME(GFP_NOWAIT),
	GFP_NAME(GFP_NOIO),
	GFP_NAME(GFP_NOFS),
	GFP_NAME(GFP_USER),
	GFP_NAME(GFP_DMA),
	GFP_NAME(GFP_DMA32),
	GFP_NAME(GFP_HIGHUSER),
	GFP_NAME(GFP_HIGHUSER_MOVABLE),
	GFP_NAME(GFP_TRANSHUGE_LIGHT),
	GFP_NAME(GFP_TRANSHUGE),
	GFP_NAME(__GFP_DMA),
	GFP_NAME(__GFP_HIGHMEM),
	GFP_NAME(__GFP_DMA32),
	GFP_NAME(__GFP_MOVABLE),
	GFP_NAME(__GFP_RECLAIMABLE),
	GFP_NAME(__GFP_HIGH),
	GFP_NAME(__GFP_IO),
	GFP_NAME(__GFP_FS),
	GFP_NAME(__GFP_ZERO),
	GFP_NAME(__GFP_ATOMIC),
	GFP_NAME(__GFP_DIRECT_RECLAIM),
	GFP_NAME(__GFP_KSWAPD_RECLAIM),
	GFP_NAME(__GFP_RECLAIM),
	GFP_NAME(__GFP_WRITE),
	GFP_NAME(__GFP_NOWARN),
	GFP_NAME(__GFP_RETRY_MAYFAIL),
	GFP_NAME(__GFP_NOFAIL),
	GFP_NAME(__GFP_NORETRY),
	GFP_NAME(__GFP_MEMALLOC),
	GFP_NAME(__GFP_COMP),
	GFP_NAME(__GFP_NOMEMALLOC),
	GFP_NAME(__GFP_HARDWALL),
	GFP_NAME(__GFP_THISNODE),
	GFP_NAME(__GFP_ACCOUNT),
	GFP_NAME(__GFP_ZEROTAGS),
	GFP_NAME(__GFP_SKIP_ZERO),
	GFP_NAME(__GFP_SKIP_KASAN_UNPOISON),
	GFP_NAME(__GFP_SKIP_KASAN_POISON),
	GFP_NAME(__GFP_NOLOCKDEP),
};

/**
 * altmm_ctl_parse_gfp() - a GFP mask from its names
 * @s: names and hex numbers joined by '|' (modified: split in place)
 * @gfp: the mask, on success
 * @bad: on failure, the part of @s at fault
 *
 * Context: any.
 * Return: 0, or -EINVAL for an empty part, an unknown name, or a number
 * that is not hex or has bits outside __GFP_BITS_MASK.
 */
int altmm_ctl_parse_gfp(char *s, gfp_t *gfp, const char **bad)
{
	gfp_t mask = 0;
	char *part;
	int i;

	while ((part = strsep(&s, "|"))) {
		*bad = part;
		if (!*part)
			return -EINVAL;
		if (part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
			unsigned int v;

			if (kstrtouint(part, 16, &v) ||
			    (v & ~(__force unsigned int)__GFP_BITS_MASK))
				return -EINVAL;
			mask |= (__force gfp_t)v;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(gfp_names); i++)
			if (!strcmp(part, gfp_names[i].name))
				break;
		if (i == ARRAY_SIZE(gfp_names))
			return -EINVAL;
		mask |= gfp_names[i].gfp;
	}
	*gfp = mask;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_ctl_parse_gfp, ALTMM_INTERNAL);

/* === Commands === */

enum ctl_key {
	CTL_KEY_TAG,
	CTL_KEY_ORDER,
	CTL_KEY_COUNT,
	CTL_KEY_GFP,
	CTL_KEY_NODE,
	CTL_KEY_KIND,
	CTL_KEY_MOVABLE,
	CTL_NR_KEYS
};

static const char * const ctl_key_names[CTL_NR_KEYS] = {
	[CTL_KEY_TAG]	= "tag",
	[CTL_KEY_ORDER]	= "order",
	[CTL_KEY_COUNT]	= "count",
	[CTL_KEY_GFP]	= "gfp",
	[CTL_KEY_NODE]	= "node",
	[CTL_KEY_KIND]	= "kind",
	[CTL_KEY_MOVABLE] = "movable",
};

/**
 * struct ctl_cmd - one parsed command
 * @verb: the command's name
 * @val: the value of each key given, by &enum ctl_key, or NULL
 */
struct ctl_cmd {
	const char *verb;
	char *val[CTL_NR_KEYS];
};

#define ctl_err(sys, verb, fmt, ...) \
	pr_warn("%s: ctl: %s: " fmt "\n", (sys)->name, verb, ##__VA_ARGS__)
#define ctl_info(sys, fmt, ...) \
	pr_info("%s: ctl: " fmt "\n", (sys)->name, ##__VA_ARGS__)

static struct ctl_tag *find_tag(struct altmm_ctl *ctl, const char *name)
{
	struct ctl_tag *tag;

	lockdep_assert_held(&ctl->lock);
	list_for_each_entry(tag, &ctl->tags, list)
		if (!strcmp(tag->name, name))
			return tag;
	return NULL;
}

/*
 * The command's tag, with the ctl lock taken; NULL, the lock dropped and
 * the refusal logged, when there is no such tag.
 */
static struct ctl_tag *lock_cmd_tag(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	struct ctl_tag *tag;

	mutex_lock(&ctl->lock);
	tag = find_tag(ctl, cmd->val[CTL_KEY_TAG]);
	if (!tag) {
		mutex_unlock(&ctl->lock);
		ctl_err(ctl->sys, cmd->verb, "no tag '%s'", cmd->val[CTL_KEY_TAG]);
	}
	return tag;
}

static int parse_tag(struct altmm_system *sys, struct ctl_cmd *cmd)
{
	const char *s = cmd->val[CTL_KEY_TAG];
	size_t len = strlen(s), i;

	for (i = 0; i < len; i++)
		if (!isalnum(s[i]) && !strchr("_-.:", s[i]))
			break;
	if (len >= CTL_TAG_LEN || i < len) {
		ctl_err(sys, cmd->verb, "bad tag '%s': 1..%d characters of A-Z a-z 0-9 _ - . :",
			s, CTL_TAG_LEN - 1);
		return -EINVAL;
	}
	return 0;
}

static int parse_node(struct altmm_system *sys, struct ctl_cmd *cmd, int *nid)
{
	const char *s = cmd->val[CTL_KEY_NODE];

	*nid = NUMA_NO_NODE;
	if (!s)
		return 0;
	if (kstrtoint(s, 10, nid)) {
		ctl_err(sys, cmd->verb, "bad number '%s' for node", s);
		return -EINVAL;
	}
	if (*nid == NUMA_NO_NODE)
		return 0;
	if (*nid < 0 || *nid >= sys->layout.nr_nodes) {
		ctl_err(sys, cmd->verb, "bad node %d: nodes are 0..%d (or -1 for any)",
			*nid, sys->layout.nr_nodes - 1);
		return -EINVAL;
	}
	return 0;
}

static int parse_count(struct altmm_system *sys, struct ctl_cmd *cmd,
		       unsigned int order, unsigned long *count)
{
	const char *s = cmd->val[CTL_KEY_COUNT];

	if (kstrtoul(s, 0, count)) {
		ctl_err(sys, cmd->verb, "bad number '%s' for count", s);
		return -EINVAL;
	}
	if (!*count) {
		ctl_err(sys, cmd->verb, "count 0: at least 1");
		return -EINVAL;
	}
	if (*count > CTL_MAX_FRAMES >> order) {
		ctl_err(sys, cmd->verb, "count %lu of order %u is more than %lu frames in one command",
			*count, order, CTL_MAX_FRAMES);
		return -EINVAL;
	}
	return 0;
}

/* === Movable blocks === */

static struct ctl_chunk *block_chunk(struct ctl_block *b)
{
	return (struct ctl_chunk *)((unsigned long)b & PAGE_MASK);
}

/* The pattern word @i of block @b: its address stands while it is held. */
static u64 block_word(const struct ctl_block *b, unsigned int i)
{
	return ((u64)(unsigned long)b << 12 | i) * 0x9e3779b97f4a7c15ULL;
}

static void fill_block(struct ctl_block *b)
{
	u64 *w = kmap_local_page(b->page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = block_word(b, i);
	kunmap_local(w);
}

/* Words of @b's page that do not hold its pattern. */
static unsigned int check_block(struct ctl_block *b, struct page *page)
{
	u64 *w = kmap_local_page(page);
	unsigned int i, bad = 0;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		bad += w[i] != block_word(b, i);
	kunmap_local(w);
	return bad;
}

static void block_place(struct altmm_system *sys, struct ctl_block *b)
{
	struct altmm_section *sec;
	unsigned long pfn;

	b->nid = 0;
	b->zone = 0;
	if (altmm_host_page_to_pfn(sys, b->page, &pfn)) {
		sec = altmm_pfn_to_section(sys, pfn);
		WRITE_ONCE(b->nid, sec->nid);
		WRITE_ONCE(b->zone, sec->zone);
	}
}

/* The ctl file takes any of its blocks whenever a migration asks. */
static bool ctl_isolate_page(struct page *page, isolate_mode_t mode)
{
	return true;
}

static void ctl_putback_page(struct page *page)
{
}

static const struct movable_operations ctl_movable_ops;

/*
 * ->migrate_page(): both pages locked.  The block follows its contents
 * to @dst unless a free let it go first (its page's private word is
 * cleared then); the migration then finds the page no longer movable.
 */
static int ctl_migrate_page(struct page *dst, struct page *src, enum migrate_mode mode)
{
	struct ctl_block *b = (struct ctl_block *)page_private(src);
	struct altmm_ctl *ctl;
	struct altmm_system *sys;

	if (!b)
		return -EAGAIN;
	ctl = block_chunk(b)->ctl;
	sys = ctl->sys;
	copy_highpage(dst, src);
	spin_lock(&ctl->move_lock);
	if (page_private(src) != (unsigned long)b) {
		spin_unlock(&ctl->move_lock);
		return -EAGAIN;
	}
	altmm_sys_get_page(sys, dst);
	set_page_private(dst, (unsigned long)b);
	altmm_sys_set_page_movable(sys, dst, &ctl_movable_ops);
	set_page_private(src, 0);
	altmm_sys_clear_page_movable(sys, src);
	WRITE_ONCE(b->page, dst);
	block_place(sys, b);
	spin_unlock(&ctl->move_lock);
	altmm_sys_put_page(sys, src);
	return 0;
}

static const struct movable_operations ctl_movable_ops = {
	.isolate_page	= ctl_isolate_page,
	.migrate_page	= ctl_migrate_page,
	.putback_page	= ctl_putback_page,
};

/*
 * A block's page, no longer movable: no migration moves it after this,
 * and one that took it before finds it let go.  Return: the page.
 */
static struct page *unmark_block(struct altmm_system *sys, struct ctl_block *b)
{
	struct altmm_ctl *ctl = block_chunk(b)->ctl;
	struct page *page;

	if (!b->movable)
		return b->page;
	spin_lock(&ctl->move_lock);
	page = b->page;
	set_page_private(page, 0);
	altmm_sys_clear_page_movable(sys, page);
	spin_unlock(&ctl->move_lock);
	return page;
}

/* === alloc and free === */

/*
 * Give the @nr newest blocks of @chunks back to the allocator (all for
 * ULONG_MAX), freeing emptied chunks; @what names their owner in the log.
 * Return: blocks given back.
 */
static unsigned long free_newest(struct altmm_system *sys, const char *what,
				 struct list_head *chunks, unsigned long nr)
{
	unsigned long freed = 0;

	while (freed < nr && !list_empty(chunks)) {
		struct ctl_chunk *c = list_last_entry(chunks, struct ctl_chunk, list);

		while (freed < nr && c->nr) {
			struct ctl_block *b = &c->blocks[--c->nr];

			if (altmm_sys_free_pages(sys, unmark_block(sys, b), b->order, false))
				pr_err("%s: ctl: free tag=%s: the allocator refused an order-%u block it handed out; it stays out\n",
				       sys->name, what, b->order);
			freed++;
		}
		if (!c->nr) {
			list_del(&c->list);
			kfree(c);
		}
		cond_resched();
	}
	return freed;
}

static unsigned long free_tag_newest(struct altmm_ctl *ctl, struct ctl_tag *tag,
				     unsigned long nr)
{
	unsigned long freed;

	lockdep_assert_held(&ctl->lock);
	freed = free_newest(ctl->sys, tag->name, &tag->chunks, nr);
	tag->nr_blocks -= freed;
	return freed;
}

static void drop_tag(struct altmm_ctl *ctl, struct ctl_tag *tag)
{
	lockdep_assert_held(&ctl->lock);
	list_del(&tag->list);
	ctl->nr_tags--;
	kfree(tag);
}

/* Can an alloc of tag @name go ahead: the tag exists, or there is room for it. */
static bool tag_room(struct altmm_ctl *ctl, const char *name)
{
	lockdep_assert_held(&ctl->lock);
	return ctl->nr_tags < CTL_MAX_TAGS || find_tag(ctl, name);
}

/*
 * Record @page in the last chunk of @chunks, adding a chunk when it is
 * full; a movable block is filled and marked.
 */
static int hold_block(struct altmm_ctl *ctl, struct list_head *chunks,
		      struct page *page, unsigned int order, bool movable)
{
	struct ctl_chunk *c = NULL;
	struct ctl_block *b;

	if (!list_empty(chunks))
		c = list_last_entry(chunks, struct ctl_chunk, list);
	if (!c || c->nr == CTL_CHUNK_BLOCKS) {
		c = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!c)
			return -ENOMEM;
		c->ctl = ctl;
		c->nr = 0;
		list_add_tail(&c->list, chunks);
	}
	b = &c->blocks[c->nr++];
	b->page = page;
	b->order = order;
	b->movable = false;
	block_place(ctl->sys, b);
	if (movable) {
		fill_block(b);
		set_page_private(page, (unsigned long)b);
		b->movable = !altmm_sys_set_page_movable(ctl->sys, page, &ctl_movable_ops);
	}
	return 0;
}

static int cmd_alloc(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	struct altmm_system *sys = ctl->sys;
	unsigned long count, got = 0;
	const char *bad = NULL;
	struct ctl_tag *tag;
	LIST_HEAD(chunks);
	bool movable = false;
	unsigned int order;
	int nid, ret;
	gfp_t gfp;

	ret = parse_tag(sys, cmd);
	if (ret)
		return ret;
	if (cmd->val[CTL_KEY_MOVABLE] && kstrtobool(cmd->val[CTL_KEY_MOVABLE], &movable)) {
		ctl_err(sys, "alloc", "bad value '%s' for movable: 0 or 1",
			cmd->val[CTL_KEY_MOVABLE]);
		return -EINVAL;
	}
	if (kstrtouint(cmd->val[CTL_KEY_ORDER], 10, &order)) {
		ctl_err(sys, "alloc", "bad number '%s' for order", cmd->val[CTL_KEY_ORDER]);
		return -EINVAL;
	}
	if (order >= ALTMM_MAX_ORDER) {
		ctl_err(sys, "alloc", "order %u out of range 0..%d", order, ALTMM_MAX_ORDER - 1);
		return -EINVAL;
	}
	if (movable && order) {
		ctl_err(sys, "alloc", "movable=1 with order %u: movable blocks are order 0",
			order);
		return -EINVAL;
	}
	ret = parse_count(sys, cmd, order, &count);
	if (ret)
		return ret;
	if (altmm_ctl_parse_gfp(cmd->val[CTL_KEY_GFP], &gfp, &bad)) {
		ctl_err(sys, "alloc", "unknown gfp name '%s' (GFP_*, __GFP_*, 0x<hex>; '|')",
			bad);
		return -EINVAL;
	}
	/* It would never return while the instance is short, nor let rmmod finish. */
	if (gfp & __GFP_NOFAIL) {
		ctl_err(sys, "alloc", "__GFP_NOFAIL refused: it would wait forever when short");
		return -EINVAL;
	}
	ret = parse_node(sys, cmd, &nid);
	if (ret)
		return ret;

	/* Checked again below: the mutex is not held while allocating. */
	mutex_lock(&ctl->lock);
	ret = tag_room(ctl, cmd->val[CTL_KEY_TAG]) ? 0 : -ENOSPC;
	mutex_unlock(&ctl->lock);
	if (ret) {
		ctl_err(sys, "alloc", "tag=%s would be tag %d: free a tag first",
			cmd->val[CTL_KEY_TAG], CTL_MAX_TAGS + 1);
		return ret;
	}

	while (got < count) {
		struct page *page;

		if (fatal_signal_pending(current))
			break;
		page = altmm_sys_alloc_pages(sys, gfp, order, nid);
		if (!page)
			break;
		if (hold_block(ctl, &chunks, page, order, movable)) {
			altmm_sys_free_pages(sys, page, order, false);
			ctl_err(sys, "alloc", "no host memory for the bookkeeping of tag=%s",
				cmd->val[CTL_KEY_TAG]);
			break;
		}
		got++;
		cond_resched();
	}

	/* Nothing to hold: no tag is made, none is changed. */
	if (!got) {
		ctl_err(sys, "alloc", "tag=%s: none of %lu order-%u blocks",
			cmd->val[CTL_KEY_TAG], count, order);
		return fatal_signal_pending(current) ? -EINTR : -ENOMEM;
	}

	mutex_lock(&ctl->lock);
	tag = find_tag(ctl, cmd->val[CTL_KEY_TAG]);
	if (!tag) {
		ret = ctl->nr_tags < CTL_MAX_TAGS ? 0 : -ENOSPC;
		tag = ret ? NULL : kzalloc(sizeof(*tag), GFP_KERNEL);
		if (!tag) {
			mutex_unlock(&ctl->lock);
			free_newest(sys, cmd->val[CTL_KEY_TAG], &chunks, ULONG_MAX);
			if (ret)
				ctl_err(sys, "alloc", "tag=%s would be tag %d: free a tag first",
					cmd->val[CTL_KEY_TAG], CTL_MAX_TAGS + 1);
			return ret ?: -ENOMEM;
		}
		strscpy(tag->name, cmd->val[CTL_KEY_TAG], sizeof(tag->name));
		INIT_LIST_HEAD(&tag->chunks);
		list_add_tail(&tag->list, &ctl->tags);
		ctl->nr_tags++;
	}
	list_splice_tail(&chunks, &tag->chunks);
	tag->nr_blocks += got;
	if (got < count) {
		tag->has_short = true;
		tag->last_short = (struct ctl_short){
			.order = order, .asked = count, .got = got,
			.gfp = gfp, .nid = nid,
		};
	}
	mutex_unlock(&ctl->lock);

	/* @tag may be freed by now. */
	if (got < count)
		ctl_info(sys, "alloc tag=%s: %lu of %lu order-%u blocks",
			 cmd->val[CTL_KEY_TAG], got, count, order);
	return 0;
}

static int cmd_free(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	struct altmm_system *sys = ctl->sys;
	unsigned long count = ULONG_MAX, freed;
	struct ctl_tag *tag;
	int ret;

	ret = parse_tag(sys, cmd);
	if (ret)
		return ret;
	if (cmd->val[CTL_KEY_COUNT]) {
		ret = parse_count(sys, cmd, 0, &count);
		if (ret)
			return ret;
	}

	tag = lock_cmd_tag(ctl, cmd);
	if (!tag)
		return -ENOENT;
	freed = free_tag_newest(ctl, tag, count);
	if (count != ULONG_MAX && freed < count)
		ctl_info(sys, "free tag=%s: %lu of %lu blocks (that was all)",
			 tag->name, freed, count);
	if (!tag->nr_blocks)
		drop_tag(ctl, tag);
	mutex_unlock(&ctl->lock);
	return 0;
}

/* Every movable block of a tag still holds its pattern. */
static int cmd_verify(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	struct altmm_system *sys = ctl->sys;
	unsigned long checked = 0, bad = 0;
	struct ctl_tag *tag;
	struct ctl_chunk *c;
	unsigned int i;
	int ret;

	ret = parse_tag(sys, cmd);
	if (ret)
		return ret;
	tag = lock_cmd_tag(ctl, cmd);
	if (!tag)
		return -ENOENT;
	list_for_each_entry(c, &tag->chunks, list) {
		for (i = 0; i < c->nr; i++) {
			struct ctl_block *b = &c->blocks[i];
			struct page *page;

			if (!b->movable)
				continue;
			/* Pinned against a move while it is read. */
			spin_lock(&ctl->move_lock);
			page = b->page;
			altmm_sys_get_page(sys, page);
			spin_unlock(&ctl->move_lock);
			bad += !!check_block(b, page);
			altmm_sys_put_page(sys, page);
			checked++;
		}
		cond_resched();
	}
	mutex_unlock(&ctl->lock);
	if (bad) {
		pr_err("%s: ctl: verify tag=%s: %lu of %lu movable blocks lost their contents\n",
		       sys->name, cmd->val[CTL_KEY_TAG], bad, checked);
		return -EIO;
	}
	ctl_info(sys, "verify tag=%s: %lu movable blocks intact", cmd->val[CTL_KEY_TAG], checked);
	return 0;
}

/* === drain, reclaim, kswapd === */

static int cmd_drain(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	unsigned long n = altmm_drain_all_pages(ctl->sys, NULL);

	ctl_info(ctl->sys, "drain: %lu frames back from the per-CPU lists", n);
	return 0;
}

static int cmd_reclaim(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	struct altmm_system *sys = ctl->sys;
	unsigned long freed;
	int nid, ret;

	ret = parse_node(sys, cmd, &nid);
	if (ret)
		return ret;
	if (nid == NUMA_NO_NODE)
		nid = altmm_numa_node_id(sys);
	freed = altmm_try_to_free_pages(sys,
					&sys->nodes[nid]->zonelists[ALTMM_ZONELIST_FALLBACK],
					0, GFP_KERNEL, nid);
	ctl_info(sys, "reclaim node=%d: %lu frames freed", nid, freed);
	return 0;
}

static int cmd_kswapd(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	struct altmm_system *sys = ctl->sys;
	struct altmm_zone *zone;
	int nid, ret, failures;
	bool balanced;

	ret = parse_node(sys, cmd, &nid);
	if (ret)
		return ret;
	if (nid == NUMA_NO_NODE) {
		ctl_err(sys, "kswapd", "bad node -1: name the node to wake");
		return -EINVAL;
	}
	/* Its highest managed zone: every zone of the node is eligible. */
	zone = sys->nodes[nid]->zonelists[ALTMM_ZONELIST_NOFALLBACK].zones[0];
	if (!zone || !sys->nodes[nid]->kswapd) {
		ctl_err(sys, "kswapd", "node %d has no memory and no kswapd", nid);
		return -EINVAL;
	}
	failures = READ_ONCE(zone->node->kswapd_failures);
	balanced = altmm_node_balanced(sys, zone->node, 0, zone->type);
	altmm_wakeup_kswapd(sys, zone, GFP_KERNEL, 0, zone->type);
	if (failures >= ALTMM_MAX_RECLAIM_RETRIES)
		ctl_info(sys, "kswapd node=%d: gave up after %d fruitless runs, not woken",
			 nid, failures);
	else
		ctl_info(sys, "kswapd node=%d: %s", nid,
			 balanced ? "balanced, not woken" : "woken");
	return 0;
}

/* === misuse === */

/*
 * Each kind performs one misuse through the real entry points and checks
 * that the allocator refused it; the allocator reports it (rate-limited)
 * and counts it in ALTMM_MISUSE.  Whatever was allocated for the purpose
 * is then freed properly.  Return 0 when the misuse was refused, -EIO
 * (with a log line) when the allocator accepted it.
 */

static struct page *misuse_alloc(struct altmm_system *sys, gfp_t gfp,
				 unsigned int order)
{
	struct page *page = altmm_sys_alloc_pages(sys, gfp, order, NUMA_NO_NODE);

	if (!page)
		pr_warn("%s: ctl: misuse: no order-%u block to misuse\n",
			sys->name, order);
	return page;
}

static int misuse_double_free(struct altmm_system *sys)
{
	struct page *page = misuse_alloc(sys, GFP_KERNEL, 2);
	unsigned long flags;
	int ret;

	if (!page)
		return -ENOMEM;
	/*
	 * The block goes to this CPU's per-CPU list (or the buddy lists);
	 * with interrupts off nothing on this CPU can take it back before
	 * the second free.  Only a drain from another CPU followed by an
	 * allocation there, within these few instructions, could; no
	 * selftest runs one alongside.
	 */
	local_irq_save(flags);
	altmm_sys_free_pages(sys, page, 2, false);
	ret = altmm_sys_free_pages(sys, page, 2, false);
	local_irq_restore(flags);
	return ret;
}

static int misuse_wrong_order(struct altmm_system *sys)
{
	struct page *page = misuse_alloc(sys, GFP_KERNEL, 2);
	int ret;

	if (!page)
		return -ENOMEM;
	ret = altmm_sys_free_pages(sys, page, 1, false);
	if (ret)
		altmm_sys_free_pages(sys, page, 2, false);
	return ret;
}

static int misuse_foreign(struct altmm_system *sys)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int ret;

	if (!page)
		return -ENOMEM;
	ret = altmm_sys_free_pages(sys, page, 0, false);
	/* Accepted, it is in altmm's lists now and must not go back to the host. */
	if (ret)
		__free_page(page);
	return ret;
}

static int misuse_tail(struct altmm_system *sys)
{
	struct page *page = misuse_alloc(sys, GFP_KERNEL | __GFP_COMP, 2);
	int ret;

	if (!page)
		return -ENOMEM;
	ret = altmm_sys_free_pages(sys, page + 1, 0, false);
	altmm_sys_free_pages(sys, page, 2, false);
	return ret;
}

static int misuse_bad_gfp(struct altmm_system *sys)
{
	struct page *page;

	/* Two zone modifiers: GFP_ZONE_BAD in the kernel's table. */
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_DMA | __GFP_DMA32, 0,
				     NUMA_NO_NODE);
	if (!page)
		return -EINVAL;
	altmm_sys_free_pages(sys, page, 0, false);
	return 0;
}

#define CTL_MISUSE_KINDS	"double_free wrong_order foreign tail bad_gfp"

struct ctl_misuse {
	const char *kind;
	int (*run)(struct altmm_system *sys);
};

static const struct ctl_misuse ctl_misuses[] = {
	{ "double_free", misuse_double_free },
	{ "wrong_order", misuse_wrong_order },
	{ "foreign", misuse_foreign },
	{ "tail", misuse_tail },
	{ "bad_gfp", misuse_bad_gfp },
};

static int cmd_misuse(struct altmm_ctl *ctl, struct ctl_cmd *cmd)
{
	struct altmm_system *sys = ctl->sys;
	const char *kind = cmd->val[CTL_KEY_KIND];
	unsigned long before;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(ctl_misuses); i++)
		if (!strcmp(kind, ctl_misuses[i].kind))
			break;
	if (i == ARRAY_SIZE(ctl_misuses)) {
		ctl_err(sys, "misuse", "unknown kind '%s' (" CTL_MISUSE_KINDS ")",
			kind);
		return -EINVAL;
	}
	before = altmm_vm_event_sum(sys, ALTMM_MISUSE);
	ret = ctl_misuses[i].run(sys);
	if (ret == -ENOMEM)
		return ret;
	if (!ret) {
		pr_err("%s: ctl: misuse kind=%s: the allocator accepted it\n",
		       sys->name, kind);
		return -EIO;
	}
	if (altmm_vm_event_sum(sys, ALTMM_MISUSE) == before) {
		pr_err("%s: ctl: misuse kind=%s: refused, but not counted as misuse\n",
		       sys->name, kind);
		return -EIO;
	}
	ctl_info(sys, "misuse kind=%s: refused", kind);
	return 0;
}

/* === Parsing and the file === */

/**
 * struct ctl_verb - a command and its keys
 * @name: the command
 * @required: keys it must have, BIT(&enum ctl_key)
 * @optional: keys it may have
 * @run: carry it out; 0 or -errno
 */
struct ctl_verb {
	const char *name;
	unsigned long required;
	unsigned long optional;
	int (*run)(struct altmm_ctl *ctl, struct ctl_cmd *cmd);
};

static const struct ctl_verb ctl_verbs[] = {
	{ "alloc", BIT(CTL_KEY_TAG) | BIT(CTL_KEY_ORDER) | BIT(CTL_KEY_COUNT) |
		   BIT(CTL_KEY_GFP), BIT(CTL_KEY_NODE) | BIT(CTL_KEY_MOVABLE), cmd_alloc },
	{ "free", BIT(CTL_KEY_TAG), BIT(CTL_KEY_COUNT), cmd_free },
	{ "verify", BIT(CTL_KEY_TAG), 0, cmd_verify },
	{ "drain", 0, 0, cmd_drain },
	{ "reclaim", 0, BIT(CTL_KEY_NODE), cmd_reclaim },
	{ "kswapd", BIT(CTL_KEY_NODE), 0, cmd_kswapd },
	{ "misuse", BIT(CTL_KEY_KIND), 0, cmd_misuse },
};

/* The next whitespace-separated word of *@s, NUL-terminated in place. */
static char *next_word(char **s)
{
	char *word;

	*s = skip_spaces(*s);
	if (!**s)
		return NULL;
	word = *s;
	while (**s && !isspace(**s))
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return word;
}

static int ctl_run(struct altmm_ctl *ctl, char *line)
{
	struct altmm_system *sys = ctl->sys;
	const struct ctl_verb *verb = NULL;
	struct ctl_cmd cmd = { };
	char *word;
	int i;

	word = next_word(&line);
	if (!word) {
		ctl_err(sys, "(empty)",
			"no command (alloc, free, verify, drain, reclaim, kswapd, misuse)");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(ctl_verbs); i++)
		if (!strcmp(word, ctl_verbs[i].name))
			verb = &ctl_verbs[i];
	if (!verb) {
		ctl_err(sys, word, "unknown command (alloc, free, verify, drain, reclaim, kswapd, misuse)");
		return -EINVAL;
	}
	cmd.verb = verb->name;

	while ((word = next_word(&line))) {
		char *eq = strchr(word, '=');

		if (!eq || eq == word) {
			ctl_err(sys, cmd.verb, "'%s' is not key=value", word);
			return -EINVAL;
		}
		*eq = '\0';
		for (i = 0; i < CTL_NR_KEYS; i++)
			if (!strcmp(word, ctl_key_names[i]))
				break;
		if (i == CTL_NR_KEYS || !((verb->required | verb->optional) & BIT(i))) {
			ctl_err(sys, cmd.verb, "unknown key '%s'", word);
			return -EINVAL;
		}
		if (cmd.val[i]) {
			ctl_err(sys, cmd.verb, "key '%s' given twice", word);
			return -EINVAL;
		}
		if (!eq[1]) {
			ctl_err(sys, cmd.verb, "empty value for key '%s'", word);
			return -EINVAL;
		}
		cmd.val[i] = eq + 1;
	}
	for (i = 0; i < CTL_NR_KEYS; i++) {
		if ((verb->required & BIT(i)) && !cmd.val[i]) {
			ctl_err(sys, cmd.verb, "missing key '%s'", ctl_key_names[i]);
			return -EINVAL;
		}
	}
	return verb->run(ctl, &cmd);
}

/*
 * The first byte of @buf that is neither printable ASCII nor whitespace,
 * or NULL.  Commands are ASCII; the kernel's ctype takes Latin-1 letters
 * for letters, and refusals quote the command into the log.
 */
static const char *not_ascii(const char *buf)
{
	for (; *buf; buf++)
		if (!isascii(*buf) || (!isprint(*buf) && !isspace(*buf)))
			return buf;
	return NULL;
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct altmm_ctl *ctl = file->private_data;
	struct altmm_system *sys = ctl->sys;
	const char *bad;
	char *buf, *nl;
	int ret;

	if (count > CTL_CMD_MAX) {
		pr_warn("%s: ctl: command of %zu bytes: at most %d\n",
			sys->name, count, CTL_CMD_MAX);
		return -EINVAL;
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	nl = strchr(buf, '\n');
	bad = not_ascii(buf);
	if (nl && nl[1]) {
		pr_warn("%s: ctl: one command per write\n", sys->name);
		ret = -EINVAL;
	} else if (strlen(buf) != count) {
		pr_warn("%s: ctl: a NUL byte in the command\n", sys->name);
		ret = -EINVAL;
	} else if (bad) {
		pr_warn("%s: ctl: byte %#04x at offset %td is not printable ASCII\n",
			sys->name, (unsigned char)*bad, bad - buf);
		ret = -EINVAL;
	} else {
		if (nl)
			*nl = '\0';
		ret = ctl_run(ctl, buf);
	}
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations ctl_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= ctl_write,
	.llseek	= no_llseek,
};

/* === ctl_status === */

/* Events altmm counts that /proc/vmstat has no line for. */
static const struct {
	const char *name;
	enum altmm_vm_event_item item;
} ctl_events[] = {
	{ "misuse", ALTMM_MISUSE },
	{ "alloc_fail", ALTMM_ALLOC_FAIL },
	{ "drain_all", ALTMM_DRAIN_ALL },
	{ "extfrag", ALTMM_EXTFRAG },
	{ "steal_block", ALTMM_STEAL_BLOCK },
	{ "highatomic_reserve", ALTMM_HIGHATOMIC_RESERVE },
	{ "highatomic_unreserve", ALTMM_HIGHATOMIC_UNRESERVE },
};

#define CTL_GROUPS	(ALTMM_MAX_ORDER * ALTMM_MAX_NUMNODES * ALTMM_NR_ZONES)

static unsigned int group_index(unsigned int order, int nid, int zt)
{
	return (order * ALTMM_MAX_NUMNODES + nid) * ALTMM_NR_ZONES + zt;
}

static void show_tag(struct seq_file *m, struct ctl_tag *tag, unsigned long *nr)
{
	struct ctl_chunk *c;
	unsigned int order, i;
	int nid, zt;

	memset(nr, 0, CTL_GROUPS * sizeof(*nr));
	list_for_each_entry(c, &tag->chunks, list)
		for (i = 0; i < c->nr; i++)
			nr[group_index(c->blocks[i].order, c->blocks[i].nid,
				       c->blocks[i].zone)]++;
	for (order = 0; order < ALTMM_MAX_ORDER; order++)
		for (nid = 0; nid < ALTMM_MAX_NUMNODES; nid++)
			for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
				unsigned long n = nr[group_index(order, nid, zt)];

				if (n)
					seq_printf(m, "%-16s %5u %8lu %8lu %4d %s\n",
						   tag->name, order, n, n << order,
						   nid, altmm_zone_names[zt]);
			}
}

/*
 * One line per tag, order, node and zone: "tag order count frames node
 * zone"; then the last shortfall of each tag; then altmm's own events.
 */
static int ctl_status_show(struct seq_file *m, void *v)
{
	struct altmm_ctl *ctl = m->private;
	struct altmm_system *sys = ctl->sys;
	struct ctl_tag *tag;
	unsigned long *nr;
	int i;

	nr = kmalloc_array(CTL_GROUPS, sizeof(*nr), GFP_KERNEL);
	if (!nr)
		return -ENOMEM;
	seq_printf(m, "%-16s %5s %8s %8s %4s %s\n", "tag", "order", "count",
		   "frames", "node", "zone");
	mutex_lock(&ctl->lock);
	list_for_each_entry(tag, &ctl->tags, list)
		show_tag(m, tag, nr);
	seq_putc(m, '\n');
	list_for_each_entry(tag, &ctl->tags, list) {
		const struct ctl_short *s = &tag->last_short;

		if (tag->has_short)
			seq_printf(m, "shortfall tag=%s: %lu of %lu order-%u blocks, gfp=%#x(%pGg) node=%d\n",
				   tag->name, s->got, s->asked, s->order, s->gfp,
				   &s->gfp, s->nid);
	}
	mutex_unlock(&ctl->lock);
	kfree(nr);
	for (i = 0; i < ARRAY_SIZE(ctl_events); i++)
		seq_printf(m, "%s %lu\n", ctl_events[i].name,
			   altmm_vm_event_sum(sys, ctl_events[i].item));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ctl_status);

/**
 * altmm_ctl_create() - the ctl and ctl_status files of an instance
 * @sys: a ready instance
 * @dir: its debugfs directory
 *
 * Context: process context.
 * Return: the files' state, for altmm_ctl_release(); NULL without host
 * memory for it, and then the instance simply has no ctl file.
 */
struct altmm_ctl *altmm_ctl_create(struct altmm_system *sys, struct dentry *dir)
{
	struct altmm_ctl *ctl = kzalloc(sizeof(*ctl), GFP_KERNEL);

	if (!ctl)
		return NULL;
	ctl->sys = sys;
	mutex_init(&ctl->lock);
	INIT_LIST_HEAD(&ctl->tags);
	spin_lock_init(&ctl->move_lock);
	debugfs_create_file("ctl", 0200, dir, ctl, &ctl_fops);
	debugfs_create_file("ctl_status", 0444, dir, ctl, &ctl_status_fops);
	return ctl;
}

/**
 * altmm_ctl_release() - free everything the ctl file still holds
 * @ctl: from altmm_ctl_create(), or NULL; its files already removed
 *
 * Context: process context, before the instance's allocator stops.
 */
void altmm_ctl_release(struct altmm_ctl *ctl)
{
	struct ctl_tag *tag, *next;
	unsigned long blocks = 0;

	if (!ctl)
		return;
	mutex_lock(&ctl->lock);
	list_for_each_entry_safe(tag, next, &ctl->tags, list) {
		blocks += free_tag_newest(ctl, tag, ULONG_MAX);
		drop_tag(ctl, tag);
	}
	mutex_unlock(&ctl->lock);
	if (blocks)
		ctl_info(ctl->sys, "freed %lu blocks still held by tags", blocks);
	mutex_destroy(&ctl->lock);
	kfree(ctl);
}
