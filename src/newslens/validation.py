"""Out-of-sample agreement: the line labeller and the quote extractor measured on a frozen validation folder of
captures the rules were not written on, side by side with the in-sample seeds.

``python -m newslens.validation`` prints the three-column table (seeds, development half, test half).
A validation folder holds ``captures.csv`` (``id, file, headline, split`` and any other columns),
``captures/<file>``, ``lines.csv`` and ``quotes.csv`` (hand labels, the columns of the seeds' reference files)
and ``codebook/speakers.yml``. Nothing here knows a story, a site or a capture.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

from newslens import cache
from newslens.corpus import CorpusError, find_data_dir, label_lines, load_corpus
from newslens.quotes import QuoteError, extract_quotes, load_speakers, match_quotes

__all__ = ["MEASURES", "find_validation", "load_validation", "label_validation", "agreement", "line_errors", "quote_errors",
           "measure_validation", "measure_groups", "agreement_markdown"]

#: The rows of the agreement table, in order, with how a reader sees them.
MEASURES = {
    "captures": "captures",
    "lines": "non-blank lines (hand labels)",
    "quotes": "direct quotes (hand coded)",
    "body_precision": "body-line precision",
    "body_recall": "body-line recall",
    "body_f1": "body-line F1",
    "accuracy_nonblank": "accuracy on non-blank line labels",
    "quote_precision": "quote precision",
    "quote_recall": "quote recall",
    "quote_f1": "quote F1",
    "speaker_accuracy": "speaker name accuracy (matched quotes)",
    "speaker_type_accuracy": "speaker-type accuracy (matched quotes)",
}
_MANIFEST = ("id", "file", "headline", "split")
_LINES = ("article", "line", "label")
_QUOTES = ("article", "line", "quote", "speaker", "speaker_type")


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise CorpusError(f"{path}: not found; a validation folder needs captures.csv, lines.csv and quotes.csv")
    try:
        table = pd.read_csv(path, keep_default_na=False, dtype=str)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not a readable UTF-8 CSV file ({str(exc).splitlines()[0]})") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(missing)}; the header must have {', '.join(columns)}")
    return table


def load_validation(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read a validation folder.

    Returns
    -------
    manifest : DataFrame indexed by ``article`` (the ``id``) with ``headline``, ``split``, ``path`` (the capture)
        and every other column of ``captures.csv``.
    lines : the hand line labels: ``article``, ``line`` (int), ``label``, ``voice``, ``quoted_outlet``.
    quotes : the hand-coded quotes: ``article``, ``line`` (int), ``quote``, ``speaker``, ``speaker_type``, ``kind``.

    Raises :class:`CorpusError` naming the file and row when a file is missing or a row is unusable.
    """
    root = Path(folder)
    manifest = _read_csv(root / "captures.csv", _MANIFEST)
    for n, row in enumerate(manifest.itertuples(index=False), start=2):
        path = root / "captures" / row.file
        if not path.is_file():
            raise CorpusError(f"{root / 'captures.csv'} row {n}: capture {path} not found; fix the 'file' column")
        if not row.split:
            raise CorpusError(f"{root / 'captures.csv'} row {n}: empty 'split'; give every capture a split (dev or test)")
    manifest = manifest.assign(path=[str(root / "captures" / f) for f in manifest["file"]])
    manifest = manifest.rename(columns={"id": "article"}).set_index("article")
    lines = _read_csv(root / "lines.csv", _LINES)
    quotes = _read_csv(root / "quotes.csv", _QUOTES)
    for name, table in (("lines.csv", lines), ("quotes.csv", quotes)):
        bad = ~table["line"].str.fullmatch(r"\d+") | ~table["article"].isin(manifest.index)
        if bad.any():
            n = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise CorpusError(f"{root / name} row {n}: unknown article or a line that is not a number; "
                              "every row needs an id of captures.csv and a line number")
        table["line"] = table["line"].astype(int)
    for col in ("voice", "quoted_outlet"):
        if col not in lines.columns:
            lines[col] = ""
    if "kind" not in quotes.columns:
        quotes["kind"] = ""
    return manifest, lines, quotes


def label_validation(manifest: pd.DataFrame, *, furniture_dir: str | Path | None = None) -> pd.DataFrame:
    """Label every line of the validation captures with the package's rules (the furniture codebook of
    *furniture_dir*, default the project's ``data/``): the output of :func:`newslens.corpus.label_lines`."""
    return label_lines(manifest, data_dir=furniture_dir)


