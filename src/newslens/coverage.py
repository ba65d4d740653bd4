"""Who covered what: facts reported, timeline events missed, actors named and words chosen per article.

An analysis layer over :func:`newslens.text.sentence_table`; all story knowledge comes from the
codebooks ``facts.yml``, ``events.yml``, ``actors.yml`` and ``wording.yml``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from newslens.corpus import CorpusError, compile_regex, parse_date
from newslens.errors import InputError, TableError, require_columns
from newslens.text import LemmaCue, SearchCache, any_of
from newslens.words import word_count

__all__ = [
    "SENTENCE_COLUMNS",
    "compile_facts",
    "fact_hits",
    "fact_labels",
    "fact_matrix",
    "single_outlet_facts",
    "term_use",
    "evidence_table",
    "event_coverage",
    "missed_events",
    "actor_mentions",
    "actor_counts",
    "unknown_names",
    "word_choices",
    "fact_agreement",
]

#: Columns every sentence table must have (as made by :func:`newslens.text.sentence_table`).
SENTENCE_COLUMNS = ("article", "line", "sentence", "text", "voice")

_SEP = " | "


def _check_sentences(sentences: pd.DataFrame, func: str) -> pd.DataFrame:
    require_columns(sentences, SENTENCE_COLUMNS, func=func, what="the sentence table", made_by="newslens.text.sentence_table")
    if "quoted_outlet" not in sentences.columns:
        sentences = sentences.assign(quoted_outlet="")
    return sentences.fillna({"quoted_outlet": "", "voice": ""})


def _articles_in_order(sentences: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(sentences["article"]))


def _items(book: dict | list, key: str, source: str) -> list:
    """The list under *key* of a codebook dict, or the list itself."""
    if isinstance(book, dict):
        if key not in book:
            raise CorpusError(f"{source}: no '{key}:' list at the top level")
        book = book[key]
    if not isinstance(book, list) or not book:
        raise CorpusError(f"{source}: '{key}' must be a non-empty list")
    return book


def _regex(pattern, where: str) -> re.Pattern:
    return compile_regex(pattern, where=where)


def _word_regex(word: str) -> str:
    """A literal word or phrase as a whole-word regex; a space also matches a hyphen or several spaces."""
    parts = [re.escape(p) for p in str(word).split()]
    return r"(?<![\w-])" + r"[\s-]+".join(parts) + r"(?![\w-])"


class _Span(NamedTuple):
    """A match in one sentence: where it is, what it matched, and who or what it names."""

    start: int
    end: int
    matched: str
    by: str  # "alias" (an alias or a pattern) or "surname"
    owner: object = None  # the _Actor of an alias, the term id of a word choice; None for a bare surname


def _longest_non_overlapping(spans: list[_Span], *, tiebreak: Callable[[_Span], str] | None = None) -> list[_Span]:
    """The spans kept when the longest match wins: longest first, then leftmost (then *tiebreak*, then the given
    order); a span that overlaps one already kept is dropped. Returned in that order."""
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), s.start) + ((tiebreak(s),) if tiebreak else ()))
    kept: list[_Span] = []
    for s in ordered:
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return kept


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class _Pattern:
    any: tuple[re.Pattern, ...]
    with_: tuple[re.Pattern, ...]
    without: tuple[re.Pattern, ...]
    cue: LemmaCue | None = None

    def __post_init__(self):
        # "Any of these" as one alternation: one scan of the sentence instead of one per regex.
        object.__setattr__(self, "any_of", any_of(self.any) if self.any else None)
        object.__setattr__(self, "without_any", any_of(self.without) if self.without else None)

    def rows(self, cache: SearchCache, rows: np.ndarray) -> np.ndarray:
        """The rows of *cache* among *rows* that this pattern matches: the lemma cue and one of ``any``, all of
        ``with``, none of ``without``."""
        # The lemma cue first: it is read from an index for all texts at once, while each regex
        # is searched row by row; rows the cue rules out are never searched.
        if self.cue is not None:
            rows = rows[cache.lemmas.hits(self.cue, rows)]
        if self.any_of is not None:
            rows = rows[cache.hits(self.any_of, rows)]
        for p in self.with_:
            rows = rows[cache.hits(p, rows)]
        if self.without_any is not None:
            rows = rows[~cache.hits(self.without_any, rows)]
        return rows


@dataclass(frozen=True)
class Fact:
    """One compiled fact of ``facts.yml``."""

    id: str
    definition: str
    event: str
    patterns: tuple[_Pattern, ...]
    exclude: tuple[re.Pattern, ...]
    label: str = ""

    def __post_init__(self):
        object.__setattr__(self, "exclude_any", any_of(self.exclude) if self.exclude else None)

    def rows(self, cache: SearchCache) -> np.ndarray:
        """The rows of *cache* (sentences) that report this fact, ascending: no ``exclude`` regex and one of the patterns."""
        rows = np.arange(len(cache.texts))
        if self.exclude_any is not None:
            rows = rows[~cache.hits(self.exclude_any, rows)]
        found = np.zeros(len(cache.texts), dtype=bool)
        for p in self.patterns:
            found[p.rows(cache, rows[~found[rows]])] = True
        return np.flatnonzero(found)


_PATTERN_KEYS = {"any", "words", "lemmas", "window", "with", "without"}
#: Tokens within which the slots of a ``lemmas`` cue must all occur, when ``window`` is not given.
DEFAULT_WINDOW = 8


def _compile_pattern(spec, where: str) -> _Pattern:
    if isinstance(spec, str):
        return _Pattern((_regex(spec, where),), (), ())
    if not isinstance(spec, dict):
        raise CorpusError(f"{where}: a pattern is a regex string or a mapping with any/words/lemmas/with/without, got {spec!r}")
    unknown = set(spec) - _PATTERN_KEYS
    if unknown:
        raise CorpusError(f"{where}: unknown key(s) {sorted(unknown)} in a pattern (allowed: {', '.join(sorted(_PATTERN_KEYS))})")

    def listed(key: str) -> list:
        value = spec.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise CorpusError(f"{where}: '{key}' must be a list")
        return value

    cue = None
    if "lemmas" in spec:
        try:
            cue = LemmaCue.compile(spec["lemmas"], spec.get("window", DEFAULT_WINDOW))
        except InputError as exc:
            raise CorpusError(f"{where}: {exc}") from None
    elif "window" in spec:
        raise CorpusError(f"{where}: 'window' belongs to a 'lemmas' cue; add 'lemmas' or remove 'window'")
    alternatives = [_regex(p, where) for p in listed("any")] + [_regex(_word_regex(w), where) for w in listed("words")]
    if not alternatives and cue is None:
        raise CorpusError(f"{where}: a pattern needs 'any' (regexes), 'words' (literal words) or 'lemmas' (word sets)")
    return _Pattern(
        tuple(alternatives),
        tuple(_regex(p, where) for p in listed("with")),
        tuple(_regex(p, where) for p in listed("without")),
        cue,
    )


def compile_facts(facts: dict | list, *, source: str = "facts.yml") -> list[Fact]:
    """Check and compile the facts codebook (the dict from ``load_codebook("facts")`` or its list).

    A pattern is a regex, or a mapping of ``any``/``words`` (one must occur), ``lemmas`` and
    ``window`` (word sets within a window of tokens, compared by lemma: see
    :class:`newslens.text.LemmaCue`), ``with`` (all must occur) and ``without`` (none may).

    Raises :class:`~newslens.corpus.CorpusError` naming the fact and the problem: a missing id or
    definition, a duplicate id, no patterns, an unknown pattern key, a regex that does not compile
    or a lemma cue that cannot be used (an empty slot, a window smaller than its slots).
    """
    out, seen = [], set()
    for i, item in enumerate(_items(facts, "facts", source), start=1):
        if not isinstance(item, dict):
            raise CorpusError(f"{source}: fact #{i} must be a mapping with id, definition and patterns")
        fid = item.get("id")
        if not isinstance(fid, str) or not re.fullmatch(r"[a-z0-9_]+", fid or ""):
            raise CorpusError(f"{source}: fact #{i} needs an id in snake_case, got {fid!r}")
        where = f"{source}: fact '{fid}'"
        if fid in seen:
            raise CorpusError(f"{where}: duplicate id")
        seen.add(fid)
        if not str(item.get("definition", "")).strip():
            raise CorpusError(f"{where}: needs a one-line definition")
        patterns = item.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise CorpusError(f"{where}: needs a non-empty list of patterns")
        exclude = item.get("exclude", []) or []
        if not isinstance(exclude, list):
            raise CorpusError(f"{where}: 'exclude' must be a list of regexes")
        out.append(
            Fact(
                id=fid,
                definition=str(item["definition"]).strip(),
                event=str(item.get("event", "") or ""),
                patterns=tuple(_compile_pattern(p, where) for p in patterns),
                exclude=tuple(_regex(p, where) for p in exclude),
                label=str(item.get("label", "") or "").strip(),
            )
        )
    return out


#: The longest a fact's definition may be to name the fact where the codebook gives no ``label``.
LABEL_CHARS = 40


def fact_labels(facts: dict | list) -> dict[str, str]:
    """Fact id -> the short name a reader sees in figures and table rows, in codebook order: the fact's ``label``,
    else its definition (without a final full stop), cut at a word before :data:`LABEL_CHARS` characters with "…"."""
    out = {}
    for fact in _facts(facts):
        name = fact.label or fact.definition.rstrip(".")
        if len(name) > LABEL_CHARS:
            name = name[: LABEL_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        out[fact.id] = name
    return out


def _facts(facts) -> list[Fact]:
    if isinstance(facts, list) and facts and all(isinstance(f, Fact) for f in facts):
        return facts
    return compile_facts(facts)


def fact_hits(sentences: pd.DataFrame, facts: dict | list) -> pd.DataFrame:
    """Every body sentence that reports a fact.

    Parameters
    ----------
    sentences : DataFrame from :func:`newslens.text.sentence_table` (``article``, ``line``,
        ``sentence``, ``text``, ``voice``, optional ``quoted_outlet``).
    facts : the facts codebook (dict from ``load_codebook("facts")``, its list, or compiled facts).

    Returns
    -------
    DataFrame, one row per (sentence, fact) match, in corpus order then codebook order:
    ``article``, ``fact``, ``line``, ``sentence``, ``text``, ``voice`` (``own``/``quoted``) and
    ``quoted_outlet`` (the outlet a quoted passage comes from, else ``''``).
    """
    sentences = _check_sentences(sentences, "fact_hits")
    compiled = _facts(facts)
    cols = [sentences[c].tolist() for c in ("article", "line", "sentence", "text", "voice", "quoted_outlet")]
    cache = SearchCache(cols[3])
    cache.prepare([x for f in compiled for x in (f.exclude_any, *(y for p in f.patterns for y in (p.any_of, *p.with_, p.without_any)))
                   if x is not None])  # one prefilter scan for the whole codebook
    # Fact by fact over all sentences (shared patterns searched once), then back to corpus order.
    found = sorted((int(i), k) for k, fact in enumerate(compiled) for i in fact.rows(cache))
    art, line, sent, text, voice, outlet = cols
    rows = [(art[i], compiled[k].id, int(line[i]), int(sent[i]), text[i], voice[i], outlet[i]) for i, k in found]
    return pd.DataFrame(rows, columns=["article", "fact", "line", "sentence", "text", "voice", "quoted_outlet"])


def _voice_of(voices: list[str], outlets: list[str]) -> str:
    kinds = set(voices)
    if kinds == {"own"}:
        return "own"
    quoted = ", ".join(sorted({o for v, o in zip(voices, outlets) if v == "quoted" and o}))
    label = f"quoted ({quoted})" if quoted else "quoted"
    return label if "own" not in kinds else f"own + {label}"


def fact_matrix(sentences: pd.DataFrame, facts: dict | list, articles: list[str] | None = None) -> pd.DataFrame:
    """Which facts each article reported, with the sentences that say so.

    Parameters
    ----------
    sentences : DataFrame from :func:`newslens.text.sentence_table`.
    facts : the facts codebook (see :func:`fact_hits`).
    articles : article ids in the order wanted; default: the order they appear in *sentences*
        (an article with no hit still gets a row per fact).

    Returns
    -------
    DataFrame, one row per (article, fact), articles in order then facts in codebook order:
    ``article``, ``fact``, ``present`` (1 if a body sentence reports it, else 0), ``n_sentences``
    (how many sentences do), ``evidence`` (those sentences, joined by ``" | "``), ``line`` (their
    line numbers in the raw capture, e.g. ``"24; 28"``) and ``voice`` (``own``, ``quoted (Outlet)``
    or ``own + quoted (Outlet)``; ``''`` when absent).
    """
    compiled = _facts(facts)
    hits = fact_hits(sentences, compiled)
    order = list(articles) if articles is not None else _articles_in_order(_check_sentences(sentences, "fact_matrix"))
    grouped: dict[tuple, list] = {}
    for art, fid, line, text, voice, outlet in zip(*(hits[c].tolist() for c in ("article", "fact", "line", "text", "voice", "quoted_outlet"))):
        grouped.setdefault((art, fid), []).append((line, text, voice, outlet))
    rows = []
    for art in order:
        for fact in compiled:
            g = grouped.get((art, fact.id))
            if g is None:
                rows.append((art, fact.id, 0, 0, "", "", ""))
                continue
            lines = "; ".join(str(n) for n in dict.fromkeys(h[0] for h in g))
            rows.append((art, fact.id, 1, len(g), _SEP.join(h[1] for h in g), lines, _voice_of([h[2] for h in g], [h[3] for h in g])))
    return pd.DataFrame(rows, columns=["article", "fact", "present", "n_sentences", "evidence", "line", "voice"])


def _check_matrix(matrix: pd.DataFrame, func: str) -> pd.DataFrame:
    require_columns(matrix, ("article", "fact", "present"), func=func, what="the fact table", made_by="fact_matrix")
    return matrix


def single_outlet_facts(matrix: pd.DataFrame, *, outlets: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Facts that exactly one article carried (one outlet, when *outlets* is given).

    Parameters
    ----------
    matrix : DataFrame from :func:`fact_matrix`.
    outlets : article id -> outlet; when given, a fact counts as single when all the articles that carry it
        belong to one outlet (several captures of one outlet then give one row each).

    Returns
    -------
    DataFrame, one row per such fact, in codebook order: ``fact``, ``article``, ``voice``,
    ``line`` and ``evidence`` (copied from the matrix).
    """
    _check_matrix(matrix, "single_outlet_facts")
    present = matrix[matrix["present"] == 1]
    unit = present["article"].map(outlets) if outlets is not None else present["article"]
    counts = unit.groupby(present["fact"], sort=False).nunique()
    single = present[present["fact"].isin(counts[counts == 1].index)]
    cols = ["fact", "article"] + [c for c in ("voice", "line", "evidence") if c in single.columns]
    return single[cols].reset_index(drop=True)


def evidence_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """The evidence behind each present cell of a fact matrix, short enough to read.

    Parameters
    ----------
    matrix : DataFrame from :func:`fact_matrix`.

    Returns
    -------
    DataFrame, one row per (article, fact) with ``present == 1``, in the matrix's order:
    ``article``, ``fact``, ``voice``, ``line``, ``n_sentences`` and ``first_evidence`` (the first
    sentence that reports the fact; the others are in the matrix's ``evidence`` column).
    """
    _check_matrix(matrix, "evidence_table")
    present = matrix[matrix["present"] == 1]
    first = [e.split(_SEP)[0] for e in present["evidence"]]
    out = present[["article", "fact", "voice", "line", "n_sentences"]].assign(first_evidence=first)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- events


def event_coverage(articles: pd.DataFrame, matrix: pd.DataFrame, events: dict | list, facts: dict | list) -> pd.DataFrame:
    """For each article and timeline event: had it happened by the article's date, and was it reported?

    An event counts as reported when the article carries at least one fact whose ``event`` is the
    event's id. An event "had happened" when its (start) date is on or before the article's date.

    Parameters
    ----------
    articles : the manifest (``corpus.articles``): index ``article`` (or a column of that name) and ``date``.
    matrix : DataFrame from :func:`fact_matrix` (``article``, ``fact``, ``present``).
    events : the events codebook (dict from ``load_codebook("events")`` or its list).
    facts : the facts codebook (for each fact's ``event``).

    Returns
    -------
    DataFrame, one row per (article, event), articles in manifest order then events by date:
    ``article``, ``article_date``, ``event``, ``event_date``, ``label``, ``facts`` (the codebook
    facts that belong to the event), ``reported_by`` (those the article carried), and ``status``:
    ``reported``, ``missed`` (had happened, not reported), ``not yet`` (after the article's date,
    not reported), ``reported early`` (reported although dated after the article; e.g. an updated
    story) or ``no fact`` (no fact in the codebook points to this event).
    """
    _check_matrix(matrix, "event_coverage")
    arts = articles.reset_index() if "article" not in articles.columns else articles
    if "article" not in arts.columns or "date" not in arts.columns:
        raise TableError("event_coverage: articles need an 'article' index or column and a 'date' column (corpus.articles)")
    compiled = _facts(facts)
    known_events = []
    for i, ev in enumerate(_items(events, "events", "events.yml"), start=1):
        if not isinstance(ev, dict) or "id" not in ev or "date" not in ev:
            raise CorpusError(f"events.yml: event #{i} needs an id and a date")
        known_events.append((str(ev["id"]), parse_date(ev["date"], where=f"events.yml: event '{ev['id']}'"), str(ev.get("label", ""))))
    ids = {e[0] for e in known_events}
    for fact in compiled:
        if fact.event and fact.event not in ids:
            raise CorpusError(f"facts.yml: fact '{fact.id}' points to event '{fact.event}', which events.yml does not define")
    known_events.sort(key=lambda e: (e[1], e[0]))
    present = set(map(tuple, matrix.loc[matrix["present"] == 1, ["article", "fact"]].itertuples(index=False)))
    rows = []
    for art, adate in arts[["article", "date"]].itertuples(index=False):
        adate = pd.Timestamp(adate).date()
        for eid, edate, label in known_events:
            belongs = [f.id for f in compiled if f.event == eid]
            carried = [f for f in belongs if (art, f) in present]
            happened = edate <= adate
            if not belongs:
                status = "no fact"
            elif carried:
                status = "reported" if happened else "reported early"
            else:
                status = "missed" if happened else "not yet"
            rows.append((art, adate.isoformat(), eid, edate.isoformat(), label, ", ".join(belongs), ", ".join(carried), status))
    return pd.DataFrame(rows, columns=["article", "article_date", "event", "event_date", "label", "facts", "reported_by", "status"])


