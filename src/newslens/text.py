"""Body text as sentences and words: the units every analysis counts.

Sits on top of :mod:`newslens.corpus`; knows nothing about facts, terms or frames.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import simplemma
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY, DefaultStrategy

from newslens import cache
from newslens.corpus import LABELS
from newslens.errors import InputError, require_columns
from newslens.prefilter import TextBuffer, candidates_of_each
from newslens.prefilter import candidates as prefilter_candidates
from newslens.words import tokenize_words, word_count

__all__ = ["ABBREVIATIONS", "sentence_spans", "split_sentences", "clean_line", "sentence_table", "tokenize_words",
           "word_count", "article_stats", "voice_summary",
           "words_by_label", "any_of", "SearchCache", "word_forms", "lemmatize", "LemmaCue", "LemmaIndex"]

#: Abbreviations after which a full stop does not end a sentence (lower-case, without the dot).
#: Written out because no offline sentence model is available here (NLTK's punkt needs a download).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt gen gov sen rep rev sgt col lt capt cmdr adm pres supt insp det
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no vs etc approx dept univ inc corp co ltd bros est fig al
    """.split()
)

_SPACES = re.compile(r"\s{2,}")
_CLOSERS = "\"”’')]"
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
_BOUNDARY = re.compile(r"([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")


def clean_line(text: str, *, markers: re.Pattern | None = None) -> str:
    """*text* without the inline *markers* an aggregator adds to quoted passages ("[Source]", "[…]"): they are
    nobody's words. Runs of space left behind are made one space, and the ends trimmed.

    *markers* is the ``inline_markers`` list of the furniture codebook as one pattern
    (:func:`newslens.corpus.inline_markers`, ``Study.markers``); every function here that counts or shows body
    text takes it as ``markers=`` and passes it on. Default None: no marker is removed (a pure function reads no
    codebook; a :class:`~newslens.study.Study` always passes its furniture's).
    """
    if markers is not None:
        text = markers.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


_DOTTED_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_SENTENCE_OPENERS = frozenset({"The", "A", "An", "It", "He", "She", "They", "But", "In", "On", "This"})
_NEXT_WORD = re.compile(r"[\w']+")


def _token_before(text: str, end: int) -> str:
    r"""Group 1 of ``re.search(r"([\w.]+)$", text[:end])`` (or ""), found by walking back from *end*: the regex
    would try every start of a long paragraph at every candidate boundary."""
    k = end
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "_."):
        k -= 1
    return text[k:end]


def _is_boundary(text: str, m: re.Match) -> bool:
    punct, closers = m.group(1), m.group(2)
    after = text[m.end():m.end() + 40]  # the next word is all it needs
    if not after:
        return False
    nxt = after[0]
    if punct == "." and not closers:
        word = _token_before(text, m.start())
        bare = word.rstrip(".").lower()
        if bare in ABBREVIATIONS:
            return False
        if len(word) == 1 and word.isascii() and word.isalpha():  # an initial: "J. Smith"
            return False
        if _DOTTED_INITIALS.fullmatch(word):  # "U.S." seen as "U.S" + "."
            # "U.S." ends a sentence only if the next word starts like a sentence and is not a name part
            return nxt.isupper() and _next_word(after) in _SENTENCE_OPENERS
    # A sentence starts with a capital, a digit, a quote mark, a bracket or a hashtag.
    return nxt.isupper() or nxt.isdigit() or nxt in "\"“‘'([#—–-"


def _next_word(after: str) -> str:
    m = _NEXT_WORD.match(after)
    return m.group(0) if m else ""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a paragraph as ``(start, end)`` offsets into *text* as given (nothing normalised), so that
    a caller can map them back to its own string (the quote extractor splits a paragraph whose quoted words are
    masked out).

    Handles abbreviations such as "Aug. 7", "Mr.", "U.S." and initials, quotes closed after the
    stop (``."`` and ``?”``), and dashes. A comma inside a closing quote (``,"``) never ends a
    sentence. Rule-based on purpose: it is transparent and needs no model download. Kept over pysbd and syntok
    (``benchmarks/sentence_splitters.py``): on the 287 hand-labelled paragraph ends of the seeds and the validation
    set it cuts 96.2% (pysbd 94.1%, syntok 94.4%), at 59 ms per 1,000 paragraphs (pysbd 2,437, syntok 610).

    Returns the spans in order, each without surrounding space (``text[start:end]`` is the sentence with its
    closing marks); a blank text gives ``[]``.
    """
    cuts, start = [], 0
    for m in _BOUNDARY.finditer(text or ""):
        if _is_boundary(text, m):
            cuts.append((start, m.end(2)))
            start = m.end()
    cuts.append((start, len(text or "")))
    spans = []
    for a, b in cuts:
        part = text[a:b]
        if part.strip():
            spans.append((a + len(part) - len(part.lstrip()), a + len(part.rstrip())))
    return spans


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (by :func:`sentence_spans`, after runs of white space are made one space).

    Returns the sentences stripped of surrounding space; an empty text gives ``[]``.
    """
    text = re.sub(r"\s+", " ", text or "").strip()
    return [text[a:b] for a, b in sentence_spans(text)]


