"""The string helpers of newslens.quotes answer exactly what the end-anchored regexes they replace would."""
from __future__ import annotations

import random
import re

from newslens.quotes import _ends_sentence, _last_capital_word, _word_before_boundary

ENDS = re.compile(r"(^|[.?!:][\"”’)\]]*)\s*$")
CAPITAL = re.compile(r"([A-Z][\w'-]+)\s+$")
BEFORE = re.compile(r"([\w.]+)[.?!]*[\"”’')\]]*\s+$")
ALPHABET = ["a", "B", "Z", "x", "1", "_", "'", "-", ".", "?", "!", ":", '"', "”", "’", ")", "]", " ", "\n", "\t", "\xa0",
            "é", "É", ",", "(", "“"]


def random_strings(n: int, seed: int = 7):
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 9)))


def test_helpers_agree_with_the_regexes():
    for s in random_strings(30_000):
        assert _ends_sentence(s) == (ENDS.search(s) is not None), repr(s)
        m = CAPITAL.search(s)
        assert _last_capital_word(s) == ((m.start(1), m.group(1)) if m else None), repr(s)
        m = BEFORE.search(s)
        assert _word_before_boundary(s) == (m.group(1) if m else None), repr(s)


def test_helpers_on_examples():
    assert _ends_sentence("") and _ends_sentence("He left.” ") and not _ends_sentence("He said")
    assert _last_capital_word("said Viola ") == (5, "Viola") and _last_capital_word("said Viola") is None
    assert _word_before_boundary("in the U.S. ") == "U.S." and _word_before_boundary("?! ") is None
