"""Check the shape of a story's codebooks before any analysis reads them.

The analyses compile their own codebook and reject most mistakes with a message; this module
checks, in one place and up front, the shapes they take for granted (a list where a list is read,
a regular expression that compiles, a named group the aggregator rule needs), so that a codebook
mistake always stops ``newslens export`` with one line naming the file and the entry.
"""
from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from newslens.corpus import CorpusError, compile_regex, find_data_dir, load_codebook, parse_date
from newslens.coverage import DEFAULT_WINDOW
from newslens.errors import InputError, TableError
from newslens.framing import FramingError, compile_codebook
from newslens.text import LemmaCue

#: The codebooks of a story, in the order the chapters use them.
CODEBOOKS = ("furniture", "events", "facts", "actors", "speakers", "wording", "terms", "frames")


class _Where:
    """A location inside one codebook, for messages: ``path: facts #2 (id 'x'): patterns``."""

    def __init__(self, path: Path, parts: tuple[str, ...] = ()):
        self.path, self.parts = path, parts

    def __truediv__(self, part: str) -> _Where:
        return _Where(self.path, (*self.parts, part))

    def __str__(self) -> str:
        return ": ".join((str(self.path), *self.parts))

    def error(self, problem: str) -> CorpusError:
        return CorpusError(f"{self}: {problem}")


def _mapping(value: Any, where: _Where, keys: Iterable[str] | None = None) -> dict:
    """*value* as a mapping; with *keys*, every key must be one of them (a misspelt key would be ignored)."""
    if not isinstance(value, dict):
        raise where.error(f"expected a mapping (key: value lines), got {_kind(value)}")
    if keys is not None:
        _known(value, tuple(keys), where)
    return value


