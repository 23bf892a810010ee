/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altmm_replay: replay the kernel's kmem trace events on altmm and on the
 * host's allocator.  Shared by the module's files and by the KUnit suite
 * (kunit/altmm_replay_test.c), which compiles parse.c, compile.c and
 * engine.c into itself so that it needs nothing but altmm.ko loaded.
 *
 * A replay has three stages:
 *
 *   1. parse.c    one line of ftrace text -> one &struct altmm_replay_event
 *                 (or why the line is a comment, a header or malformed)
 *   2. compile.c  lines, from chunks of any size -> an array of
 *                 &struct altmm_replay_op, frees paired to allocations by
 *                 pfn or pointer; every line is counted in one bucket
 *   3. engine.c   the ops, run on a private altmm instance and on the host,
 *                 timed, with peak frames in use and failures per side
 *
 * The ops array is the trace with the text gone: a free op names the slot
 * its allocation filled, so running it needs no lookup, and the same
 * array is run on both sides.
 */
#ifndef _ALTMM_REPLAY_H
#define _ALTMM_REPLAY_H

#include <linux/gfp.h>
#include <linux/types.h>

struct altmm_system;

/* === Limits === */

#define ALTMM_REPLAY_LINE_MAX		4096	/* bytes, newline excluded */
#define ALTMM_REPLAY_MAX_ORDER		10	/* x86-64 6.1: MAX_ORDER - 1 */
#define ALTMM_REPLAY_MAX_BYTES		(PAGE_SIZE << ALTMM_REPLAY_MAX_ORDER)
#define ALTMM_REPLAY_MAX_CACHES		64	/* distinct kmem_cache sizes */
#define ALTMM_REPLAY_CACHE_MAX_SIZE	32768	/* altmm's largest cache object */
#define ALTMM_REPLAY_MAX_MALFORMED	64	/* kept with line number and why */
#define ALTMM_REPLAY_DETAIL_LEN		48
#define ALTMM_REPLAY_MAX_UNSUPPORTED	8	/* distinct unsupported names kept */
#define ALTMM_REPLAY_NAME_LEN		32
#define ALTMM_REPLAY_MAX_ROUNDS		32

/* === One line === */

enum altmm_replay_event_type {
	ALTMM_REPLAY_MM_PAGE_ALLOC,
	ALTMM_REPLAY_MM_PAGE_FREE,
	ALTMM_REPLAY_MM_PAGE_FREE_BATCHED,
	ALTMM_REPLAY_KMALLOC,
	ALTMM_REPLAY_KMEM_CACHE_ALLOC,
	ALTMM_REPLAY_KFREE,
	ALTMM_REPLAY_KMEM_CACHE_FREE,
	ALTMM_REPLAY_NR_EVENT_TYPES
};

extern const char * const altmm_replay_event_names[ALTMM_REPLAY_NR_EVENT_TYPES];

enum altmm_replay_line_kind {
	ALTMM_REPLAY_LINE_BLANK,	/* nothing but white space */
	ALTMM_REPLAY_LINE_COMMENT,	/* '#': ftrace's header and markers */
	ALTMM_REPLAY_LINE_HEADER,	/* trace-cmd's "cpus=2", "CPU 1 is empty" */
	ALTMM_REPLAY_LINE_LOST,		/* "CPU:1 [LOST 42 EVENTS]" */
	ALTMM_REPLAY_LINE_EVENT,	/* one of the seven kmem events */
	ALTMM_REPLAY_LINE_UNSUPPORTED,	/* a well-formed line of another event */
	ALTMM_REPLAY_LINE_MALFORMED,
};

