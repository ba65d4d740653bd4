"""The captures as a reader can check them: one page per capture, every line numbered, labelled and annotated.

:func:`write_pages` writes, for a :class:`~newslens.study.Study`, ``<article>.md`` per capture and ``index.md`` (the
list of captures) into a folder of the book (MyST Markdown with raw HTML, the same bytes for the same study), so a
chapter's evidence row can link to the line it cites (:func:`line_link`).
"""
from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

import pandas as pd

from newslens.coverage import fact_hits
from newslens.display import plural
from newslens.quotes import speaker_type_names

__all__ = ["FOLDER", "KIND_WORDS", "RIGHTS_NOTE", "line_kind", "line_link", "line_links", "page_link", "with_line_links", "line_notes",
           "capture_page", "index_page", "articles_html", "write_pages"]

#: The book's folder of the pages (next to ``chapters/``).
FOLDER = "sources"

#: What each line label is called on the pages (:data:`newslens.corpus.LABELS`).
KIND_WORDS: dict[str, str] = {
    "headline": "furniture: headline",
    "dek": "furniture: standfirst",
    "byline": "furniture: byline or credit",
    "body": "body",
    "caption": "caption",
    "boilerplate": "furniture: page text",
    "blank": "blank",
}

#: The note on the rights in the captures, shown on the list of captures (the front page says the same).
RIGHTS_NOTE = ("The captures are quoted here for research and commentary; the rights in the articles remain with their "
               "publishers. Follow the headline to read an article where it was published.")

_LEGEND = """<dl class="newslens-legend">
<dt>Line</dt><dd>the line's number in the capture as received (link to the line on this page)</dd>
<dt>Kind</dt><dd><b>body</b>: the outlet's own reporting; <b>quoted passage</b>: body text quoted from another outlet
(the outlet is named); <b>caption</b>: a picture's caption or credit; <b>furniture</b>: the page around the article
(headline, standfirst, byline, menus, notices); <b>blank</b>: an empty line. Only body lines and quoted passages are
counted as the article's text.</dd>
<dt>Text</dt><dd>the line as captured. <mark>Highlighted</mark> words are a sentence that reports a fact of the
story; <u>underlined</u> words are a direct quotation.</dd>
<dt>Found on this line</dt><dd>each fact, in the words of the story's codebook, and each quotation with its
speaker</dd>
</dl>"""

# Markdown punctuation that would change a heading's or a table cell's meaning (CommonMark allows escaping any).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~$])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _words(name: str) -> str:
    return str(name).replace("_", " ")


def line_link(article: str, line, *, prefix: str = "../") -> str:
    """The address of *line* of *article*'s capture page, seen from a chapter page (``prefix`` leads to the book's root)."""
    return f"{prefix}{FOLDER}/{article}.html#L{int(line)}"


def page_link(article: str, *, text: str = "line by line", prefix: str = "../") -> str:
    """An HTML link to *article*'s capture page, seen from a chapter page."""
    return f'<a href="{prefix}{FOLDER}/{article}.html">{html.escape(text, quote=False)}</a>'


def line_links(article: str, lines, *, prefix: str = "../") -> str:
    """HTML links to each line in *lines* (an int, or "24; 28" as the evidence tables write several) of *article*'s
    capture page, e.g. ``<a href="../sources/a.html#L24">line 24</a>``; '' when there is no line (none, NaN or 0)."""
    numbers = [int(n) for n in re.findall(r"\d+", str(lines))] if lines is not None and not (isinstance(lines, float) and lines != lines) else []
    numbers = [n for n in numbers if n > 0]  # lines count from 1; a 0 means "no line" (a function no sentence fills)
    return ", ".join(f'<a href="{line_link(article, n, prefix=prefix)}">line {n}</a>' for n in dict.fromkeys(numbers))


def with_line_links(table: pd.DataFrame, *, article: str = "article", line: str = "line", into: str | None = None,
                    prefix: str = "../") -> pd.DataFrame:
    """A copy of *table* whose column *into* (default: *line*) links each row's line(s) to the capture page.

    *article* must still hold article ids (map them to labels afterwards). Show the column with
    ``reader_table(..., html=[into])``.
    """
    links = [line_links(a, n, prefix=prefix) for a, n in zip(table[article], table[line])]
    return table.assign(**{into or line: links})


def line_kind(label: str, voice: str = "", quoted_outlet: str = "") -> str:
    """A line's kind in words: :data:`KIND_WORDS`, and "quoted passage from <outlet>" for quoted body text."""
    if label == "body" and voice == "quoted":
        return f"quoted passage from {quoted_outlet}" if quoted_outlet else "quoted passage"
    return KIND_WORDS.get(label, _words(label))


