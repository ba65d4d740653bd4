"""Dump every table a Study computes to a pickle, or compare a run with such a dump: the check that a speed-up
changed no output.

    python benchmarks/snapshot.py dump DATA OUT.pkl [--validation FOLDER]
    python benchmarks/snapshot.py compare DATA OUT.pkl [--validation FOLDER]

Dump with the code before a change (for example ``PYTHONPATH=/tmp/base/src``), compare with the code after it;
``compare`` names every table that differs (``pandas.testing.assert_frame_equal``) and exits 1 if one does.
"""
from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import pandas as pd


def tables(data: Path, validation: Path | None = None) -> dict[str, object]:
    """Every derived table of the Study of *data* (and the validation table, given a folder), by name."""
    from newslens import coverage, framing, reuse, terms
    from newslens.study import Study

    st = Study(data)
    out: dict[str, object] = {}
    t = time.perf_counter()
    for name in ("lines", "articles", "stats", "sentences", "paragraphs", "facts", "event_status", "actor_mentions", "word_choices",
                 "quotes", "reuse", "reuse_clusters", "frame_codes", "frame_scores", "entman", "responsibility",
                 "issue_frames", "tone", "extraction_disagreements"):
        out[name] = getattr(st, name)
    for v in terms.VIEWS:
        out[f"terms_{v}"] = st.term_table(v)
    out["actor_counts"] = coverage.actor_counts(st.actor_mentions, st.by_date)
    out["unknown_names"] = coverage.unknown_names(st.sentences, st.codebook("actors"))
    out["reuse_share"] = reuse.reuse_share(st.reuse, st.lines, markers=st.markers)
    out["tone_summary"] = framing.tone_summary(st.tone)
    out["label_agreement"] = st.label_agreement()
    out["fact_agreement"] = st.fact_agreement()
    out["quote_matches"] = st.quote_matches()
    out["frame_agreement"] = st.frame_agreement()
    if validation is not None:
        from newslens.validation import measure_validation

        out["validation"] = measure_validation(validation, data_dir=data)
    print(f"{data}: {len(out)} tables in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return out


def _same(a: object, b: object) -> str | None:
    """None when *a* and *b* are equal (frames and series by pandas' own check), else why not."""
    try:
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b)
        elif isinstance(a, tuple | list):
            if len(a) != len(b):
                return f"length {len(a)} != {len(b)}"
            for x, y in zip(a, b):
                why = _same(x, y)
                if why:
                    return why
        elif isinstance(a, dict):
            if a.keys() != b.keys():
                return f"keys {sorted(a)} != {sorted(b)}"
            for k in a:
                why = _same(a[k], b[k])
                if why:
                    return f"[{k}] {why}"
        elif a != b:
            return f"{a!r} != {b!r}"
    except AssertionError as exc:
        return str(exc).strip().splitlines()[0] + " ... " + " ".join(str(exc).split())[:400]
    return None


def main(argv: list[str]) -> int:
    validation = None
    if "--validation" in argv:
        i = argv.index("--validation")
        validation = Path(argv[i + 1])
        del argv[i:i + 2]
    mode, data, path = argv[0], Path(argv[1]), Path(argv[2])
    now = tables(data, validation)
    if mode == "dump":
        path.write_bytes(pickle.dumps(now))
        return 0
    before = pickle.loads(path.read_bytes())
    bad = 0
    for name in sorted(set(before) | set(now)):
        if name not in now or name not in before:
            print(f"{name}: only in {'the dump' if name in before else 'this run'}")
            bad += 1
            continue
        why = _same(before[name], now[name])
        if why:
            print(f"{name}: DIFFERS: {why}")
            bad += 1
    print(f"{data}: {len(now) - bad} of {len(now)} tables identical" + ("" if bad else " (all)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
