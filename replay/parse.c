// SPDX-License-Identifier: GPL-2.0
/*
 * One line of kmem trace text -> one event.
 *
 * The text is what 6.1 prints for the kmem events, read from
 * /sys/kernel/tracing/trace (or trace_pipe), or printed by `trace-cmd
 * report`.  A line is
 *
 *   line    := ws* ( comment | header | lost | event )? ws* '\r'?
 *   comment := '#' any*
 *   header  := "cpus=" N | "CPU " N " is empty" | "version = " N
 *   lost    := "CPU:" N " [LOST " (N " ")? "EVENTS]"
 *   event   := comm '-' pid ws+ ( '(' ws* (tgid | "-------") ')' ws+ )?
 *              '[' cpu ']' ws+ ( flags ws+ )? secs ( '.' frac )? ':' ws+
 *              name ':' ( ws+ field )*
 *   field   := key '=' value        (value: up to the next space, but
 *              call_site's "sym+0x1/0x2 [module]" takes its module token,
 *              and kmem_cache_free's name= takes the rest of the line)
 *
 * comm is anything up to the last "-pid" before the CPU field ("<idle>",
 * "<...>", "kworker/0:1", a name with spaces or dashes); flags are 4 or 5
 * characters of irqs-off, need-resched, hard/softirq, preempt depth and
 * migrate-disable ("d..2.", "..s1."), absent with the irq-info option off
 * and in trace-cmd's output.  The fields are 6.1's TP_printk() ones (see
 * include/trace/events/kmem.h); each event accepts its own keys in any
 * order, needs the ones the replay uses, and refuses others:
 *
 *   mm_page_alloc        page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s
 *   mm_page_free         page=%p pfn=0x%lx order=%d
 *   mm_page_free_batched page=%p pfn=0x%lx order=0
 *   kmalloc              call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu
 *   kmem_cache_alloc       gfp_flags=%s node=%d accounted=%s
 *   kfree                call_site=%pS ptr=%p
 *   kmem_cache_free      call_site=%pS ptr=%p name=%s
 *
 * (kmalloc_node and kmem_cache_alloc_node, their names before 6.0, are
 * read as kmalloc and kmem_cache_alloc.)  Pointers are %p's hashed
 * "000000005a3bab10", a raw address with no_hash_pointers, or
 * libtraceevent's "0xffff888100a2b400" and "(nil)"; pfns are hex with 0x,
 * or decimal.  gfp_flags is show_gfp_flags(): "none", or names of
 * 6.1's __def_gfpflag_names joined by '|', the leftover bits as one
 * "0x..." part.  Every name it can print is in gfp_names[]; any other
 * makes the line malformed.
 *
 * Nothing is trusted: the line may hold any bytes, every number is
 * checked for overflow, every range for what a 6.1 x86-64 kernel can
 * print, and the scan is bounded by the line's length (which the
 * compiler caps at ALTMM_REPLAY_LINE_MAX).  The line need not be
 * NUL-terminated.
 */

#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "replay.h"

/* === Names === */

const char * const altmm_replay_event_names[ALTMM_REPLAY_NR_EVENT_TYPES] = {
	[ALTMM_REPLAY_MM_PAGE_ALLOC]		= "mm_page_alloc",
	[ALTMM_REPLAY_MM_PAGE_FREE]		= "mm_page_free",
	[ALTMM_REPLAY_MM_PAGE_FREE_BATCHED]	= "mm_page_free_batched",
	[ALTMM_REPLAY_KMALLOC]			= "kmalloc",
	[ALTMM_REPLAY_KMEM_CACHE_ALLOC]		= "kmem_cache_alloc",
	[ALTMM_REPLAY_KFREE]			= "kfree",
	[ALTMM_REPLAY_KMEM_CACHE_FREE]		= "kmem_cache_free",
};

const char * const altmm_replay_reason_names[ALTMM_REPLAY_NR_REASONS] = {
	[ALTMM_REPLAY_OK]			= "ok",
	[ALTMM_REPLAY_NUL_BYTE]			= "nul_byte",
	[ALTMM_REPLAY_TOO_LONG]			= "too_long",
	[ALTMM_REPLAY_BAD_CONTEXT]		= "bad_context",
	[ALTMM_REPLAY_BAD_EVENT_NAME]		= "bad_event_name",
	[ALTMM_REPLAY_BAD_FIELD]		= "bad_field",
	[ALTMM_REPLAY_UNKNOWN_FIELD]		= "unknown_field",
	[ALTMM_REPLAY_DUPLICATE_FIELD]		= "duplicate_field",
	[ALTMM_REPLAY_MISSING_FIELD]		= "missing_field",
	[ALTMM_REPLAY_BAD_NUMBER]		= "bad_number",
	[ALTMM_REPLAY_BAD_POINTER]		= "bad_pointer",
	[ALTMM_REPLAY_BAD_ORDER]		= "bad_order",
	[ALTMM_REPLAY_BAD_SIZE]			= "bad_size",
	[ALTMM_REPLAY_UNKNOWN_GFP_FLAG]		= "unknown_gfp_flag",
	[ALTMM_REPLAY_BAD_GFP]			= "bad_gfp",
	[ALTMM_REPLAY_GFP_ZONES]		= "gfp_zones",
};

/*
 * Every name show_gfp_flags() prints in 6.1 (include/trace/events/
 * mmflags.h, __def_gfpflag_names and, with KASAN_HW_TAGS,
 * __def_gfpflag_names_kasan).  The values are the running kernel's, so a
 * flag it was built without (the KASAN ones on x86) reads as 0.
 */
#define GFP_NAME(flag)	{ #flag, flag }

static const struct {
	const char *name;
	gfp_t gfp;
} gfp_names[] = {
	GFP_NAME(GFP_TRANSHUGE),
	GFP_NAME(GFP_TRANSHUGE_LIGHT),
	GFP_NAME(GFP_HIGHUSER_MOVABLE),
	GFP_NAME(GFP_HIGHUSER),
	GFP_NAME(GFP_USER),
	GFP_NAME(GFP_KERNEL_ACCOUNT),
	GFP_NAME(GFP_KERNEL),
	GFP_NAME(GFP_NOFS),
	GFP_NAME(GFP_ATOMIC),
	GFP_NAME(GFP_NOIO),
	GFP_NAME(GFP_NOWAIT),
	GFP_NAME(GFP_DMA),
	GFP_NAME(__GFP_HIGHMEM),
	GFP_NAME(GFP_DMA32),
	GFP_NAME(__GFP_HIGH),
	GFP_NAME(__GFP_ATOMIC),
	GFP_NAME(__GFP_IO),
	GFP_NAME(__GFP_FS),
	GFP_NAME(__GFP_NOWARN),
	GFP_NAME(__GFP_RETRY_MAYFAIL),
	GFP_NAME(__GFP_NOFAIL),
	GFP_NAME(__GFP_NORETRY),
	GFP_NAME(__GFP_COMP),
	GFP_NAME(__GFP_ZERO),
	GFP_NAME(__GFP_NOMEMALLOC),
	GFP_NAME(__GFP_MEMALLOC),
	GFP_NAME(__GFP_HARDWALL),
	GFP_NAME(__GFP_THISNODE),
	GFP_NAME(__GFP_RECLAIMABLE),
	GFP_NAME(__GFP_MOVABLE),
	GFP_NAME(__GFP_ACCOUNT),
	GFP_NAME(__GFP_WRITE),
	GFP_NAME(__GFP_RECLAIM),
	GFP_NAME(__GFP_DIRECT_RECLAIM),
	GFP_NAME(__GFP_KSWAPD_RECLAIM),
	GFP_NAME(__GFP_ZEROTAGS),
	GFP_NAME(__GFP_SKIP_ZERO),
	GFP_NAME(__GFP_SKIP_KASAN_POISON),
	GFP_NAME(__GFP_SKIP_KASAN_UNPOISON),
};

