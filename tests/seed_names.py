"""The seed story's names, derived from its data folder: none may appear in a book built on another folder.

A book built on another data folder (the synthetic stories of ``tests/fixtures``, the next story) that names
an outlet or a person of the seed story has carried this story over in code, prose or a stale output. The
list is read from the seed's manifest and codebooks, never typed, so it follows the seed if it changes.

Search the built text for each name as a whole word, case-sensitively (``re.search(r"\\b" + re.escape(name)
+ r"\\b", text)``): "NPR" must not match inside "unprecedented", and a capitalised name is not the common word
(the seed's accuser "Zhou" is not a hit on "zhou").
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

#: Shortest name kept (shorter ones, "Ma", "Lu", "Wu", are syllables of other words and names).
MIN_CHARS = 4
# A proper name: every word starts with a capital letter or a digit ("People's Daily", "Zhou Xiaoxuan",
# "The Wall Street Journal"); a phrase with a common word in it ("Jinan police", "State media", "his wife",
# "two other managers") describes a role, and is not a name.
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w'’.-]*")


def _is_name(text: str) -> bool:
    words = str(text).split()
    return (len(str(text)) >= MIN_CHARS and bool(words)
            and all(_WORD.fullmatch(w) and (w[0].isupper() or w[0].isdigit()) for w in words))


def seed_names(data_dir: str | Path) -> list[str]:
    """The names of the story in *data_dir* that a book on another story must not print.

    Parameters
    ----------
    data_dir : the seed data folder (``articles.csv`` and ``codebook/``).

    Returns
    -------
    list of str
        Sorted, without duplicates: every outlet of ``articles.csv`` (whatever its length); and from
        ``codebook/actors.yml`` and ``codebook/speakers.yml`` every actor's name, alias and surname that is a
        proper name (each word capitalised) of at least :data:`MIN_CHARS` characters. Descriptions
        ("the accuser", "Jinan police", "State media") are left out: they are words any story may use. The
        story's company is in the list because it is an actor ("Alibaba").
    """
    data = Path(data_dir)
    with (data / "articles.csv").open(encoding="utf-8", newline="") as fh:
        names = {row["outlet"].strip() for row in csv.DictReader(fh) if row.get("outlet", "").strip()}
    for book in ("actors", "speakers"):
        path = data / "codebook" / f"{book}.yml"
        if not path.is_file():
            continue
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("actors") or []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            candidates = [entry.get("name"), *(entry.get("aliases") or []), *(entry.get("surnames") or [])]
            names |= {str(c).strip() for c in candidates if c is not None and _is_name(str(c).strip())}
    return sorted(names)


def find_seed_names(text: str, names: list[str]) -> list[str]:
    """The *names* that occur in *text* as whole words (case-sensitive), in the order of *names*."""
    return [n for n in names if re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text)]
