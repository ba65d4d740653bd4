"""Text one article shares with another: lines that reuse another article's words, and which came first.

An analysis layer on :mod:`newslens.text`. Lines are fingerprinted with hashed word shingles
(w-shingling, Broder 1997); an inverted index from shingle to lines finds candidate pairs, so only
lines that share a shingle are ever compared. The index is built with numpy (sorted by hash, runs
of equal hashes are the postings). A shingle found in very many lines (a wire story republished
by hundreds of sites) links each of its lines to the earliest one only, not every pair, so the
candidate pairs stay linear in the size of the corpus; :func:`reuse_clusters` groups the copies
of one passage into one cluster.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from newslens.errors import TableError, require_columns
from newslens.text import clean_line
from newslens.words import WORD, tokenize_words, word_count

__all__ = ["ReuseError", "shingles", "ShingleIndex", "shingle_index", "merge_indexes",
           "find_reuse", "reuse_share", "reuse_clusters", "cluster_summary",
           "REUSE_COLUMNS", "CLUSTER_COLUMNS", "MAX_LINES"]

REUSE_COLUMNS = ["article", "line", "source_article", "source_line", "similarity", "jaccard", "shared", "direction",
                 "text", "source_text"]

#: Default of ``find_reuse(max_lines=...)``: a shingle in more body lines than this links each of
#: its lines to the earliest one only (a star), not every pair to every other (L² / 2 pairs).
MAX_LINES = 50

CLUSTER_COLUMNS = ["cluster", "article", "line", "date", "is_source", "members", "sites", "stock", "words", "text"]

# Odd 64-bit multiplier of the polynomial that combines word hashes into a shingle hash.
_MULT = np.uint64(0x9E3779B97F4A7C15)
# The cheap filter before the exact similarity test is loosened by this factor, so that float
# rounding in ``min_similarity * size`` can never drop a pair the exact test keeps.
_LOOSE = 1 - 1e-9


# Word tokens exactly as tokenize_words finds them, or the NUL that separates joined texts.
_SEP = "\x00"
_TOKEN_OR_SEP = re.compile(_SEP + "|" + WORD.pattern)


class ReuseError(TableError):
    """Bad input to the reuse finder (missing columns, undated articles, bad parameters)."""


def _word_hash(word: str) -> int:
    # Case and curly apostrophes do not make words different. BLAKE2b, so that hashes are the
    # same in every run (Python's ``hash`` is salted per process).
    normal = word.lower().replace("’", "'")
    return int.from_bytes(hashlib.blake2b(normal.encode(), digest_size=8).digest(), "big")


def _shingle_table(cleaned: list[str], k: int, chunk: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """Hashed k-word shingles of (cleaned) texts, sorted by hash then text, each (hash, text) once.

    Returns the arrays (text number, hash): the postings of an inverted index, laid end to end. The texts are
    tokenised and hashed *chunk* texts at a time, so that only one chunk's tokens are ever held (no shingle spans two
    texts, so the chunks' shingles laid end to end are those of all the texts at once).
    """
    vocab: dict[str, int] = {}
    word_hashes = np.empty(0, dtype=np.uint64)
    lines, hashes = [np.empty(0, dtype=np.int32)], [np.empty(0, dtype=np.uint64)]
    for lo in range(0, len(cleaned), chunk):
        seen = len(vocab)
        codes, owner = _token_codes(cleaned[lo:lo + chunk], lo, vocab)
        # Hash each distinct spelling once, not each token.
        word_hashes = np.concatenate([word_hashes, np.array([_word_hash(w) for w in list(vocab)[seen:]], dtype=np.uint64)])
        line, h = _chunk_shingles(word_hashes[codes], owner, k)
        lines.append(line)
        hashes.append(h)
        del codes, owner, line, h
    line, h = np.concatenate(lines), np.concatenate(hashes)
    del lines, hashes
    order = np.argsort(h, kind="stable")  # texts stay in ascending order within a hash
    h = h[order]
    line = line[order]
    del order
    new = np.ones(len(h), dtype=bool)
    new[1:] = (line[1:] != line[:-1]) | (h[1:] != h[:-1])
    return line[new], h[new]


def _chunk_shingles(hashes: np.ndarray, owner: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(text number, hash) of every k-token shingle of the tokens with these word *hashes* and texts (*owner*)."""
    n = len(hashes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.uint64)
    # A shingle starts at a token whose k - 1 successors belong to the same text.
    starts = np.flatnonzero(owner[:n] == owner[k - 1:])
    h = hashes[starts]
    for j in range(1, k):  # a polynomial in the word hashes, modulo 2**64 (numpy arrays wrap around); in place
        np.multiply(h, _MULT, out=h)
        h += hashes[starts + j]
    return owner[starts], h