def sentence_table(lines: pd.DataFrame, *, markers: re.Pattern | None = None) -> pd.DataFrame:
    """One row per sentence of body text.

    Parameters
    ----------
    lines : DataFrame from :func:`newslens.corpus.label_lines` (``article``, ``line``, ``text``,
        ``label``, ``voice``, ``quoted_outlet``).
    markers : the furniture's inline markers, removed from the text (see :func:`clean_line`; default: none).

    Returns
    -------
    DataFrame with ``article``, ``line``, ``sentence`` (1-based within the article), ``text``
    (inline markers removed), ``voice`` and ``quoted_outlet``, in corpus order.
    """
    require_columns(lines, ("article", "line", "text", "label", "voice", "quoted_outlet"), func="sentence_table", what="the lines table",
                    made_by="newslens.corpus.label_lines")
    rows = []
    body = lines[lines["label"] == "body"]
    counter: dict[str, int] = {}
    for art, line, text, voice, outlet in body[["article", "line", "text", "voice", "quoted_outlet"]].itertuples(index=False):
        for sent in split_sentences(clean_line(text, markers=markers)):
            counter[art] = counter.get(art, 0) + 1
            rows.append((art, int(line), counter[art], sent, voice, outlet))
    return pd.DataFrame(rows, columns=["article", "line", "sentence", "text", "voice", "quoted_outlet"])


def article_stats(articles: pd.DataFrame, lines: pd.DataFrame, *, markers: re.Pattern | None = None) -> pd.DataFrame:
    """Words per capture, by label and by voice: how much of each capture is news text (body words counted
    without the furniture's inline *markers*, see :func:`clean_line`).

    Returns
    -------
    DataFrame indexed by ``article`` with ``outlet``, ``date``, ``headline``, ``file``,
    ``words_raw`` (every word in the capture), ``words_body``, ``words_own``, ``words_quoted``
    (body words in the outlet's own voice / in passages quoted from other outlets, inline markers
    removed), ``words_furniture`` (boilerplate, captions, bylines, headline and dek),
    ``share_body`` (% of raw words) and ``lines_<label>`` counts for every label.
    """
    lines = lines.assign(
        words=[word_count(clean_line(t, markers=markers)) if lab == "body" else word_count(t)
               for t, lab in zip(lines["text"], lines["label"])]
    )
    raw = lines.assign(w=[word_count(t) for t in lines["text"]]).groupby("article", sort=False)["w"].sum()
    body = lines[lines["label"] == "body"]
    out = articles[["file", "outlet", "date", "headline"]].copy()
    out["words_raw"] = raw.reindex(out.index, fill_value=0)
    out["words_body"] = body.groupby("article")["words"].sum().reindex(out.index, fill_value=0)
    by_voice = body.groupby(["article", "voice"])["words"].sum().unstack(fill_value=0)
    for v in ("own", "quoted"):
        out[f"words_{v}"] = (by_voice[v] if v in by_voice else pd.Series(dtype=int)).reindex(out.index, fill_value=0)
    out["words_furniture"] = out["words_raw"] - out["words_body"]
    out["share_body"] = (100 * out["words_body"] / out["words_raw"]).round(1)
    counts = lines.groupby(["article", "label"]).size().unstack(fill_value=0)
    for lab in LABELS:
        out[f"lines_{lab}"] = (counts[lab] if lab in counts else pd.Series(dtype=int)).reindex(out.index, fill_value=0).astype(int)
    out = out.astype({c: int for c in out.columns if c.startswith("words_")})
    return out


