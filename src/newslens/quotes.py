"""Direct quotations in body text: who is quoted, in whose words, and how much.

An analysis layer on :mod:`newslens.corpus` and :mod:`newslens.text`. Speakers and their types
come from ``data/codebook/speakers.yml``; no rule here knows an article, an outlet or a line.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import pandas as pd

from newslens.corpus import CorpusError, inline_markers, load_codebook
from newslens.errors import NewslensError
from newslens.text import sentence_spans, word_count

__all__ = ["QuoteError", "load_speakers", "find_quote_spans", "extract_quotes", "share_of_voice", "exclusive_speakers",
           "match_quotes", "quote_summary", "speaker_type_names"]

QUOTE_COLUMNS = ["article", "line", "quote", "speaker", "speaker_type", "kind", "voice", "quoted_outlet", "evidence"]

_OPEN, _CLOSE, _STRAIGHT = "“", "”", '"'
_PRONOUNS = {"she": "female", "he": "male", "it": "none", "they": "none"}
_OBJECT_PRONOUNS = {"her": "female", "him": "male", "them": "none"}
# Words that may stand between a subject and its speech verb without breaking the link ("has since said").
_LINK_WORDS = {"has", "have", "had", "also", "later", "then", "previously", "once", "recently", "since", "further",
               "again", "publicly", "repeatedly", "would", "will", "did", "does", "do"}
_RECALL_VERBS = {"recalled", "remembered", "recalls", "remembers"}
_MARKS = re.compile("[“”\"]")
_NON_SPACE = re.compile(r"\S")
# The look-ahead on the first letters every pronoun starts with (under the same flag, so the same letters) lets the
# scan skip other positions before entering the alternation: the matches are unchanged.
_PRONOUN = re.compile(r"(?=[hist])\b(she|he|it|they|her|him|them)\b", re.IGNORECASE)
_MASKED_WORD = re.compile(r"x+", re.IGNORECASE)
_LISTENER_VERBS = {"told", "tells", "asked", "asks"}
_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")  # "U.S.", "U.K."
# The subject of a speech verb that stands for a body named earlier ("the statement said", "the organization
# said in a tweet"): generic English, not a list of this or any story's actors.
_BODY_ANAPHORS = re.compile(r"\b(?:the|its|their)\s+(statement|organi[sz]ation|federation|team|company|agency|"
                            r"authority|group|association|committee|body|ministry|department|firm|union)\b", re.IGNORECASE)
# A conjunction right after a closing mark opens another clause, with its own subject and verb.
_NEW_CLAUSE = re.compile(r"\s*(?:while|whereas|although|though|but|even as)\s", re.IGNORECASE)
# A subject's own verb up to the opening mark: " pointed to a ", " blamed the ".
_CLAUSE_VERB = re.compile(r"\s+(?:[a-z]+ly\s+)?[a-z]+ed(?:\s+[\w'-]+){0,3}\s*")
# The role a person takes or leaves, right after the name: " is resigning as CEO", " stepped down as minister".
_AS_ROLE = re.compile(r"(?:\s+[a-z]+){1,3}\s+as\s+((?:[\w-]+\s+){0,2}[\w-]+)")
# A role held at a body, right before the body's name: "the chief executive of ", "a spokesperson for ".
_ROLE_OF = re.compile(r"\b((?:the|a|an)\s+(?:[a-z][\w-]*\s+){0,2}?([A-Za-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+(?:of|at|for)\s+(?:the\s+)?)$",
                      re.IGNORECASE)
# "Acme is a global cybersecurity firm": the words that say what a name is.
_COPULA = re.compile(r"\s+(?:is|was)\s+(?:a|an|the)\s+((?:[\w-]+\s+){0,4}[\w-]+)")
# The nouns that introduce an unlisted body the anaphor stands for ("the company" is "cybersecurity firm Acme").
_BODY_NOUNS = {"company": ("company", "firm"), "firm": ("company", "firm"), "ministry": ("ministry",),
               "agency": ("agency",), "department": ("department",), "group": ("group", "company", "firm")}
# An embedded social-media post printed as a paragraph: the post, then "— Name (@handle) July 27, 2021".
_POST = re.compile(r"^(?P<post>.+?)\s[—–-]\s(?P<who>[^()]{1,60}?)\s*\(@\w{1,30}\)\s+[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$")
# A person described by age ("the 24-year-old phenom said") is someone the article has named: an anaphor.
_AGE_ANAPHOR = re.compile(r"\bthe\s+\d{1,3}-year-old(?:\s+[a-z][\w-]*)?\s*$", re.IGNORECASE)
# A speech verb the codebook does not list, right after its subject ("," Simone admitted.", "... Mark Cohen
# mentioned in a press release"): a past-tense word that ends the subject's clause or is followed by a preposition.
_UNLISTED_VERB = re.compile(r"\s+([a-z]+ed)\b(?=\s*(?:[.,;]|$|\b(?:in|on|at|to|per|during|after|before)\b))")
_ATTRIBUTED_TO = re.compile(r"\battributed to\s+(?:[\w.]+\s+){0,4}$", re.IGNORECASE)
# An appositive after a name (", a lawyer in Beijing,"), not a relative clause (", who ...") or a date
_APPOSITIVE = re.compile(r"\s*,\s*(?!\s*(?:who|whose|which|that|where|when|in|on|at|to|with|during|after|before)\b)([^,\]]+)",
                         re.IGNORECASE)  # nor a prepositional phrase (", in a letter to the regulators")
# Words that end the run of role words attached before a name ("a statement by lawyer Ann Lee").
_NOT_ATTACHED = {"and", "or", "but", "to", "by", "with", "from", "that", "as", "of", "for", "in", "on", "at", "the", "a", "an"}
# A spokesperson's word: the type is the one of the body they speak for, when the description names it.
_VOICE_WORD = re.compile(r"spokes(?:person|man|woman|people|men|women)s?|representatives?|mouthpieces?")
# An unnamed source: "a person familiar with the matter", "two people briefed on the talks", "one source", "an
# aide", "sources close to the company", "people with knowledge of the plan". Generic English for anonymity.
_SOURCE = re.compile(
    r"(?:\b(?:a|an|one|two|three|four|several|some|other|multiple)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:person|people|persons|source|sources|insider|insiders|aide|aides|individual|individuals)"
    r"|(?P<bare>\b(?:people|persons|sources|insiders|aides)))\b"
    r"(?P<qual>\s*,?\s*(?:familiar\s+with|briefed\s+on|close\s+to|involved\s+in|knowledgeable\s+about|"
    r"with\s+(?:direct\s+|first-hand\s+)?knowledge\s+of|in\s+the\s+know\s+about|aware\s+of)"
    r"(?:\s+(?:[\w'’-]+))(?:\s+(?!said\b|says\b|told\b|who\b)[\w'’-]+){0,5})?", re.IGNORECASE)
# "X quoted Y as saying": Y speaks (a news agency relaying somebody's words is not the speaker).
_QUOTED_AS = re.compile(r"\bquot(?:ed|ing|es)\s+(.{1,100}?)\s+as\s+(?:saying|stating|telling|writing)\b", re.IGNORECASE)
# A former official or prosecutor quoted now speaks as a commentator ("former federal prosecutor Ann Lee").
_FORMER = re.compile(r"\b(?:former|ex-|retired)\s*(?:[a-z][\w-]*\s+){0,3}$", re.IGNORECASE)
# Generic nouns for the one at the top of a body ("the head of the Canal Authority"): its holder, named elsewhere.
_HEAD_NOUNS = {"head", "chief", "leader", "boss"}
# The role words of the one at the top of a body that "the head of X" stands for, when the codebook lists them.
_TOP_ROLES = {"chairman", "chairwoman", "chair", "president", "chief executive", "ceo", "director", "head", "leader",
              "director general", "governor", "secretary general", "commissioner"}
# Collective nouns that stand without an article and are their own plural ("police said", "local police said").
_COLLECTIVE = re.compile(r"\s*((?:[a-z][\w-]*\s+){0,2}?(?:police|staff|personnel))\s*", re.IGNORECASE)
# Generic nouns of institutions named with "of" or "for": "the Department of Health", "Ministry of Finance".
_OF_NAME = re.compile(r"\b(?:Department|Ministry|Office|Bureau|Board|Council|Commission|Agency|Authority|Institute|"
                      r"Secretary|Minister|Federation|Association|Union|Bank)\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w'-]*"
                      r"(?:\s+(?:(?:and|of|for|&)\s+)?[A-Z][\w'-]*)*")
# The last word of a body's name (not a person's title: "Ministry", not "Minister"). Generic English.
_BODY_HEADS = {"ministry", "department", "agency", "authority", "commission", "administration", "council", "board",
               "bureau", "office", "company", "corporation", "corp", "inc", "group", "association", "federation", "union",
               "committee", "organization", "organisation", "institute", "bank", "airlines", "service", "court"}
# A name that is only the modifier of a description: "a State Department official", "one European diplomat".
_DET_BEFORE = re.compile(r"\b(?:a|an|one|the)\s+(?:[A-Z][\w'.-]*\s+(?:(?:of|for|and)\s+)?)*$")
_ROLE_AFTER = re.compile(r"\s+[a-z][\w-]*()(?:\s+[a-z][\w-]*())?")
# One capitalised word, the whole subject before a speech verb: "Acme said", "Acme has said".
_LEAD_NAME = re.compile(r"\s*([A-Z][\w&'-]*[A-Za-z0-9])\s+(?:(?:has|had|also|later|then)\s+)?")
_FIRST_PERSON = re.compile(r"\b(I|me|my|I'm|I’m|I've|I’ve)\b")
_FIRST_PERSON_ANY = re.compile(r"\b(?:I|me|my|we|our|us|We|Our)\b|\b(?:I|We)(?:'|’)(?:m|ve|re|ll)\b")
# A participle, a colon or a semicolon that introduces a quote without a listed verb ("..., declaring, '...'").
_INTRO_TAIL = re.compile(r"(?:\b[a-z]+ing\s*[,:]?|[:;])\s*$")


class QuoteError(NewslensError):
    """Bad input to the quote extractor (a table without the needed columns, a broken speakers codebook)."""


# --------------------------------------------------------------------------- codebook


class Span(NamedTuple):
    """Words between quotation marks in one paragraph: ``text[start:end]``; ``closed`` is False when the
    paragraph ends inside the quote."""

    start: int
    end: int
    closed: bool


class Attribution(NamedTuple):
    """Who said a quote: the speaker's name and speaker type."""

    speaker: str
    speaker_type: str


class Role(NamedTuple):
    """A speaker type and the role words that give it (``roles`` in ``speakers.yml``), with a matcher of the
    words (singular or plural, lower case)."""

    type: str
    cues: list[str]
    pattern: re.Pattern


