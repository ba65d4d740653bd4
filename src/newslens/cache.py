"""A disk cache for results that every chapter kernel would otherwise compute again (the study's tables, the validation
table), keyed by the content they come from and the code that computes them, so that a stale result is never read.

Entries live outside the data folder, in ``$NEWSLENS_CACHE_DIR`` (``off`` turns the cache off), else
``$XDG_CACHE_HOME/newslens``, else ``~/.cache/newslens``. Each is written to a temporary file and renamed into place
(a reader sees a whole entry or none); an entry that cannot be read is ignored and computed again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import platform
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

__all__ = ["cache_dir", "code_version", "content_hash", "key", "load", "store"]

#: The libraries whose versions can change a result (a new pandas may round or order differently).
_LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "simplemma", "vaderSentiment", "PyYAML", "trafilatura")


def cache_dir() -> Path | None:
    """Where entries are kept, or None when ``NEWSLENS_CACHE_DIR=off``."""
    chosen = os.environ.get("NEWSLENS_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "none") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newslens"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the package's own source files, Python's version and the versions of :data:`_LIBRARIES`."""
    h = hashlib.sha256(platform.python_version().encode())
    for dist in _LIBRARIES:
        try:
            h.update(f"\0{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"\0{dist}=-".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(b"\0" + str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def content_hash(folder: str | Path) -> str:
    """A hash of every file under *folder* (names and bytes), for inputs that are not a study's data folder."""
    root = Path(folder)
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def key(*parts: str) -> str:
    """The key of an entry computed from *parts* (content hashes, options) by this version of the code."""
    return hashlib.sha256("\0".join((code_version(), *parts)).encode()).hexdigest()


def _path(kind: str, entry: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{kind}-{entry}.pickle"


def load(kind: str, entry: str):
    """The object stored as *kind* under *entry*, or None when there is none or it cannot be read."""
    path = _path(kind, entry)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # a truncated, foreign or outdated file: compute again
        return None


def store(kind: str, entry: str, obj) -> None:
    """Keep *obj* as *kind* under *entry*: pickled to a temporary file in the cache folder, then renamed into place.

    A folder that cannot be written only costs the speed-up: nothing is said, so that outputs never depend on it.
    """
    path = _path(kind, entry)
    if path is None:
        return
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{kind}-", suffix=".tmp", delete=False) as fh:
            tmp = fh.name
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
