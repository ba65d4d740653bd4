"""No story in code: the package and the chapters' code name nothing of the seed story.

Every manifest id and outlet, every person of the codebooks and every story-specific codebook id (facts, events,
actors, speaker types, word choices, blame targets, issue frames) is collected from ``data/``, then looked for in
``src/`` and in the code cells of every chapter. A hit means story knowledge was written into code.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _yaml(name: str) -> dict:
    return yaml.safe_load((DATA / "codebook" / f"{name}.yml").read_text(encoding="utf-8")) or {}


def story_ids() -> set[str]:
    """Ids that name things of this story: looked for as quoted string literals."""
    rows = list(csv.DictReader((DATA / "articles.csv").open(encoding="utf-8")))
    ids = {r["id"] for r in rows}
    ids |= {str(f["id"]) for f in _yaml("facts").get("facts", [])}
    ids |= {str(e["id"]) for e in _yaml("events").get("events", [])}
    ids |= {str(a["id"]) for a in _yaml("actors").get("actors", []) if "id" in a}
    ids |= {str(t) for t in _yaml("speakers").get("speaker_types", [])} - {"other"}
    for group in _yaml("wording").get("groups", []):
        ids |= {str(t["id"]) for t in group.get("terms", []) if isinstance(t, dict) and "id" in t}
    frames = _yaml("frames")
    ids |= {str(t) for t in (frames.get("responsibility") or {}).get("targets", {})}
    ids |= {str(f["id"]) if isinstance(f, dict) else str(f) for f in (frames.get("issue_frames") or [])}
    return {i for i in ids if len(i) > 1}


def story_names() -> set[str]:
    """Outlets and people of this story: looked for anywhere in the code."""
    rows = list(csv.DictReader((DATA / "articles.csv").open(encoding="utf-8")))
    names = {r["outlet"] for r in rows}
    for book in ("actors", "speakers"):
        for actor in _yaml(book).get("actors", []):
            for name in [actor.get("name", "")] + list(actor.get("aliases", [])):
                name = str(name)
                # proper names only: capitalised words, not descriptions such as "the woman"
                if len(name) >= 4 and name[0].isupper() and not name.startswith(("The ", "A ", "An ")):
                    names.add(name)
    return names


def _code_sources() -> list[tuple[str, str]]:
    out = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in sorted((ROOT / "src").rglob("*.py"))]
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        out.append((str(nb.relative_to(ROOT)), code))
    return out


def test_the_story_has_names_and_ids():
    assert {"The Washington Post", "NPR"} <= story_names()
    assert {"wapo", "cdt"} <= story_ids()


@pytest.mark.parametrize("where,code", [pytest.param(w, c, id=w) for w, c in _code_sources()])
def test_no_story_in_code(where, code):
    hits = sorted({n for n in story_names() if re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", code)})
    # "surname" is also the package's own word for a bare-surname mention (the ``by`` column of actor mentions)
    ids = story_ids() - ({"surname"} if where.startswith("src/") else set())
    hits += sorted({i for i in ids if re.search(rf"[\"']{re.escape(i)}[\"']", code)})
    assert not hits, f"{where} names the seed story: {', '.join(hits[:10])}"
