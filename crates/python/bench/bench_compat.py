#!/usr/bin/env python3
"""navlayer.compat against mitreattack-python, side by side in one Python process:
``MitreAttackData(path)`` construction plus ``get_techniques_used_by_group`` for every group
(the work behind all of attack.mitre.org's group layers), median of several interleaved runs;
then the peak memory of each, measured in a separate process per tool.

    PY=$(scripts/python-env)   # mitreattack-python and navlayer installed (scripts/test does it)
    "$PY" crates/python/bench/bench_compat.py [--runs 5] [--peer-runs 3] [--data BUNDLE]

Memory: tracemalloc sees only Python's allocator, not the Rust engine's, so each tool runs alone
in a fresh interpreter (``--memory TOOL``) that reports its resident set: the peak (VmHWM) and
the peak minus the resident set after the imports, i.e. what the work itself added.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def default_data() -> str:
    shared = Path(os.environ.get("NAVLAYER_SHARED", ROOT.parent / "shared"))
    return str(shared / "attack-data" / "enterprise-attack-18.1.json")


def status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS: now, VmHWM: peak). VmHWM
    belongs to the address space, which exec replaces, so unlike ru_maxrss it does not carry the
    parent's peak into a child process."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def import_tool(tool: str):
    if tool == "navlayer":
        from navlayer.compat import MitreAttackData
    else:
        from mitreattack.stix20 import MitreAttackData
    return MitreAttackData


def workload(cls, data: str) -> tuple[float, float, int]:
    """Seconds to construct, seconds for every group's techniques, number of entries."""
    t0 = time.perf_counter()
    attack = cls(data)
    t1 = time.perf_counter()
    entries = 0
    for group in attack.get_groups():
        entries += len(attack.get_techniques_used_by_group(group["id"]))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, entries


def memory(tool: str, data: str) -> None:
    cls = import_tool(tool)
    before = status_kib("VmRSS")
    _, _, entries = workload(cls, data)
    peak = status_kib("VmHWM")
    print(json.dumps({"tool": tool, "rss_after_imports_kib": before, "peak_rss_kib": peak, "added_kib": peak - before, "entries": entries}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=default_data())
    p.add_argument("--runs", type=int, default=5, help="navlayer runs (default 5)")
    p.add_argument("--peer-runs", type=int, default=3, help="mitreattack-python runs (default 3)")
    p.add_argument("--memory", choices=["navlayer", "mitreattack"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.memory:
        memory(args.memory, args.data)
        return

    mem = {}
    for tool in ("mitreattack", "navlayer"):
        out = subprocess.run([sys.executable, __file__, "--data", args.data, "--memory", tool], check=True, capture_output=True, text=True)
        mem[tool] = json.loads(out.stdout)

    imports = {}
    classes = {}
    for tool in ("mitreattack", "navlayer"):
        t = time.perf_counter()
        classes[tool] = import_tool(tool)
        imports[tool] = time.perf_counter() - t
    results: dict[str, list[tuple[float, float, int]]] = {"mitreattack": [], "navlayer": []}
    # Interleaved: one run of mitreattack-python, then navlayer's, so machine noise hits both.
    for i in range(max(args.runs, args.peer_runs)):
        if i < args.peer_runs:
            results["mitreattack"].append(workload(classes["mitreattack"], args.data))
        if i < args.runs:
            results["navlayer"].append(workload(classes["navlayer"], args.data))
    entries = {tool: {r[2] for r in runs} for tool, runs in results.items()}
    assert entries["mitreattack"] == entries["navlayer"], entries

    def med(tool: str, part: int) -> float:
        return statistics.median(r[part] if part < 2 else r[0] + r[1] for r in results[tool])

    peer_total, ours_total = med("mitreattack", 2), med("navlayer", 2)
    load = os.getloadavg()
    print(f"data: {args.data}; {next(iter(entries['navlayer']))} technique entries for {len(classes['navlayer'](args.data).get_groups())} groups")
    print(f"runs: mitreattack-python {args.peer_runs}, navlayer {args.runs} (interleaved); load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print()
    print("| | mitreattack-python 6.x | navlayer.compat | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| import | {imports['mitreattack']:.3f} s | {imports['navlayer']:.3f} s | {imports['mitreattack'] / imports['navlayer']:.0f}x |")
    for label, part in (("`MitreAttackData(path)`", 0), ("`get_techniques_used_by_group`, every group", 1), ("**both (the benchmark)**", 2)):
        a, b = med("mitreattack", part), med("navlayer", part)
        print(f"| {label} | {a:.3f} s | {b:.3f} s | {a / b:.0f}x |")
    a, b = mem["mitreattack"], mem["navlayer"]
    print(f"| peak RSS (separate process) | {a['peak_rss_kib'] / 1024:.0f} MiB | {b['peak_rss_kib'] / 1024:.0f} MiB | {a['peak_rss_kib'] / b['peak_rss_kib']:.1f}x |")
    print(f"| RSS added by the work | {a['added_kib'] / 1024:.0f} MiB | {b['added_kib'] / 1024:.0f} MiB | {a['added_kib'] / b['added_kib']:.1f}x |")
    print()
    print(f"speed-up: {peer_total / ours_total:.0f}x (median total {peer_total:.3f} s vs {ours_total:.3f} s)")


if __name__ == "__main__":
    main()