def voice_summary(lines: pd.DataFrame, *, markers: re.Pattern | None = None) -> pd.DataFrame:
    """Body words by voice and quoted outlet, per article: whose words each article is made of (counted without
    the furniture's inline *markers*, see :func:`clean_line`).

    Returns
    -------
    DataFrame with ``article``, ``voice`` (own/quoted), ``quoted_outlet`` ('' for own words),
    ``lines``, ``words`` and ``share`` (% of the article's body words), in corpus order.
    """
    body = lines[lines["label"] == "body"]
    body = body.assign(words=[word_count(clean_line(t, markers=markers)) for t in body["text"]])
    g = body.groupby(["article", "voice", "quoted_outlet"], sort=False).agg(lines=("line", "size"), words=("words", "sum")).reset_index()
    total = g.groupby("article", sort=False)["words"].transform("sum")
    g["share"] = (100 * g["words"] / total).round(1)
    return g


def words_by_label(lines: pd.DataFrame, *, share: bool = False) -> pd.DataFrame:
    """Words per article and line label (blank lines dropped); with ``share=True``, % of the article's words.

    Returns a DataFrame indexed by ``article`` (corpus order) with one column per label present.
    """
    counted = lines[lines["label"] != "blank"].assign(words=[word_count(t) for t in lines.loc[lines["label"] != "blank", "text"]])
    table = counted.pivot_table(index="article", columns="label", values="words", aggfunc="sum", fill_value=0, sort=False)
    table.columns.name = "label"
    if share:
        table = table.div(table.sum(axis=1), axis=0).mul(100).round(1)
    return table


class _AnyOfEach:
    """Searches for any of several patterns one by one (when they cannot be joined into one)."""

    def __init__(self, patterns: tuple[re.Pattern, ...]):
        self.patterns = patterns

    def search(self, text: str):
        for p in self.patterns:
            m = p.search(text)
            if m:
                return m
        return None


# Joining patterns would renumber their groups: a back-reference or a conditional would then
# point at another group.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def any_of(patterns) -> re.Pattern | _AnyOfEach:
    """One pattern whose ``search`` finds a match in a text exactly when one of *patterns* does.

    Codebook rules test many regexes on every sentence ("any of these words"); one alternation
    scans the sentence once instead of once per regex. The patterns are joined as
    ``(?:p1)|(?:p2)|...`` when they share their flags and use no group references; otherwise the
    returned object searches them one by one. Which match is returned may differ from the first
    pattern's; only whether there is one is promised.
    """
    patterns = tuple(patterns)
    if len(patterns) == 1:
        return patterns[0]
    flags = {p.flags for p in patterns}
    if len(flags) == 1 and not (next(iter(flags)) & re.VERBOSE) and not any(_GROUP_REFERENCE.search(p.pattern) for p in patterns):
        try:
            return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), next(iter(flags)))
        except re.error:  # e.g. inline global flags or a group name used twice
            pass
    return _AnyOfEach(patterns)


def _flat(pattern) -> tuple[re.Pattern, ...]:
    return pattern.patterns if isinstance(pattern, _AnyOfEach) else (pattern,)


# newslens.words.WORD's tokens, or a NUL: the same language as WORD written without a lookahead at every
# character, which makes one pass over a large joined text about a third faster.
_WORD_OR_SEP = re.compile(r"\x00|#?[^\W_][\w'’]*(?:[-.,]\w[\w'’]*)*", re.UNICODE)


def _search_key(pattern) -> tuple:
    if isinstance(pattern, _AnyOfEach):
        return tuple(_search_key(p) for p in pattern.patterns)
    return (pattern.pattern, pattern.flags)


