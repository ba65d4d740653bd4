"""The facts codebook against hand-written rewordings: each fact survives paraphrase, near misses do not count.

The sentences are in tests/fixtures/fact_paraphrases.yml (written from the facts' definitions,
before the patterns were reworked, and not taken from any coverage of the case).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from newslens import coverage as cv
from newslens.corpus import load_codebook
from newslens.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests" / "fixtures" / "fact_paraphrases.yml").read_text(encoding="utf-8"))
FACTS = load_codebook("facts", ROOT / "data")
STYLES = {"wire", "broadsheet", "state", "tabloid"}

MATCH = [(fid, i, item["text"]) for fid, case in CASES.items() for i, item in enumerate(case["match"], 1)]
MISS = [(fid, i, text) for fid, case in CASES.items() for i, text in enumerate(case["miss"], 1)]


@pytest.fixture(scope="module")
def found() -> set[tuple[str, str]]:
    """(text, fact) pairs that the codebook finds, all sentences matched in one fact_hits call."""
    texts = list(dict.fromkeys([t for _, _, t in MATCH] + [t for _, _, t in MISS]))
    table = pd.DataFrame({"article": "p", "line": range(1, len(texts) + 1), "sentence": range(1, len(texts) + 1),
                          "text": texts, "voice": "own", "quoted_outlet": ""})
    hits = cv.fact_hits(table, cv.compile_facts(FACTS))
    return set(zip(hits["text"], hits["fact"]))


def test_every_fact_has_enough_paraphrases_and_near_misses():
    ids = [f["id"] for f in FACTS["facts"]]
    assert sorted(CASES) == sorted(ids), "fact_paraphrases.yml must cover exactly the facts of facts.yml"
    for fid in ids:
        match, miss = CASES[fid]["match"], CASES[fid]["miss"]
        assert len(match) >= 6, f"{fid}: needs at least 6 paraphrases"
        assert len(miss) >= 3, f"{fid}: needs at least 3 near misses"
        styles = {item["style"] for item in match}
        assert styles <= STYLES and len(styles) >= 3, f"{fid}: paraphrases in at least 3 newsroom styles, got {styles}"


@pytest.mark.parametrize("text", [t for _, _, t in MATCH + MISS])
def test_each_case_is_one_sentence(text):
    assert split_sentences(text) == [text]


@pytest.mark.parametrize("fid, i, text", MATCH, ids=[f"{f}-{i}" for f, i, _ in MATCH])
def test_paraphrase_matches_its_fact(found, fid, i, text):
    assert (text, fid) in found, f"{fid} paraphrase {i} is missed: {text}"


@pytest.mark.parametrize("fid, i, text", MISS, ids=[f"{f}-miss{i}" for f, i, _ in MISS])
def test_near_miss_does_not_match_the_fact(found, fid, i, text):
    assert (text, fid) not in found, f"{fid} near miss {i} is matched: {text}"
