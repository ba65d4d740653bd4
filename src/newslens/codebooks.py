"""Check the shape of a story's codebooks before any analysis reads them.

The analyses compile their own codebook and reject most mistakes with a message; this module
checks, in one place and up front, the shapes they take for granted (a list where a list is read,
a regular expression that compiles, a named group the aggregator rule needs), so that a codebook
mistake always stops ``newslens export`` with one line naming the file and the entry.

The shape of each codebook (which keys, which types, which lists may not be empty) is a JSON Schema
(:data:`SCHEMAS`), checked with jsonschema; its first error, in the order of the file, is told in one
line that names the entry as a reader finds it (``facts #3 (id 'x'): pattern 1: any: entry 2``).
What a schema cannot say (a regular expression that compiles and cannot hang, a date, ids that are
unique, a speaker type that is declared, a lemma cue that can match) is checked here in Python.
"""
from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from newslens.corpus import CorpusError, compile_regex, find_data_dir, load_codebook, parse_date
from newslens.coverage import DEFAULT_WINDOW
from newslens.errors import InputError, TableError
from newslens.framing import FramingError, compile_codebook
from newslens.text import LemmaCue

__all__ = ["CODEBOOKS", "SCHEMAS", "check_codebooks"]

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


# --------------------------------------------------------------------------- the schemas
# Besides JSON Schema's own keywords, three annotations say how a reader names a place in the file:
# "x-item" on a list names its entries ("entry {n}" after the list's key; with a leading "=", instead of
# it: "=pattern {n}"; "=#" is "<key> #<n> (<x-name> '<value>')"), "x-key" on a mapping of names names its
# values the same way ("item {key}"), and "x-expect" says in words what a value should be.

_TEXT = {"type": "string", "pattern": r"\S", "x-expect": "a non-empty text"}
# A word may be a number (2021 stays the word "2021"); YAML 1.1 reads a bare On or No as a boolean, refused.
_WORD = {"type": ["string", "number"], "pattern": r"\S", "x-expect": "a word or phrase"}


def _list(item: dict, *, label: str = "entry {n}", empty: bool = True) -> dict:
    return {"type": "array", "items": item, "x-item": label, **({} if empty else {"minItems": 1})}


def _words(*, empty: bool = True) -> dict:
    return _list(_WORD, empty=empty)


def _regexes(*, empty: bool = True) -> dict:
    return _list(_TEXT, empty=empty)


def _mapping(properties: dict, *, required: Iterable[str] = ()) -> dict:
    return {"type": "object", "properties": properties, "additionalProperties": False, "required": list(required)}


def _named(value: dict, label: str) -> dict:
    """A mapping of names (chosen by the codebook's author) to values of one shape."""
    return {"type": "object", "additionalProperties": value, "x-key": label}


def _entries(entry: dict, *, name: str = "id") -> dict:
    """A non-empty list of entries, each named in messages by its position and its *name* key."""
    return {"type": "array", "minItems": 1, "items": entry, "x-item": "=#", "x-name": name}


_PATTERN = {
    "type": ["string", "object"], "pattern": r"\S",
    "x-expect": "a regular expression or a mapping with any/words/lemmas/with/without",
    "properties": {"any": _regexes(), "words": _words(), "with": _regexes(), "without": _regexes(), "window": {},
                   "lemmas": _list({"type": ["string", "number", "array"], "pattern": r"\S", "minItems": 1, "items": _WORD,
                                    "x-item": "entry {n}", "x-expect": "a word or phrase, or a list of them"},
                                   label="slot {n}", empty=False)},
    "additionalProperties": False,
}

