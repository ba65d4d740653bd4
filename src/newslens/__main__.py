"""Command line: ``python -m newslens export --out DIR [--data DIR] [--table NAME ...]``."""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from tqdm import tqdm

from newslens.display import TABLE_DECIMALS
from newslens.corpus import CorpusWarning, find_data_dir, load_manifest
from newslens.export import INPUT_ERRORS, TABLES, codebooks_for, export_tables
from newslens.study import Study

EXIT_BAD_INPUT = 2


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
            "as downloads).\n\nTables:\n" + tables
        ),
        epilog=(
            "Exit status: 0 when every table was written; 2 on bad input (a manifest, capture, codebook or\n"
            "output folder that cannot be used), with one line on stderr naming the file and the problem."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    e.add_argument("--out", required=True, help="folder to write the CSV files into (created if missing)")
    e.add_argument("--data", default=None, help="data folder with articles.csv, raw/ and codebook/ (default: found from here)")
    e.add_argument("--table", action="append", choices=list(TABLES), metavar="NAME",
                   help="only this table (repeatable); one of: " + ", ".join(TABLES))
    return p


def _fail(message: str) -> int:
    # one line, whatever the exception text holds
    print("newslens: error: " + " ".join(str(message).split()), file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    names = args.table or list(TABLES)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CorpusWarning)
            # the manifest first (its errors name the row), then the codebooks, then captures and labels
            load_manifest(args.data, check_files=False)
            data_dir = find_data_dir() if args.data is None else Path(args.data)
            study = Study(data_dir, codebooks=codebooks_for(names))
    except INPUT_ERRORS as exc:
        return _fail(exc)
    for message in dict.fromkeys(str(w.message) for w in caught):
        print(f"newslens: warning: {message}", file=sys.stderr)
    paths = []
    # one step per table on stderr; tqdm hides the bar when stderr is not a terminal
    for name in tqdm(names, desc="newslens export", unit="table", file=sys.stderr, disable=None):
        try:
            paths += export_tables(study, args.out, [name])
        except INPUT_ERRORS as exc:
            return _fail(f"{name}.csv: {exc}")
        except OSError as exc:
            return _fail(f"cannot write {name}.csv into {args.out}: {exc.strerror or exc}")
    for path in paths:
        print(f"newslens: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
