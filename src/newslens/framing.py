"""How each article frames the story: generic frames, Entman's functions, blame, topics and tone.

Analysis layer: takes the sentence and line tables of :mod:`newslens.text` / :mod:`newslens.corpus`
and the instrument in ``data/codebook/frames.yml``; every answer carries the sentences behind it.
"""
from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from newslens.corpus import body_lines, compile_regex, load_codebook
from newslens.errors import NewslensError, require_columns
from newslens.text import SearchCache, any_of, clean_line

__all__ = [
    "FramingError", "FRAMES", "compile_codebook", "load_frames", "sentence_voice", "code_items", "frame_scores",
    "load_manual", "frame_agreement", "disagreements", "entman_functions", "responsibility", "responsibility_counts",
    "paragraph_table", "issue_frames", "nmf_stability", "nmf_topics", "topic_issue_crosstab", "tone",
    "choose_k", "item_table", "evidence_overlap", "topic_shares", "issue_frame_shares", "tone_summary",
    "frame_labels", "target_labels", "issue_frame_labels", "nmf_settings", "measure_agreement",
]

#: The five generic frames of Semetko & Valkenburg (2000), in their order.
FRAMES = ["responsibility", "human_interest", "conflict", "morality", "economic"]

_SENTENCE_COLUMNS = {"article", "line", "sentence", "text", "voice"}


class FramingError(NewslensError):
    """The framing codebook or a reference coding is malformed."""


def _require(table: pd.DataFrame, columns: set[str], name: str) -> None:
    """Raise FramingError naming the table and the columns it lacks."""
    require_columns(table, sorted(columns), func=name, what="the table", error=FramingError)


# --------------------------------------------------------------------------- the codebook

def _expand(pattern: str, lexicons: dict[str, list[str]], where: str) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in lexicons:
            raise FramingError(f"frames codebook, {where}: unknown lexicon '{{{name}}}'")
        return "(?:" + "|".join(lexicons[name]) + ")"

    # `{name}` with a letter first, so regex quantifiers such as {1,3} are left alone.
    return re.sub(r"\{([A-Za-z_]\w*)\}", sub, pattern)


def _compile(pattern: str, lexicons: dict, where: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise FramingError(f"frames codebook, {where}: a pattern must be a non-empty string, got {pattern!r}")
    text = _expand(pattern, lexicons, where)
    what = "pattern" if text == pattern else f"pattern {pattern!r}, lexicons expanded,"
    return compile_regex(text, where=f"frames codebook, {where}", what=what, error=FramingError)


def _compile_cues(cues, lexicons: dict, where: str) -> list[dict]:
    if not isinstance(cues, list) or not cues:
        raise FramingError(f"frames codebook, {where}: 'cues' must be a non-empty list")
    out = []
    for i, cue in enumerate(cues, 1):
        w = f"{where} cue {i}"
        if not isinstance(cue, dict) or not cue.get("all"):
            raise FramingError(f"frames codebook, {w}: a cue needs an 'all' list of patterns")
        unknown = set(cue) - {"all", "none", "window"}
        if unknown:
            raise FramingError(f"frames codebook, {w}: unknown key(s) {', '.join(sorted(unknown))}")
        window = cue.get("window", 0)
        if not isinstance(window, int) or window < 0:
            raise FramingError(f"frames codebook, {w}: 'window' must be a whole number >= 0, got {window!r}")
        out.append({
            "all": [_compile(p, lexicons, w) for p in cue["all"]],
            "none": [_compile(p, lexicons, w) for p in cue.get("none", [])],
            "window": window,
        })
    return out


def compile_codebook(book: dict) -> dict:
    """Check the framing codebook and compile its patterns.

    Parameters
    ----------
    book : dict
        The parsed ``frames.yml`` (keys ``lexicons``, ``frames``, ``items`` and optionally
        ``entman``, ``responsibility``, ``issue_frames``, ``nmf``).

    Returns
    -------
    dict
        ``items`` (id -> frame, question, rule, min_sentences, compiled cues), ``frames``
        (frame -> label, items), ``entman``, ``responsibility``, ``issue_frames`` compiled, ``nmf`` as given.

    Raises
    ------
    FramingError
        Missing sections, an item in no frame, an unknown ``{lexicon}``, or a bad regular expression.
    """
    if not isinstance(book, dict):
        raise FramingError("frames codebook: expected a mapping at the top level")
    for key in ("lexicons", "frames", "items"):
        if not isinstance(book.get(key), dict) or not book[key]:
            raise FramingError(f"frames codebook: missing or empty section '{key}'")
    lex = _lexicons(book["lexicons"])
    frames = {f: {"label": s.get("label", f), "items": list(s.get("items", []))} for f, s in book["frames"].items()}
    out = {"_compiled": True, "lexicons": lex, "frames": frames, "items": _compile_items(book["items"], _frame_of(book["frames"]), lex),
           "nmf": book.get("nmf", {})}
    if "entman" in book:
        out["entman"] = _compile_entman(book["entman"], lex)
    if "responsibility" in book:
        out["responsibility"] = _compile_responsibility(book["responsibility"], lex)
    if "issue_frames" in book:
        out["issue_frames"] = {
            f: {"label": s.get("label", f), "patterns": [_compile(p, lex, f"issue frame {f}") for p in s.get("patterns", [])]}
            for f, s in book["issue_frames"].items()
        }
    return out


def _lexicons(lexicons: dict) -> dict[str, list[str]]:
    """Lexicon name -> its patterns, each lexicon a non-empty list of non-empty texts."""
    lex = {}
    for name, entries in lexicons.items():
        if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e for e in entries):
            raise FramingError(f"frames codebook, lexicon '{name}': must be a non-empty list of patterns")
        lex[name] = entries
    return lex


