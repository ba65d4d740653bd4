"""Make a synthetic corpus of N articles, reproducibly, from the real corpus, with no sentence repeated.

Body paragraphs are rebuilt from real body sentences, each rewritten (:func:`vary`): names, numbers, months,
weekdays and a share of content words are replaced by others of the corpus's own vocabulary, so that the rules
meet quotes with attributions and fact-like wording as in the real captures, yet no two sentences are the same
(a cache keyed on sentence text cannot look fast). Each capture gets real furniture lines (mastheads, captions,
widgets) around it, a manifest row with a checksum, and the project's codebooks. One article in ten is
aggregator-style (an introduction naming an outlet, quoted paragraphs, "[Source]").
"""
from __future__ import annotations

import csv
import hashlib
import random
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newslens.corpus import _furniture, inline_markers, load_corpus
from newslens.text import sentence_table

CITIES = ["Austin", "Boston", "Cardiff", "Denver", "Dublin", "Glasgow", "Hobart", "Leeds", "Lagos", "Manila",
          "Memphis", "Nairobi", "Oslo", "Perth", "Quebec", "Seattle", "Toronto", "Tucson", "Verona", "Wellington",
          "Zurich", "Accra", "Bergen", "Calgary", "Delhi"]
NOUNS = ["Herald", "Courier"]
#: 50 outlet names, 25 cities x 2 nouns.
OUTLETS = [f"The {c} {n}" for c in CITIES for n in NOUNS]
#: Bumped whenever the generator changes, so that corpora made by an older one are made again.
VERSION = 3

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Words that carry the structure the rules read (attribution verbs, hedges, quote frames): never replaced.
KEEP = frozenset(ENGLISH_STOP_WORDS) | {
    "said", "says", "say", "told", "tell", "added", "according", "stated", "wrote", "asked", "claimed", "alleged",
    "allegedly", "reported", "confirmed", "denied", "statement", "spokesperson", "spokesman", "spokeswoman", "posted",
}
#: Share of content words, capitalised names and month or weekday names replaced in each sentence.
WORD_RATE, NAME_RATE, DATE_RATE = 0.2, 0.5, 0.5
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|\d+")