#: One JSON Schema per codebook: the keys each mapping may have, the type of each value, the lists that may not be empty.
SCHEMAS: dict[str, dict] = {
    "furniture": _mapping({
        "boilerplate": _regexes(), "caption": _regexes(), "byline": _regexes(), "inline_markers": _regexes(),
        "block_quotes": _mapping({"intro": _list(_TEXT, label="=intro {n}"), "end": _TEXT, "continuation": _TEXT}),
    }),
    "events": _mapping({
        "story": {},
        "events": _entries(_mapping({"id": _TEXT, "date": {"x-expect": "a date (YYYY-MM-DD)"}, "end": {}, "label": _TEXT},
                                    required=("id", "date", "label"))),
    }, required=("events",)),
    "facts": _mapping({
        "facts": _entries(_mapping({"id": _TEXT, "label": _TEXT, "definition": _TEXT, "event": _TEXT, "exclude": _regexes(),
                                    "patterns": _list(_PATTERN, label="=pattern {n}", empty=False)},
                                   required=("id", "definition", "patterns"))),
    }, required=("facts",)),
    "actors": _mapping({
        "actors": _entries(_mapping({"id": _TEXT, "name": _TEXT, "kind": _TEXT, "role": _TEXT, "speaker_type": _TEXT,
                                     "aliases": _words(), "surnames": _words(), "patterns": _regexes(), "surname_intro": _regexes()},
                                    required=("id",))),
        "ignore": _words(),
    }, required=("actors",)),
    "speakers": _mapping({
        "speaker_types": _words(empty=False), "speaker_type_labels": _named(_TEXT, "{key}"),
        "focus": _words(), "not_speakers": _words(), "titles": _words(),
        "speech_verbs": _words(empty=False),
        "actors": _entries(_mapping({"name": _TEXT, "type": {}, "aliases": _words(),
                                     "gender": {"enum": ["female", "male", "none"]}}, required=("name",)), name="name"),
        "roles": _entries(_mapping({"type": {}, "cues": _words(empty=False)}, required=("cues",)), name="type"),
    }, required=("speaker_types", "actors", "roles", "speech_verbs")),
    "wording": _mapping({
        "exclude": _regexes(),
        "groups": _entries(_mapping({"id": _TEXT, "label": _TEXT, "terms": _entries(
            _mapping({"id": _TEXT, "label": _TEXT, "patterns": _regexes(empty=False)}, required=("id", "patterns")))},
            required=("id", "terms"))),
    }, required=("groups",)),
    "terms": _mapping({"stop_words": _words(), "keep": _words()}),
    "frames": _mapping({
        "lexicons": _named(_regexes(), "{key}"),
        "frames": _named(_mapping({"label": {}, "items": {}}), "frame {key}"),
        "items": _named(_mapping({"question": {}, "rule": {}, "min_sentences": {},
                                  "cues": {"type": "array", "x-item": "=cue {n}",
                                           "items": _mapping({"all": {}, "none": {}, "window": {}})}}), "item {key}"),
        "entman": _mapping({"min_score": {"type": "integer"},
                            "functions": _named(_mapping({"rule": {}, "cues": _words(empty=False)}, required=("cues",)), "=function {key}")}),
        "responsibility": _mapping({
            "window": {"type": "integer"},
            "targets": _named(_mapping({"label": {}, "lexicon": {}}), "=target {key}"),
            "cues": {"type": "array", "minItems": 1, "x-item": "=cue {n}", "items": _mapping({"look": {}, "pattern": {}, "target": {}})},
        }, required=("cues",)),
        "issue_frames": _named(_mapping({"label": {}, "patterns": _words(empty=False)}, required=("patterns",)), "{key}"),
        "nmf": _mapping({"ks": _list({"type": "integer"}, empty=False), "seeds": _list({"type": "integer"}, empty=False),
                         "min_df": {"type": "number"}, "max_df": {"type": "number"}, "stability_threshold": {"type": "number"},
                         "top_terms": {"type": "integer"}, "random_state": {"type": "integer"}, "extra_stop_words": _words()}),
    }),
}


# --------------------------------------------------------------------------- a schema error, told in one line


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 40 else "a text"
    if isinstance(value, _dt.datetime):
        return f"a date with a time ({value.isoformat(sep=' ')})"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {value!r}"
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)


def _expect(schema: dict) -> str:
    if "x-expect" in schema:
        return schema["x-expect"]
    kind = schema.get("type")
    if kind == "array":
        return "a non-empty list" if schema.get("minItems") else "a list"
    return {"object": "a mapping", "integer": "a whole number", "number": "a number", "string": "a non-empty text"}.get(kind, "a value")


