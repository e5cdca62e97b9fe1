"""Every layer of the shared corpus that mitreattack-python loads before `navlayer convert` still
loads after it, with its `versions` object intact: `attack` and `layer` as navlayer wrote them
and `navigator` present (mitreattack-python drops the whole object when `navigator` is missing,
and normalises its value)."""

import contextlib
import glob
import io
import json
import os
import subprocess
import tempfile
import warnings

from common import BIN, SHARED, Checker, log


def load(path):
    from mitreattack.navlayers import Layer

    layer = Layer()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        layer.from_file(path)
        d = layer.to_dict()
    if not isinstance(d, dict):
        raise ValueError("mitreattack-python could not load the layer")
    return d


def check():
    from loguru import logger

    logger.remove()
    c = Checker()
    corpus = os.path.join(SHARED, "layers-corpus")
    files = sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True))
    loaded_before = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(files):
            rel = os.path.relpath(path, corpus)
            try:
                load(path)
            except Exception:  # noqa: BLE001 - mitreattack-python cannot read it: not in scope
                continue
            loaded_before += 1
            out = os.path.join(tmp, f"{i}.json")
            p = subprocess.run([BIN, "convert", path, "-o", out, "--quiet"], capture_output=True, text=True)
            if not c.equal(f"{rel}: navlayer convert exits 0", p.returncode, 0):
                continue
            with open(out, encoding="utf-8") as f:
                written = json.load(f)
            if isinstance(written, list):
                continue
            try:
                after = load(out)
            except Exception as e:  # noqa: BLE001
                c.equal(f"{rel}: loads after convert", repr(e), None)
                continue
            c.passed += 1
            # mitreattack-python keeps `attack` and `layer` as written and normalises `navigator` to
            # the schema it knows (5.0.0 for anything it does not recognise): intact means the
            # object is there with every field.
            kept = after.get("versions") or {}
            wrote = written.get("versions") or {}
            c.equal(f"{rel}: versions intact (attack, layer) after convert",
                    {k: kept.get(k) for k in ("attack", "layer")}, {k: wrote.get(k) for k in ("attack", "layer")})
            c.equal(f"{rel}: versions.navigator present in navlayer's file and after loading",
                    ("navigator" in wrote, "navigator" in kept), (True, True))
    log(f"corpus: {loaded_before} of {len(files)} files load in mitreattack-python before convert; "
        f"{c.passed} checks equal, {c.failed} different")
    return c
