"""Which words set each outlet apart: TF-IDF, log-odds with a Dirichlet prior, keyness, KWIC.

An analysis layer over :mod:`newslens.corpus` and :mod:`newslens.text`: one document per outlet,
counted with scikit-learn, compared with scipy; every function returns a DataFrame.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import pdist
from scipy.special import xlogy
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer
from sklearn.metrics.pairwise import cosine_similarity

from newslens.corpus import load_codebook
from newslens.errors import TableError, require_columns
from newslens.text import clean_line, lemmatize, tokenize_words, word_count

__all__ = [
    "TermsError",
    "VIEWS",
    "METHODS",
    "BASELINE",
    "Tokenizer",
    "tokenize",
    "stop_words",
    "outlet_documents",
    "count_matrix",
    "tfidf_matrix",
    "top_terms",
    "cosine_table",
    "cosine_pairs",
    "outlet_linkage",
    "merge_order",
    "log_odds_dirichlet",
    "keyness",
    "term_table",
    "OutletCounts",
    "outlet_counts",
    "outlet_counts_by_view",
    "sum_counts",
    "counts_table",
    "method_agreement",
    "agreed_terms",
    "kwic",
    "kwic_table",
    "union_matrix",
    "outlets_using",
    "quote_flows",
    "shared_passages",
    "jaccard",
    "robustness",
    "stable_terms",
]

#: Document views: the outlet's own voice only, or every body line (quoted outlets included).
VIEWS = ("own", "all")
#: Score columns of :func:`term_table`, each ranking an outlet's terms (higher = more its own).
METHODS = ("tfidf", "log_odds_z", "g2", "log_ratio")
#: The chapter's main setting; :func:`robustness` changes one of these at a time.
BASELINE = {"view": "own", "ngram_range": (1, 2), "sublinear_tf": True, "lemmatize": False, "domain": True, "min_df": 1}

_REQUIRED_LINE_COLUMNS = ("article", "label", "text", "voice")


class TermsError(TableError):
    """Bad input to a term comparison; the message says what was expected."""


# --------------------------------------------------------------------------- tokens


@cache
def _lemma(token: str) -> str:
    # simplemma's lemma, lower-cased (it capitalises some proper nouns, "china" -> "China"), from the cached dictionary
    return lemmatize(token)


def _raw_tokens(text: str) -> list[str]:
    """Word tokens lower-cased, curly apostrophes straightened; possessives not yet dropped (see :func:`_bare`)."""
    low = text.lower()
    if len(low) == len(text) and "Σ" not in text:
        # Lower-casing changed no length (and no sigma, the one letter whose lower case depends
        # on its neighbours), so the whole text can be lowered once: the tokens are the same.
        return tokenize_words(low.replace("’", "'"))
    return [tok.lower().replace("’", "'") for tok in tokenize_words(text)]


def _bare(tok: str) -> str:
    """A raw token without its possessive ``'s`` and trailing apostrophes ('' when nothing is left)."""
    return (tok[:-2] if tok.endswith("'s") else tok).rstrip("'")


class Tokenizer:
    """Lower-case word tokens for the vectorisers, optionally lemmatised with simplemma.

    Builds on :func:`newslens.text.tokenize_words`, so ``#MeToo``, ``6,000`` and hyphenated words
    stay whole. Curly apostrophes become straight ones and a possessive ``'s`` is dropped
    ("Northwind's" counts as "northwind"). A class rather than a closure so its repr is stable.
    """

    def __init__(self, lemmatize: bool = False):
        self.lemmatize = bool(lemmatize)

    def __repr__(self) -> str:
        return f"Tokenizer(lemmatize={self.lemmatize})"

    def __call__(self, text: str) -> list[str]:
        if not isinstance(text, str):
            raise TermsError(f"tokenize: expected a string, got {type(text).__name__}")
        toks = [_bare(tok) for tok in _raw_tokens(text)]
        if self.lemmatize:
            return [_lemma(tok) for tok in toks if tok]
        return [tok for tok in toks if tok]


# Where a phrase ends: punctuation before a space or the end (a token never ends in it), punctuation after a space,
# and dashes. Commas and full stops inside a token ("6,000", "U.S") do not match.
_PHRASE_BREAK = re.compile(r"[^\w\s'’#-]+(?=\s|$)|(?<=\s)[^\w\s#]+|[—–…]")


class Analyzer:
    """The terms CountVectorizer counts: n-grams of words that stand next to each other in the text.

    scikit-learn's own analyzer removes stop words first and joins the words around them, so "victims who win"
    counts as the bigram "victims win". Here an n-gram never spans a stop word, a punctuation mark or a line end.
    A class rather than a closure so its repr is stable.
    """

    def __init__(self, tokenizer: Tokenizer, stop, ngram_range=(1, 2)):
        self.tokenizer, self.stop, self.ngram_range = tokenizer, frozenset(stop or ()), tuple(ngram_range)

    def __repr__(self) -> str:
        return f"Analyzer({self.tokenizer!r}, {len(self.stop)} stop words, ngram_range={self.ngram_range})"

    def __call__(self, doc: str) -> list[str]:
        lo, hi = self.ngram_range
        out: list[str] = []
        for line in doc.split("\n"):
            for chunk in _PHRASE_BREAK.split(line):
                run: list[str] = []
                for tok in [*self.tokenizer(chunk), None]:
                    if tok is not None and tok not in self.stop:
                        run.append(tok)
                        continue
                    for n in range(lo, hi + 1):
                        out.extend(" ".join(run[i : i + n]) for i in range(len(run) - n + 1))
                    run = []
        return out


# _PHRASE_BREAK for a text whose lines are joined by "\n", breaking each line as _PHRASE_BREAK breaks it on its own:
# the newline that joins two lines is the "\s" after a line's last character (as "$" was), and is not the space
# before a phrase-opening mark (a line's first character has nothing before it).
# Written with the first character taken out in front ("[^\w\s#]", which each alternative starts with; the
# lookbehinds check it again): a pattern that starts with a character set lets re skip to the next candidate
# character instead of trying three alternatives at every position, about 2.5 times faster on body text.
_PHRASE_BREAK_LINES = re.compile(r"[^\w\s#](?:(?<=[^\w\s'’#-])[^\w\s'’#-]*(?=\s|$)|(?<=[^\S\n].)[^\w\s#]*|(?<=[—–…]))")
# newslens.words.WORD's tokens, or a newline: WORD written without a lookahead at every character (the same
# language, greedy either way), which scans a large text about a third faster, as text._WORD_OR_SEP does.
_TOKEN_OR_END = re.compile(r"\n|#?[^\W_][\w'’]*(?:[-.,]\w[\w'’]*)*", re.UNICODE)


