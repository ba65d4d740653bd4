"""The search helpers of newslens.text that the rule coders share: any_of, required_literals, SearchCache."""
from __future__ import annotations

import re

import numpy as np
import pytest

from newslens.text import SearchCache, any_of, clean_line, fold_for_literals, required_literals

TEXTS = [
    "The client dinner in Jinan ended late.",
    "She was plied with alcohol at the banquet.",
    "Nothing about food here.",
    "ALIBABA fired the manager.",
    "",
]


def test_any_of_joins_patterns_with_the_same_flags():
    joined = any_of([re.compile(r"\bdinner\b", re.I), re.compile(r"\bbanquet\b", re.I)])
    assert isinstance(joined, re.Pattern)
    assert [bool(joined.search(t)) for t in TEXTS] == [True, True, False, False, False]


def test_any_of_searches_one_by_one_when_patterns_cannot_be_joined():
    # different flags, a back-reference and a repeated group name must not be joined
    for patterns in (
        [re.compile("dinner", re.I), re.compile("Banquet")],
        [re.compile(r"(l)\1", re.I), re.compile("banquet", re.I)],
        [re.compile(r"(?P<w>dinner)", re.I), re.compile(r"(?P<w>banquet)", re.I)],
    ):
        either = any_of(patterns)
        assert not isinstance(either, re.Pattern)
        assert [bool(either.search(t)) for t in TEXTS] == [any(p.search(t) for p in patterns) for t in TEXTS]


def test_any_of_a_single_pattern_is_that_pattern():
    p = re.compile("x")
    assert any_of([p]) is p


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (r"(?<![\w-])dinner\b|banquet(s)?", ("banquet", "dinner")),
        (r"\bplied\b.{0,20}\b(alcohol|drinks?)\b", ("plied",)),
        (r"Alibaba(?!'s)", ("alibaba",)),
        (r"x*", None),  # can match anywhere: no literal is required
        (r"\bHR\b", None),  # too short to be worth a test
        (r"dinner|\w+", None),  # one branch needs no literal
    ],
)
def test_required_literals(pattern, expected):
    assert required_literals(re.compile(pattern, re.IGNORECASE)) == expected


def test_required_literals_are_in_every_match():
    pattern = re.compile(r"(?:police|prosecutors?)\s+(?:said|say)", re.IGNORECASE)
    needed = required_literals(pattern)
    assert needed
    for text in ("Police said so.", "the PROSECUTORS say", "a prosecutor said"):
        assert pattern.search(text) and any(lit in fold_for_literals(text) for lit in needed)


def test_fold_matches_what_ignorecase_matches():
    # re.IGNORECASE matches "i" to dotless ı and capital İ, "s" to long ſ, "k" to the Kelvin sign
    for text in ("alİbaba", "alıbaba", "ALIBABA"):
        assert re.search("alibaba", text, re.I)
        assert "alibaba" in fold_for_literals(text)
    assert "sks" in fold_for_literals("ſ\u212aS")


def test_search_cache_agrees_with_search_and_skips_texts_without_the_literal():
    cache = SearchCache(TEXTS)
    pattern = re.compile(r"\bdinner\b|\bbanquet\b", re.I)
    assert cache.hits(pattern).tolist() == [bool(pattern.search(t)) for t in TEXTS]
    assert cache.candidates(pattern, np.arange(len(TEXTS))).tolist() == [0, 1]
    # a subset of rows, answered from what is already known
    assert cache.hits(pattern, np.array([2, 1])).tolist() == [False, True]


def test_search_cache_with_a_pattern_without_literals_searches_everything():
    cache = SearchCache(TEXTS)
    pattern = re.compile(r"\w+ed\b")
    assert cache.hits(pattern).tolist() == [True, True, False, True, False]


def test_clean_line_still_collapses_spaces_without_markers():
    assert clean_line("  two   spaces  here ") == "two spaces here"
    assert clean_line("a [Source] b") == "a b"


def test_prefilter_splits_alternatives_and_keeps_those_without_literals():
    from newslens.text import prefilter

    pattern = re.compile(r"(?:(the|a) (woman|female employee)|she|her|\bI\b)", re.IGNORECASE)
    literals, rest = prefilter(pattern)
    assert set(literals) >= {"she", "her"} and rest is not None and rest.search("so I left")
    cache = SearchCache(["so I left", "nobody came", "the woman left", "Then she went"])
    assert cache.hits(pattern).tolist() == [bool(pattern.search(t)) for t in cache.texts] == [True, False, True, True]


def test_prefilter_refuses_patterns_it_cannot_split_safely():
    from newslens.text import prefilter

    assert prefilter(re.compile(r"(?i)ab|\d")) is None  # a global flag would be lost by splitting
    assert prefilter(re.compile(r"(x)\1|\d")) is None  # a back-reference would point elsewhere
    assert prefilter(re.compile(r"\d+|\w")) is None  # no alternative needs a literal


def test_search_cache_agrees_with_search_on_random_texts():
    import random

    rng = random.Random(7)
    words = ["she", "her", "I", "woman", "police", "said", "dinner", "ALİBABA", "x", "-", ".", "’s", "Wang"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(400)]
    patterns = [r"(?:(the|a) (woman|girl)|she|her|\bI\b)", r"\bpolice\b.{0,10}\bsaid\b", r"alibaba(?!’s)", r"\bWang\b|\d+"]
    cache = SearchCache(texts)
    for source in patterns:
        for flags in (0, re.IGNORECASE):
            p = re.compile(source, flags)
            assert cache.hits(p).tolist() == [p.search(t) is not None for t in texts], source


def test_windowed_cache_agrees_with_searching_the_joined_texts():
    import random

    rng = random.Random(3)
    words = ["the", "police", "failed", "lack", "of", "state", "said", "Σ", "ΟΔΟΣ", "x.", "'", "-"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 6))) for _ in range(300)]
    groups = [rng.choice("aab") for _ in texts]  # runs of the same group, and some not contiguous
    patterns = [re.compile(r"\bpolice\b|\bstate\b", re.I), re.compile(r"lack of|failed", re.I), re.compile(r"οδοσ|\bx\b", re.I)]
    for window in (1, 2):
        joined = []
        for i in range(len(texts)):
            lo = i
            while lo > 0 and i - lo < window and groups[lo - 1] == groups[i]:
                lo -= 1
            joined.append(" ".join(texts[lo:i + 1]))
        cache = SearchCache(texts).windowed(groups, window)
        for p in patterns:
            assert cache.hits(p).tolist() == [p.search(t) is not None for t in joined]
