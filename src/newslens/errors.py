"""The one base of every error newslens raises on purpose, and its two kinds, so a caller (the command line) can catch them all."""
from __future__ import annotations

__all__ = ["NewslensError", "InputError", "TableError"]


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