/*
 * The widest mask 6.1 has: 27 bits, 28 with lockdep's __GFP_NOLOCKDEP,
 * which show_gfp_flags() has no name for and prints in the hex part.
 */
#define ALTMM_REPLAY_GFP_BITS	28

/* === Fields === */

enum field {
	F_PAGE,
	F_PFN,
	F_ORDER,
	F_MIGRATETYPE,
	F_GFP_FLAGS,
	F_CALL_SITE,
	F_PTR,
	F_BYTES_REQ,
	F_BYTES_ALLOC,
	F_NODE,
	F_ACCOUNTED,
	F_NAME,
	NR_FIELDS
};

static const char * const field_names[NR_FIELDS] = {
	[F_PAGE]	= "page",
	[F_PFN]		= "pfn",
	[F_ORDER]	= "order",
	[F_MIGRATETYPE]	= "migratetype",
	[F_GFP_FLAGS]	= "gfp_flags",
	[F_CALL_SITE]	= "call_site",
	[F_PTR]		= "ptr",
	[F_BYTES_REQ]	= "bytes_req",
	[F_BYTES_ALLOC]	= "bytes_alloc",
	[F_NODE]	= "node",
	[F_ACCOUNTED]	= "accounted",
	[F_NAME]	= "name",
};

/**
 * struct event_spec - the fields of one event
 * @allowed: BIT(enum field) of the keys it prints
 * @required: those the replay needs
 */
struct event_spec {
	u16 allowed;
	u16 required;
};

#define ALLOC_OBJ_FIELDS (BIT(F_CALL_SITE) | BIT(F_PTR) | BIT(F_BYTES_REQ) | \
			  BIT(F_BYTES_ALLOC) | BIT(F_GFP_FLAGS) | BIT(F_NODE) | \
			  BIT(F_ACCOUNTED))

static const struct event_spec event_specs[ALTMM_REPLAY_NR_EVENT_TYPES] = {
	[ALTMM_REPLAY_MM_PAGE_ALLOC] = {
		BIT(F_PAGE) | BIT(F_PFN) | BIT(F_ORDER) | BIT(F_MIGRATETYPE) |
		BIT(F_GFP_FLAGS),
		BIT(F_PFN) | BIT(F_ORDER) | BIT(F_GFP_FLAGS) },
	[ALTMM_REPLAY_MM_PAGE_FREE] = {
		BIT(F_PAGE) | BIT(F_PFN) | BIT(F_ORDER),
		BIT(F_PFN) | BIT(F_ORDER) },
	[ALTMM_REPLAY_MM_PAGE_FREE_BATCHED] = {
		BIT(F_PAGE) | BIT(F_PFN) | BIT(F_ORDER),
		BIT(F_PFN) },
	[ALTMM_REPLAY_KMALLOC] = {
		ALLOC_OBJ_FIELDS,
		BIT(F_PTR) | BIT(F_BYTES_ALLOC) | BIT(F_GFP_FLAGS) },
	[ALTMM_REPLAY_KMEM_CACHE_ALLOC] = {
		ALLOC_OBJ_FIELDS,
		BIT(F_PTR) | BIT(F_BYTES_ALLOC) | BIT(F_GFP_FLAGS) },
	[ALTMM_REPLAY_KFREE] = {
		BIT(F_CALL_SITE) | BIT(F_PTR),
		BIT(F_PTR) },
	[ALTMM_REPLAY_KMEM_CACHE_FREE] = {
		BIT(F_CALL_SITE) | BIT(F_PTR) | BIT(F_NAME),
		BIT(F_PTR) },
};

static_assert(NR_FIELDS <= 16, "event_spec masks are u16");

