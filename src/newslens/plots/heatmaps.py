"""Heatmaps: one function draws every labelled grid (facts by article, terms by outlet, frames by article)."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from .style import is_dark

#: Cell states of the fact heatmap and their colours (absent, quoted only, own words).
FACT_STATE_COLORS = {"absent": "#F2F2F2", "quoted": "#56B4E9", "own": "#0072B2"}


def heatmap(values: pd.DataFrame, title: str, *, xlabel: str = "", ylabel: str = "", cmap="cividis",
            vmin: float | None = None, vmax: float | None = None, text: pd.DataFrame | None = None,
            cbar_label: str | None = None, handles: list | None = None, wrap: int = 14, cell: tuple = (1.25, 0.5)):
    """A labelled grid: rows top to bottom and columns left to right as in *values*, each cell coloured.

    Parameters
    ----------
    values : DataFrame of numbers; a missing value is drawn blank. Index and columns are the tick labels.
    cmap : a matplotlib colormap name, or a list of colours for the values 0, 1, 2, ... (categories).
    text : DataFrame of strings, same shape: written in each cell (black or white by the cell's lightness).
    cbar_label : draw a colour bar with this label (``None``: no colour bar).
    handles : legend entries (for example :class:`~matplotlib.patches.Patch`), shown below the grid.
    wrap : column labels are wrapped at this many characters; longer grids rotate them instead.
    cell : width and height (inches) of one cell.
    """
    data = values.to_numpy(dtype=float)
    rows, cols = data.shape
    if isinstance(cmap, list):
        cmap, vmin, vmax = ListedColormap(cmap), -0.5, len(cmap) - 0.5
    below = 0.3 * len(handles) + 0.2 if handles else 0.0
    upright = cols > 8
    label_h = 0.09 * max(len(str(c)) for c in values.columns) if upright else 0.5
    fig, ax = plt.subplots(figsize=(cell[0] * cols + 3.4, cell[1] * rows + 1.3 + label_h + below))
    finite = data[np.isfinite(data)]
    top = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    im = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=top, aspect="auto")
    if upright:
        ax.set_xticks(range(cols), [str(c) for c in values.columns], rotation=90)
    else:
        ax.set_xticks(range(cols), [textwrap.fill(str(c), wrap) for c in values.columns])
    ax.set_yticks(range(rows), [str(r) for r in values.index])
    ax.set_xticks([x - 0.5 for x in range(1, cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, rows)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.spines[:].set_visible(False)
    if text is not None:
        for i in range(rows):
            for j in range(cols):
                label = str(text.iat[i, j])
                if label and np.isfinite(data[i, j]):
                    dark = is_dark(im.cmap(im.norm(data[i, j]))[:3])
                    ax.text(j, i, label, ha="center", va="center", fontsize=9, color="white" if dark else "black")
    if cbar_label is not None:
        fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02).set_label(cbar_label)
    if handles:
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.0), frameon=False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    fig.tight_layout(rect=(0, below / fig.get_figheight(), 1, 1))
    return fig, ax


def _formatted(values: pd.DataFrame, fmt: str) -> pd.DataFrame:
    return values.apply(lambda col: col.map(lambda v: "" if pd.isna(v) else fmt.format(v)))


def fact_heatmap(matrix: pd.DataFrame, labels: dict[str, str], title: str):
    """Facts (rows, codebook order) by article (columns): absent, carried in quoted text only (Q), or own words (O).

    Parameters
    ----------
    matrix : DataFrame from :func:`newslens.coverage.fact_matrix` (``article``, ``fact``, ``present``, ``voice``).
    labels : article id -> column label (for example the outlet's name), in column order.
    """
    facts = list(dict.fromkeys(matrix["fact"]))
    arts = list(labels)
    code = [0 if p == 0 else (2 if str(v).startswith("own") else 1) for p, v in zip(matrix["present"], matrix["voice"])]
    state = (matrix.assign(code=code).pivot(index="fact", columns="article", values="code")
             .reindex(index=facts, columns=arts).fillna(0))
    state.columns = [labels[a] for a in arts]
    marks = state.apply(lambda col: col.map({0: "", 1: "Q", 2: "O"}))
    handles = [
        Patch(facecolor=FACT_STATE_COLORS["own"], label="O: in the article's own words"),
        Patch(facecolor=FACT_STATE_COLORS["quoted"], label="Q: only in text quoted from another outlet"),
        Patch(facecolor=FACT_STATE_COLORS["absent"], edgecolor="#BBBBBB", label="not reported"),
    ]
    width = 1.3 if len(arts) <= 8 else max(0.25, 11 / len(arts))  # many articles: narrower columns, fit a page
    return heatmap(state, title, cmap=list(FACT_STATE_COLORS.values()), text=marks, handles=handles, cell=(width, 0.3))


def term_heatmap(matrix: pd.DataFrame, title: str, cbar_label: str, annotate: bool = False, fmt: str = "{:.2f}",
                 cmap: str = "viridis", vmin=None, vmax=None):
    """A heatmap of a labelled matrix (rows top to bottom as given), optionally with each value written in."""
    text = _formatted(matrix, fmt) if annotate else None
    return heatmap(matrix, title, cmap=cmap, vmin=vmin, vmax=vmax, text=text, cbar_label=cbar_label,
                   cell=(1.1, 0.24 if len(matrix) > 8 else 0.6))


def annotated_heatmap(table: pd.DataFrame, title: str, xlabel: str, ylabel: str, fmt: str = "{:.2f}",
                      vmin: float = 0.0, vmax: float | None = None, cbar_label: str = ""):
    """A heatmap of *table* (rows top to bottom as given), every cell printed, sequential colour-blind-safe map."""
    return heatmap(table, title, xlabel=xlabel, ylabel=ylabel, cmap="cividis", vmin=vmin, vmax=vmax,
                   text=_formatted(table, fmt), cbar_label=cbar_label)

