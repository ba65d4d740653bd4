"""Load and validate the corpus (manifest + raw captures) and label every raw line.

This is the bottom layer: it reads ``data/`` and nothing else in the package.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
import stat
import string
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from newslens.errors import InputError, NewslensError
from newslens.prefilter import candidate_ids
from newslens.words import word_count

__all__ = [
    "CorpusError",
    "CorpusWarning",
    "Corpus",
    "LABELS",
    "MANIFEST_COLUMNS",
    "OPTIONAL_COLUMNS",
    "MAX_CAPTURE_BYTES",
    "MIN_HTML_TAGS",
    "parse_date",
    "looks_like_html",
    "nested_repetition",
    "backtracking_trap",
    "hang_risk",
    "compile_regex",
    "find_data_dir",
    "load_manifest",
    "read_capture",
    "load_codebook",
    "inline_markers",
    "label_lines",
    "label_texts",
    "assign_voice",
    "load_corpus",
    "body_lines",
    "load_events",
    "label_agreement",
    "extraction_disagreements",
    "label_examples",
]

#: Columns every manifest row must have.
MANIFEST_COLUMNS = ("id", "file", "outlet", "capture_site", "headline", "date", "date_basis", "byline", "url", "sha256")
#: Columns a manifest may have: ``extractor`` names the tool and version that derived the text of a
#: saved web page (``trafilatura 2.3.1``), empty for plain text. Old manifests without it load as before.
OPTIONAL_COLUMNS = ("extractor",)
#: Columns that may not be empty (``byline`` and ``url`` may: "not known" is a fact too).
REQUIRED_VALUES = ("id", "file", "outlet", "headline", "date", "date_basis", "sha256")
#: A capture is one web page of text; 2 MB is far beyond any article and stops a mistaken dump
#: (a whole site crawl, a PDF converted wrongly) from being read as one article.
MAX_CAPTURE_BYTES = 2_000_000
#: The labels of :func:`label_lines`, in reading order.
LABELS = ("headline", "dek", "byline", "body", "caption", "boilerplate", "blank")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A tag is "<" directly followed by a name ("p < a" is arithmetic, not a tag).
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>")
# A web page's frame: a doctype, or an <html>, <head> or <body> element opened and closed.
_DOCTYPE_RE = re.compile(r"<!doctype\s+html", re.IGNORECASE)
_FRAME_RE = {name: (re.compile(rf"<{name}\b[^<>]*>", re.IGNORECASE), re.compile(rf"</{name}\s*>", re.IGNORECASE))
             for name in ("html", "head", "body")}
#: Prose may mention a few tags ("a <script> tag"); a page saved as HTML has a tag on most lines.
MIN_HTML_TAGS = 10


class CorpusError(InputError):
    """Bad input in the manifest, a capture or a codebook; the message names the file, row and fix."""


class CorpusWarning(UserWarning):
    """Something in the input is unusual but usable (for example an extra manifest column)."""


@dataclass(frozen=True)
class Corpus:
    """The loaded corpus: the manifest (``articles``) and one row per raw line (``lines``)."""

    articles: pd.DataFrame
    lines: pd.DataFrame
    data_dir: Path


# --------------------------------------------------------------------------- locating data


def find_data_dir(start: str | Path | None = None) -> Path:
    """Return the ``data/`` folder that holds ``articles.csv``, searching from *start* upwards.

    Notebooks run in ``chapters/``, scripts at the project root: both find the same folder.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for cand in (folder, folder / "data"):
            if (cand / "articles.csv").is_file():
                return cand
    raise CorpusError(f"no data/articles.csv found in {here} or any folder above it; pass the data folder explicitly")


def _data_dir(data_dir: str | Path | None) -> Path:
    if data_dir is None:
        return find_data_dir()
    path = Path(data_dir)
    if not path.is_dir():
        raise CorpusError(f"{path}: data folder does not exist")
    return path


# --------------------------------------------------------------------------- the manifest


def _bad(where: str, msg: str) -> CorpusError:
    return CorpusError(f"{where}: {msg}")


def parse_date(value, *, where: str = "", name: str = "date") -> _dt.date:
    """A calendar date: a :class:`datetime.date` (YAML reads ``2021-09-14`` as one) or a text written
    ``YYYY-MM-DD``, and only that: the one date parser of the package.

    :meth:`datetime.date.fromisoformat` also reads ISO week dates (``2021-W37-2``) and compact
    forms (``20210914``), which pandas then refuses later; this accepts the one form the manifest
    and the codebooks document. A date with a time is refused (the time would be dropped silently).

    Raises
    ------
    CorpusError ``"<where>: <name> '2021-13-01' is not a date (YYYY-MM-DD)"``.
    """
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:  # 2021-13-01: the right shape, not a day of the calendar
            pass
    raise CorpusError(f"{where + ': ' if where else ''}{name} {value!r} is not a date (YYYY-MM-DD)")


def _first_line_with(text: str, char: str) -> int:
    return text.count("\n", 0, text.index(char)) + 1


def load_manifest(data_dir: str | Path | None = None, *, today: _dt.date | None = None, check_files: bool = True,
                  progress=None) -> pd.DataFrame:
    """Read and validate ``articles.csv``.

    Parameters
    ----------
    data_dir : folder holding ``articles.csv`` and ``raw/`` (default: found from the working folder).
    today : the date after which a publication date counts as "in the future" (default: today).
    check_files : also check each capture (a regular file inside the data folder, size, sha256, no NUL
        byte, line endings; for plain text: UTF-8, not HTML, not empty; for a saved page: see
        :func:`newslens.pages.read_page`).
    progress : optional wrapper ``progress(iterable, stage, total)`` around the loop over the
        captures (the command line passes a progress bar); it must yield the items unchanged.

    Returns
    -------
    DataFrame indexed by ``article`` (the manifest ``id``) with columns ``file``, ``outlet``,
    ``capture_site``, ``headline``, ``date`` (datetime64), ``date_basis``, ``byline``, ``url``,
    ``sha256``, ``extractor`` ('' for plain text, and for manifests without the column) and ``path``
    (the capture's path as a string), in manifest order (the article at position *i* is manifest row
    *i* + 2). Unknown extra columns are kept and reported with a :class:`CorpusWarning`; so is a saved
    page whose recorded extractor is not the installed one. A byte-order mark at the start of the file
    (spreadsheets write one when saving "CSV UTF-8") is accepted.

    Raises
    ------
    CorpusError naming the file, the row (1-based, the header is row 1, as a spreadsheet shows it)
    and the fix.
    """
    return _read_manifest(data_dir, today=today, check_files=check_files, progress=progress, texts=None)


