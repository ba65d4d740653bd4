"""The export command: tables as CSV, --help documents every column, exit code 2 and one line on bad input."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from newslens.export import TABLES, chapter_tables, codebooks_for

from .conftest import DATA

STORY = Path(__file__).parent / "fixtures" / "synthetic_story"


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


def test_labels_table_adds_up_to_the_articles_table(tmp_path):
    res = run("export", "--out", str(tmp_path), "--data", str(DATA), "--table", "labels", "--table", "articles")
    assert res.returncode == 0, res.stderr
    labels = pd.read_csv(tmp_path / "labels.csv")
    arts = pd.read_csv(tmp_path / "articles.csv").set_index("article")
    assert labels.groupby("article", sort=False)["words"].sum().to_dict() == arts["words_raw"].to_dict()
    assert labels.groupby("article", sort=False)["lines"].sum().to_dict() == (arts.filter(like="lines_").sum(axis=1)).to_dict()
    body = labels[labels.label == "body"].set_index("article")["words"]
    # raw body words keep the aggregator's inline markers ([Source]); words_body drops them
    assert (body >= arts["words_body"]).all() and (body - arts["words_body"]).max() < 10


def test_help_documents_the_columns_of_every_table():
    res = run("export", "--help")
    assert res.returncode == 0
    for name, (_func, doc) in TABLES.items():
        assert f"  {name}.csv: {doc}" in res.stdout, name
    assert "Exit status" in res.stdout and " 2 on bad input" in res.stdout


def test_help_names_match_the_columns_written(tmp_path):
    """Every column a table writes is named in its --help line (so the documentation cannot drift)."""
    res = run("export", "--out", str(tmp_path), "--data", str(STORY))
    assert res.returncode == 0, res.stderr
    for name, (_func, doc) in TABLES.items():
        columns = pd.read_csv(tmp_path / f"{name}.csv", nrows=0).columns
        named = [c for c in columns if c in doc or (c.startswith("lines_") and "lines_<label>" in doc)]
        assert list(columns) == named, (name, sorted(set(columns) - set(named)))


def test_chapter_tables_writes_the_files_and_describes_them(tmp_path, study):
    desc = chapter_tables(study, tmp_path / "t", ["labels", "reuse"])
    assert list(desc.index) == ["labels.csv", "reuse.csv"]
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["labels.csv", "reuse.csv"]
    assert desc.loc["labels.csv", "rows"] == len(pd.read_csv(tmp_path / "t" / "labels.csv"))
    assert desc.loc["reuse.csv", "columns"] == "article, line, source_article, source_line, similarity"


def test_codebooks_for_tables():
    assert codebooks_for(["articles"]) == ["furniture"]
    assert codebooks_for(["quotes", "events"]) == ["furniture", "events", "facts", "actors", "speakers"]
    assert codebooks_for(list(TABLES)) == ["furniture", "events", "facts", "actors", "speakers", "wording", "terms", "frames"]


# --------------------------------------------------------------------------- bad input: exit 2, one line


# The malformed inputs (manifest, captures, each codebook, output folders) are the battery in
# tests/test_bad_input.py.


def test_empty_manifest_names_the_missing_columns(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "articles.csv").write_text("id,file\n", encoding="utf-8")
    res = run("export", "--out", str(tmp_path / "out"), "--data", str(data))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [f"newslens: error: {data / 'articles.csv'}: missing required column(s) outlet, capture_site, "
                                               "headline, date, date_basis, byline, url, sha256; the header must have id, file, outlet, "
                                               "capture_site, headline, date, date_basis, byline, url, sha256"]


def test_output_folder_that_is_a_file_exits_2(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    res = run("export", "--out", str(blocker), "--data", str(STORY), "--table", "articles")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert lines == [f"newslens: error: --out {blocker}: a file of that name exists; name a folder (created if missing)"], res.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_unknown_table_is_a_usage_error():
    res = run("export", "--out", "x", "--table", "nonsense")
    assert res.returncode == 2 and "invalid choice: 'nonsense'" in res.stderr


# --------------------------------------------------------------------------- the chapters' downloads


#: Tables new in the package that no chapter offers yet: the lead adds them to a chapter (and to
#: chapters/tables/ with `make execute`), then empties this set.
NOT_YET_IN_A_CHAPTER: set[str] = set()


def _offered() -> dict[str, list[str]]:
    """Chapter notebook -> the CSV files its markdown links with the {download} role."""
    import re

    import nbformat

    offered = {}
    for nb_path in sorted((DATA.parent / "chapters").glob("*.ipynb")):
        nb = nbformat.read(nb_path, 4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        offered[nb_path.stem] = re.findall(r"\{download\}`(\w+)\.csv <tables/\1\.csv>`", text)
    return offered


def test_every_table_is_offered_by_one_chapter():
    offered = _offered()
    assert all(offered.values()), offered
    names = [n for files in offered.values() for n in files]
    assert sorted(names) == sorted(set(TABLES) - NOT_YET_IN_A_CHAPTER)


def test_chapter_downloads_are_the_current_export(tmp_path, study):
    """The committed chapters/tables/*.csv equal what the package writes now (make execute refreshes them)."""
    from newslens.export import export_tables

    tables = DATA.parent / "chapters" / "tables"
    for path in export_tables(study, tmp_path, [t for t in TABLES if t not in NOT_YET_IN_A_CHAPTER]):
        assert (tables / path.name).read_bytes() == path.read_bytes(), f"{path.name} is stale: run make execute"