@dataclass
class Speakers:
    """The speakers codebook, compiled: actors and their aliases, role cues, titles, speech verbs and the
    matchers built from them."""

    types: list[str]
    actors: dict[str, dict]  # canonical name -> {type, gender}
    alias_re: re.Pattern
    alias_to_name: dict[str, str]
    case_sensitive: set[str]
    roles: list[Role]
    not_speakers: set[str]
    titles: list[str]
    verb_re: re.Pattern
    verb_words: set[str] = field(default_factory=set)  # the one-word speech verbs, lower case
    name_re: re.Pattern = field(default=re.compile("(?!)"))  # a run of capitalised words, after an optional title
    description_re: re.Pattern = field(default=re.compile("(?!)"))  # "the clerk", "a spokesperson"
    bare_re: re.Pattern = field(default=re.compile("(?!)"))  # "authorities", "federal prosecutors"
    type_rules: dict = field(default_factory=dict)  # optional type_rules of speakers.yml (see _check_type_rules)
    cue_words: set[str] = field(init=False)  # every role cue of every type, lower case (from ``roles``)

    def __post_init__(self) -> None:
        self.cue_words = {c for role in self.roles for c in role.cues}


def _norm(text: str) -> str:
    """Same-length normalisation used for matching only: curly apostrophes and Lü -> straight forms."""
    return text.replace("’", "'").replace("‘", "'")


def _with_gerunds(verbs: list[str]) -> set[str]:
    """The listed verbs and the -ing form of each listed third-person form ("says" -> "saying", "writes" ->
    "writing"): "..., saying: '...'" attributes as "said" does. Derived from the present form because the
    past ("said", "wrote") does not give the stem."""
    out = set(verbs)
    for v in verbs:
        if " " in v or not v.endswith("s") or v.endswith("ss") or len(v) < 4:
            continue
        stem = v[:-2] if v.endswith(("ches", "shes", "sses", "xes")) else v[:-1]
        out.add((stem[:-1] if stem.endswith("e") and not stem.endswith("ee") else stem) + "ing")
    return out


def _compile_actors(book: dict, types: list[str], other: dict) -> tuple[dict[str, dict], dict[str, str], set[str]]:
    """The codebook's actors (``name -> {type, gender}``), every alias (lower case) to its actor's name (with the
    aliases that ``actors.yml`` gives the same names), and the one-word capitalised aliases that match only when
    capitalised ("Lee" but not "lee")."""
    actors: dict[str, dict] = {}
    alias_to_name: dict[str, str] = {}
    for i, entry in enumerate(book["actors"], 1):
        if not isinstance(entry, dict) or "name" not in entry or "type" not in entry:
            raise QuoteError(f"speakers codebook: actor {i} needs 'name' and 'type'")
        if entry["type"] not in types:
            raise QuoteError(f"speakers codebook: actor '{entry['name']}' has type '{entry['type']}', not one of {types}")
        name = str(entry["name"])
        actors[name] = {"type": entry["type"], "gender": entry.get("gender", "none")}
        for alias in [name, *entry.get("aliases", [])]:
            alias_to_name[_norm(str(alias)).lower()] = name
    for entry in (other.get("actors") or []) if isinstance(other, dict) else []:
        if isinstance(entry, dict) and entry.get("name") in actors:
            for alias in entry.get("aliases") or []:
                alias_to_name.setdefault(_norm(str(alias)).lower(), entry["name"])
    case_sensitive = {_norm(str(alias)).lower() for entry in book["actors"] for alias in [entry["name"], *entry.get("aliases", [])]
                      if " " not in str(alias) and str(alias)[:1].isupper()}
    return actors, alias_to_name, case_sensitive


def _compile_roles(book: dict, types: list[str]) -> list[Role]:
    roles = []
    for i, role in enumerate(book["roles"], 1):
        if role.get("type") not in types:
            raise QuoteError(f"speakers codebook: role {i} has type '{role.get('type')}', not one of {types}")
        cues = [str(c).lower() for c in role.get("cues", [])]
        roles.append(Role(role["type"], cues, re.compile(r"(?<!\w)(?:" + _alternatives(cues) + r")s?(?!\w)")))
    return roles


def _check_type_rules(rules, types: list[str]) -> dict:
    """The optional ``type_rules`` of ``speakers.yml``: ``former: {from: [types], to: type}`` (a former holder of an
    office of those types speaks as that type), ``place_based: type`` (a body named with "X-based"), ``age_only:
    type`` (a person given only by age, "Ann Lee, 45,"). Every type must be one of *types*."""
    if not rules:
        return {}
    if not isinstance(rules, dict):
        raise QuoteError("speakers codebook: type_rules must be a mapping (former, place_based, age_only)")
    former = rules.get("former") or {}
    named = [*(former.get("from") or []), former.get("to"), rules.get("place_based"), rules.get("age_only")]
    bad = [t for t in named if t is not None and t not in types]
    if bad:
        raise QuoteError(f"speakers codebook: type_rules names {bad}, not among speaker_types {types}")
    return dict(rules)


def _alternatives(words) -> str:
    """A regex alternation of *words*, longest first (so that "chief executive" wins over "chief"); never
    matches when there are none."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"


def _first_letter_alternatives(words) -> str:
    """:func:`_alternatives` grouped by first character ("l(?:ee|i)|a(?:cme)"), so that the engine tries only the
    group of the character at hand. The same matches: within a group the order is still longest first, and groups
    never compete, since under IGNORECASE two different lower-case ASCII characters never match the same one (with
    any other first character, or an empty word, the flat alternation is returned)."""
    words = sorted(words, key=len, reverse=True)
    if not words or any(not w or not w[0].isascii() or w[0] != w[0].lower() for w in words):
        return _alternatives(words)
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    return "|".join(re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in rests) + ")"
                    for first, rests in groups.items())


def _starts_with(chars, classes: str = "") -> str:
    """A look-ahead on the characters a match can start with (*chars*, and the class syntax *classes* such as
    ``A-Z``), so that the scan skips other positions without trying the pattern: exact when every match starts with
    one of them; empty when *chars* holds a space (a pattern that may start with a space gains nothing)."""
    chars = set(chars)
    if any(c.isspace() for c in chars):
        return ""
    return "(?=[" + classes + "".join(re.escape(c) for c in sorted(chars)) + "])"


def load_speakers(book: dict | None = None, *, data_dir=None) -> Speakers:
    """Compile the speakers codebook (``speakers.yml``) into matchers.

    If ``data/codebook/actors.yml`` exists and lists actors with ``name`` and ``aliases``, the
    aliases of actors whose name is also in ``speakers.yml`` are added (optional, never required).
    Raises :class:`QuoteError` naming the problem when an entry is malformed.
    """
    if book is None:
        book = load_codebook("speakers", data_dir)
        try:
            other = load_codebook("actors", data_dir)
        except CorpusError:
            other = {}
    else:
        other = {}
    for key in ("speaker_types", "actors", "roles", "speech_verbs"):
        if key not in book:
            raise QuoteError(f"speakers codebook: missing key '{key}'")
    types = list(book["speaker_types"])
    actors, alias_to_name, case_sensitive = _compile_actors(book, types, other)
    roles = _compile_roles(book, types)
    titles = list(book.get("titles", []))
    verbs = _with_gerunds([str(v) for v in book["speech_verbs"]])
    cues = {c for role in roles for c in role.cues}
    plurals = {c[:-1] + "ies" if c.endswith("y") else c + "s" for c in cues}
    # a capitalised word, dotted initials ("U.S.") or a name that starts with digits ("3M", "7Up")
    word = r"(?:(?:[A-Z]\.){2,}|(?<![\w.])\d+[a-z]*[A-Z][\w'-]*|[A-Z][\w'-]*)"
    # A name starts with a title, a capital letter or a digit (see *word*), so its matches start with one of those.
    name_start = _starts_with([t[0] for t in titles], r"A-Z\d") if all(titles) else ""
    return Speakers(
        types=types, actors=actors, alias_to_name=alias_to_name, case_sensitive=case_sensitive, roles=roles,
        alias_re=re.compile(r"(?<![\w'])(" + _first_letter_alternatives(alias_to_name) + r")(?![\w])", re.IGNORECASE),
        not_speakers=set(book.get("not_speakers", [])), titles=titles,
        verb_re=re.compile(r"\b(" + _alternatives(verbs) + r")\b", re.IGNORECASE),
        verb_words={v.lower() for v in verbs if " " not in v},
        name_re=re.compile(name_start + r"(?:(?:" + _alternatives(titles) + r")\s+)?" + word + r"(?:\s+" + word + ")*"),
        description_re=re.compile(r"\b(?:the|a|an|one)\s+(?:[a-z][\w'’-]*\s+){0,2}(?:" + _alternatives(cues) + r")s?\b",
                                  re.IGNORECASE),
        bare_re=re.compile(r"\s*((?:[a-z][\w-]*\s+){0,2}?(?:" + _alternatives(plurals) + r"))\s*", re.IGNORECASE),
        type_rules=_check_type_rules(book.get("type_rules"), types),
    )


# --------------------------------------------------------------------------- quote spans


def find_quote_spans(text: str) -> list[Span]:
    """Spans of text between double quotation marks in one paragraph.

    Curly marks pair as opening/closing; straight ``"`` marks toggle. Single marks are ignored
    (they are apostrophes far more often than quotes). Returns :class:`Span` records ``(start, end, closed)``
    with ``text[start:end]`` the words between the marks; ``closed`` is False when the paragraph ends
    inside the quote (a quote that runs on into the next paragraph).
    """
    spans, start = [], None
    for m in _MARKS.finditer(text):  # only the quotation marks change the state
        i, ch = m.start(), m.group(0)
        if start is None and (ch == _OPEN or ch == _STRAIGHT):
            start = i + 1
        elif start is not None and (ch == _CLOSE or ch == _STRAIGHT):
            spans.append(Span(start, i, True))
            start = None
    if start is not None and text[start:].strip():
        spans.append(Span(start, len(text), False))
    return spans


def _masked(text: str, spans: list[Span]) -> str:
    """The paragraph with quoted words replaced by 'x' (a final . ? ! kept), so that boundaries and
    mentions are found only in the reporter's words."""
    parts, done = [], 0
    for span in spans:
        s, e = span.start, span.end
        keep_end = e - 1 if e > s and text[e - 1] in ".?!" else e
        if keep_end > s:
            parts += [text[done:s], _NON_SPACE.sub("x", text[s:keep_end])]
            done = keep_end
    return "".join(parts) + text[done:]


def _sentence_starts(masked: str) -> list[int]:
    """Start offsets of the sentences of a masked paragraph (0 always included), by the package's one splitter."""
    return sorted({0, *(a for a, _ in sentence_spans(masked))})


# The two helpers below answer what a regex anchored at the end of a string would ("...$"),
# walking back from the end instead of trying every start: the regex is quadratic in a long
# paragraph, since each mention asks it about the paragraph up to that mention.

def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches in a str pattern


def _ends_sentence(s: str) -> bool:
    r"""``re.search(r"(^|[.?!:][\"”’)\]]*)\s*$", s) is not None``: *s* is empty or ends a sentence."""
    t = s.rstrip()
    return not t or t.rstrip("\"”’)]").endswith((".", "?", "!", ":"))


def _last_capital_word(s: str) -> tuple[int, str] | None:
    r"""Start and text of group 1 of ``re.search(r"([A-Z][\w'-]+)\s+$", s)``, or None."""
    t = s.rstrip()
    if len(t) == len(s):
        return None
    k = len(t)
    while k > 0 and (_is_word_char(t[k - 1]) or t[k - 1] in "'-"):
        k -= 1
    for i in range(k, len(t) - 1):
        if "A" <= t[i] <= "Z":
            return i, t[i:]
    return None


def _occurrences(texts: list[str], words, *, before: str = "", after: str = "") -> list[list[tuple[int, int, str]]]:
    r"""What ``re.compile(r"(?<![\w" + before + "])(" + alternation of *words*, longest first + r")(?![\w" + after +
    "])").finditer`` finds in each of *texts*, as ``(start, end, word)``, without compiling a pattern: the words are a
    different set in every article, and compiling one alternation per article cost more than the scan.

    Exact for words without a newline: the texts are joined by newlines, which are neither word characters nor in
    *before* or *after*, so each text's edges look as they do alone; every occurrence of every word is found with
    ``str.find``, kept where both look-arounds hold, and the matches are taken as the regex takes them, leftmost
    first, the longest word at a start, the next search starting where the last match ended.
    """
    joined = "\n".join(texts)
    n = len(joined)
    longest: dict[int, int] = {}  # start -> end of the longest word matching there
    for word in words:
        i = joined.find(word)
        while i >= 0:
            end = i + len(word)
            if (i == 0 or not (_is_word_char(joined[i - 1]) or joined[i - 1] in before)) \
                    and (end == n or not (_is_word_char(joined[end]) or joined[end] in after)) and end > longest.get(i, -1):
                longest[i] = end
            i = joined.find(word, i + 1)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    done = 0
    for start in sorted(longest):
        if start < done:
            continue
        end = done = longest[start]
        k = bisect_right(starts, start) - 1
        out[k].append((start - starts[k], end - starts[k], joined[start:end]))
    return out


def _sentence_of(starts: list[int], pos: int, length: int) -> tuple[int, int]:
    begin = max(s for s in starts if s <= pos)
    later = [s for s in starts if s > pos]
    return begin, (later[0] if later else length)


# --------------------------------------------------------------------------- mentions


@dataclass
class Mention:
    start: int
    end: int
    name: str  # canonical name, or the surface name of an unknown person, or the pronoun
    kind: str  # alias | name | pronoun | object
    gender: str  # female | male | none | any


def _alias_mentions(norm: str, sp: Speakers) -> list[Mention]:
    """The codebook's actors named by one of their aliases."""
    out = []
    for m in sp.alias_re.finditer(norm):
        key = m.group(1).lower()
        if key in sp.case_sensitive and not m.group(1)[:1].isupper():
            continue
        # A known surname after an unknown given name is somebody else ("Ann Lee").
        prev = _last_capital_word(norm[: m.start()]) if key in sp.case_sensitive else None
        if prev and prev[1] not in sp.not_speakers \
                and not _ends_sentence(norm[: prev[0]]) and prev[1].lower() not in sp.alias_to_name \
                and prev[1] + "." not in sp.titles:
            continue
        name = sp.alias_to_name[key]
        out.append(Mention(m.start(), m.end(), name, "alias", sp.actors[name]["gender"]))
    return out


def _name_mentions(norm: str, sp: Speakers, taken: list[bool]) -> list[Mention]:
    """Names the codebook does not know: runs of capitalised words, without titles and the words of
    ``not_speakers``, that do not overlap a known alias (*taken*)."""
    out = []
    for m in sp.name_re.finditer(norm):
        if any(taken[m.start():m.end()]):
            continue
        words = [w[:-2] if w.endswith("'s") else w for w in m.group(0).split()]
        if len(words) == 1 and words[0] not in sp.titles and _ends_sentence(norm[: m.start()]):
            continue  # a capitalised first word ("With", "After") is far more often not a name
        while words and (words[0] in sp.not_speakers or words[0] in sp.titles or words[0].rstrip(".") in sp.not_speakers):
            words = words[1:]
        while words and words[-1] in sp.not_speakers:
            words = words[:-1]
        words = [w[:-2] if w.endswith("'s") else w for w in words]
        words = _after_role_words(words, sp)
        based = [i for i, w in enumerate(words[:-1]) if w.endswith("-based")]
        words = words[based[-1] + 1:] if based else words  # "San Francisco-based Acme" is Acme
        if len(words) == 1 and words[0].lower() in sp.cue_words:
            continue  # a role word alone ("the CEO said") describes somebody: a description, not a name
        if not words or all(w.lower() == "x" * len(w) for w in words):
            continue
        if _MASKED_WORD.fullmatch(words[0]) or all(len(w.rstrip(".")) == 1 or _DOTTED.fullmatch(w) for w in words):
            continue  # masked words, or the letters of an initialism ("U.S.")
        out.append(Mention(m.start(), m.end(), " ".join(words), "name", "any"))
    return out


def _after_role_words(words: list[str], sp: Speakers) -> list[str]:
    """The name after the last role word of a capitalised run ("CrowdStrike CEO George Kurtz", "California Attorney
    General Ann Lee"): the words after it when they are two or more (a full name), else the run unchanged (a
    body's own name may end in a role word: "Suez Canal Authority")."""
    cues = sp.cue_words
    last = -1
    for i in range(len(words)):
        if any(" ".join(words[j:i + 1]).lower() in cues for j in range(max(0, i - 2), i + 1)):
            last = i
    return words[last + 1:] if 0 <= last < len(words) - 2 else words


def _pronoun_mentions(masked: str) -> list[Mention]:
    out = []
    for m in _PRONOUN.finditer(masked):
        w = m.group(1).lower()
        if w in _PRONOUNS:
            out.append(Mention(m.start(), m.end(), w, "pronoun", _PRONOUNS[w]))
        else:
            out.append(Mention(m.start(), m.end(), w, "object", _OBJECT_PRONOUNS[w]))
    return out


def _mentions(text: str, masked: str, sp: Speakers) -> list[Mention]:
    """People and bodies named in the reporter's words (quoted words are masked out), in order: known aliases,
    other names, pronouns."""
    norm = _norm(masked)
    aliases = _alias_mentions(norm, sp)
    taken = [False] * len(text)
    for m in aliases:
        taken[m.start:m.end] = [True] * (m.end - m.start)
    return sorted(aliases + _name_mentions(norm, sp, taken) + _pronoun_mentions(masked), key=lambda x: x.start)


def _compatible(pronoun_gender: str, gender: str) -> bool:
    if pronoun_gender == "person":  # a description of somebody ("the 24-year-old"): any person, no body
        return gender != "none"
    if gender == "any":  # a name the codebook does not know: a person or a body
        return True
    return gender == pronoun_gender


# --------------------------------------------------------------------------- attribution


@dataclass
class _Para:
    article: str
    line: int
    text: str
    voice: str
    quoted_outlet: str
    spans: list
    masked: str = ""
    starts: list = field(default_factory=list)
    mentions: list = field(default_factory=list)


@dataclass
class _Quote:
    para: int  # index into the article's paragraphs
    start: int
    end: int
    closed: bool
    kind: str
    speaker: str = ""
    stype: str = ""
    how: str = ""  # post | pre | clause end | inherit | chain | next sentence | previous paragraph | block
    chain: int = -1  # index of the first quote of a quote running over several paragraphs, else -1
    evidence: str = ""  # the attribution's text when it stands outside the quote's own sentences

    def attribute(self, found: Attribution, how: str, evidence: str = "") -> None:
        self.speaker, self.stype, self.how, self.evidence = found.speaker, found.speaker_type, how, evidence


def _role_type(context: str, sp: Speakers, *, head: bool = False) -> str:
    """The speaker type the role words of *context* give: the first type of the codebook with a cue in it, or,
    with *head* (*context* is one noun phrase), the type of the last cue, the phrase's head noun ("the chief
    government prosecutor" is a prosecutor); ``other`` when no cue is there."""
    low = _norm(context).lower()
    spans = [(m.start(), m.end(), i) for i, role in enumerate(sp.roles) for m in role.pattern.finditer(low)]
    # a cue inside a longer cue of another type is that cue's ("news agency" is not "agency")
    spans = [a for a in spans if not any(b[0] <= a[0] and a[1] <= b[1] and b[1] - b[0] > a[1] - a[0] for b in spans)]
    if not spans:
        return "other"
    if not head:
        return sp.roles[min(i for _, _, i in spans)].type
    # a spokesperson speaks for the body named with them: "a police spokesperson" is the police's voice
    voiced = [a for a in spans if not _VOICE_WORD.fullmatch(low, a[0], a[1])] if len(spans) > 1 else spans
    return sp.roles[max((e, i) for _, e, i in (voiced or spans))[1]].type


def _describe(m: Mention, para: _Para, sp: Speakers) -> Attribution:
    """Canonical speaker name and type of a (non-pronoun) mention.

    A name the codebook does not know takes its type from the words attached to it: the role words right
    before it ("defence lawyer Ann Lee", not the verb or the clause before that: "the team said Ann Lee") and
    its appositive (", a lawyer and director of ...,"; not a relative clause: ", who joined the team"). When
    those words name a body of the codebook ("a spokeswoman for the Ministry"), the body's type.
    """
    text = para.masked
    holder = _ROLE_OF.search(text[max(0, m.start - 60): m.start])
    if m.kind == "alias":
        if holder and m.gender == "none" and holder.group(2).lower() in _HEAD_NOUNS:  # "the head of the Authority"
            return Attribution(holder.group(1) + para.text[m.start:m.end], sp.actors[m.name]["type"])
        return Attribution(m.name, sp.actors[m.name]["type"])
    det = _DET_BEFORE.search(text, max(0, m.start - 60), m.start)
    role = _ROLE_AFTER.match(text, m.end) if det else None
    for end in (role.end(1), role.end(2)) if role else ():
        if end > 0 and _role_type(text[m.end:end], sp) != "other":  # "a State Department official", "one European diplomat"
            phrase = text[det.start():end]
            return Attribution(phrase, _role_type(phrase, sp, head=True))
    if holder and _role_type(holder.group(2), sp) != "other":  # "the CEO of Acme said": the CEO speaks, not Acme
        phrase = holder.group(1) + text[m.start:m.end]
        return Attribution(phrase, _role_type(holder.group(2), sp, head=True))
    before = re.findall(r"[\w'-]+", text[max(0, m.start - 40): m.start])[-2:]
    while before and any(w.lower() in sp.verb_words or w.lower() in _NOT_ATTACHED for w in before):
        before = before[1:]  # only the words after the last verb or function word are attached to the name
    app = _APPOSITIVE.match(text, m.end)
    after = app.group(1) if app else ""
    attached = (m.start - len(" ".join(before)) - 1, m.start), (m.end, m.end + (app.end() - m.end if app else 0))
    bodies = [b for b in para.mentions if b.kind == "alias" and b.gender == "none"
              and any(lo <= b.start and b.end <= hi for lo, hi in attached)]
    if bodies:
        return Attribution(m.name, sp.actors[bodies[0].name]["type"])
    stype = _former(_role_type(" ".join([*before, text[m.start:m.end], after]), sp),
                    text[max(0, m.start - 40): m.start], after, sp)
    rules = sp.type_rules
    if stype == "other" and re.fullmatch(r"\s*\d{1,3}\s*", after) and rules.get("age_only"):
        stype = rules["age_only"]  # "Ann Lee, 45, who lives nearby": a person given by age, not by office
    if "-based " in text[m.start:m.end] and rules.get("place_based") \
            and stype in ("other", _role_type(text[m.start:m.end], sp)):
        stype = rules["place_based"]  # "the Oslo-based X Agency": a body placed by its seat is a company
    return Attribution(m.name, stype)


