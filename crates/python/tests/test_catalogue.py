"""navlayer.Catalogue on the shared ATT&CK releases: loading (path, folder, cache, offline),
objects as read, `show` and `query techniques` as the CLI answers them, and the errors."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import navlayer
from conftest import DATA, catalogue

ROOT = Path(__file__).resolve().parents[3]


def navlayer_bin() -> str:
    """The CLI built by scripts/test (`cargo build --release -p navlayer`), to compare with."""
    for candidate in [os.environ.get("NAVLAYER_BIN"), ROOT / "target/release/navlayer", ROOT / "target/debug/navlayer"]:
        if candidate and Path(candidate).is_file():
            return str(candidate)
    raise RuntimeError("no navlayer binary: run `cargo build --release -p navlayer` (scripts/test does) or set NAVLAYER_BIN")


def cli_json(*args: str):
    out = subprocess.run(
        [navlayer_bin(), "--offline", "--data", str(DATA), *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def test_load_by_path_folder_and_release(enterprise):
    assert (enterprise.domain, enterprise.release, enterprise.spec_version) == ("enterprise-attack", "18.1", "2.0")
    assert Path(enterprise.path).name == "enterprise-attack-18.1.json"
    assert len(enterprise) == 4721 and "T1059.001" in enterprise and "t1059.001" in enterprise
    counts = enterprise.counts()
    assert counts["technique"]["active"] == 216 and counts["sub-technique"]["active"] == 475
    assert counts["group"]["total"] == counts["group"]["active"] + counts["group"]["revoked"] + counts["group"]["deprecated"]
    mobile = navlayer.Catalogue.load(str(DATA), domain="mobile", release="17.1")
    assert (mobile.domain, mobile.release, mobile.spec_version) == ("mobile-attack", "17.1", "2.1")
    newest = navlayer.Catalogue.load(DATA, domain="mobile")  # a Path, newest release
    assert newest.release == "18.1"
    by_number = navlayer.Catalogue.load(data=str(DATA), domain="ics-attack", release=18.1)
    assert (by_number.domain, by_number.release) == ("ics-attack", "18.1")
    assert "ics-attack 18.1" in repr(by_number)


def test_load_from_environment_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NAVLAYER_DATA", str(DATA))
    assert navlayer.Catalogue.load(domain="ics").domain == "ics-attack"
    monkeypatch.delenv("NAVLAYER_DATA")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "ics-attack-18.1.json").write_bytes((DATA / "ics-attack-18.1.json").read_bytes())
    assert navlayer.Catalogue.load(domain="ics", cache_dir=str(cache), offline=True).release == "18.1"
    monkeypatch.setenv("NAVLAYER_CACHE", str(cache))
    assert navlayer.Catalogue.load(domain="ics", offline=True).release == "18.1"
    with pytest.raises(navlayer.DataError) as e:
        navlayer.Catalogue.load(domain="mobile", offline=True)
    assert e.value.kind == "no-data" and "offline" in str(e.value) and e.value.path == str(cache)
    monkeypatch.setenv("NAVLAYER_OFFLINE", "1")
    with pytest.raises(navlayer.DataError):
        navlayer.Catalogue.load(domain="enterprise", release="18.1")


def test_load_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown domain"):
        navlayer.Catalogue.load(str(DATA), domain="space")
    with pytest.raises(ValueError, match="release"):
        navlayer.Catalogue.load(str(DATA), release="eighteen")
    with pytest.raises(navlayer.DataError) as e:
        navlayer.Catalogue.load(str(tmp_path / "nope.json"))
    assert e.value.path == str(tmp_path / "nope.json") and "no such file" in e.value.message
    bad = tmp_path / "enterprise-attack-18.1.json"
    bad.write_text('{"type": "bundle",\n "objects": [ {"type": "attack-pattern",, } ]}')
    with pytest.raises(navlayer.DataError) as e:
        navlayer.Catalogue.load(str(bad))
    assert (e.value.kind, e.value.path, e.value.line) == ("json", str(bad), 2)
    assert e.value.column is not None
    bad.write_text('{"type": "identity", "id": "x"}')
    with pytest.raises(navlayer.DataError) as e:
        navlayer.Catalogue.load(str(bad))
    assert e.value.kind == "not-a-bundle" and e.value.pointer == ""
    with pytest.raises(navlayer.DataError, match="no mobile-attack bundle of release 9.9"):
        navlayer.Catalogue.load(str(DATA), domain="mobile", release="9.9")
    assert isinstance(e.value, navlayer.NavlayerError)


def test_every_object_is_the_bundles_json_as_read():
    mobile = catalogue("mobile")
    bundle = json.loads((DATA / "mobile-attack-18.1.json").read_text(encoding="utf-8"))
    by_id = {o["id"]: o for o in bundle["objects"] if o["type"] != "relationship"}
    everything = mobile.objects(include_revoked=True, include_deprecated=True)
    assert len(everything) == len(mobile) == len([o for o in by_id.values() if o["type"] not in ("identity", "marking-definition")])
    for obj in everything:
        assert type(obj) is dict and obj == by_id[obj["id"]]
    assert mobile.object("T1406")["name"] == by_id[mobile.object("t1406")["id"]]["name"]


def test_objects_by_kind_and_status(enterprise):
    active = enterprise.objects("technique")
    assert len(active) == 216 and all(not o.get("x_mitre_is_subtechnique") for o in active)
    subs = enterprise.objects("sub-technique")
    assert len(subs) == 475 and all(o["x_mitre_is_subtechnique"] for o in subs)
    both = enterprise.objects("attack-pattern", include_revoked=True, include_deprecated=True)
    assert len(both) == enterprise.counts()["technique"]["total"] + enterprise.counts()["sub-technique"]["total"]
    software = enterprise.objects("software")
    assert {o["type"] for o in software} == {"malware", "tool"}
    assert all(o.get("revoked") for o in enterprise.objects("group", include_revoked=True)) is False
    with pytest.raises(ValueError, match="unknown kind"):
        enterprise.objects("spaceship")
    tactics = enterprise.tactics()
    assert tactics[0]["external_references"][0]["external_id"] == "TA0043"
    assert [t["x_mitre_shortname"] for t in tactics][-1] == "impact"
    assert "Linux" in enterprise.platforms() and "Windows" in enterprise.platforms()


def test_unknown_ids(enterprise):
    with pytest.raises(navlayer.DataError) as e:
        enterprise.object("T1059.0001")
    assert e.value.kind == "unknown-id" and "closest: T1059" in str(e.value)
    assert e.value.path == enterprise.path
    assert enterprise.get("T9999") is None and enterprise.get("T9999", {}) == {}
    assert enterprise.suggest("T1059.00", 3)[0].startswith("T1059.00")


@pytest.mark.parametrize("id", ["T1059.001", "T1059", "M1038", "G0016", "S0154", "C0024", "TA0002", "DS0009", "T1086"])
def test_show_is_what_the_cli_shows(enterprise, id):
    assert enterprise.show(id) == cli_json("show", id, "--format", "json")


def test_show_details(enterprise):
    s = enterprise.show("T1059.001")
    assert (s["id"], s["type"], s["status"], s["parent"]) == ("T1059.001", "sub-technique", "active", "T1059")
    assert "T1059.001" in enterprise.show("T1059")["subtechniques"]
    revoked = enterprise.show("T1086")
    assert revoked["status"] == "revoked" and revoked["revoked_by"] == "T1059.001"


@pytest.mark.parametrize(
    "filters, cli",
    [
        ({"mitigated_by": "M1038"}, ["--mitigated-by", "M1038"]),
        ({"used_by": "G0016", "include_campaigns": True}, ["--used-by", "G0016", "--include-campaigns"]),
        ({"used_by": "G0016"}, ["--used-by", "G0016"]),
        ({"tactic": "TA0002", "platform": "linux"}, ["--tactic", "TA0002", "--platform", "linux"]),
        ({"detected_by": "DET0103"}, ["--detected-by", "DET0103"]),
        ({"used_by": "S0154", "tactic": "Defense Evasion"}, ["--used-by", "S0154", "--tactic", "Defense Evasion"]),
    ],
)
def test_query_techniques_is_what_the_cli_answers(enterprise, filters, cli):
    mine = enterprise.techniques(**filters)
    theirs = cli_json("query", "techniques", *cli, "--format", "json")
    assert [o["external_references"][0]["external_id"] for o in mine] == [row["id"] for row in theirs]
    assert len(mine) > 0


def test_query_techniques_errors_and_assets(enterprise):
    ics = catalogue("ics")
    targeting = ics.techniques(targeting="A0003")
    assert targeting and all(o["type"] == "attack-pattern" for o in targeting)
    with pytest.raises(navlayer.DataError, match="is not an asset"):
        ics.techniques(targeting="T0800")
    with pytest.raises(navlayer.DataError, match="unknown tactic") as e:
        enterprise.techniques(tactic="teleportation")
    assert "TA0002 (execution)" in str(e.value)
    with pytest.raises(navlayer.DataError, match="platforms: "):
        enterprise.techniques(platform="Amiga")
    assert len(enterprise.techniques()) == 216 + 475
