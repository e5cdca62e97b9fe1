"""`navlayer data export` against mitreattack-python's attackToExcel, on one bundle.

attackToExcel runs on the already loaded MemoryStore (build_dataframes + write_excel, what
`attackToExcel.export` does after loading). Both sets of workbooks are read back with openpyxl and
compared: the same files; in each, the same sheet names in order; in each sheet the same columns
and the same rows by key (ATT&CK ID, relationship STIX id, citation reference; whole rows for
sheets without a key; the whole grid for matrices), with the same values in every column.
Documented difference: `relationship citations` lists the same citations, compared as sets
(attackToExcel's order within a sheet is Python's per-process set order).
"""

import os
import re
import tempfile
import time
from collections import Counter

from common import BIN, Checker, bundle, log, store

KEYS = ["ID", "STIX ID", "reference"]


def read(path):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        sheets.append((ws.title, rows))
    wb.close()
    return sheets


def norm(v):
    return None if v == "" else v


def citations_set(v):
    return sorted(set(re.findall(r"\(Citation: (.*?)\)", v or "")))


def compare_sheet(c, what, ours, theirs):
    if not theirs:
        return c.equal(f"{what}: empty", ours, theirs)
    header_o, header_t = ours[0] if ours else [], theirs[0]
    c.equal(f"{what}: columns", [norm(h) for h in header_o], [norm(h) for h in header_t])
    if what.endswith("[matrix]"):
        width = max(len(header_t), len(header_o))
        pad = lambda rows: [[norm(x) for x in r] + [None] * (width - len(r)) for r in rows]
        return c.equal(f"{what}: grid", pad(ours), pad(theirs))
    cols = [h for h in header_t if h is not None]
    key = next((k for k in KEYS if k in cols), None)

    def rows(table):
        header = table[0]
        out = []
        for r in table[1:]:
            d = {h: norm(v) for h, v in zip(header, r) if h is not None}
            if "relationship citations" in d:
                d["relationship citations"] = citations_set(d["relationship citations"])
            out.append(d)
        return out

    o, t = rows(ours), rows(theirs)
    if key and len({r.get(key) for r in t}) == len(t) and key != "reference":
        od = {r.get(key): r for r in o}
        td = {r.get(key): r for r in t}
        c.equal(f"{what}: rows by {key} ({len(td)})", sorted(map(str, od)), sorted(map(str, td)))
        bad = [k for k in td if k in od and od[k] != td[k]]
        detail = [(k, {h: (od[k].get(h), td[k].get(h)) for h in td[k] if od[k].get(h) != td[k].get(h)}) for k in bad[:3]]
        c.equal(f"{what}: values of {len(td)} rows", detail, [])
    else:
        freeze = lambda rows: Counter(tuple(sorted((k, repr(v)) for k, v in r.items())) for r in rows)
        c.equal(f"{what}: rows ({len(t)}, compared whole)", freeze(o), freeze(t))


def check(name):
    from loguru import logger

    logger.remove()
    from mitreattack.attackToExcel import attackToExcel

    domain = name.split("/")[-1].split("-attack")[0] + "-attack"
    version = "v" + name.rsplit("-", 1)[1].removesuffix(".json")
    src = store(name)
    c = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        theirs_dir, ours_dir = os.path.join(tmp, "theirs"), os.path.join(tmp, "ours")
        t = time.perf_counter()
        builder = attackToExcel.build_dataframes if int(version[1:].split(".")[0]) >= 18 else attackToExcel.build_dataframes_pre_v18
        frames = builder(src=src, domain=domain)
        attackToExcel.write_excel(frames, domain, src, version=version, output_dir=theirs_dir, overwrite=True,
                                  log_written_files=False)
        python_s = time.perf_counter() - t
        t = time.perf_counter()
        import subprocess
        subprocess.run([BIN, "--data", bundle(name), "data", "export", "--out-dir", ours_dir], check=True,
                       capture_output=True)
        ours_s = time.perf_counter() - t
        folder = f"{domain}-{version}"
        theirs_files = sorted(os.listdir(os.path.join(theirs_dir, folder)))
        ours_files = sorted(os.listdir(os.path.join(ours_dir, folder)))
        c.equal(f"{name}: files", ours_files, theirs_files)
        for f in theirs_files:
            if f not in ours_files:
                continue
            theirs = read(os.path.join(theirs_dir, folder, f))
            ours = read(os.path.join(ours_dir, folder, f))
            c.equal(f"{name} {f}: sheets", [s for s, _ in ours], [s for s, _ in theirs])
            ours_by = dict(ours)
            for sheet, rows in theirs:
                if sheet in ours_by:
                    label = f"{name} {f}: {sheet}"
                    if f.endswith("-matrices.xlsx") or sheet.endswith("matrix"):
                        label += " [matrix]"
                    compare_sheet(c, label, ours_by[sheet], rows)
    log(f"export {name}: {c.passed} equal, {c.failed} different; attackToExcel {python_s:.1f} s "
        f"(store preloaded), navlayer {ours_s:.2f} s (whole process)")
    return c
