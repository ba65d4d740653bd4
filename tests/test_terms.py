"""Contracts of newslens.terms on tiny hand-made inputs; the arithmetic is written out in comments."""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from newslens import terms as T
from newslens.terms import TermsError

from .conftest import MARKERS

# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def three():
    """Counts of two terms in three outlets: A x=2 y=1, B x=1 y=2, C x=0 y=1."""
    return pd.DataFrame({"x": [2, 1, 0], "y": [1, 2, 1]}, index=pd.Index(["A", "B", "C"], name="outlet"))


def _lines(rows):
    return pd.DataFrame(rows, columns=["article", "line", "text", "label", "voice", "quoted_outlet"])


@pytest.fixture
def mini_lines():
    articles = pd.DataFrame({"outlet": ["Alpha News", "Beta Times", "Alpha News"]}, index=pd.Index(["a1", "b1", "a2"], name="article"))
    lines = _lines(
        [
            ("a1", 1, "A headline", "headline", "", ""),
            ("a1", 2, "The manager denied the sexual assault of a colleague.", "body", "own", ""),
            ("b1", 1, "Beta reports on the tech giant.", "body", "own", ""),
            ("b1", 2, "The sexual assault case drew anger, Alpha News wrote. [Source]", "body", "quoted", "Alpha News"),
            ("a2", 1, "A second Alpha story about the assault.", "body", "own", ""),
        ]
    )
    return lines, articles


# --------------------------------------------------------------------------- tokens and stop words


def test_tokenize_keeps_hashtags_numbers_hyphens_and_drops_possessive_s():
    toks = T.tokenize("China’s #MeToo wave: 6,000 staff at Alibaba's e-commerce arm signed a high-profile letter.")
    assert "#metoo" in toks
    assert "6,000" in toks
    assert "e-commerce" in toks and "high-profile" in toks
    assert "china" in toks and "alibaba" in toks  # possessive 's dropped, curly or straight
    assert all(t == t.lower() for t in toks)


def test_tokenize_lemmatises_only_when_asked():
    assert T.tokenize("women fired managers") == ["women", "fired", "managers"]
    assert T.tokenize("women fired managers", lemmatize=True) == ["woman", "fire", "manager"]


def test_tokenize_rejects_non_text():
    with pytest.raises(TermsError, match="expected a string, got int"):
        T.tokenize(5)


def test_stop_words_add_domain_list_and_restore_kept_words():
    book = {"stop_words": ["Alibaba"], "keep": ["fire"]}
    words = T.stop_words(book)
    assert "alibaba" in words and "the" in words
    assert "fire" not in words  # in scikit-learn's list, taken out by `keep`
    assert "alibaba" not in T.stop_words(book, domain=False)
    assert words == sorted(words)
    assert len(words) == len(ENGLISH_STOP_WORDS) - 1 + 1


def test_project_stop_words_load_from_codebook():
    words = T.stop_words(data_dir=Path(__file__).resolve().parents[1] / "data")  # data/codebook/terms.yml
    assert "alibaba" in words and "fire" not in words


@pytest.mark.parametrize(
    "book, message",
    [
        (["alibaba"], "expected a mapping with 'stop_words' and 'keep', got list"),
        ({"stop_words": "alibaba"}, "'stop_words' must be a list of non-empty words, got 'alibaba'"),
        ({"keep": ["fire", ""]}, "'keep' must be a list of non-empty words"),
    ],
)
def test_stop_words_bad_codebook(book, message):
    with pytest.raises(TermsError, match=message):
        T.stop_words(book)


# --------------------------------------------------------------------------- documents


def test_outlet_documents_views(mini_lines):
    lines, articles = mini_lines
    own = T.outlet_documents(lines, articles, "own")
    assert list(own.index) == ["Alpha News", "Beta Times"]  # manifest order, one document per outlet
    assert own["Alpha News"] == "The manager denied the sexual assault of a colleague.\nA second Alpha story about the assault."
    assert own["Beta Times"] == "Beta reports on the tech giant."  # the quoted passage is not Beta's own words
    everything = T.outlet_documents(lines, articles, "all", markers=MARKERS)
    assert everything["Beta Times"].endswith("Alpha News wrote.")  # quoted text kept, "[Source]" removed
    assert T.outlet_documents(lines, articles, "all")["Beta Times"].endswith("wrote. [Source]")  # no markers given
    assert "headline" not in " ".join(everything).lower()


