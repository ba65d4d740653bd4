"""Command line: ``python -m newslens export --out DIR [--data DIR] [--table NAME ...] [--workers N] [--scheduler ADDRESS]
[--format csv|parquet]`` and
``python -m newslens add FILE... [--data DIR] [--outlet NAME] [--date YYYY-MM-DD] [--url URL] [--id ID]`` and
``python -m newslens text FILE``."""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from pathlib import Path

from tqdm import tqdm

from newslens import parallel
from newslens.add import describe, plan_captures, write_captures
from newslens.codebooks import check_codebooks
from newslens.corpus import CorpusWarning, find_data_dir, load_codebook, load_manifest, read_capture
from newslens.display import TABLE_DECIMALS
from newslens.errors import NewslensError
from newslens.export import (
    PROVENANCE,
    TABLES,
    check_output_folder,
    check_same_corpus,
    check_tables,
    codebooks_for,
    export_lock,
    recover_output,
    stages_for,
    write_export,
    write_export_partitioned,
)
from newslens.study import Study

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C


def _parser() -> argparse.ArgumentParser:
    tables = "\n".join(f"  {name}.csv: {doc}" for name, (_f, doc) in TABLES.items())
    p = argparse.ArgumentParser(prog="newslens", description="Compare how news outlets covered one story.")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser(
        "export",
        help="write every table of the book as CSV",
        description=(
            "Write every table of the book as CSV (UTF-8, one header row, no index). Decimal numbers are rounded\n"
            f"to {TABLE_DECIMALS} decimals, so that every machine writes the same files (the chapters offer them\n"
            "as downloads).\n\n"
            "Every input is checked before the first table is written. The tables are written into a\n"
            "temporary folder beside --out and replace it whole only when all of them succeeded: a\n"
            f"failed or interrupted run leaves the previous folder as it was. {PROVENANCE} in the\n"
            "folder records the manifest's and codebooks' SHA-256 and the package version; --table\n"
            "updates some tables of a folder made from the same manifest and codebooks, and refuses\n"
            "any other.\n\nTables:\n" + tables
        ),
        epilog=(
            "Exit status: 0 when every table was written; 2 on bad input (a manifest, capture, codebook or\n"
            "output folder that cannot be used), with one line on stderr naming the file and the problem;\n"
            "130 when interrupted (Ctrl-C), the previous output left as it was."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    e.add_argument("--out", required=True,
                   help="folder to write the CSV files into (created if missing; not the data folder or the current folder)")
    e.add_argument("--data", default=None, help="data folder with articles.csv, raw/ and codebook/ (default: found from here)")
    e.add_argument("--table", action="append", choices=list(TABLES), metavar="NAME",
                   help="only this table (repeatable), kept beside the folder's other tables; one of: " + ", ".join(TABLES))
    e.add_argument("--format", choices=["csv", "parquet"], default="csv",
                   help="csv (default): every table computed in memory, then written; parquet (needs pyarrow): "
                        "the per-article tables written partition by partition and combined, one <name>.parquet each, "
                        "so that a large corpus is never held in memory whole")
    e.add_argument("--workers", type=int, default=1, metavar="N",
                   help="processes for the per-article stages (default 1: one process); with more, Dask runs partitions "
                        "of articles on N local processes; the tables are the same")
    e.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the partitions on a dask.distributed cluster (tcp://host:8786), or one of Dask's local "
                        f"schedulers (processes, threads, synchronous); default: ${parallel.SCHEDULER_ENV}, else local")
    e.add_argument("--partition-size", type=int, default=None, metavar="N",
                   help=f"articles per partition (default: about {parallel.TASKS_PER_WORKER} per worker, at most {parallel.MAX_PARTITION})")
    e.add_argument("--progress-seconds", type=float, default=10.0, metavar="S",
                   help="when stderr is not a terminal, print a progress line every S seconds (default 10)")
    a = sub.add_parser(
        "add",
        help="register captures: copy them into raw/ and append their manifest rows",
        description=(
            "Register captures (saved web pages .html/.htm, or UTF-8 plain text): copy each into DATA/raw/ byte for\n"
            "byte, compute its sha256, fill its manifest row from the capture (headline, date and its basis,\n"
            "byline, url, capture_site; outlet from a page's site name) or from the options, append the row to\n"
            "DATA/articles.csv and print every value with where it came from. Check the printout."
        ),
        epilog=(
            "Exit status: 0 when every file was added; 2 on bad input (a capture that cannot be used, a file\n"
            "already in the corpus, an id that exists, a value the capture lacks and no option gives), with one\n"
            "line on stderr naming the file and the fix. Nothing is written unless every file can be added."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument("files", nargs="+", metavar="FILE", help="the captures to add")
    a.add_argument("--data", default=None, metavar="DIR", help="data folder (default: found from here); a folder without articles.csv starts one")
    a.add_argument("--outlet", metavar="NAME", help="the outlet that first published the story (required for plain text and for "
                   "a syndicated copy; default for a page: its site name)")
    a.add_argument("--date", metavar="YYYY-MM-DD",
                   help="publication date YYYY-MM-DD (date_basis 'given'); default: stated in the capture, else from the URL")
    a.add_argument("--url", metavar="URL", help="the article's URL (one file only); default: the page's canonical link")
    a.add_argument("--id", dest="article_id", metavar="ID", help="the manifest id (one file only); default: the outlet as a slug")
    a.add_argument("--site", metavar="SITE", help="capture_site: where the copy was saved from; default: the URL's host")
    a.add_argument("--headline", metavar="TEXT", help="the headline as printed (one file only); default: found in the capture")
    a.add_argument("--dry-run", action="store_true", help="check and print the rows, write nothing")
    t = sub.add_parser(
        "text",
        help="print the text newslens reads from a capture (a saved page's derived text)",
        description=("Print the text newslens reads from a capture: a plain-text capture as it is, a saved page's\n"
                     "article text as trafilatura derives it (headline, then one paragraph per line). The 'line'\n"
                     "numbers of the tables count the lines of this text: pipe it into `cat -n` to find one."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    t.add_argument("capture", metavar="FILE", help="a capture, e.g. data/raw/005_3ddcd287dfb7f7a0.html")
    return p


def _fail(message: str) -> int:
    # one line, whatever the exception text holds
    print("newslens: error: " + " ".join(str(message).split()), file=sys.stderr)
    return EXIT_BAD_INPUT


class _Progress:
    """Progress on stderr: a tqdm bar per stage on a terminal; elsewhere (CI, a log file) a plain line
    ``newslens: <stage> <done>/<total> (<elapsed> s)`` every *every* seconds, from a timer thread so
    that a long stage still reports."""

    def __init__(self, every: float, *, terminal: bool | None = None):
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self.every = every
        self.started = time.monotonic()
        self.state: tuple[str, int, int] | None = None
        self._stop = threading.Event()
        self._thread = None
        if not self.terminal and every > 0:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            if self.state is not None:
                stage, done, total = self.state
                print(f"newslens: {stage} {done}/{total} ({time.monotonic() - self.started:.0f} s)", file=sys.stderr, flush=True)

    def __call__(self, items, stage: str, total: int):
        if self.terminal:
            unit = "table" if stage == "tables" else "capture"
            yield from tqdm(items, desc=stage, total=total, unit=unit, file=sys.stderr, leave=False)
            return
        self.state = (stage, 0, total)
        for done, item in enumerate(items, 1):
            yield item
            self.state = (stage, done, total)

    def close(self) -> None:
        self._stop.set()


def _add(args: argparse.Namespace) -> int:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CorpusWarning)
            plans = plan_captures(args.files, args.data, outlet=args.outlet, date=args.date, url=args.url,
                                  article_id=args.article_id, site=args.site, headline=args.headline)
    except NewslensError as exc:
        return _fail(exc)
    for message in dict.fromkeys(str(w.message) for w in caught):
        print(f"newslens: warning: {message}", file=sys.stderr)
    for cap in plans:
        print("\n".join(describe(cap)))
    if args.dry_run:
        print(f"newslens: dry run: {len(plans)} capture(s) checked, nothing written", file=sys.stderr)
        return 0
    try:
        manifest = write_captures(plans, args.data)
    except OSError as exc:
        return _fail(f"cannot write into {args.data or 'the data folder'}: {exc.strerror or exc}; nothing was added")
    print(f"newslens: added {len(plans)} capture(s) to {manifest}", file=sys.stderr)
    return 0


def _text(args: argparse.Namespace) -> int:
    try:
        text = read_capture(args.capture)
    except NewslensError as exc:
        return _fail(exc)
    sys.stdout.write(text)
    return 0


def _export(args, progress: _Progress) -> int:
    names = args.table or list(TABLES)
    data_dir = find_data_dir() if args.data is None else Path(args.data)
    out = check_output_folder(args.out, data_dir, cwd=Path.cwd())
    workers = parallel.check_workers(args.workers)
    scheduler = parallel.resolve_scheduler(args.scheduler)
    size = None if args.partition_size is None else parallel.partition_size(0, workers, args.partition_size)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        # the manifest first (its errors name the row), then the codebooks, then captures and labels
        articles = load_manifest(data_dir, check_files=False)
        check_codebooks(codebooks_for(names), data_dir)
        if args.format == "parquet":
            return _export_parquet(args, names, data_dir, out, articles, workers, scheduler, size, caught)
        with export_lock(out):
            recover_output(out)
            keep = check_same_corpus(out, data_dir, names) if args.table else []
            study = Study(data_dir, codebooks=codebooks_for(names), progress=progress, workers=workers, scheduler=scheduler,
                          partition_size=size, tables=stages_for(names))
            check_tables(study, names)
            for message in dict.fromkeys(str(w.message) for w in caught):
                print(f"newslens: warning: {message}", file=sys.stderr)
            try:
                paths = write_export(study, out, names, keep=keep, progress=progress)
            except NewslensError as exc:
                raise type(exc)(f"{exc} (nothing written: {out} is as it was)") from None
            except OSError as exc:
                raise OSError(f"cannot write into {out}: {exc.strerror or exc} (nothing written: {out} is as it was)") from None
    for path in paths:
        print(f"newslens: wrote {path}", file=sys.stderr)
    return 0


def _export_parquet(args, names, data_dir, out, articles, workers, scheduler, size, caught) -> int:
    """The Parquet export: partition by partition, never the whole corpus's tables in memory."""
    try:
        import pyarrow  # noqa: F401 (imported only to learn whether it is installed)
    except ImportError:
        return _fail("--format parquet needs pyarrow: pip install pyarrow (or use the default --format csv)")
    books = {name: load_codebook(name, data_dir) for name in codebooks_for(names)}
    with export_lock(out):
        recover_output(out)
        keep = check_same_corpus(out, data_dir, names) if args.table else []
        for message in dict.fromkeys(str(w.message) for w in caught):
            print(f"newslens: warning: {message}", file=sys.stderr)
        try:
            # bad input found while the partitions run is reported as the CSV export reports it (before writing)
            paths = write_export_partitioned(data_dir, out, names, keep=keep, articles=articles, codebooks=books,
                                             workers=workers, scheduler=scheduler, partition_size=size)
        except OSError as exc:
            raise OSError(f"cannot write into {out}: {exc.strerror or exc} (nothing written: {out} is as it was)") from None
    for path in paths:
        print(f"newslens: wrote {path}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "add":
        return _add(args)
    if args.command == "text":
        return _text(args)
    progress = _Progress(args.progress_seconds)
    try:
        return _export(args, progress)
    except NewslensError as exc:
        return _fail(exc)
    except OSError as exc:
        return _fail(exc.strerror and f"{exc.filename or args.out}: {exc.strerror}" or exc)
    except KeyboardInterrupt:
        progress.close()
        print(f"newslens: interrupted; {args.out} is as it was before this run", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        progress.close()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C while Python was still starting up or shutting down
        os._exit(EXIT_INTERRUPTED)
