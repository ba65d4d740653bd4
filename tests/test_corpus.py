"""newslens.corpus: the manifest and the captures (every kind of bad input gets one clear CorpusError), line labels and voice."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from newslens.corpus import (
    LABELS,
    MAX_CAPTURE_BYTES,
    CorpusError,
    CorpusWarning,
    assign_voice,
    find_data_dir,
    label_agreement,
    label_lines,
    load_codebook,
    load_corpus,
    load_manifest,
)

from .conftest import DATA

STORY = "The first sentence of the story is long enough to be read as prose.\n\nA second paragraph follows it here, also long.\n"


def test_real_manifest_loads_with_checksums():
    m = load_manifest(DATA)
    assert list(m.index) == ["wapo", "npr", "cdt", "ap", "register"]
    assert str(m["date"].dtype).startswith("datetime64")
    for art, row in m.iterrows():
        assert hashlib.sha256(open(row["path"], "rb").read()).hexdigest() == row["sha256"], art


def test_raw_captures_are_byte_identical_to_shared_corpus():
    shared = DATA.parents[1] / "shared" / "corpus"  # shared/ sits beside the checkout, here and in CI
    if not shared.is_dir():
        pytest.skip("shared/corpus is not beside this checkout")
    for f in sorted(shared.glob("*.txt")):
        assert (DATA / "raw" / f.name).read_bytes() == f.read_bytes(), f.name


def test_loading_never_writes_raw_files(corpus):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (DATA / "raw").iterdir()}
    load_corpus(DATA)
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (DATA / "raw").iterdir()} == before


def test_find_data_dir_walks_up(tmp_path, monkeypatch):
    monkeypatch.chdir(DATA.parent / "chapters")
    assert find_data_dir() == DATA
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CorpusError, match="no data/articles.csv found"):
        find_data_dir()


def test_missing_manifest(mini):
    with pytest.raises(CorpusError, match=r"articles\.csv: manifest not found"):
        load_manifest(mini.root)


def test_missing_required_column(mini):
    mini.add("a", STORY)
    root = mini.write([f for f in mini.FIELDS if f != "date"])
    with pytest.raises(CorpusError, match=r"articles\.csv: missing required column\(s\) date"):
        load_manifest(root)


def test_duplicate_id(mini):
    mini.add("a", STORY)
    mini.add("b", STORY, id="a")
    with pytest.raises(CorpusError, match=r"row 3: duplicate id 'a' \(first used in row 2\)"):
        load_manifest(mini.write())


# One bad row each: (what the row's capture holds, the manifest fields that differ, the message expected).
BAD_ROWS = {
    "empty id": (STORY, {"id": ""}, r"row 2: empty 'id'"),
    "id not a slug": (STORY, {"id": "Washington Post"}, r"row 2: id 'Washington Post' is not a slug"),
    "month 13": (STORY, {"date": "2021-13-01"}, r"row 2: date '2021-13-01' is not a date \(YYYY-MM-DD\)"),
    "day first": (STORY, {"date": "14/09/2021"}, r"row 2: date '14/09/2021' is not a date \(YYYY-MM-DD\)"),
    "no zero padding": (STORY, {"date": "2021-9-14"}, r"row 2: date '2021-9-14' is not a date \(YYYY-MM-DD\)"),
    "a word": (STORY, {"date": "yesterday"}, r"row 2: date 'yesterday' is not a date \(YYYY-MM-DD\)"),
    "empty file": ("", {}, r"row 2: capture .*a\.txt is empty or whitespace only"),
    "whitespace file": ("   \n\n \t\n", {}, r"row 2: capture .*a\.txt is empty or whitespace only"),
    "latin-1 file": ("Caf\u00e9 society is the long first sentence here.".encode("latin-1"), {},
                     r"row 2: capture .*a\.txt is not UTF-8 \(bad byte at offset 3\)"),
    "sha256 not hex": (STORY, {"sha256": "abc"}, r"row 2: sha256 'abc' is not 64 hex digits"),
    "html capture": ("<html><body><p>The first sentence of the story is long enough.</p></body></html>", {},
                     r"row 2: capture .*a\.txt looks like HTML"),
    "path outside raw": (STORY, {"file": "../articles.csv"}, r"row 2: file '../articles.csv' must be a bare file name"),
}


@pytest.mark.parametrize("content, fields, message", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_names_file_row_and_fix(mini, content, fields, message):
    mini.add("a", content, **fields)
    with pytest.raises(CorpusError, match=message):
        load_manifest(mini.write())


def test_date_in_the_future(mini):
    mini.add("a", STORY, date="2031-01-01")
    with pytest.raises(CorpusError, match=r"row 2: date 2031-01-01 is in the future"):
        load_manifest(mini.write(), today=dt.date(2026, 1, 1))


def test_file_missing(mini):
    mini.add("a", STORY)
    os.remove(mini.root / "raw" / "a.txt")
    with pytest.raises(CorpusError, match=r"row 2: capture .*a\.txt not found"):
        load_manifest(mini.write())


def test_sha256_mismatch(mini):
    mini.add("a", STORY)
    (mini.root / "raw" / "a.txt").write_text(STORY + "An edit.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"row 2: capture .*a\.txt has sha256 .* the raw file changed"):
        load_manifest(mini.write())


def test_prose_mentioning_a_tag_is_not_html(mini):
    mini.add("a", "The page used a <p> element once, which is long enough to be prose.\n")
    assert len(load_manifest(mini.write())) == 1


def test_file_over_size_limit(mini):
    mini.add("a", "word " * (MAX_CAPTURE_BYTES // 5 + 1))
    with pytest.raises(CorpusError, match=r"row 2: capture .*a\.txt is [\d,]+ bytes, over the 2,000,000-byte limit"):
        load_manifest(mini.write())


def test_unknown_extra_column_is_kept_with_a_warning(mini):
    mini.add("a", STORY, notes="checked by hand")
    root = mini.write(mini.FIELDS + ["notes"])
    with pytest.warns(CorpusWarning, match=r"extra column\(s\) notes kept"):
        m = load_manifest(root)
    assert m.loc["a", "notes"] == "checked by hand"


def test_row_with_too_many_cells(mini):
    mini.add("a", STORY)
    root = mini.write()
    with (root / "articles.csv").open("a", encoding="utf-8") as fh:
        fh.write("b,b.txt,Outlet,site,Head,2021-08-10,stated,,,abc,EXTRA\n")
    with pytest.raises(CorpusError, match=r"row 3: more cells than columns"):
        load_manifest(root)


def test_manifest_without_rows(mini):
    with pytest.raises(CorpusError, match="has a header but no rows"):
        load_manifest(mini.write())


def test_codebook_errors(mini):
    root = mini.write()
    with pytest.raises(CorpusError, match=r"codebook/nothing\.yml: codebook not found"):
        load_codebook("nothing", root)
    (root / "codebook" / "broken.yml").write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"broken\.yml line \d+: not valid YAML"):
        load_codebook("broken", root)


def test_bad_furniture_pattern_names_the_codebook(mini):
    mini.add("a", STORY)
    root = mini.write()
    (root / "codebook" / "furniture.yml").write_text("boilerplate:\n  - 'unclosed ('\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"furniture\.yml: boilerplate pattern 'unclosed \(' is not a valid regular expression"):
        load_corpus(root)


def test_raw_files_opened_read_only(mini):
    mini.add("a", STORY)
    root = mini.write()
    raw = root / "raw" / "a.txt"
    raw.chmod(stat.S_IRUSR)  # a read-only capture must still load
    assert len(load_corpus(root).lines) == 4


def test_events_codebook_loads_sorted_with_ranges():
    from newslens.corpus import load_events

    ev = load_events(DATA)
    assert ev["date"].is_monotonic_increasing and len(ev) == 8
    assert ev.loc[ev.id == "canteen_intranet", "end"].dt.strftime("%Y-%m-%d").tolist() == ["2021-08-07"]


def test_events_bad_date_names_event(mini):
    from newslens.corpus import load_events

    root = mini.write()
    (root / "codebook" / "events.yml").write_text("events:\n  - {id: a, date: 2021-02-30, label: x}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"events\.yml: a value is not valid .*dates are YYYY-MM-DD"):
        load_events(root)


@pytest.mark.parametrize(
    "block, message",
    [
        ("block_quotes:\n  intro: ['At (?P<outlet>[A-Z]+']\n", r"block_quotes intro pattern .* is not a valid regular expression"),
        ("block_quotes:\n  intro: ['At ([A-Z]\\w+), .*:$']\n", r"block_quotes intro pattern .* needs a named group \(\?P<outlet>"),
        ("block_quotes:\n  intro: []\n  end: '[Source'\n", r"block_quotes end pattern '\[Source' is not a valid regular expression"),
        ("block_quotes: [1, 2]\n", r"'block_quotes' must be a mapping"),
    ],
)
def test_bad_block_quote_patterns_name_the_codebook(mini, block, message):
    mini.add("a", STORY)
    root = mini.write()
    (root / "codebook" / "furniture.yml").write_text(block, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"furniture\.yml: " + message):
        load_corpus(root)


# --------------------------------------------------------------------------- line labels and voice
# Agreement with the hand labels, and captures from sites never seen.

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


def test_a_short_introduction_ending_in_a_colon_between_paragraphs_is_body(mini):
    text = f"Council passes budget\n\n{BODY1}\n\nThe council's statement:\n\n{BODY2}\n"
    assert _labels(mini, text, "Council passes budget")[4] == "body"
    text = f"Council passes budget\n\n{BODY1}\n\nThe council's statement\n\n{BODY2}\n"
    assert _labels(mini, text, "Council passes budget", "b")[4] == "dek"  # without the colon: a section heading


def test_datelines_credits_and_captions_in_other_shapes(mini):
    text = ("Council passes budget\n\nWednesday 24 March 2021\n\n7:54 PM\n\nSource: City Wire\n\n"
            "The hall on Monday.Credit…Ann Lee/City Wire\n\nThe hall at dusk. [Photo/City Wire]\n\n"
            f"{BODY1}\n\n{BODY2}\n\n(Reporting by Ann Lee; Editing by Bo Chen)\n\nMore to come.\n")
    labels = [lab for lab in _labels(mini, text, "Council passes budget") if lab != "blank"]
    assert labels == ["headline", "byline", "byline", "byline", "caption", "caption", "body", "body", "byline",
                      "boilerplate"]


def test_furniture_patterns_are_tried_only_where_the_prefilter_allows_and_never_missed():
    import re

    from newslens.corpus import _AnyFull

    patterns = [r".*democracy dies in darkness.*", r"(?<!\w)photo(?!s):.*", r"by [\w ]+", r"\A\s*ad\s*\Z", r"Réclame"]
    anyfull = _AnyFull(re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE), patterns)
    texts = ["Democracy Dies in Darkness", "PHOTO: Reuters", "photos: many", "By Jane Doe", "by Zoë Ünal", " AD ",
             "réclame", "RÉCLAME", "Nothing to see here.", "ſubscribe", ""]
    whole = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    assert [anyfull.fullmatch(t) for t in texts] == [whole.fullmatch(t) is not None for t in texts]
    assert [anyfull.fullmatch(t) for t in texts] == [True, True, False, True, True, True, True, True, False, False, False]
