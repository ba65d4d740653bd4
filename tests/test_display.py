import numpy as np
import pandas as pd
import pytest

from newslens.display import DECIMALS, TABLE_DECIMALS, round_table, rounded


@pytest.mark.parametrize("kind,value,expected", [("percent", 98.94736842105263, 98.9), ("rate", 3.14159, 3.1),
                                                 ("score", 0.17543738036119136, 0.18), ("agreement", 0.97494, 0.975),
                                                 ("whole", 20.45, 20.0)])
def test_rounded_by_kind(kind, value, expected):
    assert rounded(value, kind=kind) == expected


def test_two_bits_apart_round_to_the_same_value():
    # the two values strict nbval saw on two BLAS kernels
    assert rounded(0.17543738036119136, kind="score") == rounded(0.17543738036119133, kind="score")


def test_decimals_override_kind_and_numpy_scalars_become_python():
    out = rounded(np.float64(12.3456), kind="percent", decimals=2)
    assert out == 12.35 and type(out) is float
    assert type(rounded(np.int64(7))) is int and rounded(True) is True


def test_strings_lists_and_negative_zero():
    assert rounded("NPR") == "NPR"
    assert rounded([0.123, 0.456], kind="score") == [0.12, 0.46]
    assert str(rounded(-0.001, kind="score")) == "0.0"


def test_a_float_without_kind_is_refused():
    with pytest.raises(TypeError, match="kind="):
        rounded(0.5)
    with pytest.raises(ValueError, match="unknown kind 'pct'"):
        rounded(0.5, kind="pct")


def test_round_table_rounds_float_columns_only():
    table = pd.DataFrame({"term": ["a"], "count": [3], "tfidf": [0.0866441234567]})
    out = round_table(table)
    assert out.loc[0, "tfidf"] == round(0.0866441234567, TABLE_DECIMALS)
    assert out["count"].dtype == table["count"].dtype and out.loc[0, "term"] == "a"
    assert set(DECIMALS) >= {"percent", "score"}


def test_plural_and_zero():
    from newslens.display import plural

    assert plural(1, "article") == "1 article"
    assert plural(5, "article") == "5 articles"
    assert plural(2, "speaker type", "speaker types") == "2 speaker types"
    assert plural(0, "fact", zero="no fact") == "no fact"
    assert plural(0, "fact") == "0 facts"
    assert plural(1200, "word") == "1,200 words"


def test_join_names():
    from newslens.display import join_names

    assert join_names([]) == "none"
    assert join_names(["NPR"]) == "NPR"
    assert join_names(["A", "B"]) == "A and B"
    assert join_names(["A", "B", "C"], conjunction="or") == "A, B or C"
    assert join_names(["NPR, 13 Aug 2021", "A", "B"]) == "NPR, 13 Aug 2021; A and B"
    assert join_names(["A", "B", "C", "D"], most=2) == "A, B and 2 others"
    assert join_names(["A", "B", "C"], most=3, others="more") == "A, B and C"
    assert join_names(["A", "B"], most=1) == "A and B"


def test_commentary_is_optional(tmp_path):
    from newslens.display import commentary

    assert commentary(tmp_path, "01_corpus/manifest") is None
    (tmp_path / "commentary" / "01_corpus").mkdir(parents=True)
    (tmp_path / "commentary" / "01_corpus" / "manifest.md").write_text("Two copies were *republished*.\n", encoding="utf-8")
    shown = commentary(tmp_path, "01_corpus/manifest")
    assert shown.data == "Two copies were *republished*.\n"


def test_share_phrase():
    from newslens.display import share_phrase

    assert share_phrase(5, 5, "article") == "all 5 articles"
    assert share_phrase(2, 2, "article") == "both articles"
    assert share_phrase(3, 5, "article") == "3 of 5 articles"
    assert share_phrase(0, 5, "article") == "none of the 5 articles"
    assert share_phrase(0, 2, "article") == "neither article"
    assert share_phrase(1, 1, "article") == "the only article"


