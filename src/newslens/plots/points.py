"""Dot and scatter figures: word choices, reuse similarity, distinctive terms (log-odds) and sentence tone."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .bars import grid_title, panel_grid
from .style import outlet_color, outlet_marker

#: Height (inches) of one article's line within a term's block of :func:`word_choice_dots`.
_SUBROW = 0.18


def word_choice_dots(choices: pd.DataFrame, labels: dict[str, str], title: str, *, outlets: dict[str, str] | None = None,
                     max_direct: int = 12):
    """One panel per wording group, all on one x-scale: for each term, one line per article that uses it, a dot
    at its rate per 1,000 body words (filled: own words; open: words it quotes) and the article named at the dot
    with its number of uses.

    With more than *max_direct* articles, each term is one row, its articles' dots side by side within it, and a
    key below the panels names them (direct labels would not fit).

    Parameters
    ----------
    choices : DataFrame from :func:`newslens.coverage.word_choices` (``article``, ``group``, ``term``, ``label``,
        ``voice``, ``n``, ``per_1000``; optionally ``group_label``). Terms no article uses are left out.
    labels : article id -> the name written at its dots, in line order.
    outlets : article id -> outlet name, for the colour and marker (:func:`outlet_color`, :func:`outlet_marker`);
        default *labels*.
    """
    used = choices[choices["n"] > 0]
    arts = list(labels)
    outlets = outlets or labels
    direct = len(arts) <= max_direct
    gap = 0.6 if direct else 0.0
    step = min(0.13, 0.7 / max(len(arts) - 1, 1))  # compact rows: the dots of one term stay within its row
    offsets = {a: (k - (len(arts) - 1) / 2) * step for k, a in enumerate(arts)}
    groups = list(dict.fromkeys(used["group"]))
    blocks = {g: _term_blocks(used[used["group"] == g], choices[choices["group"] == g], arts) for g in groups}
    sizes = [sum(len(b) for _, b in blocks[g]) + gap * len(blocks[g]) if direct else 2.1 * len(blocks[g]) for g in groups]
    key_rows = 0 if direct else -(-len(arts) // 3)
    fig, axes = plt.subplots(len(groups), 1, figsize=(8.5, _SUBROW * sum(sizes) + 0.75 * len(groups) + 1.4 + 0.28 * key_rows),
                             gridspec_kw={"height_ratios": sizes}, sharex=True, squeeze=False)
    xmax = float(used["per_1000"].max()) if len(used) else 1.0
    for ax, group in zip(axes[:, 0], groups):
        sub = used[used["group"] == group]
        y, ticks, names = 0.0, [], []
        for term_label, lines in blocks[group]:
            ticks.append(y + (len(lines) - 1) / 2 if direct else y)
            names.append(term_label)
            for art, rows in lines:
                color, marker = outlet_color(outlets.get(art, art)), outlet_marker(outlets.get(art, art))
                at = y if direct else y + offsets.get(art, 0.0)
                for row in rows.itertuples(index=False):
                    ax.plot(row.per_1000, at, marker, markersize=7 if direct else 5,
                            markerfacecolor=color if row.voice == "own" else "white", markeredgecolor=color, markeredgewidth=1.5)
                if direct:
                    uses = " + ".join(f"{int(r.n)}{'' if r.voice == 'own' else ' quoted'}" for r in rows.itertuples(index=False))
                    ax.annotate(f"{labels.get(art, art)}: {uses}", (rows["per_1000"].max(), at), xytext=(7, 0),
                                textcoords="offset points", va="center", fontsize=9, color="#222222")
                    y += 1
            y += gap if direct else 1.0
            ax.axhline(y - 0.5 - gap / 2, color="#DDDDDD", linewidth=0.6)
        ax.set_yticks(ticks, names)
        ax.set_ylim(y - gap - 0.5, -0.5 - gap / 2)
        ax.set_xlim(0, xmax * (1.45 if direct else 1.05))  # room for the names written right of the dots
        ax.tick_params(axis="x", labelbottom=True)
        ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(str(sub["group_label"].iloc[0]) if "group_label" in sub else group, loc="left", fontsize=10)
    axes[-1, 0].set_xlabel("Uses per 1,000 body words (filled: own words; open: quoted from other outlets)")
    bottom = 0.0
    if not direct:
        handles = [plt.Line2D([], [], marker=outlet_marker(outlets.get(a, a)), linestyle="", color=outlet_color(outlets.get(a, a)),
                              label=labels[a]) for a in arts]
        fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False)
        bottom = (0.28 * key_rows + 0.1) / fig.get_figheight()
    grid_title(fig, title, bottom=bottom)
    return fig, axes


def _term_blocks(used: pd.DataFrame, group_rows: pd.DataFrame, arts: list[str]):
    """[(term label, [(article, its rows), ...]), ...] in codebook term order and article order."""
    names = dict(zip(group_rows["term"], group_rows["label"]))
    order = {a: i for i, a in enumerate(arts)}
    out = []
    for term in dict.fromkeys(group_rows["term"]):
        rows = used[used["term"] == term]
        if rows.empty:
            continue
        per_art = sorted(rows.groupby("article", sort=False), key=lambda kv: order.get(kv[0], len(order)))
        out.append((names[term], [(a, r.sort_values("voice", ascending=True)) for a, r in per_art]))
    return out


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
    for reported, colour, marker, label in ((False, "#999999", "o", "not reported"), (True, "#D55E00", "D", "reported")):
        part = candidates["reported"] == reported
        ax.scatter(candidates.loc[part, "similarity"], jitter[part], s=22, color=colour, marker=marker, label=label, alpha=0.8)
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


def fightin_words(log_odds: pd.DataFrame, title: str, z: float = 1.96, label_top: int = 3, ncols: int = 3):
    """Monroe et al.'s plot, one panel per outlet: z-score of each term against its corpus frequency.

    Terms beyond ``|z| > z`` are drawn in the outlet's colour and labelled in bold; the *label_top* highest-z terms
    inside the band are labelled in grey. Labels are placed by rule, never across a threshold line: a term beyond a
    line is labelled on its far side, a term inside the band inside it, and labels that would overlap move on
    (away from the line) by one text height.

    Parameters
    ----------
    log_odds : DataFrame with ``outlet``, ``term``, ``count``, ``count_rest``, ``z``
        (``newslens.terms.log_odds_dirichlet``).
    """
    outlets = list(dict.fromkeys(log_odds["outlet"]))
    fig, axes = panel_grid(len(outlets), ncols, 3.4, 3.4)
    ymax = float(log_odds["z"].abs().max()) * 1.25
    to_label = []
    for ax, outlet in zip(axes, outlets):
        sub = log_odds[log_odds["outlet"] == outlet]
        total = sub["count"] + sub["count_rest"]
        beyond = sub["z"].abs() > z
        ax.scatter(total[~beyond], sub.loc[~beyond, "z"], s=6, color="#BBBBBB", linewidths=0)
        ax.scatter(total[beyond], sub.loc[beyond, "z"], s=18, color=outlet_color(outlet), marker=outlet_marker(outlet),
                   linewidths=0)
        ax.set_xscale("log")
        for value in (-z, z):
            ax.axhline(value, color="#777777", linewidth=0.7, linestyle="--")
        ax.set_ylim(-ymax, ymax)
        ranked = sub.assign(total=total).sort_values(["z", "term"], ascending=[False, True])
        shown = pd.concat([ranked[ranked["z"].abs() > z], ranked[ranked["z"].abs() <= z].head(label_top)])
        ax.set_title(outlet, loc="left", fontsize=10)
        ax.set_xlabel("Term count in the whole corpus (log scale)", fontsize=9)
        ax.set_ylabel("z-score, outlet vs rest", fontsize=9)
        to_label.append((ax, shown))
    grid_title(fig, title)  # the layout first: labels are placed in its final pixel positions
    for ax, shown in to_label:
        _place_labels(fig, ax, shown, z)
    return fig, axes


def _place_labels(fig, ax, shown: pd.DataFrame, z: float) -> None:
    """Write each term next to its point, on the side of the nearest threshold line it lies on, moving a label
    away from that line (one text height at a time) while it overlaps a label already placed or crosses a line."""
    fig.canvas.draw()  # fixes the layout so text extents are known
    renderer = fig.canvas.get_renderer()
    lines_px = [ax.transData.transform((1, v))[1] for v in (-z, z)]
    placed = []
    for row in shown.itertuples():
        strong = abs(row.z) > z
        # outward (away from zero) beyond a line; toward zero inside the band
        up = (row.z > 0) == strong
        text = ax.annotate(row.term, (row.total, row.z), xytext=(4, 3 if up else -3), textcoords="offset points",
                           va="bottom" if up else "top", fontsize=9, color="black" if strong else "#555555",
                           fontweight="bold" if strong else "normal")
        for _ in range(12):
            box = text.get_window_extent(renderer)
            crosses = any(box.y0 - 1 <= y <= box.y1 + 1 for y in lines_px)
            if not crosses and not any(box.overlaps(b) for b in placed):
                break
            dy = box.height * (1 if up else -1)
            x_off, y_off = text.get_position()  # offset in points
            text.set_position((x_off, y_off + dy * 72 / fig.dpi))
        placed.append(text.get_window_extent(renderer))


def tone_strips(scores: pd.DataFrame, outlets: list[str], title: str):
    """Sentence tone per outlet, own and quoted side by side: points (fixed jitter) and a median tick.

    Parameters
    ----------
    scores : DataFrame with ``outlet``, ``voice`` (own/quoted) and ``compound``.
    outlets : outlets top to bottom (each row is named on the y-axis).
    """
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(9, 0.8 * len(outlets) + 1.8))
    ys = {o: len(outlets) - 1 - i for i, o in enumerate(outlets)}
    marks = {"own": ("o", -0.15, "own words"), "quoted": ("^", 0.15, "quoted words")}
    for voice, (marker, dy, name) in marks.items():
        for o in outlets:
            vals = scores[(scores["outlet"] == o) & (scores["voice"] == voice)]["compound"].to_numpy()
            if not len(vals):
                continue
            y = ys[o] + dy + rng.uniform(-0.06, 0.06, len(vals))
            ax.scatter(vals, y, marker=marker, s=16, alpha=0.6, color=outlet_color(o), edgecolor="none")
            ax.plot([np.median(vals)] * 2, [ys[o] + dy - 0.12, ys[o] + dy + 0.12], color="black", linewidth=2)
        ax.scatter([], [], marker=marker, color="#666666", label=name)
    ax.plot([], [], color="black", linewidth=2, label="median")
    ax.axvline(0, color="#999999", linewidth=0.8, linestyle=":")
    ax.set_yticks(list(ys.values()), list(ys.keys()))
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("VADER compound score of a sentence (-1 negative … +1 positive)")
    ax.set_title(title, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig, ax
