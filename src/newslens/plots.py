"""Shared figure style: one colour-blind-safe palette and the corpus figures of chapter 1.

Top layer: takes the tables the analyses return and draws them; computes nothing new.
"""
from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import dendrogram

__all__ = [
    "OKABE_ITO", "LABEL_COLORS", "outlet_color", "setup_style", "label_bars", "timeline", "speaker_type_colors",
    "voice_bars", "similarity_strip", "term_bars", "term_heatmap", "outlet_dendrogram", "fightin_words",
    "annotated_heatmap", "target_bars", "tone_strips", "message_figure"
]

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

#: The outlets' colours, in the order :func:`setup_style` was given them (a style setting, like matplotlib's rcParams).
_OUTLETS: dict[str, str] = {}


def outlet_color(outlet: str) -> str:
    """The colour of an outlet: its place in the order given to :func:`setup_style`, else stable by its name."""
    if outlet in _OUTLETS:
        return _OUTLETS[outlet]
    return OKABE_ITO[sum(map(ord, str(outlet))) % len(OKABE_ITO)]


def setup_style(outlets: list[str] | None = None) -> None:
    """House style for every figure: readable fonts, no top/right spines, fixed resolution.

    *outlets* (for example ``study.outlets``) fixes each outlet's colour for every figure of the session: the
    palette's colours in that order, repeating after eight.
    """
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
    _OUTLETS.clear()
    for i, name in enumerate(outlets or []):
        _OUTLETS[str(name)] = OKABE_ITO[i % len(OKABE_ITO)]


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


