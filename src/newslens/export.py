"""Write the book's tables as CSV files for analysts (``python -m newslens export``).

Top layer: each table is a view of a :class:`newslens.study.Study`, registered in :data:`TABLES`.
:func:`write_export` writes a complete set safely: into a temporary folder beside the
destination, moved into place only when every table is written, under a lock, with a
provenance file that says which corpus, codebooks and package version produced it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from newslens.codebooks import CODEBOOKS
from newslens.corpus import LABELS, CorpusError
from newslens.display import round_table
from newslens.errors import NewslensError, TableError
from newslens.study import Study
from newslens.terms import VIEWS
from newslens.text import word_count


class OutputError(NewslensError):
    """An output folder that cannot be used: the data folder, the working folder, someone else's
    files, another corpus's tables, or a folder another export is writing into."""


#: The file in each output folder that records what produced its tables.
PROVENANCE = "newslens-provenance.json"

#: The file name endings of the tables, by ``--format``.
SUFFIXES = {"csv": ".csv", "parquet": ".parquet"}.values()


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
    "reuse_clusters": (lambda s: s.reuse_clusters, "one row per body line in a passage shared by two or more articles: cluster (1 = most articles), article, line, date, is_source (1 for the earliest-dated member, the likely source), members (articles in the cluster), sites (capture sites), stock (1 = boilerplate of one site's pages), words, text (the source's line)"),
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


#: The per-article tables of the study (:data:`newslens.parallel.PER_ARTICLE`) each export table reads: what a
#: parallel study computes in its partitions for an export.
TABLE_STAGES: dict[str, tuple[str, ...]] = {
    "articles": ("stats",), "facts": ("facts",), "events": ("facts", "event_status"), "actors": ("actor_mentions",),
    "word_choices": ("word_choices",), "quotes": ("quotes",), "frames": ("frame_codes",), "frame_scores": ("frame_scores",),
    "entman": ("entman",), "responsibility": ("responsibility",), "issue_frames": ("issue_frames",),
}


def stages_for(names: list[str]) -> list[str]:
    """The per-article tables of the study that the export tables *names* read."""
    return list(dict.fromkeys(stage for name in names for stage in TABLE_STAGES.get(name, ())))


def codebooks_for(names: list[str]) -> list[str]:
    """The codebooks the tables *names* read, in :data:`newslens.codebooks.CODEBOOKS` order."""
    needed = {"furniture"} | {c for n in names for c in TABLE_CODEBOOKS.get(n, ())}
    return [c for c in CODEBOOKS if c in needed]


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    # Into a temporary file, renamed over the old one: a reader never sees half a table.
    part = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        table.to_csv(part, index=False, lineterminator="\n")
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def export_tables(study: Study, out: str | Path, names: list[str] | None = None, *, progress=None) -> list[Path]:
    """Write each table in :data:`TABLES` (or only *names*) of *study* to ``out/<name>.csv``; return the paths.

    Float columns are rounded to :data:`newslens.display.TABLE_DECIMALS` decimals, because readers download these
    files from the chapters and they must be identical on every machine.

    Each file is replaced whole (written beside it, then renamed); other files in *out* are left
    alone, so that several chapters can share one folder. *out* may not be the data folder, lie
    inside it or hold it. For a whole, consistent set use :func:`write_export`.
    *progress* wraps the loop over the tables, as in :func:`newslens.corpus.load_manifest`.
    """
    out = Path(out)
    _not_data(out, study.data_dir)
    names = list(names or TABLES)
    for name in names:
        if name not in TABLES:
            raise TableError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names if progress is None else progress(names, "tables", len(names)):
        func, _doc = TABLES[name]
        table = round_table(func(study))
        path = out / f"{name}.csv"
        _write_csv(table, path)
        written.append(path)
    return written


# --------------------------------------------------------------------------- a safe, whole export


def _not_data(out: Path, data_dir: Path) -> None:
    target, data = out.resolve(), Path(data_dir).resolve()
    if target == data or data in target.parents:
        raise OutputError(f"--out {out}: that is {'the' if target == data else 'inside the'} data folder {data}, which "
                          "no command but adding captures may change; write the tables elsewhere, for example --out export")
    if target in data.parents:
        raise OutputError(f"--out {out}: that folder holds the data folder {data} and would be replaced whole; "
                          "name a new folder for the tables, for example --out export")


