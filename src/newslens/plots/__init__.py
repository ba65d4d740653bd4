"""Every figure of the book, in one colour-blind-safe house style (:mod:`.style`).

Top layer: takes the tables the analyses return and draws them; computes nothing new. The figures are grouped by
what they draw: :mod:`.bars` (stacked bars and term lists), :mod:`.heatmaps` (labelled grids), :mod:`.points`
(dot and scatter plots) and :mod:`.lines` (timeline and dendrogram).
"""
from __future__ import annotations

from .bars import label_bars, panel_grid, shared_terms, stacked_bars, target_bars, term_bars, voice_bars
from .heatmaps import FACT_STATE_COLORS, annotated_heatmap, fact_heatmap, heatmap, term_heatmap
from .lines import outlet_dendrogram, timeline
from .points import fightin_words, similarity_strip, tone_strips, word_choice_dots
from .style import (
    DPI,
    LABEL_COLORS,
    MIN_FONT_PT,
    OKABE_ITO,
    OTHER_TYPE_COLOR,
    OUTLET_MARKERS,
    OUTLET_PALETTE,
    is_dark,
    message_figure,
    outlet_color,
    outlet_marker,
    setup_style,
    smallest_font,
    speaker_type_colors,
)

__all__ = [
    "DPI", "FACT_STATE_COLORS", "LABEL_COLORS", "MIN_FONT_PT", "OKABE_ITO", "OTHER_TYPE_COLOR", "OUTLET_MARKERS",
    "OUTLET_PALETTE", "annotated_heatmap", "fact_heatmap", "fightin_words", "heatmap", "is_dark", "label_bars", "message_figure",
    "outlet_color", "outlet_dendrogram", "outlet_marker", "panel_grid", "setup_style", "shared_terms",
    "similarity_strip", "smallest_font", "speaker_type_colors", "stacked_bars", "target_bars", "term_bars",
    "term_heatmap", "timeline", "tone_strips", "voice_bars", "word_choice_dots",
]