def _former(stype: str, before: str, appositive: str, sp: Speakers) -> str:
    """A former official or prosecutor ("former federal prosecutor Ann Lee", "Ann Lee, a former minister,") speaks
    as a commentator: the codebook's ``type_rules: former: {from: [types], to: type}`` say which types of office
    change and to what (a former chief executive may still speak for the firm); unchanged when it says nothing."""
    former = sp.type_rules.get("former") or {}
    if stype in former.get("from", ()) and former.get("to") and \
            (_FORMER.search(before) or re.match(r"\s*(?:a|an|the)?\s*(?:former|ex-|retired)\b", appositive, re.IGNORECASE)):
        return former["to"]
    return stype


def _description(text: str, sp: Speakers, *, at_start: bool = False, bare: bool = False) -> Attribution | None:
    """A speaker described, not named ("the clerk said", "said a spokesperson"): the description as printed and
    the type its head noun gives; the last one in *text*, or the one *text* starts with. With *bare*, *text* may
    also be a plural role noun without an article and nothing else ("authorities", "federal prosecutors")."""
    if bare:
        m = sp.bare_re.fullmatch(text) or _COLLECTIVE.fullmatch(text)
        if m and _role_type(m.group(1), sp) != "other" or m and sp.bare_re.fullmatch(text):
            return Attribution(m.group(1), _role_type(re.sub(r"ies\b", "y", m.group(1)), sp, head=True))
    found = [(m.start(), m.end(), False) for m in sp.description_re.finditer(text)]
    # an unnamed source ("a person familiar with the matter", "people briefed on the talks"): the description as
    # printed, typed by any role word in it ("a source close to the company"), else other
    found += [(m.start(), m.end(), True) for m in _SOURCE.finditer(text)  # "people" alone is nobody in particular
              if m.group("bare") is None or m.group("qual") or m.group("bare").lower() not in ("people", "persons")]
    found = [a for a in found if not any(b[0] <= a[0] and a[1] <= b[1] and b[1] - b[0] > a[1] - a[0] for b in found)]
    if at_start:
        found = [a for a in found if not text[: a[0]].strip()]
    if not found:
        return None
    start, end, source = max(found)
    phrase = text[start:end].strip().rstrip(",")
    return Attribution(phrase, _role_type(phrase, sp, head=not source))


def _possessive(para: _Para, m: Mention) -> bool:
    """The mention owns the next noun ("the mayor's lawyer"): it is not who acts."""
    return _norm(para.text[m.end:m.end + 3]).startswith("'s ")


def _strong(mentions: list[Mention]) -> list[Mention]:
    """Drop single capitalised words the codebook does not know ("American", "Thursday", "Twitter") when a
    listed actor, a pronoun or a full name is among the candidates: alone they are rarely the speaker."""
    strong = [m for m in mentions if not (m.kind == "name" and " " not in m.name)]
    return strong or mentions


def _preferred(cands: list[Mention], gender: str, para: _Para) -> list[Mention]:
    """The candidates a pronoun most likely stands for: not possessors, and named people of the pronoun's own
    gender before capitalised words the codebook does not know ("American", "Twitter")."""
    owners = [m for m in cands if not _possessive(para, m)] or cands
    # "according to Ann Lee, an attorney for John Roe, ... he claimed": the one served by a role does not speak
    owners = [m for m in owners if not _ROLE_OF.search(para.masked[max(0, m.start - 60): m.start])] or owners
    if gender not in ("female", "male", "person"):  # "it", "they" stand as often for a body the codebook does not know
        return owners
    owners = _strong(owners)
    exact = [m for m in owners if m.gender == gender]
    return exact or owners


class _Resolver:
    """Finds who a pronoun stands for: a person named earlier in the paragraph, else the speaker of
    the previous quote (if close by and of the pronoun's gender), else the nearest earlier mention."""

    def __init__(self, paras: list[_Para], quotes: list[_Quote], sp: Speakers):
        self.paras, self.quotes, self.sp = paras, quotes, sp

    def resolve(self, pi: int, pos: int, gender: str, before_quote: int) -> Attribution | None:
        para = self.paras[pi]
        cands = [m for m in para.mentions if m.end <= pos and m.kind in ("alias", "name") and _compatible(gender, m.gender)]
        if cands:
            return _describe(_preferred(cands, gender, para)[-1], para, self.sp)
        earlier = [q for q in self.quotes[:before_quote] if q.speaker]
        if earlier:
            q = earlier[-1]
            g = self.sp.actors.get(q.speaker, {}).get("gender", "any")
            if pi - q.para <= 2 and _compatible(gender, g):
                return Attribution(q.speaker, q.stype)
        for back in range(pi - 1, max(-1, pi - 6), -1):
            prev = self.paras[back]
            cands = [m for m in prev.mentions if m.kind in ("alias", "name") and _compatible(gender, m.gender)]
            if cands:
                return _describe(_preferred(cands, gender, prev)[-1], prev, self.sp)
        return None

    def resolve_body(self, pi: int, pos: int, noun: str = "") -> Attribution | None:
        """Who "the statement", "the organization" or "the team" is: the body (an actor without gender in the
        codebook) named last before *pos*, in this paragraph or the three before it; else, for "the company"
        or "the ministry", the name the article introduced with that noun ("cybersecurity firm Acme", "Acme, a
        genetics company,"), named last before *pos*, with the type the noun gives."""
        for back in range(pi, max(-1, pi - 4), -1):
            para = self.paras[back]
            cands = [m for m in para.mentions if m.kind == "alias" and m.gender == "none" and (back < pi or m.end <= pos)]
            if cands:
                return _describe(cands[-1], para, self.sp)
        if noun.lower() == "statement":  # the statement of a body the article names as a body ("the X Ministry")
            issuer = self._named_body(pi, pos)
            if issuer:
                return issuer
        nouns = _BODY_NOUNS.get(noun.lower(), ())
        titled = _titled(noun)
        for back in range(pi, -1, -1):
            para = self.paras[back]
            named = [t for t in titled.finditer(para.masked) if back < pi or t.end() <= pos] if noun else []
            if named:  # "the ministry" is the "Ministry of Lands and Natural Resources" named last
                return Attribution(named[-1].group(0), _role_type(noun, self.sp, head=True))
            for m in reversed([m for m in para.mentions if m.kind == "name" and (back < pi or m.end <= pos)]):
                before = re.findall(r"[\w'-]+", para.masked[max(0, m.start - 40): m.start])[-3:]
                app = _APPOSITIVE.match(para.masked, m.end + para.masked[m.end:m.end + 1].count("."))  # "Acme Inc., the"
                attached = [w.lower() for w in before] + re.findall(r"[\w'-]+", app.group(1).lower() if app else "")[:6]
                copula = _COPULA.match(para.masked, m.end)
                attached += re.findall(r"[\w'-]+", copula.group(1).lower()) if copula else []
                if any(n in attached for n in nouns):
                    return Attribution(m.name, _role_type(noun, self.sp, head=True))
        return None

    def _named_body(self, pi: int, pos: int) -> Attribution | None:
        """The body named last before *pos*, in this paragraph or the three before it, that the codebook does not
        list: an institution named with "of" ("the Ministry of Roads") or a name ending in a role word of a body
        ("Nord Shipping Company"); typed by its words."""
        for back in range(pi, max(-1, pi - 4), -1):
            para = self.paras[back]
            limit = pos if back == pi else len(para.masked)
            found = [(t.start(), t.group(0)) for t in _OF_NAME.finditer(para.masked, 0, limit)]
            found += [(m.start, m.name) for m in para.mentions if m.kind == "name" and m.end <= limit
                      and " " in m.name and m.name.split()[-1].lower() in _BODY_HEADS]
            if found:
                name = max(found)[1]
                return Attribution(name, _role_type(name, self.sp, head=True))
        return None


@lru_cache(maxsize=4096)
def _titled(noun: str) -> re.Pattern:
    """A body named with *noun* as its head ("Ministry of Lands"), compiled once per noun (see :func:`_cue_re`)."""
    return re.compile(r"\b" + noun.capitalize() + r"\s+(?:of|for)\s+[A-Z][\w'-]*(?:\s+(?:(?:and|of|for|&)\s+)?[A-Z][\w'-]*)*")


def _subject(mention: Mention, pi: int, qi: int, resolver: _Resolver) -> Attribution | None:
    """Who the subject *mention* is: a pronoun resolved, a name described."""
    para = resolver.paras[pi]
    if mention.kind in ("pronoun", "object"):
        return resolver.resolve(pi, mention.start, mention.gender, qi)
    return _describe(mention, para, resolver.sp)


def _post_attribution(pi: int, qi: int, q: _Quote, next_open: int, resolver: _Resolver) -> Attribution | None:
    """Attribution after the closing mark: '," she wrote', '," said Ann Lee, a ...', '?" X asked Y.'"""
    para = resolver.paras[pi]
    quoted = para.text[q.start:q.end].rstrip().rstrip("’'")  # '"... without me,’" she said': the inner quote's mark
    if not q.closed or not quoted or quoted[-1] not in ",?!":
        return None
    close = q.end + 1
    if _NEW_CLAUSE.match(para.masked, close):  # '... a "major outage," while Acme said its "..."': another clause
        return None
    # A '?' or '!' just before the closing mark ends no sentence when the attribution follows.
    later = [s for s in para.starts if s > close and para.text[close:s].strip()]
    region_end = min(next_open, later[0] if later else len(para.text))
    region = para.masked[close:region_end]
    verb = resolver.sp.verb_re.search(region)
    if not verb or len(region[: verb.start()].split()) > 20:
        return _unlisted_verb_attribution(pi, qi, close, region_end, resolver)
    vstart, vend = close + verb.start(), close + verb.end()
    after = [m for m in para.mentions if vend <= m.start < region_end]
    if verb.group(1).lower() in _RECALL_VERBS:
        # '," she recalled him saying': the words are his, recalled by her.
        for m in after:
            if re.match(r"\s+(telling|saying)\b", para.text[m.end:]):
                return _subject(m, pi, qi, resolver)
    age = _AGE_ANAPHOR.search(para.masked[close:vstart])
    if age and not para.masked[close:close + age.start()].strip():  # '," the 24-year-old American said': a person
        return resolver.resolve(pi, close, "person", qi)
    between = _strong([m for m in para.mentions if close <= m.start and m.end <= vstart and m.kind != "object"])
    if between:
        return _subject(_holder(between, para), pi, qi, resolver)
    source = _SOURCE.search(para.masked[close:vstart])
    if source and not para.masked[close:close + source.start()].strip():  # '," a source close to the company said'
        return _description(para.masked[close:vstart], resolver.sp)
    body = _BODY_ANAPHORS.search(para.masked[close:vstart])
    if body:  # '," the statement said'
        return resolver.resolve_body(pi, q.start, body.group(1))
    if _AGE_ANAPHOR.search(para.masked[close:vstart]):  # '," the 24-year-old said'
        return resolver.resolve(pi, close, "person", qi)
    described = _description(para.masked[close:vstart], resolver.sp, bare=True)  # '," the clerk said', '," police said'
    if described:
        return described
    if verb.group(1).lower() in _LISTENER_VERBS:
        return None
    after = _strong([m for m in after if m.kind != "object"])
    if after:
        return _subject(_holder(after, para), pi, qi, resolver)
    if _SOURCE.match(para.masked[vend:region_end].lstrip()):  # '," said a source close to the company'
        return _description(para.masked[vend:region_end], resolver.sp, at_start=True, bare=True)
    body = _BODY_ANAPHORS.match(para.masked[vend:vend + 40].lstrip())
    if body:  # '," said the organization'
        return resolver.resolve_body(pi, q.start, body.group(1))
    return _description(para.masked[vend:region_end], resolver.sp, at_start=True)  # '," said a spokesperson'