def timeline(events: pd.DataFrame, articles: pd.DataFrame, title: str, *, max_legend: int = 8):
    """The story's events as rows (a dot, or a bar for a range) and each article's publication date as a vertical line.

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
    ax.set_yticks(ys)
    ax.set_yticklabels([textwrap.fill(f"{d:%d %b}: {label}", 48) for d, label in zip(ev["date"], ev["label"])], fontsize=8)
    arts = articles.sort_values("date", kind="stable")
    names = arts["label"] if "label" in arts.columns else arts["outlet"]
    if len(arts) <= max_legend:
        for (_, row), name in zip(arts.iterrows(), names):
            ax.axvline(row["date"], color=outlet_color(row["outlet"]), linewidth=2, linestyle="--", label=f"{name} ({row['date']:%d %b})")
        ax.legend(title="Article published", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    else:
        per_day = arts.groupby("date").size()
        for day, n in per_day.items():
            ax.axvline(day, color="#777777", linewidth=1, linestyle="--")
            ax.annotate(str(n), (day, len(ev) - 0.3), ha="center", va="bottom", fontsize=8, annotation_clip=False)
        ax.text(1.01, 1.0, "Dashed lines: days with\narticles (number above)", transform=ax.transAxes, va="top", fontsize=8)
    lo = min(ev["date"].min(), arts["date"].min()) - pd.Timedelta(days=2)
    hi = max(ev["date"].max(), arts["date"].max()) + pd.Timedelta(days=2)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.7, len(ev) - 0.3)
    span_days = (hi - lo).days
    if span_days <= 120:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        ticks = " (ticks on Mondays)"
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ticks = " (ticks at month starts)"
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d\n%b"))
    years = sorted({lo.year, hi.year})
    ax.set_xlabel(f"Date in {'–'.join(str(y) for y in years)}{ticks}")
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax


# =========================================================================== chapter 2: coverage
# Figures of "Who covered what" (facts, word choices); they draw tables from newslens.coverage.

#: Cell states of the fact heatmap and their colours (absent, quoted only, own words).
FACT_STATE_COLORS = {"absent": "#F2F2F2", "quoted": "#56B4E9", "own": "#0072B2"}


def fact_heatmap(matrix: pd.DataFrame, labels: dict[str, str], title: str):
    """Facts (rows, codebook order) by article (columns): absent, carried in quoted text only, or own words.

    Parameters
    ----------
    matrix : DataFrame from :func:`newslens.coverage.fact_matrix` (``article``, ``fact``,
        ``present``, ``voice``).
    labels : article id -> column label (for example the outlet's name), in column order.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    facts = list(dict.fromkeys(matrix["fact"]))
    arts = list(labels)
    state = matrix.assign(
        code=[0 if p == 0 else (2 if str(v).startswith("own") else 1) for p, v in zip(matrix["present"], matrix["voice"])]
    ).pivot(index="fact", columns="article", values="code").reindex(index=facts, columns=arts)
    many = len(arts) > 8
    width = max(0.25, 11 / len(arts)) if many else 1.3  # many articles: narrower columns, fit a page
    # many articles: labels stand upright below the grid and the legend moves beside it
    below = 0.075 * max(len(str(labels[a])) for a in arts) if many else 0.0
    fig, ax = plt.subplots(figsize=(width * len(arts) + 2.6 + (2.4 if many else 0.0), 0.3 * len(facts) + 1.8 + below))
    cmap = ListedColormap(list(FACT_STATE_COLORS.values()))
    ax.imshow(state.to_numpy(), cmap=cmap, vmin=0, vmax=2, aspect="auto")
    marks = {1: "Q", 2: "O"}
    for i in range(len(facts)):
        for j in range(len(arts)):
            code = int(state.iat[i, j])
            if code:
                ax.text(j, i, marks[code], ha="center", va="center", fontsize=7, color="white" if code == 2 else "black")
    ax.set_xticks(range(len(arts)), [labels[a] for a in arts], rotation=90 if many else 20, ha="center" if many else "right")
    ax.set_yticks(range(len(facts)), facts)
    ax.set_xticks([x - 0.5 for x in range(1, len(arts))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(facts))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [
        Patch(facecolor=FACT_STATE_COLORS["own"], label="O: in the article's own words"),
        Patch(facecolor=FACT_STATE_COLORS["quoted"], label="Q: only in text quoted from another outlet"),
        Patch(facecolor=FACT_STATE_COLORS["absent"], edgecolor="#BBBBBB", label="not reported"),
    ]
    if many:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=1, frameon=False, fontsize=8)
    else:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.4, -0.12), ncol=1, frameon=False, fontsize=8)
    ax.set_xlabel("")
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax


