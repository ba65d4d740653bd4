"""Time the pipeline with its per-article stages on several worker processes; print one JSON line.

    python benchmarks/run_workers.py benchmarks/_work/n10000 2

The stages of ``pipeline.py`` after the first, on a study made with ``Study(data, workers=W)``: making
it reads, labels and computes every per-article table in Dask's process pool (one partition per
task), so the first figure holds the parallel part and the others the corpus-wide stages and
summaries, in one process. Peak memory is the sum over this process and its workers (``memory.py``).
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# the scripts beside this one import after sys.path holds their folder (hence E402)
from memory import TreeMemory  # noqa: E402
from pipeline import STAGES  # noqa: E402

from newslens.study import Study  # noqa: E402

#: The per-article tables the stages of ``pipeline.py`` read (the chapters read more: Entman, responsibility,
#: issue frames, event status; they are not timed there, so they are not computed here either), and the
#: corpus-wide stages it times whose partial results the partitions compute (``parallel.REDUCED``).
TABLES = ("sentences", "quotes", "facts", "actor_mentions", "word_choices", "frame_codes", "frame_scores", "tone",
          "terms", "reuse", "unknown_names")


def main() -> None:
    data, workers = Path(sys.argv[1]), int(sys.argv[2])
    mem = TreeMemory()
    stages = {}
    t0 = t = time.perf_counter()
    state = {"data": data, "study": Study(data, workers=workers, tables=TABLES)}
    state["corpus"] = state["study"].corpus
    stages["load + per-article stages (parallel)"] = time.perf_counter() - t
    for name, func in STAGES[1:]:
        t = time.perf_counter()
        func(state)
        stages[name] = time.perf_counter() - t
    wall = time.perf_counter() - t0
    # CPU seconds of this process and of the worker processes (reaped when Dask's pool closes)
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    print(json.dumps({"workers": workers, "articles": len(state["corpus"].articles), "stages": stages, "total": wall,
                      "cpu": cpu, "peak_mb": mem.stop(), "processes": mem.peak_procs}))


if __name__ == "__main__":
    main()