/* Why a line is malformed; the report prints altmm_replay_reason_names. */
enum altmm_replay_reason {
	ALTMM_REPLAY_OK,
	ALTMM_REPLAY_NUL_BYTE,		/* a NUL inside the line */
	ALTMM_REPLAY_TOO_LONG,		/* longer than ALTMM_REPLAY_LINE_MAX */
	ALTMM_REPLAY_BAD_CONTEXT,	/* no "task-pid [cpu] flags time:" */
	ALTMM_REPLAY_BAD_EVENT_NAME,	/* no "name:" after the timestamp */
	ALTMM_REPLAY_BAD_FIELD,		/* a token that is not key=value */
	ALTMM_REPLAY_UNKNOWN_FIELD,	/* a key the event does not have */
	ALTMM_REPLAY_DUPLICATE_FIELD,
	ALTMM_REPLAY_MISSING_FIELD,	/* a key the replay needs */
	ALTMM_REPLAY_BAD_NUMBER,	/* not a number, or too large */
	ALTMM_REPLAY_BAD_POINTER,
	ALTMM_REPLAY_BAD_ORDER,		/* outside 0..ALTMM_REPLAY_MAX_ORDER */
	ALTMM_REPLAY_BAD_SIZE,		/* bytes_alloc outside 1..4 MiB, or < bytes_req */
	ALTMM_REPLAY_UNKNOWN_GFP_FLAG,	/* a name show_gfp_flags() cannot print */
	ALTMM_REPLAY_BAD_GFP,		/* empty part, or bits beyond 6.1's */
	ALTMM_REPLAY_GFP_ZONES,		/* two zone modifiers at once */
	ALTMM_REPLAY_NR_REASONS
};

extern const char * const altmm_replay_reason_names[ALTMM_REPLAY_NR_REASONS];

/**
 * struct altmm_replay_event - what one event line says
 * @type: which event (aliases such as kmalloc_node map to their 6.1 name)
 * @key: pfn (page events) or pointer value (object events)
 * @null: the page or pointer printed was NULL: a failed allocation, or
 *	kfree(NULL)
 * @order: page events
 * @bytes_req: object allocations, if printed (else @bytes_alloc)
 * @bytes_alloc: object allocations
 * @gfp: allocations: the mask, in the running kernel's bits
 */
struct altmm_replay_event {
	enum altmm_replay_event_type type;
	u64 key;
	bool null;
	unsigned int order;
	u64 bytes_req;
	u64 bytes_alloc;
	gfp_t gfp;
};

/**
 * struct altmm_replay_parse_result - what a line is, beyond its event
 * @reason: why it is malformed, or ALTMM_REPLAY_OK
 * @detail: the token at fault (printable ASCII, NUL-terminated), or ""
 * @lost: for ALTMM_REPLAY_LINE_LOST, the events lost (0 if not said)
 * @name: for ALTMM_REPLAY_LINE_UNSUPPORTED, the event name
 */
struct altmm_replay_parse_result {
	enum altmm_replay_reason reason;
	char detail[ALTMM_REPLAY_DETAIL_LEN];
	u64 lost;
	char name[ALTMM_REPLAY_NAME_LEN];
};

enum altmm_replay_line_kind
altmm_replay_parse_line(const char *line, size_t len,
			struct altmm_replay_event *ev,
			struct altmm_replay_parse_result *res);
int altmm_replay_parse_gfp(const char *s, size_t len, gfp_t *gfp,
			   struct altmm_replay_parse_result *res);

/* === The compiled trace === */

enum altmm_replay_op_kind {
	ALTMM_REPLAY_OP_PAGE_ALLOC,	/* @order, @gfp */
	ALTMM_REPLAY_OP_KMALLOC,	/* @size, @gfp */
	ALTMM_REPLAY_OP_CACHE_ALLOC,	/* @cache, @gfp */
	ALTMM_REPLAY_OP_PAGE_FREE,	/* @order */
	ALTMM_REPLAY_OP_KFREE,
	ALTMM_REPLAY_OP_CACHE_FREE,	/* @cache */
	ALTMM_REPLAY_NR_OP_KINDS
};

/**
 * struct altmm_replay_op - one allocation or free to replay
 * @slot: where the allocation's result is kept until its free
 * @gfp: allocations: the mask, already made safe to replay
 * @size: ALTMM_REPLAY_OP_KMALLOC: bytes
 * @cache: the cache ops: index into &altmm_replay_trace.cache_size
 * @kind: &enum altmm_replay_op_kind
 * @order: the page ops
 */
struct altmm_replay_op {
	u32 slot;
	u32 gfp;
	u32 size;
	u16 cache;
	u8 kind;
	u8 order;
};

