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


def _labels(mini, text: str, headline: str, name: str = "a") -> list[str]:
    mini.add(name, text, headline=headline)
    root = mini.write()
    got = label_lines(load_manifest(root), data_dir=DATA)
    return got.loc[got.article == name, "label"].tolist()


BODY1 = "The council met for four hours on Monday and voted on the budget for next year."
BODY2 = "Members said the new plan would cost less than the old one over five years."
BODY3 = "The mayor thanked the members and said work on the new roads would start in the spring."


def test_capture_cut_mid_sentence_keeps_its_last_line_as_body(mini):
    text = f"Council passes budget\n\n{BODY1}\n\n{BODY2}\n\nIn the end, the mayor and her"
    assert _labels(mini, text, "Council passes budget")[-1] == "body"
    # a cut-off paragraph that is long is prose even in the middle of the page
    long_cut = "The vote came after " + "a long and heated debate, " * 6 + "and the members"
    text = f"Council passes budget\n\n{long_cut}\n\nShare This:\n\nLeave a Reply"
    assert _labels(mini, text, "Council passes budget", "b") == ["headline", "blank", "body", "blank", "boilerplate",
                                                            "blank", "boilerplate"]


def test_date_stamp_sign_off_and_embedded_post(mini):
    text = (" date 2021-07-27 Council passes budget\n\n"
            f"{BODY1} - Associated Press\n\n"
            "We voted! The budget is done. — City Council (@citycouncil) July 27, 2021\n\n"
            f"{BODY2}\n")
    assert _labels(mini, text, "Council passes budget") == ["headline", "blank", "body", "blank", "body", "blank",
                                                            "body", "blank"]


def test_standfirst_repeated_by_the_first_paragraph_is_a_dek(mini):
    text = (f"Council passes budget\n\n{BODY1}\n\n{BODY1} {BODY2}\n\n{BODY2}\n")
    assert _labels(mini, text, "Council passes budget")[:5] == ["headline", "blank", "dek", "blank", "body"]


def test_section_heading_is_a_dek_but_a_related_headline_is_not(mini):
    text = (f"Council passes budget\n\n{BODY1}\n\nThe vote in full\n\n{BODY2}\n\n"
            f"Why the bus plan stalled again this winter\n\n{BODY3}\n")
    labels = _labels(mini, text, "Council passes budget")
    assert (labels[4], labels[8]) == ("dek", "boilerplate")


def test_datelines_credits_and_captions_in_other_shapes(mini):
    text = ("Council passes budget\n\nWednesday 24 March 2021\n\n7:54 PM\n\nSource: City Wire\n\n"
            "The hall on Monday.Credit…Ann Lee/City Wire\n\nThe hall at dusk. [Photo/City Wire]\n\n"
            f"{BODY1}\n\n{BODY2}\n\n(Reporting by Ann Lee; Editing by Bo Chen)\n\nMore to come.\n")
    labels = [lab for lab in _labels(mini, text, "Council passes budget") if lab != "blank"]
    assert labels == ["headline", "byline", "byline", "byline", "caption", "caption", "body", "body", "byline",
                      "boilerplate"]
