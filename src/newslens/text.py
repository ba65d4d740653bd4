"""Body text as sentences and words: the units every analysis counts.

Sits on top of :mod:`newslens.corpus`; knows nothing about facts, terms or frames.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re

import numpy as np
import pandas as pd

__all__ = ["ABBREVIATIONS", "split_sentences", "clean_line", "sentence_table", "tokenize_words", "word_count", "article_stats", "voice_summary",
           "words_by_label", "any_of", "SearchCache", "required_literals", "fold_for_literals"]

#: Abbreviations after which a full stop does not end a sentence (lower-case, without the dot).
#: Written out because no offline sentence model is available here (NLTK's punkt needs a download).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt gen gov sen rep rev sgt col lt capt cmdr adm pres supt insp det
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no vs etc approx dept univ inc corp co ltd bros est fig al
    """.split()
)

# Inline markers an aggregator adds to quoted passages; not part of anybody's words.
_MARKERS = re.compile(r"\s*\[(?:Source|…|\.\.\.)\]\s*|\s*®\s*$")
_SPACES = re.compile(r"\s{2,}")
_WORD = re.compile(r"#?[^\W_](?:[\w'’]|[-.,](?=\w))*", re.UNICODE)
_CLOSERS = "\"”’')]"
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
_BOUNDARY = re.compile(r"([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")


def clean_line(text: str) -> str:
    """Remove an aggregator's inline markers ("[Source]", "[…]") and a trailing end mark ("®")."""
    if "[" in text or "®" in text:  # most lines have no marker: skip the slower scan
        text = _MARKERS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _token_before(text: str, end: int) -> str:
    m = re.search(r"([\w.]+)$", text[:end])
    return m.group(1) if m else ""


def _is_boundary(text: str, m: re.Match) -> bool:
    punct, closers = m.group(1), m.group(2)
    after = text[m.end():]
    if not after:
        return False
    nxt = after[0]
    if punct == "." and not closers:
        word = _token_before(text, m.start())
        bare = word.rstrip(".").lower()
        if bare in ABBREVIATIONS:
            return False
        if re.fullmatch(r"[A-Za-z]", word):  # an initial: "J. Smith"
            return False
        if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):  # "U.S." seen as "U.S" + "."
            # "U.S." ends a sentence only if the next word starts like a sentence and is not a name part
            return nxt.isupper() and _next_word(after) in {"The", "A", "An", "It", "He", "She", "They", "But", "In", "On", "This"}
    # A sentence starts with a capital, a digit, a quote mark, a bracket or a hashtag.
    return nxt.isupper() or nxt.isdigit() or nxt in "\"“‘'([#—–-"


def _next_word(after: str) -> str:
    m = re.match(r"[\w']+", after)
    return m.group(0) if m else ""


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences.

    Handles abbreviations such as "Aug. 7", "Mr.", "U.S." and initials, quotes closed after the
    stop (``."`` and ``?”``), and dashes. A comma inside a closing quote (``,"``) never ends a
    sentence. Rule-based on purpose: it is transparent and needs no model download.

    Returns the sentences stripped of surrounding space; an empty text gives ``[]``.
    """
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return []
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if _is_boundary(text, m):
            cut = m.end(2)
            out.append(text[start:cut].strip())
            start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def tokenize_words(text: str) -> list[str]:
    """Word tokens, case kept: ``#MeToo``, ``6,000``, ``9 a.m`` parts, ``e-commerce`` and ``China's`` stay whole."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """How many word tokens :func:`tokenize_words` finds."""
    return len(tokenize_words(text))


