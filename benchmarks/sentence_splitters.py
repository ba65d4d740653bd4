"""Measure newslens.text.split_sentences against two rule-based splitters (pysbd, syntok) on the hand labels there are.

No hand-labelled sentence boundaries exist; two hand-made measures stand in:

1. The hand-written cases of ``tests/fixtures/sentence_cases.yml``, which ``tests/test_text.py`` checks too
   (abbreviations, initials, quotes closed after the stop, dashes): share split exactly as expected.
2. Paragraph ends: every pair of consecutive body lines of the hand-labelled line files (the seeds'
   ``data/reference/lines.csv``, the validation set's ``tests/validation/lines.csv``) joined by a space; a paragraph
   end is a sentence end, so a splitter should cut at the join (recall of known boundaries).
3. How often each splitter agrees with ours on whole paragraphs (same sentences), and the time per 1,000 paragraphs.

pysbd and syntok are not dependencies: install them in a scratch venv to run this (``pip install pysbd syntok``).

    PYTHONHASHSEED=0 .venv/bin/python benchmarks/sentence_splitters.py
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from newslens.corpus import inline_markers, label_lines, load_corpus
from newslens.text import clean_line, split_sentences
from newslens.validation import load_validation

ROOT = Path(__file__).resolve().parents[1]

#: The hand-written cases the unit tests check our splitter on: (paragraph, its sentences).
CASES = [(c["text"], c["sentences"])
         for c in yaml.safe_load((ROOT / "tests" / "fixtures" / "sentence_cases.yml").read_text(encoding="utf-8"))]


def splitters() -> dict[str, Callable[[str], list[str]]]:
    out: dict[str, Callable[[str], list[str]]] = {"newslens": split_sentences}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        out["pysbd"] = lambda text: [s.strip() for s in seg.segment(text) if s.strip()]
    except ImportError:
        print("pysbd not installed: skipped")
    try:
        from syntok import segmenter

        out["syntok"] = lambda text: [s for s in ("".join(str(t) for t in sent).strip() for sent in segmenter.split(iter(_tokens(text)))) if s]
    except ImportError:
        print("syntok not installed: skipped")
    return out


def _tokens(text: str):
    from syntok.tokenizer import Tokenizer

    return Tokenizer().tokenize(text)


def body_paragraphs() -> list[list[str]]:
    """The hand-labelled body lines, per article, markers removed: the seeds and the validation set."""
    seeds = load_corpus(ROOT / "data").lines
    ref = pd.read_csv(ROOT / "data" / "reference" / "lines.csv", keep_default_na=False)
    manifest, val_ref, _quotes = load_validation(ROOT / "tests" / "validation")
    val = label_lines(manifest, data_dir=ROOT / "data")
    markers = inline_markers(data_dir=ROOT / "data")
    out = []
    for lines, hand in ((seeds, ref), (val, val_ref)):
        m = hand[["article", "line", "label"]].merge(lines[["article", "line", "text"]], on=["article", "line"])
        body = m[m["label"] == "body"]
        out += [[clean_line(t, markers=markers) for t in g["text"]] for _a, g in body.groupby("article", sort=False)]
    return out


def cuts_at(split: Callable[[str], list[str]], first: str, second: str) -> bool:
    """Does *split* end a sentence where *first* ends, in ``first + " " + second``?"""
    text = first + " " + second
    pos = 0
    for sent in split(text):
        at = text.find(sent, pos)
        if at < 0:
            return False
        pos = at + len(sent)
        if pos == len(first):
            return True
        if pos > len(first):
            return False
    return False


def main() -> None:
    found = splitters()
    articles = body_paragraphs()
    paragraphs = [p for ps in articles for p in ps]
    pairs = [(a, b) for ps in articles for a, b in zip(ps, ps[1:])]
    ours = [split_sentences(p) for p in paragraphs]
    print(f"{len(CASES)} hand-written cases, {len(pairs)} paragraph ends, {len(paragraphs)} paragraphs\n")
    print("| splitter | hand cases exact | paragraph ends cut | paragraphs split as newslens | sentences | ms per 1,000 paragraphs |")
    print("|---|---|---|---|---|---|")
    for name, split in found.items():
        exact = sum(split(t) == want for t, want in CASES)
        ends = sum(cuts_at(split, a, b) for a, b in pairs)
        start = time.process_time()
        got = [split(p) for p in paragraphs]
        ms = 1000 * (time.process_time() - start) / len(paragraphs) * 1000
        same = sum(g == o for g, o in zip(got, ours))
        print(f"| {name} | {exact}/{len(CASES)} | {ends}/{len(pairs)} ({100 * ends / len(pairs):.1f}%) | "
              f"{same}/{len(paragraphs)} ({100 * same / len(paragraphs):.1f}%) | {sum(map(len, got))} | {ms:.0f} |")
    for name, split in found.items():
        if name == "newslens":
            continue
        wrong = [(t, split(t)) for t, want in CASES if split(t) != want]
        print(f"\n{name}: hand cases it splits otherwise")
        for t, got in wrong:
            print(f"  {t!r} -> {got}")


if __name__ == "__main__":
    main()
