"""The analysis pipeline as timed stages, and the TF-IDF floor it is measured against.

Each stage calls the package the way a chapter does, in the order the chapters run; the state
dict carries what earlier stages produced. Used by ``run_one.py`` (timing) and
``profile_stages.py`` (cProfile).
"""
from __future__ import annotations

import csv
import resource
import time
from collections.abc import Callable
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

from newslens import coverage, framing
from newslens.study import Study


def _load(s):
    # Manifest and codebook checks, every capture read and checksummed, every line labelled, voices assigned.
    s["study"] = Study(s["data"])
    s["corpus"] = s["study"].corpus


def _sentences(s):
    s["sentences"] = s["study"].sentences


def _quotes(s):
    # Chapter 2b: every direct quotation and its speaker.
    s["quotes"] = s["study"].quotes


def _facts(s):
    # Chapter 2: the fact matrix (every article x every fact of facts.yml).
    s["facts"] = s["study"].facts


def _actors(s):
    # Chapter 2: actor mentions, the per-actor table and the names the codebook does not know.
    st = s["study"]
    s["actors"] = st.actor_mentions
    s["actor_counts"] = coverage.actor_counts(st.actor_mentions, st.by_date)
    s["unknown"] = st.unknown_names


def _words(s):
    # Chapter 2: wording per 1,000 words, own and quoted voice.
    s["wording"] = s["study"].word_choices


def _reuse(s):
    # Chapter 2c: shared passages between articles and each article's reused share.
    from newslens import reuse

    s["reuse"] = s["study"].reuse
    s["reuse_share"] = reuse.reuse_share(s["reuse"], s["study"].lines)


def _terms(s):
    # Chapter 3: one document per outlet, both views, scored by TF-IDF, log-odds, G2 and log ratio.
    from newslens import terms

    s["terms"] = {v: s["study"].term_table(v) for v in terms.VIEWS}


def _frames(s):
    # Chapter 4: the 19 generic-frame items per article and the five frame scores.
    s["codes"] = s["study"].frame_codes
    s["frame_scores"] = s["study"].frame_scores


def _tone(s):
    # Chapter 4: VADER compound score per sentence and the per-article summary.
    s["tone"] = s["study"].tone
    s["tone_summary"] = framing.tone_summary(s["tone"])


#: (stage name, function of the state), in chapter order. "load + labels" covers manifest
#: checks, reading, line labels and voices.
STAGES: list[tuple[str, Callable[[dict], None]]] = [
    ("load + labels", _load),
    ("sentences", _sentences),
    ("quotes", _quotes),
    ("facts", _facts),
    ("actors", _actors),
    ("word choices", _words),
    ("reuse", _reuse),
    ("terms", _terms),
    ("frames", _frames),
    ("tone", _tone),
]


def floor_texts(data: Path) -> list[str]:
    """The texts the floor vectorises: each capture's full raw text, read once."""
    with (Path(data) / "articles.csv").open(encoding="utf-8", newline="") as fh:
        files = [row["file"] for row in csv.DictReader(fh)]
    return [(Path(data) / "raw" / f).read_text(encoding="utf-8") for f in files]


def time_floor(texts: list[str], cpu: list[float] | None = None) -> float:
    """Seconds (wall clock) for the floor: TF-IDF with unigrams and bigrams over the raw texts.

    With a list as *cpu*, the CPU seconds of the process are appended to it as well.
    """
    t, c = time.perf_counter(), time.process_time()
    TfidfVectorizer(ngram_range=(1, 2)).fit_transform(texts)
    if cpu is not None:
        cpu.append(time.process_time() - c)
    return time.perf_counter() - t


def run_pipeline(data: Path, peaks: dict[str, float] | None = None, cpu: dict[str, float] | None = None) -> tuple[dict, dict[str, float]]:
    """Run every stage on the corpus in *data*; return the state (each stage's output) and seconds (wall clock) per stage.

    With a dict as *peaks*, the process's peak memory (MB) after each stage is recorded in it: every
    stage's output stays in the state, as it does in a notebook session. With a dict as *cpu*, the
    CPU seconds of each stage (less disturbed by other work on the machine than the wall clock).
    """
    state: dict = {"data": Path(data)}
    times = {}
    for name, func in STAGES:
        t, c = time.perf_counter(), time.process_time()
        func(state)
        times[name] = time.perf_counter() - t
        if cpu is not None:
            cpu[name] = time.process_time() - c
        if peaks is not None:
            peaks[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return state, times