def _known(mapping: dict, keys: tuple[str, ...], where: _Where, *, also: frozenset = frozenset()) -> None:
    for key in mapping:
        if key in keys or key in also:
            continue
        near = difflib.get_close_matches(str(key), keys, n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"the keys here are {', '.join(keys)}"
        raise where.error(f"unknown key {key!r}; {hint}")


def _aliased(book: dict) -> frozenset:
    """Top-level keys that only hold a YAML anchor (``name: &name [...]``) reused elsewhere with ``*name``.

    PyYAML gives an alias the very object of its anchor, so such a value is met twice in the tree.
    """
    seen: dict[int, int] = {}
    todo = [book]
    while todo:
        v = todo.pop()
        if isinstance(v, (dict, list)):
            seen[id(v)] = seen.get(id(v), 0) + 1
            if seen[id(v)] == 1:
                todo += list(v.values()) if isinstance(v, dict) else list(v)
    return frozenset(k for k, v in book.items() if isinstance(v, (dict, list)) and seen.get(id(v), 0) > 1)


def _list(value: Any, where: _Where, *, empty: bool = True) -> list:
    if not isinstance(value, list) or (not empty and not value):
        raise where.error(f"expected a {'' if empty else 'non-empty '}list, got {_kind(value)}")
    return value


def _text(value: Any, where: _Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"expected a non-empty text, got {_kind(value)}")
    return value


def _regex(value: Any, where: _Where, group: str | None = None) -> None:
    _text(value, where)
    compiled = compile_regex(value, where=str(where), what="", flags=0)
    if group and group not in compiled.groupindex:
        raise where.error(f"{value!r} needs a named group (?P<{group}>...)")


def _word(value: Any, where: _Where) -> None:
    # YAML 1.1 reads a bare On, Off, Yes or No as true/false: the word itself would be lost
    if isinstance(value, bool):
        raise where.error(f"YAML read this word as {str(value).lower()}; put it in quotes (for example \"On\")")
    # numbers are read with str(): 2021 stays the word "2021"
    if value is None or isinstance(value, (dict, list)) or not str(value).strip():
        raise where.error(f"expected a word or phrase, got {_kind(value)}")


def _texts(value: Any, where: _Where, *, regex: bool = False, empty: bool = True) -> None:
    for i, v in enumerate(_list(value, where, empty=empty), 1):
        (_regex if regex else _word)(v, where / f"entry {i}")


def _date(value: Any, where: _Where) -> None:
    try:
        parse_date(value)
    except CorpusError:
        raise where.error(f"expected a date (YYYY-MM-DD), got {_kind(value)}") from None


def _number(value: Any, where: _Where, *, whole: bool = False) -> None:
    ok = isinstance(value, int) if whole else isinstance(value, (int, float))
    if not ok or isinstance(value, bool):
        raise where.error(f"expected a {'whole ' if whole else ''}number, got {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 40 else "a text"
    if isinstance(value, _dt.datetime):
        return f"a date with a time ({value.isoformat(sep=' ')})"
    return {dict: "a mapping", list: "a list", bool: "true/false", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _entries(book: dict, key: str, where: _Where, *, name_key: str = "id", keys: Iterable[str] | None = None,
             unique: bool = True) -> Iterable[tuple[dict, _Where]]:
    """Each entry of the list *book[key]*, with its location; with *keys*, the keys an entry may have;
    with *unique*, no two entries share a *name_key*."""
    first: dict = {}
    for i, entry in enumerate(_list(book.get(key), where / key, empty=False), 1):
        label = entry.get(name_key) if isinstance(entry, dict) else None
        w = where / (f"{key} #{i}" + (f" ({name_key} {label!r})" if label else ""))
        _mapping(entry, w, keys)
        if unique and label is not None:
            try:
                if label in first:
                    raise (w / name_key).error(f"duplicate {name_key} {label!r} (first at {key} #{first[label]}); each must be unique")
                first[label] = i
            except TypeError:  # an unhashable id is reported by the entry's own check
                pass
        yield entry, w


def _optional(spec: dict, key: str, where: _Where, check: Callable[..., None], **kw) -> None:
    if key in spec:
        check(spec[key], where / key, **kw)


# --------------------------------------------------------------------------- one check per codebook


def _furniture(book: dict, w: _Where) -> None:
    _known(book, ("boilerplate", "caption", "byline", "inline_markers", "block_quotes"), w, also=_aliased(book))
    for key in ("boilerplate", "caption", "byline", "inline_markers"):
        _optional(book, key, w, _texts, regex=True)
    if "block_quotes" in book:
        bq = _mapping(book["block_quotes"], w / "block_quotes", ("intro", "end", "continuation"))
        for i, p in enumerate(_list(bq.get("intro", []), w / "block_quotes" / "intro"), 1):
            _regex(p, w / "block_quotes" / f"intro {i}", group="outlet")
        for key in ("end", "continuation"):
            _optional(bq, key, w / "block_quotes", _regex)


def _events(book: dict, w: _Where) -> None:
    _known(book, ("story", "events"), w, also=_aliased(book))
    for ev, ew in _entries(book, "events", w, keys=("id", "date", "end", "label")):
        _text(ev.get("id"), ew / "id")
        _date(ev.get("date"), ew / "date")
        _optional(ev, "end", ew, _date)
        _text(ev.get("label"), ew / "label")


_PATTERN_KEYS = ("any", "words", "lemmas", "window", "with", "without")


def _pattern(spec: Any, where: _Where) -> None:
    if isinstance(spec, str):
        return _regex(spec, where)
    spec = _mapping(spec, where, _PATTERN_KEYS)
    if not any(k in spec for k in ("any", "words", "lemmas")):
        raise where.error("a pattern needs 'any' (regexes), 'words' (literal words) or 'lemmas' (word sets)")
    for key in ("any", "with", "without"):
        _optional(spec, key, where, _texts, regex=True)
    _optional(spec, "words", where, _texts)
    if "lemmas" in spec:
        _lemmas(spec["lemmas"], spec.get("window", DEFAULT_WINDOW), where)
    elif "window" in spec:
        raise (where / "window").error("belongs to a 'lemmas' cue; add 'lemmas' or remove 'window'")


def _lemmas(slots: Any, window: Any, where: _Where) -> None:
    for i, slot in enumerate(_list(slots, where / "lemmas", empty=False), 1):
        sw = where / "lemmas" / f"slot {i}"
        if isinstance(slot, list):
            _texts(slot, sw, empty=False)
        else:
            _word(slot, sw)
    try:
        LemmaCue.compile(slots, window)
    except InputError as exc:
        raise (where / "lemmas").error(str(exc)) from None


def _facts(book: dict, w: _Where) -> None:
    _known(book, ("facts",), w, also=_aliased(book))
    for fact, fw in _entries(book, "facts", w, keys=("id", "definition", "event", "exclude", "patterns")):
        _text(fact.get("id"), fw / "id")
        _text(fact.get("definition"), fw / "definition")
        _optional(fact, "event", fw, _text)
        _optional(fact, "exclude", fw, _texts, regex=True)
        for i, p in enumerate(_list(fact.get("patterns"), fw / "patterns", empty=False), 1):
            _pattern(p, fw / f"pattern {i}")


def _actors(book: dict, w: _Where) -> None:
    _known(book, ("actors", "ignore"), w, also=_aliased(book))
    keys = ("id", "name", "kind", "role", "speaker_type", "aliases", "surnames", "patterns", "surname_intro")
    for actor, aw in _entries(book, "actors", w, keys=keys):
        _text(actor.get("id"), aw / "id")
        for key in ("name", "kind", "role", "speaker_type"):
            _optional(actor, key, aw, _text)
        for key in ("aliases", "surnames"):
            _optional(actor, key, aw, _texts)
        for key in ("patterns", "surname_intro"):
            _optional(actor, key, aw, _texts, regex=True)
    _optional(book, "ignore", w, _texts)


def _speakers(book: dict, w: _Where) -> None:
    _known(book, ("speaker_types", "focus", "actors", "roles", "not_speakers", "titles", "speech_verbs"), w, also=_aliased(book))
    _texts(book.get("speaker_types"), w / "speaker_types", empty=False)
    types = set(book["speaker_types"])
    for actor, aw in _entries(book, "actors", w, name_key="name", keys=("name", "type", "gender", "aliases")):
        _text(actor.get("name"), aw / "name")
        if actor.get("type") not in types:
            raise (aw / "type").error(f"{actor.get('type')!r} is not one of speaker_types")
        if actor.get("gender", "none") not in ("female", "male", "none"):
            raise (aw / "gender").error(f"{actor.get('gender')!r} is not female, male or none")
        _optional(actor, "aliases", aw, _texts)
    for role, rw in _entries(book, "roles", w, name_key="type", keys=("type", "cues"), unique=False):
        if role.get("type") not in types:
            raise (rw / "type").error(f"{role.get('type')!r} is not one of speaker_types")
        _texts(role.get("cues"), rw / "cues", empty=False)
    _texts(book.get("speech_verbs"), w / "speech_verbs", empty=False)
    if "focus" in book:  # the speaker types whose own words chapter 2 follows: the story's central person(s)
        for i, stype in enumerate(_list(book["focus"], w / "focus"), 1):
            if stype not in types:
                raise (w / "focus" / f"entry {i}").error(f"{stype!r} is not one of speaker_types")
    for key in ("not_speakers", "titles"):
        _optional(book, key, w, _texts)


def _wording(book: dict, w: _Where) -> None:
    _known(book, ("exclude", "groups"), w, also=_aliased(book))
    _optional(book, "exclude", w, _texts, regex=True)
    for group, gw in _entries(book, "groups", w, keys=("id", "label", "terms")):
        _text(group.get("id"), gw / "id")
        _optional(group, "label", gw, _text)
        for term, tw in _entries(group, "terms", gw, keys=("id", "label", "patterns")):
            _text(term.get("id"), tw / "id")
            _optional(term, "label", tw, _text)
            _texts(term.get("patterns"), tw / "patterns", regex=True, empty=False)


def _terms(book: dict, w: _Where) -> None:
    _known(book, ("stop_words", "keep"), w, also=_aliased(book))
    for key in ("stop_words", "keep"):
        _optional(book, key, w, _texts)


_NMF_KEYS = ("ks", "seeds", "min_df", "max_df", "top_terms", "stability_threshold", "random_state", "extra_stop_words")


def _frames(book: dict, w: _Where) -> None:
    _known(book, ("lexicons", "frames", "items", "entman", "responsibility", "issue_frames", "nmf"), w, also=_aliased(book))
    for name, entries in (book.get("lexicons") or {}).items() if isinstance(book.get("lexicons"), dict) else ():
        _texts(entries, w / "lexicons" / name, regex=True)  # each entry, even in a lexicon no cue uses yet
    for frame, spec in (book.get("frames") or {}).items() if isinstance(book.get("frames"), dict) else ():
        _mapping(spec, w / "frames" / f"frame {frame}", ("label", "items"))
    for item, spec in (book.get("items") or {}).items() if isinstance(book.get("items"), dict) else ():
        iw = w / "items" / f"item {item}"
        _mapping(spec, iw, ("question", "rule", "cues", "min_sentences"))
        for i, cue in enumerate(spec.get("cues") or [] if isinstance(spec.get("cues"), list) else [], 1):
            _mapping(cue, iw / f"cue {i}", ("all", "none", "window"))
    if "entman" in book:
        ent = _mapping(book["entman"], w / "entman", ("min_score", "functions"))
        _optional(ent, "min_score", w / "entman", _number, whole=True)
        for fn, spec in _mapping(ent.get("functions"), w / "entman" / "functions").items():
            fw = w / "entman" / f"function {fn}"
            _texts(_mapping(spec, fw, ("rule", "cues")).get("cues"), fw / "cues", empty=False)
    if "responsibility" in book:
        res = _mapping(book["responsibility"], w / "responsibility", ("window", "cues", "targets"))
        _optional(res, "window", w / "responsibility", _number, whole=True)
        for t, spec in _mapping(res.get("targets"), w / "responsibility" / "targets").items():
            _mapping(spec, w / "responsibility" / f"target {t}", ("label", "lexicon"))
        for i, cue in enumerate(_list(res.get("cues"), w / "responsibility" / "cues", empty=False), 1):
            _mapping(cue, w / "responsibility" / f"cue {i}", ("look", "pattern", "target"))
    if "issue_frames" in book:
        for f, spec in _mapping(book["issue_frames"], w / "issue_frames").items():
            fw = w / "issue_frames" / f
            _texts(_mapping(spec, fw, ("label", "patterns")).get("patterns"), fw / "patterns", empty=False)
    if "nmf" in book:
        nmf = _mapping(book["nmf"], w / "nmf", _NMF_KEYS)
        for key in ("ks", "seeds"):
            if key in nmf:
                for i, v in enumerate(_list(nmf[key], w / "nmf" / key, empty=False), 1):
                    _number(v, w / "nmf" / key / f"entry {i}", whole=True)
        for key in ("min_df", "max_df", "stability_threshold"):
            _optional(nmf, key, w / "nmf", _number)
        for key in ("top_terms", "random_state"):
            _optional(nmf, key, w / "nmf", _number, whole=True)
        _optional(nmf, "extra_stop_words", w / "nmf", _texts)
    try:
        compile_codebook(book)
    except FramingError as exc:
        raise w.error(str(exc).removeprefix("frames codebook").lstrip(":, ")) from None


_CHECKS: dict[str, Callable[[dict, _Where], None]] = {
    "furniture": _furniture, "events": _events, "facts": _facts, "actors": _actors,
    "speakers": _speakers, "wording": _wording, "terms": _terms, "frames": _frames,
}


def check_codebooks(names: Iterable[str] = CODEBOOKS, data_dir: str | Path | None = None) -> list[str]:
    """Check that each codebook in *names* exists and has the shape the analyses read.

    Parameters
    ----------
    names : codebook names (see :data:`CODEBOOKS`), each read from ``<data_dir>/codebook/<name>.yml``.
    data_dir : the story's data folder (default: found from the working folder upwards).

    Returns
    -------
    list of str
        The names checked, in the order given.

    Raises
    ------
    CorpusError
        At the first problem, naming the file and the entry, e.g.
        ``.../facts.yml: facts #3 (id 'x'): pattern 1: any: entry 2: '(' is not a valid regular expression``.
    """
    folder = find_data_dir() if data_dir is None else Path(data_dir)
    books = {}
    for name in names:
        if name not in _CHECKS:
            raise TableError(f"no codebook {name!r}; the codebooks are {', '.join(CODEBOOKS)}")
        books[name] = load_codebook(name, folder)
        _CHECKS[name](books[name], _Where(folder / "codebook" / f"{name}.yml"))
    if "facts" in books and "events" in books:
        events = {str(ev["id"]) for ev in books["events"]["events"]}
        for fact, fw in _entries(books["facts"], "facts", _Where(folder / "codebook" / "facts.yml")):
            if "event" in fact and str(fact["event"]) not in events:
                raise (fw / "event").error(f"{fact['event']!r} is not an event of events.yml")
    return list(books)
