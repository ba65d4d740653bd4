"""Command line: ``python -m newslens export --out DIR [--data DIR] [--table NAME ...]``."""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from pathlib import Path

from tqdm import tqdm

from newslens.codebooks import check_codebooks
from newslens.corpus import CorpusWarning, find_data_dir, load_corpus, load_manifest
from newslens.export import (
    INPUT_ERRORS,
    PROVENANCE,
    TABLES,
    check_output_folder,
    check_same_corpus,
    check_tables,
    codebooks_for,
    export_lock,
    recover_output,
    write_export,
)

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
            "Write every table of the book as CSV (UTF-8, one header row, no index).\n\n"
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
    e.add_argument("--progress-seconds", type=float, default=10.0, metavar="S",
                   help="when stderr is not a terminal, print a progress line every S seconds (default 10)")
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


def _export(args, progress: _Progress) -> int:
    names = args.table or list(TABLES)
    data_dir = find_data_dir() if args.data is None else Path(args.data)
    out = check_output_folder(args.out, data_dir, cwd=Path.cwd())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        # the manifest first (its errors name the row), then the codebooks, then captures and labels
        load_manifest(data_dir, check_files=False)
        check_codebooks(codebooks_for(names), data_dir)
        with export_lock(out):
            recover_output(out)
            keep = check_same_corpus(out, data_dir, names) if args.table else []
            corpus = load_corpus(data_dir, progress=progress)
            check_tables(corpus, names)
            for message in dict.fromkeys(str(w.message) for w in caught):
                print(f"newslens: warning: {message}", file=sys.stderr)
            try:
                paths = write_export(corpus, out, names, keep=keep, progress=progress)
            except INPUT_ERRORS as exc:
                raise type(exc)(f"{exc} (nothing written: {out} is as it was)") from None
            except OSError as exc:
                raise OSError(f"cannot write into {out}: {exc.strerror or exc} (nothing written: {out} is as it was)") from None
    for path in paths:
        print(f"newslens: wrote {path}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = _Progress(args.progress_seconds)
    try:
        return _export(args, progress)
    except INPUT_ERRORS as exc:
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
