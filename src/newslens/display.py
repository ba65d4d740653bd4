"""Numbers as a reader sees them: one rounding rule per kind of figure, applied where a value is produced for display.

Every value a chapter shows or glues is rounded here, so the executed notebooks are byte-identical on every
machine: BLAS kernels (numpy's OpenBLAS picks one per CPU) differ in the last bits of a float, and a value
rounded for reading does not.
"""
from __future__ import annotations

import base64
import csv
import html as _html  # the name html is reader_table's option
import io
import numbers
import re
from pathlib import Path

import numpy as np
import pandas as pd

from newslens.errors import TableError

#: Decimals per kind of figure. ``percent``: shares on a 0-100 scale; ``rate``: counts per 1,000 words;
#: ``score``: similarities, correlations, kappa, z-scores, distances and tone (0-1 or about -5..5);
#: ``agreement``: precision, recall, F1 and accuracy on a 0-1 scale; ``whole``: a number shown without decimals.
DECIMALS: dict[str, int] = {"percent": 1, "rate": 1, "score": 2, "agreement": 3, "whole": 0}

#: Decimals of every float column in the CSV tables (``newslens export`` and the chapters' downloads).
TABLE_DECIMALS = 4


def rounded(value, *, kind: str | None = None, decimals: int | None = None):
    """Round *value* for display.

    Parameters
    ----------
    value : int, float, numpy scalar, str, or a list/tuple of these
        Integers (and bools) come back as ``int``, strings unchanged, floats rounded and returned as ``float``.
    kind : str, optional
        A key of :data:`DECIMALS`. One of *kind* or *decimals* is required when *value* holds a float.
    decimals : int, optional
        Overrides *kind*, for a figure the text prints with another number of decimals.
    """
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(v, kind=kind, decimals=decimals) for v in value)
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if decimals is None:
            if kind is None:
                raise TableError("a float needs kind= (one of " + ", ".join(DECIMALS) + ") or decimals= to be shown")
            if kind not in DECIMALS:
                raise TableError(f"unknown kind {kind!r}; the kinds are {', '.join(DECIMALS)}")
            decimals = DECIMALS[kind]
        out = round(float(value), decimals)
        return 0.0 if out == 0 else out  # no "-0.0"
    raise TableError(f"cannot show a {type(value).__name__} as a number")


def glue(name: str, value, *, kind: str | None = None, decimals: int | None = None) -> None:
    """Glue *value* under *name* for the chapter's text, rounded by :func:`rounded` (never displayed in place)."""
    from myst_nb import glue as _glue  # only a chapter being executed needs myst_nb

    if hasattr(value, "_repr_html_"):  # a table or a figure made for another page (pasted with the glue directive)
        _glue(name, value, display=False)
        return
    _glue(name, rounded(value, kind=kind, decimals=decimals), display=False)


def figure_html(fig, *, alt: str, caption: str, dpi: int = 96):
    """*fig* as a self-contained HTML ``<figure>`` (the PNG inlined, with *alt* text and a caption), for a page that
    shows a chapter's figure without the chapter's numbering (the front page). The PNG carries no date or software
    name, so the same figure gives the same bytes."""
    from IPython.display import HTML  # IPython only where a page is made: the command line does without it

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return HTML(f'<figure class="newslens-figure"><img src="data:image/png;base64,{data}" alt="{_html.escape(alt)}" '
                f'style="max-width: 100%; height: auto"><figcaption>{_html.escape(caption, quote=False)}</figcaption></figure>')


def round_table(table):
    """A copy of *table* with every float column rounded to :data:`TABLE_DECIMALS` decimals."""
    floats = table.select_dtypes("floating").columns
    if len(floats) == 0:
        return table
    return table.assign(**{c: table[c].round(TABLE_DECIMALS) for c in floats})


