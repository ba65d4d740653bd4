"""The analysis pipeline as timed stages, and the TF-IDF floor it is measured against.

Each stage is one call into the package, in the order a chapter runs them; the state dict carries
what earlier stages produced. Used by ``run.py``; importable on its own for profiling.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from sklearn.feature_extraction.text import TfidfVectorizer

from newslens import coverage, quotes, reuse
from newslens.corpus import load_codebook, load_corpus
from newslens.text import sentence_table


def _load(s):
    s["corpus"] = load_corpus(s["data"])


def _sentences(s):
    s["sentences"] = sentence_table(s["corpus"].lines)


def _facts(s):
    s["facts"] = coverage.fact_matrix(s["sentences"], load_codebook("facts", s["data"]), list(s["corpus"].articles.index))


def _actors(s):
    s["actors"] = coverage.actor_mentions(s["sentences"], load_codebook("actors", s["data"]))


def _words(s):
    s["wording"] = coverage.word_choices(s["sentences"], load_codebook("wording", s["data"]))


def _quotes(s):
    s["quotes"] = quotes.extract_quotes(s["corpus"].lines, data_dir=s["data"])


def _reuse(s):
    s["reuse"] = reuse.find_reuse(s["corpus"].lines, s["corpus"].articles)


#: (stage name, function of the state). "load" covers manifest checks, reading and line labels.
STAGES: list[tuple[str, Callable[[dict], None]]] = [
    ("load + labels", _load),
    ("sentences", _sentences),
    ("facts", _facts),
    ("actors", _actors),
    ("word choices", _words),
    ("quotes", _quotes),
    ("reuse", _reuse),
]


def floor_texts(data: Path) -> list[str]:
    """The texts the floor vectorises: each capture's full raw text, read once."""
    corpus = load_corpus(data)
    return [Path(p).read_text(encoding="utf-8") for p in corpus.articles["path"]]


def time_floor(texts: list[str]) -> float:
    t = time.perf_counter()
    TfidfVectorizer(ngram_range=(1, 2)).fit_transform(texts)
    return time.perf_counter() - t


def time_pipeline(data: Path) -> dict[str, float]:
    state: dict = {"data": Path(data)}
    times = {}
    for name, func in STAGES:
        t = time.perf_counter()
        func(state)
        times[name] = time.perf_counter() - t
    return times