def _read_manifest(data_dir: str | Path | None, *, today: _dt.date | None, check_files: bool, progress,
                   texts: dict | None) -> pd.DataFrame:
    """:func:`load_manifest`; with *texts*, each checked capture's text is kept there by path, so that
    :func:`load_corpus` labels the text it has just checked without reading it again."""
    data = _data_dir(data_dir)
    path = data / "articles.csv"
    if not path.is_file():
        raise CorpusError(f"{path}: manifest not found; create it with one row per capture and the columns {', '.join(MANIFEST_COLUMNS)}")
    try:
        # utf-8-sig: the byte-order mark a spreadsheet writes would otherwise be part of the first column name
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start}); save the manifest as UTF-8") from None
    if "\x00" in content:
        raise CorpusError(f"{path} line {_first_line_with(content, chr(0))}: a NUL byte; the file is binary or UTF-16: save it as UTF-8 CSV")
    try:
        reader = csv.DictReader(io.StringIO(content, newline=""))
        header = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as exc:
        raise CorpusError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if missing:
        raise CorpusError(f"{path}: missing required column(s) {', '.join(missing)}; the header must have {', '.join(MANIFEST_COLUMNS)}")
    extra = [c for c in header if c not in MANIFEST_COLUMNS + OPTIONAL_COLUMNS]
    if extra:
        warnings.warn(f"{path}: extra column(s) {', '.join(extra)} kept but not used by newslens", CorpusWarning, stacklevel=2)
    if not rows:
        raise CorpusError(f"{path}: the manifest has a header but no rows; add one row per capture")

    today = today or _dt.date.today()
    seen: dict[str, int] = {}
    files: dict[str, int] = {}
    records = []
    for n, row in enumerate(rows, start=2):
        where = f"{path} row {n}"
        if None in row:  # more cells than header columns
            raise _bad(where, f"more cells than columns ({len(header)}); quote values that contain commas")
        row = {k: (v or "").strip() for k, v in row.items()}
        row.setdefault("extractor", "")
        for col in REQUIRED_VALUES:
            if not row[col]:
                raise _bad(where, f"empty {col!r}; every row needs {', '.join(REQUIRED_VALUES)}")
        art = row["id"]
        if not _ID_RE.match(art):
            raise _bad(where, f"id {art!r} is not a slug; use lower-case letters, digits, '-' or '_'")
        if art in seen:
            raise _bad(where, f"duplicate id {art!r} (first used in row {seen[art]}); ids must be unique")
        seen[art] = n
        date = parse_date(row["date"], where=where)
        if date > today:
            raise _bad(where, f"date {row['date']} is in the future (today is {today.isoformat()}); check the year")
        if not re.fullmatch(r"[0-9a-f]{64}", row["sha256"].lower()):
            raise _bad(where, f"sha256 {row['sha256']!r} is not 64 hex digits; compute it with `sha256sum raw/{row['file']}`")
        if Path(row["file"]).name != row["file"] or row["file"] in (".", ".."):
            raise _bad(where, f"file {row['file']!r} must be a bare file name inside {data / 'raw'}")
        if row["file"] in files:
            raise _bad(where, f"file {row['file']!r} is already the capture of row {files[row['file']]}; "
                              "each row needs its own capture (remove the duplicate row)")
        files[row["file"]] = n
        row["path"] = str(data / "raw" / row["file"])
        _check_extractor(row, where)
        records.append((row, where))

    if check_files:
        todo = records if progress is None else progress(records, "check captures", len(records))
        for row, where in todo:
            text = read_capture(row["path"], sha256=row["sha256"].lower(), where=where, inside=data)
            if texts is not None:
                texts[row["path"]] = text

    frame = pd.DataFrame.from_records([row for row, _where in records])
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    frame["sha256"] = frame["sha256"].str.lower()
    frame = frame.rename(columns={"id": "article"}).set_index("article")
    return frame


def _is_page(name: str) -> bool:
    return name.lower().endswith((".html", ".htm"))  # newslens.pages.HTML_SUFFIXES (imported lazily)


def _check_extractor(row: dict, where: str) -> None:
    """A saved page records the extractor of its text; a plain-text capture has none."""
    if not _is_page(row["file"]):
        if row["extractor"]:
            raise _bad(where, f"extractor {row['extractor']!r} for the plain-text capture {row['file']!r}; "
                              "leave 'extractor' empty (it is for saved .html pages)")
        return
    from newslens.pages import extractor_name

    installed = extractor_name()
    if row["extractor"] != installed:
        recorded = repr(row["extractor"]) if row["extractor"] else "no extractor"
        warnings.warn(f"{where}: the manifest records {recorded} for {row['file']}, the installed one is '{installed}'; "
                      f"the article text may differ from the one recorded: install that version or set 'extractor' "
                      f"to '{installed}' after checking the text", CorpusWarning, stacklevel=3)


# --------------------------------------------------------------------------- the captures


def looks_like_html(text: str) -> str | None:
    """Why *text* is a web page rather than plain text, or None.

    A page has a frame (a doctype, or ``<html>``, ``<head>`` or ``<body>`` opened and closed) or
    tags throughout: at least :data:`MIN_HTML_TAGS` tags and one for every two non-blank lines.
    Prose that mentions a few tags ("a ``<script>`` tag") or compares ("p < a and b > c") passes.
    """
    if "<" not in text:  # every tag starts with "<"
        return None
    if _DOCTYPE_RE.search(text):
        return "it starts with an HTML doctype"
    for name, (opening, closing) in _FRAME_RE.items():
        if opening.search(text) and closing.search(text):
            return f"it has <{name}> and </{name}>"
    tags = len(_TAG_RE.findall(text))
    lines = sum(1 for t in text.split("\n") if t.strip())
    if tags >= MIN_HTML_TAGS and 2 * tags >= lines:
        return f"it has {tags} tags in {lines} lines"
    return None


