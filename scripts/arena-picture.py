#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Render altmm's arena_map (a line per pageblock) as one PNG.

    scripts/arena-picture.py MAP OUT.png [TITLE]

MAP is the debugfs file arena_map, or a make run dump
(build/results/run-dump.txt) that holds it.  Each pageblock is a cell,
in rows of a power of two (16 to 128) that keeps the picture about square,
in pfn order: its background is its migrate type, the bar
in it how full it is, coloured by what holds most of its used frames
(kernel, slab, user pages, per-CPU lists, the boot allocator's
reserves); holes are black.  Thick lines mark where a node or a zone
begins, thin ones every section.  Needs gnuplot.
"""

import os
import subprocess
import sys
import tempfile

import math
MT_COLOURS = {
    "Unmovable": "#f4b6b6", "Movable": "#b8e0b8", "Reclaimable": "#b6c8f4",
    "HighAtomic": "#f4d8a8", "CMA": "#e0c8f0", "Isolate": "#d0d0d0",
}
USE_COLOURS = {
    "kernel": "#a02020", "slab": "#7030a0", "user": "#207020",
    "pcp": "#c08000", "reserved": "#404040",
}
USES = ["free", "pcp", "slab", "user", "kernel", "reserved"]


def read_map(path):
    """The map's rows as dicts, from the file or from a run dump."""
    lines, in_dump, frames, section = [], None, 512, 1024
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("==> "):
                in_dump = line.rstrip().endswith("/arena_map <==")
                continue
            if in_dump is False:
                continue
            if line.startswith("# altmm arena map"):
                words = line.split()
                frames = int(words[words.index("of") + 1])
                section = int(words[words.index("is") + 1])
                continue
            if not line.strip() or line.startswith("#"):
                continue
            w = line.split()
            if len(w) != 4 + len(USES):
                continue
            row = {"pfn": int(w[0]), "node": w[1], "zone": w[2], "mt": w[3]}
            row.update({u: int(v) for u, v in zip(USES, w[4:])})
            lines.append(row)
    return lines, frames, section


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    cells, frames, section = read_map(sys.argv[1])
    if not cells:
        sys.exit(f"arena-picture: no arena_map lines in {sys.argv[1]}")
    title = sys.argv[3] if len(sys.argv) == 4 else "altmm arena"
    cols = 2 ** round(math.log2(math.sqrt(2 * len(cells))))
    cols = min(max(cols, 16), 128)
    rows = (len(cells) + cols - 1) // cols
    cell_px = max(4, 1000 // cols)
    per_section = max(section // frames, 1)

    tmp = tempfile.mkdtemp(prefix="arena-picture.")
    dat = os.path.join(tmp, "cells.dat")
    arrows = []
    with open(dat, "w", encoding="utf-8") as out:
        prev = None
        for i, c in enumerate(cells):
            x, y = i % cols, i // cols
            if c["zone"] == "hole":
                bg, used, fg = 0x000000, 0.0, 0x000000
            else:
                bg = int(MT_COLOURS.get(c["mt"], "#ffffff")[1:], 16)
                held = {u: c[u] for u in USES if u != "free"}
                total = sum(held.values()) + c["free"]
                used = sum(held.values()) / total if total else 0.0
                owner = max(held, key=held.get)
                fg = int(USE_COLOURS[owner][1:], 16)
            out.write(f"{x} {y} {bg} {used:.3f} {fg}\n")
            key = (c["node"], c["zone"])
            if prev is not None and key != prev:
                # A new node or zone: a thick line before this cell.
                arrows.append(f"set arrow from {x - 0.5},{y - 0.5} to {x - 0.5},{y + 0.5} "
                              "nohead lw 4 lc rgb '#000000' front")
            elif i % per_section == 0 and x:
                arrows.append(f"set arrow from {x - 0.5},{y - 0.5} to {x - 0.5},{y + 0.5} "
                              "nohead lw 1 lc rgb '#808080' front")
            prev = key
    zones = []
    for c in cells:
        z = f"node {c['node']} {c['zone']}" if c["zone"] != "hole" else "hole"
        if not zones or zones[-1][0] != z:
            zones.append([z, 0])
        zones[-1][1] += 1
    legend = ", ".join(f"{z} ({n} blocks)" for z, n in zones)

    keys = [f"NaN with boxes fs solid lc rgb '{c}' title '{m}'" for m, c in MT_COLOURS.items()]
    keys += [f"NaN with boxes fs solid lc rgb '{c}' title 'used: {u}'"
             for u, c in USE_COLOURS.items()]
    keys.append("NaN with boxes fs solid lc rgb '#000000' title 'hole'")
    gp = os.path.join(tmp, "picture.gp")
    with open(gp, "w", encoding="utf-8") as g:
        g.write(f"""set terminal png size {1000 + 420},{cell_px * rows + 260} font ",10"
set output '{sys.argv[2]}'
set title "{title}: {len(cells)} pageblocks of {frames} frames, {cols} a row\\n{legend}" noenhanced
set xrange [-0.5:{cols - 0.5}]
set yrange [{rows - 0.5}:-0.5]
set xlabel 'pageblock in its row (a thick line: a node or zone begins; thin: a section)'
set ylabel 'row ({cols} pageblocks)'
set xtics {max(cols // 8, 1)}
set ytics {max(rows // 8, 1)}
set size ratio {rows / cols}
set key outside right top
set style fill solid 1.0 noborder
{chr(10).join(arrows)}
plot '{dat}' using 1:2:(0.5):(0.5):3 with boxxyerror lc rgb variable notitle, \\
     '{dat}' using 1:($2 + 0.45 - 0.45 * $4):(0.3):(0.45 * $4):5 with boxxyerror lc rgb variable notitle, \\
     {", ".join(keys)}
""")
    try:
        subprocess.run(["gnuplot", gp], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"arena-picture: gnuplot failed: {e} (script kept in {gp})")
    print(f"arena-picture: {sys.argv[2]}")


if __name__ == "__main__":
    main()
