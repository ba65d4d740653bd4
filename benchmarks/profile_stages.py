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

# the scripts beside this one import after sys.path holds their folder (hence E402)
from pipeline import STAGES  # noqa: E402

#: Where own time is spent, by the file or method a function belongs to (first match wins).
CATEGORIES = [
    ("regex engine", lambda f, fn: "re.Pattern" in fn or f.endswith(("/re/__init__.py", "/re/_parser.py", "/re/_compiler.py"))),
    ("VADER", lambda f, fn: "vaderSentiment" in f),
    ("scikit-learn, scipy", lambda f, fn: "/sklearn/" in f or "/scipy/" in f),
    ("pandas, numpy", lambda f, fn: "/pandas/" in f or "/numpy/" in f or "numpy" in fn),
    ("str methods", lambda f, fn: "of 'str' objects" in fn),
    ("newslens (Python)", lambda f, fn: "/newslens/" in f),
]


def _category(file: str, fn: str) -> str:
    for name, test in CATEGORIES:
        if test(file, fn):
            return name
    return "other"


def profile_stages(data: Path, wanted: list[str] | None = None, top: int = 8) -> dict[str, dict]:
    """Run every stage once under cProfile; for each wanted stage return its *top* functions by own
    time, each (function, calls, own seconds, cumulative seconds), as ``top``, and its own time
    summed by :data:`CATEGORIES` as ``by_category``. Stages not wanted still run (unprofiled) when
    later stages need their output.
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
        rows, by_category = [], {}
        for (file, line, fn), (_cc, nc, tt, ct, _callers) in stats.stats.items():
            where = f"{Path(file).name}:{line}({fn})" if line else fn
            rows.append((where, nc, tt, ct))
            cat = _category(file, fn)
            by_category[cat] = by_category.get(cat, 0.0) + tt
        rows.sort(key=lambda r: -r[2])
        out[name] = {"top": rows[:top], "by_category": by_category}
    return out


def main() -> None:
    args = sys.argv[1:]
    top = 8
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    data, wanted = Path(args[0]), args[1:] or None
    for stage, prof in profile_stages(data, wanted, top).items():
        total = sum(prof["by_category"].values())
        print(f"== {stage} ({total:.2f} s under the profiler): " + ", ".join(
            f"{cat} {sec:.2f} s" for cat, sec in sorted(prof["by_category"].items(), key=lambda kv: -kv[1])))
        for where, calls, tt, ct in prof["top"]:
            print(f"  {tt:8.3f} s own {ct:8.3f} s cum {calls:>10,} calls  {where}")


if __name__ == "__main__":
    main()
