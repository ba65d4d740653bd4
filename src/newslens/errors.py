"""The one base of every error newslens raises on purpose, and its two kinds, so a caller (the command line) can catch them all."""
from __future__ import annotations

__all__ = ["NewslensError", "InputError", "TableError", "require_columns"]


class NewslensError(ValueError):
    """Bad input or a bad table: the message names the file and the entry where there is one, and the fix.

    Two kinds: :class:`InputError` (a file or an entry of the story's data is wrong) and :class:`TableError` (a
    caller passed a table or an option a function does not take). Modules name their own subclasses of these
    (``CorpusError`` for a manifest, a capture, a codebook or a hand coding; ``ReuseError`` and ``TermsError`` for
    a table passed to those modules); ``FramingError``, ``QuoteError`` (a codebook or a table) and ``OutputError``
    (an output folder) derive from this base directly. It is a ``ValueError``, as a wrong value passed in is.
    """


class InputError(NewslensError):
    """A file or an entry of the story's data (manifest, capture, codebook, hand coding, command-line option) is wrong."""


class TableError(NewslensError, TypeError):
    """A caller passed a table or an option a function does not take (a missing column, an unknown name).

    Also a ``TypeError``, so that callers written against the plain ``TypeError`` raised before still catch it.
    """


def require_columns(table, columns, *, func: str, what: str = "the table", made_by: str = "",
                    error: type[NewslensError] = TableError) -> None:
    """The one column check of the package: raise *error* when *table* is not a DataFrame or lacks one of *columns*.

    The message names the function, the table and the function that makes it:
    ``"fact_hits: the sentence table lacks column(s) voice; make it with newslens.text.sentence_table"``.
    """
    have = getattr(table, "columns", None)
    if have is None:
        raise error(f"{func} needs a DataFrame as {what}, got {type(table).__name__}")
    missing = [c for c in columns if c not in have]
    if missing:
        raise error(f"{func}: {what} lacks column(s) {', '.join(map(str, missing))}" + (f"; make it with {made_by}" if made_by else ""))