def _unlisted_verb_attribution(pi: int, qi: int, close: int, region_end: int, resolver: _Resolver) -> Attribution | None:
    """'," Simone admitted.', '," defence lawyer Ann Lee mentioned in a statement': the first person named
    within six words after the closing mark, followed by a past-tense word that the codebook does not list as a
    speech verb but that stands where one would (it ends the clause or takes a preposition)."""
    para = resolver.paras[pi]
    first = [m for m in para.mentions if close <= m.start < region_end and m.kind != "object"]
    if first and len(para.masked[close:first[0].start].split()) <= 6 and _UNLISTED_VERB.match(para.masked, first[0].end):
        return _subject(first[0], pi, qi, resolver)
    return None


def _parallel_clause_attribution(pi: int, qi: int, q: _Quote, resolver: _Resolver) -> Attribution | None:
    """'Acme pointed to a "major outage," while Roadco said ...': a partial quote followed by another clause
    ("while", "but") is the words of the subject of its own clause: the name right before a past-tense verb
    the codebook does not list, at most three words before the opening mark."""
    para = resolver.paras[pi]
    if not q.closed or not _NEW_CLAUSE.match(para.masked, q.end + 1):
        return None
    sent_start, _ = _sentence_of(para.starts, q.start - 1, len(para.text))
    before = [m for m in para.mentions if sent_start <= m.start and m.end < q.start and m.kind in ("alias", "name", "pronoun")]
    if before and _CLAUSE_VERB.fullmatch(para.masked, before[-1].end, q.start - 1):
        return _subject(before[-1], pi, qi, resolver)
    return None


def _clause_end_attribution(pi: int, qi: int, q: _Quote, resolver: _Resolver) -> Attribution | None:
    """A quote whose attribution closes the reporter's sentence after a comma: 'Engineers "partially refloated"
    the ship, authorities said.', 'X is a "warning", the chief prosecutor said at the courthouse.' The subject
    between the comma and the verb: a person or body named, "the statement", "the 24-year-old", or a
    description by role ("authorities", "the chief prosecutor")."""
    para = resolver.paras[pi]
    begin, end = q.end + 1, _sentence_of(para.starts, q.end, len(para.text))[1]
    if _MARKS.search(para.text[begin:end]):
        return None  # another quote in the sentence: its own attribution speaks for it
    for verb in resolver.sp.verb_re.finditer(para.masked, begin, end):
        if verb.group(1).lower() == "according to":  # '... "sharply", according to the central bank.'
            return _according_to(pi, qi, verb.end(), end, resolver)
        comma = para.masked.rfind(",", begin, verb.start())
        if comma < 0 or len(para.masked[comma:verb.start()].split()) > 9:
            continue
        subject = para.masked[comma + 1:verb.start()]
        named = _strong([m for m in para.mentions if comma < m.start and m.end <= verb.start() and m.kind != "object"])
        if named:
            return _subject(_holder(named, para), pi, qi, resolver)
        body = _BODY_ANAPHORS.search(subject)
        if body:
            return resolver.resolve_body(pi, q.start, body.group(1))
        if _AGE_ANAPHOR.search(subject):
            return resolver.resolve(pi, comma, "person", qi)
        return _description(subject, resolver.sp, bare=True)
    return None


def _according_to(pi: int, qi: int, begin: int, end: int, resolver: _Resolver) -> Attribution | None:
    """Who "according to" names, between *begin* (after it) and *end*: the first person or body named (a body's
    role holder: "according to Acme chief executive Jane Roe"), else an unnamed source or a description ("people
    briefed on the talks", "the central bank"), else a body the article named before ("the statement")."""
    para = resolver.paras[pi]
    words = para.masked[begin:end]
    lead = len(words) - len(words.lstrip())
    source = _SOURCE.match(words, lead)
    after = [m for m in para.mentions if begin <= m.start < end and m.kind != "object"]
    if after and not (source and begin + source.end() > after[0].start):
        return _subject(_holder(after, para), pi, qi, resolver)
    body = _BODY_ANAPHORS.match(words, lead)
    found = resolver.resolve_body(pi, begin, body.group(1)) if body and not source else None
    if found:
        return found
    clause = re.split(r"[,;]", words)[0]
    return _description(clause, resolver.sp, at_start=True, bare=True) \
        or _description(clause + " said", resolver.sp, at_start=True)


def _holder(mentions: list[Mention], para: _Para) -> Mention:
    """The first of *mentions*, unless it is a body or place followed by role words and another name: "Acme chief
    executive Jane Roe", "SCA chairman Ann Lee" is the person."""
    first = mentions[0]
    if len(mentions) > 1 and re.fullmatch(r"(?:'s)?\s+(?:[a-z][\w-]*\s+){1,3}", _norm(para.masked[first.end:mentions[1].start])):
        return mentions[1]
    return first


def _lead_name(text: str, sp: Speakers) -> Attribution | None:
    """A capitalised word that opens the sentence right before its speech verb ("Acme said in a statement:") is
    the speaker's name: a lone capitalised first word is otherwise not taken for a name (:func:`_name_mentions`),
    but one that says something is a subject. Typed by its words (other when they say nothing)."""
    words = text.split()
    while len(words) > 1 and words[-1].lower() in sp.verb_words:
        words.pop()  # "Acme said in a statement:": the verb before the last one
    lead = _LEAD_NAME.fullmatch(" ".join(words) + " ")
    if not lead or lead.group(1) in sp.not_speakers or lead.group(1).lower() in _PRONOUNS:
        return None
    return _named(lead.group(1), sp)


def _pre_attribution(pi: int, qi: int, q: _Quote, prev_close: int, resolver: _Resolver) -> Attribution | None:
    """Attribution before the opening mark, within the same sentence: 'X told her: "', 'calling her a "'."""
    para = resolver.paras[pi]
    open_mark = q.start - 1
    sent_start, _ = _sentence_of(para.starts, open_mark, len(para.text))
    sent_start = _unglued_start(para, sent_start, open_mark)
    begin = max(sent_start, prev_close)
    region = para.masked[begin:open_mark]
    verbs = list(resolver.sp.verb_re.finditer(region))
    if verbs:
        verb = verbs[-1]
        vstart, vend = begin + verb.start(), begin + verb.end()
        if verb.group(1).lower() == "according to":
            return _according_to(pi, qi, vend, open_mark, resolver)
        quoted_as = _QUOTED_AS.search(para.masked, begin, vend)
        if quoted_as and quoted_as.end() >= vend - 1:  # 'Xinhua quoted the ministry as saying "': the ministry
            named = [m for m in para.mentions if quoted_as.start(1) <= m.start and m.end <= quoted_as.end(1) and m.kind != "object"]
            if named:
                return _subject(_holder(named, para), pi, qi, resolver)
            body = _BODY_ANAPHORS.match(quoted_as.group(1))
            return (resolver.resolve_body(pi, quoted_as.start(1), body.group(1)) if body else None) \
                or _description(quoted_as.group(1), resolver.sp, at_start=True, bare=True)
    else:
        tail = _INTRO_TAIL.search(region)  # "..., declaring, '" : a verb the codebook does not list
        if not tail:
            return None
        vstart = begin + tail.start()
    sentence = [m for m in para.mentions if sent_start <= m.start and m.end <= vstart and m.kind != "object"]
    sentence = _strong([m for m in sentence if not _possessive(para, m)] or sentence)
    for m in sentence:  # 'a statement attributed to chairman Ann Lee said "'
        if _ATTRIBUTED_TO.search(para.masked, sent_start, m.start):
            return _subject(m, pi, qi, resolver)
    if not sentence:
        body = _BODY_ANAPHORS.search(para.masked[sent_start:vstart])
        if body:
            return resolver.resolve_body(pi, sent_start, body.group(1))
        if _AGE_ANAPHOR.search(para.masked[sent_start:vstart]):  # 'the 24-year-old phenom said "'
            return resolver.resolve(pi, sent_start, "person", qi)
        return _description(para.masked[sent_start:vstart], resolver.sp, bare=True) \
            or (_lead_name(para.masked[sent_start:vstart], resolver.sp) if verbs else None)  # 'Acme said:'
    last = sentence[-1]
    gap = para.masked[last.end:vstart]
    verb_words = resolver.sp.verb_words
    described = _description(gap, resolver.sp)  # a described subject right before the verb: "..., the clerk said"
    if described and gap.rstrip().lower().endswith(described[0].lower()):
        return described
    if "," not in gap and all(w.lower() in _LINK_WORDS or w.lower() in verb_words for w in re.findall(r"[\w']+", gap)):
        return _subject(last, pi, qi, resolver)
    word_before = re.findall(r"[\w']+", para.masked[sent_start:vstart])
    if word_before and word_before[-1].lower() in ("that", "which", "who"):
        return _subject(last, pi, qi, resolver)
    # the sentence's subject: "The ministry" or "The minister" when the sentence opens with it, else the first name
    opening = para.masked[sent_start:sentence[0].start]
    body = _BODY_ANAPHORS.match(opening.lstrip())
    if body and not _norm(opening.lstrip()[body.end():]).startswith("'s"):
        return resolver.resolve_body(pi, sent_start, body.group(1))
    described = _description(opening, resolver.sp, at_start=True)
    rest = _norm(opening.lstrip()[len(described[0]):]) if described else ""
    if described and re.fullmatch(r"\s*,\s*(?:[A-Z][a-z]{0,4}\.\s*)?", rest):  # "A police spokesperson, Sgt. Ann Lee,"
        named = _subject(sentence[0], pi, qi, resolver)  # the person, of the type the description gives
        return Attribution(named.speaker, described.speaker_type if described.speaker_type != "other" else named.speaker_type) \
            if named else described
    if described and not rest.startswith("'s"):
        return described
    return _subject(sentence[0], pi, qi, resolver)


def _kind(para: _Para, q: _Quote) -> str:
    quoted = para.text[q.start:q.end].lstrip(" [(‘'…")  # "[We're] not just athletes": the editor's bracket
    before = para.text[: q.start - 1].rstrip()
    starts_upper = bool(quoted) and (quoted[0].isupper() or quoted[0].isdigit())
    opens_sentence = before == "" or before[-1] in ",:;.?!”\"" or before.endswith("]")
    return "full" if starts_upper and opens_sentence else "partial"