def test_outlet_documents_bad_input(mini_lines):
    lines, articles = mini_lines
    with pytest.raises(TermsError, match="view must be one of own, all, got 'mine'"):
        T.outlet_documents(lines, articles, "mine")
    with pytest.raises(TermsError, match=r"lacks column\(s\) voice"):
        T.outlet_documents(lines.drop(columns="voice"), articles)
    with pytest.raises(TermsError, match=r"article\(s\) b1 not in the articles table"):
        T.outlet_documents(lines, articles.drop(index="b1"))
    quiet = lines[~((lines["article"] == "b1") & (lines["voice"] == "own"))]
    with pytest.raises(TermsError, match=r"no body text in view 'own' for outlet\(s\): Beta Times"):
        T.outlet_documents(quiet, articles, "own")


# --------------------------------------------------------------------------- counts and TF-IDF


TOY = pd.Series(
    {
        "one": "Police detained the manager after the dinner; the manager denied it.",
        "two": "The company fired the manager and apologised to staff.",
        "three": "Staff protested in the canteen; police and company said little.",
    }
)


@pytest.mark.parametrize("sublinear", [True, False])
def test_tfidf_equals_scikit_learn(sublinear):
    # Plain words only, so our tokenizer and scikit-learn's default token_pattern agree; unigrams, since our
    # bigrams differ on purpose (no bigram across a stop word).
    ours = T.tfidf_matrix(T.count_matrix(TOY, ngram_range=(1, 1), stop=ENGLISH_STOP_WORDS), sublinear_tf=sublinear)
    vec = TfidfVectorizer(ngram_range=(1, 1), sublinear_tf=sublinear, stop_words="english")
    theirs = vec.fit_transform(TOY.tolist()).toarray()
    assert list(ours.columns) == list(vec.get_feature_names_out())
    assert list(ours.index) == ["one", "two", "three"]
    np.testing.assert_allclose(ours.to_numpy(), theirs, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(ours.to_numpy(), axis=1), 1.0)


def test_tfidf_by_hand_for_one_cell():
    # "manager" appears twice in "one", in 2 of 3 documents:
    # idf = ln((1 + 3) / (1 + 2)) + 1 = 1.287682; sublinear tf = 1 + ln 2 = 1.693147;
    # raw weight 2.180235, then divided by the l2 norm of the row.
    counts = T.count_matrix(TOY, ngram_range=(1, 1), stop=ENGLISH_STOP_WORDS)
    raw = T.tfidf_matrix(counts, norm=None)
    assert raw.loc["one", "manager"] == pytest.approx((1 + math.log(2)) * (math.log(4 / 3) + 1))
    assert raw.loc["one", "manager"] == pytest.approx(2.180235, abs=1e-6)


def test_count_matrix_keeps_special_tokens_and_forms_bigrams_of_neighbours_only():
    docs = pd.Series({"a": "The #MeToo letter had 6,000 signatures from e-commerce staff.",
                      "b": "Staff of the firm. Police said, victims who win\nappeals rarely speak — managers agree"})
    counts = T.count_matrix(docs, stop=ENGLISH_STOP_WORDS)
    for term in ["#metoo", "6,000", "e-commerce", "#metoo letter", "e-commerce staff", "6,000 signatures", "police said"]:
        assert term in counts.columns, term
    # no bigram across a stop word ("of the", "who"), a full stop, a comma, a line end or a dash
    for term in ["staff firm", "firm police", "said victims", "victims win", "win appeals", "speak managers"]:
        assert term not in counts.columns, term
    assert counts.index.name == "outlet" and counts.columns.name == "term"


def test_analyzer_repr_is_stable_and_counts_unigrams_like_scikit_learn():
    analyzer = T.Analyzer(T.Tokenizer(), ["the"], (1, 2))
    assert repr(analyzer) == "Analyzer(Tokenizer(lemmatize=False), 1 stop words, ngram_range=(1, 2))"
    assert analyzer("The manager, the firm") == ["manager", "firm"]