def word_choice_dots(choices: pd.DataFrame, labels: dict[str, str], title: str, *, outlets: dict[str, str] | None = None):
    """One panel per wording group: rate per 1,000 body words of each term, one dot per article,
    filled for the article's own words and open for words it quotes from other outlets.

    Parameters
    ----------
    choices : DataFrame from :func:`newslens.coverage.word_choices` (``article``, ``group``,
        ``term``, ``label``, ``voice``, ``n``, ``per_1000``). Terms no article uses are left out.
    labels : article id -> legend label, in legend order.
    outlets : article id -> outlet name, for the colour (:func:`outlet_color`); the captures of one outlet share
        its colour and differ by marker shape. Default: *labels*.
    """
    used = choices[choices["n"] > 0]
    groups = list(dict.fromkeys(used["group"]))
    sizes = [used[used["group"] == g]["term"].nunique() for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(8.5, 0.38 * sum(sizes) + 1.2 * len(groups) + 0.6),
                             gridspec_kw={"height_ratios": sizes}, squeeze=False)
    arts = list(labels)
    outlets = outlets or labels
    shapes = "os^Dv<>P"
    nth = pd.Series([outlets[a] for a in arts]).groupby([outlets[a] for a in arts]).cumcount().tolist()
    style = {a: (outlet_color(outlets[a]), shapes[k % len(shapes)]) for a, k in zip(arts, nth)}
    step = min(0.13, 0.7 / max(len(arts) - 1, 1))  # the dots of one term stay within its row
    offsets = {a: (k - (len(arts) - 1) / 2) * step for k, a in enumerate(arts)}
    for ax, group in zip(axes[:, 0], groups):
        sub = used[used["group"] == group]
        terms = list(dict.fromkeys(choices[(choices["group"] == group) & choices["term"].isin(sub["term"])]["term"]))
        names = dict(zip(choices["term"][choices["group"] == group], choices["label"][choices["group"] == group]))
        for row in sub.itertuples(index=False):
            y = terms.index(row.term) + offsets.get(row.article, 0)
            color, shape = style.get(row.article, (outlet_color(str(row.article)), "o"))
            face = color if row.voice == "own" else "white"
            ax.plot(row.per_1000, y, shape, markersize=7 if len(arts) <= 12 else 5, markerfacecolor=face,
                    markeredgecolor=color, markeredgewidth=1.5)
        ax.set_yticks(range(len(terms)), [names[t] for t in terms])
        ax.set_ylim(len(terms) - 0.5, -0.5)
        ax.set_xlim(left=0)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(str(sub["group_label"].iloc[0]) if "group_label" in sub else group, loc="left", fontsize=10)
    axes[-1, 0].set_xlabel("Uses per 1,000 body words (own words: filled; quoted from other outlets: open)")
    handles = [plt.Line2D([], [], marker=style[a][1], linestyle="", color=style[a][0], label=labels[a]) for a in arts]
    if len(arts) <= 8:
        fig.legend(handles=handles, loc="upper right", frameon=False, fontsize=8)
    else:  # a long legend goes beside the panels (the inline backend crops the figure to what is drawn)
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 0.95), frameon=False, fontsize=7,
                   ncol=1 + len(arts) // 25)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
    fig.tight_layout()
    return fig, axes


# =========================================================================== chapter 2: quotes and reuse
# (added for chapter 2's sections "Quotes and voices" and "Text reuse")

#: Colour of the speaker type the quote extractor gives an unattributed quote (:mod:`newslens.quotes`).
OTHER_TYPE_COLOR = "#BBBBBB"


def speaker_type_colors(types) -> dict[str, str]:
    """A colour per speaker type, in the order given (the codebook's ``speaker_types``).

    Okabe-Ito in that order, the type ``other`` (the extractor's type for an unattributed quote) in grey; past
    the eight colours the palette repeats and :func:`voice_bars` hatches the repeats, so every type stays apart.

    Parameters
    ----------
    types : iterable of str, speaker types in display order; duplicates are ignored.
    """
    out: dict[str, str] = {}
    k = 0
    for stype in dict.fromkeys(map(str, types)):
        if stype == "other":
            out[stype] = OTHER_TYPE_COLOR
        else:
            out[stype] = OKABE_ITO[k % len(OKABE_ITO)]
            k += 1
    return out


