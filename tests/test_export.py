"""The export command: tables as CSV, exit code 2 and one line on bad input."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd

from .conftest import DATA


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "newslens", *args], capture_output=True, text=True, cwd=cwd)


def test_export_writes_articles_and_lines(tmp_path):
    res = run("export", "--out", str(tmp_path / "out"), "--data", str(DATA), "--table", "articles", "--table", "lines")
    assert res.returncode == 0, res.stderr
    arts = pd.read_csv(tmp_path / "out" / "articles.csv")
    assert arts["article"].tolist() == ["wapo", "npr", "cdt", "ap", "register"]
    for col in ("article", "file", "outlet", "date", "headline", "words_raw", "words_body", "words_own", "words_quoted"):
        assert col in arts.columns
    assert (arts.words_body <= arts.words_raw).all() and (arts.words_own + arts.words_quoted == arts.words_body).all()
    lines = pd.read_csv(tmp_path / "out" / "lines.csv", keep_default_na=False)
    assert list(lines.columns) == ["article", "line", "label", "voice", "quoted_outlet"]
    assert set(lines.article) == set(arts.article)


def test_export_bad_input_exit_2_without_traceback(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "articles.csv").write_text("id,file\n", encoding="utf-8")
    res = run("export", "--out", str(tmp_path / "out"), "--data", str(data))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith(f"newslens: error: {data / 'articles.csv'}: missing required column(s) outlet")


def test_export_help_documents_tables():
    res = run("export", "--help")
    assert res.returncode == 0
    assert "articles.csv:" in res.stdout and "lines.csv:" in res.stdout