def _frame_of(frames: dict) -> dict[str, str]:
    """Item id -> the frame that lists it; an item listed by two frames is an error."""
    frame_of = {}
    for frame, spec in frames.items():
        for item in spec.get("items", []):
            if item in frame_of:
                raise FramingError(f"frames codebook: item {item} is listed in two frames")
            frame_of[item] = frame
    return frame_of


def _compile_items(items: dict, frame_of: dict[str, str], lex: dict) -> dict[str, dict]:
    """Item id -> ``frame``, ``question``, ``rule``, ``min_sentences`` and compiled ``cues``; every item belongs to a
    frame, documents its rule, and every frame's item has a rule."""
    out = {}
    for item, spec in items.items():
        where = f"item {item}"
        if item not in frame_of:
            raise FramingError(f"frames codebook: {where} belongs to no frame")
        if not isinstance(spec, dict) or not spec.get("rule"):
            raise FramingError(f"frames codebook: {where} needs a one-line 'rule' that documents it")
        out[item] = {
            "frame": frame_of[item],
            "question": spec.get("question", ""),
            "rule": spec["rule"],
            "min_sentences": int(spec.get("min_sentences", 1)),
            "cues": _compile_cues(spec.get("cues"), lex, where),
        }
    missing = sorted(set(frame_of) - set(out))
    if missing:
        raise FramingError(f"frames codebook: frame item(s) without a rule: {', '.join(missing)}")
    return out


def _compile_entman(ent: dict, lex: dict) -> dict:
    """``min_score`` and, per Entman function, its ``rule`` and compiled ``cues``."""
    return {
        "min_score": int(ent.get("min_score", 1)),
        "functions": {
            fn: {"rule": s.get("rule", ""), "cues": [_compile(p, lex, f"entman {fn}") for p in s.get("cues", [])]}
            for fn, s in ent.get("functions", {}).items()
        },
    }


def _compile_responsibility(res: dict, lex: dict) -> dict:
    """``window``, ``targets`` (id -> label and the pattern of its lexicon) and ``cues`` (pattern, where to look for
    the target: before, after or in the match itself, and the target of a ``self`` cue)."""
    targets = {}
    for t, spec in res.get("targets", {}).items():
        if spec.get("lexicon") not in lex:
            raise FramingError(f"frames codebook, responsibility target '{t}': unknown lexicon {spec.get('lexicon')!r}")
        targets[t] = {"label": spec.get("label", t), "pattern": _compile("{" + spec["lexicon"] + "}", lex, f"target {t}")}
    cues = []
    for i, cue in enumerate(res.get("cues", []), 1):
        where = f"responsibility cue {i}"
        if not isinstance(cue, dict) or cue.get("look") not in ("before", "after", "self"):
            raise FramingError(f"frames codebook, {where}: needs 'pattern' and 'look' (before, after or self)")
        if cue["look"] == "self" and cue.get("target") not in targets:
            raise FramingError(f"frames codebook, {where}: 'look: self' needs a known 'target'")
        cues.append({"pattern": _compile(cue.get("pattern"), lex, where), "look": cue["look"], "target": cue.get("target")})
    return {"window": int(res.get("window", 80)), "cues": cues, "targets": targets}


_COMPILED: dict[tuple[str, str], dict] = {}


