"""Numbers as a reader sees them: one rounding rule per kind of figure, applied where a value is produced for display.

Every value a chapter shows or glues is rounded here, so the executed notebooks are byte-identical on every
machine: BLAS kernels (numpy's OpenBLAS picks one per CPU) differ in the last bits of a float, and a value
rounded for reading does not.
"""
from __future__ import annotations

import numbers

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

    _glue(name, rounded(value, kind=kind, decimals=decimals), display=False)


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
    import csv
    from pathlib import Path

    from IPython.display import Markdown

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
