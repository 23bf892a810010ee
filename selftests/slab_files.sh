#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The slab files of altmm.ko read like Linux 6.1's, and slabtop reads them.
#
# For each layout (the defaults; four nodes with slab_debug=ZPU), with
# altmm_consumer.ko loaded so that a cache of its own and a vmalloc area
# are live:
#   slabinfo   its two header lines are those of reference/proc-slabinfo.txt
#              (6.1 without CONFIG_DEBUG_SLAB); every other line is what
#              cache_show()'s format "%-17s %6lu %6lu %6u %4u %4d :
#              tunables %4u %4u %4u : slabdata %6lu %6lu %6lu" prints of its
#              own fields (the reference's lines pass the same check);
#   kmalloc    kmalloc-, kmalloc-rcl- and dma-kmalloc- of 8 .. 8k (with 96
#              and 192) are listed, with 6.1's names (all in the reference)
#              and object sizes (without slab_debug);
#   tunables   limit and batchcount are enable_cpucache()'s for the object
#              size (>128k: 1, >4k: 8, >1k: 24, >256: 54, else 120; batch
#              (limit+1)/2); sharedfactor is 0 above a page, and below
#              one the same for every cache: 8 with more than one CPU
#              (or node), else 0; sharedavail at most sharedfactor x
#              batch per node (at most 8 nodes);
#   counts     num_objs = num_slabs x objperslab, active <= total for both,
#              pagesperslab 1, 2, 4 or 8; the oldest cache (kmem_cache) is
#              the last line and the consumer's the first, as the kernel
#              lists newest first;
#   meminfo    Slab is the sum of num_slabs x pagesperslab pages, and
#              SReclaimable the part of the reclaim_account caches;
#   slab/      a directory per cache of slabinfo, each file in SLUB's
#              format (N<node>= and C<cpu>= breakdowns that add up), and
#              agreeing with the slabinfo line;
#   vmallocinfo  every line in 6.1's s_show() format (the reference's
#              lines pass the same check), the consumer's ring among them;
#   slabtop    with altmm's slabinfo bind-mounted over /proc/slabinfo,
#              "slabtop -o -s c" lists kmalloc-64 and the consumer's cache.

. "$(dirname "$0")/lib.sh"

LAYOUTS='defaults
nodes=4 arena_mb=512 slab_debug=ZPU'
STEPS=12
REF_SLABINFO=$REFERENCE_DIR/proc-slabinfo.txt
REF_VMALLOCINFO=$REFERENCE_DIR/proc-vmallocinfo.txt
CONSUMER=altmm_consumer
CACHE=altmm_consumer_req
CONSUMER_KO=${CONSUMER_KO:-$(first_file /altmm/modules/$CONSUMER.ko \
	"$SELFTESTS_DIR/../build/amd64/consumer/$CONSUMER.ko")}
SLABTOP=${SLABTOP:-$(command -v slabtop)}
KMALLOC_SIZES="8:8 16:16 32:32 64:64 96:96 128:128 192:192 256:256 512:512
1k:1024 2k:2048 4k:4096 8k:8192"

require_altmm
[ -f "$REF_SLABINFO" ] || skip_all "$REF_SLABINFO is missing"
if [ -z "$CONSUMER_KO" ] || [ ! -f "$CONSUMER_KO" ]; then
	skip_all "$CONSUMER.ko not found (set CONSUMER_KO)"
fi

NL='
'
n=0
IFS=$NL
for _ in $LAYOUTS; do
	n=$((n + STEPS))
done
unset IFS
tap_plan $n

# The cache lines (the header's two lines off) as "name active num objsize
# perslab pages limit batch shared active_slabs num_slabs sharedavail".
slab_rows()
{
	awk 'NR > 2 { print $1, $2, $3, $4, $5, $6, $9, $10, $11, $14, $15, $16 }' "$1"
}

# check_lines FILE: every cache line is exactly what cache_show() prints
# of its own fields.
check_lines()
{
	awk 'NR <= 2 { next }
	{
		want = sprintf("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d",
			       $1, $2, $3, $4, $5, $6, $9, $10, $11, $14, $15, $16)
		if (NF != 16 || $0 != want || $7 != ":" || $8 != "tunables" ||
		    $12 != ":" || $13 != "slabdata") {
			if (++bad <= 5)
				printf "# line %d is not in the format: \"%s\"\n", NR, $0
		}
	}
	END { if (NR < 3) { print "# no cache line"; bad++ } exit bad > 0 }' "$1"
}

check_header()
{
	local want got

	want=$(head -n 2 "$REF_SLABINFO")
	got=$(head -n 2 "$1")
	[ "$want" = "$got" ] && return 0
	tap_diag "header: $got"
	return 1
}

