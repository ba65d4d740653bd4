"""Measure multi-pattern matchers as the prefilter of the codebook rules, on the sentences of a synthetic corpus.

    python benchmarks/matchers.py benchmarks/_work/n10000

The task: for each codebook pattern the rules search (every pattern a ``SearchCache`` is asked about in the
pipeline), the sentences it may match, a superset of those it matches. Timed: the package's prefilter
(``newslens.prefilter``: Hyperscan in prefilter mode, one scan of all sentences joined per pattern, compile
included), RE2's FilteredRE2 (``re2.Filter``: atoms computed by RE2 itself, ``potential`` matches per text)
and Hyperscan in prefilter mode with Unicode properties (one database of all patterns, one scan per text). Also counted: the sentences a
matcher rules out that Python's ``re`` matches (a prefilter may never miss one), and how many candidates each
leaves for ``re`` to confirm. Prints one line per matcher.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))


def patterns_of(data: Path) -> list:
    """The compiled patterns the pipeline's rules search through a SearchCache, from a run on *data*."""
    from newslens import text
    from newslens.study import Study

    seen: dict = {}
    orig = text.SearchCache.hits

    def hits(self, pattern, rows=None):
        for p in (pattern.patterns if isinstance(pattern, text._AnyOfEach) else [pattern]):
            seen.setdefault((p.pattern, p.flags), p)
        return orig(self, pattern, rows)

    text.SearchCache.hits = hits
    try:
        st = Study(data)
        for name in ("facts", "actor_mentions", "word_choices", "frame_codes", "entman", "responsibility", "issue_frames"):
            getattr(st, name)
    finally:
        text.SearchCache.hits = orig
    return list(seen.values())


def candidates(n_patterns: int, texts: list[str], matches, refused: list[int]) -> list[np.ndarray]:
    """Per pattern, the texts a matcher keeps: *matches* gives, for a text, the patterns it may match; a pattern the
    matcher *refused* keeps every text (Python's ``re`` must look at each)."""
    per: list[list[int]] = [[] for _ in range(n_patterns)]
    for i, s in enumerate(texts):
        for j in matches(s):
            per[j].append(i)
    cands = [np.asarray(c, dtype=np.int64) for c in per]
    for j in refused:
        cands[j] = np.arange(len(texts))
    return cands


def main() -> None:
    import re

    from newslens.corpus import inline_markers, load_corpus
    from newslens.text import SearchCache, sentence_table

    data = Path(sys.argv[1])
    small = data.parent / "n1000"
    pats = patterns_of(small if small.is_dir() else data)
    texts = sentence_table(load_corpus(data).lines, markers=inline_markers(data_dir=data))["text"].tolist()
    print(f"{len(pats)} patterns, {len(texts):,} sentences ({sum(map(len, texts)) / 1e6:.1f} M characters)")
    t = time.perf_counter()
    truth = [np.flatnonzero([p.search(s) is not None for s in texts]) for p in pats]
    full = time.perf_counter() - t
    print(f"{'re.search on every sentence (no prefilter)':48s} {full:7.2f} s")

    def report(name: str, seconds: float, cands: list[np.ndarray]) -> None:
        missed = sum(len(np.setdiff1d(tr, c)) for tr, c in zip(truth, cands))
        left = sum(map(len, cands))
        t = time.perf_counter()
        for p, c in zip(pats, cands):
            [p.search(texts[i]) for i in c.tolist()]
        confirm = time.perf_counter() - t
        print(f"{name:48s} {seconds:7.2f} s prefilter + {confirm:6.2f} s re on {left:,} candidates; "
              f"missed matches {missed:,}")

    # the package's own prefilter (newslens.prefilter: Hyperscan, one scan of all sentences joined per pattern)
    t = time.perf_counter()
    cache = SearchCache(texts)
    rows = np.arange(len(texts))
    cands = [cache.candidates(p, rows) for p in pats]
    report("newslens SearchCache (Hyperscan, joined texts)", time.perf_counter() - t, cands)

    try:
        import re2

        t = time.perf_counter()
        filt = re2.Filter()
        opts = re2.Options()
        opts.case_sensitive = False
        index, refused = {}, []
        for j, p in enumerate(pats):
            try:
                index[filt.Add(p.pattern, opts)] = j
            except re2.error:
                refused.append(j)
        filt.Compile()
        cands = candidates(len(pats), texts, lambda s: [index[k] for k in filt.Match(s, potential=True) or ()], refused)
        report(f"google-re2 Filter ({len(refused)} patterns refused)", time.perf_counter() - t, cands)
    except ImportError:
        print("google-re2: not installed")

    try:
        import hyperscan

        t = time.perf_counter()
        flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_SINGLEMATCH
        ok, refused = [], []
        for j, p in enumerate(pats):
            try:
                db1 = hyperscan.Database()
                db1.compile(expressions=[p.pattern.encode()], ids=[j], flags=[flags | hyperscan.HS_FLAG_CASELESS * bool(p.flags & re.I)])
                ok.append(j)
            except hyperscan.error:
                refused.append(j)
        db = hyperscan.Database()
        db.compile(expressions=[pats[j].pattern.encode() for j in ok], ids=ok,
                   flags=[flags | hyperscan.HS_FLAG_CASELESS * bool(pats[j].flags & re.I) for j in ok])
        scratch = hyperscan.Scratch(db)

        def scan(s: str) -> list[int]:
            found: list[int] = []
            db.scan(s.encode(), match_event_handler=lambda j, *_: found.append(j), scratch=scratch)
            return found

        cands = candidates(len(pats), texts, scan, refused)
        report(f"hyperscan prefilter mode ({len(refused)} patterns refused)", time.perf_counter() - t, cands)
    except ImportError:
        print("hyperscan: not installed")


if __name__ == "__main__":
    main()
