"""Write the book's tables as CSV files for analysts (``python -m newslens export``).

Top layer: each table is a view of a :class:`newslens.study.Study`, registered in :data:`TABLES`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from newslens.codebooks import CODEBOOKS
from newslens.corpus import LABELS, CorpusError
from newslens.display import round_table
from newslens.framing import FramingError
from newslens.quotes import QuoteError
from newslens.reuse import ReuseError
from newslens.study import Study
from newslens.terms import VIEWS, TermsError
from newslens.text import word_count

#: The exceptions that mean "the input is wrong" (manifest, captures, codebooks, reference files),
#: as opposed to a bug: the command line turns them into one line and exit code 2.
INPUT_ERRORS = (CorpusError, FramingError, QuoteError, ReuseError, TermsError)


def _articles(study: Study) -> pd.DataFrame:
    stats = study.stats.copy()
    stats["date"] = stats["date"].dt.strftime("%Y-%m-%d")
    extra = study.corpus.articles[["capture_site", "date_basis", "byline", "url", "sha256"]]
    return stats.join(extra).reset_index()


def _labels(study: Study) -> pd.DataFrame:
    lines = study.lines.assign(words=study.lines["text"].map(word_count))
    table = lines.groupby(["article", "label"], sort=False).agg(lines=("line", "size"), words=("words", "sum")).reset_index()
    order = {a: i for i, a in enumerate(study.corpus.articles.index)}
    table = table.assign(_a=table["article"].map(order), _l=table["label"].map({lab: i for i, lab in enumerate(LABELS)}))
    return table.sort_values(["_a", "_l"]).drop(columns=["_a", "_l"]).reset_index(drop=True)


def _facts(study: Study) -> pd.DataFrame:
    # the export keeps manifest order, as every other table does
    order = {a: i for i, a in enumerate(study.corpus.articles.index)}
    facts = study.facts.assign(_a=study.facts["article"].map(order)).sort_values("_a", kind="stable")
    return facts[["article", "fact", "present", "evidence", "line", "voice"]].reset_index(drop=True)


def _terms(study: Study) -> pd.DataFrame:
    return pd.concat([study.term_table(v) for v in VIEWS], ignore_index=True)


#: Table name -> (function of the study, description of the columns for ``--help``).
TABLES: dict[str, tuple[Callable[[Study], pd.DataFrame], str]] = {
    "articles": (
        _articles,
        "one row per capture: article (manifest id), file, outlet, date, headline, words_raw, words_body, "
        "words_own, words_quoted, words_furniture, share_body (%), lines_<label> counts, capture_site, date_basis, byline, url, sha256",
    ),
    "lines": (lambda s: s.lines[["article", "line", "label", "voice", "quoted_outlet"]],
              "one row per raw line: article, line (1-based, as cat -n counts), label, voice (own/quoted/''), quoted_outlet"),
    "labels": (_labels, "one row per article and line label present: article, label (headline/dek/byline/body/caption/boilerplate/blank), lines, words (as in the raw lines, inline markers included)"),
    "facts": (_facts, "one row per article and fact of facts.yml: article, fact, present (0/1), evidence (body sentences, ' | '-joined), line, voice"),
    "events": (lambda s: s.event_status, "one row per article and event of events.yml: article, article_date, event, event_date, label, facts (the event's facts), reported_by (those the article reports), status (reported/missed/not yet/reported early/no fact)"),
    "actors": (lambda s: s.actor_mentions.drop(columns=["sentence"]), "one row per actor mention in body text: article, line, actor, name, kind, speaker_type, matched, by (alias/surname), voice, quoted_outlet, text"),
    "word_choices": (lambda s: s.word_choices, "one row per article, term of wording.yml and voice: article, group, group_label, term, label, voice (own/quoted), n, words, per_1000, examples"),
    "quotes": (lambda s: s.quotes[["article", "line", "quote", "speaker", "speaker_type", "kind"]],
               "one row per direct quotation in body text: article, line, quote (exact text between the marks), speaker, speaker_type, kind (full/partial)"),
    "reuse": (lambda s: s.reuse[["article", "line", "source_article", "source_line", "similarity"]],
              "one row per line reusing an earlier article's text: article, line, source_article, source_line, similarity (shingle containment 0-1)"),
    "terms": (_terms, "one row per outlet, view and term it uses: outlet, view (own/all), term (unigram or bigram), count, tfidf, rank_tfidf (1 = highest in the outlet), log_odds_z (Monroe et al. 2008, one vs rest), g2 (Dunning 1993, signed), log_ratio (log2)"),
    "frames": (lambda s: s.frame_codes[["article", "frame", "item", "answer", "lines", "evidence"]],
               "one row per article and Semetko-Valkenburg item: article, frame, item, answer (0/1), lines (evidence body lines, ;-joined), evidence (line N: sentence)"),
    "frame_scores": (lambda s: s.frame_scores.round(3).reset_index(),
                     "one row per article: article, responsibility, human_interest, conflict, morality, economic (mean of the frame's items, 0-1)"),
    "entman": (lambda s: s.entman, "one row per article and Entman function: article, function, line, sentence, voice (own/quoted), score (cues matched), cues, text"),
    "responsibility": (lambda s: s.responsibility, "one row per blaming sentence and target: article, line, sentence, voice (own/quoted), target, target_label, cue, text"),
    "issue_frames": (lambda s: s.issue_frames, "one row per body paragraph and issue-specific frame present: article, line, voice, issue_frame, label, cues"),
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


def export_tables(study: Study, out: str | Path, names: list[str] | None = None) -> list[Path]:
    """Write each table in :data:`TABLES` (or only *names*) of *study* to ``out/<name>.csv``; return the paths.

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
        table = round_table(func(study))
        path = out / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


def chapter_tables(study: Study, out: str | Path, names: list[str]) -> pd.DataFrame:
    """Write the tables *names* to ``out/`` (as :func:`export_tables`) and describe them for a chapter.

    Returns
    -------
    DataFrame indexed by ``file`` (``<name>.csv``): ``rows`` and ``columns`` (the column names, comma-joined).
    The chapter links each file with the ``{download}`` role.
    """
    rows = []
    for path in export_tables(study, out, names):
        table = pd.read_csv(path, keep_default_na=False)
        rows.append((path.name, len(table), ", ".join(table.columns)))
    return pd.DataFrame(rows, columns=["file", "rows", "columns"]).set_index("file")
