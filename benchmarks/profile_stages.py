"""Profile each pipeline stage with cProfile and print its hottest functions.

    python benchmarks/profile_stages.py benchmarks/_work/n1000 [stage ...] [--top N]

Used by ``run.py`` for the profile section of RESULTS.md; also handy on its own.
"""
from __future__ import annotations

import cProfile
import io
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pipeline import STAGES  # noqa: E402


def profile_stages(data: Path, wanted: list[str] | None = None, top: int = 8) -> dict[str, list[tuple[str, int, float, float]]]:
    """Run every stage once under cProfile; return, per wanted stage, its *top* functions by own time.

    Each entry is (function, calls, own seconds, cumulative seconds). Stages not wanted still run
    (unprofiled) when later stages need their output.
    """
    state: dict = {"data": Path(data)}
    out = {}
    for name, func in STAGES:
        if wanted and name not in wanted:
            if name in ("load + labels", "sentences"):
                func(state)
            continue
        prof = cProfile.Profile()
        prof.enable()
        func(state)
        prof.disable()
        stats = pstats.Stats(prof, stream=io.StringIO())
        rows = []
        for (file, line, fn), (_cc, nc, tt, ct, _callers) in stats.stats.items():
            where = f"{Path(file).name}:{line}({fn})" if line else fn
            rows.append((where, nc, tt, ct))
        rows.sort(key=lambda r: -r[2])
        out[name] = rows[:top]
    return out


def main() -> None:
    args = sys.argv[1:]
    top = 8
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    data, wanted = Path(args[0]), args[1:] or None
    for stage, rows in profile_stages(data, wanted, top).items():
        total = sum(r[2] for r in rows)
        print(f"== {stage} (top {len(rows)} functions, {total:.2f} s own time)")
        for where, calls, tt, ct in rows:
            print(f"  {tt:8.3f} s own {ct:8.3f} s cum {calls:>10,} calls  {where}")


if __name__ == "__main__":
    main()
