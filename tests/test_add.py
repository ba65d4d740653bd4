"""``newslens add``: captures registered end to end, bad input leaving the data folder as it was, and an
HTML-only copy of the synthetic story (built by ``add``) on which chapter 2's computations find what the
plain-text story finds."""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from newslens import coverage as cv
from newslens import quotes
from newslens.__main__ import main
from newslens.add import plan_captures, stated_date, write_captures
from newslens.corpus import CorpusError, CorpusWarning, extraction_disagreements, load_codebook, load_corpus, load_manifest
from newslens.pages import extractor_name
from newslens.text import sentence_table

from .conftest import DATA

HTML = Path(__file__).parent / "fixtures" / "html"
# The plain-text story the hand-made pages of tests/fixtures/html/ were written from (the first synthetic story).
STORY = Path(__file__).parent / "fixtures" / "html" / "northwind"


# Nothing is fetched, ever: every test here fails if newslens opens a network connection (conftest.no_network).
pytestmark = pytest.mark.usefixtures("no_network")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _add(*args: str) -> subprocess.CompletedProcess:
    """The command line in process (a subprocess costs seconds of imports; one test runs the real one)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["add", *map(str, args)])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.fixture()
def data(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def test_add_plain_text_and_html_end_to_end(data, tmp_path):
    before = (data / "articles.csv").read_bytes()
    res = _add(str(STORY / "raw" / "gazette.txt"), "--data", str(data), "--outlet", "The Millbrook Gazette", "--id", "gazette-txt")
    assert res.returncode == 0, res.stderr
    # a plain-text capture needs no new column: the old manifest is kept byte for byte, the row appended
    after = (data / "articles.csv").read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1
    assert "headline      Northwind workers say safety complaints went unanswered for months  <- line 5 of the capture" in res.stdout
    assert "date          2024-03-12 (stated)  <- line 10 of the capture (htmldate)" in res.stdout
    res = _add(str(HTML / "wire_tv.html"), "--data", str(data), "--outlet", "The Associated Press", "--id", "wire")
    assert res.returncode == 0, res.stderr
    res = _add(str(HTML / "gazette.html"), str(HTML / "blog.html"), "--data", str(data))
    assert res.returncode == 0, res.stderr
    assert "outlet        Shop Floor Notes  <- the page's site name" in res.stdout

    m = load_manifest(data)
    assert list(m.index) == ["wapo", "npr", "cdt", "ap", "register", "gazette-txt", "wire", "the-millbrook-gazette", "shop-floor-notes"]
    assert m["file"].tolist()[5:] == [f"{n:03d}_{m['sha256'].iloc[n][:16]}{ext}" for n, ext in
                                      zip(range(5, 9), [".txt", ".html", ".html", ".html"])]
    for art, row in m.iterrows():  # every capture byte for byte, as the checksum proves
        assert hashlib.sha256(Path(row["path"]).read_bytes()).hexdigest() == row["sha256"], art
    assert (data / "raw" / m.loc["wire", "file"]).read_bytes() == (HTML / "wire_tv.html").read_bytes()
    assert m["extractor"].tolist() == [""] * 6 + [extractor_name()] * 3
    wire = m.loc["wire"]
    assert (wire["outlet"], wire["capture_site"], wire["date_basis"], wire["byline"]) == (
        "The Associated Press", "kmlb7.example", "stated", "not in the capture")
    assert m.loc["the-millbrook-gazette", "byline"] == "Sam Okafor"
    assert m.loc["gazette-txt", "url"] == "" and m.loc["gazette-txt", "byline"] == "Sam Okafor"
    corpus = load_corpus(data)
    assert corpus.lines.loc[corpus.lines.article == "wire", "text"].iloc[0] == wire["headline"]
    # the seed rows are unchanged apart from the new, empty column
    old = pd.read_csv(DATA / "articles.csv", keep_default_na=False)
    new = pd.read_csv(data / "articles.csv", keep_default_na=False)
    assert new.iloc[:5].drop(columns="extractor").equals(old)


def test_the_date_comes_from_the_url_when_the_page_states_none(tmp_path):
    res = _add(str(HTML / "state_media.html"), "--data", str(tmp_path), "--outlet", "Central News Service")
    assert res.returncode == 0, res.stderr
    row = load_manifest(tmp_path).iloc[0]
    assert (row["date"].strftime("%Y-%m-%d"), row["date_basis"], row["capture_site"]) == ("2024-03-22", "from the URL", "english.cns.example")
    assert "page read as gbk" in res.stdout


def test_given_values_win_and_say_what_the_page_said(tmp_path):
    plans = plan_captures([HTML / "gazette.html"], tmp_path, date="2024-03-13", url="https://example.org/a", site="a mirror")
    row, src = plans[0].row, plans[0].sources
    assert (row["date"], row["date_basis"], row["url"], row["capture_site"]) == ("2024-03-13", "given", "https://example.org/a", "a mirror")
    assert src["date"] == "given (--date); the page states 2024-03-12"
    assert (tmp_path / "raw").exists() is False  # planning writes nothing


def test_stated_date_skips_a_bare_year():
    assert stated_date(["Copyright 2021 The Wire", "Updated August 18, 2021 at 11:47 AM ET"]) == ("2021-08-18", 2)
    assert stated_date(["Copyright 2021 The Wire"]) is None


@pytest.mark.parametrize("args, message", [
    (["{data}/raw/000_5d940f0a5119fa01.txt", "--outlet", "X"],
     r"000_5d940f0a5119fa01\.txt: already in the corpus as 'wapo' \(raw/000_5d940f0a5119fa01\.txt has the same sha256\); nothing to add"),
    (["{html}/blog.html", "--id", "wapo"], r"--id 'wapo' already exists in .*articles\.csv \(row 2\); choose another id"),
    (["{html}/blog.html", "--id", "Not A Slug"], r"--id 'Not A Slug' is not a slug"),
    (["{html}/blog.html", "{html}/blog.html"], r"blog\.html: the same file as .*blog\.html \(same sha256\); give it once"),
    (["{html}/blog.html", "{html}/gazette.html", "--url", "https://x.example/"], r"--url names one capture but 2 files were given"),
    (["{html}/blog.html", "--date", "2024-13-01"], r"--date '2024-13-01' is not a date; give it as YYYY-MM-DD"),
    (["{html}/blog.html", "--date", "2999-01-01"], r"--date 2999-01-01 is in the future"),
    (["{html}/state_media.html"], r"state_media\.html: the page does not name its site; give --outlet NAME"),
    (["{story}/gazette.txt"], r"gazette\.txt: a plain-text capture does not say which outlet published it; give --outlet NAME"),
    (["{story}/wire_tv.txt", "--outlet", "X"], r"wire_tv\.txt: no date stated before the article text and none in the URL; give --date YYYY-MM-DD"),
    (["{tmp}/missing.html"], r"missing\.html: file not found"),
    (["{tmp}/scan.pdf", "--outlet", "X"], r"scan\.pdf: neither an HTML page nor text \(a binary file\)"),
    (["{tmp}/latin.txt", "--outlet", "X"], r"latin\.txt: neither an HTML page nor UTF-8 text"),
    (["{tmp}/cut.html"], r"cut\.html: the page is truncated"),
])
def test_bad_input_gives_one_line_and_leaves_data_alone(data, tmp_path, args, message):
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n\x00\x01binary")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 council votes to keep the library open.\n".encode("latin-1"))
    (tmp_path / "cut.html").write_bytes((HTML / "blog.html").read_bytes()[:1500])
    before = _snapshot(data)
    # the good file first: the bad one after it must stop the whole command before anything is written
    argv = [a.format(data=data, html=HTML, story=STORY / "raw", tmp=tmp_path) for a in args]
    res = _add(*argv, "--data", str(data))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newslens: error: "), res.stderr
    assert pytest.importorskip("re").search(message, lines[0]), lines[0]
    assert _snapshot(data) == before


def test_a_late_failure_in_a_batch_writes_nothing(data):
    before = _snapshot(data)
    res = _add(str(HTML / "blog.html"), str(HTML / "gazette.html"), str(HTML / "state_media.html"), "--data", str(data))
    assert res.returncode == 2 and "state_media.html" in res.stderr
    assert _snapshot(data) == before


def test_a_failed_write_removes_what_it_wrote(data, monkeypatch):
    plans = plan_captures([HTML / "blog.html", HTML / "gazette.html"], data)
    before = _snapshot(data)

    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("newslens.add.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_captures(plans, data)
    assert _snapshot(data) == before


def test_dry_run_writes_nothing(data):
    before = _snapshot(data)
    res = _add(str(HTML / "blog.html"), "--data", str(data), "--dry-run")
    assert res.returncode == 0 and "shop-floor-notes" in res.stdout and "nothing written" in res.stderr
    assert _snapshot(data) == before


def test_the_real_command_line_adds_and_exports(tmp_path):
    data = tmp_path / "story"
    shutil.copytree(STORY, data)
    res = subprocess.run([sys.executable, "-m", "newslens", "add", str(HTML / "blog.html"), "--data", str(data), "--id", "blog"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "blog.html -> raw/003_" in res.stdout and "added 1 capture(s)" in res.stderr
    res = subprocess.run([sys.executable, "-m", "newslens", "export", "--out", str(tmp_path / "out"), "--data", str(data),
                          "--table", "articles"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert pd.read_csv(tmp_path / "out" / "articles.csv")["article"].tolist() == ["wire", "gazette", "digest", "blog"]


# --------------------------------------------------------------------------- the manifest's extractor column


def _manifest(root: Path, rows: list[dict], fields: list[str]) -> None:
    with (root / "articles.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _row(root: Path, name: str, source: Path, **extra) -> dict:
    (root / "raw").mkdir(exist_ok=True)
    shutil.copy(source, root / "raw" / name)
    return dict(id=name.split(".")[0].replace("_", "-"), file=name, outlet="O", capture_site="", date="2024-03-20",
                date_basis="stated", byline="", url="", sha256=hashlib.sha256(source.read_bytes()).hexdigest(),
                headline="Northwind Injury Case Puts Warehouse Safety In Spotlight", **extra)


FIELDS = ["id", "file", "outlet", "capture_site", "headline", "date", "date_basis", "byline", "url", "sha256"]


def test_old_manifests_without_the_column_load(tmp_path):
    _manifest(tmp_path, [_row(tmp_path, "digest.txt", STORY / "raw" / "digest.txt")], FIELDS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        m = load_manifest(tmp_path)
    assert m["extractor"].tolist() == [""]


def test_a_page_recorded_with_another_extractor_warns(tmp_path):
    _manifest(tmp_path, [_row(tmp_path, "digest.html", HTML / "digest.html", extractor="trafilatura 0.1")], FIELDS + ["extractor"])
    with pytest.warns(CorpusWarning, match=r"row 2: the manifest records 'trafilatura 0.1' for digest.html, the installed one is 'trafilatura"):
        load_manifest(tmp_path)


def test_an_extractor_on_plain_text_is_refused(tmp_path):
    _manifest(tmp_path, [_row(tmp_path, "digest.txt", STORY / "raw" / "digest.txt", extractor=extractor_name())], FIELDS + ["extractor"])
    with pytest.raises(CorpusError, match=r"row 2: extractor 'trafilatura .*' for the plain-text capture 'digest.txt'; leave 'extractor' empty"):
        load_manifest(tmp_path)


def test_a_bad_saved_page_in_the_manifest_names_the_row(tmp_path):
    cut = tmp_path / "cut.html"
    cut.write_bytes((HTML / "blog.html").read_bytes()[:1500])
    _manifest(tmp_path, [_row(tmp_path, "cut.html", cut, extractor=extractor_name())], FIELDS + ["extractor"])
    with pytest.raises(CorpusError, match=r"articles\.csv row 2: capture .*cut\.html: the page is truncated"):
        load_manifest(tmp_path)


# --------------------------------------------------------------------------- an HTML-only synthetic story


@pytest.fixture(scope="module")
def html_story(tmp_path_factory):
    """The synthetic story's codebooks with its five saved pages, registered by ``newslens add``."""
    root = tmp_path_factory.mktemp("html_story")
    shutil.copytree(STORY / "codebook", root / "codebook")
    for name, args in [("wire_tv.html", ["--outlet", "The Associated Press", "--id", "wire"]),
                       ("gazette.html", ["--id", "gazette"]), ("digest.html", ["--id", "digest"]),
                       ("blog.html", ["--id", "blog"]), ("state_media.html", ["--outlet", "Central News Service", "--id", "state"])]:
        res = _add(str(HTML / name), "--data", str(root), *args)
        assert res.returncode == 0, res.stderr
    assert all(p.suffix == ".html" for p in (root / "raw").iterdir())
    return load_corpus(root)