# check_kmalloc FILE DEBUG: every kmalloc class of the three kinds, named as
# in 6.1 (and in the reference); objsize as the class unless DEBUG.
check_kmalloc()
{
	awk -v debug="$2" -v sizes="$KMALLOC_SIZES" '
	FNR == 1 { file++ }
	file == 1 { inref[$1] = 1; next }
	FNR > 2 { objsize[$1] = $4 }
	END {
		n = split(sizes, e, " ")
		split("kmalloc- kmalloc-rcl- dma-kmalloc-", kinds, " ")
		for (k = 1; k <= 3; k++) {
			for (i = 1; i <= n; i++) {
				split(e[i], ns, ":")
				name = kinds[k] ns[1]
				if (!(name in inref)) {
					printf "# %s is not a name in the reference\n", name
					bad++
				}
				if (!(name in objsize)) {
					printf "# no %s\n", name
					bad++
				} else if (debug == "" ? objsize[name] != ns[2] : objsize[name] < ns[2]) {
					printf "# %s: objsize %d for %d-byte objects\n", name, objsize[name], ns[2]
					bad++
				}
			}
		}
		exit bad > 0
	}' "$REF_SLABINFO" "$1"
}

check_tunables()
{
	slab_rows "$1" | awk -v cpus="$(grep -c '^processor' /proc/cpuinfo)" '
	{
		size = $4
		limit = size > 131072 ? 1 : size > 4096 ? 8 : size > 1024 ? 24 : size > 256 ? 54 : 120
		batch = int((limit + 1) / 2)
		if (size > 4096)
			shared = 0
		else if (small == "")
			shared = small = $9
		else
			shared = small
		if (size <= 4096 && cpus > 1)
			shared = 8
		if ((shared != 0 && shared != 8) || $7 != limit || $8 != batch ||
		    $9 != shared || $12 > shared * batch * 8) {
			if (++bad <= 5)
				printf "# %s (objsize %d): tunables %d %d %d sharedavail %d, want %d %d %d and at most %d\n",
				       $1, size, $7, $8, $9, $12, limit, batch, shared, shared * batch * 8
		}
	}
	END { exit bad > 0 }'
}

check_counts()
{
	slab_rows "$1" | awk -v newest="$CACHE" '
	NR == 1 && $1 != newest { printf "# first cache is %s, not %s\n", $1, newest; bad++ }
	{
		last = $1
		if ($3 != $11 * $5 || $2 > $3 || $10 > $11 ||
		    ($6 != 1 && $6 != 2 && $6 != 4 && $6 != 8)) {
			if (++bad <= 5)
				printf "# %s: objects %d/%d, slabs %d/%d, %d per slab, %d pages\n",
				       $1, $2, $3, $10, $11, $5, $6
		}
	}
	END {
		if (last != "kmem_cache") { printf "# last cache is %s, not kmem_cache\n", last; bad++ }
		exit bad > 0
	}'
}

# meminfo's Slab and SReclaimable against the slabs slabinfo counts, the
# reclaimable ones those of caches whose slab/<cache>/reclaim_account is 1.
# check_meminfo: meminfo read before and after a slabinfo of its own.  The
# reaper (6.1's cache_reap()) may free slabs meanwhile, never make one on
# an idle instance: slabinfo's sum lies between the two.
check_meminfo()
{
	local before=/tmp/altmm-meminfo.$$ now=/tmp/altmm-slabinfo-mi.$$ rc

	cat "$ALTMM_DEBUGFS/meminfo" >"$before"
	cat "$ALTMM_DEBUGFS/slabinfo" >"$now"
	awk -v root="$ALTMM_DEBUGFS/slab/" '
	FNR == 1 { file++ }
	file == 1 && $1 == "Slab:" { b_slab = $2 }
	file == 1 && $1 == "SReclaimable:" { b_rcl = $2 }
	file == 2 && FNR > 2 {
		kb = $15 * $6 * 4
		slab += kb
		f = root $1 "/reclaim_account"
		if ((getline v < f) > 0 && v == 1)
			rcl += kb
		close(f)
	}
	file == 3 && $1 == "Slab:" { m_slab = $2 }
	file == 3 && $1 == "SReclaimable:" { m_rcl = $2 }
	END {
		printf "# slabs in slabinfo: %d kB (%d kB reclaimable); meminfo: Slab %d..%d kB, SReclaimable %d..%d kB\n",
		       slab, rcl, b_slab, m_slab, b_rcl, m_rcl
		exit !(m_slab <= slab && slab <= b_slab && m_rcl <= rcl && rcl <= b_rcl)
	}' "$before" "$now" "$ALTMM_DEBUGFS/meminfo"
	rc=$?
	rm -f "$before" "$now"
	return $rc
}