/**
 * struct altmm_replay_slot - a live allocation while compiling, keyed by
 *	pfn or pointer
 * @key: the pfn or pointer value
 * @next: next slot on the hash chain, or on the free list
 * @live: in use (else on the free list)
 * @page: keyed by pfn (else by pointer)
 * @kind: the op that allocated it
 * @order: page allocations
 * @cache: cache allocations
 * @bytes: object allocations: bytes_alloc
 */
struct altmm_replay_slot {
	u64 key;
	u32 next;
	bool live;
	bool page;
	u8 kind;
	u8 order;
	u16 cache;
	u32 bytes;
};

/**
 * struct altmm_replay_malformed - one malformed line, for the report
 * @line: its number, from 1
 * @reason: why
 * @detail: the token at fault
 */
struct altmm_replay_malformed {
	u64 line;
	enum altmm_replay_reason reason;
	char detail[ALTMM_REPLAY_DETAIL_LEN];
};

/* Where each line goes; every event line is counted in exactly one. */
enum altmm_replay_count {
	ALTMM_REPLAY_LINES,		/* every line */
	ALTMM_REPLAY_LINES_COMMENT,
	ALTMM_REPLAY_LINES_HEADER,
	ALTMM_REPLAY_LINES_BLANK,
	ALTMM_REPLAY_LOST_EVENTS,	/* sum of "[LOST n EVENTS]" */
	ALTMM_REPLAY_EVENTS_READ,	/* lines that are none of the above */
	ALTMM_REPLAY_EVENTS_REPLAYED,	/* compiled into an op */
	ALTMM_REPLAY_SKIPPED_UNPAIRED_FREE,	/* allocated before the trace */
	ALTMM_REPLAY_SKIPPED_FREE_BATCHED,	/* second half of an mm_page_free */
	ALTMM_REPLAY_SKIPPED_NULL_FREE,		/* kfree(NULL) and the like */
	ALTMM_REPLAY_SKIPPED_FAILED_IN_TRACE,	/* the traced allocation failed */
	ALTMM_REPLAY_SKIPPED_MALFORMED,
	ALTMM_REPLAY_SKIPPED_UNSUPPORTED,
	ALTMM_REPLAY_SKIPPED_OVER_LIMIT,	/* past max_events */
	ALTMM_REPLAY_ALLOC_OF_LIVE_KEY,	/* its earlier free is missing */
	ALTMM_REPLAY_FREE_ORDER_MISMATCH,
	ALTMM_REPLAY_CACHE_FALLBACKS,	/* kmem_cache_alloc replayed as kmalloc */
	ALTMM_REPLAY_LIVE_AT_END,
	ALTMM_REPLAY_PEAK_LIVE,		/* allocations live at once */
	ALTMM_REPLAY_PEAK_PAGE_FRAMES,	/* frames of live page allocations */
	ALTMM_REPLAY_PEAK_OBJECT_BYTES,	/* bytes_alloc of live objects */
	ALTMM_REPLAY_NR_COUNTS
};

extern const char * const altmm_replay_count_names[ALTMM_REPLAY_NR_COUNTS];

/**
 * struct altmm_replay_trace - a trace being compiled, then compiled
 * @count: &enum altmm_replay_count
 * @events: valid lines of each event type
 * @ops: the compiled trace
 * @nr_ops: ops in @ops
 * @cap_ops: room in @ops
 * @max_ops: never more than this many ops (max_events)
 * @slots: live allocations while compiling; afterwards, those still live
 * @nr_slots: slots ever used (the engines' handle arrays have this many)
 * @cap_slots: room in @slots
 * @free_slot: head of the free list, or U32_MAX
 * @buckets: hash chain heads, U32_MAX for empty
 * @nr_buckets: a power of two, at least twice @cap_slots
 * @cur_page_frames: frames of live page allocations
 * @cur_object_bytes: bytes of live objects
 * @cache_size: bytes of each cache kmem_cache_alloc events are replayed on
 * @nr_caches: entries in @cache_size
 * @malformed: the first malformed lines
 * @nr_malformed: entries in @malformed
 * @unsupported: names of unsupported events seen
 * @unsupported_count: lines of each
 * @nr_unsupported: entries in @unsupported
 * @line: the line being assembled
 * @line_len: bytes in @line
 * @line_overflow: the line went past ALTMM_REPLAY_LINE_MAX: skip to its end
 * @error: 0, or -ENOMEM when a table could not grow (compiling stops)
 *
 * Owned by one writer at a time; nothing here is locked.
 */