static const struct {
	const char *name;
	enum altmm_replay_event_type type;
} event_table[] = {
	{ "mm_page_alloc",		ALTMM_REPLAY_MM_PAGE_ALLOC },
	{ "mm_page_free",		ALTMM_REPLAY_MM_PAGE_FREE },
	{ "mm_page_free_batched",	ALTMM_REPLAY_MM_PAGE_FREE_BATCHED },
	{ "kmalloc",			ALTMM_REPLAY_KMALLOC },
	{ "kmem_cache_alloc",		ALTMM_REPLAY_KMEM_CACHE_ALLOC },
	{ "kfree",			ALTMM_REPLAY_KFREE },
	{ "kmem_cache_free",		ALTMM_REPLAY_KMEM_CACHE_FREE },
	{ "kmalloc_node",		ALTMM_REPLAY_KMALLOC },
	{ "kmem_cache_alloc_node",	ALTMM_REPLAY_KMEM_CACHE_ALLOC },
};

/* === Scanning helpers: every one stays within [p, end) === */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

static const char *skip_digits(const char *p, const char *end)
{
	while (p < end && isdigit(*p))
		p++;
	return p;
}

/* [p, end) equals the NUL-terminated @s. */
static bool span_eq(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) == n && !memcmp(p, s, n);
}

/* [p, end) starts with @s: the position after it, or NULL. */
static const char *eat(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - p) < n || memcmp(p, s, n))
		return NULL;
	return p + n;
}

/* One or more digits, then @p must be at @end: the number. */
static bool parse_digits(const char *p, const char *end, u64 *val)
{
	const char *q = skip_digits(p, end);
	u64 v = 0;

	if (q == p || q != end)
		return false;
	for (; p < end; p++) {
		if (check_mul_overflow(v, (u64)10, &v) ||
		    check_add_overflow(v, (u64)(*p - '0'), &v))
			return false;
	}
	*val = v;
	return true;
}

/* 1 to 16 hex digits spanning [p, end). */
static bool parse_hex(const char *p, const char *end, u64 *val)
{
	u64 v = 0;

	if (p == end || end - p > 16)
		return false;
	for (; p < end; p++) {
		int d = hex_to_bin(*p);

		if (d < 0)
			return false;
		v = (v << 4) | d;
	}
	*val = v;
	return true;
}

/* An optional '-' and digits, within [lo, hi]. */
static bool parse_int(const char *p, const char *end, s64 lo, s64 hi, s64 *val)
{
	bool neg = p < end && *p == '-';
	u64 v;

	if (!parse_digits(p + neg, end, &v) || v > (u64)S64_MAX)
		return false;
	*val = neg ? -(s64)v : (s64)v;
	return *val >= lo && *val <= hi;
}

/* "0x" hex, or decimal. */
static bool parse_pfn(const char *p, const char *end, u64 *val)
{
	const char *q = eat(p, end, "0x");

	return q ? parse_hex(q, end, val) : parse_digits(p, end, val);
}

/* %p as the kernel or libtraceevent prints it; NULL as 0. */
static bool parse_ptr(const char *p, const char *end, u64 *val)
{
	const char *q;

	if (span_eq(p, end, "(nil)") || span_eq(p, end, "(null)")) {
		*val = 0;
		return true;
	}
	q = eat(p, end, "0x");
	return parse_hex(q ?: p, end, val);
}

/* The printable part of [p, end), at most @size - 1 bytes, into @out. */
static void set_detail(char *out, size_t size, const char *p, const char *end)
{
	size_t i, n = min_t(size_t, end - p, size - 1);

	for (i = 0; i < n; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
	out[n] = '\0';
}

static enum altmm_replay_line_kind
malformed(struct altmm_replay_parse_result *res, enum altmm_replay_reason why,
	  const char *p, const char *end)
{
	res->reason = why;
	set_detail(res->detail, sizeof(res->detail), p, end);
	return ALTMM_REPLAY_LINE_MALFORMED;
}

static enum altmm_replay_line_kind
malformed_str(struct altmm_replay_parse_result *res,
	      enum altmm_replay_reason why, const char *s)
{
	return malformed(res, why, s, s + strlen(s));
}

/* === GFP === */

static bool gfp_name_lookup(const char *p, const char *end, gfp_t *gfp)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(gfp_names); i++) {
		if (span_eq(p, end, gfp_names[i].name)) {
			*gfp = gfp_names[i].gfp;
			return true;
		}
	}
	return false;
}

