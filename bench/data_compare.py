#!/usr/bin/env python3
"""ATT&CK data benchmarks (issue 13), navlayer and mitreattack-python side by side in one run.

    bench/data_compare.py [--runs 5] [--python-runs 1]

Times, as whole processes on the same machine and data (../shared/attack-data):
  - export of enterprise 18.1 to XLSX: `navlayer data export` against attackToExcel.export
    (stix_file=…, what `attack-to-excel from-stix` runs);
  - release-diff of every type 17.1 -> 18.1: `navlayer release-diff --format json` against
    diff_stix (DiffStix on the two bundles, unchanged objects included, as navlayer lists them).
navlayer: median of --runs; mitreattack-python: median of --python-runs (each takes about a
minute). Needs the release binary (cargo build --release -p navlayer) and scripts/python-env.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.environ.get("NAVLAYER_SHARED", os.path.join(ROOT, "..", "shared")), "attack-data")
BIN = os.path.join(ROOT, "target", "release", "navlayer")

EXPORT_PY = r"""
import sys
from loguru import logger; logger.remove()
from mitreattack.attackToExcel import attackToExcel
attackToExcel.export(domain="enterprise-attack", version="v18.1", output_dir=sys.argv[2], stix_file=sys.argv[1], overwrite=True, log_written_files=False)
"""

DIFF_PY = r"""
import os, sys
from loguru import logger; logger.remove()
from mitreattack.diffStix.changelog_helper import DiffStix
DiffStix(domains=["enterprise-attack"], old=sys.argv[1], new=sys.argv[2], unchanged=True, include_contributors=True)
"""


def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--python-runs", type=int, default=1)
    args = ap.parse_args()
    py = subprocess.run([os.path.join(ROOT, "scripts", "python-env")], check=True, capture_output=True,
                        text=True).stdout.strip()
    e18 = os.path.join(DATA, "enterprise-attack-18.1.json")
    with tempfile.TemporaryDirectory() as tmp:
        old, new = os.path.join(tmp, "old"), os.path.join(tmp, "new")
        for d, v in ((old, "17.1"), (new, "18.1")):
            os.makedirs(d)
            os.symlink(os.path.join(DATA, f"enterprise-attack-{v}.json"), os.path.join(d, "enterprise-attack.json"))
        out = os.path.join(tmp, "out")
        rows = []
        ours = [timed([BIN, "--data", e18, "data", "export", "--out-dir", out, "--force"]) for _ in range(args.runs)]
        theirs = [timed([py, "-c", EXPORT_PY, e18, os.path.join(tmp, "py-out")]) for _ in range(args.python_runs)]
        rows.append(("export enterprise 18.1 to XLSX", ours, theirs))
        ours = [timed([BIN, "--data", DATA, "release-diff", "17.1", "18.1", "--format", "json", "-o",
                       os.path.join(tmp, "d.json"), "--force"]) for _ in range(args.runs)]
        theirs = [timed([py, "-c", DIFF_PY, old, new]) for _ in range(args.python_runs)]
        rows.append(("release-diff, every type, enterprise 17.1 -> 18.1", ours, theirs))
    load = os.getloadavg()
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load average "
          f"after the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; navlayer median of {args.runs}, "
          f"mitreattack-python median of {args.python_runs}, whole processes.\n")
    print("| task | navlayer (s) | mitreattack-python (s) | ratio |\n|---|---:|---:|---:|")
    for name, a, b in rows:
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"| {name} | {ma:.2f} | {mb:.1f} | {mb / ma:.0f}x faster |")


if __name__ == "__main__":
    sys.exit(main())
