#!/usr/bin/env python3
"""Live differential test of `navlayer coverage sigma` against sigma-cli (issue 14).

    NAVLAYER_BIN=target/release/navlayer NAVLAYER_SHARED=../shared python run.py

Runs sigma-cli's `sigma analyze attack count` (installed from PyPI by scripts/python-env, the
versions of $NAVLAYER_SHARED/rules-corpus/reference) with pySigma's ATT&CK data pointed at the
same enterprise 18.1 bundle, and `navlayer coverage sigma` on the same 3,780 rules, and compares
the technique/tactic/score triples of the two layers. Also checks sigma-cli against the reference
output kept in the corpus, so a change of the peer shows as such. Exit 1 on any difference.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

SIGMA = r"""
import sys
from sigma.data import mitre_attack
mitre_attack.set_cache_dir(sys.argv[1])
mitre_attack.set_url(sys.argv[2])
from sigma.cli.main import main
sys.argv = ["sigma"] + sys.argv[3:]
main()
"""


def technique_tactics(bundle):
    out = {}
    for o in json.load(open(bundle))["objects"]:
        if o.get("type") != "attack-pattern" or o.get("revoked") or o.get("x_mitre_deprecated"):
            continue
        ids = [r["external_id"] for r in o.get("external_references", []) if r.get("source_name") == "mitre-attack"]
        if ids:
            out[ids[0]] = [p["phase_name"] for p in o.get("kill_chain_phases", [])
                           if p.get("kill_chain_name") == "mitre-attack"]
    return out


def triples(path, tactics):
    out = set()
    for e in json.load(open(path))["techniques"]:
        for t in ([e["tactic"]] if e.get("tactic") else tactics.get(e["techniqueID"], [""])):
            out.add((e["techniqueID"], t, float(e["score"])))
    return out


def compare(name_a, a, name_b, b):
    if a == b:
        return True
    print(f"FAIL: {name_a} and {name_b} differ: {len(a - b)} only in {name_a}, {len(b - a)} only in {name_b}")
    for x in sorted(a - b)[:20]:
        print(f"  only {name_a}: {x}")
    for x in sorted(b - a)[:20]:
        print(f"  only {name_b}: {x}")
    return False


def main():
    shared = os.path.abspath(os.environ["NAVLAYER_SHARED"])
    binary = os.environ["NAVLAYER_BIN"]
    data = os.path.join(shared, "attack-data")
    bundle = os.path.join(data, "enterprise-attack-18.1.json")
    sigma_dir = os.path.join(shared, "rules-corpus", "sigma")
    reference = os.path.join(shared, "rules-corpus", "reference", "sigma-cli-analyze-attack-count-enterprise-18.1.json")
    rules = sorted(d for d in os.listdir(sigma_dir) if d.startswith("rules") and os.path.isdir(os.path.join(sigma_dir, d)))
    work = tempfile.mkdtemp(prefix="navlayer-coverage-diff-")
    wrapper = os.path.join(work, "sigma_wrapper.py")
    open(wrapper, "w").write(SIGMA)
    theirs = os.path.join(work, "sigma-cli.json")
    ours = os.path.join(work, "navlayer.json")
    t = time.monotonic()
    peer = subprocess.run([sys.executable, wrapper, os.path.join(work, "cache"), bundle, "analyze", "attack", "count",
                    "--min-score", "0", "--max-score", "20", "--min-color", "#66b1ffff", "--max-color", "#ff66f4ff",
                    theirs] + rules, cwd=sigma_dir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if peer.returncode != 0:
        sys.exit(f"sigma-cli failed ({peer.returncode}): {peer.stderr[-2000:]}")
    t_theirs = time.monotonic() - t
    t = time.monotonic()
    run = subprocess.run([binary, "--offline", "--data", data, "--attack-version", "18.1", "coverage", "sigma"] + rules
                         + ["-o", ours, "--report", "json", "--report-out", os.path.join(work, "report.json")],
                         cwd=sigma_dir, capture_output=True, text=True)
    t_ours = time.monotonic() - t
    if run.returncode != 0:
        sys.exit(f"navlayer coverage failed ({run.returncode}): {run.stderr[-2000:]}")
    tactics = technique_tactics(bundle)
    a, b, r = triples(ours, tactics), triples(theirs, tactics), triples(reference, tactics)
    ok = compare("navlayer", a, "sigma-cli", b) & compare("sigma-cli", b, "the corpus reference", r)
    report = json.load(open(os.path.join(work, "report.json")))
    files = report["totals"]["files"]
    accounted = len(report["files"])
    if files != accounted or accounted < 3780:
        print(f"FAIL: the report accounts for {accounted} of {files} files")
        ok = False
    print(f"coverage-diff: {len(a)} technique/tactic/score triples, navlayer {'==' if a == b else '!='} sigma-cli; "
          f"sigma-cli {t_theirs:.1f} s, navlayer {t_ours:.2f} s; {accounted} files accounted for")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
