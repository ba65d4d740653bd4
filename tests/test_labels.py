"""Line labels and voice: agreement with the hand labels, and captures from sites never seen."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from newslens.corpus import LABELS, CorpusError, assign_voice, label_agreement, label_lines, load_codebook, load_manifest

from .conftest import DATA

REF = Path(__file__).resolve().parents[1] / "data" / "reference" / "lines.csv"
STYLES = Path(__file__).parent / "fixtures" / "styles"


def test_reference_covers_every_line_with_known_labels(corpus):
    ref = pd.read_csv(REF, keep_default_na=False)
    assert set(ref.label) <= set(LABELS)
    assert len(ref) == len(corpus.lines)


def test_labeller_meets_targets_on_hand_labels(corpus):
    ref = pd.read_csv(REF, keep_default_na=False)
    s = label_agreement(corpus.lines, ref)
    assert s["body_f1"] >= 0.98
    assert s["accuracy_nonblank"] >= 0.95
    assert s["voice_accuracy"] >= 0.98


def test_labels_and_lines_are_one_row_per_raw_line(corpus):
    for art, row in corpus.articles.iterrows():
        raw = open(row["path"], encoding="utf-8").read().split("\n")
        got = corpus.lines[corpus.lines.article == art]
        assert got["line"].tolist() == list(range(1, len(raw) + 1))
        assert got["text"].tolist() == raw


def _label_fixture(mini, name: str, headline: str) -> pd.DataFrame:
    mini.add(name, (STYLES / f"{name}.txt").read_text(encoding="utf-8"), headline=headline)
    root = mini.write()
    return label_lines(load_manifest(root), data_dir=root)


@pytest.mark.parametrize(
    "name, headline",
    [
        ("wire_tv", "Port authority fines shipping firm over spill"),
        ("newspaper", "City council approves new bike lanes after long debate"),
        ("aggregator", "Regional Media Debate Factory Closure"),
    ],
)
def test_unseen_site_styles(mini, name, headline):
    lines = _label_fixture(mini, name, headline)
    expected = pd.read_csv(STYLES / f"{name}.labels")
    got = lines.set_index("line")["label"]
    wrong = [(r.line, r.label, got[r.line]) for r in expected.itertuples() if got[r.line] != r.label]
    assert wrong == []
    # every line the fixture does not list is blank
    assert set(got[~got.index.isin(expected.line)]) == {"blank"}


def test_headline_found_without_manifest_match(mini):
    lines = _label_fixture(mini, "newspaper", "A headline the page does not print")
    assert lines.loc[lines.label == "headline", "line"].tolist() == [5]


def test_aggregator_voice_on_unseen_site(mini):
    lines = _label_fixture(mini, "aggregator", "Regional Media Debate Factory Closure")
    body = lines[lines.label == "body"].set_index("line")
    assert body["voice"].to_dict() == {5: "own", 7: "quoted", 9: "quoted", 11: "own", 13: "quoted", 15: "own"}
    assert body.loc[[7, 9], "quoted_outlet"].tolist() == ["The Valley Courier"] * 2
    assert body.loc[13, "quoted_outlet"] == "Business Daily"


def test_voice_intro_without_end_marker_quotes_one_paragraph():
    furniture = load_codebook("furniture", DATA)
    lines = pd.DataFrame(
        {
            "article": "x",
            "line": [1, 2, 3],
            "text": ["At The Courier, Ann Lee reported on the vote:", "The vote was close and long.", "Our own view follows here."],
            "label": "body",
        }
    )
    out = assign_voice(lines, furniture=furniture)
    assert out["voice"].tolist() == ["own", "quoted", "own"]
    assert out["quoted_outlet"].tolist() == ["", "The Courier", ""]


def test_non_body_lines_have_no_voice(corpus):
    other = corpus.lines[corpus.lines.label != "body"]
    assert set(other.voice) == {""} and set(other.quoted_outlet) == {""}


def test_caption_printed_twice_is_a_caption(mini):
    text = (
        "A headline here\n\nThe city hall building at dusk on Friday evening.\n"
        "The city hall building at dusk on Friday evening.\n\n"
        "The council met for four hours and voted on the budget for next year.\n"
    )
    mini.add("a", text, headline="A headline here")
    root = mini.write()
    labels = label_lines(load_manifest(root), data_dir=root)["label"].tolist()
    assert labels == ["headline", "blank", "caption", "caption", "blank", "body", "blank"]


def test_label_agreement_arithmetic_on_a_tiny_case():
    ref = pd.DataFrame({"article": "a", "line": [1, 2, 3, 4, 5], "label": ["body", "body", "caption", "blank", "boilerplate"],
                        "voice": ["own", "quoted", "", "", ""], "quoted_outlet": ["", "NPR", "", "", ""]})
    got = ref.assign(label=["body", "caption", "body", "blank", "boilerplate"], voice=["own", "", "own", "", ""], quoted_outlet="")
    s = label_agreement(got, ref)
    # body: tp=1 (line 1), fp=1 (line 3), fn=1 (line 2) -> P=R=F1=0.5; non-blank accuracy 2/4; voice 1/2
    assert (s["body_precision"], s["body_recall"], s["body_f1"], s["accuracy_nonblank"], s["voice_accuracy"]) == (0.5, 0.5, 0.5, 0.5, 0.5)
    with pytest.raises(CorpusError, match="must cover exactly the labelled lines"):
        label_agreement(got.iloc[:3], ref)