def test_chapter_2_facts_on_html_match_the_plain_text_story(html_story):
    text_story = load_corpus(STORY)
    facts = load_codebook("facts", STORY)
    arts = ["wire", "gazette", "digest"]
    cols = ["article", "fact", "present", "n_sentences", "voice"]
    on_html = cv.fact_matrix(sentence_table(html_story.lines), facts, list(html_story.articles.index))
    on_text = cv.fact_matrix(sentence_table(text_story.lines), facts, arts)
    assert on_html[on_html.article.isin(arts)][cols].reset_index(drop=True).equals(on_text[cols].reset_index(drop=True))
    present = on_html[on_html.present == 1].groupby("article")["fact"].apply(set)
    assert "manager_suspended" in present["wire"] and "manager_suspended" not in present.get("blog", set())
    assert on_text["present"].sum() > 5  # the comparison is not between two empty tables


def test_chapter_2_quotes_on_html(html_story):
    q = quotes.extract_quotes(html_story.lines, data_dir=html_story.data_dir)
    assert set(q.loc[q.speaker == "Dana Reyes", "article"]) == {"wire", "gazette"}
    lines = html_story.lines
    quoted = lines[(lines.article == "digest") & (lines.voice == "quoted")]
    assert len(quoted) == 2 and set(quoted["quoted_outlet"]) == {"The Associated Press"}


