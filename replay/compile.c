// SPDX-License-Identifier: GPL-2.0
/*
 * Trace text, in chunks of any size -> the ops a replay runs.
 *
 * Chunks are cut into lines in &altmm_replay_trace.line, so a line may
 * straddle any number of writes; a line longer than ALTMM_REPLAY_LINE_MAX
 * is dropped up to its newline and counted malformed ("too_long").  Each
 * line lands in exactly one count (see &enum altmm_replay_count), so
 *
 *   lines      = comment + header + blank + events_read
 *   events_read = replayed + every skipped_*
 *
 * Pairing.  Each live allocation holds a slot: its key (the pfn of a page
 * allocation, the pointer value of an object) is hashed to the slot, and
 * its op names the slot, where the engine keeps what the allocator
 * returned.  A free looks its key up, compiles to a free of that slot and
 * gives the slot back; so slots number the most allocations live at once,
 * not the events.
 *
 *  - A free of a key with no live allocation happened to memory allocated
 *    before the trace began: skipped, "unpaired free".
 *  - mm_page_free_batched is, in 6.1, always the second half of an
 *    mm_page_free of the same page (free_unref_page_list() traces both),
 *    so when the pfn is no longer live it is skipped as "free_batched";
 *    were it live (the mm_page_free lost), it frees it.
 *  - kfree(NULL) and friends: skipped, "null_free"; an allocation that
 *    failed in the traced kernel (page or ptr NULL): "failed_in_trace".
 *  - An allocation of a key that is still live means its free is missing
 *    (lost events): a free of the old slot is compiled first, counted in
 *    alloc_of_live_key.
 *  - A free is replayed as what its allocation was (kfree of a
 *    kmem_cache_alloc object is a cache free) and, for pages, with the
 *    allocation's order; a different order is counted.
 *  - kmem_cache_alloc of bytes_alloc B is replayed on a cache of objects
 *    of B bytes, one per distinct size (the event does not name its cache;
 *    the kernel merges same-sized caches too), at most
 *    ALTMM_REPLAY_MAX_CACHES of them, up to ALTMM_REPLAY_CACHE_MAX_SIZE;
 *    beyond those, as kmalloc(B) ("cache_fallbacks").
 *  - Allocations live at the end are counted; the engine frees them.
 *
 * The ops stop at max_ops: from the first event that does not fit, every
 * event is "over_limit", so no free is paired against a skipped
 * allocation.  Tables grow by doubling; if one cannot, compiling stops
 * the same way and @error says -ENOMEM.
 */

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "replay.h"

#define NO_SLOT		U32_MAX

const char * const altmm_replay_count_names[ALTMM_REPLAY_NR_COUNTS] = {
	[ALTMM_REPLAY_LINES]			= "lines",
	[ALTMM_REPLAY_LINES_COMMENT]		= "lines_comment",
	[ALTMM_REPLAY_LINES_HEADER]		= "lines_header",
	[ALTMM_REPLAY_LINES_BLANK]		= "lines_blank",
	[ALTMM_REPLAY_LOST_EVENTS]		= "lost_events",
	[ALTMM_REPLAY_EVENTS_READ]		= "events_read",
	[ALTMM_REPLAY_EVENTS_REPLAYED]		= "events_replayed",
	[ALTMM_REPLAY_SKIPPED_UNPAIRED_FREE]	= "skipped_unpaired_free",
	[ALTMM_REPLAY_SKIPPED_FREE_BATCHED]	= "skipped_free_batched",
	[ALTMM_REPLAY_SKIPPED_NULL_FREE]	= "skipped_null_free",
	[ALTMM_REPLAY_SKIPPED_FAILED_IN_TRACE]	= "skipped_failed_in_trace",
	[ALTMM_REPLAY_SKIPPED_MALFORMED]	= "skipped_malformed",
	[ALTMM_REPLAY_SKIPPED_UNSUPPORTED]	= "skipped_unsupported",
	[ALTMM_REPLAY_SKIPPED_OVER_LIMIT]	= "skipped_over_limit",
	[ALTMM_REPLAY_ALLOC_OF_LIVE_KEY]	= "alloc_of_live_key",
	[ALTMM_REPLAY_FREE_ORDER_MISMATCH]	= "free_order_mismatch",
	[ALTMM_REPLAY_CACHE_FALLBACKS]		= "cache_fallbacks",
	[ALTMM_REPLAY_LIVE_AT_END]		= "live_at_end",
	[ALTMM_REPLAY_PEAK_LIVE]		= "trace_peak_live_allocations",
	[ALTMM_REPLAY_PEAK_PAGE_FRAMES]		= "trace_peak_page_frames",
	[ALTMM_REPLAY_PEAK_OBJECT_BYTES]	= "trace_peak_object_bytes",
};