class SearchCache:
    """Which of a fixed list of texts a pattern finds something in, each (pattern, text) searched once.

    Codebook rules share patterns (one exclusion list under every fact, one lexicon in several
    cues) and test them only on the texts that passed the previous test; the cache remembers every
    answer, so that a shared pattern is never searched twice on one text. A pattern is searched
    only in the texts Hyperscan's prefilter (:mod:`newslens.prefilter`) leaves: one scan of all
    texts per pattern.
    """

    def __init__(self, texts):
        self.texts = list(texts)
        self._known: dict[tuple, np.ndarray] = {}
        self._buffer: TextBuffer | None = None
        self._candidates: dict[tuple, np.ndarray | None] = {}

    @property
    def lemmas(self) -> LemmaIndex:
        """The :class:`LemmaIndex` of these texts, made on first use and kept with the cache."""
        if getattr(self, "_lemmas", None) is None:
            self._lemmas = LemmaIndex(self.texts)
        return self._lemmas

    def _text_buffer(self) -> TextBuffer:
        if self._buffer is None:
            self._buffer = TextBuffer.of_texts(self.texts)
        return self._buffer

    def _all_candidates(self, pattern: re.Pattern) -> np.ndarray | None:
        """All rows *pattern* may match (None: every row), scanned once and kept."""
        key = (pattern.pattern, pattern.flags)
        if key not in self._candidates:
            self._candidates[key] = prefilter_candidates(pattern.pattern, pattern.flags, self._text_buffer())
        return self._candidates[key]

    def prepare(self, patterns) -> None:
        """Scan the texts for all *patterns* (compiled, or from :func:`any_of`) at once, so that a codebook's patterns
        cost one pass over the texts (see :func:`newslens.prefilter.candidates_of_each`); only a matter of speed."""
        todo = tuple(dict.fromkeys((p.pattern, p.flags) for q in patterns for p in _flat(q)))
        todo = tuple(k for k in todo if k not in self._candidates)
        if todo:
            self._candidates.update(zip(todo, candidates_of_each(todo, self._text_buffer())))

    def candidates(self, pattern, rows: np.ndarray) -> np.ndarray:
        """The rows among *rows* that *pattern* (compiled, or from :func:`any_of`) may match: a superset of those it matches."""
        if not len(rows):
            return rows
        mask = np.zeros(len(self.texts), dtype=bool)
        for p in _flat(pattern):
            found = self._all_candidates(p)
            if found is None:
                return rows
            mask[found] = True
        return rows[mask[rows]]

    def hits(self, pattern, rows: np.ndarray | None = None) -> np.ndarray:
        """Boolean array: does *pattern* (compiled, or from :func:`any_of`) match each text in *rows* (default all)?"""
        rows = np.arange(len(self.texts)) if rows is None else np.asarray(rows, dtype=np.int64)
        known = self._known.get(_search_key(pattern))
        if known is None:
            known = self._known[_search_key(pattern)] = np.full(len(self.texts), -1, dtype=np.int8)
        todo = rows[known[rows] < 0]
        if len(todo):
            known[todo] = 0
            todo = self.candidates(pattern, todo)
            search, texts = pattern.search, self.texts
            known[todo] = [search(texts[i]) is not None for i in todo.tolist()]
        return known[rows] == 1

    def windowed(self, groups, window: int) -> SearchCache:
        """A cache over each text joined (by a space) to up to *window* texts before it in the same group.

        *groups* gives each text's group (its article). The joined texts are made only when a
        pattern is searched in them.
        """
        groups = list(groups)
        first = np.empty(len(self.texts), dtype=np.int64)
        for i in range(len(first)):
            lo = i
            while lo > 0 and i - lo < window and groups[lo - 1] == groups[i]:
                lo -= 1
            first[i] = lo
        return _WindowCache(self, first)


def _in_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Boolean per value: is it in *sorted_set* (ascending)? ``np.isin`` by binary search, without the hash table
    ``np.isin`` builds, which slows down on arrays of millions."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


class _Joined:
    """texts[first[i]] ... texts[i] joined by spaces, made when asked for."""

    def __init__(self, texts, first: np.ndarray):
        self.texts, self.first = texts, first

    def __len__(self) -> int:
        return len(self.first)

    def __getitem__(self, i: int) -> str:
        return " ".join(self.texts[self.first[i]:i + 1])

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class _WindowCache(SearchCache):
    """A :class:`SearchCache` over joined texts (see :meth:`SearchCache.windowed`)."""

    def __init__(self, base: SearchCache, first: np.ndarray):
        self.base, self.first = base, first
        self.texts = _Joined(base.texts, first)
        self._known = {}
        self._buffer = None
        self._candidates = {}

    def _text_buffer(self) -> TextBuffer:
        # joined from the base's encoded texts: no window is made as a Python string
        if self._buffer is None:
            self._buffer = self.base._text_buffer().windows(self.first)
        return self._buffer



# --------------------------------------------------------------------------- lemmas


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_POSSESSIVE = re.compile(r"'s?$")


def _lemma(word: str) -> str:
    # simplemma capitalises some proper nouns ("china" -> "China"); forms stay lower-case.
    return lemmatize(word)


