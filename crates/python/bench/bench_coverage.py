"""Times navlayer.coverage / heatmap / gaps in one Python process (the release loaded once) beside
the `navlayer coverage sigma` process on the same rules; medians of --runs runs.

    PY=$(scripts/python-env); "$PY" crates/python/bench/bench_coverage.py [--runs 5] [--bin target/release/navlayer]
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import navlayer

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("NAVLAYER_SHARED", ROOT.parent / "shared"))


def median(work, runs):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=str(ROOT / "target/release/navlayer"))
    args = ap.parse_args()
    data = SHARED / "attack-data"
    sigma = SHARED / "rules-corpus" / "sigma"
    rules = sorted(str(p) for p in sigma.glob("rule*"))
    start = time.perf_counter()
    attack = navlayer.Catalogue.load(data / "enterprise-attack-18.1.json")
    load = time.perf_counter() - start
    cov, (layer, report) = median(lambda: navlayer.coverage("sigma", rules, attack), args.runs)
    heat, _ = median(lambda: navlayer.heatmap(attack), args.runs)
    threat = navlayer.generate(attack, "group", "G0016")
    gap, _ = median(lambda: navlayer.gaps(threat, [layer], attack), args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "layer.json"
        cmd = [args.bin, "--offline", "--data", str(data), "--attack-version", "18.1", "coverage", "sigma",
               *rules, "-o", str(out), "--force"]
        cli, _ = median(lambda: subprocess.run(cmd, check=True, capture_output=True), args.runs)
    t = report["totals"]
    print(f"Catalogue.load enterprise 18.1: {load:.3f} s (once)")
    print(f"navlayer.coverage('sigma', {len(rules)} folders: {t['files']} files, {t['items']} rules): {cov:.3f} s")
    print(f"navlayer.heatmap(attack) (groups): {heat:.3f} s")
    print(f"navlayer.gaps(G0016, [sigma layer]): {gap:.3f} s")
    print(f"`navlayer coverage sigma` process (load included): {cli:.3f} s")


if __name__ == "__main__":
    main()
