"""Write the book's tables as CSV files for analysts (``python -m newslens export``).

Top layer: each table is a function of the loaded corpus, registered in :data:`TABLES`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from newslens import framing
from newslens.corpus import Corpus
from newslens.coverage import actors_table, facts_table
from newslens.quotes import quotes_table
from newslens.reuse import reuse_table
from newslens.terms import terms_export
from newslens.text import article_stats


def _articles(corpus: Corpus) -> pd.DataFrame:
    stats = article_stats(corpus.articles, corpus.lines)
    stats["date"] = stats["date"].dt.strftime("%Y-%m-%d")
    extra = corpus.articles[["capture_site", "date_basis", "byline", "url", "sha256"]]
    return stats.join(extra).reset_index()


def _lines(corpus: Corpus) -> pd.DataFrame:
    return corpus.lines[["article", "line", "label", "voice", "quoted_outlet"]]


#: Table name -> (function of the corpus, description of the columns for ``--help``).
TABLES: dict[str, tuple[Callable[[Corpus], pd.DataFrame], str]] = {
    "articles": (
        _articles,
        "one row per capture: article (manifest id), file, outlet, date, headline, words_raw, words_body, "
        "words_own, words_quoted, words_furniture, share_body (%), lines_<label> counts, capture_site, date_basis, byline, url, sha256",
    ),
    "lines": (_lines, "one row per raw line: article, line (1-based, as cat -n counts), label, voice (own/quoted/''), quoted_outlet"),
    "facts": (facts_table, "one row per article and fact of facts.yml: article, fact, present (0/1), evidence (body sentences, ' | '-joined), line, voice"),
    "actors": (actors_table, "one row per actor mention in body text: article, line, actor, name, kind, speaker_type, matched, by (alias/surname), voice, quoted_outlet, text"),
    "quotes": (quotes_table, "one row per direct quotation in body text: article, line, quote (exact text between the marks), speaker, speaker_type, kind (full/partial)"),
    "reuse": (reuse_table, "one row per line reusing an earlier article's text: article, line, source_article, source_line, similarity (shingle containment 0-1)"),
    "terms": (terms_export, "one row per outlet, view and term it uses: outlet, view (own/all), term (unigram or bigram), count, tfidf, rank_tfidf (1 = highest in the outlet), log_odds_z (Monroe et al. 2008, one vs rest), g2 (Dunning 1993, signed), log_ratio (log2)"),
    "frames": (framing.frames_table, "one row per article and Semetko-Valkenburg item: article, frame, item, answer (0/1), lines (evidence body lines, ;-joined), evidence (line N: sentence)"),
    "frame_scores": (framing.frame_scores_table, "one row per article: article, responsibility, human_interest, conflict, morality, economic (mean of the frame's items, 0-1)"),
    "entman": (framing.entman_table, "one row per article and Entman function: article, function, line, sentence, voice (own/quoted), score (cues matched), cues, text"),
    "responsibility": (framing.responsibility_table, "one row per blaming sentence and target: article, line, sentence, voice (own/quoted), target, target_label, cue, text"),
    "issue_frames": (framing.issue_frames_table, "one row per body paragraph and issue-specific frame present: article, line, voice, issue_frame, label, cues"),
}


def export_tables(corpus: Corpus, out: str | Path, names: list[str] | None = None) -> list[Path]:
    """Write each table in :data:`TABLES` (or only *names*) to ``out/<name>.csv``; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or list(TABLES):
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
        func, _doc = TABLES[name]
        table = func(corpus)
        path = out / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