# Pieces the fast counting must treat exactly as the Analyzer does: stop words, possessives (curly and straight),
# hashtags, numbers, abbreviations, dashes, ellipses, quotes at line starts, letters whose lower case is longer
# (İ) or depends on the neighbours (Σ), other spaces, line ends; and lemmas.
_PIECES = ["the", "of", "who", "Managers", "managers'", "Northwind's", "Northwind’s", "#MeToo", "6,000", "U.S.", "a.m.",
           "e-commerce", "being", "fired", "women", "İstanbul", "ΣΟΦΙΑΣ", "Σ", "said,", "said.", "—", "–", "…", "-", "--",
           '"', "“Quote", "”", "'", "’", "(", ")", ";", ":", "!", "?", "[x]", "_", "x_y", "#", "##a", "é", " ", "  ", "\t",
           "\n", "\n", "\u00a0", "s", "'s", "X's'"]


def _random_docs(rng, n_docs=4):
    return [" ".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40))).replace(" \n ", "\n")
            if rng.random() < 0.5 else "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40))) for _ in range(n_docs)]


@pytest.mark.parametrize("lemmatize", [False, True])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 2), (1, 3), (2, 1)])
def test_fast_counts_equal_count_vectorizer_with_the_analyzer(lemmatize, ngram_range):
    import random

    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    rng = random.Random(f"{lemmatize}{ngram_range}")
    tokenizer = T.Tokenizer(lemmatize)
    stop = T._closed_stop_words(["the", "of", "who", "being", "s"], tokenizer)
    compared = 0
    for _ in range(150):
        docs = _random_docs(rng)
        x, terms = T._count_ngrams(docs, lemmatize=lemmatize, stop=stop, ngram_range=ngram_range)
        vec = CountVectorizer(analyzer=T.Analyzer(tokenizer, stop, ngram_range))
        try:
            want = sparse.csr_matrix(vec.fit_transform(docs))
        except ValueError:  # empty vocabulary
            assert len(terms) == 0 and x.shape == (len(docs), 0)
            continue
        assert list(terms) == list(vec.get_feature_names_out())
        assert x.dtype == np.int64 and x.has_sorted_indices and (x != want).nnz == 0
        compared += 1
    assert compared > 100 or ngram_range == (2, 1)


def test_phrase_breaks_of_joined_lines_are_those_of_each_line():
    import random

    rng = random.Random(5)
    for _ in range(3000):
        lines = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 30))).split("\n")
        assert T._PHRASE_BREAK_LINES.sub("\n", "\n".join(lines)).split("\n") == [c for line in lines for c in T._PHRASE_BREAK.split(line)]


def test_token_or_end_finds_the_tokens_of_word():
    import random

    from newslens.words import WORD

    rng = random.Random(6)
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES + ["a-", "-b", "1.", ".2", ",", "a,b", "a.-b"]) for _ in range(rng.randint(0, 30)))
        assert [t for t in T._TOKEN_OR_END.findall(text) if t != "\n"] == WORD.findall(text)
        assert "".join(T._TOKEN_OR_END.findall(text)).count("\n") == text.count("\n")


def test_count_matrix_of_tricky_text_and_ngram_range_checks():
    docs = pd.Series({"a": "İstanbul’s ΣΟΦΙΑΣ said: “Managers’ e-commerce.”\n#MeToo 6,000 U.S. staff", "b": "Staff — managers… staff"})
    counts = T.count_matrix(docs, stop=["the"])
    assert counts.loc["a", "#metoo 6,000"] == 1 and counts.loc["b", "staff"] == 2
    assert "e-commerce #metoo" not in counts.columns  # a line end between them
    with pytest.raises(TermsError, match="no terms left to count"):
        T.count_matrix(TOY, ngram_range=(2, 1))
    with pytest.raises(TermsError, match="ngram_range must be two whole numbers >= 1"):
        T.count_matrix(TOY, ngram_range=(0, 1))
    with pytest.raises(TermsError, match=r"no terms left to count \(max_df corresponds to < documents than min_df\)"):
        T.count_matrix(TOY, min_df=4)
    with pytest.raises(TermsError, match=r"no terms left to count \(After pruning, no terms remain"):
        T.count_matrix(pd.Series({"a": "one two", "b": "three four"}), min_df=2)
    assert list(T.count_matrix(TOY, min_df=2, stop=ENGLISH_STOP_WORDS).columns) == ["company", "manager", "police", "staff"]