def read_capture(path: str | Path, *, sha256: str | None = None, where: str | None = None,
                 inside: str | Path | None = None) -> str:
    """Read one raw capture read-only and return its text, after checking it is usable.

    The kind of capture is decided by the file name: ``.html``/``.htm`` is a saved web page, whose
    article text (headline, then one paragraph per line) is derived in memory by
    :func:`newslens.pages.page_text` and returned in place of the raw bytes; any other name is
    plain text. A plain-text capture that holds HTML is refused (rename it to ``.html``).

    Checks: the file exists and is a regular file (not a folder or a pipe), lies inside the folder
    *inside* once symbolic links are followed (when given), has that *sha256* (when given); a plain-text
    capture is at most :data:`MAX_CAPTURE_BYTES`, UTF-8 without NUL bytes, plain text (not HTML, see
    :func:`looks_like_html`) and not empty or whitespace only; for a saved page, see
    :func:`newslens.pages.read_page`.

    Line endings: CRLF (Windows) is read as LF, so line numbers stay those ``cat -n`` counts; a
    lone CR (classic Mac, or mixed endings) is refused, because the lines it separates would not
    be the lines ``cat -n`` shows.
    """
    path = Path(path)
    where = where or str(path)
    try:
        info = path.stat()  # follows links; never open() first: opening a FIFO waits for a writer
    except FileNotFoundError:
        raise CorpusError(f"{where}: capture {path} not found; copy it into data/raw/ or fix the 'file' column") from None
    except OSError as exc:
        raise CorpusError(f"{where}: capture {path} cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise CorpusError(f"{where}: capture {path} is a folder, not a file; the 'file' column names one text file in raw/")
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "not a regular file"
        raise CorpusError(f"{where}: capture {path} is {kind}; save the capture as a plain text file in raw/")
    if inside is not None:
        real, folder = path.resolve(), Path(inside).resolve()
        if not real.is_relative_to(folder):
            raise CorpusError(f"{where}: capture {path} is a link to {real}, outside the data folder {folder}; "
                              "copy the file into raw/ instead of linking to it")
    size = info.st_size
    if _is_page(path.name):
        from newslens.pages import MAX_PAGE_BYTES, page_text

        if size > MAX_PAGE_BYTES:  # before reading it: pages.read_page says the same of bytes in memory
            raise CorpusError(f"{where}: capture {path} is {size:,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit for one saved page")
        with path.open("rb") as fh:  # read-only: the saved page is never rewritten
            raw = fh.read()
        _check_sha(raw, sha256, path, where)
        return page_text(raw, where=f"{where}: capture {path}" if where != str(path) else str(path))
    if size > MAX_CAPTURE_BYTES:
        raise CorpusError(f"{where}: capture {path} is {size:,} bytes, over the {MAX_CAPTURE_BYTES:,}-byte limit for one article")
    with path.open("rb") as fh:  # read-only: raw captures are never rewritten
        raw = fh.read()
    _check_sha(raw, sha256, path, where)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise CorpusError(f"{where}: capture {path} has a NUL byte (offset {nul}); "
                          "it is binary or UTF-16: save it as UTF-8 plain text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{where}: capture {path} is not UTF-8 (bad byte at offset {exc.start}); convert it to UTF-8 text") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            line = _first_line_with(text, "\r")
            raise CorpusError(f"{where}: capture {path} line {line}: a carriage return without a line feed (classic Mac or mixed "
                              "line endings); convert the file to LF line endings (for example with `mac2unix`)")
    if not text.strip():
        raise CorpusError(f"{where}: capture {path} is empty or whitespace only")
    why = looks_like_html(text)
    if why:
        raise CorpusError(f"{where}: capture {path} looks like HTML ({why}); rename it to .html (and its 'file' in the "
                          "manifest) to have its article text extracted, or save the page as plain text")
    return text.lstrip("\ufeff")


def _check_sha(raw: bytes, sha256: str | None, path: Path, where: str) -> None:
    if sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != sha256:
            raise CorpusError(
                f"{where}: capture {path} has sha256 {digest[:12]}…, the manifest says {sha256[:12]}…; "
                "the raw file changed: restore it, or update the manifest if the new capture is intended"
            )


# --------------------------------------------------------------------------- codebooks


def load_codebook(name: str, data_dir: str | Path | None = None) -> dict:
    """Read ``data/codebook/<name>.yml`` and return it as a dict.

    Raises :class:`CorpusError` naming the file if it is missing, not YAML or not a mapping.
    """
    path = _data_dir(data_dir) / "codebook" / f"{name}.yml"
    return _read_yaml(path)


class _StrictMappings:
    """A safe loader's mappings, except that a key given twice in one mapping is an error (YAML 1.2
    forbids it; PyYAML keeps the last value silently, so half of a codebook entry would vanish)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first at line {seen[key]}); keep one of them", key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
            except TypeError:  # an unhashable key: the base class reports it
                break
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_StrictMappings, yaml.SafeLoader):
    """PyYAML's safe loader in Python, with :class:`_StrictMappings`: its error messages are the ones users see."""


# libyaml's parser reads a codebook about ten times faster (the chapters load every codebook in every kernel);
# a text it refuses is read again by the Python loader, whose messages the bad-input tests expect.
_FastLoader = type("_FastLoader", (_StrictMappings, yaml.CSafeLoader), {}) if getattr(yaml, "__with_libyaml__", False) else _StrictLoader


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise CorpusError(f"{path}: codebook not found")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (bad byte at offset {exc.start}); save the codebook as UTF-8") from None
    try:
        try:
            content = yaml.load(text, Loader=_FastLoader)  # a SafeLoader subclass: no arbitrary objects
        except (yaml.YAMLError, ValueError):
            content = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" line {mark.line + 1}" if mark is not None else ""
        raise CorpusError(f"{path}{at}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    except ValueError as exc:  # a YAML date such as 2021-02-30
        raise CorpusError(f"{path}: a value is not valid ({exc}); dates are YYYY-MM-DD") from None
    if not isinstance(content, dict):
        raise CorpusError(f"{path}: expected a mapping of keys to values at the top level")
    return content


# --------------------------------------------------------------------------- patterns that cannot hang
# Python's re backtracks: a repetition of something that itself repeats, such as (a+)+$, tries
# every way of splitting a run of letters between the two, 2**n ways for n letters. Codebooks are
# shared between analysts, so such a pattern is refused when it is read, not met as a hang.
# Why not a linear-time engine (RE2): its \w and \b are ASCII-only (r"\bcafé\b" never matches,
# r"\w+" finds "lan" in "élan"), so results on any non-English name would change silently, and 7
# of the 711 patterns of this project's codebooks use look-arounds, which RE2 rejects.


def regex_structure(source: str):
    """Yield ``(index, char, depth)`` for the characters of a regex source that are neither escaped
    nor inside a character class; *depth* is the group nesting before the character."""
    depth, in_class, escaped, class_start = 0, False, False, 0
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = not (ch == "]" and i > class_start)
        elif ch == "[":
            in_class, class_start = True, i + 1 + (source[i + 1:i + 2] == "^")
        else:
            yield i, ch, depth
            depth += (ch == "(") - (ch == ")")


# The head of a group: the kind decides how the group counts (a look-around matches no text,
# an atomic group never backtracks, "(?i)" is no group at all).
_GROUP_HEAD = re.compile(r"\((?:\?P<\w+>|\?<(?![=!])\w+>|\?(?P<look><=|<!|=|!)|\?(?P<atomic>>)|\?:"
                         r"|\?[aiLmsux]*(?:-[imsx]+)?:|\?(?P<flags>[aiLmsux]+)\)|\?\([^)]*\)|(?P<backref>\?P=\w+\))|)")
_QUANTIFIER = re.compile(r"(?:[*+?]|\{(?P<lo>[0-9]*)(?P<comma>,?)(?P<hi>[0-9]*)\})(?P<mode>[?+]?)")


def _regex_elements(source: str):
    """Yield the elements of a regex source in order: ``("atom" | "zero" | "open" | "close" | "or", start, end, info)``
    followed, for atoms and closed groups, by their quantifier ``("repeat", start, end, (min, max, possessive))``."""
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            kind, j = ("zero" if source[i + 1:i + 2] in ("b", "B", "A", "Z") else "atom"), i + 2
        elif ch == "[":
            j = i + 1 + (source[i + 1:i + 2] == "^")
            j += source[j:j + 1] == "]"
            while j < n and source[j] != "]":
                j += 2 if source[j] == "\\" else 1
            kind, j = "atom", j + 1
        elif ch == "(":
            if source.startswith("(?#", i):  # a comment
                i = (source.find(")", i) + 1) or n
                continue
            head = _GROUP_HEAD.match(source, i)
            j = head.end()
            if head["flags"]:  # global flags such as (?i): nothing to match
                i = j
                continue
            if head["backref"]:
                kind = "atom"
            else:
                yield "open", i, j, "look" if head["look"] else "atomic" if head["atomic"] else ""
                i = j
                continue
        elif ch == ")":
            kind, j = "close", i + 1
        elif ch == "|":
            yield "or", i, i + 1, None
            i += 1
            continue
        elif ch in "^$":
            kind, j = "zero", i + 1
        else:
            kind, j = "atom", i + 1
        yield kind, i, j, None
        q = _QUANTIFIER.match(source, j)
        if q and (q[0][0] != "{" or q["lo"] or q["hi"] or q["comma"]):
            if q[0][0] == "{":
                lo = int(q["lo"] or 0)
                hi = None if q["comma"] and not q["hi"] else int(q["hi"] or q["lo"] or 0)
            else:
                lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[q[0][0]]
            yield "repeat", j, q.end(), (lo, hi, q["mode"] == "+")
            j = q.end()
        i = j


def hang_risk(source: str) -> str | None:
    """Why regex *source* could hang a run, as the end of an error message, or None (see :func:`backtracking_trap`)."""
    found = backtracking_trap(source)
    if found is None:
        return None
    part, why = found
    if why == "nested":
        return (f"{source!r} repeats a repetition ({part}), which can take hours on a long line; "
                "drop the outer repetition or make the group atomic, (?>...)")
    return (f"{source!r} repeats alternatives that can start with the same character ({part}), which can take hours "
            "on a long line; make the alternatives start differently or make the group atomic, (?>...)")


def nested_repetition(source: str) -> str | None:
    """The part of regex *source* that repeats a repetition without limit, such as ``(a+)+``, or None
    (the first kind of :func:`backtracking_trap`)."""
    found = backtracking_trap(source)
    return found[0] if found is not None and found[1] == "nested" else None


# Characters to tell whether two alternatives can start alike (a letter, a digit, a space, punctuation,
# letters outside ASCII, typographic quotes and dashes).
_PROBES = tuple(string.printable + "éÉßñçøåäÄ中文’‘“”—–…")


def _overlap(first: str, second: str) -> bool:
    try:
        a, b = re.compile(first, re.IGNORECASE), re.compile(second, re.IGNORECASE)
    except re.error:  # a back-reference alone: cannot tell
        return False
    return any(a.fullmatch(c) and b.fullmatch(c) for c in _PROBES)


def backtracking_trap(source: str) -> tuple[str, str] | None:
    """The part of regex *source* that a backtracking engine may try exponentially many ways, and why.

    Python's ``re`` backtracks: on a line it almost matches, ``(a+)+$`` tries every way of splitting
    a run of letters. Found, as ``(part, "nested")``: an unbounded repetition (``*``, ``+``,
    ``{n,}``) of a group one of whose alternatives needs nothing but repetitions (``(a+)+``,
    ``(\\w+\\s?)*``, ``(?:x|b+)*``, ``(a{1,3})+``); as ``(part, "alternatives")``: an unbounded
    repetition of a group two of whose alternatives can start with the same character (``(a|a)+``,
    ``(?:\\w|\\d)+``), judged on the first atom of each and a set of probe characters. Safe and not
    found: a required part between repetitions (``( \\d+:\\d\\d)*``), possessive repetitions
    (``a++``), atomic groups (``(?>...)``) and bounded repetitions of a fixed count (``(ab){3}``).
    Hand-written because the standard library's regex parser is private (``re._parser``); a
    pattern this misses can still be slow, so the check errs on the side of refusing.
    """
    # per open group: [start, kind, alternatives as [needs a repetition, needs a required part, first atom]]
    # (first atom: None before any element, the atom's source, or False when it starts otherwise)
    stack: list[list] = [[0, "", [[False, False, None]]]]
    pending = None  # the element just read, waiting for its quantifier: (status, start, end, kind, alternatives)

    def settle(repeat) -> tuple[str, str] | None:
        nonlocal pending
        if pending is None:
            return None
        status, start, end, kind, alts = pending
        pending = None
        if repeat is not None:
            (lo, hi, possessive), q_end = repeat
            if hi is None and not possessive:
                if kind not in ("atomic", "look", "atom"):
                    if status == "repeat":
                        return source[start:q_end], "nested"
                    firsts = [a[2] for a in alts if a[2]]
                    if any(_overlap(x, y) for i, x in enumerate(firsts) for y in firsts[i + 1:]):
                        return source[start:q_end], "alternatives"
                status = "repeat"
            elif hi is None or possessive:
                status = "required" if lo else "optional"
            elif hi > max(lo, 1):  # a{1,3}: a count to choose, as a+ has
                status = "repeat"
            elif status != "repeat":
                status = status if lo else "optional"
        alt = stack[-1][2][-1]
        if alt[2] is None and status != "zero":
            alt[2] = source[start:end] if kind == "atom" else False
        if status == "repeat":
            alt[0] = True
        elif status == "required":
            alt[1] = True
        return None

    for kind, start, end, info in _regex_elements(source):
        if kind == "repeat":
            found = settle((info, end))
            if found:
                return found
            continue
        settle(None)  # no quantifier: only a repetition can reveal a trap
        if kind == "open":
            stack.append([start, info, [[False, False, None]]])
        elif kind == "or":
            stack[-1][2].append([False, False, None])
        elif kind == "close" and len(stack) > 1:
            g_start, g_kind, alts = stack.pop()
            if g_kind == "look":
                status = "zero"
            elif g_kind == "atomic":
                status = "required"
            elif any(rep and not req for rep, req, _first in alts):
                status = "repeat"
            elif all(req for _rep, req, _first in alts):
                status = "required"
            else:
                status = "optional"
            pending = (status, g_start, end, g_kind, alts)
        elif kind == "atom":
            pending = ("required", start, end, "atom", [])
        elif kind == "zero":
            pending = ("zero", start, end, "zero", [])
    settle(None)
    return None


# --------------------------------------------------------------------------- line labels

_END_PUNCT = re.compile(r"[.?!:…\"”’')\]]$")
# A date stamp glued in front of a line by the tool that saved the page ("date 2021-07-27 Headline ..."):
# the line is labelled by what follows it.
_DATE_STAMP = re.compile(r"^(?:date\s+)?\d{4}-\d\d-\d\d\s+(?=.*[^\W\d_])", re.IGNORECASE)
# A wire or agency sign-off after the last sentence of a paragraph ("... in US history. - Associated Press").
_SIGN_OFF = re.compile(r"(?<=[.?!\"”’])\s+[-–—]\s*[A-Z][\w.&’' ]{1,30}$")
# An embedded social-media post printed as text ends with its signature: "— Name (@handle) July 27, 2021".
_POST_SIGNATURE = re.compile(r"\s[—–-]\s[^()]{1,60}\(@\w{1,30}\)\s+[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$")
# A paragraph this long with sentence punctuation inside is prose even when its end was cut off.
_LONG_PROSE = 25
# Section headings inside an article are short ("The statement in full") or a short question ("How did it
# happen?"); related-story headlines printed between paragraphs are headline-length statements.
_CROSSHEAD_MAX_WORDS = 6
_CROSSHEAD_QUESTION_MAX_WORDS = 11


class _AnyFull:
    """``fullmatch`` of the alternation of several patterns, testing only the patterns Hyperscan's prefilter
    (:func:`newslens.prefilter.candidate_ids`) says the text may match (a furniture pattern such as
    ``.*democracy dies in darkness.*`` costs a backtracking scan of every long body line otherwise)."""

    def __init__(self, alternation: re.Pattern, patterns: list[str]):
        flags = alternation.flags
        self.patterns = tuple((p, flags) for p in patterns)
        self.checked = [re.compile(p, flags) for p in patterns]

    def fullmatch(self, text: str) -> bool:
        # The alternation matches the whole text exactly when one of its patterns does.
        if not self.patterns:
            return False
        return any(self.checked[i].fullmatch(text) for i in candidate_ids(self.patterns, text))


@dataclass(frozen=True)
class _Furniture:
    boilerplate: _AnyFull
    caption: _AnyFull
    byline: _AnyFull
    copyright: re.Pattern
    markers: re.Pattern
    intro: tuple[re.Pattern, ...]
    end: re.Pattern
    continuation: re.Pattern


def compile_regex(source: object, *, where: str, what: str = "pattern", flags: int = re.IGNORECASE,
                  error: type[NewslensError] | None = None) -> re.Pattern:
    """A codebook's regular expression, compiled, or one line that says why it cannot be used: the one
    regex-compile-with-message of the package.

    Parameters
    ----------
    source : the pattern as the codebook gives it.
    where : the file and the entry, for the message (``facts.yml: fact 'x'``).
    what : what the pattern is, after *where* in the message (``boilerplate pattern``; empty for nothing).
    flags : :mod:`re` flags (default: ignore case, as the codebook rules match).
    error : the exception class raised (default :class:`CorpusError`).

    Raises
    ------
    *error* when *source* is not a non-empty text, is not a valid regular expression, or could hang a run
    (:func:`hang_risk`).
    """
    error = error or CorpusError
    prefix = f"{where}: {what + ' ' if what else ''}"
    if not isinstance(source, str) or not source.strip():
        raise error(f"{prefix}must be a non-empty string, got {source!r}")
    try:
        compiled = re.compile(source, flags)
    except re.error as exc:
        raise error(f"{prefix}{source!r} is not a valid regular expression ({exc})") from None
    risk = hang_risk(source)
    if risk:
        raise error(f"{prefix}{risk}")
    return compiled


def _pattern(p: object, source: str, key: str, flags: int = re.IGNORECASE) -> re.Pattern:
    return compile_regex(p, where=source, what=f"{key} pattern", flags=flags)


def _alternation(patterns: list[str], source: str, key: str) -> re.Pattern:
    if not patterns:
        return re.compile(r"(?!x)x")  # matches nothing
    for p in patterns:
        _pattern(p, source, key)
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _compile_furniture(book: dict, source: str) -> _Furniture:
    def listed(key: str) -> list[str]:
        value = book.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CorpusError(f"{source}: {key!r} must be a list of pattern strings")
        return value

    bq = book.get("block_quotes", {}) or {}
    if not isinstance(bq, dict):
        raise CorpusError(f"{source}: 'block_quotes' must be a mapping with intro, end and continuation")
    intro = tuple(_pattern(p, source, "block_quotes intro", flags=0) for p in bq.get("intro", []) or [])
    for p in intro:
        if "outlet" not in p.groupindex:
            raise CorpusError(f"{source}: block_quotes intro pattern {p.pattern!r} needs a named group (?P<outlet>...)")
    return _Furniture(
        boilerplate=_AnyFull(_alternation(listed("boilerplate"), source, "boilerplate"), listed("boilerplate")),
        caption=_AnyFull(_alternation(listed("caption"), source, "caption"), listed("caption")),
        byline=_AnyFull(_alternation(listed("byline"), source, "byline"), listed("byline")),
        copyright=re.compile(r"^[™®&\s]*(copyright|©)\s", re.IGNORECASE),
        markers=_alternation(listed("inline_markers"), source, "inline_markers"),
        intro=intro,
        end=_pattern(bq.get("end", r"(?!x)x"), source, "block_quotes end", flags=0),
        continuation=_pattern(bq.get("continuation", r"(?!x)x"), source, "block_quotes continuation", flags=0),
    )


@lru_cache(maxsize=8)
def _furniture_from_path(path: str, mtime_ns: int, size: int) -> _Furniture:
    """The compiled furniture codebook, kept while the file's (mtime, size) is unchanged: an edit is read again."""
    return _compile_furniture(_read_yaml(Path(path)), path)


def _furniture(furniture: dict | None, data_dir: Path | None) -> _Furniture:
    if furniture is not None:
        return _compile_furniture(furniture, "furniture codebook")
    path = _data_dir(data_dir) / "codebook" / "furniture.yml"
    if not path.is_file():
        raise CorpusError(f"{path}: codebook not found")
    info = path.stat()
    return _furniture_from_path(str(path), info.st_mtime_ns, info.st_size)


def inline_markers(*, data_dir: str | Path | None = None) -> re.Pattern:
    """The ``inline_markers`` of the furniture codebook (an aggregator's "[Source]", "[…]", "®") as one pattern,
    for callers that take them out of body text."""
    return _furniture(None, Path(data_dir) if data_dir is not None else None).markers


def _is_sentence(text: str, fur: _Furniture) -> bool:
    """A line that reads as prose: ends like a sentence and has enough words."""
    core = _SIGN_OFF.sub("", fur.markers.sub("", text).strip())
    if not core:
        return False
    n = word_count(core)
    if n >= 6 and _END_PUNCT.search(core):
        return True
    # a paragraph cut off mid-sentence or mid-word (the capture or the site stopped): long, ending in a word,
    # with sentences or clauses inside
    return n >= _LONG_PROSE and core[-1].isalnum() and bool(re.search(r"[.?!,;][\"”’)]?\s*\S", core))


def _is_post(text: str) -> bool:
    """An embedded social-media post printed in the article (it ends with the post's signature)."""
    return bool(_POST_SIGNATURE.search(text))


def _continues(short: str, longer: str) -> bool:
    """*longer* starts or ends with *short* (at least four words): a line repeated inside another."""
    return word_count(short) >= 4 and len(longer) > len(short) and (longer.startswith(short) or longer.endswith(short))


def _label_one(lines: list[str], headline: str | None, fur: _Furniture) -> list[str]:
    """Label the lines of one capture (one of :data:`LABELS` per line).

    A first label per line (:func:`_first_labels`), then passes that each look at a line's neighbours, in this
    order: photo credits, repeated lines, the dek, a cut-off last line, the footer and section headings. The rules
    are documented in the corpus chapter.
    """
    text = [_DATE_STAMP.sub("", t.strip()) for t in lines]
    head = _find_headline(text, headline, fur)
    labels = _first_labels(text, head, fur)
    _photo_credits(labels, text, head, fur)
    _repeated_lines(labels, text, head)
    _dek_after_headline(labels, text, head, fur)
    _cut_off_last_line(labels, text, fur)
    _footer(labels)
    _section_headings(labels, text, fur)
    return labels


def _same_headline(a: str, b: str) -> bool:
    return re.sub(r"\s+", " ", a).strip().casefold() == re.sub(r"\s+", " ", b).strip().casefold()


def _find_headline(text: list[str], headline: str | None, fur: _Furniture) -> int | None:
    """The line that is the headline: the manifest's headline where a line repeats it, else the first
    headline-length line before the prose starts that is not furniture, a caption or a byline (mastheads
    and menus are shorter than five words); None when there is none."""
    if headline:
        for i, t in enumerate(text):
            if t and _same_headline(t, headline):
                return i
    for i, t in enumerate(text):
        if not t:
            continue
        if _is_sentence(t, fur):
            return None
        if not (fur.boilerplate.fullmatch(t) or fur.caption.fullmatch(t) or fur.byline.fullmatch(t)) and 5 <= word_count(t) <= 25:
            return i
    return None


def _after(i: int, head: int | None) -> bool:
    """Line *i* comes after the headline (or the capture has none)."""
    return head is None or i > head


def _first_labels(text: list[str], head: int | None, fur: _Furniture) -> list[str]:
    """Each line's label from the line itself, the headline's place and the lines printed twice."""
    counts: dict[str, int] = {}
    first_at: dict[str, int] = {}
    for i, t in enumerate(text):
        if t:
            counts[t] = counts.get(t, 0) + 1
            first_at.setdefault(t, i)
    labels = []
    for i, t in enumerate(text):
        if not t:
            label = "blank"
        elif i == head:
            label = "headline"
        elif fur.copyright.match(t):
            label = "boilerplate" if head is not None and i < head else "byline"
        elif fur.boilerplate.fullmatch(t):
            label = "boilerplate"
        elif fur.caption.fullmatch(t):
            label = "caption"
        elif fur.byline.fullmatch(t) and word_count(t) <= 30:
            label = "byline"
        elif counts[t] > 1 and word_count(t) >= 4 and _near_copy(text, i):
            label = "caption"  # a caption printed twice (above and below the photo)
        elif counts[t] > 1 and word_count(t) >= 4 and i == first_at[t] and _is_sentence(t, fur) and _after(i, head) \
                and "body" not in labels:
            label = "dek"  # a summary printed above the article that repeats one of its paragraphs
        elif _is_post(t) and _after(i, head):
            label = "body"
        elif head is not None and i < head:
            label = "boilerplate"  # page chrome before the article starts
        elif _is_sentence(t, fur):
            label = "body"
        else:
            label = "boilerplate"  # short or unpunctuated: a related headline, a widget title
        labels.append(label)
    return labels


def _photo_credits(labels: list[str], text: list[str], head: int | None, fur: _Furniture) -> None:
    """Short unpunctuated lines glued (no blank line) to a caption are captions too (photo credits); in place,
    repeated until nothing changes (a credit of two lines)."""
    n = len(labels)
    changed = True
    while changed:
        changed = False
        for i in range(n):
            if (labels[i] == "boilerplate" and _after(i, head) and word_count(text[i]) <= 6 and not _END_PUNCT.search(text[i])
                    and not fur.boilerplate.fullmatch(text[i])):
                if (i > 0 and labels[i - 1] == "caption") or (i + 1 < n and labels[i + 1] == "caption"):
                    labels[i] = "caption"
                    changed = True


def _content(labels: list[str]) -> list[int]:
    """The positions of the lines that are not blank."""
    return [i for i, label in enumerate(labels) if label != "blank"]


def _repeated_lines(labels: list[str], text: list[str], head: int | None) -> None:
    """A line printed again, longer, right below it: the caption above its credit, the standfirst above the
    paragraph that repeats and continues it (a dek); in place."""
    content = _content(labels)
    for a, b in zip(content, content[1:]):
        if _continues(text[a], text[b]):
            if labels[b] == "caption":
                labels[a] = "caption"
            elif labels[b] == "body" and _after(a, head) and "body" not in labels[:a]:
                labels[a] = "dek"


def _dek_after_headline(labels: list[str], text: list[str], head: int | None, fur: _Furniture) -> None:
    """The first non-blank line after the headline is the dek when it is an unpunctuated phrase; in place."""
    if head is None:
        return
    nxt = next((i for i in range(head + 1, len(labels)) if labels[i] != "blank"), None)
    if nxt is not None and labels[nxt] == "boilerplate" and word_count(text[nxt]) >= 6 and not fur.boilerplate.fullmatch(text[nxt]):
        labels[nxt] = "dek"


def _cut_off_last_line(labels: list[str], text: list[str], fur: _Furniture) -> None:
    """The last line of a capture that stops mid-sentence continues the body when it starts like a sentence and
    follows a paragraph of the body (or is long enough to be one itself); in place."""
    content = _content(labels)
    if not content or labels[content[-1]] != "boilerplate" or "body" not in labels:
        return
    last = content[-1]
    t = text[last]
    prev_body = len(content) > 1 and labels[content[-2]] == "body"
    if (not fur.boilerplate.fullmatch(t) and re.match(r"[A-Z0-9“\"‘'(]", t)
            and not _END_PUNCT.search(t) and word_count(t) >= (3 if prev_body else 8)):
        labels[last] = "body"


def _footer(labels: list[str]) -> None:
    """After the body has started, a run of two or more non-body lines marks the end of the article; a prose line
    after it counts as body only when the body really resumes (two prose paragraphs in a row), otherwise it is an
    appeal, a promo or a notice (boilerplate); in place."""
    content = _content(labels)
    started, run, in_footer = False, 0, False
    for k, i in enumerate(content):
        label = labels[i]
        if label in ("caption", "dek"):
            continue  # a photo or a section heading sits inside the article: it does not end it
        if label == "body":
            if in_footer:
                nxt = content[k + 1] if k + 1 < len(content) else None
                if nxt is None or labels[nxt] != "body":
                    labels[i] = "boilerplate"
                    continue
                in_footer = False
            started, run = True, 0
        elif started:
            run += 1
            in_footer = in_footer or run >= 2


def _section_headings(labels: list[str], text: list[str], fur: _Furniture) -> None:
    """A short phrase with no full stop between two body paragraphs, printed once, is a section heading inside the
    article (labelled ``dek``); a question such as "Why does it matter?" may be longer; in place."""
    counts: dict[str, int] = {}
    for t in text:
        if t:
            counts[t] = counts.get(t, 0) + 1
    content = _content(labels)
    for k in range(1, len(content) - 1):
        i = content[k]
        t = text[i]
        heading = labels[i] == "boilerplate" or (labels[i] == "body" and t.endswith("?"))
        longest = _CROSSHEAD_QUESTION_MAX_WORDS if t.endswith("?") else _CROSSHEAD_MAX_WORDS
        if (heading and labels[content[k - 1]] == "body" and labels[content[k + 1]] == "body"
                and 2 <= word_count(t) <= longest and not re.search(r"[.!](\s|$)", t)
                and counts[t] == 1 and not fur.boilerplate.fullmatch(t)):  # a widget title comes back
            # a phrase ending in a colon introduces the paragraph after it ("The company's statement:"): body
            labels[i] = "body" if t.rstrip().endswith(":") else "dek"


def _near_copy(stripped: list[str], i: int, *, within: int = 3) -> bool:
    """The same line is printed again within *within* lines of line *i* (a caption above and below its photo)."""
    lo, hi = max(0, i - within), min(len(stripped), i + within + 1)
    return any(j != i and stripped[j] == stripped[i] for j in range(lo, hi))


def assign_voice(lines: pd.DataFrame, *, furniture: dict | None = None, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Give every body line a ``voice`` (``own`` or ``quoted``) and the ``quoted_outlet``.

    An aggregator introduces a passage from another outlet with a line such as "At the Gazette, Ann
    Lee reported ...:" and closes it with an end marker ("[Source]"). The body lines from the
    one after the introduction to the one carrying the end marker are ``quoted``; the outlet is
    the one the introduction names. An introduction with no end marker quotes only the next body
    line. Non-body lines get ``voice == ''``.

    Parameters
    ----------
    lines : DataFrame with ``article``, ``line``, ``text``, ``label`` (as from :func:`label_lines`).

    Returns
    -------
    A copy with ``voice`` and ``quoted_outlet`` columns (strings, '' where not applicable).
    """
    return _voice_core(lines, _furniture(furniture, data_dir))


def _voice_core(lines: pd.DataFrame, fur: _Furniture) -> pd.DataFrame:
    voice: list[str] = []
    outlet: list[str] = []
    for _art, block in lines.groupby("article", sort=False):
        v, o = _voice_one(block["label"].tolist(), block["text"].tolist(), fur)
        voice += v
        outlet += o
    # groupby(sort=False) keeps first-seen order of articles; realign in case rows were not contiguous
    order = lines.groupby("article", sort=False).indices
    positions = [i for idx in order.values() for i in idx]
    out = lines.copy()
    out["voice"] = pd.Series(voice, index=out.index[positions]).reindex(out.index).tolist()
    out["quoted_outlet"] = pd.Series(outlet, index=out.index[positions]).reindex(out.index).tolist()
    return out


def _voice_one(labels: list[str], texts: list[str], fur: _Furniture) -> tuple[list[str], list[str]]:
    """Voice and quoted outlet for the lines of one capture."""
    voice = ["own" if lab == "body" else "" for lab in labels]
    outlet = ["" for _ in labels]
    body = [i for i, lab in enumerate(labels) if lab == "body"]
    k = 0
    while k < len(body):
        named = _intro_outlet(texts[body[k]].strip(), fur)
        if not named:
            k += 1
            continue
        after = body[k + 1 :]
        end = next((j for j in after if fur.end.search(texts[j].strip())), None)
        if end is None:
            quoted = after[:1]
        else:
            quoted = []
            for j in after:  # up to the end marker, unless another introduction starts first
                if j > end or (quoted and _intro_outlet(texts[j].strip(), fur)):
                    break
                quoted.append(j)
        for j in quoted:
            voice[j], outlet[j] = "quoted", named
        k += 1 + len(quoted)
    return voice, outlet


def _intro_outlet(text: str, fur: _Furniture) -> str:
    for pat in fur.intro:
        m = pat.search(text)
        if m:
            name = m.group("outlet").strip()
            return name
    return ""


def label_lines(articles: pd.DataFrame, *, furniture: dict | None = None, data_dir: str | Path | None = None,
                progress=None) -> pd.DataFrame:
    """Label every line of every capture in the manifest.

    Parameters
    ----------
    articles : the manifest, as from :func:`load_manifest` (index ``article``; ``path`` and ``headline`` used).
    furniture : a furniture codebook as a dict; default ``data/codebook/furniture.yml``.

    Returns
    -------
    DataFrame with one row per raw line: ``article``, ``line`` (1-based, as ``cat -n`` counts; for a
    saved page, in its derived text, as ``newslens text FILE | cat -n`` shows it), ``text`` (the raw line),
    ``label`` (one of :data:`LABELS`), ``voice`` and ``quoted_outlet``
    (see :func:`assign_voice`).
    """
    return _label_all(articles, _furniture(furniture, data_dir), progress=progress, texts=None)


def label_texts(articles: pd.DataFrame, texts: dict[str, str], *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """:func:`label_lines` for captures already read: *texts* maps each manifest ``path`` to its text (as
    :func:`read_capture` returns it), so a caller that checked the files (a partition's task) does not read them again."""
    return _label_all(articles, _furniture(None, Path(data_dir) if data_dir is not None else None), progress=None, texts=texts)


def _label_all(articles: pd.DataFrame, fur: _Furniture, *, progress, texts: dict | None) -> pd.DataFrame:
    """:func:`label_lines`; a capture whose text *texts* holds (by path) is not read again."""
    cols: dict[str, list] = {"article": [], "line": [], "text": [], "label": [], "voice": [], "quoted_outlet": []}
    todo = zip(articles.index, articles["path"], articles["headline"])
    if progress is not None:
        todo = progress(todo, "label lines", len(articles))
    for art, path, headline in todo:
        text = texts.pop(path, None) if texts is not None else None
        raw_lines = (read_capture(path) if text is None else text).split("\n")
        labels = _label_one(raw_lines, headline, fur)
        voice, outlet = _voice_one(labels, raw_lines, fur)
        cols["article"] += [art] * len(raw_lines)
        cols["line"] += range(1, len(raw_lines) + 1)
        cols["text"] += raw_lines
        cols["label"] += labels
        cols["voice"] += voice
        cols["quoted_outlet"] += outlet
    lines = pd.DataFrame(cols)
    lines["line"] = lines["line"].astype(int)
    return lines


def load_corpus(data_dir: str | Path | None = None, *, today: _dt.date | None = None, progress=None) -> Corpus:
    """Load the manifest, check every capture and label every line: the starting point of every chapter.

    Every capture must have at least one body line (a line that reads as prose): the analyses
    have nothing to read in one without, and saying so here names the file and the row.
    *progress* wraps the loops over the captures, as in :func:`load_manifest`.
    """
    data = _data_dir(data_dir)
    texts: dict[str, str] = {}
    articles = _read_manifest(data, today=today, check_files=True, progress=progress, texts=texts)
    lines = _label_all(articles, _furniture(None, data), progress=progress, texts=texts)
    with_body = set(lines.loc[lines["label"] == "body", "article"])
    for n, (art, path) in enumerate(zip(articles.index, articles["path"]), start=2):
        if art not in with_body:
            raise CorpusError(f"{data / 'articles.csv'} row {n}: capture {path} has no body text (no line reads as a "
                              "sentence of six words or more); check that it is the article's text, or that "
                              "codebook/furniture.yml does not mark its paragraphs as boilerplate")
    return Corpus(articles=articles, lines=lines, data_dir=data)


def body_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """Only the lines labelled ``body`` (the reporting), in corpus order."""
    return lines[lines["label"] == "body"].reset_index(drop=True)


def load_events(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The story's timeline from ``data/codebook/events.yml``.

    Returns
    -------
    DataFrame with ``id``, ``date`` and ``end`` (datetime64; ``end`` is NaT for one-day events)
    and ``label``, sorted by date.
    """
    data = _data_dir(data_dir)
    path = data / "codebook" / "events.yml"
    book = load_codebook("events", data)
    events = book.get("events")
    if not isinstance(events, list) or not events:
        raise CorpusError(f"{path}: expected a non-empty list under 'events'")
    rows = []
    for k, ev in enumerate(events, start=1):
        where = f"{path} event {k}"
        if not isinstance(ev, dict) or not all(ev.get(key) for key in ("id", "date", "label")):
            raise CorpusError(f"{where}: every event needs id, date (YYYY-MM-DD) and label")
        dates = []
        for key in ("date", "end"):
            value = ev.get(key)
            if value is None:
                dates.append(pd.NaT)
                continue
            dates.append(pd.Timestamp(parse_date(value if isinstance(value, _dt.date) else str(value), where=where, name=key)))
        rows.append({"id": str(ev["id"]), "date": dates[0], "end": dates[1], "label": str(ev["label"])})
    return pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)


def label_agreement(lines: pd.DataFrame, reference: pd.DataFrame) -> dict[str, float]:
    """How far the labeller agrees with hand labels.

    Parameters
    ----------
    lines : output of :func:`label_lines`.
    reference : hand labels with ``article``, ``line``, ``label`` and, for body lines, ``voice``
        and ``quoted_outlet``; it must cover the same lines.

    Returns
    -------
    ``body_precision``, ``body_recall``, ``body_f1`` (for the label ``body``),
    ``accuracy_nonblank`` (all labels, lines that are not blank in the reference) and
    ``voice_accuracy`` (voice and quoted outlet on reference body lines).
    """
    m = reference.merge(lines, on=["article", "line"], suffixes=("_ref", ""), how="left", indicator=True)
    if (m["_merge"] != "both").any() or len(reference) != len(lines):
        raise CorpusError("the reference labels must cover exactly the labelled lines (same articles and line numbers)")
    from sklearn.metrics import precision_recall_fscore_support  # imported here: loading a corpus does not need it

    true = m["label_ref"] == "body"
    p, r, f, _ = precision_recall_fscore_support(true, m["label"] == "body", average="binary", zero_division=0)
    nonblank = m[m["label_ref"] != "blank"]
    body = m[true]
    return {
        "body_precision": float(p),
        "body_recall": float(r),
        "body_f1": float(f),
        "accuracy_nonblank": float((nonblank["label"] == nonblank["label_ref"]).mean()),
        "voice_accuracy": float(((body["voice"] == body["voice_ref"]) & (body["quoted_outlet"] == body["quoted_outlet_ref"])).mean()),
    }


def extraction_disagreements(articles: pd.DataFrame, lines: pd.DataFrame, *, furniture: dict | None = None,
                             data_dir: str | Path | None = None) -> pd.DataFrame:
    """Where trafilatura and the line labeller disagree on what is article text, in saved-page captures.

    Two kinds of line, per capture whose file is a saved page (plain-text captures give none):

    - ``kept``: a line of the derived text (trafilatura kept it as article text) that the labeller
      sets aside (caption, byline, dek, boilerplate); the headline line, put first on purpose, is not one.
    - ``left out``: a paragraph of the whole page (:func:`newslens.pages.page_paragraphs`) that the
      labeller, run on every paragraph of the page, calls ``body``, and trafilatura left out.

    Parameters
    ----------
    articles : the manifest (``path``, ``file``, ``headline`` used), as from :func:`load_manifest`.
    lines : :func:`label_lines` of those articles.
    furniture : a furniture codebook as a dict; default ``data/codebook/furniture.yml``.

    Returns
    -------
    DataFrame with ``article``, ``line`` (the line of the derived text, as in *lines*; <NA> for a
    paragraph trafilatura left out), ``text``, ``trafilatura`` (``kept`` or ``left out``) and ``label``
    (the labeller's label), in manifest order, kept lines first within a capture.
    """
    from newslens.pages import page_paragraphs

    fur = _furniture(furniture, data_dir)
    rows: list[dict] = []
    for art, path, name, headline in zip(articles.index, articles["path"], articles["file"], articles["headline"]):
        if not _is_page(name):
            continue
        own = lines[lines["article"] == art]
        kept = own[~own["label"].isin(["body", "blank", "headline"])]
        rows += [{"article": art, "line": ln, "text": t, "trafilatura": "kept", "label": lab}
                 for ln, t, lab in zip(kept["line"], kept["text"], kept["label"])]
        derived = {" ".join(t.split()).casefold() for t in own["text"]}
        with open(path, "rb") as fh:
            paragraphs = page_paragraphs(fh.read(), where=str(path))
        for t, lab in zip(paragraphs, _label_one(paragraphs, headline, fur)):
            if lab == "body" and " ".join(t.split()).casefold() not in derived:
                rows.append({"article": art, "line": pd.NA, "text": t, "trafilatura": "left out", "label": lab})
    out = pd.DataFrame(rows, columns=["article", "line", "text", "trafilatura", "label"])
    out["line"] = out["line"].astype("Int64")
    return out


def label_examples(lines: pd.DataFrame, *, labels=("boilerplate", "caption", "byline"), per_article: int = 2, width: int = 70) -> pd.DataFrame:
    """A few lines of each non-body label per capture, shortened to *width* characters, to show what was set aside.

    Returns ``article``, ``line``, ``label``, ``text``.
    """
    picked = lines[lines["label"].isin(labels)]
    picked = picked.groupby(["article", "label"], sort=False).head(per_article)
    short = picked["text"].str.strip().map(lambda t: t if len(t) <= width else t[: width - 1].rstrip() + "…")
    return picked.assign(text=short)[["article", "line", "label", "text"]].reset_index(drop=True)