SLAB_FILES="object_size slab_size objs_per_slab order align limit batchcount
ctor objects total_objects slabs partial objects_partial cpu_objects
reclaim_account hwcache_align cache_dma destroy_by_rcu red_zone poison
store_user alloc_fastpath alloc_slowpath free_fastpath free_slowpath grow
shrink node_alloc debug_refused"

# check_slab_dirs SLABINFO: slab/<cache>/ of every cache and nothing else,
# each file in SLUB's format ("N C0=.. C1=.." and "N N0=.." breakdowns
# adding up to N), in agreement with the slabinfo line. One awk reads them
# all: a process per file would take minutes under TCG.
check_slab_dirs()
{
	find "$ALTMM_DEBUGFS/slab" -mindepth 2 -type f | awk -v root="$ALTMM_DEBUGFS/slab/" \
		-v names="$SLAB_FILES" '
	function adds_up(v,   n, a, i, kv, s) {
		n = split(v, a, " ")
		for (i = 2; i <= n; i++) {
			split(a[i], kv, "=")
			s += kv[2]
		}
		return n == 1 || s == a[1]
	}
	function ok(f, v) {
		if (f ~ /^(objects|total_objects|slabs|partial|objects_partial)$/)
			return v ~ /^[0-9]+( N[0-9]+=[0-9]+)*$/ && adds_up(v)
		if (f ~ /^(cpu_objects|alloc_.*|free_.*|grow|shrink|node_alloc|debug_refused)$/)
			return v ~ /^[0-9]+( C[0-9]+=[0-9]+)*$/ && adds_up(v)
		if (f ~ /^(reclaim_account|hwcache_align|cache_dma|destroy_by_rcu|red_zone|poison|store_user)$/)
			return v ~ /^[01]$/
		if (f == "ctor")
			return v == "" || v ~ /^[^ ]+\+0x[0-9a-f]+\/0x[0-9a-f]+( \[[^ ]+\])?$/
		return v ~ /^[0-9]+$/
	}
	function bad(msg) {
		if (++nbad <= 10)
			print "# " msg
	}
	FNR == NR {
		if (FNR > 2) {
			want[$1] = $4 " " $5 " " $6 " " $9 " " $10 " " $3 " " $2
			ncache++
		}
		next
	}
	{
		rel = substr($0, length(root) + 1)
		split(rel, a, "/")
		v = ""
		getline v < $0
		close($0)
		val[a[1], a[2]] = v
		have[a[1], a[2]] = 1
		if (!(a[1] in dir)) {
			dir[a[1]] = 1
			ndir++
		}
	}
	END {
		nf = split(names, F, " ")
		for (c in want) {
			if (!(c in dir)) {
				bad("no slab/" c "/")
				continue
			}
			for (i = 1; i <= nf; i++) {
				if (!((c, F[i]) in have))
					bad("no slab/" c "/" F[i])
				else if (!ok(F[i], val[c, F[i]]))
					bad("slab/" c "/" F[i] ": \"" val[c, F[i]] "\"")
			}
			split(val[c, "total_objects"], t, " ")
			split(val[c, "objects"], o, " ")
			for (pages = 1, k = 0; k < val[c, "order"]; k++)
				pages *= 2	# busybox awk may have no ^
			got = val[c, "slab_size"] " " val[c, "objs_per_slab"] " " pages \
			      " " val[c, "limit"] " " val[c, "batchcount"]
			# The reaper (cache_reap() of 6.1, every 2 s on each CPU)
			# may have given array objects and free slabs back since
			# the snapshot, never taken any: the instance is idle.
			split(want[c], w, " ")
			if (got != w[1] " " w[2] " " w[3] " " w[4] " " w[5] ||
			    t[1] > w[6] + 0 || o[1] > w[7] + 0 || o[1] > t[1])
				bad("slab/" c ": " got " " t[1] " " o[1] "; slabinfo: " want[c])
		}
		if (ndir != ncache)
			bad("slab/ has " ndir " directories, slabinfo " ncache " caches")
		exit nbad > 0
	}' "$1" -
}

# The 6.1 format of a vmallocinfo line (mm/vmalloc.c s_show()).
VMALLOCINFO_RE="^$KADDR_RE-$KADDR_RE"' +[0-9]+ [^ ]+( pages=[0-9]+)?( phys=0x[0-9a-f]+)?( ioremap| vmalloc| vmap| user| dma-coherent)?( vpages)?( N[0-9]+=[0-9]+)*$|'"^$KADDR_RE-$KADDR_RE"' +[0-9]+ unpurged vm_area$'