def test_trafilatura_and_the_labeller_disagree_where_expected(html_story):
    table = extraction_disagreements(html_story.articles, html_story.lines, data_dir=html_story.data_dir)
    assert list(table.columns) == ["article", "line", "text", "trafilatura", "label"]
    kept = table[table.trafilatura == "kept"]
    assert set(zip(kept.article, kept.text, kept.label)) == {
        ("wire", "Recommended Videos", "boilerplate"),
        ("gazette", "Sam Okafor is a business reporter for The Millbrook Gazette.", "byline"),
        ("blog", "Why stopping the line is so hard", "boilerplate"),
    }
    left_out = table[table.trafilatura == "left out"]
    assert left_out["article"].tolist() == ["gazette"] and left_out["line"].isna().all()
    assert left_out["text"].iloc[0].startswith("Correction: An earlier version of this article")


def test_plain_text_captures_have_no_disagreements():
    story = load_corpus(STORY)
    assert extraction_disagreements(story.articles, story.lines, data_dir=STORY).empty


def test_a_page_saved_as_txt_is_added_as_a_page(tmp_path):
    saved = tmp_path / "saved-page.txt"
    saved.write_bytes((HTML / "blog.html").read_bytes())
    (tmp_path / "new").mkdir()
    plans = plan_captures([saved], tmp_path / "new", outlet="Shop Floor Notes")
    row, src = plans[0].row, plans[0].sources
    assert row["file"].endswith(".html") and row["extractor"] == extractor_name()
    assert src["file"].endswith("(its content is html)")
    assert row["headline"] == "What the Northwind case says about conveyor maintenance"


