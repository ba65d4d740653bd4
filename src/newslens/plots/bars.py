"""Bar charts: one stacked-bar function (line labels, speaker types, blame targets) and the term lists."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .style import LABEL_COLORS, OKABE_ITO, is_dark, outlet_color, speaker_type_colors

#: Height (inches) of one row of legend entries below a chart.
_LEGEND_ROW = 0.28


def _legend_below(fig, handles, labels, ncol: int) -> float:
    """A figure legend under the axes; returns the share of the figure's height it takes."""
    rows = -(-len(labels) // ncol)
    share = (rows * _LEGEND_ROW + 0.15) / fig.get_figheight()
    fig.legend(handles, labels, ncol=ncol, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False)
    return share


def stacked_bars(table: pd.DataFrame, title: str, xlabel: str, *, colors: dict, labels: dict | None = None,
                 panels: dict | None = None, counts: bool = False, hatch_repeats: bool = False, ncol: int = 3):
    """Stacked horizontal bars: one bar per row (first row on top), one segment per column, a legend below.

    Parameters
    ----------
    table : DataFrame, index = bar names (or, with *panels*, a MultiIndex ``(bar, panel)``), columns = segments
        in drawing and legend order, values = the share or count to draw; a missing value draws nothing.
    colors : column -> colour; every column must have one.
    labels : column -> legend text (default: the column with ``_`` read as a space).
    panels : value of the index's second level -> panel title, one panel per entry (left to right, shared axes).
    counts : write each segment's value (a whole number) inside it.
    hatch_repeats : hatch a segment whose colour an earlier column already has (a palette that repeats).

    Returns
    -------
    ``(fig, ax)``, or ``(fig, axes)`` with *panels*.
    """
    labels = labels or {}
    keys = list(panels) if panels else [None]
    bars = list(dict.fromkeys(table.index.get_level_values(0) if panels else table.index))
    names = bars[::-1]
    step = 0.45 if len(bars) <= 12 else 0.28  # long corpora: thinner bars keep the figure on a screen or two
    rows = -(-len(table.columns) // ncol)
    height = step * len(bars) + 1.3 + rows * _LEGEND_ROW
    fig, axes = plt.subplots(1, len(keys), figsize=(8.5 if len(keys) == 1 else 10, height), sharey=True, sharex=True,
                             squeeze=False)
    handles = {}
    for ax, key in zip(axes[0], keys):
        if panels:
            part = table.xs(key, level=1) if key in set(table.index.get_level_values(1)) else table.iloc[:0].droplevel(1)
        else:
            part = table
        part = part.reindex(names)
        left = pd.Series(0.0, index=names)
        seen: set[str] = set()
        for col in table.columns:
            vals = part[col].fillna(0).astype(float)
            hatch = "//" if hatch_repeats and colors[col] in seen else None
            seen.add(colors[col])
            bars_drawn = ax.barh(names, vals, left=left, color=colors[col], hatch=hatch, edgecolor="white", linewidth=0.5,
                                 label=labels.get(col, str(col).replace("_", " ")))
            if vals.gt(0).any():
                handles.setdefault(col, bars_drawn)
            if counts:
                for y, (v, x0) in enumerate(zip(vals, left)):
                    if v > 0:
                        ax.text(x0 + v / 2, y, f"{v:.0f}", ha="center", va="center", fontsize=9,
                                color="white" if is_dark(colors[col]) else "black")
            left = left + vals
        ax.set_xlabel(xlabel)
        if panels:
            ax.set_title(panels[key], loc="left", fontsize=10)
    shown = [c for c in table.columns if c in handles]
    share = _legend_below(fig, [handles[c] for c in shown], [labels.get(c, str(c).replace("_", " ")) for c in shown], ncol)
    if panels:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
    else:
        axes[0, 0].set_title(title, loc="left")
    fig.tight_layout(rect=(0, share, 1, 1))
    return (fig, axes[0]) if panels else (fig, axes[0, 0])


def label_bars(shares: pd.DataFrame, title: str, xlabel: str):
    """Stacked bars of line labels: one bar per capture, one segment per label (:data:`LABEL_COLORS` order).

    Parameters
    ----------
    shares : DataFrame, index = capture names (top to bottom), columns = labels (keys of
        :data:`LABEL_COLORS`), values = the share (0-100) or count to draw.
    """
    cols = [c for c in LABEL_COLORS if c in shares.columns]
    return stacked_bars(shares[cols], title, xlabel, colors=LABEL_COLORS)


def voice_bars(shares: pd.DataFrame, title: str, xlabel: str, *, types=None):
    """Stacked bars of speaker types: one bar per row of *shares*, one segment per type.

    Parameters
    ----------
    shares : DataFrame, index = articles (top to bottom), columns = speaker types, values = the share (0-100)
        or count to draw; a missing value draws nothing.
    types : speaker types in legend order (the codebook's ``speaker_types``); a column not listed is drawn after
        them. Colours from :func:`speaker_type_colors`; past eight types the repeats are hatched.
    """
    order = [t for t in dict.fromkeys(types or []) if t in shares.columns]
    order += [c for c in shares.columns if c not in order]
    return stacked_bars(shares[order], title, xlabel, colors=speaker_type_colors(order), hatch_repeats=True)


def target_bars(counts: pd.DataFrame, labels: dict[str, str], title: str):
    """Two panels (own words, quoted words) of stacked bars: blaming sentences per target and article, counts
    written in the segments.

    Parameters
    ----------
    counts : DataFrame, index (article label, voice) with voice in {own, quoted}, one column per target.
    labels : target id -> label for the legend.
    """
    colors = dict(zip(counts.columns, OKABE_ITO + ["#999999"] * len(counts.columns)))
    return stacked_bars(counts, title, "Blaming sentences", colors=colors, labels=labels, counts=True, ncol=3,
                        panels={"own": "Own words", "quoted": "Quoted words"})


def term_bars(top: pd.DataFrame, title: str, xlabel: str, ncols: int = 3):
    """Small multiples: one panel per outlet, its top terms as horizontal bars (rank 1 on top).

    Parameters
    ----------
    top : DataFrame with ``outlet``, ``rank``, ``term``, ``score`` (``newslens.terms.top_terms``).
    """
    outlets = list(dict.fromkeys(top["outlet"]))
    n_max = int(top.groupby("outlet").size().max())
    fig, axes = panel_grid(len(outlets), ncols, 3.4, 0.2 * n_max + 1.2)
    for ax, outlet in zip(axes, outlets):
        sub = top[top["outlet"] == outlet].sort_values("rank", ascending=False)
        ax.barh(sub["term"], sub["score"], color=outlet_color(outlet))
        ax.set_title(outlet, loc="left", fontsize=10)
        ax.tick_params(axis="y", labelsize=9)
        ax.set_xlabel(xlabel, fontsize=9)
    grid_title(fig, title)
    return fig, axes


def shared_terms(top: pd.DataFrame, scores: pd.DataFrame, title: str, *, n: int = 8, ncols: int = 2):
    """Small multiples, one panel per outlet: its top *n* terms (rank 1 on top), each bar as long as the number
    of outlets that use the term, in the outlet's colour where only it does (grey where shared), with a note:
    "only here", the one other outlet's name, or how many others.

    Parameters
    ----------
    top : DataFrame with ``outlet``, ``rank``, ``term`` (``newslens.terms.top_terms``).
    scores : outlet x term DataFrame (counts or TF-IDF weights); a term is used by an outlet where its value > 0.
    """
    outlets = list(dict.fromkeys(top["outlet"]))
    used = scores.gt(0)
    k = len(used.index)
    fig, axes = panel_grid(len(outlets), ncols, 4.6, 0.25 * n + 1.0)
    for ax, outlet in zip(axes, outlets):
        sub = top[(top["outlet"] == outlet) & (top["rank"] <= n)].sort_values("rank")
        terms = list(sub["term"])[::-1]
        users = [[o for o in used.index if used.at[o, t]] for t in terms]
        widths = [len(u) for u in users]
        ax.barh(terms, widths, color=[outlet_color(outlet) if w == 1 else "#BBBBBB" for w in widths])
        for y, u in enumerate(users):
            others = [o for o in u if o != outlet]
            note = "only here" if not others else (f"+ {others[0]}" if len(others) == 1 else f"+ {len(others)} others")
            ax.text(k + 0.4, y, note, va="center", ha="left", fontsize=9, color="#333333")
        # the bars take the left of the panel, the notes the right: the x-axis is drawn under the bars only
        ax.set_xlim(0, k * 2.6 + 1)
        ax.set_xticks(range(1, k + 1))
        ax.spines["bottom"].set_bounds(0, k)
        ax.set_title(outlet, loc="left", fontsize=10)
        ax.set_xlabel("Outlets using the term", fontsize=9, loc="left")
    grid_title(fig, title)
    return fig, axes


def panel_grid(n: int, ncols: int, width: float, height: float):
    """*n* panels in rows of *ncols* (the unused cells hidden): ``(fig, axes)`` with ``axes`` a flat array."""
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat[:n]


def grid_title(fig, title: str, *, bottom: float = 0.0) -> None:
    """The figure title in a fixed band (inches), so it clears the first row of panels however many rows; the
    panels are laid out above *bottom* (a share of the figure's height kept for a key)."""
    height = fig.get_figheight()
    fig.suptitle(title, x=0.01, y=1 - 0.08 / height, ha="left", va="top", fontweight="bold")
    fig.tight_layout(rect=(0, bottom, 1, 1 - 0.35 / height))
