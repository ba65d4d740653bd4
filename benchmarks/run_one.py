"""Time the pipeline and the floor on one synthetic corpus size, in a fresh process; print JSON.

A fresh process per size keeps the peak memory (ru_maxrss) of each size separate.
"""
from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pipeline import floor_texts, time_floor, time_pipeline  # noqa: E402


def main() -> None:
    data = Path(sys.argv[1])
    texts = floor_texts(data)
    floor = min(time_floor(texts) for _ in range(2))
    stages = time_pipeline(data)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"floor": floor, "stages": stages, "peak_mb": peak_mb, "articles": len(texts)}))


if __name__ == "__main__":
    main()
