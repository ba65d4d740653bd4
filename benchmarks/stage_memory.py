"""Peak memory and time of one pipeline stage, in a fresh process; print one JSON line.

    python benchmarks/stage_memory.py benchmarks/_work/n10000 reuse [--skip-earlier]

Every earlier stage of ``pipeline.STAGES`` runs first and its output is kept, as ``run_one.py`` does (so the peak is
the benchmark's); ``--skip-earlier`` runs only the loading before the stage, to see what the stage itself adds at a
tenth of the time. Compare two versions of the code with ``PYTHONPATH=<their src>``, one fresh process each.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# the scripts beside this one import after sys.path holds their folder (hence E402)
from pipeline import STAGES  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    data, stage = Path(sys.argv[1]), sys.argv[2]
    names = [name for name, _ in STAGES]
    if stage not in names:
        sys.exit(f"stage_memory: unknown stage {stage!r}; choose from {', '.join(names)}")
    skip = "--skip-earlier" in sys.argv[3:]
    state: dict = {"data": data}
    for name, func in STAGES[:names.index(stage)]:
        if not skip or name == names[0]:
            func(state)
    before_rss, before_peak = _rss_mb(), _peak_mb()
    t, c = time.perf_counter(), time.process_time()
    dict(STAGES)[stage](state)
    print(json.dumps({"stage": stage, "earlier_stages": "loading only" if skip else "all",
                      "rss_before_mb": round(before_rss), "peak_before_mb": round(before_peak),
                      "peak_after_mb": round(_peak_mb()), "rss_after_mb": round(_rss_mb()),
                      "seconds": round(time.perf_counter() - t, 2), "cpu_seconds": round(time.process_time() - c, 2)}))


if __name__ == "__main__":
    main()
