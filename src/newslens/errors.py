"""The one base of every error newslens raises on purpose, so a caller (the command line) can catch them all."""
from __future__ import annotations


class NewslensError(ValueError):
    """Bad input or a bad table: the message names the file and the entry where there is one, and the fix.

    Each module raises its own kind (``CorpusError`` for a manifest, a capture, a codebook or a hand coding;
    ``FramingError``, ``QuoteError``, ``ReuseError`` and ``TermsError`` for a table passed to that module's
    functions; ``OutputError`` for an output folder); all of them are this class. It is a ``ValueError``, as a
    wrong value passed in is.
    """
