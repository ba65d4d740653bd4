"""The reuse index at scale: widely shared shingles link each line to the earliest (a star), nothing is dropped."""
from __future__ import annotations

import pandas as pd
import pytest

from newslens.reuse import ReuseError, find_reuse, shingles

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
    assert shingles(COPIED) == shingles(COPIED.upper() + " [Source]")
    assert len(shingles(COPIED)) == len(COPIED.split()) - 4


def test_bad_cap():
    lines, articles = corpus(2)
    with pytest.raises(ReuseError, match="max_lines"):
        find_reuse(lines, articles, max_lines=1)