def check_output_folder(out: str | Path, data_dir: str | Path, *, cwd: str | Path | None = None) -> Path:
    """Check that *out* may receive a whole export and return it as a path.

    Refused: an empty name; the data folder, a folder inside it or one that holds it; the working
    folder *cwd* (``--out .`` is nearly always a slip: the whole folder is replaced); the home
    folder or the file system's root; a file; and a folder with files that newslens did not write
    (anything but ``<table>.csv`` files and :data:`PROVENANCE`), since the set is replaced whole.

    Raises
    ------
    OutputError naming the folder, the reason and the fix.
    """
    if not str(out).strip():
        raise OutputError("--out is empty; name the folder to write the tables into, for example --out export")
    out = Path(out)
    _not_data(out, Path(data_dir))
    target = out.resolve()
    if cwd is not None and target == Path(cwd).resolve():
        raise OutputError(f"--out {out}: that is the current folder, which an export replaces whole; "
                          "name a subfolder, for example --out export")
    if target == Path.home().resolve() or target == Path(target.anchor):
        raise OutputError(f"--out {out}: that is the home or root folder; name a subfolder, for example --out export")
    if target.exists() and not target.is_dir():
        raise OutputError(f"--out {out}: a file of that name exists; name a folder (created if missing)")
    if target.is_dir():
        ours = {f"{name}{suffix}" for name in TABLES for suffix in SUFFIXES} | {PROVENANCE}
        foreign = sorted(p.name for p in target.iterdir() if p.name not in ours)
        if foreign:
            raise OutputError(f"--out {out}: the folder holds files newslens did not write ({', '.join(foreign[:3])}"
                              f"{', ...' if len(foreign) > 3 else ''}) and an export replaces it whole; "
                              "choose an empty or new folder")
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def provenance(data_dir: str | Path, names: list[str]) -> dict:
    """What produced a set of tables: the manifest's and codebooks' SHA-256 and the package version.

    Returns
    -------
    dict with ``package`` (``newslens``), ``version``, ``manifest_sha256`` (of ``articles.csv``),
    ``codebooks_sha256`` (of the sorted ``name sha256`` lines of the codebooks), ``codebooks``
    (name -> SHA-256 of each ``codebook/*.yml``) and ``tables`` (sorted names).
    """
    from newslens import __version__

    data = Path(data_dir)
    books = {p.stem: _sha256(p) for p in sorted((data / "codebook").glob("*.yml"))}
    joined = "".join(f"{name} {sha}\n" for name, sha in books.items())
    return {
        "package": "newslens",
        "version": __version__,
        "manifest_sha256": _sha256(data / "articles.csv"),
        "codebooks_sha256": hashlib.sha256(joined.encode()).hexdigest(),
        "codebooks": books,
        "tables": sorted(names),
    }


