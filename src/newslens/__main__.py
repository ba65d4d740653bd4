"""Command line: ``python -m newslens export --out DIR [--data DIR]``."""
from __future__ import annotations

import argparse
import sys
import warnings

from tqdm import tqdm

from newslens.corpus import CorpusError, CorpusWarning, load_corpus
from newslens.export import TABLES, export_tables


def _parser() -> argparse.ArgumentParser:
    tables = "\n".join(f"  {name}.csv: {doc}" for name, (_f, doc) in TABLES.items())
    p = argparse.ArgumentParser(prog="newslens", description="Compare how news outlets covered one story.")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser(
        "export",
        help="write every table of the book as CSV",
        description="Write every table of the book as CSV.\n\nTables:\n" + tables,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    e.add_argument("--out", required=True, help="folder to write the CSV files into (created if missing)")
    e.add_argument("--data", default=None, help="data folder with articles.csv, raw/ and codebook/ (default: found from here)")
    e.add_argument("--table", action="append", choices=sorted(TABLES), help="only this table (repeatable)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CorpusWarning)
            corpus = load_corpus(args.data)
        for w in caught:
            print(f"newslens: warning: {w.message}", file=sys.stderr)
        names = args.table or list(TABLES)
        paths = []
        # one step per table on stderr; tqdm hides the bar when stderr is not a terminal
        for name in tqdm(names, desc="newslens export", unit="table", file=sys.stderr, disable=None):
            paths += export_tables(corpus, args.out, [name])
        for path in paths:
            print(f"newslens: wrote {path}", file=sys.stderr)
    except CorpusError as exc:
        print(f"newslens: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
