"""navlayer.Layer on real layer files: reading every source kind, findings and validation with
pointers, writing atomically, rendering every format (the same bytes as `navlayer render`)."""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import pytest

import navlayer
from conftest import DATA, SHARED
from test_catalogue import navlayer_bin

REFERENCE = SHARED / "reference" / "expected" / "enterprise-attack-18.1__M1038-enterprise-layer.json"
CORPUS = SHARED / "layers-corpus"
OLD_V2 = CORPUS / "SigmaHQ__sigma" / "at-5c86afff__other__sigma_attack_nav_coverage.json"


def test_read_every_kind_of_source():
    from_path = navlayer.Layer.read(REFERENCE)
    text = REFERENCE.read_text(encoding="utf-8")
    assert from_path.name == json.loads(text)["name"] and from_path.domain == "enterprise-attack"
    assert len(from_path) == len(json.loads(text)["techniques"]) == len(from_path.technique_ids)
    for source in (str(REFERENCE), text, text.encode("utf-8"), json.loads(text), "  \n" + text):
        layer = navlayer.Layer.read(source)
        assert layer.to_dict() == from_path.to_dict()
    assert from_path.findings == [] and from_path.upgrades == []
    assert from_path.original_version == "4.5" and from_path.attack_version == "18"
    with pytest.raises(TypeError, match="Layer.read takes"):
        navlayer.Layer.read(42)


def test_old_formats_are_upgraded_with_findings():
    layer = navlayer.Layer.read(OLD_V2)
    assert layer.original_version == "2.1"
    assert layer.upgrades and any("4.5" in u or "version" in u for u in layer.upgrades)
    as_dict = layer.to_dict()
    assert as_dict["versions"]["layer"] == "4.5" and as_dict["domain"] == "enterprise-attack"
    assert len(layer) == 291


def test_findings_carry_pointers_into_the_file(enterprise):
    source = {
        "name": "mine",
        "domain": "enterprise-attack",
        "versions": {"layer": "4.5", "attack": "18"},
        "techniques": [
            {"techniqueID": "T1059", "score": "3", "color": "#zzzzzz"},
            {"comment": "no technique id"},
            {"techniqueID": "T9999", "score": 1},
            {"techniqueID": "T1086", "score": 2},
        ],
    }
    layer = navlayer.Layer.read(source)
    pointers = {f.pointer for f in layer.findings}
    assert "/techniques/0/color" in pointers and "/techniques/1" in pointers
    assert all(isinstance(f, navlayer.Finding) and f.severity in ("error", "warning", "info") for f in layer.findings)
    checked = layer.validate(enterprise)
    unknown = [f for f in checked if f.pointer.startswith("/techniques/2")]
    revoked = [f for f in checked if f.pointer.startswith("/techniques/3")]
    assert unknown and "T9999" in unknown[0].message
    assert revoked and "revoked" in revoked[0].message.lower()
    assert layer.validate() == layer.findings
    assert not layer.is_valid(enterprise) and navlayer.Layer.read(REFERENCE).is_valid(enterprise)
    f = checked[0]
    assert f.to_dict() == {"severity": f.severity, "pointer": f.pointer, "message": f.message}
    assert f.message in str(f) and f == checked[0] and len({f, checked[0]}) == 1


def test_unreadable_layers_raise_layer_errors(tmp_path):
    with pytest.raises(navlayer.LayerError) as e:
        navlayer.Layer.read('{"name": "x",\n "domain": }')
    assert (e.value.kind, e.value.path, e.value.line) == ("json", "<string>", 2) and e.value.column
    with pytest.raises(navlayer.LayerError) as e:
        navlayer.Layer.read("[1, 2]")
    assert e.value.kind == "not-a-layer" and e.value.pointer == "/0"
    lenient = navlayer.Layer.read('{"techniques": "none"}')  # readable: findings, not an error
    assert any(f.pointer == "/techniques" and f.severity == "error" for f in lenient.findings)
    with pytest.raises(navlayer.LayerError) as e:
        navlayer.Layer.read(str(tmp_path / "missing.json"))
    assert e.value.kind == "io" and e.value.path == str(tmp_path / "missing.json")
    two = [json.loads(REFERENCE.read_text()), json.loads(OLD_V2.read_text())]
    with pytest.raises(navlayer.LayerError, match="holds 2 layers") as e:
        navlayer.Layer.read(two)
    assert e.value.kind == "several-layers"
    assert navlayer.Layer.read(two, index=1).original_version == "2.1"
    assert [len(l) for l in navlayer.Layer.read_all(two)] == [len(navlayer.Layer.read(REFERENCE)), 291]


