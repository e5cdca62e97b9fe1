"""Validate a layer with mitreattack-python: navlayers Layer.from_file() checks the layer's structure
and fields as it loads it (the library's public API for reading / validating a layer file)."""
import argparse
import json
import time

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--data", help="unused: kept for a uniform command line")
p.add_argument("--layer", required=True)
args = p.parse_args()
t0 = time.perf_counter()
from mitreattack.navlayers import Layer  # noqa: E402

t1 = time.perf_counter()
layer = Layer()
layer.from_file(args.layer)
t2 = time.perf_counter()
print(json.dumps({"name": "validate", "seconds": round(t2 - t1, 4), "import_s": round(t1 - t0, 4),
                  "techniques": len(layer.layer.techniques or [])}))