def vocabulary(sentences: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The corpus's own words to draw replacements from: lower-case content words grouped by their last two letters
    (a cheap stand-in for the part of speech: "-ed", "-ly", "-ng"), and capitalised words found inside sentences (names)."""
    words: dict[str, set[str]] = {}
    names: set[str] = set()
    for s in sentences:
        for i, m in enumerate(_TOKEN.finditer(s)):
            w = m.group()
            if w.isdigit() or w.lower() in KEEP or w.lower() in {x.lower() for x in MONTHS + DAYS}:
                continue
            if w.islower() and len(w) >= 4:
                words.setdefault(w[-2:], set()).add(w)
                words.setdefault(w[-1:], set()).add(w)
            elif w[0].isupper() and i > 0 and not w.isupper():
                names.add(w)
    return {k: sorted(v) for k, v in sorted(words.items()) if len(v) >= 3}, sorted(names)


def vary(sentence: str, rng: random.Random, words: dict[str, list[str]], names: list[str], *, boost: float = 1.0,
         known: frozenset[str] = frozenset(), pronouns: bool = False) -> str:
    """*sentence* with its digits redrawn (years stay years), and a share of its names, month and weekday names and
    content words replaced by others from *words* and *names* (see :func:`vocabulary`); punctuation, quotation
    marks, function words and attribution verbs stay. *boost* multiplies the shares (a second try of a short sentence);
    *known* are the words of *words*, replaced at the start of a sentence too; with *pronouns*, "he", "she" and "they"
    become a name (a quote attributed to a named speaker)."""
    word_rate, name_rate, date_rate = (min(1.0, r * boost) for r in (WORD_RATE, NAME_RATE, DATE_RATE))

    def swap(m: re.Match) -> str:
        w = m.group()
        if w.isdigit():
            if len(w) == 4 and w[:2] in ("19", "20"):
                return str(rng.randrange(2012, 2024))
            return str(rng.randrange(10 ** (len(w) - 1) if len(w) > 1 else 0, 10 ** len(w)))
        if w in MONTHS:
            return MONTHS[rng.randrange(12)] if rng.random() < date_rate else w
        if w in DAYS:
            return DAYS[rng.randrange(7)] if rng.random() < date_rate else w
        if pronouns and w.lower() in ("he", "she", "they"):
            return f"{names[rng.randrange(len(names))]} {names[rng.randrange(len(names))]}"
        if w.lower() in KEEP:
            return w
        low = w.lower()
        if w.islower() or (m.start() == 0 and w[1:].islower() and low in known):
            pool = words.get(low[-2:]) or words.get(low[-1:])
            if not pool or len(w) < 4 or rng.random() >= word_rate:
                return w
            new = pool[rng.randrange(len(pool))]
            return new if w.islower() else new.capitalize()
        if w[0].isupper() and not w.isupper() and m.start() > 0 and rng.random() < name_rate:
            return names[rng.randrange(len(names))]
        return w

    return _TOKEN.sub(swap, sentence)


def make_corpus(n: int, out: Path, seed: int = 2021, data_dir: Path | None = None) -> Path:
    """Write ``out/raw/*.txt``, ``out/articles.csv`` and ``out/codebook/`` for *n* synthetic articles."""
    rng = np.random.default_rng(seed)
    draw = random.Random(seed)  # per-word draws: the standard library's generator is far quicker for single numbers
    corpus = load_corpus(data_dir)
    sents = sentence_table(corpus.lines, markers=inline_markers(data_dir=corpus.data_dir))["text"].tolist()
    words, names = vocabulary(sents)
    known = frozenset(w for pool in words.values() for w in pool)
    dressed = corpus.lines[corpus.lines["label"].isin(["boilerplate", "caption", "byline"])]
    furniture = list(zip(dressed["text"].str.strip(), dressed["label"]))
    body_counts = corpus.lines[corpus.lines["label"] == "body"].groupby("article").size().to_numpy()
    seen: set[str] = set()
    fur = _furniture(None, corpus.data_dir)

    def fresh(text: str) -> str:
        # a few tries, each varying more words, for a sentence not written before (a short one has few words to vary)
        for k in range(20):
            s = vary(text, draw, words, names, boost=1 + k / 2, known=known, pronouns=k >= 10)
            if k >= 10 and text[:1].isalpha():  # still a repeat: date it, as a news sentence would be
                first = s.split(" ", 1)[0]
                lead = s[:1].lower() + s[1:] if first.lower() in KEEP or first.lower() in known else s
                s = f"On {DAYS[draw.randrange(7)]}, {MONTHS[draw.randrange(12)]} {draw.randrange(1, 29)}, {lead}"
            elif k >= 10:  # a quotation first: attribute it before it, to a named speaker
                s = f"{names[draw.randrange(len(names))]} {names[draw.randrange(len(names))]} said: {s}"
            if s not in seen:
                break
        seen.add(s)
        return s

    def dressing(text: str, label: str) -> str:
        # A boilerplate or byline line that a codebook pattern matches is a template (a masthead, a widget): it
        # repeats across articles, as on real sites. Photo captions and other lines differ per article: varied.
        template = label != "caption" and any(p.fullmatch(text) for p in (fur.boilerplate, fur.caption, fur.byline))
        return text if template else fresh(text)

    if out.exists():
        shutil.rmtree(out)
    (out / "raw").mkdir(parents=True)
    shutil.copytree(corpus.data_dir / "codebook", out / "codebook")
    start = pd.Timestamp("2021-08-01")
    rows = []
    for i in range(n):
        outlet = OUTLETS[int(rng.integers(len(OUTLETS)))]
        n_par = int(max(5, rng.normal(body_counts.mean(), body_counts.std())))
        paragraphs = [" ".join(fresh(sents[int(j)]) for j in rng.integers(len(sents), size=int(rng.integers(1, 4)))) for _ in range(n_par)]
        if rng.random() < 0.1 and n_par > 4:
            source = OUTLETS[int(rng.integers(len(OUTLETS)))]
            k = int(rng.integers(1, n_par - 3))
            reporter = f"{names[int(rng.integers(len(names)))]} {names[int(rng.integers(len(names)))]}"
            paragraphs[k] = (paragraphs[k].rstrip(".") + f". At {source.removeprefix('The ')}, {reporter} reported from "
                             f"{CITIES[int(rng.integers(len(CITIES)))]} on {DAYS[int(rng.integers(7))]}:")
            paragraphs[k + 2] = paragraphs[k + 2] + " [Source]"
        headline_words = vary(sents[int(rng.integers(len(sents)))], draw, words, names, known=known).rstrip(".”\"").split()[:10]
        headline = " ".join(headline_words) + f" ({i})"
        top = [dressing(*furniture[j]) for j in rng.integers(len(furniture), size=3)]
        bottom = [dressing(*furniture[j]) for j in rng.integers(len(furniture), size=2)]
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
