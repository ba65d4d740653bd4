"""Contract of newslens.reuse on tiny hand-made articles, and on the real corpus."""
from pathlib import Path

import pandas as pd
import pytest

from newslens.reuse import ReuseError, find_reuse, shingles

ROOT = Path(__file__).resolve().parents[1]

SHARED = "The woman said her manager pretended nothing had happened after the trip to the city."
EDITED = "[…] The woman said her manager pretended that nothing had happened after the trip to the city. [Source]"
COMMON = "The company said it was accused of sexually assaulting a female colleague last year in March."
OTHER = "Critics said he was accused of sexually assaulting a female colleague during a dinner in July."


def tiny(dates=("2021-08-01", "2021-08-05")):
    articles = pd.DataFrame({"date": pd.to_datetime(list(dates))}, index=pd.Index(["early", "late"], name="article"))
    lines = pd.DataFrame({
        "article": ["early", "early", "early", "late", "late", "late"],
        "line": [1, 3, 5, 2, 4, 6],
        "text": [SHARED, COMMON, SHARED, "An entirely different opening line about the weather today.", EDITED, OTHER],
        "label": ["body", "body", "caption", "body", "body", "body"],
    })
    return lines, articles


def test_shingles_ignore_case_and_punctuation_and_need_k_words():
    assert shingles("One, two THREE four five!", 5) == shingles("one two three four five", 5)
    assert len(shingles("one two three four five six", 5)) == 2
    assert shingles("too short", 5) == set()
    with pytest.raises(ReuseError, match="at least 1"):
        shingles("x", 0)


def test_finds_edited_copy_with_direction_and_skips_shared_phrase():
    lines, articles = tiny()
    out = find_reuse(lines, articles)
    assert out[["article", "line", "source_article", "source_line", "direction"]].values.tolist() == [
        ["late", 4, "early", 1, "dated"]]
    assert 0.5 < out["similarity"].iloc[0] < 1
    assert out["text"].iloc[0].startswith("The woman") and "[Source]" not in out["text"].iloc[0]


def test_direction_follows_dates_not_order():
    lines, articles = tiny(dates=("2021-08-09", "2021-08-05"))
    out = find_reuse(lines, articles)
    assert out[["article", "line", "source_article", "source_line"]].values.tolist() == [["early", 1, "late", 4]]


def test_same_day_is_flagged():
    lines, articles = tiny(dates=("2021-08-05", "2021-08-05"))
    assert find_reuse(lines, articles)["direction"].tolist() == ["same day"]


def test_bad_inputs():
    lines, articles = tiny()
    with pytest.raises(ReuseError, match="missing \\['text'\\]"):
        find_reuse(lines.drop(columns="text"), articles)
    with pytest.raises(ReuseError, match="no date for article\\(s\\) \\['late'\\]"):
        find_reuse(lines, articles.loc[["early"]])
    with pytest.raises(ReuseError, match="min_similarity"):
        find_reuse(lines, articles, min_similarity=0)


def test_real_corpus_finds_the_aggregators_npr_quotes_and_nothing_else():
    """Really shared text in these captures: China Digital Times' block quotes of the NPR story
    (the other outlets it quotes are not in the corpus, or quote a different story)."""
    from newslens.corpus import load_corpus

    corpus = load_corpus(ROOT / "data")
    out = find_reuse(corpus.lines, corpus.articles)
    body = corpus.lines[corpus.lines["label"] == "body"].set_index(["article", "line"])
    outlet = corpus.articles["outlet"]
    # Every pair is a line voiced as quoted from the source article's outlet ...
    for row in out.itertuples():
        assert body.loc[(row.article, row.line), "quoted_outlet"] == outlet[row.source_article], row
    # ... and every line quoted from an outlet in the corpus whose capture has the passage is found.
    npr_quoted = body[body["quoted_outlet"] == outlet["npr"]].reset_index()
    assert len(npr_quoted) > 0
    found = set(zip(out["article"], out["line"]))
    assert set(zip(npr_quoted["article"], npr_quoted["line"])) <= found


def test_export_table_has_the_documented_columns():
    from newslens.corpus import load_corpus
    from newslens.export import TABLES

    table = TABLES["reuse"][0](load_corpus(ROOT / "data"))
    assert table.columns.tolist() == ["article", "line", "source_article", "source_line", "similarity"]
    assert len(table) > 0 and table["similarity"].between(0, 1).all()


def test_reuse_share_counts_reused_words_of_the_reuser():
    lines, articles = tiny()
    s = find_reuse(lines, articles)
    from newslens.reuse import reuse_share

    share = reuse_share(s, lines)
    assert share.index.tolist() == ["late"]
    assert share.loc["late", "lines_reused"] == 1 and share.loc["late", "words_reused"] == 16
    assert 0 < share.loc["late", "share"] < 100