def _paragraphs(table: pd.DataFrame, markers: tuple[re.Pattern, re.Pattern]):
    """The body paragraphs of each article, article by article: pairs (article, list of _Para), with the
    aggregator's inline *markers* (``inline_markers`` of ``furniture.yml``, and with the space around them, as
    :func:`_markers` gives them) taken out of the text.

    A generator, so that one article's working state is dropped before the next is built.
    """
    need = {"article", "line", "text"}
    missing = need - set(table.columns)
    if missing:
        raise QuoteError(f"extract_quotes needs a lines or sentence table with columns {sorted(need)}; missing {sorted(missing)}")
    if "label" in table.columns:
        table = table[table["label"] == "body"]
    voice = table["voice"] if "voice" in table.columns else pd.Series("", index=table.index)
    outlet = table["quoted_outlet"] if "quoted_outlet" in table.columns else pd.Series("", index=table.index)
    frame = pd.DataFrame({"article": table["article"], "line": table["line"].astype(int), "text": table["text"].fillna(""),
                          "voice": voice.fillna(""), "quoted_outlet": outlet.fillna("")})
    if frame.duplicated(["article", "line"]).any():
        # A sentence table has several rows per line: join them back into the paragraph.
        frame = frame.groupby(["article", "line"], sort=False).agg(
            {"text": " ".join, "voice": "first", "quoted_outlet": "first"}).reset_index()
    by_article: dict[str, list[_Para]] = {}
    marker, spaced = markers
    for row in frame.itertuples(index=False):
        text = str(row.text)
        # the bare marker is searched first (fast: it starts with a literal); without it the spaced one cannot match
        text = (spaced.sub(" ", text) if marker.search(text) else text).strip()
        by_article.setdefault(row.article, []).append(_Para(row.article, int(row.line), text, row.voice, row.quoted_outlet, []))
    yield from by_article.items()


def _prepare(para: _Para, sp: Speakers) -> re.Match | None:
    """Fill in a paragraph's quote spans, masked text, sentence starts and mentions; return the match of an
    embedded post ("text — Name (@handle) date"), whose text is one quote."""
    post = _POST.match(para.text)
    para.spans = [Span(0, len(post.group("post")), True)] if post else find_quote_spans(para.text)
    para.masked = _masked(para.text, para.spans)
    para.starts = _sentence_starts(para.masked)
    para.mentions = _mentions(para.text, para.masked, sp)
    return post


def _find_quotes(paras: list[_Para], sp: Speakers) -> list[_Quote]:
    """The quotes of an article, paragraph by paragraph, before attribution. An embedded post is signed by its
    author; a paragraph that opens with a quote after a paragraph that ended inside one continues it (the
    quotes share ``chain``, the index of the first)."""
    quotes: list[_Quote] = []
    carry = False  # the previous paragraph ended inside a quote
    for pi, para in enumerate(paras):
        post = _prepare(para, sp)
        for si, span in enumerate(para.spans):
            q = _Quote(pi, span.start, span.end, span.closed, "")
            q.kind = _kind(para, q)
            if post:
                q.kind = "full"
                q.attribute(_named(post.group("who").strip(), sp), "post")
            if si == 0 and carry and span.start == 1:
                q.chain = quotes[-1].chain if quotes[-1].chain >= 0 else len(quotes) - 1
                q.kind = "full"
            quotes.append(q)
        carry = bool(para.spans) and not para.spans[-1].closed
        if carry and quotes[-1].chain < 0:
            quotes[-1].chain = len(quotes) - 1
    return quotes


def _inherited(qi: int, q: _Quote, span_index: int, resolver: _Resolver) -> Attribution | None:
    """The previous quote's speaker, when that quote is in the same sentence, or, for a full quote, in the same
    paragraph or (for the paragraph's first quote) in the paragraph before: a speaker's quotes go on without a
    new attribution."""
    if qi == 0:
        return None
    prev, para = resolver.quotes[qi - 1], resolver.paras[q.para]
    same_sentence = prev.para == q.para and \
        _sentence_of(para.starts, prev.start, len(para.text))[0] == _sentence_of(para.starts, q.start, len(para.text))[0]
    neighbour = prev.para == q.para or (prev.para == q.para - 1 and span_index == 0)
    if prev.speaker and (same_sentence or (q.kind == "full" and neighbour)) and not _other_subject_between(prev, q, para):
        return Attribution(prev.speaker, prev.stype)
    return None


def _other_subject_between(prev: _Quote, q: _Quote, para: _Para) -> bool:
    """The reporter's words between two quotes of a paragraph hold a sentence, after the one that attributes the
    first, about another person or body ('..." the statement said. The news marks Lee's fifth win. "...'): the second
    quote is not the first one's continuation."""
    if prev.para != q.para:
        return False
    stops = [s for s in para.starts if prev.end < s < q.start]
    glued = _GLUED_STOP.search(para.masked, prev.end + 1, q.start - 1)
    stops += [glued.end()] if glued else []
    return bool(stops) and any(min(stops) <= m.start and m.end < q.start and m.name != prev.speaker
                              and (m.kind == "alias" or (m.kind == "name" and " " in m.name)) for m in para.mentions)


def _attribute(qi: int, q: _Quote, resolver: _Resolver) -> None:
    """Give one quote the speaker of the first evidence found, in this order: after the closing mark ('," she
    said'), before the opening mark ('She said: "'), at the end of the reporter's sentence ('..., officials said.'),
    else the previous quote's speaker (:func:`_inherited`)."""
    para = resolver.paras[q.para]
    idx = next(i for i, span in enumerate(para.spans) if span.start == q.start)
    next_open = para.spans[idx + 1].start - 1 if idx + 1 < len(para.spans) else len(para.text)
    prev_close = para.spans[idx - 1].end + 1 if idx > 0 else 0
    steps = (("post", lambda: _post_attribution(q.para, qi, q, next_open, resolver)),
             ("pre", lambda: _pre_attribution(q.para, qi, q, prev_close, resolver)),
             ("clause", lambda: _parallel_clause_attribution(q.para, qi, q, resolver)),
             ("clause end", lambda: _clause_end_attribution(q.para, qi, q, resolver)),
             ("inherit", lambda: _inherited(qi, q, idx, resolver)),
             ("description", lambda: _unresolved_body(q, resolver)))
    for how, step in steps:
        found = step()
        if found and found.speaker:
            if how == "inherit" and found.speaker_type == "other":  # '"...," the company said.': what the speaker is
                said = _unresolved_body(q, resolver)
                found = Attribution(found.speaker, said.speaker_type) if said else found
            q.attribute(found, how)
            return


def _unglued_start(para: _Para, start: int, pos: int) -> int:
    """The start of the sentence at *pos* from *start*, its splitter's start, counting a sentence glued to the one
    before it ("the statement said.The news marks ...") as its own."""
    glued = [g.end() for g in _GLUED_STOP.finditer(para.masked, start, pos)]
    return glued[-1] if glued else start


def _unresolved_body(q: _Quote, resolver: _Resolver) -> Attribution | None:
    """Last resort: "the ministry said" right after the quote or opening its sentence, when the article named no
    ministry before and no other evidence speaks: the description as printed ("the ministry", typed by its noun)."""
    para = resolver.paras[q.para]
    begin, end = _sentence_of(para.starts, q.start - 1, len(para.text))
    begin = _unglued_start(para, begin, q.start - 1)
    for part in (para.masked[q.end + 1:end], para.masked[begin:q.start - 1]):
        body = _BODY_ANAPHORS.search(part)
        verb = resolver.sp.verb_re.search(part, body.end()) if body else None
        if body and verb and re.fullmatch(r"\s*(?:(?:of|for)\s+[\w' -]{1,40}|,\s*(?:which|who|that)\s[^,]{1,60},)?\s*",
                                          part[body.end():verb.start()]):
            return _description(part[body.start():verb.start()], resolver.sp)
    return None


def _share_chain_speakers(quotes: list[_Quote]) -> None:
    """A quote running over several paragraphs has one speaker, wherever its attribution stands."""
    chains: dict[int, list[_Quote]] = {}
    for q in quotes:
        if q.chain >= 0:
            chains.setdefault(q.chain, []).append(q)
    for members in chains.values():
        known = [m for m in members if m.speaker]
        for m in members if known else []:
            if not m.speaker:
                m.attribute(Attribution(known[0].speaker, known[0].stype), "chain")


def _attribute_article(paras: list[_Para], sp: Speakers) -> list[_Quote]:
    """Every quote of one article with its speaker, in reading order.

    The steps: find the quotes (:func:`_find_quotes`), attribute each by the evidence around it
    (:func:`_attribute`), give a quote running over paragraphs one speaker (:func:`_share_chain_speakers`), look
    next door for full quotes still without one (:func:`_nearby_attribution`), add the paragraphs printed as
    quotes without marks (:func:`_with_block_quotes`), and give a speaker named by surname the full name used
    earlier (:func:`_full_names`).
    """
    quotes = _find_quotes(paras, sp)
    _surname_mentions(paras, sp)
    resolver = _Resolver(paras, quotes, sp)
    for qi, q in enumerate(quotes):
        if q.how != "post":
            _attribute(qi, q, resolver)
    _share_chain_speakers(quotes)
    _nearby_attribution(paras, quotes, resolver)
    quotes = _with_block_quotes(paras, quotes, resolver)
    _full_names(paras, quotes, sp)
    _named_descriptions(paras, quotes, sp)
    _full_body_names(paras, quotes, sp)
    _misspelt_actors(quotes, sp)
    _article_types(paras, quotes, sp)
    return quotes


# A name printed with its initials after it: "the Federal Trade Commission (FTC)", "X and Y Agency (XYA)".
_WITH_INITIALS = re.compile(r"((?:[A-Z][\w'-]*\s+)(?:(?:of|and|for|on|the|&)\s+|[A-Z][\w'-]*\s+)*?[A-Z][\w'-]*)\s*\(([A-Z]{2,6})\)")


# Capitalised words joined by "and" or "&" (and "of", "for" after them): "Securities and Exchange Commission".
_JOINED_NAME = re.compile(r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*\s+(?:and|&)\s+[A-Z][\w'-]*(?:\s+(?:(?:of|for|the)\s+)*[A-Z][\w'-]*)*")


# The end of a sentence glued to the next one ("the statement said.The news ..."), which the splitter keeps whole.
_GLUED_STOP = re.compile(r"(?<=[a-z])[.!?][\"”’)]*(?=[A-Z])")


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _full_body_names(paras: list[_Para], quotes: list[_Quote], sp: Speakers) -> None:
    """A body the article names in full once and then by its initials ("the Federal Aviation Administration"
    ... "the FAA said") is named in full; so is a speaker cut short by an "and" inside a name printed with its
    initials ("the X and Y Agency (XYA) said" gives "X" alone)."""
    full: dict[str, str] = {}
    spans: list[str] = []
    cues = {c for role in sp.roles for c in role.cues}
    for para in paras:
        for t in _WITH_INITIALS.finditer(para.masked):
            name = re.sub(r"^(?:The|the)\s+", "", t.group(1))
            spans.append(name)
            full.setdefault(t.group(2), name)
        # a body's name with "and" in it ("the Securities and Exchange Commission"): its last word a role word
        spans += [re.sub(r"^(?:The|the)\s+", "", t.group(0)) for t in _JOINED_NAME.finditer(para.masked)
                  if t.group(0).split()[-1].lower() in cues]
        spans += [t.group(0) for t in _OF_NAME.finditer(para.masked)]  # "the Department of Health said": its name
        for m in para.mentions:
            if m.kind == "name" and len(m.name.split()) >= 2 and len(_initials(m.name)) >= 2:
                full.setdefault(_initials(m.name), m.name)
    for q in quotes:
        if not q.speaker or q.speaker in sp.actors:
            continue
        if _OF_NAME.fullmatch(q.speaker, 4) and q.speaker[:4].lower() == "the ":  # "the Ministry of X": its name
            q.speaker = q.speaker[4:]
        if q.speaker in full and full[q.speaker] != q.speaker:
            q.speaker = full[q.speaker]
        else:
            longer = [n for n in spans if n.startswith(q.speaker + " ") or n.endswith(" " + q.speaker)]
            if longer:
                q.speaker = longer[0]
        if q.stype == "other":
            q.stype = _role_type(q.speaker, sp)


