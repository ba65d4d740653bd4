"""The analyst's guide tells the truth: its examples are the worked example's, and its commands exist."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "guide.md").read_text(encoding="utf-8")
STORY = ROOT / "tests" / "fixtures" / "synthetic_story"


def _snippets() -> list[tuple[str, str]]:
    """(codebook file, YAML text) for every YAML example of the codebook section, in order."""
    section = GUIDE[GUIDE.index("## 3. The codebooks"):GUIDE.index("## 4.")]
    out, book = [], None
    for m in re.finditer(r"\*\*`(\w+\.yml)`\*\*|```yaml\n(.*?)```", section, re.S):
        if m.group(1):
            book = m.group(1)
        else:
            out.append((book, m.group(2)))
    return out


def _entries(value):
    """Every mapping inside *value* (lists and nested mappings walked)."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _entries(v)
    elif isinstance(value, list):
        for v in value:
            yield from _entries(v)


def test_every_codebook_has_an_example():
    books = {b for b, _ in _snippets()}
    assert books == {"furniture.yml", "events.yml", "facts.yml", "actors.yml", "speakers.yml", "wording.yml", "terms.yml", "frames.yml"}


@pytest.mark.parametrize("book,text", _snippets(), ids=lambda v: v if str(v).endswith(".yml") else "")
def test_codebook_examples_are_the_worked_examples_entries(book, text):
    """Every example parses, and each entry with an id (or name) is in the synthetic story's codebook as shown."""
    example = yaml.safe_load(text)
    real = yaml.safe_load((STORY / "codebook" / book).read_text(encoding="utf-8"))
    real_entries = list(_entries(real))
    for entry in _entries(example):
        key = "id" if "id" in entry else "name" if "name" in entry else None
        if key is None:
            continue
        matches = [e for e in real_entries if e.get(key) == entry[key]]
        assert matches, f"{book}: {key} {entry[key]!r} of the guide's example is not in {STORY.name}'s codebook"
        for k, v in entry.items():
            if not isinstance(v, (dict, list)):
                assert matches[0].get(k) == v, f"{book}: {entry[key]!r}.{k} differs from the worked example"


def test_commentary_files_named_in_the_guide_exist_for_the_seed():
    section = GUIDE[GUIDE.index("## 5. The story's commentary"):GUIDE.index("## 6.")]
    named = re.findall(r"`commentary/(\d\w+)/(\w+\.md)`((?:, `\w+\.md`)*)", section)
    assert named
    for chapter, first, rest in named:
        for name in [first, *re.findall(r"`(\w+\.md)`", rest)]:
            assert (ROOT / "data" / "commentary" / chapter / name).is_file(), f"{chapter}/{name}"
            assert (ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8").count(f"{chapter}/{name[:-3]}") == 1


def test_commands_in_the_guide_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```bash\n(.*?)```", GUIDE, re.S))
    for target in re.findall(r"^make (\w[\w-]*)", blocks, re.M):
        assert re.search(rf"^{target}:", makefile, re.M), f"make {target}"
    from newslens.__main__ import _parser

    sub = {a.dest: a for a in _parser()._actions if a.dest == "command"}["command"]
    for command in re.findall(r"python -m newslens (\w+)", blocks):
        assert command in sub.choices, command


def test_the_lemma_cue_example_finds_what_the_guide_says():
    import pandas as pd

    from newslens.coverage import fact_hits

    section = GUIDE[GUIDE.index("A lemma cue for the same fact"):]
    cue = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    book = {"facts": [{"id": "inquiry", "definition": "An authority opens an inquiry.", **cue}]}
    said = re.findall(r'"([^"]+)"', section[:section.index("```")])
    assert len(said) == 2
    sentences = pd.DataFrame({"article": "a", "line": [1, 2], "sentence": 1, "text": [s[0].upper() + s[1:] + "." for s in said],
                              "voice": "own"})
    assert len(fact_hits(sentences, book)) == 2
