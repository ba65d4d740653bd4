"""The quote extractor's faster scans find exactly what the plain regular expressions they replace find."""
import random
import re

from newslens.quotes import _PRONOUN, _alternatives, _first_letter_alternatives, _occurrences, load_speakers

WORDS = ["Lee", "Leeds", "Ann", "O'Brien", "Jean-Luc", "U.S.", "3M", "lee", "Anne"]
PIECES = ["Lee", "Leeds", "Ann", "Anne", "O'Brien", "Jean-Luc", "U.S.", "3M", "'s", "-", "'", " ", ", ", ". ", "x", "Dr.",
          "lee", "LEE", "ſ", "é", "\u212a", "_", "(", ")", "“", "”"]


def _texts(seed: int, n: int = 300) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def test_occurrences_are_the_alternations_matches():
    texts = _texts(1) + ["Lee's Leeds-Lee said. Lee", "", "xLee Lee- -Lee 'Lee Lee_ Leeds Lee"]
    words = sorted(WORDS, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")
    want = [[(m.start(), m.end(), m.group(1)) for m in pattern.finditer(t)] for t in texts]
    assert _occurrences(texts, WORDS, before="'-", after="-") == want
    assert sum(map(len, want)) > 50  # the texts do hold matches
    assert _occurrences([], WORDS) == []


def test_aliases_grouped_by_first_letter_match_as_the_flat_alternation():
    aliases = ["lee", "leeds", "the woman", "the employee", "lu", "lü pin", "3m", "ann lee", "o'brien", "s", "an"]
    flat = re.compile(r"(?<![\w'])(" + _alternatives(aliases) + r")(?![\w])", re.IGNORECASE)
    grouped = re.compile(r"(?<![\w'])(" + _first_letter_alternatives(aliases) + r")(?![\w])", re.IGNORECASE)
    assert grouped.pattern != flat.pattern
    for text in _texts(2) + ["The Woman and the employee met Ann Lee and LEEDS; Lü Pin, O'Brien's"]:
        assert [m.span(1) for m in grouped.finditer(text)] == [m.span(1) for m in flat.finditer(text)], text
    # a first character outside ASCII or an empty alias: the flat alternation, unchanged
    assert _first_letter_alternatives(["ſam", "lee"]) == _alternatives(["ſam", "lee"])
    assert _first_letter_alternatives(["", "lee"]) == _alternatives(["", "lee"])


def test_lookaheads_on_first_letters_change_no_match():
    sp = load_speakers({"speaker_types": ["other"], "actors": [], "roles": [{"type": "other", "cues": ["lawyer"]}],
                        "speech_verbs": ["said"], "titles": ["Dr.", "Mr.", "(Ret.)"]})
    plain = re.compile(sp.name_re.pattern.split(")", 1)[1])
    assert sp.name_re.pattern.startswith("(?=[") and plain.pattern.startswith("(?:(?:")
    pronoun = re.compile(_PRONOUN.pattern.split(")", 1)[1], re.IGNORECASE)
    for text in _texts(3) + ["Dr. Ann Lee and (Ret.) Lee, U.S. 3M; She told him: It is theirs, they said, THEM"]:
        assert [m.span() for m in sp.name_re.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        assert [m.span() for m in _PRONOUN.finditer(text)] == [m.span() for m in pronoun.finditer(text)], text
