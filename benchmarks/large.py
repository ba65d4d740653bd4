"""`make bench-large`: the Parquet export of 100,000 synthetic articles, once, with its wall time and peak memory.

The corpus comes from ``synth.py`` (seed 2021, made once under benchmarks/_work/). The export runs as
``python -m newslens export --format parquet --workers W`` in a child process; a sampler adds up the
resident memory of that process and all its descendants (the Dask workers) every 0.2 s, and the peak
of that sum is the figure reported. The result replaces the ``## 100,000 articles`` section of
benchmarks/RESULTS.md (``make bench`` keeps the section when it rewrites the rest).

    python benchmarks/large.py [--articles 100000] [--workers 2]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
RESULTS = HERE / "RESULTS.md"
SEED = 2021
#: The target of issue 16.
TARGET_PEAK_GB = 4.0

sys.path.insert(0, str(HERE))

# the scripts beside this one import after sys.path holds their folder (hence E402)
from memory import TreeMemory  # noqa: E402
from run import corpus_dir, machine, versions  # noqa: E402

#: The heading of the section this script owns in RESULTS.md.
HEADING = "## 100,000 articles"


def run_export(data: Path, out: Path, workers: int) -> dict:
    cmd = [sys.executable, "-m", "newslens", "export", "--data", str(data), "--out", str(out), "--format", "parquet",
           "--workers", str(workers), "--progress-seconds", "0"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = TreeMemory(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    peak = mem.stop()
    if proc.returncode:
        sys.exit(f"the export failed ({proc.returncode}):\n{stderr[-3000:]}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    sizes = {p.name: p.stat().st_size for p in out.glob("*.parquet")}
    return {"wall": wall, "peak_mb": peak, "procs": mem.peak_procs, "max_child_mb": children.ru_maxrss / 1024,
            "cpu": children.ru_utime + children.ru_stime, "files": sizes, "command": " ".join(cmd[1:]).replace(str(ROOT) + "/", "")}


def section(n: int, workers: int, r: dict, made: str, mach: dict, vers: dict, rows: dict[str, int]) -> str:
    ok = r["peak_mb"] / 1024 <= TARGET_PEAK_GB
    lines = [
        HEADING,
        "",
        f"Written by `make bench-large` (`benchmarks/large.py`) on {made}; do not edit by hand. Machine: {mach['cpu']}, "
        f"{mach['cores']} cores, {mach['memory']} RAM, load {mach['load']:.2f} at the start; newslens {vers['newslens']}.",
        "",
        f"`{r['command']}` on {n:,} synthetic articles (`synth.py`, seed {SEED}), every table written as Parquet partition by",
        "partition and combined (one file per table).",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| {n:,} articles complete with peak memory <= {TARGET_PEAK_GB:g} GB (all processes) | {r['peak_mb'] / 1024:.2f} GB "
        f"(sum of the resident memory of the export and its {r['procs'] - 1} child processes, sampled every 0.2 s) | "
        + ("met" if ok else "**not met**") + " |",
        "",
        f"- Wall time: {r['wall'] / 60:.1f} min ({r['wall']:,.0f} s); CPU time of all processes {r['cpu'] / 60:.1f} min "
        f"({r['cpu'] / r['wall']:.2f} cores busy on average).",
        f"- Largest single process (`RUSAGE_CHILDREN` max RSS): {r['max_child_mb']:,.0f} MB.",
        f"- Output: {sum(r['files'].values()) / 2 ** 20:,.0f} MB of Parquet in {len(r['files'])} files; rows: "
        + ", ".join(f"{k} {v:,}" for k, v in rows.items()) + ".",
    ]
    return "\n".join(lines) + "\n"


def replace_section(text: str, new: str) -> str:
    """*text* (RESULTS.md) with its ``## 100,000 articles`` section replaced by *new*, or *new* appended."""
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        return pattern.sub(lambda _m: new + "\n", text, count=1).rstrip() + "\n"
    return text.rstrip() + "\n\n" + new


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = ap.parse_args()
    import pyarrow.parquet as pq

    made = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    mach, vers = machine(), versions()
    t = time.perf_counter()
    data = corpus_dir(args.articles)
    print(f"corpus of {args.articles:,} articles ready ({time.perf_counter() - t:.0f} s)", flush=True)
    out = WORK / f"export_n{args.articles}"
    shutil.rmtree(out, ignore_errors=True)
    r = run_export(data, out, args.workers)
    rows = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(out.glob("*.parquet"))}
    text = section(args.articles, args.workers, r, made, mach, vers, rows)
    print(text, flush=True)
    if not args.no_write:
        RESULTS.write_text(replace_section(RESULTS.read_text(encoding="utf-8"), text), encoding="utf-8")
        print(f"wrote the {HEADING[3:]} section of benchmarks/RESULTS.md")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