def voice_bars(shares: pd.DataFrame, title: str, xlabel: str, *, types=None):
    """Stacked horizontal bars: one bar per row of *shares*, one segment per speaker type.

    Parameters
    ----------
    shares : DataFrame, index = articles (top to bottom, as they should read), columns = speaker types,
        values = the share (0-100) or count to draw; a missing value draws nothing.
    types : speaker types in legend order (the codebook's ``speaker_types``); a column of *shares* not listed
        is drawn after them. Every column present gets a segment and a legend entry, coloured by
        :func:`speaker_type_colors`.
    """
    order = [t for t in dict.fromkeys(types or []) if t in shares.columns]
    order += [c for c in shares.columns if c not in order]
    colors = speaker_type_colors(order)
    step = 0.6 if len(shares) <= 12 else 0.3  # long corpora: thinner bars keep the figure on a screen or two
    fig, ax = plt.subplots(figsize=(8.5, step * len(shares) + 2.0 + 0.2 * (len(order) // 3)))
    names = list(shares.index)[::-1]
    left = pd.Series(0.0, index=names)
    seen: set[str] = set()
    for stype in order:
        vals = shares[stype].reindex(names).fillna(0)
        hatch = "//" if colors[stype] in seen else None  # palette repeats past eight types
        seen.add(colors[stype])
        ax.barh(names, vals, left=left, color=colors[stype], label=stype.replace("_", " "), hatch=hatch,
                edgecolor="white", linewidth=0.5)
        left = left + vals
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.legend(ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.22 if len(shares) <= 12 else -0.05),
              frameon=False, fontsize=8)
    fig.tight_layout()
    return fig, ax


def similarity_strip(candidates: pd.DataFrame, threshold: float, title: str):
    """Every candidate pair of lines as a dot on the similarity axis, reported pairs highlighted.

    Parameters
    ----------
    candidates : DataFrame with ``similarity`` and a boolean ``reported`` column.
    threshold : the reporting threshold, drawn as a dashed line.
    """
    fig, ax = plt.subplots(figsize=(8, 2.6))
    rank = candidates["similarity"].rank(method="first")
    jitter = ((rank * 0.618) % 1 - 0.5) * 0.6
    for reported, colour, label in ((False, "#999999", "not reported"), (True, "#D55E00", "reported")):
        part = candidates["reported"] == reported
        ax.scatter(candidates.loc[part, "similarity"], jitter[part], s=22, color=colour, label=label, alpha=0.8)
    ax.axvline(threshold, color="#333333", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1.05)
    ax.set_ylim(-0.6, 0.6)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("Similarity: shared shingles / shingles of the shorter line")
    ax.set_title(title, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45), ncol=2, frameon=False)
    fig.tight_layout()
    return fig, ax



# =========================================================================== chapter 3: terms
# Figures of the term comparison (newslens.terms).




def _grid(n: int, ncols: int, width: float, height: float):
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat[:n]


def _grid_title(fig, title: str) -> None:
    # A fixed band in inches for the title, so it clears the first row of panels however many rows there are.
    height = fig.get_figheight()
    fig.suptitle(title, x=0.01, y=1 - 0.08 / height, ha="left", va="top", fontweight="bold")
    fig.tight_layout()


def term_bars(top: pd.DataFrame, title: str, xlabel: str, ncols: int = 3):
    """Small multiples: one panel per outlet, its top terms as horizontal bars (rank 1 on top).

    Parameters
    ----------
    top : DataFrame with ``outlet``, ``rank``, ``term``, ``score`` (``newslens.terms.top_terms``).
    """
    outlets = list(dict.fromkeys(top["outlet"]))
    n_max = int(top.groupby("outlet").size().max())
    fig, axes = _grid(len(outlets), ncols, 3.6, 0.2 * n_max + 1.2)
    for ax, outlet in zip(axes, outlets):
        sub = top[top["outlet"] == outlet].sort_values("rank", ascending=False)
        ax.barh(sub["term"], sub["score"], color=outlet_color(outlet))
        ax.set_title(outlet, loc="left", fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel(xlabel, fontsize=8)
    _grid_title(fig, title)
    return fig, axes


def term_heatmap(matrix: pd.DataFrame, title: str, cbar_label: str, annotate: bool = False, fmt: str = "{:.2f}",
                 cmap: str = "viridis", vmin=None, vmax=None):
    """A heatmap of a labelled matrix (rows top to bottom as given), optionally with each value written in."""
    rows, cols = matrix.shape
    fig, ax = plt.subplots(figsize=(1.1 * cols + 3.2, 0.24 * rows + 1.8 if rows > 8 else 0.6 * rows + 1.8))
    im = ax.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks(range(cols))
    ax.set_xticklabels(matrix.columns, rotation=30, ha="right")
    ax.set_yticks(range(rows))
    ax.set_yticklabels(matrix.index, fontsize=8 if rows > 8 else 10)
    ax.spines[:].set_visible(False)
    if annotate:
        values = matrix.to_numpy(dtype=float)
        mid = np.nanmean([np.nanmin(values), np.nanmax(values)])
        for i in range(rows):
            for j in range(cols):
                ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=8, color="white" if values[i, j] < mid else "black")
    fig.colorbar(im, ax=ax, label=cbar_label, shrink=0.8)
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax


def outlet_dendrogram(link, labels: list[str], title: str, xlabel: str = "Cosine distance (1 - cosine similarity)"):
    """A horizontal dendrogram of outlets from a scipy linkage matrix (``newslens.terms.outlet_linkage``)."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(labels) + 1.4))
    dendrogram(link, labels=list(labels), orientation="right", ax=ax, color_threshold=0, above_threshold_color="#333333")
    for tick in ax.get_yticklabels():
        tick.set_color(outlet_color(tick.get_text()))
        tick.set_fontweight("bold")
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax


def fightin_words(log_odds: pd.DataFrame, title: str, z: float = 1.96, label_top: int = 3, ncols: int = 3):
    """Monroe et al.'s plot, one panel per outlet: z-score of each term against its corpus frequency.

    Terms beyond ``|z| > z`` are drawn in the outlet's colour and labelled in bold; the
    *label_top* highest-z terms below it are labelled in grey so every panel can be read.

    Parameters
    ----------
    log_odds : DataFrame with ``outlet``, ``term``, ``count``, ``count_rest``, ``z``
        (``newslens.terms.log_odds_dirichlet``).
    """
    outlets = list(dict.fromkeys(log_odds["outlet"]))
    fig, axes = _grid(len(outlets), ncols, 3.8, 3.2)
    ymax = float(log_odds["z"].abs().max()) * 1.15
    for ax, outlet in zip(axes, outlets):
        sub = log_odds[log_odds["outlet"] == outlet]
        total = sub["count"] + sub["count_rest"]
        beyond = sub["z"].abs() > z
        ax.scatter(total[~beyond], sub.loc[~beyond, "z"], s=6, color="#BBBBBB", linewidths=0)
        ax.scatter(total[beyond], sub.loc[beyond, "z"], s=16, color=outlet_color(outlet), linewidths=0)
        ax.set_xscale("log")
        for value in (-z, z):
            ax.axhline(value, color="#777777", linewidth=0.7, linestyle="--")
        ranked = sub.assign(total=total).sort_values(["z", "term"], ascending=[False, True])
        shown = pd.concat([ranked[ranked["z"].abs() > z], ranked[ranked["z"].abs() <= z].head(label_top)])
        for k, row in enumerate(shown.itertuples()):
            strong = abs(row.z) > z
            ax.annotate(row.term, (row.total, row.z), xytext=(4, 6 - 9 * (k % 3)), textcoords="offset points", fontsize=8,
                        color="black" if strong else "#555555", fontweight="bold" if strong else "normal")
        ax.set_ylim(-ymax, ymax)
        ax.set_title(outlet, loc="left", fontsize=10)
        ax.set_xlabel("Term count in the whole corpus (log scale)", fontsize=8)
        ax.set_ylabel("z-score, outlet vs rest", fontsize=8)
    _grid_title(fig, title)
    return fig, axes


# =============================================================================
# Framing figures (chapter 4). Draw tables computed by newslens.framing.
# =============================================================================

def annotated_heatmap(table: pd.DataFrame, title: str, xlabel: str, ylabel: str, fmt: str = "{:.2f}",
                      vmin: float = 0.0, vmax: float | None = None, cbar_label: str = ""):
    """A heatmap of *table* (rows top to bottom as given), every cell printed, sequential colour-blind-safe map."""
    import numpy as np

    values = table.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.25 * table.shape[1] + 3.2, 0.5 * table.shape[0] + 1.8))
    im = ax.imshow(values, cmap="cividis", vmin=vmin, vmax=vmax if vmax is not None else np.nanmax(values), aspect="auto")
    ax.set_xticks(range(table.shape[1]))
    ax.set_xticklabels([textwrap.fill(str(c), 14) for c in table.columns], fontsize=8)
    ax.set_yticks(range(table.shape[0]))
    ax.set_yticklabels(table.index)
    hi = (im.norm.vmax + im.norm.vmin) / 2
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            v = values[i, j]
            ax.text(j, i, "" if np.isnan(v) else fmt.format(v), ha="center", va="center", fontsize=8,
                    color="black" if v > hi else "white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label(cbar_label)
    fig.tight_layout()
    return fig, ax


def target_bars(counts: pd.DataFrame, labels: dict[str, str], title: str):
    """Two panels (own words, quoted words): stacked horizontal bars of blame targets per outlet.

    Parameters
    ----------
    counts : DataFrame, index (outlet, voice) with voice in {own, quoted}, one column per target.
    labels : target id -> label for the legend.
    """
    outlets = list(dict.fromkeys(counts.index.get_level_values(0)))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.5 * len(outlets) + 2.2), sharey=True, sharex=True)
    colors = dict(zip(counts.columns, OKABE_ITO + ["#999999"] * len(counts.columns)))
    for ax, voice in zip(axes, ["own", "quoted"]):
        left = pd.Series(0.0, index=outlets)
        part = counts.xs(voice, level=1).reindex(outlets)
        for t in counts.columns:
            ax.barh(outlets, part[t], left=left, color=colors[t], label=labels.get(t, t), edgecolor="white", linewidth=0.5)
            left = left + part[t]
        ax.set_title(f"{'Own words' if voice == 'own' else 'Quoted words'}", loc="left", fontsize=10)
        ax.set_xlabel("Blaming sentences")
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, ncol=4, loc="lower center", frameon=False, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig, axes


def tone_strips(scores: pd.DataFrame, outlets: list[str], title: str):
    """Sentence tone per outlet, own and quoted side by side: points (fixed jitter) and a median tick.

    Parameters
    ----------
    scores : DataFrame with ``outlet``, ``voice`` (own/quoted) and ``compound``.
    outlets : outlets top to bottom.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(9, 0.8 * len(outlets) + 1.8))
    ys = {o: len(outlets) - 1 - i for i, o in enumerate(outlets)}
    marks = {"own": ("o", -0.15, "own words"), "quoted": ("^", 0.15, "quoted words")}
    for voice, (marker, dy, name) in marks.items():
        first = True
        for o in outlets:
            vals = scores[(scores["outlet"] == o) & (scores["voice"] == voice)]["compound"].to_numpy()
            if not len(vals):
                continue
            y = ys[o] + dy + rng.uniform(-0.06, 0.06, len(vals))
            ax.scatter(vals, y, marker=marker, s=16, alpha=0.6, color=outlet_color(o), edgecolor="none",
                       label=None)
            ax.plot([np.median(vals)] * 2, [ys[o] + dy - 0.12, ys[o] + dy + 0.12], color="black", linewidth=2,
                    label="median" if first and voice == "own" else None)
            first = False
        ax.scatter([], [], marker=marker, color="#666666", label=name)
    ax.axvline(0, color="#999999", linewidth=0.8, linestyle=":")
    ax.set_yticks(list(ys.values()))
    ax.set_yticklabels(list(ys.keys()))
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("VADER compound score of a sentence (-1 negative … +1 positive)")
    ax.set_title(title, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    fig.tight_layout()
    return fig, ax


def message_figure(title: str, message: str):
    """A small figure that only states *message*: drawn where a figure has nothing to show for this data.

    A chapter keeps the figure (and its number and caption) whatever the data, so its cross-references hold.
    """
    fig, ax = plt.subplots(figsize=(7, 1.6))
    ax.text(0.0, 0.5, textwrap.fill(message, 90), ha="left", va="center", fontsize=10, transform=ax.transAxes)
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax


