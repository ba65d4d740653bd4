"""Contract tests for newslens.plots (drawn off-screen): each figure draws what its table holds (bars, cells,
points, tick labels, legend entries, notes), in the house style, with no text below MIN_FONT_PT."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex, to_rgb
from scipy.cluster.hierarchy import linkage

from newslens import plots as P


@pytest.fixture(autouse=True)
def _style_and_close():
    P.setup_style(outlets=["Alpha", "Beta", "Gamma"])
    yield
    plt.close("all")


def ticks(labels) -> list[str]:
    return [t.get_text() for t in labels]


def legend_texts(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()]


def readable(fig) -> bool:
    return P.smallest_font(fig) >= P.MIN_FONT_PT


# --------------------------------------------------------------------------- style


def test_outlets_get_the_palette_and_markers_in_the_given_order():
    assert [P.outlet_color(o) for o in ["Alpha", "Beta", "Gamma"]] == P.OUTLET_PALETTE[:3]
    assert [P.outlet_marker(o) for o in ["Alpha", "Beta", "Gamma"]] == P.OUTLET_MARKERS[:3]
    assert P.outlet_color("Unknown") == P.outlet_color("Unknown")  # stable by name


def test_outlet_colour_and_marker_pairs_stay_apart_past_the_palette():
    names = [f"o{i}" for i in range(16)]
    P.setup_style(outlets=names)
    pairs = {(P.outlet_color(n), P.outlet_marker(n)) for n in names}
    assert len(pairs) == 16


def test_first_five_outlet_colours_stay_apart_under_deuteranopia():
    # Machado et al. (2009) deuteranopia, severity 1, on linear RGB; the distance is the L1 gap between the simulated
    # colours. Okabe-Ito in its own order fails (green and pink 0.32 apart); the outlet order passes (0.59).
    sim = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]])
    lin = np.array([[c ** 2.2 for c in to_rgb(h)] for h in P.OUTLET_PALETTE[:5]])
    seen = np.clip(lin @ sim.T, 0, 1)
    gaps = [np.abs(seen[i] - seen[j]).sum() for i in range(5) for j in range(i + 1, 5)]
    assert min(gaps) > 0.55


def test_speaker_type_colors_follow_the_given_order_with_other_in_grey():
    colors = P.speaker_type_colors(["worker", "other", "employer", "worker"])
    assert colors == {"worker": P.OKABE_ITO[0], "other": P.OTHER_TYPE_COLOR, "employer": P.OKABE_ITO[1]}


def test_speaker_type_colors_repeat_past_the_palette():
    types = [f"t{i}" for i in range(len(P.OKABE_ITO) + 2)]
    colors = P.speaker_type_colors(types)
    assert colors["t0"] == colors[f"t{len(P.OKABE_ITO)}"] and len(colors) == len(types)


def test_message_figure_states_the_message_and_no_axes():
    fig, ax = P.message_figure("Title", "Too few paragraphs for topics.")
    assert ax.get_title(loc="left") == "Title"
    assert [t.get_text() for t in ax.texts] == ["Too few paragraphs for topics."]
    assert not ax.axison and readable(fig)


# --------------------------------------------------------------------------- bars


def test_stacked_bars_draws_one_segment_per_cell_and_writes_counts():
    table = pd.DataFrame({"x": [1, 2], "y": [3, 0]}, index=["first", "second"])
    fig, ax = P.stacked_bars(table, "T", "n", colors={"x": "#000000", "y": "#FFFFFF"}, labels={"x": "Ex"}, counts=True)
    assert ticks(ax.get_yticklabels()) == ["second", "first"]  # first row on top
    assert sorted(p.get_width() for p in ax.patches) == [0, 1, 2, 3]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3"]  # a zero segment gets no number
    assert legend_texts(fig.legends[0]) == ["Ex", "y"]
    assert ax.get_title(loc="left") == "T" and readable(fig)


def test_label_bars_orders_segments_like_the_label_colours():
    shares = pd.DataFrame({"caption": [10.0], "body": [90.0]}, index=["Cap 1"])
    fig, ax = P.label_bars(shares, "T", "%")
    assert legend_texts(fig.legends[0]) == ["body", "caption"]
    assert [to_hex(p.get_facecolor()).upper() for p in ax.patches] == [P.LABEL_COLORS["body"], P.LABEL_COLORS["caption"]]
    assert [p.get_width() for p in ax.patches] == [90.0, 10.0]
    assert readable(fig)


def test_voice_bars_shows_every_type_present_in_codebook_order():
    shares = pd.DataFrame({"regulator": [10.0, 0.0], "worker": [60.0, 100.0], "union_rep": [30.0, None]},
                          index=["Paper A", "Paper B, 2 Mar 2024"])
    fig, ax = P.voice_bars(shares, "T", "x", types=["worker", "employer", "regulator"])
    assert legend_texts(fig.legends[0]) == ["worker", "regulator", "union rep"]  # absent type out, unlisted last
    assert ticks(ax.get_yticklabels()) == ["Paper B, 2 Mar 2024", "Paper A"]
    assert len(ax.patches) == 6
    assert ax.patches[0].get_facecolor()[:3] == to_rgb(P.OKABE_ITO[0])
    assert readable(fig)


def test_voice_bars_hatches_a_repeated_colour():
    types = [f"t{i}" for i in range(len(P.OKABE_ITO) + 1)]
    shares = pd.DataFrame({t: [1.0] for t in types}, index=["A"])
    _fig, ax = P.voice_bars(shares, "T", "x", types=types)
    assert [p.get_hatch() for p in ax.patches][-1] == "//" and ax.patches[0].get_hatch() is None


def test_target_bars_one_panel_per_voice_with_counts_written():
    idx = pd.MultiIndex.from_product([["Outlet A", "Outlet B"], ["own", "quoted"]])
    counts = pd.DataFrame({"x": [1, 0, 2, 1], "y": [3, 0, 0, 0]}, index=idx)
    fig, axes = P.target_bars(counts, {"x": "Target X", "y": "Target Y"}, "Title")
    assert [ax.get_title(loc="left") for ax in axes] == ["Own words", "Quoted words"]
    assert sorted(p.get_width() for p in axes[0].patches) == [0, 1, 2, 3]
    assert sorted(t.get_text() for t in axes[0].texts) == ["1", "2", "3"]
    assert [t.get_text() for t in axes[1].texts] == ["1"]
    assert legend_texts(fig.legends[0]) == ["Target X", "Target Y"]
    assert fig._suptitle.get_text() == "Title" and readable(fig)


def test_term_bars_one_panel_per_outlet_rank_one_on_top():
    top = pd.DataFrame({"outlet": ["Alpha", "Alpha", "Beta"], "rank": [1, 2, 1], "term": ["a", "b", "c"],
                        "score": [0.5, 0.2, 0.9]})
    fig, axes = P.term_bars(top, "T", "w")
    assert [ax.get_title(loc="left") for ax in axes] == ["Alpha", "Beta"]
    assert ticks(axes[0].get_yticklabels()) == ["b", "a"]
    assert [p.get_width() for p in axes[0].patches] == [0.2, 0.5]
    assert readable(fig)


def test_shared_terms_bar_is_the_number_of_outlets_using_the_term_with_a_note():
    top = pd.DataFrame({"outlet": ["Alpha", "Alpha", "Alpha", "Beta"], "rank": [1, 2, 3, 1],
                        "term": ["solo", "pair", "all", "pair"]})
    scores = pd.DataFrame({"solo": [1, 0, 0], "pair": [1, 1, 0], "all": [1, 2, 3]}, index=["Alpha", "Beta", "Gamma"])
    fig, axes = P.shared_terms(top, scores, "T", n=3)
    assert ticks(axes[0].get_yticklabels()) == ["all", "pair", "solo"]
    assert [p.get_width() for p in axes[0].patches] == [3, 2, 1]
    assert [t.get_text() for t in axes[0].texts] == ["+ 2 others", "+ Beta", "only here"]
    assert to_hex(axes[0].patches[2].get_facecolor()).upper() == P.outlet_color("Alpha")
    assert [t.get_text() for t in axes[1].texts] == ["+ Alpha"]
    assert readable(fig)


# --------------------------------------------------------------------------- heatmaps


def test_heatmap_writes_each_cell_in_contrast_and_leaves_missing_blank():
    values = pd.DataFrame({"a": [0.0, 1.0], "b": [0.5, np.nan]}, index=["r1", "r2"])
    text = pd.DataFrame({"a": ["lo", "hi"], "b": ["mid", "x"]}, index=["r1", "r2"])
    fig, ax = P.heatmap(values, "T", cmap="Greys", vmin=0, vmax=1, text=text, cbar_label="v")
    assert [t.get_text() for t in ax.texts] == ["lo", "mid", "hi"]
    assert [t.get_color() for t in ax.texts] == ["black", "black", "white"]  # black on the light, white on the dark
    assert len(fig.axes) == 2  # the grid and its colour bar
    assert readable(fig)


def test_annotated_heatmap_prints_every_cell_in_row_order():
    table = pd.DataFrame({"a": [0.0, 1.0], "b": [0.5, float("nan")]}, index=["first", "second"])
    fig, ax = P.annotated_heatmap(table, "T", "x", "y", vmin=0, vmax=1, cbar_label="score")
    assert ticks(ax.get_yticklabels()) == ["first", "second"] and ticks(ax.get_xticklabels()) == ["a", "b"]
    assert [t.get_text() for t in ax.texts] == ["0.00", "0.50", "1.00"]
    assert fig.axes[1].get_ylabel() == "score" and readable(fig)


def test_term_heatmap_annotates_only_when_asked():
    matrix = pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["A", "B"], columns=["A", "B"])
    _fig, ax = P.term_heatmap(matrix, "T", "cos")
    assert len(ax.texts) == 0
    fig, ax = P.term_heatmap(matrix, "T", "cos", annotate=True, vmin=0, vmax=1)
    assert [t.get_text() for t in ax.texts] == ["1.00", "0.20", "0.20", "1.00"]
    assert ticks(ax.get_xticklabels()) == ["A", "B"] and readable(fig)


def test_fact_heatmap_marks_quoted_and_own_cells_with_a_three_entry_legend():
    matrix = pd.DataFrame([("a1", "f1", 1, "own"), ("a1", "f2", 0, ""), ("a2", "f1", 1, "quoted"), ("a2", "f2", 1, "own")],
                          columns=["article", "fact", "present", "voice"])
    fig, ax = P.fact_heatmap(matrix, {"a1": "Alpha", "a2": "Beta"}, "T")
    assert ticks(ax.get_xticklabels()) == ["Alpha", "Beta"] and ticks(ax.get_yticklabels()) == ["f1", "f2"]
    assert [t.get_text() for t in ax.texts] == ["O", "Q", "O"]
    assert len(legend_texts(fig.legends[0])) == 3 and readable(fig)


def test_fact_heatmap_stays_page_wide_with_many_articles():
    arts = [f"a{i}" for i in range(40)]
    matrix = pd.DataFrame([(a, f, int(i % 2 == 0), "own") for i, a in enumerate(arts) for f in ("f1", "f2")],
                          columns=["article", "fact", "present", "voice"])
    fig, ax = P.fact_heatmap(matrix, {a: a for a in arts}, "T")
    assert fig.get_size_inches()[0] <= 16.5
    assert len(ax.get_xticklabels()) == 40 and len(ax.texts) == 40


# --------------------------------------------------------------------------- points


def _choices(arts):
    rows = [(a, "act", "Naming", t, t.upper(), "own", 1 + k, 2.0 + k) for k, a in enumerate(arts) for t in ("x", "y")]
    return pd.DataFrame(rows, columns=["article", "group", "group_label", "term", "label", "voice", "n", "per_1000"])


def test_word_choice_dots_labels_every_dot_with_its_article_and_count():
    choices = _choices(["a1", "a2"])
    choices.loc[len(choices)] = ["a1", "act", "Naming", "x", "X", "quoted", 2, 1.0]
    fig, axes = P.word_choice_dots(choices, {"a1": "Alpha", "a2": "Beta"}, "T", outlets={"a1": "Alpha", "a2": "Beta"})
    ax = axes[0, 0]
    assert ticks(ax.get_yticklabels()) == ["X", "Y"]
    assert [t.get_text() for t in ax.texts] == ["Alpha: 1 + 2 quoted", "Beta: 2", "Alpha: 1", "Beta: 2"]
    assert len(ax.get_lines()) == 5 + 2  # five dots and two separators
    markers = {line.get_marker() for line in ax.get_lines() if line.get_marker() not in ("None", None, "")}
    assert markers == {P.outlet_marker("Alpha"), P.outlet_marker("Beta")}
    assert fig.legends == [] and readable(fig)


def test_word_choice_dots_share_one_x_scale_across_groups():
    choices = pd.concat([_choices(["a1"]), _choices(["a1"]).assign(group="who", group_label="Who", per_1000=9.0)])
    _fig, axes = P.word_choice_dots(choices, {"a1": "Alpha"}, "T")
    assert axes[0, 0].get_xlim() == axes[1, 0].get_xlim()
    assert [ax.get_title(loc="left") for ax in axes[:, 0]] == ["Naming", "Who"]


def test_similarity_strip_draws_each_pair_and_the_threshold():
    cands = pd.DataFrame({"similarity": [0.1, 0.2, 0.9], "reported": [False, False, True]})
    fig, ax = P.similarity_strip(cands, 0.5, "T")
    assert [len(c.get_offsets()) for c in ax.collections] == [2, 1]
    assert ax.get_lines()[0].get_xdata()[0] == 0.5
    assert legend_texts(ax.get_legend()) == ["not reported", "reported"]
    assert readable(fig)


def _log_odds():
    rows = []
    for o in ["Alpha", "Beta"]:
        for k in range(8):
            rows.append((o, f"{o[0]}{k}", k + 1, 5, 3.0 if k == 7 else (-2.5 if k == 0 else 0.2 * k)))
    return pd.DataFrame(rows, columns=["outlet", "term", "count", "count_rest", "z"])


def test_fightin_words_labels_beyond_terms_and_keeps_labels_off_the_lines():
    fig, axes = P.fightin_words(_log_odds(), "T", label_top=2)
    ax = axes[0]
    assert [t.get_text() for t in ax.texts] == ["A7", "A0", "A6", "A5"]  # beyond (by z), then the two highest inside
    assert [t.get_fontweight() for t in ax.texts][:2] == ["bold", "bold"]
    renderer = fig.canvas.get_renderer()
    lines = [ax.transData.transform((1, v))[1] for v in (-1.96, 1.96)]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert not any(b.y0 <= y <= b.y1 for b in boxes for y in lines)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert readable(fig)


def test_tone_strips_one_row_per_outlet_top_to_bottom():
    scores = pd.DataFrame({"outlet": ["A", "A", "B"], "voice": ["own", "quoted", "own"], "compound": [-0.5, 0.4, 0.1]})
    fig, ax = P.tone_strips(scores, ["A", "B"], "Tone")
    positions = dict(zip(ticks(ax.get_yticklabels()), ax.get_yticks()))
    assert positions["A"] > positions["B"]
    assert [len(c.get_offsets()) for c in ax.collections if len(c.get_offsets())] == [1, 1, 1]
    assert legend_texts(ax.get_legend()) == ["own words", "quoted words", "median"]
    assert ax.get_xlim() == (-1.05, 1.05) and readable(fig)


# --------------------------------------------------------------------------- lines


def test_timeline_one_row_per_event_and_a_marked_line_per_article():
    events = pd.DataFrame({"date": pd.to_datetime(["2021-08-01", "2021-08-05"]), "end": [pd.NaT, pd.Timestamp("2021-08-07")],
                           "label": ["Start", "Protest"]})
    arts = pd.DataFrame({"date": pd.to_datetime(["2021-08-09", "2021-08-10"]), "outlet": ["Alpha", "Beta"]})
    fig, ax = P.timeline(events, arts, "T")
    assert ticks(ax.get_yticklabels()) == ["01 Aug: Start", "05 Aug: Protest"]
    assert list(ax.get_yticks()) == [1, 0]  # the first event on top
    assert legend_texts(ax.get_legend()) == ["Alpha (09 Aug)", "Beta (10 Aug)"]
    assert [h.get_marker() for h in ax.get_legend().legend_handles] == [P.outlet_marker("Alpha"), P.outlet_marker("Beta")]
    assert readable(fig)


def test_timeline_with_many_articles_counts_them_per_day():
    events = pd.DataFrame({"date": pd.to_datetime(["2021-08-01"]), "end": [pd.NaT], "label": ["Start"]})
    arts = pd.DataFrame({"date": pd.to_datetime(["2021-08-09"] * 6 + ["2021-08-10"] * 4), "outlet": list("abcdefghij")})
    _fig, ax = P.timeline(events, arts, "T")
    assert ax.get_legend() is None
    assert sorted(t.get_text() for t in ax.texts if t.get_text().isdigit()) == ["4", "6"]


def test_outlet_dendrogram_names_every_outlet_in_its_colour():
    link = linkage(np.array([[0.0], [1.0], [5.0]]), method="average")
    fig, ax = P.outlet_dendrogram(link, ["Alpha", "Beta", "Gamma"], "T")
    labels = ax.get_yticklabels()
    assert sorted(ticks(labels)) == ["Alpha", "Beta", "Gamma"]
    assert all(to_hex(t.get_color()).upper() == P.outlet_color(t.get_text()) for t in labels)
    assert readable(fig)


def test_word_choice_dots_with_many_articles_keeps_each_term_one_row_with_a_key():
    arts = [f"a{i}" for i in range(40)]
    labels = {a: f"Outlet {i // 2}, capture {i % 2}" for i, a in enumerate(arts)}
    fig, axes = P.word_choice_dots(_choices(arts), labels, "T", outlets={a: f"Outlet {i // 2}" for i, a in enumerate(arts)})
    ys = [line.get_ydata()[0] for line in axes[0, 0].get_lines() if line.get_marker() not in ("None", None, "")]
    assert len(ys) == 80 and max(ys) < 1.5 and min(ys) > -0.5  # two terms, rows 0 and 1: no dot strays
    assert len(axes[0, 0].texts) == 0
    assert legend_texts(fig.legends[0]) == list(labels.values())
    assert fig.get_size_inches()[1] < 12 and readable(fig)
