"""newslens.reference: optional hand codings, read strictly; every error names the file, the row and the fix."""
from __future__ import annotations

import pandas as pd
import pytest

from newslens.corpus import CorpusError
from newslens.errors import TableError
from newslens.reference import covered, load_reference, reference_path

ARTICLES = pd.DataFrame({"outlet": ["A", "B"]}, index=pd.Index(["a1", "b1"], name="article"))
LINES = pd.DataFrame({"article": ["a1", "a1", "b1"], "line": [1, 2, 1]})
CODEBOOKS = {"facts": {"facts": [{"id": "left_job"}, {"id": "fired"}]}}


def _write(folder, kind, text):
    path = reference_path(folder, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _load(folder, kind):
    return load_reference(kind, folder, articles=ARTICLES, lines=LINES, codebooks=CODEBOOKS)


def test_a_story_without_the_file_has_no_coding(tmp_path):
    assert _load(tmp_path, "lines") is None


def test_a_good_coding_is_read_with_integers_and_optional_columns(tmp_path):
    _write(tmp_path, "lines", "article,line,label\na1,1,headline\na1,2,body\n")
    table = _load(tmp_path, "lines")
    assert table["line"].tolist() == [1, 2] and table["voice"].tolist() == ["", ""]
    _write(tmp_path, "facts", "article,fact,present\nb1,fired,1\nb1,left_job,0\n")
    assert _load(tmp_path, "facts")["present"].tolist() == [1, 0]


@pytest.mark.parametrize("kind, text, message", [
    ("lines", "article,line\na1,1\n", "missing column(s) label"),
    ("lines", "article,line,label\nzz,1,body\n", "row 2: article 'zz' is not an id in articles.csv"),
    ("lines", "article,line,label\na1,one,body\n", "row 2: line 'one' is not a line number"),
    ("lines", "article,line,label\na1,1,body\na1,3,body\n", "row 3: line 3 is past the end of 'a1' (2 lines)"),
    ("lines", "article,line,label\na1,1,body\na1,2,prose\n", "row 3: label 'prose' is not a line label"),
    ("lines", "article,line,label\na1,1,body\na1,1,body\na1,2,body\n", "row 3: article 'a1', line '1' is coded twice"),
    ("lines", "article,line,label\na1,2,body\n", "article 'a1' is coded but line 1 is not"),
    ("facts", "article,fact,present\na1,fired,yes\n", "row 2: present 'yes' is not 0 or 1"),
    ("facts", "article,fact,present\na1,hired,1\n", "row 2: fact 'hired' is not a fact id of facts.yml"),
    ("quotes", "article,line,quote,speaker,speaker_type,kind\na1,1,x,Ann,victim,whole\n", "row 2: kind 'whole' is not full or partial"),
    ("lines", "", "the file is empty"),
])
def test_bad_codings_name_the_file_the_row_and_the_fix(tmp_path, kind, text, message):
    path = _write(tmp_path, kind, text)
    with pytest.raises(CorpusError) as err:
        _load(tmp_path, kind)
    assert str(err.value).startswith(str(path)) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_an_unknown_kind_is_the_callers_error(tmp_path):
    with pytest.raises(TableError, match="no reference 'votes'"):
        _load(tmp_path, "votes")


def test_covered_keeps_the_rows_of_the_coded_articles():
    found = pd.DataFrame({"article": ["a1", "b1", "a1"], "x": [1, 2, 3]})
    ref = pd.DataFrame({"article": ["a1"]})
    assert covered(found, ref)["x"].tolist() == [1, 3]
