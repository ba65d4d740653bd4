"""The speed-ups of the coverage stages give what the plain computation gives (issue 16)."""
from __future__ import annotations

import random
import re

import numpy as np

from newslens import coverage as cv
from newslens.text import LemmaIndex, word_forms


def test_lemma_index_chunks_give_the_one_pass_index():
    texts = ["The firm fired her.", "She was fired; firing staff is rare.", "anti-harassment rules", "", "Fired again, fired."]
    whole, chunked = LemmaIndex(texts), LemmaIndex(texts)
    whole._build(step=10**9)
    chunked._build(step=2)  # many chunks, and forms spread over them
    for name in ("_indptr", "_doc", "_pos"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name)), name
    # every form's (text, position) pairs in reading order
    fired = whole._vocab["fired"]
    pairs = list(zip(whole._doc[whole._indptr[fired]:whole._indptr[fired + 1]].tolist(),
                     whole._pos[whole._indptr[fired]:whole._indptr[fired + 1]].tolist()))
    assert pairs == [(0, 2), (1, 2), (4, 0), (4, 2)]
    assert "fire" in word_forms("fired")


def test_word_before_a_name_is_the_whole_prefix_search():
    rx = re.compile(r"([\w’'-]+)\s$")
    rng = random.Random(7)
    texts = ["x" * 100 + " Lee", "a " + "b" * 70 + " Lee", "Chair " * 20 + "Lee", "-" * 80 + " \nLee", "Lee"]
    texts += ["".join(rng.choice("ab -'\n") for _ in range(rng.randrange(1, 150))) + "Lee" for _ in range(300)]
    for text in texts:
        start = text.rindex("Lee")
        want, got = rx.search(text[:start]), cv._word_before(text, start)
        assert (want is None) == (got is None) and (want is None or want.group(1) == got.group(1)), text


def test_runs_of_two_capitalised_words_are_the_long_runs_of_any_length():
    one_or_more = re.compile(cv._CAP_TOKEN + r"(?:\s+(?:of\s+|de\s+|van\s+|von\s+)?" + cv._CAP_TOKEN + r")*")
    rng = random.Random(11)
    texts = ["JackMa Yun met Bank of China and Ann-Lee Wu.", "McDonald said. Ma"]
    texts += ["".join(rng.choice(["A", "b", "Ma", " ", "  ", " of ", ".", "-", "\x00", "é"]) for _ in range(30)) for _ in range(500)]
    for text in texts:
        long_runs = [m.span() for m in one_or_more.finditer(text) if len(m.group(0).split()) >= 2]
        assert [m.span() for m in cv._CAP_RUN.finditer(text)] == long_runs, text


def test_prefilter_folding_match_ends_keeps_every_candidate(monkeypatch):
    from newslens import prefilter

    texts = ["the court ruled", "no match here", "courts and courts", "a ruling", "Ünïcode court"] * 3
    patterns = ((r"\bcourts?\b", 0), (r"rul\w+", 0), (r"here|there", re.IGNORECASE))
    want = prefilter.candidates_of_each(patterns, prefilter.TextBuffer.of_texts(texts))
    monkeypatch.setattr(prefilter, "_FOLD", 2)  # fold after every two match ends
    got = prefilter.candidates_of_each(patterns, prefilter.TextBuffer.of_texts(texts))
    assert [list(w) for w in want] == [list(g) for g in got]
    assert list(got[2]) == [1, 4, 6, 9, 11, 14]  # "here" and the risky (non-ASCII) texts
