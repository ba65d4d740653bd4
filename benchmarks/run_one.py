"""Time the floor and the pipeline on one synthetic corpus, in a fresh process; print one JSON line.

    python benchmarks/run_one.py benchmarks/_work/n1000 [FLOOR_RUNS]

A fresh process per corpus size keeps each size's peak memory (``ru_maxrss``) its own. The floor
is timed first (best of FLOOR_RUNS runs, default three), then every stage of the pipeline once, in chapter order.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# the scripts beside this one import after sys.path holds their folder (hence E402)
from pipeline import floor_texts, run_pipeline, time_floor  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    data = Path(sys.argv[1])
    texts = floor_texts(data)
    floor_cpu: list[float] = []
    floor_runs = [time_floor(texts, floor_cpu) for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3)]
    peak_floor = _peak_mb()
    t = time.perf_counter()
    peaks: dict[str, float] = {}
    cpu: dict[str, float] = {}
    state, stages = run_pipeline(data, peaks, cpu)
    wall = time.perf_counter() - t
    corpus = state["corpus"]
    body = corpus.lines[corpus.lines["label"] == "body"]
    print(json.dumps({
        "articles": len(corpus.articles),
        "outlets": int(corpus.articles["outlet"].nunique()),
        "raw_mb": sum(len(t.encode("utf-8")) for t in texts) / 1e6,
        "lines": len(corpus.lines),
        "body_lines": len(body),
        "sentences": len(state["sentences"]),
        "unique_sentences": int(state["sentences"]["text"].nunique()),
        "quotes": len(state["quotes"]),
        "reuse_pairs": len(state["reuse"]),
        "floor": min(floor_runs),
        "floor_runs": floor_runs,
        "stages": stages,
        "floor_cpu": min(floor_cpu),
        "stages_cpu": cpu,
        "pipeline_wall": wall,
        "peak_mb_after_floor": peak_floor,
        "peak_mb": _peak_mb(),
        "peak_mb_after_stage": peaks,
    }))


if __name__ == "__main__":
    main()