def read_provenance(out: str | Path) -> dict | None:
    """The provenance file of output folder *out*, or None when there is none (or it is unreadable)."""
    try:
        found = json.loads((Path(out) / PROVENANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def check_same_corpus(out: str | Path, data_dir: str | Path, names: list[str]) -> list[str]:
    """For ``--table``: the tables already in *out* to keep beside *names*; refuse to mix corpora.

    Returns the names of the tables in *out* that stay (all when *out* is new or empty).

    Raises
    ------
    OutputError when *out* holds tables without a provenance file, or tables of another manifest
    or other codebooks.
    """
    out = Path(out)
    if not out.is_dir() or not any(out.iterdir()):
        return []
    before = read_provenance(out)
    if before is None:
        raise OutputError(f"--out {out}: the tables there have no {PROVENANCE}, so their corpus is unknown; "
                          "export every table once (without --table) or choose a new folder")
    now = provenance(data_dir, names)
    for key, what in (("manifest_sha256", "manifest (articles.csv)"), ("codebooks_sha256", "codebooks")):
        if before.get(key) != now[key]:
            raise OutputError(f"--out {out}: its tables come from another {what} than {data_dir}; --table would mix "
                              "two corpora: export every table (without --table) or choose another folder")
    return [t for t in before.get("tables", []) if t in TABLES and t not in names and any((out / f"{t}{x}").is_file() for x in SUFFIXES)]


@contextmanager
def export_lock(out: str | Path) -> Iterator[Path]:
    """Hold the lock of output folder *out* (a file beside it) for the length of the block.

    A second export into the same folder is refused while the first runs; a lock left by a
    process that no longer exists (killed) is taken over.
    """
    out = Path(out)
    lock = out.parent / f".{out.name}.newslens-lock"
    out.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(lock.read_text(encoding="utf-8").strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise OutputError(f"--out {out}: another newslens export (process {pid}) is writing into this folder; "
                                  f"wait for it to finish (if no export runs, delete {lock})") from None
            lock.unlink(missing_ok=True)  # left by a process that was killed
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        break
    else:
        raise OutputError(f"--out {out}: cannot take the lock {lock}; delete it if no export runs")
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def recover_output(out: str | Path) -> None:
    """Undo what a killed export into *out* left behind (see the comment); a no-op otherwise."""
    out = Path(out)
    # A run killed (not interrupted: that is handled) left its temporary folder, or, between its two
    # renames, the previous set under its old name and no folder at *out*: tidy up, put it back.
    for tmp in out.parent.glob(f".{out.name}.newslens-tmp-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)
    if out.exists():
        for old in out.parent.glob(f".{out.name}.newslens-old-*"):  # the swap finished; its cleaning did not
            pid = old.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
        return
    for old in sorted(out.parent.glob(f".{out.name}.newslens-old-*")):
        os.rename(old, out)
        return


def _swap_in(tmp: Path, out: Path) -> None:
    """Put the folder *tmp* at *out*, the previous *out* going only once the new one is in place."""
    old = out.parent / f".{out.name}.newslens-old-{os.getpid()}"
    # Ctrl-C between the two renames would leave no folder at *out*: hold it back until the swap is
    # done; one that came meanwhile came too late to stop the export, which has succeeded.
    # (A handler that only takes note, not a blocked signal mask: numpy's threads would receive it.)
    held = [signal.SIGINT, signal.SIGTERM] if threading.current_thread() is threading.main_thread() else []
    before = {sig: signal.signal(sig, lambda *_: None) for sig in held}
    try:
        if out.exists():
            os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def write_export(study: Study, out: str | Path, names: list[str] | None = None, *, keep: list[str] = (),
                 progress=None) -> list[Path]:
    """Write the tables *names* (default: all) as one complete set at *out*; return their paths.

    The tables are written into a temporary folder beside *out*, with the tables *keep* copied from
    the previous *out* (see :func:`check_same_corpus`) and a :data:`PROVENANCE` file; the new folder
    replaces *out* only once all of this succeeded. An error or an interrupt on the way removes the
    temporary folder and leaves the previous *out* exactly as it was. Call it inside
    :func:`export_lock` and after :func:`check_output_folder`.
    """
    out = Path(out)
    names = list(names or TABLES)
    _write_complete(out, study.data_dir, names, keep, lambda tmp: export_tables(study, tmp, names, progress=progress))
    return [out / f"{name}.csv" for name in names]


def _write_complete(out: Path, data_dir: Path, names: list[str], keep, write) -> None:
    """Run *write(tmp)* into a temporary folder beside *out*, add the tables *keep* from the previous *out* and a
    :data:`PROVENANCE` file, then let the folder replace *out*; on any error or interrupt *out* stays as it was."""
    recover_output(out)
    tmp = out.parent / f".{out.name}.newslens-tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        _keep(out, tmp, keep)
        write(tmp)
        record = provenance(data_dir, [*keep, *names])
        (tmp / PROVENANCE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _swap_in(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_tables(study: Study, names: list[str]) -> None:
    """Checks of the loaded study that only some tables need, made before any table is written.

    ``terms`` compares outlets by their own words: it needs two outlets or more, each with a body
    line in its own voice (not only passages quoted from others).

    Raises
    ------
    CorpusError naming the manifest rows and the fix.
    """
    if "terms" not in names:
        return
    manifest = study.data_dir / "articles.csv"
    outlets = study.articles["outlet"]
    if outlets.nunique() < 2:
        raise CorpusError(f"{manifest}: every row names the outlet {outlets.iloc[0]!r}; the terms table compares outlets: "
                          "add captures of a second outlet, or leave terms out (--table NAME for the others)")
    own = study.lines[(study.lines["label"] == "body") & (study.lines["voice"] == "own")]
    with_own = set(outlets.reindex(own["article"].unique()))
    for outlet in dict.fromkeys(outlets):
        if outlet not in with_own:
            rows = [str(n) for n, o in enumerate(outlets, start=2) if o == outlet]
            raise CorpusError(f"{manifest} row{'s' if len(rows) > 1 else ''} {', '.join(rows)}: outlet {outlet!r} has no body text of its "
                              "own (every body line is quoted from another outlet); the terms table needs some: add a capture "
                              "of its own reporting, or leave terms out (--table NAME for the others)")


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


def _keep(out: Path, tmp: Path, keep) -> None:
    """Copy the tables *keep* of the previous *out* (whichever format they are in) into *tmp*."""
    for name in keep:
        for suffix in SUFFIXES:
            if (out / f"{name}{suffix}").is_file():
                shutil.copy2(out / f"{name}{suffix}", tmp / f"{name}{suffix}")


# --------------------------------------------------------------------------- partition by partition (Parquet)

#: The tables computed from the whole corpus; the others are per article and are written partition by partition.
CORPUS_WIDE = ("reuse", "reuse_clusters", "terms")


def _write_parts(study: Study, *, names: list[str], folder: str, start: int) -> int:
    """In a worker: write the per-article tables *names* of a partition's study as ``folder/<name>/part-<start>-<n>.parquet``."""
    rows = 0
    for name in names:
        table = round_table(TABLES[name][0](study))
        # by first article and size: unique even when an empty partition starts where the next one does
        path = Path(folder) / name / f"part-{start:012d}-{len(study.corpus.articles):09d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_parquet(path, index=False)
        rows += len(table)
    return rows


def _combine_parts(parts: Path, path: Path) -> None:
    """The partition files of one table, in order, into one Parquet file, one partition in memory at a time.

    A column typed differently in two partitions (integers in one, decimals in another) gets the wider type
    (pyarrow's permissive promotion).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(parts.glob("part-*.parquet"))
    # an empty partition's columns have no values to give them a type: left out, as concat_tables leaves them
    full = [f for f in files if pq.ParquetFile(f).metadata.num_rows] or files[:1]
    schema = pa.unify_schemas([pq.read_schema(f) for f in full], promote_options="permissive")
    with pq.ParquetWriter(path, schema) as writer:
        for f in full:
            writer.write_table(pq.read_table(f).select(schema.names).cast(schema))
    shutil.rmtree(parts)


def export_partitioned(data_dir: str | Path, out: str | Path, names: list[str], *, articles: pd.DataFrame,
                       codebooks: dict[str, dict], workers: int = 1, scheduler=None, partition_size: int | None = None,
                       partitions: int | None = None) -> list[Path]:
    """Write the tables *names* as ``out/<name>.parquet`` without holding the corpus's tables in memory.

    Each partition's task (:func:`newslens.parallel.run_partition`) writes its per-article tables as
    Parquet files and returns only its body lines and the partial results of the corpus-wide tables
    (:data:`CORPUS_WIDE`: term counts, shingle index), which are reduced and finished here, as one process
    computes them; then each table's partition files are combined
    into one file, in manifest order. The rows and values are those of the CSV export. *articles* is
    the checked manifest, *codebooks* the checked codebooks (name -> parsed).
    """
    from functools import partial

    from newslens import parallel

    out = Path(out)
    per_article = [n for n in names if n not in CORPUS_WIDE]
    parts_dir = out / ".parts"
    write = partial(_write_parts, names=per_article, folder=str(parts_dir))
    reduced = parallel.reductions_for(["reuse"] * bool({"reuse", "reuse_clusters"} & set(names)) + ["terms"] * ("terms" in names),
                                      codebooks)
    counts = parallel.CountsFold()  # the term counts summed as the partitions finish, not all held to the end
    results = parallel.compute_partitions(
        data_dir, articles, codebooks, reduced, workers=workers, scheduler=scheduler, size=partition_size, count=partitions,
        write=write, fold=counts)
    body = parallel.concat_tables([r["body"] for r in results])
    partial = parallel.reduce_partitions(results, [a for a in reduced if a != "_term_counts"])
    del results
    if "_term_counts" in reduced:
        partial["_term_counts"] = counts.value()
    whole = Study.of_partition(Path(data_dir), articles, body, codebooks)
    whole.__dict__.update(partial)  # the term counts and shingle index, reduced: set as if computed here
    del partial
    check_tables(whole, names)
    base = set(whole.__dict__)
    written = []
    for name in names:
        path = out / f"{name}.parquet"
        if name in CORPUS_WIDE:
            round_table(TABLES[name][0](whole)).to_parquet(path, index=False)
            for key in set(whole.__dict__) - base:  # one corpus-wide stage's tables in memory at a time, not all
                del whole.__dict__[key]
        else:
            _combine_parts(parts_dir / name, path)
        written.append(path)
    shutil.rmtree(parts_dir, ignore_errors=True)
    return written


def write_export_partitioned(data_dir: str | Path, out: str | Path, names: list[str], *, keep: list[str] = (), **options) -> list[Path]:
    """:func:`export_partitioned` as one complete set at *out*, like :func:`write_export`: into a temporary folder
    beside *out*, with the tables *keep* and a :data:`PROVENANCE` file, moved into place only when all succeeded."""
    out = Path(out)
    _write_complete(out, Path(data_dir), names, keep, lambda tmp: export_partitioned(data_dir, tmp, names, **options))
    return [out / f"{name}.parquet" for name in names]
