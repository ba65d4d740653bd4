"""The next story: a synthetic corpus with its own codebooks goes through every analysis with no code change.

The fixture (tests/fixtures/synthetic_story, all invented) has three captures in three site styles and its
own eight codebooks. The first tests run the command line; the others run, chapter by chapter, the same
computations and figures the chapters run, with the story's codebooks passed explicitly, and check what they
find against what a reader of the three short captures can see.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from newslens import coverage as cv  # noqa: E402
from newslens import framing as F  # noqa: E402
from newslens import plots, quotes, reuse, terms  # noqa: E402
from newslens.codebooks import CODEBOOKS, check_codebooks  # noqa: E402
from newslens.corpus import label_examples, load_codebook, load_corpus, load_events  # noqa: E402
from newslens.export import TABLES, export_tables  # noqa: E402
from newslens.text import article_stats, sentence_table, voice_summary, words_by_label  # noqa: E402

STORY = Path(__file__).parent / "fixtures" / "synthetic_story"


@pytest.fixture(scope="module")
def story():
    return load_corpus(STORY)


@pytest.fixture(scope="module")
def sentences(story):
    return sentence_table(story.lines)


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


# --------------------------------------------------------------------------- the command line


def test_export_writes_every_table_for_a_new_story(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "newslens", "export", "--out", str(out), "--data", str(STORY)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert sorted(p.stem for p in out.glob("*.csv")) == sorted(TABLES)
    arts = pd.read_csv(out / "articles.csv")
    assert arts["article"].tolist() == ["wire", "gazette", "digest"]
    lines = pd.read_csv(out / "lines.csv", keep_default_na=False)
    body = lines[lines.label == "body"]
    assert body.groupby("article").size().to_dict() == {"digest": 4, "gazette": 5, "wire": 5}
    assert body.loc[body.voice == "quoted", "quoted_outlet"].unique().tolist() == ["The Associated Press"]
    for name in TABLES:
        assert len(pd.read_csv(out / f"{name}.csv")) > 0, f"{name}.csv is empty for the synthetic story"


def test_analyses_find_the_new_story_in_its_own_codebooks(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "newslens", "export", "--out", str(out), "--data", str(STORY),
                          "--table", "facts", "--table", "quotes", "--table", "reuse"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    facts = pd.read_csv(out / "facts.csv")
    present = facts[facts.present == 1].groupby("article")["fact"].apply(sorted).to_dict()
    assert "manager_suspended" in present["wire"] and "workers_letter" in present["gazette"]
    quotes_ = pd.read_csv(out / "quotes.csv")
    assert set(quotes_.loc[quotes_.speaker == "Dana Reyes", "article"]) == {"wire", "gazette"}
    reuse_ = pd.read_csv(out / "reuse.csv")
    assert set(zip(reuse_.article, reuse_.source_article)) == {("digest", "wire")}


def test_every_table_function_runs_in_process(story, tmp_path):
    paths = export_tables(story, tmp_path, list(TABLES))
    assert [p.stem for p in paths] == list(TABLES)


def test_the_codebooks_pass_the_up_front_check():
    assert check_codebooks(data_dir=STORY) == list(CODEBOOKS)


# --------------------------------------------------------------------------- chapter 1: the corpus


def test_chapter_1_corpus_computations(story):
    stats = article_stats(story.articles, story.lines)
    assert (stats["share_body"] > 50).all()
    shares = words_by_label(story.lines, share=True)
    assert shares.loc["digest", "boilerplate"] > 0  # the appeal for donations is furniture
    examples = label_examples(story.lines)
    assert "Skip to main content" in set(examples["text"])
    voices = voice_summary(story.lines)
    assert set(voices.loc[voices["article"] == "digest", "quoted_outlet"]) == {"", "The Associated Press"}
    events = load_events(STORY)
    assert events["id"].tolist() == ["injury", "letter", "manager_suspended", "inquiry"]
    _figure(plots.label_bars(shares, "t", "x"))
    _figure(plots.timeline(events, story.articles, "t"))


# --------------------------------------------------------------------------- chapter 2: who covered what


def test_chapter_2_facts_events_actors_words(story, sentences):
    facts, events = load_codebook("facts", STORY), load_codebook("events", STORY)
    order = list(story.articles.sort_values("date").index)
    matrix = cv.fact_matrix(sentences, facts, order)
    assert len(matrix) == 3 * len(facts["facts"])
    assert not cv.evidence_table(matrix).empty
    single = cv.single_outlet_facts(matrix)
    assert set(single["fact"]) <= {f["id"] for f in facts["facts"]}
    status = cv.event_coverage(story.articles, matrix, events, facts)
    status = status.set_index(["article", "event"])["status"]
    # the gazette (12 March) could not know of the inquiry (19 March), but it already reports the suspension
    # dated 18 March in the timeline: the table flags that, as it flags the updated NPR capture in the book
    assert status[("gazette", "inquiry")] == "not yet"
    assert status[("gazette", "manager_suspended")] == "reported early"
    assert status[("wire", "injury")] == "reported"
    assert set(cv.missed_events(story.articles, matrix, events, facts)["article"]) <= set(order)
    actors = load_codebook("actors", STORY)
    mentions = cv.actor_mentions(sentences, actors)
    counts = cv.actor_counts(mentions, order)
    assert counts.loc["company", "n_articles"] == 3 and counts.loc["worker", "n_articles"] == 2  # the digest says "a worker"
    assert isinstance(cv.unknown_names(sentences, actors), pd.DataFrame)
    choices = cv.word_choices(sentences, load_codebook("wording", STORY))
    crushed = choices[(choices["term"] == "crushed") & (choices["n"] > 0)]
    assert set(crushed["article"]) == {"wire", "gazette"}
    _figure(plots.fact_heatmap(matrix, {a: a for a in order}, "t"))
    _figure(plots.word_choice_dots(choices, {a: story.articles.loc[a, "outlet"] for a in order}, "t"))


def test_chapter_2_quotes_and_reuse(story):
    q = quotes.extract_quotes(story.lines, data_dir=STORY)
    assert {"Dana Reyes", "Mia Chen"} <= set(q["speaker"])
    summary = quotes.quote_summary(q, story.articles)
    assert summary.loc["wire", "quotes"] >= 2
    voice = quotes.share_of_voice(q, story.articles)
    shares = voice.pivot(index="article", columns="speaker_type", values="share")
    assert shares.sum(axis=1).round(6).eq(100).all()
    assert not quotes.exclusive_speakers(q).empty
    found = reuse.find_reuse(story.lines, story.articles)
    assert set(found["source_article"]) == {"wire"} and found["similarity"].min() >= 0.5
    share = reuse.reuse_share(found, story.lines)
    assert list(share.index) == ["digest"]
    candidates = reuse.find_reuse(story.lines, story.articles, min_similarity=0.001, min_shared=1)
    candidates["reported"] = candidates["similarity"] >= 0.5
    _figure(plots.voice_bars(shares.fillna(0), "t", "x"))
    _figure(plots.similarity_strip(candidates, 0.5, "t"))


# --------------------------------------------------------------------------- chapter 3: terms


def test_chapter_3_terms(story):
    book = load_codebook("terms", STORY)
    stop = terms.stop_words(book)
    assert "northwind" in stop and "fire" not in stop
    docs = {v: terms.outlet_documents(story.lines, story.articles, v) for v in terms.VIEWS}
    counts = {v: terms.count_matrix(docs[v], stop=stop) for v in terms.VIEWS}
    tfidf = {v: terms.tfidf_matrix(counts[v]) for v in terms.VIEWS}
    top = terms.top_terms(tfidf["own"], n=15)
    assert set(top["outlet"]) == set(story.articles["outlet"])
    union = terms.union_matrix(tfidf["own"], top)
    pairs = terms.cosine_pairs({v: terms.cosine_table(tfidf[v]) for v in terms.VIEWS})
    # the digest quotes the wire: counting quoted text brings the two closer
    pair = pairs.set_index("pair").filter(like="Labor Digest", axis=0).filter(like="Associated Press", axis=0)
    assert (pair["all"] > pair["own"]).all()
    link = terms.outlet_linkage(tfidf["own"])
    assert len(terms.merge_order(link, tfidf["own"].index)) == 2
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
    assert list(scores.index) == list(story.articles.index) and scores.to_numpy().max() <= 1
    assert scores["human_interest"].gt(0).all()  # every capture gives the injured worker's account
    assert set(F.frame_labels(book)) == set(scores.columns)
    entman = F.entman_functions(sentences, book)
    assert set(entman["function"]) == set(book["entman"]["functions"])
    blame = F.responsibility(sentences, book)
    labels = F.target_labels(book)
    assert set(blame["target"]) <= set(labels) | {"unclear"}
    assert not F.responsibility_counts(blame, [t for t in labels if t in set(blame["target"])]).empty
    paragraphs = F.paragraph_table(story.lines)
    settings = F.nmf_settings(book)
    small = dict(book, nmf=dict(settings, ks=[2, 3], seeds=[0, 1, 2]))
    stability = F.nmf_stability(paragraphs, small)
    k = F.choose_k(stability, settings["stability_threshold"])
    topics, assignment = F.nmf_topics(paragraphs, k, book)
    assert len(topics) == k and F.topic_shares(assignment).sum(axis=1).round(6).eq(100).all()
    issue = F.issue_frames(paragraphs, book)
    assert {"safety", "regulation"} <= set(issue["issue_frame"])
    assert set(F.issue_frame_labels(book)) == set(book["issue_frames"])
    ishares = F.issue_frame_shares(issue, paragraphs, book)
    assert not F.topic_issue_crosstab(assignment, issue).empty
    tones = F.tone(sentences)
    assert tones["compound"].between(-1, 1).all()
    summary = F.tone_summary(tones)
    assert not summary.empty
    _figure(plots.annotated_heatmap(scores, "t", "x", "y", vmin=0, vmax=1))
    _figure(plots.annotated_heatmap(ishares, "t", "x", "y", fmt="{:.0f}"))
    _figure(plots.target_bars(F.responsibility_counts(blame, [t for t in labels if t in set(blame["target"])]), labels, "t"))
    _figure(plots.tone_strips(tones.assign(outlet=tones["article"].map(story.articles["outlet"])),
                              list(story.articles["outlet"]), "t"))
