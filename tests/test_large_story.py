"""The larger synthetic corpus (tests/fixtures/make_large_story.py): reproducible, loadable, exportable.

Forty captures from fifteen invented outlets of the synthetic Wren River story: several captures per outlet
and per day, one aggregator capture that block-quotes another capture, no hand codings.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from newslens.codebooks import check_codebooks
from newslens.corpus import load_codebook, load_corpus
from newslens.export import TABLES
from tests.fixtures.make_large_story import make_large_story


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return make_large_story(tmp_path_factory.mktemp("large") / "story")


def test_the_corpus_loads_with_its_shape(large):
    corpus = load_corpus(large)  # checks every sha256 of the manifest
    arts = corpus.articles
    assert len(arts) == 40 and arts["outlet"].nunique() == 15
    per_outlet = arts["outlet"].value_counts()
    assert per_outlet.min() >= 1 and (per_outlet > 1).sum() >= 5  # several captures per outlet
    assert (arts["date"].value_counts() > 1).any()  # several captures on one date
    lengths = corpus.lines.groupby("article").size()
    assert lengths.max() - lengths.min() >= 10  # varied lengths
    assert set(corpus.lines["label"]) >= {"headline", "byline", "caption", "boilerplate", "body"}
    assert not (large / "reference").exists()  # no hand codings at all is a valid case
    assert check_codebooks(data_dir=large)


def test_one_aggregator_capture_quotes_another(large):
    corpus = load_corpus(large)
    quoted = corpus.lines[corpus.lines["voice"] == "quoted"]
    assert quoted["article"].nunique() == 1
    aggregator, outlet = quoted["article"].iloc[0], quoted["quoted_outlet"].iloc[0]
    assert outlet in set(corpus.articles["outlet"]) and outlet != corpus.articles.loc[aggregator, "outlet"]
    from newslens.reuse import find_reuse

    found = find_reuse(corpus.lines, corpus.articles)
    copied = found[found["article"] == aggregator]
    sources = set(corpus.articles.loc[list(copied["source_article"]), "outlet"])
    assert outlet in sources and (copied["similarity"] == 1.0).any()


def test_export_runs_on_the_large_corpus(large, tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "newslens", "export", "--data", str(large), "--out", str(out)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert sorted(p.stem for p in out.glob("*.csv")) == sorted(TABLES)
    quotes = pd.read_csv(out / "quotes.csv")
    # every quote goes to a speaker of the story's own types, none to a fallback type the story does not define
    assert set(quotes["speaker_type"]) <= set(load_codebook("speakers", large)["speaker_types"])


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path):
    a = make_large_story(tmp_path / "a", seed=3)
    b = make_large_story(tmp_path / "b", seed=3)
    c = make_large_story(tmp_path / "c", seed=4)
    assert _files(a) == _files(b)
    assert _files(a)["articles.csv"] != _files(c)["articles.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "c"]  # nothing written outside dest


def test_other_sizes_and_bad_arguments(tmp_path):
    small = make_large_story(tmp_path / "small", n_captures=5, n_outlets=2, seed=1)
    assert len(load_corpus(small).articles) == 5
    with pytest.raises(FileExistsError):
        make_large_story(small)
    with pytest.raises(ValueError):
        make_large_story(tmp_path / "x", n_captures=3, n_outlets=4)


def test_the_command_line_writes_the_folder(tmp_path):
    script = Path(__file__).parent / "fixtures" / "make_large_story.py"
    res = subprocess.run([sys.executable, str(script), str(tmp_path / "cli"), "--captures", "6", "--outlets", "3"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert len(load_corpus(tmp_path / "cli").articles) == 6
