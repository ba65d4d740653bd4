"""Tests for newslens.framing: rules on tiny hand-made sentences, bad inputs, and the agreement
of the rule coder with the manual reference coding on the real corpus."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from newslens import framing as F
from tests.conftest import DATA


def sents(*rows):
    """A sentence table from (article, text) or (article, text, voice) tuples; one line per sentence."""
    out = []
    for i, r in enumerate(rows, 1):
        art, text, voice = (r + ("own",))[:3]
        out.append((art, i, i, text, voice, ""))
    return pd.DataFrame(out, columns=["article", "line", "sentence", "text", "voice", "quoted_outlet"])


TINY = {
    "lexicons": {
        "state": ["police", "government"],
        "remedy": ["arrest\\w*", "protect\\w*"],
        "emotive": ["harrowing", "crying"],
        "t_boss": ["\\bboss\\b"],
        "t_firm": ["the firm"],
        "t_state": ["police"],
    },
    "frames": {"responsibility": {"items": ["R1"]}, "human_interest": {"items": ["H2"]}},
    "items": {
        "R1": {"rule": "state + remedy", "cues": [{"all": ["{state}", "{remedy}"]}]},
        "H2": {"rule": "emotive word, twice", "min_sentences": 2, "cues": [{"all": ["{emotive}"], "none": ["not harrowing"]}]},
    },
    "entman": {"functions": {
        "problem_definition": {"rule": "assault words", "cues": ["assault", "harass\\w*"]},
        "treatment_recommendation": {"rule": "should", "cues": ["\\bshould\\b", "policy"]},
    }},
    "responsibility": {
        "window": 40,
        "cues": [
            {"pattern": "ignored", "look": "before"},
            {"pattern": "criticis\\w*", "look": "after"},
            {"pattern": "drinking culture", "look": "self", "target": "culture"},
        ],
        "targets": {
            "boss": {"label": "The boss", "lexicon": "t_boss"},
            "firm": {"label": "The firm", "lexicon": "t_firm"},
            "state": {"label": "The state", "lexicon": "t_state"},
            "culture": {"label": "Culture", "lexicon": "t_boss"},
        },
    },
    "issue_frames": {"legal": {"label": "Legal", "patterns": ["police", "court"]},
                     "gender": {"label": "Gender", "patterns": ["women"]}},
    "nmf": {"ks": [2, 3], "seeds": [0, 1, 2], "min_df": 1, "max_df": 1.0, "top_terms": 3, "random_state": 0},
}


@pytest.fixture
def book():
    return F.compile_codebook(TINY)


# --------------------------------------------------------------------------- codebook

def test_lexicon_expands_inside_patterns(book):
    cue = book["items"]["R1"]["cues"][0]
    assert cue["all"][0].search("The POLICE said")
    assert not cue["all"][0].search("The polite man")


@pytest.mark.parametrize("change, message", [
    (lambda b: b["items"]["R1"]["cues"][0].update({"all": ["{nope}"]}), "unknown lexicon '{nope}'"),
    (lambda b: b["items"]["R1"]["cues"][0].update({"all": ["(unclosed"]}), "'(unclosed' is not a valid regular expression"),
    (lambda b: b["items"]["R1"].pop("rule"), "item R1 needs a one-line 'rule'"),
    (lambda b: b["frames"]["responsibility"]["items"].append("R9"), "frame item(s) without a rule: R9"),
    (lambda b: b["items"].update({"X1": {"rule": "r", "cues": [{"all": ["a"]}]}}), "item X1 belongs to no frame"),
    (lambda b: b["items"]["R1"]["cues"][0].update({"widow": 1}), "unknown key(s) widow"),
    (lambda b: b["items"]["R1"].update({"cues": []}), "'cues' must be a non-empty list"),
    (lambda b: b.pop("lexicons"), "missing or empty section 'lexicons'"),
    (lambda b: b["responsibility"]["cues"][0].update({"look": "sideways"}), "needs 'pattern' and 'look'"),
])
def test_bad_codebook_is_reported(change, message):
    import copy

    bad = copy.deepcopy(TINY)
    change(bad)
    with pytest.raises(F.FramingError, match=message.replace("(", r"\(").replace(")", r"\)").replace("{", r"\{").replace("}", r"\}")):
        F.compile_codebook(bad)


# --------------------------------------------------------------------------- items

def test_item_needs_all_patterns_in_one_sentence(book):
    s = sents(("a", "The police arrested him."), ("b", "The police spoke."), ("b", "Nobody was arrested."))
    codes = F.code_items(s, book).set_index(["article", "item"])
    assert codes.loc[("a", "R1"), "answer"] == 1
    assert codes.loc[("a", "R1"), "lines"] == "1"
    assert "line 1: The police arrested him." in codes.loc[("a", "R1"), "evidence"]
    assert codes.loc[("b", "R1"), "answer"] == 0
    assert codes.loc[("b", "R1"), "evidence"] == "no: no body sentence fires the rule"


def test_min_sentences_and_none_patterns(book):
    s = sents(("a", "A harrowing night."), ("a", "She was crying."),
              ("b", "A harrowing night."),
              ("c", "It was not harrowing."), ("c", "It was not harrowing at all."))
    codes = F.code_items(s, book).set_index(["article", "item"])["answer"]
    assert codes[("a", "H2")] == 1   # two sentences
    assert codes[("b", "H2")] == 0   # one is not enough
    assert "only 1 sentence(s) fire the rule, it needs 2" in F.code_items(s, book).set_index(["article", "item"]).loc[("b", "H2"), "evidence"]
    assert codes[("c", "H2")] == 0   # excluded by `none`


def test_window_joins_previous_sentence_of_same_article():
    book = F.compile_codebook({**TINY, "items": {**TINY["items"], "R1": {
        "rule": "r", "cues": [{"all": ["{state}", "{remedy}"], "window": 1}]}}})
    s = sents(("a", "The police spoke."), ("a", "The move will protect women."),
              ("b", "The move will protect women."))
    codes = F.code_items(s, book).set_index(["article", "item"])
    assert codes.loc[("a", "R1"), "lines"] == "2"
    assert codes.loc[("b", "R1"), "answer"] == 0   # no reaching back into another article


def test_code_items_rejects_table_without_text():
    with pytest.raises(F.FramingError, match="lacks column"):
        F.code_items(pd.DataFrame({"article": ["a"], "line": [1]}), TINY)


def test_frame_scores_are_item_means():
    codes = pd.DataFrame({"article": ["x", "x", "x", "y", "y", "y"],
                          "frame": ["conflict", "conflict", "economic"] * 2,
                          "answer": [1, 0, 1, 0, 0, 0]})
    scores = F.frame_scores(codes)
    assert list(scores.index) == ["x", "y"]
    assert list(scores.columns) == ["conflict", "economic"]
    assert scores.loc["x", "conflict"] == 0.5 and scores.loc["x", "economic"] == 1.0
    assert scores.loc["y"].sum() == 0


# --------------------------------------------------------------------------- agreement

def _codes(answers: dict) -> pd.DataFrame:
    return pd.DataFrame([(a, "responsibility" if i.startswith("R") else "human_interest", i, v)
                         for (a, i), v in answers.items()], columns=["article", "frame", "item", "answer"])


def test_agreement_percent_and_kappa():
    manual = _codes({("a", "R1"): 1, ("b", "R1"): 0, ("c", "R1"): 1, ("d", "R1"): 0, ("a", "H2"): 1, ("b", "H2"): 1})
    rule = _codes({("a", "R1"): 1, ("b", "R1"): 0, ("c", "R1"): 0, ("d", "R1"): 0, ("a", "H2"): 1, ("b", "H2"): 1})
    ag = F.frame_agreement(rule, manual)
    assert ag.loc["responsibility", "percent_agreement"] == 0.75
    assert ag.loc["responsibility", "kappa"] == pytest.approx(0.5)   # po .75, pe .5
    assert ag.loc["overall", "cells"] == 6 and ag.loc["overall", "agree"] == 5
    assert math.isnan(ag.loc["human_interest", "kappa"])             # both coders always 1
    assert ag.loc["human_interest", "percent_agreement"] == 1.0


def test_disagreements_lists_the_differing_cells():
    manual = _codes({("a", "R1"): 1, ("b", "R1"): 0})
    manual["rationale"], manual["evidence"] = ["because", "no"], ["3", ""]
    rule = _codes({("a", "R1"): 0, ("b", "R1"): 0})
    rule["lines"], rule["evidence"] = "", ""
    d = F.disagreements(rule, manual)
    assert d[["article", "item", "manual", "rule", "manual_rationale", "manual_lines"]].values.tolist() == [["a", "R1", 1, 0, "because", "3"]]


def test_agreement_needs_the_same_cells():
    with pytest.raises(F.FramingError, match="b R1 is missing from the manual coding"):
        F.frame_agreement(_codes({("a", "R1"): 1, ("b", "R1"): 1}), _codes({("a", "R1"): 1}))


@pytest.mark.parametrize("row, message", [
    ("a,R1,2,why,1", "answer '2' is not 0 or 1"),
    ("a,Q7,1,why,1", "unknown item 'Q7'"),
    ("a,R1,1,why,", "answer 1 without evidence"),
])
def test_bad_manual_coding_is_reported(tmp_path, book, row, message):
    path = tmp_path / "m.csv"
    path.write_text("article,item,answer,rationale,evidence\n" + row + "\n", encoding="utf-8")
    with pytest.raises(F.FramingError, match=message):
        F.load_manual(path, book)


def test_manual_coding_duplicate_cell(tmp_path, book):
    path = tmp_path / "m.csv"
    path.write_text("article,item,answer,rationale,evidence\na,R1,0,x,\na,R1,1,y,2\n", encoding="utf-8")
    with pytest.raises(F.FramingError, match="a R1 is coded twice"):
        F.load_manual(path, book)


# --------------------------------------------------------------------------- voice, Entman, responsibility

def test_sentence_voice():
    s = sents(("a", "Police called it “forcible molestation.”"),
              ("a", "“We will do everything we can,” he said."),
              ("a", "“Six days, six times."),
              ("a", "Plain words.", "quoted"))
    assert F.sentence_voice(s).tolist() == ["own", "quoted", "quoted", "quoted"]


def test_entman_picks_best_scoring_then_earliest(book):
    s = sents(("a", "A case of assault."), ("a", "Assault and harassment at work."), ("a", "Harassment again and assault."),
              ("a", "The firm should write a policy."), ("b", "Nothing here."))
    e = F.entman_functions(s, book).set_index(["article", "function"])
    assert e.loc[("a", "problem_definition"), "line"] == 2        # two cues beat one; tie goes to the earlier
    assert e.loc[("a", "treatment_recommendation"), "score"] == 2
    assert e.loc[("b", "problem_definition"), "line"] == 0          # nothing found: an empty row


def test_responsibility_targets_follow_the_cue(book):
    s = sents(("a", "Her boss ignored the complaint."),
              ("a", "Critics criticised the firm and the police."),
              ("a", "The complaint was ignored by the firm."),
              ("a", "Detained by police, her boss ignored nothing."),
              ("a", "A drinking culture."),
              ("a", "Somebody ignored it."),
              ("a", "Nothing to see."))
    r = F.responsibility(s, book)
    got = list(zip(r["line"], r["target"]))
    assert got == [(1, "boss"), (2, "firm"), (3, "firm"), (4, "boss"), (5, "culture"), (6, "unclear")]


def test_responsibility_counts_fill_both_voices():
    attr = pd.DataFrame({"article": ["a", "a", "b"], "voice": ["own", "own", "quoted"], "target": ["x", "y", "x"]})
    counts = F.responsibility_counts(attr, ["x", "y", "z"])
    assert counts.loc[("a", "own")].tolist() == [1, 1, 0]
    assert counts.loc[("a", "quoted")].tolist() == [0, 0, 0]
    assert counts.loc[("b", "quoted"), "x"] == 1
    with pytest.raises(F.FramingError, match="lacks column"):
        F.responsibility_counts(attr.drop(columns="voice"))


# --------------------------------------------------------------------------- issue frames, NMF, tone

def test_issue_frames_per_paragraph(book):
    paras = pd.DataFrame({"article": ["a", "a"], "line": [1, 3], "voice": ["own", "own"],
                          "text": ["Police went to court for women.", "Weather."]})
    out = F.issue_frames(paras, book)
    assert out[["line", "issue_frame", "cues"]].values.tolist() == [[1, "legal", "court;police"], [1, "gender", "women"]]


def test_nmf_topics_are_reproducible_and_separate(book):
    texts = ["police court arrest judge"] * 3 + ["women gender feminist equality"] * 3
    paras = pd.DataFrame({"article": ["a"] * 6, "line": range(1, 7), "voice": "own", "text": texts})
    topics, asg = F.nmf_topics(paras, 2, book)
    assert sorted(topics["paragraphs"]) == [3, 3]
    assert asg["topic"].iloc[0] != asg["topic"].iloc[3]
    assert asg["topic"].iloc[:3].nunique() == 1
    again = F.nmf_topics(paras, 2, book)[1]
    assert asg["topic"].tolist() == again["topic"].tolist()
    stab = F.nmf_stability(paras, book)
    assert list(stab.index) == [2, 3] and stab.loc[2, "stability"] > 0.99
    assert F.choose_k(stab, 0.99) >= 2
    assert F.choose_k(pd.DataFrame({"stability": [0.5, 0.4]}, index=[2, 3]), 0.9) == 2


def test_tone_signs():
    t = F.tone(sents(("a", "This is a wonderful, happy day."), ("a", "A brutal, horrible assault.")))
    assert t["compound"].iloc[0] > 0.5 and t["compound"].iloc[1] < -0.5


TONE_CASES = ["The meeting was held in the city on Monday.", "This is a wonderful, happy day.", "no", "Not bad :)",
              "I \u2764 it", ":-(", "It was the least he could do.", "kind of", "LOL!!!", "the :D end", "NO WAY", "",
              "He said: \u201cIt\u2019s over.\u201d", "Not ok.", "(Reuters)"]


def test_tone_skips_only_sentences_vader_scores_zero():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    skipped = [t for t in TONE_CASES if not F._may_score(sia, t)]
    # "ok." keeps its dot as VADER keeps it (stripped, "ok" would be two letters), so it is no lexicon word
    assert skipped == ["The meeting was held in the city on Monday.", "It was the least he could do.", "", "He said: \u201cIt\u2019s over.\u201d",
                       "Not ok.", "(Reuters)"]
    t = F.tone(sents(*(("a", x) for x in TONE_CASES if x)))
    assert t["compound"].tolist() == [round(sia.polarity_scores(x)["compound"], 4) for x in TONE_CASES if x]


# --------------------------------------------------------------------------- the real corpus

@pytest.fixture(scope="module")
def real(corpus):
    from newslens.text import sentence_table

    return sentence_table(corpus.lines)


VADER_CASES = TONE_CASES + [
    "It was not good, but it was never so bad.", "Without doubt a great, great day.", "He isn't happy at all.",
    "That was the kiss of death for the plan.", "It is kind of sad and sort of funny.", "I do not think it is very good at least.",
    "She was NOT happy, he was VERY angry!!", "No one was harmed, nor hurt.", "It is to die for?!?", "Never this good, no.",
    "  Sad \U0001F600 news  ", "at least good", "very least bad", "uber bad ass bus stop", "hardly without doubt ok happy",
]


def test_vader_subclass_scores_exactly_as_vader(real):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia, fast = SentimentIntensityAnalyzer(), F._vader()
    texts = VADER_CASES + real["text"].tolist()
    assert [fast.polarity_scores(t) for t in texts] == [sia.polarity_scores(t) for t in texts]


def test_every_positive_answer_has_evidence(real):
    codes = F.code_items(real)
    assert len(codes) == 5 * 19
    pos = codes[codes["answer"] == 1]
    assert (pos["evidence"] != "").all() and (pos["lines"] != "").all()


def test_agreement_with_manual_coding_reaches_target(real):
    """The rule coder agrees with the hand coding (data/reference/frames_manual.csv)."""
    ag = F.frame_agreement(F.code_items(real), F.load_manual(DATA / "reference" / "frames_manual.csv"))
    assert ag.loc["overall", "cells"] == 95
    assert ag.loc["overall", "percent_agreement"] >= 0.85
    assert ag.loc["overall", "kappa"] >= 0.6


def test_codebook_names_no_article_or_outlet():
    import re

    text = (DATA / "codebook" / "frames.yml").read_text(encoding="utf-8")
    manifest = pd.read_csv(DATA / "articles.csv")
    rules = text.split("\nlexicons:", 1)[1]
    for name in list(manifest["id"]) + list(manifest["outlet"]) + list(manifest["file"]):
        assert not re.search(rf"\b{re.escape(name)}\b", rules, re.IGNORECASE), name


# --------------------------------------------------------------------------- another story

def test_framing_tables_follow_the_story_codebook():
    """A new story (tests/fixtures/synthetic_story) is coded with its own frames.yml, not this project's."""
    from newslens.export import TABLES
    from newslens.study import Study

    story = Study(DATA.parent / "tests" / "fixtures" / "synthetic_story")
    frames = TABLES["frames"][0](story)
    assert len(frames) == 3 * 19 and set(frames["answer"]) <= {0, 1}
    blame = TABLES["responsibility"][0](story)
    ignored = blame[blame["cue"].str.contains("ignored")]
    assert set(ignored["target"]) == {"plant"}            # "managers ignored them": the story's own target id
    assert "Calder Coatings and its plant" in set(ignored["target_label"])
    issue = TABLES["issue_frames"][0](story)
    assert {"river_harm", "tap_water", "oversight", "livelihoods"} == set(issue["issue_frame"])
    ent = TABLES["entman"][0](story)
    assert (ent[ent["function"] == "problem_definition"]["score"] > 0).all()
    scores = TABLES["frame_scores"][0](story)
    assert list(scores.columns) == ["article"] + F.FRAMES


def test_nmf_feasible_ks_needs_two_paragraphs_per_topic_and_enough_terms(book):
    texts = ["police court arrest judge"] * 3 + ["women gender feminist equality"] * 3
    paras = pd.DataFrame({"article": ["a"] * 6, "line": range(1, 7), "voice": "own", "text": texts})
    assert F.nmf_feasible_ks(paras, book) == [2, 3]
    assert F.nmf_feasible_ks(paras.head(5), book) == [2]          # 5 paragraphs: not 2 per topic for k = 3
    assert F.nmf_feasible_ks(paras.head(3), book) == []
    assert F.nmf_feasible_ks(paras.iloc[0:0], book) == []
    strict = F.compile_codebook({**TINY, "nmf": {**TINY["nmf"], "min_df": 2, "max_df": 0.5}})
    assert F.nmf_feasible_ks(paras.head(4), strict) == []         # max_df below min_df: no vocabulary, no failure
    stab = F.nmf_stability(paras, book, ks=[2])
    assert list(stab.index) == [2]