@lru_cache(maxsize=4096)
def _cue_re(cue: str, plural: bool = True) -> re.Pattern:
    """A role cue as a word (plural too when *plural*), compiled once per cue: the re module's own cache (512
    patterns, the oldest dropped first) is flushed by the per-article surname patterns."""
    return re.compile(r"(?<![\w-])" + re.escape(cue) + (r"s?(?![\w-])" if plural else ""))


def _role_cues(text: str, sp: Speakers) -> set[str]:
    """The role words of the codebook in *text* (lower case, singular or plural)."""
    low = _norm(text).lower()
    return {c for role in sp.roles for c in role.cues if _cue_re(c).search(low)}


def _role_run(text: str, cue_words: set[str]) -> str:
    """The words right before a name that belong to it: capitalised words and role words ("Acme CEO", "chief
    executive", "co-founder"), up to the first other word ("The minister thanked")."""
    words = re.findall(r"[\w'’-]+", text)
    k = len(words)
    while k > 0 and (words[k - 1][:1].isupper() or words[k - 1].lower() in cue_words):
        k -= 1
    return " ".join(words[k:])


def _named_descriptions(paras: list[_Para], quotes: list[_Quote], sp: Speakers) -> None:
    """A speaker described ("the CEO of Acme", "the minister") whom the article names elsewhere with the same
    role word ("Acme CEO Ann Lee", "Ann Lee, the minister,") is that person, when exactly one person fits; a body
    named in the description must be named with them."""
    people: dict[str, str] = {}  # full name -> the words attached to its mentions
    cue_words = {w for role in sp.roles for c in role.cues for w in c.split()}
    for para in paras:
        for m in para.mentions:
            if (m.kind == "name" and len(m.name.split()) >= 2) or (m.kind == "alias" and m.gender != "none"):
                app = _APPOSITIVE.match(para.masked, m.end)
                # the appositive up to the end of its sentence (", his trading firm. As prosecutors ..." is not his)
                before = _role_run(re.split(r"[.!?”]\s", para.masked[max(0, m.start - 40): m.start])[-1], cue_words)
                held = _AS_ROLE.match(para.masked, m.end)  # "Ann Lee is resigning as CEO"
                attached = before + " " + para.masked[m.start:m.end] + " " + (re.split(r"\.\s", app.group(1))[0] if app else "") \
                    + (" " + held.group(1) if held else "")
                people[m.name] = people.get(m.name, "") + " | " + attached
    for q in quotes:
        if not q.speaker or q.speaker in sp.actors or not re.match(r"(?:the|a|an)\s", q.speaker, re.IGNORECASE):
            continue
        body = re.search(r"\s(?:of|at|for)\s+(?:the\s+)?(.+)$", q.speaker)
        role = _norm(q.speaker[: body.start()] if body else q.speaker).lower()
        # the head noun of the description: the role word that ends last ("the chief government prosecutor")
        ends = [(m.end(), c) for c in _role_cues(role, sp) for m in _cue_re(c, False).finditer(role)]
        cues = {max(ends)[1]} if ends else set()
        if not cues and role.split()[-1:] and role.split()[-1] in _HEAD_NOUNS and body:
            cues = _role_cues(" ".join(_role_cues(" | ".join(people.values()), sp)), sp) & _TOP_ROLES  # "the head of X"
        fits = [name for name, words in people.items() if name not in q.speaker
                and cues & _role_cues(words, sp) and (not body or body.group(1).lower() in words.lower())]
        if cues and len(fits) == 1:
            q.speaker = fits[0]


def _surname_mentions(paras: list[_Para], sp: Speakers) -> None:
    """A person named in full once ("George Lee") and later by surname alone ("Lee said", also at the start of a
    sentence, where a lone capitalised word is otherwise not taken for a name) is one person: the surname's
    mentions carry the full name, so a pronoun or a verb finds the person, not a nearby body or programme."""
    full: dict[str, str] = {}
    single: set[str] = set()
    for para in paras:
        for m in para.mentions:
            words = m.name.split()
            if m.kind == "name" and len(words) >= 2 and words[-1].isalpha() and words[-1] not in sp.not_speakers:
                full.setdefault(words[-1], m.name)
            elif m.kind == "name" and len(words) == 1 and words[0] not in sp.not_speakers:
                single.add(words[0])  # a one-word name met inside a sentence ("the CEO of Acme")
    full.update({w: w for w in single if w not in full})
    if not full:
        return
    found = _occurrences([_norm(para.masked) for para in paras], full, before="'-", after="-")
    for para, hits in zip(paras, found):
        for m in para.mentions:
            if m.kind == "name" and m.name in full:
                m.name = full[m.name]
        taken = [(m.start, m.end) for m in para.mentions]
        added = [Mention(start, end, full[word], "name", "any") for start, end, word in hits
                 if not any(lo < end and start < hi for lo, hi in taken)
                 and (full[word] != word or _ends_sentence(para.masked[: start]))]
        if added:
            para.mentions = sorted(para.mentions + added, key=lambda x: x.start)


def _article_types(paras: list[_Para], quotes: list[_Quote], sp: Speakers) -> None:
    """A speaker the codebook does not list whose words at the quote give no type takes the type the words
    attached to another mention of them in the article give ("CEO Ann Lee" in the lead, "Lee said" later)."""
    for q in quotes:
        if q.stype != "other" or not q.speaker or q.speaker in sp.actors or q.speaker == "unattributed":
            continue
        for para in paras:
            typed = [t for t in (_described_type(m, para, sp) for m in para.mentions
                                 if m.kind == "name" and m.name == q.speaker) if t != "other"]
            if typed:
                q.stype = typed[0]
                break


def _described_type(m: Mention, para: _Para, sp: Speakers) -> str:
    """The type the words attached to a name give (:func:`_describe`), else a role taken or left ("resigned as
    CEO"), else a description set before the name between commas ("showed the firm's lawyer, Ann Lee, in ...")."""
    stype = _describe(m, para, sp).speaker_type
    held = _AS_ROLE.match(para.masked, m.end)
    if stype == "other" and held:
        stype = _role_type(held.group(1), sp)
    if stype == "other" and para.masked[m.end:m.end + 1] == "," and para.masked[:m.start].rstrip().endswith(","):
        lead = re.split(r"[,.;:]", para.masked[max(0, m.start - 80): m.start].rstrip()[:-1])[-1]
        stype = _role_type(" ".join(lead.split()[-6:]), sp)
    return stype


def _nearby_attribution(paras: list[_Para], quotes: list[_Quote], resolver: _Resolver) -> None:
    """Full quotes still without a speaker take the one named next door: the sentence right after the quote
    when it says who spoke ('"..." The ministry said so on Monday.'), or, for a paragraph that opens with the
    quote (closed or cut off by the end of the capture), the last sentence of the paragraph before when it
    introduces speech ('... announced in a tweet.'). That sentence is kept as the quote's evidence."""
    verb_re = resolver.sp.verb_re
    for qi, q in enumerate(quotes):
        if q.speaker or q.kind != "full" or q.how == "post":
            continue
        para = paras[q.para]
        _, end = _sentence_of(para.starts, q.end, len(para.text))
        nxt_end = _sentence_of(para.starts, end, len(para.text))[1] if end < len(para.text) else end
        after = para.masked[end:nxt_end]
        if q.closed and end < len(para.text) and not _MARKS.search(para.text[end:nxt_end]) and verb_re.search(after):
            vpos = end + verb_re.search(after).start()
            who = _strong([m for m in para.mentions if end <= m.start and m.end <= vpos and m.kind != "object"])
            if who:
                found = _subject(who[0], q.para, qi, resolver)
                if found and found.speaker:
                    q.attribute(found, "next sentence", para.text[end:nxt_end].strip())
                continue
        if q.start == 1 and q.para > 0:
            prev = paras[q.para - 1]
            if prev.spans or not prev.text:
                continue
            last_start = max(prev.starts)
            if verb_re.search(prev.masked[last_start:]):
                intro = _Quote(q.para - 1, len(prev.text) + 1, len(prev.text) + 1, True, "full")
                found = _pre_attribution(q.para - 1, qi, intro, 0, resolver)
                if found and found.speaker:
                    q.attribute(found, "previous paragraph", prev.text[last_start:].strip())


def _full_names(paras: list[_Para], quotes: list[_Quote], sp: Speakers) -> None:
    """A speaker named once in full and then by surname alone ("Ann Lee" ... "Lee said") is
    one person: the quotes by the surname get the full name, and the type the full mention's words give."""
    full: dict[str, tuple[Mention, _Para]] = {}
    for para in paras:
        for m in para.mentions:
            if m.kind == "name" and " " in m.name:
                full.setdefault(m.name.split()[-1], (m, para))
    for q in quotes:
        if q.speaker and " " not in q.speaker and q.speaker not in sp.actors and q.speaker in full:
            m, para = full[q.speaker]
            q.speaker, q.stype = _describe(m, para, sp)


def _misspelt_actors(quotes: list[_Quote], sp: Speakers) -> None:
    """A speaker the codebook does not list whose name differs from a listed person's in one word, by a letter or
    two ("Damien Williams" for "Damian Williams"), is that person: a misspelling, not somebody else."""
    people = [n for n, a in sp.actors.items() if a["gender"] != "none" and " " in n]
    for q in quotes:
        if not q.speaker or q.speaker in sp.actors or " " not in q.speaker:
            continue
        words = q.speaker.split()
        for name in people:
            other = name.split()
            diff = [(a, b) for a, b in zip(words, other) if a != b]
            if len(other) == len(words) and len(diff) == 1 and diff[0][0][:1] == diff[0][1][:1] \
                    and len(diff[0][0]) >= 4 and SequenceMatcher(None, *diff[0]).ratio() >= 0.8:
                q.speaker, q.stype = name, sp.actors[name]["type"]
                break


def _named(who: str, sp: Speakers) -> Attribution:
    """A speaker given by name: the codebook's actor if it lists the name, else the name and the type its
    words give."""
    name = sp.alias_to_name.get(_norm(who).lower())
    return Attribution(name, sp.actors[name]["type"]) if name else Attribution(who, _role_type(who, sp))


