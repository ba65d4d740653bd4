"""The house style shared by every figure: palettes, outlet colours and markers, fonts, and the message figure."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb
from matplotlib.text import Text

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

#: Outlet colours: Okabe-Ito reordered so the first five stay apart under deuteranopia and protanopia (simulated
#: with Machado et al. 2009, every pair at least 24 CIELAB units apart; the original order put green next to pink).
OUTLET_PALETTE = ["#0072B2", "#E69F00", "#000000", "#009E73", "#56B4E9", "#D55E00", "#CC79A7", "#F0E442"]

#: Outlet markers, in the same order as :data:`OUTLET_PALETTE`: an outlet is told apart by shape as well as colour.
OUTLET_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*"]

#: Colours of the line labels, body first and strongest; furniture in greys.
LABEL_COLORS = {
    "body": "#0072B2",
    "headline": "#000000",
    "dek": "#56B4E9",
    "byline": "#CC79A7",
    "caption": "#E69F00",
    "boilerplate": "#BBBBBB",
}

#: Colour of the speaker type the quote extractor gives an unattributed quote (:mod:`newslens.quotes`).
OTHER_TYPE_COLOR = "#BBBBBB"

#: The smallest font size (points) any figure uses. At the figures' 100 dpi that is 12.5 px, so a figure shown at
#: 72% of its natural width or more keeps every text at 9 px or more (the browser test checks it at 390 px).
MIN_FONT_PT = 9.0
DPI = 100

#: The outlets, in the order :func:`setup_style` was given them (a style setting, like matplotlib's rcParams).
_OUTLETS: list[str] = []


def _stable_index(name: str) -> int:
    return sum(map(ord, str(name)))


def outlet_color(outlet: str) -> str:
    """The colour of an outlet: its place in the order given to :func:`setup_style`, else stable by its name."""
    name = str(outlet)
    k = _OUTLETS.index(name) if name in _OUTLETS else _stable_index(name)
    return OUTLET_PALETTE[k % len(OUTLET_PALETTE)]


def outlet_marker(outlet: str) -> str:
    """The marker of an outlet, chosen like :func:`outlet_color`; past eight outlets the pairs still differ."""
    name = str(outlet)
    k = _OUTLETS.index(name) if name in _OUTLETS else _stable_index(name)
    # the marker cycle is shifted once per round of colours, so colour and marker repeat together only after 56
    return OUTLET_MARKERS[(k + k // len(OUTLET_PALETTE)) % len(OUTLET_MARKERS)]


def setup_style(outlets: list[str] | None = None) -> None:
    """House style for every figure: readable fonts (none below :data:`MIN_FONT_PT`), no top/right spines,
    fixed resolution.

    *outlets* (for example ``study.outlets``) fixes each outlet's colour and marker for every figure of the
    session: the palette's colours in that order, repeating after eight.
    """
    plt.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.labelsize": 10,
            "xtick.labelsize": MIN_FONT_PT + 1,
            "ytick.labelsize": MIN_FONT_PT + 1,
            "legend.fontsize": MIN_FONT_PT + 1,
            "legend.title_fontsize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "newslens",
        }
    )
    _OUTLETS.clear()
    _OUTLETS.extend(dict.fromkeys(str(name) for name in outlets or []))


def is_dark(color) -> bool:
    """Whether *color* (any matplotlib colour) is dark enough that text on it should be white (relative luminance)."""
    r, g, b = to_rgb(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def smallest_font(fig) -> float:
    """The smallest font size (points) of any visible, non-empty text in *fig* (ticks, labels, legends, notes)."""
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("inf")


def speaker_type_colors(types) -> dict[str, str]:
    """A colour per speaker type, in the order given (the codebook's ``speaker_types``).

    Okabe-Ito in that order, the type ``other`` (the extractor's type for an unattributed quote) in grey; past
    the eight colours the palette repeats and :func:`newslens.plots.voice_bars` hatches the repeats.

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


def message_figure(title: str, message: str):
    """A small figure that only states *message*: drawn where a figure has nothing to show for this data.

    A chapter keeps the figure (and its number and caption) whatever the data, so its cross-references hold.
    """
    fig, ax = plt.subplots(figsize=(7, 1.6))
    ax.text(0.0, 0.5, textwrap.fill(message, 80), ha="left", va="center", fontsize=10, transform=ax.transAxes)
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig, ax