def line_notes(study) -> pd.DataFrame:
    """What each line of the study carries: its facts and its quotations.

    Returns
    -------
    DataFrame with one row per (line, note): ``article``, ``line``, ``kind`` (``fact`` or ``quote``), ``text``
    (the sentence reporting the fact, or the words quoted: to highlight in the line) and ``note`` (the fact's
    definition from the facts codebook, or "quotation: <speaker> (<speaker type>)"), in corpus order.
    """
    definitions = {f["id"]: " ".join(str(f.get("definition") or f["id"]).split()) for f in study.codebook("facts")["facts"]}
    hits = fact_hits(study.sentences, study.codebook("facts"))
    facts = pd.DataFrame({"article": hits["article"], "line": hits["line"].astype(int), "kind": "fact",
                          "text": hits["text"], "note": hits["fact"].map(definitions)})
    q = study.quotes
    type_names = speaker_type_names(study.codebook("speakers"))
    kinds = [type_names.get(t, _words(t)) if t else "" for t in q["speaker_type"]]
    quotes = pd.DataFrame({"article": q["article"], "line": q["line"].astype(int), "kind": "quote", "text": q["quote"],
                           "note": ["quotation: " + (f"{s} ({k})" if k and k != s else str(s)) for s, k in zip(q["speaker"], kinds)]})
    notes = pd.concat([facts, quotes], ignore_index=True)
    return notes.sort_values(["article", "line"], kind="stable").reset_index(drop=True)


def _spans(text: str, needles, kind: str) -> list[tuple[int, int, str]]:
    out = []
    for needle in needles:
        needle = str(needle).strip()
        start = text.find(needle) if needle else -1
        if start >= 0:  # a sentence cleaned of an aggregator's markers may not be found as printed: the notes still list it
            out.append((start, start + len(needle), kind))
    return out


def _marked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """*text* HTML-escaped, with every fact span in ``<mark>`` and every quote span in ``<u>`` (nested, never crossing)."""
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    runs: list[list] = []  # [start, end, kinds]: neighbouring pieces with the same marks are one run
    for a, b in zip(cuts, cuts[1:]):
        kinds = frozenset(k for s, e, k in spans if s <= a and b <= e)
        if runs and runs[-1][2] == kinds:
            runs[-1][1] = b
        else:
            runs.append([a, b, kinds])
    parts = []
    for a, b, kinds in runs:
        piece = html.escape(text[a:b], quote=False)
        if "quote" in kinds:
            piece = f"<u>{piece}</u>"
        if "fact" in kinds:
            piece = f"<mark>{piece}</mark>"
        parts.append(piece)
    return "".join(parts)


def _date(value) -> str:
    return pd.Timestamp(value).strftime("%d %B %Y").lstrip("0")


def _headline_html(row) -> str:
    headline = html.escape(str(row["headline"]), quote=False)
    url = str(row.get("url") or "").strip()
    return f'<a href="{html.escape(url)}">{headline}</a>' if url else headline