struct altmm_replay_trace {
	u64 count[ALTMM_REPLAY_NR_COUNTS];
	u64 events[ALTMM_REPLAY_NR_EVENT_TYPES];

	struct altmm_replay_op *ops;
	u32 nr_ops;
	u32 cap_ops;
	u32 max_ops;

	struct altmm_replay_slot *slots;
	u32 nr_slots;
	u32 cap_slots;
	u32 free_slot;
	u32 *buckets;
	u32 nr_buckets;
	u64 cur_page_frames;
	u64 cur_object_bytes;

	u32 cache_size[ALTMM_REPLAY_MAX_CACHES];
	unsigned int nr_caches;

	struct altmm_replay_malformed malformed[ALTMM_REPLAY_MAX_MALFORMED];
	unsigned int nr_malformed;
	char unsupported[ALTMM_REPLAY_MAX_UNSUPPORTED][ALTMM_REPLAY_NAME_LEN];
	u64 unsupported_count[ALTMM_REPLAY_MAX_UNSUPPORTED];
	unsigned int nr_unsupported;

	char line[ALTMM_REPLAY_LINE_MAX + 1];
	size_t line_len;
	bool line_overflow;
	int error;
};

void altmm_replay_trace_init(struct altmm_replay_trace *t, u32 max_ops);
int altmm_replay_trace_feed(struct altmm_replay_trace *t, const char *buf,
			    size_t len);
int altmm_replay_trace_finish(struct altmm_replay_trace *t);
void altmm_replay_trace_release(struct altmm_replay_trace *t);
gfp_t altmm_replay_safe_gfp(gfp_t gfp, bool object);

/* === Running it === */

enum altmm_replay_side {
	ALTMM_REPLAY_ALTMM,
	ALTMM_REPLAY_HOST,
	ALTMM_REPLAY_NR_SIDES
};

/**
 * struct altmm_replay_side_result - one side's figures
 * @ns: the op loop's time in each round
 * @nr_rounds: rounds run
 * @alloc_failures: allocations that returned NULL, first round
 * @frees_skipped: frees of those, first round
 * @free_refused: frees the allocator refused (altmm only; a bug), first round
 * @peak_frames: most frames in use at once, above the round's start, first
 *	round
 * @cache_failures: caches that could not be created (their allocations
 *	fail)
 */
struct altmm_replay_side_result {
	u64 ns[ALTMM_REPLAY_MAX_ROUNDS];
	unsigned int nr_rounds;
	u64 alloc_failures;
	u64 frees_skipped;
	u64 free_refused;
	u64 peak_frames;
	unsigned int cache_failures;
};

/**
 * struct altmm_replay_zone_state - a zone of the altmm instance after the
 *	last event
 * @nid: node
 * @zone: zone type name
 * @nr_free: free blocks per order
 */
struct altmm_replay_zone_state {
	int nid;
	const char *zone;
	unsigned long nr_free[ALTMM_REPLAY_MAX_ORDER + 1];
};

#define ALTMM_REPLAY_MAX_ZONES	48

/**
 * struct altmm_replay_result - what a replay measured
 * @side: per side
 * @zones: the altmm instance's populated zones after the last event of
 *	its first round (before what was live at the end was freed)
 * @nr_zones: entries in @zones
 */
struct altmm_replay_result {
	struct altmm_replay_side_result side[ALTMM_REPLAY_NR_SIDES];
	struct altmm_replay_zone_state zones[ALTMM_REPLAY_MAX_ZONES];
	unsigned int nr_zones;
};

int altmm_replay_run(const struct altmm_replay_trace *t,
		     struct altmm_system *sys, unsigned int rounds,
		     struct altmm_replay_result *res);

#endif /* _ALTMM_REPLAY_H */
