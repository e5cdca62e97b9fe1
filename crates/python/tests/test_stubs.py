"""The type stubs (navlayer/_navlayer.pyi) describe exactly what the extension module offers,
and everything public carries a docstring at run time (help() in a notebook)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import navlayer
from navlayer import _navlayer

STUBS = Path(navlayer.__file__).with_name("_navlayer.pyi")


def stub_names():
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
    return top, members


def public(obj):
    return {n for n in dir(obj) if not n.startswith("_")}


def test_stubs_match_the_module():
    top, members = stub_names()
    runtime = {n for n in dir(_navlayer) if not n.startswith("__")}
    assert runtime - top == set(), runtime - top
    assert top - runtime == set(), top - runtime
    for cls in ("Catalogue", "Layer", "Finding"):
        assert public(getattr(_navlayer, cls)) == {n for n in members[cls] if not n.startswith("_")}, cls


def test_everything_public_has_a_docstring():
    for name in navlayer.__all__:
        obj = getattr(navlayer, name)
        if name == "__version__":
            continue
        assert inspect.getdoc(obj), name
        if name in ("Catalogue", "Layer", "Finding"):
            for member in public(obj):
                assert inspect.getdoc(getattr(obj, member)), f"{name}.{member}"