def missed_events(articles: pd.DataFrame, matrix: pd.DataFrame, events: dict | list, facts: dict | list) -> pd.DataFrame:
    """Events that had happened by an article's date but that the article did not report.

    Parameters
    ----------
    articles, events, facts : as for :func:`event_coverage`.
    matrix : DataFrame from :func:`fact_matrix` (or from :func:`fact_hits`: every row then
        counts as present).

    Returns
    -------
    The rows of :func:`event_coverage` whose ``status`` is ``missed``, with the same columns
    except ``reported_by`` (always empty there); index reset.
    """
    matrix = matrix if "present" in getattr(matrix, "columns", []) else _check_hits(matrix)
    cov = event_coverage(articles, matrix, events, facts)
    return cov[cov["status"] == "missed"].drop(columns=["reported_by"]).reset_index(drop=True)


def _check_hits(hits: pd.DataFrame) -> pd.DataFrame:
    require_columns(hits, ("article", "fact"), func="missed_events", what="the fact table", made_by="fact_matrix")
    return hits[["article", "fact"]].drop_duplicates().assign(present=1)


# --------------------------------------------------------------------------- actors


class _Sentence(NamedTuple):
    article: str
    line: int
    sentence: int
    text: str
    voice: str
    quoted_outlet: str


@dataclass(frozen=True)
class _Actor:
    id: str
    name: str
    kind: str
    role: str
    speaker_type: str
    full: tuple[re.Pattern, ...]
    surnames: tuple[str, ...]
    intro: tuple[re.Pattern, ...]