def test_a_given_outlet_notes_the_site_the_page_names(tmp_path):
    plans = plan_captures([HTML / "wire_tv.html"], tmp_path, outlet="The Associated Press")
    assert plans[0].sources["outlet"] == "given (--outlet); the page names its site 'KMLB 7 News'"


def test_text_prints_what_the_loader_reads(capsys):
    assert main(["text", str(HTML / "digest.html")]) == 0
    out = capsys.readouterr().out
    assert out.split("\n")[0] == "Northwind Injury Case Puts Warehouse Safety In Spotlight" and out.endswith(".\n")
    assert main(["text", str(STORY / "raw" / "digest.txt")]) == 0
    assert capsys.readouterr().out == (STORY / "raw" / "digest.txt").read_text(encoding="utf-8")
    assert main(["text", str(HTML / "missing.html")]) == 2
    assert capsys.readouterr().err.startswith("newslens: error: ")


def test_every_table_of_the_export_runs_on_the_html_story(html_story, tmp_path):
    from newslens.export import TABLES, export_tables
    from newslens.study import Study

    paths = export_tables(Study(html_story.data_dir), tmp_path, list(TABLES))
    assert [p.stem for p in paths] == list(TABLES)
    lines = pd.read_csv(tmp_path / "lines.csv", keep_default_na=False)
    assert lines.groupby("article").size().to_dict() == {"blog": 8, "digest": 6, "gazette": 8, "state": 6, "wire": 8}