/**
 * altmm_replay_parse_gfp() - a GFP mask from show_gfp_flags()'s text
 * @s: the text (need not be NUL-terminated)
 * @len: its length
 * @gfp: the mask, in the running kernel's bits, on success
 * @res: on failure, the reason and the part at fault
 *
 * Context: any.
 * Return: 0, or -EINVAL: an empty part, an unknown name, a hex part that
 * is not hex or has bits beyond 6.1's widest mask, or two zone modifiers
 * (no 6.1 caller passes those; gfp_zone() would BUG with DEBUG_VM).
 */
int altmm_replay_parse_gfp(const char *s, size_t len, gfp_t *gfp,
			   struct altmm_replay_parse_result *res)
{
	const char *p = s, *end = s + len;
	gfp_t mask = 0;

	if (span_eq(p, end, "none")) {
		*gfp = 0;
		return 0;
	}
	for (;;) {
		const char *bar = memchr(p, '|', end - p);
		const char *e = bar ?: end;
		const char *hex = eat(p, e, "0x");
		gfp_t part;
		u64 v;

		if (p == e) {
			malformed(res, ALTMM_REPLAY_BAD_GFP, s, end);
			return -EINVAL;
		}
		if (hex) {
			if (!parse_hex(hex, e, &v) ||
			    v >> ALTMM_REPLAY_GFP_BITS) {
				malformed(res, ALTMM_REPLAY_BAD_GFP, p, e);
				return -EINVAL;
			}
			part = (__force gfp_t)(u32)v;
		} else if (!gfp_name_lookup(p, e, &part)) {
			malformed(res, ALTMM_REPLAY_UNKNOWN_GFP_FLAG, p, e);
			return -EINVAL;
		}
		mask |= part;
		if (!bar)
			break;
		p = bar + 1;
	}
	if (hweight32((__force u32)(mask & (__GFP_DMA | __GFP_DMA32 |
					    __GFP_HIGHMEM))) > 1) {
		malformed(res, ALTMM_REPLAY_GFP_ZONES, s, end);
		return -EINVAL;
	}
	*gfp = mask;
	return 0;
}

/* === The context: "comm-pid (tgid) [cpu] flags time: " === */

/*
 * A CPU field "[N]" can only start this far into a line: comm is at most
 * 15 bytes (TASK_COMM_LEN) in 16 columns, pid and tgid are 7 wide each.
 * The bound keeps the scan linear however the line is crafted.
 */
#define CONTEXT_SCAN	96

/* Before the '[' at @b: ws, an optional "(tgid)" and ws, then comm-pid. */
static bool context_left_ok(const char *line, const char *b)
{
	const char *e = b;

	if (e == line || !is_ws(e[-1]))
		return false;
	while (e > line && is_ws(e[-1]))
		e--;
	if (e > line && e[-1] == ')') {
		const char *o = e - 1;

		while (o > line && o[-1] != '(') {
			if (!isdigit(o[-1]) && o[-1] != '-' && !is_ws(o[-1]))
				return false;
			o--;
		}
		if (o == line || o - 1 == line || !is_ws(o[-2]))
			return false;
		e = o - 1;
		while (e > line && is_ws(e[-1]))
			e--;
	}
	/* "-pid", with at least one byte of comm before it. */
	if (e == line || !isdigit(e[-1]))
		return false;
	while (e > line && isdigit(e[-1]))
		e--;
	return e - line >= 2 && e[-1] == '-';
}

/* irqs-off, need-resched, hard/softirq, preempt and (6.1) migrate-disable. */
static bool is_lat_flags(const char *p, const char *end)
{
	static const char * const sets[] = {
		"DdbX.", "Nnp.", "ZzHhs.", "0123456789abcdef.",
		"0123456789abcdef.",
	};
	int i, n = end - p;

	if (n != 4 && n != 5)
		return false;
	for (i = 0; i < n; i++)
		if (!p[i] || !strchr(sets[i], p[i]))
			return false;
	return true;
}

