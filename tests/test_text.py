"""newslens.text: sentence splitting, tokens, the sentence and word tables, lemma cues and the search helpers."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from newslens import text as _text
from newslens.text import (
    LemmaCue,
    LemmaIndex,
    SearchCache,
    any_of,
    article_stats,
    clean_line,
    sentence_spans,
    sentence_table,
    split_sentences,
    word_forms,
)

from .conftest import DATA, MARKERS

FIXTURES = Path(__file__).resolve().parent / "fixtures"


#: The hand-written cases (also read by benchmarks/sentence_splitters.py), and blank paragraphs.
SENTENCE_CASES = [(c["text"], c["sentences"]) for c in yaml.safe_load((FIXTURES / "sentence_cases.yml").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("text, expected", [*SENTENCE_CASES, ("", []), ("   ", [])])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_sentence_spans_are_offsets_into_the_text_as_given():
    text = "  “We won.”  Mr. Li said so.\nThen  calm"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["“We won.”", "Mr. Li said so.", "Then  calm"]
    assert spans[0][0] == 2 and sentence_spans("") == [] and sentence_spans("  ") == []
    # a masked paragraph (quoted words replaced by x, the final stop kept) splits where the original does
    assert [a for a, _ in sentence_spans("“Xx xxx.” Ann said.")] == [0, 10]


def test_the_word_before_a_stop_is_what_the_regex_would_find():
    import random
    import re

    from newslens.text import _token_before

    rng = random.Random(3)
    for _ in range(5_000):
        s = "".join(rng.choice("aZ1_. ,é-’") for _ in range(rng.randint(0, 8)))
        m = re.search(r"([\w.]+)$", s)
        assert _token_before(s, len(s)) == (m.group(1) if m else ""), repr(s)


def test_clean_line_removes_the_markers_it_is_given():
    assert clean_line("[…] She left. [Source]", markers=MARKERS) == "She left."
    assert clean_line("The end of the story. ®", markers=MARKERS) == "The end of the story."
    # no markers given: none removed (a pure function reads no codebook), spaces still made one
    assert clean_line(" [Source]  She left. ") == "[Source] She left."
    via = re.compile(r"\[Via\]")
    assert clean_line("We go [Via] on. [Source]", markers=via) == "We go on. [Source]"


def test_the_tests_markers_are_the_seed_furniture_ones():
    from newslens.corpus import inline_markers

    seed = inline_markers(data_dir=DATA)
    assert (MARKERS.pattern, MARKERS.flags) == (seed.pattern, seed.flags)


def _lines():
    return pd.DataFrame(
        {
            "article": ["a", "a", "a", "b"],
            "line": [1, 2, 3, 1],
            "text": ["Head line", "One here. Two here.", "[…] Three. [Source]", "Four, b."],
            "label": ["headline", "body", "body", "body"],
            "voice": ["", "own", "quoted", "own"],
            "quoted_outlet": ["", "", "NPR", ""],
        }
    )


def test_sentence_table_keeps_article_line_and_voice():
    s = sentence_table(_lines(), markers=MARKERS)
    assert s.to_dict("list") == {
        "article": ["a", "a", "a", "b"],
        "line": [2, 2, 3, 1],
        "sentence": [1, 2, 3, 1],
        "text": ["One here.", "Two here.", "Three.", "Four, b."],
        "voice": ["own", "own", "quoted", "own"],
        "quoted_outlet": ["", "", "NPR", ""],
    }


def test_sentence_table_rejects_unlabelled_lines():
    with pytest.raises(ValueError, match=r"sentence_table: the lines table lacks column\(s\) label, voice, quoted_outlet; make it with newslens"):
        sentence_table(pd.DataFrame({"article": ["a"], "line": [1], "text": ["x"]}))


def test_article_stats_counts_words_by_label_and_voice():
    arts = pd.DataFrame(
        {"file": ["a.txt", "b.txt"], "outlet": ["A", "B"], "date": pd.to_datetime(["2021-08-01", "2021-08-02"]), "headline": ["h", "h"]},
        index=pd.Index(["a", "b"], name="article"),
    )
    s = article_stats(arts, _lines(), markers=MARKERS)
    # raw: Head line One here Two here Three Source
    assert s.loc["a", ["words_raw", "words_body", "words_own", "words_quoted", "words_furniture"]].tolist() == [8, 5, 4, 1, 3]
    assert s.loc["b", "share_body"] == 100.0
    assert s.loc["a", "lines_body"] == 2 and s.loc["a", "lines_headline"] == 1


def test_every_corpus_sentence_comes_from_a_body_line(corpus):
    from newslens.corpus import inline_markers

    s = sentence_table(corpus.lines, markers=inline_markers(data_dir=corpus.data_dir))
    body = corpus.lines[corpus.lines.label == "body"]
    assert set(zip(s.article, s.line)) == set(zip(body.article, body.line))
    assert not s.text.str.contains(r"\[Source\]").any()


def test_words_by_label_counts_and_shares():
    from newslens.text import words_by_label

    counts = words_by_label(_lines())
    assert counts.loc["a"].to_dict() == {"headline": 2, "body": 6}  # Head line | One here Two here Three Source
    shares = words_by_label(_lines(), share=True)
    assert shares.loc["a", "body"] == 75.0 and shares.loc["b", "body"] == 100.0


# --------------------------------------------------------------------------- lemma cues



def _hits(slots, texts, window=8):
    return LemmaIndex(texts).hits(LemmaCue.compile(slots, window)).tolist()


def test_word_forms_lemma_possessive_and_hyphen_parts():
    assert word_forms("Fired") == ("fired", "fire")
    assert word_forms("Alibaba’s") == ("alibaba",)
    assert set(word_forms("co-workers")) >= {"co-workers", "workers", "worker"}
    assert word_forms("co-workers", parts=False) == ("co-workers", "co-worker")


def test_lemma_cue_matches_active_passive_and_any_order():
    texts = ["The company fired the manager.", "The manager was fired by the company.",
             "Fired: the manager.", "The company hired the manager."]
    assert _hits([["fire", "sack"], "manager"], texts) == [True, True, True, False]


def test_lemma_cue_window_counts_tokens_from_first_to_last():
    texts = ["manager a b c fired", "manager a b c d fired"]
    assert _hits(["manager", "fire"], texts, window=5) == [True, False]
    assert _hits(["manager", "fire"], texts, window=6) == [True, True]


def test_lemma_cue_phrases_prefixes_and_hyphenated_parts():
    texts = ["She was let go on Monday.", "She was let down and go home.", "An anti-harassment policy.", "Harassing remarks."]
    assert _hits(["let go"], texts, window=2) == [True, False, False, False]
    assert _hits(["harass*"], texts, window=1) == [False, False, True, True]


def test_lemma_cue_every_slot_needed():
    assert _hits(["police", "molest*"], ["Police said he molested her.", "Police said little."]) == [True, False]


def test_lemma_index_lemmatises_each_distinct_token_once(monkeypatch):
    cue, calls = LemmaCue.compile(["manager", "fire"], 8), []
    real = _text.word_forms
    monkeypatch.setattr(_text, "word_forms", lambda token, **kw: calls.append(token) or real(token, **kw))
    texts = ["The manager was fired."] * 500 + ["The manager resigned."]
    assert LemmaIndex(texts).hits(cue).tolist() == [True] * 500 + [False]
    assert sorted(calls) == ["The", "fired", "manager", "resigned", "was"]



def test_lemma_index_built_in_chunks_equals_one_pass():
    texts = ["The manager was fired.", "", "Fired: the co-workers\x00 of the manager.", "The manager was fired.", "Sacked managers!"]
    whole, pieces = LemmaIndex(texts), LemmaIndex(texts)
    whole._build(chunk=100)
    pieces._build(chunk=2)  # tokens first seen in a later chunk get later form ids, as in one pass
    assert list(pieces._vocab.items()) == list(whole._vocab.items())
    for name in ("_indptr", "_doc", "_pos", "_doc_of"):
        assert getattr(pieces, name).tolist() == getattr(whole, name).tolist()
    cue = LemmaCue.compile([["fire", "sack"], "manager"], 8)
    assert pieces.hits(cue).tolist() == [True, False, True, True, True]


def test_in_sorted_agrees_with_numpy():
    values, pool = np.array([5, 1, 9, 5, 0, 12]), np.array([9, 0, 5, 7])
    assert _text._in_sorted(values, np.sort(pool)).tolist() == np.isin(values, pool).tolist()
    assert not _text._in_sorted(values, np.empty(0, dtype=np.int64)).any()

@pytest.mark.parametrize("slots, window, message", [
    ([], 8, "non-empty list of slots"),
    (["a", "b"], 1, "at least the number of slots"),
    ([["x", None]], 8, "expected a word or phrase"),
    (["ha*"], 8, "at least 3 letters"),
])
def test_lemma_cue_bad_input(slots, window, message):
    with pytest.raises(ValueError, match=message):
        LemmaCue.compile(slots, window)


# --------------------------------------------------------------------------- search helpers
# The search helpers the rule coders share: any_of, SearchCache (and its prefilter, newslens.prefilter).

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


def test_prefilter_leaves_only_texts_a_look_around_pattern_may_match():
    # Hyperscan's prefilter mode widens look-arounds: a superset, never a miss
    texts = ["a client dinner", "two dinners", "pre-dinner drinks", "no food", "DINNER at eight"]
    pattern = re.compile(r"(?<![\w-])dinner(?!s)", re.IGNORECASE)
    found = SearchCache(texts).candidates(pattern, np.arange(len(texts))).tolist()
    assert set(found) >= {0, 4} and 3 not in found
    assert SearchCache(texts).hits(pattern).tolist() == [True, False, False, False, True]


def test_prefilter_keeps_texts_whose_case_folding_may_differ_from_pythons():
    # re.IGNORECASE matches "i" to dotless ı and capital İ, "s" to long ſ, "k" to the Kelvin sign; Hyperscan folds
    # ASCII only, so a text with a letter outside ASCII is always a candidate
    texts = ["alİbaba", "alıbaba", "ALIBABA", "other", "\u017fhe said", "o\u212aay"]
    cache = SearchCache(texts)
    for source in ("alibaba", r"\bshe\b", "okay"):
        p = re.compile(source, re.IGNORECASE)
        assert cache.hits(p).tolist() == [p.search(t) is not None for t in texts], source
    assert cache.candidates(re.compile("alibaba", re.I), np.arange(6)).tolist() == [0, 1, 2, 4, 5]
    # a pattern with a cased letter outside ASCII is searched everywhere: Hyperscan would not fold it
    kelvin = re.compile("o\u212aay", re.IGNORECASE)
    assert kelvin.search("okay")
    assert cache.hits(kelvin).tolist() == [False, False, False, False, False, True]
    assert SearchCache(["okay"]).hits(kelvin).tolist() == [True]


def test_prefilter_keeps_a_text_utf8_cannot_encode():
    texts = ["dinner \ud800", "lunch", "dinner"]
    p = re.compile("dinner")
    assert SearchCache(texts).candidates(p, np.arange(3)).tolist() == [0, 2]


def test_search_cache_agrees_with_search_and_skips_texts_without_a_match():
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
    assert clean_line("a [Source] b", markers=MARKERS) == "a b"


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


def test_search_cache_prepared_for_several_patterns_gives_the_same_candidates():
    texts = ["a client dinner", "two dinners", "pre-dinner drinks", "no food", "DINNER at eight", "Müller ate", "x{,3}"]
    patterns = [re.compile(r"(?<![\w-])dinner(?!s)", re.I), re.compile(r"\bate\b"), re.compile(r"x{,3}"), re.compile("drinks|food")]
    one, many = SearchCache(texts), SearchCache(texts)
    many.prepare(patterns + [any_of(patterns[:2])])
    for p in patterns:
        assert many.candidates(p, np.arange(len(texts))).tolist() == one.candidates(p, np.arange(len(texts))).tolist()
        assert many.hits(p).tolist() == [p.search(t) is not None for t in texts]


def test_lemmas_from_the_cached_dictionary_are_simplemmas(monkeypatch, tmp_path):
    import simplemma

    from newslens import text

    monkeypatch.setenv("NEWSLENS_CACHE_DIR", str(tmp_path))
    words = ["running", "Harassed", "co-workers", "feet", "was", "China", "pollutions", "xyzzyq", "e-commerce", "ÉTÉ"]
    for attempt in ("decoded by simplemma", "read from the cache"):
        text._lemmatizer.cache_clear()
        assert [text.lemmatize(w) for w in words] == [simplemma.lemmatize(w, lang="en").lower() for w in words], attempt
        assert len(list(tmp_path.glob("lemmas-*.pickle"))) == 1
    text._lemmatizer.cache_clear()
