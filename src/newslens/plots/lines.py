"""Figures drawn with lines: the story's timeline and the outlets' dendrogram."""
from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from scipy.cluster.hierarchy import dendrogram

from .style import outlet_color, outlet_marker


def timeline(events: pd.DataFrame, articles: pd.DataFrame, title: str, *, max_legend: int = 8):
    """The story's events as rows (a dark mark on the day, a bar when it lasted several days) and each article's
    publication date as a dashed vertical line topped by its outlet's marker.

    Parameters
    ----------
    events : DataFrame with ``date``, ``end`` (or NaT) and ``label``.
    articles : DataFrame with ``date``, ``outlet`` and optionally ``label`` (the name shown; default the outlet).
    max_legend : with more articles than this, the lines are grey and each date is marked with its number of
        articles instead of a legend entry per article.
    """
    ev = events.sort_values("date", kind="stable").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(ev) + 2.4))
    ys = list(range(len(ev)))[::-1]
    for y, (_, row) in zip(ys, ev.iterrows()):
        end = row["end"] if pd.notna(row["end"]) else row["date"]
        ax.plot([row["date"], end + pd.Timedelta(hours=12)], [y, y], color="#333333", linewidth=6, solid_capstyle="round")
    ax.set_yticks(ys, [textwrap.fill(f"{d:%d %b}: {label}", 48) for d, label in zip(ev["date"], ev["label"])], fontsize=9)
    arts = articles.sort_values("date", kind="stable")
    names = arts["label"] if "label" in arts.columns else arts["outlet"]
    top = len(ev) - 0.3
    if len(arts) <= max_legend:
        for (_, row), name in zip(arts.iterrows(), names):
            color, marker = outlet_color(row["outlet"]), outlet_marker(row["outlet"])
            ax.axvline(row["date"], color=color, linewidth=2, linestyle="--")
            ax.plot([row["date"]], [top], marker=marker, color=color, markersize=9, linestyle="", clip_on=False,
                    label=f"{name} ({row['date']:%d %b})")
        ax.legend(title="Article published", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    else:
        per_day = arts.groupby("date").size()
        for day, n in per_day.items():
            ax.axvline(day, color="#777777", linewidth=1, linestyle="--")
            ax.annotate(str(n), (day, top), ha="center", va="bottom", fontsize=9, annotation_clip=False)
        ax.text(1.01, 1.0, "Dashed lines: days with\narticles (number above)", transform=ax.transAxes, va="top", fontsize=9)
    lo = min(ev["date"].min(), arts["date"].min()) - pd.Timedelta(days=2)
    hi = max(ev["date"].max(), arts["date"].max()) + pd.Timedelta(days=2)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.7, top)
    if (hi - lo).days <= 120:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        ticks = " (ticks on Mondays)"
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ticks = " (ticks at month starts)"
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d\n%b"))
    years = sorted({lo.year, hi.year})
    ax.set_xlabel(f"Date in {'–'.join(str(y) for y in years)}{ticks}")
    ax.set_title(title, loc="left", pad=14)
    fig.tight_layout()
    return fig, ax


def outlet_dendrogram(link, labels: list[str], title: str, xlabel: str = "Cosine distance (1 - cosine similarity)"):
    """A horizontal dendrogram of outlets from a scipy linkage matrix (``newslens.terms.outlet_linkage``), each
    leaf named in its outlet's colour."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(labels) + 1.4))
    dendrogram(link, labels=list(labels), orientation="right", ax=ax, color_threshold=0, above_threshold_color="#333333")
    for tick in ax.get_yticklabels():
        tick.set_color(outlet_color(tick.get_text()))
        tick.set_fontweight("bold")
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax
