"""Numbers as a reader sees them: one rounding rule per kind of figure, applied where a value is produced for display.

Every value a chapter shows or glues is rounded here, so the executed notebooks are byte-identical on every
machine: BLAS kernels (numpy's OpenBLAS picks one per CPU) differ in the last bits of a float, and a value
rounded for reading does not.
"""
from __future__ import annotations

import numbers

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
                raise TypeError("a float needs kind= (one of " + ", ".join(DECIMALS) + ") or decimals= to be shown")
            if kind not in DECIMALS:
                raise ValueError(f"unknown kind {kind!r}; the kinds are {', '.join(DECIMALS)}")
            decimals = DECIMALS[kind]
        out = round(float(value), decimals)
        return 0.0 if out == 0 else out  # no "-0.0"
    raise TypeError(f"cannot show a {type(value).__name__} as a number")


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