/**
 * altmm_replay_safe_gfp() - a traced mask as the replay passes it
 * @gfp: the mask of the trace
 * @object: for kmalloc or a cache (else for the page allocator)
 *
 * The same mask goes to both sides.  A replay must be able to fail where
 * the traced kernel did not (another machine, a smaller arena), and must
 * never stall, warn or call the OOM killer for it: __GFP_NOFAIL goes,
 * __GFP_NOWARN comes (failures are counted instead), and a request that
 * may reclaim gets __GFP_RETRY_MAYFAIL, which retries reclaim but fails
 * rather than kill.  Objects drop the zone bits slab refuses
 * (GFP_SLAB_BUG_MASK).  Bits the running kernel lacks go.
 *
 * Context: any.
 * Return: the mask to replay.
 */
gfp_t altmm_replay_safe_gfp(gfp_t gfp, bool object)
{
	gfp &= __GFP_BITS_MASK;
	gfp &= ~__GFP_NOFAIL;
	gfp |= __GFP_NOWARN;
	if ((gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NORETRY))
		gfp |= __GFP_RETRY_MAYFAIL;
	if (object)
		gfp &= ~(__GFP_DMA32 | __GFP_HIGHMEM);
	return gfp;
}

/* === Tables === */

/**
 * altmm_replay_trace_init() - an empty trace
 * @t: zeroed, or released
 * @max_ops: the most ops it may hold (max_events)
 *
 * Context: any.
 */
void altmm_replay_trace_init(struct altmm_replay_trace *t, u32 max_ops)
{
	memset(t, 0, sizeof(*t));
	t->max_ops = max_ops;
	t->free_slot = NO_SLOT;
}

/**
 * altmm_replay_trace_release() - free what a trace holds
 * @t: the trace; may be released twice
 *
 * Context: process context.
 */
void altmm_replay_trace_release(struct altmm_replay_trace *t)
{
	kvfree(t->ops);
	kvfree(t->slots);
	kvfree(t->buckets);
	t->ops = NULL;
	t->slots = NULL;
	t->buckets = NULL;
	t->cap_ops = 0;
	t->cap_slots = 0;
	t->nr_buckets = 0;
}

static u32 bucket_of(const struct altmm_replay_trace *t, u64 key, bool page)
{
	return hash_64(key ^ ((u64)page << 63), ilog2(t->nr_buckets));
}