def _place(schema: dict, book: Any, path: Iterable, where: _Where) -> _Where:
    """The location of *path* (keys and list positions) as a reader names it, from the schemas' annotations."""
    node, value, parts, key = schema, book, list(where.parts), None
    for p in path:
        if isinstance(p, int):
            label = node.get("x-item", "entry {n}")
            if label == "=#":
                name_key = node.get("x-name", "id")
                name = value[p].get(name_key) if isinstance(value[p], dict) else None
                label = f"={key} #{p + 1}" + (f" ({name_key} {name!r})" if name else "")
            node = node.get("items", {})
            label = label.format(n=p + 1)
        elif p in node.get("properties", {}):
            node, label = node["properties"][p], str(p)
        else:
            label = node.get("x-key", "{key}").format(key=p)
            node = node.get("additionalProperties") if isinstance(node.get("additionalProperties"), dict) else {}
        if label.startswith("=") and parts:
            parts[-1] = label[1:]
        else:
            parts.append(label.lstrip("="))
        key, value = p, value[p]
    return _Where(where.path, tuple(parts))


def _order(book: Any, path: Iterable) -> list[int]:
    """Where *path* is in the file: the position of each key or entry, so the first error told is the first one met."""
    out, value = [], book
    for p in path:
        out.append(p if isinstance(p, int) else list(value).index(p))
        value = value[p]
    return out


def _check_shape(name: str, book: dict, where: _Where) -> None:
    """Raise the first error of *book* against ``SCHEMAS[name]``, in the order of the file, as one line."""
    schema = SCHEMAS[name]
    anchors = _aliased(book)  # keys that only hold a YAML anchor reused elsewhere: not the codebook's own
    shown = {k: v for k, v in book.items() if k not in anchors}
    errors = list(Draft202012Validator(schema).iter_errors(shown))
    if not errors:
        return
    err = min(errors, key=lambda e: _order(shown, e.absolute_path))
    at, value, rule = _place(schema, shown, err.absolute_path, where), err.instance, err.schema
    if err.validator == "required":
        missing = next(k for k in err.validator_value if k not in value)
        raise (at / missing).error(f"expected {_expect(rule['properties'].get(missing, {}))}, got nothing")
    if err.validator == "additionalProperties":
        keys = tuple(rule.get("properties", {}))
        extra = next(k for k in value if k not in keys)
        near = difflib.get_close_matches(str(extra), keys, n=1)
        raise at.error(f"unknown key {extra!r}; " + (f"did you mean {near[0]!r}?" if near else f"the keys here are {', '.join(keys)}"))
    if err.validator == "enum":
        allowed = [str(v) for v in err.validator_value]
        raise at.error(f"{value!r} is not {', '.join(allowed[:-1])} or {allowed[-1]}")
    if isinstance(value, bool) and "string" in rule.get("type", ()):
        raise at.error(f"YAML read this word as {str(value).lower()}; put it in quotes (for example \"On\")")
    raise at.error(f"expected {'a non-empty list' if err.validator == 'minItems' else _expect(rule)}, got {_kind(value)}")


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


# --------------------------------------------------------------------------- what a schema cannot say


def _regex(value: str, where: _Where, group: str | None = None) -> None:
    compiled = compile_regex(value, where=str(where), what="", flags=0)
    if group and group not in compiled.groupindex:
        raise where.error(f"{value!r} needs a named group (?P<{group}>...)")


def _regexes_of(values: list, where: _Where) -> None:
    for i, v in enumerate(values, 1):
        _regex(v, where / f"entry {i}")


def _date(value: Any, where: _Where) -> None:
    try:
        parse_date(value)
    except CorpusError:
        raise where.error(f"expected a date (YYYY-MM-DD), got {_kind(value)}") from None


def _named_entries(book: dict, key: str, where: _Where, *, name_key: str = "id", unique: bool = True) -> Iterable[tuple[dict, _Where]]:
    """Each entry of the list *book[key]* (its shape already checked), with its location; with *unique*, no two
    entries share a *name_key*."""
    first: dict = {}
    for i, entry in enumerate(book.get(key) or [], 1):
        label = entry.get(name_key)
        w = where / (f"{key} #{i}" + (f" ({name_key} {label!r})" if label else ""))
        if unique and label is not None:
            if label in first:
                raise (w / name_key).error(f"duplicate {name_key} {label!r} (first at {key} #{first[label]}); each must be unique")
            first[label] = i
        yield entry, w


