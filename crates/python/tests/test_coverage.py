"""navlayer.coverage / coverage_from_texts / heatmap / gaps on the real rule sets of
$NAVLAYER_SHARED/rules-corpus: the same layers and reports as the CLI (`navlayer coverage`,
`heatmap`, `gaps`) writes, options checked like keyword arguments, broken files reported."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import navlayer
from conftest import DATA, SHARED, catalogue
from test_catalogue import navlayer_bin

CORPUS = SHARED / "rules-corpus"
SIGMA_LINUX = CORPUS / "sigma" / "rules" / "linux"
AWS_16_1 = next((CORPUS / "mappings-explorer" / "mappings" / "aws" / "attack-16.1").glob("*/enterprise/*.json"))


def cli(tmp_path: Path, *args: str) -> tuple[dict, dict]:
    """Runs the CLI on enterprise 18.1 of the shared data; returns its layer and `--report json`."""
    layer, report = tmp_path / "cli-layer.json", tmp_path / "cli-report.json"
    subprocess.run(
        [navlayer_bin(), "--offline", "--data", str(DATA), "--attack-version", "18.1", *args,
         "-o", str(layer), "--report", "json", "--report-out", str(report), "--force"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(layer.read_text()), json.loads(report.read_text())


def scores(layer: dict) -> dict:
    return {(t["techniqueID"], t.get("tactic")): t.get("score") for t in layer["techniques"]}


@pytest.fixture(scope="module")
def sigma_linux(enterprise):
    return navlayer.coverage("sigma", SIGMA_LINUX, enterprise)


def test_sigma_folder_equals_the_cli(tmp_path, enterprise):
    folder = CORPUS / "sigma" / "rules"
    layer, report = navlayer.coverage("sigma", str(folder), enterprise)
    cli_layer, cli_report = cli(tmp_path, "coverage", "sigma", str(folder))
    assert isinstance(layer, navlayer.Layer)
    assert report["totals"]["files"] > 2500 and report["totals"]["techniques"] > 300
    assert scores(layer.to_dict()) == scores(cli_layer)
    # The whole layer and the whole report, not only the scores: the same library call.
    assert layer.to_dict() == cli_layer
    assert report == cli_report


def test_options_are_the_cli_options(tmp_path, enterprise):
    layer, report = navlayer.coverage(
        "sigma", [SIGMA_LINUX], enterprise, score="sum", weight="level", name="Linux by level"
    )
    cli_layer, cli_report = cli(
        tmp_path, "coverage", "sigma", str(SIGMA_LINUX), "--score", "sum", "--weight", "level", "--name", "Linux by level"
    )
    assert layer.name == "Linux by level"
    assert scores(layer.to_dict()) == scores(cli_layer)
    assert report["totals"] == cli_report["totals"]
    plain, _ = navlayer.coverage("sigma", SIGMA_LINUX, enterprise)
    assert scores(layer.to_dict()) != scores(plain.to_dict())  # the weight changed the scores


def test_texts_equal_the_files(sigma_linux, enterprise):
    files = sorted(SIGMA_LINUX.rglob("*.yml"))
    texts = {str(f): f.read_text(encoding="utf-8") for f in files}
    layer, report = navlayer.coverage_from_texts("sigma", texts, enterprise)
    from_files, files_report = sigma_linux
    assert scores(layer.to_dict()) == scores(from_files.to_dict())
    assert report["totals"]["items_used"] == files_report["totals"]["items_used"] > 100
    pairs, _ = navlayer.coverage_from_texts("sigma", list(texts.items())[:5], enterprise)
    assert 0 < len(pairs.to_dict()["techniques"]) < len(layer.to_dict()["techniques"])


def test_mapping_file_of_an_older_release_is_migrated_like_the_cli(tmp_path, enterprise):
    layer, report = navlayer.coverage("mappings", AWS_16_1, enterprise)
    cli_layer, cli_report = cli(tmp_path, "coverage", "mappings", str(AWS_16_1))
    assert scores(layer.to_dict()) == scores(cli_layer)
    assert report == cli_report
    # Migrated from 16.1 (the bundle beside the catalogue's), not resolved against 18.1 directly.
    assert [m["files"] for m in report["migrations"]] == [[str(AWS_16_1)]]


def test_heatmap_of_groups_equals_the_cli(tmp_path, enterprise):
    layer, report = navlayer.heatmap(enterprise)
    cli_layer, cli_report = cli(tmp_path, "heatmap", "groups")
    assert layer.to_dict() == cli_layer
    assert report == cli_report
    assert max(t["score"] for t in cli_layer["techniques"]) > 50
    only, only_report = navlayer.heatmap(enterprise, kinds=["software"], only=["S0002", "S0154"], platforms=["Windows"])
    cli_only, _ = cli(tmp_path, "heatmap", "software", "--only", "S0002,S0154", "--platform", "Windows")
    assert only.to_dict() == cli_only
    assert max(t["score"] for t in cli_only["techniques"]) == 2


def test_gaps_equal_the_cli(tmp_path, enterprise, sigma_linux):
    threat = navlayer.generate(enterprise, "group", "G0016")
    coverage_layer, _ = sigma_linux
    threat.write(tmp_path / "threat.json")
    coverage_layer.write(tmp_path / "coverage.json")
    layer, report = navlayer.gaps(threat, [coverage_layer], enterprise, include_covered=True)
    cli_layer, cli_report = cli(tmp_path, "gaps", str(tmp_path / "threat.json"), str(tmp_path / "coverage.json"), "--include-covered")
    assert layer.to_dict() == cli_layer
    assert report == cli_report
    assert len(report["gaps"]) > 10


def test_unknown_options_and_bad_values(enterprise):
    with pytest.raises(TypeError, match="colour"):
        navlayer.heatmap(enterprise, colour="red")
    with pytest.raises(TypeError, match="scoring"):
        navlayer.coverage("sigma", SIGMA_LINUX, enterprise, scoring="sum")
    with pytest.raises(ValueError, match="score"):
        navlayer.coverage("sigma", SIGMA_LINUX, enterprise, score="most")
    with pytest.raises(ValueError, match="kinds"):
        navlayer.heatmap(enterprise, kinds=["dragons"])
    with pytest.raises(ValueError, match="min_coverage"):
        navlayer.gaps(navlayer.generate(enterprise, "group", "G0016"), [], enterprise, min_coverage="high")
    with pytest.raises(ValueError, match="format"):
        navlayer.coverage("yara", SIGMA_LINUX, enterprise)
    with pytest.raises(ValueError, match="platform"):
        navlayer.coverage("sigma", SIGMA_LINUX, enterprise, platforms=["Amiga"])
    with pytest.raises(ValueError, match="coverage layer"):
        navlayer.gaps(navlayer.generate(enterprise, "group", "G0016"), [], enterprise)


def test_broken_yaml_is_reported_with_line_and_column(tmp_path, enterprise):
    good = next(SIGMA_LINUX.rglob("*.yml"))
    (tmp_path / "good.yml").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.yml").write_text("title: x\ntags: [attack.t1059\nlevel: high\n", encoding="utf-8")
    layer, report = navlayer.coverage("sigma", tmp_path, enterprise)
    failed = [f for f in report["files"] if f["outcome"] == "failed"]
    assert [Path(f["path"]).name for f in failed] == ["broken.yml"]
    assert failed[0]["line"] >= 2 and failed[0]["column"] >= 1 and failed[0]["reason"]
    assert report["totals"]["failed"] == 1 and report["totals"]["parsed"] == 1
    assert len(layer.to_dict()["techniques"]) > 0  # the good file still counts


def test_refusals_are_coverage_errors(tmp_path, enterprise):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(navlayer.CoverageError) as e:
        navlayer.coverage("sigma", missing, enterprise)
    assert e.value.path == str(missing) and e.value.kind == "io"
    with pytest.raises(navlayer.CoverageError) as e:
        navlayer.coverage("sigma", [], enterprise)
    assert e.value.kind == "no-input"
    with pytest.raises(navlayer.CoverageError) as e:
        navlayer.heatmap(enterprise, only=["G9999"])
    assert e.value.kind == "unknown-object" and "G9999" in str(e.value)
    mobile = catalogue("mobile")
    with pytest.raises(navlayer.CoverageError) as e:
        navlayer.gaps(navlayer.generate(enterprise, "group", "G0016"), [navlayer.generate(enterprise, "group", "G0007")], mobile)
    assert e.value.kind == "layer"
    assert isinstance(e.value, navlayer.NavlayerError)


def test_the_guide_section_runs(tmp_path, monkeypatch, capsys):
    """docs/python.md's coverage example, as written, on the corpus."""
    doc = (Path(__file__).resolve().parents[3] / "docs" / "python.md").read_text(encoding="utf-8")
    start = doc.index("### Coverage, heatmaps, gaps")
    code = re.search(r"```python\n(.*?)```", doc[start:], re.S).group(1)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NAVLAYER_DATA", str(DATA))
    (tmp_path / "sigma").symlink_to(CORPUS / "sigma")
    (tmp_path / "ps.yml").write_text("title: PowerShell\ntags: [attack.execution, attack.t1059.001]\n", encoding="utf-8")
    exec(compile(code, "docs/python.md", "exec"), {})
    out = capsys.readouterr().out
    assert re.search(r"^\d+ rules on \d+ techniques$", out, re.M), out
    gaps = json.loads((tmp_path / "G0016-gaps.json").read_text())
    assert gaps["name"].startswith("Gaps:") and len(gaps["techniques"]) > 10