/* Make room for @want elements of @elem bytes, doubling, never past @limit. */
static int grow(void **p, u32 *cap, u32 want, u32 limit, size_t elem)
{
	u64 ncap = clamp_t(u64, *cap ? 2ULL * *cap : 1024, want, limit);
	void *n;

	if (want > limit)
		return -ENOMEM;
	n = kvrealloc(*p, (size_t)*cap * elem, (size_t)ncap * elem, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = ncap;
	return 0;
}

/* Room for one more slot; the buckets grow with the slots and are rebuilt. */
static int reserve_slot(struct altmm_replay_trace *t)
{
	u32 i, nb, *buckets;

	if (t->free_slot != NO_SLOT || t->nr_slots < t->cap_slots)
		return 0;
	if (grow((void **)&t->slots, &t->cap_slots, t->nr_slots + 1,
		 t->max_ops, sizeof(*t->slots)))
		return -ENOMEM;
	nb = roundup_pow_of_two(2 * t->cap_slots);
	if (nb <= t->nr_buckets)
		return 0;
	buckets = kvmalloc_array(nb, sizeof(*buckets), GFP_KERNEL);
	if (!buckets)
		return -ENOMEM;
	kvfree(t->buckets);
	t->buckets = buckets;
	t->nr_buckets = nb;
	memset(buckets, 0xff, nb * sizeof(*buckets));
	for (i = 0; i < t->nr_slots; i++) {
		struct altmm_replay_slot *s = &t->slots[i];
		u32 b;

		if (!s->live)
			continue;
		b = bucket_of(t, s->key, s->page);
		s->next = buckets[b];
		buckets[b] = i;
	}
	return 0;
}

/* The link that points at the live slot of @key, or NULL. */
static u32 *find_link(struct altmm_replay_trace *t, u64 key, bool page)
{
	u32 *link;

	if (!t->nr_buckets)
		return NULL;
	for (link = &t->buckets[bucket_of(t, key, page)]; *link != NO_SLOT;
	     link = &t->slots[*link].next) {
		struct altmm_replay_slot *s = &t->slots[*link];

		if (s->key == key && s->page == page)
			return link;
	}
	return NULL;
}

static void put_slot(struct altmm_replay_trace *t, u32 *link)
{
	u32 i = *link;
	struct altmm_replay_slot *s = &t->slots[i];

	*link = s->next;
	if (s->page)
		t->cur_page_frames -= 1UL << s->order;
	else
		t->cur_object_bytes -= s->bytes;
	s->live = false;
	s->next = t->free_slot;
	t->free_slot = i;
	t->count[ALTMM_REPLAY_LIVE_AT_END]--;
}

/* A slot for @key; reserve_slot() made room. */
static u32 get_slot(struct altmm_replay_trace *t, u64 key, bool page)
{
	struct altmm_replay_slot *s;
	u32 i, b;

	if (t->free_slot != NO_SLOT) {
		i = t->free_slot;
		t->free_slot = t->slots[i].next;
	} else {
		i = t->nr_slots++;
	}
	s = &t->slots[i];
	memset(s, 0, sizeof(*s));
	s->key = key;
	s->page = page;
	s->live = true;
	b = bucket_of(t, key, page);
	s->next = t->buckets[b];
	t->buckets[b] = i;
	t->count[ALTMM_REPLAY_LIVE_AT_END]++;
	t->count[ALTMM_REPLAY_PEAK_LIVE] = max(t->count[ALTMM_REPLAY_PEAK_LIVE],
					       t->count[ALTMM_REPLAY_LIVE_AT_END]);
	return i;
}

/* === Compiling === */

/*
 * Room for @n more ops (and a slot, for an allocation); false when the
 * trace is full, or a table could not grow (-ENOMEM in @error).
 */
static bool reserve_ops(struct altmm_replay_trace *t, u32 n, bool slot)
{
	if (t->error || n > t->max_ops - t->nr_ops)
		return false;
	if (n > t->cap_ops - t->nr_ops &&
	    grow((void **)&t->ops, &t->cap_ops, t->nr_ops + n, t->max_ops,
		 sizeof(*t->ops))) {
		t->error = -ENOMEM;
		return false;
	}
	if (slot && reserve_slot(t)) {
		t->error = -ENOMEM;
		return false;
	}
	return true;
}

static struct altmm_replay_op *add_op(struct altmm_replay_trace *t, u8 kind,
				      u32 slot)
{
	struct altmm_replay_op *op = &t->ops[t->nr_ops++];

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->slot = slot;
	return op;
}

/* The free op of the live slot @link points at; gives the slot back. */
static void compile_free(struct altmm_replay_trace *t, u32 *link)
{
	const struct altmm_replay_slot *s = &t->slots[*link];
	struct altmm_replay_op *op;

	switch (s->kind) {
	case ALTMM_REPLAY_OP_PAGE_ALLOC:
		op = add_op(t, ALTMM_REPLAY_OP_PAGE_FREE, *link);
		op->order = s->order;
		break;
	case ALTMM_REPLAY_OP_CACHE_ALLOC:
		op = add_op(t, ALTMM_REPLAY_OP_CACHE_FREE, *link);
		op->cache = s->cache;
		break;
	default:
		add_op(t, ALTMM_REPLAY_OP_KFREE, *link);
		break;
	}
	put_slot(t, link);
}

/* The cache kmem_cache_alloc of @bytes is replayed on, or -1: kmalloc. */
static int cache_index(struct altmm_replay_trace *t, u64 bytes)
{
	unsigned int i;

	for (i = 0; i < t->nr_caches; i++)
		if (t->cache_size[i] == bytes)
			return i;
	if (bytes > ALTMM_REPLAY_CACHE_MAX_SIZE ||
	    t->nr_caches == ALTMM_REPLAY_MAX_CACHES)
		return -1;
	t->cache_size[t->nr_caches] = bytes;
	return t->nr_caches++;
}

static void compile_alloc(struct altmm_replay_trace *t,
			  const struct altmm_replay_event *ev)
{
	bool page = ev->type == ALTMM_REPLAY_MM_PAGE_ALLOC;
	u32 *link = find_link(t, ev->key, page);
	struct altmm_replay_slot *s;
	struct altmm_replay_op *op;
	u32 slot;
	int cache;

	if (!reserve_ops(t, link ? 2 : 1, true)) {
		t->count[ALTMM_REPLAY_SKIPPED_OVER_LIMIT]++;
		t->max_ops = t->nr_ops;		/* full from here on */
		return;
	}
	if (link) {
		t->count[ALTMM_REPLAY_ALLOC_OF_LIVE_KEY]++;
		compile_free(t, link);
	}
	slot = get_slot(t, ev->key, page);
	s = &t->slots[slot];
	if (page) {
		op = add_op(t, ALTMM_REPLAY_OP_PAGE_ALLOC, slot);
		op->order = ev->order;
		op->gfp = (__force u32)altmm_replay_safe_gfp(ev->gfp, false);
		s->order = ev->order;
		t->cur_page_frames += 1UL << ev->order;
		t->count[ALTMM_REPLAY_PEAK_PAGE_FRAMES] =
			max(t->count[ALTMM_REPLAY_PEAK_PAGE_FRAMES], t->cur_page_frames);
	} else {
		cache = ev->type == ALTMM_REPLAY_KMEM_CACHE_ALLOC ?
			cache_index(t, ev->bytes_alloc) : -1;
		if (ev->type == ALTMM_REPLAY_KMEM_CACHE_ALLOC && cache < 0)
			t->count[ALTMM_REPLAY_CACHE_FALLBACKS]++;
		if (cache >= 0) {
			op = add_op(t, ALTMM_REPLAY_OP_CACHE_ALLOC, slot);
			op->cache = cache;
			s->cache = cache;
		} else {
			op = add_op(t, ALTMM_REPLAY_OP_KMALLOC, slot);
			op->size = ev->bytes_alloc;
		}
		op->gfp = (__force u32)altmm_replay_safe_gfp(ev->gfp, true);
		s->bytes = ev->bytes_alloc;
		t->cur_object_bytes += ev->bytes_alloc;
		t->count[ALTMM_REPLAY_PEAK_OBJECT_BYTES] =
			max(t->count[ALTMM_REPLAY_PEAK_OBJECT_BYTES],
			    t->cur_object_bytes);
	}
	s->kind = op->kind;
	t->count[ALTMM_REPLAY_EVENTS_REPLAYED]++;
}

static void compile_event(struct altmm_replay_trace *t,
			  const struct altmm_replay_event *ev)
{
	bool page = ev->type == ALTMM_REPLAY_MM_PAGE_FREE ||
		    ev->type == ALTMM_REPLAY_MM_PAGE_FREE_BATCHED;
	u32 *link;

	t->events[ev->type]++;
	if (t->nr_ops >= t->max_ops) {
		t->count[ALTMM_REPLAY_SKIPPED_OVER_LIMIT]++;
		return;
	}
	switch (ev->type) {
	case ALTMM_REPLAY_MM_PAGE_ALLOC:
	case ALTMM_REPLAY_KMALLOC:
	case ALTMM_REPLAY_KMEM_CACHE_ALLOC:
		if (ev->null)
			t->count[ALTMM_REPLAY_SKIPPED_FAILED_IN_TRACE]++;
		else
			compile_alloc(t, ev);
		return;
	default:
		break;
	}

	if (!page && ev->null) {
		t->count[ALTMM_REPLAY_SKIPPED_NULL_FREE]++;
		return;
	}
	link = find_link(t, ev->key, page);
	if (!link) {
		t->count[ev->type == ALTMM_REPLAY_MM_PAGE_FREE_BATCHED ?
			 ALTMM_REPLAY_SKIPPED_FREE_BATCHED :
			 ALTMM_REPLAY_SKIPPED_UNPAIRED_FREE]++;
		return;
	}
	if (!reserve_ops(t, 1, false)) {
		t->count[ALTMM_REPLAY_SKIPPED_OVER_LIMIT]++;
		t->max_ops = t->nr_ops;
		return;
	}
	if (ev->type == ALTMM_REPLAY_MM_PAGE_FREE &&
	    ev->order != t->slots[*link].order)
		t->count[ALTMM_REPLAY_FREE_ORDER_MISMATCH]++;
	compile_free(t, link);
	t->count[ALTMM_REPLAY_EVENTS_REPLAYED]++;
}

static void record_malformed(struct altmm_replay_trace *t,
			     enum altmm_replay_reason why, const char *detail)
{
	struct altmm_replay_malformed *m;

	t->count[ALTMM_REPLAY_EVENTS_READ]++;
	t->count[ALTMM_REPLAY_SKIPPED_MALFORMED]++;
	if (t->nr_malformed == ALTMM_REPLAY_MAX_MALFORMED)
		return;
	m = &t->malformed[t->nr_malformed++];
	m->line = t->count[ALTMM_REPLAY_LINES];
	m->reason = why;
	strscpy(m->detail, detail, sizeof(m->detail));
}

static void record_unsupported(struct altmm_replay_trace *t, const char *name)
{
	unsigned int i;

	t->count[ALTMM_REPLAY_EVENTS_READ]++;
	t->count[ALTMM_REPLAY_SKIPPED_UNSUPPORTED]++;
	for (i = 0; i < t->nr_unsupported; i++) {
		if (!strcmp(t->unsupported[i], name)) {
			t->unsupported_count[i]++;
			return;
		}
	}
	if (i == ALTMM_REPLAY_MAX_UNSUPPORTED)
		return;
	strscpy(t->unsupported[i], name, sizeof(t->unsupported[i]));
	t->unsupported_count[i] = 1;
	t->nr_unsupported++;
}

/* The line in t->line is complete (or was too long). */
static void end_line(struct altmm_replay_trace *t)
{
	struct altmm_replay_parse_result res;
	struct altmm_replay_event ev;

	t->count[ALTMM_REPLAY_LINES]++;
	if (t->line_overflow) {
		record_malformed(t, ALTMM_REPLAY_TOO_LONG, "");
		goto out;
	}
	switch (altmm_replay_parse_line(t->line, t->line_len, &ev, &res)) {
	case ALTMM_REPLAY_LINE_BLANK:
		t->count[ALTMM_REPLAY_LINES_BLANK]++;
		break;
	case ALTMM_REPLAY_LINE_COMMENT:
		t->count[ALTMM_REPLAY_LINES_COMMENT]++;
		break;
	case ALTMM_REPLAY_LINE_LOST:
		t->count[ALTMM_REPLAY_LOST_EVENTS] += res.lost;
		fallthrough;
	case ALTMM_REPLAY_LINE_HEADER:
		t->count[ALTMM_REPLAY_LINES_HEADER]++;
		break;
	case ALTMM_REPLAY_LINE_MALFORMED:
		record_malformed(t, res.reason, res.detail);
		break;
	case ALTMM_REPLAY_LINE_UNSUPPORTED:
		record_unsupported(t, res.name);
		break;
	case ALTMM_REPLAY_LINE_EVENT:
		t->count[ALTMM_REPLAY_EVENTS_READ]++;
		compile_event(t, &ev);
		break;
	}
out:
	t->line_len = 0;
	t->line_overflow = false;
}

/**
 * altmm_replay_trace_feed() - compile the next chunk of trace text
 * @t: the trace
 * @buf: the chunk: any bytes; lines may straddle chunks
 * @len: its length
 *
 * Context: process context (tables grow with GFP_KERNEL).
 * Return: 0, or -ENOMEM once a table could not grow (the rest is counted
 * over_limit).
 */
int altmm_replay_trace_feed(struct altmm_replay_trace *t, const char *buf,
			    size_t len)
{
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? nl - buf : len;

		if (!t->line_overflow) {
			if (n > ALTMM_REPLAY_LINE_MAX - t->line_len) {
				t->line_overflow = true;
			} else {
				memcpy(t->line + t->line_len, buf, n);
				t->line_len += n;
			}
		}
		if (!nl)
			break;
		end_line(t);
		buf += n + 1;
		len -= n + 1;
	}
	return t->error;
}

/**
 * altmm_replay_trace_finish() - the end of the text
 * @t: the trace
 *
 * A last line without a newline counts as a line.
 *
 * Context: process context.
 * Return: 0, or the error compiling stopped with.
 */
int altmm_replay_trace_finish(struct altmm_replay_trace *t)
{
	if (t->line_len || t->line_overflow)
		end_line(t);
	return t->error;
}
