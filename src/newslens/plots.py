"""Shared figure style: one colour-blind-safe palette and the corpus figures of chapter 1.

Top layer: takes the tables the analyses return and draws them; computes nothing new.
"""
from __future__ import annotations

import textwrap

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
    """The story's events as rows (a dot, or a bar for a range) and each article's publication date as a vertical line.

    Parameters
    ----------
    events : DataFrame with ``date``, ``end`` (or NaT) and ``label``.
    articles : DataFrame with ``date`` and ``outlet``.
    """
    ev = events.sort_values("date", kind="stable").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(ev) + 2.4))
    ys = list(range(len(ev)))[::-1]
    for y, (_, row) in zip(ys, ev.iterrows()):
        end = row["end"] if pd.notna(row["end"]) else row["date"]
        ax.plot([row["date"], end + pd.Timedelta(hours=12)], [y, y], color="#333333", linewidth=6, solid_capstyle="round")
    ax.set_yticks(ys)
    ax.set_yticklabels([textwrap.fill(f"{d:%d %b}: {label}", 48) for d, label in zip(ev["date"], ev["label"])], fontsize=8)
    arts = articles.sort_values("date", kind="stable")
    for _, row in arts.iterrows():
        ax.axvline(row["date"], color=outlet_color(row["outlet"]), linewidth=2, linestyle="--", label=f"{row['outlet']} ({row['date']:%d %b})")
    lo = min(ev["date"].min(), arts["date"].min()) - pd.Timedelta(days=2)
    hi = max(ev["date"].max(), arts["date"].max()) + pd.Timedelta(days=2)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.7, len(ev) - 0.3)
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d\n%b"))
    ax.set_xlabel("Date in 2021 (ticks on Mondays)")
    ax.set_title(title, loc="left")
    ax.legend(title="Article published", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    fig.tight_layout()
    return fig, ax
