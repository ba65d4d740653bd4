"""The next story: a synthetic corpus unlike the seed goes through every analysis with no code change.

The fixture (tests/fixtures/synthetic_story, all invented; see its README) differs from the seed story in
every way issue 11 lists: its own speaker types, blame targets, wording terms, facts and events; three
captures from only two outlets, two of them from one outlet (a first report and an update); no aggregator
and no passage copied between articles; one outlet that quotes nobody; four facts nobody reports; hand
codings under ``reference/`` that cover only some of the articles.

The first tests run the command line; the others run, chapter by chapter, the computations and figures the
chapters run, with the story's codebooks, and check what they find against what a reader of the three short
captures can see (line numbers are the captures' own, as ``cat -n`` counts them).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
# The imports below follow matplotlib.use, which must run before pyplot is imported (hence E402).
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from newslens import coverage as cv  # noqa: E402
from newslens import framing as F  # noqa: E402
from newslens import plots, quotes, reuse, terms  # noqa: E402
from newslens.codebooks import CODEBOOKS, check_codebooks  # noqa: E402
from newslens.corpus import label_agreement, label_examples, load_codebook, load_corpus, load_events  # noqa: E402
from newslens.export import TABLES, chapter_tables, export_tables  # noqa: E402
from newslens.text import article_stats, sentence_table, voice_summary, words_by_label  # noqa: E402

STORY = Path(__file__).parent / "fixtures" / "synthetic_story"
REF = STORY / "reference"

#: What a reader of the captures sees (manifest order, which is not date order).
ARTICLES = ["ledger-first", "ledger-update", "valley-radio"]
LEDGER, RADIO = "The Larkspur Ledger", "Valley Public Radio"
#: Body paragraphs of each capture (line numbers in the raw files).
BODY = {"ledger-first": [14, 16, 18, 20, 22, 24], "ledger-update": [11, 13, 15, 17, 19, 21, 23],
        "valley-radio": [15, 17, 19, 21, 23, 25]}
#: Facts of facts.yml that no capture reports: no citation, no tank age, no fund, no fine imposed.
UNREPORTED = {"prior_citation", "tank_age", "compensation_fund", "authority_fine"}
#: The seed story's speaker types and blame targets: none may be this story's.
SEED_TYPES = {"accuser", "accused_side", "alibaba", "police_prosecutors", "state_media_government", "activist",
              "expert", "public", "other"}
SEED_TARGETS = {"culture", "alibaba", "manager", "state", "client", "accuser", "other_case"}


@pytest.fixture(scope="module")
def story():
    return load_corpus(STORY)


@pytest.fixture(scope="module")
def sentences(story):
    return sentence_table(story.lines)


@pytest.fixture(scope="module")
def found_quotes(story):
    return quotes.extract_quotes(story.lines, data_dir=STORY)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _figure(result):
    """A plot function returned a figure that carries the title it was given ("t")."""
    fig = result[0]
    titles = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    titles += [fig._suptitle.get_text()] if fig._suptitle is not None else []
    assert "t" in titles
    return fig


def _covered(table: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The rows of *table* for the articles a partial hand coding covers."""
    return table[table["article"].isin(set(reference["article"]))]


# --------------------------------------------------------------------------- the fixture itself


def test_the_story_differs_from_the_seed_in_every_way_issue_11_lists(story):
    seed = Path(__file__).resolve().parents[1] / "data"
    speakers = load_codebook("speakers", STORY)
    assert set(speakers["speaker_types"]).isdisjoint(SEED_TYPES)
    assert {a["speaker_type"] for a in load_codebook("actors", STORY)["actors"]} <= set(speakers["speaker_types"])
    targets = set(load_codebook("frames", STORY)["responsibility"]["targets"])
    assert targets.isdisjoint(set(load_codebook("frames", seed)["responsibility"]["targets"]) | SEED_TARGETS)

    def ids(name, key, sub=None):
        book = load_codebook(name, STORY if sub is None else sub)
        return {e["id"] for e in book[key]}
    for name, key in (("facts", "facts"), ("events", "events"), ("actors", "actors"), ("wording", "groups")):
        assert ids(name, key).isdisjoint(ids(name, key, seed)), name
    terms_ = {t["id"] for g in load_codebook("wording", STORY)["groups"] for t in g["terms"]}
    assert terms_.isdisjoint({t["id"] for g in load_codebook("wording", seed)["groups"] for t in g["terms"]})
    assert set(story.articles["outlet"]).isdisjoint(set(load_corpus(seed).articles["outlet"]))
    # two outlets, one of them with two captures
    assert story.articles["outlet"].value_counts().to_dict() == {LEDGER: 2, RADIO: 1}
    # no aggregator: no block-quote rule and no quoted line
    assert "block_quotes" not in load_codebook("furniture", STORY)
    assert set(story.lines.loc[story.lines["label"] == "body", "voice"]) == {"own"}


