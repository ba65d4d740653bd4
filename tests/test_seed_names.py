"""tests/seed_names.py: the seed story's names, read from its data folder, and the fixtures that must not use them."""
from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import DATA
from tests.fixtures.make_large_story import make_large_story
from tests.seed_names import find_seed_names, seed_names

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_seed_names_hold_its_outlets_company_and_main_people():
    names = seed_names(DATA)
    # the five outlets of data/articles.csv
    assert {"The Washington Post", "NPR", "China Digital Times", "The Associated Press", "The Register"} <= set(names)
    # actors.yml: the company, its chief executive and founder, the accused manager's and the accuser's surnames,
    # the activist, the expert and the people of the other cases
    assert {"Alibaba", "Daniel Zhang", "Jack Ma", "Wang", "Zhou", "Lü Pin", "Lu Pin", "Darius Longarino",
            "Zhou Xiaoxuan", "Kris Wu", "Richard Liu"} <= set(names)
    # descriptions, generic words and short syllables are not names
    assert not {"the accuser", "Jinan police", "police", "State media", "Ma", "Lu", "Wu", "his wife"} & set(names)
    assert names == sorted(set(names))


def test_the_names_are_read_from_the_folder_not_typed(tmp_path):
    (tmp_path / "codebook").mkdir()
    (tmp_path / "articles.csv").write_text("id,outlet\na,The Quill\nb,KQ\nc,The Quill\n", encoding="utf-8")
    (tmp_path / "codebook" / "actors.yml").write_text(yaml.safe_dump({"actors": [
        {"id": "x", "name": "Ines Varga", "aliases": ["the mayor", "Varga Holdings"], "surnames": ["Varga", "Li"]},
        {"id": "y", "name": "city police", "aliases": ["Police"]},
    ]}), encoding="utf-8")
    (tmp_path / "codebook" / "speakers.yml").write_text(yaml.safe_dump({"actors": [
        {"name": "Orrin Blake", "type": "t", "aliases": ["Blake", "her lawyer"]}]}), encoding="utf-8")
    assert seed_names(tmp_path) == ["Blake", "Ines Varga", "KQ", "Orrin Blake", "Police", "The Quill", "Varga",
                                    "Varga Holdings"]


def test_find_seed_names_matches_whole_words_only():
    names = ["NPR", "Zhou", "Wang"]
    assert find_seed_names("An unprecedented zhou-like case; Wangari spoke.", names) == []
    assert find_seed_names("As NPR reported, Zhou said.", names) == ["NPR", "Zhou"]


def test_no_fixture_story_uses_a_seed_name(tmp_path):
    names = seed_names(DATA)
    large = make_large_story(tmp_path / "large")
    for folder in (FIXTURES / "synthetic_story", large):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            assert find_seed_names(path.read_text(encoding="utf-8"), names) == [], path