def test_count_matrix_lemmas_with_stop_words_do_not_warn():
    docs = pd.Series({"a": "Being fired, the managers were found.", "b": "Women are being heard."})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts = T.count_matrix(docs, lemmatize=True, stop=T.stop_words({"stop_words": [], "keep": ["fire"]}))
    assert {"fire", "manager", "woman"} <= set(counts.columns)
    assert "be" not in counts.columns


def test_count_matrix_bad_input():
    with pytest.raises(TermsError, match="at least two documents"):
        T.count_matrix(pd.Series({"a": "only one"}))
    with pytest.raises(TermsError, match="every document must be a string"):
        T.count_matrix(pd.Series({"a": "text", "b": 3}))
    with pytest.raises(TermsError, match="min_df must be a whole number of documents >= 1, got 0"):
        T.count_matrix(TOY, min_df=0)
    with pytest.raises(TermsError, match="no terms left to count"):
        T.count_matrix(pd.Series({"a": "the and", "b": "of the"}), stop=ENGLISH_STOP_WORDS)


def test_top_terms_orders_by_score_then_term_and_drops_zero():
    scores = pd.DataFrame({"b": [0.5, 0.0], "a": [0.5, 0.2], "c": [0.9, 0.0]}, index=["X", "Y"])
    top = T.top_terms(scores, n=2)
    assert top.to_dict("records") == [
        {"outlet": "X", "rank": 1, "term": "c", "score": 0.9},
        {"outlet": "X", "rank": 2, "term": "a", "score": 0.5},  # tie with "b": alphabetical
        {"outlet": "Y", "rank": 1, "term": "a", "score": 0.2},
    ]
    with pytest.raises(TermsError, match="n must be a positive whole number, got 0"):
        T.top_terms(scores, n=0)


def test_cosine_and_linkage():
    tf = pd.DataFrame([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], index=["A", "B", "C"])
    cos = T.cosine_table(tf)
    assert cos.loc["A", "B"] == pytest.approx(0.0)
    assert cos.loc["A", "C"] == pytest.approx(1 / math.sqrt(2))
    assert cos.loc["C", "C"] == pytest.approx(1.0)
    pairs = T.cosine_pairs({"before": cos, "after": T.cosine_table(tf.assign(extra=[0.0, 1.0, 0.0]))})
    assert pairs.loc[0, "pair"] == "A / B"  # B gains a term of its own: only B / C changes (drops), ties sorted by pair
    assert list(pairs.columns) == ["pair", "before", "after", "change"]
    assert pairs["change"].is_monotonic_decreasing
    link = T.outlet_linkage(tf)
    assert link.shape == (2, 4)
    # A and B are orthogonal (distance 1), each at 1 - 0.7071 from C: C joins first with one of them.
    assert link[0, 2] == pytest.approx(1 - 1 / math.sqrt(2))
    merges = T.merge_order(link, tf.index)
    assert merges["step"].tolist() == [1, 2]
    assert merges.loc[0, "with"] == "C"  # "A" or "B" joins "C" first, the other joins that pair
    assert {merges.loc[1, "joins"], merges.loc[1, "with"]} in ({"B", "A + C"}, {"A", "B + C"})
    with pytest.raises(TermsError, match="linkage matrix of 2 rows for 3 labels"):
        T.merge_order(link[:1], tf.index)


def test_union_matrix_blocks_and_outlets_using(three):
    top = T.top_terms(three.astype(float), n=1)  # A: x, B: y, C: y
    union = T.union_matrix(three, top)
    assert list(union.index) == ["x", "y"] and list(union.columns) == ["A", "B", "C"]
    assert T.outlets_using(three).to_dict() == {"x": 2, "y": 3}


# --------------------------------------------------------------------------- log-odds and keyness by hand


