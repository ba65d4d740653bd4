"""newslens.prefilter: which texts a pattern may match (Hyperscan in prefilter mode), never missing one Python's re matches."""
from __future__ import annotations

import re

import hyperscan
import numpy as np
import pytest

from newslens.prefilter import TextBuffer, candidates, scannable
from newslens.text import SearchCache


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
@pytest.mark.parametrize("source", [r"\Aclient", r"dinner\Z", r"x{,3}y", r"[[:alpha:]]x", r"\vx", r"\u00e9", r"(?x) d i n"])
def test_prefilter_searches_everywhere_when_hyperscan_reads_a_pattern_otherwise(source):
    p = re.compile(source)
    assert not scannable(p.pattern, p.flags)
    texts = ["client dinner", "xy", "a]x", "\x0bx", "é", "din", "y"]
    assert SearchCache(texts).hits(p).tolist() == [p.search(t) is not None for t in texts]


def test_prefilter_reads_an_escaped_backslash_as_one():
    assert scannable(r"\\Aclient|\bdinner\b", re.I) and scannable("’s (?!['’]t)", re.I)


def test_prefilter_one_text_at_a_time_when_a_pattern_ends_too_often():
    texts = ["said it all along", "nothing here", "she said so", "dinner"]
    buffer = TextBuffer.of_texts(texts)
    assert candidates(r"said.*", 0, buffer).tolist() == candidates(r"said.*", 0, buffer, max_ends=0).tolist() == [0, 2]


def test_prefilter_engines_agree_on_every_character_of_a_text_that_is_not_risky():
    # Scanned without Unicode properties, Hyperscan's \w, \d, \s and ASCII case folding agree with Python's on every
    # character except those that make a text risky (then always a candidate): every code point where Python's \w
    # or \s differs from ASCII's is risky; the classes are compared on the BMP and every 64th code point beyond.
    everything = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    python_only = re.compile(r"[^\W\x00-\x7f]|[^\S\x00-\x1b\x20-\x7f]")
    assert not [c for c, r in zip(everything, TextBuffer.of_texts(everything).risky) if not r and python_only.match(c)]
    chars = [c for c in everything if c != "\n" and (ord(c) < 0x10000 or ord(c) % 64 == 0)]
    buffer = TextBuffer.of_texts(chars)
    assert buffer.risky[[chars.index(c) for c in "éİıſ\u212a\xa0\x1cü中"]].all() and not buffer.risky[[chars.index(c) for c in "a’“—…$"]].any()
    safe = ~buffer.risky
    for source, flags in [(r"\w", 0), (r"\d", 0), (r"\s", 0), ("[a-z]", re.I), ("[^a-z]", re.I), ("k", re.I), ("s", re.I), ("i", re.I)]:
        db = hyperscan.Database()
        db.compile(expressions=[source.encode()], ids=[0], flags=[hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SOM_LEFTMOST
                                                                 | hyperscan.HS_FLAG_CASELESS * bool(flags)])
        found: list[tuple[int, int]] = []
        db.scan(buffer.data, match_event_handler=lambda _i, a, b, _f, _c, add=found.append: add((a, b)))
        spans = np.array(found, dtype=np.int64)
        row = np.searchsorted(buffer.starts, spans[:, 0], side="right") - 1
        whole = (spans[:, 0] == buffer.starts[row]) & (spans[:, 1] == buffer.starts[row] + buffer.lengths[row])
        by_hyperscan = np.zeros(len(chars), dtype=bool)
        by_hyperscan[row[whole]] = True
        by_python = np.array([re.fullmatch(source, c, flags) is not None for c in chars])
        assert (by_hyperscan[safe] == by_python[safe]).all(), source


def _matches(db, data: bytes) -> list[tuple[int, int]]:
    from newslens.prefilter import _scratch

    found: list[tuple[int, int]] = []
    db.scan(data, match_event_handler=lambda i, _a, b, _f, _c: found.append((i, b)), scratch=_scratch(db))
    return found


def test_compiled_databases_are_kept_in_the_disk_cache_and_reloaded(tmp_path, monkeypatch):
    from newslens.prefilter import _compile

    monkeypatch.setenv("NEWSLENS_CACHE_DIR", str(tmp_path))
    args = ([b"dinner", b"ban+quet"], [0, 1], [hyperscan.HS_FLAG_PREFILTER, hyperscan.HS_FLAG_CASELESS])
    first = _compile(*args)
    kept = list(tmp_path.glob("hyperscan-*.pickle"))
    assert len(kept) == 1
    again = _compile(*args)
    text = b"a DINNER, a dinner, a BANNQUET"
    assert again is not first and _matches(again, text) == _matches(first, text) == [(0, 18), (1, 30)]
    # the entry is what is read: a planted database answers instead of compiling
    import pickle

    other = hyperscan.Database()
    other.compile(expressions=[b"xyz"], ids=[7], flags=[0])
    kept[0].write_bytes(pickle.dumps(hyperscan.dumpb(other)))
    assert _matches(_compile(*args), b"a dinner xyz") == [(7, 12)]
    # an entry that cannot be loaded is compiled again, and a refusal is kept and raised again
    kept[0].write_bytes(b"not a pickle")
    assert _matches(_compile(*args), b"a dinner") == [(0, 8)]
    for _ in range(2):
        with pytest.raises(hyperscan.error):
            _compile([b"x*"], [0], [0])  # matches the empty text: Hyperscan refuses it
    assert len(list(tmp_path.glob("hyperscan-*.pickle"))) == 2


def test_compiling_without_a_cache_folder_works(monkeypatch):
    from newslens.prefilter import _compile

    monkeypatch.setenv("NEWSLENS_CACHE_DIR", "off")
    assert _matches(_compile([b"said"], [0], [0]), b"she said") == [(0, 8)]