def lemmatize(word: str, lang: str = "en") -> str:
    """``simplemma.lemmatize(word, lang=lang).lower()``, the same lemma, with simplemma's dictionary read from the disk
    cache of :mod:`newslens.cache` (:func:`_lemma_dictionary`) instead of decoded again in every process."""
    return _lemmatizer().lemmatize(word, lang).lower()


@lru_cache(maxsize=1)
def _lemmatizer() -> simplemma.Lemmatizer:
    # simplemma.lemmatize's own lemmatizer is Lemmatizer(DefaultStrategy()) over its shipped dictionaries: the same
    # strategy over the same dictionaries (loaded another way) gives the same lemmas.
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_CachedDictionaries()))


class _CachedDictionaries:
    """A simplemma ``DictionaryFactory``: each language's dictionary as a plain dict, from :func:`_lemma_dictionary`."""

    def __init__(self):
        self._loaded: dict[str, dict[str, str]] = {}

    def get_dictionary(self, lang: str) -> dict[str, str]:
        if lang not in self._loaded:
            self._loaded[lang] = _lemma_dictionary(lang)
        return self._loaded[lang]


def _lemma_dictionary(lang: str) -> dict[str, str]:
    """simplemma's dictionary of *lang* (form -> lemma). simplemma ships it front-coded and compressed, and decoding
    it costs about a second in every kernel that lemmatises; the disk cache keeps it as two NUL-joined strings (forms,
    lemmas), which split back into the dict in a few tens of milliseconds."""
    entry = cache.key("simplemma", simplemma.__version__, lang)
    saved = cache.load("lemmas", entry)
    if isinstance(saved, tuple) and len(saved) == 2 and all(isinstance(x, str) for x in saved):
        forms, lemmas = saved[0].split("\0"), saved[1].split("\0")
        if len(forms) == len(lemmas):
            return dict(zip(forms, lemmas))
    table = dict(DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang).items())
    if table and not any("\0" in k or "\0" in v for k, v in table.items()):  # else NUL cannot separate them
        cache.store("lemmas", entry, ("\0".join(table), "\0".join(table.values())))
    return table


def word_forms(token: str, *, parts: bool = True) -> tuple[str, ...]:
    """The lower-case forms a word is found under: the word (possessive dropped) and its simplemma lemma.

    With *parts*, a hyphenated word also gives the forms of each part, so that "anti-pollution"
    is found as "pollution" and "co-workers" as "worker".
    """
    low = token.translate(_APOSTROPHES).lower()
    word = _POSSESSIVE.sub("", low) or low
    forms = dict.fromkeys((word, _lemma(word)))
    if parts and "-" in word:
        for part in word.split("-"):
            if part:
                forms.update(dict.fromkeys((part, _lemma(part))))
    return tuple(forms)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cheap key for the caches
class LemmaCue:
    """Word sets that must all occur, in any order, within *window* consecutive tokens of one text.

    ``slots`` holds, for each slot, its alternatives; an alternative is one word or a phrase
    (consecutive words), each word a set of forms (see :func:`word_forms`) or a prefix (a word
    given as ``pollut*``). Order is free, so a passive ("was fired by the company") matches the
    same cue as the active ("the company fired").
    """

    slots: tuple[tuple[tuple[frozenset[str] | str, ...], ...], ...]
    window: int

    @classmethod
    def compile(cls, slots, window: int) -> LemmaCue:
        """A cue from a list of slots (each a word or phrase, or a list of them; ``word*`` is a prefix).

        Raises :class:`~newslens.errors.InputError` with a one-line reason when a slot or the window is not usable
        (the caller adds the file and the entry).
        """
        if not isinstance(slots, list) or not slots:
            raise InputError("'lemmas' must be a non-empty list of slots (each a word or a list of words)")
        if isinstance(window, bool) or not isinstance(window, int) or window < len(slots):
            raise InputError(f"'window' must be a whole number of tokens, at least the number of slots ({len(slots)}), got {window!r}")
        out = []
        for i, slot in enumerate(slots, 1):
            alternatives = slot if isinstance(slot, list) else [slot]
            if not alternatives:
                raise InputError(f"slot {i} of 'lemmas' is an empty list")
            compiled = []
            for alt in alternatives:
                if isinstance(alt, bool) or alt is None or isinstance(alt, (dict, list)) or not str(alt).strip():
                    raise InputError(f"slot {i} of 'lemmas': expected a word or phrase, got {alt!r}")
                words = []
                for w in str(alt).split():
                    if w.endswith("*"):
                        stem = w[:-1].lower()
                        if len(stem) < 3 or "*" in stem:
                            raise InputError(f"slot {i} of 'lemmas': a prefix needs at least 3 letters before one final '*', got {w!r}")
                        words.append(stem)
                    else:
                        words.append(frozenset(word_forms(w, parts=False)))
                compiled.append(tuple(words))
            out.append(tuple(compiled))
        return cls(tuple(out), window)