def test_log_odds_dirichlet_by_hand(three):
    # Prior = pooled counts: a_x = 2 + 1 + 0 = 3, a_y = 1 + 2 + 1 = 4, a0 = 7.
    # A against the rest (B + C): y_A = (x 2, y 1), n_A = 3; y_rest = (x 1, y 3), n_rest = 4.
    #   x: delta = ln((2+3)/(3+7-2-3)) - ln((1+3)/(4+7-1-3)) = ln(5/5) - ln(4/7) = 0.559616
    #      var = 1/(2+3) + 1/(1+3) = 0.45, z = 0.559616 / 0.670820 = 0.834226
    #   y: delta = ln((1+4)/(3+7-1-4)) - ln((3+4)/(4+7-3-4)) = ln(1) - ln(7/4) = -0.559616
    #      var = 1/5 + 1/7 = 0.342857, z = -0.559616 / 0.585540 = -0.955726
    # C against the rest (A + B): y_C = (x 0, y 1), n_C = 1; y_rest = (x 3, y 3), n_rest = 6.
    #   x: delta = ln((0+3)/(1+7-0-3)) - ln((3+3)/(6+7-3-3)) = ln(3/5) - ln(6/7) = -0.510826 + 0.154151 = -0.356675
    #      var = 1/3 + 1/6 = 0.5, z = -0.356675 / 0.707107 = -0.504414
    lo = T.log_odds_dirichlet(three).set_index(["outlet", "term"])
    assert lo.loc[("A", "x"), "delta"] == pytest.approx(0.559616, abs=1e-6)
    assert lo.loc[("A", "x"), "variance"] == pytest.approx(0.45)
    assert lo.loc[("A", "x"), "z"] == pytest.approx(0.834226, abs=1e-6)
    assert lo.loc[("A", "y"), "z"] == pytest.approx(-0.955726, abs=1e-6)
    assert lo.loc[("C", "x"), "delta"] == pytest.approx(-0.356675, abs=1e-6)
    assert lo.loc[("C", "x"), "z"] == pytest.approx(-0.504414, abs=1e-6)
    assert lo.loc[("C", "x"), ["count", "count_rest"]].tolist() == [0, 3]
    assert list(lo.reset_index().columns) == ["outlet", "term", "count", "count_rest", "delta", "variance", "z"]


def test_log_odds_prior_strength(three):
    # alpha0 = 70 rescales the pooled prior tenfold: a_x = 30, a_y = 40.
    # A, x: delta = ln(32/(3+70-2-30)) - ln(31/(4+70-1-30)) = ln(32/41) - ln(31/43) = -0.247836 + 0.327213 = 0.079377
    lo = T.log_odds_dirichlet(three, alpha0=70).set_index(["outlet", "term"])
    assert lo.loc[("A", "x"), "delta"] == pytest.approx(math.log(32 / 41) - math.log(31 / 43))
    assert lo.loc[("A", "x"), "delta"] == pytest.approx(0.079377, abs=1e-6)


def test_log_odds_bad_prior(three):
    with pytest.raises(TermsError, match="one pseudo-count per term"):
        T.log_odds_dirichlet(three, prior=pd.Series({"x": 1.0}))
    with pytest.raises(TermsError, match="every pseudo-count must be positive"):
        T.log_odds_dirichlet(three, prior=pd.Series({"x": 1.0, "y": 0.0}))
    with pytest.raises(TermsError, match="alpha0 must be positive, got -1"):
        T.log_odds_dirichlet(three, alpha0=-1)
    with pytest.raises(TermsError, match="non-negative numbers"):
        T.log_odds_dirichlet(three - 5)