def test_the_hand_codings_are_partial_and_in_the_seed_formats():
    seed_ref = Path(__file__).resolve().parents[1] / "data" / "reference"
    for name, seed_file in (("lines", seed_ref / "lines.csv"), ("facts", seed_ref / "facts.csv"),
                            ("quotes", seed_ref / "quotes.csv"), ("frames_manual", seed_ref / "frames_manual.csv")):
        ours = pd.read_csv(REF / f"{name}.csv", keep_default_na=False)
        assert list(ours.columns) == list(pd.read_csv(seed_file, nrows=0).columns), name
        assert 0 < ours["article"].nunique() < len(ARTICLES), f"{name}.csv should cover only some articles"
        assert set(ours["article"]) <= set(ARTICLES)


# --------------------------------------------------------------------------- the command line


def test_export_writes_every_table_for_a_new_story(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "newslens", "export", "--out", str(out), "--data", str(STORY)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert sorted(p.stem for p in out.glob("*.csv")) == sorted(TABLES)
    arts = pd.read_csv(out / "articles.csv")
    assert arts["article"].tolist() == ARTICLES
    assert arts["outlet"].tolist() == [LEDGER, LEDGER, RADIO]
    lines = pd.read_csv(out / "lines.csv", keep_default_na=False)
    body = lines[lines.label == "body"]
    assert body.groupby("article")["line"].apply(list).to_dict() == BODY
    assert set(body["voice"]) == {"own"} and set(body["quoted_outlet"]) == {""}
    # no passage is copied between articles: the reuse table has its header and no row
    assert pd.read_csv(out / "reuse.csv").empty and pd.read_csv(out / "reuse_clusters.csv").empty
    for name in set(TABLES) - {"reuse", "reuse_clusters"}:
        assert len(pd.read_csv(out / f"{name}.csv")) > 0, f"{name}.csv is empty for the synthetic story"


def test_analyses_find_the_new_story_in_its_own_codebooks(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "newslens", "export", "--out", str(out), "--data", str(STORY),
                          "--table", "facts", "--table", "quotes", "--table", "reuse"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    facts = pd.read_csv(out / "facts.csv")
    present = facts[facts.present == 1].groupby("article")["fact"].apply(set).to_dict()
    assert {"tank_leak", "fish_kill"} <= present["ledger-first"]  # line 14
    assert {"notice_lifted", "possible_fine"} <= present["ledger-update"]  # lines 11 and 15
    assert "bottled_water" in present["valley-radio"]  # line 17
    assert UNREPORTED.isdisjoint(set().union(*present.values()))
    assert set(facts["fact"]) >= UNREPORTED  # unreported facts are rows with present == 0, not dropped
    quotes_ = pd.read_csv(out / "quotes.csv")
    assert "valley-radio" not in set(quotes_["article"])  # the radio story quotes nobody
    assert quotes_.groupby("article")["speaker"].apply(set).to_dict() == {
        "ledger-first": {"Marta Lindqvist", "Tomasz Bielak", "Owen Pritchard"},
        "ledger-update": {"Nadia Ferreira", "Rhea Castellano", "Celia Brandon", "Femi Adeyemi"},
    }
    assert pd.read_csv(out / "reuse.csv").empty


def test_every_table_function_runs_in_process(story, tmp_path):
    from newslens.study import Study

    paths = export_tables(Study(STORY), tmp_path, list(TABLES))
    assert [p.stem for p in paths] == list(TABLES)
    described = chapter_tables(Study(STORY), tmp_path / "chapter", ["lines", "reuse"])
    assert described.loc["reuse.csv", "rows"] == 0 and described.loc["lines.csv", "rows"] == len(story.lines)


def test_the_codebooks_pass_the_up_front_check():
    assert check_codebooks(data_dir=STORY) == list(CODEBOOKS)


# --------------------------------------------------------------------------- chapter 1: the corpus


def test_chapter_1_corpus_computations(story):
    stats = article_stats(story.articles, story.lines)
    assert list(stats.index) == ARTICLES and (stats["share_body"] > 50).all()
    assert (stats["words_quoted"] == 0).all()
    shares = words_by_label(story.lines, share=True)
    assert (shares[["boilerplate", "byline"]] > 0).all().all()  # every site prints menus and a byline
    assert shares.loc["ledger-first", "dek"] > 0 and shares.loc["valley-radio", "dek"] == 0
    examples = label_examples(story.lines)
    assert {"Skip to main content", "Sections", "By Priya Sandoval"} <= set(examples["text"])
    voices = voice_summary(story.lines)
    assert set(voices["quoted_outlet"]) == {""}
    events = load_events(STORY)
    assert events["id"].tolist() == ["prior_citation", "spill", "fish_kill", "do_not_drink", "inquiry",
                                     "notice_lifted", "fine"]
    _figure(plots.label_bars(shares, "t", "x"))
    _figure(plots.timeline(events, story.articles, "t"))


def test_chapter_1_label_agreement_on_the_hand_labelled_article(story):
    ref = pd.read_csv(REF / "lines.csv", keep_default_na=False)
    assert set(ref["article"]) == {"valley-radio"} and len(ref) == 28
    agreement = label_agreement(_covered(story.lines, ref), ref)
    # the radio page's menus, player, byline, caption and credit line are all furniture rules can see
    assert agreement == {"body_precision": 1.0, "body_recall": 1.0, "body_f1": 1.0, "accuracy_nonblank": 1.0,
                         "voice_accuracy": 1.0}


# --------------------------------------------------------------------------- chapter 2: who covered what


def test_chapter_2_facts_and_events(story, sentences):
    facts, events = load_codebook("facts", STORY), load_codebook("events", STORY)
    order = list(story.articles.sort_values("date").index)
    assert order == ["ledger-first", "valley-radio", "ledger-update"]
    matrix = cv.fact_matrix(sentences, facts, order)
    assert len(matrix) == 3 * len(facts["facts"])
    by_fact = matrix.groupby("fact")["present"].sum()
    assert set(by_fact[by_fact == 0].index) == UNREPORTED
    assert not cv.evidence_table(matrix).empty
    single = cv.single_outlet_facts(matrix)
    # fish kill (first report, l.14), bottled water (radio, l.17), lifted notice and possible fine (update, l.11/15)
    assert {"fish_kill", "bottled_water", "notice_lifted", "possible_fine"} <= set(single["fact"])
    status = cv.event_coverage(story.articles, matrix, events, facts).set_index(["article", "event"])["status"]
    assert status[("ledger-first", "inquiry")] == "not yet"  # 8 May, the inquiry opened on 9 May
    assert status[("valley-radio", "inquiry")] == "reported"  # l.19
    assert status[("valley-radio", "fish_kill")] == "missed"  # no dead fish in the radio story
    assert status[("ledger-update", "notice_lifted")] == "reported"  # l.11
    assert (status.xs("fine", level="event") == "not yet").all()  # the fine comes after every capture
    assert (status.xs("prior_citation", level="event") == "missed").all()
    missed = cv.missed_events(story.articles, matrix, events, facts)
    assert set(missed["article"]) <= set(order)
    ref = pd.read_csv(REF / "facts.csv")
    assert set(ref["article"]) == {"ledger-first", "valley-radio"}
    agreement = cv.fact_agreement(_covered(matrix, ref), ref)
    assert agreement["cells"] == 2 * len(facts["facts"])
    assert agreement["accuracy"] == 1.0, agreement["disagreements"]
    _figure(plots.fact_heatmap(matrix, {a: a for a in order}, "t"))


def test_chapter_2_actors_and_words(story, sentences):
    order = list(story.articles.index)
    actors = load_codebook("actors", STORY)
    counts = cv.actor_counts(cv.actor_mentions(sentences, actors), order)
    assert counts.loc["calder", "n_articles"] == 3  # the plant is in every capture
    assert counts.loc["lindqvist", "n_articles"] == 1 and counts.loc["adeyemi", "n_articles"] == 1
    assert "ferreira" in counts.index and "bielak" in counts.index
    unknown = cv.unknown_names(sentences, actors)
    assert isinstance(unknown, pd.DataFrame)
    choices = cv.word_choices(sentences, load_codebook("wording", STORY))
    used = choices[choices["n"] > 0].groupby("term")["article"].apply(set).to_dict()
    assert used["spill"] == {"valley-radio"}  # the newspaper says "leak", the radio "spill" (l.15)
    assert used["leak"] == {"ledger-first", "valley-radio"}  # l.14; l.19 "came to leak"
    assert choices.loc[choices["voice"] == "quoted", "n"].sum() == 0  # no quoted passages
    _figure(plots.word_choice_dots(choices, {a: story.articles.loc[a, "outlet"] for a in order}, "t"))


def test_chapter_2_quotes_and_voices(story, found_quotes):
    q = found_quotes
    types = set(load_codebook("speakers", STORY)["speaker_types"])
    assert set(q["speaker_type"]) == types  # each of the seven types speaks once at least, and nothing else
    summary = quotes.quote_summary(q, story.articles)
    assert summary.loc["valley-radio", "quotes"] == 0  # the outlet that quotes nobody keeps its row
    assert summary.loc["ledger-first", "quotes"] == 4 and summary.loc["ledger-update", "quotes"] == 4
    voice = quotes.share_of_voice(q, story.articles)
    shares = voice.pivot(index="article", columns="speaker_type", values="share")
    # shares are rounded to one decimal each: their sum is 100 give or take 0.05 per type
    assert ((shares.sum(axis=1) - 100).abs() <= 0.05 * shares.notna().sum(axis=1) + 1e-9).all()
    words = voice.set_index(["article", "speaker_type"])["words"]
    assert words[("ledger-first", "resident")] == 8 + 6  # Marta Lindqvist's two quotes, l.18
    exclusive = quotes.exclusive_speakers(q)
    assert len(exclusive) == 7  # nobody is quoted by two articles
    ref = pd.read_csv(REF / "quotes.csv")
    matched = quotes.match_quotes(_covered(q, ref), ref)
    assert (matched["status"] == "match").all() and len(matched) == 4
    assert (matched["speaker_type_found"] == matched["speaker_type_ref"]).all()
    _figure(plots.voice_bars(shares.fillna(0), "t", "x"))


def test_chapter_2_voice_bars_show_every_type_of_the_story(story, found_quotes):
    shares = quotes.share_of_voice(found_quotes, story.articles).pivot(index="article", columns="speaker_type",
                                                                       values="share")
    fig, _ax = plots.voice_bars(shares.fillna(0), "t", "x")
    legend = {t.get_text() for lg in fig.legends for t in lg.get_texts()}
    assert len(legend) == len(shares.columns)


def test_chapter_2_reuse_finds_nothing_copied(story):
    found = reuse.find_reuse(story.lines, story.articles)
    assert found.empty
    share = reuse.reuse_share(found, story.lines)
    assert share.empty
    candidates = reuse.find_reuse(story.lines, story.articles, min_similarity=0.001, min_shared=1)
    candidates["reported"] = candidates["similarity"] >= 0.5
    assert not candidates["reported"].any()
    _figure(plots.similarity_strip(candidates, 0.5, "t"))


# --------------------------------------------------------------------------- chapter 3: terms


def test_chapter_3_terms(story):
    book = load_codebook("terms", STORY)
    stop = terms.stop_words(book)
    assert {"calder", "larkspur", "wren"} <= set(stop)
    docs = {v: terms.outlet_documents(story.lines, story.articles, v) for v in terms.VIEWS}
    # captures are pooled by outlet: the two Ledger captures make one document
    assert list(docs["own"].index) == [LEDGER, RADIO]
    assert "paying for the cleanup" in docs["own"][LEDGER] and "dead fish" in docs["own"][LEDGER]
    assert docs["own"].equals(docs["all"])  # nothing is quoted from another outlet
    counts = {v: terms.count_matrix(docs[v], stop=stop) for v in terms.VIEWS}
    tfidf = {v: terms.tfidf_matrix(counts[v]) for v in terms.VIEWS}
    top = terms.top_terms(tfidf["own"], n=15)
    assert set(top["outlet"]) == {LEDGER, RADIO}
    union = terms.union_matrix(tfidf["own"], top)
    pairs = terms.cosine_pairs({v: terms.cosine_table(tfidf[v]) for v in terms.VIEWS})
    assert len(pairs) == 1 and (pairs["all"] == pairs["own"]).all()
    link = terms.outlet_linkage(tfidf["own"])
    assert len(terms.merge_order(link, tfidf["own"].index)) == 1
    assert terms.outlets_using(counts["own"]).max() <= 2
    assert "spill" in terms.tokenize("The solvent spill")
    lo = terms.log_odds_dirichlet(counts["own"])
    table = terms.term_table(docs["own"], view="own", stop=stop)
    agree = terms.method_agreement(table, n=15)
    agreed = terms.agreed_terms(table, n=15)
    assert not agree.empty and set(agreed.columns) >= {"outlet", "term"}
    overlap, survivors = terms.robustness(story.lines, story.articles, {"unigrams only": {"ngram_range": (1, 1)}},
                                          n=15, codebook=book)
    assert overlap["unigrams only"].between(0, 1).all()
    stable = terms.stable_terms(survivors, agreed)
    if not stable.empty:
        assert not terms.kwic_table(story.lines, story.articles, stable, per_term=2, stop=stop).empty
    _figure(plots.term_bars(top, "t", "x"))
    _figure(plots.term_heatmap(union, "t", "x"))
    _figure(plots.fightin_words(lo[lo["count"] > 0], "t"))
    _figure(plots.outlet_dendrogram(link, list(tfidf["own"].index), "t"))


# --------------------------------------------------------------------------- chapter 4: framing


def test_chapter_4_framing(story, sentences):
    book = F.load_frames(STORY)
    assert set(F.item_table(book).index) == set(book["items"])
    codes = F.code_items(sentences, book)
    scores = F.frame_scores(codes)
    assert list(scores.index) == ARTICLES and scores.to_numpy().max() <= 1
    assert (scores["conflict"] == 0).all()  # nobody denies, disputes or criticises anything
    assert set(F.frame_labels(book)) == set(scores.columns)
    entman = F.entman_functions(sentences, book)
    assert set(entman["function"]) == set(book["entman"]["functions"])
    blame = F.responsibility(sentences, book)
    labels = F.target_labels(book)
    assert set(blame["target"]) <= set(labels) | {"unclear"}
    found = blame.groupby("article")["target"].apply(set).to_dict()
    assert "plant" in found["ledger-first"]  # l.20 "managers ignored them"
    assert "inspectors" in found["ledger-update"]  # l.19 "the authority had failed to check the site"
    assert "valley-radio" not in found  # the radio story blames nobody
    present = [t for t in labels if t in set(blame["target"])]
    assert not F.responsibility_counts(blame, present).empty
    paragraphs = F.paragraph_table(story.lines)
    settings = F.nmf_settings(book)
    small = dict(book, nmf=dict(settings, ks=[2, 3], seeds=[0, 1, 2]))
    stability = F.nmf_stability(paragraphs, small)
    k = F.choose_k(stability, settings["stability_threshold"])
    topics, assignment = F.nmf_topics(paragraphs, k, book)
    assert len(topics) == k and F.topic_shares(assignment).sum(axis=1).round(6).eq(100).all()
    issue = F.issue_frames(paragraphs, book)
    assert set(issue["issue_frame"]) == set(book["issue_frames"])
    assert set(issue.loc[issue["issue_frame"] == "livelihoods", "article"]) == set(ARTICLES)  # anglers, guides
    assert set(F.issue_frame_labels(book)) == set(book["issue_frames"])
    ishares = F.issue_frame_shares(issue, paragraphs, book)
    assert not F.topic_issue_crosstab(assignment, issue).empty
    tones = F.tone(sentences)
    assert tones["compound"].between(-1, 1).all()
    assert not F.tone_summary(tones).empty
    _figure(plots.annotated_heatmap(scores, "t", "x", "y", vmin=0, vmax=1))
    _figure(plots.annotated_heatmap(ishares, "t", "x", "y", fmt="{:.0f}"))
    _figure(plots.target_bars(F.responsibility_counts(blame, present), labels, "t"))
    _figure(plots.tone_strips(tones.assign(outlet=tones["article"].map(story.articles["outlet"])),
                              list(dict.fromkeys(story.articles["outlet"])), "t"))


def test_chapter_4_agreement_on_the_hand_coded_article(story, sentences):
    book = F.load_frames(STORY)
    manual = F.load_manual(REF / "frames_manual.csv", book)
    assert set(manual["article"]) == {"ledger-update"} and len(manual) == len(book["items"])
    codes = _covered(F.code_items(sentences, book), manual)
    table = F.frame_agreement(codes, manual)
    assert table.loc["overall", "cells"] == len(book["items"])
    assert table.loc["overall", "yes_manual"] == int(manual["answer"].sum())
    disagree = F.disagreements(codes, manual)
    assert len(disagree) == table.loc["overall", "cells"] - table.loc["overall", "agree"]
    # the rules read "could face a fine" without a change word and the postponed tournament as no economic
    # consequence: the hand coder's E1 and E3 are among the disagreements
    assert {"E1", "E3"} <= set(disagree["item"])
    overlap = F.evidence_overlap(codes, manual)
    assert isinstance(overlap, pd.DataFrame)
