"""newslens.study: every table of a study reads the aggregator's inline markers from the folder's furniture codebook."""
from __future__ import annotations

import pytest

from newslens import terms
from newslens.reuse import find_reuse, reuse_share
from newslens.study import Study
from newslens.text import voice_summary

REPORT = "The council voted on Monday to close the old factory by June. “It is a sad day for the valley,” said Ann Lee."
OWN = "Residents of the valley gathered outside the town hall on Tuesday to protest the closure."


@pytest.fixture(params=[False, True], ids=["furniture without [Via]", "furniture with [Via]"])
def via_story(request, mini):
    """Two outlets: one reports, an aggregator quotes its paragraph with a new marker "[Via]" inside it, the
    furniture codebook listing that marker or not."""
    mini.add("a", f"Council votes to close factory\n\n{REPORT}\n\n{REPORT.replace('council', 'mayor')}\n",
             headline="Council votes to close factory", date="2021-08-01")
    mini.add("b", f"Valley reacts to factory vote\n\n{OWN}\n\nAt Outlet a, Ann Lee reported on the vote:\n\n"
                  f"[…] {REPORT.replace('sad day', 'sad day [Via]')} [Source]\n",
             headline="Valley reacts to factory vote", date="2021-08-05")
    root = mini.write()
    if request.param:
        furniture = root / "codebook" / "furniture.yml"
        text = furniture.read_text(encoding="utf-8")
        assert "\ninline_markers:\n" in text
        furniture.write_text(text.replace("\ninline_markers:\n", "\ninline_markers:\n  - '\\[Via\\]'\n"), encoding="utf-8")
    return request.param, root


def _texts(study: Study) -> dict[str, str]:
    """Every text a table of *study* shows or counts, by table, each joined into one string."""
    out = {
        "sentences": study.sentences["text"],
        "paragraphs": study.paragraphs["text"],
        "reuse": study.reuse["text"],
        "reuse_clusters": study.reuse_clusters["text"],
        "documents": study.documents("all"),  # what the term tables count ("via" is a stop word there)
        "quotes": study.quotes["quote"],
        "kwic": terms.kwic(study.lines, study.articles, "valley", view="all", stop=study.stop_words, width=200,
                           markers=study.markers)[["left", "right"]].sum(axis=1),
    }
    return {name: " ".join(map(str, col)).lower() for name, col in out.items()}


def test_a_marker_added_to_the_furniture_codebook_is_left_out_of_every_table(via_story):
    listed, root = via_story
    study = Study(root)
    body = study.lines[study.lines["label"] == "body"]
    assert body["text"].str.contains("[Via]", regex=False).sum() == 1  # the raw lines keep it
    assert study.lines.loc[study.lines["text"].str.contains("[Via]", regex=False), "voice"].tolist() == ["quoted"]
    for name, text in _texts(study).items():
        assert ("via" in text) != listed, name
    # body words: the quoted line is 12 + 11 words, and "Via" one more when it is not a marker
    words = 23 + (not listed)
    assert study.stats.loc["b", "words_quoted"] == words
    voices = voice_summary(study.lines, markers=study.markers).set_index(["article", "voice"])
    assert voices.loc[("b", "quoted"), "words"] == words
    flows = terms.quote_flows(study.lines, study.articles, markers=study.markers)
    assert flows.to_dict("records") == [{"outlet": "Outlet b", "source": "Outlet a", "words": words}]
    passages = terms.shared_passages(study.lines, study.articles, study.reuse, markers=study.markers)
    assert passages["words"].tolist() == [words]
    reused = find_reuse(study.lines, study.articles, markers=study.markers)
    assert reuse_share(reused, study.lines, markers=study.markers).loc["b", "words_body"] == study.stats.loc["b", "words_body"]


def test_a_parallel_study_leaves_out_the_same_markers(via_story):
    listed, root = via_story
    single, parallel = Study(root), Study(root, scheduler="synchronous", partition_size=1)
    for name in ("stats", "sentences", "paragraphs", "reuse", "reuse_clusters"):
        assert getattr(parallel, name).equals(getattr(single, name)), name
    assert ("[via]" in " ".join(parallel.sentences["text"]).lower()) != listed