/* "secs[.frac]:" then ws: the position after the ':', or NULL. */
static const char *eat_timestamp(const char *p, const char *end)
{
	const char *q = skip_digits(p, end);

	if (q == p)
		return NULL;
	if (q < end && *q == '.') {
		const char *f = skip_digits(q + 1, end);

		if (f == q + 1)
			return NULL;
		q = f;
	}
	if (q == end || *q != ':' || q + 1 == end || !is_ws(q[1]))
		return NULL;
	return q + 1;
}

/* After "[cpu] ": optional flags, then the timestamp. */
static const char *eat_flags_and_time(const char *p, const char *end)
{
	const char *tok_end = p, *t;

	while (tok_end < end && !is_ws(*tok_end))
		tok_end++;
	t = eat_timestamp(p, end);
	if (t)
		return t;
	if (!is_lat_flags(p, tok_end))
		return NULL;
	return eat_timestamp(skip_ws(tok_end, end), end);
}

/* The position after "timestamp:", or NULL when there is no context. */
static const char *eat_context(const char *line, const char *end)
{
	const char *lim = min(end, line + CONTEXT_SCAN);
	const char *b;

	for (b = line; b < lim; b++) {
		const char *d, *q;

		if (*b != '[')
			continue;
		d = skip_digits(b + 1, end);
		if (d == b + 1 || d - b > 6 || d == end || *d != ']' ||
		    d + 1 == end || !is_ws(d[1]))
			continue;
		if (!context_left_ok(line, b))
			continue;
		q = eat_flags_and_time(skip_ws(d + 1, end), end);
		if (q)
			return q;
	}
	return NULL;
}

/* === Headers === */

static enum altmm_replay_line_kind
parse_header(const char *p, const char *end, struct altmm_replay_parse_result *res)
{
	const char *q, *d;
	u64 n;

	q = eat(p, end, "cpus=");
	if (q && parse_digits(q, end, &n))
		return ALTMM_REPLAY_LINE_HEADER;
	q = eat(p, end, "version = ");
	if (q && parse_digits(q, end, &n))
		return ALTMM_REPLAY_LINE_HEADER;
	q = eat(p, end, "CPU ");
	if (q) {
		d = skip_digits(q, end);
		if (d > q && span_eq(d, end, " is empty"))
			return ALTMM_REPLAY_LINE_HEADER;
	}
	q = eat(p, end, "CPU:");
	if (q) {
		d = skip_digits(q, end);
		q = d > q ? eat(d, end, " [LOST ") : NULL;
		if (q && span_eq(q, end, "EVENTS]"))
			return ALTMM_REPLAY_LINE_LOST;
		d = q ? skip_digits(q, end) : NULL;
		if (d && d > q && span_eq(d, end, " EVENTS]") &&
		    parse_digits(q, d, &n)) {
			res->lost = n;
			return ALTMM_REPLAY_LINE_LOST;
		}
	}
	return ALTMM_REPLAY_LINE_EVENT;	/* not a header: an event, or malformed */
}

/* === Fields === */

static int field_lookup(const char *p, const char *end)
{
	int i;

	for (i = 0; i < NR_FIELDS; i++)
		if (span_eq(p, end, field_names[i]))
			return i;
	return -1;
}

