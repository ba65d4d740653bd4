"""Smoke-and-contract tests for the framing figures in newslens.plots (drawn off-screen)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from newslens.plots import annotated_heatmap, target_bars, tone_strips  # noqa: E402


def test_annotated_heatmap_prints_every_cell_in_row_order():
    table = pd.DataFrame({"a": [0.0, 1.0], "b": [0.5, float("nan")]}, index=["first", "second"])
    fig, ax = annotated_heatmap(table, "T", "x", "y", vmin=0, vmax=1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["first", "second"]
    assert sorted(t.get_text() for t in ax.texts) == ["", "0.00", "0.50", "1.00"]
    assert ax.get_title(loc="left") == "T"
    plt.close(fig)


def test_target_bars_one_panel_per_voice_and_stacks_counts():
    idx = pd.MultiIndex.from_product([["Outlet A", "Outlet B"], ["own", "quoted"]])
    counts = pd.DataFrame({"x": [1, 0, 2, 1], "y": [3, 0, 0, 0]}, index=idx)
    fig, axes = target_bars(counts, {"x": "Target X", "y": "Target Y"}, "Title")
    assert len(axes) == 2
    widths = sorted(p.get_width() for p in axes[0].patches)
    assert widths == [0, 1, 2, 3]                  # own words only on the left panel
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Target X", "Target Y"]
    plt.close(fig)


def test_tone_strips_one_row_per_outlet_top_to_bottom():
    scores = pd.DataFrame({"outlet": ["A", "A", "B"], "voice": ["own", "quoted", "own"], "compound": [-0.5, 0.4, 0.1]})
    fig, ax = tone_strips(scores, ["A", "B"], "Tone")
    labels = dict(zip([t.get_text() for t in ax.get_yticklabels()], ax.get_yticks()))
    assert labels["A"] > labels["B"]
    assert ax.get_xlim() == (-1.05, 1.05)
    plt.close(fig)


def test_message_figure_states_the_message_and_no_axes():
    from newslens.plots import message_figure

    fig, ax = message_figure("Title", "Too few paragraphs for topics.")
    assert ax.get_title(loc="left") == "Title"
    assert [t.get_text() for t in ax.texts] == ["Too few paragraphs for topics."]
    assert not ax.axison
    plt.close(fig)
