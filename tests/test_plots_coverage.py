"""Contract tests for chapter 2's figures in newslens.plots (drawn off-screen): colours and legends come from
the data given, never from one story's names."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from newslens.plots import OKABE_ITO, OTHER_TYPE_COLOR, fact_heatmap, speaker_type_colors, voice_bars, word_choice_dots  # noqa: E402


def test_speaker_type_colors_follow_the_given_order_with_other_in_grey():
    colors = speaker_type_colors(["worker", "other", "employer", "worker"])
    assert list(colors) == ["worker", "other", "employer"]
    assert colors == {"worker": OKABE_ITO[0], "other": OTHER_TYPE_COLOR, "employer": OKABE_ITO[1]}


def test_speaker_type_colors_repeat_past_the_palette():
    types = [f"t{i}" for i in range(len(OKABE_ITO) + 2)]
    colors = speaker_type_colors(types)
    assert colors["t0"] == colors[f"t{len(OKABE_ITO)}"] and len(colors) == len(types)


def test_voice_bars_shows_every_type_present_in_codebook_order():
    shares = pd.DataFrame({"regulator": [10.0, 0.0], "worker": [60.0, 100.0], "union_rep": [30.0, None]},
                          index=["Paper A", "Paper B, 2 Mar 2024"])
    fig, ax = voice_bars(shares, "T", "x", types=["worker", "employer", "regulator"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["worker", "regulator", "union rep"]  # absent "employer" left out; unlisted type drawn last
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Paper B, 2 Mar 2024", "Paper A"]  # first row on top
    assert ax.patches[0].get_facecolor()[:3] == matplotlib.colors.to_rgb(OKABE_ITO[0])
    plt.close(fig)


def test_voice_bars_without_types_uses_the_columns_order():
    shares = pd.DataFrame({"b": [50.0], "a": [50.0]}, index=["X"])
    fig, ax = voice_bars(shares, "T", "x")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["b", "a"]
    plt.close(fig)


def _choices(arts):
    rows = [(a, "act", "Naming", t, t, "own", 1, 2.0 + k) for k, a in enumerate(arts) for t in ("x", "y")]
    return pd.DataFrame(rows, columns=["article", "group", "group_label", "term", "label", "voice", "n", "per_1000"])


def test_word_choice_dots_keeps_every_dot_in_its_row_and_names_every_article():
    arts = [f"a{i}" for i in range(40)]
    labels = {a: f"Outlet {i // 2}, capture {i % 2}" for i, a in enumerate(arts)}
    outlets = {a: f"Outlet {i // 2}" for i, a in enumerate(arts)}
    fig, axes = word_choice_dots(_choices(arts), labels, "T", outlets=outlets)
    ys = [line.get_ydata()[0] for line in axes[0, 0].get_lines()]
    assert max(ys) < 1.5 and min(ys) > -0.5  # two terms, rows 0 and 1: no dot strays into another row
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == list(labels.values())
    markers = [h.get_marker() for h in legend.legend_handles]
    assert markers[0] != markers[1] and markers[0] == markers[2]  # two captures of one outlet differ by shape
    plt.close(fig)


def test_fact_heatmap_stays_page_wide_with_many_articles():
    arts = [f"a{i}" for i in range(40)]
    matrix = pd.DataFrame([(a, f, int(i % 2 == 0), "own") for i, a in enumerate(arts) for f in ("f1", "f2")],
                          columns=["article", "fact", "present", "voice"])
    fig, ax = fact_heatmap(matrix, {a: a for a in arts}, "T")
    assert fig.get_size_inches()[0] <= 16.5
    assert len(ax.get_xticklabels()) == 40
    plt.close(fig)