def _furniture(book: dict, w: _Where) -> None:
    for key in ("boilerplate", "caption", "byline", "inline_markers"):
        _regexes_of(book.get(key) or [], w / key)
    bq = book.get("block_quotes") or {}
    for i, p in enumerate(bq.get("intro") or [], 1):
        _regex(p, w / "block_quotes" / f"intro {i}", group="outlet")
    for key in ("end", "continuation"):
        if key in bq:
            _regex(bq[key], w / "block_quotes" / key)


def _events(book: dict, w: _Where) -> None:
    for ev, ew in _named_entries(book, "events", w):
        _date(ev["date"], ew / "date")
        if "end" in ev:
            _date(ev["end"], ew / "end")


def _pattern(spec: str | dict, where: _Where) -> None:
    if isinstance(spec, str):
        return _regex(spec, where)
    if not any(k in spec for k in ("any", "words", "lemmas")):
        raise where.error("a pattern needs 'any' (regexes), 'words' (literal words) or 'lemmas' (word sets)")
    for key in ("any", "with", "without"):
        _regexes_of(spec.get(key) or [], where / key)
    if "lemmas" in spec:
        try:
            LemmaCue.compile(spec["lemmas"], spec.get("window", DEFAULT_WINDOW))
        except InputError as exc:
            raise (where / "lemmas").error(str(exc)) from None
    elif "window" in spec:
        raise (where / "window").error("belongs to a 'lemmas' cue; add 'lemmas' or remove 'window'")


def _facts(book: dict, w: _Where) -> None:
    for fact, fw in _named_entries(book, "facts", w):
        _regexes_of(fact.get("exclude") or [], fw / "exclude")
        for i, p in enumerate(fact["patterns"], 1):
            _pattern(p, fw / f"pattern {i}")


def _actors(book: dict, w: _Where) -> None:
    for actor, aw in _named_entries(book, "actors", w):
        for key in ("patterns", "surname_intro"):
            _regexes_of(actor.get(key) or [], aw / key)


def _speakers(book: dict, w: _Where) -> None:
    types = set(book["speaker_types"])
    for actor, aw in _named_entries(book, "actors", w, name_key="name"):
        if actor.get("type") not in types:
            raise (aw / "type").error(f"{actor.get('type')!r} is not one of speaker_types")
    for role, rw in _named_entries(book, "roles", w, name_key="type", unique=False):
        if role.get("type") not in types:
            raise (rw / "type").error(f"{role.get('type')!r} is not one of speaker_types")
    for i, stype in enumerate(book.get("focus") or [], 1):  # the speaker types whose own words chapter 2 follows
        if stype not in types:
            raise (w / "focus" / f"entry {i}").error(f"{stype!r} is not one of speaker_types")
    for stype in book.get("speaker_type_labels") or {}:  # the names readers see for the types
        if stype not in types:
            raise (w / "speaker_type_labels" / str(stype)).error(f"{stype!r} is not one of speaker_types")


def _wording(book: dict, w: _Where) -> None:
    _regexes_of(book.get("exclude") or [], w / "exclude")
    for group, gw in _named_entries(book, "groups", w):
        for term, tw in _named_entries(group, "terms", gw):
            _regexes_of(term["patterns"], tw / "patterns")


def _terms(book: dict, w: _Where) -> None:
    """Nothing beyond the schema: two lists of words."""


def _frames(book: dict, w: _Where) -> None:
    for name, entries in (book.get("lexicons") or {}).items():
        _regexes_of(entries, w / "lexicons" / name)  # each entry, even in a lexicon no cue uses yet
    try:
        compile_codebook(book)
    except FramingError as exc:
        raise w.error(str(exc).removeprefix("frames codebook").lstrip(":, ")) from None


_CHECKS = {"furniture": _furniture, "events": _events, "facts": _facts, "actors": _actors,
           "speakers": _speakers, "wording": _wording, "terms": _terms, "frames": _frames}


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
        where = _Where(folder / "codebook" / f"{name}.yml")
        _check_shape(name, books[name], where)
        _CHECKS[name](books[name], where)
    if "facts" in books and "events" in books:
        events = {str(ev["id"]) for ev in books["events"]["events"]}
        for fact, fw in _named_entries(books["facts"], "facts", _Where(folder / "codebook" / "facts.yml"), unique=False):
            if "event" in fact and str(fact["event"]) not in events:
                raise (fw / "event").error(f"{fact['event']!r} is not an event of events.yml")
    return list(books)
