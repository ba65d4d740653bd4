"""Time newslens.coverage.fact_hits on the seed sentences copied N times (default 200).

Two runs: identical copies (as a syndicated corpus repeats sentences), and copies whose every
sentence is made distinct by a suffix (no sentence-level reuse possible). Best of --repeat runs, in CPU
time of this process (the machine is shared: wall time varies with the other load).

    PYTHONHASHSEED=0 .venv/bin/python benchmarks/fact_timing.py [--copies 200] [--repeat 3]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from newslens import coverage as cv
from newslens.corpus import inline_markers, load_codebook, load_corpus
from newslens.text import sentence_table

ROOT = Path(__file__).resolve().parents[1]


def copies(sentences: pd.DataFrame, n: int, *, distinct: bool) -> pd.DataFrame:
    parts = []
    for k in range(n):
        part = sentences.assign(article=sentences["article"] + f"_{k}")
        if distinct:
            part = part.assign(text=part["text"] + f" Copy {k}.")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        func()
        times.append(time.process_time() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    corpus = load_corpus(ROOT / "data")
    seeds = sentence_table(corpus.lines, markers=inline_markers(data_dir=corpus.data_dir))
    facts = cv.compile_facts(load_codebook("facts", ROOT / "data"))
    for distinct in (False, True):
        table = copies(seeds, args.copies, distinct=distinct)
        secs = best(lambda table=table: cv.fact_hits(table, facts), args.repeat)
        kind = "distinct" if distinct else "identical"
        print(f"{kind:9s} copies: {len(table):6d} sentences, fact_hits CPU time, best of {args.repeat}: {secs:.3f} s")


if __name__ == "__main__":
    main()
