"""newslens.book: every failing cell reported at once, outputs stamped, stale outputs refused, story books apart."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from newslens.book import MARKER, STAMP, assemble, execute, stale, write_stamp
from newslens.corpus import CorpusError

from .conftest import DATA, ROOT

SYNTHETIC = ROOT / "tests" / "fixtures" / "synthetic_story"


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)


@pytest.fixture
def book(tmp_path):
    (tmp_path / "chapters").mkdir()
    shutil.copytree(SYNTHETIC, tmp_path / "data")
    return tmp_path


def test_execute_reports_every_failing_cell_and_keeps_going(book):
    _notebook(book / "chapters" / "a.ipynb", "1/0", "x = 1", "undefined_name")
    _notebook(book / "chapters" / "b.ipynb", "raise ValueError('bad codebook')")
    errors = execute(book / "chapters", timeout=120)
    assert [(e.notebook, e.cell, e.error.split(":")[0]) for e in errors] == [
        ("a.ipynb", 0, "ZeroDivisionError"), ("a.ipynb", 2, "NameError"), ("b.ipynb", 0, "ValueError")]
    assert "b.ipynb cell 0: ValueError: bad codebook" == str(errors[2])
    ran = nbformat.read(book / "chapters" / "a.ipynb", as_version=4)
    assert ran.cells[1].execution_count == 2  # the cell after the error ran too


def test_stamp_records_data_package_and_chapters(book):
    _notebook(book / "chapters" / "a.ipynb", "x = 1")
    assert stale(book / "chapters", book / "data") == ["no successful execution is recorded"]
    write_stamp(book / "chapters", book / "data")
    assert stale(book / "chapters", book / "data") == []
    (book / "data" / "codebook" / "terms.yml").write_text("stop_words: [x]\nkeep: []\n", encoding="utf-8")
    assert stale(book / "chapters", book / "data") == [f"the data folder {book / 'data'}"]
    write_stamp(book / "chapters", book / "data")
    _notebook(book / "chapters" / "a.ipynb", "x = 2")
    assert stale(book / "chapters", book / "data") == ["the chapters' code"]


def test_the_committed_chapters_are_current():
    assert stale(ROOT / "chapters", DATA) == [], "run `make execute`"


def test_check_fails_with_one_line_when_stale(book):
    _notebook(book / "chapters" / "a.ipynb", "x = 1")
    res = subprocess.run([sys.executable, "-m", "newslens.book", "check", "--book", str(book)], capture_output=True, text=True)
    assert res.returncode == 1
    assert res.stderr.count("\n") == 1 and "stale" in res.stderr and "make execute" in res.stderr


def test_assemble_lays_out_a_separate_book(tmp_path):
    out = assemble(ROOT, SYNTHETIC, tmp_path / "story")
    assert (out / MARKER).is_file() and (out / "data" / "articles.csv").is_file()
    assert sorted(p.name for p in (out / "chapters").glob("*.ipynb")) == sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
    nb = nbformat.read(out / "chapters" / "01_corpus.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "Alibaba" not in index and "{tableofcontents}" in index  # the story brings no front page
    toc = (out / "_toc.yml").read_text(encoding="utf-8")
    assert "methods" not in toc and "glossary" in toc        # no methods commentary in that story
    assert "Alibaba" not in (out / "_config.yml").read_text(encoding="utf-8")


def test_assemble_refuses_dangerous_folders(tmp_path):
    with pytest.raises(CorpusError, match="folder of its own"):
        assemble(ROOT, SYNTHETIC, ROOT)
    with pytest.raises(CorpusError, match="inside the data folder"):
        assemble(ROOT, SYNTHETIC, SYNTHETIC / "book")
    with pytest.raises(CorpusError, match="inside the data folder, the chapters or the package"):
        assemble(ROOT, SYNTHETIC, ROOT / "chapters" / "x")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a book made by this command"):
        assemble(ROOT, SYNTHETIC, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_stamp_is_json():
    assert set(json.loads((ROOT / "chapters" / STAMP).read_text(encoding="utf-8"))) == {"data", "package", "chapters", "sources"}


def test_stamp_covers_the_capture_pages(book):
    """A capture page edited, lost or left over from other data makes the chapters stale; writing them again is not enough."""
    from newslens.book import write_sources

    _notebook(book / "chapters" / "a.ipynb", "x = 1")
    pages = write_sources(book, book / "data")
    assert (book / "sources" / "index.md") in pages and len(pages) == 4
    write_stamp(book / "chapters", book / "data")
    assert stale(book / "chapters", book / "data") == []
    page = book / "sources" / "valley-radio.md"
    page.write_text(page.read_text(encoding="utf-8").replace("body", "bodY", 1), encoding="utf-8")
    assert stale(book / "chapters", book / "data") == [f"the capture pages in {book / 'sources'}"]
    write_sources(book, book / "data")
    assert stale(book / "chapters", book / "data") == []
    page.unlink()
    assert stale(book / "chapters", book / "data") == [f"the capture pages in {book / 'sources'}"]


def test_the_committed_capture_pages_are_the_current_ones(tmp_path):
    from newslens.sources import write_pages
    from newslens.study import Study

    written = write_pages(Study.open(DATA), tmp_path)
    committed = sorted(p.name for p in (ROOT / "sources").glob("*.md"))
    assert committed == sorted(p.name for p in written), "run `make execute`"
    for p in written:
        assert p.read_bytes() == (ROOT / "sources" / p.name).read_bytes(), f"sources/{p.name} is stale: run `make execute`"


def test_a_story_book_keeps_the_sources_in_its_toc(tmp_path):
    out = assemble(ROOT, SYNTHETIC, tmp_path / "story")
    toc = (out / "_toc.yml").read_text(encoding="utf-8")
    assert "sources/index" in toc and "glob: sources/*" in toc