def sentence_table(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of body text.

    Parameters
    ----------
    lines : DataFrame from :func:`newslens.corpus.label_lines` (``article``, ``line``, ``text``,
        ``label``, ``voice``, ``quoted_outlet``).

    Returns
    -------
    DataFrame with ``article``, ``line``, ``sentence`` (1-based within the article), ``text``
    (inline markers removed), ``voice`` and ``quoted_outlet``, in corpus order.
    """
    missing = {"article", "line", "text", "label", "voice", "quoted_outlet"} - set(lines.columns)
    if missing:
        raise ValueError(f"sentence_table needs a lines table with columns {sorted(missing)} (from label_lines)")
    rows = []
    body = lines[lines["label"] == "body"]
    counter: dict[str, int] = {}
    for art, line, text, voice, outlet in body[["article", "line", "text", "voice", "quoted_outlet"]].itertuples(index=False):
        for sent in split_sentences(clean_line(text)):
            counter[art] = counter.get(art, 0) + 1
            rows.append((art, int(line), counter[art], sent, voice, outlet))
    return pd.DataFrame(rows, columns=["article", "line", "sentence", "text", "voice", "quoted_outlet"])


def article_stats(articles: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Words per capture, by label and by voice: how much of each capture is news text.

    Returns
    -------
    DataFrame indexed by ``article`` with ``outlet``, ``date``, ``headline``, ``file``,
    ``words_raw`` (every word in the capture), ``words_body``, ``words_own``, ``words_quoted``
    (body words in the outlet's own voice / in passages quoted from other outlets, inline markers
    removed), ``words_furniture`` (boilerplate, captions, bylines, headline and dek),
    ``share_body`` (% of raw words) and ``lines_<label>`` counts for every label.
    """
    lines = lines.assign(
        words=[word_count(clean_line(t)) if lab == "body" else word_count(t) for t, lab in zip(lines["text"], lines["label"])]
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
    for lab in ("headline", "dek", "byline", "body", "caption", "boilerplate", "blank"):
        out[f"lines_{lab}"] = (counts[lab] if lab in counts else pd.Series(dtype=int)).reindex(out.index, fill_value=0).astype(int)
    out = out.astype({c: int for c in out.columns if c.startswith("words_")})
    return out


def voice_summary(lines: pd.DataFrame) -> pd.DataFrame:
    """Body words by voice and quoted outlet, per article: whose words each article is made of.

    Returns
    -------
    DataFrame with ``article``, ``voice`` (own/quoted), ``quoted_outlet`` ('' for own words),
    ``lines``, ``words`` and ``share`` (% of the article's body words), in corpus order.
    """
    body = lines[lines["label"] == "body"]
    body = body.assign(words=[word_count(clean_line(t)) for t in body["text"]])
    g = body.groupby(["article", "voice", "quoted_outlet"], sort=False).agg(lines=("line", "size"), words=("words", "sum")).reset_index()
    total = g.groupby("article", sort=False)["words"].transform("sum")
    g["share"] = (100 * g["words"] / total).round(1)
    return g


def words_by_label(lines: pd.DataFrame, share: bool = False) -> pd.DataFrame:
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


# ---------------------------------------------------------------- literal prefilter
# A regex that needs the word "dinner" cannot match a sentence without it, and ``"dinner" in s``
# is many times faster than running the regex. The literals are read from the regex's parse tree
# (as RE2 and Hyperscan prefilter): a set of strings at least one of which every match contains.

_MIN_LITERAL = 3  # shorter literals ("he", "a") are in nearly every sentence: not worth a test
# What re.IGNORECASE matches to an ASCII letter besides its two cases (İ and ı to i, ſ to s,
# the Kelvin sign to k), as text.lower() leaves it; a dot above left by lower() ("İ") goes.
_FOLD = str.maketrans({"\u0131": "i", "\u017f": "s", "\u0307": None})


def fold_for_literals(text: str) -> str:
    """The form of a text that :func:`required_literals` are looked for in (lower case, folded)."""
    low = text.lower()
    if "\u0131" in low or "\u017f" in low or "\u0307" in low:  # rare: translate is slow on every text
        return low.translate(_FOLD)
    return low


def _literals(items) -> frozenset[str] | None:
    """Strings one of which any match of the parsed sequence *items* contains; None if unknown."""
    from re import _constants as c

    options: list[frozenset[str]] = []
    run = ""

    def close() -> None:
        nonlocal run
        if run:
            options.append(frozenset([run]))
        run = ""

    for op, av in items:
        if op is c.LITERAL and av < 128:
            run += chr(av).lower()
            continue
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # zero-width: the text around them is contiguous
            continue
        close()
        if op is c.SUBPATTERN:
            sub = _literals(av[3].data)
        elif op is c.ATOMIC_GROUP:
            sub = _literals(av.data)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _literals(av[2].data)
        elif op is c.BRANCH:
            branches = [_literals(b.data) for b in av[1]]
            sub = None if any(b is None for b in branches) else frozenset().union(*branches)
        else:
            sub = None
        if sub is not None:
            options.append(sub)
    close()
    if not options:
        return None
    # The best necessary condition: the one whose shortest string is longest.
    return max(options, key=lambda s: (min(map(len, s)), -len(s)))


def required_literals(pattern) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of *pattern* contains (in :func:`fold_for_literals` form).

    ``None`` when no useful set is known (a literal shorter than three characters, or a pattern
    the parser cannot read); then every text is a candidate.
    """
    if isinstance(pattern, _AnyOfEach):
        parts = [required_literals(p) for p in pattern.patterns]
        return None if any(p is None for p in parts) else tuple(sorted(set().union(*parts)))
    try:
        from re import _parser

        found = _literals(_parser.parse(pattern.pattern, pattern.flags).data)
    except Exception:  # an unreadable pattern only loses its prefilter
        return None
    if found is None or min(map(len, found)) < _MIN_LITERAL:
        return None
    return tuple(sorted(found))


_WORD_RUN = re.compile(r"\w+")
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def _alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regex source, with a group around the whole unwrapped:
    ``(?:a|b)|c`` gives ``["a", "b", "c"]``. A search finds a match exactly when one of them does."""
    parts, depth, in_class, escaped, start = [], 0, False, False, 0
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = not (ch == "]" and i > class_start)
        elif ch == "[":
            in_class, class_start = True, i + 1 + (source[i + 1:i + 2] == "^")
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    out = []
    for part in parts:
        inner = _unwrap(part)
        out += _alternatives(inner) if inner is not None else [part]
    return out


def _unwrap(part: str) -> str | None:
    """The inside of *part* if it is one plain group, ``(...)`` or ``(?:...)``, and nothing else."""
    if part.startswith("(?:"):
        inner_start = 3
    elif part.startswith("(") and not part.startswith("(?"):
        inner_start = 1
    else:
        return None
    depth, in_class, escaped = 0, False, False
    for i, ch in enumerate(part):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = not (ch == "]" and i > class_start)
        elif ch == "[":
            in_class, class_start = True, i + 1 + (part[i + 1:i + 2] == "^")
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return part[inner_start:i] if i == len(part) - 1 else None
    return None


def prefilter(pattern) -> tuple[tuple[str, ...], re.Pattern | None] | None:
    """How to rule texts out before running *pattern*: ``(literals, rest)``.

    A text can only match if it contains one of *literals* (in :func:`fold_for_literals` form) or
    if *rest*, the alternatives of the pattern that need no literal, matches it (``rest`` is None
    when every alternative needs one). ``None`` when nothing can be ruled out.
    """
    if isinstance(pattern, _AnyOfEach):
        return None
    return _prefilter(pattern.pattern, pattern.flags)


@functools.lru_cache(maxsize=4096)
def _prefilter(source: str, flags: int):
    pattern = re.compile(source, flags)
    whole = required_literals(pattern)
    if whole is not None:
        return whole, None
    if flags & re.VERBOSE or _GLOBAL_FLAGS.match(source) or _GROUP_REFERENCE.search(source):
        return None
    literals, rest = set(), []
    try:
        for alt in _alternatives(source):
            found = required_literals(re.compile(alt, flags))
            if found is None:
                rest.append(alt)
            else:
                literals |= set(found)
    except re.error:
        return None
    if not literals or any("\x00" in lit for lit in literals):
        return None
    rest_re = re.compile("|".join(f"(?:{alt})" for alt in rest), flags) if rest else None
    return tuple(sorted(literals)), rest_re


def _search_key(pattern) -> tuple:
    if isinstance(pattern, _AnyOfEach):
        return tuple(_search_key(p) for p in pattern.patterns)
    return (pattern.pattern, pattern.flags)


class SearchCache:
    """Which of a fixed list of texts a pattern finds something in, each (pattern, text) searched once.

    Codebook rules share patterns (one exclusion list under every fact, one lexicon in several
    cues) and test them only on the texts that passed the previous test; the cache remembers every
    answer, so that a shared pattern is never searched twice on one text.
    """

    def __init__(self, texts):
        self.texts = list(texts)
        self._known: dict[tuple, np.ndarray] = {}
        self._joined: str | None = None
        self._folded: list[str] | None = None
        self._index: dict[str, np.ndarray] | None = None
        self._starts: list[int] = []
        self._with: dict[str, np.ndarray] = {}

    def _folded_texts(self) -> list[str]:
        if self._folded is None:
            self._folded = [fold_for_literals(t) for t in self.texts]
        return self._folded

    def _rows_with(self, literal: str) -> np.ndarray:
        """The rows whose folded text contains *literal*.

        A literal of word characters only can only occur inside one word of a text, so the
        rows are those of the distinct words that contain it (an inverted index from word to
        rows, built once). Other literals ("lack of") are found with str.find over all texts joined.
        """
        if literal not in self._with and _WORD_RUN.fullmatch(literal):
            if self._index is None:
                postings: dict[str, list[int]] = {}
                for i, t in enumerate(self._folded_texts()):
                    for word in set(_WORD_RUN.findall(t)):
                        postings.setdefault(word, []).append(i)
                self._index = {w: np.array(rows, dtype=np.int64) for w, rows in postings.items()}
            mask = np.zeros(len(self.texts), dtype=bool)
            for word, rows in self._index.items():
                if literal in word:
                    mask[rows] = True
            self._with[literal] = np.flatnonzero(mask)
        if literal not in self._with:
            if self._joined is None:
                # NUL joins the texts: no required literal contains it, so none is found across two texts.
                folded = self._folded_texts()
                self._starts = list(itertools.accumulate((len(t) + 1 for t in folded), initial=0))
                self._joined = "\x00".join(folded)
            joined, starts, rows = self._joined, self._starts, []
            if joined.count(literal) * 4 > len(self.texts):  # common: one test per text is cheaper
                folded = self._folded_texts()
                self._with[literal] = np.flatnonzero([literal in t for t in folded])
                return self._with[literal]
            pos = joined.find(literal)
            while pos >= 0:
                row = bisect.bisect_right(starts, pos) - 1
                rows.append(row)
                pos = joined.find(literal, starts[row + 1])
            self._with[literal] = np.array(rows, dtype=np.int64)
        return self._with[literal]

    def candidates(self, pattern, rows: np.ndarray) -> np.ndarray:
        """The rows among *rows* that *pattern* may match, by its :func:`prefilter` (all, if it has none)."""
        rule = prefilter(pattern)
        if rule is None or not len(rows):
            return rows
        literals, rest = rule
        mask = np.zeros(len(self.texts), dtype=bool)
        for lit in literals:
            mask[self._rows_with(lit)] = True
        if rest is not None:  # alternatives without a literal: searched where no literal is
            others = rows[~mask[rows]]
            texts = self.texts
            mask[others[[rest.search(texts[i]) is not None for i in others.tolist()]]] = True
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