class LemmaIndex:
    """Where each word form occurs in a fixed list of texts; each distinct text is lemmatised once.

    Built on first use and kept for one call (see :attr:`SearchCache.lemmas`): identical texts
    (syndicated copies) share one entry, and simplemma is asked once per distinct token. Stored as
    flat numpy arrays of (text, token position) sorted by form, the pairs of form f at
    ``indptr[f]:indptr[f + 1]``, so that a cue's occurrences are read from the forms it names
    instead of scanning every text (a regex cannot do this: it would need every inflection).
    """

    def __init__(self, texts):
        self.texts = texts
        self._built = False
        self._known: dict[LemmaCue, np.ndarray] = {}

    def _build(self, chunk: int = 5_000, step: int = 200_000) -> None:
        doc_of, docs = pd.factorize(pd.Series(list(self.texts), dtype=object), use_na_sentinel=False)
        # The distinct texts tokenised *chunk* at a time (joined by NUL, which no token contains), so
        # that only one chunk's token strings are alive at once; each distinct token's forms are looked
        # up once, when first seen, so form ids follow first occurrence as in one pass.
        vocab: dict[str, int] = {}
        token_id: dict[str, int] = {}
        token_forms: list[list[int]] = []
        code_parts, doc_parts, pos_parts = [], [], []
        for lo in range(0, len(docs), chunk):
            part = [str(t).replace("\x00", " ") for t in docs[lo:lo + chunk]]
            tokens = _WORD_OR_SEP.findall("\x00".join(part) + "\x00")
            codes, uniques = pd.factorize(np.array(tokens, dtype=object))
            del tokens
            is_sep = codes == list(uniques).index("\x00")
            doc = np.cumsum(is_sep) - is_sep
            starts = np.r_[0, np.flatnonzero(is_sep)[:-1] + 1]
            pos = np.arange(len(codes)) - starts[doc]
            for t in uniques:
                if t not in token_id:
                    token_id[t] = len(token_id)
                    token_forms.append([] if t == "\x00" else [vocab.setdefault(f, len(vocab)) for f in word_forms(t)])
            ids = np.array([token_id[t] for t in uniques], dtype=np.int32)
            keep = ~is_sep
            code_parts.append(ids[codes[keep]])
            doc_parts.append((lo + doc[keep]).astype(np.int32))
            pos_parts.append(pos[keep].astype(np.int32))
            del codes, uniques, is_sep, doc, starts, pos, keep
        codes = np.concatenate(code_parts) if code_parts else np.empty(0, dtype=np.int32)
        doc = np.concatenate(doc_parts) if doc_parts else np.empty(0, dtype=np.int32)
        pos = np.concatenate(pos_parts) if pos_parts else np.empty(0, dtype=np.int32)
        del code_parts, doc_parts, pos_parts
        n_forms = np.array([len(f) for f in token_forms], dtype=np.int64)
        flat = np.array([i for f in token_forms for i in f], dtype=np.int64)
        first = np.cumsum(n_forms) - n_forms
        # One entry per (token occurrence, form), sorted by form and, within a form, by occurrence (a stable sort of
        # the occurrences repeated once per form of their token). Done as a counting sort, *step* occurrences at a
        # time, so that only one chunk's entries are expanded at once (the whole expansion took hundreds of MB):
        # each chunk's entries go, in their stable order, after those of the earlier chunks with the same form.
        per_form = np.zeros(len(vocab), dtype=np.int64)
        np.add.at(per_form, flat, np.repeat(np.bincount(codes, minlength=len(n_forms)), n_forms))
        self._vocab = vocab
        self._indptr = np.r_[0, np.cumsum(per_form)]
        cursor = self._indptr[:-1].copy()
        # int32 like the (doc, position) pairs they come from; read back as int64 (:meth:`_occurrences`)
        self._doc = np.empty(self._indptr[-1], dtype=np.int32)
        self._pos = np.empty(self._indptr[-1], dtype=np.int32)
        for lo in range(0, len(codes), step):
            part = codes[lo:lo + step]
            reps = n_forms[part]
            occ = np.repeat(np.arange(len(part)), reps)
            offset = np.arange(len(occ)) - np.repeat(np.cumsum(reps) - reps, reps)
            form = flat[first[part[occ]] + offset]
            order = np.argsort(form, kind="stable")
            form = form[order]
            rank = np.arange(len(form)) - np.searchsorted(form, form)  # place among this chunk's entries of its form
            at = cursor[form] + rank
            self._doc[at] = doc[lo + occ[order]]
            self._pos[at] = pos[lo + occ[order]]
            cursor += np.bincount(form, minlength=len(vocab))
        del codes, doc, pos
        self._doc_of, self._n_docs = np.asarray(doc_of, dtype=np.int64), len(docs)
        self._built = True

    def _ids(self, word) -> list[int]:
        if isinstance(word, str):  # a prefix
            return [i for w, i in self._vocab.items() if w.startswith(word)]
        return [self._vocab[f] for f in word if f in self._vocab]

    def _occurrences(self, word) -> tuple[np.ndarray, np.ndarray]:
        """(doc, position) of every token with one of *word*'s forms, one pair per token."""
        ids = self._ids(word)
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        # A token with two matching forms ("fired", "fire") gives two equal pairs: harmless below.
        sel = np.concatenate([np.arange(self._indptr[i], self._indptr[i + 1]) for i in ids])
        return self._doc[sel].astype(np.int64), self._pos[sel].astype(np.int64)

    def _slot(self, alternatives) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(doc, start, end) of every occurrence of one of a slot's alternatives."""
        docs, starts, ends = [], [], []
        for words in alternatives:
            d, p = self._occurrences(words[0])
            for k, word in enumerate(words[1:], 1):  # a phrase: the next words at the next positions
                d2, p2 = self._occurrences(word)
                keep = _in_sorted(d * (1 << 20) + p + k, np.sort(d2 * (1 << 20) + p2))
                d, p = d[keep], p[keep]
            docs.append(d)
            starts.append(p)
            ends.append(p + len(words) - 1)
        return np.concatenate(docs), np.concatenate(starts), np.concatenate(ends)

    def _matches(self, cue: LemmaCue) -> np.ndarray:
        """Boolean per distinct text: does *cue* occur in it?"""
        slots = [self._slot(s) for s in cue.slots]
        found = np.ones(self._n_docs, dtype=bool)
        for d, _, _ in slots:
            has = np.zeros(self._n_docs, dtype=bool)
            has[d] = True
            found &= has
        candidates = np.flatnonzero(found)
        if not len(candidates):
            return found
        found[:] = False
        spans = []
        for d, start, end in slots:
            o = np.argsort(d, kind="stable")
            d = d[o]
            lo, hi = np.searchsorted(d, candidates), np.searchsorted(d, candidates, side="right")
            spans.append((start[o].tolist(), end[o].tolist(), lo.tolist(), hi.tolist()))
        for k, c in enumerate(candidates.tolist()):
            found[c] = _within([list(zip(st[lo[k]:hi[k]], en[lo[k]:hi[k]])) for st, en, lo, hi in spans], cue.window)
        return found

    def hits(self, cue: LemmaCue, rows: np.ndarray | None = None) -> np.ndarray:
        """Boolean array: does *cue* occur in each text of *rows* (default all)?"""
        if not self._built:
            self._build()
        if cue not in self._known:
            self._known[cue] = self._matches(cue)
        rows = np.arange(len(self.texts)) if rows is None else np.asarray(rows, dtype=np.int64)
        return self._known[cue][self._doc_of[rows]]


def _within(per_slot: list[list[tuple[int, int]]], window: int) -> bool:
    """Can one (start, end) span be picked from each slot so that all lie within *window* tokens?"""
    # Hand-written: a few spans per slot in one sentence; try each span's start as the left edge.
    for left in sorted({s for spans in per_slot for s, _ in spans}):
        right = left
        for spans in per_slot:
            ends = [e for s, e in spans if s >= left]
            if not ends:
                return False
            right = max(right, min(ends))
        if right - left < window:
            return True
    return False
