"""Tests of newslens.coverage: facts, events, actors, unknown names, word choices, agreement."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from newslens import coverage as cv
from newslens.corpus import CorpusError

ROOT = Path(__file__).resolve().parents[1]


def sents(rows):
    """A sentence table from (article, line, text[, voice[, quoted_outlet]]) tuples."""
    out, counter = [], {}
    for row in rows:
        art, line, text = row[:3]
        voice = row[3] if len(row) > 3 else "own"
        outlet = row[4] if len(row) > 4 else ""
        counter[art] = counter.get(art, 0) + 1
        out.append((art, line, counter[art], text, voice, outlet))
    return pd.DataFrame(out, columns=["article", "line", "sentence", "text", "voice", "quoted_outlet"])


FACTS = {
    "facts": [
        {"id": "fired", "definition": "The manager was fired.", "event": "memo",
         "patterns": [{"any": [r"\bfired\b"], "with": [r"\bmanager\b"], "without": [r"refused"]}]},
        {"id": "canteen", "definition": "Protest in the canteen.", "event": "protest",
         "patterns": [{"words": ["canteen", "lunch hall"]}]},
        {"id": "rape", "definition": "Rape allegation.", "patterns": [r"\braped?\b"], "exclude": ["Kris Wu"]},
    ]
}

EVENTS = {"events": [
    {"id": "protest", "date": "2021-08-06", "label": "Protest"},
    {"id": "memo", "date": "2021-08-09", "label": "Memo"},
    {"id": "hearing", "date": "2021-09-14", "label": "Hearing"},
]}


# --------------------------------------------------------------------------- facts

def test_fact_matrix_marks_presence_with_evidence_lines_and_voice():
    s = sents([
        ("a", 3, "Alibaba fired the manager on Monday."),
        ("a", 5, "She protested in the lunch-hall.", "quoted", "NPR"),
        ("a", 7, "The manager was fired after the canteen protest."),
        ("b", 2, "Kris Wu was arrested on suspicion of rape."),
        ("b", 4, "Managers refused; the manager was not fired."),
    ])
    m = cv.fact_matrix(s, FACTS)
    assert list(m.columns) == ["article", "fact", "present", "n_sentences", "evidence", "line", "voice"]
    assert list(zip(m["article"], m["fact"])) == [(a, f) for a in "ab" for f in ("fired", "canteen", "rape")]
    got = m.set_index(["article", "fact"])
    assert got.loc[("a", "fired"), "present"] == 1
    assert got.loc[("a", "fired"), "line"] == "3; 7"
    assert got.loc[("a", "fired"), "evidence"] == "Alibaba fired the manager on Monday. | The manager was fired after the canteen protest."
    assert got.loc[("a", "fired"), "voice"] == "own"
    # a space in `words` also matches a hyphen; own and quoted hits are both recorded
    assert got.loc[("a", "canteen"), "voice"] == "own + quoted (NPR)"
    assert got.loc[("a", "canteen"), "n_sentences"] == 2
    # exclude (other case) and without (negation) both block the hit
    assert got.loc[("b", "rape"), "present"] == 0
    assert got.loc[("b", "fired"), "present"] == 0
    assert got.loc[("b", "fired"), "evidence"] == ""


def test_fact_matrix_quoted_only_and_explicit_article_order():
    s = sents([("x", 1, "The canteen was full.", "quoted", "The Wall Street Journal")])
    m = cv.fact_matrix(s, FACTS, articles=["y", "x"])
    assert list(m["article"].unique()) == ["y", "x"]
    row = m[(m["article"] == "x") & (m["fact"] == "canteen")].iloc[0]
    assert row["voice"] == "quoted (The Wall Street Journal)"
    assert m[m["article"] == "y"]["present"].sum() == 0


def test_words_are_whole_words_only():
    s = sents([("a", 1, "The canteens were closed."), ("a", 2, "Lunch hallway.")])
    assert cv.fact_hits(s, FACTS).empty


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"facts": [{"definition": "x", "patterns": ["a"]}]}, "needs an id"),
        ({"facts": [{"id": "a", "definition": "x", "patterns": ["a"]}, {"id": "a", "definition": "y", "patterns": ["b"]}]}, "duplicate id"),
        ({"facts": [{"id": "a", "definition": "x", "patterns": ["(unclosed"]}]}, "not a valid regular expression"),
        ({"facts": [{"id": "a", "definition": "x", "patterns": [{"anyy": ["a"]}]}]}, "unknown key"),
        ({"facts": [{"id": "a", "definition": "x", "patterns": [{"with": ["a"]}]}]}, "needs 'any'"),
        ({"facts": [{"id": "a", "definition": "x", "patterns": []}]}, "non-empty list of patterns"),
        ({"facts": [{"id": "a", "patterns": ["a"]}]}, "one-line definition"),
        ({"fact": []}, "no 'facts:' list"),
    ],
)
def test_bad_facts_codebook_is_named(bad, message):
    with pytest.raises(CorpusError, match=message):
        cv.compile_facts(bad)


LEMMA_FACTS = {"facts": [
    {"id": "fired", "definition": "The manager was fired.",
     "patterns": [{"lemmas": [["fire", "sack", "let go"], ["manager", "boss"]], "window": 6, "without": [r"\bunder fire\b"]}]},
    {"id": "letter", "definition": "Staff signed a letter.",
     "patterns": [{"words": ["letter"], "lemmas": ["sign", ["staff", "employee"]]}, r"\bpetition\b"]},
]}


def test_lemma_cues_match_rewordings_and_keep_with_without():
    s = sents([
        ("a", 1, "Alibaba sacked the manager."),
        ("a", 2, "The boss was let go on Monday."),
        ("a", 3, "The manager came under fire."),                  # without
        ("a", 4, "The manager, who joined the firm in 2009 after years abroad, was fired."),  # outside the window
        ("b", 1, "A letter was signed by 6,000 employees."),       # words and lemmas both hold
        ("b", 2, "Employees signed up for lunch."),                # lemmas without 'letter'
        ("b", 3, "A petition circulated."),                        # a plain regex pattern still works
    ])
    hits = cv.fact_hits(s, LEMMA_FACTS)
    assert hits[["article", "line", "fact"]].values.tolist() == [["a", 1, "fired"], ["a", 2, "fired"], ["b", 1, "letter"], ["b", 3, "letter"]]


@pytest.mark.parametrize("pattern, message", [
    ({"lemmas": "fire"}, "'lemmas' must be a non-empty list of slots"),
    ({"lemmas": ["fire", "manager"], "window": 1}, "at least the number of slots"),
    ({"any": ["x"], "window": 4}, "'window' belongs to a 'lemmas' cue"),
    ({"lemmas": [["fire", ["x"]]]}, "expected a word or phrase"),
])
def test_bad_lemma_cue_is_named(pattern, message):
    with pytest.raises(CorpusError, match=r"facts\.yml: fact 'a': .*" + message):
        cv.compile_facts({"facts": [{"id": "a", "definition": "x", "patterns": [pattern]}]})


def test_bad_sentence_table_is_explained():
    with pytest.raises(ValueError, match="lacks column"):
        cv.fact_matrix(pd.DataFrame({"article": ["a"], "text": ["x"]}), FACTS)
    with pytest.raises(TypeError, match="needs a DataFrame"):
        cv.fact_hits(["a sentence"], FACTS)


def test_single_outlet_facts():
    m = pd.DataFrame({
        "article": ["a", "a", "b", "b"], "fact": ["f1", "f2", "f1", "f2"], "present": [1, 1, 1, 0],
        "voice": ["own"] * 4, "line": ["1", "2", "3", ""], "evidence": ["e1", "e2", "e3", ""],
    })
    out = cv.single_outlet_facts(m)
    assert out[["fact", "article", "evidence"]].values.tolist() == [["f2", "a", "e2"]]
    with pytest.raises(ValueError, match="lacks column"):
        cv.single_outlet_facts(m.drop(columns="present"))


def test_single_outlet_facts_counts_outlets_when_given():
    m = pd.DataFrame({"article": ["a1", "a2", "b", "a1", "a2", "b"], "fact": ["f1"] * 3 + ["f2"] * 3,
                      "present": [1, 1, 0, 1, 0, 1], "voice": ["own"] * 6})
    assert cv.single_outlet_facts(m).empty  # by article: f1 has two articles, f2 two
    out = cv.single_outlet_facts(m, outlets={"a1": "A", "a2": "A", "b": "B"})
    assert out[["fact", "article"]].values.tolist() == [["f1", "a1"], ["f1", "a2"]]  # both captures of outlet A


def test_evidence_table_keeps_present_cells_and_first_sentence():
    m = pd.DataFrame({
        "article": ["a", "a"], "fact": ["f1", "f2"], "present": [1, 0], "n_sentences": [2, 0],
        "evidence": ["One. | Two.", ""], "line": ["3; 5", ""], "voice": ["own", ""],
    })
    out = cv.evidence_table(m)
    assert out.to_dict("records") == [
        {"article": "a", "fact": "f1", "voice": "own", "line": "3; 5", "n_sentences": 2, "first_evidence": "One."}]
    with pytest.raises(ValueError, match="lacks column"):
        cv.evidence_table(m[["article"]])


# --------------------------------------------------------------------------- events

def _articles():
    return pd.DataFrame({"date": pd.to_datetime(["2021-08-08", "2021-09-20"])}, index=pd.Index(["early", "late"], name="article"))


def test_event_coverage_statuses():
    m = pd.DataFrame({"article": ["early", "early", "late", "late"], "fact": ["fired", "canteen", "fired", "canteen"], "present": [1, 0, 0, 1]})
    cov = cv.event_coverage(_articles(), m, EVENTS, FACTS)
    status = {(a, e): s for a, e, s in cov[["article", "event", "status"]].itertuples(index=False)}
    assert status[("early", "protest")] == "missed"
    assert status[("early", "memo")] == "reported early"  # reported although dated after the article
    assert status[("late", "protest")] == "reported"
    assert status[("late", "memo")] == "missed"
    assert status[("early", "hearing")] == "no fact"
    assert list(cov["event"][:3]) == ["protest", "memo", "hearing"]


def test_missed_events_accepts_matrix_or_hits():
    m = pd.DataFrame({"article": ["early", "early", "late", "late"], "fact": ["fired", "canteen", "fired", "canteen"], "present": [1, 0, 0, 1]})
    missed = cv.missed_events(_articles(), m, EVENTS, FACTS)
    assert missed[["article", "event"]].values.tolist() == [["early", "protest"], ["late", "memo"]]
    assert "reported_by" not in missed.columns
    hits = pd.DataFrame({"article": ["late"], "fact": ["fired"]})
    missed = cv.missed_events(_articles(), hits, EVENTS, FACTS)
    assert missed[["article", "event"]].values.tolist() == [["early", "protest"], ["late", "protest"]]


def test_event_coverage_bad_input():
    m = pd.DataFrame({"article": ["early"], "fact": ["fired"], "present": [1]})
    bad_facts = {"facts": [{"id": "f", "definition": "d", "event": "nope", "patterns": ["x"]}]}
    with pytest.raises(CorpusError, match="event 'nope'"):
        cv.event_coverage(_articles(), m, EVENTS, bad_facts)
    with pytest.raises(CorpusError, match="not a date"):
        cv.event_coverage(_articles(), m, {"events": [{"id": "e", "date": "2021-13-40"}]}, FACTS)
    with pytest.raises(ValueError, match="'date' column"):
        cv.event_coverage(pd.DataFrame({"article": ["a"]}), m, EVENTS, FACTS)


# --------------------------------------------------------------------------- actors

ACTORS = {
    "actors": [
        {"id": "accuser", "name": "the accuser", "speaker_type": "accuser", "aliases": ["the accuser"],
         "surnames": ["Zhou"], "surname_intro": [r"last name is Zhou"]},
        {"id": "zx", "name": "Zhou Xiaoxuan", "speaker_type": "other", "aliases": ["Zhou Xiaoxuan"], "surnames": ["Zhou"]},
        {"id": "police", "name": "police", "aliases": ["police"]},
        {"id": "bj_police", "name": "Beijing police", "aliases": ["Beijing police"]},
    ],
    "ignore": ["Hong Kong"],
}


def test_introduced_surname_is_not_the_full_name_actor():
    s = sents([
        ("w", 1, "The accuser, whose last name is Zhou, spoke."),
        ("w", 2, "Zhou Xiaoxuan went to court."),
        ("w", 3, "Zhou accused her manager."),
    ])
    m = cv.actor_mentions(s, ACTORS)
    assert m[["line", "actor", "by"]].values.tolist() == [
        [1, "accuser", "alias"], [1, "accuser", "surname"], [2, "zx", "alias"], [3, "accuser", "surname"]]


def test_bare_surname_follows_last_full_mention_and_skips_longer_names():
    s = sents([
        ("n", 1, "Zhou said nothing."),                      # nobody named yet: skipped
        ("n", 2, "Zhou Xiaoxuan sued; Zhu then sued Zhou."),  # -> zx twice
        ("n", 3, "Viola Zhou reported it."),                 # part of a longer name: not bare
    ])
    m = cv.actor_mentions(s, ACTORS)
    assert m[["line", "actor", "matched"]].values.tolist() == [[2, "zx", "Zhou Xiaoxuan"], [2, "zx", "Zhou"]]


def test_longest_alias_wins_and_counts():
    s = sents([("a", 1, "Beijing police and police in town."), ("b", 1, "The police came.", "quoted", "NPR")])
    m = cv.actor_mentions(s, ACTORS)
    assert m[["article", "actor"]].values.tolist() == [["a", "bj_police"], ["a", "police"], ["b", "police"]]
    assert m.iloc[2]["voice"] == "quoted" and m.iloc[2]["quoted_outlet"] == "NPR"
    counts = cv.actor_counts(m, ["a", "b"])
    assert counts.loc["police", ["a", "b", "total", "n_articles"]].tolist() == [1, 1, 2, 2]
    assert counts.index[0] == "police"


def test_bad_actors_codebook():
    with pytest.raises(CorpusError, match="at least one alias"):
        cv.actor_mentions(sents([("a", 1, "x")]), {"actors": [{"id": "nobody"}]})
    with pytest.raises(CorpusError, match="duplicate id"):
        cv.actor_mentions(sents([("a", 1, "x")]), {"actors": [{"id": "p", "aliases": ["a"]}, {"id": "p", "aliases": ["b"]}]})
    with pytest.raises(ValueError, match="lacks column"):
        cv.actor_counts(pd.DataFrame({"article": ["a"]}))


def test_unknown_names_finds_unlisted_multiword_names():
    s = sents([
        ("a", 1, "At The Diplomat, Mr. Cheng said Beijing police met Zhou Xiaoxuan."),
        ("a", 2, "Today I visited Hong Kong and Fudan University."),
        ("b", 1, "Mr. Cheng left."),
    ])
    out = cv.unknown_names(s, ACTORS)
    # "The Diplomat" loses its function word and is then too short; "Today I" likewise
    assert out["name"].tolist() == ["Mr. Cheng", "Fudan University"]
    first = out.iloc[0]
    assert first["n"] == 2 and first["articles"] == "a, b" and first["example"].startswith("a l.1: ")
    assert "Hong Kong" not in out["name"].tolist() and "Zhou Xiaoxuan" not in out["name"].tolist()


# --------------------------------------------------------------------------- word choices

LEXICON = {
    "exclude": ["Kris Wu"],
    "groups": [
        {"id": "act", "label": "Act", "terms": [
            {"id": "molestation", "patterns": [r"\bmolest\w*"]},
            {"id": "indecency", "patterns": [r"\bforcible (indecency|molestation)\b"]},
            {"id": "rape", "patterns": [r"\brape\b"]},
        ]},
    ],
}


def test_word_choices_rates_voice_split_longest_match_and_exclude():
    s = sents([
        ("a", 1, "He was held for forcible molestation and molesting her."),  # 9 words
        ("a", 2, "Kris Wu faces rape claims."),                              # 5 words, excluded from search
        ("a", 3, "The rape was denied.", "quoted", "NPR"),                   # 4 words
        ("b", 1, "Nothing here."),
    ])
    w = cv.word_choices(s, LEXICON)
    assert list(w.columns) == ["article", "group", "group_label", "term", "label", "voice", "n", "words", "per_1000", "examples"]
    got = w.set_index(["article", "term", "voice"])
    assert got.loc[("a", "indecency", "own"), "n"] == 1
    assert got.loc[("a", "molestation", "own"), "n"] == 1      # "forcible molestation" not counted twice
    assert got.loc[("a", "rape", "own"), "n"] == 0              # the Kris Wu sentence is excluded
    assert got.loc[("a", "rape", "own"), "words"] == 14         # ... but its words still count
    assert got.loc[("a", "molestation", "own"), "per_1000"] == round(1000 / 14, 2)
    assert got.loc[("a", "rape", "quoted"), "per_1000"] == 250.0
    assert got.loc[("a", "rape", "quoted"), "examples"] == "l.3: The rape was denied."
    assert math.isnan(got.loc[("b", "rape", "quoted"), "per_1000"])
    assert len(w) == 2 * 3 * 2


def test_word_choices_bad_lexicon():
    s = sents([("a", 1, "x")])
    with pytest.raises(CorpusError, match="no 'groups:' list"):
        cv.word_choices(s, {"terms": []})
    with pytest.raises(CorpusError, match="non-empty list of patterns"):
        cv.word_choices(s, {"groups": [{"id": "g", "terms": [{"id": "t"}]}]})


# --------------------------------------------------------------------------- agreement

def test_agreement_counts_and_kappa():
    ref = pd.DataFrame({"article": ["a"] * 4, "fact": list("wxyz"), "present": [1, 1, 0, 0]})
    coded = ref.assign(present=[1, 0, 0, 0])
    res = cv.fact_agreement(coded, ref)
    assert (res["cells"], res["agree"], res["accuracy"]) == (4, 3, 0.75)
    assert res["kappa"] == pytest.approx(0.5)
    assert res["disagreements"][["fact", "reference", "coded"]].values.tolist() == [["x", 1, 0]]
    with pytest.raises(ValueError, match="no coded value"):
        cv.fact_agreement(coded.iloc[:2], ref)


def test_rule_coder_agrees_with_hand_coding_on_the_corpus():
    """The facts codebook against data/reference/facts.csv (coded by reading the captures)."""
    from newslens.corpus import load_codebook, load_corpus
    from newslens.text import sentence_table

    corpus = load_corpus(ROOT / "data")
    matrix = cv.fact_matrix(sentence_table(corpus.lines), load_codebook("facts", ROOT / "data"), list(corpus.articles.index))
    reference = pd.read_csv(ROOT / "data" / "reference" / "facts.csv")
    assert len(reference) == 5 * 24
    res = cv.fact_agreement(matrix, reference)
    assert res["cells"] == 120
    assert res["accuracy"] >= 0.95, res["disagreements"].to_string()


def test_other_functions_explain_bad_input():
    with pytest.raises(ValueError, match="lacks column"):
        cv.unknown_names(pd.DataFrame({"text": ["Mr. Cheng"]}), ACTORS)
    with pytest.raises(CorpusError, match="expected a mapping"):
        cv.word_choices(sents([("a", 1, "x")]), [LEXICON])
    with pytest.raises(CorpusError, match="not a valid regular expression"):
        cv.actor_mentions(sents([("a", 1, "x")]), {"actors": [{"id": "p", "patterns": ["(oops"]}]})


def _choice_rows():
    rows = []
    for art, counts in (("a", {"x": 2, "y": 0}), ("b", {"x": 1, "y": 3})):
        for term, n in counts.items():
            for voice in ("own", "quoted"):
                k = n if voice == "own" else 0
                rows.append((art, "g", "Group", term, term.upper(), voice, k, 100, 10.0 * k))
    return pd.DataFrame(rows, columns=["article", "group", "group_label", "term", "label", "voice", "n", "words", "per_1000"])


def test_term_use_counts_articles_and_finds_the_top_rate():
    use = cv.term_use(_choice_rows())
    assert use[["term", "n", "n_articles", "articles", "top_article", "top_per_1000"]].values.tolist() == [
        ["x", 3, 2, ("a", "b"), "a", 20.0], ["y", 3, 1, ("b",), "b", 30.0]]
    leaders = use.loc[use.groupby("group", sort=False)["n"].idxmax()]
    assert leaders["term"].tolist() == ["x"]  # a tie goes to the codebook's first term
    quoted = cv.term_use(_choice_rows(), voice="quoted")
    assert quoted["n"].sum() == 0 and quoted["top_article"].tolist() == ["", ""]
    assert cv.term_use(_choice_rows(), articles=["b"])["articles"].tolist() == [("b",), ("b",)]
    with pytest.raises(ValueError, match="lacks column"):
        cv.term_use(_choice_rows().drop(columns="n"))


def test_fact_labels_use_the_label_else_a_short_definition():
    from newslens.coverage import LABEL_CHARS, fact_labels

    book = {"facts": [
        {"id": "a_b", "label": "Short name", "definition": "A long definition that nobody would put on a figure row.", "patterns": ["x"]},
        {"id": "c", "definition": "The council voted.", "patterns": ["y"]},
        {"id": "d", "definition": "A definition far longer than forty characters, with commas, and more words.", "patterns": ["z"]},
    ]}
    names = fact_labels(book)
    assert list(names) == ["a_b", "c", "d"]
    assert names["a_b"] == "Short name"
    assert names["c"] == "The council voted"
    assert names["d"].endswith("…") and len(names["d"]) <= LABEL_CHARS
    assert names["d"].startswith("A definition far longer than")
