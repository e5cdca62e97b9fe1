"""The notebook-sized example of docs/python.md runs as written (on the shared releases, with a
small coverage layer of its own), so the guide cannot drift from the API."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import DATA

DOC = Path(__file__).resolve().parents[3] / "docs" / "python.md"


def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## A notebook-sized example")
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)


def test_the_guide_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NAVLAYER_DATA", str(DATA))
    coverage = {
        "name": "my coverage",
        "domain": "enterprise-attack",
        "versions": {"layer": "4.5", "attack": "16"},
        "techniques": [{"techniqueID": "T1059.001", "score": 1}, {"techniqueID": "T1566.001", "score": 1}],
    }
    (tmp_path / "my-coverage.json").write_text(json.dumps(coverage))
    exec(compile(example(), str(DOC), "exec"), {})
    out = capsys.readouterr().out
    assert "enterprise-attack 18.1" in out and "techniques used by APT29" in out
    gaps = json.loads((tmp_path / "apt29-gaps.json").read_text())
    ids = {t["techniqueID"] for t in gaps["techniques"] if t.get("score") == 1}
    assert "T1059.001" not in ids and len(ids) > 50
    assert (tmp_path / "apt29-gaps.png").read_bytes()[:4] == b"\x89PNG"