def _block_speaker(pi: int, quotes_by_para: dict[int, list[_Quote]], resolver: _Resolver) -> tuple[Attribution | None, str]:
    """The speaker of paragraph *pi* if it is a block quote (see :func:`_with_block_quotes`), and the evidence."""
    paras = resolver.paras
    para, prev = paras[pi], paras[pi - 1]
    if prev.text.rstrip().endswith(":") and not prev.spans:
        intro = _Quote(pi - 1, len(prev.text.rstrip()) + 1, len(prev.text.rstrip()) + 1, True, "full")
        return _pre_attribution(pi - 1, len(resolver.quotes), intro, 0, resolver), prev.text[max(prev.starts):].strip()
    if _FIRST_PERSON.search(para.text) and quotes_by_para.get(pi - 1) and pi + 1 < len(paras) \
            and paras[pi + 1].spans and paras[pi + 1].spans[0].start == 1:
        last = quotes_by_para[pi - 1][-1]
        if last.kind == "full" and last.speaker and not _MARKS.search(prev.text[last.end + 1:]):
            return Attribution(last.speaker, last.stype), last.evidence
    return None, ""


def _with_block_quotes(paras: list[_Para], quotes: list[_Quote], resolver: _Resolver) -> list[_Quote]:
    """Add the paragraphs printed as quotes without marks, and sort all quotes in reading order.

    A block quote is a body paragraph without quotation marks (in the outlet's own voice) that either follows
    a paragraph ending with a colon after a speech verb ("..., the coach wrote:"), or is in the first person and
    stands between a paragraph that ends with a speaker's quote and one that opens with a quote; the
    following unattributed quote is the same speaker's.
    """
    by_para: dict[int, list[_Quote]] = {}
    for q in quotes:
        by_para.setdefault(q.para, []).append(q)
    blocks = []
    for pi in range(1, len(paras)):
        para = paras[pi]
        if para.spans or para.voice == "quoted" or not para.text or any(b.para == pi for b in blocks[-3:]):
            continue
        found, evidence = _block_speaker(pi, by_para, resolver)
        if not found or not found.speaker:
            continue
        q = _Quote(pi, 0, len(para.text), True, "full")
        q.attribute(found, "block", evidence)
        blocks.append(q)
        # the statement goes on in the next paragraphs, in the issuer's first person and without marks
        for nxt in range(pi + 1, len(paras)):
            more = paras[nxt]
            if more.spans or more.voice == "quoted" or not _FIRST_PERSON_ANY.search(more.text):
                break
            blocks.append(_Quote(nxt, 0, len(more.text), True, "full"))
            blocks[-1].attribute(found, "block", evidence)
        following = by_para.get(pi + 1, [])
        if following and not following[0].speaker and following[0].kind == "full" and following[0].start == 1:
            following[0].attribute(found, "inherit", evidence)
    return sorted(quotes + blocks, key=lambda q: (q.para, q.start))


def _is_title(text: str) -> bool:
    """One to three words, each capitalised: a name or a title, not somebody's words."""
    words = re.findall(r"[\w'’-]+", text)
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words)


def _quote_row(article: str, para: _Para, q: _Quote) -> dict:
    """One row of the quote table; the evidence is the quote's sentence(s), with the attribution's sentence
    when that stands elsewhere (the paragraph before comes first)."""
    begin, _ = _sentence_of(para.starts, max(0, q.start - 1), len(para.text))
    _, end = _sentence_of(para.starts, q.end, len(para.text))
    evidence = para.text[begin:end].strip()
    if q.evidence and q.evidence not in evidence:
        evidence = f"{q.evidence} … {evidence}" if q.how in ("previous paragraph", "block") else f"{evidence} … {q.evidence}"
    return {"article": article, "line": para.line, "quote": para.text[q.start:q.end], "speaker": q.speaker,
            "speaker_type": q.stype, "kind": q.kind, "voice": para.voice, "quoted_outlet": para.quoted_outlet,
            "evidence": evidence}


def _markers(data_dir) -> tuple[re.Pattern, re.Pattern]:
    """The furniture codebook's inline markers as one pattern, and as one that also takes the space around them;
    none when no data folder is given or found (a table and a codebook passed in, nothing on disk)."""
    try:
        found = inline_markers(data_dir=data_dir)
    except CorpusError:
        if data_dir is not None:
            raise
        return re.compile("(?!)"), re.compile("(?!)")
    return found, re.compile(r"\s*(?:" + found.pattern + r")\s*", found.flags)


def extract_quotes(lines: pd.DataFrame, speakers: dict | Speakers | None = None, *, data_dir=None) -> pd.DataFrame:
    """Every direct quotation in body text, with its speaker.

    Parameters
    ----------
    lines : DataFrame with ``article``, ``line``, ``text`` and optionally ``label``
        (only ``body`` rows are used), ``voice`` and ``quoted_outlet``: ``corpus.lines``, the output of
        :func:`newslens.corpus.body_lines` or of :func:`newslens.text.sentence_table` (sentences are
        joined back into their line, because a quote and its attribution often span sentences).
    speakers : the speakers codebook as a dict (the parsed ``speakers.yml``) or compiled with
        :func:`load_speakers`; default: ``speakers.yml`` of *data_dir*.
    data_dir : the data folder whose codebooks are read: ``speakers.yml`` when *speakers* is not given, and the
        ``inline_markers`` of ``furniture.yml`` (an aggregator's "[Source]"), taken out of the text; default: the
        ``data/`` folder found from the working directory.

    Returns
    -------
    DataFrame with ``article``, ``line``, ``quote`` (the exact text between the marks), ``speaker``
    (canonical name from the codebook, or the name as printed), ``speaker_type``, ``kind``
    (``full``: the quote is a sentence or more; ``partial``: a fragment inside the reporter's
    sentence), ``voice`` and ``quoted_outlet`` of the line (for an aggregator, the outlet it quotes),
    and ``evidence`` (the sentence with the quote and its attribution; an attribution found in the next
    sentence or the paragraph before is added, joined by " … "), in corpus order.
    Quoted terms that nobody is said to have said (scare quotes) are left out; a full quote with no
    attribution at all is kept with speaker ``unattributed`` and type ``other``.
    """
    sp = speakers if isinstance(speakers, Speakers) else load_speakers(speakers, data_dir=data_dir)
    rows = []
    for article, paras in _paragraphs(lines, _markers(data_dir)):
        for q in _attribute_article(paras, sp):
            para = paras[q.para]
            if q.kind == "partial" and _is_title(para.text[q.start:q.end]):
                continue  # a name or title in quotation marks (a ship's name, a programme's name)
            if not q.speaker:
                if q.kind == "partial":
                    continue
                q.attribute(Attribution("unattributed", "other"), "none")
            rows.append(_quote_row(article, para, q))
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


# --------------------------------------------------------------------------- summaries


def share_of_voice(quotes: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quoted words per article and speaker type (counts and % of the article's quoted words).

    Returns a long DataFrame: ``article``, ``speaker_type``, ``quotes``, ``words``, ``share`` (%),
    sorted by article (manifest order if *articles* is given) and speaker type.
    """
    missing = {"article", "quote", "speaker_type"} - set(quotes.columns)
    if missing:
        raise QuoteError(f"share_of_voice needs the table from extract_quotes; missing columns {sorted(missing)}")
    q = quotes.assign(words=[word_count(t) for t in quotes["quote"]])
    out = q.groupby(["article", "speaker_type"]).agg(quotes=("quote", "size"), words=("words", "sum")).reset_index()
    out["share"] = (100 * out["words"] / out.groupby("article")["words"].transform("sum")).round(1)
    order = list(articles.index) if articles is not None else sorted(out["article"].unique())
    out["_o"] = out["article"].map({a: i for i, a in enumerate(order)})
    return out.sort_values(["_o", "speaker_type"]).drop(columns="_o").reset_index(drop=True)


def speaker_type_names(book: dict) -> dict[str, str]:
    """Speaker type -> the name readers see, for every type of a speakers codebook (``load_codebook("speakers")``):
    its entry under ``speaker_type_labels``, else the type with "_" as spaces ("city_council" -> "city council")."""
    given = book.get("speaker_type_labels") or {}
    return {str(t): str(given.get(t) or str(t).replace("_", " ")) for t in book.get("speaker_types") or []}


def quote_summary(quotes: pd.DataFrame, articles: pd.DataFrame, *, focus=()) -> pd.DataFrame:
    """Quotes per article: ``quotes``, ``full``, ``partial``, ``words`` (quoted words), ``speakers``
    (distinct), ``focus_quotes`` and ``focus_words`` (quotes and words of the speaker types in *focus*, the
    story's central person(s) as ``speakers.yml`` names them under ``focus:``; zero when *focus* is empty);
    indexed by ``article`` in the order of *articles*, articles without quotes included with zeros."""
    q = quotes.assign(words=[word_count(t) for t in quotes["quote"]])
    acc = q[q["speaker_type"].isin(list(focus))]
    out = pd.DataFrame(index=articles.index)
    out["quotes"] = q.groupby("article").size()
    out["full"] = q[q["kind"] == "full"].groupby("article").size()
    out["partial"] = q[q["kind"] == "partial"].groupby("article").size()
    out["words"] = q.groupby("article")["words"].sum()
    out["speakers"] = q[q["speaker"] != "unattributed"].groupby("article")["speaker"].nunique()
    out["focus_quotes"] = acc.groupby("article").size()
    out["focus_words"] = acc.groupby("article")["words"].sum()
    return out.fillna(0).astype(int)


def exclusive_speakers(quotes: pd.DataFrame) -> pd.DataFrame:
    """Speakers quoted by exactly one article: ``speaker``, ``speaker_type``, ``article``, ``quotes``,
    ``words`` and ``example`` (the longest quote), sorted by article and speaker."""
    q = quotes[quotes["speaker"] != "unattributed"].assign(words=[word_count(t) for t in quotes.loc[quotes["speaker"] != "unattributed", "quote"]])
    n_articles = q.groupby("speaker")["article"].nunique()
    only = q[q["speaker"].isin(n_articles[n_articles == 1].index)]
    rows = []
    for (article, speaker), g in only.groupby(["article", "speaker"], sort=True):
        longest = g.loc[g["words"].idxmax(), "quote"]
        rows.append((speaker, g["speaker_type"].iloc[0], article, len(g), int(g["words"].sum()), longest))
    return pd.DataFrame(rows, columns=["speaker", "speaker_type", "article", "quotes", "words", "example"]).sort_values(
        ["article", "speaker"]).reset_index(drop=True)


def _key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", _norm(text)).strip().lower()


def match_quotes(found: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Pair extracted quotes with reference quotes (same article and line, same words once
    punctuation and case are ignored). Returns an outer join with ``status`` ``match``,
    ``missed`` (only in the reference) or ``extra`` (only found), and both speaker types."""
    def keyed(df):
        return df.assign(line=df["line"].astype(int), key=[_key(t) for t in df["quote"]])[
            ["article", "line", "key", "quote", "speaker", "speaker_type", "kind"]]
    a, b = keyed(found), keyed(reference)
    a["n"] = a.groupby(["article", "line", "key"]).cumcount()
    b["n"] = b.groupby(["article", "line", "key"]).cumcount()
    m = a.merge(b, on=["article", "line", "key", "n"], how="outer", suffixes=("_found", "_ref"), indicator=True)
    m["status"] = m["_merge"].map({"both": "match", "left_only": "extra", "right_only": "missed"}).astype(str)
    return m.drop(columns=["_merge", "n"]).sort_values(["article", "line", "key"]).reset_index(drop=True)
