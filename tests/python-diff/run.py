"""Differential tests of navlayer against mitreattack-python (installed by scripts/python-env).

    run.py [--part a|b|all]

Part a: release-diff against diff_stix on the enterprise pairs (16.1→17.1, 17.1→18.1,
16.1→18.1) and every query on enterprise 17.1 and 18.1. Part b: release-diff on mobile
17.1→18.1; the export against attackToExcel on ICS 18.1, mobile 17.1 and 18.1 and enterprise
18.1; every query on mobile 17.1, 18.1 and ICS 18.1 (STIX 2.1 and 2.0); the layer corpus through
convert. scripts/test runs the two parts in parallel. Each bundle is loaded once per process.

Prints every mismatch and ends with `python-diff: N passed, M failed`; exits 1 on any mismatch.
"""

import argparse
import sys
import time

import changelog
import corpus
import export
import queries
from common import log


def part_a():
    yield lambda: changelog.check("enterprise-attack", "16.1", "17.1")
    yield lambda: changelog.check("enterprise-attack", "17.1", "18.1")
    yield lambda: changelog.check("enterprise-attack", "16.1", "18.1")
    # Lookups that scan the whole store in mitreattack-python run on every 200th object here.
    yield lambda: queries.check("enterprise-attack-17.1.json", 200)
    yield lambda: queries.check("enterprise-attack-18.1.json", 200)


def part_b():
    yield lambda: changelog.check("mobile-attack", "17.1", "18.1")
    yield lambda: queries.check("ics-attack-18.1.json", 1)
    yield lambda: queries.check("stix20/ics-attack-18.1.json", 1)
    yield lambda: queries.check("mobile-attack-17.1.json", 10)
    yield lambda: queries.check("mobile-attack-18.1.json", 10)
    yield lambda: export.check("ics-attack-18.1.json")
    yield lambda: export.check("mobile-attack-17.1.json")
    yield lambda: export.check("mobile-attack-18.1.json")
    yield lambda: export.check("enterprise-attack-18.1.json")
    yield corpus.check


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["a", "b", "all"], default="all")
    args = ap.parse_args()
    parts = {"a": [part_a], "b": [part_b], "all": [part_a, part_b]}[args.part]
    start = time.perf_counter()
    passed = failed = 0
    for part in parts:
        for step in part():
            c = step()
            passed += c.passed
            failed += c.failed
            for m in c.messages:
                print(m, flush=True)
    log(f"python-diff part {args.part}: {time.perf_counter() - start:.0f} s")
    print(f"python-diff: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
