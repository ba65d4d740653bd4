"""Run the per-article stages over partitions of articles with Dask: on this machine's cores or on a cluster.

A partition is a run of whole articles in manifest order. Each partition is one task: read and check its
captures, label their lines, then compute every per-article table of :class:`newslens.study.Study` on those
articles alone (a study of the partition). The tables come back in partition order and are concatenated, so
they are the single-process tables row for row. The corpus-wide stages reduce over the partitions: each
partition also counts its outlets' terms and builds the shingle index of its body lines (:data:`REDUCED`);
the counts are summed and the indexes merged, and IDF, the log-odds prior and the reuse pairs are then
computed from those, exactly as one process computes them.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from newslens.corpus import CorpusError, label_texts, read_capture
from newslens.errors import NewslensError

#: The environment variable read when no scheduler is given: a ``dask.distributed`` scheduler address
#: (``tcp://host:8786``) or one of Dask's local schedulers (``processes``, ``threads``, ``synchronous``).
SCHEDULER_ENV = "NEWSLENS_SCHEDULER"

#: Dask's local schedulers, by the name ``dask.compute(scheduler=...)`` takes.
LOCAL_SCHEDULERS = ("processes", "threads", "synchronous", "sync", "single-threaded")

#: Largest partition, in articles. At about 30 ms and 150 KB of tables per article on one core
#: (benchmarks/SCALING.md), 500 articles are a 15 s task holding some 75 MB: far above Dask's per-task
#: overhead, small enough that every worker gets several tasks to balance the load.
MAX_PARTITION = 500

#: Tasks per worker when the partition size is chosen here (load balancing: a slow partition is a
#: quarter of a worker's share, not all of it).
TASKS_PER_WORKER = 4

#: Per-article tables of the study -> the codebooks each needs (besides ``furniture``). A parallel study
#: computes in its partitions' tasks every table whose codebooks it was given; ``tone`` and
#: ``paragraphs`` go with the frames, the chapter that reads them.
PER_ARTICLE: dict[str, tuple[str, ...]] = {
    "stats": (), "sentences": (),
    "facts": ("facts",), "event_status": ("facts", "events"),
    "actor_mentions": ("actors",), "word_choices": ("wording",), "quotes": ("speakers", "actors"),
    "paragraphs": ("frames",), "frame_codes": ("frames",), "frame_scores": ("frames",), "entman": ("frames",),
    "responsibility": ("frames",), "issue_frames": ("frames",), "tone": ("frames",),
}

#: Corpus-wide stages that reduce over the partitions: the name a study's ``tables`` takes -> (the study's
#: attribute each partition computes, the codebooks it needs). The attribute's value in each partition is a
#: partial result (the term counts of its articles, the shingle index of its body lines) and the whole
#: study's is their reduction (:func:`reduce_partitions`): exact, the value one process computes.
REDUCED: dict[str, tuple[str, tuple[str, ...]]] = {"terms": ("_term_counts", ("terms",)), "reuse": ("_shingles", ()),
                                                    "unknown_names": ("unknown_names", ("actors",))}

#: Per-article tables whose single-process order is publication order (``Study.by_date``), not manifest
#: order: the partitions' rows are put back in that order (stable, so each article's rows keep theirs).
BY_DATE = ("facts",)

#: The columns of the lines table the corpus-wide stages read (reuse and the outlet documents use body lines only).
BODY_COLUMNS = ["article", "line", "text", "label", "voice", "quoted_outlet"]


class ParallelError(NewslensError):
    """A scheduler or worker count that cannot be used."""


# --------------------------------------------------------------------------- settings


def check_workers(workers: object) -> int:
    """*workers* as a whole number >= 1, or :class:`ParallelError`."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParallelError(f"workers must be a whole number of processes >= 1, got {workers!r}")
    return workers