def _token_codes(part: list[str], lo: int, vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Every word token of the texts *part* (texts *lo*, *lo* + 1 ...) as a code into *vocab* (the distinct
    spellings, in order of first use; new ones are added), and its text's number.

    The texts are joined by NUL (no word contains it), so that one regex call and one hash-table pass
    (:func:`pandas.factorize`) serve thousands of lines.
    """
    # Line numbers and codes fit in 32 bits (a corpus of 2**31 lines would not fit in memory anyway).
    joined = not any(_SEP in t for t in part)
    if joined:
        tokens = _TOKEN_OR_SEP.findall(_SEP.join(part) + _SEP)
    else:  # cannot be joined: one text at a time
        per = [tokenize_words(t) for t in part]
        tokens = [w for words in per for w in words]
        owner = np.repeat(np.arange(lo, lo + len(part), dtype=np.int32), [len(words) for words in per])
    if not tokens:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int32)
    codes, uniques = pd.factorize(np.array(tokens, dtype=object))
    del tokens
    keep = slice(None)
    if joined:
        is_sep = codes == list(uniques).index(_SEP)
        owner = (lo + np.cumsum(is_sep, dtype=np.int32) - is_sep)[~is_sep].astype(np.int32)
        keep = ~is_sep
    ids = np.array([vocab.setdefault(w, len(vocab)) if w != _SEP else -1 for w in uniques], dtype=np.int32)
    return ids[codes[keep]], owner


def shingles(text: str, *, k: int = 5, markers: re.Pattern | None = None) -> set[int]:
    """Hashed k-word shingles of a text (lower-cased words, punctuation ignored, the furniture's inline *markers*
    removed: see :func:`newslens.text.clean_line`; default: none).

    A text of fewer than *k* words has no shingles. Each word is hashed with BLAKE2b (the same in
    every run) and a shingle's hash is a polynomial in its words' hashes, modulo 2**64.
    """
    if k < 1:
        raise ReuseError(f"shingle size k must be at least 1, got {k}")
    return set(_shingle_table([clean_line(text, markers=markers)], k)[1].tolist())


@dataclass(frozen=True)
class ShingleIndex:
    """The inverted index of hashed k-word shingles of some body lines: the postings laid end to end.

    ``line`` (the body line's number among the index's ``lines`` body lines, in corpus order) and ``hash``, sorted
    by hash then line, each (line, hash) once. Partitions of articles index their own lines
    (:func:`shingle_index`); :func:`merge_indexes` joins them into the index of the whole corpus, the same
    arrays as one process builds, so tokenising and hashing (most of the reuse stage) runs in the partitions.
    """

    k: int
    lines: int
    line: np.ndarray
    hash: np.ndarray


def _body_rows(lines: pd.DataFrame) -> pd.DataFrame:
    return lines[lines["label"] == "body"] if "label" in lines.columns else lines


def shingle_index(lines: pd.DataFrame, *, k: int = 5, markers: re.Pattern | None = None) -> ShingleIndex:
    """The :class:`ShingleIndex` of the body lines of *lines* (all lines when it has no ``label``), the furniture's
    inline *markers* removed (:func:`newslens.text.clean_line`; default: none)."""
    if k < 1:
        raise ReuseError(f"shingle size k must be at least 1, got {k}")
    cleaned = [clean_line(t, markers=markers) for t in _body_rows(lines)["text"].tolist()]
    line, h = _shingle_table(cleaned, k)
    return ShingleIndex(k, len(cleaned), line, h)


def merge_indexes(parts: list[ShingleIndex]) -> ShingleIndex:
    """The index of consecutive runs of body lines (partitions, in corpus order) from theirs: exactly the index
    :func:`shingle_index` makes of all the lines at once."""
    if not parts or len({p.k for p in parts}) != 1:
        raise ReuseError("merge_indexes: expected one or more shingle indexes of the same k")
    offsets = np.cumsum([0, *(p.lines for p in parts)])
    line = np.concatenate([np.empty(0, dtype=np.int32), *(p.line.astype(np.int64) + off for p, off in zip(parts, offsets))])
    h = np.concatenate([np.empty(0, dtype=np.uint64), *(p.hash for p in parts)])
    # Lines ascend within a hash in each part and from part to part, so a stable sort by hash keeps them ascending.
    order = np.argsort(h, kind="stable")
    return ShingleIndex(parts[0].k, int(offsets[-1]), line[order].astype(np.int32), h[order])


def _index_arrays(index: ShingleIndex | None, body: _Body, k: int, func: str) -> tuple[np.ndarray, np.ndarray]:
    """(line, hash) of *index*, checked against the body lines and *k*; built from *body* when None."""
    if index is None:
        return _shingle_table(body.cleaned(), k)
    if index.k != k or index.lines != len(body):
        raise ReuseError(f"{func}: the shingle index covers {index.lines} body lines with k={index.k}, "
                         f"not these {len(body)} with k={k}; build it with shingle_index(lines, k={k})")
    return index.line, index.hash


def _pairs_within_runs(run_start: np.ndarray, run_len: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions (i < j) inside the same run [start, start + len) of a sorted array."""
    first = np.cumsum(run_len) - run_len
    pos = np.repeat(run_start - first, run_len) + np.arange(run_len.sum())
    after = np.repeat(run_start + run_len, run_len) - pos - 1  # later positions in the same run
    left = np.repeat(pos, after)
    return left, left + 1 + np.arange(after.sum()) - np.repeat(np.cumsum(after) - after, after)


def _star_pairs(u_sorted: np.ndarray, run_start: np.ndarray, run_len: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each position of each run paired with its run's centre, the line of lowest *rank* (the earliest):
    len - 1 pairs per run where every pair would be len² / 2. Pairs are ``(smaller line, larger line)``."""
    if not len(run_start):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    first = np.cumsum(run_len) - run_len
    pos = np.repeat(run_start - first, run_len) + np.arange(run_len.sum())
    members = u_sorted[pos].astype(np.int64)
    member_rank = rank[members]
    centre_rank = np.minimum.reduceat(member_rank, first)
    order = np.argsort(rank)
    centre = np.repeat(order[centre_rank], run_len)
    keep = members != centre
    members, centre = members[keep], centre[keep]
    return np.minimum(members, centre), np.maximum(members, centre)


def _rounded(values: np.ndarray, digits: int) -> list[float]:
    # Python's round (correctly rounded), once per distinct value: ratios of small counts repeat a lot.
    uniq, inverse = np.unique(values, return_inverse=True)
    return np.array([round(x, digits) for x in uniq.tolist()], dtype=float)[inverse].tolist()


def _check_inputs(func: str, lines: pd.DataFrame, articles: pd.DataFrame, *, k: int, share: tuple[str, float]) -> None:
    require_columns(lines, ("article", "line", "text"), func=func, what="the lines table", made_by="newslens.corpus.label_lines",
                    error=ReuseError)
    require_columns(articles, ("date",), func=func, what="the articles table (index 'article')", made_by="newslens.corpus.load_manifest",
                    error=ReuseError)
    name, value = share
    if not 0 < value <= 1:
        raise ReuseError(f"{name} must be in (0, 1], got {value}")
    if k < 1:
        raise ReuseError(f"shingle size k must be at least 1, got {k}")


@dataclass(frozen=True)
class _Body:
    """The body lines of the articles, one entry per line: ``article`` (id), ``line`` (number), ``text`` (as
    captured), ``order`` (its article's place in the manifest) and ``date`` (its article's date, in nanoseconds).

    The text with the *markers* removed (:meth:`cleaned`) is made only for the lines a table shows, not for every
    line: with a shingle index given, nothing else needs it.
    """

    article: np.ndarray
    line: np.ndarray
    text: list[str]
    order: np.ndarray
    date: np.ndarray
    markers: re.Pattern | None
    _cleaned: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.text)

    def cleaned(self, rows: np.ndarray | None = None) -> list[str]:
        """The texts of *rows* (default: every line), markers removed, each line cleaned once however often asked."""
        if rows is None:
            if "all" not in self._cleaned:
                self._cleaned["all"] = [clean_line(t, markers=self.markers) for t in self.text]
            return self._cleaned["all"]
        if "all" in self._cleaned:
            every = self._cleaned["all"]
            return [every[i] for i in rows.tolist()]
        uniq, inverse = np.unique(rows, return_inverse=True)
        done = [clean_line(self.text[i], markers=self.markers) for i in uniq.tolist()]
        return [done[i] for i in inverse.tolist()]


def _dated_body(func: str, why: str, lines: pd.DataFrame, articles: pd.DataFrame, markers: re.Pattern | None) -> _Body:
    """The body lines (all lines when *lines* has no ``label``), *markers* removed; every article of one needs a
    date (*why*)."""
    body = _body_rows(lines)
    undated = sorted(set(body["article"]) - set(articles.index[articles["date"].notna()]))
    if undated:
        raise ReuseError(f"{func}: no date for article(s) {undated}; {why} needs every date")
    order = articles.index.get_indexer(body["article"])
    return _Body(article=body["article"].to_numpy(dtype=object), line=body["line"].to_numpy(dtype=np.int64),
                 text=body["text"].tolist(), order=order,
                 date=articles["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)[order], markers=markers)


def _postings(h_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of equal hashes in *h_sorted*: one posting list per shingle (lines ascending)."""
    bounds = np.flatnonzero(np.r_[True, h_sorted[1:] != h_sorted[:-1], True])
    return bounds[:-1], np.diff(bounds)


#: Candidate pairs expanded at a time (each costs some 50 bytes while expanded), so that a corpus's pairs, which
#: grow faster than its lines, never all sit in memory at once: only the pairs that may be reported are kept.
_PAIR_CHUNK = 1 << 20


def _pair_keys(u: np.ndarray, v: np.ndarray, body: _Body) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs (u, v) of lines of different articles, as keys ``u * len(body) + v`` (ascending), and how
    often each occurs (how many posting lists hold both: the shingles they share)."""
    other = body.order[u] != body.order[v]
    return np.unique(u[other].astype(np.int64) * max(len(body), 1) + v[other], return_counts=True)


def find_reuse(lines: pd.DataFrame, articles: pd.DataFrame, *, k: int = 5, min_similarity: float = 0.5,
               min_shared: int = 3, max_lines: int | None = MAX_LINES, markers: re.Pattern | None = None,
               index: ShingleIndex | None = None) -> pd.DataFrame:
    """Pairs of body lines in different articles that share text.

    Parameters
    ----------
    lines : DataFrame with ``article``, ``line``, ``text`` and optionally ``label`` (only ``body``
        rows are used), e.g. ``corpus.lines``.
    articles : DataFrame indexed by ``article`` with a ``date`` column (``corpus.articles``).
    k : words per shingle. Five words rarely recur by chance in news prose but survive small edits.
    min_similarity : smallest containment (shared shingles / shingles of the shorter line) reported.
    min_shared : fewest shared shingles reported, so that two short lines sharing one phrase are not a pair.
    max_lines : a shingle found in more body lines than this (a paragraph reprinted by many sites)
        links each of its lines to the earliest-dated one only: a phrase in L lines would make
        L² / 2 candidate pairs, and the search would turn quadratic in the corpus. Nothing is
        dropped: every copy is reported against the earliest, but two later copies are not
        reported against each other. ``None`` compares every pair. See :func:`reuse_clusters`
        for one row per copy of a widely shared passage.
    markers : the furniture's inline markers, removed from the text before it is compared and shown
        (:func:`newslens.text.clean_line`; default: none).
    index : the :class:`ShingleIndex` of these lines with this *k* and *markers*, when already built (e.g. reduced
        from partitions); default: built here.

    Returns
    -------
    DataFrame with ``article``, ``line`` (the later article's line, the reuser), ``source_article``,
    ``source_line`` (the earlier article's line), ``similarity`` (containment, 0-1), ``jaccard``,
    ``shared`` (shingles in common), ``direction`` (``dated``, or ``same day`` when both articles
    carry the same date and the order is unknown: then ``article`` is the later one in manifest
    order), ``text`` and ``source_text`` (markers removed), sorted by article and line.
    """
    _check_inputs("find_reuse", lines, articles, k=k, share=("min_similarity", min_similarity))
    if max_lines is not None and max_lines < 2:
        raise ReuseError(f"max_lines must be at least 2 (or None), got {max_lines}")
    body = _dated_body("find_reuse", "the direction of reuse", lines, articles, markers)
    u_sorted, h_sorted = _index_arrays(index, body, k, "find_reuse")
    size = np.bincount(u_sorted, minlength=len(body))
    found = []
    for u, v, shared in _candidate_blocks(u_sorted, h_sorted, body, max_lines=max_lines):
        # A cheap filter on counts first (block by block, so that only the pairs that may be reported are kept),
        # then the exact test on the float that is reported.
        keep = (shared >= min_shared) & (shared >= _LOOSE * min_similarity * np.minimum(size[u], size[v]))
        found.append((u[keep], v[keep], shared[keep]))
    u, v, shared = (np.concatenate([np.empty(0, dtype=np.int64), *(f[i] for f in found)]) for i in range(3))
    del found
    containment = shared / np.minimum(size[u], size[v])
    keep = containment >= min_similarity
    if not keep.any():
        return pd.DataFrame(columns=REUSE_COLUMNS)
    u, v, shared, containment = u[keep], v[keep], shared[keep], containment[keep]
    return _reuse_table(body, u, v, shared=shared, containment=containment, jaccard=shared / (size[u] + size[v] - shared))


def _candidate_blocks(u_sorted: np.ndarray, h_sorted: np.ndarray, body: _Body, *,
                      max_lines: int | None) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The distinct pairs (u, v) of lines of different articles that share a shingle, and how many they share: every
    pair within a posting list of at most *max_lines* lines, each line with the earliest one in a longer list (a star).

    Yielded a block of lines u at a time, each block's pairs complete (every pair (u, v), u < v, is made from u's
    entries), in ascending order of (u, v): only one block's pairs (:data:`_PAIR_CHUNK`, more for one line with
    more) are ever expanded, where all pairs would grow faster than the corpus.
    """
    n = len(body)
    run_start, run_len = _postings(h_sorted)
    shared_run = run_len >= 2
    star = shared_run & (run_len > max_lines) if max_lines is not None else np.zeros(len(run_len), dtype=bool)
    pairwise = shared_run & ~star
    # Each entry's later partners in its posting list, when that list is compared pairwise (else 0): lines
    # ascend within a list, so these are the pairs (u, v > u) of the entry's line u.
    # In 32 bits, like the index's line numbers (positions of an index of 2**31 entries would not fit in memory).
    after = np.repeat(np.where(pairwise, run_start + run_len, 0).astype(np.int32), run_len)
    after -= np.arange(1, len(h_sorted) + 1, dtype=np.int32)
    np.maximum(after, 0, out=after)
    pairs_to = np.cumsum(np.bincount(u_sorted, weights=after, minlength=n).astype(np.int64))  # pairs of lines <= u
    by_line = np.argsort(u_sorted, kind="stable").astype(np.int32)  # entries line by line
    line_start = np.r_[0, np.cumsum(np.bincount(u_sorted, minlength=n))]
    if star.any():
        su, sv = _star_pairs(u_sorted, run_start[star], run_len[star], _rank(body.date, body.order))
        order = np.argsort(su, kind="stable")
        su, sv = su[order], sv[order]
    else:
        su = sv = np.empty(0, dtype=np.int64)
    lo = 0
    while lo < n:
        done = pairs_to[lo - 1] if lo else 0
        hi = max(int(np.searchsorted(pairs_to, done + _PAIR_CHUNK, side="right")), lo + 1)
        pos = by_line[line_start[lo]:line_start[hi]].astype(np.int64)
        count = after[pos]
        left = np.repeat(pos, count)
        right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(count) - count, count)
        s_lo, s_hi = np.searchsorted(su, [lo, hi])
        keys, shared = _pair_keys(np.concatenate([u_sorted[left].astype(np.int64), su[s_lo:s_hi]]),
                                  np.concatenate([u_sorted[right].astype(np.int64), sv[s_lo:s_hi]]), body)
        del pos, count, left, right
        yield keys // max(n, 1), keys % max(n, 1), shared
        lo = hi


def _reuse_table(body: _Body, u: np.ndarray, v: np.ndarray, *, shared: np.ndarray, containment: np.ndarray,
                 jaccard: np.ndarray) -> pd.DataFrame:
    """The rows of :func:`find_reuse` for the line pairs (u, v): the later article reuses the earlier one (by date,
    then by manifest order)."""
    date, order = body.date, body.order
    u_later = (date[u] > date[v]) | ((date[u] == date[v]) & (order[u] > order[v]))
    later, earlier = np.where(u_later, u, v), np.where(u_later, v, u)
    out = pd.DataFrame({
        "article": pd.array(body.article[later], dtype="str"),
        "line": body.line[later],
        "source_article": pd.array(body.article[earlier], dtype="str"),
        "source_line": body.line[earlier],
        "similarity": _rounded(containment, 3),
        "jaccard": _rounded(jaccard, 3),
        "shared": shared.astype(np.int64),
        "direction": pd.array(np.where(date[u] == date[v], "same day", "dated").astype(object), dtype="str"),
        "text": pd.array(body.cleaned(later), dtype="str"),
        "source_text": pd.array(body.cleaned(earlier), dtype="str"),
    }, columns=REUSE_COLUMNS)
    out["_o"] = order[later]
    return out.sort_values(["_o", "line", "source_article", "source_line"]).drop(columns="_o").reset_index(drop=True)


def _rank(art_date: np.ndarray, art_order: np.ndarray) -> np.ndarray:
    """Each line's place in time: by its article's date, then manifest order, then line order."""
    order = np.lexsort((np.arange(len(art_date)), art_order, art_date))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def reuse_clusters(lines: pd.DataFrame, articles: pd.DataFrame, *, k: int = 5, min_jaccard: float = 0.4,
                   min_shared: int = 3, stock_sites: int = 1, markers: re.Pattern | None = None,
                   index: ShingleIndex | None = None) -> pd.DataFrame:
    """Group identical and near-identical body lines of different articles into clusters, one per shared passage.

    A passage that N articles carry is one cluster of N members, however large N is: for each
    shingle, each line that holds it is compared only with the earliest line that holds it (a
    star, not every pair), so the cost is linear in the number of shingles. Each line joins the
    earlier line it is most alike, when they share at least *min_shared* shingles and their
    Jaccard similarity (shared shingles / shingles of either) is at least *min_jaccard*; a cluster
    is a tree of such links, rooted at its earliest line. Jaccard rather than containment, and one
    link per line, so that two paragraphs that merely share one sentence of several do not chain
    unrelated passages into one cluster (a one-word edit of a 16-word sentence keeps 0.44).

    Stock phrases: a cluster whose members all come from at most *stock_sites* capture site(s)
    (``capture_site`` of the manifest, else ``outlet``) is one site's boilerplate (a standard
    paragraph under its stories), not reuse between outlets; it is kept, with ``stock`` = 1.

    Parameters
    ----------
    lines : DataFrame with ``article``, ``line``, ``text`` and optionally ``label`` (only ``body`` rows are used).
    articles : DataFrame indexed by ``article`` with ``date`` and optionally ``capture_site`` or ``outlet``.
    markers : the furniture's inline markers, removed from the text (:func:`newslens.text.clean_line`; default: none).
    index : the :class:`ShingleIndex` of these lines with this *k* and *markers*, when already built (as in
        :func:`find_reuse`).

    Returns
    -------
    DataFrame with one row per member line: ``cluster`` (1 = the cluster with most articles, then
    the earliest), ``article``, ``line``, ``date`` (the article's, YYYY-MM-DD), ``is_source`` (1 for
    the line of the earliest-dated member, manifest order breaking ties: the likely source),
    ``members`` (distinct articles in the cluster), ``sites`` (distinct capture sites), ``stock``
    (1 when ``sites`` <= *stock_sites*), ``words`` (of the line) and ``text`` (the line, markers
    removed), sorted by cluster, then date, manifest order and line.
    """
    _check_inputs("reuse_clusters", lines, articles, k=k, share=("min_jaccard", min_jaccard))
    body = _dated_body("reuse_clusters", "the likely source", lines, articles, markers)
    n, art_order, art_date = len(body), body.order, body.date
    dates = articles["date"].to_numpy(dtype="datetime64[ns]")
    site_col = "capture_site" if "capture_site" in articles.columns else "outlet" if "outlet" in articles.columns else None
    site_of = (articles[site_col].astype(str).to_numpy() if site_col else articles.index.astype(str).to_numpy())[art_order]

    u_sorted, h_sorted = _index_arrays(index, body, k, "reuse_clusters")
    run_start, run_len = _postings(h_sorted)
    size = np.bincount(u_sorted, minlength=n)
    shared_run = run_len >= 2
    rank = _rank(art_date, art_order)
    keys, shared = _pair_keys(*_star_pairs(u_sorted, run_start[shared_run], run_len[shared_run], rank), body)
    u, v = keys // max(n, 1), keys % max(n, 1)
    jaccard = shared / (size[u] + size[v] - shared)
    keep = (shared >= min_shared) & (jaccard >= min_jaccard)
    u, v, jaccard = u[keep], v[keep], jaccard[keep]
    if not len(u):
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    # One link per line, to the earlier line it is most alike (a star's centre is always the earlier).
    child, parent = np.where(rank[u] > rank[v], u, v), np.where(rank[u] > rank[v], v, u)
    order = np.lexsort((rank[parent], -jaccard, child))
    child, parent = child[order], parent[order]
    first = np.r_[True, child[1:] != child[:-1]]
    child, parent = child[first], parent[first]
    root = np.arange(n)
    root[child] = parent
    while True:  # follow the links to each tree's root (parents are earlier: no cycle), halving the path each pass
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    linked = np.zeros(n, dtype=bool)
    linked[child] = linked[parent] = True
    rows = np.flatnonzero(linked)
    cleaned = body.cleaned(rows)
    table = pd.DataFrame({
        "_c": root[rows], "_rank": rank[rows], "_o": art_order[rows],
        "article": pd.array(body.article[rows], dtype="str"),
        "line": body.line[rows],
        "date": pd.array(pd.DatetimeIndex(dates[art_order[rows]]).strftime("%Y-%m-%d"), dtype="str"),
        "_site": site_of[rows],
        "words": [word_count(t) for t in cleaned],
        "text": pd.array(cleaned, dtype="str"),
    })
    per = table.groupby("_c").agg(members=("article", "nunique"), sites=("_site", "nunique"), first=("_rank", "min"))
    per = per[per["members"] >= 2]
    per = per.sort_values(["members", "first"], ascending=[False, True])
    per["cluster"] = np.arange(1, len(per) + 1)
    table = table.join(per, on="_c", how="inner")
    table["is_source"] = (table["_rank"] == table["first"]).astype(np.int64)
    table["stock"] = (table["sites"] <= stock_sites).astype(np.int64)
    table = table.sort_values(["cluster", "_rank"])
    return table[CLUSTER_COLUMNS].astype({"members": np.int64, "sites": np.int64}).reset_index(drop=True)


def cluster_summary(clusters: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster of :func:`reuse_clusters`.

    Returns
    -------
    DataFrame indexed by ``cluster`` with ``members``, ``sites``, ``stock``, ``source_article``,
    ``source_line``, ``first_date``, ``last_date``, ``words`` (of the source line) and ``text`` (the source line).
    """
    cols = ["members", "sites", "stock", "source_article", "source_line", "first_date", "last_date", "words", "text"]
    if clusters.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="cluster"))
    source = clusters[clusters["is_source"] == 1].drop_duplicates("cluster").set_index("cluster")
    span = clusters.groupby("cluster")["date"].agg(first_date="min", last_date="max")
    out = source[["members", "sites", "stock", "article", "line", "words", "text"]].rename(
        columns={"article": "source_article", "line": "source_line"}).join(span)
    return out[cols]


def reuse_share(reuse: pd.DataFrame, lines: pd.DataFrame, *, markers: re.Pattern | None = None) -> pd.DataFrame:
    """How much of each reusing article is another's text: ``lines_reused``, ``words_reused``,
    ``words_body`` (without the furniture's inline *markers*, as :func:`find_reuse` counts them; default: none)
    and ``share`` (% of body words), indexed by ``article`` (only articles that reuse)."""
    body = lines[lines["label"] == "body"] if "label" in lines.columns else lines
    # Without markers, cleaning only joins runs of space and trims the ends, which no word token spans: the count of
    # the text as it is is the same.
    words = [word_count(t) for t in body["text"]] if markers is None else \
        [word_count(clean_line(t, markers=markers)) for t in body["text"]]
    total = body.assign(w=words).groupby("article")["w"].sum()
    firsts = reuse.drop_duplicates(["article", "line"])
    out = firsts.assign(w=[word_count(t) for t in firsts["text"]]).groupby("article").agg(
        lines_reused=("line", "size"), words_reused=("w", "sum"))
    out["words_body"] = total.reindex(out.index).astype(int)
    out["share"] = (100 * out["words_reused"] / out["words_body"]).round(1)
    return out