check_vmallocinfo()
{
	local bad

	bad=$(grep -Ev "$VMALLOCINFO_RE" "$REF_VMALLOCINFO" | head -n 3)
	if [ -n "$bad" ]; then
		tap_diag "the checker refuses reference lines: $bad"
		return 1
	fi
	bad=$(grep -Ev "$VMALLOCINFO_RE" "$1" | head -n 5)
	if [ -n "$bad" ]; then
		tap_diag "lines not in 6.1's format:"
		tap_diag "$bad"
		return 1
	fi
	grep -Eq ' pages=257 vmalloc( |$)' "$1" || {
		tap_diag "no 257-page area (the consumer's ring) in:"
		tap_diag "$(head -n 10 "$1")"
		return 1
	}
}

# slabtop on altmm's slabinfo, bind-mounted over /proc/slabinfo.
check_slabtop()
{
	local out rc=0

	if ! mount --bind "$ALTMM_DEBUGFS/slabinfo" /proc/slabinfo; then
		tap_diag "cannot bind-mount slabinfo over /proc/slabinfo"
		return 1
	fi
	out=$("$SLABTOP" -o -s c 2>&1)
	umount /proc/slabinfo || rc=1
	for c in kmalloc-64 $CACHE; do
		echo "$out" | awk -v c="$c" '$NF == c { found = 1 } END { exit !found }' || {
			tap_diag "slabtop does not list $c"
			rc=1
		}
	done
	[ $rc -eq 0 ] || tap_diag "$(echo "$out" | head -n 15)"
	return $rc
}

IFS=$NL
for layout in $LAYOUTS; do
	unset IFS
	# The parameters of the layout become "$@", split on purpose.
	# shellcheck disable=SC2086
	if [ "$layout" = defaults ]; then set --; else set -- $layout; fi
	debug=$(param_value slab_debug "" "$@")
	f=$ALTMM_DEBUGFS/slabinfo

	altmm_load "$@"
	layout_mark=$KMSG_MARK
	if [ "$LOAD_RC" -ne 0 ]; then
		tap_diag "$LOAD_ERR"
		tap_fail "$layout: altmm and $CONSUMER load"
		i=2
		while [ $i -le $STEPS ]; do
			tap_skip "$layout: step $i" "altmm did not load"
			i=$((i + 1))
		done
		continue
	fi
	kmsg_mark "load $CONSUMER"
	err=$("$MODLOAD" "$CONSUMER_KO" 2>&1)
	tap_check $? "$layout: altmm and $CONSUMER load ${err:+($err)}"

	snap=/tmp/altmm-slabinfo.$$
	cat "$f" >"$snap"

	check_header "$snap"
	tap_check $? "$layout: slabinfo's header lines are 6.1's"

	check_lines "$REF_SLABINFO" && check_lines "$snap"
	tap_check $? "$layout: every slabinfo line is in cache_show()'s format"

	check_kmalloc "$snap" "$debug"
	tap_check $? "$layout: kmalloc-, kmalloc-rcl- and dma-kmalloc- 8..8k with 6.1's names${debug:+ (debug sizes)}"

	check_tunables "$snap"
	tap_check $? "$layout: limit and batchcount are enable_cpucache()'s; no shared array"

	check_counts "$snap"
	tap_check $? "$layout: object and slab counts agree; newest cache first, kmem_cache last"

	check_meminfo
	tap_check $? "$layout: meminfo's Slab and SReclaimable are the slabs slabinfo counts"

	check_slab_dirs "$snap"
	tap_check $? "$layout: slab/<cache>/ for every cache, SLUB's formats, agreeing with slabinfo"

	if [ -f "$ALTMM_DEBUGFS/vmallocinfo" ] && [ -f "$REF_VMALLOCINFO" ]; then
		check_vmallocinfo "$ALTMM_DEBUGFS/vmallocinfo"
		tap_check $? "$layout: vmallocinfo lines are in 6.1's format, the consumer's ring listed"
	else
		tap_skip "$layout: vmallocinfo in 6.1's format" "no vmallocinfo or reference"
	fi

	if [ -n "$SLABTOP" ] && [ -f /proc/slabinfo ]; then
		check_slabtop
		tap_check $? "$layout: slabtop on the bind-mounted slabinfo lists kmalloc-64 and $CACHE"
	else
		tap_skip "$layout: slabtop lists altmm's caches" "no slabtop or /proc/slabinfo"
	fi
	rm -f "$snap"

	kmsg_mark "unload $CONSUMER"
	"$MODLOAD" -r $CONSUMER
	rc=$?
	altmm_unload || rc=1
	tap_check $rc "$layout: $CONSUMER and altmm unload"

	KMSG_MARK=$layout_mark
	check_log_clean "$layout"
	tap_check $? "$layout: the kernel log has no report"

	grep -q '^altmm ' /proc/modules && "$MODLOAD" -r $CONSUMER >/dev/null 2>&1
	altmm_unload_quiet
done
unset IFS

tap_done