def capture_page(study, article: str, notes: pd.DataFrame | None = None) -> str:
    """The page of one capture (MyST Markdown): its details, a legend and every line in a table with an anchor each.

    *notes* is :func:`line_notes` (computed when not given). The row of line *n* has ``id="L<n>"``.
    """
    notes = line_notes(study) if notes is None else notes
    row = study.articles.loc[article]
    lines = study.lines[study.lines["article"] == article]
    mine = notes[notes["article"] == article]
    by_line = {n: g for n, g in mine.groupby("line", sort=False)}
    words = int(study.stats.loc[article, "words_body"])
    url = str(row.get("url") or "").strip()
    details = [
        ("Outlet", html.escape(str(row["outlet"]), quote=False)),
        ("Headline", _headline_html(row) if url else html.escape(str(row["headline"]), quote=False)
         + " (the capture records no address of the original)"),
        ("Published", html.escape(_date(row["date"]), quote=False)),
        ("How the date was established", html.escape(str(row["date_basis"]), quote=False)),
        ("Captured from", html.escape(str(row["capture_site"]), quote=False)),
        ("Byline", html.escape(str(row.get("byline") or "not recorded"), quote=False)),
        ("Length", f"{plural(len(lines), 'line')}; {plural(words, 'word')} of body text"),
    ]
    out = [f"# {_md(row['label'])}", "",
           f"The capture of {_md(row['outlet'])}'s article as received, line by line. {_md(RIGHTS_NOTE)} "
           "[All captures](index.md).", "",
           '<dl class="newslens-capture">', *(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in details), "</dl>", "",
           "## How to read the lines", "", _LEGEND, "", "## The lines", "",
           '<table class="newslens-lines">',
           f"<caption>Every line of the capture ({plural(len(lines), 'line')})</caption>",
           '<thead><tr><th scope="col">Line</th><th scope="col">Kind</th><th scope="col">Text</th>'
           '<th scope="col">Found on this line</th></tr></thead>', "<tbody>"]
    for n, text, label, voice, outlet in lines[["line", "text", "label", "voice", "quoted_outlet"]].itertuples(index=False):
        n = int(n)
        g = by_line.get(n)
        spans, found = [], ""
        if g is not None:
            spans = _spans(text, g.loc[g["kind"] == "fact", "text"], "fact") + _spans(text, g.loc[g["kind"] == "quote", "text"], "quote")
            items = dict.fromkeys(("fact: " if k == "fact" else "") + html.escape(note, quote=False) for k, note in zip(g["kind"], g["note"]))
            found = "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
        kind = html.escape(line_kind(label, voice, outlet), quote=False)
        out.append(f'<tr id="L{n}"><td><a href="#L{n}">{n}</a></td><td>{kind}</td><td>{_marked(text, spans)}</td>'
                   f"<td>{found}</td></tr>")
    out += ["</tbody>", "</table>", ""]
    return "\n".join(out)


def index_page(study, *, title: str = "Sources") -> str:
    """The list of captures (MyST Markdown): outlet, headline linked to the original, date and how it was
    established, capture site, words of body text and a link to the capture's page; in publication order."""
    arts = study.articles.loc[study.by_date]
    out = [f"# {title}", "",
           f"The book reads {plural(len(arts), 'captured article')} from {plural(arts['outlet'].nunique(), 'outlet')}. "
           "Each capture has a page of its own that shows every line as received, numbered, with what the book "
           "found on it; the chapters' evidence tables link to these lines.", "",
           f"{_md(RIGHTS_NOTE)}", "",
           "| Outlet | Headline (links to the original) | Published | How the date was established | Captured from "
           "| Words of body text | Capture, line by line |",
           "|---|---|---|---|---|---:|---|"]
    for art, row in arts.iterrows():
        url = str(row.get("url") or "").strip()
        headline = f"[{_md(row['headline'])}]({url})" if url else f"{_md(row['headline'])} (no address recorded)"
        out.append(f"| {_md(row['outlet'])} | {headline} | {_date(row['date'])} | {_md(row['date_basis'])} "
                   f"| {_md(row['capture_site'])} | {int(study.stats.loc[art, 'words_body']):,} "
                   f"| [{_md(row['label'])}]({art}.md) |")
    return "\n".join(out) + "\n"


def articles_html(study, *, prefix: str = "") -> str:
    """A compact HTML table of the captures for the front page: outlet, headline linked to the original (when the
    manifest has its address), date, and a link to the capture's page (*prefix* leads from the page to the book's root)."""
    rows = []
    for art, row in study.articles.loc[study.by_date].iterrows():
        rows.append(f"<tr><td>{html.escape(str(row['outlet']), quote=False)}</td><td>{_headline_html(row)}</td>"
                    f"<td>{html.escape(_date(row['date']), quote=False)}</td>"
                    f"<td>{page_link(art, text='read the capture', prefix=prefix)}</td></tr>")
    return ('<table class="newslens-table">\n<caption>The captured articles, in publication order</caption>\n'
            '<thead><tr><th scope="col">Outlet</th><th scope="col">Headline (links to the original)</th>'
            '<th scope="col">Published</th><th scope="col">Line by line</th></tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody>\n</table>")


def write_pages(study, book: str | Path) -> list[Path]:
    """Write the capture pages and the index into ``<book>/sources/``, replacing the folder's pages whole.

    The pages are written to a temporary folder first and moved into place, so a failure leaves the old pages.
    Returns the pages written, index first.
    """
    book = Path(book)
    target = book / FOLDER
    tmp = book / f".{FOLDER}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    notes = line_notes(study)
    pages = {"index.md": index_page(study)}
    for art in study.by_date:
        pages[f"{art}.md"] = capture_page(study, art, notes)
    for name, text in pages.items():
        (tmp / name).write_text(text, encoding="utf-8", newline="\n")
    old = book / f".{FOLDER}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    return [target / name for name in pages]