/* The value of field @f in [v, e); fills @ev. */
static enum altmm_replay_reason parse_value(int f, const char *v, const char *e,
					    struct altmm_replay_event *ev,
					    struct altmm_replay_parse_result *res,
					    bool *page_null)
{
	s64 n;
	u64 u;

	switch (f) {
	case F_PAGE:
		if (!parse_ptr(v, e, &u))
			return ALTMM_REPLAY_BAD_POINTER;
		*page_null = !u;
		return ALTMM_REPLAY_OK;
	case F_PTR:
		if (!parse_ptr(v, e, &ev->key))
			return ALTMM_REPLAY_BAD_POINTER;
		ev->null = !ev->key;
		return ALTMM_REPLAY_OK;
	case F_PFN:
		return parse_pfn(v, e, &ev->key) ? ALTMM_REPLAY_OK :
						   ALTMM_REPLAY_BAD_NUMBER;
	case F_ORDER:
		if (!parse_int(v, e, S32_MIN, S32_MAX, &n))
			return ALTMM_REPLAY_BAD_NUMBER;
		if (n < 0 || n > ALTMM_REPLAY_MAX_ORDER)
			return ALTMM_REPLAY_BAD_ORDER;
		ev->order = n;
		return ALTMM_REPLAY_OK;
	case F_MIGRATETYPE:
		/* MIGRATE_TYPES is at most 7 in 6.1; 4 bits hold it anywhere. */
		return parse_int(v, e, 0, 15, &n) ? ALTMM_REPLAY_OK :
						    ALTMM_REPLAY_BAD_NUMBER;
	case F_NODE:
		/* NUMA_NO_NODE, or a node below 1 << NODES_SHIFT (10 at most). */
		return parse_int(v, e, -1, 1023, &n) ? ALTMM_REPLAY_OK :
						       ALTMM_REPLAY_BAD_NUMBER;
	case F_BYTES_REQ:
		return parse_digits(v, e, &ev->bytes_req) ? ALTMM_REPLAY_OK :
							    ALTMM_REPLAY_BAD_NUMBER;
	case F_BYTES_ALLOC:
		return parse_digits(v, e, &ev->bytes_alloc) ? ALTMM_REPLAY_OK :
							      ALTMM_REPLAY_BAD_NUMBER;
	case F_GFP_FLAGS:
		/* Fills res->reason and detail itself. */
		if (altmm_replay_parse_gfp(v, e - v, &ev->gfp, res))
			return res->reason;
		return ALTMM_REPLAY_OK;
	case F_ACCOUNTED:
		return span_eq(v, e, "true") || span_eq(v, e, "false") ?
		       ALTMM_REPLAY_OK : ALTMM_REPLAY_BAD_FIELD;
	case F_CALL_SITE:
	case F_NAME:
		return v < e ? ALTMM_REPLAY_OK : ALTMM_REPLAY_BAD_FIELD;
	}
	return ALTMM_REPLAY_UNKNOWN_FIELD;
}

static enum altmm_replay_line_kind
parse_fields(const char *p, const char *end, struct altmm_replay_event *ev,
	     struct altmm_replay_parse_result *res)
{
	const struct event_spec *spec = &event_specs[ev->type];
	bool page_null = false;
	u16 seen = 0;
	int f;

	for (p = skip_ws(p, end); p < end; p = skip_ws(p, end)) {
		const char *tok = p, *eq, *v, *e;
		enum altmm_replay_reason why;

		while (p < end && !is_ws(*p))
			p++;
		eq = memchr(tok, '=', p - tok);
		if (!eq || eq == tok)
			return malformed(res, ALTMM_REPLAY_BAD_FIELD, tok, p);
		f = field_lookup(tok, eq);
		if (f < 0 || !(spec->allowed & BIT(f)))
			return malformed(res, ALTMM_REPLAY_UNKNOWN_FIELD, tok, eq);
		if (seen & BIT(f))
			return malformed(res, ALTMM_REPLAY_DUPLICATE_FIELD, tok, eq);
		seen |= BIT(f);
		v = eq + 1;
		e = p;
		if (f == F_NAME) {
			/* The last field, and a cache name is any string. */
			e = end;
			p = end;
		} else if (f == F_CALL_SITE) {
			/* %pS of a module symbol: "sym+0x1/0x2 [module]". */
			const char *m = skip_ws(p, end), *me = m;

			while (me < end && !is_ws(*me))
				me++;
			if (me - m >= 3 && *m == '[' && me[-1] == ']' &&
			    !memchr(m, '=', me - m))
				p = me;
		}
		why = parse_value(f, v, e, ev, res, &page_null);
		if (why == ALTMM_REPLAY_UNKNOWN_GFP_FLAG || why == ALTMM_REPLAY_BAD_GFP ||
		    why == ALTMM_REPLAY_GFP_ZONES)
			return ALTMM_REPLAY_LINE_MALFORMED;
		if (why != ALTMM_REPLAY_OK)
			return malformed(res, why, tok, e);
	}

