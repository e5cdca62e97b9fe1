"""Shared helpers of the differential tests against mitreattack-python.

Each bundle is loaded once per process into a stix2 MemoryStore and shared by every check.
"""

import json
import os

# mitreattack-python's progress bars (tqdm) would fill the logs.
os.environ.setdefault("TQDM_DISABLE", "1")
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("NAVLAYER_SHARED", os.path.join(ROOT, "..", "shared"))
DATA = os.path.join(SHARED, "attack-data")
RELEASE = os.path.join(ROOT, "target", "release")
BIN = os.environ.get("NAVLAYER_BIN", os.path.join(RELEASE, "navlayer"))

_stores = {}


def bundle(name):
    return os.path.join(DATA, name)


def store(name):
    """The MemoryStore of a shared bundle, loaded once."""
    if name not in _stores:
        from stix2 import MemoryStore

        t = time.perf_counter()
        s = MemoryStore()
        s.load_from_file(bundle(name))
        log(f"loaded {name} into a MemoryStore in {time.perf_counter() - t:.1f} s")
        _stores[name] = s
    return _stores[name]


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Checker:
    """Counts checks and collects the first mismatches of each kind."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.messages = []

    def equal(self, what, ours, theirs):
        if ours == theirs:
            self.passed += 1
            return True
        self.failed += 1
        if len(self.messages) < 40:
            self.messages.append(f"MISMATCH {what}:\n  navlayer:           {_short(ours)}\n  mitreattack-python: {_short(theirs)}")
        return False


def _short(v):
    s = repr(v)
    return s if len(s) < 600 else s[:600] + "…"
