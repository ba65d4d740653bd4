"""Hand codings of a story (``data/reference/*.csv``): optional, partial, and checked like the codebooks.

A story may bring a hand coding of the line labels, the facts, the quotes and the generic frames for any subset of
its articles. Each file is read strictly (every error names the file, the row as a spreadsheet counts it, and the
fix); agreement is then measured on the articles the file covers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from newslens.corpus import LABELS, CorpusError
from newslens.errors import TableError


@dataclass(frozen=True)
class _Spec:
    file: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


#: The hand codings a story may bring, by kind.
REFERENCES: dict[str, _Spec] = {
    "lines": _Spec("lines.csv", ("article", "line", "label"), ("voice", "quoted_outlet")),
    "facts": _Spec("facts.csv", ("article", "fact", "present"), ("note",)),
    "quotes": _Spec("quotes.csv", ("article", "line", "quote", "speaker", "speaker_type", "kind")),
    "frames": _Spec("frames_manual.csv", ("article", "item", "answer", "rationale", "evidence")),
}


def reference_path(data_dir: str | Path, kind: str) -> Path:
    """Where the hand coding *kind* (a key of :data:`REFERENCES`) of a story lives."""
    return Path(data_dir) / "reference" / REFERENCES[kind].file


def _read(path: Path, spec: _Spec) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text; save it as CSV UTF-8") from None
    except pd.errors.ParserError as e:
        detail = str(e).split("\n")[0]
        raise CorpusError(f"{path}: not a valid CSV ({detail}); check the quoting and the number of commas on that line") from None
    except pd.errors.EmptyDataError:
        raise CorpusError(f"{path}: the file is empty; give a header row ({', '.join(spec.required)}) or delete the file") from None
    missing = [c for c in spec.required if c not in table.columns]
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(missing)}; the columns are {', '.join(spec.required + spec.optional)}")
    for c in spec.optional:
        if c not in table.columns:
            table[c] = ""
    return table


def _check_rows(path: Path, table: pd.DataFrame, articles: pd.Index, lines: pd.DataFrame | None) -> None:
    known = set(articles)
    n_lines = lines.groupby("article")["line"].max().to_dict() if lines is not None else {}
    for row, r in enumerate(table.to_dict("records"), start=2):
        if r["article"] not in known:
            raise CorpusError(f"{path} row {row}: article {r['article']!r} is not an id in articles.csv")
        if "line" in r:
            if not r["line"].isdigit() or int(r["line"]) < 1:
                raise CorpusError(f"{path} row {row}: line {r['line']!r} is not a line number (1, 2, ...)")
            last = n_lines.get(r["article"])
            if last is not None and int(r["line"]) > last:
                raise CorpusError(f"{path} row {row}: line {r['line']} is past the end of {r['article']!r} ({last} lines)")


def _duplicates(path: Path, table: pd.DataFrame, key: list[str]) -> None:
    dup = table.duplicated(key)
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][0]) + 2
        cell = ", ".join(f"{k} {table.iloc[row - 2][k]!r}" for k in key)
        raise CorpusError(f"{path} row {row}: {cell} is coded twice; keep one row")


def _values(path: Path, table: pd.DataFrame, column: str, allowed, what: str) -> None:
    allowed = set(allowed)
    for row, value in enumerate(table[column], start=2):
        if value not in allowed:
            raise CorpusError(f"{path} row {row}: {column} {value!r} is not {what}")


def load_reference(kind: str, data_dir: str | Path, *, articles: pd.DataFrame, lines: pd.DataFrame | None = None,
                   codebooks: dict | None = None) -> pd.DataFrame | None:
    """Read and check one hand coding of a story, or return ``None`` when the story has none.

    Parameters
    ----------
    kind : ``lines``, ``facts``, ``quotes`` or ``frames`` (see :data:`REFERENCES`).
    data_dir : the story's data folder; the file is ``<data_dir>/reference/<file>``.
    articles : the manifest (index ``article``): every row must name one of its articles.
    lines : the labelled lines (``article``, ``line``): line numbers must exist, and a line coding must cover every
        line of each article it covers.
    codebooks : the story's parsed codebooks; ``facts`` ids are checked against ``facts.yml``.

    Returns
    -------
    DataFrame with the file's columns (``line`` and ``present`` as integers), or None if the file does not exist.

    Raises
    ------
    CorpusError naming the file, the row and the fix.
    """
    if kind not in REFERENCES:
        raise TableError(f"no reference {kind!r}; the kinds are {', '.join(REFERENCES)}")
    spec = REFERENCES[kind]
    path = reference_path(data_dir, kind)
    if not path.is_file():
        return None
    table = _read(path, spec)
    _check_rows(path, table, articles.index, lines)
    if kind == "lines":
        _values(path, table, "label", LABELS, f"a line label ({', '.join(LABELS)})")
        _duplicates(path, table, ["article", "line"])
        table["line"] = table["line"].astype(int)
        if lines is not None:
            for article, got in table.groupby("article", sort=False)["line"]:
                want = set(lines.loc[lines["article"] == article, "line"])
                gap = sorted(want - set(got))
                if gap:
                    raise CorpusError(f"{path}: article {article!r} is coded but line {gap[0]} is not; "
                                      f"code every line of an article ({len(gap)} missing)")
    elif kind == "facts":
        _values(path, table, "present", ("0", "1"), "0 or 1")
        ids = {str(f.get("id")) for f in (codebooks or {}).get("facts", {}).get("facts", []) if isinstance(f, dict)}
        if ids:
            _values(path, table, "fact", ids, "a fact id of facts.yml")
        _duplicates(path, table, ["article", "fact"])
        table["present"] = table["present"].astype(int)
    elif kind == "quotes":
        _values(path, table, "kind", ("full", "partial"), "full or partial")
        table["line"] = table["line"].astype(int)
    return table


def covered(found: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The rows of *found* whose article the hand coding *reference* covers (agreement is measured there only)."""
    return found[found["article"].isin(set(reference["article"]))]
