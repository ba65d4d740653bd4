"""Text one article shares with another: lines that reuse another article's words, and which came first.

An analysis layer on :mod:`newslens.text`. Lines are fingerprinted with hashed word shingles
(w-shingling, Broder 1997); an inverted index from shingle to lines finds candidate pairs, so only
lines that share a shingle are ever compared.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import pandas as pd

from newslens.text import clean_line, tokenize_words, word_count

__all__ = ["ReuseError", "shingles", "find_reuse", "reuse_share", "reuse_table", "REUSE_COLUMNS"]

REUSE_COLUMNS = ["article", "line", "source_article", "source_line", "similarity", "jaccard", "shared", "direction",
                 "text", "source_text"]


class ReuseError(ValueError):
    """Bad input to the reuse finder (missing columns, undated articles, bad parameters)."""


def _normal_words(text: str) -> list[str]:
    # Case, curly apostrophes and punctuation do not make text different; words do.
    return [w.lower().replace("’", "'") for w in tokenize_words(clean_line(text))]


def shingles(text: str, k: int = 5) -> set[int]:
    """Hashed k-word shingles of a text (lower-cased words, punctuation ignored).

    A text of fewer than *k* words has no shingles. Hashes are the first 8 bytes of BLAKE2b, so they
    are the same in every run (Python's ``hash`` is salted per process).
    """
    if k < 1:
        raise ReuseError(f"shingle size k must be at least 1, got {k}")
    words = _normal_words(text)
    return {int.from_bytes(hashlib.blake2b(" ".join(words[i:i + k]).encode(), digest_size=8).digest(), "big")
            for i in range(len(words) - k + 1)}


def find_reuse(lines: pd.DataFrame, articles: pd.DataFrame, k: int = 5, min_similarity: float = 0.5,
               min_shared: int = 3) -> pd.DataFrame:
    """Pairs of body lines in different articles that share text.

    Parameters
    ----------
    lines : DataFrame with ``article``, ``line``, ``text`` and optionally ``label`` (only ``body``
        rows are used), e.g. ``corpus.lines``.
    articles : DataFrame indexed by ``article`` with a ``date`` column (``corpus.articles``).
    k : words per shingle. Five words rarely recur by chance in news prose but survive small edits.
    min_similarity : smallest containment (shared shingles / shingles of the shorter line) reported.
    min_shared : fewest shared shingles reported, so that two short lines sharing one phrase are not a pair.

    Returns
    -------
    DataFrame with ``article``, ``line`` (the later article's line, the reuser), ``source_article``,
    ``source_line`` (the earlier article's line), ``similarity`` (containment, 0-1), ``jaccard``,
    ``shared`` (shingles in common), ``direction`` (``dated``, or ``same day`` when both articles
    carry the same date and the order is unknown: then ``article`` is the later one in manifest
    order), ``text`` and ``source_text`` (markers removed), sorted by article and line.
    """
    need = {"article", "line", "text"}
    if need - set(lines.columns):
        raise ReuseError(f"find_reuse needs a lines table with columns {sorted(need)}; missing {sorted(need - set(lines.columns))}")
    if "date" not in articles.columns:
        raise ReuseError("find_reuse needs the articles table (index 'article') with a 'date' column")
    if not 0 < min_similarity <= 1:
        raise ReuseError(f"min_similarity must be in (0, 1], got {min_similarity}")
    body = lines[lines["label"] == "body"] if "label" in lines.columns else lines
    undated = sorted(set(body["article"]) - set(articles.index[articles["date"].notna()]))
    if undated:
        raise ReuseError(f"find_reuse: no date for article(s) {undated}; the direction of reuse needs every date")
    units = [(a, int(n), t, shingles(t, k)) for a, n, t in body[["article", "line", "text"]].itertuples(index=False)]
    index: dict[int, list[int]] = defaultdict(list)
    for u, (_, _, _, sh) in enumerate(units):
        for h in sh:
            index[h].append(u)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for posting in index.values():
        for i, u in enumerate(posting):
            for v in posting[i + 1:]:
                if units[u][0] != units[v][0]:
                    shared[(u, v)] += 1
    order = {a: i for i, a in enumerate(articles.index)}
    dates = articles["date"]
    rows = []
    for (u, v), n in shared.items():
        a, b = units[u], units[v]
        containment = n / min(len(a[3]), len(b[3]))
        if n < min_shared or containment < min_similarity:
            continue
        key_a, key_b = (dates[a[0]], order[a[0]]), (dates[b[0]], order[b[0]])
        later, earlier = (a, b) if key_a > key_b else (b, a)
        direction = "same day" if dates[a[0]] == dates[b[0]] else "dated"
        rows.append((later[0], later[1], earlier[0], earlier[1], round(containment, 3),
                     round(n / len(a[3] | b[3]), 3), n, direction, clean_line(later[2]), clean_line(earlier[2])))
    out = pd.DataFrame(rows, columns=REUSE_COLUMNS)
    out["_o"] = out["article"].map(order)
    return out.sort_values(["_o", "line", "source_article", "source_line"]).drop(columns="_o").reset_index(drop=True)


def reuse_share(reuse: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """How much of each reusing article is another's text: ``lines_reused``, ``words_reused``,
    ``words_body`` and ``share`` (% of body words), indexed by ``article`` (only articles that reuse)."""
    body = lines[lines["label"] == "body"] if "label" in lines.columns else lines
    total = body.assign(w=[word_count(clean_line(t)) for t in body["text"]]).groupby("article")["w"].sum()
    firsts = reuse.drop_duplicates(["article", "line"])
    out = firsts.assign(w=[word_count(t) for t in firsts["text"]]).groupby("article").agg(
        lines_reused=("line", "size"), words_reused=("w", "sum"))
    out["words_body"] = total.reindex(out.index).astype(int)
    out["share"] = (100 * out["words_reused"] / out["words_body"]).round(1)
    return out


def reuse_table(corpus) -> pd.DataFrame:
    """The export table ``reuse``: article, line, source_article, source_line, similarity."""
    return find_reuse(corpus.lines, corpus.articles)[["article", "line", "source_article", "source_line", "similarity"]]
