"""Register new captures (``newslens add FILE...``): copy each into ``raw/`` and append its manifest row.

Every value of the row is filled from the capture where it can be (a saved page's metadata, a
plain-text capture's lines, the URL) or from an option, and :func:`describe` says which, so the
analyst can check it. :func:`plan_captures` does every check and writes nothing; :func:`write_captures`
then copies the files and replaces the manifest whole, so bad input leaves the data folder as it was.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from newslens.corpus import (
    MANIFEST_COLUMNS,
    OPTIONAL_COLUMNS,
    CorpusError,
    find_data_dir,
    label_lines,
    load_codebook,
    load_manifest,
    parse_date,
    read_capture,
)
from newslens.pages import HTML_SUFFIXES, Page, extractor_name, is_binary, is_html_name, looks_like_html, read_page, url_date

__all__ = ["NewCapture", "plan_captures", "write_captures", "describe", "stated_date"]

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_NUMBERED = re.compile(r"^(\d+)_")
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@dataclass
class NewCapture:
    """One capture ready to be added: the file given, its bytes, the manifest ``row`` it will get
    (every manifest column, ``extractor`` included) and ``sources``: for each filled column, where its
    value came from, in words."""

    given: Path
    raw: bytes
    row: dict[str, str]
    sources: dict[str, str] = field(default_factory=dict)


def _date_option(value: str, today: _dt.date) -> str:
    try:
        day = parse_date(value)
    except CorpusError:
        raise CorpusError(f"--date {value!r} is not a date; give it as YYYY-MM-DD") from None
    if day > today:
        raise CorpusError(f"--date {value} is in the future (today is {today.isoformat()}); check the year")
    return value


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40].strip("-") or "capture"


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def stated_date(lines: list[str]) -> tuple[str, int] | None:
    """The first date stated in *lines* (a capture's lines before its article text), by htmldate.

    Returns (YYYY-MM-DD, 1-based line number) or None. Each line is searched alone so the date can be
    traced to its line; htmldate reads the many ways pages print a date ("March 12, 2024", "12.03.2024").
    A line whose only number is a year ("Copyright 2024 ...") states no day: htmldate would make it
    1 January, so it is skipped.
    """
    import lxml.html
    from htmldate import find_date

    for n, line in enumerate(lines, start=1):
        if not re.search(r"\d", _YEAR.sub("", line)):
            continue
        doc = lxml.html.Element("html")
        body = lxml.html.etree.SubElement(doc, "body")
        lxml.html.etree.SubElement(body, "p").text = line
        found = find_date(doc, extensive_search=True, original_date=True)
        if found:
            return found, n
    return None


def _furniture_or_none(data: Path) -> dict:
    # a new story may be added before its codebooks are written: label with no furniture then
    return load_codebook("furniture", data) if (data / "codebook" / "furniture.yml").is_file() else {}


def _fill_text(cap: NewCapture, data: Path, *, headline: str | None, date: str | None, url: str | None) -> None:
    row, src = cap.row, cap.sources
    where = str(cap.given)
    frame = pd.DataFrame({"path": [str(cap.given)], "headline": [headline or ""]}, index=pd.Index(["new"], name="article"))
    labelled = label_lines(frame, furniture=_furniture_or_none(data))
    labels, texts = labelled["label"].tolist(), labelled["text"].tolist()
    if headline:
        row["headline"], src["headline"] = headline, "given (--headline)"
        if "headline" not in labels:
            src["headline"] += "; no line of the capture prints it, so the labeller guesses where the article starts"
    elif "headline" in labels:
        n = labels.index("headline")
        row["headline"], src["headline"] = texts[n].strip(), f"line {n + 1} of the capture (the first headline-length line)"
    else:
        raise CorpusError(f"{where}: no headline found (no headline-length line before the article text); give --headline")
    first_body = labels.index("body") if "body" in labels else min(len(texts), 30)
    bylines = [(n, t.strip()) for n, (t, lab) in enumerate(zip(texts, labels)) if lab == "byline" and _BY.match(t.strip())]
    if bylines:
        n, t = bylines[0]
        row["byline"], src["byline"] = _BY.sub("", t), f"line {n + 1} of the capture"
    else:
        row["byline"], src["byline"] = "not in the capture", "no 'By ...' line in the capture"
    row["url"], src["url"] = (url, "given (--url)") if url else ("", "not in a plain-text capture; give --url")
    if date:
        row["date"], row["date_basis"], src["date"] = date, "given", "given (--date)"
        return
    # captions print the dates of photos ("FILE - In this March 2, 2024, file photo"): not the article's
    header = [t if lab not in ("caption", "headline") else "" for t, lab in zip(texts[:first_body], labels)]
    found = stated_date(header)
    if found:
        row["date"], row["date_basis"], src["date"] = found[0], "stated", f"line {found[1]} of the capture (htmldate)"
    elif url_date(url or ""):
        row["date"], row["date_basis"], src["date"] = url_date(url or ""), "from the URL", "the URL (htmldate)"
    else:
        raise CorpusError(f"{where}: no date stated before the article text and none in the URL; give --date YYYY-MM-DD")


def _fill_page(cap: NewCapture, page: Page, *, headline: str | None, date: str | None, url: str | None, outlet: str | None) -> None:
    row, src = cap.row, cap.sources
    where = str(cap.given)
    if headline:
        row["headline"], src["headline"] = headline, "given (--headline)"
    elif page.title:
        row["headline"], src["headline"] = page.title, "the page's title (trafilatura, from its metadata)"
    else:
        raise CorpusError(f"{where}: the page has no title; give --headline")
    if page.author:
        row["byline"], src["byline"] = page.author, "the page's author (trafilatura, from its metadata)"
    else:
        row["byline"], src["byline"] = "not in the capture", "the page names no author"
    if url:
        row["url"], src["url"] = url, "given (--url)" + (f"; the page says {page.url}" if page.url and page.url != url else "")
    elif page.url:
        row["url"], src["url"] = page.url, "the page's canonical link or og:url"
    else:
        row["url"], src["url"] = "", "not in the page; give --url"
    if outlet and page.site_name and page.site_name != outlet:
        src["outlet"] += f"; the page names its site {page.site_name!r}"
    if not outlet:
        if not page.site_name:
            raise CorpusError(f"{where}: the page does not name its site; give --outlet NAME "
                              "(the outlet that first published the story)")
        row["outlet"] = page.site_name
        src["outlet"] = ("the page's site name (og:site_name or publisher): if the page republishes another "
                         "outlet's story, give that outlet with --outlet")
    row["extractor"], src["extractor"] = extractor_name(), f"the installed extractor (page read as {page.encoding})"
    if date:
        row["date"], row["date_basis"], src["date"] = date, "given", "given (--date)" + (
            f"; the page states {page.date}" if page.date and page.date != date else "")
    elif page.date:
        row["date"], row["date_basis"], src["date"] = page.date, "stated", "the page's markup (htmldate: meta tags, JSON-LD or <time>)"
    elif url_date(row["url"]):
        row["date"], row["date_basis"], src["date"] = url_date(row["url"]), "from the URL", f"the URL {row['url']} (htmldate)"
    else:
        raise CorpusError(f"{where}: no date in the page's markup or its URL; give --date YYYY-MM-DD")


def _kind(path: Path, raw: bytes) -> str:
    """``html`` or ``text``: by the name for .html/.htm, else by the content (a page saved as .txt is a page)."""
    if is_binary(raw):
        raise CorpusError(f"{path}: neither an HTML page nor text (a binary file); save the article as HTML or plain text")
    if is_html_name(path.name):
        return "html"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if re.search(rb"<\s*(!doctype\s+html|html|head|body)\b", raw, re.IGNORECASE):
            return "html"
        raise CorpusError(f"{path}: neither an HTML page nor UTF-8 text; save the article as HTML, or as UTF-8 text") from None
    return "html" if looks_like_html(text) else "text"


def _read_manifest(data: Path) -> tuple[list[str], list[dict], str]:
    path = data / "articles.csv"
    if not path.is_file():
        return [*MANIFEST_COLUMNS, *OPTIONAL_COLUMNS], [], "\n"
    if _has_rows(path):  # the rows already there must be valid before one is added
        load_manifest(data, check_files=False)
    raw = path.read_bytes()
    newline = "\r\n" if b"\r\n" in raw.split(b"\n", 1)[0] + b"\n" else "\n"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return list(reader.fieldnames or []), list(reader), newline


def _has_rows(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return sum(1 for _ in csv.reader(fh)) > 1
    except (UnicodeDecodeError, csv.Error):
        return True  # let load_manifest say what is wrong


def plan_captures(files: list[str | Path], data_dir: str | Path | None = None, *, outlet: str | None = None,
                  date: str | None = None, url: str | None = None, article_id: str | None = None,
                  site: str | None = None, headline: str | None = None, today: _dt.date | None = None) -> list[NewCapture]:
    """Check every file and option and fill the manifest row of each capture; write nothing.

    Parameters
    ----------
    files : the captures to add (saved pages ``.html``/``.htm``, or UTF-8 plain text).
    data_dir : the data folder (default: found from the working folder); a folder without
        ``articles.csv`` starts a new manifest.
    outlet, date, url, site, headline : values for the ``outlet``, ``date`` (YYYY-MM-DD; basis
        ``given``), ``url``, ``capture_site`` and ``headline`` columns, used instead of what the capture
        says. ``url``, ``headline`` and ``article_id`` name one capture: only with one file.
    article_id : the ``id`` (default: the outlet's name as a slug, numbered if taken).

    Returns
    -------
    One :class:`NewCapture` per file, in the order given, with ``row['file']`` the name it gets in ``raw/``.

    Raises
    ------
    CorpusError, one line naming the file or option and the fix: a file that is missing, already in the
    corpus (same sha256) or given twice, an id that exists, a capture that is unusable, a value that
    cannot be found in the capture and was not given.
    """
    today = today or _dt.date.today()
    data = find_data_dir() if data_dir is None else Path(data_dir)
    if not data.is_dir():
        raise CorpusError(f"{data}: data folder does not exist")
    header, rows, _nl = _read_manifest(data)
    if not files:
        raise CorpusError("no file to add; name one or more captures")
    for option, value in (("--url", url), ("--headline", headline), ("--id", article_id)):
        if value and len(files) > 1:
            raise CorpusError(f"{option} names one capture but {len(files)} files were given; add them one at a time")
    if date:
        date = _date_option(date, today)
    ids = {r.get("id", "").strip(): n for n, r in enumerate(rows, start=2)}
    if article_id is not None:
        if not _ID_RE.match(article_id):
            raise CorpusError(f"--id {article_id!r} is not a slug; use lower-case letters, digits, '-' or '_'")
        if article_id in ids:
            raise CorpusError(f"--id {article_id!r} already exists in {data / 'articles.csv'} (row {ids[article_id]}); choose another id")
    shas = {r.get("sha256", "").strip().lower(): (r.get("id", ""), r.get("file", "")) for r in rows}
    numbers = [int(m.group(1)) for r in rows if (m := _NUMBERED.match(r.get("file", "")))]
    number = max(numbers, default=len(rows) - 1) + 1
    plans: list[NewCapture] = []
    for given in map(Path, files):
        if not given.is_file():
            raise CorpusError(f"{given}: file not found")
        raw = given.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest in shas:
            art, name = shas[digest]
            raise CorpusError(f"{given}: already in the corpus as {art!r} (raw/{name} has the same sha256); nothing to add")
        twin = next((p.given for p in plans if p.row["sha256"] == digest), None)
        if twin is not None:
            raise CorpusError(f"{given}: the same file as {twin} (same sha256); give it once")
        kind = _kind(given, raw)
        suffix = HTML_SUFFIXES[0] if kind == "html" else ".txt"
        cap = NewCapture(given=given, raw=raw, row=dict.fromkeys((*MANIFEST_COLUMNS, *OPTIONAL_COLUMNS), ""))
        cap.row.update(file=f"{number + len(plans):03d}_{digest[:16]}{suffix}", sha256=digest)
        cap.sources.update(file=f"a copy of {given}, byte for byte" + ("" if given.suffix.lower() == suffix else f" (its content is {kind})"),
                           sha256="computed from the file")
        if outlet:
            cap.row["outlet"], cap.sources["outlet"] = outlet, "given (--outlet)"
        if kind == "html":
            _fill_page(cap, read_page(raw, where=str(given)), headline=headline, date=date, url=url, outlet=outlet)
        else:
            if not outlet:
                raise CorpusError(f"{given}: a plain-text capture does not say which outlet published it; give --outlet NAME")
            read_capture(given)  # the plain-text checks: size, UTF-8, not empty
            _fill_text(cap, data, headline=headline, date=date, url=url)
        if site:
            cap.row["capture_site"], cap.sources["capture_site"] = site, "given (--site)"
        elif _host(cap.row["url"]):
            cap.row["capture_site"], cap.sources["capture_site"] = _host(cap.row["url"]), "the host of the URL"
        else:
            cap.sources["capture_site"] = "unknown (no URL); give --site"
        taken = set(ids) | {p.row["id"] for p in plans}
        if article_id:
            cap.row["id"], cap.sources["id"] = article_id, "given (--id)"
        else:
            base = _slug(cap.row["outlet"])
            cap.row["id"] = next(c for c in (base, *(f"{base}-{k}" for k in range(2, 10_000))) if c not in taken)
            cap.sources["id"] = "the outlet's name as a slug" + (", numbered: the slug is taken" if cap.row["id"] != base else "")
        if (data / "raw" / cap.row["file"]).exists():
            raise CorpusError(f"{data / 'raw' / cap.row['file']}: already exists but is not in the manifest; move it away first")
        plans.append(cap)
    return plans


def _manifest_bytes(data: Path, plans: list[NewCapture]) -> bytes:
    """The new manifest: the old one byte for byte with the rows appended, or, when the rows need a
    column the old header lacks (``extractor``), every row rewritten under the wider header."""
    header, rows, newline = _read_manifest(data)
    path = data / "articles.csv"
    needed = [c for c in OPTIONAL_COLUMNS if c not in header and any(p.row[c] for p in plans)]
    out = io.StringIO(newline="")
    if path.is_file() and not needed:
        old = path.read_bytes()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator=newline, extrasaction="ignore")
        writer.writerows(p.row for p in plans)
        sep = b"" if not old or old.endswith(b"\n") else newline.encode()
        return old + sep + out.getvalue().encode("utf-8")
    writer = csv.DictWriter(out, fieldnames=header + needed, lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    writer.writerows([*rows, *(p.row for p in plans)])
    return out.getvalue().encode("utf-8")


def write_captures(plans: list[NewCapture], data_dir: str | Path | None = None) -> Path:
    """Copy each planned capture into ``raw/`` and replace ``articles.csv`` with the rows appended.

    The captures are written byte for byte (checked by sha256), the manifest to a temporary file then
    moved into place with :func:`os.replace`; if anything fails, the files written so far are removed,
    so the data folder is as it was. Returns the manifest's path.
    """
    data = find_data_dir() if data_dir is None else Path(data_dir)
    manifest = data / "articles.csv"
    content = _manifest_bytes(data, plans)
    written: list[Path] = []
    temp = data / ".articles.csv.newslens-add"
    try:
        (data / "raw").mkdir(exist_ok=True)
        for cap in plans:
            target = data / "raw" / cap.row["file"]
            with target.open("xb") as fh:  # "x": never overwrite a capture
                written.append(target)
                fh.write(cap.raw)
            if hashlib.sha256(target.read_bytes()).hexdigest() != cap.row["sha256"]:
                raise OSError(f"{target}: the copy differs from {cap.given}")
        temp.write_bytes(content)
        os.replace(temp, manifest)
    except BaseException:
        for path in (*written, temp):
            path.unlink(missing_ok=True)
        raise
    return manifest


def describe(cap: NewCapture) -> list[str]:
    """Lines that say what was filled in the capture's row and where each value came from."""
    width = max(map(len, cap.row))
    out = [f"{cap.given} -> raw/{cap.row['file']} as {cap.row['id']!r}"]
    for col, value in cap.row.items():
        if col == "date_basis":
            continue
        shown = f"{value} ({cap.row['date_basis']})" if col == "date" else (value or "(empty)")
        where = cap.sources.get(col, "")
        out.append(f"  {col:<{width}}  {shown}" + (f"  <- {where}" if where else ""))
    return out