def load_frames(data_dir: str | Path | None = None) -> dict:
    """Read and compile ``codebook/frames.yml`` of *data_dir* (the project's ``data/`` by default).

    The compiled codebook is kept per file content, so an edited ``frames.yml`` is read again.
    """
    from newslens.corpus import find_data_dir

    path = (find_data_dir() if data_dir is None else Path(data_dir)).resolve() / "codebook" / "frames.yml"
    key = (str(path), hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")
    if key not in _COMPILED:
        if len(_COMPILED) >= 4:
            _COMPILED.clear()
        _COMPILED[key] = compile_codebook(load_codebook("frames", path.parent.parent))
    return _COMPILED[key]


def _codebook(codebook: dict | None, data_dir=None) -> dict:
    if codebook is None:
        return load_frames(data_dir)
    return codebook if codebook.get("_compiled") else compile_codebook(codebook)


def _check_sentences(sentences: pd.DataFrame) -> None:
    require_columns(sentences, sorted(_SENTENCE_COLUMNS), func="framing", what="the sentence table", made_by="newslens.text.sentence_table",
                    error=FramingError)


# --------------------------------------------------------------------------- voice

_QUOTE = re.compile(r"[“\"]([^”\"]+)[”\"]")


def sentence_voice(sentences: pd.DataFrame) -> pd.Series:
    """Whose words a sentence is: ``own`` or ``quoted``.

    A sentence is ``quoted`` when the corpus labels its line as a passage quoted from another
    outlet, or when it carries direct speech: quotation marks around at least four words, or an
    opening/closing quotation mark left by a quotation that runs over several sentences.
    Short quoted phrases (“forcible molestation”) stay in the outlet's own voice.
    """
    _check_sentences(sentences)

    def one(text: str, voice: str) -> str:
        if voice == "quoted":
            return "quoted"
        if any(len(m.group(1).split()) >= 4 for m in _QUOTE.finditer(text)):
            return "quoted"
        opens, closes = text.count("“"), text.count("”")
        if opens != closes:
            return "quoted"
        return "own"

    return pd.Series([one(t, v) for t, v in zip(sentences["text"], sentences["voice"])], index=sentences.index, name="speaker_voice")


# --------------------------------------------------------------------------- items

def _cue_hits(sentences: pd.DataFrame, cue: dict, caches: dict | None = None) -> np.ndarray:
    """Which sentences fire *cue*. *caches* (window -> SearchCache) lets cues share their searches."""
    caches = {} if caches is None else caches
    if 0 not in caches:
        caches[0] = SearchCache(sentences["text"].tolist())
    if cue["window"] not in caches:
        caches[cue["window"]] = caches[0].windowed(sentences["article"].tolist(), cue["window"])
    cache = caches[cue["window"]]
    rows = np.arange(len(cache.texts))
    # The pattern with the fewest prefilter candidates first, so the others are searched in fewer texts; the same
    # rows pass whatever the order (all must match, and each answer is the pattern's own).
    for p in sorted(cue["all"], key=lambda p: len(cache.candidates(p, rows))):
        rows = rows[cache.hits(p, rows)]
    if cue["none"]:
        rows = rows[~cache.hits(any_of(cue["none"]), rows)]
    hits = np.zeros(len(cache.texts), dtype=bool)
    hits[rows] = True
    return hits


def _prepare(sentences: pd.DataFrame, cues: list[dict], caches: dict) -> None:
    """Make the caches of :func:`_cue_hits` for *cues* and scan each one's texts for all its cues' patterns at once
    (one prefilter pass per window instead of one per pattern); only a matter of speed."""
    if 0 not in caches:
        caches[0] = SearchCache(sentences["text"].tolist())
    for window in dict.fromkeys(cue["window"] for cue in cues):
        if window not in caches:
            caches[window] = caches[0].windowed(sentences["article"].tolist(), window)
        caches[window].prepare([p for cue in cues if cue["window"] == window
                                for p in (*cue["all"], *([any_of(cue["none"])] if cue["none"] else []))])


def _evidence(rows, limit: int = 3) -> str:
    """``line N: sentence`` for the first *limit* of *rows* (pairs of line and text), and how many more."""
    parts = [f"line {int(line)}: {text}" for line, text in rows[:limit]]
    more = len(rows) - limit
    return " | ".join(parts) + (f" | (+{more} more)" if more > 0 else "")


def code_items(sentences: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Answer each generic-frame item for each article by its rule in the codebook.

    Parameters
    ----------
    sentences : DataFrame
        From :func:`newslens.text.sentence_table`: ``article``, ``line``, ``sentence``, ``text``, ``voice``.
    codebook : dict, optional
        Parsed or compiled ``frames.yml``; the project's by default.

    Returns
    -------
    DataFrame
        One row per article and item, in article order then codebook order: ``article``, ``frame``,
        ``item``, ``answer`` (0/1), ``lines`` (body line numbers of the sentences that fired, ``;``-joined),
        ``n_sentences``, ``evidence`` (``line N: sentence`` for up to three of them; for a 0, why no
        sentence qualifies).
    """
    _check_sentences(sentences)
    book = _codebook(codebook)
    sentences = sentences.reset_index(drop=True)
    arts, lines_, texts = sentences["article"].tolist(), sentences["line"].tolist(), sentences["text"].tolist()
    caches: dict = {}
    _prepare(sentences, [cue for spec in book["items"].values() for cue in spec["cues"]], caches)
    # The sentences that fire each item, grouped by article, in corpus order.
    fired: dict[str, dict] = {}
    for item, spec in book["items"].items():
        mask = np.zeros(len(sentences), dtype=bool)
        for cue in spec["cues"]:
            mask |= _cue_hits(sentences, cue, caches)
        by_art: dict = {}
        for i in np.flatnonzero(mask).tolist():
            by_art.setdefault(arts[i], []).append((lines_[i], texts[i]))
        fired[item] = by_art
    rows = []
    for art in pd.unique(sentences["article"]):
        for item, spec in book["items"].items():
            hit = fired[item].get(art, [])
            answer = int(len(hit) >= spec["min_sentences"])
            lines = sorted({int(line) for line, _ in hit})
            if answer:
                evidence = _evidence(hit)
            elif len(hit):
                evidence = f"no: only {len(hit)} sentence(s) fire the rule, it needs {spec['min_sentences']}"
            else:
                evidence = "no: no body sentence fires the rule"
            rows.append((art, spec["frame"], item, answer, ";".join(map(str, lines)) if answer else "", int(len(hit)), evidence))
    return pd.DataFrame(rows, columns=["article", "frame", "item", "answer", "lines", "n_sentences", "evidence"])


def frame_scores(codes: pd.DataFrame) -> pd.DataFrame:
    """Frame score = mean of the frame's item answers, per article.

    Parameters
    ----------
    codes : DataFrame
        ``article``, ``frame``, ``answer`` (from :func:`code_items` or the manual coding).

    Returns
    -------
    DataFrame
        Index ``article`` (first-seen order), one column per frame in :data:`FRAMES` order, values in [0, 1].
    """
    _require(codes, {"article", "frame", "answer"}, "codes")
    order = list(pd.unique(codes["article"]))
    wide = codes.groupby(["article", "frame"])["answer"].mean().unstack("frame")
    cols = [f for f in FRAMES if f in wide.columns] + sorted(set(wide.columns) - set(FRAMES))
    out = wide.reindex(index=order, columns=cols)
    out.index.name = "article"
    out.columns.name = None
    return out


# --------------------------------------------------------------------------- agreement

def load_manual(path: str | Path | None = None, codebook: dict | None = None) -> pd.DataFrame:
    """Read the hand coding ``data/reference/frames_manual.csv`` and check it.

    Returns
    -------
    DataFrame
        ``article``, ``frame``, ``item``, ``answer`` (0/1), ``rationale``, ``evidence`` (line numbers).

    Raises
    ------
    FramingError
        Missing columns, an answer other than 0/1, an unknown item, a duplicated cell, or a
        positive answer with no evidence line.
    """
    book = _codebook(codebook)
    if path is None:
        from newslens.corpus import find_data_dir

        path = find_data_dir() / "reference" / "frames_manual.csv"
    path = Path(path)
    manual = pd.read_csv(path, dtype=str, keep_default_na=False)
    _require(manual, {"article", "item", "answer", "rationale", "evidence"}, path.name)
    for i, r in enumerate(manual.itertuples(index=False), 2):
        if r.answer not in ("0", "1"):
            raise FramingError(f"{path.name} row {i}: answer {r.answer!r} is not 0 or 1")
        if r.item not in book["items"]:
            raise FramingError(f"{path.name} row {i}: unknown item {r.item!r}")
        if r.answer == "1" and not r.evidence.strip():
            raise FramingError(f"{path.name} row {i}: answer 1 without evidence line numbers")
    dup = manual.duplicated(["article", "item"])
    if dup.any():
        r = manual[dup].iloc[0]
        raise FramingError(f"{path.name}: {r['article']} {r['item']} is coded twice")
    manual["answer"] = manual["answer"].astype(int)
    manual.insert(1, "frame", manual["item"].map(lambda it: book["items"][it]["frame"]))
    return manual[["article", "frame", "item", "answer", "rationale", "evidence"]]


def _kappa(a: pd.Series, b: pd.Series) -> float:
    from sklearn.metrics import cohen_kappa_score

    # Kappa is undefined when both coders use a single, identical label throughout.
    if len(set(a) | set(b)) < 2:
        return float("nan")
    return float(cohen_kappa_score(a, b, labels=[0, 1]))


def _paired(rule: pd.DataFrame, manual: pd.DataFrame) -> pd.DataFrame:
    both = rule[["article", "frame", "item", "answer"]].merge(
        manual[["article", "item", "answer"]], on=["article", "item"], how="outer",
        suffixes=("_rule", "_manual"), indicator=True)
    if (both["_merge"] != "both").any():
        r = both[both["_merge"] != "both"].iloc[0]
        side = "manual coding" if r["_merge"] == "left_only" else "rule coding"
        raise FramingError(f"agreement: {r['article']} {r['item']} is missing from the {side}")
    return both.drop(columns="_merge")


def frame_agreement(rule: pd.DataFrame, manual: pd.DataFrame) -> pd.DataFrame:
    """Agreement between the rule coder and the manual coding, per frame and overall.

    Returns
    -------
    DataFrame
        Index ``frame`` (the five frames, any other frame of the codebook, then ``overall``): ``cells``,
        ``agree`` (count), ``percent_agreement`` (0-1), ``kappa`` (Cohen's, NaN when both coders
        gave one and the same answer to every cell), ``yes_manual``, ``yes_rule``.
    """
    both = _paired(rule, manual)
    rows = []
    present = list(pd.unique(both["frame"]))
    names = [f for f in FRAMES if f in present] + [f for f in present if f not in FRAMES]
    groups = [(f, both[both["frame"] == f]) for f in names]
    for name, g in groups + [("overall", both)]:
        a, b = g["answer_manual"], g["answer_rule"]
        rows.append((name, len(g), int((a == b).sum()), float((a == b).mean()), _kappa(a, b), int(a.sum()), int(b.sum())))
    out = pd.DataFrame(rows, columns=["frame", "cells", "agree", "percent_agreement", "kappa", "yes_manual", "yes_rule"])
    return out.set_index("frame")


def disagreements(rule: pd.DataFrame, manual: pd.DataFrame) -> pd.DataFrame:
    """The cells where the rule coder and the manual coding differ.

    Returns
    -------
    DataFrame
        ``article``, ``item``, ``manual``, ``rule``, ``manual_rationale``, ``manual_lines``,
        ``rule_lines``, ``rule_evidence``; in article then item order of *rule*.
    """
    both = _paired(rule, manual)
    bad = both[both["answer_rule"] != both["answer_manual"]][["article", "item"]]
    out = bad.merge(manual, on=["article", "item"]).merge(rule, on=["article", "item"], suffixes=("_manual", "_rule"))
    out = out.rename(columns={"answer_manual": "manual", "answer_rule": "rule", "rationale": "manual_rationale",
                              "evidence_manual": "manual_lines", "lines": "rule_lines", "evidence_rule": "rule_evidence"})
    return out[["article", "item", "manual", "rule", "manual_rationale", "manual_lines", "rule_lines", "rule_evidence"]].reset_index(drop=True)


# --------------------------------------------------------------------------- Entman

def entman_functions(sentences: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """The sentence that best serves each of Entman's four functions, per article.

    Each sentence scores the number of distinct cue patterns of a function that it matches;
    the best score wins and ties go to the earlier sentence (the lead carries the definition).

    Returns
    -------
    DataFrame
        ``article``, ``function``, ``line``, ``sentence``, ``voice`` (own/quoted, see
        :func:`sentence_voice`), ``score``, ``cues`` (the matched words, ``;``-joined), ``text``.
        A function with no sentence at ``min_score`` has an empty row (line 0, score 0).
    """
    _check_sentences(sentences)
    book = _codebook(codebook)
    if "entman" not in book:
        raise FramingError("frames codebook: no 'entman' section")
    ent = book["entman"]
    sentences = sentences.reset_index(drop=True)
    voice = sentence_voice(sentences)
    rows = []
    for art in pd.unique(sentences["article"]):
        sub = sentences[sentences["article"] == art]
        for fn, spec in ent["functions"].items():
            best = None
            for idx, text in zip(sub.index, sub["text"]):
                found = [m.group(0).lower() for p in spec["cues"] if (m := p.search(text))]
                if len(found) >= ent["min_score"] and (best is None or len(found) > best[1]):
                    best = (idx, len(found), found)
            if best is None:
                rows.append((art, fn, 0, 0, "", 0, "", ""))
            else:
                s = sentences.loc[best[0]]
                rows.append((art, fn, int(s["line"]), int(s["sentence"]), voice[best[0]], best[1], ";".join(best[2]), s["text"]))
    return pd.DataFrame(rows, columns=["article", "function", "line", "sentence", "voice", "score", "cues", "text"])


# --------------------------------------------------------------------------- responsibility

_AGENT = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)


def _find_target(text: str, m: re.Match, cue: dict, targets: dict, window: int) -> str:
    """The target of one blame cue in one sentence (see the codebook for the rule)."""
    if cue["look"] == "self":
        return cue["target"]
    found = []  # (start, end, target id)
    for t, spec in targets.items():
        found += [(x.start(), x.end(), t) for x in spec["pattern"].finditer(text)]
    look = cue["look"]
    if look == "before" and re.match(r"\s+by\b", text[m.end():]):
        look = "after"  # a passive with its agent: "silenced by the company"
    if look == "after":
        span = [f for f in found if m.start() <= f[0] <= m.end() + window]
        if span:
            return min(span)[2]
    else:
        span = [f for f in found if m.start() - window <= f[0] < m.start() and not _AGENT.search(text[:f[0]])]
        if span:
            return max(span, key=lambda f: f[1])[2]
    if not found:
        return "unclear"
    # Nearest target to the cue anywhere in the sentence.
    return min(found, key=lambda f: (min(abs(f[0] - m.end()), abs(f[1] - m.start())), f[0]))[2]


def responsibility(sentences: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Sentences that assign blame or responsibility, with their targets.

    A sentence assigns responsibility when it matches a responsibility cue of the codebook; each
    cue points at its target by the rule documented in ``frames.yml`` (the actor named after or
    before it, skipping agents introduced by "by"). A sentence with two targets gives two rows.

    Returns
    -------
    DataFrame
        ``article``, ``line``, ``sentence``, ``voice`` (own/quoted, see :func:`sentence_voice`),
        ``target`` (codebook id, or ``unclear``), ``target_label``, ``cue`` (the blame words that
        point at this target, ``;``-joined), ``text``; corpus order, targets in order of first cue.
    """
    _check_sentences(sentences)
    book = _codebook(codebook)
    if "responsibility" not in book:
        raise FramingError("frames codebook: no 'responsibility' section")
    res = book["responsibility"]
    labels = {t: s["label"] for t, s in res["targets"].items()} | {"unclear": "Unclear"}
    sentences = sentences.reset_index(drop=True)
    voice = sentence_voice(sentences)
    rows = []
    for i, s in sentences.iterrows():
        hits: dict[str, list[tuple[int, str]]] = {}
        for cue in res["cues"]:
            for m in cue["pattern"].finditer(s["text"]):
                t = _find_target(s["text"], m, cue, res["targets"], res["window"])
                hits.setdefault(t, []).append((m.start(), m.group(0).lower()))
        for t, cues in sorted(hits.items(), key=lambda kv: min(kv[1])):
            words = ";".join(dict.fromkeys(w for _, w in sorted(cues)))
            rows.append((s["article"], int(s["line"]), int(s["sentence"]), voice[i], t, labels[t], words, s["text"]))
    return pd.DataFrame(rows, columns=["article", "line", "sentence", "voice", "target", "target_label", "cue", "text"])


def responsibility_counts(attributions: pd.DataFrame, targets: list[str] | None = None) -> pd.DataFrame:
    """Attributions per article, voice and target.

    Returns
    -------
    DataFrame
        Index (``article``, ``voice``) for every article present and both voices; one column per
        target (codebook order, or *targets*), integer counts.
    """
    _require(attributions, {"article", "voice", "target"}, "attributions")
    targets = targets or list(pd.unique(attributions["target"]))
    arts = list(pd.unique(attributions["article"]))
    idx = pd.MultiIndex.from_product([arts, ["own", "quoted"]], names=["article", "voice"])
    counts = attributions.groupby(["article", "voice", "target"]).size().unstack("target", fill_value=0)
    out = counts.reindex(index=idx, columns=targets, fill_value=0).fillna(0).astype(int)
    out.columns.name = None
    return out


# --------------------------------------------------------------------------- issue frames and topics

def paragraph_table(lines: pd.DataFrame, *, markers: re.Pattern | None = None) -> pd.DataFrame:
    """Body paragraphs (one raw body line each), the furniture's inline *markers* removed
    (:func:`newslens.text.clean_line`; default: none).

    Returns
    -------
    DataFrame
        ``article``, ``line``, ``voice``, ``text``; corpus order.
    """
    _require(lines, {"article", "line", "text", "label", "voice"}, "line table")
    body = body_lines(lines)
    out = body[["article", "line", "voice"]].copy()
    out["text"] = body["text"].map(lambda t: clean_line(t, markers=markers))
    return out.reset_index(drop=True)


def issue_frames(paragraphs: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Code each paragraph for the story's issue-specific frames.

    Returns
    -------
    DataFrame
        One row per paragraph and issue frame present: ``article``, ``line``, ``voice``,
        ``issue_frame`` (codebook id), ``label``, ``cues`` (matched words, ``;``-joined).
    """
    book = _codebook(codebook)
    if "issue_frames" not in book:
        raise FramingError("frames codebook: no 'issue_frames' section")
    rows = []
    for p in paragraphs.itertuples(index=False):
        for f, spec in book["issue_frames"].items():
            found = sorted({m.group(0).lower() for pat in spec["patterns"] for m in pat.finditer(p.text)})
            if found:
                rows.append((p.article, int(p.line), p.voice, f, spec["label"], ";".join(found)))
    return pd.DataFrame(rows, columns=["article", "line", "voice", "issue_frame", "label", "cues"])


def _tfidf(texts: list[str], nmf: dict):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    stop = sorted(ENGLISH_STOP_WORDS | set(nmf.get("extra_stop_words", [])))
    vec = TfidfVectorizer(stop_words=stop, min_df=nmf.get("min_df", 2), max_df=nmf.get("max_df", 1.0),
                          token_pattern=r"(?u)\b[a-zA-Z#][a-zA-Z-]{2,}\b", sublinear_tf=True)
    return vec, vec.fit_transform(texts)


def _nmf(x, k: int, seed: int):
    from sklearn.decomposition import NMF

    model = NMF(n_components=k, init="nndsvda" if seed is None else "random", random_state=seed, max_iter=2000, tol=1e-5)
    w = model.fit_transform(x)
    return model, w


def nmf_feasible_ks(paragraphs: pd.DataFrame, codebook: dict | None = None, *, per_topic: int = 2) -> list[int]:
    """The codebook's candidate numbers of topics that this set of paragraphs can support.

    A k is kept when there are at least *per_topic* paragraphs per topic and at least k terms in the vocabulary
    (after the codebook's ``min_df``/``max_df``): a small story may have too few paragraphs for any candidate, and
    then the list is empty instead of NMF failing.

    Returns
    -------
    list of int, in codebook order.
    """
    nmf = _codebook(codebook)["nmf"]
    n = len(paragraphs)
    try:
        n_terms = len(_tfidf(paragraphs["text"].tolist(), nmf)[0].get_feature_names_out()) if n else 0
    except ValueError:  # scikit-learn: no term left after min_df/max_df, or max_df below min_df for so few paragraphs
        n_terms = 0
    return [k for k in nmf.get("ks", [2, 3, 4, 5]) if n >= per_topic * k and n_terms >= k]


def nmf_stability(paragraphs: pd.DataFrame, codebook: dict | None = None, *, ks: Iterable[int] | None = None) -> pd.DataFrame:
    """Stability of NMF topics across random seeds, for each candidate number of topics.

    For each k, NMF is fitted once per seed (random initialisation); every pair of runs is
    compared by matching their topics one-to-one (Hungarian assignment on the cosine similarity of
    the topic-term vectors) and averaging the matched similarities. Stable k reproduce the same
    topics whatever the start.

    *ks* overrides the codebook's candidates (e.g. :func:`nmf_feasible_ks`).

    Returns
    -------
    DataFrame
        Index ``k``: ``stability`` (mean over seed pairs, 0-1), ``min_pair`` (the worst pair).
    """
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics.pairwise import cosine_similarity

    nmf = _codebook(codebook)["nmf"]
    _vec, x = _tfidf(paragraphs["text"].tolist(), nmf)
    rows = []
    for k in nmf.get("ks", [2, 3, 4, 5]) if ks is None else ks:
        comps = [_nmf(x, k, seed)[0].components_ for seed in nmf.get("seeds", range(10))]
        sims = []
        for a, b in combinations(comps, 2):
            c = cosine_similarity(a, b)
            r, col = linear_sum_assignment(-c)
            sims.append(c[r, col].mean())
        rows.append((k, float(np.mean(sims)), float(np.min(sims))))
    return pd.DataFrame(rows, columns=["k", "stability", "min_pair"]).set_index("k")


def choose_k(stability: pd.DataFrame, threshold: float) -> int:
    """The largest k whose stability reaches *threshold* (the smallest k if none does)."""
    ok = stability.index[stability["stability"] >= threshold]
    return int(ok.max()) if len(ok) else int(stability.index.min())


def nmf_topics(paragraphs: pd.DataFrame, k: int, codebook: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit NMF with k topics (fixed ``random_state``) on paragraph TF-IDF.

    Returns
    -------
    topics : DataFrame
        Index ``topic`` (1..k): ``label`` (top three terms joined by " / "), ``top_terms``
        (the ``top_terms`` heaviest terms, comma-joined), ``paragraphs`` (count assigned).
    assignment : DataFrame
        *paragraphs* with ``topic`` (the heaviest topic, 0 for a paragraph with no topic weight)
        and ``weight`` (its share of the paragraph's topic weight).
    """
    nmf = _codebook(codebook)["nmf"]
    vec, x = _tfidf(paragraphs["text"].tolist(), nmf)
    model, w = _nmf(x, k, nmf.get("random_state", 0))
    terms = vec.get_feature_names_out()
    n_top = nmf.get("top_terms", 8)
    tops = [[terms[j] for j in np.argsort(-comp, kind="stable")[:n_top]] for comp in model.components_]
    total = w.sum(axis=1)
    topic = np.where(total > 0, w.argmax(axis=1) + 1, 0)
    share = np.divide(w.max(axis=1), total, out=np.zeros_like(total), where=total > 0)
    assignment = paragraphs.copy()
    assignment["topic"] = topic
    assignment["weight"] = share.round(3)
    topics = pd.DataFrame({
        "topic": range(1, k + 1),
        "label": [" / ".join(t[:3]) for t in tops],
        "top_terms": [", ".join(t) for t in tops],
        "paragraphs": [int((topic == i).sum()) for i in range(1, k + 1)],
    }).set_index("topic")
    return topics, assignment


def topic_issue_crosstab(assignment: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Paragraphs per NMF topic (rows) and deductive issue frame (columns); ``none`` = no issue frame."""
    key = ["article", "line"]
    merged = assignment[key + ["topic"]].merge(coded[key + ["issue_frame"]], on=key, how="left")
    merged["issue_frame"] = merged["issue_frame"].fillna("none")
    out = pd.crosstab(merged["topic"], merged["issue_frame"])
    out.columns.name = None
    return out


# --------------------------------------------------------------------------- tone

_PUNCTUATION = string.punctuation  # what VADER strips from the ends of a word


def _may_score(sia, text: str) -> bool:
    """False when VADER's compound for *text* is exactly 0: no emoji and none of its words in the lexicon.

    Every valence VADER adds up comes from a word of its lexicon (its rules only modify those), so such a
    sentence sums to 0. Its words are found as VADER finds them (split on white space, punctuation stripped
    unless that leaves two characters or fewer); skipping its per-word rules for them saves a large part of the stage.
    """
    if not sia.emojis.keys().isdisjoint(text):
        return True
    lexicon = sia.lexicon
    for token in text.split():
        word = token.strip(_PUNCTUATION)
        if (word if len(word) > 2 else token).lower() in lexicon:
            return True
    return False


def _vader():
    """VADER's analyser with its per-word checks made cheaper, giving exactly its scores.

    vaderSentiment 3.3.2 lower-cases the whole sentence again for every word it checks for
    negation or an idiom (quadratic in the sentence's length), tests negation against a list, and
    copies a sentence character by character to replace emojis. The subclass reads only the words a
    check looks at, tests negation against a set and skips the copy when the sentence has no emoji;
    every rule and number is VADER's own (tests/test_framing.py compares it with the library).
    """
    from vaderSentiment import vaderSentiment as v

    negate = frozenset(v.NEGATE)

    def negated(word) -> bool:
        # v.negated on a one-word list: a negation word, or a word with "n't"
        word = str(word).lower()
        return word in negate or "n't" in word

    class Analyzer(v.SentimentIntensityAnalyzer):
        def polarity_scores(self, text):
            if not self.emojis.keys().isdisjoint(text):
                return super().polarity_scores(text)
            # Without an emoji VADER's copy equals the text; the rest is VADER's polarity_scores.
            sentitext = v.SentiText(text.strip())
            sentiments, lexicon = [], self.lexicon
            words = sentitext.words_and_emoticons
            for i, item in enumerate(words):
                low = item.lower()
                if low in v.BOOSTER_DICT or (i < len(words) - 1 and low == "kind" and words[i + 1].lower() == "of"):
                    sentiments.append(0)
                    continue
                if low not in lexicon:  # VADER's sentiment_valence appends the 0 it is given
                    sentiments.append(0)
                    continue
                sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
            sentiments = self._but_check(words, sentiments)
            return self.score_valence(sentiments, sentitext.text)

        @staticmethod
        def _negation_check(valence, words_and_emoticons, start_i, i):
            def low(k):
                return str(words_and_emoticons[k]).lower()

            if start_i == 0:
                if negated(low(i - 1)):
                    valence = valence * v.N_SCALAR
            if start_i == 1:
                if low(i - 2) == "never" and low(i - 1) in ("so", "this"):
                    valence = valence * 1.25
                elif low(i - 2) == "without" and low(i - 1) == "doubt":
                    pass
                elif negated(low(i - 2)):
                    valence = valence * v.N_SCALAR
            if start_i == 2:
                if low(i - 3) == "never" and low(i - 2) in ("so", "this") or low(i - 1) in ("so", "this"):
                    valence = valence * 1.25
                elif low(i - 3) == "without" and (low(i - 2) == "doubt" or low(i - 1) == "doubt"):
                    pass
                elif negated(low(i - 3)):
                    valence = valence * v.N_SCALAR
            return valence

        @staticmethod
        def _special_idioms_check(valence, words_and_emoticons, i):
            n = len(words_and_emoticons)
            w3, w2, w1, w0 = (str(words_and_emoticons[k]).lower() for k in (i - 3, i - 2, i - 1, i))
            onezero, twoonezero, twoone = f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}"
            threetwoone, threetwo = f"{w3} {w2} {w1}", f"{w3} {w2}"
            for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
                if seq in v.SPECIAL_CASES:
                    valence = v.SPECIAL_CASES[seq]
                    break
            if n - 1 > i:
                w_1 = str(words_and_emoticons[i + 1]).lower()
                if f"{w0} {w_1}" in v.SPECIAL_CASES:
                    valence = v.SPECIAL_CASES[f"{w0} {w_1}"]
                if n - 1 > i + 1:
                    zeroonetwo = f"{w0} {w_1} {str(words_and_emoticons[i + 2]).lower()}"
                    if zeroonetwo in v.SPECIAL_CASES:
                        valence = v.SPECIAL_CASES[zeroonetwo]
            for n_gram in (threetwoone, threetwo, twoone):
                if n_gram in v.BOOSTER_DICT:
                    valence = valence + v.BOOSTER_DICT[n_gram]
            return valence

    return Analyzer()


def tone(sentences: pd.DataFrame) -> pd.DataFrame:
    """VADER compound score (Hutto & Gilbert 2014) of each body sentence.

    Returns
    -------
    DataFrame
        ``article``, ``line``, ``sentence``, ``voice`` (own/quoted, see :func:`sentence_voice`),
        ``compound`` (-1 to 1, rounded to 4 places), ``text``.
    """
    _check_sentences(sentences)
    sentences = sentences.reset_index(drop=True)
    sia = _vader()
    out = sentences[["article", "line", "sentence"]].copy()
    out["voice"] = sentence_voice(sentences).to_numpy()
    out["compound"] = [round(sia.polarity_scores(t)["compound"], 4) if _may_score(sia, t) else 0.0 for t in sentences["text"]]
    out["text"] = sentences["text"].to_numpy()
    return out


# --------------------------------------------------------------------------- tables for the chapter

def item_table(codebook: dict | None = None) -> pd.DataFrame:
    """The instrument as a table: index ``item``; ``frame``, ``question``, ``rule``."""
    book = _codebook(codebook)
    rows = [(i, s["frame"], s["question"], s["rule"]) for i, s in book["items"].items()]
    return pd.DataFrame(rows, columns=["item", "frame", "question", "rule"]).set_index("item")


def evidence_overlap(rule: pd.DataFrame, manual: pd.DataFrame) -> pd.DataFrame:
    """For cells both coders answered 1: do the rule's evidence lines include a line the hand coder cited?

    Returns
    -------
    DataFrame
        ``article``, ``item``, ``rule_lines``, ``manual_lines``, ``overlap`` (bool); rule order.
    """
    both = rule[["article", "item", "answer", "lines"]].merge(
        manual[["article", "item", "answer", "evidence"]], on=["article", "item"], suffixes=("_rule", "_manual"))
    both = both[(both["answer_rule"] == 1) & (both["answer_manual"] == 1)]
    overlap = [bool(set(a.split(";")) & set(b.split(";"))) for a, b in zip(both["lines"], both["evidence"])]
    out = both[["article", "item", "lines", "evidence"]].rename(columns={"lines": "rule_lines", "evidence": "manual_lines"})
    out["overlap"] = overlap
    return out.reset_index(drop=True)


def topic_shares(assignment: pd.DataFrame) -> pd.DataFrame:
    """Share (%) of each article's paragraphs per NMF topic: index ``article``, columns topics 1..k."""
    out = pd.crosstab(assignment["article"], assignment["topic"], normalize="index") * 100
    out = out.reindex(pd.unique(assignment["article"]))
    out.columns.name = "topic"
    return out


def issue_frame_shares(coded: pd.DataFrame, paragraphs: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """Share (%) of each article's paragraphs that carry each issue frame (a paragraph may carry several).

    Returns
    -------
    DataFrame
        Index ``article`` (order of *paragraphs*), one column per issue frame in codebook order.
    """
    book = _codebook(codebook)
    n = paragraphs.groupby("article").size()
    counts = coded.groupby(["article", "issue_frame"]).size().unstack(fill_value=0)
    arts = list(pd.unique(paragraphs["article"]))
    counts = counts.reindex(index=arts, columns=list(book.get("issue_frames", {})), fill_value=0).fillna(0)
    out = counts.div(n.reindex(arts), axis=0) * 100
    out.index.name = "article"
    out.columns.name = None
    return out


def tone_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Median, mean and share of negative (compound <= -0.05) sentences per article and voice.

    Returns
    -------
    DataFrame
        Index (``article``, ``voice``): ``sentences``, ``median``, ``mean``, ``negative_share`` (%).
    """
    g = scores.groupby(["article", "voice"], sort=False)["compound"]
    out = pd.DataFrame({
        "sentences": g.size(),
        "median": g.median(),
        "mean": g.mean(),
        "negative_share": g.apply(lambda s: (s <= -0.05).mean() * 100),
    })
    return out


def frame_labels(codebook: dict | None = None) -> dict[str, str]:
    """Frame id -> readable label, in codebook order."""
    return {f: s["label"] for f, s in _codebook(codebook)["frames"].items()}


def target_labels(codebook: dict | None = None) -> dict[str, str]:
    """Responsibility target id -> readable label (codebook order, then ``unclear``)."""
    book = _codebook(codebook)
    return {t: s["label"] for t, s in book["responsibility"]["targets"].items()} | {"unclear": "Unclear"}


def issue_frame_labels(codebook: dict | None = None) -> dict[str, str]:
    """Issue-specific frame id -> readable label, in codebook order."""
    return {f: s["label"] for f, s in _codebook(codebook)["issue_frames"].items()}


def nmf_settings(codebook: dict | None = None) -> dict:
    """The ``nmf`` section of the codebook (candidate k, seeds, threshold ...)."""
    return dict(_codebook(codebook)["nmf"])


def measure_agreement(data_dir=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code a story with the rules and compare with its hand coding: (agreement table, disagreements)."""
    from newslens.corpus import CorpusError
    from newslens.study import Study

    result = Study.open(data_dir).frame_agreement()
    if result is None:
        raise CorpusError("this story has no hand coding of the frames (reference/frames_manual.csv)")
    return result


if __name__ == "__main__":  # python -m newslens.framing: print the agreement figures
    _table, _dis = measure_agreement()
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(_table.round(3).to_string())
        print(f"\n{len(_dis)} disagreement(s)")
        if len(_dis):
            print(_dis[["article", "item", "manual", "rule", "manual_rationale"]].to_string(index=False))