def agreement(lines: pd.DataFrame, reference: pd.DataFrame, found: pd.DataFrame, ref_quotes: pd.DataFrame) -> dict:
    """Agreement of labelled lines and extracted quotes with the hand labels.

    Parameters
    ----------
    lines : labelled lines (``article``, ``line``, ``label``); must cover exactly the reference's lines.
    reference : hand labels (``article``, ``line``, ``label``).
    found : extracted quotes (``article``, ``line``, ``quote``, ``speaker``, ``speaker_type``).
    ref_quotes : hand-coded quotes, same columns.

    Returns
    -------
    dict with the keys of :data:`MEASURES`: counts, body-line precision/recall/F1 (label ``body`` against all
    others), accuracy over the lines that are not blank in the reference, quote precision/recall/F1 (a quote
    matches when article, line and words agree, see :func:`newslens.quotes.match_quotes`), and, over the
    matched quotes, the share whose speaker name (case-insensitive) and speaker type agree.
    """
    m = reference.merge(lines[["article", "line", "label"]], on=["article", "line"], how="left",
                        suffixes=("_ref", ""), indicator=True)
    if (m["_merge"] != "both").any() or len(reference) != len(lines):
        raise CorpusError("the hand labels must cover exactly the labelled lines (same articles and line numbers)")
    p, r, f, _ = precision_recall_fscore_support(m["label_ref"] == "body", m["label"] == "body", average="binary",
                                                 zero_division=0)
    nonblank = m[m["label_ref"] != "blank"]
    q = match_quotes(*(t if "kind" in t.columns else t.assign(kind="") for t in (found, ref_quotes)))
    in_ref, in_found = q["status"].isin(["match", "missed"]), q["status"].isin(["match", "extra"])
    qp, qr, qf, _ = precision_recall_fscore_support(in_ref, in_found, average="binary", zero_division=0)
    hits = q[q["status"] == "match"]
    same_name = hits["speaker_found"].str.casefold() == hits["speaker_ref"].str.casefold()
    return {
        "captures": int(reference["article"].nunique()),
        "lines": len(nonblank),
        "quotes": len(ref_quotes),
        "body_precision": float(p), "body_recall": float(r), "body_f1": float(f),
        "accuracy_nonblank": float(accuracy_score(nonblank["label_ref"], nonblank["label"])),
        "quote_precision": float(qp), "quote_recall": float(qr), "quote_f1": float(qf),
        "speaker_accuracy": float(same_name.mean()) if len(hits) else 0.0,
        "speaker_type_accuracy": float((hits["speaker_type_found"] == hits["speaker_type_ref"]).mean()) if len(hits) else 0.0,
    }


