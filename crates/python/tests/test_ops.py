"""The module functions on the shared releases: generate (byte for byte as attack.mitre.org),
combine, diff, stats, filter, migrate, release diff, and their errors."""

from __future__ import annotations

import json

import pytest

import navlayer
from conftest import SHARED, catalogue

EXPECTED = SHARED / "reference" / "expected"


def layer(techniques, name="l", attack="18"):
    return navlayer.Layer.read(
        {"name": name, "domain": "enterprise-attack", "versions": {"layer": "4.5", "attack": attack}, "techniques": techniques}
    )


@pytest.mark.parametrize(
    "release, kind, id",
    [
        ("enterprise", "mitigation", "M1038"),
        ("enterprise", "group", "G0016"),
        ("enterprise", "software", "S0154"),
        ("enterprise", "campaign", "C0024"),
        ("ics", "asset", "A0003"),
        ("ics", "mitigation", "M0930"),
        ("mobile", "software", "S1061"),
    ],
)
def test_generate_is_byte_for_byte_the_website_layer(release, kind, id):
    c = catalogue(release)
    domain = c.domain.split("-")[0]
    expected = (EXPECTED / f"{c.domain}-18.1__{id}-{domain}-layer.json").read_text(encoding="utf-8")
    assert navlayer.generate_json(c, kind, id) == expected
    generated = navlayer.generate(c, kind, id)
    assert generated.technique_ids == [t["techniqueID"] for t in json.loads(expected)["techniques"]]
    assert generated.findings == [] and generated.is_valid(c)


def test_generate_errors(enterprise):
    with pytest.raises(navlayer.GenerateError, match="not a group"):
        navlayer.generate(enterprise, "group", "M1038")
    with pytest.raises(navlayer.GenerateError, match="publishes layers only for"):
        navlayer.generate(enterprise, "mitigation", "T1059")
    with pytest.raises(navlayer.DataError, match="not an ATT&CK ID"):
        navlayer.generate(enterprise, "group", "G9999")
    with pytest.raises(ValueError, match="unknown layer kind"):
        navlayer.generate(enterprise, "spaceship", "G0016")
    versions = json.loads(navlayer.generate_json(enterprise, "group", "G0016", navigator_version="5.1.0"))["versions"]
    assert versions["navigator"] == "5.1.0"


def test_combine_diff_and_stats(enterprise):
    a = layer([{"techniqueID": "T1059", "score": 2, "comment": "from a"}, {"techniqueID": "T1003", "score": 1}], "a")
    b = layer([{"techniqueID": "T1059", "score": 3}, {"techniqueID": "T1566", "score": 5}], "b")
    total = navlayer.combine("a + 2*b", [a, b], name="sum", inherit={"comments": "a"})
    scores = {t["techniqueID"]: t.get("score") for t in total.to_dict()["techniques"]}
    assert scores == {"T1059": 8, "T1003": 1, "T1566": 10}
    assert total.name == "sum"
    assert {t["techniqueID"]: t.get("comment") for t in total.to_dict()["techniques"]}["T1059"] == "from a"
    everywhere = navlayer.combine("1", [a], catalogue=enterprise)
    assert len(everywhere) == 216 + 475
    with pytest.raises(navlayer.OpsError) as e:
        navlayer.combine("a +* b", [a, b])
    assert e.value.kind == "expression" and e.value.column == 4
    with pytest.raises(navlayer.OpsError, match="variable c has no layer"):
        navlayer.combine("a + c", [a, b])
    with pytest.raises(navlayer.OpsError, match="needs ATT&CK data"):
        navlayer.combine("1", [a])
    mobile = navlayer.Layer.read({"name": "m", "domain": "mobile-attack", "techniques": [{"techniqueID": "T1406", "score": 1}]})
    with pytest.raises(navlayer.OpsError, match="do not share a domain"):
        navlayer.combine("a + b", [a, mobile])

    d = navlayer.diff(a, b)
    assert (d["from"], d["to"]) == ("a", "b")
    assert [x["technique_id"] for x in d["added"]] == ["T1566"]
    assert [x["technique_id"] for x in d["removed"]] == ["T1003"]
    assert d["changed"][0]["technique_id"] == "T1059" and d["changed"][0]["score"] == {"before": 2, "after": 3}
    colours = {t["techniqueID"]: t["color"] for t in navlayer.diff_layer(a, b).to_dict()["techniques"]}
    assert colours == {"T1566": "#8ec843", "T1003": "#ff6666", "T1059": "#ffe766"}

    s = navlayer.stats(total, enterprise)
    assert (s["domain"], s["release"]) == ("enterprise-attack", "18.1")
    assert [t["id"] for t in s["tactics"]][:2] == ["TA0043", "TA0042"]
    initial = next(t for t in s["tactics"] if t["shortname"] == "initial-access")
    assert initial["techniques"]["scored"] == 1  # T1566 Phishing
    assert s["overall_techniques"]["scored"] == 3 and s["not_in_release"] == []


def test_filter_platforms(enterprise):
    mixed = layer([{"techniqueID": "T1059.001", "score": 1}, {"techniqueID": "T1059.004", "score": 1}])
    windows = navlayer.filter_platforms(mixed, enterprise, ["windows"])
    assert windows.technique_ids == ["T1059.001"]
    with pytest.raises(navlayer.OpsError, match="unknown platform"):
        navlayer.filter_platforms(mixed, enterprise, ["Amiga"])


def test_migrate_and_release_diff(enterprise):
    old = catalogue("enterprise-attack-16.1.json")
    mine = layer([{"techniqueID": "T1574.002", "score": 4, "comment": "DLL side-loading"}], attack="16")
    migrated, report = navlayer.migrate(mine, old, enterprise)
    assert migrated.technique_ids == ["T1574.001"]
    assert migrated.to_dict()["techniques"][0]["score"] == 4
    assert (report["from"], report["to"], report["input_entries"]) == ("16.1", "18.1", 1)
    assert report["entries"][0]["technique_id"] == "T1574.002"
    with pytest.raises(navlayer.MigrateError, match="one domain"):
        navlayer.migrate(mine, old, catalogue("mobile"))
    changes = navlayer.release_diff(old, enterprise)
    assert isinstance(changes, dict) and changes
    md = navlayer.release_diff(old, enterprise, format="md")
    assert isinstance(md, str) and md.startswith("#")
    with pytest.raises(ValueError):
        navlayer.release_diff(old, enterprise, format="pdf")