def test_keyness_by_hand(three):
    # A, x: 2 x 2 table [x, other terms] x [A, rest] = [[2, 1], [1, 3]], N = 7.
    # Expected = row total * column total / N: [[3*3/7, 3*4/7], [4*3/7, 4*4/7]] = [[1.285714, 1.714286], [1.714286, 2.285714]]
    # G2 = 2 * (2 ln(2/1.285714) + 1 ln(1/1.714286) + 1 ln(1/1.714286) + 3 ln(3/2.285714))
    #    = 2 * (0.883665 - 0.538997 - 0.538997 + 0.815803) = 2 * 0.621475 = 1.242950; positive since 2/3 > 1/4.
    # log ratio = log2((2/3) / (1/4)) = log2(8/3) = 1.415037.
    # C, x: table [[0, 3], [1, 3]]; C uses x relatively less (0/1 < 3/6), so G2 is negative:
    # 2 * (0 + 3 ln(3/2.571429) + 1 ln(1/0.571429) + 3 ln(3/3.428571)) = 2 * (0.462452 + 0.559616 - 0.400594) = 1.242948
    # log ratio with the zero count replaced by 0.5: log2((0.5/1) / (3/6)) = 0.
    key = T.keyness(three).set_index(["outlet", "term"])
    assert key.loc[("A", "x"), "g2"] == pytest.approx(1.242950, abs=1e-5)
    assert key.loc[("A", "x"), "log_ratio"] == pytest.approx(1.415037, abs=1e-6)
    assert key.loc[("C", "x"), "g2"] == pytest.approx(-1.242948, abs=1e-5)
    assert key.loc[("C", "x"), "log_ratio"] == pytest.approx(0.0)
    # And the same G2 as scipy's log-likelihood chi-square on the full table, for every cell.
    for (outlet, term), row in key.iterrows():
        a, b = three.loc[outlet, term], three[term].sum() - three.loc[outlet, term]
        c, d = three.loc[outlet].sum() - a, three.to_numpy().sum() - three.loc[outlet].sum() - b
        g2 = chi2_contingency([[a, b], [c, d]], correction=False, lambda_="log-likelihood").statistic
        assert abs(row["g2"]) == pytest.approx(g2, abs=1e-9), (outlet, term)


def test_term_table_columns_and_ranks():
    table = T.term_table(TOY, view="all", stop=ENGLISH_STOP_WORDS)
    assert list(table.columns) == ["outlet", "view", "term", "count", "tfidf", "rank_tfidf", "log_odds_z", "g2", "log_ratio"]
    assert (table["count"] > 0).all() and (table["view"] == "all").all()
    one = table[table["outlet"] == "one"]
    assert one["rank_tfidf"].tolist() == list(range(1, len(one) + 1))
    assert one.iloc[0]["term"] == "manager"  # the only term "one" uses twice
    with pytest.raises(TermsError, match="view must be one of own, all"):
        T.term_table(TOY, view="both")


# --------------------------------------------------------------------------- counts of partitions, summed


def _parts(lines, articles, cuts):
    """The manifest cut at positions *cuts* into runs of articles, with their lines: partitions."""
    bounds = [0, *cuts, len(articles)]
    for a, b in zip(bounds, bounds[1:]):
        rows = articles.iloc[a:b]
        yield lines[lines["article"].isin(rows.index)], rows


@pytest.mark.parametrize("view", T.VIEWS)
@pytest.mark.parametrize("cuts", [[], [1], [1, 2], [0, 3]])
def test_counts_of_partitions_summed_give_the_term_table(mini_lines, view, cuts):
    lines, articles = mini_lines
    stop = T.stop_words({"stop_words": ["assault"], "keep": []})
    want = T.term_table(T.outlet_documents(lines, articles, view), view=view, stop=stop, sublinear_tf=False)
    parts = [T.outlet_counts(pl, pa, view, stop=stop) for pl, pa in _parts(lines, articles, cuts)]
    summed = T.sum_counts(parts)
    pd.testing.assert_frame_equal(T.counts_table(summed, articles, view=view, sublinear_tf=False), want)
    # the sum is the count of the whole: a term split between partitions ("alpha" in a1 and a2) adds up
    whole = T.outlet_counts(lines, articles, view, stop=stop)
    assert list(summed.terms) == list(whole.terms) and (summed.matrix != whole.matrix).nnz == 0


def test_outlet_counts_by_view_are_outlet_counts_of_each_view(mini_lines):
    lines, articles = mini_lines
    stop = T.stop_words({"stop_words": [], "keep": []})
    both = T.outlet_counts_by_view(lines, articles, stop=stop, markers=MARKERS)
    assert list(both) == list(T.VIEWS)
    for view in T.VIEWS:
        one = T.outlet_counts(lines, articles, view, stop=stop, markers=MARKERS)
        assert both[view].outlets == one.outlets and both[view].with_text == one.with_text
        assert list(both[view].terms) == list(one.terms) and (both[view].matrix != one.matrix).nnz == 0
    # the own view counts only its own lines' terms: the quoted line's words are not among its terms
    assert "anger" in set(both["all"].terms) and "anger" not in set(both["own"].terms)
    assert "source" not in set(both["all"].terms)  # the marker is nobody's word
    docs = T.outlet_documents(lines, articles, "all", markers=MARKERS)
    want = T.count_matrix(docs, stop=stop)
    got = both["all"].matrix.toarray()
    assert list(both["all"].terms) == list(want.columns) and (got == want.to_numpy()).all()


