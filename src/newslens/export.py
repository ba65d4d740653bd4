"""Write the book's tables as CSV files for analysts (``python -m newslens export``).

Top layer: each table is a function of the loaded corpus, registered in :data:`TABLES`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from newslens import framing
from newslens.codebooks import CODEBOOKS
from newslens.corpus import LABELS, Corpus, CorpusError, load_codebook
from newslens.display import round_table
from newslens.coverage import actors_table, event_coverage, fact_matrix, facts_table, word_choices
from newslens.framing import FramingError
from newslens.quotes import QuoteError, quotes_table
from newslens.reuse import ReuseError, reuse_table
from newslens.terms import TermsError, terms_export
from newslens.text import article_stats, sentence_table, word_count

#: The exceptions that mean "the input is wrong" (manifest, captures, codebooks, reference files),
#: as opposed to a bug: the command line turns them into one line and exit code 2.
INPUT_ERRORS = (CorpusError, FramingError, QuoteError, ReuseError, TermsError)


def _articles(corpus: Corpus) -> pd.DataFrame:
    stats = article_stats(corpus.articles, corpus.lines)
    stats["date"] = stats["date"].dt.strftime("%Y-%m-%d")
    extra = corpus.articles[["capture_site", "date_basis", "byline", "url", "sha256"]]
    return stats.join(extra).reset_index()


def _lines(corpus: Corpus) -> pd.DataFrame:
    return corpus.lines[["article", "line", "label", "voice", "quoted_outlet"]]


def _labels(corpus: Corpus) -> pd.DataFrame:
    lines = corpus.lines.assign(words=corpus.lines["text"].map(word_count))
    table = lines.groupby(["article", "label"], sort=False).agg(lines=("line", "size"), words=("words", "sum")).reset_index()
    order = {a: i for i, a in enumerate(corpus.articles.index)}
    table = table.assign(_a=table["article"].map(order), _l=table["label"].map({lab: i for i, lab in enumerate(LABELS)}))
    return table.sort_values(["_a", "_l"]).drop(columns=["_a", "_l"]).reset_index(drop=True)


def _events(corpus: Corpus) -> pd.DataFrame:
    facts = load_codebook("facts", corpus.data_dir)
    matrix = fact_matrix(sentence_table(corpus.lines), facts, list(corpus.articles.index))
    return event_coverage(corpus.articles, matrix, load_codebook("events", corpus.data_dir), facts)


def _word_choices(corpus: Corpus) -> pd.DataFrame:
    return word_choices(sentence_table(corpus.lines), load_codebook("wording", corpus.data_dir))


#: Table name -> (function of the corpus, description of the columns for ``--help``).
TABLES: dict[str, tuple[Callable[[Corpus], pd.DataFrame], str]] = {
    "articles": (
        _articles,
        "one row per capture: article (manifest id), file, outlet, date, headline, words_raw, words_body, "
        "words_own, words_quoted, words_furniture, share_body (%), lines_<label> counts, capture_site, date_basis, byline, url, sha256",
    ),
    "lines": (_lines, "one row per raw line: article, line (1-based, as cat -n counts), label, voice (own/quoted/''), quoted_outlet"),
    "labels": (_labels, "one row per article and line label present: article, label (headline/dek/byline/body/caption/boilerplate/blank), lines, words (as in the raw lines, inline markers included)"),
    "facts": (facts_table, "one row per article and fact of facts.yml: article, fact, present (0/1), evidence (body sentences, ' | '-joined), line, voice"),
    "events": (_events, "one row per article and event of events.yml: article, article_date, event, event_date, label, facts (the event's facts), reported_by (those the article reports), status (reported/missed/not yet/reported early/no fact)"),
    "actors": (actors_table, "one row per actor mention in body text: article, line, actor, name, kind, speaker_type, matched, by (alias/surname), voice, quoted_outlet, text"),
    "word_choices": (_word_choices, "one row per article, term of wording.yml and voice: article, group, group_label, term, label, voice (own/quoted), n, words, per_1000, examples"),
    "quotes": (quotes_table, "one row per direct quotation in body text: article, line, quote (exact text between the marks), speaker, speaker_type, kind (full/partial)"),
    "reuse": (reuse_table, "one row per line reusing an earlier article's text: article, line, source_article, source_line, similarity (shingle containment 0-1)"),
    "terms": (terms_export, "one row per outlet, view and term it uses: outlet, view (own/all), term (unigram or bigram), count, tfidf, rank_tfidf (1 = highest in the outlet), log_odds_z (Monroe et al. 2008, one vs rest), g2 (Dunning 1993, signed), log_ratio (log2)"),
    "frames": (framing.frames_table, "one row per article and Semetko-Valkenburg item: article, frame, item, answer (0/1), lines (evidence body lines, ;-joined), evidence (line N: sentence)"),
    "frame_scores": (framing.frame_scores_table, "one row per article: article, responsibility, human_interest, conflict, morality, economic (mean of the frame's items, 0-1)"),
    "entman": (framing.entman_table, "one row per article and Entman function: article, function, line, sentence, voice (own/quoted), score (cues matched), cues, text"),
    "responsibility": (framing.responsibility_table, "one row per blaming sentence and target: article, line, sentence, voice (own/quoted), target, target_label, cue, text"),
    "issue_frames": (framing.issue_frames_table, "one row per body paragraph and issue-specific frame present: article, line, voice, issue_frame, label, cues"),
}


#: The codebooks each table reads (every table also needs ``furniture``, which labels the lines).
TABLE_CODEBOOKS: dict[str, tuple[str, ...]] = {
    "facts": ("facts",), "events": ("facts", "events"), "actors": ("actors",), "word_choices": ("wording",),
    "quotes": ("speakers", "actors"), "terms": ("terms",), "frames": ("frames",), "frame_scores": ("frames",),
    "entman": ("frames",), "responsibility": ("frames",), "issue_frames": ("frames",),
}


def codebooks_for(names: list[str]) -> list[str]:
    """The codebooks the tables *names* read, in :data:`newslens.codebooks.CODEBOOKS` order."""
    needed = {"furniture"} | {c for n in names for c in TABLE_CODEBOOKS.get(n, ())}
    return [c for c in CODEBOOKS if c in needed]


def export_tables(corpus: Corpus, out: str | Path, names: list[str] | None = None) -> list[Path]:
    """Write each table in :data:`TABLES` (or only *names*) to ``out/<name>.csv``; return the paths.

    Float columns are rounded to :data:`newslens.display.TABLE_DECIMALS` decimals, because readers download these
    files from the chapters and they must be identical on every machine.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or list(TABLES):
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
        func, _doc = TABLES[name]
        table = round_table(func(corpus))
        path = out / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


def chapter_tables(corpus: Corpus, out: str | Path, names: list[str]) -> pd.DataFrame:
    """Write the tables *names* to ``out/`` (as :func:`export_tables`) and describe them for a chapter.

    Returns
    -------
    DataFrame indexed by ``file`` (``<name>.csv``): ``rows`` and ``columns`` (the column names, comma-joined).
    The chapter links each file with the ``{download}`` role.
    """
    rows = []
    for path in export_tables(corpus, out, names):
        table = pd.read_csv(path, keep_default_na=False)
        rows.append((path.name, len(table), ", ".join(table.columns)))
    return pd.DataFrame(rows, columns=["file", "rows", "columns"]).set_index("file")