	if ((seen & spec->required) != spec->required) {
		for (f = 0; f < NR_FIELDS; f++)
			if ((spec->required & ~seen) & BIT(f))
				break;
		return malformed_str(res, ALTMM_REPLAY_MISSING_FIELD,
				     field_names[f]);
	}

	switch (ev->type) {
	case ALTMM_REPLAY_MM_PAGE_ALLOC:
		/* A failed allocation prints page=NULL (and pfn=0x0). */
		ev->null = page_null;
		break;
	case ALTMM_REPLAY_MM_PAGE_FREE_BATCHED:
		if (ev->order)
			return malformed_str(res, ALTMM_REPLAY_BAD_ORDER, "order");
		break;
	case ALTMM_REPLAY_KMALLOC:
	case ALTMM_REPLAY_KMEM_CACHE_ALLOC:
		if (!(seen & BIT(F_BYTES_REQ)))
			ev->bytes_req = ev->bytes_alloc;
		if (!ev->bytes_alloc || ev->bytes_alloc > ALTMM_REPLAY_MAX_BYTES ||
		    ev->bytes_req > ev->bytes_alloc)
			return malformed_str(res, ALTMM_REPLAY_BAD_SIZE,
					     "bytes_alloc");
		break;
	default:
		break;
	}
	return ALTMM_REPLAY_LINE_EVENT;
}

/* === A line === */

/**
 * altmm_replay_parse_line() - what one line of trace text is
 * @line: the line, without its newline (need not be NUL-terminated)
 * @len: its length; the caller caps it (ALTMM_REPLAY_LINE_MAX)
 * @ev: for ALTMM_REPLAY_LINE_EVENT, the event
 * @res: the reason a line is malformed, a lost count, an unsupported name
 *
 * Context: any.
 * Return: the kind of line.
 */
enum altmm_replay_line_kind
altmm_replay_parse_line(const char *line, size_t len,
			struct altmm_replay_event *ev,
			struct altmm_replay_parse_result *res)
{
	const char *p = line, *end = line + len, *q, *name;
	enum altmm_replay_line_kind kind;
	int i;

	memset(ev, 0, sizeof(*ev));
	memset(res, 0, sizeof(*res));

	if (memchr(line, '\0', len))
		return malformed(res, ALTMM_REPLAY_NUL_BYTE, line, end);
	while (end > p && (is_ws(end[-1]) || end[-1] == '\r'))
		end--;
	p = skip_ws(p, end);
	if (p == end)
		return ALTMM_REPLAY_LINE_BLANK;
	if (*p == '#')
		return ALTMM_REPLAY_LINE_COMMENT;
	kind = parse_header(p, end, res);
	if (kind != ALTMM_REPLAY_LINE_EVENT)
		return kind;

	q = eat_context(p, end);
	if (!q)
		return malformed(res, ALTMM_REPLAY_BAD_CONTEXT, p, end);
	name = skip_ws(q, end);
	for (q = name; q < end && (islower(*q) || isdigit(*q) || *q == '_'); q++)
		;
	if (q == name || q == end || *q != ':' || (q + 1 < end && !is_ws(q[1])))
		return malformed(res, ALTMM_REPLAY_BAD_EVENT_NAME, name, end);

	for (i = 0; i < ARRAY_SIZE(event_table); i++)
		if (span_eq(name, q, event_table[i].name))
			break;
	if (i == ARRAY_SIZE(event_table)) {
		set_detail(res->name, sizeof(res->name), name, q);
		return ALTMM_REPLAY_LINE_UNSUPPORTED;
	}
	ev->type = event_table[i].type;
	return parse_fields(q + 1, end, ev, res);
}