def resolve_scheduler(scheduler: object = None) -> object:
    """The scheduler to use: *scheduler*, else the :data:`SCHEDULER_ENV` variable, else None (single process
    unless more than one worker is asked for). A string with ``://`` (or ``host:port``) is a
    ``dask.distributed`` scheduler address; a ``distributed.Client`` is used as it is."""
    if scheduler is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if isinstance(scheduler, str):
        scheduler = scheduler.strip()
        if not scheduler:
            return None
        if scheduler not in LOCAL_SCHEDULERS and not _is_address(scheduler):
            raise ParallelError(f"scheduler {scheduler!r} is neither a dask.distributed address (tcp://host:8786) nor one of "
                                f"Dask's local schedulers ({', '.join(LOCAL_SCHEDULERS[:3])})")
    return scheduler


def _is_address(text: str) -> bool:
    if "://" in text:
        return True
    host, _, port = text.rpartition(":")
    return bool(host) and port.isdigit()


def is_parallel(workers: int, scheduler: object) -> bool:
    """Whether a study runs its per-article stages through Dask (more than one worker, or any scheduler)."""
    return workers > 1 or scheduler is not None


def partition_size(n_articles: int, workers: int, size: int | None = None) -> int:
    """Articles per partition: *size* when given, else about :data:`TASKS_PER_WORKER` partitions per worker,
    at most :data:`MAX_PARTITION` articles each (at least one)."""
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ParallelError(f"partition size must be a whole number of articles >= 1, got {size!r}")
        return size
    return max(1, min(MAX_PARTITION, math.ceil(n_articles / (TASKS_PER_WORKER * workers))))