def test_counts_table_gives_the_errors_of_term_table(mini_lines):
    lines, articles = mini_lines
    quiet = lines[~((lines["article"] == "b1") & (lines["voice"] == "own"))]
    counts = T.sum_counts(T.outlet_counts(pl, pa, "own") for pl, pa in _parts(quiet, articles, [1]))
    with pytest.raises(TermsError, match=r"no body text in view 'own' for outlet\(s\): Beta Times"):
        T.counts_table(counts, articles, view="own")
    alpha = articles[articles["outlet"] == "Alpha News"]
    with pytest.raises(TermsError, match="at least two documents"):
        T.counts_table(T.outlet_counts(lines[lines["article"] != "b1"], alpha), alpha)
    with pytest.raises(TermsError, match="no terms left to count"):
        T.counts_table(T.outlet_counts(lines, articles, "all", stop=T.tokenize(" ".join(lines["text"]))), articles, view="all")
    with pytest.raises(TermsError, match="no terms left to count"):
        T.counts_table(T.outlet_counts(lines, articles, "all"), articles, view="all", min_df=3)
    with pytest.raises(TermsError, match="view must be one of"):
        T.outlet_counts(lines, articles, "both")


# --------------------------------------------------------------------------- agreement


@pytest.fixture
def scored():
    # Outlet O: methods m1 and m2 rank p > q > r > s the same way; m3 reverses them.
    terms = ["p", "q", "r", "s"]
    return pd.DataFrame(
        {"outlet": "O", "term": terms, "count": [4, 3, 2, 1], "m1": [4.0, 3, 2, 1], "m2": [40.0, 30, 20, 10], "m3": [1.0, 2, 3, 4]}
    )


def test_method_agreement(scored):
    agree = T.method_agreement(scored, n=3, methods=["m1", "m2", "m3"]).set_index(["method_a", "method_b"])
    assert agree.loc[("m1", "m2"), "shared"] == 3
    assert agree.loc[("m1", "m2"), "spearman"] == pytest.approx(1.0)
    # m1 top 3 = p q r, m3 top 3 = s r q: union p q r s, scores reversed -> rho = -1.
    assert agree.loc[("m1", "m3"), "shared"] == 2
    assert agree.loc[("m1", "m3"), "spearman"] == pytest.approx(-1.0)


def test_agreed_terms(scored):
    agreed = T.agreed_terms(scored, n=2, methods=["m1", "m2"])
    assert agreed[["term", "rank_m1", "rank_m2"]].to_dict("records") == [
        {"term": "p", "rank_m1": 1, "rank_m2": 1},
        {"term": "q", "rank_m1": 2, "rank_m2": 2},
    ]
    assert T.agreed_terms(scored, n=2, methods=["m1", "m3"]).empty
    with pytest.raises(TermsError, match=r"lacks column\(s\) m9"):
        T.agreed_terms(scored, methods=["m1", "m9"])


def test_jaccard():
    assert T.jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert T.jaccard([], []) == 1.0


# --------------------------------------------------------------------------- KWIC


def test_kwic_unigram_and_bigram(mini_lines):
    lines, articles = mini_lines
    stop = sorted(ENGLISH_STOP_WORDS)
    hits = T.kwic(lines, articles, "assault", stop=stop, width=12)
    assert hits["article"].tolist() == ["a1", "b1", "a2"]
    assert hits["voice"].tolist() == ["own", "quoted", "own"]
    first = hits.iloc[0]
    assert (first["left"], first["term"], first["right"]) == ("…the sexual ", "assault", " of a collea…")
    across = T.kwic(lines, articles, "assault colleague", stop=stop)  # "of a" between: not a bigram, as when counting
    assert across.empty
    only_beta = T.kwic(lines, articles, "sexual assault", outlet="Beta Times", view="own", stop=stop)
    assert only_beta.empty  # Beta's only "sexual assault" is in a quoted passage
    table = T.kwic_table(lines, articles, pd.DataFrame({"outlet": ["Alpha News"], "term": ["assault"]}), per_term=1, stop=stop)
    assert table[["keyword", "hits", "article"]].to_dict("records") == [{"keyword": "assault", "hits": 2, "article": "a1"}]


