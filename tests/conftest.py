"""Shared fixtures: the project's data folder and a builder for small, broken copies of it."""
from __future__ import annotations

import atexit
import csv
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

#: An aggregator's inline markers as the functions take them (``markers=``), for the tests on tiny tables: the
#: ``inline_markers`` of the seeds' furniture.yml as newslens.corpus.inline_markers compiles them, written out so that
#: those tests read no data folder.
MARKERS = re.compile(r"(?:\[Source\])|(?:\[(…|\.\.\.)\])|(?:®)", re.IGNORECASE)

# The tests (and the notebooks and commands they run) keep newslens's disk cache in a folder of their own, empty at
# the start of a session, never in the user's.
if "NEWSLENS_CACHE_DIR" not in os.environ:
    os.environ["NEWSLENS_CACHE_DIR"] = tempfile.mkdtemp(prefix="newslens-test-cache-")
    atexit.register(shutil.rmtree, os.environ["NEWSLENS_CACHE_DIR"], True)


@pytest.fixture(scope="session")
def corpus():
    from newslens.corpus import load_corpus

    return load_corpus(DATA)


@pytest.fixture(scope="session")
def study():
    from newslens.study import Study

    return Study.open(DATA)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MiniData:
    """A throwaway data folder: codebooks copied from the project, captures and manifest written by the test."""

    FIELDS = ["id", "file", "outlet", "capture_site", "headline", "date", "date_basis", "byline", "url", "sha256"]

    def __init__(self, root: Path):
        self.root = root
        (root / "raw").mkdir(parents=True)
        shutil.copytree(DATA / "codebook", root / "codebook")
        self.rows: list[dict] = []

    def add(self, art: str, text: str | bytes, headline: str = "A headline", **fields) -> dict:
        data = text.encode("utf-8") if isinstance(text, str) else text
        name = f"{art}.txt"
        (self.root / "raw" / name).write_bytes(data)
        row = dict(id=art, file=name, outlet=f"Outlet {art}", capture_site="example.org", headline=headline,
                   date="2021-08-10", date_basis="stated", byline="", url="", sha256=sha(data))
        row.update(fields)
        self.rows.append(row)
        return row

    def write(self, fields: list[str] | None = None) -> Path:
        fields = fields or self.FIELDS
        with (self.root / "articles.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            w.writerows(self.rows)
        return self.root


@pytest.fixture
def no_network(monkeypatch):
    """Nothing is fetched, ever: opening a connection in process fails the test."""
    import socket

    def refuse(*_a, **_k):
        raise AssertionError("newslens tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def mini(tmp_path):
    return MiniData(tmp_path / "data")


def _reads_seed(item) -> bool:
    import inspect

    if {"corpus", "study"} & set(getattr(item, "fixturenames", ())):
        return True
    try:
        source = inspect.getsource(item.function)
    except (OSError, TypeError, AttributeError):
        return False
    return "DATA" in source or '/ "data"' in source


def pytest_collection_modifyitems(config, items):
    """Tests that read the seed story (the ``corpus`` or ``study`` fixture, or the project's data folder) are marked
    ``seed``: what they expect holds for data/ as committed, so `pytest -m "not seed"` runs the rest on any story."""
    for item in items:
        if _reads_seed(item):
            item.add_marker(pytest.mark.seed)