def plural(n: int, word: str, words: str | None = None, *, zero: str | None = None) -> str:
    """A count with its noun: ``plural(1, "article")`` is "1 article", ``plural(5, "article")`` "5 articles".

    *words* is the plural when it is not *word* + "s"; *zero* replaces the whole phrase for 0 (e.g. "no article").
    """
    n = int(n)
    if n == 0 and zero is not None:
        return zero
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def join_names(names, *, empty: str = "none", conjunction: str = "and", most: int | None = None,
               others: str = "others") -> str:
    """Names as a reader writes them: "A", "A and B", "A, B and C"; *empty* when there are none.

    Names that hold a comma themselves ("The Gazette, 13 Aug 2021") are separated by semicolons. With *most*, a longer
    list is cut after *most* names and ends with the count of the rest: "A, B and 3 others" (never "1 others").
    """
    names = [str(n) for n in names]
    if not names:
        return empty
    if most is not None and len(names) > most + 1:  # cutting one name to count it saves nothing
        names = names[:most] + [f"{len(names) - most} {others}"]
    if len(names) == 1:
        return names[0]
    sep = "; " if any("," in n for n in names) else ", "
    return f"{sep.join(names[:-1])} {conjunction} {names[-1]}"


def commentary(data_dir, name: str):
    """The story's own commentary for one place in the book, as Markdown to display, or None.

    Interpretation that holds for one story only lives in ``<data_dir>/commentary/<name>.md`` (MyST Markdown; it may
    use ``{glue:text}`` keys of the chapter and ``{numref}``), so a new story brings its own commentary or none.
    When ``commentary/articles.txt`` lists the articles the commentary was written for (one id a line) and the
    manifest now holds others, the commentary is shown under a note saying so: its numbers follow the data, its
    words may not.
    """
    from IPython.display import Markdown  # IPython only where a page is made: the command line does without it

    folder = Path(getattr(data_dir, "data_dir", data_dir))
    path = folder / "commentary" / f"{name}.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    written = folder / "commentary" / "articles.txt"
    if written.is_file():
        then = {line.strip() for line in written.read_text(encoding="utf-8").splitlines() if line.strip()}
        with (folder / "articles.csv").open(encoding="utf-8-sig", newline="") as fh:
            now = {row["id"] for row in csv.DictReader(fh)}
        if then != now:
            new, gone = len(now - then), len(then - now)
            changes = join_names([p for p in (plural(new, "article") + " added" if new else "",
                                              plural(gone, "article") + " gone" if gone else "") if p])
            text = (f"```{{note}}\nThe analyst wrote this commentary for the corpus as it was ({changes} since): "
                    "its numbers follow the data, its words may not.\n```\n\n" + text)
    return Markdown(text)


def share_phrase(k: int, n: int, word: str, words: str | None = None) -> str:
    """*k* of *n* things as a reader says it: "all 5 articles", "3 of 5 articles", "the only article", "none of the 5 articles"."""
    k, n = int(k), int(n)
    many = words or word + "s"
    if n == 1:
        return f"the only {word}" if k == 1 else f"not the only {word}"
    if k == n:
        return f"both {many}" if n == 2 else f"all {n:,} {many}"
    if k == 0:
        return f"neither {word}" if n == 2 else f"none of the {n:,} {many}"
    return f"{k:,} of {n:,} {many}"


def _cell(value, *, kind: str | None, raw: bool, na: str) -> str:
    if value is None or (not isinstance(value, str) and not np.ndim(value) and pd.isna(value)):
        return na
    if raw:
        return " ".join(str(value).split())
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}" + ("%" if kind == "percent" else "")
    if isinstance(value, numbers.Real):
        v = float(value)
        if kind == "whole" or (kind is None and v == int(v) and abs(v) < 1e15):
            return f"{int(round(v)):,}" + ("%" if kind == "percent" else "")
        # never scientific notation: the kind's decimals, or the value as rounded by the chapter
        text = f"{v:,.{DECIMALS[kind]}f}" if kind else np.format_float_positional(v, trim="-")
        return text + ("%" if kind == "percent" else "")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d %b %Y").lstrip("0")
    return _html.escape(" ".join(str(value).split()), quote=False)


#: Columns whose longest cell is at most this many characters never wrap; columns whose median cell is at least
#: _SENTENCE characters long (sentences) get a minimum width.
_NOWRAP, _SENTENCE = 24, 60


def reader_table(table, *, first: int = 5, csv: str | None = None, headers: dict | None = None,
                 kinds: dict | None = None, html: list | tuple = (), caption: str | None = None, na: str = "",
                 what: str = "row"):
    """A table as a reader reads it: the first rows shown, the rest behind a toggle, the CSV linked.

    Parameters
    ----------
    table : DataFrame. A named index (or every level of a MultiIndex) becomes the first column(s); an unnamed
        index is dropped, so no header cell is ever empty.
    first : how many rows are shown open; the others are in a ``<details>`` element whose summary says how many.
        A table at most two rows longer than *first* is shown whole; with 0, the whole table is behind the toggle
        (for a supporting table), and the summary gives its caption and its number of rows.
    csv : the file name of the chapter's CSV download in ``tables/`` that holds the whole table (linked below it).
    headers : column name -> header in words; other columns are shown with "_" as spaces.
    kinds : column name -> a kind of :data:`DECIMALS` (``percent`` adds "%"); integers are shown with thousands
        separators, whole floats as integers, other floats as rounded by the chapter, never in scientific notation.
    html : columns that already hold HTML (links made by :func:`newslens.sources.line_link`), shown unescaped.
    caption : the table's caption (what it lists), read by screen readers first.
    na : what a missing value reads as.
    what : the noun of a row, for the toggle ("fact", "sentence"; plural by adding "s").

    Returns
    -------
    IPython Markdown (the book renders it as MyST): an HTML table, the ``<details>`` toggle and the download line.
    """
    from IPython.display import Markdown  # IPython only where a page is made: the command line does without it

    headers, kinds = dict(headers or {}), dict(kinds or {})
    frame = table.copy()
    named = [n for n in frame.index.names if n is not None]
    frame = frame.reset_index() if named else frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    cells = {c: [_cell(v, kind=kinds.get(c), raw=c in html, na=na) for v in frame[c].tolist()] for c in frame.columns}
    # Column widths from the text a reader sees: a short column never wraps (a wrapped "line 24" reads badly), a column
    # of sentences gets room, so rows stay a few lines high instead of a word per line.
    seen = {c: [len(_html.unescape(re.sub(r"<[^>]+>", "", t))) for t in cells[c]] or [0] for c in frame.columns}
    style = {c: ' style="white-space: nowrap"' if max(seen[c]) <= _NOWRAP else
             ' style="min-width: 24em"' if sorted(seen[c])[len(seen[c]) // 2] >= _SENTENCE else "" for c in frame.columns}
    head = "".join(f'<th scope="col"{style[c]}>{_html.escape(str(headers.get(c, c.replace("_", " "))), quote=False)}</th>'
                   for c in frame.columns)
    nowrap = {c for c in frame.columns if "nowrap" in style[c]}

    def rows(part: pd.DataFrame) -> str:
        return "\n".join("<tr>" + "".join(f"<td{style[c] if c in nowrap else ''}>{cells[c][i]}</td>" for c in part.columns) + "</tr>"
                         for i in part.index)

    def block(part: pd.DataFrame, cap: str | None) -> str:
        cap_html = f"<caption>{_html.escape(cap, quote=False)}</caption>\n" if cap else ""
        body = rows(part) or f'<tr><td colspan="{len(frame.columns)}">{_html.escape(plural(0, what, zero="none"), quote=False)}</td></tr>'
        return (f'<table class="newslens-table" style="font-size: 0.85em">\n{cap_html}<thead><tr>{head}</tr></thead>\n'
                f"<tbody>\n{body}\n</tbody>\n</table>")

    n = len(frame)
    if first == 0 and n > 0:  # a supporting table: all of it behind the toggle, its caption in the summary
        summary = f"{caption + ': ' if caption else ''}show the table ({plural(n, what)})"
        text = f"<details>\n<summary>{_html.escape(summary, quote=False)}</summary>\n{block(frame, caption)}\n</details>"
    else:
        shown = frame if n <= first + 2 else frame.iloc[:first]
        parts = [block(shown, caption)]
        if len(shown) < n:
            rest = frame.iloc[first:]
            summary = f"Show the other {plural(len(rest), what)} ({n:,} in all)"
            parts.append(f"<details>\n<summary>{_html.escape(summary, quote=False)}</summary>\n"
                         f"{block(rest, (caption + ', continued') if caption else None)}\n</details>")
        text = "\n".join(parts)
    if csv:
        name = str(csv).rsplit("/", 1)[-1]
        text += f"\n\nThe whole table as CSV: {{download}}`{name} <tables/{name}>`."
    return Markdown(text + "\n")
