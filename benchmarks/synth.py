"""Make a synthetic corpus of N articles, reproducibly, by resampling the real corpus.

Body paragraphs are rebuilt from real body sentences; each capture gets real furniture lines
(mastheads, captions, widgets) around it, a manifest row with a checksum, and the project's codebooks.
One article in ten is aggregator-style (an introduction naming an outlet, quoted paragraphs, "[Source]").
"""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from newslens.corpus import load_corpus
from newslens.text import sentence_table

CITIES = ["Austin", "Boston", "Cardiff", "Denver", "Dublin", "Glasgow", "Hobart", "Leeds", "Lagos", "Manila",
          "Memphis", "Nairobi", "Oslo", "Perth", "Quebec", "Seattle", "Toronto", "Tucson", "Verona", "Wellington",
          "Zurich", "Accra", "Bergen", "Calgary", "Delhi"]
NOUNS = ["Herald", "Courier"]
#: 50 outlet names, 25 cities x 2 nouns.
OUTLETS = [f"The {c} {n}" for c in CITIES for n in NOUNS]


def make_corpus(n: int, out: Path, seed: int = 2021, data_dir: Path | None = None) -> Path:
    """Write ``out/raw/*.txt``, ``out/articles.csv`` and ``out/codebook/`` for *n* synthetic articles."""
    rng = np.random.default_rng(seed)
    corpus = load_corpus(data_dir)
    sents = sentence_table(corpus.lines)["text"].tolist()
    furniture = corpus.lines[corpus.lines["label"].isin(["boilerplate", "caption", "byline"])]["text"].str.strip().tolist()
    body_counts = corpus.lines[corpus.lines["label"] == "body"].groupby("article").size().to_numpy()

    if out.exists():
        shutil.rmtree(out)
    (out / "raw").mkdir(parents=True)
    shutil.copytree(corpus.data_dir / "codebook", out / "codebook")
    start = pd.Timestamp("2021-08-01")
    rows = []
    for i in range(n):
        outlet = OUTLETS[int(rng.integers(len(OUTLETS)))]
        n_par = int(max(5, rng.normal(body_counts.mean(), body_counts.std())))
        paragraphs = [" ".join(sents[j] for j in rng.integers(len(sents), size=int(rng.integers(1, 4)))) for _ in range(n_par)]
        if rng.random() < 0.1 and n_par > 4:
            source = OUTLETS[int(rng.integers(len(OUTLETS)))]
            k = int(rng.integers(1, n_par - 3))
            paragraphs[k] = paragraphs[k].rstrip(".") + f". At {source.removeprefix('The ')}, a correspondent reported:"
            paragraphs[k + 2] = paragraphs[k + 2] + " [Source]"
        headline_words = sents[int(rng.integers(len(sents)))].rstrip(".”\"").split()[:10]
        headline = " ".join(headline_words) + f" ({i})"
        top = [furniture[j] for j in rng.integers(len(furniture), size=3)]
        bottom = [furniture[j] for j in rng.integers(len(furniture), size=2)]
        text = "\n\n".join(top[:1] + [headline] + top[1:] + paragraphs + bottom)
        name = f"synth_{i:05d}.txt"
        data = text.encode("utf-8")
        (out / "raw" / name).write_bytes(data)
        date = start + pd.Timedelta(days=int(rng.integers(61)))
        rows.append({"id": f"a{i:05d}", "file": name, "outlet": outlet, "capture_site": "synthetic", "headline": headline,
                     "date": f"{date:%Y-%m-%d}", "date_basis": "stated", "byline": "", "url": "",
                     "sha256": hashlib.sha256(data).hexdigest()})
    with (out / "articles.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return out