def test_kwic_bad_input(mini_lines):
    lines, articles = mini_lines
    with pytest.raises(TermsError, match="one word or a bigram, got 'a b c'"):
        T.kwic(lines, articles, "a b c")
    with pytest.raises(TermsError, match="non-empty string"):
        T.kwic(lines, articles, " ")
    with pytest.raises(TermsError, match="unknown outlet 'Gamma'; known: Alpha News, Beta Times"):
        T.kwic(lines, articles, "assault", outlet="Gamma")
    with pytest.raises(TermsError, match="per_term must be a positive whole number"):
        T.kwic_table(lines, articles, pd.DataFrame({"outlet": ["Alpha News"], "term": ["assault"]}), per_term=0)


# --------------------------------------------------------------------------- on the project corpus


def test_robustness_on_corpus(corpus):
    overlap, survivors = T.robustness(corpus.lines, corpus.articles, {"same": {}, "unigrams": {"ngram_range": (1, 1)}}, methods=["tfidf"])
    assert (overlap["same"] == 1.0).all()  # the baseline against itself
    assert overlap["unigrams"].between(0, 1).all()
    assert set(survivors["outlet"]) <= set(corpus.articles["outlet"])
    with pytest.raises(TermsError, match="unknown setting"):
        T.robustness(corpus.lines, corpus.articles, {"bad": {"ngrams": (1, 1)}})
    with pytest.raises(TermsError, match="at least one variant"):
        T.robustness(corpus.lines, corpus.articles, {})


def test_terms_export_table(corpus, study):
    from newslens.export import TABLES

    func, doc = TABLES["terms"]
    table = func(study)
    assert list(table.columns) == ["outlet", "view", "term", "count", "tfidf", "rank_tfidf", "log_odds_z", "g2", "log_ratio"]
    assert sorted(table["view"].unique()) == ["all", "own"]
    assert set(table["outlet"]) == set(corpus.articles["outlet"])
    for col in table.columns:
        assert col in doc
    # Quoted passages only add words: every outlet has at least as many tokens in the "all" view.
    sums = table.groupby(["outlet", "view"])["count"].sum().unstack()
    assert (sums["all"] >= sums["own"]).all()


def test_quote_flows_counts_quoted_body_words_per_outlet_and_source(mini_lines):
    lines, articles = mini_lines
    flows = T.quote_flows(lines, articles, markers=MARKERS)
    # b1 line 2: "The sexual assault case drew anger, Alpha News wrote. [Source]" is 9 words: the marker is nobody's
    # words, as in newslens.reuse.reuse_share and newslens.text.article_stats
    assert flows.to_dict("records") == [{"outlet": "Beta Times", "source": "Alpha News", "words": 9}]
    assert T.quote_flows(lines, articles)["words"].tolist() == [10]  # no markers given: "Source" is a word


def test_quote_flows_empty_when_nobody_quotes(mini_lines):
    lines, articles = mini_lines
    flows = T.quote_flows(lines[lines["voice"] != "quoted"], articles)
    assert flows.empty and list(flows.columns) == ["outlet", "source", "words"]


def test_shared_passages_only_counts_quoted_lines_that_repeat_another_outlets_capture(mini_lines):
    lines, articles = mini_lines
    reuse = pd.DataFrame({"article": ["b1", "a2"], "line": [2, 1], "source_article": ["a1", "a1"]})
    out = T.shared_passages(lines, articles, reuse, markers=MARKERS)
    # b1 line 2 (quoted, 9 words, its marker left out) repeats a1; a2 line 1 repeats a1 too, but in the same outlet and its own voice
    assert out.to_dict("records") == [{"outlet": "Beta Times", "source": "Alpha News", "lines": 1, "words": 9}]
    assert T.shared_passages(lines, articles, reuse.iloc[0:0]).empty
    with pytest.raises(TermsError, match="source_article"):
        T.shared_passages(lines, articles, reuse.drop(columns="source_article"))