def test_commentary_written_for_other_articles_says_so(tmp_path):
    from newslens.display import commentary

    (tmp_path / "commentary" / "ch").mkdir(parents=True)
    (tmp_path / "commentary" / "ch" / "a.md").write_text("Both outlets agree.\n", encoding="utf-8")
    (tmp_path / "articles.csv").write_text("id,file\nx,x.txt\ny,y.txt\n", encoding="utf-8")
    (tmp_path / "commentary" / "articles.txt").write_text("x\ny\n", encoding="utf-8")
    assert commentary(tmp_path, "ch/a").data == "Both outlets agree.\n"
    (tmp_path / "articles.csv").write_text("id,file\nx,x.txt\ny,y.txt\nz,z.txt\n", encoding="utf-8")
    shown = commentary(tmp_path, "ch/a").data
    assert shown.startswith("```{note}") and "1 article added" in shown and shown.endswith("Both outlets agree.\n")


def test_reader_table_shows_first_rows_and_hides_the_rest_with_words_for_headers():
    import pandas as pd

    from newslens.display import reader_table

    table = pd.DataFrame({"n_sentences": range(1, 16), "share": [0.5] * 15, "z": [0.0000801] * 15,
                          "where": ['<a href="x.html#L1">line 1</a>'] * 15, "text": ["a < b & c"] * 15})
    table.index.name = None
    out = reader_table(table, first=5, csv="facts.csv", headers={"n_sentences": "sentences"}, kinds={"share": "percent"},
                       html=["where"], caption="Facts", what="fact").data
    head, _, rest = out.partition("<details>")
    assert head.count("<tr>") == 1 + 5 and rest.count("<tr>") == 1 + 10
    assert "<summary>Show the other 10 facts (15 in all)</summary>" in out
    assert '>sentences</th>' in out and "n_sentences" not in out and "<th></th>" not in out
    assert '"white-space: nowrap">0.5%</td>' in out and "e-05" not in out and ">0.0000801</td>" in out
    assert '<a href="x.html#L1">line 1</a>' in out and "a &lt; b &amp; c" in out
    assert out.rstrip().endswith("{download}`facts.csv <tables/facts.csv>`.")
    assert "\n\n" not in out.split("\n\nThe whole")[0]  # one HTML block: MyST ends a block at a blank line


def test_reader_table_shows_a_short_table_whole_and_names_an_empty_one():
    import pandas as pd

    from newslens.display import reader_table

    short = pd.DataFrame({"count": [3, 1200]}, index=pd.Index(["a", "b"], name="article"))
    out = reader_table(short, first=1).data
    assert "<details>" not in out and ">article</th>" in out and ">1,200</td>" in out
    long = reader_table(pd.DataFrame({"n": [1], "sentence": ["A sentence long enough to need room on the page, not one word a line."]})).data
    assert '<th scope="col" style="min-width: 24em">sentence</th>' in long and '<th scope="col" style="white-space: nowrap">n</th>' in long
    empty = reader_table(short.iloc[:0], what="passage").data
    assert "none" in empty and "<details>" not in empty


def test_figure_html_is_self_contained_described_and_the_same_twice():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from newslens.display import figure_html

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    one = figure_html(fig, alt='A line "up"', caption="Fig & caption").data
    two = figure_html(fig, alt='A line "up"', caption="Fig & caption").data
    plt.close(fig)
    assert one == two
    assert one.startswith('<figure class="newslens-figure"><img src="data:image/png;base64,')
    assert 'alt="A line &quot;up&quot;"' in one and "<figcaption>Fig &amp; caption</figcaption>" in one


def test_reader_table_with_first_zero_puts_the_whole_table_behind_its_caption():
    import pandas as pd

    from newslens.display import reader_table

    out = reader_table(pd.DataFrame({"n": range(4)}), first=0, caption="Names to add", what="name").data
    assert out.startswith("<details>\n<summary>Names to add: show the table (4 names)</summary>\n<table")
    assert out.count("<tr>") == 5 and out.rstrip().endswith("</details>")
