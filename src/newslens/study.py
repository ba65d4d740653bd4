"""One study: a story's data folder loaded once, and every table of the book computed once, when first asked for.

The chapters, ``newslens export``, the benchmarks and the tests all ask a :class:`Study`; nothing else wires the
pipeline. The analysis functions underneath stay pure (DataFrame in, DataFrame out).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
import warnings
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import pandas as pd

from newslens import cache, coverage, framing, parallel, quotes, reuse, terms
from newslens.codebooks import CODEBOOKS, check_codebooks
from newslens.corpus import (
    Corpus,
    extraction_disagreements,
    find_data_dir,
    inline_markers,
    label_agreement,
    load_codebook,
    load_corpus,
    load_events,
    load_manifest,
)
from newslens.reference import REFERENCES, covered, load_reference
from newslens.text import article_stats, sentence_table

_OPEN: dict[str, Study] = {}


def fingerprint(data_dir: str | Path) -> str:
    """A hash of everything the chapters read: the manifest, the captures, the codebooks, the hand codings and the
    chapters' commentary files (``commentary/<chapter>/*.md``; the front page and methods commentary are not in a chapter).

    Two folders with the same content have the same fingerprint; editing any of these files changes it.
    """
    data = Path(data_dir)
    h = hashlib.sha256()
    files = [data / "articles.csv", *sorted((data / "codebook").glob("*.yml")), *sorted((data / "reference").glob("*.csv")),
             *sorted((data / "raw").glob("*")), *sorted((data / "commentary").glob("*/*.md"))]
    for path in files:
        if path.is_file():
            h.update(str(path.relative_to(data)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def article_labels(articles: pd.DataFrame) -> pd.Series:
    """A short, unique label per article for tables and figures.

    The outlet's name when the outlet has one capture; otherwise the name and the date ("The Gazette, 13 Aug 2021"), and
    a number when one outlet has several captures on one day.
    """
    outlet = articles["outlet"].astype(str)
    dated = outlet + ", " + articles["date"].dt.strftime("%d %b %Y").str.lstrip("0")
    label = outlet.where(~outlet.duplicated(keep=False), dated)
    again = label.duplicated(keep=False)
    if again.any():
        n = label[again].groupby(label[again]).cumcount() + 1
        label[again] = label[again] + " (" + n.astype(str) + ")"
    return label.rename("label")


class _kept(cached_property):  # noqa: N801 (a decorator, named like the one it extends)
    """A ``cached_property`` of a :class:`Study` whose value also goes into the disk cache of a study made by
    :meth:`Study.open`, so that the next kernel that opens the same content gets it without computing it."""

    def __get__(self, instance, owner=None):
        if instance is None or self.attrname in instance.__dict__:
            return super().__get__(instance, owner)
        instance._computing += 1
        try:
            value = super().__get__(instance, owner)
        finally:
            instance._computing -= 1
        if not instance._computing:  # a table computed on the way to another is saved with it
            instance._save()
        return value


class Study:
    """A story's data folder, loaded and checked once.

    Parameters
    ----------
    data_dir : the folder with ``articles.csv``, ``raw/``, ``codebook/`` and optionally ``reference/`` and
        ``commentary/`` (default: found from the working folder upwards, as the chapters do).
    today : the date after which a publication date counts as in the future (default: today).
    progress : a progress wrapper for the loops over the captures (see :func:`newslens.corpus.load_manifest`);
        one process only (the partitions' tasks report nothing until they are done).
    workers : processes for the per-article stages (default 1: one process, no Dask). With more, the
        articles are cut into partitions (:func:`newslens.parallel.partition_size`) and Dask's local
        process scheduler runs them; the tables are exactly those of one process.
    scheduler : where the partitions run: a ``dask.distributed`` scheduler address (``tcp://host:8786``),
        a ``distributed.Client``, or one of Dask's local schedulers (``processes``, ``threads``,
        ``synchronous``); default: the ``NEWSLENS_SCHEDULER`` environment variable, else local processes
        when *workers* > 1. A cluster's workers must see the data folder at the same path.
    partition_size : articles per partition (default: :func:`newslens.parallel.partition_size`).
    partitions : instead of *partition_size*, this many partitions, as even as possible.
    tables : the per-article tables a parallel study computes in its partitions (default: every one of
        :data:`newslens.parallel.PER_ARTICLE` whose codebooks are in *codebooks*), and the corpus-wide stages
        whose partial results the partitions compute for a reduction (:data:`newslens.parallel.REDUCED`:
        ``terms``, ``reuse``); the others are computed on first use from the concatenated tables, in one
        process, as a single-process study does.

    Every codebook is checked before anything is computed, so bad input fails here, with one line naming the file
    and the entry (*codebooks* names the ones checked up front; others are checked when first used). Derived
    tables are attributes computed on first use and kept: ``sentences``, ``facts``,
    ``quotes``, ``reuse``, ``frame_codes`` and the rest. Use :meth:`open` to share one study between callers while
    the folder's content is unchanged.

    A parallel study (*workers* > 1 or a *scheduler*) computes its per-article tables
    (:data:`newslens.parallel.PER_ARTICLE`: those whose codebooks are in *codebooks*) when it is made, in the
    partitions' tasks; the corpus-wide ones (reuse, term tables) are computed on first use from the partitions'
    term counts and shingle indexes, summed and merged (:data:`newslens.parallel.REDUCED`).
    """

    # Disk-cache state (see _kept), as class defaults so a study made without __init__ (of_partition) has them too.
    _cache_key: str | None = None
    _computing: int = 0
    _warnings: list[tuple[str, type[Warning]]] = []

    def __init__(self, data_dir: str | Path | None = None, *, today: _dt.date | None = None,
                 codebooks: Iterable[str] = CODEBOOKS, progress=None, workers: int = 1, scheduler=None,
                 partition_size: int | None = None, partitions: int | None = None, tables: Iterable[str] | None = None):
        data = find_data_dir() if data_dir is None else Path(data_dir)
        names = list(codebooks)
        self.workers: int = parallel.check_workers(workers)
        self.scheduler = parallel.resolve_scheduler(scheduler)
        check_codebooks(names, data)
        self._codebooks: dict[str, dict] = {name: load_codebook(name, data) for name in names}
        if parallel.is_parallel(self.workers, self.scheduler):
            self.corpus: Corpus = self._load_parallel(data, today, partition_size, partitions, tables)
        else:
            self.corpus = load_corpus(data, today=today, progress=progress)
        self.data_dir: Path = self.corpus.data_dir
        self.references: dict[str, pd.DataFrame] = {}
        for kind in REFERENCES:
            books = {"facts": self.codebook("facts")} if kind == "facts" and (data / "reference").is_dir() else {}
            table = load_reference(kind, data, articles=self.corpus.articles, lines=self.corpus.lines, codebooks=books)
            if table is not None:
                self.references[kind] = table
        if "frames" in self.references:  # the items must be the codebook's
            self.references["frames"] = framing.load_manual(self.data_dir / "reference" / REFERENCES["frames"].file, self.frames_codebook)

    def _load_parallel(self, data: Path, today: _dt.date | None, size: int | None, count: int | None,
                       wanted: Iterable[str] | None) -> Corpus:
        """The corpus, and every per-article table its codebooks allow (or *wanted*), computed partition by partition."""
        articles = load_manifest(data, today=today, check_files=False)
        wanted = set([*parallel.PER_ARTICLE, *parallel.REDUCED] if wanted is None else wanted)
        unknown = sorted(wanted - set(parallel.PER_ARTICLE) - set(parallel.REDUCED))
        if unknown:
            raise parallel.ParallelError(f"tables {', '.join(unknown)}: not per-article tables; choose from "
                                         f"{', '.join([*parallel.PER_ARTICLE, *parallel.REDUCED])}")
        tables = [name for name, books in parallel.PER_ARTICLE.items() if name in wanted and set(books) <= set(self._codebooks)]
        reduced = parallel.reductions_for(wanted, self._codebooks)
        parts = parallel.compute_partitions(data, articles, self._codebooks, tables + reduced, workers=self.workers,
                                            scheduler=self.scheduler, size=size, count=count)
        corpus = Corpus(articles=articles, lines=parallel.concat_tables([p["lines"] for p in parts]), data_dir=data)
        self.corpus = corpus
        for name in tables:
            table = parallel.concat_tables([p[name] for p in parts])
            # a cached_property keeps its value in the instance's __dict__: set it as if computed here
            self.__dict__[name] = parallel.in_order(table, self.by_date) if name in parallel.BY_DATE else table
        self.__dict__.update(parallel.reduce_partitions(parts, reduced))
        return corpus

    @classmethod
    def of_partition(cls, data_dir: Path, articles: pd.DataFrame, lines: pd.DataFrame, codebooks: dict[str, dict]) -> Study:
        """The study of some articles of a folder (a partition), from their checked manifest rows and labelled
        lines and the codebooks already checked; its per-article tables are those rows of the whole study's."""
        study = cls.__new__(cls)
        study.corpus = Corpus(articles=articles, lines=lines, data_dir=Path(data_dir))
        study.data_dir = Path(data_dir)
        study._codebooks = dict(codebooks)
        study.references = {}
        study.workers, study.scheduler = 1, None
        return study

    def codebook(self, name: str) -> dict:
        """The parsed codebook *name* (one of :data:`newslens.codebooks.CODEBOOKS`), checked when first read."""
        if name not in self._codebooks:
            check_codebooks([name], self.data_dir)
            self._codebooks[name] = load_codebook(name, self.data_dir)
        return self._codebooks[name]

    @classmethod
    def open(cls, data_dir: str | Path | None = None, *, workers: int = 1, scheduler=None) -> Study:
        """The study of *data_dir*, shared while the folder's content (:func:`fingerprint`) is unchanged.

        Shared between processes too: the study and every table computed from it are kept in the disk cache of
        :mod:`newslens.cache`, keyed by the folder's content and the package's code, so each chapter's kernel
        after the first reads what an earlier one computed. The warnings of loading the folder are given again.

        *workers* and *scheduler* are used when the study is made (a shared study's tables do not depend on them).
        """
        data = (find_data_dir() if data_dir is None else Path(data_dir)).resolve()
        content = fingerprint(data)
        key = f"{data}\0{content}"
        if key not in _OPEN:
            _OPEN.clear()  # one study at a time: a new content replaces the old one
            entry = cache.key("study", str(data), content)
            study = cache.load("study", entry)
            if isinstance(study, cls):
                for message, category in study._warnings:
                    warnings.warn(message, category, stacklevel=2)
            else:
                with warnings.catch_warnings(record=True) as seen:
                    warnings.simplefilter("always")
                    study = cls(data, workers=workers, scheduler=scheduler)
                study._warnings = [(str(w.message), w.category) for w in seen]
                for message, category in study._warnings:
                    warnings.warn(message, category, stacklevel=2)
                study._cache_key = entry
                study._save()
            _OPEN[key] = study
        return _OPEN[key]

    def _save(self) -> None:
        """Keep this study and the tables computed so far in the disk cache (a study made by :meth:`open` only)."""
        if self._cache_key is not None:
            cache.store("study", self._cache_key, self)

    # ------------------------------------------------------------------ the corpus

    @property
    def articles(self) -> pd.DataFrame:
        """The manifest (index ``article``), with ``label``, a unique short name per article (:func:`article_labels`)."""
        return self._articles

    @cached_property
    def _articles(self) -> pd.DataFrame:
        return self.corpus.articles.assign(label=article_labels(self.corpus.articles))

    @property
    def lines(self) -> pd.DataFrame:
        """Every raw line with its label and voice (:func:`newslens.corpus.label_lines`)."""
        return self.corpus.lines

    @property
    def markers(self) -> re.Pattern:
        """The ``inline_markers`` of the folder's ``furniture.yml`` as one pattern (:func:`newslens.corpus.inline_markers`):
        every table here counts and shows body text without them; pass ``markers=study.markers`` to the functions of
        :mod:`newslens.text`, :mod:`newslens.terms` and :mod:`newslens.reuse` called on ``study.lines``."""
        return inline_markers(data_dir=self.data_dir)

    @cached_property
    def by_date(self) -> list[str]:
        """Article ids in publication order (ties in manifest order)."""
        return list(self.articles.sort_values("date", kind="stable").index)

    @cached_property
    def labels(self) -> pd.Series:
        """Article id to its label, in publication order."""
        return self.articles.loc[self.by_date, "label"]

    @cached_property
    def outlets(self) -> list[str]:
        """The outlets, in order of their first capture's date."""
        return list(pd.unique(self.articles.loc[self.by_date, "outlet"]))

    @cached_property
    def stats(self) -> pd.DataFrame:
        """Words and lines per article (:func:`newslens.text.article_stats`)."""
        return article_stats(self.corpus.articles, self.lines, markers=self.markers)

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """Body sentences (:func:`newslens.text.sentence_table`)."""
        return sentence_table(self.lines, markers=self.markers)

    @cached_property
    def paragraphs(self) -> pd.DataFrame:
        """Body paragraphs (:func:`newslens.framing.paragraph_table`)."""
        return framing.paragraph_table(self.lines, markers=self.markers)

    @cached_property
    def extraction_disagreements(self) -> pd.DataFrame:
        """Lines of saved-page captures where trafilatura and the labeller disagree on what is article text
        (:func:`newslens.corpus.extraction_disagreements`); empty when every capture is plain text."""
        return extraction_disagreements(self.corpus.articles, self.lines, furniture=self.codebook("furniture"))

    @cached_property
    def events(self) -> pd.DataFrame:
        """The story's timeline (:func:`newslens.corpus.load_events`)."""
        return load_events(self.data_dir)

    # ------------------------------------------------------------------ coverage

    @cached_property
    def facts(self) -> pd.DataFrame:
        """The fact matrix, articles in publication order (:func:`newslens.coverage.fact_matrix`)."""
        return coverage.fact_matrix(self.sentences, self.codebook("facts"), self.by_date)

    @cached_property
    def event_status(self) -> pd.DataFrame:
        """Every event's status for every article (:func:`newslens.coverage.event_coverage`)."""
        return coverage.event_coverage(self.corpus.articles, self.facts, self.codebook("events"), self.codebook("facts"))

    @cached_property
    def actor_mentions(self) -> pd.DataFrame:
        """Every actor mention in body text (:func:`newslens.coverage.actor_mentions`)."""
        return coverage.actor_mentions(self.sentences, self.codebook("actors"))

    @cached_property
    def unknown_names(self) -> pd.DataFrame:
        """Capitalised names the actors codebook does not know (:func:`newslens.coverage.unknown_names`); a parallel
        study adds up its partitions' (:func:`newslens.parallel.combine_unknown_names`)."""
        return coverage.unknown_names(self.sentences, self.codebook("actors"))

    @cached_property
    def word_choices(self) -> pd.DataFrame:
        """Uses of each term of ``wording.yml`` (:func:`newslens.coverage.word_choices`)."""
        return coverage.word_choices(self.sentences, self.codebook("wording"))

    @cached_property
    def quotes(self) -> pd.DataFrame:
        """Every direct quotation with its speaker (:func:`newslens.quotes.extract_quotes`)."""
        return quotes.extract_quotes(self.lines, data_dir=self.data_dir)

    @cached_property
    def _shingles(self) -> reuse.ShingleIndex:
        # The shingle index of the body lines, built once for both reuse tables; a parallel study reduces it from
        # its partitions' indexes (newslens.parallel.REDUCED).
        return reuse.shingle_index(self.lines, markers=self.markers)

    @cached_property
    def reuse(self) -> pd.DataFrame:
        """Lines that reuse an earlier article's text (:func:`newslens.reuse.find_reuse`)."""
        return reuse.find_reuse(self.lines, self.corpus.articles, markers=self.markers, index=self._shingles)

    @cached_property
    def reuse_clusters(self) -> pd.DataFrame:
        """Passages shared by two or more articles, one row per member line (:func:`newslens.reuse.reuse_clusters`)."""
        return reuse.reuse_clusters(self.lines, self.corpus.articles, markers=self.markers, index=self._shingles)

    # ------------------------------------------------------------------ terms

    @cached_property
    def stop_words(self) -> list[str]:
        """scikit-learn's English stop words with the story's domain list (:func:`newslens.terms.stop_words`)."""
        return terms.stop_words(self.codebook("terms"))

    def documents(self, view: str = "own") -> pd.Series:
        """One document per outlet, its captures joined (:func:`newslens.terms.outlet_documents`)."""
        return self._documents[view]

    @cached_property
    def _documents(self) -> dict[str, pd.Series]:
        return {v: terms.outlet_documents(self.lines, self.corpus.articles, v, markers=self.markers) for v in terms.VIEWS}

    def term_table(self, view: str = "own") -> pd.DataFrame:
        """Every term of every outlet scored four ways, chapter settings (:func:`newslens.terms.term_table`)."""
        return self._term_tables[view]

    @cached_property
    def _term_counts(self) -> dict[str, terms.OutletCounts]:
        # Outlet x term counts per view: the sum of the lines' counts, so a parallel study reduces them from its
        # partitions' counts (newslens.parallel.REDUCED) and never joins the outlet documents.
        return terms.outlet_counts_by_view(self.lines, self.corpus.articles, terms.VIEWS, stop=self.stop_words,
                                           markers=self.markers)

    @cached_property
    def _term_tables(self) -> dict[str, pd.DataFrame]:
        # the rows of terms.term_table(self.documents(v), view=v, stop=self.stop_words), from the counts
        return {v: terms.counts_table(self._term_counts[v], self.corpus.articles, view=v) for v in terms.VIEWS}

    # ------------------------------------------------------------------ framing

    @cached_property
    def frames_codebook(self) -> dict:
        """``frames.yml`` compiled (:func:`newslens.framing.compile_codebook`)."""
        return framing.compile_codebook(self.codebook("frames"))

    @cached_property
    def frame_codes(self) -> pd.DataFrame:
        """Every generic frame item answered for every article (:func:`newslens.framing.code_items`)."""
        return framing.code_items(self.sentences, self.frames_codebook)

    @cached_property
    def frame_scores(self) -> pd.DataFrame:
        """Frame scores per article, 0-1 (:func:`newslens.framing.frame_scores`)."""
        return framing.frame_scores(self.frame_codes)

    @cached_property
    def entman(self) -> pd.DataFrame:
        """The sentence of each article that best serves each of Entman's functions."""
        return framing.entman_functions(self.sentences, self.frames_codebook)

    @cached_property
    def responsibility(self) -> pd.DataFrame:
        """Blaming sentences and their targets (:func:`newslens.framing.responsibility`)."""
        return framing.responsibility(self.sentences, self.frames_codebook)

    @cached_property
    def issue_frames(self) -> pd.DataFrame:
        """Issue-specific frames per paragraph (:func:`newslens.framing.issue_frames`)."""
        return framing.issue_frames(self.paragraphs, self.frames_codebook)

    @cached_property
    def tone(self) -> pd.DataFrame:
        """VADER compound score of every body sentence (:func:`newslens.framing.tone`)."""
        return framing.tone(self.sentences)

    # ------------------------------------------------------------------ checks against the hand codings

    def coded(self, kind: str) -> list[str]:
        """The articles the hand coding *kind* covers (empty when the story has none), in publication order."""
        table = self.references.get(kind)
        return [] if table is None else [a for a in self.by_date if a in set(table["article"])]

    def label_agreement(self) -> dict[str, float] | None:
        """The labeller against the hand-labelled lines, on the articles they cover, or None."""
        ref = self.references.get("lines")
        if ref is None:
            return None
        return label_agreement(covered(self.lines, ref), ref)

    def fact_agreement(self) -> dict | None:
        """The fact rules against the hand coding, on the cells it covers (:func:`newslens.coverage.fact_agreement`), or None."""
        ref = self.references.get("facts")
        return None if ref is None else coverage.fact_agreement(self.facts, ref)

    def quote_matches(self) -> pd.DataFrame | None:
        """Found quotes paired with the hand list on the articles it covers (:func:`newslens.quotes.match_quotes`)."""
        ref = self.references.get("quotes")
        return None if ref is None else quotes.match_quotes(covered(self.quotes, ref), ref)

    def frame_agreement(self) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """The frame rules against the hand coding on the articles it covers: (agreement, disagreements), or None."""
        ref = self.references.get("frames")
        if ref is None:
            return None
        codes = covered(self.frame_codes, ref)
        return framing.frame_agreement(codes, ref), framing.disagreements(codes, ref)


# Every table of a study opened with Study.open goes into the disk cache once computed (see _kept).
for _name, _table in list(vars(Study).items()):
    if type(_table) is cached_property:
        _kept_table = _kept(_table.func)
        _kept_table.__set_name__(Study, _name)
        setattr(Study, _name, _kept_table)
del _name, _table, _kept_table
