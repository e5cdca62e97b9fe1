"""Shared fixtures: the real ATT&CK releases of $NAVLAYER_SHARED, each loaded once per session by
each tool (navlayer and mitreattack-python)."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import pytest

import navlayer

HERE = Path(__file__).resolve().parent


def shared_dir() -> Path:
    env = os.environ.get("NAVLAYER_SHARED")
    path = Path(env) if env else HERE.parents[2].parent / "shared"
    if not (path / "attack-data").is_dir():
        raise RuntimeError(
            f"no ATT&CK data at {path}/attack-data: set NAVLAYER_SHARED to the folder holding "
            "attack-data/ (real ATT&CK STIX bundles, e.g. from github.com/mitre-attack/attack-stix-data)"
        )
    return path


SHARED = shared_dir()
DATA = SHARED / "attack-data"

# The 18.1 releases as STIX 2.0 bundles, which mitreattack-python's MitreAttackData reads.
BUNDLES_18_1 = {
    "enterprise": DATA / "enterprise-attack-18.1.json",
    "mobile": DATA / "mobile-attack-18.1.json",
    "ics": DATA / "stix20" / "ics-attack-18.1.json",
}

_timings: dict[str, float] = {}


def _timed(label: str, build):
    start = time.perf_counter()
    value = build()
    _timings[label] = time.perf_counter() - start
    return value


def pytest_terminal_summary(terminalreporter):
    if _timings:
        terminalreporter.write_sep("-", "navlayer: bundle loads (seconds, once per tool per session)")
        for label, seconds in sorted(_timings.items()):
            terminalreporter.write_line(f"{label:<40} {seconds:8.2f}")


_catalogues: dict[str, navlayer.Catalogue] = {}


def catalogue(name: str) -> navlayer.Catalogue:
    """A catalogue of `name` (a file name in attack-data, or an 18.1 domain), loaded once."""
    if name not in _catalogues:
        path = BUNDLES_18_1.get(name, DATA / name)
        _catalogues[name] = _timed(f"navlayer {name}", lambda: navlayer.Catalogue.load(str(path)))
    return _catalogues[name]


@pytest.fixture(scope="session")
def enterprise() -> navlayer.Catalogue:
    return catalogue("enterprise")


@pytest.fixture(scope="session")
def shared() -> Path:
    return SHARED


# --- mitreattack-python, with its MemoryStore queries indexed ------------------------------------


def index_memory_store(store) -> None:
    """Makes ``store.source.query`` answer from indexes, with the same result as stix2's own
    query: the candidates are narrowed to the objects whose property equals the value of one of the
    query's equality filters (``type``, ``relationship_type``, ``source_ref``, ``target_ref``,
    ``id``, ``name``, ``external_references.external_id``; or one of the values of an ``in``
    filter on them), kept in the store's order, and then stix2's own ``apply_common_filters`` runs every
    filter of the query on them. Without this, mitreattack-python scans all 24,771 objects of
    enterprise for every call (0.2 s each), and comparing every object would take hours; the
    equivalence with the plain store is itself tested (test_compat.py::test_indexed_store_...).
    """
    from stix2.datastore.filters import FilterSet, apply_common_filters
    from stix2.datastore.memory import _ObjectFamily

    source = store.source
    everything = list(
        itertools.chain.from_iterable(
            value.all_versions.values() if isinstance(value, _ObjectFamily) else [value]
            for value in source._data.values()
        )
    )
    keys = ("type", "relationship_type", "source_ref", "target_ref", "id", "name", "external_references.external_id")
    index: dict[tuple[str, str], list] = {}
    for obj in everything:
        for key in keys[:-1]:
            value = obj.get(key)
            if isinstance(value, str):
                index.setdefault((key, value), []).append(obj)
        seen = set()
        for ref in obj.get("external_references", []):
            value = ref.get("external_id")
            if isinstance(value, str) and value not in seen:
                seen.add(value)
                index.setdefault((keys[-1], value), []).append(obj)
    position = {id(obj): i for i, obj in enumerate(everything)}

    def query(query=None, _composite_filters=None):
        filters = FilterSet(query)
        if source.filters:
            filters.add(source.filters)
        if _composite_filters:
            filters.add(_composite_filters)
        candidates = everything
        for f in filters:
            if f.property in keys and f.op == "=" and isinstance(f.value, str):
                found = index.get((f.property, f.value), [])
            elif f.property in keys and f.op == "in":
                found = sorted(
                    {id(o): o for v in set(f.value) for o in index.get((f.property, v), [])}.values(),
                    key=lambda o: position[id(o)],
                )
            else:
                continue
            if len(found) < len(candidates):
                candidates = found
        return list(apply_common_filters(candidates, filters))

    source.query = query


_peers: dict[str, object] = {}


def peer(domain: str, indexed: bool = True):
    """mitreattack-python's MitreAttackData of an 18.1 bundle, loaded once per session."""
    key = f"{domain}{'' if indexed else ' (plain)'}"
    if key not in _peers:
        from mitreattack.stix20 import MitreAttackData

        def build():
            data = MitreAttackData(str(BUNDLES_18_1[domain]))
            if indexed:
                index_memory_store(data.src)
            return data

        _peers[key] = _timed(f"mitreattack-python {key}", build)
    return _peers[key]


_ours: dict[str, object] = {}


def ours(domain: str):
    """navlayer.compat's MitreAttackData of an 18.1 bundle (one per session)."""
    if domain not in _ours:
        from navlayer.compat import MitreAttackData

        _ours[domain] = MitreAttackData(src=catalogue(domain))
    return _ours[domain]
