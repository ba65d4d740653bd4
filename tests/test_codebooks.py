"""newslens.codebooks: every codebook's shape is checked up front, and each mistake is named with its file and entry."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from newslens.codebooks import CODEBOOKS, check_codebooks
from newslens.corpus import CorpusError

from .conftest import DATA

STORY = Path(__file__).parent / "fixtures" / "synthetic_story"


@pytest.mark.parametrize("data", [DATA, STORY], ids=["project", "synthetic story"])
def test_the_real_codebooks_pass(data):
    assert check_codebooks(data_dir=data) == list(CODEBOOKS)


def test_only_the_named_codebooks_are_read(tmp_path):
    data = tmp_path / "data"
    (data / "codebook").mkdir(parents=True)
    shutil.copy(STORY / "codebook" / "terms.yml", data / "codebook")
    assert check_codebooks(["terms"], data) == ["terms"]
    with pytest.raises(CorpusError, match=r"facts\.yml: codebook not found"):
        check_codebooks(["terms", "facts"], data)
    with pytest.raises(ValueError, match="no codebook 'fact'"):
        check_codebooks(["fact"], data)


def _broken(tmp_path, name: str, change) -> Path:
    data = tmp_path / "data"
    shutil.copytree(STORY, data)
    path = data / "codebook" / f"{name}.yml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(book)
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    return data


@pytest.mark.parametrize("name, change, message", [
    ("furniture", lambda b: b.__setitem__("block_quotes", {"intro": ["At (\\w+):"]}),
     r"furniture\.yml: block_quotes: intro 1: 'At \(\\\\w\+\):' needs a named group \(\?P<outlet>\.\.\.\)"),
    ("furniture", lambda b: b.__setitem__("caption", "photo:.*"), r"furniture\.yml: caption: expected a list, got the text 'photo:\.\*'"),
    ("events", lambda b: b["events"][1].__setitem__("date", "March 11"),
     r"events\.yml: events #2 \(id 'spill'\): date: expected a date \(YYYY-MM-DD\), got the text 'March 11'"),
    ("facts", lambda b: b["facts"][0]["patterns"][0].__setitem__("with", ["(crush"]),
     r"facts\.yml: facts #1 \(id 'tank_leak'\): pattern 1: with: entry 1: '\(crush' is not a valid regular expression"),
    ("facts", lambda b: b["facts"][2].pop("definition"), r"facts\.yml: facts #3 \(id 'do_not_drink_notice'\): definition: expected a non-empty text, got nothing"),
    ("actors", lambda b: b["actors"][1].__setitem__("surnames", [None]), r"actors\.yml: actors #2 \(id 'residents'\): surnames: entry 1: expected a word"),
    ("speakers", lambda b: b["actors"][0].__setitem__("gender", "f"), r"speakers\.yml: actors #1 \(name 'Marta Lindqvist'\): gender: 'f' is not female, male or none"),
    ("speakers", lambda b: b["roles"][0].pop("cues"), r"speakers\.yml: roles #1 \(type 'fisher'\): cues: expected a non-empty list"),
    ("speakers", lambda b: b.__setitem__("focus", ["resident", "victim"]), r"speakers\.yml: focus: entry 2: 'victim' is not one of speaker_types"),
    ("speakers", lambda b: b.__setitem__("focus", "resident"), r"speakers\.yml: focus: expected a list, got the text 'resident'"),
    ("wording", lambda b: b["groups"][1].__setitem__("terms", []), r"wording\.yml: groups #2 \(id 'naming_site'\): terms: expected a non-empty list, got a list"),
    ("terms", lambda b: b.__setitem__("stop_words", {"a": 1}), r"terms\.yml: stop_words: expected a list, got a mapping"),
    ("frames", lambda b: b["nmf"].__setitem__("ks", [2, "three"]), r"frames\.yml: nmf: ks: entry 2: expected a whole number, got the text 'three'"),
    ("frames", lambda b: b["items"].pop("R2"), r"frames\.yml: frame item\(s\) without a rule: R2"),
    ("frames", lambda b: b["issue_frames"]["river_harm"].__setitem__("patterns", "river"), r"frames\.yml: issue_frames: river_harm: patterns: expected a non-empty list"),
])
def test_a_mistake_is_named_with_file_and_entry(tmp_path, name, change, message):
    data = _broken(tmp_path, name, change)
    with pytest.raises(CorpusError, match=message):
        check_codebooks(data_dir=data)


def test_a_fact_must_point_to_a_known_event(tmp_path):
    data = _broken(tmp_path, "facts", lambda b: b["facts"][1].__setitem__("event", "strike"))
    with pytest.raises(CorpusError, match=r"facts\.yml: facts #2 \(id 'fish_kill'\): event: 'strike' is not an event of events\.yml"):
        check_codebooks(data_dir=data)
    assert check_codebooks(["facts"], data) == ["facts"]  # without events.yml in the check, a fact's event is not tested


def test_numbers_count_as_words(tmp_path):
    data = _broken(tmp_path, "speakers", lambda b: b.__setitem__("not_speakers", [2024, "Monday"]))
    assert "speakers" in check_codebooks(data_dir=data)


def test_yaml_true_false_word_must_be_quoted(tmp_path):
    """YAML 1.1 reads a bare On or No as true/false, which would silently drop the word."""
    data = _broken(tmp_path, "speakers", lambda b: b.__setitem__("not_speakers", ["Monday", True]))
    with pytest.raises(CorpusError, match=r"speakers\.yml: not_speakers: entry 2: YAML read this word as true; put it in quotes"):
        check_codebooks(data_dir=data)


def test_speakers_focus_may_name_known_types(tmp_path):
    data = _broken(tmp_path, "speakers", lambda b: b.__setitem__("focus", ["resident", "fisher"]))
    assert "speakers" in check_codebooks(["speakers"], data)


def _with_pattern(pattern):
    return lambda b: b["facts"][0]["patterns"].append(pattern)


@pytest.mark.parametrize("pattern, message", [
    ({"lemmas": "injure"}, r"pattern 2: lemmas: expected a non-empty list, got the text 'injure'"),
    ({"lemmas": [[], "belt"]}, r"pattern 2: lemmas: slot 1: expected a non-empty list, got a list"),
    ({"lemmas": [["crush", {"a": 1}], "belt"]}, r"pattern 2: lemmas: slot 1: entry 2: expected a word or phrase, got a mapping"),
    ({"lemmas": [True, "belt"]}, r"pattern 2: lemmas: slot 1: YAML read this word as true; put it in quotes"),
    ({"lemmas": ["in*", "belt"]}, r"pattern 2: lemmas: slot 1 of 'lemmas': a prefix needs at least 3 letters before one final '\*', got 'in\*'"),
    ({"lemmas": ["injure", "belt"], "window": 1}, r"pattern 2: lemmas: 'window' must be a whole number of tokens, at least the number of slots \(2\), got 1"),
    ({"lemmas": ["injure", "belt"], "window": "near"}, r"pattern 2: lemmas: 'window' must be a whole number"),
    ({"any": ["belt"], "window": 5}, r"pattern 2: window: belongs to a 'lemmas' cue; add 'lemmas' or remove 'window'"),
    ({"lemma": ["belt"]}, r"pattern 2: unknown key 'lemma'; did you mean 'lemmas'\?"),
    ({"with": ["belt"]}, r"pattern 2: a pattern needs 'any' \(regexes\), 'words' \(literal words\) or 'lemmas' \(word sets\)"),
])
def test_a_bad_lemma_cue_is_named(tmp_path, pattern, message):
    data = _broken(tmp_path, "facts", _with_pattern(pattern))
    with pytest.raises(CorpusError, match=r"facts\.yml: facts #1 \(id 'tank_leak'\): " + message):
        check_codebooks(data_dir=data)


def test_a_good_lemma_cue_passes(tmp_path):
    data = _broken(tmp_path, "facts", _with_pattern({"lemmas": [["injure", "crush*"], "belt"], "window": 6, "without": ["drill"]}))
    assert "facts" in check_codebooks(data_dir=data)


@pytest.mark.parametrize("change, message", [
    (lambda b: b["items"]["R1"]["cues"][0].__setitem__("alll", ["x"]), r"frames\.yml: items: item R1: cue 1: unknown key 'alll'; did you mean 'all'\?"),
    (lambda b: b["responsibility"]["cues"][0].__setitem__("looks", "x"), r"frames\.yml: responsibility: cue 1: unknown key 'looks'"),
    (lambda b: b["lexicons"].__setitem__("new", "x"), r"frames\.yml: lexicons: new: expected a list, got the text 'x'"),
    (lambda b: b["nmf"].__setitem__("top_terms", 2.5), r"frames\.yml: nmf: top_terms: expected a whole number, got the number 2\.5"),
])
def test_a_schema_error_is_told_with_the_place_a_reader_finds(tmp_path, change, message):
    data = _broken(tmp_path, "frames", change)
    with pytest.raises(CorpusError, match=message):
        check_codebooks(["frames"], data)


def test_every_codebook_kind_has_a_schema():
    from newslens.codebooks import SCHEMAS

    assert set(SCHEMAS) == set(CODEBOOKS)


def test_a_speaker_type_label_for_an_unknown_type_is_refused(tmp_path):
    import shutil

    from newslens.codebooks import check_codebooks
    from newslens.errors import NewslensError

    data = tmp_path / "data"
    shutil.copytree(STORY, data)
    path = data / "codebook" / "speakers.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\nspeaker_type_labels:\n  no_such_type: Somebody\n", encoding="utf-8")
    with pytest.raises(NewslensError, match=r"speakers\.yml.*speaker_type_labels.*no_such_type.*not one of speaker_types"):
        check_codebooks(["speakers"], data)
