"""newslens.sources: one page per capture, every line numbered and anchored, facts and quotes found on it in words."""
from __future__ import annotations

import csv
import re
import shutil

import pytest

from newslens.sources import RIGHTS_NOTE, capture_page, index_page, line_kind, line_link, write_pages
from newslens.study import Study

from .conftest import ROOT

SYNTHETIC = ROOT / "tests" / "fixtures" / "synthetic_story"


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The synthetic story with an address for one capture (the manifest's url is not part of a capture's hash)."""
    data = tmp_path_factory.mktemp("story") / "data"
    shutil.copytree(SYNTHETIC, data)
    path = data / "articles.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["url"] = "https://larkspur-ledger.example/2025/05/08/solvent-leak?a=1&b=2"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return Study(data)


def _row(page: str, n: int) -> str:
    m = re.search(rf'<tr id="L{n}">(.*?)</tr>', page)
    assert m, f"no row for line {n}"
    return m.group(1)


def test_every_line_is_numbered_with_one_anchor(story):
    page = capture_page(story, "valley-radio")
    raw = (story.data_dir / "raw" / "radio.txt").read_text(encoding="utf-8").split("\n")
    anchors = re.findall(r'<tr id="L(\d+)">', page)
    assert anchors == [str(n) for n in range(1, len(raw) + 1)]
    assert f'<a href="#L{len(raw)}">{len(raw)}</a>' in page


def test_lines_are_marked_in_words_and_facts_and_quotes_in_words(story):
    page = capture_page(story, "valley-radio")
    raw = (story.data_dir / "raw" / "radio.txt").read_text(encoding="utf-8").split("\n")
    n_copyright = raw.index("Copyright 2025 Valley Public Radio") + 1
    assert "<td>furniture: byline or credit</td>" in _row(page, n_copyright)
    assert "<td>furniture: page text</td>" in _row(page, raw.index("Skip to main content") + 1)
    n_bottled = next(i for i, t in enumerate(raw, 1) if "bottled water at two fire stations" in t)
    row = _row(page, n_bottled)
    assert "<td>body</td>" in row
    assert "fact: Bottled water was handed out." in row and "<mark>" in row
    assert _row(page, raw.index("") + 1).count("<td>blank</td>") == 1
    # a quote on the first capture: highlighted in the text, its speaker named in the notes
    first = capture_page(story, "ledger-first")
    lines = (story.data_dir / "raw" / "ledger_first.txt").read_text(encoding="utf-8").split("\n")
    n_quote = next(i for i, t in enumerate(lines, 1) if t.startswith('"The smell hit me'))
    row = _row(first, n_quote)
    assert "<u>The smell hit me before I saw anything,</u>" in row and "quotation: Marta Lindqvist" in row
    # the legend says what the marks mean, in words
    assert "<mark>Highlighted</mark>" in page and "<u>underlined</u>" in page


def test_pages_show_no_code_names(story):
    facts = [f["id"] for f in story.codebook("facts")["facts"] if "_" in f["id"]]
    for art in story.by_date:
        page = capture_page(story, art)
        assert not [f for f in facts if f in page], art
        assert "date_basis" not in page and "boilerplate" not in page


def test_text_is_escaped(story):
    page = capture_page(story, "ledger-first")
    assert "&amp;b=2" in page and "<script" not in page
    # a line of the text with an ampersand or a bracket would be escaped, never raw markup
    assert line_kind("body", "quoted", "The Gazette") == "quoted passage from The Gazette"
    assert line_kind("caption") == "caption" and line_kind("byline") == "furniture: byline or credit"


def test_index_lists_every_capture_in_publication_order(story):
    page = index_page(story)
    order = [m for m in re.findall(r"\]\(([a-z0-9_-]+)\.md\)", page)]
    assert order == list(story.by_date) and len(order) == 3
    assert "(https://larkspur-ledger.example/2025/05/08/solvent-leak?a=1&b=2)" in page
    assert "(no address recorded)" in page  # the other two captures have no url
    assert "stated (updated 2025-05-15, as the capture says)" in page
    assert RIGHTS_NOTE.split(";")[0] in page


def test_pages_are_deterministic_and_replace_stale_ones(story, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "sources").mkdir(parents=True)
    (a / "sources" / "gone.md").write_text("# an article no longer in the manifest\n", encoding="utf-8")
    written = write_pages(story, a)
    write_pages(story, b)
    assert [p.name for p in written] == ["index.md", *(f"{x}.md" for x in story.by_date)]
    assert sorted(p.name for p in (a / "sources").iterdir()) == sorted(p.name for p in written)
    for p in written:
        assert p.read_bytes() == (b / "sources" / p.name).read_bytes()
    assert not list(tmp_path.glob("a/.sources*"))


def test_line_link_points_from_a_chapter_to_the_line():
    assert line_link("ledger-first", 12) == "../sources/ledger-first.html#L12"
    assert line_link("x", "7", prefix="") == "sources/x.html#L7"


def test_line_links_link_every_line_once():
    import pandas as pd

    from newslens.sources import line_links, with_line_links

    assert line_links("a", "24; 28; 24") == '<a href="../sources/a.html#L24">line 24</a>, <a href="../sources/a.html#L28">line 28</a>'
    assert line_links("a", 3) == '<a href="../sources/a.html#L3">line 3</a>'
    assert line_links("a", "") == "" and line_links("a", None) == "" and line_links("a", float("nan")) == ""
    assert line_links("a", 0) == ""  # Entman's table gives line 0 where no sentence fills a function
    table = with_line_links(pd.DataFrame({"article": ["a", "b"], "line": [1, "2; 5"]}), into="where")
    assert table["where"].tolist() == ['<a href="../sources/a.html#L1">line 1</a>',
                                       '<a href="../sources/b.html#L2">line 2</a>, <a href="../sources/b.html#L5">line 5</a>']
    assert table["line"].tolist() == [1, "2; 5"]