def test_write_is_atomic_and_never_overwrites_without_force(tmp_path):
    layer = navlayer.Layer.read(OLD_V2)
    out = tmp_path / "sub" / "layer.json"
    out.parent.mkdir()
    layer.write(out)
    assert out.read_text(encoding="utf-8") == layer.to_json()
    assert navlayer.Layer.read(out).to_dict() == layer.to_dict()
    before = out.read_bytes()
    with pytest.raises(FileExistsError):
        navlayer.Layer.read(REFERENCE).write(str(out))
    assert out.read_bytes() == before
    navlayer.Layer.read(REFERENCE).write(out, force=True, compact=True)
    assert out.read_text() == navlayer.Layer.read(REFERENCE).to_json(compact=True) and "\n" not in out.read_text()
    with pytest.raises(OSError, match="not a regular file"):
        layer.write(tmp_path / "sub", force=True)
    assert sorted(p.name for p in out.parent.iterdir()) == ["layer.json"]


MAGIC = {"svg": b"<svg", "png": b"\x89PNG", "pdf": b"%PDF", "html": b"<!DOCTYPE html", "xlsx": b"PK\x03\x04", "csv": b"technique", "md": b"#"}


@pytest.mark.parametrize("fmt", sorted(MAGIC))
def test_render_every_format_as_the_cli_does(enterprise, tmp_path, fmt):
    layer = navlayer.Layer.read(REFERENCE)
    data = layer.render(fmt, catalogue=enterprise)
    assert isinstance(data, bytes) and MAGIC[fmt] in data[:400]
    out = tmp_path / f"cli.{fmt}"
    subprocess.run(
        [navlayer_bin(), "--offline", "--data", str(DATA), "--attack-version", "18.1", "render", str(REFERENCE), "--format", fmt, "-o", str(out)],
        check=True,
        capture_output=True,
    )
    if fmt not in ("xlsx", "pdf"):  # an xlsx zip and a PDF carry their creation time
        assert data == out.read_bytes()


def test_render_options(enterprise):
    layer = navlayer.Layer.read(REFERENCE)
    light = layer.render("svg", catalogue=enterprise)
    dark = layer.render("svg", catalogue=enterprise, theme="dark", page="a4", orientation="portrait", legend=False)
    assert light != dark and b"#1a1a23" in dark  # the dark theme's page colour
    assert layer.render("png", catalogue=enterprise, dpi=50)[:4] == b"\x89PNG"
    for bad in [{"format": "gif"}, {"theme": "neon"}, {"page": "huge"}, {"subtechniques": "some"}, {"layout": "wide"}, {"fit": "best"}, {"dpi": 0}]:
        args = {"format": "svg", "catalogue": enterprise, **bad}
        with pytest.raises(ValueError):
            layer.render(**args)
    with pytest.raises(TypeError):
        layer.render("svg", catalogue=enterprise, colour="red")
    # Every option of `navlayer render`, as the CLI draws it.
    mini = layer.render("svg", catalogue=enterprise, layout="mini", subtechniques="all", scores=False)
    assert mini != light and b">T1059.001<" not in mini
    auto = layer.render("svg", catalogue=enterprise, fit="auto", annotated_only=True, header={"gradient": False})
    assert auto != light
    pdf = layer.render("pdf", catalogue=enterprise, pages="per-matrix", embed_font=True)
    assert pdf[:5] == b"%PDF-"
    odd = navlayer.Layer.read({"name": "x", "domain": "my-own-attack", "techniques": []})
    with pytest.raises(navlayer.RenderError, match="not an ATT&CK domain"):
        odd.render("svg")


def test_render_warns_about_what_it_cannot_draw(enterprise):
    layer = navlayer.Layer.read(
        {"name": "w", "domain": "enterprise-attack", "techniques": [{"techniqueID": "T9999", "score": 1}]}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer.render("svg", catalogue=enterprise)
    assert any("T9999" in str(w.message) for w in caught)
