"""The disk cache: entries written whole, unreadable ones ignored, and a change of data or code never served stale."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from newslens import cache, study, validation
from newslens.study import Study

from .conftest import DATA, ROOT


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEWSLENS_CACHE_DIR", str(folder))
    monkeypatch.setattr(study, "_OPEN", {})
    return folder


def test_store_and_load(cache_dir):
    cache.store("t", "abc", {"x": pd.DataFrame({"a": [1.5, 2.5]})})
    got = cache.load("t", "abc")
    pd.testing.assert_frame_equal(got["x"], pd.DataFrame({"a": [1.5, 2.5]}))
    assert [p.name for p in cache_dir.iterdir()] == ["t-abc.pickle"]  # no temporary file left behind
    assert cache.load("t", "other") is None


def test_unreadable_entry_is_ignored(cache_dir):
    cache.store("t", "abc", [1, 2])
    (cache_dir / "t-abc.pickle").write_bytes(b"not a pickle")
    assert cache.load("t", "abc") is None


def test_off(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSLENS_CACHE_DIR", "off")
    cache.store("t", "abc", [1])
    assert cache.cache_dir() is None and cache.load("t", "abc") is None


def test_default_folder_is_outside_the_data(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSLENS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "newslens"


def test_key_depends_on_every_part_and_the_code(monkeypatch):
    assert cache.key("a", "b") != cache.key("a", "c")
    before = cache.key("a", "b")
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the package")
    assert cache.key("a", "b") != before


def test_code_version_covers_the_package_source():
    # every module of the package is read: an edit to any of them changes the version
    assert cache.code_version() == cache.code_version()
    package = ROOT / "src" / "newslens"
    assert (package / "cache.py").is_file() and len(list(package.glob("*.py"))) > 10


def _copy_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


class _Count:
    def __init__(self, monkeypatch):
        self.n = 0
        init = Study.__init__

        def counted(study_self, *args, **kwargs):
            self.n += 1
            init(study_self, *args, **kwargs)

        monkeypatch.setattr(Study, "__init__", counted)


def test_study_from_the_cache_is_identical(cache_dir, tmp_path, monkeypatch):
    data = _copy_data(tmp_path)
    built = _Count(monkeypatch)
    first = Study.open(data)
    facts, quotes = first.facts, first.quotes
    study._OPEN.clear()  # as a new kernel would
    second = Study.open(data)
    assert built.n == 1 and second is not first
    assert "facts" in second.__dict__  # read, not computed
    pd.testing.assert_frame_equal(second.facts, facts)
    pd.testing.assert_frame_equal(second.quotes, quotes)


def test_a_change_in_the_data_misses_the_cache(cache_dir, tmp_path, monkeypatch):
    data = _copy_data(tmp_path)
    built = _Count(monkeypatch)
    _ = Study.open(data).facts
    study._OPEN.clear()
    facts = data / "codebook" / "facts.yml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert "facts" not in Study.open(data).__dict__
    assert built.n == 2


def test_a_change_in_the_package_misses_the_cache(cache_dir, tmp_path, monkeypatch):
    data = _copy_data(tmp_path)
    built = _Count(monkeypatch)
    _ = Study.open(data).facts
    study._OPEN.clear()
    monkeypatch.setattr(cache, "code_version", lambda: "an edited package")
    assert "facts" not in Study.open(data).__dict__
    assert built.n == 2


def test_a_study_made_directly_is_not_cached(cache_dir):
    _ = Study(DATA).facts
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_validation_table_cached_and_missed_on_change(cache_dir, tmp_path, monkeypatch):
    folder = tmp_path / "validation"
    shutil.copytree(ROOT / "tests" / "validation", folder)
    first = validation.measure_validation(folder, data_dir=DATA)
    calls = []
    compute = validation._measure_validation
    monkeypatch.setattr(validation, "_measure_validation", lambda *a: calls.append(a) or compute(*a))
    again = validation.measure_validation(folder, data_dir=DATA)
    pd.testing.assert_frame_equal(again, first)
    assert calls == []
    lines = folder / "lines.csv"
    text = lines.read_text(encoding="utf-8").splitlines()
    header, rows = text[0], text[1:]
    label = header.split(",").index("label")
    row = rows[0].split(",")
    row[label] = "body" if row[label] != "body" else "boilerplate"
    lines.write_text("\n".join([header, ",".join(row), *rows[1:]]) + "\n", encoding="utf-8")
    changed = validation.measure_validation(folder, data_dir=DATA)
    assert len(calls) == 1
    assert not changed.equals(first)
