"""Shared figure style: one colour-blind-safe palette and the corpus figures of chapter 1.

Top layer: takes the tables the analyses return and draws them; computes nothing new.
"""
from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["OKABE_ITO", "LABEL_COLORS", "OUTLET_COLORS", "outlet_color", "setup_style", "label_bars", "timeline"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

#: Colours of the line labels, body first and strongest; furniture in greys.
LABEL_COLORS = {
    "body": "#0072B2",
    "headline": "#000000",
    "dek": "#56B4E9",
    "byline": "#CC79A7",
    "caption": "#E69F00",
    "boilerplate": "#BBBBBB",
}

#: Fixed colours for the outlets of this corpus; other outlets get the next free colour.
OUTLET_COLORS = {
    "The Washington Post": "#0072B2",
    "NPR": "#E69F00",
    "China Digital Times": "#009E73",
    "The Associated Press": "#CC79A7",
    "The Register": "#D55E00",
}


def outlet_color(outlet: str) -> str:
    """The colour of an outlet: fixed for known outlets, stable (by name) for new ones."""
    if outlet in OUTLET_COLORS:
        return OUTLET_COLORS[outlet]
    return OKABE_ITO[sum(map(ord, outlet)) % len(OKABE_ITO)]


def setup_style() -> None:
    """House style for every figure: readable fonts, no top/right spines, fixed resolution."""
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "newslens",
        }
    )


def label_bars(shares: pd.DataFrame, title: str, xlabel: str):
    """Stacked horizontal bars: one bar per capture, one segment per label.

    Parameters
    ----------
    shares : DataFrame, index = capture names (top to bottom), columns = labels (keys of
        :data:`LABEL_COLORS`), values = the share (0-100) or count to draw.
    """
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(shares) + 1.6))
    left = pd.Series(0.0, index=shares.index)
    names = list(shares.index)[::-1]
    for label in [c for c in LABEL_COLORS if c in shares.columns]:
        vals = shares[label].reindex(names)
        ax.barh(names, vals, left=left.reindex(names), color=LABEL_COLORS[label], label=label, edgecolor="white", linewidth=0.5)
        left = left.add(shares[label], fill_value=0)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.legend(ncol=len(shares.columns), loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    fig.tight_layout()
    return fig, ax


def timeline(events: pd.DataFrame, articles: pd.DataFrame, title: str):
    """The story's events as dated ticks above a line, publication dates as coloured markers below.

    Parameters
    ----------
    events : DataFrame with ``date``, ``end`` (or NaT) and ``label``.
    articles : DataFrame with ``date`` and ``outlet``.
    """
    fig, ax = plt.subplots(figsize=(9, 5.2))
    ax.axhline(0, color="#666666", linewidth=1)
    ev = events.sort_values("date").reset_index(drop=True)
    for k, row in ev.iterrows():
        y = 0.6 + 0.55 * (k % 4)
        start, end = row["date"], row["end"] if pd.notna(row["end"]) else row["date"]
        ax.plot([start, end], [0, 0], color="#333333", linewidth=5, solid_capstyle="butt")
        ax.plot([start, start], [0, y], color="#999999", linewidth=0.8)
        ax.text(start, y, f"{start:%d %b}: {row['label']}", fontsize=8, va="bottom", ha="left", wrap=True)
    arts = articles.sort_values("date").reset_index(drop=True)
    for k, row in arts.iterrows():
        y = -0.6 - 0.5 * (k % 3)
        ax.plot([row["date"], row["date"]], [0, y], color=outlet_color(row["outlet"]), linewidth=1.2)
        ax.plot(row["date"], y, "o", color=outlet_color(row["outlet"]), markersize=8)
        ax.text(row["date"], y - 0.12, f"{row['outlet']}\n{row['date']:%d %b}", fontsize=8, ha="center", va="top")
    ax.set_ylim(-2.4, 3.2)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    lo = min(ev["date"].min(), arts["date"].min()) - pd.Timedelta(days=3)
    hi = max(ev["date"].max(), arts["date"].max()) + pd.Timedelta(days=12)
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_xlabel("Date in 2021 (ticks on Mondays); events above the line, articles below")
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax
