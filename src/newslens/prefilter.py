"""Which texts a codebook regex may match, found fast: Hyperscan in prefilter mode scans many texts in one call and
reports a superset of the texts Python's ``re`` matches, so that ``re`` runs only on those.

Hyperscan, because it was measured best (``benchmarks/matchers.py``): fewest candidates, look-arounds and
back-references accepted (prefilter mode widens them), one pass over all texts joined. RE2's FilteredRE2 refuses
look-arounds and leaves twice the candidates; Aho-Corasick needs the pattern's required words, which only the
standard library's private parser gives. A superset is guaranteed by falling back to "every text is a candidate":
for a pattern Hyperscan cannot compile or reads otherwise than Python (:func:`scannable`), and for a text holding a
character on which the two engines' classes may disagree (:attr:`TextBuffer.risky`).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache

import hyperscan
import numpy as np

from newslens import cache

__all__ = ["TextBuffer", "candidates", "candidates_of_each", "candidate_ids", "scannable"]

# Patterns are scanned without Unicode properties (HS_FLAG_UCP): with them one bounded repeat of \w can take
# minutes to compile, and Hyperscan's Unicode tables are older than Python's anyway. Without them \w, \d, \s, \b
# and ignore-case agree with Python's on ASCII text; a text with a letter, digit or space outside ASCII (or one of
# the control characters Python counts as space, \x1c-\x1f) is always a candidate. MULTILINE: ^ and $ hold at each
# text's edges in a buffer of texts joined by newlines.
_FLAGS = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_MULTILINE
# The characters that make a text risky, as a superset Hyperscan finds itself: anything but ASCII (less \x1c-\x1f),
# punctuation and symbols (typographic quotes and dashes, in nearly every news text, are safe).
_RISKY = r"[^\x00-\x1b\x20-\x7f\p{P}\p{S}]"
_RISKY_FLAGS = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
# Python syntax that Hyperscan (PCRE syntax) reads otherwise: \A and \Z (buffer edges, not a joined text's), \v (a
# class in PCRE), \u \U \N (not supported), {,n} (a literal in PCRE), [: (a POSIX class in PCRE). Hand-written
# because the standard library's parser is private; an escaped backslash is consumed as a pair.
_OTHERWISE = re.compile(r"\\[AZvuUN]|\\.|\{,|\[:", re.DOTALL)


def scannable(source: str, flags: int) -> bool:
    """Whether Hyperscan reads regex *source* (with :mod:`re` *flags*) as Python does, as far as a superset needs:
    no verbose mode, none of the constructs above, and no cased letter outside ASCII (Hyperscan folds ASCII only)."""
    if flags & re.VERBOSE:
        return False
    if any(len(m.group()) == 2 and m.group()[1] in "AZvuUN" or m.group() in ("{,", "[:") for m in _OTHERWISE.finditer(source)):
        return False
    return source.isascii() or not any(c.lower() != c or c.upper() != c for c in source if not c.isascii())


_local = threading.local()


def _scratch(db: hyperscan.Database) -> hyperscan.Scratch:
    """This thread's scratch space for *db*: a database's own scratch cannot serve two threads at once (a
    dask worker may run several)."""
    kept = getattr(_local, "scratch", None)
    if kept is None:
        kept = _local.scratch = {}
    entry = kept.get(id(db))
    if entry is None or entry[0] is not db:  # the database is kept with its scratch, so its id is not reused
        entry = kept[id(db)] = (db, hyperscan.Scratch(db))
    return entry[1]


def _hs_flags(flags: int, *, single: bool) -> int:
    out = _FLAGS | hyperscan.HS_FLAG_CASELESS * bool(flags & re.IGNORECASE) | hyperscan.HS_FLAG_DOTALL * bool(flags & re.DOTALL)
    return out | hyperscan.HS_FLAG_SINGLEMATCH * single



def _compile(expressions: list[bytes], ids: list[int], flags: list[int]) -> hyperscan.Database:
    """``Database.compile`` of *expressions*, kept in the disk cache (:mod:`newslens.cache`): compiling a codebook's
    patterns takes seconds, and every chapter kernel and worker process would pay it again. A refusal is kept too
    (raised again as ``hyperscan.error``); an entry this machine cannot load or allocate a scratch for (another
    CPU, another Hyperscan) is compiled again."""
    entry = cache.key("hyperscan", hyperscan.__version__, repr((expressions, ids, flags)))
    saved = cache.load("hyperscan", entry)
    if saved is False:
        raise hyperscan.error("refused before (kept in the newslens cache)")
    if isinstance(saved, bytes):
        try:
            db = hyperscan.loadb(saved, hyperscan.HS_MODE_BLOCK)
            hyperscan.Scratch(db)
            return db
        except hyperscan.error:
            pass
    db = hyperscan.Database()
    try:
        db.compile(expressions=expressions, ids=ids, flags=flags)
    except hyperscan.error:
        cache.store("hyperscan", entry, False)
        raise
    cache.store("hyperscan", entry, hyperscan.dumpb(db))
    return db


@lru_cache(maxsize=4096)
def _database(source: str, flags: int, single: bool = False) -> hyperscan.Database | None:
    """The prefilter database of one pattern, or None when every text must be a candidate (see :func:`scannable`;
    a pattern that can match the empty text matches nearly every text anyway)."""
    if not scannable(source, flags):
        return None
    try:
        return _compile([source.encode("utf-8")], [0], [_hs_flags(flags, single=single)])
    except hyperscan.error:
        return None


@lru_cache(maxsize=1)
def _risky_database() -> hyperscan.Database:
    return _compile([_RISKY.encode()], [0], [_RISKY_FLAGS])


@lru_cache(maxsize=64)
def _group_database(patterns: tuple[tuple[str, int], ...]) -> tuple[hyperscan.Database, tuple[int, ...]]:
    """One database of several patterns (ids = their positions; the last id flags a risky text), and the positions
    of those it leaves out (always candidates)."""
    def compiled(ok: list[int]) -> hyperscan.Database:
        return _compile([patterns[i][0].encode("utf-8") for i in ok] + [_RISKY.encode()], ok + [len(patterns)],
                        [_hs_flags(patterns[i][1], single=True) for i in ok] + [_RISKY_FLAGS | hyperscan.HS_FLAG_SINGLEMATCH])

    ok = [i for i, (s, f) in enumerate(patterns) if scannable(s, f)]
    try:  # all at once; only when Hyperscan refuses one is each compiled alone to find which
        db = compiled(ok)
    except hyperscan.error:
        ok = [i for i in ok if _database(*patterns[i]) is not None]
        db = compiled(ok)
    return db, tuple(sorted(set(range(len(patterns))) - set(ok)))


def candidate_ids(patterns: tuple[tuple[str, int], ...], text: str) -> list[int]:
    """The positions in *patterns* (``(source, flags)`` pairs) of those that may match *text*: one scan of one text."""
    db, free = _group_database(patterns)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: cannot be scanned, so every pattern may match
        return list(range(len(patterns)))
    found: set[int] = set()
    db.scan(data, match_event_handler=lambda i, _a, _b, _f, _c: found.add(i), scratch=_scratch(db))
    if len(patterns) in found:
        return list(range(len(patterns)))
    return sorted(found.union(free))


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct *values*: by sorting, which is many times faster than numpy's hash-based ``unique`` on
    the nearly sorted match offsets."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


class TextBuffer:
    """Texts encoded once and joined by newlines, to be scanned in one call.

    ``starts[i]`` is where text i begins in ``data``; ``risky`` marks the texts that are always candidates.
    """

    def __init__(self, pieces: Sequence[bytes], risky: np.ndarray | None = None):
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        self.data = b"\n".join(pieces)
        self.starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
        self.lengths = lengths
        self.risky = np.zeros(len(pieces), dtype=bool) if risky is None else risky
        self.risky[self._rows_of(self._ends(_risky_database(), limit=None) or [])] = True

    @classmethod
    def of_texts(cls, texts: Sequence[str]) -> TextBuffer:
        """The buffer of *texts*; a text that UTF-8 cannot encode (a lone surrogate) is always a candidate."""
        pieces, bad = [], []
        for i, t in enumerate(texts):
            try:
                pieces.append(t.encode("utf-8"))
            except UnicodeEncodeError:
                pieces.append(t.encode("utf-8", "replace"))
                bad.append(i)
        risky = np.zeros(len(pieces), dtype=bool)
        risky[bad] = True
        return cls(pieces, risky)

    def windows(self, first: np.ndarray) -> TextBuffer:
        """The buffer of text ``first[i]`` to text i joined by spaces, for each i (risky if one of them is)."""
        view, starts, ends = memoryview(self.data), self.starts.tolist(), (self.starts + self.lengths).tolist()
        pieces = [b" ".join([view[starts[j]:ends[j]] for j in range(lo, i + 1)]) for i, lo in enumerate(first.tolist())]
        counts = np.concatenate([[0], np.cumsum(self.risky)])
        return TextBuffer(pieces, (counts[np.arange(len(first)) + 1] - counts[first]) > 0)

    def __len__(self) -> int:
        return len(self.starts)

    def _rows_of(self, ends) -> np.ndarray:
        # a match ending at offset e ends with byte e - 1 (no pattern that can match nothing is compiled)
        at = np.asarray(ends, dtype=np.int64)
        return _distinct(np.searchsorted(self.starts, np.maximum(at - 1, 0), side="right") - 1) if len(at) else at

    def _ends(self, db: hyperscan.Database, limit: int | None) -> list[int] | None:
        """End offsets of the matches of *db* in the buffer, or None past *limit* of them."""
        ends: list[int] = []
        add = ends.append

        def on(_i, _a, end, _f, _c):
            add(end)
            return limit is not None and len(ends) > limit  # stop: too many to be worth a call each

        try:
            db.scan(self.data, match_event_handler=on, scratch=_scratch(db))
        except hyperscan.ScanTerminated:
            return None
        return ends

    def _each(self, db: hyperscan.Database) -> np.ndarray:
        """The rows with a match of *db* (a single-match database), one text at a time."""
        view, hit, scratch = memoryview(self.data), [False], _scratch(db)

        def on(*_):
            hit[0] = True

        out = []
        for i, (a, n) in enumerate(zip(self.starts.tolist(), self.lengths.tolist())):
            hit[0] = False
            db.scan(view[a:a + n], match_event_handler=on, scratch=scratch)
            if hit[0]:
                out.append(i)
        return np.asarray(out, dtype=np.int64)


def candidates(source: str, flags: int, buffer: TextBuffer, *, max_ends: int | None = None) -> np.ndarray | None:
    """Rows of *buffer* that regex *source* (with :mod:`re` *flags*) may match, sorted; None when every row may.

    One scan of the joined texts, one callback per match end; a pattern with more than *max_ends* match ends
    (default eight per text: ``x.*`` ends at every character) is scanned one text at a time instead, one callback
    per text at most.
    """
    db = _database(source, flags)
    if db is None:
        return None
    ends = buffer._ends(db, limit=8 * len(buffer) + 4096 if max_ends is None else max_ends)
    if ends is not None:
        rows = buffer._rows_of(ends)
    else:
        single = _database(source, flags, True)
        if single is None:
            return None
        rows = buffer._each(single)
    mask = buffer.risky.copy()
    mask[rows] = True
    return np.flatnonzero(mask)


#: Match ends kept as Python ints before :func:`candidates_of_each` folds them into distinct keys.
_FOLD = 1 << 20


@lru_cache(maxsize=64)
def _many_database(patterns: tuple[tuple[str, int], ...]) -> hyperscan.Database | None:
    """One database of the scannable *patterns* (ids = their positions), or None if Hyperscan refuses one of them."""
    ok = [i for i, (s, f) in enumerate(patterns) if scannable(s, f)]
    try:
        return _compile([patterns[i][0].encode("utf-8") for i in ok], ok, [_hs_flags(patterns[i][1], single=False) for i in ok])
    except hyperscan.error:
        return None


def candidates_of_each(patterns: tuple[tuple[str, int], ...], buffer: TextBuffer) -> list[np.ndarray | None]:
    """:func:`candidates` of each of *patterns* (``(source, flags)`` pairs) from one scan of *buffer* for all of
    them: a codebook's patterns cost one pass over the texts instead of one each."""
    db = _many_database(patterns) if len(patterns) > 1 and len(buffer) else None
    if db is None:
        return [candidates(s, f, buffer) for s, f in patterns]
    found: list[int] = []  # end offset and pattern packed in one number: one append per match end
    limit, bits, n = 8 * len(buffer) * len(patterns) + 4096, len(patterns).bit_length(), len(buffer)
    keys: list[np.ndarray] = []  # distinct (pattern, row) keys of the ends folded so far
    seen = [0]  # match ends so far

    def fold() -> bool:
        # A million ends at a time become distinct keys: the list of Python ints would otherwise hold every end
        # (tens of millions for a pattern as wide as ``.*``) before the limit stops the scan.
        packed = np.asarray(found, dtype=np.int64)
        seen[0] += len(found)
        found.clear()
        row = np.searchsorted(buffer.starts, (packed >> bits) - 1, side="right") - 1
        keys.append(_distinct((packed & ((1 << bits) - 1)) * n + row))
        return seen[0] > limit

    def on(i, _a, end, _f, _c, add=found.append, size=found.__len__, full=_FOLD):
        add(end << bits | i)
        return size() >= full and fold()

    try:
        db.scan(buffer.data, match_event_handler=on, scratch=_scratch(db))
    except hyperscan.ScanTerminated:
        return [candidates(s, f, buffer) for s, f in patterns]
    if fold():  # the same limit as when every end was kept: past it, each pattern is scanned on its own
        return [candidates(s, f, buffer) for s, f in patterns]
    key = _distinct(np.concatenate(keys))
    cut = np.searchsorted(key // n if len(key) else key, np.arange(len(patterns) + 1))
    out: list[np.ndarray | None] = []
    for j, (s, f) in enumerate(patterns):
        if not scannable(s, f):
            out.append(None)
            continue
        mask = buffer.risky.copy()
        mask[key[cut[j]:cut[j + 1]] % n] = True
        out.append(np.flatnonzero(mask))
    return out
