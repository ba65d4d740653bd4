"""newslens.validation: the frozen validation corpus, its split, the agreement arithmetic and the floors on the test half."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from newslens.corpus import CorpusError
from newslens.validation import MEASURES, agreement, agreement_markdown, load_validation, main, measure_groups, measure_validation

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "validation"

# Floors on the test half (sites and stories the rules were never tuned on). Targets of issue 12: body-line F1
# 0.95, non-blank accuracy 0.90, quote F1 0.88, speaker name and speaker-type accuracy 0.85. Where a target is not
# reached the floor is the measured value rounded down, so that a regression fails.
# Round 4 (see AFTER.md): the test half of rounds 1-3 (read five times) was retired into the development half and a
# fresh test half (59 captures, 59 new sites, four new stories) labelled apart and measured once, on commit 68b3f18:
# body F1 0.956, non-blank accuracy 0.886, quote F1 0.882, speaker names 0.613 (119 of 194 matched quotes),
# speaker types 0.397 (77 of 194). The speaker floors fall from the worn half's 0.79/0.82 to what fresh text shows:
# the validation codebook lists none of the fresh half's speakers, and an unlisted company or agency named without
# a role word gets type "other".
FLOORS = {
    "body-line F1": 0.95,
    "accuracy on non-blank line labels": 0.88,
    "quote F1": 0.88,
    "speaker name accuracy (matched quotes)": 0.61,
    "speaker-type accuracy (matched quotes)": 0.39,
}


@pytest.fixture(scope="module")
def table():
    return measure_validation(FOLDER, data_dir=ROOT / "data")


def test_corpus_is_large_varied_and_split_by_site():
    manifest, lines, quotes = load_validation(FOLDER)
    assert len(manifest) >= 40 and manifest["site"].nunique() >= 25
    assert manifest["site_kind"].nunique() >= 4 and manifest["story"].nunique() >= 3
    sites = manifest.groupby("site")["split"].nunique()
    assert (sites == 1).all(), sites[sites > 1]  # no site in both halves
    kinds = manifest.groupby("site_kind")["split"].nunique()
    assert (kinds == 2).all()  # stratified: every kind of site in both halves
    assert set(manifest["split"]) == {"dev", "test"}


def test_every_line_is_labelled_and_every_quote_is_in_a_body_line():
    manifest, lines, quotes = load_validation(FOLDER)
    for art, path in manifest["path"].items():
        raw = Path(path).read_text(encoding="utf-8").split("\n")
        got = lines[lines["article"] == art]
        assert got["line"].tolist() == list(range(1, len(raw) + 1)), art
        blank = [not t.strip() for t in raw]
        assert (got["label"] == "blank").tolist() == blank, art
    body = set(map(tuple, lines.loc[lines["label"] == "body", ["article", "line"]].values.tolist()))
    assert all((a, n) in body for a, n in quotes[["article", "line"]].values.tolist())
    book = (FOLDER / "codebook" / "speakers.yml").read_text(encoding="utf-8")
    assert all(t in book for t in quotes["speaker_type"].unique())


@pytest.mark.parametrize("measure, floor", list(FLOORS.items()))
def test_floor_on_the_test_half(table, measure, floor):
    assert table.loc[measure, "test"] >= floor, table


# The development half guards the rules written on it, batch by batch (the `batch` column of captures.csv: the
# round a capture was labelled in), so that no floor is lowered when captures are added. Floors are the measured
# values rounded down; see AFTER.md for each round's figures.
DEV_FLOORS = {
    # the 44 development captures of the first two rounds
    "r1-dev": {"speaker_accuracy": 1.00, "speaker_type_accuracy": 0.96, "quote_f1": 0.85},
    "r2-dev": {"speaker_accuracy": 0.96, "speaker_type_accuracy": 0.98, "quote_f1": 0.98},
    # companies, chief executives, ministries (speakers round)
    "r3-speakers": {"speaker_accuracy": 0.89, "speaker_type_accuracy": 0.87, "quote_f1": 0.95},
    # filings, letters, lawyers, agencies; a story's subject is a type the codebook cannot give an unlisted person
    "r3-filings": {"speaker_accuracy": 0.93, "speaker_type_accuracy": 0.80, "quote_f1": 0.83},
    # the test half of rounds 1-3, read five times and retired into the development half in round 4
    "r1-test-retired": {"speaker_accuracy": 0.97, "speaker_type_accuracy": 0.95, "quote_f1": 0.93},
}


@pytest.fixture(scope="module")
def batches():
    return measure_groups(FOLDER, "batch", data_dir=ROOT / "data")


@pytest.mark.parametrize("batch, measure, floor",
                         [(b, m, f) for b, floors in DEV_FLOORS.items() for m, f in floors.items()])
def test_floor_on_each_development_batch(batches, batch, measure, floor):
    assert batch in batches.columns, batches.columns
    assert batches.loc[MEASURES[measure], batch] >= floor, batches[batch]


def test_batches_add_up_to_the_halves(table, batches):
    manifest, _, _ = load_validation(FOLDER)
    for half in ("dev", "test"):
        names = manifest.loc[manifest["split"] == half, "batch"].unique()
        assert batches.loc["captures", names].sum() == table.loc["captures", half]
        assert batches.loc["direct quotes (hand coded)", names].sum() == table.loc["direct quotes (hand coded)", half]


def test_grouping_by_a_column_captures_lacks_names_the_file():
    with pytest.raises(CorpusError, match=r"captures\.csv: no column 'nope'"):
        measure_groups(FOLDER, "nope", data_dir=ROOT / "data")


def test_seeds_stay_perfect(table):
    assert (table.loc[list(FLOORS), "seeds"] == 1.0).all(), table["seeds"]


def test_agreement_arithmetic_on_a_tiny_case():
    ref = pd.DataFrame({"article": "a", "line": [1, 2, 3, 4, 5], "label": ["body", "body", "caption", "blank", "boilerplate"]})
    got = ref.assign(label=["body", "caption", "body", "blank", "boilerplate"])
    ref_q = pd.DataFrame({"article": "a", "line": [1, 1, 2], "quote": ["We won.", "It is over,", "No"],
                          "speaker": ["Ann Lee", "Ann Lee", "Bo"], "speaker_type": ["expert", "expert", "public"]})
    found = pd.DataFrame({"article": "a", "line": [1, 1, 3], "quote": ["we won", "It is over,", "Yes"],
                          "speaker": ["ann lee", "Bo", "Bo"], "speaker_type": ["expert", "public", "public"]})
    s = agreement(got, ref, found, ref_q)
    # body: tp=1, fp=1, fn=1 -> 0.5; non-blank accuracy 2/4; quotes: 2 matched of 3 found and 3 coded;
    # of the two matched, one has the right name (case ignored) and one the right type
    assert (s["body_precision"], s["body_recall"], s["body_f1"], s["accuracy_nonblank"]) == (0.5, 0.5, 0.5, 0.5)
    assert (round(s["quote_precision"], 3), round(s["quote_recall"], 3)) == (0.667, 0.667)
    assert (s["speaker_accuracy"], s["speaker_type_accuracy"]) == (0.5, 0.5)
    with pytest.raises(CorpusError, match="must cover exactly"):
        agreement(got.iloc[:3], ref, found, ref_q)


def test_markdown_table_has_one_row_per_measure(table):
    md = agreement_markdown(table).splitlines()
    assert md[0] == "| measure | seeds (in sample) | development half | test half |"
    assert len(md) == 2 + len(table) and md[2].startswith("| captures | 5 |")


def _folder(tmp_path, manifest: str, lines: str = "article,line,label\n", quotes: str = "article,line,quote,speaker,speaker_type\n"):
    (tmp_path / "captures").mkdir()
    (tmp_path / "captures" / "a.txt").write_text("A headline\n", encoding="utf-8")
    (tmp_path / "captures.csv").write_text(manifest, encoding="utf-8")
    (tmp_path / "lines.csv").write_text(lines, encoding="utf-8")
    (tmp_path / "quotes.csv").write_text(quotes, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("manifest, lines, message", [
    ("id,file,headline\n", "article,line,label\n", r"captures.csv: missing column\(s\) split"),
    ("id,file,headline,split\na,b.txt,H,dev\n", "article,line,label\n", r"captures.csv row 2: capture .* not found"),
    ("id,file,headline,split\na,a.txt,H,\n", "article,line,label\n", r"captures.csv row 2: empty 'split'"),
    ("id,file,headline,split\na,a.txt,H,dev\n", "article,line,label\nz,1,body\n", r"lines.csv row 2: unknown article"),
])
def test_bad_validation_folder_names_file_and_row(tmp_path, manifest, lines, message):
    with pytest.raises(CorpusError, match=message):
        load_validation(_folder(tmp_path, manifest, lines))


def test_command_line_fails_with_one_line(tmp_path, capsys):
    assert main(["--folder", str(tmp_path), "--data", str(ROOT / "data")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "captures.csv: not found" in err[0]


def test_find_validation_walks_up_and_the_seeds_column_needs_hand_codings(tmp_path):
    from newslens.validation import find_validation, measure_validation

    root = Path(__file__).resolve().parents[1]
    assert find_validation(root / "chapters") == root / "tests" / "validation"
    assert find_validation(tmp_path) is None
    story = root / "tests" / "fixtures" / "html" / "northwind"  # a story with no reference/ folder
    table = measure_validation(root / "tests" / "validation", data_dir=story)
    assert list(table.columns) == ["dev", "test"]


def test_the_seeds_column_is_measured_on_the_articles_the_hand_labels_cover(tmp_path):
    import shutil

    root = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    for name in ("lines.csv", "quotes.csv"):
        table = pd.read_csv(data / "reference" / name, dtype=str, keep_default_na=False)
        table[table["article"].isin(["npr", "ap"])].to_csv(data / "reference" / name, index=False)
    seeds = measure_validation(root / "tests" / "validation", data_dir=data)["seeds"]
    assert seeds["captures"] == 2 and seeds["body-line F1"] == 1.0