def _compile_actors(actors: dict | list, source: str = "actors.yml") -> tuple[list[_Actor], list[str]]:
    out, seen = [], set()
    for i, item in enumerate(_items(actors, "actors", source), start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise CorpusError(f"{source}: actor #{i} must be a mapping with an id")
        aid = item["id"]
        where = f"{source}: actor '{aid}'"
        if aid in seen:
            raise CorpusError(f"{where}: duplicate id")
        seen.add(aid)
        for key in ("aliases", "patterns", "surnames", "surname_intro"):
            if not isinstance(item.get(key, []) or [], list):
                raise CorpusError(f"{where}: '{key}' must be a list")
        full = [_regex(_word_regex(a), where) for a in item.get("aliases", []) or []]
        full += [_regex(p, where) for p in item.get("patterns", []) or []]
        surnames = tuple(str(s) for s in item.get("surnames", []) or [])
        if not full and not surnames:
            raise CorpusError(f"{where}: needs at least one alias, pattern or surname")
        out.append(
            _Actor(
                id=aid,
                name=str(item.get("name", aid)),
                kind=str(item.get("kind", "")),
                role=str(item.get("role", "")),
                speaker_type=str(item.get("speaker_type", "other")),
                full=tuple(full),
                surnames=surnames,
                intro=tuple(_regex(p, where) for p in item.get("surname_intro", []) or []),
            )
        )
    ignore = actors.get("ignore", []) if isinstance(actors, dict) else []
    return out, [str(x) for x in ignore or []]


_WORD_BEFORE = re.compile(r"([\w’'-]+)\s$")
_WORD_AFTER = re.compile(r"\s([\w’'-]+)")
#: How far before a name :func:`_name_token` first looks for the word before it.
_LOOK_BACK = 64


def _word_before(text: str, start: int) -> re.Match | None:
    """``_WORD_BEFORE.search(text[:start])`` without scanning the whole text before *start*: searched from
    :data:`_LOOK_BACK` characters back first. Exact: a match can only run up to *start*, so one that starts further
    back also matches from that point on, i.e. starts exactly there; only then is the whole prefix searched."""
    lo = max(0, start - _LOOK_BACK)
    m = _WORD_BEFORE.search(text, lo, start)
    return _WORD_BEFORE.search(text, 0, start) if m is not None and lo and m.start() == lo else m


def _name_token(text: str, start: int, end: int) -> bool:
    """True if the word before or after text[start:end] is capitalised (part of a longer name)."""
    before = _word_before(text, start)
    after = _WORD_AFTER.match(text, end)
    return any(m is not None and m.group(1)[:1].isupper() and m.group(1).lower() not in _FUNCTION_WORDS for m in (before, after))


def actor_mentions(sentences: pd.DataFrame, actors: dict | list) -> pd.DataFrame:
    """Every mention of a codebook actor in body text.

    Matching, in order: (1) each actor's ``aliases`` (literal, whole words, any case) and
    ``patterns`` (regexes), longest match first across all actors; matched text is used up.
    (2) Bare ``surnames`` (case-sensitive) in the text left over, and only where the surname
    stands alone (not next to another capitalised word, so "Ann Lee" is no bare "Lee").
    A bare surname is resolved within its article: an actor whose ``surname_intro`` regex occurs
    in the article (e.g. "whose last name is Lee") owns the surname there; otherwise the actor
    with that surname whose alias was most recently matched before it; otherwise it is skipped.

    Parameters
    ----------
    sentences : DataFrame from :func:`newslens.text.sentence_table`.
    actors : the actors codebook (dict from ``load_codebook("actors")`` or its list).

    Returns
    -------
    DataFrame, one row per mention in corpus order: ``article``, ``line``, ``sentence``,
    ``actor`` (id), ``name``, ``kind``, ``speaker_type``, ``matched`` (the text matched),
    ``by`` (``alias`` or ``surname``), ``voice``, ``quoted_outlet``, ``text`` (the sentence).
    """
    sentences = _check_sentences(sentences, "actor_mentions")
    compiled, _ignore = _compile_actors(actors)
    by_surname: dict[str, list[_Actor]] = {}
    for a in compiled:
        for s in a.surnames:
            by_surname.setdefault(s, []).append(a)
    surname_re = {s: re.compile(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])") for s in by_surname}
    # Columns as lists, zipped: iterating a frame's rows is many times slower.
    records = [_Sentence(*r) for r in zip(*(sentences[c].tolist() for c in _Sentence._fields))]
    alias_spans = _alias_spans([r.text for r in records], compiled)
    by_article: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_article.setdefault(r.article, []).append(i)
    # Each article's body searched for the intro patterns only where the prefilter says one may occur.
    bodies = SearchCache([" ".join(records[i].text for i in idx) for idx in by_article.values()])
    intros = [p for a in compiled for p in a.intro]
    bodies.prepare(intros)
    introduced = {p: bodies.hits(p) for p in intros}
    rows = []
    for k, idx in enumerate(by_article.values()):
        owner = _surname_owners(k, by_surname, introduced)
        last_seen: dict[str, int] = {}  # actor id -> the number of the mention that last named them
        counter = 0
        for i in idx:
            r = records[i]
            for span in _sentence_mentions(r.text, alias_spans.get(i, []), surname_re):
                counter += 1
                actor = span.owner if span.owner is not None else _surname_actor(span.matched, owner, by_surname, last_seen)
                if actor is None:
                    continue
                last_seen[actor.id] = counter
                rows.append((r.article, int(r.line), int(r.sentence), actor.id, actor.name, actor.kind, actor.speaker_type,
                             span.matched, span.by, r.voice, r.quoted_outlet, r.text))
    return pd.DataFrame(
        rows,
        columns=["article", "line", "sentence", "actor", "name", "kind", "speaker_type", "matched", "by", "voice", "quoted_outlet", "text"],
    )


def _alias_spans(texts: list[str], compiled: list[_Actor]) -> dict[int, list[_Span]]:
    """Every alias and pattern match, per sentence number, in the order the codebook lists them; a pattern is only
    run on the sentences that hold a word it cannot match without."""
    cache = SearchCache(texts)
    cache.prepare([p for a in compiled for p in a.full])  # one prefilter scan for the whole codebook
    everyone = np.arange(len(texts))
    spans: dict[int, list[_Span]] = {}
    for a in compiled:
        for p in a.full:
            for i in cache.candidates(p, everyone).tolist():
                for m in p.finditer(texts[i]):
                    spans.setdefault(i, []).append(_Span(m.start(), m.end(), m.group(0), "alias", a))
    return spans


def _surname_owners(k: int, by_surname: dict[str, list[_Actor]], found: dict[re.Pattern, np.ndarray]) -> dict[str, _Actor]:
    """Surname -> the first actor with that surname whose ``surname_intro`` occurs in article *k*'s body (*found*:
    intro pattern -> does it occur in each article's body)."""
    owner = {}
    for s, candidates in by_surname.items():
        introduced = [a for a in candidates if any(found[p][k] for p in a.intro)]
        if introduced:
            owner[s] = introduced[0]
    return owner


def _sentence_mentions(text: str, aliases: list[_Span], surname_re: dict[str, re.Pattern]) -> list[_Span]:
    """The mentions in one sentence, left to right: the aliases that win (longest first, see
    :func:`_longest_non_overlapping`), then the bare surnames in the text they leave."""
    kept = _longest_non_overlapping(aliases, tiebreak=lambda s: s.owner.id) if len(aliases) > 1 else aliases  # one: kept
    mentions = list(kept)
    for s, rx in surname_re.items():
        if s not in text:  # the surname regex is the literal surname: no occurrence, no match
            continue
        for m in rx.finditer(text):
            if any(not (m.end() <= k.start or m.start() >= k.end) for k in kept) or _name_token(text, m.start(), m.end()):
                continue
            mentions.append(_Span(m.start(), m.end(), m.group(0), "surname"))
    mentions.sort(key=lambda s: s.start)
    return mentions


def _surname_actor(surname: str, owner: dict[str, _Actor], by_surname: dict[str, list[_Actor]],
                   last_seen: dict[str, int]) -> _Actor | None:
    """Who a bare surname names: the actor who owns it in the article, else the one with that surname named most
    recently, else nobody."""
    if surname in owner:
        return owner[surname]
    seen = [(last_seen[a.id], a) for a in by_surname[surname] if a.id in last_seen]
    return max(seen, key=lambda x: x[0])[1] if seen else None


def actor_counts(mentions: pd.DataFrame, articles: list[str] | None = None) -> pd.DataFrame:
    """Mentions per actor and article (a wide table for reading).

    Parameters
    ----------
    mentions : DataFrame from :func:`actor_mentions`.
    articles : column order; default the order of first appearance in *mentions*.

    Returns
    -------
    DataFrame indexed by ``actor`` with ``name``, ``speaker_type``, one count column per article,
    ``total`` and ``n_articles`` (how many articles name the actor); sorted by ``n_articles``
    then ``total`` (descending), then ``actor``.
    """
    require_columns(mentions, ("article", "actor", "name", "speaker_type"), func="actor_counts", what="the mentions table",
                    made_by="actor_mentions")
    order = list(articles) if articles is not None else list(dict.fromkeys(mentions["article"]))
    wide = pd.crosstab(mentions["actor"], mentions["article"]).reindex(columns=order, fill_value=0)
    wide.columns.name = None
    info = mentions.drop_duplicates("actor").set_index("actor")[["name", "speaker_type"]]
    out = info.join(wide, how="right")
    out["total"] = wide.sum(axis=1)
    out["n_articles"] = (wide > 0).sum(axis=1)
    out = out.reset_index().sort_values(["n_articles", "total", "actor"], ascending=[False, False, True]).set_index("actor")
    return out


#: Words that start sentences or join names but are not names themselves (story-independent English).
_FUNCTION_WORDS = frozenset(
    """
    a an the and or but nor so yet for of to in on at by with from into onto as if when while after before
    since until because although though also even not now then there here this that these those it its
    he she they we i you his her their our your my me him them us who whom whose which what where why how
    last next back both all some many most more such only just still however instead meanwhile regarding
    """.split()
)

_CAP_TOKEN = r"[A-ZÀ-ÖØ-Þ][\w’'.-]*"
# Runs of two or more capitalised words (one word is never a name here). Exact against the runs of one or more: a
# run's first word ends where a single-word run ending there would, and no run can start inside a word's letters,
# since the words a run starting there reaches are those it reaches from the word's start.
_CAP_RUN = re.compile(_CAP_TOKEN + r"(?:\s+(?:of\s+|de\s+|van\s+|von\s+)?" + _CAP_TOKEN + r")+")


_NAME_END = re.compile(r"[’']s$|[.,]$")


def _mask(m: re.Match) -> str:
    return "\x00" * len(m.group(0))


def unknown_names(sentences: pd.DataFrame, actors: dict | list) -> pd.DataFrame:
    """Capitalised multi-word names that the actors codebook does not know: candidates to add.

    Text matched by an actor's aliases or patterns is masked first; the remaining runs of
    capitalised words are trimmed of leading function words ("The", "At", ...) and trailing
    possessives, and kept if two or more words remain. Names listed under ``ignore:`` in the
    codebook (places, institutions judged not to be actors) are left out.

    Parameters
    ----------
    sentences : DataFrame from :func:`newslens.text.sentence_table`.
    actors : the actors codebook.

    Returns
    -------
    DataFrame, one row per candidate name: ``name``, ``n`` (mentions), ``articles`` (ids, in
    corpus order, comma-separated), ``example`` (``article l.N: sentence`` of the first mention);
    sorted by ``n`` descending then ``name``.
    """
    sentences = _check_sentences(sentences, "unknown_names")
    compiled, ignore = _compile_actors(actors)
    ignored = {i.lower() for i in ignore}
    found: dict[str, list] = {}
    patterns = [p for a in compiled for p in a.full]
    texts = sentences["text"].tolist()
    # Masking only removes text, so a pattern whose required words are not in the sentence cannot
    # match it before or after the other patterns' masks: its substitution is skipped.
    cache, everyone = SearchCache(texts), np.arange(len(texts))
    cache.prepare(patterns)  # one prefilter scan for the whole codebook
    to_mask: dict[int, list[re.Pattern]] = {}
    for p in patterns:
        for i in cache.candidates(p, everyone).tolist():
            to_mask.setdefault(i, []).append(p)
    for i, (art, line, text) in enumerate(zip(sentences["article"].tolist(), sentences["line"].tolist(), texts)):
        masked = text
        for p in to_mask.get(i, ()):
            masked = p.sub(_mask, masked)
        for m in _CAP_RUN.finditer(masked):
            words = m.group(0).split()
            while words and words[0].lower().strip(".") in _FUNCTION_WORDS:
                words.pop(0)
            while words and (words[-1].lower() in _FUNCTION_WORDS or words[-1].lower() in {"de", "van", "von"}):
                words.pop()
            if len(words) < 2:
                continue
            words[-1] = _NAME_END.sub("", words[-1])
            name = " ".join(words)
            if name.lower() in ignored:
                continue
            found.setdefault(name, []).append((art, int(line), text))
    rows = []
    for name, hits in found.items():
        arts = ", ".join(dict.fromkeys(h[0] for h in hits))
        art, line, text = hits[0]
        rows.append((name, len(hits), arts, f"{art} l.{line}: {text}"))
    out = pd.DataFrame(rows, columns=["name", "n", "articles", "example"])
    return out.sort_values(["n", "name"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- word choices


def _compile_lexicon(lexicon: dict, source: str = "wording.yml"):
    groups = []
    for i, g in enumerate(_items(lexicon, "groups", source), start=1):
        if not isinstance(g, dict) or not isinstance(g.get("id"), str):
            raise CorpusError(f"{source}: group #{i} must be a mapping with an id and terms")
        where = f"{source}: group '{g['id']}'"
        terms = []
        for j, t in enumerate(_items(g, "terms", where), start=1):
            if not isinstance(t, dict) or not isinstance(t.get("id"), str):
                raise CorpusError(f"{where}: term #{j} must be a mapping with an id and patterns")
            pats = t.get("patterns")
            if not isinstance(pats, list) or not pats:
                raise CorpusError(f"{where}: term '{t['id']}' needs a non-empty list of patterns")
            terms.append((t["id"], str(t.get("label", t["id"])), [_regex(p, f"{where}: term '{t['id']}'") for p in pats]))
        groups.append((g["id"], str(g.get("label", g["id"])), terms))
    exclude = lexicon.get("exclude", []) if isinstance(lexicon, dict) else []
    return groups, [_regex(p, f"{source}: exclude") for p in exclude or []]


def word_choices(sentences: pd.DataFrame, lexicon: dict, *, examples: int = 2) -> pd.DataFrame:
    """How often each article uses each wording, per 1,000 body words, in its own and in quoted words.

    Within a group, matches do not overlap: the longest wins (so "forced labour" is one
    term, not also "labour"). Sentences matching the lexicon's ``exclude`` regexes (about
    other cases) are not searched, but their words still count in the denominators.

    Parameters
    ----------
    sentences : DataFrame from :func:`newslens.text.sentence_table`.
    lexicon : the wording codebook (dict from ``load_codebook("wording")``): ``groups``, each with
        ``id``, ``label`` and ``terms`` (``id``, ``label``, ``patterns``), and optional ``exclude``.
    examples : how many example sentences to keep per cell.

    Returns
    -------
    DataFrame, one row per (article, group, term, voice) for voice ``own`` and ``quoted``, in
    corpus, codebook and voice order: ``article``, ``group``, ``group_label``, ``term``, ``label``, ``voice``,
    ``n`` (matches), ``words`` (body words in that voice), ``per_1000`` (``n`` per 1,000 of
    those words, rounded to 2 decimals; NaN when the article has no words in that voice) and
    ``examples`` (up to *examples* sentences, ``l.N: sentence``, joined by ``" | "``).
    """
    sentences = _check_sentences(sentences, "word_choices")
    if not isinstance(lexicon, dict):
        raise CorpusError("wording.yml: expected a mapping with a 'groups' list")
    groups, exclude = _compile_lexicon(lexicon)
    words: dict[tuple[str, str], int] = {}
    counts: dict[tuple, list] = {}
    texts = sentences["text"].tolist()
    cache, everyone = SearchCache(texts), np.arange(len(texts))
    cache.prepare([p for _g, _l, terms in groups for _t, _tl, pats in terms for p in pats])  # one prefilter scan for the whole codebook
    excluded = cache.hits(any_of(exclude)) if exclude else np.zeros(len(texts), dtype=bool)
    # Per sentence, per group, the term patterns that can match it (those whose words it has), in codebook order;
    # only those sentences are searched.
    may: dict[int, dict[str, list]] = {}
    for gid, _glabel, terms in groups:
        for tid, _l, pats in terms:
            for p in pats:
                for i in cache.candidates(p, everyone[~excluded]).tolist():
                    may.setdefault(i, {}).setdefault(gid, []).append((tid, p))
    arts, lines, voices = sentences["article"].tolist(), sentences["line"].tolist(), sentences["voice"].tolist()
    for art, text, voice in zip(arts, texts, voices):
        v = "quoted" if voice == "quoted" else "own"
        words[(art, v)] = words.get((art, v), 0) + word_count(text)
    for i in sorted(may):  # corpus order, as the examples are kept in it
        art, line, text = arts[i], lines[i], texts[i]
        v = "quoted" if voices[i] == "quoted" else "own"
        for gid, cands in may[i].items():  # groups in codebook order: each group's first candidate was added first
            found = [_Span(m.start(), m.end(), m.group(0), "term", tid) for tid, p in cands for m in p.finditer(text)]
            for span in _longest_non_overlapping(found) if len(found) > 1 else found:  # one span is kept as it is
                counts.setdefault((art, gid, span.owner, v), []).append((line, text))  # formatted once, below
    rows = []
    for art in _articles_in_order(sentences):
        own_quoted = (("own", words.get((art, "own"), 0)), ("quoted", words.get((art, "quoted"), 0)))
        for gid, glabel, terms in groups:
            for tid, label, _p in terms:
                for v, w in own_quoted:
                    hits = counts.get((art, gid, tid, v))
                    if hits is None:  # most cells: what the general case below gives for no hits
                        rows.append((art, gid, glabel, tid, label, v, 0, w, 0.0 if w else float("nan"), ""))
                        continue
                    rate = round(1000 * len(hits) / w, 2) if w else float("nan")
                    shown = [f"l.{line}: {text}" for line, text in list(dict.fromkeys(hits))[:examples]]
                    rows.append((art, gid, glabel, tid, label, v, len(hits), w, rate, _SEP.join(shown)))
    return pd.DataFrame(rows, columns=["article", "group", "group_label", "term", "label", "voice", "n", "words", "per_1000", "examples"])


def term_use(choices: pd.DataFrame, *, voice: str = "own", articles: list[str] | None = None) -> pd.DataFrame:
    """Each term's use across the articles, in one voice: how often, by how many articles, and where most.

    Parameters
    ----------
    choices : DataFrame from :func:`word_choices`.
    voice : ``own`` (the articles' own words) or ``quoted`` (words they quote from other outlets).
    articles : article ids in the order ``articles`` lists them and ties between articles break (default: the
        order of *choices*).

    Returns
    -------
    DataFrame, one row per (group, term) of the codebook, in codebook order: ``group``, ``group_label``,
    ``term``, ``label``, ``n`` (uses over all articles), ``n_articles`` (articles that use it at least once),
    ``articles`` (their ids, a tuple in *articles* order), ``top_article`` (the article with the highest rate;
    empty when nobody uses the term) and ``top_per_1000`` (that rate per 1,000 words in *voice*; NaN when unused).
    The most used term of each group is ``out.loc[out.groupby("group", sort=False)["n"].idxmax()]`` (ties go to
    the codebook's first).
    """
    require_columns(choices, ("article", "group", "group_label", "term", "label", "voice", "n", "per_1000"), func="term_use",
                    made_by="word_choices")
    order = list(dict.fromkeys(articles if articles is not None else choices["article"]))
    rank = {a: i for i, a in enumerate(order)}
    part = choices[(choices["voice"] == voice) & choices["article"].isin(rank)]
    part = part.assign(_rank=part["article"].map(rank)).sort_values("_rank", kind="stable")
    rows = []
    for (group, term), g in part.groupby(["group", "term"], sort=False):
        used = g[g["n"] > 0]
        top = used.sort_values("per_1000", ascending=False, kind="stable").head(1)
        rows.append((group, g["group_label"].iloc[0], term, g["label"].iloc[0], int(used["n"].sum()), len(used),
                     tuple(used["article"]), top["article"].iloc[0] if len(top) else "",
                     float(top["per_1000"].iloc[0]) if len(top) else float("nan")))
    cols = ["group", "group_label", "term", "label", "n", "n_articles", "articles", "top_article", "top_per_1000"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- agreement


def fact_agreement(coded: pd.DataFrame, reference: pd.DataFrame) -> dict:
    """Agreement of the rule coder with a hand-coded reference, cell by cell.

    Parameters
    ----------
    coded : DataFrame with ``article``, ``fact``, ``present`` (e.g. from :func:`fact_matrix`).
    reference : the same columns, hand-coded (``data/reference/facts.csv``).

    Returns
    -------
    dict with ``cells`` (compared), ``agree`` (count), ``accuracy`` (share), ``kappa`` (Cohen's
    kappa, :func:`sklearn.metrics.cohen_kappa_score`) and ``disagreements`` (a DataFrame of the
    cells that differ: ``article``, ``fact``, ``reference``, ``coded``).
    Raises TableError if a reference cell has no coded counterpart.
    """
    from sklearn.metrics import cohen_kappa_score

    for name, t in (("coded", coded), ("reference", reference)):
        _check_matrix(t, f"fact_agreement ({name})")
    merged = reference[["article", "fact", "present"]].merge(
        coded[["article", "fact", "present"]], on=["article", "fact"], how="left", suffixes=("_ref", "_coded")
    )
    lost = merged[merged["present_coded"].isna()]
    if len(lost):
        first = lost.iloc[0]
        raise TableError(f"fact_agreement: {len(lost)} reference cell(s) have no coded value, e.g. {first['article']}/{first['fact']}")
    ref = merged["present_ref"].astype(int)
    got = merged["present_coded"].astype(int)
    diff = merged[ref != got].rename(columns={"present_ref": "reference", "present_coded": "coded"}).astype({"coded": int})
    return {
        "cells": len(merged),
        "agree": int((ref == got).sum()),
        "accuracy": float((ref == got).mean()),
        "kappa": float(cohen_kappa_score(ref, got)),
        "disagreements": diff.reset_index(drop=True),
    }
