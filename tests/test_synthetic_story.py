"""The next story: a synthetic corpus with its own codebooks goes through every analysis with no code change."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from newslens.export import TABLES

STORY = Path(__file__).parent / "fixtures" / "synthetic_story"


def test_export_writes_every_table_for_a_new_story(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "newslens", "export", "--out", str(out), "--data", str(STORY)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert sorted(p.stem for p in out.glob("*.csv")) == sorted(TABLES)
    arts = pd.read_csv(out / "articles.csv")
    assert arts["article"].tolist() == ["wire", "gazette", "digest"]
    lines = pd.read_csv(out / "lines.csv", keep_default_na=False)
    body = lines[lines.label == "body"]
    assert body.groupby("article").size().to_dict() == {"digest": 4, "gazette": 5, "wire": 5}
    assert body.loc[body.voice == "quoted", "quoted_outlet"].unique().tolist() == ["The Associated Press"]