def line_errors(lines: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The lines whose label differs from the hand label: ``article``, ``line``, ``label_ref``, ``label``, ``text``."""
    m = reference.merge(lines[["article", "line", "label", "text"]], on=["article", "line"], suffixes=("_ref", ""))
    return m.loc[m["label"] != m["label_ref"], ["article", "line", "label_ref", "label", "text"]].reset_index(drop=True)


def quote_errors(found: pd.DataFrame, ref_quotes: pd.DataFrame) -> pd.DataFrame:
    """Quotes missed, extra, or matched with another speaker or type: the rows of
    :func:`newslens.quotes.match_quotes` that are not a full agreement."""
    q = match_quotes(*(t if "kind" in t.columns else t.assign(kind="") for t in (found, ref_quotes)))
    wrong = (q["status"] != "match") | (q["speaker_found"].str.casefold() != q["speaker_ref"].str.casefold()) \
        | (q["speaker_type_found"] != q["speaker_type_ref"])
    return q[wrong].reset_index(drop=True)


def _split_measures(folder: Path, furniture_dir: Path, splits: tuple[str, ...] | None, by: str = "split") -> dict[str, dict]:
    manifest, ref_lines, ref_quotes = load_validation(folder)
    if by not in manifest.columns:
        raise CorpusError(f"{folder / 'captures.csv'}: no column {by!r}; group by one of {', '.join(manifest.columns)}")
    speakers = load_speakers(data_dir=folder)
    out = {}
    for split in (splits if splits is not None else tuple(dict.fromkeys(manifest[by]))):
        part = manifest[manifest[by] == split]
        if part.empty:
            raise CorpusError(f"{folder / 'captures.csv'}: no capture has {by} {split!r}")
        lines = label_validation(part, furniture_dir=furniture_dir)
        found = extract_quotes(lines, speakers, data_dir=furniture_dir)
        out[split] = agreement(lines, ref_lines[ref_lines["article"].isin(part.index)], found,
                               ref_quotes[ref_quotes["article"].isin(part.index)])
    return out


def measure_validation(folder: str | Path, *, data_dir: str | Path | None = None, reference: str | Path | None = None,
                       splits: tuple[str, ...] = ("dev", "test")) -> pd.DataFrame:
    """The agreement table: one row per measure of :data:`MEASURES`, one column for the seeds (in sample:
    the project's captures against *reference*, default ``reference/`` inside *data_dir*; left out when the story
    has no hand-coded lines and quotes there) and one per split
    of the validation *folder* (out of sample). The validation captures are labelled with the furniture
    codebook of *data_dir* and their quotes attributed with the folder's own ``codebook/speakers.yml``.

    Kept in the disk cache of :mod:`newslens.cache` (two chapters show this table), keyed by the content of the three
    folders and the package's code.
    """
    data = Path(data_dir) if data_dir is not None else find_data_dir()
    ref = Path(reference) if reference is not None else data / "reference"
    folders = [Path(folder), data] + ([ref] if ref.is_dir() and not ref.resolve().is_relative_to(data.resolve()) else [])
    entry = cache.key("validation", str(reference is not None), ",".join(splits), *(cache.content_hash(f) for f in folders))
    table = cache.load("validation", entry)
    if not isinstance(table, pd.DataFrame):
        table = _measure_validation(Path(folder), data, ref, reference is not None, splits)
        cache.store("validation", entry, table)
    return table


def _measure_validation(folder: Path, data: Path, ref: Path, given: bool, splits: tuple[str, ...]) -> pd.DataFrame:
    columns = {}
    if given or ((ref / "lines.csv").is_file() and (ref / "quotes.csv").is_file()):
        corpus = load_corpus(data)
        seed_lines = _read_csv(ref / "lines.csv", _LINES).astype({"line": int})
        seed_quotes = _read_csv(ref / "quotes.csv", _QUOTES).astype({"line": int})
        # agreement on the articles the story's hand labelling covers (it may cover some only)
        lines = corpus.lines[corpus.lines["article"].isin(set(seed_lines["article"]))]
        columns["seeds"] = agreement(lines, seed_lines, extract_quotes(lines, data_dir=data), seed_quotes)
    columns.update(_split_measures(folder, data, splits))
    return _table(columns)


def measure_groups(folder: str | Path, by: str, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The agreement table with one column per value of the column *by* of ``captures.csv`` (for example the
    ``batch`` a capture was labelled in), in the order the values first appear; no seeds column, not cached.
    Raises :class:`CorpusError` when ``captures.csv`` has no such column."""
    data = Path(data_dir) if data_dir is not None else find_data_dir()
    return _table(_split_measures(Path(folder), data, None, by))


def _table(columns: dict[str, dict]) -> pd.DataFrame:
    table = pd.DataFrame(columns).reindex(list(MEASURES))
    table.index = [MEASURES[k] for k in table.index]
    table.index.name = "measure"
    return table


def find_validation(start: str | Path) -> Path | None:
    """The validation folder (``tests/validation`` with its ``captures.csv``) in *start* or a folder above it, or None."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "tests" / "validation" / "captures.csv").is_file():
            return folder / "tests" / "validation"
    return None


def agreement_markdown(table: pd.DataFrame, *, digits: int = 2) -> str:
    """The agreement table as a plain Markdown table (counts as integers, ratios rounded to *digits*)."""
    def cell(v: float) -> str:
        return f"{int(v)}" if float(v).is_integer() and v > 1 else f"{v:.{digits}f}"

    names = {"seeds": "seeds (in sample)", "dev": "development half", "test": "test half"}
    head = ["measure", *[names.get(c, c) for c in table.columns]]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * len(table.columns)]
    rows += ["| " + " | ".join([str(i), *[cell(v) for v in r]]) + " |" for i, r in zip(table.index, table.to_numpy())]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m newslens.validation",
                                description="Print the agreement of the line labeller and the quote extractor: "
                                            "seeds (in sample), development and test halves (out of sample).")
    p.add_argument("--folder", default=None, help="validation folder (default: tests/validation beside data/)")
    p.add_argument("--data", default=None, help="the project's data folder (default: found from here)")
    p.add_argument("--reference", default=None, help="the seeds' hand labels (default: the data folder's reference/)")
    p.add_argument("--by", default=None, metavar="COLUMN",
                   help="one column per value of this column of captures.csv (e.g. batch) instead of the halves")
    args = p.parse_args(argv)
    try:
        data = Path(args.data) if args.data else find_data_dir()
        folder = Path(args.folder) if args.folder else data.parent / "tests" / "validation"
        if args.by:
            table = measure_groups(folder, args.by, data_dir=data)
        else:
            table = measure_validation(folder, data_dir=data, reference=args.reference)
    except (CorpusError, QuoteError) as exc:
        print(f"newslens.validation: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    print(agreement_markdown(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