def _raw_stream(doc: str) -> list[str]:
    """The raw tokens (:func:`_raw_tokens`) of every phrase of *doc* in order, each phrase followed by ``"\n"``.

    The phrases are the pieces :class:`Analyzer` tokenises one by one (lines, cut at :data:`_PHRASE_BREAK`); here
    they are cut and tokenised in one pass over the whole document each: the marks that end a phrase become a
    newline, which no token contains and which ends a token as the end of the piece did.
    """
    text = _PHRASE_BREAK_LINES.sub("\n", doc) + "\n"
    low = text.lower()
    if len(low) == len(text) and "Σ" not in text:
        # No character changes length when lower-cased (nor a sigma): each phrase lowered alone is this text's part.
        return _TOKEN_OR_END.findall(low.replace("’", "'"))
    return [tok for phrase in text.split("\n")[:-1] for tok in (*_raw_tokens(phrase), "\n")]


def _count_ngrams(docs: list[str], *, lemmatize: bool = False, stop: Iterable[str] = (), ngram_range=(1, 2)):
    """The counts ``CountVectorizer(analyzer=Analyzer(Tokenizer(lemmatize), stop, ngram_range))`` makes of *docs*.

    Each document is tokenised in one pass (:func:`_raw_stream`); each distinct token is made a term (possessive
    dropped, lemmatised, stop word or not) once per call, and the n-grams are built from integer term ids with
    numpy and counted with scipy: CountVectorizer would count them in a Python loop over every occurrence.

    Returns
    -------
    (CSR int64 matrix documents x terms, indices sorted; object array of the terms, sorted as CountVectorizer
    sorts them).
    """
    lo, hi = (int(n) for n in ngram_range)
    if lo < 1:
        raise TermsError(f"ngram_range must be two whole numbers >= 1 (shortest, longest), got {tuple(ngram_range)!r}")
    stop = frozenset(stop)
    # Each document's tokens as codes into its own distinct tokens, which are then coded once for the corpus: only
    # one document's token strings are alive at a time.
    code_parts, uniq_parts = [], []
    for doc in docs:
        codes, uniques = pd.factorize(np.array(_raw_stream(doc), dtype=object))
        code_parts.append(codes)
        uniq_parts.append(uniques)
    if not docs:
        return sparse.csr_matrix((0, 0), dtype=np.int64), np.empty(0, dtype=object)
    local, raw_vocab = pd.factorize(np.concatenate(uniq_parts))
    starts = np.cumsum([0, *(len(u) for u in uniq_parts)])
    codes = np.concatenate([local[start + c] for start, c in zip(starts, code_parts)])
    doc_of = np.repeat(np.arange(len(docs)), [len(c) for c in code_parts])
    # term id of each distinct raw token; -1: it ends a run (a phrase end, a stop word); -2: the Tokenizer drops it
    term_id: dict[str, int] = {}
    ids = np.empty(len(raw_vocab), dtype=np.int64)
    for k, raw in enumerate(raw_vocab):
        tok = "" if raw == "\n" else _bare(raw)
        if not tok:
            ids[k] = -1 if raw == "\n" else -2
            continue
        term = _lemma(tok) if lemmatize else tok
        ids[k] = -1 if term in stop else term_id.setdefault(term, len(term_id))
    tok_ids = ids[codes]
    kept = tok_ids != -2
    tok_ids, doc_of = tok_ids[kept], doc_of[kept]
    words = np.array(list(term_id), dtype=object) if term_id else np.empty(0, dtype=object)
    n_words = max(len(words), 1)
    # n-grams by where they start: an n-gram is an (n-1)-gram followed by a word, every word of it in one run.
    # Each document ends with a newline, so no n-gram spans two documents.
    ok, gram, names = tok_ids >= 0, tok_ids, words
    rows, cols, counts, terms, offset = [], [], [], [], 0
    for n in range(1, hi + 1):
        if n > 1:
            last = tok_ids[n - 1:]
            ok = ok[:-1] & (last >= 0)
            new, keys = pd.factorize(gram[:-1][ok] * n_words + last[ok])
            gram = np.full(len(ok), -1, dtype=np.int64)
            gram[ok] = new
            names = names[keys // n_words] + " " + words[keys % n_words]
        if n >= lo:
            # counted per (document, n-gram) here, so that only distinct cells, not every occurrence, are kept
            cell, count = np.unique(doc_of[: len(ok)][ok] * len(names) + gram[ok], return_counts=True)
            rows.append(cell // len(names))
            cols.append(cell % len(names) + offset)
            counts.append(count)
            terms.append(names)
            offset += len(names)
    terms = np.concatenate([np.empty(0, dtype=object), *terms])
    rows = np.concatenate([np.empty(0, dtype=np.int64), *rows])
    cols = np.concatenate([np.empty(0, dtype=np.int64), *cols])
    counts = np.concatenate([np.empty(0, dtype=np.int64), *counts]).astype(np.int64)
    if any(" " in w for w in words):  # a lemma with a space: a unigram may read as a bigram, one feature
        merged, terms = pd.factorize(terms)
        cols = merged[cols]
    rank = _ranks(terms)  # Python's string order, as CountVectorizer's sorted(vocabulary)
    x = sparse.csr_matrix((counts, (rows, rank[cols])), shape=(len(docs), len(terms)))
    x.sum_duplicates()  # the cells of merged features
    sorted_terms = np.empty(len(terms), dtype=object)
    sorted_terms[rank] = terms
    return x, sorted_terms


def tokenize(text: str, *, lemmatize: bool = False) -> list[str]:
    """The terms of *text* as the vectorisers see them, before stop words are removed."""
    return Tokenizer(lemmatize)(text)


def stop_words(codebook: Mapping | None = None, *, domain: bool = True, data_dir=None) -> list[str]:
    """scikit-learn's English stop words plus the domain list of ``data/codebook/terms.yml``.

    Parameters
    ----------
    codebook : mapping, optional
        The parsed ``terms.yml`` (keys ``stop_words`` and ``keep``, both lists of words). Read
        from ``data/codebook/terms.yml`` when not given.
    domain : bool
        Add the codebook's ``stop_words`` (the story's shared words); ``False`` drops them.

    Returns
    -------
    list of str, sorted: ``ENGLISH_STOP_WORDS`` minus ``keep``, plus ``stop_words`` if *domain*.
    """
    book = load_codebook("terms", data_dir) if codebook is None else codebook
    if not isinstance(book, Mapping):
        raise TermsError(f"terms codebook: expected a mapping with 'stop_words' and 'keep', got {type(book).__name__}")
    lists = {}
    for key in ("stop_words", "keep"):
        words = book.get(key, [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise TermsError(f"terms codebook: '{key}' must be a list of non-empty words, got {words!r}")
        lists[key] = {w.strip().lower() for w in words}
    words = set(ENGLISH_STOP_WORDS) - lists["keep"]
    if domain:
        words |= lists["stop_words"]
    return sorted(words)


def _closed_stop_words(words: Iterable[str] | None, tokenizer: Tokenizer) -> list[str] | None:
    # The vectoriser drops a token if it is in the list *after* tokenising; lemmatising a stop
    # word ("being" -> "be") must give a stop word too, or scikit-learn warns and keeps it.
    if words is None:
        return None
    words = set(words)
    new = set(words)
    while new:  # to a fixed point: a lemma's lemma can differ again
        new = {t for w in new for t in tokenizer(w)} - words
        words |= new
    return sorted(words)


# --------------------------------------------------------------------------- documents


def _check_lines(lines: pd.DataFrame, articles: pd.DataFrame) -> None:
    require_columns(lines, _REQUIRED_LINE_COLUMNS, func="terms", what="lines", made_by="newslens.corpus.label_lines (corpus.lines)",
                    error=TermsError)
    if not isinstance(articles, pd.DataFrame) or "outlet" not in articles.columns:
        raise TermsError("articles: expected corpus.articles, a DataFrame indexed by article with an 'outlet' column")
    known = lines["article"].isin(articles.index)
    if not known.all():
        unknown = sorted(set(lines.loc[~known, "article"]) - set(articles.index))
        if unknown:
            raise TermsError(f"lines: article(s) {', '.join(map(str, unknown))} not in the articles table")


def _check_view(view: str) -> None:
    if view not in VIEWS:
        raise TermsError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")


def _body_words(texts: pd.Series, markers: re.Pattern | None) -> np.ndarray:
    """Words of body lines as every table counts them: the aggregator's markers ("[Source]") are nobody's words."""
    return np.array([word_count(clean_line(t, markers=markers)) for t in texts], dtype=int)


def _view_lines(lines: pd.DataFrame, view: str) -> pd.DataFrame:
    body = lines[lines["label"] == "body"]
    if view == "own":
        body = body[body["voice"] == "own"]
    return body


def _outlet_texts(lines: pd.DataFrame, articles: pd.DataFrame, view: str, markers: re.Pattern | None) -> pd.Series:
    """Each outlet's body lines of *view*, inline *markers* removed, joined by newlines (outlets in order of first line)."""
    _check_view(view)
    _check_lines(lines, articles)
    body = _view_lines(lines, view)
    outlet = body["article"].map(articles["outlet"])
    return body["text"].map(lambda t: clean_line(t, markers=markers)).groupby(outlet, sort=False).agg("\n".join)


def outlet_documents(lines: pd.DataFrame, articles: pd.DataFrame, view: str = "own", *, markers: re.Pattern | None = None) -> pd.Series:
    """One document per outlet: its body lines, inline markers removed, joined by newlines.

    Parameters
    ----------
    lines : DataFrame
        ``corpus.lines`` (columns ``article``, ``label``, ``text``, ``voice``).
    articles : DataFrame
        ``corpus.articles`` (index ``article``, column ``outlet``); sets the outlet order.
    view : {"own", "all"}
        ``"own"``: only lines in the outlet's own voice; ``"all"``: every body line, including
        passages quoted from other outlets.
    markers : re.Pattern, optional
        The furniture's inline markers, removed from the text (:func:`newslens.text.clean_line`; default: none).

    Returns
    -------
    Series indexed by ``outlet`` (manifest order), the document text as values.
    """
    texts = _outlet_texts(lines, articles, view, markers)
    order = list(dict.fromkeys(articles["outlet"]))
    empty = [o for o in order if not texts.get(o, "").strip()]
    if empty:
        raise TermsError(f"no body text in view {view!r} for outlet(s): {', '.join(empty)}")
    docs = texts.reindex(order)
    docs.index.name = "outlet"
    docs.name = "text"
    return docs


# --------------------------------------------------------------------------- counts and TF-IDF


def _check_docs(docs: pd.Series) -> None:
    if not isinstance(docs, pd.Series) or len(docs) < 2:
        raise TermsError("docs: expected a Series of at least two documents indexed by outlet (see outlet_documents)")
    if docs.index.has_duplicates:
        raise TermsError(f"docs: duplicate outlet(s) {', '.join(map(str, docs.index[docs.index.duplicated()].unique()))}")
    if not all(isinstance(t, str) for t in docs):
        raise TermsError("docs: every document must be a string")


def count_matrix(
    docs: pd.Series,
    *,
    ngram_range: tuple[int, int] = (1, 2),
    min_df: int = 1,
    lemmatize: bool = False,
    stop: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Term counts per outlet with scikit-learn's :class:`~sklearn.feature_extraction.text.CountVectorizer`.

    A bigram is two words next to each other in the text (:class:`Analyzer`): none is formed across a
    stop word, a punctuation mark or a line end.

    Returns
    -------
    DataFrame of int, index ``outlet`` (as *docs*), one column per term (sorted).
    """
    x, terms = _sparse_counts(docs, ngram_range=ngram_range, min_df=min_df, lemmatize=lemmatize, stop=stop)
    out = pd.DataFrame(x.toarray(), index=docs.index.copy(), columns=terms)
    out.index.name = "outlet"
    out.columns.name = "term"
    return out


def _sparse_counts(docs: pd.Series, *, ngram_range=(1, 2), min_df: int = 1, lemmatize: bool = False, stop=None):
    """The counts of :func:`count_matrix` as a CSR matrix (indices sorted) and the sorted terms."""
    _check_docs(docs)
    if not (isinstance(min_df, int) and min_df >= 1):
        raise TermsError(f"min_df must be a whole number of documents >= 1, got {min_df!r}")
    tokenizer = Tokenizer(lemmatize)
    x, terms = _count_ngrams(docs.tolist(), lemmatize=lemmatize, stop=_closed_stop_words(stop, tokenizer) or (),
                             ngram_range=ngram_range)
    # CountVectorizer(min_df=min_df)'s checks, in its order and with its words
    if not len(terms):
        raise TermsError("no terms left to count (empty vocabulary; perhaps the documents only contain stop words)")
    if min_df > x.shape[0]:
        raise TermsError("no terms left to count (max_df corresponds to < documents than min_df)")
    if min_df > 1:
        keep = np.flatnonzero(x.getnnz(axis=0) >= min_df)
        if not len(keep):
            raise TermsError("no terms left to count (After pruning, no terms remain. Try a lower min_df or a higher max_df.)")
        x, terms = sparse.csr_matrix(x[:, keep]), terms[keep]
    x.sort_indices()  # row by row in term order, as the dense matrix reads
    x.eliminate_zeros()
    return x, terms


def tfidf_matrix(counts: pd.DataFrame, *, sublinear_tf: bool = True, norm: str | None = "l2") -> pd.DataFrame:
    """TF-IDF weights from a :func:`count_matrix` with scikit-learn's :class:`TfidfTransformer`.

    Smoothed idf, ``ln((1 + n) / (1 + df)) + 1`` (Sparck Jones's idea, scikit-learn's formula);
    with ``sublinear_tf`` a count c becomes ``1 + ln c``; rows are l2-normalised.
    """
    _check_counts(counts)
    x = TfidfTransformer(sublinear_tf=sublinear_tf, norm=norm, smooth_idf=True).fit_transform(counts.to_numpy())
    return pd.DataFrame(x.toarray(), index=counts.index, columns=counts.columns)


def _check_counts(counts: pd.DataFrame) -> None:
    if not isinstance(counts, pd.DataFrame) or counts.shape[0] < 2 or counts.shape[1] < 1:
        raise TermsError("counts: expected an outlet x term DataFrame with at least two outlets (see count_matrix)")
    values = counts.to_numpy()
    if not np.issubdtype(values.dtype, np.number) or (values < 0).any():
        raise TermsError("counts: expected non-negative numbers")


def top_terms(scores: pd.DataFrame, *, n: int = 15) -> pd.DataFrame:
    """The *n* highest-scoring terms per outlet (positive scores only; ties broken alphabetically).

    Returns
    -------
    DataFrame with columns ``outlet``, ``rank`` (1 = highest), ``term``, ``score``.
    """
    if not isinstance(scores, pd.DataFrame):
        raise TermsError("scores: expected an outlet x term DataFrame")
    if not (isinstance(n, int) and n >= 1):
        raise TermsError(f"n must be a positive whole number, got {n!r}")
    rows = []
    for outlet, row in scores.iterrows():
        s = row[row > 0]
        order = pd.DataFrame({"term": s.index, "score": s.to_numpy()}).sort_values(["score", "term"], ascending=[False, True])
        order = order.head(n)
        rows.append(order.assign(outlet=outlet, rank=range(1, len(order) + 1)))
    return pd.concat(rows, ignore_index=True)[["outlet", "rank", "term", "score"]]


def cosine_table(tfidf: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity between outlets' TF-IDF vectors (scikit-learn), outlet x outlet."""
    _check_counts(tfidf)
    sim = cosine_similarity(tfidf.to_numpy())
    out = pd.DataFrame(sim, index=tfidf.index, columns=tfidf.index)
    out.columns.name = "outlet"
    return out


def cosine_pairs(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each pair of outlets once, with its cosine similarity under each named table (e.g. per view).

    Returns
    -------
    DataFrame with columns ``pair`` ("A / B"), one column per key of *tables*, and ``change``
    (last minus first), sorted by ``change`` descending then pair.
    """
    if len(tables) < 1 or not all(isinstance(t, pd.DataFrame) for t in tables.values()):
        raise TermsError("cosine_pairs: expected a mapping of names to cosine_table outputs")
    names = list(tables)
    outlets = list(tables[names[0]].index)
    rows = []
    for a, b in combinations(outlets, 2):
        row = {"pair": f"{a} / {b}"}
        row.update({n: float(tables[n].loc[a, b]) for n in names})
        row["change"] = row[names[-1]] - row[names[0]]
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["change", "pair"], ascending=[False, True]).reset_index(drop=True)


def outlet_linkage(tfidf: pd.DataFrame, *, method: str = "average") -> np.ndarray:
    """Hierarchical clustering of outlets on cosine distance (scipy ``linkage``), for a dendrogram."""
    _check_counts(tfidf)
    return linkage(pdist(tfidf.to_numpy(), metric="cosine"), method=method)


def merge_order(link: np.ndarray, labels: Iterable[str]) -> pd.DataFrame:
    """The merges of a :func:`outlet_linkage` in order, clusters named by their outlets.

    Returns
    -------
    DataFrame with columns ``step`` (1 = first merge), ``joins``, ``with``, ``distance``.
    """
    names = list(labels)
    link = np.asarray(link)
    if link.ndim != 2 or link.shape != (len(names) - 1, 4):
        raise TermsError(f"merge_order: expected a linkage matrix of {len(names) - 1} rows for {len(names)} labels")
    rows = []
    for k, (i, j, dist, _n) in enumerate(link, start=1):
        a, b = sorted([names[int(i)], names[int(j)]])
        names.append(f"{a} + {b}")
        rows.append({"step": k, "joins": a, "with": b, "distance": float(dist)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- one outlet against the rest


def _one_vs_rest(counts: pd.DataFrame):
    _check_counts(counts)
    y = counts.to_numpy(dtype=float)
    total = y.sum(axis=0)
    n = y.sum(axis=1, keepdims=True)
    return y, total - y, n, n.sum() - n


def _long(counts: pd.DataFrame, **cols: np.ndarray) -> pd.DataFrame:
    shape = counts.shape
    out = pd.DataFrame(
        {
            "outlet": np.repeat(counts.index.to_numpy(), shape[1]),
            "term": np.tile(counts.columns.to_numpy(), shape[0]),
        }
    )
    for name, values in cols.items():
        out[name] = np.asarray(values).reshape(-1)
    return out


def log_odds_dirichlet(counts: pd.DataFrame, *, prior: pd.Series | None = None, alpha0: float | None = None) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior, each outlet against the rest.

    Monroe, Colaresi and Quinn (2008), eqs. 16 and 18 (their "fightin' words"): with y the
    term's count in the outlet (i) and in the other outlets pooled (j), n the totals, alpha the
    prior pseudo-count of the term and alpha0 the sum of all pseudo-counts,

    ``delta = ln[(y_i + a) / (n_i + a0 - y_i - a)] - ln[(y_j + a) / (n_j + a0 - y_j - a)]``,
    ``var = 1 / (y_i + a) + 1 / (y_j + a)``, ``z = delta / sqrt(var)``.

    Parameters
    ----------
    counts : DataFrame
        Outlet x term counts (:func:`count_matrix`).
    prior : Series, optional
        Pseudo-count per term; default the pooled counts of the whole corpus.
    alpha0 : float, optional
        Rescale the prior to sum to *alpha0* (its strength in words); default unscaled, so the
        pooled-corpus prior weighs as much as the corpus itself.

    Returns
    -------
    DataFrame with columns ``outlet``, ``term``, ``count``, ``count_rest``, ``delta``,
    ``variance``, ``z``; one row per outlet and term.
    """
    y_i, y_j, n_i, n_j = _one_vs_rest(counts)
    if prior is None:
        a = y_i.sum(axis=0)
    else:
        if not isinstance(prior, pd.Series) or set(prior.index) != set(counts.columns):
            raise TermsError("prior: expected a Series with one pseudo-count per term of counts")
        a = prior.reindex(counts.columns).to_numpy(dtype=float)
        if (a <= 0).any():
            raise TermsError("prior: every pseudo-count must be positive")
    if alpha0 is not None:
        if not alpha0 > 0:
            raise TermsError(f"alpha0 must be positive, got {alpha0!r}")
        a = a * (alpha0 / a.sum())
    delta, var = _log_odds_cells(y_i, y_j, n_i, n_j, a, a.sum())
    return _long(counts, count=y_i.astype(int), count_rest=y_j.astype(int), delta=delta, variance=var, z=delta / np.sqrt(var))


def keyness(counts: pd.DataFrame) -> pd.DataFrame:
    """Dunning's log-likelihood G2 and the log ratio, each outlet against the rest.

    G2 (Dunning 1993) on the 2 x 2 table [term, other terms] x [outlet, rest]:
    ``2 * sum(O * ln(O / E))``, with E from the margins and 0 ln 0 = 0; signed here, positive
    when the term is relatively more frequent in the outlet. Log ratio (Hardie 2014):
    ``log2((y_i / n_i) / (y_j / n_j))``, a zero count replaced by 0.5.

    Returns
    -------
    DataFrame with columns ``outlet``, ``term``, ``count``, ``count_rest``, ``g2``, ``log_ratio``.
    """
    y_i, y_j, n_i, n_j = _one_vs_rest(counts)
    g2, log_ratio = _keyness_cells(y_i, y_j, n_i, n_j)
    return _long(counts, count=y_i.astype(int), count_rest=y_j.astype(int), g2=g2, log_ratio=log_ratio)


def _log_odds_cells(y_i, y_j, n_i, n_j, a, a0):
    """The log-odds ratio ``delta`` and its variance, elementwise (Monroe et al. 2008, eqs. 16 and 18; see
    :func:`log_odds_dirichlet`): the one place the formula is written."""
    delta = np.log((y_i + a) / (n_i + a0 - y_i - a)) - np.log((y_j + a) / (n_j + a0 - y_j - a))
    return delta, 1.0 / (y_i + a) + 1.0 / (y_j + a)


def _keyness_cells(y_i, y_j, n_i, n_j):
    """G2 and log ratio, elementwise, from counts in the outlet and the rest and their totals."""
    observed = [y_i, y_j, n_i - y_i, n_j - y_j]
    big_n = n_i + n_j
    expected = [n_i * (y_i + y_j) / big_n, n_j * (y_i + y_j) / big_n, n_i * (big_n - y_i - y_j) / big_n, n_j * (big_n - y_i - y_j) / big_n]
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * sum(xlogy(o, o) - xlogy(o, e) for o, e in zip(observed, expected))
    g2 = np.where(y_i / n_i >= y_j / n_j, 1.0, -1.0) * np.maximum(g2, 0.0)
    log_ratio = np.log2((np.where(y_i > 0, y_i, 0.5) / n_i) / (np.where(y_j > 0, y_j, 0.5) / n_j))
    return g2, log_ratio


# --------------------------------------------------------------------------- one table, four methods


def term_table(
    docs: pd.Series,
    *,
    view: str = "own",
    ngram_range: tuple[int, int] = (1, 2),
    min_df: int = 1,
    sublinear_tf: bool = True,
    lemmatize: bool = False,
    stop: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every term an outlet uses, scored by the four methods side by side.

    Returns
    -------
    DataFrame with columns ``outlet``, ``view``, ``term``, ``count``, ``tfidf``, ``rank_tfidf``
    (1 = the outlet's highest TF-IDF, ties alphabetical), ``log_odds_z``, ``g2``, ``log_ratio``;
    only rows with ``count > 0``, sorted by outlet (as *docs*) and ``rank_tfidf``.
    """
    _check_view(view)
    x, terms = _sparse_counts(docs, ngram_range=ngram_range, min_df=min_df, lemmatize=lemmatize, stop=stop)
    return _scored(x, terms, docs.index.to_numpy(), view=view, sublinear_tf=sublinear_tf)


def _scored(x: sparse.csr_matrix, terms: np.ndarray, outlets: np.ndarray, *, view: str, sublinear_tf: bool) -> pd.DataFrame:
    """The rows of :func:`term_table` from the outlet x term counts *x* (CSR, indices sorted, no explicit zeros)."""
    # Only the terms an outlet uses are kept, so only those cells are computed: the matrix stays
    # sparse (outlets x terms would be dense and mostly zeros). Each score is the same elementwise
    # formula as in tfidf_matrix, log_odds_dirichlet and keyness, on the same numbers.
    tfidf = TfidfTransformer(sublinear_tf=sublinear_tf, norm="l2", smooth_idf=True).fit_transform(x)
    tfidf = sparse.csr_matrix(tfidf)
    tfidf.sort_indices()
    row = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    col = x.indices
    if not (np.array_equal(tfidf.indptr, x.indptr) and np.array_equal(tfidf.indices, col)):
        raise TermsError("internal error: TF-IDF and counts do not have the same cells")  # pragma: no cover
    y_i = x.data.astype(float)
    total = np.asarray(x.sum(axis=0), dtype=float).ravel()
    n = np.asarray(x.sum(axis=1), dtype=float).ravel()
    a = total[col]  # the prior: the pooled counts of the whole corpus
    y_j = a - y_i
    n_i, n_j = n[row], n.sum() - n[row]
    delta, var = _log_odds_cells(y_i, y_j, n_i, n_j, a, total.sum())
    g2, log_ratio = _keyness_cells(y_i, y_j, n_i, n_j)
    # Sorted by outlet, TF-IDF descending, then term: terms are unique in a row, so the term's rank in *terms*
    # (its column when *terms* is sorted, as it always is here) orders ties as the strings would, without
    # sorting strings.
    term_rank = col if _is_sorted(terms) else _ranks(terms)[col]
    order = np.lexsort((term_rank, -tfidf.data, row))
    row, col = row[order], col[order]
    table = pd.DataFrame({"outlet": outlets[row], "view": view, "term": terms[col]})
    table["count"] = y_i[order].astype(int)
    table["tfidf"] = tfidf.data[order]
    table["rank_tfidf"] = np.arange(len(order), dtype=np.int64) - x.indptr[row] + 1  # row r fills indptr[r]:indptr[r+1]
    table["log_odds_z"] = (delta / np.sqrt(var))[order]
    table["g2"] = g2[order]
    table["log_ratio"] = log_ratio[order]
    return table


def _is_sorted(values: np.ndarray) -> bool:
    return bool(len(values) < 2 or (values[:-1] < values[1:]).all())


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's position in ``sorted(values)`` (distinct values)."""
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


# --------------------------------------------------------------------------- counts of some articles, summed


@dataclass(frozen=True)
class OutletCounts:
    """Term counts per outlet of some of a corpus's articles (a partition), to be summed (:func:`sum_counts`).

    ``outlets`` are the matrix's rows (in manifest order of their first article), ``terms`` its columns
    (sorted), ``matrix`` the counts (CSR, int64); ``with_text`` the outlets whose lines are not all blank.
    """

    outlets: tuple
    terms: np.ndarray
    matrix: sparse.csr_matrix
    with_text: frozenset


def outlet_counts(lines: pd.DataFrame, articles: pd.DataFrame, view: str = "own", *, ngram_range: tuple[int, int] = (1, 2),
                  lemmatize: bool = False, stop: Iterable[str] | None = None, markers: re.Pattern | None = None) -> OutletCounts:
    """The counts :func:`count_matrix` makes of :func:`outlet_documents`, for the articles of *lines* only (the
    furniture's inline *markers* removed, as there).

    No n-gram spans a line end (:class:`Analyzer`), so an outlet's counts are the sum of its lines' counts, and
    the counts of a corpus are the sum (:func:`sum_counts`) of the counts of its partitions: the corpus-wide
    term tables reduce over partitions of articles without the outlet documents ever being joined.
    """
    return outlet_counts_by_view(lines, articles, (view,), ngram_range=ngram_range, lemmatize=lemmatize, stop=stop,
                                 markers=markers)[view]


def outlet_counts_by_view(lines: pd.DataFrame, articles: pd.DataFrame, views: Iterable[str] = VIEWS, *,
                          ngram_range: tuple[int, int] = (1, 2), lemmatize: bool = False, stop: Iterable[str] | None = None,
                          markers: re.Pattern | None = None) -> dict[str, OutletCounts]:
    """:func:`outlet_counts` of each of *views*, from one tokenisation of the body lines.

    Returns
    -------
    dict view -> :class:`OutletCounts`, the same as ``outlet_counts(lines, articles, view, ...)`` for each view.
    """
    views = list(views)
    for view in views:
        _check_view(view)
    _check_lines(lines, articles)
    body = _view_lines(lines, "all")
    texts = pd.DataFrame({"outlet": body["article"].map(articles["outlet"]).to_numpy(),
                          "own": (body["voice"] == "own").to_numpy(),
                          "text": [clean_line(t, markers=markers) for t in body["text"]]})
    # One document per outlet and voice (own or not): no n-gram spans a line end, so each view's counts per outlet
    # are sums of these documents' counts, and the lines are tokenised once for both views.
    groups = texts.groupby(["outlet", "own"], sort=False)["text"].agg("\n".join)
    tokenizer = Tokenizer(lemmatize)
    x, terms = _count_ngrams(groups.tolist(), lemmatize=lemmatize, stop=_closed_stop_words(stop, tokenizer) or (),
                             ngram_range=ngram_range)
    group_outlet = groups.index.get_level_values("outlet")
    group_own = np.asarray(groups.index.get_level_values("own"), dtype=bool)
    manifest = list(dict.fromkeys(articles["outlet"]))
    out = {}
    for view in views:
        members = np.flatnonzero(group_own) if view == "own" else np.arange(len(groups))
        present = set(group_outlet[members])
        order = [o for o in manifest if o in present]
        row_of = {o: i for i, o in enumerate(order)}
        pick = sparse.csr_matrix((np.ones(len(members), dtype=np.int64), ([row_of[group_outlet[g]] for g in members], members)),
                                 shape=(len(order), len(groups)))
        y = sparse.csr_matrix(pick @ x, dtype=np.int64)
        used = np.flatnonzero(y.getnnz(axis=0))  # the terms of this view's lines only, as a vectoriser of them finds
        if len(used) < y.shape[1]:
            y = sparse.csr_matrix(y[:, used])
        y.sum_duplicates()
        y.sort_indices()
        with_text = frozenset(group_outlet[g] for g in members if groups.iloc[g].strip())
        out[view] = OutletCounts(tuple(order), terms[used], y, with_text)
    return out


def sum_counts(parts: Iterable[OutletCounts]) -> OutletCounts:
    """The counts of several partitions' articles added up, over the union of their terms (sorted).

    Exact: integer counts, summed cell by cell; the same as :func:`outlet_counts` of all their lines.
    """
    parts = list(parts)
    outlets = tuple(dict.fromkeys(o for p in parts for o in p.outlets))
    row_of = {o: i for i, o in enumerate(outlets)}
    terms = np.concatenate([np.empty(0, dtype=object), *(p.terms for p in parts)])
    vocab, col = np.unique(terms, return_inverse=True)
    rows, cols, data, offset = [], [], [], 0
    for p in parts:
        coo = p.matrix.tocoo()
        rows.append(np.array([row_of[o] for o in p.outlets], dtype=np.int64)[coo.row])
        cols.append(col[offset:offset + len(p.terms)][coo.col])
        data.append(coo.data.astype(np.int64))
        offset += len(p.terms)
    x = sparse.coo_matrix((np.concatenate([np.empty(0, np.int64), *data]),
                           (np.concatenate([np.empty(0, np.int64), *rows]), np.concatenate([np.empty(0, np.int64), *cols]))),
                          shape=(len(outlets), len(vocab))).tocsr()
    x.sum_duplicates()
    x.eliminate_zeros()
    return OutletCounts(outlets, vocab.astype(object), x, frozenset().union(*(p.with_text for p in parts)))


def counts_table(counts: OutletCounts, articles: pd.DataFrame, *, view: str = "own", min_df: int = 1,
                 sublinear_tf: bool = True) -> pd.DataFrame:
    """:func:`term_table` from the counts of a whole corpus (:func:`outlet_counts`, :func:`sum_counts`): the same
    rows, checks and errors as ``term_table(outlet_documents(lines, articles, view), ...)`` on its lines.
    """
    _check_view(view)
    order = list(dict.fromkeys(articles["outlet"]))
    empty = [o for o in order if o not in counts.with_text]
    if empty:
        raise TermsError(f"no body text in view {view!r} for outlet(s): {', '.join(map(str, empty))}")
    if len(order) < 2:
        raise TermsError("docs: expected a Series of at least two documents indexed by outlet (see outlet_documents)")
    if not (isinstance(min_df, int) and min_df >= 1):
        raise TermsError(f"min_df must be a whole number of documents >= 1, got {min_df!r}")
    row_of = {o: i for i, o in enumerate(counts.outlets)}
    x = counts.matrix[[row_of[o] for o in order]]
    if not x.shape[1] or not x.nnz:
        raise TermsError("no terms left to count (empty vocabulary; perhaps the documents only contain stop words)")
    keep = np.flatnonzero(np.asarray((x > 0).sum(axis=0)).ravel() >= min_df)
    if not len(keep):
        raise TermsError("no terms left to count (After pruning, no terms remain. Try a lower min_df or a higher max_df.)")
    x = sparse.csr_matrix(x[:, keep]) if len(keep) < x.shape[1] else sparse.csr_matrix(x)
    x.sort_indices()
    x.eliminate_zeros()
    return _scored(x, counts.terms[keep], np.array(order, dtype=object), view=view, sublinear_tf=sublinear_tf)


def _ranked(table: pd.DataFrame, method: str, outlet, n: int) -> list[str]:
    sub = table[table["outlet"] == outlet]
    sub = sub[sub[method] > 0].sort_values([method, "term"], ascending=[False, True])
    return sub["term"].head(n).tolist()


def _check_table(table: pd.DataFrame, methods: Iterable[str]) -> None:
    require_columns(table, ("outlet", "term", *methods), func="terms", what="table", made_by="term_table", error=TermsError)


def method_agreement(table: pd.DataFrame, *, n: int = 15, methods: Iterable[str] = METHODS) -> pd.DataFrame:
    """How far two methods agree on an outlet's top terms.

    For every outlet and pair of methods: ``shared``, how many terms the two top-*n* lists have
    in common, and ``spearman``, the rank correlation (scipy) of the two methods' scores over the
    union of the two lists (NaN when either score is constant there).

    Returns
    -------
    DataFrame with columns ``outlet``, ``method_a``, ``method_b``, ``shared``, ``spearman``.
    """
    methods = list(methods)
    _check_table(table, methods)
    rows = []
    for outlet in table["outlet"].unique():
        sub = table[table["outlet"] == outlet].set_index("term")
        for a, b in combinations(methods, 2):
            top_a, top_b = _ranked(table, a, outlet, n), _ranked(table, b, outlet, n)
            union = sorted(set(top_a) | set(top_b))
            xa, xb = sub.loc[union, a].to_numpy(), sub.loc[union, b].to_numpy()
            if len(union) < 3 or np.ptp(xa) == 0 or np.ptp(xb) == 0:
                rho = np.nan
            else:
                rho = float(spearmanr(xa, xb).statistic)
            rows.append({"outlet": outlet, "method_a": a, "method_b": b, "shared": len(set(top_a) & set(top_b)), "spearman": rho})
    return pd.DataFrame(rows)


def agreed_terms(table: pd.DataFrame, *, n: int = 15, methods: Iterable[str] = METHODS) -> pd.DataFrame:
    """Terms in the top *n* of an outlet under every method: the ones the prose may call distinctive.

    Returns
    -------
    DataFrame with columns ``outlet``, ``term``, ``count`` and one ``rank_<method>`` per method,
    sorted by outlet (table order) and TF-IDF rank.
    """
    methods = list(methods)
    _check_table(table, methods)
    rows = []
    for outlet in table["outlet"].unique():
        lists = {m: _ranked(table, m, outlet, n) for m in methods}
        common = set.intersection(*(set(v) for v in lists.values()))
        sub = table[table["outlet"] == outlet].set_index("term")
        for term in common:
            row = {"outlet": outlet, "term": term, "count": int(sub.loc[term, "count"])}
            row.update({f"rank_{m}": lists[m].index(term) + 1 for m in methods})
            rows.append(row)
    cols = ["outlet", "term", "count", *[f"rank_{m}" for m in methods]]
    out = pd.DataFrame(rows, columns=cols)
    order = {o: i for i, o in enumerate(table["outlet"].unique())}
    return out.sort_values(["outlet", f"rank_{methods[0]}", "term"], key=lambda s: s.map(order) if s.name == "outlet" else s).reset_index(drop=True)


# --------------------------------------------------------------------------- keyword in context


def _spans(text: str, tokenizer: Tokenizer) -> list[tuple[str, int, int]]:
    # tokenize_words returns substrings in order, so each token is found after the previous one.
    spans, pos = [], 0
    for raw in tokenize_words(text):
        start = text.find(raw, pos)
        if start < 0:
            continue
        pos = start + len(raw)
        for term in tokenizer(raw):
            spans.append((term, start, pos))
    return spans


def kwic(
    lines: pd.DataFrame,
    articles: pd.DataFrame,
    term: str,
    *,
    outlet: str | None = None,
    view: str = "all",
    width: int = 45,
    lemmatize: bool = False,
    stop: Iterable[str] | None = None,
    markers: re.Pattern | None = None,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of *term* (a unigram or a bigram as counted) in body text.

    A bigram matches two words next to each other, as the vectoriser counted it (no stop word or
    punctuation between them), so pass the same *stop* and *lemmatize* as for the counts, and the same
    *markers* (the furniture's inline markers, removed from the text; default: none) as for the documents.

    Returns
    -------
    DataFrame with columns ``outlet``, ``article``, ``line``, ``voice`` (own/quoted), ``left``,
    ``term`` (as written), ``right``; *width* characters of context each side, in corpus order.
    """
    _check_view(view)
    _check_lines(lines, articles)
    if not isinstance(term, str) or not term.strip():
        raise TermsError(f"kwic: term must be a non-empty string, got {term!r}")
    tokenizer = Tokenizer(lemmatize)
    parts = term.split()
    if not 1 <= len(parts) <= 2:
        raise TermsError(f"kwic: term must be one word or a bigram, got {term!r}")
    if outlet is not None and outlet not in set(articles["outlet"]):
        raise TermsError(f"kwic: unknown outlet {outlet!r}; known: {', '.join(sorted(set(articles['outlet'])))}")
    stops = set(_closed_stop_words(stop, tokenizer) or [])
    body = _view_lines(lines, view)
    rows = []
    for rec in body.itertuples(index=False):
        out_name = articles.loc[rec.article, "outlet"]
        if outlet is not None and out_name != outlet:
            continue
        text = clean_line(rec.text, markers=markers)
        spans = _spans(text, tokenizer)
        for k in range(len(spans) - len(parts) + 1):
            window = spans[k : k + len(parts)]
            if [w[0] for w in window] != parts or any(w[0] in stops for w in window):
                continue
            if len(window) == 2 and _PHRASE_BREAK.search(text[window[0][2] : window[1][1]]):
                continue
            start, end = window[0][1], window[-1][2]
            left = text[max(0, start - width) : start]
            right = text[end : end + width]
            rows.append(
                {
                    "outlet": out_name,
                    "article": rec.article,
                    "line": int(getattr(rec, "line", 0) or 0),
                    "voice": rec.voice,
                    "left": ("…" if start > width else "") + left.lstrip(),
                    "term": text[start:end],
                    "right": right.rstrip() + ("…" if end + width < len(text) else ""),
                }
            )
    return pd.DataFrame(rows, columns=["outlet", "article", "line", "voice", "left", "term", "right"])


def kwic_table(lines: pd.DataFrame, articles: pd.DataFrame, terms: pd.DataFrame, *, per_term: int = 3, **kwargs) -> pd.DataFrame:
    """:func:`kwic` for each (``outlet``, ``term``) row of *terms*, in that outlet's text only; *kwargs* go to
    :func:`kwic` (``view``, ``width``, ``stop``, ``markers`` ...).

    Keeps the first *per_term* hits of each; ``hits`` gives how many there are in all.

    Returns
    -------
    DataFrame with columns ``keyword``, ``hits`` and those of :func:`kwic`.
    """
    if not isinstance(terms, pd.DataFrame) or not {"outlet", "term"} <= set(terms.columns):
        raise TermsError("kwic_table: terms must be a DataFrame with 'outlet' and 'term' columns (e.g. agreed_terms)")
    if not (isinstance(per_term, int) and per_term >= 1):
        raise TermsError(f"per_term must be a positive whole number, got {per_term!r}")
    frames = []
    for outlet, term in zip(terms["outlet"], terms["term"]):
        hits = kwic(lines, articles, term, outlet=outlet, **kwargs)
        frames.append(hits.head(per_term).assign(keyword=term, hits=len(hits)))
    cols = ["keyword", "hits", "outlet", "article", "line", "voice", "left", "term", "right"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def union_matrix(scores: pd.DataFrame, top: pd.DataFrame) -> pd.DataFrame:
    """Scores of the union of every outlet's top terms, term x outlet.

    Rows are grouped by the first outlet (in *scores* order) whose list holds the term, then by
    that outlet's rank, so each outlet's own terms form a block.
    """
    if not {"outlet", "rank", "term"} <= set(top.columns):
        raise TermsError("union_matrix: top must be the output of top_terms")
    order = {o: i for i, o in enumerate(scores.index)}
    first = top.assign(o=top["outlet"].map(order)).sort_values(["o", "rank", "term"]).drop_duplicates("term")
    out = scores.loc[:, first["term"].tolist()].T
    out.index.name = "term"
    return out


def outlets_using(counts: pd.DataFrame) -> pd.Series:
    """How many outlets use each term at least once (its document frequency)."""
    _check_counts(counts)
    return (counts > 0).sum().rename("outlets")


def quote_flows(lines: pd.DataFrame, articles: pd.DataFrame, *, markers: re.Pattern | None = None) -> pd.DataFrame:
    """How many body words each outlet quotes from each other outlet (the lines labelled ``quoted``).

    Parameters
    ----------
    lines : DataFrame
        ``corpus.lines`` (columns ``article``, ``label``, ``text``, ``voice``, ``quoted_outlet``).
    articles : DataFrame
        ``corpus.articles`` (index ``article``, column ``outlet``).
    markers : re.Pattern, optional
        The furniture's inline markers, not counted as words (:func:`newslens.text.clean_line`; default: none).

    Returns
    -------
    DataFrame with columns ``outlet`` (the quoting outlet, its captures pooled), ``source`` (the quoted outlet as
    the line labeller named it, '' when unnamed), ``words``; largest first, ties by outlet and source. Empty when
    no outlet quotes another.
    """
    _check_lines(lines, articles)
    body = _view_lines(lines, "all")
    quoted = body[body["voice"] == "quoted"]
    if "quoted_outlet" in quoted.columns:
        source = quoted["quoted_outlet"].fillna("").astype(str)
    else:
        source = pd.Series("", index=quoted.index)
    flows = pd.DataFrame({"outlet": quoted["article"].map(articles["outlet"]).to_numpy(), "source": source.to_numpy(),
                          "words": _body_words(quoted["text"], markers)})
    flows = flows.groupby(["outlet", "source"], as_index=False)["words"].sum()
    flows = flows.sort_values(["words", "outlet", "source"], ascending=[False, True, True], kind="stable")
    return flows.reset_index(drop=True)[["outlet", "source", "words"]]


def shared_passages(lines: pd.DataFrame, articles: pd.DataFrame, reuse: pd.DataFrame, *,
                    markers: re.Pattern | None = None) -> pd.DataFrame:
    """Quoted body words that repeat the text of another outlet's capture in the corpus.

    A block quote makes two documents share a passage only when the quoted text is itself in the corpus; the reuse
    table (:func:`newslens.reuse.find_reuse`) says which quoted lines repeat which capture.

    Parameters
    ----------
    lines : DataFrame
        ``corpus.lines`` (columns ``article``, ``line``, ``label``, ``text``, ``voice``).
    articles : DataFrame
        ``corpus.articles`` (index ``article``, column ``outlet``).
    reuse : DataFrame
        Columns ``article``, ``line``, ``source_article``.
    markers : re.Pattern, optional
        The furniture's inline markers, not counted as words (:func:`newslens.text.clean_line`; default: none).

    Returns
    -------
    DataFrame with columns ``outlet`` (the quoting outlet), ``source`` (the outlet whose capture it repeats),
    ``lines``, ``words``; largest first, ties by outlet and source. Repeats within one outlet are left out.
    """
    _check_lines(lines, articles)
    key = ["article", "line"]
    if not {"article", "line", "source_article"} <= set(reuse.columns):
        raise TermsError("shared_passages: reuse must have the columns article, line and source_article (see newslens.reuse.find_reuse)")
    body = _view_lines(lines, "all")
    quoted = body.loc[body["voice"] == "quoted", key + ["text"]]
    hits = quoted.merge(reuse[key + ["source_article"]].drop_duplicates(key), on=key)
    out = pd.DataFrame({"outlet": hits["article"].map(articles["outlet"]).to_numpy(),
                        "source": hits["source_article"].map(articles["outlet"]).to_numpy(),
                        "words": _body_words(hits["text"], markers)})
    out = out[out["outlet"] != out["source"]]
    out = out.groupby(["outlet", "source"], as_index=False).agg(lines=("words", "size"), words=("words", "sum"))
    out = out.sort_values(["words", "outlet", "source"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)[["outlet", "source", "lines", "words"]]


# --------------------------------------------------------------------------- robustness


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard overlap |A ∩ B| / |A ∪ B| of two term lists (1.0 when both are empty)."""
    a, b = set(a), set(b)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _settings_table(lines, articles, setting: Mapping, stop_book: Mapping | None, data_dir, markers) -> pd.DataFrame:
    s = {**BASELINE, **setting}
    unknown = sorted(set(setting) - set(BASELINE))
    if unknown:
        raise TermsError(f"robustness: unknown setting(s) {', '.join(unknown)}; known: {', '.join(BASELINE)}")
    stop = stop_words(stop_book, domain=s["domain"], data_dir=data_dir)
    docs = outlet_documents(lines, articles, s["view"], markers=markers)
    return term_table(
        docs, view=s["view"], ngram_range=s["ngram_range"], min_df=s["min_df"], sublinear_tf=s["sublinear_tf"], lemmatize=s["lemmatize"], stop=stop
    )


def robustness(
    lines: pd.DataFrame,
    articles: pd.DataFrame,
    variants: Mapping[str, Mapping],
    *,
    n: int = 15,
    methods: Iterable[str] = ("tfidf", "log_odds_z"),
    codebook: Mapping | None = None,
    data_dir=None,
    markers: re.Pattern | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Jaccard overlap of each outlet's top-*n* terms between :data:`BASELINE` and each variant.

    Each variant changes some keys of :data:`BASELINE` (e.g. ``{"lemmatize": True}``). When
    either side is lemmatised, both lists are lemmatised before comparing, so "workers" and
    "worker" count as the same term. The documents are :func:`outlet_documents` with *markers*.

    Returns
    -------
    (overlap, survivors): ``overlap`` has columns ``method``, ``outlet``, one column per variant
    (Jaccard, 0-1); ``survivors`` has ``method``, ``outlet``, ``term``: baseline top-*n* terms that
    stay in the top *n* under every variant.
    """
    if not variants:
        raise TermsError("robustness: give at least one variant setting")
    methods = list(methods)
    base = _settings_table(lines, articles, {}, codebook, data_dir, markers)
    tables = {name: _settings_table(lines, articles, v, codebook, data_dir, markers) for name, v in variants.items()}
    lem = Tokenizer(lemmatize=True)
    rows, survivors = [], []
    for method in methods:
        for outlet in base["outlet"].unique():
            top_base = _ranked(base, method, outlet, n)
            row = {"method": method, "outlet": outlet}
            keep = set(top_base)
            for name, table in tables.items():
                other = _ranked(table, method, outlet, n)
                if variants[name].get("lemmatize", BASELINE["lemmatize"]) != BASELINE["lemmatize"]:
                    def norm(terms):
                        return [" ".join(lem(t)) for t in terms]
                    row[name] = jaccard(norm(top_base), norm(other))
                    other_norm = set(norm(other))
                    keep = {t for t in keep if " ".join(lem(t)) in other_norm}
                else:
                    row[name] = jaccard(top_base, other)
                    keep &= set(other)
            rows.append(row)
            survivors += [{"method": method, "outlet": outlet, "term": t} for t in top_base if t in keep]
    return pd.DataFrame(rows), pd.DataFrame(survivors, columns=["method", "outlet", "term"])


def stable_terms(survivors: pd.DataFrame, agreed: pd.DataFrame) -> pd.DataFrame:
    """Agreed terms (:func:`agreed_terms`) that also survive every robustness variant for every method given."""
    if not {"method", "outlet", "term"} <= set(survivors.columns) or not {"outlet", "term"} <= set(agreed.columns):
        raise TermsError("stable_terms: expected the survivors of robustness and the output of agreed_terms")
    n_methods = survivors["method"].nunique()
    hits = survivors.groupby(["outlet", "term"]).size()
    ok = hits[hits == n_methods].index
    mask = [(o, t) in ok for o, t in zip(agreed["outlet"], agreed["term"])]
    return agreed[mask].reset_index(drop=True)
