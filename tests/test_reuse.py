"""Contract of newslens.reuse on tiny hand-made articles, and on the real corpus."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from newslens.reuse import ReuseError, _shingle_table, find_reuse, merge_indexes, reuse_clusters, shingle_index, shingles

from .conftest import MARKERS

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
    assert shingles("One, two THREE four five!", k=5) == shingles("one two three four five", k=5)
    assert len(shingles("one two three four five six", k=5)) == 2
    assert shingles("too short", k=5) == set()
    with pytest.raises(ReuseError, match="at least 1"):
        shingles("x", k=0)


def test_finds_edited_copy_with_direction_and_skips_shared_phrase():
    lines, articles = tiny()
    out = find_reuse(lines, articles, markers=MARKERS)
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
    with pytest.raises(ReuseError, match=r"find_reuse: the lines table lacks column\(s\) text"):
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
    from newslens.export import TABLES
    from newslens.study import Study

    table = TABLES["reuse"][0](Study.open(ROOT / "data"))
    assert table.columns.tolist() == ["article", "line", "source_article", "source_line", "similarity"]
    assert len(table) > 0 and table["similarity"].between(0, 1).all()


def test_reuse_share_counts_reused_words_of_the_reuser():
    lines, articles = tiny()
    s = find_reuse(lines, articles, markers=MARKERS)
    from newslens.reuse import reuse_share

    share = reuse_share(s, lines, markers=MARKERS)
    assert share.index.tolist() == ["late"]
    assert share.loc["late", "lines_reused"] == 1 and share.loc["late", "words_reused"] == 16
    assert 0 < share.loc["late", "share"] < 100


# --------------------------------------------------------------------------- clusters


def _copies(n: int, *, sites=None, text=SHARED):
    ids = [f"c{i:04d}" for i in range(n)]
    articles = pd.DataFrame({
        "date": pd.to_datetime("2021-08-01") + pd.to_timedelta([(n - i) % 7 for i in range(n)], unit="D"),
        "capture_site": sites if sites is not None else [f"site{i}.example" for i in range(n)],
    }, index=pd.Index(ids, name="article"))
    lines = pd.DataFrame({"article": ids, "line": 3, "text": text, "label": "body"})
    return lines, articles


def test_two_thousand_copies_of_a_passage_are_one_cluster_quickly():
    import time

    from newslens.reuse import reuse_clusters

    lines, articles = _copies(2000)
    started = time.perf_counter()
    out = reuse_clusters(lines, articles)
    assert time.perf_counter() - started < 10  # pairwise would be 2 million comparisons
    assert out["cluster"].unique().tolist() == [1] and len(out) == 2000
    assert out["members"].unique().tolist() == [2000] and out["sites"].unique().tolist() == [2000]
    # the earliest-dated copy is the likely source; ties go to manifest order
    source = out[out["is_source"] == 1]
    earliest = articles["date"].min()
    assert len(source) == 1 and source["article"].iloc[0] == articles.index[articles["date"] == earliest][0]
    assert out["stock"].unique().tolist() == [0]


def test_paragraphs_sharing_one_sentence_of_two_do_not_chain_into_one_cluster():
    from newslens.reuse import reuse_clusters

    s = ["Workers said the conveyor had been broken for three weeks before the accident.",
         "The company said it would review every complaint filed by the warehouse staff.",
         "Inspectors from the state regulator arrived at the site on Tuesday morning.",
         "Several employees said they feared losing their jobs if they spoke to reporters."]
    ids = ["p1", "p2", "p3", "q1", "q2", "q3"]
    articles = pd.DataFrame({"date": pd.date_range("2021-08-01", periods=6), "capture_site": ids}, index=pd.Index(ids, name="article"))
    texts = [s[0] + " " + s[1], s[1] + " " + s[2], s[2] + " " + s[3]] + [s[0] + " " + s[1]] * 2 + [s[2] + " " + s[3]]
    out = reuse_clusters(pd.DataFrame({"article": ids, "line": 1, "text": texts, "label": "body"}), articles)
    # p1, q1, q2 carry one paragraph; p3, q3 another; p2 shares half of each and joins neither
    assert sorted(sorted(g) for g in out.groupby("cluster")["article"].apply(list)) == [["p1", "q1", "q2"], ["p3", "q3"]]


def test_clusters_join_near_copies_and_leave_a_shared_phrase_alone():
    from newslens.reuse import cluster_summary, reuse_clusters

    lines, articles = tiny()
    out = reuse_clusters(lines, articles)
    assert out[["cluster", "article", "line", "is_source", "members"]].values.tolist() == [
        [1, "early", 1, 1, 2], [1, "late", 4, 0, 2]]
    summary = cluster_summary(out)
    assert summary.loc[1, ["source_article", "source_line", "first_date", "last_date"]].tolist() == ["early", 1, "2021-08-01", "2021-08-05"]


def test_stock_phrase_rule_one_site_is_boilerplate_two_sites_are_reuse():
    from newslens.reuse import reuse_clusters

    one_site = reuse_clusters(*_copies(3, sites=["paper.example"] * 3))
    assert one_site["stock"].tolist() == [1, 1, 1] and one_site["sites"].tolist() == [1, 1, 1]
    two_sites = reuse_clusters(*_copies(3, sites=["paper.example", "paper.example", "wire.example"]))
    assert two_sites["stock"].tolist() == [0, 0, 0]
    # the rule is a parameter: up to two sites may count as one network's boilerplate
    assert reuse_clusters(*_copies(3, sites=["a.example", "a.example", "b.example"]), stock_sites=2)["stock"].tolist() == [1, 1, 1]


def test_clusters_without_sharing_are_empty_and_bad_input_is_refused():
    from newslens.reuse import CLUSTER_COLUMNS, reuse_clusters

    lines, articles = tiny()
    alone = lines[lines["article"] == "early"]
    assert reuse_clusters(alone, articles).columns.tolist() == CLUSTER_COLUMNS and reuse_clusters(alone, articles).empty
    with pytest.raises(ReuseError, match="min_jaccard"):
        reuse_clusters(lines, articles, min_jaccard=0)
    with pytest.raises(ReuseError, match="no date"):
        reuse_clusters(lines, articles.loc[["early"]])


# --------------------------------------------------------------------------- the index at scale
# Widely shared shingles link each line to the earliest (a star), nothing is dropped.

STOCK = "The company said it takes every report of misconduct very seriously indeed."
COPIED = "Her manager later pretended that nothing at all had happened on the trip."


def corpus(n_stock: int):
    """n_stock articles that carry the same stock sentence; two of them also share a copied line."""
    ids = [f"a{i}" for i in range(n_stock)]
    articles = pd.DataFrame({"date": pd.date_range("2021-08-01", periods=n_stock)}, index=pd.Index(ids, name="article"))
    rows = [(a, 1, STOCK) for a in ids] + [("a0", 2, COPIED), ("a1", 2, COPIED + " [Source]")]
    lines = pd.DataFrame(rows, columns=["article", "line", "text"]).assign(label="body")
    return lines, articles


def test_without_a_cap_every_pair_sharing_text_is_found():
    lines, articles = corpus(6)
    out = find_reuse(lines, articles, max_lines=None)
    assert len(out) == 6 * 5 // 2 + 1  # every pair of stock lines, and the copy


def test_a_sentence_in_more_lines_than_the_cap_is_reused_from_the_earliest_only():
    lines, articles = corpus(6)
    out = find_reuse(lines, articles, max_lines=5)
    pairs = out[["article", "line", "source_article", "source_line"]].values.tolist()
    # every later copy of the shared sentence against the earliest (a0, dated first), and the copied line
    assert pairs == [["a1", 1, "a0", 1], ["a1", 2, "a0", 2], ["a2", 1, "a0", 1], ["a3", 1, "a0", 1], ["a4", 1, "a0", 1], ["a5", 1, "a0", 1]]
    assert set(out["similarity"]) == {1.0}
    # at or under the cap, every pair is compared
    assert len(find_reuse(lines, articles, max_lines=6)) == len(find_reuse(lines, articles, max_lines=None))


def test_the_earliest_copy_is_the_centre_whatever_the_manifest_order():
    lines, articles = corpus(6)
    articles = articles.assign(date=articles["date"].iloc[::-1].to_numpy())  # a5 is now the earliest
    out = find_reuse(lines, articles, max_lines=2)
    stock = out[out["line"] == 1]
    assert set(stock["source_article"]) == {"a5"} and len(stock) == 5


def test_shingles_of_a_copy_are_the_same():
    assert shingles(COPIED) == shingles(COPIED.upper() + " [Source]", markers=MARKERS)
    assert shingles(COPIED) < shingles(COPIED + " [Source]")  # no markers given: "Source" is a word
    assert len(shingles(COPIED)) == len(COPIED.split()) - 4


def test_bad_cap():
    lines, articles = corpus(2)
    with pytest.raises(ReuseError, match="max_lines"):
        find_reuse(lines, articles, max_lines=1)


@pytest.mark.parametrize("cut", [0, 1, 2, 3, 4, 6])
def test_shingle_indexes_of_partitions_merge_into_the_whole_index(cut):
    lines, articles = tiny()
    whole = shingle_index(lines)
    merged = merge_indexes([shingle_index(lines.iloc[:cut]), shingle_index(lines.iloc[cut:])])
    assert merged.lines == whole.lines == 5  # body lines only
    assert np.array_equal(merged.line, whole.line) and np.array_equal(merged.hash, whole.hash)
    assert merged.line.dtype == whole.line.dtype
    pd.testing.assert_frame_equal(find_reuse(lines, articles, index=merged), find_reuse(lines, articles))
    pd.testing.assert_frame_equal(reuse_clusters(lines, articles, min_jaccard=0.1, index=merged),
                                  reuse_clusters(lines, articles, min_jaccard=0.1))


def test_a_shingle_index_of_other_lines_is_refused():
    lines, articles = tiny()
    with pytest.raises(ReuseError, match="covers 2 body lines with k=5, not these 5"):
        find_reuse(lines, articles, index=shingle_index(lines.iloc[:3]))
    with pytest.raises(ReuseError, match="with k=4"):
        reuse_clusters(lines, articles, index=shingle_index(lines, k=4))
    with pytest.raises(ReuseError, match="same k"):
        merge_indexes([shingle_index(lines, k=4), shingle_index(lines)])


def test_pairs_and_shingles_counted_a_chunk_at_a_time_are_those_counted_at_once(monkeypatch):
    from newslens import reuse

    lines, articles = corpus(6)
    lines = pd.concat([lines, tiny()[0].assign(article="a2", line=lambda t: t["line"] + 10)], ignore_index=True)
    whole = find_reuse(lines, articles, max_lines=None, min_shared=1, min_similarity=0.01)
    clusters = reuse_clusters(lines, articles, min_jaccard=0.1)
    index = shingle_index(lines)
    assert len(whole) > 6 * 5 // 2  # pairs from posting lists of different lengths, each sharing several shingles
    monkeypatch.setattr(reuse, "_PAIR_CHUNK", 1)  # one posting list's pairs at a time
    # ... and the texts tokenised and hashed one line at a time
    monkeypatch.setattr(reuse, "_shingle_table", lambda cleaned, k: _shingle_table(cleaned, k, chunk=1))
    small = reuse.shingle_index(lines)
    assert np.array_equal(small.line, index.line) and np.array_equal(small.hash, index.hash)
    pd.testing.assert_frame_equal(find_reuse(lines, articles, max_lines=None, min_shared=1, min_similarity=0.01), whole)
    pd.testing.assert_frame_equal(reuse_clusters(lines, articles, min_jaccard=0.1), clusters)