def partitions(articles: pd.DataFrame, size: int | None = None, *, count: int | None = None) -> list[tuple[int, pd.DataFrame]]:
    """The manifest cut into runs of whole articles, in manifest order: (position of the first, rows).

    Runs of *size* articles, or *count* runs as even as possible (some empty when *count* exceeds the articles).
    """
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ParallelError(f"partitions must be a whole number >= 1, got {count!r}")
        bounds = [len(articles) * i // count for i in range(count + 1)]
        return [(a, articles.iloc[a:b]) for a, b in zip(bounds, bounds[1:])]
    return [(start, articles.iloc[start:start + size]) for start in range(0, len(articles), size)]


def reductions_for(wanted: Iterable[str], codebooks: Iterable[str]) -> list[str]:
    """The attributes of :data:`REDUCED` a study computes in its partitions for the names *wanted*, given its codebooks."""
    return [attr for name, (attr, books) in REDUCED.items() if name in set(wanted) and set(books) <= set(codebooks)]


def reduce_partitions(parts: list[dict], attrs: Iterable[str]) -> dict[str, object]:
    """The whole corpus's value of each attribute *attrs* (:data:`REDUCED`) from the partitions' results, in order."""
    from newslens import reuse, terms

    out: dict[str, object] = {}
    for attr in attrs:
        values = [p[attr] for p in parts]
        if attr == "_term_counts":
            out[attr] = {view: terms.sum_counts([v[view] for v in values]) for view in terms.VIEWS}
        elif attr == "_shingles":
            out[attr] = reuse.merge_indexes(values)
        elif attr == "unknown_names":
            out[attr] = combine_unknown_names(values)
        else:  # pragma: no cover - REDUCED and this function change together
            raise ParallelError(f"no reduction for {attr!r}")
    return out


def combine_unknown_names(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """:func:`newslens.coverage.unknown_names` of a corpus from those of its partitions, in order: mentions added
    up, the articles' lists joined (each partition's articles come after the previous one's), the first
    partition's example kept; sorted as there (``n`` descending, then ``name``)."""
    full = [p for p in parts if len(p)]
    if not full:
        return parts[0]
    rows = pd.concat(full, ignore_index=True).groupby("name", sort=False)
    out = pd.DataFrame({"n": rows["n"].sum(), "articles": rows["articles"].agg(", ".join), "example": rows["example"].first()})
    out = out.reset_index()[list(parts[0].columns)]
    return out.sort_values(["n", "name"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- one partition (runs in a worker)


class _Failed:
    """A worker's bad-input error, returned as a value so that the caller raises the first in manifest order."""

    def __init__(self, phase: int, exc: NewslensError):
        self.phase, self.exc = phase, exc


def load_partition(data_dir: Path, rows: pd.DataFrame, start: int) -> pd.DataFrame:
    """Check and read the captures of *rows* (manifest rows from position *start*), label their lines.

    The same checks, in the same order, as :func:`newslens.corpus.load_corpus`; errors name the manifest row.
    """
    data = Path(data_dir)
    manifest = data / "articles.csv"
    texts: dict[str, str] = {}
    for n, (path, sha) in enumerate(zip(rows["path"], rows["sha256"]), start=start + 2):
        texts[path] = read_capture(path, sha256=sha, where=f"{manifest} row {n}", inside=data)
    return label_texts(rows, texts, data_dir=data)


def _no_body(data_dir: Path, rows: pd.DataFrame, lines: pd.DataFrame, start: int) -> None:
    with_body = set(lines.loc[lines["label"] == "body", "article"])
    for n, (art, path) in enumerate(zip(rows.index, rows["path"]), start=start + 2):
        if art not in with_body:
            raise CorpusError(f"{Path(data_dir) / 'articles.csv'} row {n}: capture {path} has no body text (no line reads as a "
                              "sentence of six words or more); check that it is the article's text, or that "
                              "codebook/furniture.yml does not mark its paragraphs as boilerplate")


def run_partition(data_dir: Path, rows: pd.DataFrame, start: int, codebooks: dict[str, dict], names: Sequence[str],
                  write=None) -> dict | _Failed:
    """One task: the partition's lines and its per-article tables *names*.

    Returns a dict with ``lines`` and each table, or a :class:`_Failed` carrying the first bad-input error
    and its phase (0 reading captures, 1 labelling, 2 the body check, 3 the tables), so that the caller
    can raise the error the single-process run would have raised first. With *write*, a function of
    the partition's study and *start* (``write(study, start=start)``), its result is returned as ``written``
    with the partition's body lines (``body``, what the corpus-wide stages read) and *names* (there, the partial
    results of :data:`REDUCED`), not its lines.
    """
    from newslens.study import Study

    phase = 0
    try:
        lines = load_partition(data_dir, rows, start)
        phase = 2
        _no_body(data_dir, rows, lines, start)
        phase = 3
        study = Study.of_partition(data_dir, rows, lines, codebooks)
        if write is not None:
            return {"written": write(study, start=start), "body": lines.loc[lines["label"] == "body", BODY_COLUMNS],
                    **{name: getattr(study, name) for name in names}}
        return {"lines": lines, **{name: getattr(study, name) for name in names}}
    except NewslensError as exc:
        return _Failed(phase, exc)


# --------------------------------------------------------------------------- the graph


@contextmanager
def _scheduler_kwargs(workers: int, scheduler: object):
    """Keyword arguments for :func:`dask.compute`: Dask's local process pool of *workers* by default, a
    ``dask.distributed`` client for an address (closed afterwards; the cluster keeps running)."""
    if scheduler is None or scheduler == "processes":
        # chunksize=1: Dask's process pool otherwise hands ready tasks out in batches of 6, so with 8 or 20 partitions
        # one worker got most batches and the other sat idle (no speed-up on 2 workers); one task per hand-out balances.
        yield {"scheduler": "processes", "num_workers": workers, "chunksize": 1}
    elif isinstance(scheduler, str) and scheduler in LOCAL_SCHEDULERS:
        yield {"scheduler": scheduler, "num_workers": workers}
    elif isinstance(scheduler, str):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - distributed is a pinned dependency
            raise ParallelError("a scheduler address needs the 'distributed' package; pip install distributed") from None
        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ParallelError(f"scheduler {scheduler}: cannot connect ({exc}); start one with `dask scheduler` "
                                "or check the address") from None
        try:
            yield {"scheduler": client}
        finally:
            client.close()
    else:  # a distributed.Client or anything dask.compute accepts
        yield {"scheduler": scheduler}


def compute_partitions(data_dir: Path, articles: pd.DataFrame, codebooks: dict[str, dict], names: Iterable[str], *,
                       workers: int = 1, scheduler: object = None, size: int | None = None, count: int | None = None,
                       write=None, fold=None) -> list[dict]:
    """Run :func:`run_partition` on every partition of *articles* (the checked manifest) with Dask.

    Partitions of *size* articles (default :func:`partition_size`), or *count* partitions (:func:`partitions`).
    *fold*, a function of one partition's result, is called in this process with each result as it arrives
    (on Dask's local schedulers; in any order), and may take entries out of it: a reduction that streams
    (:class:`CountsFold`) instead of holding every partition's partial result until the last is done.

    Returns the partitions' results in manifest order. Raises the bad-input error the single-process run
    would raise first: the earliest phase, then the earliest partition.
    """
    import dask
    from dask.callbacks import Callback

    names = list(names)
    parts = partitions(articles, count=count) if count is not None else partitions(articles, partition_size(len(articles), workers, size))
    tasks = [dask.delayed(run_partition, pure=False)(Path(data_dir), rows, start, codebooks, names, write) for start, rows in parts]
    keys = {t.key for t in tasks}

    def arrived(key, result, dsk, state, worker_id):
        if key in keys and isinstance(result, dict):
            fold(result)

    with _scheduler_kwargs(workers, scheduler) as kwargs:
        local = not callable(getattr(kwargs["scheduler"], "submit", None))  # callbacks run on the local schedulers only
        with Callback(posttask=arrived) if fold is not None and local else _nothing():
            results = list(dask.compute(*tasks, **kwargs))
    if fold is not None and not local:  # a cluster's results all arrive at the end
        for result in results:
            if isinstance(result, dict):
                fold(result)
    failed = [r for r in results if isinstance(r, _Failed)]
    if failed:
        raise min(enumerate(failed), key=lambda f: (f[1].phase, f[0]))[1].exc
    return results


@contextmanager
def _nothing():
    yield


class CountsFold:
    """Sums the partitions' term counts (``_term_counts`` of :data:`REDUCED`) as they arrive, *batch* at a time.

    Used as :func:`compute_partitions`'s *fold*: each result's counts are taken out of it, so that the main
    process holds one running sum and at most *batch* partitions' counts, not every partition's vocabulary
    (at 100,000 articles, 200 partitions of some 25,000 terms per view each). Integer sums in any order: the
    same counts as :func:`reduce_partitions` (the outlets' row order may differ; ``terms.counts_table`` puts
    them in manifest order).
    """

    def __init__(self, batch: int = 16):
        self.batch, self.pending, self.total = batch, [], None

    def __call__(self, result: dict) -> None:
        if "_term_counts" in result:
            self.pending.append(result.pop("_term_counts"))
            if len(self.pending) >= self.batch:
                self._flush()

    def _flush(self) -> None:
        from newslens import terms

        parts = ([self.total] if self.total is not None else []) + self.pending
        if parts:
            self.total = {view: terms.sum_counts([p[view] for p in parts]) for view in terms.VIEWS}
        self.pending = []

    def value(self) -> dict:
        """The counts of every partition folded so far, per view."""
        self._flush()
        return self.total


def concat_tables(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The partitions' tables as one, as the single-process run makes it.

    Empty parts are left out (their columns may have another dtype); a table whose parts all have a
    default index gets a default index again.
    """
    full = [p for p in parts if len(p)] or parts[:1]
    default = all(isinstance(p.index, pd.RangeIndex) and p.index.start == 0 and p.index.step == 1 for p in parts)
    table = pd.concat(full, ignore_index=default) if len(full) > 1 else full[0]
    if default:
        table = table.reset_index(drop=True)
    return table


def in_order(table: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """*table* with its articles in *order*, each article's rows as they were (a stable sort)."""
    rank = pd.Series(range(len(order)), index=list(order))
    keys = table["article"].map(rank).to_numpy() if "article" in table.columns else table.index.map(rank).to_numpy()
    pos = pd.Series(keys).sort_values(kind="stable").index.to_numpy()
    out = table.iloc[pos]
    return out.reset_index(drop=True) if isinstance(table.index, pd.RangeIndex) else out
